"""A title's record, the way the press quotes it: weeks in the Top 10 and at #1 per global
list, peak rank, hours and views, and the countries whose Top 10 held it.

A title is a film or one season (show_title + season_title); a show groups its seasons. The
same aggregation serves both: for a show, a week counts once however many of its seasons
charted, its rank that week is its best season's, hours and views add up.

Every record is computed once, for all titles together, when a release is published
(:func:`prepare_titles` fills ``title_pages``); a question then reads one row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import duckdb
import pyarrow as pa

from starchart import coverage
from starchart.queries.base import (
    KIND_SQL,
    TV_SQL,
    NotFound,
    insert_arrow,
    iso,
    pack,
    unpack,
)
from starchart.queries.record import (
    brief,
    has_identities,
    ids_of_names,
    is_title_id,
    state_coverage,
    work_names,
)
from starchart.queries.search import Title, TitleIndex, universe
from starchart.queries.seasons import natural_key
from starchart.queries.slugs import normalise, show_slug, title_name, title_slug

SUGGESTIONS = 5

Key = tuple[str, str | None, str]
"""A title (show_title, season_title, kind), or a show (show_title, None, 'tv')."""


# Every record in one statement, nested by DuckDB (lists of structs arrive as Python lists of
# dicts; hours and views stay the exact doubles DuckDB summed, in a fixed order: a sum of
# doubles depends on it, and a page must be the same bytes however the rows are stored).
# {key} names the record (a title, or a show and its seasons), {only} restricts a show to TV
# lists; both are fixed text from records(), never input.
_RECORDS = """
WITH g AS (
  SELECT {key}, week, category, min(weekly_rank) AS rank,
         sum(weekly_hours_viewed ORDER BY weekly_rank) AS hours,
         sum(weekly_views ORDER BY weekly_rank) AS views
  FROM chart_global WHERE source = $source {only} GROUP BY ALL),
c AS (
  SELECT {key}, week, country_iso2 AS iso2, min(country_name) AS name,
         min(weekly_rank) AS rank
  FROM chart_country WHERE source = $source {only} GROUP BY ALL),
cw AS (  -- per record and week: its countries, best rank first
  SELECT show_title, season_title, kind, week, count(*) AS n,
         count(*) FILTER (WHERE rank = 1) AS n1,
         list({{'iso2': iso2, 'name': name, 'weekly_rank': rank}} ORDER BY rank, iso2)
           AS in_top_10,
         coalesce(list({{'iso2': iso2, 'name': name}} ORDER BY rank, iso2)
                  FILTER (WHERE rank = 1), []) AS at_1
  FROM c GROUP BY ALL),
gl AS (  -- per record and global list
  SELECT show_title, season_title, kind, category, count(*) AS weeks_in_top_10,
         count(*) FILTER (WHERE rank = 1) AS weeks_at_1, min(rank) AS peak_rank,
         min(week) AS first_week, max(week) AS last_week,
         sum(hours ORDER BY week) AS hours_viewed, sum(views ORDER BY week) AS views
  FROM g GROUP BY ALL),
lists AS (
  SELECT show_title, season_title, kind,
         list({{'category': category, 'weeks_in_top_10': weeks_in_top_10,
                'weeks_at_1': weeks_at_1, 'peak_rank': peak_rank,
                'first_week': strftime(first_week, '%Y-%m-%d'),
                'last_week': strftime(last_week, '%Y-%m-%d'),
                'hours_viewed': hours_viewed, 'views': views}}
              ORDER BY first_week, category) AS lists
  FROM gl GROUP BY ALL),
reach AS (
  SELECT show_title, season_title, kind,
         max(n) AS max_in_one_week,
         strftime(min(week) FILTER (WHERE n = max_n), '%Y-%m-%d') AS max_in_one_week_week,
         list({{'week': strftime(week, '%Y-%m-%d'), 'in_top_10': in_top_10, 'at_1': at_1}}
              ORDER BY week) AS weeks
  FROM (SELECT *, max(n) OVER (PARTITION BY show_title, season_title, kind) AS max_n FROM cw)
  GROUP BY ALL),
distinct_countries AS (
  SELECT show_title, season_title, kind, count(DISTINCT iso2) AS distinct_in_top_10,
         count(DISTINCT iso2) FILTER (WHERE rank = 1) AS distinct_at_1
  FROM c GROUP BY ALL),
