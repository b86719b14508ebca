"""CLI commands of the published area: import Netflix's files, list their edits, and answer
chart questions (title, week, leaders, search, most-popular) as Rich tables or JSON.

Every command calls :mod:`starchart.api`; this module only parses options and draws tables.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from starchart import api
from starchart.commands.common import DbOption, JsonOption, console, print_json, run_or_fail
from starchart.commands.facts import print_facts
from starchart.commands.watch import print_watchlist
from starchart.display import compact, missing, move, plural, runtime_hm
from starchart.progress import progress_bar
from starchart.queries.slugs import title_name
from starchart.weeks import is_latest

if TYPE_CHECKING:
    import pandas as pd

SourceOption = Annotated[
    str | None,
    typer.Option("--source", help="engine or netflix (default: engine if it built charts)."),
]

import_app = typer.Typer(
    help="Import charts published by a streaming service.", no_args_is_help=True)


# --- formatting -----------------------------------------------------------------------------


_MOVE_STYLE = {"new": "bold cyan", "back": "cyan", "up": "green", "down": "red",
               "same": "dim", "none": "dim"}


def _change(row: dict[str, Any]) -> Text:
    kind, mark, _ = move(row["change"], row["weekly_rank"], row["previous_weekly_rank"],
                         row["cumulative_weeks_in_top_10"])
    return Text(mark, style=_MOVE_STYLE[kind])


def _name(show: str, season: Any) -> str:
    return title_name(show, None if missing(season) else str(season))


def add_row(table: Table, *cells: str | Text) -> None:
    """Add a row whose text cells are data, shown as written: Rich would read ``[REC]`` in
    a title as markup (dropping it) and ``[/x]`` as a closing tag (raising MarkupError)."""
    table.add_row(*(Text(c) if isinstance(c, str) else c for c in cells))


# --- import and changes ---------------------------------------------------------------------


OverridesOption = Annotated[
    Path | None,
    typer.Option("--overrides", help="A TOML file of title links you corrected (default: "
                                     "$STARCHART_OVERRIDES); see docs/published.md."),
]


def import_netflix_cmd(
    paths: Annotated[list[Path], typer.Argument(
        help="Netflix's files (all-weeks-global, all-weeks-countries, most-popular; "
             ".tsv or .xlsx; What We Watched engagement reports) or folders holding them.")],
    overrides: OverridesOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Import Netflix's published files (Top 10 lists and engagement reports): all of them,
    or nothing on any error."""
    with progress_bar(console, enabled=not as_json, first="importing") as report:
        result = run_or_fail(lambda: api.import_netflix(paths, db=db, progress=report,
                                                        overrides=overrides))
    if as_json:
        print_json(result)
        return
    console.print(f"Imported into {escape(str(result['db']))} (source {result['source']}):",
                  highlight=False)
    print_import(result)


def print_import(result: dict[str, Any]) -> None:
    """What an import (or an update) loaded, file by file, and the titles it linked."""
    for f in result["files"]:
        if f["kind"] == "engagement":
            verb = "replacing the stored half-year" if f["replaced_stored"] else "all new"
            recorded = ", ".join(f"{n:,} {k}" for k, n in f["changes"].items())
            console.print(
                f"  [bold]{escape(Path(f['file']).name)}[/]: engagement report {f['period']} "
                f"({f['layout']} layout, sheets {escape(', '.join(f['sheets']))}), "
                f"{f['rows']:,} titles, {verb}"
                + (f"; changed: {recorded}" if recorded else ""), highlight=False)
            continue
        span = f" ({f['first_week']} .. {f['last_week']})" if f["first_week"] else ""
        recorded = ", ".join(f"{n:,} {k}" for k, n in f["changes"].items())
        weeks = f"{f['weeks']} weeks{span}, " if f["weeks"] else ""
        if f["weeks_replaced"]:
            replaced = f"{f['weeks_replaced']} already stored"
        else:
            replaced = "replacing the stored lists" if f["replaced_stored"] else "all new"
        console.print(
            f"  [bold]{escape(Path(f['file']).name)}[/]: {f['layout']} layout, {f['rows']:,} rows, "
            f"{weeks}{replaced}" + (f"; Netflix's edits: {recorded}" if recorded else ""),
            highlight=False)
    titles = result.get("titles")
    if titles:
        console.print(f"  titles: {titles['names']:,} names linked to {titles['works']:,} works "
                      "(see [bold]starchart title[/] and docs/published.md for the rules)",
                      highlight=False)
    if result["changes"]:
        console.print("Netflix rewrote weeks already stored: see [bold]starchart changes[/].")
    print_watchlist(result)


