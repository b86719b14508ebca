"""Faults on a real full disk: a small tmpfs mounted by the test, filled to the last byte.

Every command that writes (ingest, import, build, publish, export) ends in one line naming
the file and what to do, never a traceback; the store stays as it was and usable once space
is back; no empty or cut export is left behind. The tests skip, saying why, where a tmpfs
cannot be mounted (mounting needs root, or a sandbox that allows it).
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pytest

from starchart import api, releases
from tests.published.complete_lists import complete
from tests.web.sample_store import LATEST, build_store

CATALOG = (
    "title_id,show_title,season_title,kind,original_language,runtime_minutes,release_date,"
    "original\n"
    "t1,Lantern,,film,en,100,2025-01-01,true\n"
    "t2,Harbour,Harbour: Season 1,tv,ko,400,2025-01-01,false\n"
)


@pytest.fixture()
def small_disk(tmp_path: Path) -> Iterator[Callable[[int], Path]]:
    """``small_disk(megabytes)`` mounts a tmpfs of that size and returns its folder."""
    mounted: list[Path] = []

    def mount(megabytes: int) -> Path:
        where = tmp_path / f"disk{len(mounted)}"
        where.mkdir()
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={megabytes}m", "tmpfs",
                               str(where)], capture_output=True, text=True)
        if done.returncode != 0:
            pytest.skip("the full-disk tests mount a small tmpfs, which this machine refused "
                        f"({(done.stderr or done.stdout).strip() or done.returncode}); run them "
                        "as root where 'mount -t tmpfs' is allowed")
        mounted.append(where)
        return where

    try:
        yield mount
    finally:
        for where in reversed(mounted):
            subprocess.run(["umount", "-l", str(where)], capture_output=True)


def fill(disk: Path) -> Path:
    """Fill ``disk`` to the last byte; delete the returned file to give the space back."""
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        for size in (1 << 20, 1 << 12, 1):  # big blocks, then the last bytes
            try:
                while True:
                    os.write(fd, b"\0" * size)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC
    finally:
        os.close(fd)
    return filler


def starchart(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The real CLI in its own process (as a user runs it)."""
    return subprocess.run([sys.executable, "-m", "starchart.cli", *args], capture_output=True,
                          text=True, timeout=300, env={**os.environ, **(env or {})})


