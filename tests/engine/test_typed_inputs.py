"""Typed input: Parquet timestamps and integers and JSON numbers are read as they are, and get
exactly the reasons, details and accepted values their text would get; several paths may
follow one ``--events``."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pyarrow as pa
import pytest
from typer.testing import CliRunner

from starchart import api, store
from starchart.cli import app
from starchart.engine.archive import kept_events_sql
from starchart.engine.readers import write_table
from tests.engine.test_ingest import ev, events_table, write_catalog, write_events

runner = CliRunner()
Q_COLUMNS = ["source_row", "reason", "detail", "raw"]
SEOUL = ZoneInfo("Asia/Seoul")


def ingest_one(tmp_path: Path, name: str, path: Path) -> tuple[dict[str, Any], list[Any], Any]:
    db = tmp_path / f"{name}.duckdb"
    catalog = write_catalog(tmp_path / "catalog.csv")
    report = api.ingest(catalog=catalog, events=[path], db=db, keep_events=True)
    with store.opened(db, read_only=True) as con:
        source = kept_events_sql(db)
        kept = [] if source is None else con.execute(
            f"SELECT event_id, started_at, seconds_viewed, source_row FROM {source} "
            "ORDER BY source_row").fetchall()
    return report, kept, api.quarantine(db=db)[Q_COLUMNS]


def test_typed_parquet_matches_its_text(tmp_path: Path) -> None:
    times = [dt.datetime(2025, 3, 30, 8, 0, 0, 250), dt.datetime(2250, 1, 1, 0, 0),
             dt.datetime(2025, 3, 30, 23, 59, 59), dt.datetime(1899, 12, 31, 12, 0),
             dt.datetime(2025, 3, 31, 1, 0)]
    seconds = [60, 5, -7, 3600, 86401]
    typed = pa.table({
        "event_id": [f"t{i}" for i in range(5)],
        "profile_id": ["p1", "p2", "  ", "p4", "p5"],
        "title_id": ["f1", "f1", "s1", "f1", "s1"],
        "country": ["US", "US", "DE", "KR", "GB"],
        "started_at": pa.array(times, pa.timestamp("us")),
        "seconds_viewed": pa.array(seconds, pa.int32()),
    })
    # The same values as text, as a CSV file would carry them.
    text = typed.set_column(4, "started_at", pa.array(
        [t.isoformat(sep=" ") for t in times])).set_column(
        5, "seconds_viewed", pa.array([str(s) for s in seconds]))
    a = ingest_one(tmp_path, "typed", write_table(tmp_path / "typed.parquet", typed))
    b = ingest_one(tmp_path, "text", write_table(tmp_path / "text.csv", text))
    assert a[0]["by_reason"] == b[0]["by_reason"]
    assert a[0]["by_reason"]["unparseable_timestamp"] == 2  # years 2250 and 1899
    assert a[1] == b[1] and [r[0] for r in a[1]] == ["t0"]
    assert a[1][0][1] == dt.datetime(2025, 3, 30, 8, 0, 0, 250)
    assert a[2].to_dict("records") == b[2].to_dict("records")
    details = dict(zip(a[2].source_row, a[2].detail, strict=True))
    assert details[2] == "started_at '2250-01-01 00:00:00' is not an ISO 8601 date and time"
    assert details[5] == "seconds_viewed 86401 is more than 24 hours (86400 s)"


def test_zoned_nanosecond_and_unsigned_parquet(tmp_path: Path) -> None:
    table = pa.table({
        "profile_id": ["p1", "p2", "p3"],
        "title_id": ["f1", "f1", "f1"],
        "country": ["US", "US", "US"],
        "started_at": pa.array([dt.datetime(2025, 3, 31, 8, 0, tzinfo=SEOUL)] * 3,  # 23:00 UTC
                               pa.timestamp("ns", tz="Asia/Seoul")),
        "seconds_viewed": pa.array([60, 2**63 + 5, 86400], pa.uint64()),
    })
    report, kept, quarantined = ingest_one(tmp_path, "zoned", write_table(
        tmp_path / "zoned.parquet", table))
    assert report["accepted"] == 2
    assert [(r[1], r[2]) for r in kept] == [(dt.datetime(2025, 3, 30, 23, 0), 60),
                                            (dt.datetime(2025, 3, 30, 23, 0), 86400)]
    assert quarantined.to_dict("records")[0]["detail"] == (
        f"seconds_viewed '{2**63 + 5}' is more than 24 hours (86400 s)")  # as its text


def test_json_numbers_are_taken_as_written(tmp_path: Path) -> None:
    lines = [
        {"event_id": 17, "profile_id": 42, "title_id": "f1", "country": "US",
         "started_at": "2025-03-30T10:00:00Z", "seconds_viewed": 300.0},
        {"event_id": "a", "profile_id": "p", "title_id": "f1", "country": "US",
         "started_at": "2025-03-30T10:00:00Z", "seconds_viewed": 1.5},
        {"event_id": "b", "profile_id": "p", "title_id": "f1", "country": "US",
         "started_at": "2025-03-30T10:00:00Z", "seconds_viewed": 90000},
    ]
    path = tmp_path / "numbers.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in lines) + '\n{"event_id": "c", '
                    '"profile_id": "p", "title_id": "f1", "country": "US", '
                    '"started_at": "2025-03-30T10:00:00Z", "seconds_viewed": 1e3}\n')
    report, kept, quarantined = ingest_one(tmp_path, "json", path)
    # Numbers by their value: 300.0 and 1e3 are whole numbers of seconds, 1.5 is not.
    assert [(r[0], r[2]) for r in kept] == [("17", 300), ("c", 1000)]
    assert list(zip(quarantined.source_row, quarantined.detail, strict=True)) == [
        (2, "seconds_viewed '1.5' is not a whole number"),
        (3, "seconds_viewed 90000 is more than 24 hours (86400 s)"),
    ]
    assert report["read"] == 4


def test_several_paths_after_one_events_flag(tmp_db: Path, tmp_path: Path) -> None:
    catalog = write_catalog(tmp_path / "catalog.csv")
    a = write_events(tmp_path / "a.csv", [ev(event_id="a1")])
    b = write_table(tmp_path / "b.parquet", events_table([ev(event_id="b1")]))
    folder = tmp_path / "more"
    write_events(folder / "c.jsonl", [ev(event_id="c1"), ev(event_id="a1")])
    result = runner.invoke(app, ["ingest", "--catalog", str(catalog), "--events", str(a),
                                 str(b), str(folder), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [Path(f["path"]).name for f in report["files"]] == ["a.csv", "b.parquet", "c.jsonl"]
    assert (report["accepted"], report["duplicates"]) == (3, 1)
    with store.opened(tmp_db, read_only=True) as con:
        assert con.execute("SELECT sum(events) FROM daily_viewing").fetchone() == (3,)
    # build --engine spark takes several paths after --events too (it then asks for --out,
    # rather than failing on "unexpected extra argument").
    spark = runner.invoke(app, ["build", "--engine", "spark", "--catalog", str(catalog),
                                "--events", str(a), str(b), str(folder)])
    assert spark.exit_code == 1
    assert "missing: --out" in " ".join(spark.stderr.split())
    stray = runner.invoke(app, ["build", str(a)])
    assert stray.exit_code == 1 and "events paths follow --events" in stray.stderr


@pytest.mark.parametrize("flag", ["--keep-events", "--no-keep-events"])
def test_keep_events_flag(tmp_db: Path, tmp_path: Path, flag: str) -> None:
    catalog = write_catalog(tmp_path / "catalog.csv")
    a = write_events(tmp_path / "a.csv", [ev(event_id="a1")])
    result = runner.invoke(app, ["ingest", "--catalog", str(catalog), str(a), flag])
    assert result.exit_code == 0, result.output
    kept = kept_events_sql(tmp_db)
    assert (kept is not None) == (flag == "--keep-events")
    assert ("kept the accepted events" in result.stdout) == (flag == "--keep-events")
