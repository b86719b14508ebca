"""CLI commands of the engine area: ingest, build, export, quarantine."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from starchart import api
from starchart.commands.common import (
    DbOption,
    JsonOption,
    console,
    fail,
    print_json,
    run_or_fail,
)
from starchart.commands.watch import print_watchlist
from starchart.progress import progress_bar

MemoryOption = Annotated[
    str | None,
    typer.Option("--memory-limit", help="Most memory DuckDB may use before it spills to "
                 "<store>.tmp, e.g. 3GB (default: $STARCHART_MEMORY_LIMIT or 1/8 of RAM)."),
]


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
        typer.Option("--events", help="Spark: events files, folders or globs; several may "
                     "follow one --events (e.g. --events a.csv b.parquet dir/)."),
    ] = None,
    more_events: Annotated[
        list[Path] | None,
        typer.Argument(help="More events paths (as a shell glob after --events expands to).",
                       show_default=False),
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
    full: Annotated[
        bool, typer.Option("--full", help="Rebuild every week, not only those new data touched.")
    ] = False,
    no_train: Annotated[
        bool, typer.Option("--no-train", help="Do not train the discovery models (more like "
                           "this, picks) after the charts.")
    ] = False,
    memory_limit: MemoryOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Compute the weekly Top 10 lists and Most Popular from the viewing rollup, then train
    the discovery models (unless --no-train)."""
    paths = [*(events or []), *(more_events or [])]
    if more_events and not events:
        raise fail(f"unexpected argument {more_events[0]}: events paths follow --events "
                   "(--engine spark); on DuckDB, load events with 'starchart ingest'")
    with progress_bar(console, enabled=not as_json, first="building charts") as report:
        result = run_or_fail(lambda: api.build(
            week=week, db=db, engine=engine, catalog=catalog, events=paths or None, out=out,
            round_to=round_to, spark_master=spark_master, full=full,
            memory_limit=memory_limit, train=not no_train, progress=report,
        ))
    if as_json:
        print_json(result)
        return
    weeks = result["weeks"]
    span = f"{weeks[0]} .. {weeks[-1]}" if weeks else "none: no new data since the last build"
    console.print(f"built {len(weeks)} week(s) ({span}) on {result['engine']} "
                  f"from {result['events']:,} events in {result['timings']['wall']:.1f} s")
    for table, n in result["rows"].items():
        console.print(f"  {table:<14} {n:>8,} rows")
    for path in result.get("files", []):
        console.print(f"  wrote {path}")
    training = result.get("training") or {}
    if training.get("trained"):
        models = ", ".join(m["model"] for m in training["models"])
        console.print(f"trained the discovery models ({models}) from {training['rows']:,} "
                      f"rows in {training['seconds']:.1f} s"
                      + (f" into {training['db']}" if training.get("db") else ""),
                      highlight=False)
    elif training and not no_train:
        console.print(f"discovery models not trained: {training['reason']}", highlight=False)
    print_watchlist(result)


def ingest_cmd(
    events: Annotated[
        list[str] | None,
        typer.Argument(help="Events files, folders or glob patterns (csv, tsv, parquet, jsonl; "
                       "text may be .gz or .zst).", show_default=False),
    ] = None,
    catalog: Annotated[
        Path | None,
        typer.Option("--catalog", help="Catalog file to load first (updates titles by id)."),
    ] = None,
    events_option: Annotated[
        list[str] | None,
        typer.Option("--events", help="Events files, folders or globs (or give them as "
                     "arguments); several may follow one --events."),
    ] = None,
    keep_events: Annotated[
        bool | None,
        typer.Option("--keep-events/--no-keep-events", help="Also write the accepted events "
                     "as Parquet by week beside the store (default: $STARCHART_KEEP_EVENTS).",
                     show_default=False),
    ] = None,
    memory_limit: MemoryOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Load the catalog and add viewing events; bad rows go to quarantine."""
    paths = [*(events_option or []), *(events or [])]
    with progress_bar(console, enabled=not as_json, first="reading files") as report:
        result = run_or_fail(lambda: api.ingest(
            catalog=catalog, events=paths, db=db, keep_events=keep_events,
            memory_limit=memory_limit, progress=report))
    if as_json:
        print_json(result)
        return
    _print_ingest(result)


def _print_ingest(result: dict[str, Any]) -> None:
    from rich.table import Table

    cat = result["catalog"]
    if cat is not None:
        console.print(f"catalog {cat['path']}: {cat['titles']:,} titles "
                      f"({cat['inserted']:,} new, {cat['updated']:,} updated)")
    if not result["files"]:
        return
    table = Table(box=None)
    table.add_column("file", overflow="fold")
    for name in ("read", "accepted", "quarantined", "duplicates"):
        table.add_column(name, justify="right")
    for f in result["files"]:
        note = " (already loaded)" if f["already_loaded"] else ""
        table.add_row(f["path"] + note, *(f"{f[k]:,}" for k in
                                          ("read", "accepted", "quarantined", "duplicates")))
    if len(result["files"]) > 1:
        table.add_row("total", *(f"{result[k]:,}" for k in
                                 ("read", "accepted", "quarantined", "duplicates")))
    console.print(table)
    if result.get("kept_events"):
        console.print(f"kept the accepted events in {result['kept_events']}")
    reasons = {k: v for k, v in result["by_reason"].items() if v}
    if reasons:
        console.print("quarantined: " + ", ".join(f"{k} {v:,}" for k, v in reasons.items())
                      + "  (see 'starchart quarantine')")


def quarantine_cmd(
    reason: Annotated[
        str | None,
        typer.Option("--reason", help="Only this reason, e.g. unknown_title_id."),
    ] = None,
    source_file: Annotated[
        Path | None, typer.Option("--file", help="Only rows from this source file.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", help="Show at most this many rows.")] = 100,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """List the rows that could not be counted, with reason, file and row number."""
    frame = run_or_fail(
        lambda: api.quarantine(reason=reason, source_file=source_file, limit=limit, db=db)
    )
    rows = frame.to_dict(orient="records")
    if as_json:
        print_json({"rows": rows, "shown": len(rows), "limit": limit})
        return
    if not rows:
        console.print("no quarantined rows" + (f" with reason {reason}" if reason else ""))
        return
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None)
    table.add_column("file", overflow="fold")
    table.add_column("row", justify="right")
    table.add_column("reason")
    table.add_column("detail", overflow="fold")
    for r in rows:
        # Text, not markup: a title_id like "[/x]" in the detail is data, not a Rich tag.
        table.add_row(*(Text(str(r[k])) for k in ("source_file", "source_row", "reason",
                                                   "detail")))
    console.print(table)
    if len(rows) == limit:
        console.print(f"(first {limit} rows; use --limit for more)")


def register(app: typer.Typer) -> None:
    """Add this area's commands to the ``starchart`` app."""
    app.command("ingest")(ingest_cmd)
    app.command("quarantine")(quarantine_cmd)
    app.command("export")(export_cmd)
    app.command("build")(build_cmd)
