"""CLI commands of the engine area: ingest, build, export, quarantine."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from starchart import api
from starchart.commands.common import DbOption, JsonOption, console, print_json, run_or_fail


def export_cmd(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the three files into.")],
    round_to: Annotated[
        int | None,
        typer.Option("--round-to", help="Round hours and views to this unit (default 100000)."),
    ] = None,
    source: Annotated[
        str | None, typer.Option("--source", help="engine or netflix (default: engine if built).")
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Write the charts in the layout of Netflix's published files."""
    result = run_or_fail(lambda: api.export(out, db=db, source=source, round_to=round_to))
    if as_json:
        print_json(result)
        return
    for name, n in result["rows"].items():
        console.print(f"wrote {n:>7,} rows to {Path(result['out']) / name}")


def register(app: typer.Typer) -> None:
    """Add this area's commands to the ``starchart`` app."""
    app.command("export")(export_cmd)
