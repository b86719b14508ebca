"""Title pages rendered when a release is published, not when they are asked for.

The heavy part of a title or show page (its run plot, its maps week by week, its tables:
everything but the header, the footer and the "More like this" panel) is a pure function of
the page's data and of the countries with lists. :func:`prepare_bodies` renders it for every
title and show of a release while the release is written (``title_bodies``, compressed
with a zstd dictionary trained on them: ~1.3 KB a page on Netflix's files), and the site
keeps them in memory (:class:`StoredBodies`) instead of rendering them: an uncached title
page costs a lookup and a small template, not its figures.

A stored body is found by its *key*: a hash of everything it was rendered from (the page's
data as its JSON, the countries with lists, and the code and template that render it,
:data:`RENDERER`). The site computes the same key from the data it serves, so a body is
used only when it was rendered from exactly that data by exactly this code; anything else
(a page asked with another ``?source=``, a release written by other code, an older release
without the table) is rendered as before. Correctness never depends on the writer guessing
which pages changed.

A release begins as a copy of the previous one, bodies included: publishing renders only the
pages whose key is new (a weekly update: the titles of its week, and the pages whose
coverage statement moved), and deletes the bodies no page needs any more. When nothing
pages are made from changed (:func:`inputs_digest`), not even the keys are computed.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import jinja2
import orjson
import pyarrow as pa
import zstandard
from markupsafe import Markup, escape

from starchart import coverage
from starchart.queries.base import insert_arrow
from starchart.web import pages, plot, views

if TYPE_CHECKING:
    from starchart import api

log = logging.getLogger("starchart.web")

BODY_TEMPLATE = "title_body.html"
MARKER = "<!-- more like this -->"
"""Where the body leaves room for the "More like this" panel (it reads the discovery models,
which a training run changes without touching any title)."""
BATCH = 500  # bodies rendered between two inserts (and two progress reports)
ZSTD_LEVEL = 3
TRAINING_PAGES = 500  # the dictionary is trained on the first bodies rendered...
DICTIONARY_BYTES = 200_000  # ...and this big: ~1/17 of the HTML, where zlib made ~1/5
_HERE = Path(__file__).parent
_RENDERING_CODE = ("bodies.py", "views.py", "plot.py", "maps.py", "app.py",
                   "templates/" + BODY_TEMPLATE, "../display.py")


def _renderer_digest() -> bytes:
    """What renders a body, as bytes: the code and template above (a release written by
    other code then has other keys, and its bodies are rendered afresh, not trusted)."""
    digest = hashlib.blake2b(digest_size=16)
    for name in _RENDERING_CODE:
        digest.update(name.encode() + b"\0" + (_HERE / name).read_bytes() + b"\0")
    return digest.digest()


RENDERER = _renderer_digest()


def span_labels(charts: api.Charts, source: str) -> tuple[str, str]:
    """The spans with country lists and with weekly views, as every record of ``source``
    quotes them (:func:`starchart.queries.record.state_coverage`: "country lists
    2021-07-04 .. 2022-11-13 (72 weeks)"). Each weekly update lengthens them, and with them
    the text of thousands of records that did not change otherwise; so a body holds
    :data:`TOKENS` in their place (:func:`tokenized`), its key is made without them, and
    the site writes them in when it serves the body (:func:`filled`)."""
    def read() -> tuple[str, str]:
        country, views = (coverage.label(coverage.spans_of(charts.con, source, dataset))
                          for dataset in ("countries", "global-views"))
        return country, views

    found: tuple[str, str] = charts.memo.get(("span_labels", source), read)
    return found


TOKENS = ("\ue000country lists\ue000", "\ue000weekly views\ue000")


def _replaced(labels: Sequence[str]) -> list[tuple[str, str]]:
    """(label, token) for each label that is a span's (never a word a page says otherwise,
    as "no data" is a status too)."""
    return [(label, token) for label, token in zip(labels, TOKENS, strict=True)
            if " .. " in label]


def body_key(page: Mapping[str, Any], listed: Sequence[str],
             labels: Sequence[str] = ("", "")) -> bytes:
    """The key of the body rendered from ``page`` with ``listed`` (see the module
    docstring): the same data and code give the same key, any difference another, but for
    the span ``labels`` (:func:`span_labels`), which the body holds as tokens."""
    raw = orjson.dumps(page, default=str, option=orjson.OPT_NON_STR_KEYS)
    for label, token in _replaced(labels):
        raw = raw.replace(label.encode(), token.encode())  # a label is plain ASCII in JSON
    digest = hashlib.blake2b(RENDERER, digest_size=16)
    digest.update(raw)
    digest.update(b"\0" + ",".join(listed).encode())
    return digest.digest()


def tokenized(value: Any, labels: Sequence[str]) -> Any:
    """``value`` (a page) with the span labels in its texts replaced by their tokens."""
    pairs = _replaced(labels)
    if not pairs:
        return value

    def walk(item: Any) -> Any:
        if isinstance(item, str):
            for label, token in pairs:
                item = item.replace(label, token)
            return item
        if isinstance(item, dict):
            return {k: walk(v) for k, v in item.items()}
        if isinstance(item, list):
            return [walk(v) for v in item]
        return item

    return walk(value)


def filled(body: str, labels: Sequence[str]) -> str:
    """A stored body with the release's span labels written in for their tokens."""
    for label, token in _replaced(labels):
        body = body.replace(token, str(escape(label)))
    return body


