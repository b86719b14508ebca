"""``starchart train``, ``similar`` and ``picks``: invoke the command, check via the library."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
from typer.testing import CliRunner

from starchart import api
from starchart.cli import app
from tests.discovery.worlds import two_groups

runner = CliRunner()


def test_train_then_similar_and_picks(tmp_db: Path, tmp_path: Path) -> None:
    world = two_groups(tmp_path / "w", profiles=12)
    api.ingest(catalog=world.catalog, events=[world.events], db=tmp_db)

    result = runner.invoke(app, ["train", "--json"])  # the store from $STARCHART_DB
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["db"] == str(tmp_db) and report["engine"] == "duckdb"
    with duckdb.connect(str(tmp_db), read_only=True) as con:
        stored = con.execute("SELECT count(*) FROM discovery_neighbours").fetchone()[0]
    assert report["rows"]["discovery_neighbours"] == stored > 0

    result = runner.invoke(app, ["similar", "a1", "--limit", "3", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == api.similar("a1", limit=3, db=tmp_db)

    result = runner.invoke(app, ["similar", "Harbour", "Light", "2"])  # words of a name
    assert result.exit_code == 0, result.output
    assert "More like a2" in result.stdout
    assert api.similar("a2", db=tmp_db)["similar"][0]["show_title"] in result.stdout

    result = runner.invoke(app, ["picks", "b-p003", "--json", "--limit", "2"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == api.picks("b-p003", limit=2, db=tmp_db)

    result = runner.invoke(app, ["picks", "b-p003"])
    assert result.exit_code == 0, result.output
    first = api.picks("b-p003", db=tmp_db)["picks"][0]
    assert first["title_id"] in result.stdout and "because you watched" in result.stdout
    assert "Night Market" in result.stdout  # 'because' shown by name


def test_human_train_report(tmp_db: Path, tmp_path: Path) -> None:
    world = two_groups(tmp_path / "w", profiles=12)
    api.ingest(catalog=world.catalog, events=[world.events], db=tmp_db)
    result = runner.invoke(app, ["train"])
    assert result.exit_code == 0, result.output
    assert "24 profiles, 14 titles (2 with no viewing yet: metadata only)" in result.stdout


def test_unknown_title_lists_suggestions_and_fails(tmp_db: Path, tmp_path: Path) -> None:
    world = two_groups(tmp_path / "w", profiles=12)
    api.ingest(catalog=world.catalog, events=[world.events], db=tmp_db)
    api.train(db=tmp_db)
    result = runner.invoke(app, ["similar", "Nite", "Market", "4"])
    assert result.exit_code == 1
    assert "error: no title 'Nite Market 4'" in result.stderr
    assert "Did you mean" in result.stderr and "b4" in result.stderr
    assert result.stdout == ""


def test_bad_input_errors(tmp_db: Path, tmp_path: Path) -> None:
    world = two_groups(tmp_path / "w", profiles=12)
    api.ingest(catalog=world.catalog, events=[world.events], db=tmp_db)
    result = runner.invoke(app, ["picks", "nobody"])
    assert result.exit_code == 1 and "run 'starchart train'" in result.stderr
    api.train(db=tmp_db)
    result = runner.invoke(app, ["picks", "nobody"])
    assert result.exit_code == 1
    assert "error: no profile 'nobody' in the viewing model" in result.stderr
    result = runner.invoke(app, ["similar", "a1", "--limit", "0"])
    assert result.exit_code == 2  # typer refuses it before the library is called
    result = runner.invoke(app, ["train", "--engine", "polars"])
    assert result.exit_code == 1 and "unknown engine 'polars'" in result.stderr
    result = runner.invoke(app, ["train", "--events", str(world.events)])
    assert result.exit_code == 1 and "belong to --engine spark" in result.stderr
