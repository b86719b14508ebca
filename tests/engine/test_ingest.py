"""DuckDB ingest through starchart.api: quarantine, refusals, duplicates, formats, paths.

Every ingest here keeps its accepted events (``$STARCHART_KEEP_EVENTS``), so each test can
check the exact rows accepted through the Parquet archive, and :func:`stored_events` checks
that the store's rollups add up to exactly those rows.
"""

from __future__ import annotations

import datetime as dt
import gzip
import shutil
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from starchart import api, store
from starchart.engine.archive import KEEP_EVENTS_ENV, archive_dir, kept_events_sql
from starchart.engine.readers import write_table
from starchart.engine.validate import REASONS

CATALOG_HEADER = (
    "title_id,show_title,season_title,kind,original_language,runtime_minutes,release_date,"
    "original,genres,synopsis"
)
CATALOG_ROWS = [
    "f1,Lantern,,film,en,109,2025-03-03,true,Drama|Thriller,A keeper and a storm.",
    "s1,Harbour,Harbour: Season 1,tv,de,400,2024-11-01,false,Crime,",
]
EVENT_FIELDS = ("event_id", "profile_id", "title_id", "country", "started_at", "seconds_viewed")


def ev(
    title_id: str | None = "f1",
    *,
    event_id: str | None = None,
    profile_id: str | None = "p1",
    country: str | None = "US",
    started_at: str | None = "2025-03-30T12:00:00Z",
    seconds: str | None = "3600",
) -> dict[str, str | None]:
    return {
        "event_id": event_id,
        "profile_id": profile_id,
        "title_id": title_id,
        "country": country,
        "started_at": started_at,
        "seconds_viewed": seconds,
    }


def events_table(rows: list[dict[str, str | None]]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=pa.schema([(f, pa.string()) for f in EVENT_FIELDS]))


def write_events(path: Path, rows: list[dict[str, str | None]]) -> Path:
    return write_table(path, events_table(rows))


def write_catalog(path: Path, rows: list[str] | None = None, header: str = CATALOG_HEADER) -> Path:
    path.write_text("\n".join([header, *(CATALOG_ROWS if rows is None else rows)]) + "\n")
    return path


@pytest.fixture(autouse=True)
def keep_events(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEEP_EVENTS_ENV, "1")


