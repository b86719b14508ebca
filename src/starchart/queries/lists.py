"""Chart questions about weeks and lists: which weeks exist, one week's lists, leaderboards,
the all-time Most Popular lists. Shapes follow docs/query-api.md.

All SQL runs in DuckDB with bound parameters; the only text spliced into SQL comes from
fixed tables in this module (metric expressions), never from the caller.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd

from starchart.queries.base import (
    FILM_SQL,
    KIND_SQL,
    TV_SQL,
    CategoryFilter,
    NotFound,
    as_date,
    as_week,
    display_country,
    iso,
    kind_sql,
    parse_category,
    resolve_country,
    resolve_source,
)
from starchart.queries.record import leaders_coverage
from starchart.queries.slugs import show_slug, title_slug
from starchart.weeks import COUNTRY_CATEGORIES, GLOBAL_CATEGORIES


@dataclass(frozen=True)
class Leaderboard:
    """One leaderboard's words: in a sentence, as a heading, as a short column head."""

    label: str
    heading: str
    short: str


# The one definition of the leaderboards, read by the api, the CLI and the site.
LEADERS: dict[str, Leaderboard] = {
    "weeks-at-1": Leaderboard("weeks at #1", "Weeks at #1", "Weeks"),
    "weeks-in-top-10": Leaderboard("weeks in the Top 10", "Weeks in the Top 10", "Weeks"),
    "countries": Leaderboard("countries in the Top 10", "Countries in the Top 10",
                             "Countries"),
    "views": Leaderboard("views", "Views", "Views"),
}
LEADER_METRICS = tuple(LEADERS)


def leader_metric(by: str) -> str:
    """The leaderboard's key from how a user wrote it (``weeks_at_1``, ``Weeks-At-1``...);
    ValueError naming the choices for anything else."""
    key = by.strip().lower().replace("_", "-")
    if key not in LEADERS:
        raise ValueError(f"unknown leaderboard {by!r} (one of: {', '.join(LEADER_METRICS)})")
    return key


def _weeks(con: duckdb.DuckDBPyConnection, source: str, country: str | None) -> list[dt.date]:
    if country is None:
        rows = con.execute(
            "SELECT DISTINCT week FROM chart_global WHERE source = ? ORDER BY week DESC",
            [source]).fetchall()
    else:
        rows = con.execute(
            """SELECT DISTINCT week FROM chart_country WHERE source = ? AND country_iso2 = ?
               ORDER BY week DESC""", [source, country]).fetchall()
    return [r[0] for r in rows]


def weeks(
    con: duckdb.DuckDBPyConnection, *, country: str | None = None, source: str | None = None
) -> list[str]:
    """The chart weeks ('YYYY-MM-DD' Sundays) of the global lists, or of one country's."""
    src = resolve_source(con, source)
    code = resolve_country(con, src, country) if country else None
    return [w.isoformat() for w in _weeks(con, src, code)]


def countries(
    con: duckdb.DuckDBPyConnection, *, source: str | None = None
) -> list[dict[str, Any]]:
    """The countries that have lists: ``{"iso2", "name", "weeks"}``, by name."""
    src = resolve_source(con, source)
    rows = con.execute(
        """SELECT country_iso2, min(country_name), count(DISTINCT week)
           FROM chart_country WHERE source = ? GROUP BY country_iso2""", [src]).fetchall()
    found = [{"iso2": r[0], "name": display_country(r[0], r[1]), "weeks": int(r[2])}
             for r in rows]
    return sorted(found, key=lambda c: c["name"])


def _nearest(available: list[dt.date], wanted: dt.date, n: int = 3) -> list[dict[str, str]]:
    ranked = sorted(available, key=lambda w: (abs((w - wanted).days), w))
    return [{"week": w.isoformat()} for w in ranked[:n]]


def _change(rank: int, previous: int | None) -> str:
    """The move's kind (:data:`starchart.display.MOVE_WORDS` says how each reads)."""
    if previous is None:
        return "new"
    if rank < previous:
        return "up"
    if rank > previous:
        return "down"
    return "same"