def body_context(page: Mapping[str, Any], listed: Sequence[str]) -> dict[str, Any]:
    """What the body template draws besides the page's data."""
    run = views.plot_rows(page)
    label = f"Weekly rank of {page.get('show_title', '')}"
    return {
        "page": page,
        "headline": views.headline(page),
        "seasons": views.season_rows(page),
        "plot": plot.run_figure(run, label=label),
        "plot_key": plot.legend(run),
        "plot_note": plot.gap_note(run),
        "spread": views.spread(page, listed),
    }


def render_body(env: jinja2.Environment, page: Mapping[str, Any], listed: Sequence[str]
                ) -> str:
    """The body of ``page`` (the panel's place marked by :data:`MARKER`)."""
    return env.get_template(BODY_TEMPLATE).render(body_context(page, listed))


def split(body: str) -> tuple[Markup, Markup]:
    """A body as the two parts around the "More like this" panel."""
    before, _, after = body.partition(MARKER)
    return Markup(before), Markup(after)


class StoredBodies:
    """The bodies a release holds, by key, in memory (read once per release: ~12 MB and
    ~0.1 s on Netflix's files; a body read per page from the file took 3-4 ms)."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        try:
            self.rows: dict[bytes, bytes] = dict(
                con.execute("SELECT key, body FROM title_bodies").fetchall())
            found = con.execute("SELECT dictionary FROM title_body_dictionary").fetchall()
        except duckdb.CatalogException:  # a release written before bodies were
            self.rows, found = {}, []
        trained = zstandard.ZstdCompressionDict(found[0][0]) if found else None
        self._zstd = (zstandard.ZstdDecompressor(dict_data=trained) if trained
                      else zstandard.ZstdDecompressor())
        self._lock = threading.Lock()  # a zstd decompressor is not to be shared by threads

    def __len__(self) -> int:
        return len(self.rows)

    def get(self, key: bytes) -> str | None:
        """The body stored under ``key``, or None."""
        packed = self.rows.get(key)
        if packed is None:
            return None
        with self._lock:
            return self._zstd.decompress(packed).decode()


def publishing_environment() -> jinja2.Environment:
    """The site's templates with its links, for a writer that serves nothing."""
    from fastapi import FastAPI

    from starchart.web.app import make_templates
    from starchart.web.registry import url_builder
    from starchart.web.routes import register_routes

    routes = FastAPI()
    register_routes(routes)
    env = make_templates().env
    env.globals["url"] = url_builder(routes)
    return env


def _pages_of(charts: api.Charts, source: str, default: str
              ) -> Iterator[dict[str, Any]]:
    """Every title and show page of ``source`` as the site answers it (a title's page at
    ``/title/<slug>``, a show's at ``/show/<slug>``; a slug that redirects has none)."""
    asked = None if source == default else source
    for (slug,) in charts.con.execute(
            "SELECT slug FROM title_index WHERE source = ? ORDER BY position",
            [source]).fetchall():
        page = pages.title_page(charts, slug, source=asked)
        if page["page"] == "title":
            yield page
    for (show_slug,) in charts.con.execute(
            """SELECT DISTINCT show_slug FROM title_index WHERE source = ? AND kind = 'tv'
               ORDER BY show_slug""", [source]).fetchall():
        page = pages.title_page(charts, show_slug, show=True, source=asked)
        if page["page"] == "show":
            yield page


def inputs_digest(charts: api.Charts, listed: Sequence[str]) -> str:
    """What every title page of the release behind ``charts`` is made from, as one value:
    its records, index and coverage, its sources, the countries with lists and the code
    that renders (two releases with the same digest have the same bodies)."""
    digest = hashlib.blake2b(RENDERER, digest_size=16)
    for table in ("title_pages", "title_index", "coverage"):
        digest.update(repr(charts.con.execute(
            f"SELECT count(*), bit_xor(hash(t)) FROM {table} t").fetchall()).encode())
    digest.update(repr((charts.sources(), list(listed))).encode())
    return digest.hexdigest()


