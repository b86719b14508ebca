"""Chart releases: every build and import publishes one, readers (the site, the questions)
read releases only, and a killed process, a busy store or an old release change nothing of
that. Real DuckDB files, real subprocesses; the site in-process (TestClient) or, for the
update-while-serving test, a real ``starchart serve`` under load."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import httpx
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from starchart import api, releases, store
from starchart.cli import app as cli
from starchart.queries.search import TitleIndex
from starchart.queries.titles import PageIndex
from starchart.web import pages
from starchart.web.app import create_app
from starchart.web.site import ServedRelease, SiteReleases
from tests.published.complete_lists import complete
from tests.web.conftest import start_server, stop_server
from tests.web.sample_store import LATEST, WEEKS, build_store

GLOBAL_HEADER = ("week\tcategory\tweekly_rank\tshow_title\tseason_title\tweekly_hours_viewed"
                 "\truntime\tweekly_views\tcumulative_weeks_in_top_10\n")


def one_week(folder: Path, week: str, rows: list[tuple[str, int, int]]) -> Path:
    """A global file of one week of Films (English): (title, rank, views)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "all-weeks-global.tsv"
    lines = [f"{week}\tFilms (English)\t{rank}\t{name}\tN/A\t{views * 2}\t2\t{views}\t1"
             for name, rank, views in rows]
    path.write_text(complete(GLOBAL_HEADER + "\n".join(lines)), encoding="utf-8")  # full lists
    return path


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    """A fresh copy of the sample store, published."""
    return build_store(tmp_path / "site")


def kept(db: Path) -> list[int]:
    return releases.numbers(releases.folder(db))


# --- publishing ------------------------------------------------------------------------


def test_an_import_publishes_a_numbered_read_only_release(db: Path, tmp_path: Path) -> None:
    assert kept(db) == [1]
    path = releases.release_file(releases.folder(db), 1)
    assert not os.stat(path).st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    with duckdb.connect(str(path), read_only=True) as con:
        [(rows,)] = con.execute("SELECT count(*) FROM chart_global").fetchall()
        with duckdb.connect(str(db), read_only=True) as source:
            [(stored,)] = source.execute("SELECT count(*) FROM chart_global").fetchall()
        assert rows == stored > 0
        assert con.execute("SELECT number, previous FROM release_info").fetchall() == [(1, None)]
    # the same charts again: no new release
    assert releases.publish(db)["published"] is False and kept(db) == [1]
    result = api.import_netflix([one_week(tmp_path / "new", "2025-04-06",
                                          [("Havoc", 1, 9_000_000)])], db=db)
    assert result["release"]["published"] is True and result["release"]["release"] == 2
    assert result["release"]["changes"]["weeks_added"] == 1
    assert kept(db) == [1, 2]
    assert api.week(db=db)["week"] == "2025-04-06"
    with api.open(db, release=1) as old:
        assert old.week()["week"] == LATEST and old.release.number == 1


