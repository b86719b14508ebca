"""The long tail: leaderboards over Netflix's engagement reports, where every title watched
in a half-year is listed, not only the Top 10.

Most watched by half-year (by views, or hours where a report has no views), by language
(the script of the original title: Korean, Japanese, Chinese...; titles published without
an original title are English or not translated), by likely origin, and titles never in a
global Top 10 despite their hours. Origin is a hint, stated as one: Netflix marks neither
originals nor licensed titles, but a title available in every country with a premiere date
is most likely its own, and one not available globally most likely licensed.
"""

from __future__ import annotations

from typing import Any

import duckdb

from starchart.coverage import has_table
from starchart.display import whole_numbers
from starchart.queries.base import NotFound, iso
from starchart.store import NETFLIX_SOURCE

BY = ("views", "hours")
ORIGINS = {
    "original": "available globally, with a premiere date: most likely a Netflix original",
    "licensed": "not available globally: most likely licensed",
    "unknown": "available globally without a premiere date: cannot be told",
}
ORIGIN_SQL = """CASE WHEN e.available_globally AND e.release_date IS NOT NULL THEN 'original'
                     WHEN NOT e.available_globally THEN 'licensed' ELSE 'unknown' END"""
NO_ORIGINAL = "no original title (English or not translated)"


def _source(source: str | None) -> str:
    """Engagement reports come from Netflix only (the engine builds no half-years)."""
    return source or NETFLIX_SOURCE


def _has_rows(con: duckdb.DuckDBPyConnection) -> bool:
    if not has_table(con, "engagement"):
        return False
    return bool(con.execute("SELECT count(*) FROM engagement").fetchall()[0][0])


def periods(con: duckdb.DuckDBPyConnection, *, source: str | None = None,
            ) -> list[dict[str, Any]]:
    """The half-years the store has reports for, newest first, with their totals."""
    if not _has_rows(con):
        return []
    src = _source(source)
    rows = con.execute(
        """SELECT period, min(period_start), min(period_end), count(*),
                  count(*) FILTER (WHERE kind = 'film'), count(*) FILTER (WHERE kind = 'tv'),
                  sum(hours_viewed), CASE WHEN count(views) > 0 THEN sum(views) END
           FROM engagement WHERE source = ? GROUP BY period ORDER BY period DESC""",
        [src]).fetchall()
    return [{"period": p, "start": iso(s), "end": iso(e), "titles": int(n), "films": int(f),
             "tv": int(t), "hours_viewed": h, "views": v} for p, s, e, n, f, t, h, v in rows]


