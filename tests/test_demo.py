"""The demo end to end on a tiny world: simulate, ingest, build, export, show; then reuse."""

from __future__ import annotations

import csv
from pathlib import Path

from typer.testing import CliRunner

from starchart import api
from starchart.cli import app
from starchart.demo import choose_round_to

TINY = ["--weeks", "3", "--profiles", "4000", "--titles", "120", "--end", "2025-04-06",
        "--no-serve"]


def test_demo_shows_charts_and_writes_exports_then_reuses_them(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    runner = CliRunner()
    first = runner.invoke(app, ["demo", "--out", str(out), *TINY], env={"COLUMNS": "160"})
    assert first.exit_code == 0, first.output
    assert "Films (Non-English)" in first.output
    assert "South Korea Top 10" in first.output
    assert "Revelations" in first.output  # the slate table

    db = out / "starchart.duckdb"
    latest = api.week(db=db)
    assert latest["week"] == "2025-04-06"
    assert [lst["category"] for lst in latest["lists"]] == [
        "Films (English)", "Films (Non-English)", "TV (English)", "TV (Non-English)"]
    assert all(len(lst["rows"]) == 10 for lst in latest["lists"])
    korea = api.week(country="KR", db=db)
    assert korea["country_name"] == "South Korea"

    # Revelations launched on Friday 2025-03-21: it charts from the week of 2025-03-23.
    run = api.title("Revelations", db=db)["matches"][0]["run"]
    assert min(r["week"] for r in run) == "2025-03-23"

    with (out / "exports" / "all-weeks-global.tsv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    assert len(rows) == 3 * 4 * 10
    assert {r["week"] for r in rows} == {"2025-03-23", "2025-03-30", "2025-04-06"}

    stamp = db.stat().st_mtime_ns
    second = runner.invoke(app, ["demo", "--out", str(out), *TINY], env={"COLUMNS": "160"})
    assert second.exit_code == 0, second.output
    assert "reused" in second.output
    assert db.stat().st_mtime_ns == stamp


def test_demo_rounding_unit_keeps_three_significant_figures() -> None:
    assert choose_round_to([12_345_678.0, 9_870_000.0]) == 10_000
    assert choose_round_to([541.0, 1130.0]) == 1
    assert choose_round_to([0.0]) == 1
    assert choose_round_to([]) == 1


def test_every_step_reports_progress_in_one_convention(tmp_path: Path) -> None:
    """simulate, ingest and build all call progress(description, done, total)."""
    from starchart.demo import run_demo

    calls: list[tuple[object, ...]] = []
    run_demo(tmp_path / "demo", weeks=2, profiles=3000, titles=110, end="2025-04-06",
             progress=lambda *args: calls.append(args))
    assert calls
    bad = [c for c in calls if not (len(c) == 3 and isinstance(c[0], str)
                                    and isinstance(c[1], int) and isinstance(c[2], int))]
    assert not bad, bad[:3]
    descriptions = " ".join(str(c[0]) for c in calls)
    assert "reading" in descriptions  # ingest's per-file steps came through
