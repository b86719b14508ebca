"""The chart methodology, written once in backend-neutral Ibis.

Every function here is pure: it takes Ibis tables and plain parameters, and returns an Ibis
expression. Nothing runs until a caller executes it, so the same code computes the charts on
the DuckDB store (:mod:`starchart.engine.build`) and on Spark
(:mod:`starchart.engine.spark_build`) -- one methodology, not two hand-written copies.

Two steps: :func:`daily_rollup` turns accepted events into viewing per UTC day, country and
title (exact integer seconds and event counts); the lists are computed from that rollup only
(``daily``: the store's ``daily_viewing`` columns), so a build never reads raw events.

The rules (see ``docs/engine-charts.md``):

* A chart week runs Monday 00:00 to Sunday 24:00 UTC and is named by its Sunday.
* Hours viewed = sum(seconds_viewed) / 3600; views = hours / (runtime_minutes / 60).
* Lists hold the 10 titles with the most views; ties go to more views, then more hours,
  then the smaller ``title_id``. Values stay exact here; rounding happens at export.
* ``cumulative_weeks_in_top_10`` counts the weeks so far (this one included, gaps allowed)
  that the title has been on the same list.
* Most Popular: original titles released on or after the first day of data, ranked by
  views in their first 91 days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import ibis
import ibis.expr.types as ir

from starchart.weeks import MOST_POPULAR_WINDOW_DAYS

TOP_N = 10
ENGLISH = "en"

#: Columns of the country lists (``country_name`` is added when written to the store).
COUNTRY_COLUMNS = (
    "country_iso2", "week", "category", "weekly_rank", "title_id", "show_title",
    "season_title", "cumulative_weeks_in_top_10",
)


def week_of(started_at: ir.TimestampValue) -> ir.DateValue:
    """The Sunday naming the chart week of a UTC timestamp.

    ``truncate("W")`` is the ISO week's Monday on every backend (DuckDB and Spark agree),
    which avoids the differing ``day_of_week`` conventions.
    """
    return started_at.truncate("W").date() + ibis.interval(days=6)


def week_of_day(day: ir.DateValue) -> ir.DateValue:
    """The Sunday naming the chart week of a UTC date."""
    return week_of(day.cast("timestamp"))


def daily_rollup(accepted: ir.Table) -> ir.Table:
    """Accepted events (``started_at`` UTC, ``seconds_viewed``, ``country``, ``title_id``) ->
    one row per ``day``, ``country``, ``title_id``: summed ``seconds_viewed`` and ``events``.

    Sums of whole seconds are exact, so rolling up in any grouping (per file, per load, then
    merged) gives the same integers as summing the events at once.
    """
    return accepted.group_by(
        day=accepted.started_at.date(), country=accepted.country, title_id=accepted.title_id
    ).aggregate(
        seconds_viewed=accepted.seconds_viewed.sum().cast("int64"),
        events=accepted.count().cast("int64"),
    )


def profile_rollup(accepted: ir.Table) -> ir.Table:
    """Accepted events -> one row per ``profile_id``, ``title_id``: ``seconds_viewed``,
    ``sessions``, ``first_watched`` and ``last_watched`` (UTC start times)."""
    return accepted.group_by("profile_id", "title_id").aggregate(
        seconds_viewed=accepted.seconds_viewed.sum().cast("int64"),
        sessions=accepted.count().cast("int64"),
        first_watched=accepted.started_at.min(),
        last_watched=accepted.started_at.max(),
    )


def data_span(daily: ir.Table) -> ir.Table:
    """One row: the number of events and the UTC dates of the earliest and latest one
    (``events``, ``first_day``, ``last_day``), from the daily rollup."""
    return daily.aggregate(
        events=daily.events.sum(), first_day=daily.day.min(), last_day=daily.day.max()
    )


def _titles(catalog: ir.Table) -> ir.Table:
    """The catalog with each title's list categories and runtime in hours."""
    film = catalog.kind == "film"
    english = catalog.original_language == ENGLISH
    return catalog.select(
        "title_id",
        "show_title",
        season_title=ibis.ifelse(film, ibis.null("string"), catalog.season_title),
        global_category=ibis.cases(
            (film & english, "Films (English)"),
            (film, "Films (Non-English)"),
            (english, "TV (English)"),
            else_="TV (Non-English)",
        ),
        country_category=ibis.ifelse(film, "Films", "TV"),
        runtime=catalog.runtime_minutes.cast("float64") / 60.0,
        release_date=catalog.release_date.cast("date"),
        original=catalog.original.cast("boolean"),
    )


def _with_views(totals: ir.Table, seconds: str = "seconds") -> ir.Table:
    """Add exact ``hours`` and ``views`` from summed seconds (same arithmetic everywhere)."""
    hours = totals[seconds].cast("float64") / 3600.0
    return totals.mutate(hours=hours).mutate(views=lambda t: t.hours / t.runtime)


def _rank(table: ir.Table, partition: Sequence[str]) -> ir.IntegerValue:
    """1-based rank by views, then hours, then the smaller title_id (a total order)."""
    window = ibis.window(
        group_by=list(partition),
        order_by=[ibis.desc(table.views), ibis.desc(table.hours), table.title_id],
    )
    return ibis.row_number().over(window) + 1


