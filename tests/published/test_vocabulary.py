"""One vocabulary (issue 11, docs/vocabulary.md): Netflix's ``weekly_…`` names for a week's
figures, ``hours_viewed``/``views`` for sums, whole counts without ``.0`` and ``source`` in
every answer, alike through the Python API, the CLI, JSON and CSV."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from starchart import api
from starchart.cli import app as cli
from starchart.display import whole_numbers
from starchart.web.app import create_app
from tests.published import season_samples

WEEK = "2021-07-11"
WEEKLY = {"weekly_rank", "weekly_hours_viewed", "weekly_views"}


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return season_samples.imported_store(tmp_path_factory.mktemp("vocabulary"))


@pytest.fixture(scope="module")
def client(db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(db), raise_server_exceptions=False) as c:
        yield c


def test_week_rows_and_runs_use_netflix_weekly_names(db: Path) -> None:
    week = api.week(WEEK, db=db)
    row = week["lists"][0]["rows"][0]
    assert WEEKLY | {"previous_weekly_rank", "cumulative_weeks_in_top_10"} <= set(row)
    assert not {"rank", "previous_rank", "hours_viewed", "views"} & set(row)
    # KPop Demon Hunters, #1 of Films (English) with 10,000,000 hours: a whole int
    assert (row["show_title"], row["weekly_rank"], row["weekly_hours_viewed"]) == (
        "KPop Demon Hunters", 1, 10_000_000)
    assert type(row["weekly_hours_viewed"]) is int
    title = api.title_by_slug("kpop-demon-hunters", db=db)
    assert title["source"] == "netflix"
    [point] = title["run"]
    assert set(point) >= WEEKLY and not {"rank", "hours_viewed", "views"} & set(point)
    [listed] = title["global"]   # a sum over its weeks: no weekly_ prefix
    assert (listed["hours_viewed"], listed["views"]) == (10_000_000, None)
    season = api.title_by_slug("elite", show=True, db=db)["seasons"][0]
    assert all(set(r) >= WEEKLY for r in season["run"])


def test_cli_json_is_the_library_answer_with_whole_counts(db: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["week", WEEK, "--json", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["lists"] == api.week(WEEK, db=db)["lists"]
    assert '"weekly_hours_viewed": 10000000,' in result.output
    assert ".0," not in result.output
    board = runner.invoke(cli, ["leaders", "--by", "weeks-in-top-10", "--json", "--db", str(db)])
    answer = json.loads(board.output)
    assert answer["source"] == "netflix"
    assert all(isinstance(r["hours_viewed"], int) for r in answer["rows"])


def test_json_and_csv_speak_alike(client: TestClient) -> None:
    text = client.get(f"/week/{WEEK}.json").text
    assert '"weekly_hours_viewed":10000000' in text.replace(" ", "")
    assert '"rank"' not in text and '"previous_rank"' not in text
    data = json.loads(text)
    listed = data["lists"][0]
    rows = list(csv.DictReader(io.StringIO(client.get(listed["csv"]).text)))
    assert list(rows[0])[:9] == ["week", "category", "weekly_rank", "show_title",
                                 "season_title", "weekly_hours_viewed", "runtime",
                                 "weekly_views", "cumulative_weeks_in_top_10"]
    assert [(r["weekly_rank"], r["weekly_hours_viewed"]) for r in rows][:2] == [
        ("1", "10000000"), ("2", "9000000")]
    for url in (f"/week/{WEEK}.json", "/title/kpop-demon-hunters.json", "/show/elite.json",
                "/leaders.json", "/most-popular.json", "/search.json?q=elite", "/weeks.json",
                "/countries.json"):
        answer = client.get(url).json()
        assert answer.get("source") == "netflix", url


def test_whole_numbers_keeps_fractions() -> None:
    assert whole_numbers({"a": [14100000.0, 1.8167, None, "x", True], "b": 2.0}) == {
        "a": [14100000, 1.8167, None, "x", True], "b": 2}
