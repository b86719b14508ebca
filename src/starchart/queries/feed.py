"""The change feed: what each chart release added, revised or removed, list position by
list position, against the release before it.

Computed when a release is published (:func:`prepare_feed`, comparing the new charts with
the previous release's) and carried forward from release to release, so the current release
answers "what moved, and when" for every release since the first, even once the older
release files are gone: a week as first published vs. now.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb

from starchart.queries.base import iso

# One row per list position: source, scope ('' for the global lists, else the country code),
# week, category, rank, and all that a page shows of it.
_POSITIONS = """
    SELECT source, '' AS scope, week, category, weekly_rank AS rank, show_title,
           season_title, weekly_hours_viewed AS hours, weekly_views AS views, runtime,
           cumulative_weeks_in_top_10 AS weeks, NULL::VARCHAR AS country_name
    FROM {db}chart_global
    UNION ALL
    SELECT source, country_iso2, week, category, weekly_rank, show_title, season_title,
           NULL::DOUBLE, NULL::DOUBLE, NULL::DOUBLE, cumulative_weeks_in_top_10, country_name
    FROM {db}chart_country"""

_DIFF = """
CREATE TEMP TABLE feed_diff AS
SELECT coalesce(n.source, o.source) AS source, coalesce(n.scope, o.scope) AS scope,
       coalesce(n.week, o.week) AS week, coalesce(n.category, o.category) AS category,
       coalesce(n.rank, o.rank) AS rank,
       o.show_title AS before_show_title, o.season_title AS before_season_title,
       o.hours AS before_hours, o.views AS before_views,
       n.show_title AS after_show_title, n.season_title AS after_season_title,
       n.hours AS after_hours, n.views AS after_views
FROM feed_new n FULL OUTER JOIN feed_old o
  ON n.source = o.source AND n.scope = o.scope AND n.week = o.week
 AND n.category = o.category AND n.rank = o.rank
WHERE n.rank IS NULL OR o.rank IS NULL
   OR n.show_title IS DISTINCT FROM o.show_title
   OR n.season_title IS DISTINCT FROM o.season_title
   OR n.hours IS DISTINCT FROM o.hours OR n.views IS DISTINCT FROM o.views
   OR n.runtime IS DISTINCT FROM o.runtime OR n.weeks IS DISTINCT FROM o.weeks
   OR n.country_name IS DISTINCT FROM o.country_name
"""

_WEEKS = """
CREATE TEMP TABLE feed_weeks AS
WITH nw AS (SELECT source, scope, week, count(*) AS n FROM feed_new GROUP BY ALL),
     ow AS (SELECT source, scope, week, count(*) AS n FROM feed_old GROUP BY ALL),
     dw AS (SELECT source, scope, week, count(*) AS n FROM feed_diff GROUP BY ALL)
SELECT coalesce(nw.source, ow.source) AS source, coalesce(nw.scope, ow.scope) AS scope,
       coalesce(nw.week, ow.week) AS week,
       CASE WHEN ow.week IS NULL THEN 'added' WHEN nw.week IS NULL THEN 'removed'
            ELSE 'revised' END AS status,
       CASE WHEN ow.week IS NULL THEN nw.n WHEN nw.week IS NULL THEN ow.n
            ELSE dw.n END AS positions
FROM nw FULL OUTER JOIN ow
  ON nw.source = ow.source AND nw.scope = ow.scope AND nw.week = ow.week
LEFT JOIN dw ON dw.source = coalesce(nw.source, ow.source)
 AND dw.scope = coalesce(nw.scope, ow.scope) AND dw.week = coalesce(nw.week, ow.week)
WHERE nw.week IS NULL OR ow.week IS NULL OR dw.n IS NOT NULL
"""

# A release that began as a copy of the previous one differs from it, in its chart lists,
# only in the weeks its publisher patched: the temporary table changed_parts (source, week),
# written by starchart.releases. {alias}: a chart table's alias (fixed text, never input).
IN_CHANGED_PARTS = """EXISTS (SELECT 1 FROM changed_parts c
                              WHERE c.source = {alias}.source AND c.week = {alias}.week)"""

# Every list scope's weeks ({db}: '' or 'previous_release.'), for their neighbours.
_WEEK_LIST = """
SELECT DISTINCT source, '' AS scope, week FROM {db}chart_global
UNION ALL
SELECT DISTINCT source, country_iso2, week FROM {db}chart_country"""

# What this release must compute afresh (the rest is copied from the previous release): the
# titles with a changed row, and the weeks whose page changed: added, revised, revised the
# week before (its moves), or with another week before or after it than it had.
_CHANGED = """
CREATE TEMP TABLE changed_titles AS
SELECT DISTINCT source, show_title, season_title,
       CASE WHEN category LIKE 'Films%' THEN 'film' ELSE 'tv' END AS kind
