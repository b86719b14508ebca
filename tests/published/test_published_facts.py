"""One title with all its numbers, answers that say what they do not cover, and the long
tail of the engagement reports, on hand-made files (Revelations' real figures)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from starchart import api
from starchart.cli import app
from starchart.web.app import create_app
from tests.published import engagement_samples as e
from tests.published import netflix_samples as s

# Revelations' three weeks in the global Top 10, as published (views 5.7M + 6.9M + 2.0M),
# and Unlocked (the Korean film) in February 2023.
GLOBAL = s.tsv(
    s.GLOBAL_HEADER,
    "2025-04-06|Films (Non-English)|4|Revelations|N/A|4100000|2.0333|2000000|3",
    "2025-03-30|Films (Non-English)|1|Revelations|N/A|14100000|2.0333|6900000|2",
    "2025-03-23|Films (Non-English)|1|Revelations|N/A|11600000|2.0333|5700000|1",
    "2023-02-19|Films (Non-English)|3|Unlocked|N/A|8870000|||1",  # before views were published
)
# The 2017 English "Unlocked" in a 2022 country list.
COUNTRIES = s.tsv(
    s.COUNTRY_HEADER,
    "Portugal|PT|2022-06-12|Films|2|Unlocked|N/A|1",
)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("facts")
    path = folder / "store.duckdb"
    s.write(folder / "top10", "all-weeks-global.tsv", GLOBAL)
    s.write(folder / "top10", "all-weeks-countries.tsv", COUNTRIES)
    e.folder(folder / "reports")
    api.import_netflix([folder / "top10", folder / "reports"], db=path)
    return path


def test_revelations_every_number_with_the_share_of_its_top10_weeks(db: Path) -> None:
    [entry] = api.title("Revelations", db=db)["matches"]
    assert entry["title_id"].startswith("nf-")
    assert entry["identity"]["original_title"] == "계시록"
    assert entry["identity"]["language"] == "Korean"
    assert entry["identity"]["release_date"] == "2025-03-21"
    [half] = entry["engagement"]
    assert (half["period"], half["hours_viewed"], half["views"], half["runtime_text"],
            half["available_globally"]) == ("2025H1", 36_600_000, 18_000_000, "2:02", True)
    top = half["top_10"]
    assert (top["weeks"], top["views"], top["first_week"], top["last_week"]) == (
        3, 14_600_000, "2025-03-23", "2025-04-06")
    assert top["share_of_views"] == pytest.approx(14.6 / 18.0)
    # the country lists in this store are of 2022: its reach is unknown, not zero
    countries = entry["countries"]
    assert countries["distinct_in_top_10"] is None and countries["distinct_at_1"] is None
    assert countries["coverage"]["status"] == "no data"
    assert countries["coverage"]["country_lists"] == "2022-06-12 .. 2022-06-12 (1 week)"
    assert {r["countries_in_top_10"] for r in entry["run"]} == {None}


def test_the_two_unlocked_films_are_two_matches_and_two_urls(db: Path) -> None:
    matches = api.title("Unlocked", db=db)["matches"]
    assert len(matches) == 2
    by_date = {m["identity"]["release_date"]: m for m in matches}
    korean, english = by_date["2023-02-17"], by_date["2017-12-30"]
    assert korean["title_id"] != english["title_id"]
    assert [g["category"] for g in korean["global"]] == ["Films (Non-English)"]
    assert korean["countries"]["distinct_in_top_10"] is None  # 2023: no country lists
    assert english["global"] == [] and english["countries"]["distinct_in_top_10"] == 1
    assert [h["period"] for h in english["engagement"]] == ["2023H1", "2023H2", "2025H1"]
    # the slug finds one of them and names the other; the IDs find each
    by_slug = api.title_by_slug("unlocked", db=db)
    assert {by_slug["title_id"], by_slug["also"][0]["title_id"]} == {
        korean["title_id"], english["title_id"]}
    assert api.title_by_slug(english["title_id"], db=db)["identity"]["release_date"] == (
        "2017-12-30")
    with pytest.raises(LookupError, match="no title with ID"):
        api.title_by_slug("nf-aaaaaaaa", db=db)


def test_a_title_only_in_the_reports_is_found_by_name(db: Path) -> None:
    [entry] = api.title("Peppa Pig: Season 1", db=db)["matches"]
    assert entry["global"] == [] and entry["run"] == []
    assert entry["engagement"][0]["runtime_text"] == "*"
    assert entry["engagement"][0]["top_10"]["weeks"] == 0


def test_leaders_say_which_weeks_they_count(db: Path) -> None:
    views = api.leaders("views", db=db)
    covered = views.attrs["coverage"]
    assert covered["dataset"] == "global-views"
    assert covered["label"] == "2025-03-23 .. 2025-04-06 (3 weeks)"
    assert "counts only the weeks with views" in covered["note"]
    countries = api.leaders("countries", db=db)
    assert countries.attrs["coverage"]["label"] == "2022-06-12 .. 2022-06-12 (1 week)"
    recent = api.leaders("countries", since="2025-01-01", db=db)
    assert recent.empty and recent.attrs["coverage"]["note"] == (
        "no countries data in this period")


def test_engagement_leaderboards_and_filters(db: Path) -> None:
    report = api.engagement("2025H1", db=db)
    assert report["by"] == "views" and report["rows"][0]["title"] == "Back in Action"
    assert [r["rank"] for r in report["rows"]] == sorted(r["rank"] for r in report["rows"])
    korean = api.engagement("2025h1", language="korean", db=db)
    assert {r["original_title"] for r in korean["rows"]} == {
        "오징어 게임: 시즌 2", "계시록", "스마트폰을 떨어뜨렸을 뿐인데"}
    never = api.engagement("2025H1", never_in_top_10=True, by="hours", kind="film", db=db)
    assert "Revelations // 계시록" not in {r["title"] for r in never["rows"]}
    assert all(not r["ever_in_top_10"] for r in never["rows"])
    assert never["rows"][0]["title"] == "Back in Action"
    licensed = api.engagement("2025H1", origin="licensed", db=db)
    assert {r["available_globally"] for r in licensed["rows"]} == {False}
    langs = {x["language"]: x["titles"] for x in report["languages"]}
    assert langs["Korean"] == 3 and sum(langs.values()) == report["totals"]["titles"]
    hours_only = api.engagement("2023H1", db=db)  # no views in that report: by hours
    assert hours_only["by"] == "hours" and hours_only["totals"]["views"] is None
    assert [p["period"] for p in api.engagement_periods(db=db)] == ["2025H1", "2023H2",
                                                                     "2023H1"]
    with pytest.raises(LookupError, match="no engagement report for 2024H1"):
        api.engagement("2024H1", db=db)
    with pytest.raises(ValueError, match="unknown measure"):
        api.engagement("2025H1", by="likes", db=db)


def test_cli_title_json_carries_ids_and_the_table_says_unknown(db: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["title", "Revelations", "--db", str(db), "--json"])
    assert result.exit_code == 0
    payload = json.loads(result.output)
    assert payload["matches"][0]["title_id"] == api.title("Revelations", db=db)[
        "matches"][0]["title_id"]
    table = runner.invoke(app, ["title", "Revelations", "--db", str(db)],
                          env={"COLUMNS": "160"})
    text = " ".join(table.output.split())
    assert "Countries in the Top 10: unknown" in text and "14.6M" in text and "81%" in text
    assert payload["matches"][0]["title_id"] in text
    assert "linked from global (same-name)" in text  # how the matching decided
    coverage = runner.invoke(app, ["coverage", "--db", str(db), "--json"])
    spans = {(c["dataset"], c["scope"]): c for c in json.loads(coverage.output)["coverage"]}
    assert spans[("global-views", None)]["first_day"] == "2025-03-23"
    assert spans[("engagement", "2023H1")]["last_day"] == "2023-06-30"
    assert ("engagement-views", "2023H1") not in spans  # that report has no views
    board_json = runner.invoke(app, ["leaders", "--by", "countries", "--db", str(db), "--json"])
    assert json.loads(board_json.output)["coverage"]["dataset"] == "countries"
    board = runner.invoke(app, ["engagement", "2025H1", "--db", str(db), "--limit", "3"],
                          env={"COLUMNS": "160"})
    assert board.exit_code == 0 and "Back in Action" in board.output
    assert "By language of the original title" in board.output
    leaders = runner.invoke(app, ["leaders", "--by", "views", "--db", str(db)],
                            env={"COLUMNS": "160"})
    assert "counts only the weeks with views" in " ".join(leaders.output.split())


def test_site_title_by_id_engagement_pages_and_the_no_data_map(db: Path) -> None:
    rev = api.title("Revelations", db=db)["matches"][0]["title_id"]
    with TestClient(create_app(db)) as client:
        page = client.get(f"/title/{rev}")
        assert page.status_code == 200
        assert rev in page.text and "14.6M" in page.text and "81%" in page.text
        assert 'class="st-nodata"' in page.text and "Unknown: the country lists" in page.text
        assert "How its names were linked" in page.text
        assert client.get("/title/revelations.json").json()["title_id"] == rev
        assert client.get(f"/title/{rev}.json").json()["engagement"][0]["views"] == 18_000_000
        assert client.get("/engagement", follow_redirects=False).headers["location"] == (
            "/engagement/2025H1")
        html = client.get("/engagement/2025H1?kind=film")
        assert html.status_code == 200 and "Back in Action" in html.text
        data = client.get("/engagement/2025H1.json?language=Korean").json()
        assert data["rows"][0]["url"].startswith("/title/nf-")
        csv_text = client.get("/engagement/2025H1.csv?limit=2").text
        assert csv_text.splitlines()[0].startswith("period,rank,title_id,title")
        assert len(csv_text.splitlines()) == 3
        assert client.get("/engagement/2031H1").status_code == 404
        assert client.get("/engagement/2031H1.json").json()["status"] == 404
