"""The store's rollups and incremental builds, checked against plain Python and full rebuilds.

* the rollups (``daily_viewing``, ``profile_title``) after any sequence of loads equal a
  direct aggregation of the accepted events, worked out in pure Python (first id kept);
* an incremental build (only the weeks new data touched, and the later ones) gives exactly
  the rows of a full rebuild and of a fresh store built once;
* de-duplication holds across loads with no raw events kept.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from starchart import api, store
from starchart.engine import archive
from starchart.engine.readers import write_table
from tests.engine.test_ingest import write_catalog

BASE = dt.datetime(2025, 3, 3)  # a Monday
TITLES = ("f1", "s1")
COUNTRIES = ("US", "GB", "KR")
EVENT_TYPES = pa.schema([("event_id", pa.string()), ("profile_id", pa.string()),
                         ("title_id", pa.string()), ("country", pa.string()),
                         ("started_at", pa.timestamp("us", tz="UTC")),
                         ("seconds_viewed", pa.int64())])

event = st.fixed_dictionaries({
    "event_id": st.one_of(st.none(), st.integers(0, 40).map(lambda i: f"e{i}")),
    "profile_id": st.sampled_from(["p1", "p2", "p3"]),
    "title_id": st.sampled_from(TITLES),
    "country": st.sampled_from(COUNTRIES),
    "started_at": st.integers(0, 27 * 86400).map(
        lambda s: (BASE + dt.timedelta(seconds=s)).replace(tzinfo=dt.UTC)),
    "seconds_viewed": st.sampled_from([0, 1, 59, 3600, 5400, 86400]),
})
loads = st.lists(st.lists(st.lists(event, max_size=12), min_size=1, max_size=2),
                 min_size=1, max_size=3)


def oracle(all_loads: list[list[list[dict[str, Any]]]]) -> tuple[list[Any], list[Any]]:
    """Daily and profile x title rollups of the accepted events, in plain Python. A file
    whose content was loaded before (here: the same rows, written by the same writer) counts
    whole as duplicates, id-less rows included."""
    seen: set[str] = set()
    files_seen: set[str] = set()
    daily: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0, 0])
    profiles: dict[tuple[str, str], list[Any]] = {}
    for load in all_loads:
        for rows in load:
            if repr(rows) in files_seen:
                continue
            files_seen.add(repr(rows))
            for e in rows:
                if e["event_id"] is not None:
                    if e["event_id"] in seen:
                        continue
                    seen.add(e["event_id"])
                at = e["started_at"].replace(tzinfo=None)
                entry = daily[(at.date(), e["country"], e["title_id"])]
                entry[0] += e["seconds_viewed"]
                entry[1] += 1
                p = profiles.setdefault((e["profile_id"], e["title_id"]), [0, 0, at, at])
                p[0] += e["seconds_viewed"]
                p[1] += 1
                p[2], p[3] = min(p[2], at), max(p[3], at)
    return (sorted((*k, *v) for k, v in daily.items()),
            sorted((*k, *v) for k, v in profiles.items()))


def rollups(db: Path) -> tuple[list[Any], list[Any]]:
    with store.opened(db, read_only=True) as con:
        return (
            con.execute("SELECT day, country, title_id, seconds_viewed, events "
                        "FROM daily_viewing ORDER BY ALL").fetchall(),
            con.execute("SELECT profile_id, title_id, seconds_viewed, sessions, "
                        "first_watched, last_watched FROM profile_title ORDER BY ALL").fetchall(),
        )


def charts_of(db: Path) -> tuple[list[Any], ...]:
    with store.opened(db, read_only=True) as con:
        return tuple(con.execute(f"SELECT * FROM {t} WHERE source = 'engine' ORDER BY ALL")
                     .fetchall() for t in ("chart_global", "chart_country", "most_popular"))


def write_loads(folder: Path, all_loads: list[list[list[dict[str, Any]]]]) -> list[list[Path]]:
    paths = []
    for n, load in enumerate(all_loads):
        files = []
        for k, rows in enumerate(load):
            files.append(write_table(folder / f"load{n}-{k}.parquet",
                                     pa.Table.from_pylist(rows, schema=EVENT_TYPES)))
        paths.append(files)
    return paths


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(all_loads=loads)
def test_rollups_equal_a_direct_aggregation_of_the_events(
    tmp_path_factory: pytest.TempPathFactory, all_loads: list[list[list[dict[str, Any]]]]
) -> None:
    folder = tmp_path_factory.mktemp("rollup")
    db = folder / "store.duckdb"
    catalog = write_catalog(folder / "catalog.csv")
    for n, files in enumerate(write_loads(folder, all_loads)):
        api.ingest(catalog=catalog if n == 0 else None, events=files, db=db)
    assert rollups(db) == oracle(all_loads)


def test_a_load_of_many_files_is_settled_once(tmp_path: Path) -> None:
    """A load of several files is de-duplicated and rolled up in one pass: ids repeated in a
    later file are duplicates, the rollups equal the oracle's, and the load is one run."""
    import random

    rng = random.Random(8)
    rows = [[{"event_id": rng.choice([None, f"e{rng.randrange(30)}"]),
              "profile_id": rng.choice(["p1", "p2"]), "title_id": rng.choice(TITLES),
              "country": rng.choice(COUNTRIES),
              "started_at": (BASE + dt.timedelta(minutes=rng.randrange(30000))).replace(
                  tzinfo=dt.UTC),
              "seconds_viewed": rng.choice([1, 60, 3600])} for _ in range(25)]
            for _ in range(6)]
    rows[-1] = rows[-1][:3]
    catalog = write_catalog(tmp_path / "catalog.csv")
    (files,) = write_loads(tmp_path, [rows])
    report = api.ingest(catalog=catalog, events=files, db=tmp_path / "many.duckdb")
    assert rollups(tmp_path / "many.duckdb") == oracle([rows])
    assert report["accepted"] + report["duplicates"] == 128 and report["duplicates"] > 10
    days = {r["started_at"].date() for file in rows for r in file}
    assert report["rollup"]["days"] <= len(days)  # each day merged once, not once per file
    with store.opened(tmp_path / "many.duckdb", read_only=True) as con:
        runs = con.execute("SELECT count(DISTINCT run) FROM profile_title_runs").fetchall()
    assert runs == [(1,)]


