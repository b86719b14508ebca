"""Everything Netflix published about one title, and what it did not publish said so.

A title's answer (:func:`starchart.queries.titles.title`) gets here its stable ID and names
(the alias history and how each name was linked), its Most Popular entry, every engagement
half-year (hours, views, runtime, available globally, and how much of the half-year's views
fell in its weeks in the global Top 10), and the coverage of each figure: the countries'
lists end in 2022 in Netflix's files, so a 2025 title's reach is *unknown* (None), not 0;
weekly views exist only since 2023-06-18, so a total over older weeks is *partial* and says
which weeks it covers.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import duckdb

from starchart import coverage
from starchart.queries.base import iso

ID_PATTERN = re.compile(r"^nf-[a-z2-7]{8,52}$")


def is_title_id(text: str) -> bool:
    """True for a starchart title ID (``nf-`` and base-32 letters)."""
    return bool(ID_PATTERN.match(text.strip().lower()))


def has_identities(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the store links its imported rows to title IDs (imports since the ``titles``
    table; an engine-only store has none)."""
    if not coverage.has_table(con, "titles"):
        return False
    found = con.execute("SELECT count(*) FROM titles").fetchall()
    return bool(found[0][0])


def ids_of_name(con: duckdb.DuckDBPyConnection, source: str, show: str, season: str | None,
                kind: str) -> list[str]:
    """The works a Top 10 name was linked to (several where one name is several works, as
    "Unlocked" is), most recently charted first."""
    kind_sql = "category LIKE 'Films%'" if kind == "film" else "category LIKE 'TV%'"
    rows = con.execute(
        f"""SELECT title_id, max(week) AS last FROM (
              SELECT title_id, week, category, show_title, season_title FROM chart_global
              WHERE source = ?
              UNION ALL SELECT title_id, week, category, show_title, season_title
              FROM chart_country WHERE source = ?
              UNION ALL SELECT title_id, NULL, category, show_title, season_title
              FROM most_popular WHERE source = ?)
            WHERE show_title = ? AND season_title IS NOT DISTINCT FROM ? AND {kind_sql}
              AND title_id LIKE 'nf-%'
            GROUP BY title_id ORDER BY last DESC NULLS LAST, title_id""",
        [source, source, source, show, season]).fetchall()
    return [r[0] for r in rows]


def ids_named(con: duckdb.DuckDBPyConnection, wanted: str,
              fold: Any) -> list[str]:
    """Works any of whose names (as published, English, original) folds to ``wanted``."""
    rows = con.execute(
        """SELECT title_id, name FROM title_names
           UNION SELECT title_id, name FROM titles
           UNION SELECT title_id, original_title FROM titles WHERE original_title IS NOT NULL
           UNION SELECT title_id, english_title FROM engagement WHERE title_id IS NOT NULL
           """).fetchall()
    found = {tid for tid, name in rows if name and fold(name) == wanted}
    order = dict(con.execute("SELECT title_id, first_seen FROM titles").fetchall())
    return sorted(found, key=lambda t: (order.get(t) or dt.date.min, t))


def identity(con: duckdb.DuckDBPyConnection, title_id: str) -> dict[str, Any] | None:
    """The work's names and how its names were linked; None for an unknown ID."""
    rows = con.execute(
        """SELECT kind, name, show_title, season_title, original_title, release_date,
                  language, first_seen, last_seen FROM titles WHERE title_id = ?""",
        [title_id]).fetchall()
    if not rows:
        return None
    kind, name, show, season, original, released, language, first, last = rows[0]
    names = con.execute(
        """SELECT name, source, first_seen, last_seen FROM title_names WHERE title_id = ?
           ORDER BY first_seen NULLS LAST, source, name""", [title_id]).fetchall()
    links = con.execute(
        """SELECT rule, explanation, sighting FROM title_links WHERE title_id = ?
           ORDER BY sighting""", [title_id]).fetchall()
    return {
        "title_id": title_id, "name": name, "kind": kind, "show_title": show,
        "season_title": season, "original_title": original, "language": language,
        "release_date": iso(released), "first_seen": iso(first), "last_seen": iso(last),
        "names": [{"name": n, "source": s, "first_seen": iso(f), "last_seen": iso(la)}
                  for n, s, f, la in names],
        "matched": [{"source": k.split("|", 1)[0], "rule": r, "why": w} for r, w, k in links],
    }


