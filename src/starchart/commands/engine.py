"""CLI commands of the engine area: ingest, build, export, quarantine."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

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


def build_cmd(
    week: Annotated[
        str | None, typer.Option("--week", help="Rebuild only this week (its Sunday, YYYY-MM-DD).")
    ] = None,
    engine: Annotated[
        str, typer.Option("--engine", help="duckdb (the store) or spark (files in, files out).")
    ] = "duckdb",
    catalog: Annotated[
        Path | None, typer.Option("--catalog", help="Spark: the catalog file.")
    ] = None,
    events: Annotated[
        list[Path] | None,
        typer.Option("--events", help="Spark: an events file or folder (repeat for more)."),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Spark: folder for the export files.")
    ] = None,
    round_to: Annotated[
        int | None,
        typer.Option("--round-to", help="Spark: round hours and views to this unit (100000)."),
    ] = None,
    spark_master: Annotated[
        str | None, typer.Option("--spark-master", help="Spark: cluster URL (default local).")
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Compute the weekly Top 10 lists and Most Popular from the accepted events."""
    from rich.progress import Progress

    def run(progress: Any = None) -> dict[str, Any]:
        return api.build(
            week=week, db=db, engine=engine, catalog=catalog, events=events, out=out,
            round_to=round_to, spark_master=spark_master, progress=progress,
        )

    if as_json or not console.is_terminal:
        result = run_or_fail(run)
    else:
        with Progress(console=console, transient=True) as bar:
            task = bar.add_task("building charts", total=None)

            def report(description: str, done: int, total: int) -> None:
                bar.update(task, description=description, completed=done, total=total)

            result = run_or_fail(lambda: run(report))
    if as_json:
        print_json(result)
        return
    weeks = result["weeks"]
    span = f"{weeks[0]} .. {weeks[-1]}" if weeks else "none"
    console.print(f"built {len(weeks)} week(s) ({span}) on {result['engine']} "
                  f"from {result['events']:,} events in {result['timings']['wall']:.1f} s")
    for table, n in result["rows"].items():
        console.print(f"  {table:<14} {n:>8,} rows")
    for path in result.get("files", []):
        console.print(f"  wrote {path}")


def register(app: typer.Typer) -> None:
    """Add this area's commands to the ``starchart`` app."""
    app.command("export")(export_cmd)
    app.command("build")(build_cmd)
