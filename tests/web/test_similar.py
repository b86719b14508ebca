"""More like this on the site: the title page's panel and /title/<slug>/similar (HTML and
JSON from one data function), on the sample charts after training (co-charting by title ID),
in-process and in a real Chromium."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from fastapi.testclient import TestClient

from starchart import api
from starchart.web.app import create_app
from tests.web.conftest import ARGS, CHROMIUM, start_server, stop_server
from tests.web.sample_store import build_store

SLUG = "squid-game--season-2"


@pytest.fixture(scope="module")
def trained_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample charts, imported and trained (co-charting: they have no viewing)."""
    db = build_store(tmp_path_factory.mktemp("web-similar"))
    report = api.train(db=db)
    assert [m["model"] for m in report["models"]] == ["charting"]
    return db


@pytest.fixture(scope="module")
def trained(trained_db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(trained_db), raise_server_exceptions=False) as c:
        yield c


def work_id(db: Path, name: str) -> str:
    with duckdb.connect(str(db), read_only=True) as con:
        return str(con.execute("SELECT title_id FROM titles WHERE name = ?",
                               [name]).fetchall()[0][0])


def test_similar_json_is_the_api_answer_with_links(trained: TestClient,
                                                   trained_db: Path) -> None:
    answer = trained.get(f"/title/{SLUG}/similar.json?limit=5")
    assert answer.status_code == 200
    page = answer.json()
    tid = work_id(trained_db, "Squid Game: Season 2")
    assert page["title_id"] == tid and page["show_title"] == "Squid Game"
    expected = api.similar(tid, limit=5, db=trained_db)["similar"]
    assert [r["title_id"] for r in page["similar"]] == [r["title_id"] for r in expected]
    assert [r["score"] for r in page["similar"]] == [r["score"] for r in expected]
    assert 0 < len(page["similar"]) <= 5
    assert all(r["title_id"].startswith("nf-") for r in page["similar"])
    for r in page["similar"]:  # every neighbour is a work with a page of its own
        assert r["url"].startswith(f"/title/{r['title_id']}")
        linked = trained.get(r["url"].split("?")[0] + ".json")
        assert linked.status_code == 200 and linked.json()["title_id"] == r["title_id"]
    html = trained.get(f"/title/{SLUG}/similar")
    assert html.status_code == 200 and "More like" in html.text
    assert all(r["url"].replace("&", "&amp;") in html.text for r in page["similar"])


def test_the_title_page_has_the_panel(trained: TestClient) -> None:
    html = trained.get(f"/title/{SLUG}").text
    panel = html[html.index('data-panel="more-like-this"'):]
    panel = panel[:panel.index("</section>")]
    links = re.findall(r'href="(/title/nf-[^"]+)"', panel)
    assert 1 <= len(links) <= 6
    assert f"/title/{SLUG}/similar" in panel
    # the title page's JSON is unchanged: the panel is the similar page's data
    assert "more_like_this" not in trained.get(f"/title/{SLUG}.json").json()


def test_unknown_title_is_404_and_untrained_store_says_why(trained: TestClient,
                                                          client: TestClient) -> None:
    assert trained.get("/title/no-such-title/similar.json").status_code == 404
    untrained = client.get(f"/title/{SLUG}/similar.json")  # the shared sample, never trained
    assert untrained.status_code == 200
    assert untrained.json()["similar"] == [] and "trained" in untrained.json()["note"]
    assert "No discovery model" in client.get(f"/title/{SLUG}").text


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="browser tests need /usr/bin/chromium")
def test_panel_in_a_real_browser(trained_db: Path, screenshot_dir: Path) -> None:
    from playwright.sync_api import sync_playwright

    proc, url = start_server(trained_db)
    problems: list[str] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            page: Any = browser.new_page(viewport={"width": 1280, "height": 800},
                                         base_url=url)
            page.on("pageerror", lambda e: problems.append(f"script error: {e}"))
            page.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))
            page.goto(f"/title/{SLUG}")
            panel = page.locator('[data-panel="more-like-this"]')
            assert panel.get_by_role("heading", name="More like this").is_visible()
            first = panel.locator("ol.similar-list a").first
            name = first.inner_text()
            panel.scroll_into_view_if_needed()
            page.screenshot(path=str(screenshot_dir / "title-more-like-this-desktop.png"),
                            full_page=True)
            first.click()
            page.wait_for_url(re.compile(r"/title/nf-"))
            assert page.get_by_role("heading", level=1).inner_text().startswith(
                name.split(":")[0])
            page.goto(f"/title/{SLUG}")
            page.locator('[data-panel="more-like-this"]').get_by_role(
                "link", name="more, with scores").click()
            page.wait_for_url(re.compile(rf"/title/{SLUG}/similar"))
            rows = page.locator('table[data-table="similar"] tbody tr')
            assert rows.count() >= 1
            page.screenshot(path=str(screenshot_dir / "similar-desktop.png"), full_page=True)
            browser.close()
    finally:
        stop_server(proc)
    assert problems == []