def engagement(con: duckdb.DuckDBPyConnection, source: str, title_id: str,
               ) -> list[dict[str, Any]]:
    """Each half-year the engagement reports list the work, with the part of its views and
    hours that fell in its weeks in the global Top 10 (weeks whose Sunday is in the
    half-year)."""
    rows = con.execute(
        """SELECT e.period, e.period_start, e.period_end, e.title, e.hours_viewed, e.views,
                  e.runtime, e.runtime_text, e.available_globally, e.release_date, e.sheet,
                  e.row_number,
                  count(g.week) AS weeks, sum(g.weekly_views) AS top10_views,
                  sum(g.weekly_hours_viewed) AS top10_hours,
                  count(g.weekly_views) AS weeks_with_views,
                  min(g.week) AS first_week, max(g.week) AS last_week
           FROM engagement e
           LEFT JOIN (SELECT week, sum(weekly_views) AS weekly_views,
                             sum(weekly_hours_viewed) AS weekly_hours_viewed
                      FROM chart_global WHERE source = ? AND title_id = ? GROUP BY week) g
             ON g.week BETWEEN e.period_start AND e.period_end
           WHERE e.source = ? AND e.title_id = ?
           GROUP BY ALL ORDER BY e.period_start""",
        [source, title_id, source, title_id]).fetchall()
    out: list[dict[str, Any]] = []
    for (period, start, end, title, hours, views, runtime, runtime_text, available, released,
         sheet, row, weeks, top_views, top_hours, with_views, first, last) in rows:
        top10: dict[str, Any] = {
            "weeks": int(weeks), "first_week": iso(first), "last_week": iso(last),
            "hours_viewed": top_hours if weeks else None,
            "views": top_views if weeks and with_views == weeks else None,
            "share_of_hours": (top_hours / hours) if weeks and hours else None,
            "share_of_views": (top_views / views) if weeks and views and with_views == weeks
            else None,
        }
        if weeks and first - dt.timedelta(days=6) < start:
            top10["note"] = (f"the week ending {first} began in the half-year before; its "
                             "figures are counted here")
        if weeks and with_views != weeks:
            top10["note"] = (f"views are published for {with_views} of these {weeks} weeks "
                             "(weekly views begin 2023-06-18)")
        out.append({
            "period": period, "period_start": iso(start), "period_end": iso(end),
            "title": title, "hours_viewed": hours, "views": views, "runtime": runtime,
            "runtime_text": runtime_text, "available_globally": available,
            "release_date": iso(released), "sheet": sheet, "row": row, "top_10": top10,
        })
    return out


def most_popular(con: duckdb.DuckDBPyConnection, source: str, title_id: str,
                 ) -> list[dict[str, Any]]:
    """The work's place on the all-time Most Popular lists, if any."""
    rows = con.execute(
        """SELECT category, rank, hours_viewed, runtime, views, window_days FROM most_popular
           WHERE source = ? AND title_id = ? ORDER BY category""",
        [source, title_id]).fetchall()
    return [{"category": c, "rank": r, "hours_viewed": h, "runtime": rt, "views": v,
             "window_days": w} for c, r, h, rt, v, w in rows]


# --- coverage, stated ----------------------------------------------------------------------


def _weeks_of(entry: dict[str, Any]) -> list[dt.date]:
    return sorted({dt.date.fromisoformat(r["week"]) for r in entry["run"] if r["category"]})


