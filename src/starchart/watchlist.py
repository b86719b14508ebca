"""The watchlist: titles someone follows, and what each chart release says they did.

``starchart watch add TITLE`` keeps a title in the store's ``watchlist`` table. When a release
is published (:mod:`starchart.releases`), :func:`prepare_events` compares the watched titles'
list positions in the new charts with the previous release's, and records three kinds of
event in the release's ``watchlist_events`` (carried from release to release, like the change
feed), one per title, kind and chart week:

* ``entered``: on a list (a global list, or a country's Films or TV) in a week where it was
  not on that list the week before; each list it entered that week is named;
* ``number-one``: #1 on a list it was not #1 on in that week before;
* ``new-countries``: the countries whose lists it reached for the first time.

Only positions the previous release did not hold count, so an entry is reported by the one
release that first held it, never again: a build or import that adds next week reports next
week. The first release reports a watched title's whole history.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb
import pyarrow as pa

from starchart import store
from starchart.queries.base import NotFound, iso
from starchart.queries.search import Title, rank_titles
from starchart.queries.slugs import normalise, title_name, title_slug

EVENTS = ("entered", "number-one", "new-countries")
SUGGESTIONS = 5

# Every title a watch can name: the catalog's (engine charts) and the works of imported
# Netflix files, each with the names it may be given.
_CANDIDATES = """
SELECT title_id, show_title, season_title, [show_title, season_title] AS names
FROM catalog
UNION ALL
SELECT t.title_id, coalesce(t.show_title, t.name), t.season_title,
       list_distinct(list_concat([t.name, t.show_title, t.season_title, t.original_title],
                                 coalesce(n.names, [])))
FROM titles t
LEFT JOIN (SELECT title_id, list(name) AS names FROM title_names GROUP BY ALL) n
  USING (title_id)
"""

# One row per list position of a watched title: {db} is '' (this release) or
# 'previous_release.' (fixed text, never input).
_POSITIONS = """
SELECT source, '' AS scope, NULL::VARCHAR AS country_name, category, week,
       weekly_rank AS rank, title_id
FROM {db}chart_global WHERE title_id IN (SELECT title_id FROM watched_now)
UNION ALL
SELECT source, country_iso2, country_name, category, week, weekly_rank, title_id
FROM {db}chart_country WHERE title_id IN (SELECT title_id FROM watched_now)
"""

_SAME = """o.source = n.source AND o.scope = n.scope AND o.category = n.category
       AND o.title_id = n.title_id"""

_EVENTS = f"""
WITH fresh AS (  -- positions the previous release did not hold
  SELECT n.* FROM wl_new n
  WHERE NOT EXISTS (SELECT 1 FROM wl_old o WHERE {_SAME} AND o.week = n.week
                    AND o.rank = n.rank)),
entered AS (
  SELECT 'entered' AS event, n.* FROM fresh n
  WHERE NOT EXISTS (SELECT 1 FROM wl_old o WHERE {_SAME} AND o.week = n.week)
    AND NOT EXISTS (SELECT 1 FROM wl_new o WHERE {_SAME} AND o.week = n.week - 7)),
number_one AS (
  SELECT 'number-one' AS event, n.* FROM fresh n
  WHERE n.rank = 1),
first_in_country AS (
  SELECT 'new-countries' AS event, source, scope, arg_min(country_name, week) AS country_name,
         arg_min(category, (week, rank)) AS category, min(week) AS week,
         arg_min(rank, (week, rank)) AS rank, title_id
  FROM wl_new n WHERE scope <> ''
    AND NOT EXISTS (SELECT 1 FROM wl_old o WHERE o.source = n.source AND o.scope = n.scope
                    AND o.title_id = n.title_id)
  GROUP BY source, scope, title_id),
every AS (
  SELECT event, source, scope, country_name, category, week, rank, title_id FROM entered
  UNION ALL
  SELECT event, source, scope, country_name, category, week, rank, title_id FROM number_one
  UNION ALL
  SELECT event, source, scope, country_name, category, week, rank, title_id
  FROM first_in_country)
SELECT $release, $published_at, e.source, e.title_id, w.show_title, w.season_title, e.event,
       e.week,
       list({{'country': nullif(e.scope, ''), 'country_name': e.country_name,
              'category': e.category, 'weekly_rank': e.rank}}
            ORDER BY e.scope <> '', e.scope, e.category)