run_rows AS (
  SELECT g.show_title, g.season_title, g.kind, g.week, g.category, g.rank, g.hours,
         g.views, coalesce(cw.n, 0) AS n, coalesce(cw.n1, 0) AS n1
  FROM g LEFT JOIN cw ON cw.show_title = g.show_title
   AND cw.season_title IS NOT DISTINCT FROM g.season_title AND cw.kind = g.kind
   AND cw.week = g.week
  UNION ALL  -- weeks on country lists only
  SELECT cw.show_title, cw.season_title, cw.kind, cw.week, NULL, NULL, NULL, NULL, cw.n,
         cw.n1
  FROM cw ANTI JOIN g ON g.show_title = cw.show_title
   AND g.season_title IS NOT DISTINCT FROM cw.season_title AND g.kind = cw.kind
   AND g.week = cw.week),
run AS (
  SELECT show_title, season_title, kind,
         list({{'week': strftime(week, '%Y-%m-%d'), 'category': category,
                'weekly_rank': rank, 'weekly_hours_viewed': hours, 'weekly_views': views,
                'countries_in_top_10': n,
                'countries_at_1': n1}} ORDER BY week, coalesce(category, '')) AS run
  FROM run_rows GROUP BY ALL)
SELECT run.show_title, run.season_title, run.kind, coalesce(l.lists, []),
       coalesce(d.distinct_in_top_10, 0), coalesce(d.distinct_at_1, 0),
       coalesce(r.max_in_one_week, 0), r.max_in_one_week_week, coalesce(r.weeks, []),
       run.run
FROM run
LEFT JOIN lists l ON l.show_title = run.show_title AND l.kind = run.kind
 AND l.season_title IS NOT DISTINCT FROM run.season_title
LEFT JOIN reach r ON r.show_title = run.show_title AND r.kind = run.kind
 AND r.season_title IS NOT DISTINCT FROM run.season_title
LEFT JOIN distinct_countries d ON d.show_title = run.show_title AND d.kind = run.kind
 AND d.season_title IS NOT DISTINCT FROM run.season_title
"""


def records(con: duckdb.DuckDBPyConnection, source: str, *, shows: bool = False,
            shows_named: set[str] | None = None, unlinked: bool = False,
            ) -> dict[Key, dict[str, Any]]:
    """Every title's record (or, with ``shows``, every show's over its seasons) of a source:
    what :func:`title_by_slug` answers, for all titles at once (or for those whose show
    title is in ``shows_named``; ``unlinked``: over the rows linked to no stable ID, what a
    name that is no work answers with)."""
    if shows:
        key, only = "show_title, NULL::VARCHAR AS season_title, 'tv' AS kind", f"AND {TV_SQL}"
    else:
        key, only = f"show_title, season_title, {KIND_SQL} AS kind", ""
    if unlinked:
        only += " AND coalesce(title_id, '') NOT LIKE 'nf-%'"
    params: dict[str, Any] = {"source": source}
    if shows_named is not None:
        if not shows_named:
            return {}
        only += " AND show_title IN (SELECT unnest($named::VARCHAR[]))"
        params["named"] = sorted(shows_named)
    found: dict[Key, dict[str, Any]] = {}
    for (show, season, kind), core in _cores(con, key, only, params):
        found[(show, season, kind)] = {
            "show_title": show,
            "season_title": season,
            "slug": show_slug(show) if shows else title_slug(show, season),
            "show_slug": show_slug(show),
            "kind": kind,
            **core,
        }
    return found


def work_records(con: duckdb.DuckDBPyConnection, source: str, ids: list[str] | None
                 ) -> dict[str, dict[str, Any]]:
    """The Top 10 record of each work in ``ids`` (None: every work; by its stable ID: every
    row linked to it, whatever name the list gave it), without names; works never listed
    are left out."""
    # a work's key: (title_id, NULL, 'work') in the statement's three key columns
    key = "title_id AS show_title, NULL::VARCHAR AS season_title, 'work' AS kind"
    only = "AND title_id LIKE 'nf-%'"
    params: dict[str, Any] = {"source": source}
    if ids is not None:
        if not ids:
            return {}
        only += " AND title_id IN (SELECT unnest($ids::VARCHAR[]))"
        params["ids"] = ids
    return {k[0]: core for k, core in _cores(con, key, only, params)}


def _cores(con: duckdb.DuckDBPyConnection, key: str, only: str, params: dict[str, Any]
           ) -> list[tuple[Key, dict[str, Any]]]:
    """Run :data:`_RECORDS`: each record's key and its lists, countries and run."""
    rows = con.execute(_RECORDS.format(key=key, only=only), params).fetchall()
    return [((show, season, kind), {
        "global": lists,
        "countries": {
            "distinct_in_top_10": distinct,
            "distinct_at_1": distinct_1,
            "max_in_one_week": most,
            "max_in_one_week_week": most_week,
            "weeks": weeks,
        },
        "run": run,
    }) for show, season, kind, lists, distinct, distinct_1, most, most_week, weeks, run in rows]