def week(
    con: duckdb.DuckDBPyConnection,
    week: str | dt.date | None = None,
    *,
    country: str | None = None,
    source: str | None = None,
) -> dict[str, Any]:
    """One week's lists (the latest by default): the four global lists, or a country's two,
    each row with its rank the week before and the change.

    ``previous_week``/``next_week`` are the neighbouring stored weeks (for browsing);
    ``compared_week`` is the week before when it is stored, else None, and then every row's
    ``previous_rank`` and ``change`` are None: no data for the previous week."""
    src = resolve_source(con, source)
    code = resolve_country(con, src, country) if country else None
    available = _weeks(con, src, code)  # newest first
    where = f"country {code}" if code else "the global lists"
    if not available:
        raise NotFound(f"no charts for {where} from source {src} in the store", [])
    target = available[0] if week is None else as_week(week)
    if target not in available:
        near = _nearest(available, target)
        raise NotFound(
            f"no week {target.isoformat()} in {where} (source {src}); nearest: "
            f"{', '.join(s['week'] for s in near)}", near)
    ascending = sorted(available)
    pos = bisect.bisect_left(ascending, target)
    previous = ascending[pos - 1] if pos > 0 else None
    following = ascending[pos + 1] if pos + 1 < len(ascending) else None
    # moves are measured against the calendar week before, never an older stored week:
    # across a gap in the data there is nothing to compare with
    week_before = target - dt.timedelta(days=7)
    compared = week_before if week_before in available else None

    if code is None:
        rows = con.execute(
            """SELECT c.category, c.weekly_rank, c.show_title, c.season_title,
                      c.weekly_hours_viewed, c.runtime, c.weekly_views,
                      c.cumulative_weeks_in_top_10, p.weekly_rank, c.title_id
               FROM chart_global c
               LEFT JOIN chart_global p
                 ON p.source = c.source AND p.week = ? AND p.category = c.category
                AND p.show_title = c.show_title
                AND p.season_title IS NOT DISTINCT FROM c.season_title
               WHERE c.source = ? AND c.week = ?
               ORDER BY c.category, c.weekly_rank""",
            [compared, src, target]).fetchall()
        order: tuple[str, ...] = GLOBAL_CATEGORIES
        country_name = None
    else:
        rows = con.execute(
            """SELECT c.category, c.weekly_rank, c.show_title, c.season_title,
                      NULL, NULL, NULL, c.cumulative_weeks_in_top_10, p.weekly_rank, c.title_id
               FROM chart_country c
               LEFT JOIN chart_country p
                 ON p.source = c.source AND p.country_iso2 = c.country_iso2
                AND p.week = ? AND p.category = c.category AND p.show_title = c.show_title
                AND p.season_title IS NOT DISTINCT FROM c.season_title
               WHERE c.source = ? AND c.country_iso2 = ? AND c.week = ?
               ORDER BY c.category, c.weekly_rank""",
            [compared, src, code, target]).fetchall()
        order = COUNTRY_CATEGORIES
        found = con.execute(
            "SELECT min(country_name) FROM chart_country WHERE source = ? AND country_iso2 = ?",
            [src, code]).fetchone()
        country_name = display_country(code, found[0] if found else None)

    lists: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        lists.setdefault(r[0], []).append({
            "rank": r[1], "show_title": r[2], "season_title": r[3],
            "slug": title_slug(r[2], r[3]), "show_slug": show_slug(r[2]),
            "weekly_hours_viewed": r[4], "runtime": r[5], "weekly_views": r[6],
            "cumulative_weeks_in_top_10": r[7], "previous_rank": r[8], "title_id": r[9],
            "change": _change(r[1], r[8]) if compared is not None else None,
        })
    ordered = sorted(lists, key=lambda c: (order.index(c) if c in order else len(order), c))
    return {
        "week": target.isoformat(), "source": src, "country": code,
        "country_name": country_name, "previous_week": iso(previous),
        "compared_week": iso(compared),
        "next_week": iso(following),
        "lists": [{"category": c, "rows": lists[c]} for c in ordered],
    }


