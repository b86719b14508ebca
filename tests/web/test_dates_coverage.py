"""Dates and coverage stated plainly: the home page names its week (and that it is the
latest available), the country picker says what each country's lists cover when the week
has none, and /countries gives each country's weeks as dates, not only a count."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from starchart import api
from starchart.web.app import create_app
from tests.published.complete_lists import complete
from tests.web.sample_store import COUNTRY_NAMES, WEEKS, build_store
from tests.web.test_site import get_html, get_json, text_of

LATER = "2025-06-01"  # a global week long after the country lists end


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The sample store, then one more global week with no country lists."""
    folder = tmp_path_factory.mktemp("coverage")
    db = build_store(folder / "site")
    later = folder / "later"
    later.mkdir()
    (later / "all-weeks-global.tsv").write_text(complete(
        "week\tcategory\tweekly_rank\tshow_title\tseason_title\tweekly_hours_viewed\truntime"
        f"\tweekly_views\tcumulative_weeks_in_top_10\n{LATER}\tFilms (English)\t1\tHavoc\tN/A"
        "\t12000000\t2\t6000000\t2"), encoding="utf-8")
    api.import_netflix([later], db=db)
    with TestClient(create_app(db), raise_server_exceptions=False) as c:
        yield c


def test_the_home_page_names_its_week_and_says_it_is_the_latest(client: TestClient) -> None:
    page = get_html(client, "/")
    h1 = text_of(re.search(r"<h1>.*?</h1>", page, re.S)[0]).strip()  # type: ignore[index]
    assert h1 == "Top 10 for the week of 26 May – 1 Jun 2025"
    assert "This week" not in text_of(page)
    assert "latest available week" in text_of(page)
    assert "<title>Top 10 for the week of 26 May – 1 Jun 2025 · starchart</title>" in page
    older = text_of(get_html(client, f"/week/{WEEKS[1]}"))
    assert "latest available" not in older and "23 Mar 2025" in older


def test_the_country_picker_says_what_the_country_lists_cover(client: TestClient) -> None:
    words = text_of(get_html(client, "/"))
    assert (
        "No country has a list for this week: country lists cover the weeks of "
        "16 Mar 2025 to 30 Mar 2025, so picking a country opens its latest list."
    ) in words
    assert "South Korea (lists 16 Mar 2025 – 30 Mar 2025)" in words
    # a week the country lists cover: those countries are offered as having it
    page = get_html(client, f"/week/{WEEKS[0]}")
    group = re.search(r'<optgroup label="With lists for this week">(.*?)</optgroup>', page, re.S)
    assert group is not None
    assert sorted(re.findall(r'value="(\w\w)"', group[1])) == sorted(COUNTRY_NAMES)
    assert "No country has a list" not in text_of(page)


def test_countries_state_their_dates(client: TestClient) -> None:
    data = get_json(client, "/countries.json")
    assert (data["first_week"], data["last_week"]) == (WEEKS[0], WEEKS[-1])
    kr = next(c for c in data["countries"] if c["iso2"] == "KR")
    assert (kr["weeks"], kr["first_week"], kr["last_week"]) == (3, WEEKS[0], WEEKS[-1])
    words = text_of(get_html(client, "/countries"))
    assert "South Korea 3 weeks, 2025-03-16 to 2025-03-30" in " ".join(words.split())
    assert "from the week of 16 Mar 2025 to the week of 30 Mar 2025" in words
    rows = list(csv.DictReader(io.StringIO(client.get("/countries.csv").text)))
    assert {r["iso2"]: (r["first_week"], r["last_week"]) for r in rows}["KR"] == (
        WEEKS[0], WEEKS[-1])


def test_a_lower_case_country_redirects_in_every_form(client: TestClient) -> None:
    for url, target in (("/country/kr.json", "/country/KR.json"),
                        (f"/country/kr/week/{WEEKS[0]}/tv.csv?source=netflix",
                         f"/country/KR/week/{WEEKS[0]}/tv.csv?source=netflix")):
        moved = client.get(url, follow_redirects=False)
        assert (moved.status_code, moved.headers["location"]) == (301, target)