def update_cmd(
    source: Annotated[str | None, typer.Option(
        "--from", help="A base URL to download from (default: $STARCHART_UPDATE_URL or "
                       "Netflix's address), or a folder of earlier downloads (offline).")] = None,
    files: Annotated[list[str] | None, typer.Option(
        "--file", help="A file to fetch (repeat; default: the three Top 10 files).")] = None,
    keep: Annotated[Path | None, typer.Option(
        "--keep", help="Keep the downloaded files in this folder.")] = None,
    overrides: OverridesOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Download Netflix's current files, check them, import them and report what changed."""
    with progress_bar(console, enabled=not as_json, first="downloading") as report:
        result = run_or_fail(lambda: api.update(source=source, files=files, db=db, keep=keep,
                                                progress=report, overrides=overrides))
    if as_json:
        print_json(result)
        return
    console.print(f"Updated {escape(str(result['db']))} from {escape(result['origin'])}:",
                  highlight=False)
    print_import(result)
    for n in result["new"]:
        if n["kind"] != "engagement" and n["new_weeks"]:
            console.print(f"  new: {n['new_weeks']} week(s) in {escape(n['file'])}, to "
                          f"{n['last_week']}", highlight=False)
    if not any(n.get("new_weeks") for n in result["new"]):
        console.print("  no new weeks", highlight=False)
    if result["changes"]:
        console.print("  rewritten: " + ", ".join(f"{k} {v:,}" for k, v in
                                                 result["changes"].items()), highlight=False)


def coverage_cmd(
    source: SourceOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Which weeks each dataset covers: global lists, views, each country, each half-year."""
    rows = run_or_fail(lambda: api.coverage(source=source, db=db))
    if as_json:
        print_json({"coverage": rows})
        return
    table = Table(title="Coverage: the weeks each dataset holds", title_justify="left")
    for col in ("source", "dataset", "scope", "from", "to", "weeks"):
        table.add_column(col, justify="right" if col == "weeks" else "left")
    countries = [r for r in rows if r["dataset"] == "countries" and r["scope"]]
    for r in rows:
        if r["dataset"] == "countries" and r["scope"]:
            continue  # one line per country is too many; the summary follows
        add_row(table, r["source"], r["dataset"], r["scope"] or "", r["first_day"] or "",
                r["last_day"] or "", "" if r["weeks"] is None else str(r["weeks"]))
    console.print(table)
    if countries:
        console.print(f"{len({r['scope'] for r in countries})} countries have lists "
                      "(--json lists each).", highlight=False)


def changes_cmd(
    limit: Annotated[int, typer.Option("--limit", help="Rows of edits to show.")] = 50,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """What Netflix rewrote in weeks already imported (renamed, relabelled, replaced...)."""
    frame = run_or_fail(lambda: api.changes(db=db))
    log = run_or_fail(lambda: api.imports(db=db))
    if as_json:
        print_json({"changes": _records(frame), "imports": _records(log)})
        return
    imports = Table(title="Imports", title_justify="left")
    for col in ("imported at", "file", "layout", "rows", "weeks", "replaced", "changes"):
        imports.add_column(col)
    for r in _records(log):
        add_row(imports, str(r["imported_at"])[:19], Path(r["file"]).name, r["layout"],
                        f"{r['rows']:,}", str(r["weeks"]), str(r["weeks_replaced"]),
                        str(r["changes"]))
    console.print(imports)
    if frame.empty:
        console.print("No edits recorded: no re-import has changed a stored week.")
        return
    console.print(f"{len(frame):,} edits: " + ", ".join(
        f"{n:,} {k}" for k, n in frame["kind"].value_counts().items()))
    table = Table(title="Edits Netflix made to weeks already stored", title_justify="left")
    for col in ("kind", "list", "week", "rank", "before", "after"):
        table.add_column(col, overflow="fold")
    for r in _records(frame.head(limit)):
        add_row(table, r["kind"], r["list"], (r["week"] or "")[:10], str(r["rank"]),
                      r["before"] or "", r["after"] or "")
    console.print(table)
    if len(frame) > limit:
        console.print(f"… {len(frame) - limit:,} more (--limit, or --json for all)")


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts: missing values None, dates and times as text."""
    out: list[dict[str, Any]] = []
    for row in frame.to_dict(orient="records"):
        out.append({str(k): (None if missing(v) else (str(v) if hasattr(v, "isoformat") else v))
                    for k, v in row.items()})
    return out


# --- questions ------------------------------------------------------------------------------


def _entry_tables(entry: dict[str, Any], heading: str) -> None:
    console.rule(Text(heading, style="bold"))  # Text: the heading holds a title
    if entry["global"]:
        table = Table(title="Global Top 10", title_justify="left")
        for col in ("list", "weeks in Top 10", "weeks at #1", "peak", "first week",
                    "last week", "hours viewed", "views"):
            table.add_column(col, justify="left" if col == "list" else "right")
        for g in entry["global"]:
            views = compact(g["views"]) + (" *" if g.get("views_note") else "")
            add_row(table, g["category"], str(g["weeks_in_top_10"]), str(g["weeks_at_1"]),
                          f"#{g['peak_rank']}", g["first_week"], g["last_week"],
                          compact(g["hours_viewed"]), views)
        console.print(table)
    else:
        console.print("Never on a global Top 10 list.")
    c = entry["countries"]
    if c["distinct_in_top_10"]:
        console.print(
            f"Countries: Top 10 in [bold]{c['distinct_in_top_10']}[/], #1 in "
            f"[bold]{c['distinct_at_1']}[/]; most in one week: {c['max_in_one_week']} "
            f"({c['max_in_one_week_week']})", highlight=False)
    if entry["run"]:
        run = Table(title="Week by week", title_justify="left")
        for col in ("week", "list", "rank", "hours", "views", "countries Top 10",
                    "countries #1"):
            run.add_column(col, justify="left" if col in ("week", "list") else "right")
        for r in entry["run"]:
            add_row(run, r["week"], r["category"] or "(countries only)",
                        "" if r["weekly_rank"] is None else f"#{r['weekly_rank']}",
                        compact(r["weekly_hours_viewed"]), compact(r["weekly_views"]),
                        _count(r["countries_in_top_10"]), _count(r["countries_at_1"]))
        console.print(run)
        console.print("– : not published for that week (no views before 2023-06-18; no "
                      "country lists for the week)", highlight=False)
    print_facts(entry)


def _season_table(show: dict[str, Any]) -> None:
    """A show's seasons, a row each in natural order."""
    table = Table(title="Season by season", title_justify="left")
    for col in ("season", "lists", "weeks in Top 10", "weeks at #1", "peak", "first week",
                "last week", "hours viewed", "views"):
        table.add_column(col, justify="left" if col in ("season", "lists") else "right")
    for season in show["seasons"]:
        peak = season["peak_rank"]
        add_row(table, season["name"], ", ".join(g["category"] for g in season["global"]),
                str(season["weeks_in_top_10"]), str(season["weeks_at_1"]),
                f"#{peak}" if peak else "–", season["first_week"] or "–",
                season["last_week"] or "–", compact(season["hours_viewed"]),
                compact(season["views"]))
    console.print(table)


def _count(value: int | None) -> str:
    """A count, or ``–`` where the data do not cover the week (None is not 0)."""
    return "–" if value is None else str(value)


def title_cmd(
    query: Annotated[list[str], typer.Argument(help="The title, e.g. Squid Game: Season 1")],
    source: SourceOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """A film's or season's record: weeks in the Top 10 and at #1, countries, the run."""
    text = " ".join(query)
    result = run_or_fail(lambda: api.title(text, source=source, db=db))
    if as_json:
        print_json(result)
        return
    if not result["matches"]:
        console.print(Text(f"No title named {text!r}."))
        if result["suggestions"]:
            table = Table(title="Did you mean", title_justify="left")
            for col in ("title", "slug", "score"):
                table.add_column(col)
            for s in result["suggestions"]:
                add_row(table, _name(s["show_title"], s["season_title"]), s["slug"],
                              f"{s['score']:.0f}")
            console.print(table)
        raise typer.Exit(1)
    for show in result["shows"]:
        _entry_tables(show, f"{show['show_title']} (the show: {len(show['seasons'])} "
                            f"season{'s' if len(show['seasons']) != 1 else ''})")
        _season_table(show)
    for entry in result["matches"]:
        kind = "film" if entry["kind"] == "film" else "TV"
        who = entry.get("identity") or {}
        released = f", {who['release_date'][:4]}" if who.get("release_date") else ""
        ident = f" · {entry['title_id']}" if entry.get("title_id") else ""
        name = entry.get("name") or _name(entry["show_title"], entry["season_title"])
        _entry_tables(entry, f"{name} ({kind}{released}){ident}")


def week_cmd(
    week: Annotated[str | None, typer.Argument(
        help="Any day of the week (its Sunday names it), or 'latest' (the default).",
        metavar="[YYYY-MM-DD|latest]")] = None,
    country: Annotated[str | None, typer.Option(
        "--country", help="A country's lists (ISO code such as KR, or its name).")] = None,
    source: SourceOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """One week's Top 10 lists, with each title's move since last week."""
    result = run_or_fail(lambda: api.week(week, country=country, source=source, db=db))
    if as_json:
        print_json(result)
        return
    if week is not None and not is_latest(week) and week.strip() != result["week"]:
        console.print(Text(f"{week.strip()} is in the chart week ending {result['week']}."),
                      style="dim", highlight=False)
    print_week(result)


def print_week(result: dict[str, Any]) -> None:
    """A week's lists (the answer of ``api.week``) as one Rich table per list."""
    where = result["country_name"] or "Global"
    console.print(f"[bold]{escape(where)} Top 10, week ending {result['week']}[/] "
                  f"(source {result['source']}; " + (
                      f"moves since {result['compared_week']})" if result.get("compared_week")
                      else "no data for the previous week: no moves shown)"),
                  highlight=False)
    numbers = result["country"] is None
    for lst in result["lists"]:
        table = Table(title=Text(lst["category"]), title_justify="left")
        table.add_column("#", justify="right")
        table.add_column("move", justify="right")
        table.add_column("title")
        if numbers:
            for col in ("hours", "runtime", "views"):
                table.add_column(col, justify="right")
        table.add_column("weeks", justify="right")
        for r in lst["rows"]:
            cells: list[str | Text] = [str(r["weekly_rank"]), _change(r),
                                       _name(r["show_title"], r["season_title"])]
            if numbers:
                cells += [compact(r["weekly_hours_viewed"]), runtime_hm(r["runtime"]),
                          compact(r["weekly_views"])]
            cells.append(str(r["cumulative_weeks_in_top_10"]))
            add_row(table, *cells)
        console.print(table)




def leaders_cmd(
    by: Annotated[str, typer.Option(
        "--by", help="weeks-at-1, weeks-in-top-10, countries or views.")] = "weeks-at-1",
    category: Annotated[str | None, typer.Option(
        "--category", help="A global list ('TV (Non-English)') or Films / TV.")] = None,
    since: Annotated[str | None, typer.Option("--since", help="First day (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Last day (YYYY-MM-DD).")] = None,
    limit: Annotated[int, typer.Option("--limit", help="How many rows.")] = 20,
    country: Annotated[str | None, typer.Option(
        "--country", help="One country's Films and TV lists (ISO code such as KR, or its "
                          "name); --by weeks-at-1 or weeks-in-top-10.")] = None,
    source: SourceOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """All-time or per-period leaderboards, global or of one country's lists."""
    frame = run_or_fail(lambda: api.leaders(by, category=category, since=since, until=until,
                                            limit=limit, source=source, country=country,
                                            db=db))
    covered = frame.attrs.get("coverage", {})
    if as_json:
        print_json({"by": by, "source": frame.attrs.get("source"), "category": category,
                    "country": covered.get("scope"),
                    "since": since, "until": until, "coverage": covered,
                    "rows": _records(frame)})
        return
    period = f" {since or '…'} to {until or '…'}" if since or until else ""
    complete = not covered or covered["note"].startswith("all weeks")
    span = (" (all time)" if not period else "") if complete else f" — {covered['note']}"
    from starchart.queries.lists import LEADERS, leader_metric

    key = leader_metric(by)  # known: api.leaders accepted it
    label = LEADERS[key].label
    where = f" in {covered['scope_name']}'s lists" if covered.get("scope") else ""
    table = Table(title=Text(f"Most {label}{where}{period}"
                             + (f", {category}" if category else "") + span),
                  title_justify="left")
    table.add_column("#", justify="right")
    table.add_column("title")
    table.add_column("list")
    table.add_column(label, justify="right")
    table.add_column("first week")
    table.add_column("last week")
    for r in _records(frame):
        value = compact(r["value"]) if key == "views" else str(int(r["value"]))
        if r.get("views_partial"):
            value += " *"  # views published for only some of its weeks
        add_row(table, str(r["rank"]), r.get("name") or _name(r["show_title"],
                                                               r["season_title"]),
                      r["category"], value, r["first_week"] or "", r["last_week"] or "")
    console.print(table)
    if covered and complete:
        console.print(f"Counted over {covered['note']}.", highlight=False)
    if key == "views" and any(r.get("views_partial") for r in _records(frame)):
        console.print("* views published for only some of its weeks in the Top 10",
                      highlight=False)


def search_cmd(
    text: Annotated[list[str], typer.Argument(help="Words of the title, any spelling.")],
    limit: Annotated[int, typer.Option("--limit", help="How many results.")] = 10,
    source: SourceOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Fuzzy title search that ignores accents, case and punctuation."""
    query = " ".join(text)
    answer = run_or_fail(lambda: api.search(query, limit=limit, source=source, db=db))
    if as_json:
        print_json(answer)
        return
    results = answer["results"]
    if not results:
        console.print(Text(f"Nothing close to {query!r}."))
        return
    table = Table(title=Text(f"Titles like {query!r}"), title_justify="left")
    for col in ("score", "title", "kind", "slug"):
        table.add_column(col, justify="right" if col == "score" else "left")
    under = None  # the show whose seasons follow it
    for r in results:
        if r["page"] == "show":
            under = r["show_title"]
            name = f"{r['name']} (show, {plural(r['seasons'], 'title')})"
        else:
            nested = r["kind"] == "tv" and r["show_title"] == under
            under = under if nested else None
            name = ("  " if nested else "") + r["name"]
        add_row(table, f"{r['score']:.0f}", name, r["kind"],
                f"/show/{r['slug']}" if r["page"] == "show" else r["slug"])
    console.print(table)


def most_popular_cmd(
    category: Annotated[str | None, typer.Option(
        "--category", help="A global list ('Films (English)') or Films / TV.")] = None,
    source: SourceOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """The all-time Most Popular lists: most views in a title's first 91 days."""
    result = run_or_fail(lambda: api.most_popular(category=category, source=source, db=db))
    if as_json:
        print_json(result)
        return
    if not result["lists"]:
        console.print(Text(f"No Most Popular lists from source {result['source']}."))
        return
    for lst in result["lists"]:
        window = lst["rows"][0]["window_days"] if lst["rows"] else 91
        table = Table(title=Text(f"Most Popular: {lst['category']} (first {window} days)"),
                      title_justify="left")
        for col in ("#", "title", "hours", "runtime", "views"):
            table.add_column(col, justify="left" if col == "title" else "right")
        for r in lst["rows"]:
            name = _name(r["show_title"], r["season_title"]) + (" *" if r["in_progress"] else "")
            add_row(table, str(r["rank"]), name, compact(r["hours_viewed"]),
                    runtime_hm(r["runtime"]), compact(r["views"]))
        console.print(table)


def register(app: typer.Typer) -> None:
    """Add this area's commands to the starchart app."""
    import_app.command("netflix")(import_netflix_cmd)
    app.add_typer(import_app, name="import")
    app.command("changes")(changes_cmd)
    app.command("update")(update_cmd)
    app.command("coverage")(coverage_cmd)
    app.command("title")(title_cmd)
    app.command("week")(week_cmd)
    app.command("leaders")(leaders_cmd)
    app.command("search")(search_cmd)
    app.command("most-popular")(most_popular_cmd)
