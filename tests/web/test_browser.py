"""The site in a real headless Chromium (Debian's /usr/bin/chromium via Playwright).

A real ``starchart serve`` subprocess serves the sample store on a free loopback port; each
test runs at desktop and phone widths and leaves screenshots in test-artifacts/screenshots/.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import BROWSER_TESTS, VIEWPORTS
from tests.web.sample_store import LATEST, WEEKS

pytestmark = BROWSER_TESTS


@pytest.fixture(params=list(VIEWPORTS))
def page(request: pytest.FixtureRequest, browser: Any, live_server: str) -> Iterator[Any]:
    """A fresh page at one viewport; fails the test on a script error or an off-site request."""
    context = browser.new_context(viewport=VIEWPORTS[request.param], base_url=live_server)
    pg = context.new_page()
    problems: list[str] = []
    pg.on("pageerror", lambda e: problems.append(f"script error: {e}"))
    pg.expect_404 = False  # set by a test that opens a 404 page on purpose

    def console(message: Any) -> None:
        if message.type == "error" and not (pg.expect_404 and "status of 404" in message.text):
            problems.append(message.text)

    pg.on("console", console)
    pg.on(
        "request",
        lambda r: None if r.url.startswith(live_server) else problems.append(f"off-site: {r.url}"),
    )
    def failed(r: Any) -> None:
        # a request the browser itself cancelled (the page moved on or closed: the favicon
        # still loading) is not the server's failure; anything else is
        if "ERR_ABORTED" not in (r.failure or ""):
            problems.append(f"failed: {r.url} ({r.failure})")

    pg.on("requestfailed", failed)
    pg.viewport_name = request.param
    yield pg
    context.close()
    assert problems == []


def shot(page: Any, folder: Path, name: str, *, full: bool = True) -> None:
    page.screenshot(path=str(folder / f"{name}-{page.viewport_name}.png"), full_page=full)


def test_home_tabs_switch_lists(page: Any, screenshot_dir: Path) -> None:
    page.goto("/")
    tablist = page.get_by_role("tablist")
    tabs = tablist.get_by_role("tab")
    assert tabs.count() == 4
    first, second = tabs.nth(0), tabs.nth(1)
    assert first.get_attribute("aria-selected") == "true"
    assert page.locator("#films-english").is_visible()
    assert not page.locator("#films-non-english").is_visible()
    shot(page, screenshot_dir, "home")

    second.click()
    assert second.get_attribute("aria-selected") == "true"
    assert page.locator("#films-non-english").is_visible()
    assert not page.locator("#films-english").is_visible()
    assert page.url.endswith("#films-non-english")
    # keyboard: arrow keys move between tabs, focus follows
    second.focus()
    page.keyboard.press("ArrowRight")
    assert tabs.nth(2).get_attribute("aria-selected") == "true"
    assert page.locator("#tv-english").is_visible()
    page.keyboard.press("Home")
    assert first.get_attribute("aria-selected") == "true"
    rows = page.locator("#films-english table tbody tr")
    assert rows.count() == 10 and "Revelations" in rows.first.inner_text()
    # the layout fits the viewport: nothing scrolls sideways at phone width either
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"]


def test_pick_a_week_then_a_country(page: Any, screenshot_dir: Path) -> None:
    page.goto("/")
    page.get_by_label("Week", exact=True).select_option(WEEKS[0])
    page.get_by_role("button", name="Go to week").click()
    page.wait_for_url(f"**/week/{WEEKS[0]}")
    assert "16 Mar 2025" in page.get_by_role("heading", level=1).inner_text()
    shot(page, screenshot_dir, "week")

    page.get_by_label("Country", exact=True).select_option("KR")
    page.get_by_role("button", name="Go to country").click()
    page.wait_for_url("**/country/KR")
    assert "South Korea" in page.get_by_role("heading", level=1).inner_text()
    films = page.locator("#films table tbody tr")
    assert films.first.locator("th").inner_text().startswith("Kill Boksoon")
    # the week picker on a country page keeps the country
    page.get_by_label("Week", exact=True).select_option(WEEKS[1])
    page.get_by_role("button", name="Go to week").click()
    page.wait_for_url(f"**/country/KR/week/{WEEKS[1]}")
    assert page.locator("#films table caption").inner_text().startswith("South Korea")
    shot(page, screenshot_dir, "country")


def test_title_page_draws_plot_and_map(page: Any, screenshot_dir: Path) -> None:
    page.goto("/")
    page.get_by_role("link", name="Revelations").first.click()
    page.wait_for_url("**/title/revelations")
    assert page.get_by_role("heading", level=1).inner_text() == "Revelations"

    plot = page.locator("svg.runplot:visible")  # one drawing per width; the CSS shows one
    assert plot.is_visible()
    assert plot.locator(".series circle").count() == 3  # one point per week
    box = plot.bounding_box()
    assert box is not None and box["width"] > 300

    spread = page.locator("#spread-map")
    assert spread.is_visible()
    shaded = spread.locator(".st-at1, .st-top10")
    assert shaded.count() == 5
    # the geometry really loaded from /static/world.svg: a country has a drawn size
    us = spread.locator('use[data-iso2="US"]').bounding_box()
    assert us is not None and us["width"] > 20
    sg = spread.locator('circle[data-iso2="SG"]')
    assert sg.get_attribute("class") == "dot st-at1"
    assert page.locator("svg.worldmap.small").count() == len(WEEKS)
    shot(page, screenshot_dir, "title")

    # the slider (JS) re-shades the map week by week
    slider = page.locator("#spread-slider")
    assert slider.is_visible()
    slider.fill("0")
    output = page.locator("#spread-output")
    assert output.inner_text().startswith("Week of 16 Mar 2025")
    assert spread.locator(".st-at1, .st-top10").count() == 3  # US, SG at #1; KR in the Top 10
    assert spread.locator('[data-iso2="FR"]').first.get_attribute("class") == "st-list"
    page.locator("#spread-all").click()
    assert spread.locator(".st-at1, .st-top10").count() == 5
    assert slider.input_value() == str(len(WEEKS))  # the last stop is "all weeks"
    assert output.inner_text().startswith("All weeks")
    shot(page, screenshot_dir, "title-map", full=False)


def test_show_page_and_a_helpful_404(page: Any, screenshot_dir: Path) -> None:
    page.goto("/show/squid-game")
    assert page.get_by_role("heading", level=1).inner_text() == "Squid Game"
    # a row per season in the season table, and the related-pages chips
    seasons = page.locator("table.seasons-table tbody tr")
    assert seasons.count() == 2
    assert seasons.nth(1).get_by_role("link").first.inner_text() == "Squid Game: Season 2"
    page.get_by_role("list", name="Related pages").get_by_role(
        "link", name="Squid Game: Season 2").click()
    page.wait_for_url("**/title/squid-game--season-2")
    page.expect_404 = True
    response = page.goto("/title/revelatons")
    assert response is not None and response.status == 404
    page.get_by_role("link", name="Revelations").click()
    page.wait_for_url("**/title/revelations")
    shot(page, screenshot_dir, "after-404")


def test_leaders_and_search_forms(page: Any, screenshot_dir: Path) -> None:
    page.goto("/leaders")
    page.get_by_label("Measure").select_option("countries")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/leaders?by=countries*")
    assert page.locator("table tbody tr").count() > 0
    shot(page, screenshot_dir, "leaders")
    page.get_by_role("searchbox", name="Search titles").fill("amelie")
    page.get_by_role("searchbox", name="Search titles").press("Enter")
    page.wait_for_url("**/search?q=amelie")
    page.get_by_role("link", name="Amélie's Café: Season 1").click()
    page.wait_for_url("**/title/amelies-cafe--season-1")
    assert LATEST in page.content()
