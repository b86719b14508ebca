"""The CLI and the site write figures, moves and leaderboards the same way (one definition)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from starchart import api
from starchart.cli import app
from starchart.display import move
from starchart.web.app import create_app
from tests.published import netflix_samples as s


@pytest.fixture()
def today_db(tmp_path: Path) -> Path:
    db = tmp_path / "today.duckdb"
    api.import_netflix([s.write(tmp_path / "in", "all-weeks-global.tsv", s.GLOBAL_TODAY)], db=db)
    return db


def cli(*args: str) -> str:
    from starchart.commands import common

    common.console._width = 200  # room for whole table lines off a terminal
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_moves_read_alike_in_the_cli_and_on_the_site(today_db: Path) -> None:
    # Jake Paul vs. Anthony Joshua: not on 2025-03-23's list, but 2 weeks in the Top 10: back
    with TestClient(create_app(today_db)) as client:
        page = client.get("/week/2025-03-30").text
    assert 'class="chg back" title="Back in the Top 10"' in page
    assert 'class="chg new" title="New this week"' in page  # Sløborn, 1 week
    out = cli("week", "--db", str(today_db))
    jake = next(line for line in out.splitlines() if "Jake Paul" in line)
    slob = next(line for line in out.splitlines() if "Sløborn" in line)
    assert "BACK" in jake and "NEW" in slob
    assert move("up", 2, 5) == ("up", "▲3", "Up from #5")
    assert move(None, 2, None) == ("none", "–", "No data for the previous week")


def test_figures_read_alike_in_the_cli_and_on_the_site(today_db: Path) -> None:
    # Don't Look Up, 2025-03-30: 5,000,000 hours, runtime 2.3833 h, 2,100,000 views
    with TestClient(create_app(today_db)) as client:
        page = client.get("/week/2025-03-30").text
    out = cli("week", "--db", str(today_db))
    line = next(line for line in out.splitlines() if "Don't Look Up" in line)
    for shown in ("5.0M", "2:23", "2.1M"):
        assert shown in page and shown in line, shown


def test_leaderboards_accept_the_same_spellings_everywhere(today_db: Path) -> None:
    expected = api.leaders("weeks_at_1", db=today_db)
    with TestClient(create_app(today_db)) as client:
        response = client.get("/leaders.json", params={"by": "weeks_at_1"})
        assert response.status_code == 200, response.text
        assert response.json()["by"] == "weeks-at-1"
        assert [r["show_title"] for r in response.json()["rows"]] == list(expected["show_title"])
        assert client.get("/leaders.json", params={"by": "likes"}).status_code == 400
    out = cli("leaders", "--by", "weeks_at_1", "--db", str(today_db))
    assert "Most weeks at #1 (all time)" in out