def _cumulative(
    table: ir.Table, partition: Sequence[str], earlier: ir.Table | None
) -> ir.Table:
    """Weeks on this list so far, this one included (a title is on a list once a week).

    ``earlier`` (``partition`` columns plus ``weeks``) counts the weeks before the first one
    computed here, for a build that recomputes only the later weeks.
    """
    window = ibis.window(group_by=list(partition), order_by=[table.week])
    counted = table.mutate(cumulative_weeks_in_top_10=ibis.row_number().over(window) + 1)
    if earlier is None:
        return counted
    joined = counted.left_join(earlier, list(partition))
    return joined.select(
        *[joined[c] for c in counted.columns if c != "cumulative_weeks_in_top_10"],
        cumulative_weeks_in_top_10=(
            joined.cumulative_weeks_in_top_10 + joined.weeks.fill_null(0)
        ).cast("int64"),
    )


def weekly_viewing(
    daily: ir.Table,
    catalog: ir.Table,
    *,
    until: dt.date,
    since: dt.date | None = None,
    by_country: bool = False,
) -> ir.Table:
    """Exact hours and views per title and week (and country), for the weeks from ``since``
    (all when None) up to ``until``."""
    keys = ["week", "country", "title_id"] if by_country else ["week", "title_id"]
    days = daily
    if since is not None:
        days = days.filter(days.day >= since - dt.timedelta(days=6))
    weeks = days.mutate(week=week_of_day(days.day))
    counted = weeks.filter(weeks.week <= until)
    totals = counted.group_by(keys).aggregate(seconds=counted.seconds_viewed.sum())
    joined = totals.join(_titles(catalog), "title_id")
    return _with_views(joined)


def _only_weeks(table: ir.Table, weeks: Sequence[dt.date] | None) -> ir.Table:
    return table if weeks is None else table.filter(table.week.isin(list(weeks)))


def global_lists(
    daily: ir.Table,
    catalog: ir.Table,
    *,
    until: dt.date,
    weeks: Sequence[dt.date] | None = None,
    since: dt.date | None = None,
    earlier: ir.Table | None = None,
) -> ir.Table:
    """The four weekly global lists (top 10 by views per category), up to ``until``.

    ``weeks`` keeps only those weeks in the result. ``since`` ranks only the weeks from that
    Sunday on; ``earlier`` (category, title_id, weeks) then gives each title's weeks on the
    list before it, so building the later weeks gives the same rows as building them all.
    """
    viewing = weekly_viewing(daily, catalog, until=until, since=since).rename(
        category="global_category")
    ranked = viewing.mutate(weekly_rank=_rank(viewing, ["week", "category"]))
    top = ranked.filter(ranked.weekly_rank <= TOP_N)
    counted = _cumulative(top, ["category", "title_id"], earlier)
    result = counted.select(
        "week", "category", "weekly_rank", "title_id", "show_title", "season_title",
        weekly_hours_viewed="hours", runtime="runtime", weekly_views="views",
        cumulative_weeks_in_top_10="cumulative_weeks_in_top_10",
    )
    return _only_weeks(result, weeks)


def country_lists(
    daily: ir.Table,
    catalog: ir.Table,
    *,
    until: dt.date,
    weeks: Sequence[dt.date] | None = None,
    since: dt.date | None = None,
    earlier: ir.Table | None = None,
) -> ir.Table:
    """The weekly Films and TV lists of every country with viewing, up to ``until``
    (``since`` and ``earlier`` as in :func:`global_lists`, keyed by country too)."""
    viewing = weekly_viewing(daily, catalog, until=until, since=since, by_country=True).rename(
        category="country_category", country_iso2="country"
    )
    ranked = viewing.mutate(weekly_rank=_rank(viewing, ["country_iso2", "week", "category"]))
    top = ranked.filter(ranked.weekly_rank <= TOP_N)
    counted = _cumulative(top, ["country_iso2", "category", "title_id"], earlier)
    result = counted.select(*COUNTRY_COLUMNS)
    return _only_weeks(result, weeks)


def most_popular(
    daily: ir.Table,
    catalog: ir.Table,
    *,
    first_day: dt.date,
    until: dt.date,
    window_days: int = MOST_POPULAR_WINDOW_DAYS,
) -> ir.Table:
    """The all-time Most Popular lists as of the end of the week named ``until``.

    Only originals released on or after ``first_day`` (the first day of data) are eligible:
    for older titles the store cannot see their first days. Views count from the release
    date 00:00 UTC up to (excluding) release + ``window_days`` days, and only viewing before
    ``until``'s week ends; a title whose window is still open then is ``in_progress``.
    """
    end = until + dt.timedelta(days=1)  # exclusive: the Monday after the last built week
    titles = _titles(catalog)
    titles = titles.filter(
        titles.original, titles.release_date >= first_day, titles.release_date < end
    ).rename(category="global_category")
    dated = daily.filter(daily.day < end)
    joined = dated.join(titles, "title_id")
    windowed = joined.filter(
        joined.day >= joined.release_date,
        joined.day < joined.release_date + ibis.interval(days=window_days),
    )
    totals = windowed.group_by(
        "title_id", "category", "show_title", "season_title", "runtime", "release_date"
    ).aggregate(seconds=windowed.seconds_viewed.sum())
    viewed = _with_views(totals)
    ranked = viewed.mutate(rank=_rank(viewed, ["category"]))
    top = ranked.filter(ranked.rank <= TOP_N)
    open_since = end - dt.timedelta(days=window_days)  # release + window > end
    return top.select(
        "category", "rank", "title_id", "show_title", "season_title",
        hours_viewed="hours", runtime="runtime", views="views",
        window_days=ibis.literal(window_days, "int32"),
        in_progress=top.release_date > open_since,
    )
