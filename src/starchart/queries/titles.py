"""A title's record, the way the press quotes it: weeks in the Top 10 and at #1 per global
list, peak rank, hours and views, and the countries whose Top 10 held it.

A title is a film or one season (show_title + season_title); a show groups its seasons. The
same aggregation serves both: for a show, a week counts once however many of its seasons
charted, its rank that week is its best season's, hours and views add up.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb

from starchart.queries.base import (
    FILM_SQL,
    TV_SQL,
    NotFound,
    display_country,
    iso,
    resolve_source,
)
from starchart.queries.record import (
    complete_entry,
    has_identities,
    identity,
    ids_named,
    ids_of_name,
    is_title_id,
)
from starchart.queries.search import Title, rank_titles, universe
from starchart.queries.slugs import normalise, show_slug, title_name, title_slug

SUGGESTIONS = 5


def _where(show: str, kind: str, season: str | None, whole_show: bool,
           title_id: str | None = None) -> tuple[str, list[Any]]:
    """The rows of one work (by its ID), one title or one show (all its seasons) by name;
    fixed SQL, bound values."""
    if title_id is not None:
        return "title_id = ?", [title_id]
    kind_sql = FILM_SQL if kind == "film" else TV_SQL
    if whole_show:
        return f"show_title = ? AND {kind_sql}", [show]
    return (f"show_title = ? AND season_title IS NOT DISTINCT FROM ? AND {kind_sql}",
            [show, season])


def _entry(con: duckdb.DuckDBPyConnection, source: str, show: str, season: str | None,
           kind: str, *, whole_show: bool = False, title_id: str | None = None,
           ) -> dict[str, Any]:
    where, extra = _where(show, kind, season, whole_show, title_id)
    params = [source, *extra]
    lists = con.execute(
        f"""WITH w AS (
              SELECT category, week, min(weekly_rank) AS rank,
                     sum(weekly_hours_viewed) AS hours, sum(weekly_views) AS views
              FROM chart_global WHERE source = ? AND {where} GROUP BY category, week)
            SELECT category, count(*) AS weeks_in_top_10,
                   count(*) FILTER (WHERE rank = 1) AS weeks_at_1, min(rank) AS peak_rank,
                   min(week) AS first_week, max(week) AS last_week,
                   sum(hours) AS hours_viewed, sum(views) AS views
            FROM w GROUP BY category ORDER BY min(week), category""",
        params,
    ).fetchall()
    run_global = con.execute(
        f"""SELECT week, category, min(weekly_rank), sum(weekly_hours_viewed),
                   sum(weekly_views)
            FROM chart_global WHERE source = ? AND {where}
            GROUP BY week, category ORDER BY week, category""",
        params,
    ).fetchall()
    country_rows = con.execute(
        f"""SELECT week, country_iso2, min(country_name), min(weekly_rank)
            FROM chart_country WHERE source = ? AND {where}
            GROUP BY week, country_iso2 ORDER BY week, min(weekly_rank), country_iso2""",
        params,
    ).fetchall()

    weeks: dict[dt.date, dict[str, Any]] = {}
    ever: set[str] = set()
    ever_at_1: set[str] = set()
    for week, code, name, rank in country_rows:
        slot = weeks.setdefault(week, {"week": iso(week), "in_top_10": [], "at_1": []})
        country = display_country(code, name)
        slot["in_top_10"].append({"iso2": code, "name": country, "rank": rank})
        ever.add(code)
        if rank == 1:
            slot["at_1"].append({"iso2": code, "name": country})
            ever_at_1.add(code)
    best_week: dt.date | None = None
    best = 0
    for week, slot in weeks.items():  # ascending: ties go to the earliest week
        if len(slot["in_top_10"]) > best:
            best, best_week = len(slot["in_top_10"]), week

    run: list[dict[str, Any]] = []
    charted = set()
    for week, category, rank, hours, views in run_global:
        charted.add(week)
        that = weeks.get(week)
        run.append({"week": iso(week), "category": category, "rank": rank,
                    "hours_viewed": hours, "views": views,
                    "countries_in_top_10": len(that["in_top_10"]) if that else 0,
                    "countries_at_1": len(that["at_1"]) if that else 0})
    for week, slot in weeks.items():  # weeks on country lists only
        if week not in charted:
            run.append({"week": iso(week), "category": None, "rank": None,
                        "hours_viewed": None, "views": None,
                        "countries_in_top_10": len(slot["in_top_10"]),
                        "countries_at_1": len(slot["at_1"])})
    run.sort(key=lambda r: (r["week"], r["category"] or ""))

    return complete_entry(con, source, {
        "show_title": show,
        "season_title": None if whole_show else season,
        "slug": show_slug(show) if whole_show else title_slug(show, season),
        "show_slug": show_slug(show),
        "kind": kind,
        "global": [
            {"category": r[0], "weeks_in_top_10": int(r[1]), "weeks_at_1": int(r[2]),
             "peak_rank": r[3], "first_week": iso(r[4]), "last_week": iso(r[5]),
             "hours_viewed": r[6], "views": r[7]}
            for r in lists
        ],
        "countries": {
            "distinct_in_top_10": len(ever),
            "distinct_at_1": len(ever_at_1),
            "max_in_one_week": best,
            "max_in_one_week_week": iso(best_week),
            "weeks": list(weeks.values()),
        },
        "run": run,
    }, title_id)


def _work_entry(con: duckdb.DuckDBPyConnection, source: str, title_id: str) -> dict[str, Any]:
    """One work by its stable ID, whether it charted or only appears in the reports."""
    found = identity(con, title_id) if has_identities(con) else None
    if found is None:
        raise NotFound(f"no title with ID {title_id!r} (source {source})", [])
    return _entry(con, source, found["show_title"] or found["name"], found["season_title"],
                  found["kind"] or "film", title_id=title_id)


def _first_work(con: duckdb.DuckDBPyConnection, source: str, t: Title) -> dict[str, Any]:
    """The work a slug means: the most recently charted of the works its name was linked
    to; ``also`` lists the others (two films named "Unlocked")."""
    ids = ids_of_name(con, source, t.show_title, t.season_title, t.kind) if has_identities(
        con) else []
    entry = _entry(con, source, t.show_title, t.season_title, t.kind,
                   title_id=ids[0] if ids else None)
    entry["also"] = [_brief(con, other) for other in ids[1:]]
    return entry


def _brief(con: duckdb.DuckDBPyConnection, title_id: str) -> dict[str, Any]:
    found = identity(con, title_id) or {}
    return {"title_id": title_id, "name": found.get("name"),
            "original_title": found.get("original_title"),
            "release_date": found.get("release_date")}


def _by_work(con: duckdb.DuckDBPyConnection, source: str, query: str,
             found: list[Title]) -> list[dict[str, Any]]:
    """The matched titles' entries, one per work: a name that is several works (two films
    called "Unlocked") gives several entries, and works named ``query`` only in the
    engagement reports are added."""
    if not has_identities(con):
        return [_entry(con, source, t.show_title, t.season_title, t.kind) for t in found]
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for t in found:
        ids = ids_of_name(con, source, t.show_title, t.season_title, t.kind)
        if not ids:
            out.append(_entry(con, source, t.show_title, t.season_title, t.kind))
        for tid in ids:
            if tid not in seen:
                seen.add(tid)
                out.append(_entry(con, source, t.show_title, t.season_title, t.kind,
                                  title_id=tid))
    for fold in (str.casefold, normalise):
        extra = [tid for tid in ids_named(con, fold(query.strip()), fold) if tid not in seen]
        if extra or out:
            break
    for tid in extra:
        seen.add(tid)
        out.append(_work_entry(con, source, tid))
    return out


def _show_entry(con: duckdb.DuckDBPyConnection, source: str, show: str,
                titles: list[Title]) -> dict[str, Any]:
    entry = _entry(con, source, show, None, "tv", whole_show=True)
    seasons = [t for t in titles if t.show_title == show and t.kind == "tv"]
    seasons.sort(key=lambda t: (t.first_week is None, t.first_week or dt.date.min,
                                t.season_title or ""))
    entry["seasons"] = [t.slug for t in seasons]
    entry["season_titles"] = [t.season_title for t in seasons]  # None: an unnumbered listing
    return entry


def _suggestions(text: str, titles: list[Title]) -> list[dict[str, Any]]:
    return [{"show_title": t.show_title, "season_title": t.season_title, "slug": t.slug,
             "score": score}
            for t, score in rank_titles(text, titles, limit=SUGGESTIONS)]


def _exact(query: str, titles: list[Title]) -> tuple[list[Title], list[str]]:
    """Titles named exactly ``query`` (case-insensitive; failing that accent- and
    punctuation-blind), and the shows matched by their own name."""
    for fold in (str.casefold, normalise):
        wanted = fold(query.strip())
        if not wanted:
            return [], []
        by_show = [t for t in titles if fold(t.show_title) == wanted]
        by_season = [
            t for t in titles if t.season_title is not None and t not in by_show
            and wanted in (fold(t.season_title), fold(title_name(t.show_title, t.season_title)))
        ]
        if by_show or by_season:
            shows = sorted({t.show_title for t in by_show if t.kind == "tv"
                            and any(s.show_title == t.show_title and s.season_title
                                    for s in titles)})
            return by_show + by_season, shows
    return [], []


def _order(titles: list[Title]) -> list[Title]:
    return sorted(titles, key=lambda t: (t.first_week is None, t.first_week or dt.date.min,
                                         t.show_title, t.season_title or "", t.kind))


def title(
    con: duckdb.DuckDBPyConnection, query: str, *, source: str | None = None
) -> dict[str, Any]:
    """Everything about the titles named ``query``: an exact (case-insensitive) match on a
    show's name (all its seasons) or on a season's; else ``matches`` is empty and
    ``suggestions`` holds close names. ``shows`` aggregates a matched show's seasons."""
    src = resolve_source(con, source)
    titles = universe(con, src)
    found, shows = _exact(query, titles)
    matches = _by_work(con, src, query, _order(found))
    show_entries = [_show_entry(con, src, show, titles) for show in shows]
    return {
        "query": query,
        "source": src,
        "matches": matches,
        "shows": show_entries,
        "suggestions": [] if matches else _suggestions(query, titles),
    }