def empty_core() -> dict[str, Any]:
    """The lists, countries and run of a title never on a weekly list."""
    return {"global": [],
            "countries": {"distinct_in_top_10": 0, "distinct_at_1": 0, "max_in_one_week": 0,
                          "max_in_one_week_week": None, "weeks": []},
            "run": []}


def _empty(title: Title, whole_show: bool = False) -> dict[str, Any]:
    """The record of a title that is only on a Most Popular list."""
    show = title.show_title
    return {
        "show_title": show,
        "season_title": None if whole_show else title.season_title,
        "slug": show_slug(show) if whole_show else title.slug,
        "show_slug": show_slug(show),
        "kind": title.kind,
        **empty_core(),
    }


NO_WORK: dict[str, Any] = {"title_id": None, "identity": None, "most_popular": [],
                           "engagement": []}
"""What a record without a stable ID (engine charts, a show) says of one."""


def _names(title: Title) -> dict[str, Any]:
    """How a record names its title."""
    return {"show_title": title.show_title, "season_title": title.season_title,
            "slug": title.slug, "show_slug": show_slug(title.show_title), "kind": title.kind,
            "name": title.name, "season_number": title.number}


def _seasons(titles: list[Title]) -> dict[str, list[Title]]:
    """Each show's seasons in natural order (:func:`starchart.queries.seasons.natural_key`:
    Season 1, 2, ... 10, an unnumbered first season first)."""
    seasons: dict[str, list[Title]] = {}
    for t in titles:
        if t.kind == "tv":
            seasons.setdefault(t.show_title, []).append(t)
    for found in seasons.values():
        found.sort(key=lambda t: natural_key(t.number, t.first_week, t.season_title))
    return seasons


# Each season's global lists and weekly ranks, for a show's page (a row and a line per
# season). {only}: fixed text from _season_lists, never input.
_SEASON_LISTS = """
SELECT show_title, season_title, category, count(*) AS weeks_in_top_10,
       count(*) FILTER (WHERE weekly_rank = 1) AS weeks_at_1, min(weekly_rank) AS peak_rank,
       strftime(min(week), '%Y-%m-%d') AS first_week,
       strftime(max(week), '%Y-%m-%d') AS last_week,
       sum(weekly_hours_viewed ORDER BY week) AS hours_viewed,
       sum(weekly_views ORDER BY week) AS views,
       list({{'week': strftime(week, '%Y-%m-%d'), 'category': category,
              'weekly_rank': weekly_rank, 'weekly_hours_viewed': weekly_hours_viewed,
              'weekly_views': weekly_views}} ORDER BY week) AS run
FROM chart_global WHERE source = $source AND category LIKE 'TV%' {only}
GROUP BY ALL ORDER BY show_title, season_title, first_week, category
"""


def _season_lists(con: duckdb.DuckDBPyConnection, source: str, named: set[str] | None
                  ) -> dict[tuple[str, str | None], list[dict[str, Any]]]:
    """Each season's global lists (``named``: of these shows only), by (show, season)."""
    only, params = "", {"source": source}
    if named is not None:
        if not named:
            return {}
        only = "AND show_title IN (SELECT unnest($named::VARCHAR[]))"
        params["named"] = sorted(named)  # type: ignore[assignment]
    out: dict[tuple[str, str | None], list[dict[str, Any]]] = {}
    for (show, season, category, weeks, at_1, peak, first, last, hours, views,
         run) in con.execute(_SEASON_LISTS.format(only=only), params).fetchall():
        out.setdefault((show, season), []).append({
            "category": category, "weeks_in_top_10": weeks, "weeks_at_1": at_1,
            "peak_rank": peak, "first_week": first, "last_week": last,
            "hours_viewed": hours, "views": views, "run": run})
    return out