def most_popular(
    con: duckdb.DuckDBPyConnection, *, category: str | None = None, source: str | None = None
) -> dict[str, Any]:
    """The all-time Most Popular lists (most views in a title's first 91, once 28, days)."""
    wanted = parse_category(category)
    src = resolve_source(con, source)
    rows = con.execute(
        f"""SELECT category, rank, show_title, season_title, hours_viewed, runtime, views,
                   window_days, in_progress, title_id
            FROM most_popular
            WHERE source = ? AND (?::VARCHAR IS NULL OR category = ?)
              AND (?::VARCHAR IS NULL OR {KIND_SQL} = ?)
            ORDER BY category, rank""",
        [src, wanted.global_category, wanted.global_category, wanted.kind, wanted.kind],
    ).fetchall()
    lists: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        lists.setdefault(r[0], []).append({
            "rank": r[1], "show_title": r[2], "season_title": r[3],
            "slug": title_slug(r[2], r[3]), "hours_viewed": r[4], "runtime": r[5],
            "views": r[6], "window_days": r[7], "in_progress": bool(r[8]), "title_id": r[9],
        })
    order = GLOBAL_CATEGORIES
    ordered = sorted(lists, key=lambda c: (order.index(c) if c in order else len(order), c))
    return {"source": src, "lists": [{"category": c, "rows": lists[c]} for c in ordered]}


# --- leaderboards ---------------------------------------------------------------------------

# metric -> (value column, tie-break order shown after the shared rank)
_GLOBAL_METRICS = {
    "weeks-at-1": ("weeks_at_1", "weeks_in_top_10 DESC"),
    "weeks-in-top-10": ("weeks_in_top_10", "weeks_at_1 DESC"),
    "views": ("views", "weeks_in_top_10 DESC"),
}


def _kind_sql(wanted: CategoryFilter) -> str:
    if wanted.kind == "film":
        return FILM_SQL
    if wanted.kind == "tv":
        return TV_SQL
    return "true"


def _global_leaders(con: duckdb.DuckDBPyConnection, by: str, src: str, wanted: CategoryFilter,
                    since: dt.date | None, until: dt.date | None, limit: int) -> pd.DataFrame:
    metric, then = _GLOBAL_METRICS[by]
    return con.execute(
        f"""WITH t AS (
              SELECT show_title, season_title, category, {KIND_SQL} AS kind,
                     count(*) AS weeks_in_top_10,
                     count(*) FILTER (WHERE weekly_rank = 1) AS weeks_at_1,
                     min(weekly_rank) AS peak_rank,
                     sum(weekly_hours_viewed) AS hours_viewed, sum(weekly_views) AS views,
                     count(weekly_views) AS views_weeks, min(title_id) AS title_id,
                     min(week) AS first_week, max(week) AS last_week
              FROM chart_global
              WHERE source = ? AND (?::VARCHAR IS NULL OR category = ?) AND {_kind_sql(wanted)}
                AND (?::DATE IS NULL OR week >= ?) AND (?::DATE IS NULL OR week <= ?)
              GROUP BY show_title, season_title, category)
            SELECT rank() OVER (ORDER BY {metric} DESC) AS rank, show_title, season_title,
                   category, {metric} AS value, kind, weeks_in_top_10, weeks_at_1, peak_rank,
                   hours_viewed, views, views_weeks, first_week, last_week, title_id
            FROM t WHERE {metric} > 0
            ORDER BY value DESC, {then}, first_week, show_title, season_title NULLS FIRST
            LIMIT ?""",
        [src, wanted.global_category, wanted.global_category, since, since, until, until,
         limit],
    ).df()


