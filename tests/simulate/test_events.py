"""Event files: valid values, a real UTC timestamp type, bounded files, determinism."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from starchart.countries import NETFLIX_COUNTRIES
from starchart.simulate import default_end, simulate
from tests.simulate.conftest import END, START, World, make_world

SMALL = {"weeks": 2, "profiles": 10_000, "titles": 100, "events_per_week": 60_000,
         "end": "2025-03-30"}


def _catalog(path: Path) -> dict[str, dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return {r["title_id"]: r for r in csv.DictReader(handle)}


def test_schema_types(world: World) -> None:
    schema = pq.read_schema(world.out / "events" / "part-00000.parquet")
    assert schema.field("started_at").type == pa.timestamp("us", tz="UTC")
    assert schema.field("seconds_viewed").type == pa.int64()
    for name in ("event_id", "profile_id", "title_id", "country"):
        assert pa.types.is_string(schema.field(name).type), name
    parquet = pq.ParquetFile(world.out / "events" / "part-00000.parquet").schema
    logical = parquet.column(parquet.names.index("started_at")).logical_type
    stored = json.loads(logical.to_json())
    assert (stored["Type"], stored["isAdjustedToUTC"], stored["timeUnit"]) == (
        "Timestamp", True, "microseconds")


def test_duckdb_reads_the_same_utc_instants(world: World) -> None:
    con = world.connect()
    kind = con.execute("SELECT typeof(started_at) FROM events LIMIT 1").fetchall()[0][0]
    assert kind == "TIMESTAMP WITH TIME ZONE"
    con.execute("SET TimeZone = 'Asia/Seoul'")  # the session zone must not move instants
    first, last = con.execute(
        "SELECT min(started_at AT TIME ZONE 'UTC'), max(started_at AT TIME ZONE 'UTC') "
        "FROM events").fetchall()[0]
    assert first >= dt.datetime.combine(START, dt.time())
    assert last < dt.datetime.combine(END + dt.timedelta(days=1), dt.time())
    assert (last - first) > dt.timedelta(days=55)


def test_values_are_valid(world: World) -> None:
    events = world.events()
    n = events.num_rows
    assert n == world.result["events"] > 1_000_000
    assert pc.count_distinct(events["event_id"]).as_py() == n
    countries = set(pc.unique(events["country"]).to_pylist())
    assert countries == set(NETFLIX_COUNTRIES)
    seconds = events["seconds_viewed"]
    assert pc.min(seconds).as_py() >= 1 and pc.max(seconds).as_py() <= 86_400
    catalog = _catalog(world.catalog_path)
    assert set(pc.unique(events["title_id"]).to_pylist()) <= set(catalog)
    started = events["started_at"]
    assert pc.min(started).as_py() >= dt.datetime.combine(START, dt.time(), dt.UTC)
    assert pc.max(started).as_py() < dt.datetime.combine(END + dt.timedelta(days=1), dt.time(),
                                                         dt.UTC)
    # a profile lives in one country, and its id says which
    prefix = pc.utf8_slice_codeunits(events["profile_id"], 0, 2)
    assert pc.all(pc.equal(prefix, events["country"])).as_py()
    assert pc.count_distinct(events["profile_id"]).as_py() > 0.9 * world.result["profiles"]


def test_no_viewing_before_release(world: World) -> None:
    con = world.connect()
    early = con.execute("""
        SELECT count(*) FROM events e JOIN catalog c USING (title_id)
        WHERE CAST(e.started_at AS DATE) < CAST(c.release_date AS DATE)""").fetchall()[0][0]
    assert early == 0
    # slate films released after the simulated period are in the catalog, with no events
    future = con.execute("""
        SELECT c.title_id, count(e.title_id) FROM catalog c LEFT JOIN events e USING (title_id)
        WHERE c.title_id LIKE 'slate-%' AND CAST(c.release_date AS DATE) > DATE '2025-04-27'
        GROUP BY 1""").fetchall()
    assert len(future) == 6 and all(n == 0 for _, n in future)


def test_files_are_bounded_and_chunking_does_not_change_rows(tmp_path: Path) -> None:
    whole = make_world(tmp_path / "whole", **SMALL)
    small = make_world(tmp_path / "small", **SMALL, rows_per_file=25_000)
    sizes = [pq.read_metadata(p).num_rows for p in small.result["files"]]
    assert len(sizes) == -(-small.result["events"] // 25_000) >= 4
    assert max(sizes) == 25_000 and sum(sizes) == small.result["events"]
    for path in small.result["files"]:
        assert all(pq.read_metadata(path).row_group(i).num_rows <= 25_000
                   for i in range(pq.read_metadata(path).num_row_groups))
    assert whole.events().equals(small.events())


def test_same_seed_same_world_different_seed_different(tmp_path: Path) -> None:
    a = make_world(tmp_path / "a", **SMALL)
    b = make_world(tmp_path / "b", **SMALL)
    c = make_world(tmp_path / "c", **SMALL, seed=12)
    assert a.catalog_path.read_bytes() == b.catalog_path.read_bytes()
    assert a.events().equals(b.events())
    assert [Path(p).read_bytes() for p in a.result["files"]] == [
        Path(p).read_bytes() for p in b.result["files"]]
    assert a.catalog_path.read_bytes() != c.catalog_path.read_bytes()
    assert not a.events().equals(c.events())
    # and the two worlds never share an event id
    ids_a = set(a.events(["event_id"])["event_id"].to_pylist()[:1000])
    assert not ids_a & set(c.events(["event_id"])["event_id"].to_pylist())


def test_rerun_replaces_old_part_files(tmp_path: Path) -> None:
    out = tmp_path / "w"
    first = make_world(out, **SMALL, rows_per_file=10_000)
    assert len(first.result["files"]) > 3
    second = make_world(out, **SMALL)
    assert sorted(p.name for p in (out / "events").iterdir()) == ["part-00000.parquet"]
    assert second.events().num_rows == first.result["events"]


def test_progress_reports_every_day(tmp_path: Path) -> None:
    calls: list[tuple[str, int, int]] = []
    simulate(tmp_path, **SMALL, progress=lambda d, done, total: calls.append((d, done, total)))
    assert [c[1] for c in calls] == list(range(1, 15)) and {c[2] for c in calls} == {14}
    assert "events" in calls[-1][0]


def test_bad_arguments_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="Saturday"):
        simulate(tmp_path, **{**SMALL, "end": "2025-03-29"})
    with pytest.raises(ValueError, match="--weeks"):
        simulate(tmp_path, **{**SMALL, "weeks": 0})
    with pytest.raises(ValueError, match="profiles"):
        simulate(tmp_path, **{**SMALL, "profiles": 100})


def test_default_end_is_the_last_complete_week() -> None:
    assert default_end(dt.date(2026, 11, 20)) == dt.date(2026, 11, 15)  # a Friday
    assert default_end(dt.date(2026, 11, 16)) == dt.date(2026, 11, 15)  # a Monday
    assert default_end(dt.date(2026, 11, 15)) == dt.date(2026, 11, 8)  # a Sunday: not over
    assert default_end().weekday() == 6


@pytest.mark.spark
def test_spark_reads_the_same_instants(world: World, spark) -> None:  # type: ignore[no-untyped-def]
    frame = spark.read.parquet(str(world.out / "events"))
    assert dict(frame.dtypes)["started_at"] == "timestamp"
    row = frame.selectExpr(
        "count(*) AS n", "min(unix_micros(started_at)) AS lo",
        "max(unix_micros(started_at)) AS hi").collect()[0]
    started = world.events(["started_at"])["started_at"].cast(pa.int64()).to_numpy()
    assert (row["n"], row["lo"], row["hi"]) == (
        len(started), int(np.min(started)), int(np.max(started)))
