"""Everything Netflix published about one title, and what it did not publish said so.

A title's answer (:mod:`starchart.queries.titles`) gets here its stable ID and names (the
alias history and how each name was linked), its Most Popular entry, every engagement
half-year (hours, views, runtime, available globally, and how much of the half-year's views
fell in its weeks in the global Top 10), and the coverage of each figure: the countries'
lists end in 2022 in Netflix's files, so a 2025 title's reach is *unknown* (None), not 0;
weekly views exist only since 2023-06-18, so a total over older weeks is *partial* and says
which weeks it covers.

The per-work parts are computed for every work at once when a release is published
(:func:`identities`, :func:`engagement_by_work`, :func:`most_popular_by_work`) and stored in
the title's answer. The coverage statement is a pure function of the answer and the
release's spans (:func:`state_coverage`), applied when the answer is read: the spans grow
with every weekly file, and a title whose rows did not change keeps its stored answer.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Iterable
from typing import Any

import duckdb

from starchart import coverage
from starchart.queries.base import KIND_SQL, iso
from starchart.queries.feed import IN_CHANGED_PARTS

ID_PATTERN = re.compile(r"^nf-[a-z2-7]{8,52}$")
NameKey = tuple[str, str | None, str]
"""A name as the lists give it: (show_title, season_title, kind)."""


def is_title_id(text: str) -> bool:
    """True for a starchart title ID (``nf-`` and base-32 letters)."""
    return bool(ID_PATTERN.match(text.strip().lower()))


def has_identities(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the store (or release) links its imported rows to title IDs (imports since
    the ``titles`` table; an engine-only store has none)."""
    if not coverage.has_table(con, "titles"):
        return False
    found = con.execute("SELECT count(*) FROM titles").fetchall()
    return bool(found[0][0])


# --- computed for every work when a release is published ------------------------------------


def ids_of_names(con: duckdb.DuckDBPyConnection, source: str) -> dict[NameKey, list[str]]:
    """The works each name of ``source`` was linked to (several where one name is several
    works, as "Unlocked" is), most recently charted first."""
    rows = con.execute(
        f"""SELECT show_title, season_title, kind,
                   list(title_id ORDER BY last DESC NULLS LAST, title_id)
            FROM (SELECT show_title, season_title, {KIND_SQL} AS kind, title_id,
                         max(week) AS last
                  FROM (SELECT title_id, week, category, show_title, season_title
                        FROM chart_global WHERE source = $s
                        UNION ALL SELECT title_id, week, category, show_title, season_title
                        FROM chart_country WHERE source = $s
                        UNION ALL SELECT title_id, NULL, category, show_title, season_title
                        FROM most_popular WHERE source = $s)
                  WHERE title_id LIKE 'nf-%'
                  GROUP BY ALL)
            GROUP BY ALL""", {"s": source}).fetchall()
    return {(r[0], r[1], r[2]): list(r[3]) for r in rows}


def identities(con: duckdb.DuckDBPyConnection, only: Iterable[str] | None = None,
               ) -> dict[str, dict[str, Any]]:
    """Every work's names and how its names were linked, by ID (``only``: these IDs)."""
    where = ""
    params: dict[str, Any] = {}
    if only is not None:
        where = "WHERE t.title_id IN (SELECT unnest($ids::VARCHAR[]))"
        params["ids"] = sorted(only)
    rows = con.execute(
        f"""SELECT t.title_id, t.kind, t.name, t.show_title, t.season_title,
                   t.original_title, t.release_date, t.language, t.first_seen, t.last_seen,
                   coalesce(n.names, []), coalesce(l.links, [])
            FROM titles t
            LEFT JOIN (SELECT title_id,
                              list({{'name': name, 'source': source, 'first_seen': first_seen,
                                     'last_seen': last_seen}}
                                   ORDER BY first_seen NULLS LAST, source, name) AS names
                       FROM title_names GROUP BY title_id) n USING (title_id)
            LEFT JOIN (SELECT title_id,
                              list({{'source': split_part(sighting, '|', 1), 'rule': rule,
                                     'why': explanation}} ORDER BY sighting) AS links
                       FROM title_links GROUP BY title_id) l USING (title_id)
            {where}""", params).fetchall()
    out: dict[str, dict[str, Any]] = {}
    for (tid, kind, name, show, season, original, released, language, first, last, names,
         links) in rows:
        out[tid] = {
            "title_id": tid, "name": name, "kind": kind, "show_title": show,
            "season_title": season, "original_title": original, "language": language,
            "release_date": iso(released), "first_seen": iso(first), "last_seen": iso(last),
            "names": [{"name": n["name"], "source": n["source"],
                       "first_seen": iso(n["first_seen"]), "last_seen": iso(n["last_seen"])}
                      for n in names],
            "matched": list(links),
        }
    return out


