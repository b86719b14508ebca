"""The analyst's country and date questions, each asked three ways: the CLI, the Python API
and HTTP (in-process), on the hand-made sample store. Expected answers are worked out from
the sample's own definition (tests/web/sample_store.py), never typed in."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from starchart import api
from starchart.cli import app
from starchart.web.schemas import CountryNumberOnesPage, LeadersPage, WeekNumberOnesPage
from tests.web.sample_store import COUNTRIES, COUNTRY_NAMES, LATEST, WEEKS

runner = CliRunner()


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    from starchart.commands import common

    for console in (common.console, common.err_console):
        monkeypatch.setattr(console, "_width", 200)


def cli(db: Path, *args: str, ok: bool = True) -> tuple[int, str]:
    result = runner.invoke(app, [*args, "--db", str(db)])
    if ok:
        assert result.exit_code == 0, result.output
    return result.exit_code, result.output


def cli_json(db: Path, *args: str) -> Any:
    return json.loads(cli(db, *args, "--json")[1])


def moved(client: TestClient, url: str) -> tuple[int, str]:
    response = client.get(url, follow_redirects=False)
    return response.status_code, response.headers.get("location", "")


def name(show: str, season: str) -> tuple[str, str | None]:
    return show, None if season == "N/A" else season


# what the sample says, computed from its definition ------------------------------------------


def sample_number_ones(country: str) -> dict[str, list[tuple[str, tuple[str, str | None]]]]:
    """Per list, each week's #1 in ``country``: [(week, (show, season))]."""
    out: dict[str, list[tuple[str, tuple[str, str | None]]]] = defaultdict(list)
    for week, lists in zip(WEEKS, COUNTRIES[country], strict=True):
        for category, rows in lists.items():
            out[category].append((week, name(*rows[0])))
    return out


def sample_week_number_ones(week: str) -> dict[str, dict[str, tuple[str, str | None]]]:
    """Per country, the #1 of each list in ``week``."""
    at = WEEKS.index(week)
    return {code: {cat: name(*rows[0]) for cat, rows in weeks[at].items()}
            for code, weeks in COUNTRIES.items()}


# 1. any day means its chart week; 'latest' the newest ----------------------------------------


def test_any_day_means_its_week_in_the_cli_the_api_and_urls(web_db: Path,
                                                             client: TestClient) -> None:
    monday = (dt.date.fromisoformat(WEEKS[1]) - dt.timedelta(days=6)).isoformat()
    wednesday = (dt.date.fromisoformat(WEEKS[1]) - dt.timedelta(days=4)).isoformat()
    assert api.week(monday, db=web_db)["week"] == WEEKS[1]
    assert api.week(dt.date.fromisoformat(wednesday), country="KR", db=web_db)["week"] == WEEKS[1]
    assert api.week("latest", db=web_db)["week"] == LATEST == api.week(db=web_db)["week"]
    with api.open(web_db) as charts:
        assert charts.week_story("latest", country="Korea") == charts.week_story(
            LATEST, country="KR")
    assert cli_json(web_db, "week", monday)["week"] == WEEKS[1]
    assert cli_json(web_db, "week", "latest", "--country", "KR")["week"] == LATEST
    _, out = cli(web_db, "week", monday)
    assert f"{monday} is in the chart week ending {WEEKS[1]}" in out
    # URLs: a day inside the week, and 'latest', redirect to the week's own address
    assert moved(client, f"/week/{wednesday}") == (307, f"/week/{WEEKS[1]}")
    assert moved(client, f"/week/{wednesday}.json") == (307, f"/week/{WEEKS[1]}.json")
    assert moved(client, "/week/latest?source=netflix") == (307, f"/week/{LATEST}?source=netflix")
    assert moved(client, f"/country/KR/week/{monday}") == (307, f"/country/KR/week/{WEEKS[1]}")
    assert moved(client, f"/week/{monday}/films-english.csv") == (
        307, f"/week/{WEEKS[1]}/films-english.csv")
    assert client.get(f"/week/{wednesday}.json").json()["week"] == WEEKS[1]
    spec = client.get("/openapi.json").json()["paths"]
    assert {"307", "404"} <= set(spec["/week/{week}.json"]["get"]["responses"])
    # a day whose week holds no lists: the week's address, then 404 with the nearest weeks
    assert moved(client, "/week/2025-04-02") == (307, "/week/2025-04-06")
    body = client.get("/week/2025-04-02.json").json()
    assert body["status"] == 404 and body["suggestions"][0]["url"] == f"/week/{LATEST}"


def test_not_a_date_is_a_clear_error_everywhere(web_db: Path, client: TestClient) -> None:
    with pytest.raises(ValueError, match="not a date"):
        api.week("Tuesday", db=web_db)
    code, out = cli(web_db, "week", "Tuesday", ok=False)
    assert code == 1 and "not a date (YYYY-MM-DD) or 'latest'" in out
    assert client.get("/week/Tuesday.json").status_code == 400


# 2. country names where codes are ------------------------------------------------------------


