"""Training on Spark gives the DuckDB model: same Ibis expressions, same solve.

Tolerance: the Gram matrix's sums run in a different order on each backend, so scores may
differ in the last bits; they must agree within 1e-9 (relative), and each title's neighbour
list must be the same titles in the same order except where two scores are that close.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner

from starchart import api
from starchart.cli import app

pytestmark = pytest.mark.spark
TOLERANCE = 1e-9
runner = CliRunner()


def _model(db: Path) -> tuple[dict[str, list[tuple[str, float]]], set[tuple[str, str, float,
                                                                               bool]]]:
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("SELECT title_id, neighbour_id, score FROM discovery_neighbours "
                           "WHERE model = 'viewing' ORDER BY title_id, rank").fetchall()
        history = {(r[0], r[1], round(r[2], 12), r[3]) for r in con.execute(
            "SELECT profile_id, title_id, weight, finished FROM discovery_history").fetchall()}
    lists: dict[str, list[tuple[str, float]]] = {}
    for title, neighbour, score in rows:
        lists.setdefault(title, []).append((neighbour, score))
    return lists, history


def _assert_same(duck: dict[str, list[tuple[str, float]]],
                 spark: dict[str, list[tuple[str, float]]]) -> None:
    assert duck.keys() == spark.keys()
    for title in duck:
        a, b = duck[title], spark[title]
        assert len(a) == len(b), title
        for (na, sa), (nb, sb) in zip(a, b, strict=True):
            assert sa == pytest.approx(sb, rel=TOLERANCE, abs=1e-15), title
            if na != nb:  # only a near-tie may swap places
                scores = dict(a)
                assert abs(scores[na] - scores.get(nb, -1.0)) <= TOLERANCE * abs(sa), title


def test_spark_and_duckdb_models_agree(spark: Any, tmp_path: Path) -> None:
    world = api.simulate(tmp_path / "world", weeks=2, profiles=3_000, titles=100, seed=5,
                         end="2025-04-13", events_per_week=12_000)
    duck_db = tmp_path / "duck.duckdb"
    api.ingest(catalog=world["catalog"], events=[world["events_dir"]], db=duck_db)
    duck_report = api.train(db=duck_db)

    spark_db = tmp_path / "spark.duckdb"
    result = runner.invoke(app, [
        "train", "--engine", "spark", "--catalog", world["catalog"], "--events",
        world["events_dir"], "--db", str(spark_db), "--json"])
    assert result.exit_code == 0, result.output
    spark_report = json.loads(result.stdout)
    assert spark_report["engine"] == "spark"
    assert spark_report["inputs"]["accepted"] == world["events"]
    assert spark_report["models"][0]["profiles"] == duck_report["models"][0]["profiles"]
    assert spark_report["rows"] == duck_report["rows"]

    duck_lists, duck_history = _model(duck_db)
    spark_lists, spark_history = _model(spark_db)
    assert duck_history == spark_history
    _assert_same(duck_lists, spark_lists)
    # and the answers read the same from either store
    profile = next(iter(sorted(duck_history)))[0]
    a = api.picks(profile, db=duck_db)["picks"]
    b = api.picks(profile, db=spark_db)["picks"]
    assert [p["title_id"] for p in a] == [p["title_id"] for p in b]
    with duckdb.connect(str(spark_db), read_only=True) as con:
        assert con.execute("SELECT engine FROM discovery_models").fetchall() == [("spark",)]


def test_spark_training_refuses_missing_files(spark: Any, tmp_path: Path) -> None:
    result = runner.invoke(app, ["train", "--engine", "spark", "--db",
                                 str(tmp_path / "s.duckdb")])
    assert result.exit_code == 1
    assert "give --catalog FILE --events PATH" in result.stderr