def snapshot(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Everything ingest may touch, to prove a refused call changed nothing."""
    with store.opened(db, read_only=True) as con:
        tables = {
            table: sorted(con.execute(f"SELECT {cols} FROM {table}").fetchall(), key=repr)
            for table, cols in (
                ("catalog", "* EXCLUDE (synopsis)"),
                ("daily_viewing", "*"),
                ("profile_title", "*"),
                ("event_fingerprints", "*"),
                ("dirty_weeks", "*"),
                ("ingest_loads", "* EXCLUDE (ingested_at)"),
                ("quarantine", "* EXCLUDE (detail)"),
                ("ingested_files", "* EXCLUDE (ingested_at)"),
            )
        }
    tables["archive"] = sorted(str(p.relative_to(db.parent))
                               for p in archive_dir(db).rglob("*") if p.is_file())
    return tables


def stored_events(db: Path) -> list[tuple[Any, ...]]:
    """The accepted events (from the archive), after checking that the store's rollups and
    fingerprints hold exactly these events."""
    with store.opened(db, read_only=True) as con:
        source = kept_events_sql(db)
        if source is None:
            assert con.execute("SELECT count(*) FROM daily_viewing").fetchone() == (0,)
            return []
        rows = con.execute(
            "SELECT event_id, profile_id, title_id, country, started_at, seconds_viewed, "
            f"source_file, source_row FROM {source} ORDER BY source_file, source_row"
        ).fetchall()
        daily = con.execute(
            "SELECT day, country, title_id, seconds_viewed, events FROM daily_viewing "
            "ORDER BY ALL").fetchall()
        profiles = con.execute(
            "SELECT profile_id, title_id, seconds_viewed, sessions, first_watched, "
            "last_watched FROM profile_title ORDER BY ALL").fetchall()
        fingerprints = sorted(r[0] for r in con.execute(
            "SELECT fingerprint FROM event_fingerprints").fetchall())
        expected_fps = sorted(r[0] for r in con.execute(
            f"SELECT md5_number(event_id) FROM {source} WHERE event_id IS NOT NULL").fetchall())
    assert daily == _daily_of(rows)
    assert profiles == _profiles_of(rows)
    assert fingerprints == expected_fps
    return rows


def _daily_of(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    sums: dict[tuple[Any, ...], list[int]] = {}
    for _, _, title_id, country, started_at, seconds, _, _ in rows:
        entry = sums.setdefault((started_at.date(), country, title_id), [0, 0])
        entry[0] += seconds
        entry[1] += 1
    return sorted((*k, v[0], v[1]) for k, v in sums.items())


def _profiles_of(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    out: dict[tuple[str, str], list[Any]] = {}
    for _, profile, title_id, _, started_at, seconds, _, _ in rows:
        entry = out.setdefault((profile, title_id), [0, 0, started_at, started_at])
        entry[0] += seconds
        entry[1] += 1
        entry[2] = min(entry[2], started_at)
        entry[3] = max(entry[3], started_at)
    return sorted((*k, *v) for k, v in out.items())


@pytest.fixture()
def catalog(tmp_path: Path) -> Path:
    return write_catalog(tmp_path / "catalog.csv")


def test_every_reason_quarantined_with_file_and_row(
    tmp_db: Path, tmp_path: Path, catalog: Path
) -> None:
    rows = [
        ev(),  # 1 good
        ev(profile_id=""),  # 2
        ev(started_at="31/03/2025 08:00"),  # 3
        ev(seconds="1.5"),  # 4
        ev(seconds="-30"),  # 5
        ev(seconds="86401"),  # 6
        ev(country="UK"),  # 7
        ev("nope"),  # 8
        ev("s1", country="GB", started_at="2025-03-31T08:00:00+09:00"),  # 9 good
        ev(seconds="abc"),  # 10
    ]
    path = write_events(tmp_path / "events.csv", rows)
    report = api.ingest(catalog=catalog, events=[path], db=tmp_db)
    assert (report["read"], report["accepted"], report["quarantined"], report["duplicates"]) == (
        10, 2, 8, 0,
    )
    assert report["by_reason"] == {
        "invalid_json": 0,
        "missing_field": 1,
        "unparseable_timestamp": 1,
        "invalid_seconds": 2,
        "negative_seconds": 1,
        "over_24_hours": 1,
        "invalid_country": 1,
        "unknown_title_id": 1,
    }
    q = api.quarantine(db=tmp_db)
    assert list(q.columns) == ["source_file", "source_row", "reason", "detail", "raw"]
    assert set(q.source_file) == {str(path.resolve())}
    assert list(zip(q.source_row, q.reason, strict=True)) == [
        (2, "missing_field"),
        (3, "unparseable_timestamp"),
        (4, "invalid_seconds"),
        (5, "negative_seconds"),
        (6, "over_24_hours"),
        (7, "invalid_country"),
        (8, "unknown_title_id"),
        (10, "invalid_seconds"),
    ]
    assert q.detail.iloc[5] == "country 'UK' is not an ISO 3166-1 alpha-2 code"
    assert '"country":"UK"' in q.raw.iloc[5]
    only = api.quarantine(reason="invalid_seconds", limit=1, db=tmp_db)
    assert list(only.source_row) == [4]
    events = stored_events(tmp_db)
    assert [(e[2], e[4], e[5], e[7]) for e in events] == [
        ("f1", dt.datetime(2025, 3, 30, 12, 0), 3600, 1),
        ("s1", dt.datetime(2025, 3, 30, 23, 0), 3600, 9),  # +09:00 honoured, stored in UTC
    ]


def test_unknown_reason_filter_is_an_error(tmp_db: Path, catalog: Path) -> None:
    api.ingest(catalog=catalog, db=tmp_db)
    with pytest.raises(ValueError, match="unknown reason 'UK'"):
        api.quarantine(reason="UK", db=tmp_db)


FORMATS = (
    "csv", "csv.gz", "csv.zst", "tsv", "tsv.gz", "jsonl", "jsonl.gz", "ndjson", "ndjson.zst",
    "parquet",
)
MIXED_ROWS = [
    ev(),
    ev("s1", country="KR", started_at="2025-03-29T23:30:00-05:00", seconds="600"),
    ev(country="UK"),
    ev(profile_id=None),
    ev(started_at="2025-03-30 10:15:00.250", seconds="59"),
    ev("zz"),
]


@pytest.mark.parametrize("suffix", FORMATS)
def test_each_format_loads_the_same(
    tmp_db: Path, tmp_path: Path, catalog: Path, suffix: str
) -> None:
    path = write_events(tmp_path / f"events.{suffix}", MIXED_ROWS)
    report = api.ingest(catalog=catalog, events=[path], db=tmp_db)
    assert (report["read"], report["accepted"], report["quarantined"]) == (6, 3, 3)
    (figures,) = report["files"]
    assert figures["format"] == suffix.split(".")[0].replace("ndjson", "jsonl")
    assert [(e[2], e[3], e[4], e[5], e[7]) for e in stored_events(tmp_db)] == [
        ("f1", "US", dt.datetime(2025, 3, 30, 12, 0), 3600, 1),
        ("s1", "KR", dt.datetime(2025, 3, 30, 4, 30), 600, 2),
        ("f1", "US", dt.datetime(2025, 3, 30, 10, 15, 0, 250000), 59, 5),
    ]
    q = api.quarantine(db=tmp_db)
    assert list(zip(q.source_row, q.reason, strict=True)) == [
        (3, "invalid_country"), (4, "missing_field"), (6, "unknown_title_id"),
    ]


def test_typed_parquet_columns(tmp_db: Path, tmp_path: Path, catalog: Path) -> None:
    """Parquet written by a program: integer seconds, real timestamps (with a zone too)."""
    table = pa.table(
        {
            "profile_id": ["p1", "p2", "p3"],
            "title_id": ["f1", "f1", "s1"],
            "country": ["US", "DE", "BR"],
            "started_at": pa.array(
                [dt.datetime(2025, 3, 30, 8, 0), dt.datetime(2025, 3, 30, 9, 0, 0, 500),
                 dt.datetime(2025, 3, 30, 10, 0)],
                pa.timestamp("us", tz="Asia/Tokyo"),
            ),
            "seconds_viewed": pa.array([60, -1, 86400], pa.int64()),
        }
    )
    path = write_table(tmp_path / "typed.parquet", table)
    report = api.ingest(catalog=catalog, events=[path], db=tmp_db)
    assert (report["accepted"], report["by_reason"]["negative_seconds"]) == (2, 1)
    rows = stored_events(tmp_db)
    assert [(e[4], e[5]) for e in rows] == [
        (dt.datetime(2025, 3, 30, 8, 0), 60),  # the instant, in UTC
        (dt.datetime(2025, 3, 30, 10, 0), 86400),
    ]
    assert api.quarantine(db=tmp_db).source_row.tolist() == [2]  # 1-based for Parquet too


def test_csv_row_numbers_survive_quoted_newlines_and_short_rows(
    tmp_db: Path, tmp_path: Path, catalog: Path
) -> None:
    path = tmp_path / "events.csv"
    path.write_text(
        "profile_id,title_id,country,started_at,seconds_viewed,note\n"
        'p1,f1,US,2025-03-30T12:00:00Z,60,"two\nlines"\n'
        "p2,f1,US\n"
        "p3,f1,US,2025-03-30T12:00:00Z,60,,extra,fields\n"
        "p4,f1,UK,2025-03-30T12:00:00Z,60,\n"
    )
    report = api.ingest(catalog=catalog, events=[path], db=tmp_db)
    assert (report["read"], report["accepted"], report["quarantined"]) == (4, 2, 2)
    q = api.quarantine(db=tmp_db)
    assert list(zip(q.source_row, q.reason, strict=True)) == [
        (2, "missing_field"), (4, "invalid_country"),
    ]
    assert q.detail.iloc[0] == "missing started_at"


def test_row_numbers_in_a_big_csv(tmp_db: Path, tmp_path: Path, catalog: Path) -> None:
    """DuckDB reads big files in parallel; the numbering must still be the file's order."""
    path = tmp_path / "big.csv.gz"
    duckdb.execute(
        f"""COPY (SELECT 'e' || i AS event_id, 'p' || i AS profile_id, 'f1' AS title_id,
                   CASE WHEN i % 9973 = 0 THEN 'UK' ELSE 'US' END AS country,
                   '2025-03-30 12:00:00' AS started_at, i % 3600 AS seconds_viewed
            FROM range(1, 300001) t(i)) TO '{path}' (HEADER, COMPRESSION gzip)"""
    )
    report = api.ingest(catalog=catalog, events=[path], db=tmp_db)
    assert report["read"] == 300_000
    q = api.quarantine(db=tmp_db)
    assert q.source_row.tolist() == list(range(9973, 300_001, 9973))
    with store.opened(tmp_db, read_only=True) as con:
        mismatched = con.execute(
            f"SELECT count(*) FROM {kept_events_sql(tmp_db)} WHERE event_id <> 'e' || source_row"
        ).fetchone()
    assert mismatched == (0,)


def test_malformed_json_line_is_quarantined_with_its_row(
    tmp_db: Path, tmp_path: Path, catalog: Path
) -> None:
    path = tmp_path / "events.jsonl"
    good = (
        '{"profile_id": "p1", "title_id": "f1", "country": "US", '
        '"started_at": "2025-03-30T12:00:00Z", "seconds_viewed": 60}'
    )
    lines = [good, "{oops", good.replace("60", "60.0"), "", "[1]", "{}", "  ", '"text"']
    path.write_text("\n".join(lines) + "\n")
    report = api.ingest(catalog=catalog, events=[path], db=tmp_db)
    assert (report["read"], report["accepted"], report["quarantined"]) == (6, 2, 4)
    assert report["by_reason"]["invalid_json"] == 3
    q = api.quarantine(db=tmp_db)
    # Rows are numbered as read, blank lines skipped; a line that is not a JSON object keeps
    # its text; "{}" is an object with every field missing.
    assert list(zip(q.source_row, q.reason, q.raw, q.detail, strict=True)) == [
        (2, "invalid_json", "{oops", "line '{oops' is not a JSON object"),
        (4, "invalid_json", "[1]", "line '[1]' is not a JSON object"),
        (5, "missing_field", q.raw[2], "missing profile_id"),
        (6, "invalid_json", '"text"', "line '\"text\"' is not a JSON object"),
    ]
    assert api.quarantine(reason="invalid_json", db=tmp_db).source_row.tolist() == [2, 4, 6]


def test_file_names_with_glob_characters_are_refused(
    tmp_db: Path, tmp_path: Path, catalog: Path
) -> None:
    """DuckDB would read ``ev[1].csv`` as the pattern matching ``ev1.csv``: never silently."""
    folder = tmp_path / "drop"
    write_events(folder / "ev1.csv", [ev(event_id="plain")])
    odd = write_events(folder / "ev[1].csv", [ev(event_id="bracketed")])
    for named in ([odd], [folder], [str(folder / "ev*.csv")]):
        with pytest.raises(ValueError, match=r"ev\[1\]\.csv: the path contains \[.*rename it"):
            api.ingest(catalog=catalog, events=named, db=tmp_db)
    braced = write_catalog(tmp_path / "catalog{2}.csv")
    with pytest.raises(ValueError, match=r"catalog\{2\}\.csv: the path contains \{"):
        api.ingest(catalog=braced, db=tmp_db)
    # Patterns the user passes are still patterns, expanded by starchart itself.
    odd.unlink()
    api.ingest(catalog=catalog, events=[str(folder / "ev*.csv")], db=tmp_db)
    assert [e[0] for e in stored_events(tmp_db)] == ["plain"]


def test_directories_and_globs(tmp_db: Path, tmp_path: Path, catalog: Path) -> None:
    folder = tmp_path / "drop"
    write_events(folder / "day1.csv", [ev(event_id="a1")])
    write_events(folder / "nested" / "day2.parquet", [ev(event_id="a2")])
    write_events(folder / "nested" / "day3.jsonl.gz", [ev(event_id="a3")])
    (folder / "README.txt").write_text("not data")
    write_events(folder / ".hidden.csv", [ev(event_id="hidden")])
    write_events(folder / "_tmp" / "partial.csv", [ev(event_id="partial")])
    report = api.ingest(catalog=catalog, events=[folder], db=tmp_db)
    assert [Path(f["path"]).name for f in report["files"]] == [
        "day1.csv", "day2.parquet", "day3.jsonl.gz",
    ]
    other = tmp_path / "more"
    for i in range(3):
        write_events(other / f"part-{i}.csv", [ev(event_id=f"b{i}")])
    write_events(other / "part-9.tsv", [ev(event_id="b9")])
    report = api.ingest(events=[str(other / "part-*.csv")], db=tmp_db)
    assert report["accepted"] == 3
    assert sorted(e[0] for e in stored_events(tmp_db)) == ["a1", "a2", "a3", "b0", "b1", "b2"]
    with pytest.raises(ValueError, match=r"no readable files match this pattern"):
        api.ingest(events=[str(other / "*.parquet")], db=tmp_db)
    with pytest.raises(FileNotFoundError, match="missing.csv: no such file or directory"):
        api.ingest(events=[tmp_path / "missing.csv"], db=tmp_db)
    with pytest.raises(ValueError, match=r"README.txt: unsupported file type"):
        api.ingest(events=[folder / "README.txt"], db=tmp_db)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ValueError, match="directory holds no readable files"):
        api.ingest(events=[empty], db=tmp_db)


