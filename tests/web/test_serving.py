"""The site as served: the real CLI and uvicorn, the cache following the store, real data."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from starchart import api
from starchart.cli import app as cli
from starchart.web.app import create_app
from tests.published.complete_lists import complete
from tests.web.sample_store import LATEST, build_store


def test_serve_refuses_a_missing_store_with_a_clear_message(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["serve", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 1
    assert "no starchart store" in result.output


def test_real_server_answers_concurrent_requests(live_server: str) -> None:
    urls = ["/", "/index.json", "/title/revelations", "/country/KR", "/static/site.css"] * 6
    with httpx.Client(base_url=live_server, timeout=30) as http, ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(lambda u: http.get(u).status_code, urls))
    assert codes == [200] * len(urls)
    with httpx.Client(base_url=live_server, timeout=30) as http:
        gz = http.get("/title/revelations", headers={"Accept-Encoding": "gzip"})
        assert gz.headers.get("content-encoding") == "gzip"
        assert http.get("/title/nope.json").status_code == 404


def test_cached_answers_follow_a_reimport(tmp_path: Path) -> None:
    db = build_store(tmp_path)
    app = create_app(db, cache=True)
    with TestClient(app) as client:
        assert client.get("/index.json").json()["week"] == LATEST
        assert client.get("/index.json").json()["week"] == LATEST  # now from the cache
        newer = tmp_path / "more" / "all-weeks-global.tsv"
        newer.parent.mkdir()
        newer.write_text(complete(
            "week\tcategory\tweekly_rank\tshow_title\tseason_title\tweekly_hours_viewed\truntime"
            "\tweekly_views\tcumulative_weeks_in_top_10\n"
            "2025-04-06\tFilms (English)\t1\tHavoc\tN/A\t9000000\t1.75\t5100000\t2"),
            encoding="utf-8",
        )
        api.import_netflix([newer], db=db)
        assert client.get("/index.json").json()["week"] == LATEST  # while the new one is prepared
        app.state.site.releases.settle(30)
        fresh = client.get("/index.json").json()
        assert fresh["week"] == "2025-04-06"
        assert fresh["lists"][0]["rows"][0]["show_title"] == "Havoc"


def test_uncached_app_gives_the_same_answers(web_db: Path, client: TestClient) -> None:
    with TestClient(create_app(web_db, cache=False)) as plain:
        for url in ("/index.json", "/title/revelations.json", "/leaders.json?by=countries"):
            assert plain.get(url).json() == client.get(url).json()


def test_cached_and_uncached_answers_are_gzipped_once(web_db: Path, client: TestClient) -> None:
    zipped = {"Accept-Encoding": "gzip"}
    page = client.get("/title/revelations", headers=zipped)  # cached: gzipped by the cache
    assert page.headers["content-encoding"] == "gzip"
    assert page.headers["vary"] == "Accept, Accept-Encoding"  # HTML or JSON, gzipped or not
    assert "<h1>Revelations</h1>" in page.text  # decoded once by the client: gzipped once
    spec = client.get("/openapi.json", headers=zipped)  # never cached: Starlette's GZip
    assert spec.headers["content-encoding"] == "gzip"
    assert spec.json()["info"]["title"] == "starchart"
    assert "content-encoding" not in client.get(
        "/openapi.json", headers={"Accept-Encoding": "identity"}).headers
    with TestClient(create_app(web_db, cache=False)) as plain:  # nothing cached
        same = plain.get("/title/revelations", headers=zipped)
        assert same.headers["content-encoding"] == "gzip" and same.text == page.text


@pytest.mark.real_data
def test_real_netflix_charts_serve(netflix_data_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "real.duckdb"
    api.import_netflix([netflix_data_dir], db=db)
    with TestClient(create_app(db), raise_server_exceptions=False) as client:
        home = client.get("/index.json").json()
        assert len(home["lists"]) == 4 and all(len(lst["rows"]) == 10 for lst in home["lists"])
        assert client.get("/").status_code == 200

        page = client.get("/title/squid-game--season-1").text
        spread = re.search(r'id="spread-map".*?</svg>', page, re.S)
        assert spread is not None
        assert len(re.findall(r'class="(?:dot )?st-(?:at1|top10)" data-iso2', spread[0])) >= 94
        show = client.get("/show/stranger-things.json").json()
        assert show["page"] == "show" and len(show["seasons"]) >= 5

        week = "2021-12-26"
        kr = client.get(f"/country/KR/week/{week}.json").json()
        assert [lst["category"] for lst in kr["lists"]] == ["Films", "TV"]

        # the CSV of a list holds exactly the published rows of that week and list
        published = [
            line.split("\t")
            for line in (netflix_data_dir / "all-weeks-global.tsv").read_text("utf-8").splitlines()
            if line.startswith(f"{home['week']}\tTV (English)\t")
        ]
        rows = list(
            csv.DictReader(io.StringIO(client.get(f"/week/{home['week']}/tv-english.csv").text))
        )
        assert [(r["weekly_rank"], r["show_title"]) for r in rows] == [
            (p[2], p[3]) for p in published]
        for url in (
            "/leaders?by=countries",
            "/most-popular",
            "/weeks",
            "/countries",
            "/search?q=lupin",
            "/country/SG",
        ):
            assert client.get(url).status_code == 200, url


def test_the_response_cache_keeps_the_most_recently_used_within_its_bytes() -> None:
    from starchart.web.site import ResponseCache

    cache = ResponseCache(max_bytes=10)
    for key in ("a", "b"):
        cache.put(key, b"12345")
    assert cache.get("a") == b"12345"  # "a" is now the most recently used
    cache.put("c", b"123")  # 13 bytes: "b" goes
    assert "b" not in cache and "a" in cache and "c" in cache and cache.used == 8
    cache.put("huge", b"x" * 11)  # larger than the whole cache: not kept, nothing evicted
    assert "huge" not in cache and len(cache) == 2


def test_a_started_site_has_prepared_what_its_first_pages_share(tmp_path: Path) -> None:
    """Before any page is asked for, the site has opened its release and read what pages
    share (the title index, the weeks' stories, the country weeks, the discovery models, the
    header's pickers) and compiled every template: no first request pays for them while
    others wait."""
    db = build_store(tmp_path / "site")
    app = create_app(db)
    site = app.state.site
    served = site.releases._current  # opened as the site started, before any request
    assert served is not None
    deadline = time.monotonic() + 30
    wanted = {("index", "netflix"), ("stories", "netflix"), ("number_one_weeks", "netflix"),
              "discovery_models", ("week_picker", None, None), ("pages", "netflix")}
    while not wanted <= set(served.memo._values) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert wanted <= set(served.memo._values)
    assert served.memo._values[("pages", "netflix")].records  # every title record in memory
    compiled = {name for _, name in site.templates.env.cache}
    assert {"title.html", "week.html", "base.html"} <= compiled
    with TestClient(app) as client:  # and the pages answer from what was prepared
        assert client.get("/title/revelations").status_code == 200
    assert site.releases.current() is served


def test_more_like_this_does_not_import_the_training_code() -> None:
    """The site's "more like this" answers from trained models without importing what
    trains them (ibis, SciPy: most of a second of a serving process's first title page)."""
    code = ("import sys, starchart.web.app, starchart.discovery.answers; "
            "print(sorted(m for m in ('ibis', 'scipy', 'starchart.discovery.train') "
            "if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]"


class _NoQueries:
    """A connection that fails the test if asked anything."""

    def execute(self, *args: object, **kwargs: object) -> None:
        raise AssertionError(f"a prepared release was queried: {args[0]!r}")

    def close(self) -> None:
        pass


def test_a_prepared_release_answers_week_pages_without_a_query(tmp_path: Path) -> None:
    """Once prepared (as the site prepares each release), a week's answer, global or a
    country's, is read from memory: the same answer as the query gives, and no query (a
    country's weeks are looked up once per release, as before)."""
    db = build_store(tmp_path / "site")
    with api.open(db) as fresh:
        wanted = [fresh.week(LATEST), fresh.week(LATEST, country="KR"),
                  fresh.week(None), fresh.week(None, country="KR")]
        older = fresh.weeks()[-1]
        wanted_older = fresh.week(older)
    with api.open(db) as charts:
        charts.prepare()
        kept = charts.memo.peek(("week_answers", "netflix"))
        assert kept and len(kept) >= 2
        charts.weeks(country="KR")  # the country's name and weeks: once per release
        real, charts.con = charts.con, _NoQueries()  # type: ignore[assignment]
        try:
            assert [charts.week(LATEST), charts.week(LATEST, country="KR"),
                    charts.week(None), charts.week(None, country="KR")] == wanted
            assert charts.week(older) == wanted_older
        finally:
            charts.con = real
