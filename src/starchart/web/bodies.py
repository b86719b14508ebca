"""Title pages rendered when a release is published, not when they are asked for.

The heavy part of a title or show page (its run plot, its maps week by week, its tables:
everything but the header, the footer and the "More like this" panel) is a pure function of
the page's data and of the countries with lists. It is rendered for every title and show of
a release while the release is written (``title_bodies``, compressed with a zstd dictionary
trained on them: ~1.3 KB a page on Netflix's files), with the few fields of the page the
header and the panel show (:func:`head`). The site keeps them in memory
(:class:`StoredBodies`) and serves a published page from them by its address alone: no
record read, no figure drawn, only the small template around the body.

The site trusts a release's bodies only when they were made in the site's own *context*
(:func:`context_digest`: the code, the sources and the countries with lists). The code is
every module of starchart (:data:`RENDERER`: the queries that make a page's data from the
release as well as what renders it), so a site running other code renders every page
itself, as before, until a release is published by its code. Within one context, the writer
keys each body by a hash of everything it was rendered from (:func:`body_key`: the page's
data as JSON, the countries with lists, the code) and renders a page again whenever its key
changes (:mod:`starchart.web.prerender`); a page served from its body is the page rendered
on request, byte for byte (tested over every page of a store, before and after updates).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
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
_PACKAGE = _HERE.parent
_RENDERING_FILES = ("templates/" + BODY_TEMPLATE, "static/world-110m.json")  # besides the code
_RENDERING_PACKAGES = ("jinja2", "markupsafe")
SHELL_HEADLINE = ("weeks_at_1", "peak_rank", "weeks_in_top_10")  # what title.html's head says


def _renderer_digest() -> bytes:
    """What makes a body, as bytes: every module of starchart (the queries that make a
    page's data from the release's records, the site's filters, links and figures), the
    body's template, the map's geometry, and the versions of Jinja and MarkupSafe. A
    release written by other code has other keys and another context, so its bodies are
    rendered afresh, never trusted."""
    digest = hashlib.blake2b(digest_size=16)
    files = [*sorted(_PACKAGE.rglob("*.py")), *(_HERE / name for name in _RENDERING_FILES)]
    for path in files:
        digest.update(path.relative_to(_PACKAGE).as_posix().encode() + b"\0"
                      + path.read_bytes() + b"\0")
    for package in _RENDERING_PACKAGES:
        digest.update(f"{package}=={metadata.version(package)}\0".encode())
    return digest.digest()


RENDERER = _renderer_digest()


def context_digest(sources: Sequence[str], listed: Sequence[str]) -> str:
    """What every body of a release is made with besides its page's data: the code, the
    sources and the countries with lists (kept as the table's comment). A release whose
    bodies were made in another context has every page looked at when the next one is
    written, and none of its bodies served."""
    digest = hashlib.blake2b(RENDERER, digest_size=16)
    digest.update(repr((list(sources), list(listed))).encode())
    return digest.hexdigest()


def made_in(con: duckdb.DuckDBPyConnection) -> str | None:
    """The context the bodies of the release ``con`` reads were made in (the table's
    comment), or None when it holds none."""
    found = con.execute("""SELECT comment FROM duckdb_tables() WHERE table_name =
                           'title_bodies' AND database_name = current_database()""").fetchall()
    return found[0][0] if found else None


def head(page: Mapping[str, Any]) -> dict[str, Any]:
    """What the page around a body shows of the page's data (its title, description, JSON
    link and "More like this" panel), stored beside the body: a published page is served
    without its record. Both ways of serving a page give its template only this."""
    headline = views.headline(page)
    return {"page": page["page"], "name": page.get("name"), "show_title": page["show_title"],
            "season_title": page.get("season_title"), "title_id": page.get("title_id"),
            "source": page.get("source"),
            "links": {"html": page["links"]["html"], "json": page["links"]["json"]},
            "headline": {k: headline[k] for k in SHELL_HEADLINE}}


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
_TOKEN_START = TOKENS[0][0].encode()


def _replaced(labels: Sequence[str]) -> list[tuple[str, str]]:
    """(label, token) for each label that is a span's (never a word a page says otherwise,
    as "no data" is a status too), the longest first (one label may hold the other: views
    over several spans, one of them the country lists' span)."""
    pairs = [(label, token) for label, token in zip(labels, TOKENS, strict=True)
             if " .. " in label]
    return sorted(pairs, key=lambda pair: -len(pair[0]))


def same_tokens(before: Sequence[str], after: Sequence[str]) -> bool:
    """True when a body made while the span labels were ``before`` holds them as one made
    with ``after`` would: the same tokens in the same places, so that filling in ``after``
    gives the body rendered with them. That is, each label is a span in both or the same
    word in both ("no data" is written as it is), and the two labels are equal, or one
    holds the other, in both or in neither (one token stands for what is both)."""
    def shape(labels: Sequence[str]) -> tuple[bool, ...]:
        country, views = labels
        return (" .. " in country, " .. " in views, country == views, country in views,
                views in country)

    return shape(before) == shape(after) and all(
        old == new for old, new in zip(before, after, strict=True) if " .. " not in old)


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


def filled(body: bytes, labels: Sequence[str]) -> bytes:
    """A stored body (UTF-8) with the release's span labels written in for their tokens
    (most bodies quote neither: one look for the tokens' first character)."""
    if _TOKEN_START not in body:
        return body
    for label, token in _replaced(labels):
        body = body.replace(token.encode(), str(escape(label)).encode())
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


def split(body: bytes) -> tuple[bytes, bytes]:
    """A body as the two parts around the "More like this" panel."""
    before, _, after = body.partition(MARKER.encode())
    return before, after


_NONCE = secrets.token_hex(8)  # no page's text can hold the places made with it
PLACES = (Markup(f"<!-- body {_NONCE} -->"), Markup(f"<!-- body {_NONCE} continued -->"))
"""Where a title page's template puts the two parts of its body (:func:`split`), written in
as bytes once the page around them is rendered (:func:`spliced`): a body is never decoded,
escaped or encoded again per request."""
SPLICED = "spliced_bodies"
"""The template context's entry holding the two parts for :data:`PLACES`."""


def spliced(html: str, parts: Sequence[bytes]) -> bytes:
    """``html`` (a page rendered with :data:`PLACES`) as UTF-8, ``parts`` in their places."""
    pieces, rest = [], html
    for place, part in zip(PLACES, parts, strict=True):
        before, found, rest = rest.partition(place)
        if not found:
            raise ValueError("the page has no place for its body")
        pieces += [before.encode(), part]
    pieces.append(rest.encode())
    return b"".join(pieces)


class StoredBodies:
    """The bodies a release holds, by address, in memory (read once per release: ~12 MB and
    ~0.1 s on Netflix's files; a body read per page from the file took 3-4 ms); none when
    they were made in another context than ``context`` (:func:`context_digest`)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, context: str) -> None:
        self.rows: dict[tuple[str, str], tuple[bytes, str]] = {}
        found: list[tuple[bytes]] = []
        try:
            if made_in(con) == context:
                self.rows = {(source, address): (body, head_json)
                             for source, address, body, head_json in con.execute(
                                 "SELECT source, address, body, head FROM title_bodies"
                             ).fetchall()}
                found = con.execute("SELECT dictionary FROM title_body_dictionary").fetchall()
        except (duckdb.CatalogException, duckdb.BinderException):
            self.rows = {}  # a release written before bodies were, or before their heads
        trained = zstandard.ZstdCompressionDict(found[0][0]) if found else None
        self._zstd = (zstandard.ZstdDecompressor(dict_data=trained) if trained
                      else zstandard.ZstdDecompressor())
        self._lock = threading.Lock()  # a zstd decompressor is not to be shared by threads

    def __len__(self) -> int:
        return len(self.rows)

    def get(self, source: str, address: str) -> tuple[dict[str, Any], bytes] | None:
        """The head and the body (UTF-8, span tokens not filled in) stored for ``address``
        of ``source``, or None (also when it cannot be read: the page is then rendered, and
        the log says why)."""
        found = self.rows.get((source, address))
        if found is None:
            return None
        packed, head_json = found
        try:
            with self._lock:
                body = self._zstd.decompress(packed)
            return orjson.loads(head_json), body
        except (zstandard.ZstdError, orjson.JSONDecodeError):
            log.warning("the published body of %s could not be read; rendering it", address,
                        exc_info=True)
            return None
