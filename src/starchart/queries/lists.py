"""Chart questions about weeks and lists: which weeks exist, one week's lists, leaderboards,
the all-time Most Popular lists. Shapes follow docs/query-api.md.

All SQL runs in DuckDB with bound parameters; the only text spliced into SQL comes from
fixed tables in this module (metric expressions), never from the caller.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from starchart.coverage import has_table
from starchart.display import whole_numbers
from starchart.queries.base import (
    KIND_SQL,
    CategoryFilter,
    NotFound,
    as_date,
    display_country,
    insert_arrow,
    iso,
    kind_sql,
    pack,
    parse_category,
    unpack,
    wanted_week,
)
from starchart.queries.record import leaders_coverage
from starchart.queries.slugs import show_slug, title_name, title_slug
from starchart.weeks import COUNTRY_CATEGORIES, GLOBAL_CATEGORIES

if TYPE_CHECKING:
    import pandas as pd


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


def weeks(con: duckdb.DuckDBPyConnection, source: str, country: str | None = None
          ) -> dict[dt.date, int]:
    """The chart weeks of the global lists, or of one country's, newest first, each with
    the row id of its answer in ``week_pages`` (reading it is a direct fetch)."""
    rows = con.execute(
        """SELECT week, rowid FROM week_pages WHERE source = ? AND country IS NOT DISTINCT FROM ?
           ORDER BY week DESC""", [source, country]).fetchall()
    return {r[0]: r[1] for r in rows}


def country_week_spans(con: duckdb.DuckDBPyConnection, source: str
                       ) -> dict[str, tuple[dt.date, dt.date]]:
    """ISO code -> the first and last week of that country's lists, in one query (a query
    per country cost ~1 ms each, 95 of them, whenever a release was prepared)."""
    rows = con.execute(
        """SELECT country, min(week), max(week) FROM week_pages
           WHERE source = ? AND country IS NOT NULL GROUP BY country""", [source]).fetchall()
    return {r[0]: (r[1], r[2]) for r in rows}


def country_names(con: duckdb.DuckDBPyConnection, source: str) -> dict[str, str]:
    """ISO code -> name, for every country with lists."""
    rows = con.execute(
        "SELECT DISTINCT country_iso2, country_name FROM chart_country WHERE source = ?",
        [source]).fetchall()
    return {code: name for code, name in rows}


def countries(con: duckdb.DuckDBPyConnection, source: str) -> list[dict[str, Any]]:
    """The countries that have lists: ``{"iso2", "name", "weeks"}``, by name."""
    rows = con.execute(
        """SELECT country_iso2, min(country_name), count(DISTINCT week)
           FROM chart_country WHERE source = ? GROUP BY country_iso2""", [source]).fetchall()
    found = [{"iso2": r[0], "name": display_country(r[0], r[1]), "weeks": int(r[2])}
             for r in rows]
    return sorted(found, key=lambda c: c["name"])


def _nearest(available: list[dt.date], wanted: dt.date, n: int = 3) -> list[dict[str, str]]:
    ranked = sorted(available, key=lambda w: (abs((w - wanted).days), w))
    return [{"week": w.isoformat()} for w in ranked[:n]]


def week(
    con: duckdb.DuckDBPyConnection,
    source: str,
    available: dict[dt.date, int],
    week: str | dt.date | None = None,
    country: str | None = None,
    *,
    answers: Mapping[int, bytes] | None = None,
) -> dict[str, Any]:
    """One week's lists (by default, or for ``latest``, the newest of ``available``,
    :func:`weeks`' answer; any day means the week containing it):
    the four global lists, or a country's two, each row with its rank the week before and the
    change; computed when the release was published (:func:`prepare_weeks`).

    ``previous_week``/``next_week`` are the neighbouring stored weeks (for browsing);
    ``compared_week`` is the week before when it is stored, else None, and then every row's
    ``previous_weekly_rank`` and ``change`` are None: no data for the previous week.
    ``answers`` (:func:`week_answers`, kept by a site) spares the query."""
    where = f"country {country}" if country else "the global lists"
    if not available:
        raise NotFound(f"no charts for {where} from source {source} in the store", [])
    asked = wanted_week(week)
    target = next(iter(available)) if asked is None else asked
    rowid = available.get(target)
    if rowid is None:
        near = _nearest(list(available), target)
        raise NotFound(
            f"no week {target.isoformat()} in {where} (source {source}); nearest: "
            f"{', '.join(s['week'] for s in near)}", near)
    answer = answers.get(rowid) if answers is not None else None
    if answer is None:
        [(answer,)] = con.execute("SELECT answer FROM week_pages WHERE rowid = ?",
                                  [rowid]).fetchall()
    return dict(unpack(answer))


def week_answers(con: duckdb.DuckDBPyConnection, source: str) -> dict[int, bytes]:
    """Every stored week answer of ``source`` (global and country lists) by row id, as
    :func:`week` reads them."""
    return dict(con.execute("SELECT rowid, answer FROM week_pages WHERE source = ?",
                            [source]).fetchall())


# Every week's answer in one statement, nested by DuckDB. Each scope (the global lists,
# scope '', or one country's) has its weeks; a row's move compares it with the calendar week
# before, never an older stored week: across a gap in the data there is nothing to compare
# with. Slugs come from the registered table _slugs (Python's slug rules).
_WEEK_ANSWERS = """
WITH weeks AS (
  SELECT scope, week, lag(week) OVER w AS previous_week, lead(week) OVER w AS next_week
  FROM (SELECT DISTINCT '' AS scope, week FROM chart_global WHERE source = $source
        UNION ALL
        SELECT DISTINCT country_iso2, week FROM chart_country WHERE source = $source)
  WINDOW w AS (PARTITION BY scope ORDER BY week)),
