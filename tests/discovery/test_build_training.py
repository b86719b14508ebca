"""`starchart build` trains the discovery models with the charts (DuckDB), unless told not
to; its result reports the training, and what watched catalog titles did."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from starchart import api
from starchart.cli import app
from starchart.discovery.answers import NotTrainedError
from starchart.web.app import create_app
from tests.discovery.worlds import World


def test_build_trains_and_reports_it(groups_world: World, tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    api.ingest(catalog=groups_world.catalog, events=[groups_world.events], db=db)
    watched = api.watch_add("Harbour Light 1", db=db)  # by name, a catalog title
    assert watched["title_id"] == "a1"
    report = api.build(db=db)
    assert report["weeks"]
    training = report["training"]
    assert training["trained"] and training["seconds"] > 0
    with duckdb.connect(str(db), read_only=True) as con:
        [(rows,)] = con.execute("SELECT count(*) FROM profile_title").fetchall()
        [(learnt,)] = con.execute("SELECT interactions FROM discovery_models "
                                  "WHERE model = 'viewing'").fetchall()
    assert training["rows"] == learnt == rows  # every profile x title row, once
    assert [m["model"] for m in training["models"]] == ["viewing"]
    # the one release the build published answers from the new model
    near = [r["title_id"] for r in api.similar("a1", limit=3, db=db)["similar"]]
    assert set(near) <= set(groups_world.groups["a"]) | {groups_world.cold["a"]}
    # the first release reports the watched title's history: it entered the lists
    events = report["watchlist"]["events"]
    assert report["watchlist"]["release"] == report["release"]["release"]
    assert events and all(e["title_id"] == "a1" and e["source"] == "engine" for e in events)
    assert any(e["event"] == "entered" for e in events)
    with TestClient(create_app(db)) as client:  # the engine title's page has the panel
        html = client.get("/title/harbour-light-1").text
    assert 'data-panel="more-like-this"' in html and "Harbour Light" in html

    again = api.build(db=db)  # nothing new: the stored model stands, nothing reported
    assert not again["weeks"] and not again["training"]["trained"]
    assert "no new data" in again["training"]["reason"]
    assert again["watchlist"]["events"] == []


def test_no_train_skips_training(groups_world: World, tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    api.ingest(catalog=groups_world.catalog, events=[groups_world.events], db=db)
    out = CliRunner().invoke(app, ["build", "--no-train", "--json", "--db", str(db)])
    assert out.exit_code == 0, out.output
    result = json.loads(out.output)
    assert result["weeks"] and result["training"]["trained"] is False
    with pytest.raises(NotTrainedError):
        api.similar("a1", db=db)
    text = CliRunner().invoke(app, ["build", "--full", "--db", str(db)])
    assert text.exit_code == 0, text.output
    assert "trained the discovery models (viewing)" in text.output
    assert api.similar("a1", db=db)["similar"]