def _country_leaders(con: duckdb.DuckDBPyConnection, src: str, wanted: CategoryFilter,
                     since: dt.date | None, until: dt.date | None, limit: int) -> pd.DataFrame:
    return con.execute(
        f"""WITH c AS (
              SELECT show_title, season_title, category, country_iso2, week, weekly_rank
              FROM chart_country
              WHERE source = ? AND {_kind_sql(wanted)}
                AND (?::DATE IS NULL OR week >= ?) AND (?::DATE IS NULL OR week <= ?)),
            g AS (
              SELECT show_title, season_title, {KIND_SQL} AS kind, min(category) AS category
              FROM chart_global WHERE source = ?
              GROUP BY show_title, season_title, kind),
            per_week AS (
              SELECT show_title, season_title, category, week,
                     count(DISTINCT country_iso2) AS n
              FROM c GROUP BY ALL),
            best_week AS (
              SELECT show_title, season_title, category, max(n) AS max_in_one_week,
                     first(week ORDER BY n DESC, week) AS max_in_one_week_week
              FROM per_week GROUP BY ALL),
            t AS (
              SELECT c.show_title, c.season_title,
                     {kind_sql('c.category')} AS kind,
                     coalesce(any_value(g.category), c.category) AS category,
                     count(DISTINCT c.country_iso2) AS countries,
                     count(DISTINCT c.country_iso2) FILTER (WHERE c.weekly_rank = 1)
                       AS countries_at_1,
                     count(DISTINCT c.week) AS weeks,
                     min(c.week) AS first_week, max(c.week) AS last_week,
                     any_value(b.max_in_one_week) AS max_in_one_week,
                     any_value(b.max_in_one_week_week) AS max_in_one_week_week
              FROM c
              LEFT JOIN g ON g.show_title = c.show_title
                 AND g.season_title IS NOT DISTINCT FROM c.season_title
                 AND g.kind = {kind_sql('c.category')}
              JOIN best_week b ON b.show_title = c.show_title AND b.category = c.category
                 AND b.season_title IS NOT DISTINCT FROM c.season_title
              GROUP BY c.show_title, c.season_title, c.category)
            SELECT rank() OVER (ORDER BY countries DESC) AS rank, show_title, season_title,
                   category, countries AS value, kind, countries_at_1, max_in_one_week,
                   max_in_one_week_week, weeks, first_week, last_week
            FROM t WHERE (?::VARCHAR IS NULL OR category = ?)
            ORDER BY value DESC, countries_at_1 DESC, first_week, show_title,
                     season_title NULLS FIRST
            LIMIT ?""",
        [src, since, since, until, until, src, wanted.global_category,
         wanted.global_category, limit],
    ).df()


def leaders(
    con: duckdb.DuckDBPyConnection,
    by: str = "weeks-at-1",
    *,
    category: str | None = None,
    since: str | dt.date | None = None,
    until: str | dt.date | None = None,
    limit: int = 20,
    source: str | None = None,
) -> pd.DataFrame:
    """Leaderboards over all time or a period: most weeks at #1 or in the Top 10 of a global
    list, most countries whose Top 10 held the title, most views.

    Columns: rank (ties share it), show_title, season_title, slug, category, value, then
    extras (kind, weeks, peak rank, first and last week...)."""
    key = leader_metric(by)
    if limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit}")
    wanted = parse_category(category)
    start = as_date(since, "since")
    end = as_date(until, "until")
    if start and end and start > end:
        raise ValueError(f"since ({start}) is after until ({end})")
    src = resolve_source(con, source)
    if key == "countries":
        frame = _country_leaders(con, src, wanted, start, end, limit)
    else:
        frame = _global_leaders(con, key, src, wanted, start, end, limit)
    frame.insert(3, "slug", [title_slug(s, t) for s, t in
                             zip(frame["show_title"], _nullable(frame["season_title"]),
                                 strict=True)])
    for col in ("first_week", "last_week", "max_in_one_week_week"):
        if col in frame:
            frame[col] = [iso(_as_day(v)) for v in frame[col]]
    frame["season_title"] = pd.Series(_nullable(frame["season_title"]), dtype=object)
    frame = frame.reset_index(drop=True)
    frame.attrs["coverage"] = leaders_coverage(con, src, key, start, end)
    if key == "views":
        frame["views_partial"] = frame["views_weeks"] < frame["weeks_in_top_10"]
    return frame


def _nullable(values: pd.Series) -> list[Any]:
    return [None if v is None or (isinstance(v, float) and v != v) or v is pd.NA else v
            for v in values]


def _as_day(value: Any) -> dt.date | None:
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return None
