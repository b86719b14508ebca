"""load_inputs on a real Spark session gives what the DuckDB ingest gives for the same files."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pytest
import zstandard

from starchart import api, store
from starchart.engine.archive import kept_events_sql
from starchart.engine.catalog import CATALOG_COLUMNS, read_catalog
from starchart.engine.readers import write_table
from starchart.engine.spark_inputs import load_inputs
from tests.engine.test_ingest import (
    MIXED_ROWS,
    ev,
    events_table,
    late_event_ids_jsonl,
    write_catalog,
    write_events,
)

pytestmark = pytest.mark.spark

COUNT_KEYS = ("read", "accepted", "quarantined", "duplicates")


@pytest.fixture()
def inputs(tmp_path: Path) -> tuple[Path, list[Path]]:
    """Every format, bad rows of every kind, repeated ids, a re-sent copy, awkward CSV/JSON."""
    catalog = write_catalog(tmp_path / "catalog.csv")
    folder = tmp_path / "events"
    files = [
        write_table(folder / "a.csv", events_table(
            [*MIXED_ROWS, ev(event_id="e1"), ev(event_id="e1", seconds="5"),
             ev(seconds="90000"), ev(seconds="1e3"), ev(seconds="-1"),
             ev(started_at="2025-02-29T01:00:00")])),
        write_table(folder / "b.tsv.gz", events_table(
            [ev(event_id="e1"), ev(event_id="e2", country="JP"), ev(event_id="e2")])),
        write_table(folder / "c.jsonl.zst", events_table(
            [ev("s1", event_id="e3", started_at="2025-03-31T08:00:00+09:00"),
             ev(event_id="e3", country="UK"), ev(event_id=" ")])),
        write_table(folder / "d.parquet", events_table(MIXED_ROWS)),
    ]
    copy = folder / "e-resent.parquet"
    shutil.copy(files[-1], copy)
    awkward = folder / "f.csv"
    awkward.write_text(
        "event_id,profile_id,title_id,country,started_at,seconds_viewed,note\n"
        'x1,p1,f1,US,2025-03-30T12:00:00Z,60,"two\nlines"\n'
        "x2,p2,f1,US\n"
        "x3,p3,f1,US,2025-03-30T12:00:00Z,60,,extra\n"
    )
    broken_json = folder / "g.ndjson"
    broken_json.write_text(
        json.dumps(ev(event_id="y1")) + "\n{not json\n\n" + json.dumps(ev(seconds="7"))
        + "\n[1]\n   \nnull\n{}\n" + json.dumps(ev(seconds="8")) + "\n"
    )
    # The same awkward text compressed with zstd: Spark reads it on an executor, record by
    # record (a quoted line break inside one), and must number and parse it the same way.
    zstd = zstandard.ZstdCompressor()
    awkward_zst = folder / "h.csv.zst"
    awkward_zst.write_bytes(zstd.compress(awkward.read_bytes().replace(b"x1,", b"z1,")
                                          .replace(b"x2,", b"z2,").replace(b"x3,", b"z3,")))
    broken_zst = folder / "i.ndjson.zst"
    broken_zst.write_bytes(zstd.compress(broken_json.read_bytes().replace(b"y1", b"w1")))
    # Typed Parquet: integer seconds and zoned timestamps, read as they are by both engines.
    typed = write_table(folder / "j-typed.parquet", pa.table({
        "event_id": ["t1", "t2", "t3", "e2"],
        "profile_id": ["p1", "p2", "p3", "p4"],
        "title_id": ["f1", "s1", "f1", "f1"],
        "country": ["US", "DE", "BR", "US"],
        "started_at": pa.array(
            [dt.datetime(2025, 3, 30, 8, 0), dt.datetime(2025, 3, 30, 9, 0, 0, 500),
             dt.datetime(2250, 1, 1), dt.datetime(2025, 3, 30, 10, 0)],
            pa.timestamp("us", tz="Asia/Tokyo")),
        "seconds_viewed": pa.array([60, -1, 5, 86401], pa.int64()),
    }))
    # An event_id first given past the 256 KB both engines sample, plain and on an executor.
    late = late_event_ids_jsonl(folder / "k-late.jsonl")
    late_zst = folder / "l-late.ndjson.zst"
    late_zst.write_bytes(zstd.compress(late.read_bytes().replace(b'"late"', b'"late2"')))
    return catalog, [*files, copy, awkward, broken_json, awkward_zst, broken_zst, typed, late,
                     late_zst]


def duckdb_ingest(db: Path, catalog: Path, files: list[Path]) -> dict[str, Any]:
    return api.ingest(catalog=catalog, events=files, db=db, keep_events=True)


def rows_of(table: Any, columns: list[str]) -> Counter[tuple[Any, ...]]:
    return Counter(tuple(r[c] for c in columns) for r in table.to_pyarrow().to_pylist())


def test_load_inputs_matches_duckdb_ingest(
    spark: Any, tmp_db: Path, inputs: tuple[Path, list[Path]]
) -> None:
    catalog, files = inputs
    expected = duckdb_ingest(tmp_db, catalog, files)
    got = load_inputs(spark, catalog, [str(f) for f in files])

    assert {k: got.counts[k] for k in COUNT_KEYS} == {k: expected[k] for k in COUNT_KEYS}
    assert got.counts["by_reason"] == expected["by_reason"]
    assert [(f["path"], *(f[k] for k in COUNT_KEYS)) for f in got.counts["files"]] == [
        (f["path"], *(f[k] for k in COUNT_KEYS)) for f in expected["files"]
    ]
    assert expected["read"] == expected["accepted"] + expected["quarantined"] + expected[
        "duplicates"]
    assert all(expected["by_reason"].values()), expected["by_reason"]  # every reason exercised

    q_cols = ["source_file", "source_row", "reason", "detail", "raw"]
    duck_q = api.quarantine(db=tmp_db)
    assert rows_of(got.quarantined, q_cols) == Counter(
        tuple(r) for r in duck_q[q_cols].itertuples(index=False)
    )
    ev_cols = ["event_id", "profile_id", "title_id", "country", "started_at", "seconds_viewed"]
    with store.opened(tmp_db, read_only=True) as con:
        stored = con.execute(
            f"SELECT {', '.join(ev_cols)} FROM {kept_events_sql(tmp_db)}").fetchall()
    assert rows_of(got.accepted, ev_cols) == Counter(stored)
    assert len(stored) == expected["accepted"]

    assert got.accepted.schema()["started_at"].is_timestamp()
    assert got.accepted.schema()["seconds_viewed"].is_int64()
    assert list(got.catalog.columns) == list(CATALOG_COLUMNS)
    assert got.catalog.to_pyarrow().to_pylist() == read_catalog(catalog).to_pylist()


def test_row_numbers_across_many_splits(
    spark: Any, tmp_db: Path, tmp_path: Path
) -> None:
    """A JSON Lines file read as many small splits still numbers rows in file order."""
    catalog = write_catalog(tmp_path / "catalog.csv")
    path = tmp_path / "many.jsonl"
    duckdb.execute(
        f"""COPY (SELECT 'p' || i AS profile_id, 'f1' AS title_id,
                   CASE WHEN i % 97 = 0 THEN 'UK' ELSE 'US' END AS country,
                   '2025-03-30T12:00:00Z' AS started_at, i % 500 AS seconds_viewed
            FROM range(1, 5001) t(i)) TO '{path}' (FORMAT json)"""
    )
    previous = spark.conf.get("spark.sql.files.maxPartitionBytes")
    spark.conf.set("spark.sql.files.maxPartitionBytes", "16384")
    try:
        got = load_inputs(spark, catalog, [str(path)])
        rows = sorted(r["source_row"] for r in got.quarantined.to_pyarrow().to_pylist())
    finally:
        spark.conf.set("spark.sql.files.maxPartitionBytes", previous)
    assert got.counts["read"] == 5000
    assert rows == list(range(97, 5001, 97))
    assert sorted(api.quarantine(db=duckdb_db(tmp_db, catalog, path)).source_row) == rows


def duckdb_db(db: Path, catalog: Path, path: Path) -> Path:
    api.ingest(catalog=catalog, events=[path], db=db)
    return db


@pytest.fixture()
def bad_files(tmp_path: Path) -> Iterator[tuple[Path, list[Path]]]:
    catalog = write_catalog(tmp_path / "catalog.csv")
    png = tmp_path / "events.csv"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(32))
    wrong = tmp_path / "other.parquet"
    write_table(wrong, events_table([ev()]).drop_columns(["country"]))
    yield catalog, [png, wrong]


def test_bad_files_refused_the_same_way(
    spark: Any, bad_files: tuple[Path, list[Path]]
) -> None:
    catalog, (png, wrong) = bad_files
    with pytest.raises(ValueError, match=r"events.csv: not a CSV file: it is a PNG image"):
        load_inputs(spark, catalog, [str(png)])
    with pytest.raises(ValueError, match=r"other.parquet: not an events file: missing column"):
        load_inputs(spark, catalog, [str(wrong)])
    bad_catalog = write_catalog(catalog.parent / "bad.csv",
                                ["f1,Lantern,,film,en,-5,2025-03-03,true,,"])
    with pytest.raises(ValueError, match=r"bad.csv row 1 \(title_id f1\): runtime_minutes"):
        load_inputs(spark, bad_catalog, [])
    # A gzip file cut short passes the sampled checks; Spark fails mid-read: name it.
    rows = ["event_id,profile_id,title_id,country,started_at,seconds_viewed"] + [
        f"e{i},p{i},f1,US,2025-03-30T12:00:00Z,{i % 3000}" for i in range(200_000)
    ]
    data = gzip.compress(("\n".join(rows) + "\n").encode(), compresslevel=1)
    cut = catalog.parent / "cut.csv.gz"
    cut.write_bytes(data[: len(data) * 7 // 10])
    good = write_events(catalog.parent / "good.csv", [ev()])
    with pytest.raises(
        ValueError, match=r"cut.csv.gz: cannot be read as CSV: Unexpected end of input stream"
    ):
        load_inputs(spark, catalog, [str(good), str(cut)])
    # Spark (Hadoop) globs too: ev[1].csv would read ev1.csv.
    write_events(catalog.parent / "ev1.csv", [ev()])
    odd = write_events(catalog.parent / "ev[1].csv", [ev()])
    with pytest.raises(ValueError, match=r"ev\[1\]\.csv: the path contains \["):
        load_inputs(spark, catalog, [str(odd)])
