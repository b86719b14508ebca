"""Search that finds (issue 11), through the Python API, the CLI and HTTP: the show itself
first, its seasons in natural order, an unnumbered first season named as season 1, original
titles from the engagement reports, and no look-alikes."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from starchart import api
from starchart.cli import app as cli
from starchart.queries.search import Title, TitleIndex, name_score
from starchart.web.app import create_app
from tests.published import season_samples

LOOK_ALIKES = {"Pink", "Shaolin", "Upin & Ipin: The Lone Gibbon Kris"}


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return season_samples.imported_store(tmp_path_factory.mktemp("seasons"))


@pytest.fixture(scope="module")
def client(db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(db), raise_server_exceptions=False) as c:
        yield c


def names(answer: dict[str, object]) -> list[tuple[str, str]]:
    return [(r["name"], r["page"]) for r in answer["results"]]  # type: ignore[index]


def test_the_show_comes_first_then_its_seasons_in_order(db: Path) -> None:
    answer = api.search("Elite", limit=20, db=db)
    assert answer["query"] == "Elite" and answer["source"] == "netflix"
    assert names(answer) == [("Elite", "show")] + [
        (f"Elite: Season {n}", "title") for n in range(1, 11)] + [("Killer Elite", "title")]
    show = answer["results"][0]
    assert show["slug"] == "elite" and show["seasons"] == 10 and show["kind"] == "tv"
    assert [r["season_number"] for r in answer["results"][1:11]] == list(range(1, 11))


def test_weak_look_alikes_are_dropped(db: Path) -> None:
    lupin = names(api.search("Lupin", limit=20, db=db))
    assert lupin == [("Lupin", "show"), ("Lupin: Part 1", "title"), ("Lupin: Part 2", "title"),
                     ("Lupin III: The First", "title")]
    assert not LOOK_ALIKES & {n for n, _ in lupin}
    assert names(api.search("kpop demon", limit=20, db=db)) == [("KPop Demon Hunters", "title")]


def test_typos_are_forgiven_only_when_nothing_matches_as_typed(db: Path) -> None:
    assert names(api.search("pokemon detectve", db=db)) == [
        ("Pokémon Detective Pikachu", "title")]
    assert names(api.search("Lupn", db=db))[0] == ("Lupin", "show")
    assert api.search("zzzz qqqq", db=db)["results"] == []


def test_an_unnumbered_first_season_is_season_1(db: Path) -> None:
    results = api.search("stranger things", db=db)["results"]
    assert [(r["name"], r["season_number"]) for r in results] == [
        ("Stranger Things", None), ("Stranger Things: Season 1", 1),
        ("Stranger Things 2", 2), ("Stranger Things 3", 3)]
    first = results[1]
    assert first["season_title"] is None and first["slug"] == "stranger-things"
    assert first["page"] == "title"


def test_original_titles_find_the_show(db: Path) -> None:
    answer = api.search("La Casa de Papel", db=db)
    assert names(answer) == [("Money Heist", "show"), ("Money Heist: Part 1", "title"),
                             ("Money Heist: Part 2", "title")]
    assert names(api.search("élite temporada", db=db)) == [("Elite: Season 1", "title")]


def test_cli_prints_and_answers_what_the_library_does(db: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["search", "Elite", "--limit", "20", "--json", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == api.search("Elite", limit=20, db=db)
    result = runner.invoke(cli, ["search", "stranger", "things", "--db", str(db)])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if "Stranger" in line]
    assert "Stranger Things (show, 3 titles)" in lines[0] and "/show/stranger-things" in lines[0]
    assert "Stranger Things: Season 1" in lines[1]


def test_http_answers_query_source_and_results(client: TestClient, db: Path) -> None:
    response = client.get("/search.json", params={"q": "Lupin"})
    assert response.status_code == 200
    data = response.json()
    assert data["query"] == "Lupin" and data["source"] == "netflix"
    expected = api.search("Lupin", limit=20, db=db)["results"]
    assert [r["slug"] for r in data["results"]] == [r["slug"] for r in expected]
    assert [r["url"] for r in data["results"][:3]] == [
        "/show/lupin", "/title/lupin--part-1", "/title/lupin--part-2"]
    page = client.get("/search", params={"q": "Stranger Things"}).text
    assert page.index('href="/show/stranger-things"') < page.index("Stranger Things: Season 1")
    assert "Pink" not in client.get("/search", params={"q": "Lupin"}).text


def test_name_score_needs_every_word() -> None:
    assert name_score("lupin", "lupin") == 100
    assert name_score("lupin", "upin ipin the lone gibbon kris") == 0
    assert name_score("kpop demon", "pokemon detective pikachu") == 0
    assert 0 < name_score("elite", "elite season 1") < name_score("elite", "killer elite") < 100
    index = TitleIndex.of("", [Title("Pink", None, "film", 9, None),
                               Title("Lupin", "Lupin: Part 1", "tv", 1, None)])
    assert [t.show_title for t, _ in index.rank("lupin")] == ["Lupin"]


# --- show pages, a row and a line per season ---------------------------------------------


def test_a_show_answers_each_season_in_natural_order(db: Path) -> None:
    show = api.title_by_slug("elite", show=True, db=db)
    assert [x["name"] for x in show["seasons"]] == [f"Elite: Season {n}" for n in range(1, 11)]
    ten = show["seasons"][-1]
    assert ten["slug"] == "elite--season-10" and ten["season_number"] == 10
    # Season 10 was #1 of TV (Non-English) on 2021-07-04, its one week
    assert (ten["weeks_in_top_10"], ten["weeks_at_1"], ten["peak_rank"]) == (1, 1, 1)
    assert ten["run"] == [{"week": "2021-07-04", "category": "TV (Non-English)",
                           "weekly_rank": 1, "weekly_hours_viewed": 10_000_000,
                           "weekly_views": None}]
    # the seasons add up to the show: every week of every season counted once
    weeks = sum(x["weeks_in_top_10"] for x in show["seasons"])
    assert weeks == 10 == sum(len(x["run"]) for x in show["seasons"])


def test_an_unnumbered_first_season_on_the_show_page_and_in_leaders(db: Path) -> None:
    show = api.title_by_slug("stranger-things", show=True, db=db)
    first, second, third = show["seasons"]
    assert (first["name"], first["season_number"], first["season_title"]) == (
        "Stranger Things: Season 1", 1, None)
    assert [second["name"], third["name"]] == ["Stranger Things 2", "Stranger Things 3"]
    # 2021-07-04 #1, 2021-07-11 #2 of TV (English)
    assert [(r["week"], r["weekly_rank"]) for r in first["run"]] == [("2021-07-04", 1),
                                                              ("2021-07-11", 2)]
    assert api.title_by_slug("stranger-things", db=db)["name"] == "Stranger Things: Season 1"
    board = api.leaders("weeks-in-top-10", category="TV (English)", db=db)
    named = dict(zip(board["slug"], board["name"], strict=True))
    assert named["stranger-things"] == "Stranger Things: Season 1"
    assert named["stranger-things--2"] == "Stranger Things 2"


def test_cli_prints_a_row_per_season(db: Path) -> None:
    result = CliRunner().invoke(cli, ["title", "Elite", "--db", str(db)])
    assert result.exit_code == 0, result.output
    table = result.output[result.output.index("Season by season"):]
    rows = [line for line in table.splitlines() if "Elite: Season" in line]
    assert [row.split("│")[1].strip() for row in rows[:10]] == [
        f"Elite: Season {n}" for n in range(1, 11)]
    board = CliRunner().invoke(cli, ["leaders", "--by", "weeks-in-top-10", "--category",
                                     "TV (English)", "--db", str(db)])
    assert "Stranger Things: Season 1" in board.output


def test_show_page_has_a_row_and_a_line_per_season(client: TestClient, db: Path) -> None:
    data = client.get("/show/stranger-things.json").json()
    assert data == {**data, "page": "show"}
    expected = api.title_by_slug("stranger-things", show=True, db=db)["seasons"]
    assert data["seasons"] == expected
    assert [s["label"] for s in data["links"]["seasons"]] == [
        "Stranger Things: Season 1", "Stranger Things 2", "Stranger Things 3"]
    page = client.get("/show/stranger-things").text
    table = page[page.index('class="seasons-table"'):]
    table = table[:table.index("</table>")]
    assert [m for m in ("Stranger Things: Season 1", "Stranger Things 2", "Stranger Things 3")
            if m in table] == ["Stranger Things: Season 1", "Stranger Things 2",
                               "Stranger Things 3"]
    assert table.index("Season 1") < table.index("Things 2") < table.index("Things 3")
    lines = re.findall(r'<g class="series s\d" data-series="([^"]+)"', page)
    assert len(lines) == 2 * len(set(lines))  # one line each in the wide and the phone drawing
    assert sorted(set(lines)) == ["TV (English) · Stranger Things 2",
                             "TV (English) · Stranger Things 3",
                             "TV (English) · Stranger Things: Season 1"]
    board = client.get("/leaders", params={"by": "weeks-in-top-10",
                                           "category": "TV (English)"}).text
    assert ">Stranger Things: Season 1</a>" in board