def brief(title_id: str, found: dict[str, Any] | None) -> dict[str, Any]:
    """Another work of the same name, as a title's ``also`` lists it."""
    found = found or {}
    return {"title_id": title_id, "name": found.get("name"),
            "original_title": found.get("original_title"),
            "release_date": found.get("release_date")}


def engagement_by_work(con: duckdb.DuckDBPyConnection, source: str,
                       only: Iterable[str] | None = None) -> dict[str, list[dict[str, Any]]]:
    """Each half-year the engagement reports list each work, with the part of its views and
    hours that fell in its weeks in the global Top 10 (weeks whose Sunday is in the
    half-year)."""
    where = ""
    params: dict[str, Any] = {"s": source}
    if only is not None:
        where = "AND e.title_id IN (SELECT unnest($ids::VARCHAR[]))"
        params["ids"] = sorted(only)
    rows = con.execute(
        f"""SELECT e.title_id, e.period, e.period_start, e.period_end, e.title,
                   e.hours_viewed, e.views, e.runtime, e.runtime_text, e.available_globally,
                   e.release_date, e.sheet, e.row_number,
                   count(g.week) AS weeks, sum(g.weekly_views ORDER BY g.week) AS top10_views,
                   sum(g.weekly_hours_viewed ORDER BY g.week) AS top10_hours,
                   count(g.weekly_views) AS weeks_with_views,
                   min(g.week) AS first_week, max(g.week) AS last_week
            FROM engagement e
            LEFT JOIN (SELECT title_id, week,
                              sum(weekly_views ORDER BY category, weekly_rank)
                                AS weekly_views,
                              sum(weekly_hours_viewed ORDER BY category, weekly_rank)
                                AS weekly_hours_viewed
                       FROM chart_global WHERE source = $s AND title_id LIKE 'nf-%'
                       GROUP BY title_id, week) g
              ON g.title_id = e.title_id AND g.week BETWEEN e.period_start AND e.period_end
            WHERE e.source = $s AND e.title_id IS NOT NULL {where}
            GROUP BY ALL ORDER BY e.title_id, e.period_start, e.sheet, e.row_number""",
        params).fetchall()
    out: dict[str, list[dict[str, Any]]] = {}
    for (tid, period, start, end, title, hours, views, runtime, runtime_text, available,
         released, sheet, row, weeks, top_views, top_hours, with_views, first, last) in rows:
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
        out.setdefault(tid, []).append({
            "period": period, "period_start": iso(start), "period_end": iso(end),
            "title": title, "hours_viewed": hours, "views": views, "runtime": runtime,
            "runtime_text": runtime_text, "available_globally": available,
            "release_date": iso(released), "sheet": sheet, "row": row, "top_10": top10,
        })
    return out


def most_popular_by_work(con: duckdb.DuckDBPyConnection, source: str,
                         ) -> dict[str, list[dict[str, Any]]]:
    """Each work's places on the all-time Most Popular lists."""
    rows = con.execute(
        """SELECT title_id, category, rank, hours_viewed, runtime, views, window_days
           FROM most_popular WHERE source = ? AND title_id LIKE 'nf-%'
           ORDER BY title_id, category""", [source]).fetchall()
    out: dict[str, list[dict[str, Any]]] = {}
    for tid, c, r, h, rt, v, w in rows:
        out.setdefault(tid, []).append({"category": c, "rank": r, "hours_viewed": h,
                                        "runtime": rt, "views": v, "window_days": w})
    return out


def work_names(con: duckdb.DuckDBPyConnection, only: Iterable[str] | None = None,
               ) -> list[tuple[str, dt.date | None, list[str]]]:
    """Every work (``only``: these) with every name a title question may give for it (as
    published, English, original): ``(title_id, first_seen, names)``."""
    where = ""
    params: dict[str, Any] = {}
    if only is not None:
        where = "AND n.title_id IN (SELECT unnest($ids::VARCHAR[]))"
        params["ids"] = sorted(only)
    rows = con.execute(
        f"""SELECT n.title_id, any_value(t.first_seen), list(DISTINCT n.name ORDER BY n.name)
            FROM (SELECT title_id, name FROM title_names
                  UNION SELECT title_id, name FROM titles
                  UNION SELECT title_id, original_title FROM titles
                  WHERE original_title IS NOT NULL
                  UNION SELECT title_id, english_title FROM engagement
                  WHERE title_id IS NOT NULL) n
            JOIN titles t USING (title_id)
            WHERE n.name IS NOT NULL AND n.name <> '' {where}
            GROUP BY n.title_id""", params).fetchall()
    return [(r[0], r[1], list(r[2])) for r in rows]