def _season_entry(title: Title, lists: list[dict[str, Any]]) -> dict[str, Any]:
    """One season on its show's page: its names and number, each global list it was on,
    and its weekly ranks."""
    hours = [g["hours_viewed"] for g in lists if g["hours_viewed"] is not None]
    views = [g["views"] for g in lists if g["views"] is not None]
    return {"slug": title.slug, "season_title": title.season_title,
            "season_number": title.number, "name": title.name,
            # over its global lists (a season is on one, TV English or not, nearly always)
            "weeks_in_top_10": sum(g["weeks_in_top_10"] for g in lists),
            "weeks_at_1": sum(g["weeks_at_1"] for g in lists),
            "peak_rank": min((g["peak_rank"] for g in lists), default=None),
            "first_week": min((g["first_week"] for g in lists), default=None),
            "last_week": max((g["last_week"] for g in lists), default=None),
            "hours_viewed": sum(hours) if hours else None,
            "views": sum(views) if views else None,
            "global": [{k: v for k, v in lst.items() if k != "run"} for lst in lists],
            "run": sorted((r for lst in lists for r in lst["run"]),
                          key=lambda r: (r["week"], r["category"]))}


def _briefs(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, Any]]:
    """Every work's ``also`` entry (:func:`starchart.queries.record.brief`), by ID."""
    rows = con.execute(
        "SELECT title_id, name, original_title, release_date FROM titles").fetchall()
    return {r[0]: brief(r[0], {"name": r[1], "original_title": r[2],
                               "release_date": iso(r[3])}) for r in rows}


def _alternate_names(con: duckdb.DuckDBPyConnection, linked: dict[Key, list[str]]
                     ) -> dict[Key, list[str]]:
    """The other names (folded) of the works each name is linked to: the original titles
    and every name the engagement reports and lists gave them."""
    if not linked:
        return {}
    names = {tid: [normalise(n) for n in found] for tid, _, found in work_names(con)}
    return {key: [n for tid in ids for n in names.get(tid, ())] for key, ids in linked.items()}


def _with(names: list[str], more: Iterable[str]) -> list[str]:
    """``names`` and then ``more``, each once, empty ones left out."""
    out = list(names)
    for name in more:
        if name and name not in out:
            out.append(name)
    return out


