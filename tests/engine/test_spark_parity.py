"""The same input files give byte-identical exports on DuckDB and on Spark.

DuckDB path: ``ingest`` + ``build`` + ``export`` through the store. Spark path:
``build --engine spark`` straight from the files. Both use the same validation and the same
Ibis chart expressions, so the files must match byte for byte, and the quarantined rows
(with their reasons) must be the same rows.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from starchart import api, store
from starchart.cli import app
from starchart.engine.spark_build import QUARANTINE_FILE, quarantine_tsv_rows
from starchart.export import COUNTRIES_FILE, GLOBAL_FILE, MOST_POPULAR_FILE

FIXTURES = Path(__file__).parent / "fixtures" / "parity"
EXPORTS = (GLOBAL_FILE, COUNTRIES_FILE, MOST_POPULAR_FILE)

pytestmark = pytest.mark.spark


def generated_inputs(folder: Path, n_events: int = 3000, seed: int = 7) -> tuple[Path, Path]:
    """A random but fixed catalog and events log: 30 titles, 6 countries, 8 weeks, viewing
    in whole half hours (so exact ties happen), a few bad rows."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    kinds = rng.choice(["film", "tv"], 30, p=[0.7, 0.3])
    langs = rng.choice(["en", "es", "ko"], 30, p=[0.6, 0.2, 0.2])
    runtimes = rng.choice([60, 90, 109, 120, 400], 30)
    lines = ["title_id,show_title,season_title,kind,original_language,runtime_minutes,"
             "release_date,original"]
    for i in range(30):
        season = f"Show {i}: Season 1" if kinds[i] == "tv" else ""
        day = 1 + int(rng.integers(0, 28))
        lines.append(f"g{i:02d},Show {i},{season},{kinds[i]},{langs[i]},{runtimes[i]},"
                     f"2025-02-{day:02d},{str(bool(rng.random() < 0.6)).lower()}")
    catalog = folder / "catalog.csv"
    catalog.write_text("\n".join(lines) + "\n")
    start = np.datetime64("2025-02-03T00:00:00")
    offsets = rng.integers(0, 56 * 86400, n_events)
    titles = rng.zipf(1.6, n_events) % 30
    countries = rng.choice(["US", "GB", "KR", "BR", "DE", "JP"], n_events)
    seconds = rng.choice([1800, 3600, 5400, 7200], n_events)
    rows = ["event_id,profile_id,title_id,country,started_at,seconds_viewed"]
    for k in range(n_events):
        at = str(start + np.timedelta64(int(offsets[k]), "s"))
        rows.append(f"r{k},p{k % 97},g{titles[k]:02d},{countries[k]},{at}Z,{seconds[k]}")
    rows += ["bad1,p1,g99,US,2025-02-10T10:00:00Z,60", "bad2,p1,g01,XX,2025-02-10T10:00:00Z,60",
             "bad3,p1,g01,US,2025-02-30T10:00:00Z,60"]
    events = folder / "events.csv"
    events.write_text("\n".join(rows) + "\n")
    return catalog, events


def duckdb_path(
    catalog: Path, events: list[Path], folder: Path, round_to: int | None
) -> tuple[Path, dict[str, Any]]:
    """``ingest`` + ``build`` + ``export`` on a fresh store; returns the export folder."""
    db = folder / "store.duckdb"
    api.ingest(catalog=catalog, events=events, db=db)
    report = api.build(db=db)
    out = folder / "duckdb-out"
    api.export(out, db=db, round_to=round_to)
    return out, {"db": db, "build": report}


def stored_quarantine(db: Path) -> list[list[str]]:
    with store.opened(db, read_only=True) as con:
        table = con.sql(
            "SELECT source_file, source_row, reason, detail, raw FROM quarantine"
        ).to_arrow_table()
    return quarantine_tsv_rows(table)


def spark_quarantine(out: Path) -> list[list[str]]:
    lines = (out / QUARANTINE_FILE).read_text(encoding="utf-8").splitlines()
    assert lines[0] == "source_file\tsource_row\treason\tdetail\traw"
    return [line.split("\t") for line in lines[1:]]


def assert_same_exports(duck: Path, spark_out: Path) -> None:
    for name in EXPORTS:
        a, b = (duck / name).read_bytes(), (spark_out / name).read_bytes()
        assert a == b, f"{name} differs between DuckDB and Spark"