wanted AS (SELECT * FROM weeks {wanted}),
rows AS (
  SELECT '' AS scope, c.week, c.category, c.weekly_rank AS rank, c.show_title,
         c.season_title, c.weekly_hours_viewed AS hours, c.runtime, c.weekly_views AS views,
         c.cumulative_weeks_in_top_10 AS cumulative, p.weekly_rank AS previous_rank,
         c.title_id
  FROM chart_global c
  LEFT JOIN chart_global p
    ON p.source = c.source AND p.week = c.week - 7 AND p.category = c.category
   AND p.show_title = c.show_title AND p.season_title IS NOT DISTINCT FROM c.season_title
  WHERE c.source = $source
    AND EXISTS (SELECT 1 FROM wanted w WHERE w.scope = '' AND w.week = c.week)
  UNION ALL
  SELECT c.country_iso2, c.week, c.category, c.weekly_rank, c.show_title, c.season_title,
         NULL, NULL, NULL, c.cumulative_weeks_in_top_10, p.weekly_rank, c.title_id
  FROM chart_country c
  LEFT JOIN chart_country p
    ON p.source = c.source AND p.country_iso2 = c.country_iso2
   AND p.week = c.week - 7 AND p.category = c.category AND p.show_title = c.show_title
   AND p.season_title IS NOT DISTINCT FROM c.season_title
  WHERE c.source = $source
    AND EXISTS (SELECT 1 FROM wanted w WHERE w.scope = c.country_iso2 AND w.week = c.week)),
lists AS (
  SELECT r.scope, r.week, r.category,
         list({{'weekly_rank': r.rank, 'show_title': r.show_title, 'season_title': r.season_title,
                'slug': s.slug, 'show_slug': s.show_slug, 'weekly_hours_viewed': r.hours,
                'runtime': r.runtime, 'weekly_views': r.views,
                'cumulative_weeks_in_top_10': r.cumulative,
                'previous_weekly_rank': r.previous_rank, 'title_id': r.title_id,
                'change': CASE WHEN w.previous_week IS DISTINCT FROM r.week - 7 THEN NULL
                               WHEN r.previous_rank IS NULL THEN 'new'
                               WHEN r.rank < r.previous_rank THEN 'up'
                               WHEN r.rank > r.previous_rank THEN 'down'
                               ELSE 'same' END}} ORDER BY r.rank) AS rows
  FROM rows r JOIN weeks w USING (scope, week)
  JOIN _slugs s ON s.show_title = r.show_title
   AND s.season_title IS NOT DISTINCT FROM r.season_title
  GROUP BY ALL)
SELECT nullif(w.scope, '') AS country, w.week, strftime(w.previous_week, '%Y-%m-%d'),
       strftime(w.next_week, '%Y-%m-%d'),
       CASE WHEN w.previous_week = w.week - 7 THEN strftime(w.previous_week, '%Y-%m-%d') END,
       list({{'category': l.category, 'rows': l.rows}}
            ORDER BY coalesce(list_position({order}, l.category), 99), l.category)