def test_reading_never_opens_the_store_once_a_release_holds_its_charts(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Questions read the release: an uncached page opened the store four times or more."""
    opened: list[str] = []
    real = duckdb.connect

    def counting(database: str = ":memory:", *args: object, **kwargs: object) -> object:
        opened.append(str(database))
        return real(database, *args, **kwargs)  # type: ignore[arg-type]

    with TestClient(create_app(db, cache=False)) as client:
        client.get("/")  # the site opens its release
        monkeypatch.setattr(duckdb, "connect", counting)
        for url in ("/title/revelations", f"/week/{LATEST}", "/country/KR", "/leaders",
                    "/search?q=mantis", "/title/squid-game.json"):
            assert client.get(url).status_code == 200, url
    assert opened == []  # pages use a cursor of the open release: no file is opened


def test_a_release_is_computed_again_only_where_the_charts_changed(
    db: Path, tmp_path: Path
) -> None:
    """Publishing copies what did not change from the release before; the result is the same
    as computing everything."""
    api.import_netflix([one_week(tmp_path / "w1", "2025-04-06",
                                 [("Havoc", 1, 9_000_000), ("Revelations", 2, 7_000_000)])],
                       db=db)
    edited = one_week(tmp_path / "w2", LATEST, [("Revelations", 1, 16_000_000)])
    result = api.import_netflix([edited], db=db)["release"]
    assert result["rows"]["reused"] is True
    incremental = result["release"]
    with duckdb.connect(str(releases.release_file(releases.folder(db), incremental)),
                        read_only=True) as con:
        [(pages_in_release,)] = con.execute("SELECT count(*) FROM title_pages").fetchall()
    assert 0 < result["rows"]["title_pages"] < pages_in_release  # only the week's titles
    assert result["rows"]["week_pages"] == 2  # the revised week, and the moves of the next
    full = releases.publish(db, force=True, full=True)
    assert full["rows"]["reused"] is False
    folder = releases.folder(db)
    with duckdb.connect() as con:
        con.execute(f"ATTACH '{releases.release_file(folder, incremental)}' AS a (READ_ONLY)")
        con.execute(f"ATTACH '{releases.release_file(folder, full['release'])}' AS b "
                    "(READ_ONLY)")
        for table in ("title_index", "title_pages", "week_pages", "leader_pages"):
            for one, other in (("a", "b"), ("b", "a")):
                [(extra,)] = con.execute(
                    f"SELECT count(*) FROM (SELECT * FROM {one}.{table} EXCEPT ALL "
                    f"SELECT * FROM {other}.{table})").fetchall()
                assert extra == 0, (table, one)


def test_old_releases_are_pruned_and_no_temporary_file_stays(db: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    monkeypatch.setenv("STARCHART_KEEP_RELEASES", "2")
    folder = releases.folder(db)
    stale = folder / ".000009.999999.tmp"  # what a publisher killed mid-write leaves
    stale.write_bytes(b"half a release")
    for i, week in enumerate(("2025-04-06", "2025-04-13", "2025-04-20")):
        api.import_netflix([one_week(tmp_path / week, week, [("Havoc", 1, 1_000_000 + i)])],
                           db=db)
    assert kept(db) == [3, 4]
    assert sorted(p.name for p in folder.iterdir()) == [".publish.lock", "000003.duckdb",
                                                        "000004.duckdb"]
    with pytest.raises(LookupError, match=r"release 1 is not kept \(kept: releases 3 to 4\)"):
        api.open(db, release=1)


def import_killed_before_publishing(db: Path, tmp_path: Path) -> None:
    """Import a week of 2025-04-06 in a process killed right after its commit, before it
    publishes its release."""
    newer = one_week(tmp_path / "new", "2025-04-06", [("Havoc", 1, 9_000_000)])
    code = (
        "import os, signal, sys\n"
        "from starchart import api, releases\n"
        "releases.publish = lambda *a, **k: os.kill(os.getpid(), signal.SIGKILL)\n"
        "api.import_netflix([sys.argv[2]], db=sys.argv[1])\n"
    )
    died = subprocess.run([sys.executable, "-c", code, str(db), str(newer)],
                          capture_output=True, text=True, timeout=120)
    assert died.returncode == -9, died.stderr


def test_a_publish_lost_with_a_killed_process_is_caught_up(db: Path, tmp_path: Path) -> None:
    """An import killed right after its commit, before its release: the store has the
    charts, the releases do not; the next reader (or 'starchart publish') publishes them."""
    import_killed_before_publishing(db, tmp_path)  # the week of 2025-04-06
    with duckdb.connect(str(db), read_only=True) as con:  # committed...
        assert con.execute("SELECT max(week) FROM chart_global").fetchall()[0][0].isoformat() \
            == "2025-04-06"
    assert kept(db) == [1]  # ...not published
    with TestClient(create_app(db)) as client:  # the site catches up when it starts
        assert client.get("/index.json").json()["week"] == "2025-04-06"
    assert kept(db) == [1, 2]
    # and 'starchart publish' says there is nothing left to do
    result = CliRunner().invoke(cli, ["publish", "--db", str(db), "--json"])
    assert result.exit_code == 0 and '"published": false' in result.stdout


def test_a_question_opens_the_store_only_when_it_was_written_since_last_checked(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every question first checks that the current release holds the store's charts; once
    checked, that costs a stat of the store's files, not opening it (~100 ms a call). A
    write after the check, even one that never published (a killed import), is still seen."""
    api.week(db=db)  # checks, and notes the store's stamps
    opened: list[str] = []
    real = duckdb.connect

    def counting(database: str = ":memory:", *args: object, **kwargs: object) -> object:
        opened.append(Path(str(database)).name)
        return real(database, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(duckdb, "connect", counting)
    assert api.week(db=db)["week"] == LATEST
    assert db.name not in opened and opened  # the release only
    monkeypatch.undo()
    import_killed_before_publishing(db, tmp_path)  # the week of 2025-04-06
    assert kept(db) == [1]
    assert api.week(db=db)["week"] == "2025-04-06"  # the write was seen and published
    assert kept(db) == [1, 2]


def test_the_first_reader_publishes_a_store_that_predates_releases(tmp_path: Path) -> None:
    db = build_store(tmp_path / "old")
    shutil.rmtree(releases.folder(db))
    assert api.week(db=db)["week"] == LATEST and kept(db) == [1]


# --- writers waiting for each other ------------------------------------------------------


def hold_store(db: Path, seconds: float) -> subprocess.Popen[str]:
    """Another process holding the store for writing (as a long build would)."""
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; con = duckdb.connect(sys.argv[1]); "
         "print('ready', flush=True); time.sleep(float(sys.argv[2]))", str(db), str(seconds)],
        stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
    return holder


def test_a_writer_waits_for_another_writer_and_says_so(db: Path, tmp_path: Path) -> None:
    newer = one_week(tmp_path / "new", "2025-04-06", [("Havoc", 1, 9_000_000)])
    holder = hold_store(db, 1.5)
    seen: list[tuple[str, int, int]] = []
    try:
        started = time.monotonic()
        result = api.import_netflix([newer], db=db,
                                    progress=lambda *step: seen.append(step))
        waited = time.monotonic() - started
    finally:
        holder.wait()
    assert waited >= 1.0 and result["release"]["published"] is True
    waits = [s for s in seen if s[0].startswith("waiting for another process")]
    assert waits and all(0 <= done <= total for _, done, total in waits)


def test_a_writer_gives_up_after_the_wait_it_was_given(db: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STARCHART_LOCK_WAIT", "0.4")
    newer = one_week(tmp_path / "new", "2025-04-06", [("Havoc", 1, 9_000_000)])
    holder = hold_store(db, 30)
    try:
        with pytest.raises(store.StoreBusyError, match="still in use by another process after "
                                                       "waiting"):
            api.import_netflix([newer], db=db)
        result = CliRunner().invoke(cli, ["import", "netflix", str(newer), "--db", str(db)])
        assert result.exit_code == 1 and "STARCHART_LOCK_WAIT" in result.stderr
        assert len([ln for ln in result.stderr.splitlines() if ln.strip()]) == 1
        assert api.week(db=db)["week"] == LATEST  # readers are not held up meanwhile
    finally:
        holder.kill()
        holder.wait()


# --- the site and releases -------------------------------------------------------------


def test_the_site_switches_to_a_new_release_without_a_restart(db: Path, tmp_path: Path) -> None:
    app = create_app(db)
    with TestClient(app) as client:
        first = client.get("/index.json")
        assert first.json()["week"] == LATEST and first.headers["starchart-release"] == "1"
        assert client.get("/healthz").json()["release"] == 1
        api.import_netflix([one_week(tmp_path / "new", "2025-04-06",
                                     [("Havoc", 1, 9_000_000)])], db=db)
        assert app.state.site.releases.settle(30).number == 2
        after = client.get("/index.json")
        assert after.json()["week"] == "2025-04-06"
        assert after.headers["starchart-release"] == "2"
        assert client.get("/healthz").json()["release"] == 2
        assert "2025-04-06" in client.get("/").text  # HTML too, its cache not carried over


def test_a_new_release_is_prepared_in_the_background_while_the_old_one_answers(
        db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The request that notices a new release does not wait for it to be prepared: it and
    every request meanwhile are answered, whole, by the current release; once prepared, the
    new one answers."""
    app = create_app(db)
    preparing, go_on = threading.Event(), threading.Event()
    real = SiteReleases._prepare

    def held(self: SiteReleases, number: int, older: ServedRelease) -> ServedRelease:
        preparing.set()
        assert go_on.wait(30)
        return real(self, number, older)

    monkeypatch.setattr(SiteReleases, "_prepare", held)
    with TestClient(app) as client:
        assert client.get("/index.json").headers["starchart-release"] == "1"
        api.import_netflix([one_week(tmp_path / "new", "2025-04-06",
                                     [("Havoc", 1, 9_000_000)])], db=db)
        noticed = client.get("/index.json")  # starts preparing release 2, answered by 1
        assert noticed.headers["starchart-release"] == "1"
        assert noticed.json()["week"] == LATEST
        assert preparing.wait(30)
        during = [client.get(path) for path in ("/", "/index.json", "/title/revelations",
                                                "/title/the-man-the-myth.json", "/healthz")]
        assert [r.status_code for r in during] == [200] * len(during)
        assert {r.headers["starchart-release"] for r in during} == {"1"}
        assert during[-1].json()["release"] == 1
        assert '<option value="2025-04-06"' not in during[0].text
        go_on.set()
        assert app.state.site.releases.settle(30).number == 2
        after = client.get("/index.json")
        assert after.headers["starchart-release"] == "2" and after.json()["week"] == "2025-04-06"
        assert '<option value="2025-04-06"' in client.get("/").text


def test_a_release_that_cannot_be_prepared_leaves_the_old_one_serving(
        db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = create_app(db)
    real = SiteReleases._prepare

    def broken(self: SiteReleases, number: int, older: ServedRelease) -> ServedRelease:
        raise OSError(f"release {number} unreadable")

    with TestClient(app) as client:
        monkeypatch.setattr(SiteReleases, "_prepare", broken)
        api.import_netflix([one_week(tmp_path / "new", "2025-04-06",
                                     [("Havoc", 1, 9_000_000)])], db=db)
        assert app.state.site.releases.settle(30).number == 1
        answer = client.get("/index.json")
        assert answer.status_code == 200 and answer.headers["starchart-release"] == "1"
        monkeypatch.setattr(SiteReleases, "_prepare", real)
        api.import_netflix([one_week(tmp_path / "newer", "2025-04-13",
                                     [("Havoc", 1, 8_000_000)])], db=db)
        assert app.state.site.releases.settle(30).number == 3
        assert client.get("/index.json").json()["week"] == "2025-04-13"


def test_a_new_release_keeps_the_cached_pages_it_did_not_change(db: Path,
                                                               tmp_path: Path) -> None:
    """An import revising the latest week: the title and week pages it did not touch are
    answered from release 1's cache (``kept``), exactly as release 2 computes them, naming
    release 2; the pages it changed are computed again."""
    untouched = ["/title/the-man-the-myth", "/title/the-man-the-myth.json", f"/week/{WEEKS[1]}",
                 f"/week/{WEEKS[1]}.json"]
    touched = ["/title/revelations", "/title/revelations.json", f"/week/{LATEST}",
               f"/week/{LATEST}.json"]
    app = create_app(db)
    with TestClient(app) as client:
        for path in untouched + touched:
            assert client.get(path).headers["starchart-cache"] == "miss"
        api.import_netflix([one_week(tmp_path / "rev", LATEST, [("Revelations", 1, 16_000_000)])],
                           db=db)
        app.state.site.releases.settle(30)
        assert client.get("/healthz").json()["release"] == 2
        carry = app.state.site.releases.current().carry
        assert carry is not None and carry.wait(30)
        answers = {path: client.get(path) for path in untouched + touched}
    with TestClient(create_app(db, cache=False)) as fresh:
        for path, answer in answers.items():
            assert answer.headers["starchart-release"] == "2"
            assert answer.headers["starchart-cache"] == ("kept" if path in untouched else "miss")
            assert answer.content == fresh.get(path).content, path
    assert "Release 2 of the charts" in answers["/title/the-man-the-myth"].text
    assert "Release 1 of the charts" not in answers["/title/the-man-the-myth"].text
    views = answers["/title/revelations.json"].json()["run"][-1]["weekly_views"]
    assert views == 16_000_000


def test_a_page_not_asked_for_during_one_release_is_still_kept_by_the_next(
        db: Path, tmp_path: Path) -> None:
    """Pages cached on release 1, not asked for while release 2 was served, are still kept
    by release 3 (two imports that touch neither), as release 3 computes them; a page one
    of the imports changed is computed again."""
    untouched = ["/title/the-man-the-myth", "/title/the-man-the-myth.json", f"/week/{WEEKS[1]}",
                 f"/week/{WEEKS[1]}.json"]
    app = create_app(db)
    with TestClient(app) as client:
        for path in [*untouched, "/title/revelations"]:
            assert client.get(path).headers["starchart-cache"] == "miss"
        for number, views in ((2, 16_000_000), (3, 17_000_000)):
            api.import_netflix([one_week(tmp_path / f"rev{number}", LATEST,
                                         [("Revelations", 1, views)])], db=db)
            app.state.site.releases.settle(30)
            assert client.get("/healthz").json()["release"] == number  # nothing else asked
        answers = {path: client.get(path) for path in [*untouched, "/title/revelations"]}
    with TestClient(create_app(db, cache=False)) as fresh:
        for path, answer in answers.items():
            assert answer.headers["starchart-release"] == "3"
            assert answer.headers["starchart-cache"] == (
                "miss" if path == "/title/revelations" else "kept"), path
            assert answer.content == fresh.get(path).content, path
    assert "Release 3 of the charts" in answers["/title/the-man-the-myth"].text
    assert "Release 1 of the charts" not in answers["/title/the-man-the-myth"].text


def test_a_week_as_first_published_and_the_change_feed(db: Path, tmp_path: Path) -> None:
    revised = one_week(tmp_path / "rev", LATEST, [("Revelations", 1, 16_000_000)])
    api.import_netflix([revised], db=db)
    with TestClient(create_app(db)) as client:
        now = client.get(f"/week/{LATEST}.json").json()
        films = next(lst for lst in now["lists"] if lst["category"] == "Films (English)")
        # the revised file holds full lists: Revelations first, then ranks 2-10 replaced
        assert [r["show_title"] for r in films["rows"]][:2] == ["Revelations",
                                                                f"Also Ran FE 2 {LATEST}"]
        [revision] = now["history"]["revisions"]
        assert now["history"]["first_release"] == 1 and revision["release"] == 2
        moved = {(c["weekly_rank"], (c["before"] or {}).get("show_title"),
                  (c["after"] or {}).get("show_title")) for c in revision["changes"]}
        assert (1, "Revelations", "Revelations") in moved
        assert (2, "Lost in Starlight", f"Also Ran FE 2 {LATEST}") in moved
        then = client.get(f"/week/{LATEST}.json?release=1")
        assert then.headers["starchart-release"] == "1"
        old_films = next(lst for lst in then.json()["lists"]
                         if lst["category"] == "Films (English)")
        assert [r["show_title"] for r in old_films["rows"]][:2] == ["Revelations",
                                                                    "Lost in Starlight"]
        html = client.get(f"/week/{LATEST}?release=1").text
        assert "You are looking at release 1" in html
        feed = client.get("/changes.json").json()
        assert [r["release"] for r in feed["releases"]] == [2, 1]
        [week] = feed["releases"][0]["weeks"]
        assert (week["week"], week["status"], week["before_url"]) == (
            LATEST, "revised", f"/week/{LATEST}?release=1")
        assert client.get("/changes").status_code == 200
        gone = client.get(f"/week/{LATEST}.json?release=7")
        assert gone.status_code == 404 and "not kept" in gone.json()["message"]
        assert client.get("/index.json?release=abc").status_code == 400


def test_a_page_keeps_the_release_it_started_with(db: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A release switch seen by a page mid-request: its data, header pickers and headers all
    come from the release it started with, never from two."""
    entered, carry_on = threading.Event(), threading.Event()
    real = pages.week_page

    def slow(*args: object, **kwargs: object) -> object:
        entered.set()
        assert carry_on.wait(30)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    app = create_app(db, cache=False)
    with TestClient(app) as client:
        monkeypatch.setattr(pages, "week_page", slow)
        answer: dict[str, httpx.Response] = {}
        worker = threading.Thread(target=lambda: answer.update(page=client.get("/")))
        worker.start()
        assert entered.wait(30)
        api.import_netflix([one_week(tmp_path / "new", "2025-04-06",
                                     [("Havoc", 1, 9_000_000)])], db=db)
        carry_on.set()
        worker.join(30)
        monkeypatch.setattr(pages, "week_page", real)
        page = answer["page"]
        assert page.status_code == 200 and page.headers["starchart-release"] == "1"
        assert "week of 30 Mar 2025" in page.text.lower() or "30 Mar 2025" in page.text
        assert '<option value="2025-04-06"' not in page.text  # the pickers: release 1's weeks
        assert "Release 1 of the charts" in page.text
        app.state.site.releases.settle(30)
        fresh = client.get("/")
        assert fresh.headers["starchart-release"] == "2"
        assert '<option value="2025-04-06"' in fresh.text


def test_concurrent_misses_for_one_page_are_computed_once(db: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import asyncio

    calls: list[str] = []
    real = pages.title_page

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(str(kwargs["slug"]))
        time.sleep(0.2)  # long enough for every request to arrive while it computes
        return real(*args, **kwargs)  # type: ignore[arg-type]

    site = create_app(db)
    monkeypatch.setattr(pages, "title_page", counted)

    async def twenty() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=site)
        async with httpx.AsyncClient(transport=transport, base_url="http://site") as http:
            # its JSON: the HTML page is served from the release's published body
            return await asyncio.gather(*(http.get("/title/revelations.json")
                                          for _ in range(20)))

    answers = asyncio.run(twenty())
    assert [a.status_code for a in answers] == [200] * 20
    assert len({a.content for a in answers}) == 1
    assert calls == ["revelations"]


def test_healthz_says_when_the_release_served_is_prepared(db: Path, tmp_path: Path) -> None:
    """A readiness probe's word: the release served has what its pages share in memory."""
    app = create_app(db)
    with TestClient(app) as client:
        first = app.state.site.releases.settle(30)
        assert first.prepared.wait(30)
        assert client.get("/healthz").json()["prepared"] is True
        first.prepared.clear()
        assert client.get("/healthz").json()["prepared"] is False
        first.prepared.set()
        api.import_netflix([one_week(tmp_path / "new", "2025-04-06",
                                     [("Havoc", 1, 9_000_000)])], db=db)
        second = app.state.site.releases.settle(30)
        assert second.number == 2 and second.prepared.is_set()
        health = client.get("/healthz").json()
        assert health["release"] == 2 and health["prepared"] is True


def test_a_replaced_release_keeps_its_memory_for_the_requests_still_on_it(
        db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Requests pinned to a release that is replaced while they wait their turn answer from
    its memory, reading nothing again (each re-read its title index under the interpreter
    lock: every request stalled at each switch under load); it lets go at the next switch."""
    app = create_app(db)
    releases_served = app.state.site.releases
    with TestClient(app) as client:
        first = releases_served.settle(30)
        assert first.prepared.wait(30)
        api.import_netflix([one_week(tmp_path / "new", "2025-04-06",
                                     [("Havoc", 1, 9_000_000)])], db=db)
        second = releases_served.settle(30)
        assert second.number == 2 and first.prepared.is_set()
        loads: list[str] = []
        for kind in (TitleIndex, PageIndex):
            real = kind.load

            def counted(con: object, source: str, real: Any = real, kind: type = kind) -> Any:
                loads.append(kind.__name__)
                return real(con, source)

            monkeypatch.setattr(kind, "load", counted)
        with app.state.site.view(first) as on_first:  # a request pinned to release 1
            assert pages.title_page(on_first.charts(), slug="mantis")["slug"] == "mantis"
            assert on_first.charts().search("mantis")
        assert loads == []  # its index and records were still in memory
        api.import_netflix([one_week(tmp_path / "newer", "2025-04-13",
                                     [("Havoc", 1, 8_000_000)])], db=db)
        assert releases_served.settle(30).number == 3
        loads.clear()  # what preparing release 3 read
        assert not first.prepared.is_set()  # two switches ago: let go
        assert second.prepared.is_set()  # replaced last: kept until the next switch
        # read again (its JSON: the HTML page is served from its published body)
        assert client.get("/title/mantis.json?release=1").status_code == 200
        assert "PageIndex" in loads


def test_searches_never_evict_pages(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = pages.title_page

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(str(kwargs["slug"]))
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pages, "title_page", counted)
    with TestClient(create_app(db, cache_bytes=4_000_000)) as client:
        # JSON, which reads each record (HTML pages are served from published bodies)
        urls = ["/title/revelations.json", "/title/mantis.json",
                "/title/squid-game--season-2.json"]
        for url in urls:
            client.get(url)
        for i in range(300):
            assert client.get("/search", params={"q": f"title {i}"}).status_code == 200
        for url in urls:
            assert client.get(url).status_code == 200
    # each computed once
    assert sorted(calls) == sorted(u.rsplit("/", 1)[1].removesuffix(".json") for u in urls)


def test_healthz_without_any_release_is_503(tmp_path: Path) -> None:
    with TestClient(create_app(tmp_path / "nothing.duckdb"), raise_server_exceptions=False) as c:
        health = c.get("/healthz")
        assert health.status_code == 503
        assert str(tmp_path) not in health.text
        assert health.json() == {"ok": False, "message": "No charts have been published yet."}


# --- the update-while-serving case ---------------------------------------------------------

CATALOG = (
    "title_id,show_title,season_title,kind,original_language,runtime_minutes,release_date,"
    "original\n"
    "t1,Lantern,,film,en,100,2025-01-01,true\n"
    "t2,Harbour,Harbour: Season 1,tv,ko,400,2025-01-01,false\n"
)


def engine_events(folder: Path, weeks: int) -> Path:
    """Events for two titles over ``weeks`` weeks from 2025-03-03, in the US and KR."""
    import datetime as dt

    lines = ["event_id,profile_id,title_id,country,started_at,seconds_viewed"]
    n = 0
    for w in range(weeks):
        day = dt.date(2025, 3, 3) + dt.timedelta(days=7 * w)
        for title, country, seconds in (("t1", "US", 7200), ("t2", "KR", 3600 * (w + 1)),
                                        ("t2", "US", 1800)):
            n += 1
            lines.append(f"e{n},p{n % 5},{title},{country},{day} 10:00:00,{seconds}")
    path = folder / f"events-{weeks}.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture()
def serving(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    db = build_store(tmp_path / "served")
    (tmp_path / "catalog.csv").write_text(CATALOG)
    api.ingest(catalog=tmp_path / "catalog.csv", events=[engine_events(tmp_path, 2)], db=db)
    api.build(db=db)
    proc, url = start_server(db)
    try:
        yield url, db
    finally:
        stop_server(proc)


def test_the_site_answers_every_request_while_builds_and_imports_run(
    serving: tuple[str, Path], tmp_path: Path
) -> None:
    """Under load, two imports and two builds are written into the store: not one request
    fails, and the last release is served afterwards."""
    url, db = serving
    paths = ["/", "/index.json?source=netflix", "/title/revelations?source=netflix",
             "/title/lantern.json",
             f"/week/{LATEST}.json?source=netflix", "/country/KR", "/leaders",
             "/search?q=mantis", "/healthz", "/weeks"]
    failures: list[str] = []
    answered = [0]
    stop = threading.Event()

    def hammer(offset: int) -> None:
        with httpx.Client(base_url=url, timeout=30) as http:
            i = offset
            while not stop.is_set():
                path = paths[i % len(paths)]
                try:
                    status = http.get(path).status_code
                except httpx.HTTPError as exc:
                    failures.append(f"{path}: {exc!r}")
                else:
                    answered[0] += 1
                    if status != 200:
                        failures.append(f"{path}: {status}")
                i += 1

    workers = [threading.Thread(target=hammer, args=(k,)) for k in range(4)]
    for w in workers:
        w.start()
    try:
        env = {**os.environ, "STARCHART_LOCK_WAIT": "120"}
        for step, week in enumerate(("2025-04-06", "2025-04-13")):
            newer = one_week(tmp_path / f"import-{step}", week, [("Havoc", 1, 9_000_000 + step)])
            for args in (["import", "netflix", str(newer)], ["build"]):
                if args == ["build"]:
                    api.ingest(events=[engine_events(tmp_path, 3 + step)], db=db)
                done = subprocess.run([sys.executable, "-m", "starchart.cli", *args, "--db",
                                       str(db)], capture_output=True, text=True, env=env,
                                      timeout=300)
                assert done.returncode == 0, done.stderr
    finally:
        stop.set()
        for w in workers:
            w.join(60)
    assert sorted(set(failures))[:5] == [] and answered[0] > 50
    last = kept(db)[-1]
    with httpx.Client(base_url=url, timeout=30) as http:
        # the last release is prepared in the background once a request notices it
        deadline = time.monotonic() + 60
        while http.get("/healthz").json()["release"] != last and time.monotonic() < deadline:
            time.sleep(0.05)
        assert http.get("/healthz").json()["release"] == last
        assert http.get("/index.json?source=netflix").json()["week"] == "2025-04-13"
        assert http.get("/index.json?source=engine").json()["week"] == "2025-03-23"
