"""CLI commands of the discovery area: train, similar, picks (see docs/discovery.md)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.table import Table
from rich.text import Text

from starchart import api
from starchart.commands.common import (
    DbOption,
    JsonOption,
    console,
    err_console,
    print_json,
    run_or_fail,
)
from starchart.progress import progress_bar
from starchart.queries.slugs import title_name

T = TypeVar("T")
LimitOption = Annotated[int, typer.Option("--limit", min=1, help="How many titles to show.")]


def _name(row: dict[str, Any]) -> str:
    return title_name(row["show_title"], row["season_title"])


def _with_suggestions(action: Callable[[], T]) -> T:
    """Run ``action``; for an unknown title, show its suggestions before the error."""
    try:
        return action()
    except LookupError as exc:
        suggestions = exc.args[1] if len(exc.args) > 1 else []
        if suggestions and "title_id" in suggestions[0]:
            table = Table(title="Did you mean", title_justify="left")
            for col in ("title_id", "title", "score"):
                table.add_column(col)
            for s in suggestions:
                table.add_row(Text(s["title_id"]), Text(_name(s)), f"{s['score']:.0f}")
            err_console.print(table)
        raise


def similar_cmd(
    title: Annotated[list[str], typer.Argument(
        help="A title_id (e.g. slate-mantis), an exact name, or an imported title's slug.")],
    limit: LimitOption = 10,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """More like this: the titles closest to one title, from co-viewing (or co-charting)."""
    text = " ".join(title)
    result = run_or_fail(lambda: _with_suggestions(
        lambda: api.similar(text, limit=limit, db=db)))
    if as_json:
        print_json(result)
        return
    rows = result["similar"]
    if not rows:
        console.print(Text(f"No neighbours for {result['title_id']} yet."))
        return
    table = Table(title=Text(f"More like {result['title_id']}"), title_justify="left")
    for col, justify in (("#", "right"), ("title_id", "left"), ("title", "left"),
                         ("score", "right")):
        table.add_column(col, justify=justify)  # type: ignore[arg-type]
    for i, r in enumerate(rows, start=1):
        table.add_row(str(i), Text(r["title_id"]), Text(_name(r)), f"{r['score']:.4f}")
    console.print(table)


def picks_cmd(
    profile_id: Annotated[str, typer.Argument(help="A profile_id, e.g. US-000123.")],
    limit: LimitOption = 10,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Picks for a profile, each with the watched titles it comes from."""
    result = run_or_fail(lambda: api.picks(profile_id, limit=limit, db=db))
    if as_json:
        print_json(result)
        return
    rows = result["picks"]
    if not rows:
        console.print(Text(f"No picks for {profile_id}: it has finished every title its "
                           "viewing points to."))
        return
    names = run_or_fail(lambda: api.names_of([t for r in rows for t in r["because"]], db=db))
    table = Table(title=Text(f"Picks for {result['profile_id']}"), title_justify="left")
    for col, justify in (("#", "right"), ("title_id", "left"), ("title", "left"),
                         ("score", "right"), ("because you watched", "left")):
        table.add_column(col, justify=justify, overflow="fold")  # type: ignore[arg-type]
    for i, r in enumerate(rows, start=1):
        because = "; ".join(names.get(t, t) for t in r["because"])
        table.add_row(str(i), Text(r["title_id"]), Text(_name(r)), f"{r['score']:.3f}",
                      Text(because))
    console.print(table)


def train_cmd(
    engine: Annotated[
        str, typer.Option("--engine", help="duckdb (the store's viewing) or spark (files).")
    ] = "duckdb",
    catalog: Annotated[
        Path | None, typer.Option("--catalog", help="Spark: the catalog file.")
    ] = None,
    events: Annotated[
        list[Path] | None,
        typer.Option("--events", help="Spark: an events file or folder (repeat for more)."),
    ] = None,
    spark_master: Annotated[
        str | None, typer.Option("--spark-master", help="Spark: cluster URL (default local).")
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Train "more like this" and picks from viewing, and co-charting from Netflix's lists."""
    with progress_bar(console, enabled=not as_json, first="training") as report:
        result = run_or_fail(lambda: api.train(
            db=db, engine=engine, catalog=catalog, events=events, spark_master=spark_master,
            progress=report))
    if as_json:
        print_json(result)
        return
    for m in result["models"]:
        if m["model"] == "viewing":
            console.print(
                f"viewing model ({m['algorithm']}, on {result['engine']}): "
                f"{m['profiles']:,} profiles, {m['titles']:,} titles "
                f"({m['titles_without_viewing']:,} with no viewing yet: metadata only), "
                f"{m['interactions']:,} profile x title rows", highlight=False)
        else:
            console.print(
                f"charting model ({m['algorithm']}, source {m['source']}): {m['titles']:,} "
                f"titles on {m['lists']:,} weekly lists", highlight=False)
    console.print(f"stored in {result['db']} in {result['timings']['wall']:.1f} s: "
                  + ", ".join(f"{n:,} {t}" for t, n in result["rows"].items()),
                  highlight=False)


def register(app: typer.Typer) -> None:
    """Add this area's commands to the ``starchart`` app."""
    app.command("train")(train_cmd)
    app.command("similar")(similar_cmd)
    app.command("picks")(picks_cmd)