def test_hand_made_files_give_identical_exports(spark: Any, tmp_path: Path) -> None:
    catalog = FIXTURES / "catalog.csv"
    events = [FIXTURES / "events-march.csv", FIXTURES / "events-april.jsonl"]
    # Unit 1: the default (100,000) would publish every small figure as 0 and compare ranks only.
    duck, info = duckdb_path(catalog, events, tmp_path, round_to=1)
    report = api.build(engine="spark", catalog=catalog, events=events, out=tmp_path / "spark",
                       round_to=1)
    assert report["engine"] == "spark"
    assert report["weeks"] == info["build"]["weeks"] == ["2025-03-09", "2025-03-16",
                                                          "2025-03-23", "2025-03-30"]
    assert report["rows"] == info["build"]["rows"]
    assert_same_exports(duck, tmp_path / "spark")
    # Not an empty comparison: the hand-made week edges and offsets are in the files.
    lines = (duck / GLOBAL_FILE).read_text().splitlines()
    assert "2025-03-09\tFilms (English)\t1\tLantern\tN/A\t5\t1.8167\t3\t1" in lines
    assert "2025-03-16\tTV (English)\t1\tHarbour\tHarbour: Season 1\t7\t6.6667\t1\t2" in lines
    assert len({line.split("\t")[5] for line in lines[1:]}) >= 5  # hours figures compared
    # The same rows quarantined for the same reasons, duplicates counted and not listed.
    quarantined = spark_quarantine(tmp_path / "spark")
    assert quarantined == stored_quarantine(info["db"])
    assert sorted(r[2] for r in quarantined) == sorted([
        "unknown_title_id", "invalid_country", "negative_seconds", "unparseable_timestamp",
        "missing_field", "over_24_hours", "invalid_country",
    ])
    assert report["inputs"]["duplicates"] == 2
    assert report["quarantined"] == 7


def test_generated_log_with_round_to_via_the_command(spark: Any, tmp_path: Path) -> None:
    catalog, events = generated_inputs(tmp_path / "in")
    duck, info = duckdb_path(catalog, [events], tmp_path, round_to=10)
    out = tmp_path / "spark"
    cached_before = spark.sparkContext._jsc.getPersistentRDDs().size()
    result = CliRunner().invoke(app, [
        "build", "--engine", "spark", "--catalog", str(catalog), "--events", str(events),
        "--out", str(out), "--round-to", "10", "--json",
    ])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["round_to"] == 10
    # The build releases the rows it cached in Spark.
    assert spark.sparkContext._jsc.getPersistentRDDs().size() == cached_before
    assert report["weeks"] == info["build"]["weeks"] and len(report["weeks"]) == 8
    assert report["rows"] == info["build"]["rows"]
    assert report["rows"]["chart_country"] > 6 * 8 * 10  # full lists in many countries
    assert_same_exports(duck, out)
    assert spark_quarantine(out) == stored_quarantine(info["db"])
    assert [r[2] for r in spark_quarantine(out)] == [
        "unknown_title_id", "invalid_country", "unparseable_timestamp"
    ]
    # Rounded to tens: every published hours figure is a multiple of 10.
    rows = (out / GLOBAL_FILE).read_text().splitlines()[1:]
    hours = [int(line.split("\t")[5]) for line in rows]
    assert all(h % 10 == 0 for h in hours) and max(hours) >= 100
    assert len(set(hours)) > 10  # many distinct figures, so the byte comparison checks them


def test_spark_build_refuses_a_bad_catalog_naming_file_and_row(spark: Any, tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.csv"
    text = (FIXTURES / "catalog.csv").read_text().replace("f-echo,Echo,,film,en,60,",
                                                           "f-echo,Echo,,film,en,sixty,")
    catalog.write_text(text)
    result = CliRunner().invoke(app, [
        "build", "--engine", "spark", "--catalog", str(catalog),
        "--events", str(FIXTURES / "events-march.csv"), "--out", str(tmp_path / "out"),
    ])
    assert result.exit_code == 1
    message = " ".join(result.stderr.split())
    assert "catalog.csv" in message and "f-echo" in message and "sixty" in message
    assert not (tmp_path / "out").exists()
