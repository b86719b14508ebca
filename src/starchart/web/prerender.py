"""Publishing the title pages' bodies of a release (:mod:`starchart.web.bodies` says what a
body is and how the site finds it).

:func:`prepare_bodies` runs while a release is written (:func:`starchart.releases.publish`).
A release begins as a copy of the one before, bodies included; so only the pages that may
differ from it are looked at (:func:`changed_addresses`: the titles and shows whose records
changed, and where the weeks with country lists or with views changed other than by adding
weeks after the previous release's charts, every page), their keys computed, and the
bodies whose key is new rendered. A weekly update of Netflix's files renders the pages of
its week's titles (59 of ~7,200), not the history.

The site serves a release's bodies by address, so what is skipped here must be exactly what
did not change: a body kept from the release before is one whose page's records are the
same (compared slug by slug, hash and count) and whose coverage statement reads the same
weeks, in the same code and context (else every page is looked at). The tests compare every
page served from its body with the page rendered on request, after each kind of update.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import duckdb
import jinja2
import orjson
import pyarrow as pa
import zstandard

from starchart import coverage
from starchart.queries.base import insert_arrow
from starchart.queries.record import is_title_id
from starchart.web import bodies, pages

if TYPE_CHECKING:
    from starchart import api

log = logging.getLogger("starchart.web")

BATCH = 500  # bodies rendered between two inserts (and two progress reports)
ZSTD_LEVEL = 3
TRAINING_PAGES = 500  # the dictionary is trained on the first bodies rendered...
DICTIONARY_BYTES = 200_000  # ...and this big: ~1/17 of the HTML, where zlib made ~1/5
_SPANS = ("countries", "global-views")  # the spans a record's coverage statement reads

Address = tuple[str, str]  # source, "/title/<slug>" or "/show/<slug>"


@functools.cache
def publishing_environment() -> jinja2.Environment:
    """The site's templates with its links, for a writer that serves nothing (made once
    per process, on first use)."""
    from fastapi import FastAPI

    from starchart.web.app import make_templates
    from starchart.web.registry import url_builder
    from starchart.web.routes import register_routes

    routes = FastAPI()
    register_routes(routes)
    env = make_templates().env
    env.globals["url"] = url_builder(routes)
    return env


def every_address(con: duckdb.DuckDBPyConnection) -> set[Address]:
    """Every title's and show's address of the release (a title whose slug is its show's
    has no page of its own: it is looked at, and has none). A work's own page
    (``/title/nf-…``, reached from its names' pages by its ID) is left to the site: the
    engagement reports name ~28,500 works, most never charted, and publishing their pages
    too took a full release of the real files from ~8,800 bodies to ~37,300 (48 s, +45 MB)."""
    found = {(source, f"/title/{slug}") for source, slug in con.execute(
        "SELECT source, slug FROM title_index").fetchall()}
    found |= {(source, f"/show/{slug}") for source, slug in con.execute(
        "SELECT DISTINCT source, show_slug FROM title_index WHERE kind = 'tv'").fetchall()}
    return found


def page_at(charts: api.Charts, address: Address, default: str) -> dict[str, Any] | None:
    """The page the site answers at ``address`` (asked without ``?source=`` for the default
    source), or None when it answers none there (unknown, or a redirect)."""
    source, path = address
    kind, _, slug = path[1:].partition("/")
    try:
        page = pages.title_page(charts, slug, show=kind == "show",
                                source=None if source == default else source)
    except LookupError:
        return None
    return page if page["page"] == kind else None


def _sundays(spans: Iterable[coverage.Span]) -> set[dt.date]:
    """Every week (its Sunday) the spans cover: two releases' spans are compared week by
    week."""
    return {s.first + dt.timedelta(weeks=i) for s in spans for i in range(s.weeks)}


def changed_addresses(con: duckdb.DuckDBPyConnection) -> set[Address] | None:
    """The addresses whose page may differ from the release this one began as a copy of
    (attached as ``previous_release``), or None when any page may.

    A page is made from its slug's records (and, for a name of a work, the work's), with a
    coverage statement that reads which of its weeks have country lists and views, and
    quotes both spans (held in a body as tokens, :func:`bodies.span_labels`). So: the slugs
    whose records differ, the names of works whose record differs; and None when the weeks
    with lists or views changed other than by weeks after every week the previous release
    charted (those are only charted by titles whose records changed), or when the spans'
    labels changed in a way a kept body cannot take by filling them in
    (:func:`bodies.same_tokens`: a dataset's first weeks, where it said "no data")."""
    try:
        con.execute("SELECT 1 FROM previous_release.title_pages LIMIT 1")
    except duckdb.Error:
        return None
    charted = dict(con.execute(
        """SELECT source, max(week) FROM (SELECT source, week FROM previous_release.chart_global
           UNION ALL SELECT source, week FROM previous_release.chart_country) GROUP BY source
        """).fetchall())
    for (source,) in con.execute("SELECT source FROM previous_release.coverage UNION "
                                 "SELECT source FROM main.coverage").fetchall():
        latest = charted.get(source)
        labels: list[tuple[str, str]] = []  # per dataset: (previous, new)
        for dataset in _SPANS:
            both = [coverage.spans(con, source, dataset, table=f"{db}.coverage")
                    for db in ("previous_release", "main")]
            weeks = [_sundays(spans) for spans in both]
            if any(latest is None or week <= latest for week in weeks[0] ^ weeks[1]):
                return None
            previous, new = (coverage.label(spans) for spans in both)
            labels.append((previous, new))
        before, after = zip(*labels, strict=True)
        if not bodies.same_tokens(before, after):
            return None
    # a slug's records in the order it chooses among them (a title's position among all
    # titles moves whenever others chart more: that changes no page)
    digest = """SELECT source, slug, count(*) AS n, bit_xor(hash(page, entry, choice)) AS h
                FROM (SELECT *, row_number() OVER (PARTITION BY source, slug
                                                   ORDER BY position) AS choice
                      FROM {}.title_pages) GROUP BY source, slug"""
    changed = con.execute(
        f"""SELECT coalesce(a.source, b.source), coalesce(a.slug, b.slug)
            FROM ({digest.format('main')}) a FULL OUTER JOIN
                 ({digest.format('previous_release')}) b ON a.source = b.source AND a.slug = b.slug
            WHERE a.n IS DISTINCT FROM b.n OR a.h IS DISTINCT FROM b.h""").fetchall()
    found: set[Address] = set()
    for source, slug in changed:
        found |= {(source, f"/title/{slug}"), (source, f"/show/{slug}")}
    works = [(source, slug) for source, slug in changed if is_title_id(slug)]
    if works:  # a work's record is read under each of its names
        con.register("_works", pa.table({"source": [w[0] for w in works],
                                         "id": [w[1] for w in works]}))
        try:
            for db in ("main", "previous_release"):
                for source, slug, show_slug in con.execute(
                        f"""SELECT i.source, i.slug, i.show_slug FROM {db}.title_index i
                            JOIN _works w ON w.source = i.source
                            AND list_contains(i.title_ids, w.id)""").fetchall():
                    found |= {(source, f"/title/{slug}"), (source, f"/show/{show_slug}")}
        finally:
            con.unregister("_works")
    return found


def listed_countries(charts: api.Charts) -> list[str]:
    """The countries with lists, as the site's header lists them (a body's map draws them)."""
    return [c["iso2"] for c in pages.country_spans(charts, source=None)]


def made_here(charts: api.Charts) -> bool:
    """True when the title pages of the release behind ``charts`` were published in the
    context this code publishes them in; else the site renders every one of them on request
    (after an upgrade), until a release is published again."""
    return bodies.made_in(charts.con) == bodies.context_digest(charts.sources(),
                                                                listed_countries(charts))


def prepare_bodies(charts: api.Charts, *, tick: Callable[[int, int], None] | None = None
                   ) -> dict[str, int]:
    """Bring ``title_bodies`` of the release behind ``charts`` up to its pages: look at the
    pages that may have changed since the release it began as a copy of (every page, when
    it began as none, or in another context), render the ones whose key is new, and delete
    the bodies of pages gone. Returns ``{"pages", "looked_at", "rendered", "deleted",
    "failed"}`` (a page that fails to render is logged and left to the site, which renders
    it on request as before); ``tick(done, total)`` reports rendering."""
    con = charts.con
    listed = listed_countries(charts)
    context = bodies.context_digest(charts.sources(), listed)
    said = bodies.made_in(con)
    have = {(source, address): key for source, address, key in con.execute(
        "SELECT source, address, key FROM title_bodies").fetchall()}
    addresses = every_address(con)
    maybe = changed_addresses(con) if said == context and have else None
    looked = sorted(addresses if maybe is None else maybe & addresses)
    charts.keep_records()
    default = charts.source(None)
    wanted: dict[Address, bytes] = {}  # only keys: a page is read again to be rendered
    for address in looked:
        page = page_at(charts, address, default)
        if page is not None:
            wanted[address] = bodies.body_key(page, listed,
                                              bodies.span_labels(charts, address[0]))
    gone = [a for a in have if a not in addresses
            or (a in wanted and wanted[a] != have[a]) or (a in looked and a not in wanted)]
    if gone:
        con.register("_gone", pa.table({"source": [a[0] for a in gone],
                                        "address": [a[1] for a in gone]}))
        try:
            con.execute("""DELETE FROM title_bodies WHERE (source, address) IN
                           (SELECT (source, address) FROM _gone)""")
        finally:
            con.unregister("_gone")
    # in the order of their keys: the first rendered, which a new compression dictionary
    # is trained on, are a sample of all pages rather than the shows sorted first
    missing = sorted((a for a in wanted if have.get(a) != wanted[a]), key=wanted.__getitem__)
    failed = 0
    if missing:
        def render(address: Address) -> tuple[bytes, str, str] | None:
            try:
                page = page_at(charts, address, default)
                if page is None:
                    raise LookupError("no page")
                labels = bodies.span_labels(charts, address[0])
                body = bodies.render_body(publishing_environment(),
                                          bodies.tokenized(page, labels), listed)
                if bodies.holds_escaped_tokens(body):
                    raise ValueError("a span label's token was written escaped")
                return wanted[address], body, orjson.dumps(bodies.head(page)).decode()
            except Exception:
                log.warning("title page %s (%s) left to be rendered on request",
                            address[1], address[0], exc_info=True)
                return None

        failed = write_bodies(con, missing, render, afresh=len(have) == len(gone),
                              tick=tick)
    con.execute(f"COMMENT ON TABLE title_bodies IS '{context}'")  # hex digits
    [(total,)] = con.execute("SELECT count(*) FROM title_bodies").fetchall()
    return {"pages": total, "looked_at": len(looked), "rendered": len(missing) - failed,
            "deleted": len(gone), "failed": failed}


def write_bodies(con: duckdb.DuckDBPyConnection, todo: list[Address],
                 render: Callable[[Address], tuple[bytes, str, str] | None], *, afresh: bool,
                 tick: Callable[[int, int], None] | None) -> int:
    """Insert the bodies ``render`` makes of ``todo`` (key, HTML and head; None: none). Returns
    how many it could not make. ``afresh``: no body is kept from before, so the compression
    dictionary is trained anew on the first ones rendered; otherwise the release's
    dictionary compresses the new ones too."""
    if afresh:
        con.execute("DELETE FROM title_body_dictionary")
        dictionary = None
    else:
        found = con.execute("SELECT dictionary FROM title_body_dictionary").fetchall()
        dictionary = zstandard.ZstdCompressionDict(found[0][0]) if found else None
    zstd = (zstandard.ZstdCompressor(level=ZSTD_LEVEL, dict_data=dictionary) if dictionary
            else zstandard.ZstdCompressor(level=ZSTD_LEVEL))
    rows: dict[str, list[Any]] = {"key": [], "source": [], "address": [], "head": [],
                                  "body": []}
    plain: list[bytes] = []  # the first bodies, kept to train the dictionary on
    failed = 0

    def flush(done: int) -> None:
        insert_arrow(con, "title_bodies", pa.table({
            "key": pa.array(rows["key"], pa.binary()), "source": rows["source"],
            "address": rows["address"], "head": rows["head"],
            "body": pa.array(rows["body"], pa.binary())}))
        for column in rows.values():
            column.clear()
        if tick is not None:
            tick(done, len(todo))

    for done, address in enumerate(todo, 1):
        made = render(address)
        if made is None:
            failed += 1
        else:
            key, html, head_json = made
            rows["key"].append(key)
            rows["source"].append(address[0])
            rows["address"].append(address[1])
            rows["head"].append(head_json)
            body = html.encode()
            if afresh and dictionary is None:
                plain.append(body)
                rows["body"].append(b"")  # compressed once the dictionary is made
            else:
                rows["body"].append(zstd.compress(body))
        if afresh and dictionary is None and plain and (
                len(plain) >= TRAINING_PAGES or done == len(todo)):
            dictionary = trained(plain)
            if dictionary is not None:
                con.execute("INSERT INTO title_body_dictionary VALUES (?)",
                            [dictionary.as_bytes()])
                zstd = zstandard.ZstdCompressor(level=ZSTD_LEVEL, dict_data=dictionary)
            rows["body"][-len(plain):] = [zstd.compress(b) for b in plain]
            afresh = False
        if rows["key"] and (len(rows["key"]) >= BATCH or done == len(todo)) and not (
                afresh and dictionary is None):
            flush(done)
    return failed


def trained(samples: list[Any]) -> zstandard.ZstdCompressionDict | None:
    """A zstd dictionary trained on ``samples`` (bodies' bytes), or None when there are too
    few to train on (a small store: its bodies are compressed without one)."""
    try:
        return zstandard.train_dictionary(DICTIONARY_BYTES, samples)
    except zstandard.ZstdError:
        return None
