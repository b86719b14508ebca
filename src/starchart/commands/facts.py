"""CLI views of what Netflix published beyond the weekly lists: a title's ID, names,
engagement half-years, Most Popular entry and the coverage of its figures; and
``starchart engagement``, the long tail of the reports."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from starchart import api
from starchart.commands.common import DbOption, JsonOption, console, print_json, run_or_fail
from starchart.display import compact, missing


def _cells(table: Table, *cells: str) -> None:
    table.add_row(*(Text(c) for c in cells))  # data, never Rich markup


def _share(value: Any) -> str:
    return "–" if missing(value) else f"{float(value):.0%}"


def print_facts(entry: dict[str, Any]) -> None:
    """The parts of a title's answer beyond the Top 10 run (see queries/record.py)."""
    who = entry.get("identity")
    if who:
        bits = [f"ID {who['title_id']}"]
        if who["original_title"]:
            bits.append(f"original title {who['original_title']}"
                        + (f" ({who['language']})" if who["language"] else ""))
        if who["release_date"]:
            bits.append(f"released {who['release_date']}")
        console.print(Text("; ".join(bits)), highlight=False)
        names = sorted({n["name"] for n in who["names"]})
        if len(names) > 1:
            console.print(Text("Published as: " + " | ".join(names)), highlight=False)
        for m in who["matched"]:
            console.print(Text(f"  linked from {m['source']} ({m['rule']}): {m['why']}"),
                          style="dim", highlight=False)
    elif entry.get("title_id"):
        console.print(Text(f"ID {entry['title_id']}"), highlight=False)
    for also in entry.get("also") or []:
        console.print(Text(f"Another work of this name: {also['name']} ({also['title_id']}"
                           + (f", released {also['release_date']}" if also["release_date"]
                              else "") + ")"), highlight=False)
    cov = entry["countries"].get("coverage") or {}
    if cov.get("status") == "no data":
        console.print(Text(f"Countries in the Top 10: unknown — no country lists for its "
                           f"weeks (country lists: {cov['country_lists']})"), highlight=False)
    elif cov.get("status") == "partial":
        console.print(Text(f"Countries counted over {cov['title_weeks_with_country_data']} of its "
                           f"weeks; no country lists for "
                           f"{cov['title_weeks_without_country_data']} (country lists: "
                           f"{cov['country_lists']})"), highlight=False)
    for lst in entry["global"]:
        if lst.get("views_note"):
            console.print(Text(f"{lst['category']}: {lst['views_note']}"), highlight=False)
    for mp in entry.get("most_popular") or []:
        console.print(Text(f"Most Popular: #{mp['rank']} of {mp['category']}, "
                           f"{compact(mp['views'])} views and {compact(mp['hours_viewed'])} "
                           f"hours in its first {mp['window_days']} days"), highlight=False)
    halves = entry.get("engagement") or []
    if halves:
        table = Table(title="Engagement reports (every title, by half-year)",
                      title_justify="left")
        for col in ("half-year", "hours", "views", "runtime", "global", "Top 10 weeks",
                    "views in them", "share"):
            table.add_column(col, justify="left" if col == "half-year" else "right")
        for h in halves:
            top = h["top_10"]
            _cells(table, h["period"], compact(h["hours_viewed"]), compact(h["views"]),
                   h["runtime_text"] or "–", "yes" if h["available_globally"] else "no",
                   str(top["weeks"]) if top["weeks"] else "–",
                   compact(top["views"]) if top["weeks"] else "–",
                   _share(top["share_of_views"]))
        console.print(table)
    elif who:
        console.print("Not in the engagement reports in the store.")


def engagement_cmd(
    period: Annotated[str | None, typer.Argument(
        help="The half-year, e.g. 2025H1 (default: the latest).")] = None,
    by: Annotated[str, typer.Option("--by", help="views or hours.")] = "views",
    kind: Annotated[str | None, typer.Option("--kind", help="film or tv.")] = None,
    language: Annotated[str | None, typer.Option(
        "--language", help="Of the original title: Korean, Japanese, Chinese, ... or none.")
    ] = None,
    origin: Annotated[str | None, typer.Option(
        "--origin", help="original, licensed or unknown (a hint: see docs/published.md).")
    ] = None,
    never_in_top_10: Annotated[bool, typer.Option(
        "--never-in-top-10", help="Only titles never on a global Top 10 list.")] = False,
    limit: Annotated[int, typer.Option("--limit", help="How many titles.")] = 20,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """The long tail: the most watched titles of an engagement report, with totals by
    language and by likely origin."""
    result = run_or_fail(lambda: api.engagement(
        period, by=by, kind=kind, language=language, origin=origin,
        never_in_top_10=never_in_top_10, limit=limit, db=db))
    if as_json:
        print_json(result)
        return
    filters = [f"{k.replace('_', ' ')} {v}" for k, v in result["filters"].items()
               if v not in (None, False) and k != "never_in_top_10"]
    if result["filters"]["never_in_top_10"]:
        filters.append("never in a global Top 10")
    heading = (f"Most watched, {result['period']} ({result['start']} .. {result['end']}), "
               f"by {result['by']}" + (f"; {', '.join(filters)}" if filters else ""))
    table = Table(title=Text(heading), title_justify="left")
    for col in ("#", "title", "ID", "kind", "language", "hours", "views", "Top 10 weeks"):
        table.add_column(col, justify="right" if col in ("#", "hours", "views",
                                                         "Top 10 weeks") else "left")
    for r in result["rows"]:
        _cells(table, str(r["rank"]), r["title"], r["title_id"] or "", r["kind"] or "",
               r["language"] or "–", compact(r["hours_viewed"]), compact(r["views"]),
               str(r["weeks_in_top_10"]) if r["ever_in_top_10"] else "never")
    console.print(table)
    if not result["views_published"]:
        console.print(f"The {result['period']} report publishes hours only (no views).")
    m = result["matched"]
    console.print(Text(f"{m['titles']:,} titles match, {compact(m['hours_viewed'])} hours"
                       + (f", {compact(m['views'])} views" if m["views"] is not None else "")
                       + f" (of {result['totals']['titles']:,} in the report)"),
                  highlight=False)
    langs = Table(title="By language of the original title", title_justify="left")
    for col in ("language", "titles", "hours", "views"):
        langs.add_column(col, justify="left" if col == "language" else "right")
    for row in result["languages"][:10]:
        _cells(langs, row["language"], f"{row['titles']:,}", compact(row["hours_viewed"]),
               compact(row["views"]))
    console.print(langs)
    origins = Table(title="By likely origin", title_justify="left")
    for col in ("origin", "titles", "hours", "views", "how it is told"):
        origins.add_column(col, justify="right" if col in ("titles", "hours", "views")
                           else "left")
    for row in result["origins"]:
        _cells(origins, row["origin"], f"{row['titles']:,}", compact(row["hours_viewed"]),
               compact(row["views"]), row["meaning"])
    console.print(origins)


def register(app: typer.Typer) -> None:
    """Add this area's commands to the starchart app."""
    app.command("engagement")(engagement_cmd)