@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(all_loads=loads)
def test_incremental_build_equals_a_full_rebuild(
    tmp_path_factory: pytest.TempPathFactory, all_loads: list[list[list[dict[str, Any]]]]
) -> None:
    folder = tmp_path_factory.mktemp("incremental")
    catalog = write_catalog(folder / "catalog.csv")
    loads_files = write_loads(folder, all_loads)
    step_db, once_db = folder / "step.duckdb", folder / "once.duckdb"
    built_any = False
    for n, files in enumerate(loads_files):
        api.ingest(catalog=catalog if n == 0 else None, events=files, db=step_db)
        try:
            api.build(db=step_db)  # after each load: only the touched weeks and later
            built_any = True
        except ValueError as exc:  # no complete week yet, or no accepted event
            assert "nothing to build yet" in str(exc) or "no accepted events" in str(exc)
    if not built_any:
        return
    api.ingest(catalog=catalog, events=[f for files in loads_files for f in files], db=once_db)
    api.build(db=once_db)
    incremental = charts_of(step_db)
    assert incremental == charts_of(once_db)
    api.build(db=step_db, full=True)
    assert charts_of(step_db) == incremental


def test_incremental_build_touches_only_new_weeks_and_later(
    tmp_db: Path, tmp_path: Path
) -> None:
    catalog = write_catalog(tmp_path / "catalog.csv")

    def load(name: str, day: int, hours: int, event_id: str) -> Path:
        at = (BASE + dt.timedelta(days=day, hours=12)).replace(tzinfo=dt.UTC)
        return write_table(tmp_path / name, pa.Table.from_pylist(
            [{"event_id": event_id, "profile_id": "p1", "title_id": "f1", "country": "US",
              "started_at": at, "seconds_viewed": hours * 3600}], schema=EVENT_TYPES))

    api.ingest(catalog=catalog, events=[load("a.parquet", 1, 1, "a"),
                                        load("b.parquet", 8, 2, "b"),
                                        load("c.parquet", 20, 3, "c")], db=tmp_db)
    first = api.build(db=tmp_db)
    assert (first["mode"], first["weeks"]) == ("full", ["2025-03-09", "2025-03-16", "2025-03-23"])
    again = api.build(db=tmp_db)
    assert (again["mode"], again["weeks"]) == ("incremental", [])  # nothing new
    api.ingest(events=[load("d.parquet", 27, 4, "d")], db=tmp_db)
    week4 = api.build(db=tmp_db)
    assert week4["weeks"] == ["2025-03-30"]  # only the new week
    api.ingest(events=[load("e.parquet", 9, 5, "e")], db=tmp_db)  # late data for week 2
    late = api.build(db=tmp_db)
    assert late["weeks"] == ["2025-03-16", "2025-03-23", "2025-03-30"]  # and every later one
    with store.opened(tmp_db, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM dirty_weeks").fetchone() == (0,)
        cumulative = con.execute(
            "SELECT week, weekly_hours_viewed, cumulative_weeks_in_top_10 FROM chart_global "
            "WHERE source = 'engine' ORDER BY week").fetchall()
    assert cumulative == [(dt.date(2025, 3, 9), 1.0, 1), (dt.date(2025, 3, 16), 7.0, 2),
                          (dt.date(2025, 3, 23), 3.0, 3), (dt.date(2025, 3, 30), 4.0, 4)]
    # A changed runtime changes views in every week the title was watched: all rebuilt.
    write_catalog(tmp_path / "catalog2.csv", [
        "f1,Lantern,,film,en,60,2025-03-03,true,Drama|Thriller,A keeper and a storm.",
        "s1,Harbour,Harbour: Season 1,tv,de,400,2024-11-01,false,Crime,"])
    api.ingest(catalog=tmp_path / "catalog2.csv", db=tmp_db)
    assert len(api.build(db=tmp_db)["weeks"]) == 4
    assert api.week("2025-03-16", db=tmp_db)["lists"][0]["rows"][0]["weekly_views"] == 7.0


def test_duplicates_across_loads_without_raw_events(tmp_db: Path, tmp_path: Path) -> None:
    catalog = write_catalog(tmp_path / "catalog.csv")

    def rows(ids: range, seconds: int) -> pa.Table:
        at = (BASE + dt.timedelta(days=2)).replace(tzinfo=dt.UTC)
        return pa.Table.from_pylist(
            [{"event_id": f" e{i} ", "profile_id": f"p{i}", "title_id": "f1", "country": "US",
              "started_at": at, "seconds_viewed": seconds} for i in ids], schema=EVENT_TYPES)

    first = api.ingest(catalog=catalog, events=[write_table(tmp_path / "a.parquet",
                                                            rows(range(0, 5), 60))], db=tmp_db)
    assert (first["accepted"], first["duplicates"], first["kept_events"]) == (5, 0, None)
    # Other bytes, other format, ids overlapping the first load (and repeated within it).
    second_rows = rows(range(3, 8), 90).to_pylist() + rows(range(7, 8), 90).to_pylist()
    b = tmp_path / "b.jsonl"
    write_table(b, pa.Table.from_pylist(
        [{**r, "started_at": r["started_at"].isoformat()} for r in second_rows]))
    second = api.ingest(events=[b], db=tmp_db)
    assert (second["read"], second["accepted"], second["duplicates"]) == (6, 3, 3)
    third = api.ingest(events=[write_table(tmp_path / "c.csv", rows(range(0, 8), 1))],
                       db=tmp_db)
    assert (third["accepted"], third["duplicates"]) == (0, 8)
    assert not archive.archive_dir(tmp_db).exists()  # nothing raw was kept
    with store.opened(tmp_db, read_only=True) as con:
        assert con.execute("SELECT sum(events), sum(seconds_viewed) FROM daily_viewing"
                           ).fetchone() == (8, 5 * 60 + 3 * 90)
        assert con.execute("SELECT count(*), count(DISTINCT fingerprint) FROM "
                           "event_fingerprints").fetchone() == (8, 8)
        assert con.execute("SELECT count(*) FROM profile_title").fetchone() == (8,)


def test_kept_events_survive_only_for_committed_loads(tmp_db: Path, tmp_path: Path) -> None:
    catalog = write_catalog(tmp_path / "catalog.csv")
    at = (BASE + dt.timedelta(days=2)).replace(tzinfo=dt.UTC)
    table = pa.Table.from_pylist([{"event_id": "x", "profile_id": "p", "title_id": "f1",
                                   "country": "US", "started_at": at, "seconds_viewed": 5}],
                                 schema=EVENT_TYPES)
    report = api.ingest(catalog=catalog, events=[write_table(tmp_path / "a.parquet", table)],
                        db=tmp_db, keep_events=True)
    root = archive.archive_dir(tmp_db)
    assert report["kept_events"] == str(root) and report["kept_files"] == 1
    assert [p.parent.name for p in root.glob("week=*/*.parquet")] == ["week=2025-03-09"]
    # What a killed ingest leaves: staged files of a load the store never committed, and of
    # one it committed but did not move into place.
    orphan = root / archive.STAGING / "deadbeef" / "f00000" / "week=2025-03-09"
    orphan.mkdir(parents=True)
    (orphan / "data_0.parquet").write_bytes(b"not committed")
    with store.opened(tmp_db) as con:
        con.execute("INSERT INTO ingest_loads VALUES ('cafe', true, now())")
    committed = root / archive.STAGING / "cafe" / "f00000" / "week=2025-03-16"
    committed.mkdir(parents=True)
    write_table(committed / "data_0.parquet", table)
    api.ingest(events=[write_table(tmp_path / "b.parquet", table)], db=tmp_db)
    assert not (root / archive.STAGING).exists() or not any((root / archive.STAGING).iterdir())
    published = {(p.parent.name, p.name.split("-")[0]) for p in root.glob("week=*/*.parquet")}
    assert ("week=2025-03-16", "cafe") in published and len(published) == 2
    assert not list(root.rglob("deadbeef*"))


def test_memory_limit_is_set_and_checked(tmp_db: Path, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import duckdb

    from starchart.engine.resources import configure, default_memory_limit, physical_memory

    con = duckdb.connect()
    assert configure(con, tmp_db, "200MB") == "200MB"
    setting = con.execute("SELECT current_setting('memory_limit'), "
                          "current_setting('temp_directory')").fetchone()
    assert setting is not None
    assert setting[0] in ("190.7 MiB", "200.0 MB") and setting[1] == str(tmp_db) + ".tmp"
    monkeypatch.setenv("STARCHART_MEMORY_LIMIT", "300MB")
    assert configure(con, None) == "300MB"
    expected = max(1 << 30, physical_memory() // 8) // (1 << 20)
    monkeypatch.delenv("STARCHART_MEMORY_LIMIT")
    assert configure(con, None) == default_memory_limit() == f"{expected}MB"
    with pytest.raises(ValueError, match="--memory-limit 'lots' is not a memory size"):
        configure(con, None, "lots")
    catalog = write_catalog(tmp_path / "catalog.csv")
    report = api.ingest(catalog=catalog, db=tmp_db, memory_limit="256MB")
    assert report["memory_limit"] == "256MB"


def test_profile_runs_merge_when_the_newest_grow_comparable() -> None:
    """Each load appends one run; runs merge (in one aggregation) only once the newest have
    grown to half the size of the run before, so a small load never rewrites the history."""
    import duckdb

    from starchart.engine import rollup

    con = duckdb.connect()
    con.execute(store.SCHEMA)

    def load(profiles: range) -> list[tuple[int, int]]:
        at = BASE + dt.timedelta(days=1)
        con.execute("CREATE OR REPLACE TEMP TABLE part AS SELECT 'p' || i AS profile_id, "
                    "'f1' AS title_id, 'US' AS country, ?::TIMESTAMP AS started_at, "
                    "60::BIGINT AS seconds_viewed FROM range(?, ?) t(i)",
                    [at, profiles.start, profiles.stop])
        rollup.add_accepted(con, "part")
        return [(int(r), int(n)) for r, n in con.execute(
            "SELECT run, count(*) FROM profile_title_runs GROUP BY run ORDER BY run").fetchall()]

    assert load(range(0, 100)) == [(1, 100)]
    assert load(range(100, 120)) == [(1, 100), (2, 20)]        # 20 * 2 < 100: kept apart
    # 40 new rows: with the 20 before them, 60 >= 100 / 2, so all three merge (in one go).
    assert load(range(110, 150)) == [(4, 150)]
    assert load(range(0, 60)) == [(4, 150), (5, 60)]            # 60 * 2 < 150: kept apart
    assert con.execute("SELECT sum(sessions), count(*) FROM profile_title").fetchone() == (
        220, 150)
