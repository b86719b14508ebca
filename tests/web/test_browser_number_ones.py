"""The #1-in-each-country page in a real headless Chromium, at desktop and phone widths
(fixtures and screenshots as in test_browser.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.web.conftest import BROWSER_TESTS
from tests.web.sample_store import COUNTRIES, WEEKS
from tests.web.test_browser import page, shot  # noqa: F401 - fixtures

pytestmark = BROWSER_TESTS

PALETTE = {"t0": "rgb(230, 159, 0)", "t1": "rgb(86, 180, 233)", "t2": "rgb(0, 158, 115)"}


def test_number_ones_page_from_the_week_page(page: Any, screenshot_dir: Path) -> None:  # noqa: F811
    week = WEEKS[2]
    page.goto(f"/week/{week}")
    page.get_by_role("link", name="#1 in each country this week").click()
    page.wait_for_url(f"**/week/{week}/number-ones")
    assert page.get_by_role("heading", level=1).inner_text().startswith("#1 in each country")
    films = page.locator("#map-films")
    assert films.is_visible()
    box = films.bounding_box()
    assert box is not None and box["width"] > 300  # the map fills the column, phone too
    # the US's #1 film (Revelations, #1 in most countries) is drawn in the first colour,
    # from the sprite loaded off /static/world.svg
    us = films.locator('use[data-iso2="US"]')
    assert us.get_attribute("class") == "st-t0"
    assert us.evaluate("e => getComputedStyle(e).fill") == PALETTE["t0"]
    drawn = us.bounding_box()
    assert drawn is not None and drawn["width"] > 20
    assert films.locator('circle[data-iso2="SG"]').get_attribute("class") == "dot st-t0"
    # the key names each colour's title; one row per country in the table
    key = page.get_by_role("list", name="Films map key")
    assert key.get_by_role("link", name="Revelations").is_visible()
    rows = page.locator("table.number-ones tbody tr")
    assert rows.count() == len(COUNTRIES)
    korea = page.locator("#c-KR")
    assert "Kill Boksoon" in korea.inner_text() and "Squid Game: Season 2" in korea.inner_text()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"]  # nothing scrolls sideways
    shot(page, screenshot_dir, "number-ones")
    page.locator("#map-tv").scroll_into_view_if_needed()
    shot(page, screenshot_dir, "number-ones-tv-map", full=False)

    # browsing: the week before, then a title
    page.get_by_role("link", name=f"← Week of {WEEKS[1][8:].lstrip('0')} Mar 2025").click()
    page.wait_for_url(f"**/week/{WEEKS[1]}/number-ones")
    page.locator("#c-KR").get_by_role("link", name="Mantis").click()
    page.wait_for_url("**/title/mantis")


def test_a_day_and_a_country_name_in_the_address(page: Any, screenshot_dir: Path) -> None:  # noqa: F811
    page.goto("/week/2025-03-26/number-ones")  # a Wednesday: its week's page
    page.wait_for_url(f"**/week/{WEEKS[2]}/number-ones")
    page.goto("/country/Korea/number-ones?since=2025-03-17&until=2025-03-31")
    page.wait_for_url("**/country/KR/number-ones?since=2025-03-17&until=2025-03-31")
    assert page.get_by_role("heading", level=1).inner_text().startswith("#1 in South Korea")
    tv = page.get_by_role("table", name="TV titles at #1 in South Korea, 2025-03-17 to 2025-03-31")
    assert "Squid Game: Season 2" in tv.inner_text()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"]
    shot(page, screenshot_dir, "country-number-ones")
