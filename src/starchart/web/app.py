"""The chart site: ``create_app(db)`` builds the FastAPI app serving pages, JSON and CSV.

Every page is one data function (:mod:`starchart.web.pages`) rendered two ways: a Jinja
template, or its JSON twin (``.json`` suffix or ``Accept: application/json``). Unknown
things answer 404 with suggestions and bad parameters 400, as HTML or JSON to match.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from starchart import api, store
from starchart.web import fmt, maps, pages
from starchart.web.responses import error_response, json_response, wants_json
from starchart.web.routes import register_routes

log = logging.getLogger("starchart.web")

HERE = Path(__file__).parent
TEMPLATES_DIR = HERE / "templates"
STATIC_DIR = HERE / "static"


class StoreCache:
    """Memoise answers while the store file is unchanged (its size and mtime, and the WAL's).

    The site never writes, so an answer stays right until something rebuilds the store; a
    changed stamp empties the cache. Least recently used answers go first beyond ``size``
    (a title's answer with its per-country weeks can weigh a megabyte). ``enabled=False``
    makes every call reach the api.
    """

    def __init__(self, db: Path | None, *, enabled: bool = True, size: int = 256) -> None:
        self.db = db
        self.enabled = enabled
        self.size = size
        self._stamp: tuple[int, ...] | None = None
        self._data: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def stamp(self) -> tuple[int, ...]:
        """Size and mtime of the store file and its WAL: what changes when anything writes."""
        path = store.resolve_db_path(self.db)
        parts: list[int] = []
        for p in (path, path.with_name(path.name + ".wal")):
            try:
                st = p.stat()
                parts += [st.st_mtime_ns, st.st_size]
            except FileNotFoundError:
                parts += [0, 0]
        return tuple(parts)

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """The cached answer for ``key``, computing it on a miss (errors are not cached)."""
        if not self.enabled:
            return compute()
        stamp = self.stamp()
        with self._lock:
            if stamp != self._stamp:
                self._data.clear()
                self._stamp = stamp
            if key in self._data:
                self._data.move_to_end(key)
                return self._data[key]
        value = compute()
        with self._lock:
            self._data[key] = value
            while len(self._data) > self.size:
                self._data.popitem(last=False)
        return value


class HeadAsGet:
    """Answer HEAD as GET without the body: HTTP requires HEAD wherever GET works (link
    checkers and uptime probes use it), and FastAPI's routes only declare GET."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)


class Site:
    """What the routes share: the store path, the cache, templates and the page chrome."""

    def __init__(self, db: Path | None, templates: Jinja2Templates, cache: StoreCache) -> None:
        self.db = db
        self.templates = templates
        self.cache = cache

    def data(self, name: str, build: Callable[..., dict[str, Any]], **kwargs: Any) -> Any:
        """Call a page's data function through the cache (same args, same answer)."""
        key = (name, tuple(sorted(kwargs.items())))
        return self.cache.get(key, lambda: build(db=self.db, **kwargs))

    def sources(self) -> list[str]:
        return list(self.cache.get(("sources",), lambda: api.sources(db=self.db)))

    def check_source(self, source: str | None) -> str | None:
        """None, or a source this store holds (ValueError naming the ones it has)."""
        if source in (None, ""):
            return None
        known = self.sources()
        if source not in known:
            raise ValueError(f"unknown source {source!r}; this store holds: {', '.join(known)}")
        return source

    def chrome(self, *, country: str | None = None, source: str | None = None) -> dict[str, Any]:
        """Picker lists for the header: weeks (of the country on a country page), countries."""
        try:
            weeks = self.cache.get(
                ("weeks", country, source),
                lambda: [str(w) for w in api.weeks(country=country, source=source, db=self.db)],
            )
            countries = self.cache.get(
                ("countries", source),
                lambda: pages.jsonable(api.countries(source=source, db=self.db)),
            )
            sources = self.sources()
        except Exception:  # the chrome must never break a page (or its error page)
            log.debug("page chrome unavailable", exc_info=True)
            weeks, countries, sources = [], [], []
        return {
            "nav_weeks": weeks,
            "nav_countries": countries,
            "sources": sources,
            "source": source,
        }

    def render(
        self,
        request: Request,
        template: str,
        page: dict[str, Any],
        *,
        section: str = "",
        country: str | None = None,
        source: str | None = None,
        extra: dict[str, Any] | Callable[[], dict[str, Any]] | None = None,
    ) -> Response:
        """The page as HTML, or its JSON twin when the request asks for JSON.

        The HTML is memoised by address like the data (a page depends on nothing else), so a
        repeated page costs no template work; ``extra`` may be a callable so that a title's
        map and plot are only drawn on a miss.
        """
        if wants_json(request):
            return json_response(page)

        def build() -> str:
            more = extra() if callable(extra) else (extra or {})
            context = {
                "request": request,
                "page": page,
                "section": section,
                "json_url": (page.get("links") or {}).get("json"),
                **self.chrome(country=country, source=source),
                **more,
            }
            return self.templates.get_template(template).render(context)

        key = ("html", template, request.url.path, request.url.query)
        body = self.cache.get(key, build)
        return HTMLResponse(body, headers={"Vary": "Accept"})


def make_templates() -> Jinja2Templates:
    """Jinja with the display filters (rounding happens only here, never in the JSON)."""
    templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
    env = templates.env
    env.filters.update(
        compact=fmt.compact,
        grouped=fmt.grouped,
        runtime=fmt.runtime_hm,
        week_label=fmt.week_label,
        week_span=fmt.week_span,
        change_text=fmt.change_text,
        plural=fmt.plural,
    )
    env.globals.update(
        title_name=fmt.title_name,
        move=fmt.move,
        leader_words=pages.LEADER_WORDS,
        leader_short=pages.LEADER_SHORT,
    )
    env.trim_blocks = True
    env.lstrip_blocks = True
    return templates


API_DESCRIPTION = """
starchart's charts as JSON: every page of the site has a JSON twin at the same address with
`.json` appended (or ask with `Accept: application/json`), built from the same data. Lists
also download as CSV. Values are as stored (engine charts exact, Netflix charts as
published); the HTML rounds for display, the JSON never does. Errors are JSON too:
`{"error", "status", "message", "suggestions": [{"label", "url"}]}` with 400 for a bad
parameter and 404 for an unknown week, country or title.
"""


def create_app(db: Path | None = None, *, cache: bool = True) -> FastAPI:
    """The site and JSON API over the store at ``db`` (default ``$STARCHART_DB``), read-only.

    ``cache=False`` sends every request to the api (which opens the store per call); the
    default memoises answers until the store file changes.
    """
    app = FastAPI(
        title="starchart",
        version="1",
        description=API_DESCRIPTION,
        docs_url=None,  # Swagger UI loads from a CDN; /api lists the routes instead
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    templates = make_templates()
    site = Site(db, templates, StoreCache(db, enabled=cache))
    app.state.site = site
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    app.add_middleware(HeadAsGet)

    def internal(request: Request, exc: Exception) -> Response:
        log.exception("error serving %s", request.url.path, exc_info=exc)
        return error_response(
            request,
            templates,
            500,
            "The server failed on this page; the error is logged.",
            context=site.chrome(),
        )

    @app.exception_handler(LookupError)
    async def not_found(request: Request, exc: LookupError) -> Response:
        if isinstance(exc, KeyError | IndexError):  # a bug, not an unknown thing
            return internal(request, exc)
        message = str(exc.args[0]) if exc.args else "not found"
        suggestions = exc.args[1] if len(exc.args) > 1 and isinstance(exc.args[1], list) else None
        return error_response(request, templates, 404, message, suggestions, context=site.chrome())

    @app.exception_handler(ValueError)
    async def bad_request(request: Request, exc: ValueError) -> Response:
        message = str(exc.args[0]) if exc.args else "bad request"
        suggestions = exc.args[1] if len(exc.args) > 1 and isinstance(exc.args[1], list) else None
        return error_response(request, templates, 400, message, suggestions, context=site.chrome())

    @app.exception_handler(FileNotFoundError)
    async def no_store(request: Request, exc: FileNotFoundError) -> Response:
        return error_response(request, templates, 503, str(exc))

    @app.exception_handler(store.StoreUnavailableError)
    async def store_unavailable(request: Request, exc: store.StoreUnavailableError) -> Response:
        # Locked by a writer (a running build or import) or not a store: not a server bug.
        response = error_response(request, templates, 503, str(exc))
        response.headers["Retry-After"] = "5"
        return response

    @app.exception_handler(RequestValidationError)
    async def bad_params(request: Request, exc: RequestValidationError) -> Response:
        problems = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err.get("loc", ())[1:]) or "request"
            problems.append(f"{where}: {err.get('msg', 'invalid')}")
        return error_response(
            request, templates, 400, "; ".join(problems) or "invalid request", context=site.chrome()
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else "not found"
        if exc.status_code == 404 and message == "Not Found":
            message = f"There is no page at {request.url.path}."
        return error_response(request, templates, exc.status_code, message, context=site.chrome())

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception) -> Response:
        return internal(request, exc)

    @app.get("/static/world.svg", include_in_schema=False)
    def world_sprite() -> Response:
        return Response(
            maps.sprite_svg(),
            media_type="image/svg+xml",
            headers={"Cache-Control": "public, max-age=86400"},
        )

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response(
            (STATIC_DIR / "favicon.svg").read_bytes(),
            media_type="image/svg+xml",
            headers={"Cache-Control": "public, max-age=86400"},
        )

    register_routes(app, site)
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    return app