FROM wanted w JOIN lists l USING (scope, week)
GROUP BY ALL
"""

# Of the pages copied with the previous release, those to compute again: of weeks whose
# rows, or whose neighbours' rows, changed (changed_weeks: see
# starchart.queries.feed.prepare_feed), and of weeks no longer listed.
_REUSE_WEEKS = """
DELETE FROM week_pages
WHERE source = $source
  AND (EXISTS (SELECT 1 FROM changed_weeks c WHERE c.source = week_pages.source
               AND c.country IS NOT DISTINCT FROM week_pages.country
               AND c.week = week_pages.week)
       OR (country IS NULL AND NOT EXISTS (
             SELECT 1 FROM chart_global g WHERE g.source = week_pages.source
             AND g.week = week_pages.week))
       OR (country IS NOT NULL AND NOT EXISTS (
             SELECT 1 FROM chart_country g WHERE g.source = week_pages.source
             AND g.country_iso2 = week_pages.country AND g.week = week_pages.week)))
"""


def prepare_weeks(con: duckdb.DuckDBPyConnection, source: str, *, reuse: bool = False) -> int:
    """Fill ``week_pages`` for ``source`` (publishing a release): every week's global lists
    and every country's, as :func:`week` answers them. Returns the weeks computed.

    ``reuse``: the release began as a copy of the previous one; keep its pages of the
    weeks not in the temporary table ``changed_weeks`` (nor gone), and compute only the
    others."""
    names = {code: display_country(code, name)
             for code, name in country_names(con, source).items()}
    titles = con.execute(
        """SELECT DISTINCT show_title, season_title FROM chart_global WHERE source = $s
           UNION SELECT DISTINCT show_title, season_title FROM chart_country WHERE source = $s""",
        {"s": source}).fetchall()
    slugs = pa.table({
        "show_title": pa.array([t[0] for t in titles], pa.string()),
        "season_title": pa.array([t[1] for t in titles], pa.string()),
        "slug": pa.array([title_slug(t[0], t[1]) for t in titles], pa.string()),
        "show_slug": pa.array([show_slug(t[0]) for t in titles], pa.string())})
    out: dict[str, list[Any]] = {"source": [], "country": [], "week": [], "answer": []}
    wanted = ""
    if reuse:
        con.execute(_REUSE_WEEKS, {"source": source})
        wanted = """WHERE NOT EXISTS (SELECT 1 FROM week_pages p WHERE p.source = $source
                    AND coalesce(p.country, '') = weeks.scope AND p.week = weeks.week)"""
    con.register("_slugs", slugs)
    try:
        for scope, order in ((False, GLOBAL_CATEGORIES), (True, COUNTRY_CATEGORIES)):
            sql = _WEEK_ANSWERS.format(
                order="[" + ", ".join(f"'{c}'" for c in order) + "]", wanted=wanted)
            where = "WHERE country IS NOT NULL" if scope else "WHERE country IS NULL"
            for code, target, previous, following, compared, lists in con.execute(
                    f"SELECT * FROM ({sql}) {where}", {"source": source}).fetchall():
                answer = {
                    "week": target.isoformat(), "source": source, "country": code,
                    "country_name": names.get(code) if code else None,
                    "previous_week": previous, "compared_week": compared,
                    "next_week": following, "lists": lists,
                }
                out["source"].append(source)
                out["country"].append(code)
                out["week"].append(target)
                out["answer"].append(pack(answer))
    finally:
        con.unregister("_slugs")
    table = pa.table({"source": pa.array(out["source"], pa.string()),
                      "country": pa.array(out["country"], pa.string()),
                      "week": pa.array(out["week"], pa.date32()),
                      "answer": pa.array(out["answer"], pa.binary())})
    insert_arrow(con, "week_pages", table)
    return table.num_rows


def most_popular(
    con: duckdb.DuckDBPyConnection, source: str, category: str | None = None
) -> dict[str, Any]:
    """The all-time Most Popular lists (most views in a title's first 91, once 28, days)."""
    wanted = parse_category(category)
    rows = con.execute(
        f"""SELECT category, rank, show_title, season_title, hours_viewed, runtime, views,
                   window_days, in_progress, title_id
            FROM most_popular
            WHERE source = ? AND (?::VARCHAR IS NULL OR category = ?)
              AND (?::VARCHAR IS NULL OR {KIND_SQL} = ?)
            ORDER BY category, rank""",
        [source, wanted.global_category, wanted.global_category, wanted.kind, wanted.kind],
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
    return whole_numbers(
        {"source": source, "lists": [{"category": c, "rows": lists[c]} for c in ordered]})


# --- leaderboards ---------------------------------------------------------------------------

# metric -> (value column, tie-break order shown after the shared rank)
_GLOBAL_METRICS = {
    "weeks-at-1": ("weeks_at_1", "weeks_in_top_10 DESC"),
    "weeks-in-top-10": ("weeks_in_top_10", "weeks_at_1 DESC"),
    "views": ("views", "weeks_in_top_10 DESC"),
}


# Each leaderboard asked for, by its index: a global list (category), a kind, or all lists.
_BOARDS = """boards AS (SELECT unnest($boards::INTEGER[]) AS board,
                            unnest($categories::VARCHAR[]) AS board_category,
                            unnest($kinds::VARCHAR[]) AS board_kind)"""
_ON_BOARD = """JOIN boards ON (board_category IS NULL OR category = board_category)
               AND (board_kind IS NULL OR kind = board_kind)"""


def _board_params(src: str, boards: Sequence[CategoryFilter], since: dt.date | None,
                  until: dt.date | None, limit: int) -> dict[str, Any]:
    return {"source": src, "since": since, "until": until, "limit": limit,
            "boards": list(range(len(boards))),
            "categories": [b.global_category for b in boards],
            "kinds": [b.kind for b in boards]}


def _split(table: pa.Table, count: int) -> list[pa.Table]:
    """One table per board from a query's ``board`` column (the board's index)."""
    boards = table.column("board")
    rows = table.drop_columns(["board"])
    return [rows.filter(pc.equal(boards, i)) for i in range(count)]


def _global_leaders(con: duckdb.DuckDBPyConnection, by: str, src: str,
                    boards: Sequence[CategoryFilter], since: dt.date | None,
                    until: dt.date | None, limit: int) -> list[pa.Table]:
    """The leaderboards ``boards`` of the global lists by ``by``, from one pass over them."""
    metric, then = _GLOBAL_METRICS[by]
    order = (f"{metric} DESC, {then}, first_week, show_title, season_title NULLS FIRST, "
             "category")
    return _split(_arrow(con,
        f"""WITH {_BOARDS},
            t AS (
              SELECT show_title, season_title, category, {KIND_SQL} AS kind,
                     count(*) AS weeks_in_top_10,
                     count(*) FILTER (WHERE weekly_rank = 1) AS weeks_at_1,
                     min(weekly_rank) AS peak_rank,
                     sum(weekly_hours_viewed ORDER BY week) AS hours_viewed,
                     sum(weekly_views ORDER BY week) AS views,
                     count(weekly_views) AS views_weeks, min(title_id) AS title_id,
                     min(week) AS first_week, max(week) AS last_week
              FROM chart_global
              WHERE source = $source
                AND ($since::DATE IS NULL OR week >= $since)
                AND ($until::DATE IS NULL OR week <= $until)
              GROUP BY show_title, season_title, category)
            SELECT board, rank() OVER (PARTITION BY board ORDER BY {metric} DESC) AS rank,
                   show_title, season_title, category, {metric} AS value, kind,
                   weeks_in_top_10, weeks_at_1, peak_rank, hours_viewed, views, views_weeks,
                   first_week, last_week, title_id
            FROM t {_ON_BOARD}
            WHERE {metric} > 0
            QUALIFY row_number() OVER (PARTITION BY board ORDER BY {order}) <= $limit
            ORDER BY board, {order}""",
        _board_params(src, boards, since, until, limit)), len(boards))


def _country_leaders(con: duckdb.DuckDBPyConnection, src: str,
                     boards: Sequence[CategoryFilter], since: dt.date | None,
                     until: dt.date | None, limit: int) -> list[pa.Table]:
    """The leaderboards ``boards`` by countries in the Top 10, from one pass over the
    country lists (a title's category: its global list's, else its country list's)."""
    order = ("countries DESC, countries_at_1 DESC, first_week, show_title, "
             "season_title NULLS FIRST, category")
    return _split(_arrow(con,
        f"""WITH {_BOARDS},
            c AS (
              SELECT show_title, season_title, category, country_iso2, week, weekly_rank
              FROM chart_country
              WHERE source = $source
                AND ($since::DATE IS NULL OR week >= $since)
                AND ($until::DATE IS NULL OR week <= $until)),
            g AS (
              SELECT show_title, season_title, {KIND_SQL} AS kind, min(category) AS category
              FROM chart_global WHERE source = $source
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
            SELECT board, rank() OVER (PARTITION BY board ORDER BY countries DESC) AS rank,
                   show_title, season_title, category, countries AS value, kind,
                   countries_at_1, max_in_one_week, max_in_one_week_week, weeks, first_week,
                   last_week
            FROM t {_ON_BOARD}
            QUALIFY row_number() OVER (PARTITION BY board ORDER BY {order}) <= $limit
            ORDER BY board, {order}""",
        _board_params(src, boards, since, until, limit)), len(boards))


PREPARED_LIMIT = 200
"""How many rows of each all-time leaderboard a release holds (the site's most)."""


def leaders(
    con: duckdb.DuckDBPyConnection,
    source: str,
    by: str = "weeks-at-1",
    *,
    category: str | None = None,
    since: str | dt.date | None = None,
    until: str | dt.date | None = None,
    limit: int = 20,
    country: str | None = None,
) -> pd.DataFrame:
    """Leaderboards over all time or a period: most weeks at #1 or in the Top 10 of a global
    list, most countries whose Top 10 held the title, most views; with ``country`` (an ISO
    code, resolved by the caller) most weeks at #1 or in the Top 10 of that country's Films
    and TV lists (:mod:`starchart.queries.country_charts`).

    Columns: rank (ties share it), show_title, season_title, slug, category, value, then
    extras (kind, weeks, peak rank, first and last week, title_id...; ``views_partial`` on
    the views board: views published for only some of its weeks). ``attrs["coverage"]``
    says which weeks the board counts (:func:`starchart.queries.record.leaders_coverage`).
    All-time boards come from the release (:func:`prepare_leaders`); a period is
    computed."""
    key = leader_metric(by)
    if limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit}")
    wanted = parse_category(category)
    start = as_date(since, "since")
    end = as_date(until, "until")
    if start and end and start > end:
        raise ValueError(f"since ({start}) is after until ({end})")
    if country is not None:
        from starchart.queries.country_charts import (
            check_country_metric,
            country_leaders,
            country_leaders_coverage,
        )

        check_country_metric(key)
        if wanted.global_category:
            raise ValueError(f"a country's lists are Films and TV, not {wanted.global_category}")
        frame = _frame(_with_slugs(country_leaders(
            con, source, key, country, wanted.kind, start, end, limit), key,
            _labels(con, source)))
        frame.attrs["coverage"] = country_leaders_coverage(con, source, country, start, end)
        return frame
    if start is None and end is None and limit <= PREPARED_LIMIT:
        found = con.execute(
            """SELECT rows, coverage FROM leader_pages
               WHERE source = ? AND board = ? AND category IS NOT DISTINCT FROM ?""",
            [source, key, _board(wanted)]).fetchall()
        if found:
            with pa.ipc.open_stream(found[0][0]) as stream:
                frame = _frame(stream.read_all().slice(0, limit))
            frame.attrs["coverage"] = unpack(found[0][1])
            return frame
    [board] = _leaders(con, source, key, [wanted], start, end, limit)
    frame = _frame(board)
    frame.attrs["coverage"] = leaders_coverage(con, source, key, start, end)
    return frame


def _board(wanted: CategoryFilter) -> str | None:
    """How ``leader_pages`` names a category filter: a global list, ``film`` or ``tv``."""
    return wanted.global_category or wanted.kind


def _arrow(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any]) -> pa.Table:
    cursor = con.cursor()  # its own result: the caller's may hold one open
    try:
        return cursor.sql(sql, params=params).to_arrow_table()
    finally:
        cursor.close()