def test_a_folder_holding_the_store_never_reads_its_own_archive(
    tmp_path: Path, catalog: Path
) -> None:
    """``ingest data/`` where data/ also holds the store: the events the store kept beside it
    (``--keep-events``) are not new events; read again, those without an id counted twice."""
    data = tmp_path / "data"
    db = data / "starchart.duckdb"
    write_events(data / "in" / "day1.csv", [ev(), ev("s1", profile_id="p2")])  # no event_id
    first = api.ingest(catalog=catalog, events=[data], db=db)
    assert first["accepted"] == 2 and list(archive_dir(db).glob("week=*/*.parquet"))
    write_events(data / "in" / "day2.csv", [ev(profile_id="p3")])
    second = api.ingest(events=[data], db=db)
    assert [Path(f["path"]).name for f in second["files"]] == ["day1.csv", "day2.csv"]
    assert (second["read"], second["accepted"], second["duplicates"]) == (3, 1, 2)
    with store.opened(db, read_only=True) as con:
        assert con.execute("SELECT sum(events) FROM daily_viewing").fetchone() == (3,)
    kept = next(archive_dir(db).glob("week=*/*.parquet"))
    for named in (archive_dir(db), kept, str(archive_dir(db) / "week=*" / "*.parquet")):
        with pytest.raises(ValueError, match="where this store keeps the events") as err:
            api.ingest(events=[named], db=db)
        assert str(archive_dir(db)) in str(err.value)
    other = tmp_path / "other.duckdb"  # another store may load it (reprocessing)
    api.ingest(catalog=catalog, db=other)
    assert api.ingest(events=[archive_dir(db)], db=other)["accepted"] == 3