def prepare_titles(con: duckdb.DuckDBPyConnection, source: str, *, reuse: bool = False) -> int:
    """Fill ``title_index`` and ``title_pages`` for ``source`` (publishing a release): every
    title's and every show's record, as :func:`title_by_slug` answers it. Returns the pages
    computed.

    A name linked to stable IDs (imported Netflix titles) answers with the work it means,
    the most recently charted of them, and ``also`` names the others: its page holds the
    work's ID and its own names (``work``: the work's page, made by
    :func:`starchart.queries.works.prepare_works`, is read with it).

    ``reuse``: the release began as a copy of the previous one (attached as
    ``previous_release``) and the temporary table ``changed_titles`` names the titles whose
    rows changed since (:func:`starchart.queries.feed.prepare_feed`); their pages, and those
    of titles no longer listed, are deleted and computed again, every other is kept as it
    is, so a weekly update computes the titles of its week, not the history's."""
    titles = universe(con, source)  # most charted first: the winner of a slug clash
    briefs = _briefs(con) if has_identities(con) else {}
    linked = {key: [tid for tid in ids if tid in briefs]
              for key, ids in ids_of_names(con, source).items()} if briefs else {}
    alternates = _alternate_names(con, linked)
    index = pa.table({
        "source": [source] * len(titles),
        "position": pa.array(range(len(titles)), pa.int32()),
        "show_title": [t.show_title for t in titles],
        "season_title": pa.array([t.season_title for t in titles], pa.string()),
        "kind": [t.kind for t in titles],
        "entries": pa.array([t.rows for t in titles], pa.int64()),
        "first_week": pa.array([t.first_week for t in titles], pa.date32()),
        "season_number": pa.array([t.number for t in titles], pa.int32()),
        "label": pa.array([t.label for t in titles], pa.string()),
        "slug": [t.slug for t in titles],
        "show_slug": [show_slug(t.show_title) for t in titles],
        "names": pa.array([_with(t.names(), alternates.get((t.show_title, t.season_title,
                                                             t.kind), ()))
                           for t in titles], pa.list_(pa.string())),
        "title_ids": pa.array([linked.get((t.show_title, t.season_title, t.kind), [])
                               for t in titles], pa.list_(pa.string())),
    })
    insert_arrow(con, "title_index", index)
    if reuse:
        con.execute(_REUSE_PAGES, {"source": source})
    kept = {(r[0] == "show", r[1], r[2], r[3]) for r in con.execute(
        """SELECT page, show_title, season_title, kind FROM title_pages
           WHERE source = ? AND page IN ('title', 'show')""", [source]).fetchall()}
    needed = {t.show_title for t in titles
              if (False, t.show_title, t.season_title, t.kind) not in kept
              or (t.kind == "tv" and (True, t.show_title, None, "tv") not in kept)}
    named = needed if reuse else None  # None: every title, without a filter
    by_title = records(con, source, shows_named=named, unlinked=bool(linked))
    by_show = records(con, source, shows=True, shows_named=named)
    season_lists = _season_lists(con, source, named)
    pages: dict[str, list[Any]] = {name: [] for name in (
        "source", "page", "slug", "show_title", "season_title", "kind", "position", "entry")}

    def add(page: str, slug: str, title: Title, position: int, entry: dict[str, Any]) -> None:
        for name, value in (("source", source), ("page", page), ("slug", slug),
                            ("show_title", title.show_title),
                            ("season_title", None if page == "show" else title.season_title),
                            ("kind", title.kind), ("position", position),
                            ("entry", pack(entry))):
            pages[name].append(value)

    def title_entry(title: Title) -> dict[str, Any]:
        ids = linked.get((title.show_title, title.season_title, title.kind))
        if not ids:
            entry = by_title.get((title.show_title, title.season_title, title.kind))
            return {**(entry or _empty(title)), **NO_WORK, "also": [],
                    "name": title.name, "season_number": title.number}
        return {"work": ids[0], **_names(title), "also": [briefs[tid] for tid in ids[1:]]}

    shown: set[str] = set()
    seasons_of = _seasons(titles)
    for position, title in enumerate(titles):
        if title.show_title not in needed:
            continue
        if (False, title.show_title, title.season_title, title.kind) not in kept:
            add("title", title.slug, title, position, title_entry(title))
        if (title.kind == "tv" and title.show_title not in shown
                and (True, title.show_title, None, "tv") not in kept):
            shown.add(title.show_title)
            show = {**(by_show.get((title.show_title, None, "tv")) or _empty(title, True)),
                    **NO_WORK}
            show["seasons"] = [
                _season_entry(t, season_lists.get((t.show_title, t.season_title), []))
                for t in seasons_of[title.show_title]]
            add("show", show_slug(title.show_title), title, position, show)
    table = pa.table({**pages, "season_title": pa.array(pages["season_title"], pa.string()),
                      "position": pa.array(pages["position"], pa.int32()),
                      "entry": pa.array(pages["entry"], pa.binary())})
    insert_arrow(con, "title_pages", table)
    if reuse:  # copied pages take the positions of this release's index
        for statement in _REPOSITION:
            con.execute(statement, {"source": source})
    return table.num_rows


# Of the pages copied with the previous release, those to compute again: of titles whose
# rows changed (a show's when one of its seasons' did) or no longer listed.
_REUSE_PAGES = """
DELETE FROM title_pages
WHERE title_pages.source = $source AND title_pages.page IN ('title', 'show')
  AND (EXISTS (
         SELECT 1 FROM changed_titles c
         WHERE c.source = title_pages.source AND c.show_title = title_pages.show_title
           AND (title_pages.page = 'show'
                OR (c.season_title IS NOT DISTINCT FROM title_pages.season_title
                    AND c.kind = title_pages.kind)))
       OR NOT EXISTS (
         SELECT 1 FROM title_index i
         WHERE i.source = title_pages.source AND i.show_title = title_pages.show_title
           AND ((title_pages.page = 'show' AND i.kind = 'tv')
                OR (title_pages.page = 'title'
                    AND i.season_title IS NOT DISTINCT FROM title_pages.season_title
                    AND i.kind = title_pages.kind))))
"""