@pytest.mark.parametrize("typed", ["KR", "kr", "Korea", "South Korea", "south  korea",
                                   "SOUTH KOREA", "KOR"])
def test_country_names_and_codes_mean_the_same_country(web_db: Path, typed: str) -> None:
    assert api.week(country=typed, db=web_db)["country"] == "KR"
    assert cli_json(web_db, "week", "--country", typed)["country_name"] == "South Korea"


def test_country_names_in_urls_redirect_to_the_code(client: TestClient) -> None:
    assert moved(client, "/country/korea") == (301, "/country/KR")
    assert moved(client, "/country/South%20Korea.json") == (301, "/country/KR.json")
    assert moved(client, f"/country/Guadeloupe/week/{LATEST}") == (301,
                                                                  f"/country/GP/week/{LATEST}")
    assert client.get("/weeks.json?country=united%20states").json()["country"] == "US"
    assert moved(client, "/country?iso2=singapore")[1] == "/country/SG"


def test_unknown_and_ambiguous_countries_explain_themselves(web_db: Path,
                                                            client: TestClient) -> None:
    with pytest.raises(LookupError) as caught:
        api.week(country="Untied States", db=web_db)
    assert "did you mean United States" in str(caught.value)
    assert caught.value.args[1][0]["iso2"] == "US"
    with pytest.raises(LookupError, match="no country lists for Germany \\(DE\\)"):
        api.week(country="germany", db=web_db)
    code, out = cli(web_db, "week", "--country", "Narnia", ok=False)
    assert code == 1 and "no country lists for 'Narnia'" in out
    body = client.get("/country/Untied%20States.json").json()
    assert body["status"] == 404 and {"label": "United States", "url": "/country/US"} in (
        body["suggestions"])


def test_a_name_several_countries_share_is_ambiguous() -> None:
    from starchart.countries import NETFLIX_COUNTRIES, CountryNotFound, resolve_country

    with pytest.raises(CountryNotFound) as caught:
        resolve_country("Republic", NETFLIX_COUNTRIES)
    assert "could be" in str(caught.value)
    assert {"CZ", "DO"} <= {s["iso2"] for s in caught.value.args[1]}


# 3. a country's leaderboards and its #1s over a span ------------------------------------------


def test_leaders_of_one_countrys_lists(web_db: Path, client: TestClient) -> None:
    tally = Counter(t for lst in sample_number_ones("KR").values() for _, t in lst)
    expected = sorted(tally.values(), reverse=True)
    frame = api.leaders("weeks-at-1", country="Korea", db=web_db)
    got = {(r.show_title, r.season_title): int(r.value) for r in frame.itertuples()}
    assert got == dict(tally) and list(frame["value"]) == expected
    assert set(frame["category"]) == {"Films", "TV"}
    assert frame.attrs["coverage"]["weeks"] == len(WEEKS)
    tv = api.leaders("weeks-in-top-10", country="KR", category="tv", limit=200, db=web_db)
    in_top = Counter(name(*row) for weeks in COUNTRIES["KR"] for row in weeks["TV"])
    assert set(tv["category"]) == {"TV"}
    assert {(r.show_title, r.season_title): int(r.value) for r in tv.itertuples()
            if not r.show_title.startswith("Also Ran")} == in_top  # the rest: list filler
    answer = cli_json(web_db, "leaders", "--country", "South Korea")
    assert answer["country"] == "KR"
    assert [r["value"] for r in answer["rows"]] == expected
    body = client.get("/leaders.json?country=kr").json()
    LeadersPage.model_validate(body)
    assert body["country"] == "KR" and [r["value"] for r in body["rows"]] == expected
    assert "Global lists" in client.get("/leaders?country=KR").text
    # hours, views and other countries are not in a country's lists: said plainly
    with pytest.raises(ValueError, match="weeks-at-1 or weeks-in-top-10"):
        api.leaders("views", country="KR", db=web_db)
    assert client.get("/leaders.json?country=KR&by=countries").status_code == 400
    code, out = cli(web_db, "leaders", "--country", "KR", "--category", "TV (English)",
                    ok=False)
    assert code == 1 and "Films and TV" in out