def refused(
    tmp_db: Path, tmp_path: Path, catalog: Path, bad: Path, message: str
) -> None:
    """A call with a catalog, a good file and ``bad`` fails naming ``bad`` and changes nothing."""
    api.ingest(catalog=catalog, events=[write_events(tmp_path / "first.csv", [ev()])], db=tmp_db)
    before = snapshot(tmp_db)
    good = write_events(tmp_path / "good.csv", [ev(event_id="x1"), ev(country="UK")])
    changed = write_catalog(tmp_path / "catalog2.csv", [CATALOG_ROWS[0].replace("109", "95")])
    with pytest.raises(ValueError) as err:
        api.ingest(catalog=changed, events=[good, bad], db=tmp_db)
    assert str(bad.resolve()) in str(err.value)
    assert message in str(err.value)
    assert snapshot(tmp_db) == before


def test_wrong_columns_refused_and_nothing_loaded(
    tmp_db: Path, tmp_path: Path, catalog: Path
) -> None:
    bad = tmp_path / "sales.csv"
    bad.write_text("order_id,amount\n1,9.99\n")
    refused(tmp_db, tmp_path, catalog, bad,
            "not an events file: missing column(s) profile_id, title_id, country, started_at, "
            "seconds_viewed (found: order_id, amount)")


