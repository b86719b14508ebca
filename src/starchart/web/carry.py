"""Answers kept across a release switch where the new release cannot have changed them.

Every build and import publishes a release, and each used to start the site's cache cold:
under load, a few seconds after each import every title and week page was computed again,
though an import of one week changes a few hundred titles of thousands (and a re-import of
the same files, none). When the site switches release, the new release's cache may take a
title or week page from the previous release's cache, if what that page reads is the same
in both:

- per source, what every page of it reads: the sources, the weeks and countries with lists
  (the pickers, the neighbour-week links), the coverage of each dataset, the discovery models
  (and, where there are any, which titles have a page: "more like this" links only those);
- a title page (``/title/<slug>``, ``/show/<slug>``, HTML and JSON): the prepared records
  under its slug (each record's bytes, in the order they are chosen), and the works they
  name;
- a week page (``/week/<week>``): the week's prepared lists, and no revision of the week in
  the new release (its "revised since first published" story).

The comparison is made while the new release is prepared, before the site switches to it
(both releases' digests: a few hundred milliseconds on the real files, the current one's
read in the background beforehand); for any other page or query string, a miss is computed
as before. A carried HTML page has its one release-dependent line (the footer naming the
release, :func:`release_line`) rewritten for the new release, so a page always shows the
release that answers it.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from typing import Any

import duckdb
from markupsafe import Markup, escape

from starchart import releases

log = logging.getLogger("starchart.web")

_PAGE = re.compile(r"^/(title|show|week)/([^/]+?)(\.json)?$")
_GLOBAL_TABLES = ("coverage", "discovery_models", "discovery_neighbours", "discovery_titles")


def release_line(release: dict[str, Any] | None) -> Markup:
    """The footer's line naming the release a page comes from (the one part of a page that
    differs between two releases holding the same charts)."""
    if not release:
        return Markup("")
    published = str(release["published_at"])[:16].replace("T", " ")
    return Markup(
        f"<p>Release {escape(release['release'])} of the charts, published "
        f'{escape(published)} UTC · <a href="/changes">Changes between releases</a></p>'
    )


class Digest:
    """What a release's title and week pages read, by source, as comparable values (read
    once per release)."""

    def __init__(self, release: releases.Release) -> None:
        cursor = release.cursor()
        try:
            self.number = release.number
            self.line = release_line(release.info.public()).encode()
            self.sources = [r[0] for r in cursor.execute(
                "SELECT DISTINCT source FROM title_pages ORDER BY source").fetchall()]
            tables: dict[str, tuple[Any, ...] | None] = {}
            for table in _GLOBAL_TABLES:
                try:
                    tables[table] = cursor.execute(
                        f"SELECT count(*), bit_xor(hash(t)) FROM {table} t").fetchall()[0]
                except duckdb.CatalogException:
                    tables[table] = None
            self.tables = tables
            # each compared as one 64-bit hash per page (or per list of weeks), folded in
            # DuckDB: the release's records are never brought into Python for this (that
            # was ~0.3 s of the interpreter lock, taken from requests, per release switch)
            self.weeks: dict[tuple[str, str | None], int] = {
                (source, country): found for source, country, found in cursor.execute(
                    "SELECT source, country, hash(list(week ORDER BY week)) FROM week_pages "
                    "GROUP BY source, country").fetchall()}
            self.week_pages: dict[tuple[str, str], int] = {
                (source, week.isoformat()): found for source, week, found in cursor.execute(
                    "SELECT source, week, hash(answer) FROM week_pages "
                    "WHERE country IS NULL").fetchall()}
            self.titles: dict[tuple[str, str], tuple[int, int]] = {
                (source, slug): (n, found) for source, slug, n, found in cursor.execute(
                    "SELECT source, slug, count(*), bit_xor(hash(position, page, entry)) "
                    "FROM title_pages GROUP BY source, slug").fetchall()}
            self.works: dict[str, list[tuple[str, str]]] = {}
            for title_id, source, slug, show_slug in cursor.execute(
                "SELECT unnest(title_ids), source, slug, show_slug FROM title_index "
                "WHERE len(title_ids) > 0").fetchall():
                named = self.works.setdefault(title_id, [])
                named.append((source, slug))
                if show_slug:
                    named.append((source, show_slug))
            self.revised = {(r[0], r[1].isoformat()) for r in cursor.execute(
                "SELECT source, week FROM release_weeks WHERE release = ? AND country IS NULL",
                [release.number]).fetchall()}
        finally:
            cursor.close()

    def source_view(self, source: str) -> tuple[Any, ...]:
        """What every page of ``source`` reads besides its own record."""
        spans = {k: v for k, v in self.weeks.items() if k[0] == source}
        models = self.tables.get("discovery_models")
        has_models = bool(models and models[0])
        pages = frozenset(k for k in self.titles if k[0] == source) if has_models else None
        return (tuple(self.sources), tuple(sorted(spans.items(), key=repr)),
                tuple(sorted(self.tables.items())), pages)


class Carry:
    """The previous release's answers the new one may reuse (see the module docstring)."""

    def __init__(self, old_answers: Any, old: Callable[[], Digest],
                 new: Callable[[], Digest], default_source: Callable[[], str], *,
                 before: Carry | None = None, max_bytes: int = 0) -> None:
        self.old_answers = old_answers
        self._ready = threading.Event()
        self._same_source: dict[str, bool] = {}
        self._changed: set[tuple[str, str]] = set()
        self._changed_weeks: set[tuple[str, str]] = set()
        self._default = ""
        self._lines = (b"", b"")
        # answers the previous release could still have taken from the one before it but
        # was never asked for (each with the release line it shows): a page asked for only
        # every other release is kept too, not computed again because nobody asked for it
        # between two imports (up to ``max_bytes`` of them, most recently used first)
        self._inherited: dict[Any, tuple[Any, bytes]] = {}
        self._compare(old, new, default_source)
        if before is not None and self.old_answers is not None:
            self._inherit(before, max_bytes)

    def _compare(self, old_digest: Callable[[], Digest], new_digest: Callable[[], Digest],
                 default_source: Callable[[], str]) -> None:
        try:
            old, new = old_digest(), new_digest()
            self._default = default_source()
            for source in new.sources:
                self._same_source[source] = old.source_view(source) == new.source_view(source)
            changed = {k for k in old.titles.keys() | new.titles.keys()
                       if old.titles.get(k) != new.titles.get(k)}
            for _source, slug in list(changed):
                if slug.startswith("nf-"):  # a work: every name of it
                    for named in old.works.get(slug, []) + new.works.get(slug, []):
                        changed.add(named)
            self._changed = changed
            self._changed_weeks = {k for k in old.week_pages.keys() | new.week_pages.keys()
                                   if old.week_pages.get(k) != new.week_pages.get(k)}
            self._changed_weeks |= new.revised
            self._lines = (old.line, new.line)
            self._ready.set()
            log.info("release %d keeps what did not change since release %d: %d title "
                     "records and %d weeks changed", new.number, old.number, len(changed),
                     len(self._changed_weeks))
        except Exception:  # nothing is carried; every page is computed afresh
            log.warning("could not compare releases to keep cached pages", exc_info=True)
            self.old_answers = None

    def _inherit(self, before: Carry, max_bytes: int) -> None:
        """Take from ``before`` (the previous release's carry) the answers it still holds
        good that the previous release's own cache lacks, while they fit ``max_bytes``."""
        room = max_bytes - self.old_answers.used
        for key in before.candidates():
            if room <= 0:
                break
            if key in self.old_answers:
                continue
            found = before.answer(key)
            if found is not None:
                answer, (line, _) = found
                self._inherited[key] = (answer, line)
                room -= len(answer)

    def candidates(self) -> list[Any]:
        """The keys this carry may answer, most recently used first."""
        if self.old_answers is None:
            return []
        return [*self.old_answers.keys(newest_first=True), *self._inherited]

    def wait(self, timeout: float) -> bool:
        """Wait until the releases are compared (True), at most ``timeout`` seconds."""
        return self._ready.wait(timeout)

    def answer(self, key: tuple[str, str, bytes]) -> tuple[Any, tuple[bytes, bytes]] | None:
        """The previous release's answer for ``key`` when it still holds, else None."""
        if self.old_answers is None or not self._ready.is_set():
            return None
        form, path, query = key
        found = _PAGE.match(path)
        if query or found is None:
            return None
        kind, name = found.group(1), found.group(2)
        source = self._default
        if not self._same_source.get(source, False):
            return None
        changed = self._changed_weeks if kind == "week" else self._changed
        if (source, name) in changed or (source, name.lower()) in changed:
            return None
        found_answer = self.old_answers.get(key)
        if found_answer is None:
            inherited = self._inherited.get(key)
            if inherited is None:
                return None
            return inherited[0], (inherited[1], self._lines[1])
        return found_answer, self._lines