def one_line_error(done: subprocess.CompletedProcess[str], *words: str) -> str:
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    lines = [ln for ln in done.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:"), done.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def three_thousand_events(path: Path) -> Path:
    """A small events CSV of the catalog's two titles over twelve days of March 2025."""
    path.write_text("event_id,profile_id,title_id,country,started_at,seconds_viewed\n" + "".join(
        f"e{i},p{i % 9},t{1 + i % 2},US,2025-03-{3 + i % 12:02d} 10:00:00,{600 + i}\n"
        for i in range(3000)))
    return path


def global_file(folder: Path, week: str, rows: int = 10) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "all-weeks-global.tsv"
    lines = ["week\tcategory\tweekly_rank\tshow_title\tseason_title\tweekly_hours_viewed\t"
             "runtime\tweekly_views\tcumulative_weeks_in_top_10"]
    lines += [f"{week}\tFilms (English)\t{r}\tFilm number {r} {'x' * 200}\tN/A\t{r * 1000}\t2\t"
              f"{r * 500}\t1" for r in range(1, rows + 1)]
    path.write_text(complete("\n".join(lines)), encoding="utf-8")  # full lists, as published
    return path


def test_import_on_a_full_disk_is_one_line_and_the_store_is_usable_after(
    small_disk: Callable[[int], Path], tmp_path: Path
) -> None:
    disk = small_disk(40)
    db = build_store(disk / "site")
    before = api.week(db=db)
    newer = global_file(tmp_path / "new", "2025-04-06")
    filler = fill(disk)
    failed = starchart("import", "netflix", str(newer), "--db", str(db))
    line = one_line_error(failed, "No space left on device", str(disk), "free space")
    assert "changed nothing" in line
    filler.unlink()
    assert api.week(db=db) == before  # as it was
    done = starchart("import", "netflix", str(newer), "--db", str(db), "--json")
    assert done.returncode == 0, done.stderr
    assert api.week(db=db)["week"] == "2025-04-06"


def test_ingest_and_build_on_a_full_disk(small_disk: Callable[[int], Path],
                                         tmp_path: Path) -> None:
    disk = small_disk(40)
    db = disk / "engine.duckdb"
    (tmp_path / "catalog.csv").write_text(CATALOG)
    events = three_thousand_events(tmp_path / "events.csv")
    api.ingest(catalog=tmp_path / "catalog.csv", db=db)
    filler = fill(disk)
    one_line_error(starchart("ingest", str(events), "--db", str(db)),
                   "No space left on device", "free space")
    filler.unlink()
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM ingested_files").fetchall() == [(0,)]
    assert starchart("ingest", str(events), "--db", str(db)).returncode == 0
    filler = fill(disk)
    one_line_error(starchart("build", "--db", str(db)), "No space left on device",
                   "free space")
    filler.unlink()
    done = starchart("build", "--db", str(db), "--json")
    assert done.returncode == 0, done.stderr
    assert api.week(db=db, source="engine")["week"] == "2025-03-09"


def test_a_release_that_cannot_be_written_is_published_later(
    small_disk: Callable[[int], Path], tmp_path: Path
) -> None:
    """The import's charts are committed; their release fails for want of space: the
    message says so, and 'starchart publish' publishes them once there is space."""
    disk = small_disk(40)
    db = build_store(tmp_path / "site")
    env = {"STARCHART_RELEASES": str(disk / "releases")}
    os.environ["STARCHART_RELEASES"] = env["STARCHART_RELEASES"]
    try:
        assert releases.publish(db)["release"] == 1
        filler = fill(disk)
        newer = global_file(tmp_path / "new", "2025-04-06")
        line = one_line_error(starchart("import", "netflix", str(newer), "--db", str(db),
                                        env=env), "No space left on device", "publish")
        assert "the charts are saved in the store" in line
        assert sorted(p.name for p in (disk / "releases").iterdir()) == [".publish.lock",
                                                                         "000001.duckdb"]
        filler.unlink()
        done = starchart("publish", "--db", str(db), "--json", env=env)
        assert done.returncode == 0, done.stderr
        assert api.week(db=db)["week"] == "2025-04-06"
    finally:
        del os.environ["STARCHART_RELEASES"]


def test_export_to_a_full_disk_leaves_no_empty_file(small_disk: Callable[[int], Path],
                                                    tmp_path: Path) -> None:
    db = build_store(tmp_path / "site")
    disk = small_disk(1)
    out = disk / "exports"
    out.mkdir()
    (out / "most-popular.tsv").write_text("an earlier export\n")
    filler = fill(disk)
    line = one_line_error(starchart("export", "--db", str(db), "--out", str(out)),
                          "No space left on device", "free space", "no file was written")
    assert str(out / "all-weeks-global.tsv") in line
    assert sorted(p.name for p in out.iterdir()) == ["most-popular.tsv"]
    assert (out / "most-popular.tsv").read_text() == "an earlier export\n"
    filler.unlink()
    assert starchart("export", "--db", str(db), "--out", str(out)).returncode == 0
    assert (out / "all-weeks-global.tsv").read_text().startswith("week\t")
    assert LATEST in (out / "all-weeks-global.tsv").read_text()


def test_ingest_keeping_events_on_a_full_archive_disk(small_disk: Callable[[int], Path],
                                                      tmp_path: Path) -> None:
    """The store has room but the archive beside it (a link to another disk) does not: one
    line naming the archive's file, nothing loaded, and the load works once there is room."""
    disk = small_disk(1)
    db = tmp_path / "engine.duckdb"
    (tmp_path / "engine.events").symlink_to(disk)
    (tmp_path / "catalog.csv").write_text(CATALOG)
    events = three_thousand_events(tmp_path / "events.csv")
    api.ingest(catalog=tmp_path / "catalog.csv", db=db)
    filler = fill(disk)
    line = one_line_error(starchart("ingest", str(events), "--keep-events", "--db", str(db)),
                          "No space left on device", "free space")
    assert f"cannot write {tmp_path / 'engine.events'}/" in line  # the full disk's file
    assert "changed nothing" in line
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM ingested_files").fetchall() == [(0,)]
        assert con.execute("SELECT count(*) FROM daily_viewing").fetchall() == [(0,)]
    assert not list(disk.glob("week=*"))
    filler.unlink()
    done = starchart("ingest", str(events), "--keep-events", "--db", str(db), "--json")
    assert done.returncode == 0, done.stderr
    with duckdb.connect() as con:
        kept = con.execute(f"SELECT count(*) FROM read_parquet('{disk}/week=*/*.parquet')")
        assert kept.fetchall() == [(3000,)]


def test_ingest_that_spills_onto_a_full_disk(small_disk: Callable[[int], Path],
                                            tmp_path: Path) -> None:
    """A load bigger than the memory limit spills beside the store; when that disk is full
    the error is one line about the spill folder and the disk (not "the events file cannot
    be read", not a traceback), nothing is loaded, and the load works once there is room."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    disk = small_disk(200)
    db = disk / "engine.duckdb"
    (tmp_path / "catalog.csv").write_text(CATALOG)
    api.ingest(catalog=tmp_path / "catalog.csv", db=db)
    n = 600_000
    events = tmp_path / "events.parquet"
    pq.write_table(pa.table({
        "event_id": [f"e{i}" for i in range(n)], "profile_id": [f"p{i % 50_000}" for i in range(n)],
        "title_id": ["t1", "t2"] * (n // 2), "country": ["US"] * n,
        "started_at": pa.array([1_741_000_000_000_000 + i * 1_000_000 for i in range(n)],
                               pa.timestamp("us")),
        "seconds_viewed": pa.array([600 + i % 999 for i in range(n)], pa.int64())}), events)
    filler = fill(disk)
    line = one_line_error(starchart("ingest", str(events), "--memory-limit", "40MB",
                                    "--db", str(db)), "No space left on device", "free space")
    assert f"cannot write {disk / 'engine.duckdb.tmp'}" in line
    assert "cannot be read" not in line
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM ingested_files").fetchall() == [(0,)]
    filler.unlink()
    done = starchart("ingest", str(events), "--memory-limit", "40MB", "--db", str(db), "--json")
    assert done.returncode == 0, done.stderr
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT sum(events) FROM daily_viewing").fetchall() == [(n,)]


def _store_figures(db: Path) -> tuple[object, ...]:
    with duckdb.connect(str(db), read_only=True) as con:
        return tuple(con.execute(sql).fetchall()[0] for sql in (
            "SELECT count(*), coalesce(sum(read), 0), coalesce(sum(accepted), 0) "
            "FROM ingested_files",
            "SELECT coalesce(sum(events), 0), coalesce(sum(seconds_viewed), 0) FROM daily_viewing",
            "SELECT count(*) FROM event_fingerprints"))


@pytest.mark.parametrize("after_seconds", [0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0])
def test_ctrl_c_during_an_ingest_keeping_events(tmp_path: Path, after_seconds: float) -> None:
    """Ctrl-C at any moment of an ingest: no traceback (DuckDB turns it into 'RuntimeError:
    Query interrupted'), the store as before or as after, and the events archive holding
    exactly the committed loads (an interrupted COMMIT that took effect lost its archive)."""
    import signal
    import time

    import pyarrow as pa
    import pyarrow.parquet as pq

    db = tmp_path / "engine.duckdb"
    (tmp_path / "catalog.csv").write_text(CATALOG)
    api.ingest(catalog=tmp_path / "catalog.csv", db=db)
    n = 400_000
    events = []
    for part in range(2):
        events.append(tmp_path / f"events-{part}.parquet")
        pq.write_table(pa.table({
            "event_id": [f"e{part}-{i}" for i in range(n)],
            "profile_id": [f"p{i % 50_000}" for i in range(n)],
            "title_id": ["t1", "t2"] * (n // 2), "country": ["US", "FR", "DE", "JP"] * (n // 4),
            "started_at": pa.array([1_741_000_000_000_000 + i * 4_000_000 for i in range(n)],
                                   pa.timestamp("us")),
            "seconds_viewed": pa.array([600 + i % 999 for i in range(n)], pa.int64())}),
            events[-1])
    before = _store_figures(db)
    run = subprocess.Popen([sys.executable, "-m", "starchart.cli", "ingest", *map(str, events),
                            "--keep-events", "--db", str(db)],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(after_seconds)
    run.send_signal(signal.SIGINT)
    _, err = run.communicate(timeout=300)
    assert "Traceback" not in err, err
    now = _store_figures(db)
    if now == before:  # interrupted before its commit: nothing of it kept anywhere
        assert not list(tmp_path.glob("engine.events/week=*/*.parquet"))
        return
    assert now[0] == (2, 2 * n, 2 * n) and now[1][0] == 2 * n  # as after: all of it
    with duckdb.connect() as con:
        kept = con.execute("SELECT count(*) FROM read_parquet("
                           f"'{tmp_path}/engine.events/week=*/*.parquet')").fetchall()
    assert kept == [(2 * n,)]


def test_ctrl_c_while_the_store_is_opened_ends_as_ctrl_c(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C can stop the query that brings an older store's columns up to date as the
    store is opened: DuckDB says 'Query interrupted' (a RuntimeError), which ends the
    command as Ctrl-C does, never as a traceback (a slow machine met it at 1 s of an
    ingest)."""
    from starchart import store

    db = tmp_path / "old.duckdb"
    store.connect(db).close()

    def interrupted(con: object) -> None:
        raise RuntimeError("Query interrupted")

    monkeypatch.setattr(store, "_add_missing_columns", interrupted)
    with pytest.raises(KeyboardInterrupt):
        store.connect(db)
    with pytest.raises(KeyboardInterrupt), store.opened(db):
        pass
    monkeypatch.undo()
    with store.opened(db) as con:  # and the store opens afterwards as before
        assert con.execute("SELECT count(*) FROM catalog").fetchall() == [(0,)]
