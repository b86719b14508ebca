"""Questions about the country lists: a country's leaderboards, a country's #1s over a span,
and which title is #1 in each country in one week. Shapes follow docs/query-api.md.

Country lists have ranks and weeks in the Top 10, never hours or views, so only the
leaderboards that count weeks apply to them. A span counts the chart weeks whose Sunday (the
day naming the week) lies inside it, as the global leaderboards do.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb
import pyarrow as pa

from starchart import coverage
from starchart.queries.base import NotFound, as_date, display_country, iso, wanted_week
from starchart.queries.slugs import title_slug
from starchart.weeks import COUNTRY_CATEGORIES

#: the leaderboards a country's lists can answer (no hours or views in them)
COUNTRY_METRICS: dict[str, tuple[str, str]] = {
    "weeks-at-1": ("weeks_at_1", "weeks_in_top_10 DESC"),
    "weeks-in-top-10": ("weeks_in_top_10", "weeks_at_1 DESC"),
}


def check_country_metric(key: str) -> None:
    """ValueError for a leaderboard a country's lists cannot answer."""
    if key not in COUNTRY_METRICS:
        raise ValueError(
            f"a country's lists rank titles by weeks, without hours, views or other "
            f"countries: with a country, use {' or '.join(COUNTRY_METRICS)} (not {key})")


def country_leaders(con: duckdb.DuckDBPyConnection, source: str, key: str, country: str,
                    kind: str | None, since: dt.date | None, until: dt.date | None,
                    limit: int) -> pa.Table:
    """A leaderboard of one country's Films and TV lists: rank (ties share it), titles,
    category (Films or TV), value, kind, weeks in the Top 10 and at #1, peak rank, first and
    last week, title_id."""
    check_country_metric(key)
    metric, then = COUNTRY_METRICS[key]
    category = {"film": "Films", "tv": "TV"}.get(kind or "")
    cursor = con.cursor()
    try:
        return cursor.sql(
            f"""WITH t AS (
                  SELECT show_title, season_title, category,
                         CASE WHEN category = 'Films' THEN 'film' ELSE 'tv' END AS kind,
                         count(*) AS weeks_in_top_10,
                         count(*) FILTER (WHERE weekly_rank = 1) AS weeks_at_1,
                         min(weekly_rank) AS peak_rank, min(title_id) AS title_id,
                         min(week) AS first_week, max(week) AS last_week
                  FROM chart_country
                  WHERE source = $source AND country_iso2 = $country
                    AND ($category::VARCHAR IS NULL OR category = $category)
                    AND ($since::DATE IS NULL OR week >= $since)
                    AND ($until::DATE IS NULL OR week <= $until)
                  GROUP BY show_title, season_title, category)
                SELECT rank() OVER (ORDER BY {metric} DESC) AS rank, show_title, season_title,
                       category, {metric} AS value, kind, weeks_in_top_10, weeks_at_1,
                       peak_rank, first_week, last_week, title_id
                FROM t WHERE {metric} > 0
                ORDER BY value DESC, {then}, first_week, show_title, season_title NULLS FIRST
                LIMIT $limit""",
            params={"source": source, "country": country, "category": category,
                    "since": since, "until": until, "limit": limit},
        ).to_arrow_table()
    finally:
        cursor.close()


def country_leaders_coverage(con: duckdb.DuckDBPyConnection, source: str, country: str,
                             since: dt.date | None, until: dt.date | None) -> dict[str, Any]:
    """The weeks a country's leaderboard counts: its lists' spans inside the period."""
    found = coverage.clip(coverage.spans_of(con, source, "countries", country), since, until)
    stored = con.execute("""SELECT min(country_name) FROM chart_country
                            WHERE source = ? AND country_iso2 = ?""", [source, country]).fetchall()
    name = display_country(country, stored[0][0] if stored else None)
    label = coverage.label(found)
    note = f"all weeks with {name}'s lists: {label}" if found else (
        f"no lists for {name} in this period")
    return {"dataset": "countries", "scope": country, "scope_name": name,
            "spans": [s.as_dict() for s in found], "weeks": sum(s.weeks for s in found),
            "label": label, "note": note}


def _title(show: str, season: str | None, title_id: str | None) -> dict[str, Any]:
    return {"show_title": show, "season_title": season, "slug": title_slug(show, season),
            "title_id": title_id}