def _leaders(con: duckdb.DuckDBPyConnection, source: str, key: str,
             boards: Sequence[CategoryFilter], start: dt.date | None, end: dt.date | None,
             limit: int) -> list[pa.Table]:
    """The leaderboards ``boards`` by ``key`` as Arrow tables: the query's columns, with
    ``slug`` after the titles and weeks as 'YYYY-MM-DD'."""
    if key == "countries":
        tables = _country_leaders(con, source, boards, start, end, limit)
    else:
        tables = _global_leaders(con, key, source, boards, start, end, limit)
    labels = _labels(con, source)
    return [_with_slugs(table, key, labels) for table in tables]


def _with_slugs(table: pa.Table, key: str, labels: dict[str, str]) -> pa.Table:
    """A leaderboard's query answer with ``slug`` after the titles, ``name`` (an unnumbered
    first season named as season 1: ``labels``, :func:`_labels`) and weeks as text."""
    shows = table.column("show_title").to_pylist()
    seasons = table.column("season_title").to_pylist()
    table = table.add_column(3, "slug", pa.array(
        [title_slug(s, t) for s, t in zip(shows, seasons, strict=True)], pa.string()))
    kinds = table.column("kind").to_pylist()
    table = table.append_column("name", pa.array(
        [(labels.get(s) if t is None and k == "tv" else None) or title_name(s, t)
         for s, t, k in zip(shows, seasons, kinds, strict=True)], pa.string()))
    for col in ("first_week", "last_week", "max_in_one_week_week"):
        if col in table.column_names:
            at = table.column_names.index(col)
            table = table.set_column(at, col, pa.array(
                [iso(_as_day(v)) for v in table.column(col).to_pylist()], pa.string()))
    if key == "views":  # a sum over only some of its weeks in the Top 10 says so
        partial = pc.less(table.column("views_weeks"), table.column("weeks_in_top_10"))
        table = table.append_column("views_partial", partial)
    return table


