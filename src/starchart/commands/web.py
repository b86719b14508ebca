"""CLI commands of the web area: ``starchart serve``, and the chart releases it serves
(``starchart publish``, ``starchart releases``)."""

from __future__ import annotations

from typing import Annotated

import typer

from starchart import api
from starchart.commands.common import DbOption, JsonOption, console, print_json, run_or_fail
from starchart.progress import progress_bar


def serve_cmd(
    db: DbOption = None,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", help="Port to listen on.", min=1, max=65535)
    ] = 8000,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Compute every answer afresh (no memo).")
    ] = False,
    cache_mb: Annotated[
        int, typer.Option("--cache-mb", min=1, help="Memory for remembered answers, in MB.")
    ] = 256,
) -> None:
    """Serve the chart site and its JSON API from the store's chart releases (read-only)."""
    from starchart.web.server import serve

    def ready(url: str) -> None:
        console.print(f"starchart serving [bold]{url}[/] (Ctrl-C to stop)", highlight=False)

    run_or_fail(lambda: serve(db, host, port, cache=not no_cache, cache_mb=cache_mb,
                              on_ready=ready))


def publish_cmd(
    keep: Annotated[
        int | None,
        typer.Option("--keep", min=1,
                     help="Releases to keep (default $STARCHART_KEEP_RELEASES or 10)."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Publish even when the current release is the same.")
    ] = False,
    full: Annotated[
        bool, typer.Option("--full", help="Compute everything, reusing nothing.")
    ] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Publish the store's charts as a new release (what the site and questions read).

    Build and import publish on their own; this catches up after one was killed before it
    published, or republishes."""
    with progress_bar(console, enabled=not as_json, first="publishing") as report:
        result = run_or_fail(lambda: api.publish(db=db, keep=keep, force=force or full,
                                                 full=full, progress=report))
    if as_json:
        print_json(result)
        return
    if not result["published"]:
        console.print(f"release {result['release']} already holds the store's charts "
                      "(--force publishes anyway)", highlight=False)
        return
    changes = result["changes"]
    console.print(
        f"published release {result['release']} in {result['seconds']:.2f} s: "
        f"{changes['weeks_added']} week(s) added, {changes['weeks_revised']} revised "
        f"({changes['positions_changed']} list positions), {changes['weeks_removed']} removed"
        + (f"; {result['reason']}" if result.get("reason") else "")
        + (f"; deleted release(s) {', '.join(map(str, result['pruned']))}"
           if result["pruned"] else ""), highlight=False)


def releases_cmd(db: DbOption = None, as_json: JsonOption = False) -> None:
    """List the kept chart releases, newest first."""
    found = run_or_fail(lambda: api.release_list(db=db))
    if as_json:
        print_json({"releases": found})
        return
    if not found:
        console.print("no releases yet: build charts or import Netflix's files")
        return
    from rich.table import Table

    table = Table(box=None)
    for col in ("release", "published (UTC)", "age", "took"):
        table.add_column(col, justify="right" if col != "published (UTC)" else "left")
    for r in found:
        age = r["age_seconds"]
        words = (f"{age / 86400:.1f} d" if age >= 86400 else
                 f"{age / 3600:.1f} h" if age >= 3600 else f"{age:.0f} s")
        table.add_row(str(r["release"]), r["published_at"][:19].replace("T", " "), words,
                      f"{r['seconds']:.2f} s")
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add this area's commands to the starchart app."""
    app.command("serve")(serve_cmd)
    app.command("publish")(publish_cmd)
    app.command("releases")(releases_cmd)
