"""``starchart simulate`` through the real CLI app, checked through the library."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
from typer.testing import CliRunner

from starchart.cli import app
from starchart.simulate.catalog import CATALOG_COLUMNS

runner = CliRunner()
ARGS = ["--weeks", "1", "--profiles", "10000", "--titles", "100", "--end", "2025-03-30",
        "--events-per-week", "50000"]


def test_simulate_json(tmp_path: Path) -> None:
    out = tmp_path / "world"
    result = runner.invoke(app, ["simulate", "--out", str(out), *ARGS, "--seed", "3", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    for key in ("files", "events", "titles", "profiles", "seconds", "events_per_second"):
        assert key in payload, key
    assert payload["profiles"] == 10_000 and payload["titles"] == 109
    assert (payload["start"], payload["end"], payload["seed"]) == ("2025-03-24", "2025-03-30", 3)
    files = [Path(p) for p in payload["files"]]
    assert files and all(p.parent == out / "events" for p in files)
    assert sum(pq.read_metadata(p).num_rows for p in files) == payload["events"] > 40_000
    header = (out / "catalog.csv").read_text(encoding="utf-8").splitlines()[0]
    assert tuple(header.split(",")) == CATALOG_COLUMNS
    manifest = json.loads((out / "simulation.json").read_text(encoding="utf-8"))
    assert manifest["seed"] == 3 and manifest["events"] == payload["events"]


def test_simulate_human_output(tmp_path: Path) -> None:
    result = runner.invoke(app, ["simulate", "--out", str(tmp_path), *ARGS])
    assert result.exit_code == 0, result.output
    assert "Simulated 1 week (2025-03-24 to 2025-03-30)" in result.output
    assert "events/s" in result.output
    assert (tmp_path / "events" / "part-00000.parquet").exists()


def test_simulate_rows_per_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["simulate", "--out", str(tmp_path), *ARGS,
                                 "--rows-per-file", "10000", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    rows = [pq.read_metadata(p).num_rows for p in payload["files"]]
    assert len(rows) >= 4 and max(rows) <= 10_000


def test_simulate_bad_end_is_a_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["simulate", "--out", str(tmp_path), *ARGS[:-4],
                                 "--end", "2025-03-29"])
    assert result.exit_code == 1
    assert "--end" in result.output and "Saturday" in result.output
    assert not (tmp_path / "catalog.csv").exists()


def test_simulate_too_few_titles(tmp_path: Path) -> None:
    result = runner.invoke(app, ["simulate", "--out", str(tmp_path), "--titles", "10",
                                 "--end", "2025-03-30"])
    assert result.exit_code == 1 and "at least 100" in result.output