def number_ones(con: duckdb.DuckDBPyConnection, source: str, country: str, name: str,
                since: str | dt.date | None = None, until: str | dt.date | None = None,
                ) -> dict[str, Any]:
    """The titles at #1 on a country's Films and TV lists over a span (days; a week counts
    when its Sunday lies inside): per list, each week's #1 and each title with the weeks it
    held #1, plus which weeks the country's lists cover in the span."""
    start, end = as_date(since, "since"), as_date(until, "until")
    if start and end and start > end:
        raise ValueError(f"since ({start}) is after until ({end})")
    rows = con.execute(
        """SELECT category, week, show_title, season_title, title_id
           FROM chart_country
           WHERE source = $source AND country_iso2 = $country AND weekly_rank = 1
             AND ($since::DATE IS NULL OR week >= $since)
             AND ($until::DATE IS NULL OR week <= $until)
           ORDER BY week, category""",
        {"source": source, "country": country, "since": start, "until": end}).fetchall()
    lists: dict[str, dict[str, Any]] = {c: {"category": c, "weeks": [], "titles": []}
                                        for c in COUNTRY_CATEGORIES}
    titles: dict[tuple[str, str, str | None], dict[str, Any]] = {}
    for category, week, show, season, title_id in rows:
        entry = lists.setdefault(category, {"category": category, "weeks": [], "titles": []})
        entry["weeks"].append({"week": week.isoformat(), **_title(show, season, title_id)})
        key = (category, show, season)
        if key not in titles:
            titles[key] = {**_title(show, season, title_id), "weeks_at_1": 0, "weeks": []}
            entry["titles"].append(titles[key])
        titles[key]["weeks_at_1"] += 1
        titles[key]["weeks"].append(week.isoformat())
    covered = country_leaders_coverage(con, source, country, start, end)
    return {"source": source, "country": country, "country_name": name,
            "since": iso(start), "until": iso(end),
            "weeks": sorted({w["week"] for lst in lists.values() for w in lst["weeks"]}),
            "coverage": covered, "lists": list(lists.values())}


def number_one_weeks(con: duckdb.DuckDBPyConnection, source: str) -> list[dt.date]:
    """The weeks with country lists, newest first."""
    return [r[0] for r in con.execute(
        "SELECT DISTINCT week FROM chart_country WHERE source = ? ORDER BY week DESC",
        [source]).fetchall()]


def week_number_ones(con: duckdb.DuckDBPyConnection, source: str, available: list[dt.date],
                     week: str | dt.date | None = None) -> dict[str, Any]:
    """The #1 of each country's Films and TV lists in one week (any day means its week; by
    default, or for ``latest``, the newest with country lists): per country its two #1s, and
    per list each title with the countries where it is #1, most countries first."""
    if not available:
        raise NotFound(f"no country lists from source {source} in the store", [])
    asked = wanted_week(week)
    target = available[0] if asked is None else asked
    if target not in available:
        near = sorted(available, key=lambda w: (abs((w - target).days), w))[:3]
        raise NotFound(
            f"no country lists for the week of {target.isoformat()} (source {source}); "
            f"nearest: {', '.join(w.isoformat() for w in near)}",
            [{"week": w.isoformat()} for w in near])
    rows = con.execute(
        """SELECT country_iso2, min(country_name) OVER (PARTITION BY country_iso2), category,
                  show_title, season_title, title_id
           FROM chart_country
           WHERE source = ? AND week = ? AND weekly_rank = 1
           ORDER BY country_iso2, category""", [source, target]).fetchall()
    countries: dict[str, dict[str, Any]] = {}
    per_list: dict[str, dict[tuple[str, str | None], dict[str, Any]]] = {
        c: {} for c in COUNTRY_CATEGORIES}
    for code, name, category, show, season, title_id in rows:
        country: dict[str, Any] = countries.setdefault(code, {
            "iso2": code, "name": display_country(code, name),
            "number_ones": {}})
        country["number_ones"][category] = _title(show, season, title_id)
        found: dict[str, Any] = per_list.setdefault(category, {}).setdefault(
            (show, season), {**_title(show, season, title_id), "countries": []})
        found["countries"].append(str(code))
    at = available.index(target)
    lists: list[dict[str, Any]] = []
    for category, found_titles in per_list.items():
        ordered: list[dict[str, Any]] = sorted(found_titles.values(), key=_most_countries)
        lists.append({"category": category, "titles": ordered})
    return {
        "week": target.isoformat(), "source": source,
        "previous_week": available[at + 1].isoformat() if at + 1 < len(available) else None,
        "next_week": available[at - 1].isoformat() if at > 0 else None,
        "countries": sorted(countries.values(), key=lambda c: c["name"]),
        "lists": lists,
    }


def _most_countries(title: dict[str, Any]) -> tuple[int, str, str]:
    return -len(title["countries"]), title["show_title"], title["season_title"] or ""
