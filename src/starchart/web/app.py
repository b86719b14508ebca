"""The chart site: ``create_app(db)`` builds the FastAPI app serving pages, JSON and CSV.

Every page is one data function (:mod:`starchart.web.pages`) rendered two ways: a Jinja
template, or its JSON twin (``.json`` suffix or ``Accept: application/json``). Unknown
things answer 404 with suggestions and bad parameters 400, as HTML or JSON to match.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import duckdb
import jinja2
import swagger_ui  # type: ignore[import-untyped]
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from starchart import display, releases
from starchart.queries.slugs import title_name
from starchart.web import maps, pages, views
from starchart.web.carry import release_line
from starchart.web.registry import url_builder
from starchart.web.responses import error_response
from starchart.web.routes import register_routes
from starchart.web.serving import CachedResponses
from starchart.web.site import DEFAULT_CACHE_BYTES, Site
from starchart.web.static_files import MemoryStaticFiles

log = logging.getLogger("starchart.web")

HERE = Path(__file__).parent
TEMPLATES_DIR = HERE / "templates"
STATIC_DIR = HERE / "static"
# Swagger UI's own files, as the pinned swagger-ui-py package ships them: /docs loads
# nothing from another host
SWAGGER_DIR = Path(swagger_ui.__file__).parent / "static"


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


_DICT_NAMES = frozenset(dir(dict))


class PageEnvironment(jinja2.Environment):
    """Jinja whose ``page.name`` on a plain dict looks the key up first. Jinja tries the
    attribute first and the key only after an AttributeError, and pages are dicts: that
    raised and caught exception, ~170 times a title page, was a sixth of its rendering.
    Names a dict has as attributes (``items``, ``get``...) still mean the attribute, a
    missing key is still undefined: the same answers, found sooner."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_NAMES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


def make_templates() -> Jinja2Templates:
    """Jinja with the display filters (rounding happens only here, never in the JSON)."""
    templates = Jinja2Templates(env=PageEnvironment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=jinja2.select_autoescape(),
    ))
    env = templates.env
    env.filters.update(
        compact=display.compact,
        grouped=display.grouped,
        runtime=display.runtime_hm,
        week_label=display.week_label,
        week_span=display.week_span,
        change_text=display.change_text,
        plural=display.plural,
    )
    env.globals.update(
        title_name=title_name,
        move=display.move,
        leader_words=pages.LEADER_WORDS,
        leader_short=pages.LEADER_SHORT,
        release_line=release_line,
        list_table=views.list_table,
        run_rows=views.run_rows,
        country_rows=views.country_rows,
        multiples_items=views.multiples_items,
        engagement_rows=views.engagement_rows,
    )
    env.trim_blocks = True
    env.lstrip_blocks = True
    env.auto_reload = False  # compiled once: no stat of each template file per page
    return templates


API_DESCRIPTION = """
starchart's charts as JSON: every page of the site has a JSON twin at the same address with
`.json` appended (or ask with `Accept: application/json`), built from the same data. Lists
also download as CSV. Values are as stored (engine charts exact, Netflix charts as
published); the HTML rounds for display, the JSON never does. Errors are JSON too:
`{"error", "status", "message", "suggestions": [{"label", "url"}]}` with 400 for a bad
parameter (never 422), 404 for an unknown week, country, title or release, and 503 (with
`Retry-After`) while no release can be served. CSV addresses answer errors as one line of
text, `<status> <message>`. Every route takes `?release=N` to answer from an older chart
release while it is kept. Try the routes at `/docs`.
"""


