"""How a page answers: HTML, its JSON twin, CSV, and the error pages (never a bare 500).

The same data dict goes to the template and to the JSON encoder; a request gets JSON when
its path ends in ``.json`` or its Accept header prefers ``application/json``.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

import orjson
from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.templating import Jinja2Templates

from starchart.web.pages import jsonable, suggestion_links, with_query

log = logging.getLogger("starchart.web")


def wants_json(request: Request) -> bool:
    """``.json`` in the path, or an Accept header asking for JSON rather than HTML."""
    # the scope's path, not ``request.url.path``: that builds and parses the whole URL
    # (host, port, query), twice a page
    if request.scope["path"].endswith(".json"):
        return True
    accept = request.headers.get("accept", "")
    if "application/json" not in accept:
        return False
    best_json = _quality(accept, "application/json")
    best_html = max(_quality(accept, "text/html"), _quality(accept, "*/*") * 0.99)
    return best_json > best_html


def _quality(accept: str, media: str) -> float:
    for part in accept.split(","):
        fields = [f.strip() for f in part.split(";")]
        if fields[0] != media:
            continue
        for f in fields[1:]:
            if f.startswith("q="):
                try:
                    return float(f[2:])
                except ValueError:
                    return 0.0
        return 1.0
    return 0.0


class StarchartJSON(JSONResponse):
    """JSON without escaping non-ASCII titles, dates and numpy values made plain, NaN as
    null. Written by orjson, several times faster than the standard library on a title
    page's 87 KB (a good part of an uncached answer)."""

    def render(self, content: Any) -> bytes:
        try:  # most answers come JSON-safe from a release: no second walk over them
            return orjson.dumps(content, default=_plain)
        except TypeError:  # a key that is not text, or a value only jsonable() can write
            return orjson.dumps(jsonable(content), option=orjson.OPT_NON_STR_KEYS)


def _plain(value: Any) -> Any:
    """A value orjson cannot write as it is (a numpy number, pandas' NA): as jsonable()
    writes it."""
    plain = jsonable(value)
    if plain is value:
        raise TypeError(f"not JSON: {type(value).__name__}")
    return plain


def json_response(data: Any, status_code: int = 200) -> Response:
    """The JSON twin of a page."""
    return StarchartJSON(data, status_code=status_code, headers={"Vary": "Accept"})


# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """A value as a CSV cell: text that a spreadsheet would execute gets a leading ``'``
    (OWASP's advice; the text still reads the same), numbers stay numbers."""
    value = jsonable(value)
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def csv_response(
    rows: Sequence[Mapping[str, Any]], columns: Sequence[str], filename: str
) -> Response:
    """A list as CSV (RFC 4180 quoting, UTF-8, formula-looking text neutralised), offered
    as a download."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_cell(row.get(c)) for c in columns])
    return Response(
        buf.getvalue().encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


ERROR_TITLES = {
    400: "That request doesn't look right",
    404: "Not found",
    405: "Method not allowed",
    500: "Something went wrong",
    503: "The chart store is not available",
}


def error_response(
    request: Request,
    templates: Jinja2Templates,
    status: int,
    message: str,
    suggestions: Sequence[Any] | None = None,
    *,
    context: Mapping[str, Any] | None = None,
) -> Response:
    """A helpful error: HTML page with suggestions, JSON for twins, text for CSV."""
    links = suggestion_links(suggestions, country=request.path_params.get("iso2"))
    if not links and status == 404:
        last = [p for p in request.url.path.split("/") if p]
        if last:
            guess = last[-1].removesuffix(".json").removesuffix(".csv").replace("-", " ")
            links.append(
                {"label": f"Search for “{guess}”", "url": with_query("/search", {"q": guess})}
            )
        links += [
            {"label": "The latest Top 10", "url": "/"},
            {"label": "All weeks", "url": "/weeks"},
            {"label": "Countries", "url": "/countries"},
        ]
    body = {
        "error": ERROR_TITLES.get(status, "Error"),
        "status": status,
        "message": message,
        "suggestions": links,
    }
    if wants_json(request):
        return json_response(body, status_code=status)
    if request.url.path.endswith((".csv", ".atom")):  # a download or a feed: one text line
        return Response(f"{status} {message}\n", status_code=status, media_type="text/plain")
    try:
        return templates.TemplateResponse(
            request, "error.html", {"page": body, **(context or {})}, status_code=status
        )
    except Exception:  # a broken template must not hide the real error
        log.exception("error page failed to render")
        return HTMLResponse(f"<h1>{status}</h1><p>{escape(message)}</p>", status_code=status)