def title_by_slug(
    con: duckdb.DuckDBPyConnection, slug: str, *, show: bool = False, source: str | None = None
) -> dict[str, Any]:
    """One film or season by its slug, or a show (all seasons, with ``seasons`` and
    ``season_titles``) by the show's slug. Where a title and a show share a slug (a show's
    unnumbered listing, a film named like a show), the title wins unless ``show`` asks for
    the show."""
    wanted = slug.strip().lower()
    src = resolve_source(con, source)
    if is_title_id(wanted):
        return _work_entry(con, src, wanted)
    titles = universe(con, src)  # most charted first: the winner of a slug clash
    if show:
        for t in titles:
            if t.kind == "tv" and show_slug(t.show_title) == wanted:
                return _show_entry(con, src, t.show_title, titles)
    for t in titles:
        if t.slug == wanted:
            return _first_work(con, src, t)
    for t in titles:
        if t.kind == "tv" and show_slug(t.show_title) == wanted:
            return _show_entry(con, src, t.show_title, titles)
    suggestions = _suggestions(wanted.replace("-", " "), titles)
    hint = ""
    if suggestions:
        hint = "; did you mean " + ", ".join(s["slug"] for s in suggestions[:3]) + "?"
    raise NotFound(f"no title with slug {slug!r} (source {src}){hint}", suggestions)
