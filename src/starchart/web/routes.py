"""The site's routes: for each page a documented JSON route, its HTML twin, and CSV lists.

JSON routes come first so that ``/week/2025-03-30.json`` is not read as a week called
``2025-03-30.json``. HTML routes answer JSON too when the Accept header asks for it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

import duckdb
from fastapi import Depends, FastAPI, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from starchart import releases
from starchart.web import atom, pages, plot, views
from starchart.web.responses import csv_response, json_response
from starchart.web.schemas import (
    ChangesPage,
    CountriesPage,
    ErrorBody,
    LeadersPage,
    MostPopularPage,
    SearchPage,
    SimilarPage,
    TitlePage,
    WatchlistPage,
    WeekPage,
    WeeksPage,
)
from starchart.web.site import PageView

if TYPE_CHECKING:
    from starchart.web.site import Site

log = logging.getLogger("starchart.web")


def request_view(request: Request) -> Iterator[PageView]:
    """The request's one view of the charts: the release pinned when it began (see
    :mod:`starchart.web.serving`), at most one connection, closed after it."""
    state = request.state
    site = request.app.state.site
    with site.view(getattr(state, "served", None), getattr(state, "release_problem", None)) as view:
        yield view


View = Annotated[PageView, Depends(request_view)]

WeekParam = Annotated[
    str, Path(description="The Sunday naming the chart week, YYYY-MM-DD", examples=["2025-03-30"])
]
CountryParam = Annotated[
    str, Path(description="ISO 3166-1 alpha-2 country code", examples=["KR"], max_length=8)
]
SlugParam = Annotated[
    str,
    Path(description="A title's stable slug", examples=["squid-game--season-2"], max_length=300),
]
ListParam = Annotated[
    str,
    Path(
        description="A list: films-english, films-non-english, tv-english, "
        "tv-non-english (global) or films, tv (country)",
        max_length=40,
    ),
]
SourceParam = Annotated[
    str | None,
    Query(description="Chart source: engine or netflix (default: engine if built)", max_length=20),
]
LeaderBy = Annotated[
    str, Query(description="weeks-at-1, weeks-in-top-10, countries or views", max_length=40)
]
Category = Annotated[
    str | None, Query(description="A global list, e.g. 'TV (English)'", max_length=60)
]
Since = Annotated[str | None, Query(description="From this week (YYYY-MM-DD)", max_length=20)]
Until = Annotated[str | None, Query(description="Up to this week (YYYY-MM-DD)", max_length=20)]
Limit = Annotated[int, Query(ge=1, le=200, description="How many rows")]
SinceRelease = Annotated[
    int | None, Query(ge=0, description="Only releases after this one (a release number)")
]
Q = Annotated[
    str, Query(description="Words of a title; accents and punctuation optional", max_length=200)
]
CountryQuery = Annotated[
    str | None, Query(description="Only this country's weeks (ISO alpha-2)", max_length=8)
]
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "A bad parameter (week format, country code...)"},
    404: {"model": ErrorBody, "description": "Unknown week, country, title or list"},
}
JSON_TAGS: list[str | Enum] = ["JSON API"]
CSV_TAGS: list[str | Enum] = ["CSV downloads"]
CSV_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {}}, "description": "The list as CSV"},
    **ERRORS,
}

WEEK_COLUMNS = (
    "week",
    "category",
    "rank",
    "show_title",
    "season_title",
    "weekly_hours_viewed",
    "runtime",
    "weekly_views",
    "cumulative_weeks_in_top_10",
    "previous_rank",
    "change",
)
COUNTRY_COLUMNS = (
    "week",
    "country",
    "country_name",
    "category",
    "rank",
    "show_title",
    "season_title",
    "cumulative_weeks_in_top_10",
    "previous_rank",
    "change",
)
POPULAR_COLUMNS = (
    "category",
    "rank",
    "show_title",
    "season_title",
    "hours_viewed",
    "runtime",
    "views",
    "window_days",
    "in_progress",
)


def _country(code: str) -> str:
    return pages.check_country(code)


def register_routes(app: FastAPI, site: Site) -> None:  # noqa: C901 - one place for all routes
    """Add every page, JSON and CSV route to ``app``."""

    def week_data(
        view: PageView, week: str | None, country: str | None, source: str | None
    ) -> dict[str, Any]:
        the_week = pages.check_week(week) if week is not None else None
        return dict(
            view.data(
                "week",
                pages.week_page,
                week=the_week,
                country=country,
                source=view.check_source(source),
            )
        )

    def week_csv(page: dict[str, Any], list_slug: str) -> Response:
        category, rows = pages.list_rows(page, list_slug)
        base = {
            "week": page["week"],
            "category": category,
            "country": page.get("country"),
            "country_name": page.get("country_name"),
        }
        columns = COUNTRY_COLUMNS if page.get("country") else WEEK_COLUMNS
        where = f"{page['country']}-" if page.get("country") else ""
        name = f"top10-{where}{page['week']}-{list_slug}.csv"
        return csv_response([{**base, **r} for r in rows], columns, name)

    def render_week(
        view: PageView,
        request: Request,
        page: dict[str, Any],
        *,
        home: bool = False,
        source: str | None = None,
    ) -> Response:
        country = page.get("country")
        section = "home" if home else "country" if country else "weeks"
        return view.render(
            request,
            "week.html",
            page,
            section=section,
            country=country,
            source=source,
            extra={"home": home},
        )

    # --- JSON API ---------------------------------------------------------------------------

    @app.get(
        "/index.json",
        tags=JSON_TAGS,
        summary="The latest week's four global lists",
        responses={200: {"model": WeekPage}, **ERRORS},
    )
    def home_json(view: View, source: SourceParam = None) -> Response:
        return json_response(week_data(view, None, None, source))

    @app.get(
        "/week/{week}.json",
        tags=JSON_TAGS,
        summary="One week's four global lists",
        responses={200: {"model": WeekPage}, **ERRORS},
    )
    def week_json(view: View, week: WeekParam, source: SourceParam = None) -> Response:
        return json_response(week_data(view, week, None, source))

    @app.get(
        "/weeks.json",
        tags=JSON_TAGS,
        summary="Every week with lists, newest first",
        responses={200: {"model": WeeksPage}, **ERRORS},
    )
    def weeks_json(
        view: View,
        country: CountryQuery = None,
        source: SourceParam = None,
    ) -> Response:
        iso = _country(country) if country else None
        return json_response(
            view.data("weeks", pages.weeks_page, country=iso, source=view.check_source(source))
        )

    @app.get(
        "/countries.json",
        tags=JSON_TAGS,
        summary="The countries that have lists",
        responses={200: {"model": CountriesPage}, **ERRORS},
    )
    def countries_json(view: View, source: SourceParam = None) -> Response:
        return json_response(
            view.data("countries", pages.countries_page, source=view.check_source(source))
        )

    @app.get(
        "/country/{iso2}.json",
        tags=JSON_TAGS,
        summary="A country's Films and TV lists for its latest week",
        responses={200: {"model": WeekPage}, **ERRORS},
    )
    def country_json(view: View, iso2: CountryParam, source: SourceParam = None) -> Response:
        return json_response(week_data(view, None, _country(iso2), source))

    @app.get(
        "/country/{iso2}/week/{week}.json",
        tags=JSON_TAGS,
        summary="A country's Films and TV lists for one week",
        responses={200: {"model": WeekPage}, **ERRORS},
    )
    def country_week_json(
        view: View, iso2: CountryParam, week: WeekParam, source: SourceParam = None
    ) -> Response:
        return json_response(week_data(view, week, _country(iso2), source))

    @app.get(
        "/title/{slug}.json",
        tags=JSON_TAGS,
        summary="A film or season: run, peak, weeks at #1, hours, views, countries",
        responses={200: {"model": TitlePage}, **ERRORS},
    )
    def title_json(view: View, slug: SlugParam, source: SourceParam = None) -> Response:
        page = view.data("title", pages.title_page, slug=slug, source=view.check_source(source))
        if page["page"] == "show":
            return RedirectResponse(page["links"]["json"], status_code=308)
        return json_response(page)

    @app.get(
        "/title/{slug}/similar.json",
        tags=JSON_TAGS,
        summary="More like this: the titles closest to one title, best first",
        responses={200: {"model": SimilarPage}, **ERRORS},
    )
    def similar_json(
        view: View, slug: SlugParam, limit: Limit = 12, source: SourceParam = None
    ) -> Response:
        return json_response(view.data("similar", pages.similar_page, slug=slug, limit=limit,
                                       source=view.check_source(source)))

    @app.get(
        "/show/{slug}.json",
        tags=JSON_TAGS,
        summary="A show over all its seasons",
        responses={200: {"model": TitlePage}, **ERRORS},
    )
    def show_json(view: View, slug: SlugParam, source: SourceParam = None) -> Response:
        page = view.data(
            "show", pages.title_page, slug=slug, show=True, source=view.check_source(source)
        )
        if page["page"] != "show":
            return RedirectResponse(page["links"]["json"], status_code=308)
        return json_response(page)

    def leaders_data(
        view: PageView,
        by: str,
        category: str | None,
        since: str | None,
        until: str | None,
        limit: int,
        source: str | None,
    ) -> dict[str, Any]:
        return dict(
            view.data(
                "leaders",
                pages.leaders_page,
                by=by,
                category=category or None,
                since=since or None,
                until=until or None,
                limit=limit,
                source=view.check_source(source),
            )
        )

    @app.get(
        "/leaders.json",
        tags=JSON_TAGS,
        summary="Titles leading on one measure",
        responses={200: {"model": LeadersPage}, **ERRORS},
    )
    def leaders_json(
        view: View,
        by: LeaderBy = "weeks-at-1",
        category: Category = None,
        since: Since = None,
        until: Until = None,
        limit: Limit = 20,
        source: SourceParam = None,
    ) -> Response:
        return json_response(leaders_data(view, by, category, since, until, limit, source))

    @app.get(
        "/search.json",
        tags=JSON_TAGS,
        summary="Fuzzy title search",
        responses={200: {"model": SearchPage}, **ERRORS},
    )
    def search_json(
        view: View, q: Q = "", limit: Limit = 20, source: SourceParam = None
    ) -> Response:
        return json_response(
            view.data(
                "search", pages.search_page, q=q, limit=limit, source=view.check_source(source)
            )
        )

    @app.get(
        "/most-popular.json",
        tags=JSON_TAGS,
        summary="All-time Most Popular lists (first 91 days)",
        responses={200: {"model": MostPopularPage}, **ERRORS},
    )
    def most_popular_json(
        view: View, category: Category = None, source: SourceParam = None
    ) -> Response:
        return json_response(
            view.data(
                "popular",
                pages.most_popular_page,
                category=category,
                source=view.check_source(source),
            )
        )

    # --- CSV downloads ----------------------------------------------------------------------

    @app.get(
        "/week/{week}/{list_slug}.csv",
        tags=CSV_TAGS,
        summary="One global list as CSV",
        response_class=Response,
        responses=CSV_RESPONSES,
    )
    def week_list_csv(
        view: View, week: WeekParam, list_slug: ListParam, source: SourceParam = None
    ) -> Response:
        return week_csv(week_data(view, week, None, source), list_slug)

    @app.get(
        "/country/{iso2}/week/{week}/{list_slug}.csv",
        tags=CSV_TAGS,
        summary="One country list as CSV",
        response_class=Response,
        responses=CSV_RESPONSES,
    )
    def country_list_csv(
        view: View,
        iso2: CountryParam,
        week: WeekParam,
        list_slug: ListParam,
        source: SourceParam = None,
    ) -> Response:
        return week_csv(week_data(view, week, _country(iso2), source), list_slug)

    @app.get(
        "/most-popular/{list_slug}.csv",
        tags=CSV_TAGS,
        summary="A Most Popular list as CSV",
        response_class=Response,
        responses=CSV_RESPONSES,
    )
    def most_popular_csv(view: View, list_slug: ListParam, source: SourceParam = None) -> Response:
        page = view.data(
            "popular", pages.most_popular_page, category=None, source=view.check_source(source)
        )
        category, rows = pages.list_rows(page, list_slug)
        rows = [{"category": category, **r} for r in rows]
        return csv_response(rows, POPULAR_COLUMNS, f"most-popular-{list_slug}.csv")

    @app.get(
        "/leaders.csv",
        tags=CSV_TAGS,
        summary="The leaders table as CSV",
        response_class=Response,
        responses=CSV_RESPONSES,
    )
    def leaders_csv(
        view: View,
        by: LeaderBy = "weeks-at-1",
        category: Category = None,
        since: Since = None,
        until: Until = None,
        limit: Limit = 20,
        source: SourceParam = None,
    ) -> Response:
        page = leaders_data(view, by, category, since, until, limit, source)
        return csv_response(page["rows"], page["columns"], f"leaders-{by}.csv")

    # --- HTML pages (each answers JSON too when asked) -----------------------------------

    @app.get("/", include_in_schema=False)
    def home(view: View, request: Request, source: SourceParam = None) -> Response:
        return render_week(
            view, request, week_data(view, None, None, source), home=True, source=source
        )

    @app.get("/week", include_in_schema=False)
    def week_form(view: View, week: str | None = None) -> Response:
        """The week picker's target (a GET form): go to the week's own address."""
        if not week:
            return RedirectResponse("/weeks", status_code=303)
        return RedirectResponse(pages.week_url(pages.check_week(week)), status_code=303)

    @app.get("/week/{week}", include_in_schema=False)
    def week_page(
        view: View, request: Request, week: WeekParam, source: SourceParam = None
    ) -> Response:
        return render_week(view, request, week_data(view, week, None, source), source=source)

    @app.get("/weeks", include_in_schema=False)
    def weeks_page(
        view: View, request: Request, country: str | None = None, source: SourceParam = None
    ) -> Response:
        iso = _country(country) if country else None
        page = view.data("weeks", pages.weeks_page, country=iso, source=view.check_source(source))
        return view.render(request, "weeks.html", page, section="weeks", source=source)

    @app.get("/countries", include_in_schema=False)
    def countries_page(view: View, request: Request, source: SourceParam = None) -> Response:
        page = view.data("countries", pages.countries_page, source=view.check_source(source))
        return view.render(request, "countries.html", page, section="country", source=source)

    @app.get("/country", include_in_schema=False)
    def country_form(view: View, iso2: str | None = None, week: str | None = None) -> Response:
        """The country picker's target: that country's list for the same week when it has one."""
        if not iso2:
            return RedirectResponse("/countries", status_code=303)
        code = _country(iso2)
        if week:
            the_week = pages.check_week(week)
            if the_week in view.chrome(country=code)["nav_weeks"]:
                return RedirectResponse(pages.week_url(the_week, code), status_code=303)
        return RedirectResponse(f"/country/{code}", status_code=303)

    @app.get("/country/{iso2}", include_in_schema=False)
    def country_page(
        view: View, request: Request, iso2: CountryParam, source: SourceParam = None
    ) -> Response:
        code = _country(iso2)
        if code != iso2:
            return RedirectResponse(f"/country/{code}", status_code=301)
        return render_week(view, request, week_data(view, None, code, source), source=source)

    @app.get("/country/{iso2}/week/{week}", include_in_schema=False)
    def country_week_page(
        view: View,
        request: Request,
        iso2: CountryParam,
        week: WeekParam,
        source: SourceParam = None,
    ) -> Response:
        code = _country(iso2)
        if code != iso2:
            return RedirectResponse(pages.week_url(week, code), status_code=301)
        return render_week(view, request, week_data(view, week, code, source), source=source)

    def more_like_this(view: PageView, page: dict[str, Any], source: str | None
                       ) -> dict[str, Any] | None:
        """The title page's "More like this" panel: six titles and a link to the rest."""
        if page["page"] != "title":
            return None
        found = pages.similar_to(view.charts(), page, limit=6, source=view.check_source(source))
        here = page["links"]["html"]
        return {**found, "links": {"html": pages.with_query(f"{here}/similar",
                                                           {"source": source})}}

    def render_title(
        view: PageView, request: Request, page: dict[str, Any], source: str | None
    ) -> Response:
        def extra() -> dict[str, Any]:
            listed = [c["iso2"] for c in view.chrome(source=source)["nav_countries"]]
            run = page.get("run") or []
            return {
                "headline": views.headline(page),
                "plot": plot.run_svg(run, label=f"Weekly rank of {page.get('show_title', '')}"),
                "plot_key": plot.legend(run),
                "spread": views.spread(page, listed),
                "more_like_this": more_like_this(view, page, source),
            }

        return view.render(request, "title.html", page, section="title", source=source, extra=extra)

    @app.get("/title/{slug}", include_in_schema=False)
    def title_page(
        view: View, request: Request, slug: SlugParam, source: SourceParam = None
    ) -> Response:
        page = view.data("title", pages.title_page, slug=slug, source=view.check_source(source))
        if page["page"] == "show":
            return RedirectResponse(page["links"]["html"], status_code=308)
        return render_title(view, request, page, source)

    @app.get("/title/{slug}/similar", include_in_schema=False)
    def similar_html(
        view: View, request: Request, slug: SlugParam, limit: Limit = 12,
        source: SourceParam = None,
    ) -> Response:
        page = view.data("similar", pages.similar_page, slug=slug, limit=limit,
                         source=view.check_source(source))
        return view.render(request, "similar.html", page, section="title", source=source)

    @app.get("/show/{slug}", include_in_schema=False)
    def show_page(
        view: View, request: Request, slug: SlugParam, source: SourceParam = None
    ) -> Response:
        page = view.data(
            "show", pages.title_page, slug=slug, show=True, source=view.check_source(source)
        )
        if page["page"] != "show":
            return RedirectResponse(page["links"]["html"], status_code=308)
        return render_title(view, request, page, source)

    @app.get("/leaders", include_in_schema=False)
    def leaders_page(
        view: View,
        request: Request,
        by: LeaderBy = "weeks-at-1",
        category: Category = None,
        since: Since = None,
        until: Until = None,
        limit: Limit = 20,
        source: SourceParam = None,
    ) -> Response:
        page = leaders_data(view, by, category, since, until, limit, source)
        return view.render(request, "leaders.html", page, section="leaders", source=source)

    @app.get("/search", include_in_schema=False)
    def search_page(
        view: View, request: Request, q: Q = "", limit: Limit = 20, source: SourceParam = None
    ) -> Response:
        page = view.data(
            "search", pages.search_page, q=q, limit=limit, source=view.check_source(source)
        )
        return view.render(
            request,
            "search.html",
            page,
            section="search",
            source=source,
            extra={"query": page["query"]},
        )

    @app.get("/most-popular", include_in_schema=False)
    def most_popular_page(
        view: View, request: Request, category: Category = None, source: SourceParam = None
    ) -> Response:
        page = view.data(
            "popular", pages.most_popular_page, category=category, source=view.check_source(source)
        )
        return view.render(request, "most_popular.html", page, section="popular", source=source)

    @app.get(
        "/changes.json",
        tags=JSON_TAGS,
        summary="The change feed: what each chart release added, revised or removed",
        responses={200: {"model": ChangesPage}, **ERRORS},
    )
    def changes_json(view: View, since: SinceRelease = None, limit: Limit = 20) -> Response:
        return json_response(view.data("changes", pages.changes_page, since=since, limit=limit))

    @app.get("/changes", include_in_schema=False)
    def changes_page(
        view: View, request: Request, since: SinceRelease = None, limit: Limit = 20
    ) -> Response:
        page = view.data("changes", pages.changes_page, since=since, limit=limit)
        return view.render(request, "changes.html", page, section="changes")

    @app.get(
        "/watchlist.json",
        tags=JSON_TAGS,
        summary="What watched titles did: entered a list, #1 somewhere, new countries",
        responses={200: {"model": WatchlistPage}, **ERRORS},
    )
    def watchlist_json(view: View, since: SinceRelease = None, limit: Limit = 50) -> Response:
        return json_response(view.data("watchlist", pages.watchlist_page, since=since,
                                       limit=limit))

    @app.get("/watchlist.atom", summary="The watchlist's events as an Atom feed",
             tags=["Feeds"], response_class=Response,
             responses={200: {"content": {atom.MEDIA_TYPE: {}}, "description": "Atom"}})
    def watchlist_atom(
        view: View, request: Request, since: SinceRelease = None, limit: Limit = 50
    ) -> Response:
        page = view.data("watchlist", pages.watchlist_page, since=since, limit=limit)
        return Response(atom.watchlist_feed(page, str(request.base_url)),
                        media_type=atom.MEDIA_TYPE)

    @app.get("/api", include_in_schema=False)
    def api_page(view: View, request: Request) -> Response:
        """The JSON routes, read from the OpenAPI description (no CDN-hosted Swagger UI)."""
        routes = []
        for path, ops in app.openapi()["paths"].items():
            for method, op in ops.items():
                routes.append(
                    {
                        "method": method.upper(),
                        "path": path,
                        "summary": op.get("summary", ""),
                        "tag": (op.get("tags") or [""])[0],
                        "params": [
                            {
                                "name": p["name"],
                                "in": p["in"],
                                "description": p.get("description", ""),
                            }
                            for p in op.get("parameters", [])
                        ],
                    }
                )
        page = {"routes": routes, "links": {"html": "/api", "json": "/openapi.json"}}
        return view.render(request, "api.html", page, section="api")

    @app.get("/healthz", include_in_schema=False)
    def healthz(view: View) -> Response:
        """The release served and its age, as JSON; 503 naming nothing of the machine when
        there is none or it cannot be read (the server's log says why)."""
        try:
            charts = view.charts()
            return json_response({"ok": True, **charts.release.public(), "sources": view.sources()})
        except (releases.NoReleaseError, OSError, duckdb.Error) as exc:
            log.warning("health check: %s", exc)
            unpublished = isinstance(exc, releases.NoReleaseError)
            message = (
                "No charts have been published yet."
                if unpublished
                else "The charts cannot be read right now; the problem is logged on the server."
            )
            answer = json_response({"ok": False, "message": message}, status_code=503)
            answer.headers["Retry-After"] = "5"
            return answer
