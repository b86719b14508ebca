"""Search that finds (issue 11), through the Python API, the CLI and HTTP: the show itself
first, its seasons in natural order, an unnumbered first season named as season 1, original
titles from the engagement reports, and no look-alikes."""

from __future__ import annotations

import json
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
    folder = tmp_path_factory.mktemp("seasons")
    store = folder / "store.duckdb"
    api.import_netflix(season_samples.folder(folder / "files"), db=store)
    return store


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