FROM (SELECT source, category, before_show_title AS show_title,
             before_season_title AS season_title FROM feed_diff
      UNION ALL
      SELECT source, category, after_show_title, after_season_title FROM feed_diff)
WHERE show_title IS NOT NULL;

CREATE TEMP TABLE changed_weeks AS
WITH nl AS (SELECT source, scope, week, lag(week) OVER w AS prev, lead(week) OVER w AS next
            FROM feed_new_weeks
            WINDOW w AS (PARTITION BY source, scope ORDER BY week)),
     ol AS (SELECT source, scope, week, lag(week) OVER w AS prev, lead(week) OVER w AS next
            FROM feed_old_weeks
            WINDOW w AS (PARTITION BY source, scope ORDER BY week))
SELECT nl.source, nullif(nl.scope, '') AS country, nl.week
FROM nl LEFT JOIN ol ON ol.source = nl.source AND ol.scope = nl.scope AND ol.week = nl.week
WHERE ol.week IS NULL OR nl.prev IS DISTINCT FROM ol.prev OR nl.next IS DISTINCT FROM ol.next
   OR EXISTS (SELECT 1 FROM feed_weeks f WHERE f.source = nl.source AND f.scope = nl.scope
              AND (f.week = nl.week OR f.week = nl.week - 7));
"""


def prepare_feed(con: duckdb.DuckDBPyConnection, number: int, published_at: dt.datetime,
                 previous_number: int | None, *, carried: bool = False) -> dict[str, int]:
    """Fill the feed tables of release ``number`` (``con``: the release being written, its
    chart tables copied; the previous release, if any, attached as ``previous_release``):
    the previous feed, then this release's changes against it (all weeks added when there
    is none). ``carried``: the release began as a copy of the previous one, so the feed is
    there already, and only the weeks of the temporary table ``changed_parts`` can differ
    (only they are compared: the cost of the weeks changed, not of the history). Leaves the
    temporary tables ``changed_titles`` and ``changed_weeks`` (what this release must
    compute afresh). Returns this release's counts."""
    within = f" WHERE {IN_CHANGED_PARTS.format(alias='p')}" if carried else ""
    if previous_number is not None:
        for table in () if carried else ("release_log", "release_weeks", "release_changes"):
            con.execute(f"INSERT INTO {table} SELECT * FROM previous_release.{table}")
        old = f"SELECT * FROM ({_POSITIONS.format(db='previous_release.')}) p{within}"
        old_weeks = _WEEK_LIST.format(db="previous_release.")
    else:  # the first release: all is new
        old = _POSITIONS.format(db="") + " LIMIT 0"
        old_weeks = _WEEK_LIST.format(db="") + " LIMIT 0"
    con.execute(f"CREATE TEMP TABLE feed_old AS {old}")
    con.execute(f"CREATE TEMP TABLE feed_new AS SELECT * FROM ({_POSITIONS.format(db='')}) p"
                + within)
    con.execute(f"CREATE TEMP TABLE feed_old_weeks AS {old_weeks}")
    con.execute(f"CREATE TEMP TABLE feed_new_weeks AS {_WEEK_LIST.format(db='')}")
    con.execute(_DIFF)
    con.execute(_WEEKS)
    con.execute(
        """INSERT INTO release_weeks
           SELECT ?, source, nullif(scope, ''), week, status, positions FROM feed_weeks""",
        [number])
    con.execute(
        """INSERT INTO release_changes
           SELECT ?, d.source, nullif(d.scope, ''), d.week, d.category, d.rank,
                  d.before_show_title, d.before_season_title, d.before_hours, d.before_views,
                  d.after_show_title, d.after_season_title, d.after_hours, d.after_views
           FROM feed_diff d JOIN feed_weeks w USING (source, scope, week)
           WHERE w.status = 'revised'""", [number])
    [found] = con.execute(
        """SELECT count(*) FILTER (WHERE status = 'added'),
                  count(*) FILTER (WHERE status = 'revised'),
                  count(*) FILTER (WHERE status = 'removed'),
                  coalesce(sum(positions) FILTER (WHERE status = 'revised'), 0)
           FROM feed_weeks""").fetchall()
    added, revised, removed, positions = (int(v) for v in found)
    con.execute("INSERT INTO release_log VALUES (?, ?, ?, ?, ?, ?, ?)",
                [number, published_at, previous_number, added, revised, removed, positions])
    con.execute(_CHANGED)
    for table in ("feed_old", "feed_new", "feed_diff", "feed_weeks", "feed_old_weeks",
                  "feed_new_weeks"):
        con.execute(f"DROP TABLE {table}")
    return {"weeks_added": added, "weeks_revised": revised, "weeks_removed": removed,
            "positions_changed": positions}


