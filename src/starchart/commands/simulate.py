"""CLI commands of the simulate area: ``starchart simulate``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from starchart import api
from starchart.commands.common import JsonOption, console, print_json, run_or_fail
from starchart.progress import progress_bar
from starchart.simulate.defaults import (
    DEFAULT_PROFILES,
    DEFAULT_ROWS_PER_FILE,
    DEFAULT_SEED,
    DEFAULT_TITLES,
    DEFAULT_WEEKS,
)


def simulate_cmd(
    out: Annotated[Path, typer.Option("--out", help="Folder for catalog.csv and events/.")],
    weeks: Annotated[int, typer.Option("--weeks", min=1, help="Weeks to simulate.")] = (
        DEFAULT_WEEKS),
    profiles: Annotated[int, typer.Option("--profiles", help="Viewer profiles in the world.")] = (
        DEFAULT_PROFILES),
    titles: Annotated[int, typer.Option(
        "--titles", help="Generated films and seasons (the Korean slate comes on top).")] = (
        DEFAULT_TITLES),
    seed: Annotated[int, typer.Option("--seed", help="Random seed: same seed, same world.")] = (
        DEFAULT_SEED),
    end: Annotated[str | None, typer.Option(
        "--end", help="Last day simulated, a Sunday YYYY-MM-DD "
        "(default: the most recent Sunday before today).")] = None,
    events_per_week: Annotated[int | None, typer.Option(
        "--events-per-week", help="Viewing sessions per week (default: 3 per profile).")] = None,
    rows_per_file: Annotated[int, typer.Option(
        "--rows-per-file", help="Most rows in one Parquet events file.")] = DEFAULT_ROWS_PER_FILE,
    as_json: JsonOption = False,
) -> None:
    """Simulate a streaming world: a catalog and viewing events the engine ingests as is."""
    with progress_bar(console, enabled=not as_json, first="simulating viewing") as report:
        result = run_or_fail(lambda: api.simulate(
            out, weeks=weeks, profiles=profiles, titles=titles, seed=seed, end=end,
            events_per_week=events_per_week, rows_per_file=rows_per_file, progress=report))
    if as_json:
        print_json(result)
        return
    plural = "s" if result["weeks"] != 1 else ""
    console.print(
        f"Simulated {result['weeks']} week{plural} ({result['start']} to {result['end']}): "
        f"{result['events']:,} viewing events by {result['profiles']:,} profiles in "
        f"{result['countries']} countries over {result['titles']} titles.",
        highlight=False)
    console.print(f"catalog: {result['catalog']}", highlight=False)
    console.print(f"events:  {len(result['files'])} Parquet file(s) in {result['events_dir']}",
                  highlight=False)
    console.print(f"{result['seconds']:.1f} s, {result['events_per_second']:,} events/s",
                  highlight=False)


def register(app: typer.Typer) -> None:
    """Add this area's commands to the starchart app."""
    app.command("simulate")(simulate_cmd)
