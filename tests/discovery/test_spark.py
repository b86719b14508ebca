"""Training on Spark gives the DuckDB model: same Ibis expressions, same solve -- whether
asked for (``train --engine spark``) or done by ``build --engine spark`` with the charts.

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

from starchart import api, store
from starchart.cli import app

pytestmark = pytest.mark.spark
TOLERANCE = 1e-9
runner = CliRunner()


def _model(db: Path) -> tuple[dict[str, list[tuple[str, float]]],
                              dict[str, list[tuple[str, float, tuple[str, ...]]]],
                              set[tuple[str, int, int]]]:
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("SELECT title_id, neighbour_id, score FROM discovery_neighbours "
                           "WHERE model = 'viewing' ORDER BY title_id, rank").fetchall()
        picks = con.execute("SELECT profile_id, title_id, score, because FROM "
                            f"({store.PICK_ROWS_SQL})").fetchall()
        profiles = set(con.execute("SELECT profile_id, titles, finished FROM "
                                   "discovery_profiles").fetchall())
    lists: dict[str, list[tuple[str, float]]] = {}
    for title, neighbour, score in rows:
        lists.setdefault(title, []).append((neighbour, score))
    by_profile: dict[str, list[tuple[str, float, tuple[str, ...]]]] = {}
    for profile, title, score, because in picks:
        by_profile.setdefault(profile, []).append((title, score, tuple(because)))
    return lists, by_profile, profiles


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


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return api.simulate(tmp_path_factory.mktemp("world"), weeks=1, profiles=2_000, titles=100,
                        seed=5, end="2025-04-13", events_per_week=10_000)


@pytest.fixture(scope="module")
def duck(world: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
         ) -> tuple[Path, dict[str, Any]]:
    """The world ingested and trained on DuckDB: the store and the training report."""
    duck_db = tmp_path_factory.mktemp("duck") / "duck.duckdb"
    api.ingest(catalog=world["catalog"], events=[world["events_dir"]], db=duck_db)
    return duck_db, api.train(db=duck_db)


def _assert_same_models(duck_db: Path, spark_db: Path) -> None:
    duck_lists, duck_picks, duck_profiles = _model(duck_db)
    spark_lists, spark_picks, spark_profiles = _model(spark_db)
    assert duck_profiles == spark_profiles
    _assert_same(duck_lists, spark_lists)
    _assert_same({p: [(t, s) for t, s, _ in rows] for p, rows in duck_picks.items()},
                 {p: [(t, s) for t, s, _ in rows] for p, rows in spark_picks.items()})
    same_because = sum(a == b for p in duck_picks
                       for a, b in zip(duck_picks[p], spark_picks[p], strict=True))
    assert same_because >= 0.99 * sum(len(v) for v in duck_picks.values())
    # and the answers read the same from either store
    profile = sorted(duck_picks)[0]
    a = api.picks(profile, db=duck_db)["picks"]
    b = api.picks(profile, db=spark_db)["picks"]
    assert a and [p["title_id"] for p in a] == [p["title_id"] for p in b]
    title = sorted(duck_lists)[0]
    assert ([r["title_id"] for r in api.similar(title, db=duck_db)["similar"]]
            == [r["title_id"] for r in api.similar(title, db=spark_db)["similar"]])
    with duckdb.connect(str(spark_db), read_only=True) as con:
        assert con.execute("SELECT engine FROM discovery_models").fetchall() == [("spark",)]


def test_spark_and_duckdb_models_agree(spark: Any, world: dict[str, Any],
                                       duck: tuple[Path, dict[str, Any]],
                                       tmp_path: Path) -> None:
    duck_db, duck_report = duck
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
    _assert_same_models(duck_db, spark_db)


def test_spark_build_trains_the_model_with_the_charts(
        spark: Any, world: dict[str, Any], duck: tuple[Path, dict[str, Any]],
        tmp_path: Path) -> None:
    duck_db, duck_report = duck
    out = tmp_path / "out"
    args = ["build", "--engine", "spark", "--catalog", world["catalog"], "--events",
            world["events_dir"], "--json"]
    result = runner.invoke(app, [*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["weeks"] and (out / "all-weeks-global.tsv").exists()
    training = report["training"]
    models_db = out / "discovery.duckdb"
    assert training["trained"] and training["db"] == str(models_db)
    assert training["rows"] == duck_report["models"][0]["interactions"]
    assert training["models"] == [m for m in duck_report["models"] if m["model"] == "viewing"]
    assert training["written"]["picks"] == duck_report["rows"]["picks"] > 0
    assert 0 < training["seconds"] < report["timings"]["wall"]
    _assert_same_models(duck_db, models_db)

    skipped = runner.invoke(app, [*args, "--out", str(tmp_path / "no-train"), "--no-train"])
    assert skipped.exit_code == 0, skipped.output
    assert json.loads(skipped.stdout)["training"]["trained"] is False
    assert not (tmp_path / "no-train" / "discovery.duckdb").exists()


def test_spark_training_refuses_missing_files(spark: Any, tmp_path: Path) -> None:
    result = runner.invoke(app, ["train", "--engine", "spark", "--db",
                                 str(tmp_path / "s.duckdb")])
    assert result.exit_code == 1
    assert "give --catalog FILE --events PATH" in result.stderr
