"""Works: every film or season with a stable starchart ID (``nf-…``, imported Netflix titles),
whatever names the lists gave it, and the names a title question may use for it.

When a release is published, :func:`prepare_works` computes each work's answer once (its
Top 10 record over every row linked to it, its names and how they were linked, Most Popular,
each engagement half-year) into ``title_pages`` (page ``work``, slug the ID), and its names,
folded, into ``work_index``. A title's page (:mod:`starchart.queries.titles`) is the answer
of the work its name means; ``/title/nf-…`` reads the work's own.
"""

from __future__ import annotations

from typing import Any

import duckdb
import pyarrow as pa

from starchart.queries.base import insert_arrow, pack
from starchart.queries.record import (
    engagement_by_work,
    identities,
    most_popular_by_work,
    work_names,
)
from starchart.queries.slugs import normalise, show_slug, title_slug
from starchart.queries.titles import empty_core, work_records

# The previous release's pages of works still known whose rows did not change
# (changed_works: see starchart.queries.record.mark_changed_works).
_REUSE_WORKS = """
DELETE FROM title_pages
WHERE source = $source AND page = 'work'
  AND (slug IN (SELECT title_id FROM changed_works)
       OR NOT EXISTS (SELECT 1 FROM titles t WHERE t.title_id = title_pages.slug))
"""
_REUSE_NAMES = """
DELETE FROM work_index
WHERE source = $source
  AND (title_id IN (SELECT title_id FROM changed_works)
       OR NOT EXISTS (SELECT 1 FROM titles t WHERE t.title_id = work_index.title_id))
"""


def has_works(con: duckdb.DuckDBPyConnection, source: str) -> bool:
    """True when rows of ``source`` are linked to stable IDs (imported Netflix files)."""
    [(found,)] = con.execute(
        """SELECT EXISTS (SELECT 1 FROM chart_global WHERE source = $s AND title_id LIKE 'nf-%')
               OR EXISTS (SELECT 1 FROM chart_country WHERE source = $s
                          AND title_id LIKE 'nf-%')
               OR EXISTS (SELECT 1 FROM most_popular WHERE source = $s
                          AND title_id LIKE 'nf-%')
               OR EXISTS (SELECT 1 FROM engagement WHERE source = $s
                          AND title_id LIKE 'nf-%')""", {"s": source}).fetchall()
    return bool(found)


def work_answers(con: duckdb.DuckDBPyConnection, source: str, ids: list[str] | None
                 ) -> dict[str, dict[str, Any]]:
    """Each work's answer (``ids``; None: every work), as ``api.title_by_slug('nf-…')``
    gives it before the coverage statement
    (:func:`starchart.queries.record.state_coverage`, applied when read)."""
    if ids is not None and not ids:
        return {}
    who = identities(con, only=ids)
    cores = work_records(con, source, ids)
    engagement = engagement_by_work(con, source, only=ids)
    popular = most_popular_by_work(con, source)
    out: dict[str, dict[str, Any]] = {}
    for tid in sorted(who) if ids is None else ids:
        found = who.get(tid)
        if found is None:
            continue
        show = found["show_title"] or found["name"]
        season = found["season_title"]
        out[tid] = {
            "show_title": show,
            "season_title": season,
            "slug": title_slug(show, season),
            "show_slug": show_slug(show),
            "kind": found["kind"] or "film",
            **(cores.get(tid) or empty_core()),
            "title_id": tid,
            "identity": found,
            "most_popular": popular.get(tid, []),
            "engagement": engagement.get(tid, []),
        }
    return out


def prepare_works(con: duckdb.DuckDBPyConnection, source: str, *, reuse: bool = False) -> int:
    """Fill the ``work`` pages of ``title_pages`` and ``work_index`` for ``source``
    (publishing a release). Returns the pages computed.

    ``reuse``: the release began as a copy of the previous one (attached as
    ``previous_release``) and the temporary table ``changed_works`` names the works whose
    rows changed since (:func:`starchart.queries.record.mark_changed_works`); their pages
    and names, and those of works gone, are deleted and computed again, the others kept."""
    if not has_works(con, source):
        if reuse:  # the previous release's, if it had any
            con.execute("DELETE FROM title_pages WHERE source = ? AND page = 'work'", [source])
            con.execute("DELETE FROM work_index WHERE source = ?", [source])
        return 0
    ids: list[str] | None = None  # every work
    if reuse:
        for statement in (_REUSE_WORKS, _REUSE_NAMES):
            con.execute(statement, {"source": source})
        ids = [r[0] for r in con.execute(
            """SELECT title_id FROM titles WHERE title_id NOT IN (
                 SELECT slug FROM title_pages WHERE source = ? AND page = 'work')
               ORDER BY title_id""", [source]).fetchall()]
    answers = work_answers(con, source, ids)
    pages: dict[str, list[Any]] = {name: [] for name in (
        "source", "page", "slug", "show_title", "season_title", "kind", "position", "entry")}
    for tid, entry in answers.items():
        for name, value in (("source", source), ("page", "work"), ("slug", tid),
                            ("show_title", entry["show_title"]),
                            ("season_title", entry["season_title"]), ("kind", entry["kind"]),
                            ("position", 0), ("entry", pack(entry))):
            pages[name].append(value)
    insert_arrow(con, "title_pages", pa.table({
        **pages, "season_title": pa.array(pages["season_title"], pa.string()),
        "position": pa.array(pages["position"], pa.int32()),
        "entry": pa.array(pages["entry"], pa.binary())}))
    _index_names(con, source, ids)
    return len(answers)


def _index_names(con: duckdb.DuckDBPyConnection, source: str, ids: list[str] | None) -> None:
    """``work_index``: the names of the works ``ids`` (None: every work), folded as
    :func:`starchart.queries.titles.ids_named` compares them."""
    found = work_names(con, ids)
    insert_arrow(con, "work_index", pa.table({
        "source": pa.array([source] * len(found), pa.string()),
        "title_id": pa.array([f[0] for f in found], pa.string()),
        "first_seen": pa.array([f[1] for f in found], pa.date32()),
        "casefolded": pa.array([sorted({n.casefold() for n in f[2]}) for f in found],
                               pa.list_(pa.string())),
        "normalised": pa.array([sorted({normalise(n) for n in f[2]}) for f in found],
                               pa.list_(pa.string())),
    }))