def _labels(con: duckdb.DuckDBPyConnection, source: str) -> dict[str, str]:
    """The shows whose unnumbered listing is, by the data, their first season, and how it
    reads ("Stranger Things: Season 1"): the release's ``title_index`` says."""
    if not has_table(con, "title_index"):
        return {}
    return dict(con.execute(
        """SELECT show_title, label FROM title_index
           WHERE source = ? AND season_title IS NULL AND kind = 'tv' AND label IS NOT NULL""",
        [source]).fetchall())


def _frame(table: pa.Table) -> pd.DataFrame:
    """The DataFrame api.leaders answers: missing season titles as None."""
    import pandas as pd

    frame = table.to_pandas()
    frame["season_title"] = pd.Series(_nullable(frame["season_title"]), dtype=object)
    return frame.reset_index(drop=True)


def prepare_leaders(con: duckdb.DuckDBPyConnection, source: str, *, reuse: bool = False
                    ) -> int:
    """Fill ``leader_pages`` for ``source`` (publishing a release): the top
    :data:`PREPARED_LIMIT` of every all-time leaderboard, overall, per global list and per
    kind. Returns the boards computed.

    ``reuse``: the release began as a copy of the previous one; when no list of ``source``
    changed since (the temporary table ``changed_titles`` is empty for it), its boards are
    kept."""
    if reuse:
        [(changed,)] = con.execute(
            "SELECT count(*) FROM changed_titles WHERE source = ?", [source]).fetchall()
        if not changed:
            return 0
        con.execute("DELETE FROM leader_pages WHERE source = ?", [source])
    filters = [CategoryFilter(), *(CategoryFilter(global_category=c) for c in GLOBAL_CATEGORIES),
               CategoryFilter(kind="film"), CategoryFilter(kind="tv")]
    out: dict[str, list[Any]] = {"source": [], "board": [], "category": [], "rows": [],
                                 "coverage": []}
    for key in LEADER_METRICS:  # every board of a metric from one query
        covered = pack(leaders_coverage(con, source, key, None, None))
        boards = _leaders(con, source, key, filters, None, None, PREPARED_LIMIT)
        for wanted, board in zip(filters, boards, strict=True):
            # rebuilt from its values: DuckDB leaves stray bytes under NULLs and splits
            # results at will, and the same board must be the same bytes in every release
            board = pa.Table.from_pylist(board.to_pylist(), schema=board.schema)
            sink = pa.BufferOutputStream()
            with pa.ipc.new_stream(sink, board.schema) as stream:
                stream.write_table(board)
            out["source"].append(source)
            out["board"].append(key)
            out["category"].append(_board(wanted))
            out["rows"].append(sink.getvalue().to_pybytes())
            out["coverage"].append(covered)
    table = pa.table({name: pa.array(values, pa.binary() if name in ("rows", "coverage")
                                     else pa.string())
                      for name, values in out.items()})
    insert_arrow(con, "leader_pages", table)
    return table.num_rows


def _nullable(values: Iterable[Any]) -> list[Any]:
    """Missing values (None, NaN, pandas' NA) as None."""
    return [None if v is None or (isinstance(v, float) and v != v)
            or type(v).__name__ == "NAType" else v for v in values]


def _as_day(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return None
