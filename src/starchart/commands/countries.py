"""``starchart number-ones``: which titles were #1 in a country over a span, or in each
country in one week. Every answer comes from :mod:`starchart.api`; this only draws it."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from starchart import api
from starchart.commands.common import DbOption, JsonOption, console, print_json, run_or_fail
from starchart.commands.published import SourceOption, add_row
from starchart.queries.slugs import title_name
from starchart.weeks import chart_week, is_latest


def number_ones_cmd(
    week: Annotated[str | None, typer.Argument(
        help="Without --country: the week (any day of it, or 'latest', the default). With "
             "--country: that one week.", metavar="[YYYY-MM-DD|latest]")] = None,
    country: Annotated[str | None, typer.Option(
        "--country", help="A country's #1s over --since/--until (ISO code such as KR, or "
                          "its name).")] = None,
    since: Annotated[str | None, typer.Option(
        "--since", help="With --country: the first day (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option(
        "--until", help="With --country: the last day (YYYY-MM-DD).")] = None,
    source: SourceOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Titles at #1 on the country lists (Films, TV): in one country over a span
    (``--country KR --since 2021-12-01 --until 2021-12-31``; a week counts when its Sunday
    is inside), or in each country for one week."""
    if country is None:
        if since or until:
            raise typer.BadParameter("--since and --until go with --country; for one week "
                                     "in every country give the WEEK")
        answer = run_or_fail(lambda: api.week_number_ones(week, source=source, db=db))
        if as_json:
            print_json(answer)
            return
        print_week_number_ones(answer)
        return
    if week is not None:
        if since or until:
            raise typer.BadParameter("give a WEEK or --since/--until, not both")
        if is_latest(week):
            newest = run_or_fail(lambda: api.weeks(country=country, source=source, db=db))
            since = until = newest[0] if newest else None
        else:
            since = until = run_or_fail(lambda: chart_week(week).isoformat())
    found = run_or_fail(lambda: api.number_ones(country, since=since, until=until,
                                                source=source, db=db))
    if as_json:
        print_json(found)
        return
    print_number_ones(found)


def print_number_ones(found: dict[str, Any]) -> None:
    """A country's #1s over a span: per list, each title with the weeks it held #1."""
    span = (f"{found['since'] or '…'} to {found['until'] or '…'}"
            if found["since"] or found["until"] else "all weeks")
    console.print(Text(f"#1 in {found['country_name']} ({found['country']}), {span} "
                       f"(source {found['source']})", style="bold"), highlight=False)
    for lst in found["lists"]:
        table = Table(title=Text(lst["category"]), title_justify="left")
        table.add_column("title")
        table.add_column("weeks at #1", justify="right")
        table.add_column("weeks (ending)")
        for t in lst["titles"]:
            add_row(table, title_name(t["show_title"], t["season_title"]),
                    str(t["weeks_at_1"]), ", ".join(t["weeks"]))
        console.print(table if lst["titles"] else Text(f"{lst['category']}: no #1 in the span"))
    covered = found["coverage"]
    console.print(Text(f"Counted over {covered['note']}." if covered["weeks"]
                       else f"Nothing to count: {covered['note']}."), highlight=False)


def print_week_number_ones(answer: dict[str, Any]) -> None:
    """One week's #1 in each country: a row per country, then the titles by countries."""
    console.print(Text(f"#1 in each country, week ending {answer['week']} (source "
                       f"{answer['source']}; {len(answer['countries'])} countries)",
                       style="bold"), highlight=False)
    for lst in answer["lists"]:
        table = Table(title=Text(f"{lst['category']}: titles by countries at #1"),
                      title_justify="left")
        table.add_column("title")
        table.add_column("countries", justify="right")
        table.add_column("where")
        for t in lst["titles"]:
            add_row(table, title_name(t["show_title"], t["season_title"]),
                    str(len(t["countries"])), " ".join(t["countries"]))
        console.print(table)
    table = Table(title="By country", title_justify="left")
    for col in ("country", "Films", "TV"):
        table.add_column(col)
    for c in answer["countries"]:
        cells = [f"{c['name']} ({c['iso2']})"]
        for category in ("Films", "TV"):
            one = c["number_ones"].get(category)
            cells.append(title_name(one["show_title"], one["season_title"]) if one else "–")
        add_row(table, *cells)
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add this area's commands to the starchart app."""
    app.command("number-ones")(number_ones_cmd)