def state_coverage(con: duckdb.DuckDBPyConnection, source: str, entry: dict[str, Any]) -> None:
    """Replace the zeros that mean "no data" with None and say which weeks have data: the
    country figures (``countries``, each run row's) and the views totals of each list."""
    country_spans = coverage.spans_of(con, source, "countries")
    views_spans = coverage.spans_of(con, source, "global-views")
    charted = _weeks_of(entry)
    countries = entry["countries"]
    with_data, without = coverage.split_weeks(country_spans, charted)
    if countries["distinct_in_top_10"] == 0 and charted and not with_data:
        status = "no data"
        for key in ("distinct_in_top_10", "distinct_at_1", "max_in_one_week"):
            countries[key] = None
    elif without:
        status = "partial"
    else:
        status = "complete" if charted or countries["distinct_in_top_10"] else "no weeks"
    countries["coverage"] = {
        "status": status,
        "country_lists": coverage.label(country_spans),
        "title_weeks_with_country_data": len(with_data),
        "title_weeks_without_country_data": len(without),
        "weeks_without_data": [s.as_dict() for s in coverage.as_spans(without)],
    }
    for row in entry["run"]:
        if row["category"] and not coverage.covers(country_spans, dt.date.fromisoformat(
                row["week"])):
            row["countries_in_top_10"] = None
            row["countries_at_1"] = None
    for lst in entry["global"]:
        weeks = [dt.date.fromisoformat(r["week"]) for r in entry["run"]
                 if r["category"] == lst["category"]]
        have, lack = coverage.split_weeks(views_spans, weeks)
        lst["views_weeks"] = len(have)
        lst["views_partial"] = bool(have and lack)
        if lack:
            lst["views_note"] = (
                f"views published for {len(have)} of {len(weeks)} weeks (weekly views: "
                f"{coverage.label(views_spans)})" if have else
                f"no views published for these weeks (weekly views: "
                f"{coverage.label(views_spans)})")


def complete_entry(con: duckdb.DuckDBPyConnection, source: str, entry: dict[str, Any],
                   title_id: str | None) -> dict[str, Any]:
    """Add the ID, names, Most Popular, engagement and coverage to a title's entry."""
    state_coverage(con, source, entry)
    entry["title_id"] = title_id
    if title_id is None or not title_id.startswith("nf-") or not has_identities(con):
        entry.setdefault("identity", None)
        entry.setdefault("most_popular", [])
        entry.setdefault("engagement", [])
        return entry
    entry["identity"] = identity(con, title_id)
    entry["most_popular"] = most_popular(con, source, title_id)
    entry["engagement"] = engagement(con, source, title_id)
    return entry


LEADER_DATASETS = {"views": "global-views", "countries": "countries",
                   "weeks-at-1": "global", "weeks-in-top-10": "global"}


def leaders_coverage(con: duckdb.DuckDBPyConnection, source: str, metric: str,
                     since: dt.date | None, until: dt.date | None) -> dict[str, Any]:
    """The weeks a leaderboard counts: its dataset's spans inside the period asked for, so
    "all time" is never claimed for views (published since 2023-06-18) or countries (lists
    in Netflix's files end in 2022)."""
    dataset = LEADER_DATASETS[metric]
    found = coverage.clip(coverage.spans_of(con, source, dataset), since, until)
    every = coverage.clip(coverage.spans_of(con, source, "global"), since, until)
    weeks = sum(s.weeks for s in found)
    label = coverage.label(found)
    if not found:
        note = f"no {dataset} data in this period"
    elif weeks < sum(s.weeks for s in every):
        note = (f"counts only the weeks with {'views' if metric == 'views' else 'country lists'}"
                f": {label}")
    else:
        note = f"all weeks with lists: {label}"
    return {"dataset": dataset, "spans": [s.as_dict() for s in found], "weeks": weeks,
            "label": label, "note": note}
