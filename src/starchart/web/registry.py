"""One route per page: a page is registered once and answered as HTML, JSON and CSV.

A page is a *route function* ``(view, **params) -> dict`` decorated with
:meth:`Pages.page`; its parameters (FastAPI ``Path``/``Query`` annotations) are declared
once. :meth:`Pages.install` turns each page into its forms, all sharing that function:

- HTML at ``path`` (``/week/{week}``): its template over the dict; JSON instead when the
  ``Accept`` header prefers it;
- JSON at ``path + ".json"`` (or ``json_path``), documented in the OpenAPI description
  with the page's schema;
- CSV, for pages that are tables, at ``csv.path`` (``/week/{week}/{list_slug}.csv``): the
  rows :class:`Table` picks from the same dict.

What every page shares is done here, once: ``?release=N`` (documented; the release itself is
pinned by :mod:`starchart.web.serving`), ``?source=`` checked against the store's sources,
path parameters made canonical by their :class:`Canonical` (``/country/korea`` answers a 301
to ``/country/KR``, ``/week/latest`` a 307 to the newest week's Sunday; a bad one is a 400,
an unknown one a 404), and :class:`Moved` answered as a redirect to the same form of
the other address. Errors (ValueError: 400, LookupError: 404) are answered by the handlers of
:mod:`starchart.web.app` as HTML, JSON or text to match the form.

Links are built from route names: each form is a named Starlette route (``week``,
``week.json``, ``week.csv``), and templates call ``url("week", week=w)`` (query parameters
for names that are not in the path; ``None`` values dropped).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import Depends, FastAPI, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.routing import Route

from starchart.web.responses import csv_response, json_response, wants_json
from starchart.web.schemas import ErrorBody
from starchart.web.site import PageView

Form = Literal["html", "json", "csv"]
PageData = dict[str, Any]


def opened_view(request: Request) -> PageView:
    """The request's one view of the charts: the release pinned when it began (see
    :mod:`starchart.web.serving`), at most one connection; close it after the request (it
    is a context manager)."""
    state = request.state
    site = request.app.state.site
    return site.view(getattr(state, "served", None), getattr(state, "release_problem", None))


async def request_view(request: Request) -> AsyncIterator[PageView]:
    """:func:`opened_view` as a FastAPI dependency, closed after the request. Async: making
    and closing it waits for nothing, and a plain generator would cost every page two trips
    through the thread pool."""
    with opened_view(request) as view:
        yield view


View = Annotated[PageView, Depends(request_view)]
ReleaseParam = Annotated[
    int | None,
    Query(
        ge=1,
        description="Answer from this chart release (see /changes) instead of the current one; "
        "a release no longer kept is a 404 naming the ones that are",
    ),
]

ERROR_TEXT = "The error as `{error, status, message, suggestions}`"
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "A bad parameter (week format, country code...)"},
    404: {"model": ErrorBody, "description": "Unknown week, country, title, list or release"},
    503: {"model": ErrorBody, "description": "No chart release to serve yet, or it cannot be "
          "read (with `Retry-After`)"},
}
_CSV_ERROR = {"text/plain": {"schema": {"type": "string"}}}
CSV_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {"schema": {"type": "string"}}}, "description": "The table "
          "as CSV"},
    **{
        code: {"content": _CSV_ERROR, "description": f"{spec['description']}, as one line of "
               "text `<status> <message>`"}
        for code, spec in ERRORS.items()
    },
}
JSON_TAGS: list[str | Enum] = ["JSON API"]
CSV_TAGS: list[str | Enum] = ["CSV downloads"]


class Moved(Exception):
    """Raised by a route function when the thing asked for lives at another address
    (``/title/squid-game`` is a show): the registry redirects each form to its twin there."""

    def __init__(self, links: Mapping[str, Any], status: int = 308) -> None:
        super().__init__(links.get("html"))
        self.links = links
        self.status = status


@dataclass(frozen=True)
class Table:
    """A page's CSV form: ``rows(page, **params) -> (rows, columns, filename)``; parameters
    of ``rows`` after ``page`` are extra path parameters of ``path`` (``list_slug``)."""

    path: str
    rows: Callable[..., tuple[Sequence[Mapping[str, Any]], Sequence[str], str]]
    summary: str


@dataclass(frozen=True)
class Page:
    """One page: its route function, addresses, template and documentation."""

    name: str
    path: str
    function: Callable[..., PageData]
    template: str
    summary: str
    model: type | None
    section: str
    json_path: str
    csv: Table | None = None
    context: Callable[[PageView, PageData], Mapping[str, Any]] | None = None
    documented: bool = True
    moves: str | None = None
    published: Callable[..., Mapping[str, Any] | None] | None = None


@dataclass(frozen=True)
class Canonical:
    """How a path parameter is checked: ``check(view, value, params)`` gives its canonical
    spelling (ValueError: a 400; LookupError: a 404), ``params`` holding the request's other
    parameters (those checked before it already canonical); another spelling is answered
    with ``status`` to the canonical address, documented by ``description``."""

    check: Callable[[PageView, str, Mapping[str, Any]], str]
    status: int
    description: str


@dataclass
class Pages:
    """The site's pages. ``canonical`` maps a path parameter's name to its
    :class:`Canonical`, checked in that order."""

    canonical: Mapping[str, Canonical] = field(default_factory=dict)
    pages: dict[str, Page] = field(default_factory=dict)

    def page(
        self,
        path: str,
        *,
        name: str,
        template: str,
        summary: str,
        model: type | None = None,
        section: str = "",
        json_path: str | None = None,
        csv: Table | None = None,
        context: Callable[[PageView, PageData], Mapping[str, Any]] | None = None,
        documented: bool = True,
        moves: str | None = None,
        published: Callable[..., Mapping[str, Any] | None] | None = None,
    ) -> Callable[[Callable[..., PageData]], Callable[..., PageData]]:
        """Register the decorated route function as the page ``name`` at ``path``;
        ``moves`` says when it raises :class:`Moved` (documented as its 308);
        ``published(view, **params)``, the HTML page's whole template context when its
        release holds it ready (:mod:`starchart.web.bodies`), else None."""

        def register(function: Callable[..., PageData]) -> Callable[..., PageData]:
            if name in self.pages:
                raise ValueError(f"page {name!r} is registered twice")
            self.pages[name] = Page(
                name=name,
                path=path,
                function=function,
                template=template,
                summary=summary,
                model=model,
                section=section,
                json_path=json_path or f"{path}.json",
                csv=csv,
                context=context,
                documented=documented,
                moves=moves,
                published=published,
            )
            return function

        return register

    def install(self, app: FastAPI) -> None:
        """Add every page's forms to ``app``: JSON and CSV first, so that
        ``/week/2025-03-30.json`` is not read as a week called ``2025-03-30.json``."""
        for page in self.pages.values():
            redirects = self._redirects(page)
            app.add_api_route(
                page.json_path,
                self._endpoint(page, "json"),
                methods=["GET"],
                name=f"{page.name}.json",
                tags=JSON_TAGS,
                summary=page.summary,
                include_in_schema=page.documented,
                response_class=Response,
                responses={
                    **({200: {"model": page.model}} if page.model else {}),
                    **redirects,
                    **ERRORS,
                },
            )
            if page.csv is not None:
                app.add_api_route(
                    page.csv.path,
                    self._endpoint(page, "csv"),
                    methods=["GET"],
                    name=f"{page.name}.csv",
                    tags=CSV_TAGS,
                    summary=page.csv.summary,
                    include_in_schema=page.documented,
                    response_class=Response,
                    responses={**CSV_RESPONSES, **redirects},
                )
        for page in self.pages.values():
            app.add_api_route(
                page.path,
                self._endpoint(page, "html"),
                methods=["GET"],
                name=page.name,
                include_in_schema=False,
                response_class=Response,
            )

    def _redirects(self, page: Page) -> dict[int | str, dict[str, Any]]:
        """The redirects a page's forms answer, as OpenAPI responses."""
        out: dict[int | str, dict[str, Any]] = {}
        for name, rule in self.canonical.items():
            if name in _path_names(page.path):
                said = out.get(rule.status, {}).get("description")
                words = f"{said}; {rule.description}" if said else (
                    f"The same answer at its canonical address (in `Location`). "
                    f"{rule.description}")
                out[rule.status] = {"description": words}
        if page.moves:
            out[308] = {"description": f"{page.moves}: the same form of its address is in "
                        "`Location`"}
        return out

    def _endpoint(self, page: Page, form: Form) -> Callable[..., Response]:
        """The FastAPI endpoint of one form: the route function's parameters plus the
        request, ``release`` and (CSV) the table's own path parameters.

        The endpoint opens the request's view itself (:func:`opened_view`) rather than
        declaring it a dependency as other routes do (:data:`View`): FastAPI solving a
        generator dependency (its context manager and exit stack) was ~0.3 ms of every
        page computed, more than opening the view; the endpoint runs in a worker thread
        already, and builds its whole response before the view closes."""
        own = [
            p.replace(kind=inspect.Parameter.KEYWORD_ONLY)
            for p in inspect.signature(page.function, eval_str=True).parameters.values()
            if p.name != "view"
        ]
        extra: list[inspect.Parameter] = []
        if form == "csv" and page.csv is not None:
            table = inspect.signature(page.csv.rows, eval_str=True).parameters.values()
            extra = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in list(table)[1:]]
        extra_names = [p.name for p in extra]
        path_names = _path_names(page.path)
        canonical = {k: f for k, f in self.canonical.items() if k in path_names}
        keyword = inspect.Parameter.KEYWORD_ONLY
        signature = inspect.Signature(
            [
                inspect.Parameter("request", keyword, annotation=Request),
                *own,
                *extra,
                inspect.Parameter("release", keyword, annotation=ReleaseParam, default=None),
            ],
            return_annotation=Response,
        )

        def endpoint(request: Request, **params: Any) -> Response:
            with opened_view(request) as view:
                return answer(request, view, **params)

        def answer(request: Request, view: PageView, **params: Any) -> Response:
            params.pop("release", None)
            table_params = {k: params.pop(k) for k in extra_names}
            fixed: dict[str, str] = {}
            status = 0
            for k, rule in canonical.items():
                fixed[k] = rule.check(view, str(params[k]), {**params, **fixed})
                if fixed[k] != params[k]:
                    status = max(status, rule.status)
            if status:
                target = request.app.url_path_for(
                    _route_name(page.name, form), **{**request.path_params, **fixed}
                )
                query = f"?{request.url.query}" if request.url.query else ""
                return RedirectResponse(f"{target}{query}", status_code=status)
            if "source" in params:
                params["source"] = view.check_source(params["source"])
            if form == "html" and page.published is not None and not wants_json(request):
                ready = page.published(view, **params)
                if ready is not None:
                    return view.render(request, page.template, ready["page"],
                                       section=page.section, source=params.get("source"),
                                       extra=dict(ready))
            try:
                data = page.function(view, **params)
            except Moved as moved:
                return RedirectResponse(str(moved.links[form]), status_code=moved.status)
            if form == "json":
                return json_response(data)
            if form == "csv":
                assert page.csv is not None
                rows, columns, filename = page.csv.rows(data, **table_params)
                return csv_response(rows, columns, filename)
            country = data.get("country")
            context = page.context

            def extra() -> dict[str, Any]:
                return dict(context(view, data)) if context else {}

            return view.render(
                request,
                page.template,
                data,
                section=page.section,
                country=country if isinstance(country, str) else None,
                source=params.get("source"),
                extra=extra,
            )

        endpoint.__signature__ = signature  # type: ignore[attr-defined]
        endpoint.__name__ = _route_name(page.name, form).replace(".", "_").replace("-", "_")
        endpoint.__doc__ = page.function.__doc__
        return endpoint