_REPOSITION = ("""
UPDATE title_pages p SET position = i.position
FROM title_index i
WHERE p.source = $source AND p.page = 'title' AND i.source = p.source
  AND i.show_title = p.show_title AND i.season_title IS NOT DISTINCT FROM p.season_title
  AND i.kind = p.kind""", """
UPDATE title_pages p SET position = s.position
FROM (SELECT show_title, min(position) AS position FROM title_index
      WHERE source = $source AND kind = 'tv' GROUP BY show_title) s
WHERE p.source = $source AND p.page = 'show' AND p.show_title = s.show_title""")


# --- questions (over a release) ----------------------------------------------------------


@dataclass
class PageIndex:
    """Where each record of a source is in ``title_pages`` (row ids: reading one is a direct
    fetch), by slug, by title and by work ID, the works each name was linked to, and the
    weeks with country lists and with views (for the coverage statement); loaded once per
    release."""

    by_slug: dict[str, list[tuple[str, int, int]]]    # slug -> (page, position, rowid)...
    by_title: dict[tuple[str, str, str | None, str], int]  # (page, show, season, kind)
    by_work: dict[str, int]                            # title ID -> rowid
    ids: dict[tuple[str, str | None, str], list[str]]  # a name's works, latest first
    country_spans: list[coverage.Span]
    views_spans: list[coverage.Span]
    # every record's bytes by rowid, once :meth:`keep_records` read them (the site: one
    # read of a release instead of a query per page)
    records: dict[int, bytes] | None = None

    def keep_records(self, con: duckdb.DuckDBPyConnection, source: str) -> None:
        """Read every record of ``source`` into memory (a tenth of a second and ~20 MB on
        Netflix's files); :meth:`read` then asks no query."""
        self.records = dict(con.execute(
            "SELECT rowid, entry FROM title_pages WHERE source = ?", [source]).fetchall())

    @classmethod
    def load(cls, con: duckdb.DuckDBPyConnection, source: str) -> PageIndex:
        by_slug: dict[str, list[tuple[str, int, int]]] = {}
        by_title: dict[tuple[str, str, str | None, str], int] = {}
        by_work: dict[str, int] = {}
        for page, slug, show, season, kind, position, rowid in con.execute(
                """SELECT page, slug, show_title, season_title, kind, position, rowid
                   FROM title_pages WHERE source = ? ORDER BY position""",
                [source]).fetchall():
            if page == "work":
                by_work[slug] = rowid
                continue
            by_slug.setdefault(slug, []).append((page, position, rowid))
            by_title[(page, show, season, kind)] = rowid
        ids = {(r[0], r[1], r[2]): list(r[3]) for r in con.execute(
            """SELECT show_title, season_title, kind, title_ids FROM title_index
               WHERE source = ? AND len(title_ids) > 0""", [source]).fetchall()}
        return cls(by_slug, by_title, by_work, ids,
                   coverage.spans_of(con, source, "countries"),
                   coverage.spans_of(con, source, "global-views"))

    def read(self, con: duckdb.DuckDBPyConnection, rowid: int) -> dict[str, Any]:
        """The record at ``rowid`` (a name that is a work: the work's, under that name), its
        coverage stated."""
        entry = self._unpacked(con, rowid)
        work = entry.pop("work", None)
        if work is not None:
            also = entry.pop("also")
            entry = {**self._unpacked(con, self.by_work[work]), **entry, "also": also}
        return state_coverage(entry, self.country_spans, self.views_spans)


    def _unpacked(self, con: duckdb.DuckDBPyConnection, rowid: int) -> dict[str, Any]:
        kept = self.records
        entry = kept.get(rowid) if kept is not None else None
        if entry is None:
            [(entry,)] = con.execute("SELECT entry FROM title_pages WHERE rowid = ?",
                                     [rowid]).fetchall()
        return dict(unpack(entry))


