"""Title pages rendered when a release is published, not when they are asked for.

The heavy part of a title or show page (its run plot, its maps week by week, its tables:
everything but the header, the footer and the "More like this" panel) is a pure function of
the page's data and of the countries with lists. It is rendered for every
title and show of a release while the release is written (``title_bodies``, compressed
with a zstd dictionary trained on them: ~1.3 KB a page on Netflix's files), and the site
keeps them in memory (:class:`StoredBodies`) instead of rendering them: an uncached title
page costs a lookup and a small template, not its figures.

A stored body is found by its *key*: a hash of everything it was rendered from (the page's
data as its JSON, the countries with lists, and the code and template that render it,
:data:`RENDERER`). The site computes the same key from the data it serves, so a body is
used only when it was rendered from exactly that data by exactly this code; anything else
(a release written by other code, an older release without the table, a page the writer
did not look at) is rendered as before. Correctness never depends on the writer guessing
which pages changed (:mod:`starchart.web.prerender` publishes them).
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Mapping, Sequence
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import jinja2
import orjson
import zstandard
from markupsafe import Markup, escape

from starchart import coverage
from starchart.web import plot, views

if TYPE_CHECKING:
    from starchart import api

log = logging.getLogger("starchart.web")

BODY_TEMPLATE = "title_body.html"
MARKER = "<!-- more like this -->"
"""Where the body leaves room for the "More like this" panel (it reads the discovery models,
which a training run changes without touching any title)."""
_HERE = Path(__file__).parent
_RENDERING_FILES = ("templates/" + BODY_TEMPLATE, "static/world-110m.json", "../display.py",
                    "../queries/slugs.py")  # besides every module of starchart.web
_RENDERING_PACKAGES = ("jinja2", "markupsafe")


def _renderer_digest() -> bytes:
    """What renders a body, as bytes: every module of the site (its templates' filters, its
    links' routes, its figures), the body's template, the map's geometry, and the versions
    of Jinja and MarkupSafe. A release written by other code then has other keys, and its
    bodies are rendered afresh, never trusted."""
    digest = hashlib.blake2b(digest_size=16)
    files = [*sorted(p.name for p in _HERE.glob("*.py")), *_RENDERING_FILES]
    for name in files:
        digest.update(name.encode() + b"\0" + (_HERE / name).read_bytes() + b"\0")
    for package in _RENDERING_PACKAGES:
        digest.update(f"{package}=={metadata.version(package)}\0".encode())
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
        countries, viewed = (coverage.label(coverage.spans_of(charts.con, source, dataset))
                             for dataset in ("countries", "global-views"))
        return countries, viewed

    found: tuple[str, str] = charts.memo.get(("span_labels", source), read)
    return found


TOKENS = ("\ue000country lists\ue000", "\ue000weekly views\ue000")


def _replaced(labels: Sequence[str]) -> list[tuple[str, str]]:
    """(label, token) for each label that is a span's (never a word a page says otherwise,
    as "no data" is a status too), the longest first (one label may hold the other: views
    over several spans, one of them the country lists' span)."""
    pairs = [(label, token) for label, token in zip(labels, TOKENS, strict=True)
             if " .. " in label]
    return sorted(pairs, key=lambda pair: -len(pair[0]))


def holds_escaped_tokens(body: str) -> bool:
    """True when a token was written escaped (as JSON or an HTML character reference),
    where :func:`filled` would not find it: such a body is not stored."""
    return any(form in body for form in ("\\ue000", "&#57344;", "&#xe000;", "&#xE000;"))


def body_key(page: Mapping[str, Any], listed: Sequence[str],
             labels: Sequence[str] = ("", "")) -> bytes:
    """The key of the body rendered from ``page`` with ``listed`` (see the module
    docstring): the same data and code give the same key, any difference another, but for
    the span ``labels`` (:func:`span_labels`), which the body holds as tokens."""
    raw = orjson.dumps(page, default=str, option=orjson.OPT_NON_STR_KEYS)
    for label, token in _replaced(labels):
        raw = raw.replace(label.encode(), token.encode())  # a label is plain ASCII in JSON
    digest = hashlib.sha256(RENDERER)  # SHA-256: twice blake2b's speed here (SHA-NI)
    digest.update(raw)
    digest.update(b"\0" + ",".join(listed).encode())
    return digest.digest()[:16]


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
    """A stored body with the release's span labels written in for their tokens (most
    bodies quote neither: one look for the tokens' first character)."""
    if TOKENS[0][0] not in body:
        return body
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
        """The body stored under ``key``, or None (also when it cannot be read: the page is
        then rendered, and the log says why)."""
        packed = self.rows.get(key)
        if packed is None:
            return None
        try:
            with self._lock:
                return self._zstd.decompress(packed).decode()
        except (zstandard.ZstdError, UnicodeDecodeError):
            log.warning("a stored title page body could not be read; rendering it",
                        exc_info=True)
            return None
