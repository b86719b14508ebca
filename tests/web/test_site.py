"""Every route of the site and its JSON twin, in-process, on the hand-made store."""

from __future__ import annotations

import csv
import html
import io
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.web.sample_store import COUNTRY_NAMES, GLOBAL, LATEST, WEEKS

JSON = {"Accept": "application/json"}


def get_json(client: TestClient, url: str, status: int = 200) -> Any:
    response = client.get(url)
    assert response.status_code == status, (url, response.text[:500])
    assert response.headers["content-type"].startswith("application/json")
    return response.json()


def get_html(client: TestClient, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.text[:500])
    assert response.headers["content-type"].startswith("text/html")
    return response.text


def text_of(page: str) -> str:
    """The page's visible words, tags stripped and entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


# --- home and weeks ---------------------------------------------------------------------------


def test_home_shows_the_latest_weeks_four_lists_as_tabs(client: TestClient) -> None:
    page = get_html(client, "/")
    data = get_json(client, "/index.json")
    assert data["week"] == LATEST
    assert [lst["category"] for lst in data["lists"]] == list(GLOBAL[LATEST])
    assert '<html lang="en">' in page
    # one in-page tab link and one labelled panel per list (JS turns them into a tablist)
    for lst in data["lists"]:
        assert f'href="#{lst["slug"]}"' in page
        assert f'id="{lst["slug"]}" aria-labelledby="h-{lst["slug"]}"' in page
    # HTML and JSON come from the same data: every title of the JSON is in the HTML
    words = text_of(page)
    for lst in data["lists"]:
        for row in lst["rows"]:
            assert row["show_title"] in words
            assert f'href="{row["url"]}"' in page


def test_home_json_by_accept_header_equals_the_json_twin(client: TestClient) -> None:
    by_header = client.get("/", headers=JSON)
    assert by_header.status_code == 200
    assert by_header.json() == get_json(client, "/index.json")
    assert "Accept" in by_header.headers["vary"]
    assert client.get("/", headers={"Accept": "text/html,*/*;q=0.8"}).text.startswith("<!doctype")


def test_week_rows_carry_change_rounding_and_runtime(client: TestClient) -> None:
    data = get_json(client, f"/week/{LATEST}.json")
    films = data["lists"][0]["rows"]
    top = films[0]
    assert (top["show_title"], top["weekly_rank"], top["previous_weekly_rank"], top["change"]) == (
        "Revelations",
        1,
        2,
        "up",
    )
    assert top["weekly_views"] == 15_000_000  # JSON keeps the value as stored
    assert {r["show_title"]: r["change"] for r in films}["Havoc"] == "new"
    page = get_html(client, f"/week/{LATEST}")
    assert "15.0M" in page and "30.0M" in page  # views and hours rounded for display
    assert "2:00" in page and "1:37" in page  # runtime 2 h and 1.6167 h as h:mm
    assert "Up from #2" in page and "NEW" in page


def test_week_links_to_neighbours_and_every_week_is_browsable(client: TestClient) -> None:
    middle = get_json(client, f"/week/{WEEKS[1]}.json")
    assert middle["previous_week"] == WEEKS[0] and middle["next_week"] == WEEKS[2]
    assert middle["links"]["previous"] == f"/week/{WEEKS[0]}"
    archive = get_json(client, "/weeks.json")
    assert [w["week"] for w in archive["weeks"]] == list(reversed(WEEKS))
    page = get_html(client, "/weeks")
    for week in WEEKS:
        assert f'href="/week/{week}"' in page


def test_week_picker_redirects_to_the_weeks_own_address(client: TestClient) -> None:
    response = client.get(f"/week?week={WEEKS[0]}", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/week/{WEEKS[0]}"
    assert client.get("/week", follow_redirects=False).headers["location"] == "/weeks"
    # any day means its week; 'latest' the newest; not a date is a 400
    monday = client.get("/week?week=2025-03-24", follow_redirects=False)
    assert monday.headers["location"] == "/week/2025-03-30"
    latest = client.get("/week?week=latest", follow_redirects=False)
    assert latest.headers["location"] == f"/week/{WEEKS[-1]}"
    assert client.get("/week?week=March").status_code == 400


# --- countries --------------------------------------------------------------------------------


def test_country_pages_latest_and_by_week(client: TestClient) -> None:
    latest = get_json(client, "/country/KR.json")
    assert (latest["country"], latest["country_name"], latest["week"]) == (
        "KR",
        "South Korea",
        LATEST,
    )
    assert [lst["category"] for lst in latest["lists"]] == ["Films", "TV"]
    assert latest["lists"][0]["rows"][0]["show_title"] == "Kill Boksoon"
    earlier = get_json(client, f"/country/KR/week/{WEEKS[0]}.json")
    assert earlier["lists"][0]["rows"][0]["show_title"] == "Mantis"
    page = get_html(client, f"/country/KR/week/{WEEKS[0]}")
    assert "South Korea Top 10" in text_of(page)
    assert "Mantis" in text_of(page)
    assert '<th scope="col" class="num">Views</th>' not in page  # no views in country lists
    countries = get_json(client, "/countries.json")["countries"]
    assert sorted(c["iso2"] for c in countries) == sorted(COUNTRY_NAMES)
    assert 'href="/country/SG"' in get_html(client, "/countries")


def test_country_codes_are_normalised_and_the_picker_keeps_the_week(client: TestClient) -> None:
    lower = client.get("/country/kr", follow_redirects=False)
    assert (lower.status_code, lower.headers["location"]) == (301, "/country/KR")
    picked = client.get(f"/country?iso2=us&week={WEEKS[1]}", follow_redirects=False)
    assert picked.headers["location"] == f"/country/US/week/{WEEKS[1]}"
    no_week = client.get("/country?iso2=SG", follow_redirects=False)
    assert no_week.headers["location"] == "/country/SG"


# --- titles and shows -------------------------------------------------------------------------


def test_title_page_plots_the_run_and_maps_the_countries(client: TestClient) -> None:
    data = get_json(client, "/title/revelations.json")
    assert data["page"] == "title" and data["slug"] == "revelations"
    assert [r["weekly_rank"] for r in data["run"]] == [1, 2, 1]
    assert data["countries"]["distinct_in_top_10"] == 5
    page = get_html(client, "/title/revelations")
    assert '<svg class="runplot"' in page
    assert len(re.findall(r"<circle cx=", page)) >= 3  # one point per week on the plot
    spread_map = re.search(r'<svg class="worldmap" id="spread-map".*?</svg>', page, re.S)
    assert spread_map is not None
    shaded = {
        iso: status
        for status, iso in re.findall(
            r'class="(?:dot )?st-(at1|top10)" data-iso2="(\w\w)"', spread_map[0]
        )
    }
    assert shaded == {"US": "at1", "SG": "at1", "FR": "at1", "KR": "top10", "GP": "top10"}
    # Singapore and Guadeloupe have no polygon at 1:110m: they are drawn as dots
    assert re.search(r'<circle class="dot st-at1" data-iso2="SG"', spread_map[0])
    assert re.search(r'<circle class="dot st-top10" data-iso2="GP"', spread_map[0])
    assert page.count('class="worldmap small"') == len(WEEKS)  # one small map per week
    words = text_of(page)
    assert "Weeks at #1" in words and "#1" in words


def test_show_page_groups_seasons_and_titles_redirect_between_kinds(client: TestClient) -> None:
    show = get_json(client, "/show/squid-game.json")
    assert show["page"] == "show"
    assert [x["slug"] for x in show["seasons"]] == ["squid-game--season-1",
                                                    "squid-game--season-2"]
    labels = {s["label"] for s in show["links"]["seasons"]}
    assert labels == {"Squid Game: Season 1", "Squid Game: Season 2"}
    page = get_html(client, "/show/squid-game")
    assert 'href="/title/squid-game--season-2"' in page
    to_show = client.get("/title/squid-game", follow_redirects=False)
    assert (to_show.status_code, to_show.headers["location"]) == (308, "/show/squid-game")
    to_title = client.get("/show/revelations", follow_redirects=False)
    assert to_title.headers["location"] == "/title/revelations"
    season = get_json(client, "/title/squid-game--season-2.json")
    assert season["links"]["show"] == "/show/squid-game"


def test_exact_title_match_does_not_confuse_mantis_and_queen_mantis(client: TestClient) -> None:
    mantis = get_json(client, "/title/mantis.json")
    assert mantis["show_title"] == "Mantis" and mantis["kind"] == "film"
    assert {g["category"] for g in mantis["global"]} == {"Films (Non-English)"}
    assert "<h1>Mantis</h1>" in get_html(client, "/title/mantis")
    queen = get_json(client, "/title/queen-mantis--season-1.json")
    assert queen["show_title"] == "Queen Mantis" and queen["kind"] == "tv"


# --- leaders, search, most popular --------------------------------------------------------------


@pytest.mark.parametrize("by", ["weeks-at-1", "weeks-in-top-10", "countries", "views"])
def test_leaders_by_every_measure(client: TestClient, by: str) -> None:
    data = get_json(client, f"/leaders.json?by={by}&limit=5")
    assert data["by"] == by and 0 < len(data["rows"]) <= 5
    values = [r["value"] for r in data["rows"]]
    assert values == sorted(values, reverse=True)
    page = get_html(client, f"/leaders?by={by}&limit=5")
    assert data["rows"][0]["show_title"] in text_of(page)


def test_leaders_filters_and_csv_agree_with_json(client: TestClient) -> None:
    url = f"?by=weeks-at-1&category=TV%20(Non-English)&since={WEEKS[1]}"
    data = get_json(client, "/leaders.json" + url)
    assert {r["category"] for r in data["rows"]} == {"TV (Non-English)"}
    assert data["rows"][0]["slug"] == "squid-game--season-2"
    response = client.get("/leaders.csv" + url)
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["slug"] for r in rows] == [r["slug"] for r in data["rows"]]


def test_search_survives_accents_and_typos(client: TestClient) -> None:
    found = get_json(client, "/search.json?q=amelie cafe")["results"]
    assert found[0]["slug"] == "amelies-cafe--season-1"
    assert (
        get_json(client, "/search.json?q=kill boksun")["results"][0]["show_title"] == "Kill Boksoon"
    )
    page = get_html(client, "/search?q=revelation")
    assert 'href="/title/revelations"' in page
    empty = get_json(client, "/search.json?q=")
    assert empty["results"] == []
    assert get_html(client, "/search").count("<form") >= 1


def test_most_popular_pages_and_csv(client: TestClient) -> None:
    data = get_json(client, "/most-popular.json")
    first = data["lists"][0]
    assert first["rows"][0]["show_title"] == "Revelations"
    page = get_html(client, "/most-popular")
    assert "30.5M" in page
    rows = list(csv.DictReader(io.StringIO(client.get(first["csv"]).text)))
    assert [r["show_title"] for r in rows][:2] == ["Revelations", "The Man, the Myth"]


# --- CSV ----------------------------------------------------------------------------------------


def test_week_csv_parses_back_to_the_json_rows(client: TestClient) -> None:
    data = get_json(client, f"/week/{WEEKS[0]}.json")
    for lst in data["lists"]:
        response = client.get(lst["csv"])
        assert response.status_code == 200
        assert "attachment" in response.headers["content-disposition"]
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
        assert [r["show_title"] for r in rows] == [r["show_title"] for r in lst["rows"]]
        assert [int(r["weekly_rank"]) for r in rows] == [r["weekly_rank"] for r in lst["rows"]]
        assert all(r["category"] == lst["category"] and r["week"] == WEEKS[0] for r in rows)
    english = list(
        csv.DictReader(io.StringIO(client.get(f"/week/{WEEKS[0]}/films-english.csv").text))
    )
    assert english[1]["show_title"] == "The Man, the Myth"  # a comma survives quoting
    assert float(english[0]["weekly_views"]) == 10_000_000


def test_country_csv_and_unknown_list(client: TestClient) -> None:
    response = client.get(f"/country/KR/week/{LATEST}/tv.csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["show_title"] for r in rows][:2] == ["Squid Game", "Amélie's Café"]
    assert rows[0]["country_iso2"] == "KR" and rows[0]["season_title"] == "Squid Game: Season 2"
    assert list(rows[0])[:2] == ["country_name", "country_iso2"]  # Netflix's order
    missing = client.get(f"/week/{LATEST}/documentaries.csv")
    assert missing.status_code == 404
    assert "films-english" in missing.text


# --- errors -------------------------------------------------------------------------------------


def test_unknown_title_is_a_404_with_suggestions(client: TestClient) -> None:
    page = get_html(client, "/title/revelatons", status=404)
    assert 'href="/title/revelations"' in page
    body = get_json(client, "/title/revelatons.json", status=404)
    assert body["status"] == 404 and "revelatons" in body["message"]
    assert {"label": "Revelations", "url": "/title/revelations"} in body["suggestions"]


def test_unknown_week_is_a_404_suggesting_the_nearest_weeks(client: TestClient) -> None:
    body = get_json(client, "/week/2024-12-29.json", status=404)
    assert body["suggestions"][0]["url"] == f"/week/{WEEKS[0]}"
    page = get_html(client, "/week/2024-12-29", status=404)
    assert f'href="/week/{WEEKS[0]}"' in page
    body = get_json(client, "/country/KR/week/2024-12-29.json", status=404)
    assert body["suggestions"][0]["url"] == f"/country/KR/week/{WEEKS[0]}"


def test_bad_parameters_are_400_with_a_message(client: TestClient) -> None:
    assert "not a date" in get_json(client, "/week/garbage.json", status=400)["message"]
    assert "not a date" in text_of(get_html(client, "/week/garbage", status=400))
    assert "weeks-at-1" in get_json(client, "/leaders.json?by=likes", status=400)["message"]
    assert "since" in get_json(client, "/leaders.json?since=yesterday", status=400)["message"]
    assert "limit" in get_json(client, "/leaders.json?limit=0", status=400)["message"]
    assert "source" in get_json(client, "/index.json?source=bogus", status=400)["message"]
    get_html(client, "/leaders?by=likes", status=400)


def test_country_without_lists_and_unknown_urls_are_404(client: TestClient) -> None:
    body = get_json(client, "/country/DE.json", status=404)
    assert "DE" in body["message"]
    page = get_html(client, "/no/such/page", status=404)
    assert 'href="/search?q=page"' in page and 'href="/"' in page
    assert get_json(client, "/no-such.json", status=404)["status"] == 404


@pytest.mark.parametrize(
    "url",
    [
        "/title/%00",
        "/title/" + "a" * 300,
        "/title/..%2F..%2Fetc",
        "/title/'%20OR%201=1--",
        "/week/%27;DROP%20TABLE%20chart_global;--",
        "/country/%F0%9F%98%80",
        "/search?q=%00",
        "/search?q=" + "x" * 201,
        "/leaders?category=%27",
        "/leaders?until=2025-02-30",
        "/show/%E2%80%94",
        "/country/KR/week/9999-12-26",
        "/most-popular?category=Nope",
    ],
)
def test_hostile_urls_never_get_a_500(client: TestClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code in (200, 400, 404), (url, response.status_code, response.text[:300])


# --- API description and assets ---------------------------------------------------------


def test_openapi_documents_the_json_and_csv_routes_only(client: TestClient) -> None:
    spec = get_json(client, "/openapi.json")
    paths = set(spec["paths"])
    for route in (
        "/index.json",
        "/week/{week}.json",
        "/country/{iso2}/week/{week}.json",
        "/title/{slug}.json",
        "/show/{slug}.json",
        "/leaders.json",
        "/search.json",
        "/most-popular.json",
        "/weeks.json",
        "/countries.json",
        "/week/{week}/{list_slug}.csv",
        "/leaders.csv",
    ):
        assert route in paths, route
    assert not any(p in paths for p in ("/", "/week/{week}", "/title/{slug}"))
    week_op = spec["paths"]["/week/{week}.json"]["get"]
    assert {"200", "400", "404"} <= set(week_op["responses"])
    schemas = spec["components"]["schemas"]
    assert "WeekPage" in schemas and "ErrorBody" in schemas
    page = get_html(client, "/api")
    assert "/title/{slug}.json" in html.unescape(page)


def test_pages_load_nothing_from_other_hosts(client: TestClient) -> None:
    urls = ("/", "/title/revelations", "/country/KR", "/leaders", "/most-popular", "/api", "/docs")
    for url in urls:
        page = get_html(client, url)
        for ref in re.findall(r'(?:src|href)="([^"]*)"', page):
            assert ref.startswith(("/", "#")), (url, ref)
    for asset in (
        "/static/site.css",
        "/static/site.js",
        "/static/world.svg",
        "/static/world-110m.json",
        "/static/favicon.svg",
        "/static/swagger-ui/swagger-ui-bundle.js",
        "/static/swagger-ui/swagger-ui.css",
    ):
        response = client.get(asset)
        assert response.status_code == 200, asset
        if "swagger-ui" not in asset:  # Swagger UI's code names hosts it never loads from
            assert "https://" not in response.text
    sprite = client.get("/static/world.svg").text
    assert 'id="geo-KR"' in sprite and 'id="geo-all"' in sprite


def test_healthz_names_the_release_it_serves_and_its_age(client: TestClient) -> None:
    health = get_json(client, "/healthz")
    assert health["ok"] is True and health["sources"] == ["netflix"]
    assert isinstance(health["release"], int) and health["release"] >= 1
    assert 0 <= health["age_seconds"] < 3600 and health["published_at"].endswith("Z")
    assert isinstance(health["prepared"], bool)