def test_png_named_csv_refused(tmp_db: Path, tmp_path: Path, catalog: Path) -> None:
    bad = tmp_path / "events.csv"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    refused(tmp_db, tmp_path, catalog, bad, "not a CSV file: it is a PNG image")


def test_text_named_parquet_refused(tmp_db: Path, tmp_path: Path, catalog: Path) -> None:
    bad = tmp_path / "events.parquet"
    bad.write_text("profile_id,title_id\np1,f1\n")
    refused(tmp_db, tmp_path, catalog, bad, "not a Parquet file: it is text")


def test_truncated_parquet_refused(tmp_db: Path, tmp_path: Path, catalog: Path) -> None:
    whole = write_events(tmp_path / "whole.parquet", [ev()] * 50).read_bytes()
    bad = tmp_path / "cut.parquet"
    bad.write_bytes(whole[: len(whole) // 2] + b"PAR1")
    refused(tmp_db, tmp_path, catalog, bad, "not a readable Parquet file")


def test_misnamed_compression_and_binary_refused(
    tmp_db: Path, tmp_path: Path, catalog: Path
) -> None:
    plain = tmp_path / "events.csv.gz"
    plain.write_text("profile_id,title_id,country,started_at,seconds_viewed\n")
    refused(tmp_db, tmp_path, catalog, plain, "named .gz but is not gzip data")
    zipped = tmp_path / "events2.csv"
    zipped.write_bytes(gzip.compress(b"profile_id,title_id\n"))
    refused(tmp_db, tmp_path, catalog, zipped, "not a CSV file: it is gzip-compressed data")
    noise = tmp_path / "events.jsonl.zst"
    noise.write_bytes(b"\x28\xb5\x2f\xfd" + bytes(range(200)))
    refused(tmp_db, tmp_path, catalog, noise, "cannot be decompressed")
    csv_as_json = tmp_path / "events3.jsonl"
    csv_as_json.write_text("profile_id,title_id\np1,f1\n")
    refused(tmp_db, tmp_path, catalog, csv_as_json, "line 1 is not a JSON object")



@pytest.mark.parametrize(("suffix", "message"), [
    ("csv.zst", "cut short"), ("jsonl.zst", "cut short"),
    ("csv.gz", "end of GZIP stream"), ("ndjson.gz", "end of GZIP stream"),  # DuckDB's words
])
def test_compressed_file_cut_short_is_refused(
    tmp_db: Path, tmp_path: Path, catalog: Path, suffix: str, message: str
) -> None:
    """A download or copy cut off mid-stream: its rows past the cut must not vanish silently
    (DuckDB's zstd reader, and python-zstandard's stream reader, stop at the cut unasked)."""
    import zstandard

    plain = "\n".join([",".join(EVENT_FIELDS), *(
        f"e{i},p{i % 7},f1,US,2025-03-30T12:00:00Z,{i}" for i in range(20_000))]) + "\n"
    if not suffix.startswith("csv"):
        plain = "".join(f'{{"event_id": "e{i}", "profile_id": "p1", "title_id": "f1", '
                        f'"country": "US", "started_at": "2025-03-30T12:00:00Z", '
                        f'"seconds_viewed": {i}}}\n' for i in range(20_000))
    data = (gzip.compress(plain.encode()) if suffix.endswith(".gz")
            else zstandard.ZstdCompressor().compress(plain.encode()))
    whole = tmp_path / f"whole.{suffix}"
    whole.write_bytes(data)
    cut = tmp_path / f"cut.{suffix}"
    cut.write_bytes(data[: len(data) // 2])
    refused(tmp_db, tmp_path, catalog, cut, message)
    assert api.ingest(events=[whole], db=tmp_db)["accepted"] == 20_000


def test_bad_bytes_past_the_sample_refuse_the_file_saying_why(
    tmp_db: Path, tmp_path: Path, catalog: Path
) -> None:
    """Text that stops being UTF-8 after the first 256 KB (checked up front) is refused by
    the reader: the message must still say why and where, not only "CSV Error on Line"."""
    lines = [",".join(EVENT_FIELDS)] + [
        f"e{i},p1,f1,US,2025-03-30T12:00:00Z,60" for i in range(10_000)]
    bad = tmp_path / "late.csv"
    bad.write_bytes("\n".join(lines).encode() + b"\nz1,p\xff\xfe1,f1,US,2025-03-30T12:00:00Z,60\n")
    refused(tmp_db, tmp_path, catalog, bad, "not utf-8 encoded")
    with pytest.raises(ValueError, match="Line: 10002"):
        api.ingest(events=[bad], db=tmp_db)


def late_event_ids_jsonl(path: Path) -> Path:
    """JSON Lines whose ``event_id`` key first appears past the 256 KB the readers sample:
    4,000 id-less events, then the same id three times."""
    line = ('{{{id}"profile_id": "p{i}", "title_id": "f1", "country": "US", '
            '"started_at": "2025-03-30T12:00:00Z", "seconds_viewed": 60}}\n')
    path.write_text("".join(line.format(id="", i=i) for i in range(4000))
                    + "".join(line.format(id='"event_id": "late", ', i=i) for i in range(3)))
    assert path.stat().st_size > 256 * 1024
    return path


def test_an_event_id_first_seen_past_the_sample_still_deduplicates(
    tmp_db: Path, tmp_path: Path, catalog: Path
) -> None:
    """Any line of JSON Lines may carry any key: an id first given late is still an id."""
    late = late_event_ids_jsonl(tmp_path / "late.jsonl")
    report = api.ingest(catalog=catalog, events=[late], db=tmp_db)
    assert (report["read"], report["accepted"], report["duplicates"]) == (4003, 4001, 2)
    again = write_events(tmp_path / "again.csv", [ev(event_id="late")])
    assert api.ingest(events=[again], db=tmp_db)["duplicates"] == 1
    with store.opened(tmp_db, read_only=True) as con:
        assert con.execute("SELECT sum(events) FROM daily_viewing").fetchone() == (4001,)


def spark_text_rows(path: Path) -> list[tuple[int, str]]:
    """The records Spark's executors read from a ``.zst`` file (no Spark needed to ask)."""
    from starchart.engine.spark_text import zstd_records

    return list(zstd_records(str(path), "jsonl"))


def test_zstd_file_of_several_frames_is_read_whole(
    tmp_db: Path, tmp_path: Path, catalog: Path
) -> None:
    """Frames written one after another (appended logs) are one file of all their rows."""
    import zstandard

    first = write_events(tmp_path / "a.csv", [ev(event_id="a1"), ev(event_id="a2")])
    lines = first.read_bytes().splitlines(keepends=True)
    packer = zstandard.ZstdCompressor()
    both = tmp_path / "both.csv.zst"
    both.write_bytes(packer.compress(b"".join(lines[:2])) + packer.compress(lines[2]))
    report = api.ingest(catalog=catalog, events=[both], db=tmp_db)
    assert (report["read"], report["accepted"]) == (2, 2)
    lines = [b'{"event_id": "j1", "profile_id": "p1", "title_id": "f1", "country": "US", '
             b'"started_at": "2025-03-30T12:00:00Z", "seconds_viewed": 60}\n', b"[1, 2]\n"]
    framed = tmp_path / "framed.jsonl.zst"
    framed.write_bytes(packer.compress(lines[0]) + packer.compress(lines[1]))
    report = api.ingest(events=[framed], db=tmp_db)
    assert (report["read"], report["accepted"], report["by_reason"]["invalid_json"]) == (2, 1, 1)
    assert spark_text_rows(framed) == [(1, lines[0].decode().strip()), (2, "[1, 2]")]
    garbage = tmp_path / "garbage.csv.zst"
    garbage.write_bytes(packer.compress(b"".join(lines)) + b"not zstd at all")
    refused(tmp_db, tmp_path, catalog, garbage, "cannot be decompressed")

def test_same_file_twice_counts_nothing_twice(
    tmp_db: Path, tmp_path: Path, catalog: Path
) -> None:
    path = write_events(tmp_path / "events.csv", [ev(), ev("s1"), ev(country="UK")])
    first = api.ingest(catalog=catalog, events=[path], db=tmp_db)
    assert (first["accepted"], first["quarantined"], first["duplicates"]) == (2, 1, 0)
    again = api.ingest(events=[path], db=tmp_db)
    assert (again["read"], again["accepted"], again["quarantined"], again["duplicates"]) == (
        3, 0, 0, 3,
    )
    assert again["files"][0]["already_loaded"] is True
    copy = tmp_path / "renamed.csv"
    shutil.copy(path, copy)
    both = api.ingest(events=[copy, path], db=tmp_db)
    assert (both["read"], both["duplicates"]) == (6, 6)
    assert len(stored_events(tmp_db)) == 2
    assert len(api.quarantine(db=tmp_db)) == 1
    with store.opened(tmp_db, read_only=True) as con:
        files = con.execute("SELECT read, accepted, duplicates FROM ingested_files").fetchall()
    assert sorted(files) == [(3, 0, 3), (3, 0, 3), (3, 0, 3), (3, 2, 0)]


def test_event_id_duplicates_within_and_across_loads(
    tmp_db: Path, tmp_path: Path, catalog: Path
) -> None:
    a = write_events(
        tmp_path / "a.csv",
        [ev(event_id="e1"), ev(event_id="e2"), ev(event_id="e1", seconds="10"),
         ev(event_id="e3", country="UK"), ev(event_id="e3"), ev(event_id=None), ev(event_id="")],
    )
    report = api.ingest(catalog=catalog, events=[a], db=tmp_db)
    assert (report["read"], report["accepted"], report["quarantined"], report["duplicates"]) == (
        7, 5, 1, 1,
    )
    b = write_events(tmp_path / "b.parquet", [ev(event_id="e2"), ev(event_id="e4")])
    c = write_events(tmp_path / "c.jsonl", [ev(event_id="e4"), ev(event_id="e5")])
    report = api.ingest(events=[b, c], db=tmp_db)
    assert [(f["accepted"], f["duplicates"]) for f in report["files"]] == [(1, 1), (1, 1)]
    kept = [(e[0], e[5], Path(e[6]).name, e[7]) for e in stored_events(tmp_db) if e[0]]
    assert sorted(kept) == [
        ("e1", 3600, "a.csv", 1),  # the first e1 is kept, not the later one
        ("e2", 3600, "a.csv", 2),
        ("e3", 3600, "a.csv", 5),  # row 4 was quarantined, so row 5 is the first countable
        ("e4", 3600, "b.parquet", 2),
        ("e5", 3600, "c.jsonl", 2),
    ]


def test_catalog_reload_updates_titles_and_keeps_absent_columns(
    tmp_db: Path, tmp_path: Path, catalog: Path
) -> None:
    first = api.load_catalog(catalog, db=tmp_db)
    assert first["catalog"]["inserted"] == 2
    header = "title_id,show_title,season_title,kind,original_language,runtime_minutes," \
             "release_date,original"
    reload = write_catalog(
        tmp_path / "update.csv",
        ["f1,Lantern (Director's Cut),,film,en,131,2025-03-03,true",
         "f2,Quiet Fields,,film,fr,88,2025-01-10,false"],
        header=header,
    )
    report = api.ingest(catalog=reload, db=tmp_db)
    assert (report["catalog"]["inserted"], report["catalog"]["updated"]) == (1, 1)
    with store.opened(tmp_db, read_only=True) as con:
        rows = con.execute(
            "SELECT title_id, show_title, runtime_minutes, genres, synopsis FROM catalog "
            "ORDER BY title_id"
        ).fetchall()
    assert rows == [
        ("f1", "Lantern (Director's Cut)", 131.0, "Drama|Thriller", "A keeper and a storm."),
        ("f2", "Quiet Fields", 88.0, None, None),
        ("s1", "Harbour", 400.0, "Crime", None),
    ]


def test_refused_catalog_loads_nothing(tmp_db: Path, tmp_path: Path, catalog: Path) -> None:
    api.ingest(catalog=catalog, db=tmp_db)
    before = snapshot(tmp_db)
    bad = write_catalog(tmp_path / "bad.csv", [*CATALOG_ROWS, "s2,Harbour,Harbour: S2,tv,de,0,"
                                                              "2025-01-01,false,,"])
    with pytest.raises(ValueError) as err:
        api.ingest(catalog=bad, events=[write_events(tmp_path / "e.csv", [ev()])], db=tmp_db)
    assert str(err.value) == (
        f"catalog refused: {bad.resolve()} row 3 (title_id s2): runtime_minutes must be a "
        "positive number of minutes, got '0'"
    )
    assert snapshot(tmp_db) == before


def test_events_need_a_catalog(tmp_db: Path, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no catalog yet"):
        api.ingest(events=[write_events(tmp_path / "e.csv", [ev()])], db=tmp_db)
    with pytest.raises(ValueError, match="nothing to ingest"):
        api.ingest(db=tmp_db)


# --- read = accepted + quarantined + duplicates, whatever the mix ---------------------------

BAD_VARIANTS: dict[str, dict[str, str | None]] = {
    "missing_field": {"country": None},
    "unparseable_timestamp": {"started_at": "2025-02-30T10:00:00"},
    "invalid_seconds": {"seconds": "ten"},
    "negative_seconds": {"seconds": "-1"},
    "over_24_hours": {"seconds": "90000"},
    "invalid_country": {"country": "EU"},
    "unknown_title_id": {"title_id": "missing"},
}
row_kind = st.sampled_from(["good", *BAD_VARIANTS])


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    files=st.lists(
        st.lists(st.tuples(row_kind, st.one_of(st.none(), st.integers(0, 6))), max_size=12),
        min_size=1, max_size=3,
    ),
    fmt=st.sampled_from(["csv", "parquet", "jsonl.gz"]),
    again=st.booleans(),
)
def test_read_is_accepted_plus_quarantined_plus_duplicates(
    tmp_path_factory: pytest.TempPathFactory,
    files: list[list[tuple[str, int | None]]],
    fmt: str,
    again: bool,
) -> None:
    folder = tmp_path_factory.mktemp("mix")
    db = folder / "store.duckdb"
    cat = write_catalog(folder / "catalog.csv")
    paths: list[Path] = []
    seen: set[str] = set()
    expected = {"accepted": 0, "duplicates": 0, **dict.fromkeys(REASONS, 0)}
    for n, spec in enumerate(files):
        rows = [ev(event_id=None if i is None else f"e{i}", **BAD_VARIANTS.get(kind, {}))
                for kind, i in spec]
        paths.append(write_events(folder / f"f{n}.{fmt}", rows))
        if spec in files[:n]:  # the same bytes again: a re-load, every row a duplicate
            expected["duplicates"] += len(spec)
            continue
        for kind, ident in spec:
            event_id = None if ident is None else f"e{ident}"
            if kind != "good":
                expected[kind] += 1
            elif event_id is not None and event_id in seen:
                expected["duplicates"] += 1
            else:
                expected["accepted"] += 1
                if event_id is not None:
                    seen.add(event_id)
    report = api.ingest(catalog=cat, events=paths, db=db)
    total_rows = sum(len(spec) for spec in files)
    assert report["read"] == total_rows
    assert report["read"] == report["accepted"] + report["quarantined"] + report["duplicates"]
    assert report["accepted"] == expected["accepted"]
    assert report["duplicates"] == expected["duplicates"]
    assert report["by_reason"] == {r: expected[r] for r in REASONS}
    for f in report["files"]:
        assert f["read"] == f["accepted"] + f["quarantined"] + f["duplicates"]
    if again:
        repeat = api.ingest(events=paths, db=db)
        assert (repeat["read"], repeat["duplicates"], repeat["accepted"]) == (
            total_rows, total_rows, 0,
        )
    assert len(stored_events(db)) == expected["accepted"]
    assert len(api.quarantine(db=db)) == report["quarantined"]


def test_progress_names_every_file_while_hashing_and_reading(
    tmp_db: Path, tmp_path: Path, catalog: Path
) -> None:
    """The bar never stands still over a step it does not name: each file is named while it
    is fingerprinted and while it is read, then each pass over the load's rows, counts never
    go back within a pass, and the load ends at its total."""
    paths = [write_events(tmp_path / f"part-{n}.parquet", [ev(event_id=f"e{n}")])
             for n in range(4)]
    calls: list[tuple[str, int, int]] = []
    api.ingest(catalog=catalog, events=paths, db=tmp_db,
               progress=lambda *args: calls.append(args))
    said = [c[0] for c in calls]
    for path in paths:
        assert said.index(f"fingerprinting {path.name}") < said.index(f"reading {path.name}")
    for step in ("fingerprinting", "reading"):
        steps = [c[1:] for c in calls if c[0].startswith(step)]
        assert steps == [(0, 4), (1, 4), (2, 4), (3, 4)], step
    settle = [c for c in calls if c[0] in ("finding duplicates", "rolling up days",
                                           "summing viewing per profile and title")]
    assert settle == [("finding duplicates", 0, 3), ("rolling up days", 1, 3),
                      ("summing viewing per profile and title", 2, 3)]
    assert said.index("finding duplicates") > said.index(f"reading {paths[-1].name}")
    assert calls[-1] == ("ingested", 4, 4)