FROM every e JOIN watched_now w USING (title_id)
GROUP BY ALL
"""


def _check(con: duckdb.DuckDBPyConnection) -> None:
    if not store.has_table(con, "watchlist"):  # a read-only store made before watching
        raise NotFound("nobody watches any title in this store yet: 'starchart watch add "
                       "TITLE'", [])


def _candidates(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str | None, list[str]]]:
    return [(str(r[0]), str(r[1]), r[2], [n for n in r[3] if n])
            for r in con.execute(_CANDIDATES).fetchall()]


def resolve(con: duckdb.DuckDBPyConnection, text: str,
            among: list[tuple[str, str, str | None, list[str]]] | None = None
            ) -> dict[str, Any]:
    """The title ``text`` names: a catalog ``title_id``, a work's ``nf-…`` ID, or an exact
    name (case-, accent- and punctuation-blind, as ``starchart similar`` reads names). An
    unknown name raises :class:`NotFound` with close names; a name several titles share
    raises it listing them, so the caller can give a title_id."""
    wanted = text.strip()
    if not wanted:
        raise ValueError("give a title: its title_id (or nf-… ID) or its name")
    rows = _candidates(con) if among is None else among
    for tid, show, season, _ in rows:
        if tid == wanted or (tid.startswith("nf-") and tid == wanted.lower()):
            return {"title_id": tid, "show_title": show, "season_title": season}
    key = normalise(wanted)
    found = [r for r in rows
             if key in {normalise(title_name(r[1], r[2])), *(normalise(n) for n in r[3]),
                        normalise(title_slug(r[1], r[2]))}]
    if len(found) == 1:
        tid, show, season, _ = found[0]
        return {"title_id": tid, "show_title": show, "season_title": season}
    if found:
        listed = ", ".join(f"{r[0]} ({title_name(r[1], r[2])})" for r in found[:SUGGESTIONS])
        raise NotFound(f"{len(found)} titles are named {wanted!r}: give a title_id ({listed})",
                       [{"title_id": r[0], "show_title": r[1], "season_title": r[2],
                         "score": 100.0} for r in found[:SUGGESTIONS]])
    titles = [Title(r[1], r[2], "tv" if r[2] else "film", 0, None) for r in rows]
    ids = {(r[1], r[2]): r[0] for r in rows}
    ranked = rank_titles(wanted, titles, limit=SUGGESTIONS)
    close: list[dict[str, Any]] = [
        {"title_id": ids[(t.show_title, t.season_title)], "show_title": t.show_title,
         "season_title": t.season_title, "score": score} for t, score in ranked]
    hint = ("; did you mean " + ", ".join(
        f"{ids[(t.show_title, t.season_title)]} ({title_name(t.show_title, t.season_title)})"
        for t, _ in ranked[:3]) + "?") if ranked else ""
    raise NotFound(f"no title {wanted!r} in the store's catalog or imported Netflix titles"
                   f"{hint}", close)


def add(con: duckdb.DuckDBPyConnection, text: str) -> dict[str, Any]:
    """Watch the title ``text`` names (:func:`resolve`); ``added`` False when it already
    was."""
    title = resolve(con, text)
    with store.transaction(con):
        before = con.execute("SELECT count(*) FROM watchlist WHERE title_id = ?",
                             [title["title_id"]]).fetchall()[0][0]
        if not before:
            con.execute("INSERT INTO watchlist VALUES (?, ?, ?, ?)",
                        [title["title_id"], title["show_title"], title["season_title"],
                         dt.datetime.now(dt.UTC).replace(tzinfo=None)])
    return {**title, "added": not before, "watched": watched_count(con)}


def remove(con: duckdb.DuckDBPyConnection, text: str) -> dict[str, Any]:
    """Stop watching the title ``text`` names: one on the watchlist (by ID or name), else
    any title; ``removed`` False when it was not watched."""
    watched = [(r["title_id"], r["show_title"], r["season_title"],
                [r["show_title"], r["season_title"]]) for r in listing(con)]
    try:
        title = resolve(con, text, watched)
    except NotFound as exc:
        if len(exc.args) > 1 and exc.args[1] and exc.args[1][0].get("score") == 100.0:
            raise  # several watched titles share the name
        title = resolve(con, text)
    with store.transaction(con):
        before = con.execute("SELECT count(*) FROM watchlist WHERE title_id = ?",
                             [title["title_id"]]).fetchall()[0][0]
        con.execute("DELETE FROM watchlist WHERE title_id = ?", [title["title_id"]])
    return {**title, "removed": bool(before), "watched": watched_count(con)}


def listing(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """The watched titles, in the order they were added: title_id, show_title,
    season_title, added_at."""
    if not store.has_table(con, "watchlist"):
        return []
    return [{"title_id": r[0], "show_title": r[1], "season_title": r[2],
             "added_at": r[3].isoformat(timespec="seconds") + "Z"}
            for r in con.execute("SELECT title_id, show_title, season_title, added_at "
                                 "FROM watchlist ORDER BY added_at, title_id").fetchall()]


# --- publishing: events of one release ------------------------------------------------------


def prepare_events(rel: duckdb.DuckDBPyConnection, source_con: duckdb.DuckDBPyConnection,
                   number: int, published_at: dt.datetime, *, has_previous: bool,
                   carried: bool = False) -> list[dict[str, Any]]:
    """Fill ``watchlist_events`` of release ``number`` (``rel``: the release being written,
    its charts copied; the previous release attached as ``previous_release`` when
    ``has_previous``): the previous release's events, then this release's, from the
    watchlist of the store behind ``source_con`` (``carried``: the previous events are
    there already, the release began as a copy of the previous one). Returns this release's
    events."""
    if (has_previous and not carried and store.has_table(rel, "watchlist_events")
            and _previous_has_events(rel)):
        rel.execute("INSERT INTO watchlist_events "
                    "SELECT * FROM previous_release.watchlist_events")
    watched = pa.table({"title_id": pa.array([], pa.string()),
                        "show_title": pa.array([], pa.string()),
                        "season_title": pa.array([], pa.string())})
    if store.has_table(source_con, "watchlist"):
        reader = source_con.cursor()
        try:
            watched = reader.sql("SELECT title_id, show_title, season_title "
                                 "FROM watchlist").to_arrow_table()
        finally:
            reader.close()
    if watched.num_rows == 0:
        return []
    rel.register("watched_now", watched)
    try:
        rel.execute(f"CREATE TEMP TABLE wl_new AS {_POSITIONS.format(db='')}")
        old = _POSITIONS.format(db="previous_release." if has_previous else "")
        rel.execute(f"CREATE TEMP TABLE wl_old AS {old}"
                    + ("" if has_previous else " LIMIT 0"))
        rel.execute(f"INSERT INTO watchlist_events {_EVENTS}",
                    {"release": number, "published_at": published_at})
    finally:
        for table in ("wl_new", "wl_old"):
            rel.execute(f"DROP TABLE IF EXISTS {table}")
        rel.unregister("watched_now")
    return events(rel, release=number)


def _previous_has_events(rel: duckdb.DuckDBPyConnection) -> bool:
    [(found,)] = rel.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_catalog = "
        "'previous_release' AND table_name = 'watchlist_events'").fetchall()
    return bool(found)


# --- questions -------------------------------------------------------------------------------


def events(con: duckdb.DuckDBPyConnection, *, since: int | None = None,
           release: int | None = None, limit: int | None = None) -> list[dict[str, Any]]:
    """Watchlist events of the release behind ``con``, newest release first (within one:
    by week, kind, title): those of releases after ``since``, or of ``release`` only."""
    if limit is not None and limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit}")
    if not store.has_table(con, "watchlist_events"):  # a release written before watching
        return []
    rows = con.execute(
        """SELECT release, published_at, source, title_id, show_title, season_title, event,
                  week, lists
           FROM watchlist_events
           WHERE ($since::INTEGER IS NULL OR release > $since)
             AND ($release::INTEGER IS NULL OR release = $release)
           ORDER BY release DESC, week, list_position($events, event), show_title,
                    season_title NULLS FIRST, source
           LIMIT $limit""",
        {"since": since, "release": release, "events": list(EVENTS),
         "limit": limit if limit is not None else 2**62}).fetchall()
    return [_event(r) for r in rows]


def _event(r: tuple[Any, ...]) -> dict[str, Any]:
    lists = [dict(x) for x in r[8]]
    out = {"release": r[0], "published_at": r[1].isoformat(timespec="seconds") + "Z",
           "source": r[2], "title_id": r[3], "show_title": r[4], "season_title": r[5],
           "event": r[6], "week": iso(r[7]), "lists": lists}
    out["summary"] = summary(out)
    return out


def _place(entry: dict[str, Any]) -> str:
    if entry["country"] is None:
        return f"global {entry['category']}"
    return f"{entry['country_name'] or entry['country']} ({entry['category']})"


def summary(event: dict[str, Any]) -> str:
    """One line saying what happened: 'Squid Game: Season 2 was #1 in South Korea (TV),
    Japan (TV) in the week of 2025-01-05'."""
    name = title_name(event["show_title"], event["season_title"])
    places = [_place(e) for e in event["lists"]]
    shown = ", ".join(places[:8]) + (f" and {len(places) - 8} more" if len(places) > 8 else "")
    when = f"in the week of {event['week']}"
    if event["event"] == "entered":
        return f"{name} entered the Top 10: {shown}, {when}"
    if event["event"] == "number-one":
        return f"{name} was #1: {shown}, {when}"
    count = len(places)
    return (f"{name} reached the Top 10 in {count} new "
            f"{'country' if count == 1 else 'countries'}: {shown}, {when}")


def watched_count(con: duckdb.DuckDBPyConnection) -> int:
    """How many titles the store behind ``con`` watches (0 for a store made before
    watching)."""
    if not store.has_table(con, "watchlist"):
        return 0
    reader = con.cursor()  # its own results: the caller's connection may hold one open
    try:
        return int(reader.execute("SELECT count(*) FROM watchlist").fetchall()[0][0])
    finally:
        reader.close()