def true_openapi(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI description as the server answers: FastAPI documents a 422 for every
    parameter error, but this server answers those as 400 with the ``ErrorBody`` (see
    ``bad_params``), so the 422s and their schemas are taken out."""
    if app.openapi_schema is None:
        spec = get_openapi(
            title=app.title,
            version=app.version,
            description=app.description,
            routes=app.routes,
        )
        for ops in spec.get("paths", {}).values():
            for op in ops.values():
                op.get("responses", {}).pop("422", None)
        schemas = spec.get("components", {}).get("schemas", {})
        for name in ("HTTPValidationError", "ValidationError"):
            schemas.pop(name, None)
        app.openapi_schema = spec
    return app.openapi_schema



def create_app(
    db: Path | None = None, *, cache: bool = True, cache_bytes: int = DEFAULT_CACHE_BYTES
) -> FastAPI:
    """The site and JSON API over the chart releases of the store at ``db`` (default
    ``$STARCHART_DB``): it reads releases only, never the store, and serves each new release
    as soon as it is published.

    At start it publishes the store's charts if no release holds them yet (a store from
    before releases, a build that died before publishing). ``cache=False`` computes every
    answer afresh from the release; the default keeps up to ``cache_bytes`` of answers per
    release.
    """
    app = FastAPI(
        title="starchart",
        version="1",
        description=API_DESCRIPTION,
        docs_url=None,  # FastAPI's /docs loads from a CDN: ours is served from here (below)
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    try:
        releases.catch_up(db)
    except Exception:  # served as a 503 until a release exists; the log says why
        log.warning("could not publish the store's charts at start", exc_info=True)
    templates = make_templates()
    site = Site(db, templates, cache=cache, cache_bytes=cache_bytes)
    try:  # the first release opened, and prepared in the background, before any request
        site.releases.current()
    except Exception:  # served as a 503 until a release exists (and said so then)
        log.info("no chart release to serve yet", exc_info=True)
    app.state.site = site
    app.openapi = lambda: true_openapi(app)  # type: ignore[method-assign]
    app.add_middleware(CachedResponses, site=site)  # gzips too (see there)
    app.add_middleware(HeadAsGet)

    def chrome(request: Request) -> dict[str, Any]:
        state = request.state
        with site.view(
            getattr(state, "served", None), getattr(state, "release_problem", None)
        ) as view:
            return view.chrome()

    def internal(request: Request, exc: Exception) -> Response:
        log.exception("error serving %s", request.url.path, exc_info=exc)
        return error_response(
            request,
            templates,
            500,
            "The server failed on this page; the error is logged.",
            context=chrome(request),
        )

    def unavailable(request: Request, exc: Exception, message: str) -> Response:
        # what went wrong stays in the server's log: the page names nothing of the machine
        log.warning("charts unavailable for %s: %s", request.url.path, exc)
        response = error_response(request, templates, 503, message)
        response.headers["Retry-After"] = "5"
        return response

    @app.exception_handler(LookupError)
    async def not_found(request: Request, exc: LookupError) -> Response:
        if isinstance(exc, KeyError | IndexError):  # a bug, not an unknown thing
            return internal(request, exc)
        message = str(exc.args[0]) if exc.args else "not found"
        suggestions = exc.args[1] if len(exc.args) > 1 and isinstance(exc.args[1], list) else None
        return error_response(
            request, templates, 404, message, suggestions, context=chrome(request)
        )

    @app.exception_handler(ValueError)
    async def bad_request(request: Request, exc: ValueError) -> Response:
        message = str(exc.args[0]) if exc.args else "bad request"
        suggestions = exc.args[1] if len(exc.args) > 1 and isinstance(exc.args[1], list) else None
        return error_response(
            request, templates, 400, message, suggestions, context=chrome(request)
        )

    @app.exception_handler(releases.NoReleaseError)
    async def no_release(request: Request, exc: releases.NoReleaseError) -> Response:
        return unavailable(
            request,
            exc,
            "No charts have been published yet: the site shows "
            "them once a build or an import has published a release.",
        )

    @app.exception_handler(OSError)
    async def store_problem(request: Request, exc: OSError) -> Response:
        return unavailable(
            request,
            exc,
            "The charts cannot be read right now; the problem "
            "is logged on the server. Try again in a moment.",
        )

    @app.exception_handler(duckdb.Error)
    async def release_problem(request: Request, exc: duckdb.Error) -> Response:
        return unavailable(
            request,
            exc,
            "The charts cannot be read right now; the problem "
            "is logged on the server. Try again in a moment.",
        )

    @app.exception_handler(RequestValidationError)
    async def bad_params(request: Request, exc: RequestValidationError) -> Response:
        problems = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err.get("loc", ())[1:]) or "request"
            problems.append(f"{where}: {err.get('msg', 'invalid')}")
        return error_response(
            request,
            templates,
            400,
            "; ".join(problems) or "invalid request",
            context=chrome(request),
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else "not found"
        if exc.status_code == 404 and message == "Not Found":
            message = f"There is no page at {request.url.path}."
        return error_response(request, templates, exc.status_code, message, context=chrome(request))

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

    @app.get("/docs", include_in_schema=False, name="docs")
    def docs() -> HTMLResponse:
        """Swagger UI over /openapi.json, its script and styles served by the site."""
        page = get_swagger_ui_html(
            openapi_url=app.url_path_for("openapi"),
            title="starchart JSON API",
            swagger_js_url=app.url_path_for("swagger-ui", path="swagger-ui-bundle.js"),
            swagger_css_url=app.url_path_for("swagger-ui", path="swagger-ui.css"),
            swagger_favicon_url=app.url_path_for("static", path="favicon.svg"),
            swagger_ui_parameters={"validatorUrl": None, "tryItOutEnabled": True},
        )
        return HTMLResponse(page.body, headers={"Cache-Control": "no-cache"})

    register_routes(app)
    app.mount("/static/swagger-ui", StaticFiles(directory=str(SWAGGER_DIR)), name="swagger-ui")
    app.mount("/static", MemoryStaticFiles(directory=STATIC_DIR), name="static")
    templates.env.globals["url"] = url_builder(app)
    for name in templates.env.list_templates(extensions=["html"]):
        # compiled now, not by the first page of each kind (a third of a second each,
        # under the interpreter lock, while every other request waits)
        templates.env.get_template(name)
    return app