def _route_name(name: str, form: Form) -> str:
    return name if form == "html" else f"{name}.{form}"


def _path_names(path: str) -> set[str]:
    return {part.split("}")[0].split(":")[0] for part in path.split("{")[1:]}


def url_builder(app: FastAPI) -> Callable[..., str]:
    """``url(name, **params)``: the address of the route called ``name`` (a page's form such
    as ``week.json``, or any named route), path parameters filled in and the others as a
    query string (``None`` and ``""`` left out). Addresses are site-relative.

    Templates call it for every link of a page (a long run's table has hundreds), so each
    name goes straight to its route, not through Starlette's search of every route, and the
    addresses made are remembered (they never change while the app runs)."""
    routes: dict[str, tuple[Any, frozenset[str]]] = {}
    for route in app.router.routes:
        if isinstance(route, Route) or hasattr(route, "param_convertors"):
            name = getattr(route, "name", "")
            routes.setdefault(name, (route, frozenset(getattr(route, "param_convertors", {}))))

    @functools.lru_cache(maxsize=8192)
    def made(name: str, params: tuple[tuple[str, Any], ...]) -> str:
        found = routes.get(name)
        if found is None:
            raise LookupError(f"no route called {name!r}")
        route, in_path = found
        given = dict(params)
        path = route.url_path_for(name, **{k: str(given[k]) for k in in_path})
        query = {
            k: v for k, v in given.items() if k not in in_path and v is not None and v != ""
        }
        return f"{path}?{urlencode(query)}" if query else str(path)

    def url(name: str, /, **params: Any) -> str:
        try:
            return made(name, tuple(params.items()))
        except TypeError:  # an unhashable parameter value: made afresh
            return made.__wrapped__(name, tuple(params.items()))

    return url