def test_a_countrys_number_ones_over_a_span(web_db: Path, client: TestClient) -> None:
    # the weeks whose Sunday lies in the span: the last two of the sample
    since = (dt.date.fromisoformat(WEEKS[1]) - dt.timedelta(days=3)).isoformat()
    until = (dt.date.fromisoformat(WEEKS[2]) + dt.timedelta(days=2)).isoformat()
    expected = {cat: [(w, t) for w, t in weeks if since <= w <= until]
                for cat, weeks in sample_number_ones("KR").items()}

    def check(answer: dict[str, Any]) -> None:
        assert (answer["country"], answer["country_name"]) == ("KR", "South Korea")
        assert answer["weeks"] == [WEEKS[1], WEEKS[2]]
        got = {lst["category"]: [(w["week"], (w["show_title"], w["season_title"]))
                                 for w in lst["weeks"]] for lst in answer["lists"]}
        assert got == expected
        for lst in answer["lists"]:
            held = Counter(t for _, t in expected[lst["category"]])
            assert {(t["show_title"], t["season_title"]): t["weeks_at_1"]
                    for t in lst["titles"]} == dict(held)
            assert sum(len(t["weeks"]) for t in lst["titles"]) == len(expected[lst["category"]])
        assert answer["coverage"]["weeks"] == 2

    check(api.number_ones("Korea", since=since, until=until, db=web_db))
    check(cli_json(web_db, "number-ones", "--country", "kr", "--since", since, "--until", until))
    body = client.get(f"/country/KR/number-ones.json?since={since}&until={until}").json()
    CountryNumberOnesPage.model_validate(body)
    check(body)
    assert moved(client, f"/country/korea/number-ones?since={since}") == (
        301, f"/country/KR/number-ones?since={since}")
    page = client.get(f"/country/KR/number-ones?since={since}&until={until}").text
    assert "#1 in South Korea" in page and 'href="/title/squid-game--season-2"' in page
    _, out = cli(web_db, "number-ones", "--country", "South Korea", "--since", since,
                 "--until", until)
    assert "Squid Game: Season 2" in out and "weeks at #1" in out
    # one week, given as any day of it
    one = cli_json(web_db, "number-ones", "--country", "KR", since)
    assert one["weeks"] == [WEEKS[1]]
    with pytest.raises(ValueError, match="after until"):
        api.number_ones("KR", since=until, until=since, db=web_db)
    # a span with no lists says so: no #1 is not "none was #1"
    empty = api.number_ones("KR", since="2026-01-01", db=web_db)
    assert empty["weeks"] == [] and empty["coverage"]["weeks"] == 0
    assert all(lst["titles"] == [] for lst in empty["lists"])
    _, out = cli(web_db, "number-ones", "--country", "KR", "--since", "2026-01-01")
    assert "Nothing to count: no lists for South Korea in this period" in out


# 4. the #1 in each country for one week -------------------------------------------------------


def test_number_one_in_each_country_for_a_week(web_db: Path, client: TestClient) -> None:
    week = WEEKS[1]
    expected = sample_week_number_ones(week)

    def check(answer: dict[str, Any]) -> None:
        assert answer["week"] == week
        assert (answer["previous_week"], answer["next_week"]) == (WEEKS[0], WEEKS[2])
        got = {c["iso2"]: {cat: (t["show_title"], t["season_title"])
                           for cat, t in c["number_ones"].items()}
               for c in answer["countries"]}
        assert got == expected
        assert [c["name"] for c in answer["countries"]] == sorted(
            COUNTRY_NAMES[c] for c in expected)
        for lst in answer["lists"]:
            where: dict[tuple[str, str | None], list[str]] = defaultdict(list)
            for code in sorted(expected):
                where[expected[code][lst["category"]]].append(code)
            assert {(t["show_title"], t["season_title"]): t["countries"]
                    for t in lst["titles"]} == dict(where)
            counts = [len(t["countries"]) for t in lst["titles"]]
            assert counts == sorted(counts, reverse=True)  # most countries first

    day = (dt.date.fromisoformat(week) - dt.timedelta(days=2)).isoformat()
    check(api.week_number_ones(day, db=web_db))
    check(cli_json(web_db, "number-ones", week))
    body = client.get(f"/week/{week}/number-ones.json").json()
    WeekNumberOnesPage.model_validate(body)
    check(body)
    assert moved(client, f"/week/{day}/number-ones") == (307, f"/week/{week}/number-ones")
    assert moved(client, "/week/latest/number-ones.json") == (
        307, f"/week/{LATEST}/number-ones.json")
    assert api.week_number_ones(db=web_db)["week"] == LATEST
    _, out = cli(web_db, "number-ones", week)
    assert "South Korea (KR)" in out and "titles by countries at #1" in out
    missing = client.get("/week/2025-01-05/number-ones.json")
    assert missing.status_code == 404 and missing.json()["suggestions"][0]["url"].startswith(
        f"/week/{WEEKS[0]}")


def test_number_ones_page_draws_a_map_coloured_by_title(client: TestClient) -> None:
    week = WEEKS[2]
    expected = sample_week_number_ones(week)
    page = client.get(f"/week/{week}/number-ones").text
    data = client.get(f"/week/{week}/number-ones.json").json()
    for lst in data["lists"]:
        assert f'id="map-{lst["slug"]}"' in page
        # every country coloured by its #1's place in the key; the same title, one colour
        for i, title in enumerate(lst["titles"]):
            for code in title["countries"]:
                assert f'st-t{i}" data-iso2="{code}"' in page  # a shape or a dot
    for code, ones in expected.items():
        assert f'id="c-{code}"' in page
        for show, season in ones.values():
            assert (season or show) in page
    # the week page links here
    assert f'href="/week/{week}/number-ones"' in client.get(f"/week/{week}").text
    assert 'href="/country/KR/number-ones"' in client.get(f"/country/KR/week/{week}").text