# What changed between the previous release (attached as previous_release) and this one, work
# by work: any row of a table that names works. Names linked to those works are then
# computed afresh too, and so are the weeks whose rows were linked to another work.
_WORK_TABLES = ("chart_global", "chart_country", "most_popular", "engagement", "titles",
                "title_names", "title_links")


def mark_changed_works(con: duckdb.DuckDBPyConnection, written: Collection[str]) -> int:
    """Fill the temporary table ``changed_works`` (the IDs whose answer changed since the
    previous release) and add to ``changed_titles`` and ``changed_weeks`` (see
    :func:`starchart.queries.feed.prepare_feed`) the names linked to them and the weeks
    whose rows changed their link. Returns the number of works changed.

    The release began as a copy of the previous one: only the tables ``written`` differ
    from it, and of the chart lists only the weeks in the temporary table ``changed_parts``,
    so only those are compared."""
    def rows(table: str, db: str) -> str:
        if table in ("chart_global", "chart_country"):
            return f"(SELECT * FROM {db}{table} p WHERE {IN_CHANGED_PARTS.format(alias='p')})"
        return f"{db}{table}"

    parts = " UNION ".join(
        f"""SELECT title_id FROM (SELECT * FROM {rows(t, '')}
                                  EXCEPT SELECT * FROM {rows(t, 'previous_release.')})
            UNION SELECT title_id FROM (SELECT * FROM {rows(t, 'previous_release.')}
                                        EXCEPT SELECT * FROM {rows(t, '')})"""
        for t in _WORK_TABLES if t in written) or "SELECT NULL::VARCHAR AS title_id LIMIT 0"
    con.execute(f"CREATE TEMP TABLE changed_works AS SELECT DISTINCT title_id FROM ({parts}) "
                "WHERE title_id LIKE 'nf-%'")
    named = " UNION ALL ".join(
        f"SELECT source, show_title, season_title, category, title_id FROM {db}{t}"
        for db in ("", "previous_release.") for t in ("chart_global", "chart_country",
                                                      "most_popular"))
    con.execute(
        f"""INSERT INTO changed_titles
            SELECT DISTINCT source, show_title, season_title, {KIND_SQL}
            FROM ({named}) WHERE title_id IN (SELECT title_id FROM changed_works)""")
    con.execute(
        f"""INSERT INTO changed_weeks
           SELECT DISTINCT source, NULL, week FROM (
             SELECT source, week, category, weekly_rank, title_id FROM chart_global p
             WHERE {IN_CHANGED_PARTS.format(alias='p')}
             EXCEPT SELECT source, week, category, weekly_rank, title_id
             FROM previous_release.chart_global p WHERE {IN_CHANGED_PARTS.format(alias='p')})
           UNION SELECT DISTINCT source, country_iso2, week FROM (
             SELECT source, country_iso2, week, category, weekly_rank, title_id
             FROM chart_country p WHERE {IN_CHANGED_PARTS.format(alias='p')}
             EXCEPT SELECT source, country_iso2, week, category, weekly_rank, title_id
             FROM previous_release.chart_country p
             WHERE {IN_CHANGED_PARTS.format(alias='p')})""")
    [(changed,)] = con.execute("SELECT count(*) FROM changed_works").fetchall()
    return int(changed)


# --- coverage, stated (pure: applied when an answer is read) -------------------------------


def _weeks_of(entry: dict[str, Any]) -> list[dt.date]:
    return sorted({dt.date.fromisoformat(r["week"]) for r in entry["run"] if r["category"]})


def state_coverage(entry: dict[str, Any], country_spans: list[coverage.Span],
                   views_spans: list[coverage.Span]) -> dict[str, Any]:
    """Replace the zeros that mean "no data" with None and say which weeks have data: the
    country figures (``countries``, each run row's) and the views totals of each list.
    ``country_spans`` and ``views_spans``: the weeks with country lists and with views."""
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