def report(
    con: duckdb.DuckDBPyConnection,
    period: str | None = None,
    *,
    by: str = "views",
    kind: str | None = None,
    language: str | None = None,
    origin: str | None = None,
    never_in_top_10: bool = False,
    limit: int = 50,
    source: str | None = None,
) -> dict[str, Any]:
    """One half-year's most watched titles (the latest by default), filtered, with the
    half-year's totals by language and by likely origin.

    ``by``: views (hours where the report has no views: 2023 H1), or hours. ``language``:
    as :func:`starchart.published.matching.language_of` names it, or ``none`` for titles
    without an original title. ``never_in_top_10``: only titles never on a global Top 10
    list (the lists cover every week since 2021-07-04).
    """
    from starchart.published.engagement_files import HalfYear

    known = periods(con, source=source)
    if not known:
        raise NotFound("no engagement reports in the store (import them with 'starchart "
                       "import netflix What_We_Watched_….xlsx')", [])
    if period is None:
        wanted = known[0]["period"]
    else:
        try:
            wanted = HalfYear.parse(period).label
        except ValueError as exc:
            raise ValueError(f"{exc}; the store has {', '.join(p['period'] for p in known)}"
                             ) from None
    this = next((p for p in known if p["period"] == wanted), None)
    if this is None:
        raise NotFound(f"no engagement report for {wanted} (the store has "
                       f"{', '.join(p['period'] for p in known)})",
                       [{"period": p["period"]} for p in known])
    metric = by.strip().lower()
    if metric not in BY:
        raise ValueError(f"unknown measure {by!r} (one of: {', '.join(BY)})")
    if metric == "views" and this["views"] is None:
        metric = "hours"  # the 2023 H1 report publishes hours only
    if kind is not None and kind not in ("film", "tv"):
        raise ValueError(f"unknown kind {kind!r} (film or tv)")
    if origin is not None and origin not in ORIGINS:
        raise ValueError(f"unknown origin {origin!r} (one of: {', '.join(ORIGINS)})")
    if limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit}")
    src = _source(source)
    column = "e.views" if metric == "views" else "e.hours_viewed"
    lang = None if language is None else language.strip()
    where = """e.source = ? AND e.period = ?
               AND (?::VARCHAR IS NULL OR coalesce(t.kind, e.kind) = ?)
               AND (?::VARCHAR IS NULL OR (? = 'none' AND t.language IS NULL)
                    OR lower(t.language) = lower(?))
               AND (?::VARCHAR IS NULL OR """ + ORIGIN_SQL + """ = ?)
               AND (NOT ? OR NOT EXISTS (SELECT 1 FROM chart_global g
                                         WHERE g.title_id = e.title_id AND g.source = e.source))"""
    params = [src, wanted, kind, kind, lang, lang, lang, origin, origin, never_in_top_10]
    rows = con.execute(
        f"""SELECT rank() OVER (ORDER BY {column} DESC) AS rank, e.title_id, e.title,
                   e.english_title, e.original_title, t.language, coalesce(t.kind, e.kind),
                   e.release_date, e.available_globally, e.hours_viewed, e.views,
                   e.runtime_text, {ORIGIN_SQL} AS origin,
                   (SELECT count(DISTINCT g.week) FROM chart_global g
                    WHERE g.title_id = e.title_id AND g.source = e.source
                      AND g.week BETWEEN e.period_start AND e.period_end) AS weeks_in_top_10,
                   (SELECT min(g.week) FROM chart_global g
                    WHERE g.title_id = e.title_id AND g.source = e.source) AS first_top_10
            FROM engagement e LEFT JOIN titles t USING (title_id)
            WHERE {where}
            ORDER BY {column} DESC, e.hours_viewed DESC, e.title LIMIT ?""",
        [*params, limit]).fetchall()
    matched = con.execute(
        f"""SELECT count(*), sum(e.hours_viewed), sum(e.views)
            FROM engagement e LEFT JOIN titles t USING (title_id) WHERE {where}""",
        params).fetchall()[0]
    languages = con.execute(
        """SELECT coalesce(t.language, ?), count(*), sum(e.hours_viewed), sum(e.views)
           FROM engagement e LEFT JOIN titles t USING (title_id)
           WHERE e.source = ? AND e.period = ? GROUP BY ALL
           ORDER BY 3 DESC""", [NO_ORIGINAL, src, wanted]).fetchall()
    origins = con.execute(
        f"""SELECT {ORIGIN_SQL}, count(*), sum(e.hours_viewed), sum(e.views)
            FROM engagement e WHERE e.source = ? AND e.period = ? GROUP BY ALL
            ORDER BY 3 DESC""", [src, wanted]).fetchall()
    views_published = this["views"] is not None
    return whole_numbers({
        "period": wanted, "start": this["start"], "end": this["end"], "source": src,
        "by": metric, "views_published": views_published,
        "filters": {"kind": kind, "language": lang, "origin": origin,
                    "never_in_top_10": never_in_top_10},
        "totals": {"titles": this["titles"], "hours_viewed": this["hours_viewed"],
                   "views": this["views"]},
        "matched": {"titles": int(matched[0]), "hours_viewed": matched[1],
                    "views": matched[2] if views_published else None},
        "rows": [{
            "rank": r[0], "title_id": r[1], "title": r[2], "english_title": r[3],
            "original_title": r[4], "language": r[5], "kind": r[6], "release_date": iso(r[7]),
            "available_globally": r[8], "hours_viewed": r[9], "views": r[10],
            "runtime_text": r[11], "origin": r[12], "weeks_in_top_10": int(r[13]),
            "ever_in_top_10": r[14] is not None, "first_top_10_week": iso(r[14]),
        } for r in rows],
        "languages": [{"language": n, "titles": int(c), "hours_viewed": h,
                       "views": v if views_published else None} for n, c, h, v in languages],
        "origins": [{"origin": o, "meaning": ORIGINS[o], "titles": int(c), "hours_viewed": h,
                     "views": v if views_published else None} for o, c, h, v in origins],
        "periods": [p["period"] for p in known],
        "note": ("Top 10 weeks count the global lists' weeks whose Sunday falls in the "
                 "half-year; the global lists cover every week since 2021-07-04."),
    })