def _suggestions(text: str, index: TitleIndex) -> list[dict[str, Any]]:
    return [{"show_title": t.show_title, "season_title": t.season_title, "slug": t.slug,
             "score": score}
            for t, score in index.rank(text, limit=SUGGESTIONS)]


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


def ids_named(con: duckdb.DuckDBPyConnection, source: str, query: str, *, blind: bool
              ) -> list[str]:
    """The works of ``source`` any of whose names is ``query`` (case-insensitive;
    ``blind``: accent- and punctuation-blind instead), first seen first."""
    wanted = normalise(query) if blind else query.strip().casefold()
    column = "normalised" if blind else "casefolded"
    rows = con.execute(
        f"""SELECT title_id FROM work_index WHERE source = ? AND list_contains({column}, ?)
            ORDER BY first_seen NULLS FIRST, title_id""", [source, wanted]).fetchall()
    return [r[0] for r in rows]


def _by_work(con: duckdb.DuckDBPyConnection, index: TitleIndex, pages: PageIndex,
             query: str, found: list[Title]) -> list[dict[str, Any]]:
    """The matched titles' records, one per work: a name that is several works (two films
    called "Unlocked") gives several, and works named ``query`` only in the engagement
    reports are added."""
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for t in found:
        ids = [tid for tid in pages.ids.get((t.show_title, t.season_title, t.kind), [])
               if tid in pages.by_work]
        if not ids:
            entry = pages.read(con, pages.by_title[("title", t.show_title, t.season_title,
                                                    t.kind)])
            entry.pop("also", None)
            out.append(entry)
        for tid in ids:
            if tid not in seen:
                seen.add(tid)
                out.append({**pages.read(con, pages.by_work[tid]), **_names(t)})
    if not pages.by_work:
        return out
    for blind in (False, True):
        extra = [tid for tid in ids_named(con, index.source, query, blind=blind)
                 if tid not in seen and tid in pages.by_work]
        if extra or out:
            break
    out.extend(pages.read(con, pages.by_work[tid]) for tid in extra)
    return out


def title(con: duckdb.DuckDBPyConnection, index: TitleIndex, pages: PageIndex,
          query: str) -> dict[str, Any]:
    """Everything about the titles named ``query``: an exact (case-insensitive) match on a
    show's name (all its seasons) or on a season's, one match per work where names are
    linked to stable IDs (and works named so only in the engagement reports); else
    ``matches`` is empty and ``suggestions`` holds close names. ``shows`` aggregates a
    matched show's seasons."""
    found, shows = _exact(query, index.titles)
    matches = _by_work(con, index, pages, query, _order(found))
    show_entries = [pages.read(con, pages.by_title[("show", show, None, "tv")])
                    for show in shows]
    return {
        "query": query,
        "source": index.source,
        "matches": matches,
        "shows": show_entries,
        "suggestions": [] if matches else _suggestions(query, index),
    }


def title_by_slug(con: duckdb.DuckDBPyConnection, index: TitleIndex, pages: PageIndex,
                  slug: str, *, show: bool = False) -> dict[str, Any]:
    """One film or season by its slug or its stable ID (``nf-…``), or a show (all seasons,
    with ``seasons``: each season's lists and run, in natural order) by the show's slug.
    Where a title and a show share a slug (a show's unnumbered listing, a film named like a
    show), the title wins unless ``show`` asks for the show; between titles, the most
    charted wins. A name that is several works answers with the most recently charted,
    ``also`` naming the others."""
    wanted = slug.strip().lower()
    if is_title_id(wanted):
        rowid = pages.by_work.get(wanted)
        if rowid is None:
            raise NotFound(f"no title with ID {wanted!r} (source {index.source})", [])
        return pages.read(con, rowid)
    found = pages.by_slug.get(wanted)
    if found:
        preferred = "show" if show else "title"
        _, _, rowid = min(found, key=lambda f: (f[0] != preferred, f[1]))
        return pages.read(con, rowid)
    suggestions = _suggestions(wanted.replace("-", " "), index)
    hint = ""
    if suggestions:
        hint = "; did you mean " + ", ".join(s["slug"] for s in suggestions[:3]) + "?"
    raise NotFound(f"no title with slug {slug!r} (source {index.source}){hint}", suggestions)