# --- questions -----------------------------------------------------------------------------


def feed(con: duckdb.DuckDBPyConnection, *, since: int | None = None, limit: int = 20
         ) -> list[dict[str, Any]]:
    """The releases after ``since`` (all when None), newest first, at most ``limit``: each
    with its counts and the weeks it revised or removed (added weeks are counted only: a
    weekly update adds one of each list)."""
    log = con.execute(
        """SELECT release, published_at, previous, weeks_added, weeks_revised, weeks_removed,
                  positions
           FROM release_log WHERE ?::INTEGER IS NULL OR release > ?
           ORDER BY release DESC LIMIT ?""", [since, since, limit]).fetchall()
    releases = [r[0] for r in log]
    weeks = con.execute(
        """SELECT release, source, country, week, status, positions FROM release_weeks
           WHERE release IN (SELECT unnest(?::INTEGER[])) AND status <> 'added'
           ORDER BY release DESC, source, country NULLS FIRST, week""",
        [releases]).fetchall()
    added = con.execute(
        """SELECT release, min(week), max(week) FROM release_weeks
           WHERE release IN (SELECT unnest(?::INTEGER[])) AND status = 'added'
           GROUP BY release""", [releases]).fetchall()
    spans = {r[0]: (iso(r[1]), iso(r[2])) for r in added}
    out = []
    for r in log:
        first, last = spans.get(r[0], (None, None))
        out.append({
            "release": r[0], "published_at": r[1].isoformat(timespec="seconds"),
            "previous": r[2], "weeks_added": r[3], "weeks_revised": r[4],
            "weeks_removed": r[5], "positions_changed": r[6],
            "added_from": first, "added_to": last,
            "weeks": [{"source": w[1], "country": w[2], "week": iso(w[3]), "status": w[4],
                       "positions": w[5]} for w in weeks if w[0] == r[0]],
        })
    return out


def story_index(con: duckdb.DuckDBPyConnection, source: str
                ) -> dict[tuple[str | None, dt.date], tuple[int | None, bool]]:
    """Per week of ``source`` (country, week): the release that first published it and
    whether a later one revised it; loaded once per release, so a week that was never
    revised costs no query."""
    rows = con.execute(
        """SELECT country, week, max(release) FILTER (WHERE status = 'added'),
                  bool_or(status = 'revised')
           FROM release_weeks WHERE source = ? GROUP BY ALL""", [source]).fetchall()
    return {(r[0], r[1]): (r[2], bool(r[3])) for r in rows}


def week_story(con: duckdb.DuckDBPyConnection, source: str, week: dt.date,
               country: str | None = None,
               index: dict[tuple[str | None, dt.date], tuple[int | None, bool]] | None = None
               ) -> dict[str, Any]:
    """One week's story over the releases: the release that first published it, each that
    revised it, and what each revision changed, position by position (``index``:
    :func:`story_index`, to skip the queries for a week never revised)."""
    if index is not None:
        first, revised = index.get((country, week), (None, False))
        if not revised:
            return {"first_release": first, "revisions": []}
    events = con.execute(
        """SELECT release, status, positions FROM release_weeks
           WHERE source = ? AND country IS NOT DISTINCT FROM ? AND week = ?
           ORDER BY release""", [source, country, week]).fetchall()
    changes = con.execute(
        """SELECT release, category, rank, before_show_title, before_season_title,
                  before_hours, before_views, after_show_title, after_season_title,
                  after_hours, after_views
           FROM release_changes
           WHERE source = ? AND country IS NOT DISTINCT FROM ? AND week = ?
           ORDER BY release, category, rank""", [source, country, week]).fetchall()
    first = next((e[0] for e in reversed(events) if e[1] == "added"), None)
    revisions = [
        {"release": e[0], "positions": e[2],
         "changes": [{"category": c[1], "weekly_rank": c[2],
                      "before": _side(c[3], c[4], c[5], c[6]),
                      "after": _side(c[7], c[8], c[9], c[10])}
                     for c in changes if c[0] == e[0]]}
        for e in events if e[1] == "revised" and (first is None or e[0] > first)
    ]
    return {"first_release": first, "revisions": revisions}


def _side(show: str | None, season: str | None, hours: float | None,
          views: float | None) -> dict[str, Any] | None:
    if show is None:
        return None
    return {"show_title": show, "season_title": season, "weekly_hours_viewed": hours,
            "weekly_views": views}
