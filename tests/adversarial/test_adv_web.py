"""Adversarial requests to the site, in-process (FastAPI's TestClient on create_app).

Promises: no URL ever answers 500; unknown things are 404 and bad parameters 400 (as HTML,
JSON or text to match the request); nothing from a URL reaches SQL unparameterised; every
page answers HEAD as it answers GET; CSV downloads quote titles with commas and quotes.
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from starchart import store
from starchart.web.app import create_app
from tests.web.sample_store import LATEST, build_store


@pytest.fixture(scope="module")
def web_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_store(tmp_path_factory.mktemp("adv-web"))


@pytest.fixture(scope="module")
def client(web_db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(web_db), raise_server_exceptions=False) as c:
        yield c


ODD_URLS = [
    "/week/2025-13-01", "/week/../../etc/passwd", "/week/..%2F..%2Fetc%2Fpasswd",
    "/title/%00", "/title/%00.json", "/title/" + "a" * 300, "/title/" + "a" * 5000 + ".json",
    "/title/%FF", "/title/%C0%AF", "/country/ZZ", "/country/kr", "/country/K%00",
    "/country/%EF%BC%AB%EF%BC%B2", "/week/2025-W13-7",
    "/week/%EF%BC%92%EF%BC%90%EF%BC%92%EF%BC%95-03-30",
    "/leaders?limit=abc", "/leaders?limit=" + "9" * 50, "/leaders?since=2025-02-30",
    "/leaders?category=%27;DROP%20TABLE%20chart_global;--", "/search?q=%27%20OR%201=1--",
    "/search?q=%22%3B%20DROP%20TABLE%20x", "/search.json?q=%F0%9F%98%80%E2%80%AE",
    "/search?q=%00", "/weeks?country=%27", "/?source=%27", "/most-popular/zzz.csv",
    f"/week/{LATEST}/zzz.csv", "/country/ZZ/week/2025-03-30/films.csv", "/static/../app.py",
    "/week?week=abc", "/country?iso2=kr&week=abc", "/x.json", "/api.json",
]


@pytest.mark.parametrize("url", ODD_URLS)
def test_odd_urls_never_answer_500(client: TestClient, url: str) -> None:
    r = client.get(url, follow_redirects=True)
    assert r.status_code < 500, (url, r.text[:200])
    if url.endswith(".json") or ".json?" in url:
        assert r.headers["content-type"].startswith("application/json")


@pytest.mark.parametrize(
    "accept",
    ["application/json;q=abc", "application/json;q=nan", ";;;,,,", "image/png",
     "application/json;q=-1, */*;q=-5", "application/json; q=1e999"],
)
def test_odd_accept_headers(client: TestClient, accept: str) -> None:
    for url in ("/", f"/week/{LATEST}", "/week/2025-03-29", "/title/zzz"):
        assert client.get(url, headers={"Accept": accept}).status_code < 500


def test_sql_quotes_in_query_leave_the_store_intact(client: TestClient, web_db: Path) -> None:
    before = client.get(f"/week/{LATEST}.json").json()
    for q in ("'; DROP TABLE chart_global; --", '" OR ""="', "Amélie's Café"):
        assert client.get("/search.json", params={"q": q}).status_code == 200
    assert client.get(f"/week/{LATEST}.json").json() == before
    found = client.get("/search.json", params={"q": "Amélie's Café"}).json()["results"]
    assert found and found[0]["show_title"] == "Amélie's Café"


def test_csv_quotes_titles_with_commas_and_quotes(client: TestClient) -> None:
    r = client.get("/week/2025-03-16/films-english.csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert "The Man, the Myth" in [row["show_title"] for row in rows]


@pytest.mark.parametrize(
    "url",
    ["/", f"/week/{LATEST}", f"/week/{LATEST}.json", "/title/revelations",
     f"/week/{LATEST}/films-english.csv", "/healthz", "/weeks", "/countries.json"],
)
def test_head_answers_like_get_without_a_body(client: TestClient, url: str) -> None:
    """HTTP requires HEAD wherever GET works (link checkers and uptime probes use it); every
    page answered 405 Method Not Allowed."""
    got = client.get(url)
    head = client.head(url)
    assert head.status_code == got.status_code == 200
    assert head.headers["content-type"] == got.headers["content-type"]
    assert head.content == b""


def test_head_of_an_unknown_page_is_404(client: TestClient) -> None:
    assert client.head("/title/zzz").status_code == 404
    assert client.post("/").status_code == 405


def test_store_that_is_not_a_database_is_503_naming_nothing_of_the_machine(
    tmp_path: Path,
) -> None:
    """A --db pointing at another kind of file answered 500 on every page."""
    bad = tmp_path / "notes.duckdb"
    bad.write_text("not a database\n")
    with TestClient(create_app(bad), raise_server_exceptions=False) as c:
        for url in ("/", "/index.json", "/healthz", f"/week/{LATEST}/films-english.csv"):
            r = c.get(url)
            assert r.status_code == 503, (url, r.text[:200])
            assert str(tmp_path) not in r.text and "python" not in r.text.lower()
            assert "PID" not in r.text
        assert "No charts have been published" in c.get("/index.json").json()["message"]


def test_pages_answer_while_a_writer_holds_the_store(web_db: Path, tmp_path: Path) -> None:
    """While 'starchart ingest/build/import' held the store, every page answered 503 (500
    before that), its body naming the store's path, the interpreter and a PID. The site now
    reads the store's published release and never opens the store itself."""
    import shutil

    from starchart import releases

    locked = tmp_path / "locked.duckdb"
    shutil.copy(web_db, locked)
    releases.publish(locked)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; con = duckdb.connect(sys.argv[1]); "
         "print('ready', flush=True); time.sleep(60)", str(locked)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        with TestClient(create_app(locked), raise_server_exceptions=False) as c:
            for url in ("/", "/index.json", f"/week/{LATEST}/films-english.csv", "/healthz",
                        "/title/revelations"):
                r = c.get(url)
                assert r.status_code == 200, (url, r.text[:200])
    finally:
        holder.kill()
        holder.wait()


def test_a_locked_store_without_a_release_is_503_naming_nothing_of_the_machine(
    web_db: Path, tmp_path: Path
) -> None:
    import shutil

    locked = tmp_path / "locked.duckdb"
    shutil.copy(web_db, locked)  # the store only: no release beside it
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; con = duckdb.connect(sys.argv[1]); "
         "print('ready', flush=True); time.sleep(60)", str(locked)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        with TestClient(create_app(locked), raise_server_exceptions=False) as c:
            for url in ("/", "/index.json", "/healthz"):
                r = c.get(url)
                assert r.status_code == 503 and r.headers["retry-after"] == "5", url
                assert str(tmp_path) not in r.text and str(holder.pid) not in r.text
    finally:
        holder.kill()
        holder.wait()
    with TestClient(create_app(locked), raise_server_exceptions=False) as c:  # publishes
        assert c.get("/index.json").status_code == 200


def test_store_open_error_names_the_store(tmp_path: Path) -> None:
    bad = tmp_path / "notes.duckdb"
    bad.write_text("not a database\n")
    with pytest.raises(store.StoreUnavailableError, match="not a starchart store") as err:
        store.connect(bad, read_only=True)
    assert str(bad) in str(err.value)