def prepare_bodies(charts: api.Charts, *, tick: Callable[[int, int], None] | None = None
                   ) -> dict[str, int | None]:
    """Render into ``title_bodies`` the body of every title and show page of the release
    behind ``charts`` whose key is not there yet, and delete the bodies of no page.
    Returns ``{"pages", "rendered", "deleted"}`` (``pages`` None: nothing they are made from
    changed, so they were not even listed); ``tick(done, total)`` reports rendering."""
    con = charts.con
    listed = [c["iso2"] for c in pages.country_spans(charts, source=None)]  # as the site
    inputs = inputs_digest(charts, listed)
    [(said,)] = con.execute("""SELECT comment FROM duckdb_tables() WHERE table_name =
                               'title_bodies' AND database_name = current_database()""").fetchall()
    if said == inputs:
        return {"pages": None, "rendered": 0, "deleted": 0}
    charts.keep_records()
    default = charts.source(None)
    have = {key for (key,) in con.execute("SELECT key FROM title_bodies").fetchall()}
    wanted: dict[bytes, tuple[str, dict[str, Any], tuple[str, str]]] = {}
    for source in charts.sources():
        labels = span_labels(charts, source)
        for page in _pages_of(charts, source, default):
            wanted.setdefault(body_key(page, listed, labels), (source, page, labels))
    missing = [key for key in wanted if key not in have]
    stale = [key for key in have if key not in wanted]
    if stale:
        con.register("_stale", pa.table({"key": pa.array(stale, pa.binary())}))
        try:
            con.execute("DELETE FROM title_bodies WHERE key IN (SELECT key FROM _stale)")
        finally:
            con.unregister("_stale")
    if missing:
        _write_bodies(con, [(key, *wanted[key]) for key in missing], listed,
                      afresh=len(missing) == len(wanted), tick=tick)
    con.execute(f"COMMENT ON TABLE title_bodies IS '{inputs}'")  # hex digits
    return {"pages": len(wanted), "rendered": len(missing), "deleted": len(stale)}


def _write_bodies(con: duckdb.DuckDBPyConnection,
                  todo: list[tuple[bytes, str, dict[str, Any], tuple[str, str]]],
                  listed: Sequence[str], *,
                  afresh: bool, tick: Callable[[int, int], None] | None) -> None:
    """Render and insert the bodies of ``todo`` (key, source, page, span labels).
    ``afresh``: no body is kept from before, so the compression dictionary is trained anew
    on the first ones rendered; otherwise the release's dictionary compresses the new ones
    too."""
    env = publishing_environment()
    if afresh:
        con.execute("DELETE FROM title_body_dictionary")
        dictionary = None
    else:
        found = con.execute("SELECT dictionary FROM title_body_dictionary").fetchall()
        dictionary = zstandard.ZstdCompressionDict(found[0][0]) if found else None
    zstd = (zstandard.ZstdCompressor(level=ZSTD_LEVEL, dict_data=dictionary) if dictionary
            else zstandard.ZstdCompressor(level=ZSTD_LEVEL))
    rows: dict[str, list[Any]] = {"key": [], "source": [], "address": [], "body": []}
    plain: list[bytes] = []  # the first bodies, kept to train the dictionary on

    def flush(done: int) -> None:
        insert_arrow(con, "title_bodies", pa.table({
            "key": pa.array(rows["key"], pa.binary()), "source": rows["source"],
            "address": rows["address"], "body": pa.array(rows["body"], pa.binary())}))
        for column in rows.values():
            column.clear()
        if tick is not None:
            tick(done, len(todo))

    for done, (key, source, page, labels) in enumerate(todo, 1):
        body = render_body(env, tokenized(page, labels), listed).encode()
        rows["key"].append(key)
        rows["source"].append(source)
        rows["address"].append(page["links"]["html"])
        training = afresh and dictionary is None
        if training:
            plain.append(body)
            rows["body"].append(b"")  # compressed once the dictionary is made
            if len(plain) < TRAINING_PAGES and done < len(todo):
                continue
            dictionary = _trained(plain)
            if dictionary is not None:
                con.execute("INSERT INTO title_body_dictionary VALUES (?)",
                            [dictionary.as_bytes()])
                zstd = zstandard.ZstdCompressor(level=ZSTD_LEVEL, dict_data=dictionary)
            rows["body"][-len(plain):] = [zstd.compress(b) for b in plain]
            afresh = False
        else:
            rows["body"].append(zstd.compress(body))
        if len(rows["key"]) >= BATCH or done == len(todo):
            flush(done)


def _trained(samples: list[bytes]) -> zstandard.ZstdCompressionDict | None:
    """A zstd dictionary trained on ``samples``, or None when there are too few to train
    on (a small store: its bodies are compressed without one)."""
    try:
        return zstandard.train_dictionary(DICTIONARY_BYTES, list[Any](samples))
    except zstandard.ZstdError:
        return None
