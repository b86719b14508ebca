"""CLI commands of the watchlist: ``starchart watch add|remove|list`` (see docs/discovery.md),
and the short section build, import and update print about watched titles."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from starchart import api
from starchart.commands.common import DbOption, JsonOption, console, print_json, run_or_fail
from starchart.commands.discovery import _with_suggestions
from starchart.queries.slugs import title_name

watch_app = typer.Typer(help="Watch titles: every build, import and update then says what "
                             "they did (entered a list, #1 somewhere, new countries).",
                        no_args_is_help=True)
TitleArgument = Annotated[list[str], typer.Argument(
    help="A title_id (catalog or nf-…) or an exact name (quotes optional).")]
SHOWN = 10


def print_watchlist(result: dict[str, Any]) -> None:
    """The watchlist section of a build's, import's or update's output: nothing when no
    title is watched, else each event of the release it published (the first few)."""
    found = result.get("watchlist") or {}
    if not found.get("watched"):
        return
    events = found.get("events") or []
    release = found.get("release")
    where = f" in release {release}" if release is not None else ""
    if not events:
        console.print(f"Watchlist ({found['watched']} watched): nothing new{where}",
                      highlight=False)
        return
    count = f"{len(events)} event{'' if len(events) == 1 else 's'}"
    console.print(f"Watchlist ({found['watched']} watched): {count}{where}:",
                  highlight=False)
    for e in events[:SHOWN]:
        console.print(Text(f"  {e['summary']}"))
    if len(events) > SHOWN:
        console.print(f"  ... and {len(events) - SHOWN} more: 'starchart watch list "
                      "--json' or /watchlist.atom", highlight=False)


def _report_change(result: dict[str, Any], as_json: bool, done: str, not_done: str,
                   changed: bool) -> None:
    """What ``watch add`` or ``watch remove`` did, as JSON or one line."""
    if as_json:
        print_json(result)
        return
    name = title_name(result["show_title"], result["season_title"])
    verb = done if changed else not_done
    console.print(Text(f"{verb} {name} ({result['title_id']}); {result['watched']} "
                       "watched in all"))


def add_cmd(title: TitleArgument, db: DbOption = None, as_json: JsonOption = False) -> None:
    """Watch a title."""
    result = run_or_fail(lambda: _with_suggestions(
        lambda: api.watch_add(" ".join(title), db=db)))
    _report_change(result, as_json, "now watching", "already watching", result["added"])


def remove_cmd(title: TitleArgument, db: DbOption = None, as_json: JsonOption = False) -> None:
    """Stop watching a title."""
    result = run_or_fail(lambda: _with_suggestions(
        lambda: api.watch_remove(" ".join(title), db=db)))
    _report_change(result, as_json, "stopped watching", "was not watching", result["removed"])


def list_cmd(db: DbOption = None, as_json: JsonOption = False) -> None:
    """The watched titles, and what they did in the latest releases."""
    rows = run_or_fail(lambda: api.watchlist(db=db))
    events: list[dict[str, Any]] = []
    if rows:
        try:  # a store with no release yet has watched titles but no events
            events = api.watchlist_events(limit=SHOWN, db=db)
        except FileNotFoundError:
            events = []
    if as_json:
        print_json({"watchlist": rows, "events": events})
        return
    if not rows:
        console.print("No title is watched: 'starchart watch add TITLE'.")
        return
    table = Table(title="Watchlist", title_justify="left")
    for col in ("title_id", "title", "added"):
        table.add_column(col)
    for r in rows:
        table.add_row(Text(r["title_id"]), Text(title_name(r["show_title"], r["season_title"])),
                      r["added_at"])
    console.print(table)
    if events:
        console.print("Latest events:")
        for e in events:
            console.print(Text(f"  release {e['release']}: {e['summary']}"))


def register(app: typer.Typer) -> None:
    """Add this area's commands to the ``starchart`` app."""
    watch_app.command("add")(add_cmd)
    watch_app.command("remove")(remove_cmd)
    watch_app.command("list")(list_cmd)
    app.add_typer(watch_app, name="watch")
