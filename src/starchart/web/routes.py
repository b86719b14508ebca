"""The site's pages, each registered once (:mod:`starchart.web.registry`) and answered as
HTML, JSON and, where it is a table, CSV; plus the few routes that are not pages (the
pickers' redirects, ``/api``, ``/docs``, ``/healthz``).

To add a page: a data function in :mod:`starchart.web.pages` (or beside its route), one
``@PAGES.page(...)`` route function here, one template. See docs/web.md.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Annotated, Any

import duckdb
from fastapi import FastAPI, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from starchart import releases
from starchart.web import atom, bodies, pages
from starchart.web.engagement import engagement_page
from starchart.web.number_ones import (
    SpanSince,
    SpanUntil,
    country_number_ones_page,
    number_ones_url,
    swatch,
    title_maps,
    week_number_ones_page,
)
from starchart.web.registry import (
    CSV_RESPONSES,
    ERRORS,
    JSON_TAGS,
    Canonical,
    Moved,
    Pages,
    Table,
    View,
)
from starchart.web.responses import json_response
from starchart.web.schemas import (
    ChangesPage,
    CountriesPage,
    CountryNumberOnesPage,
    EngagementPage,
    LeadersPage,
    MostPopularPage,
    SearchPage,
    SimilarPage,
    TitlePage,
    WatchlistPage,
    WeekNumberOnesPage,
    WeekPage,
    WeeksPage,
)
from starchart.web.site import PageView

log = logging.getLogger("starchart.web")



def _country_code(view: PageView, text: str, params: Mapping[str, Any]) -> str:
    """A country in an address (``KR``, ``kr``, ``Korea``) -> the code of a country with
    lists (LookupError with suggestions: a 404)."""
    return pages.country_code(view.charts(), text, source=view.check_source(params.get("source")))


def _week_sunday(view: PageView, text: str, params: Mapping[str, Any]) -> str:
    """A week in an address (any day of it, or ``latest``) -> its Sunday (of the country's
    lists when the address names a country)."""
    return pages.canonical_week(view.charts(), text, country=params.get("iso2"),
                                source=view.check_source(params.get("source")))


# path parameters every page checks the same way: a bad one is a 400, an unknown one a 404,
# another spelling a redirect to the canonical address (a country first: a week's 'latest'
# depends on it)
PAGES = Pages(canonical={
    "iso2": Canonical(_country_code, 301, "A country named by its name or in lower case "
                      "(`korea`, `kr`): the address of its code (`KR`)"),
    "week": Canonical(_week_sunday, 307, "A week named by another day of it, or `latest`: "
                      "the address of the week's Sunday (307: `latest` moves on)"),
})

WeekParam = Annotated[
    str, Path(description="The Sunday naming the chart week, YYYY-MM-DD; any other day or "
              "'latest' redirects (307) to the week containing it", examples=["2025-03-30"],
              max_length=20)
]
CountryParam = Annotated[
    str, Path(description="A country: ISO 3166-1 alpha-2 code or name (KR, Korea); a name "
              "redirects to the code's address", examples=["KR"], max_length=60)
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
        examples=["films-english"],
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
    str | None, Query(description="One country's lists (ISO alpha-2 or name)", max_length=60)
]
PeriodParam = Annotated[
    str, Path(description="A half-year, e.g. 2025H1", examples=["2025H1"], max_length=10)
]
EngagementBy = Annotated[str, Query(description="views or hours", max_length=10)]
Kind = Annotated[str | None, Query(description="film or tv", max_length=10)]
Language = Annotated[
    str | None,
    Query(description="Of the original title (Korean, Japanese...) or none", max_length=40),
]
Origin = Annotated[
    str | None, Query(description="original, licensed or unknown (a hint)", max_length=20)
]
Never = Annotated[bool, Query(description="Only titles never in a global Top 10")]
EngagementLimit = Annotated[int, Query(ge=1, le=500, description="How many titles")]

WEEK_COLUMNS = (  # Netflix's columns (all-weeks-global.tsv), then the move
    "week",
    "category",
    "weekly_rank",
    "show_title",
    "season_title",
    "weekly_hours_viewed",
    "runtime",
    "weekly_views",
    "cumulative_weeks_in_top_10",
    "previous_weekly_rank",
    "change",
)
COUNTRY_COLUMNS = (  # Netflix's columns (all-weeks-countries.tsv), then the move
    "country_name",
    "country_iso2",
    "week",
    "category",
    "weekly_rank",
    "show_title",
    "season_title",
    "cumulative_weeks_in_top_10",
    "previous_weekly_rank",
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
ENGAGEMENT_COLUMNS = (
    "period", "rank", "title_id", "title", "english_title", "original_title", "language",
    "kind", "release_date", "available_globally", "hours_viewed", "views", "runtime_text",
    "origin", "weeks_in_top_10", "ever_in_top_10",
)
COUNTRIES_COLUMNS = ("iso2", "name", "weeks", "first_week", "last_week")

Rows = tuple[Sequence[Mapping[str, Any]], Sequence[str], str]


# --- the CSV forms: rows picked from a page's data -------------------------------------------


def week_list_rows(page: Mapping[str, Any], list_slug: ListParam) -> Rows:
    """One list of a week page (global or a country's)."""
    category, rows = pages.list_rows(page, list_slug)
    base = {
        "week": page["week"],
        "category": category,
        "country_iso2": page.get("country"),
        "country_name": page.get("country_name"),
    }
    columns = COUNTRY_COLUMNS if page.get("country") else WEEK_COLUMNS
    where = f"{page['country']}-" if page.get("country") else ""
    name = f"top10-{where}{page['week']}-{list_slug}.csv"
    return [{**base, **r} for r in rows], columns, name


def popular_list_rows(page: Mapping[str, Any], list_slug: ListParam) -> Rows:
    category, rows = pages.list_rows(page, list_slug)
    out = [{"category": category, **r} for r in rows]
    return out, POPULAR_COLUMNS, f"most-popular-{list_slug}.csv"


def leaders_rows(page: Mapping[str, Any]) -> Rows:
    return page["rows"], page["columns"], f"leaders-{page['by']}.csv"


def engagement_rows(page: Mapping[str, Any]) -> Rows:
    rows = [{"period": page["period"], **r} for r in page["rows"]]
    return rows, ENGAGEMENT_COLUMNS, f"engagement-{page['period']}.csv"


def countries_rows(page: Mapping[str, Any]) -> Rows:
    return page["countries"], COUNTRIES_COLUMNS, "countries.csv"


# --- what a title page draws besides its data ------------------------------------------------


def more_like_this(view: PageView, page: Mapping[str, Any]) -> dict[str, Any] | None:
    """The title page's "More like this" panel: six titles and a link to the rest."""
    if page["page"] != "title":
        return None
    source = page.get("source")
    found = pages.similar_to(view.charts(), page, limit=6, source=source)
    here = page["links"]["html"]
    return {**found, "links": {"html": pages.with_query(f"{here}/similar", {"source": source})}}


def title_context(view: PageView, head: dict[str, Any], body: bytes) -> dict[str, Any]:
    """What a title or show page's template draws: its head (:func:`bodies.head`, all it
    shows of the page's data), its body's two parts and the "More like this" panel."""
    return {
        "page": head,
        "headline": head["headline"],
        "body_before": bodies.PLACES[0],
        "body_after": bodies.PLACES[1],
        bodies.SPLICED: bodies.split(body),
        "more_like_this": more_like_this(view, head),
    }


def title_extras(view: PageView, page: Mapping[str, Any]) -> dict[str, Any]:
    """A title or show page whose body was not published: rendered now."""
    return title_context(view, bodies.head(page), view.rendered_body(dict(page)))


def published_title(kind: str) -> Callable[..., dict[str, Any] | None]:
    """The title (``kind`` "title") or show page at a slug as published with the release:
    its template's context without reading its record, or None (it is then computed)."""
    def published(view: PageView, *, slug: str, source: str | None = None
                  ) -> dict[str, Any] | None:
        found = view.published_body(f"/{kind}/{slug}", source)
        return None if found is None else title_context(view, *found)

    return published


def week_extras(view: PageView, page: Mapping[str, Any], *, home: bool = False
                ) -> dict[str, Any]:
    """A week page's link to the #1 in each country that week, when there are lists."""
    with_lists = not page.get("country") and page["week"] in view.charts().country_list_weeks(
        source=page["source"])
    return {"home": home,
            "number_ones_url": number_ones_url(page["week"]) if with_lists
            else None}


# --- the pages --------------------------------------------------------------------------------


@PAGES.page(
    "/", name="home", json_path="/index.json", template="week.html", section="home",
    summary="The latest week's four global lists", model=WeekPage,
    context=lambda view, page: week_extras(view, page, home=True),
)
def home(view: View, source: SourceParam = None) -> dict[str, Any]:
    return dict(view.data("week", pages.week_page, week=None, source=source))


@PAGES.page(
    "/week/{week}", name="week", template="week.html", section="weeks",
    summary="One week's four global lists", model=WeekPage, context=week_extras,
    csv=Table("/week/{week}/{list_slug}.csv", week_list_rows, "One global list as CSV"),
)
def week(view: View, week: WeekParam, source: SourceParam = None) -> dict[str, Any]:
    return dict(view.data("week", pages.week_page, week=week, source=source))


@PAGES.page(
    "/country/{iso2}", name="country", template="week.html", section="country",
    summary="A country's Films and TV lists for its latest week", model=WeekPage,
)
def country(view: View, iso2: CountryParam, source: SourceParam = None) -> dict[str, Any]:
    return dict(view.data("week", pages.week_page, week=None, country=iso2, source=source))


@PAGES.page(
    "/country/{iso2}/week/{week}", name="country-week", template="week.html",
    section="country", summary="A country's Films and TV lists for one week", model=WeekPage,
    csv=Table(
        "/country/{iso2}/week/{week}/{list_slug}.csv", week_list_rows, "One country list as CSV"
    ),
)
def country_week(
    view: View, iso2: CountryParam, week: WeekParam, source: SourceParam = None
) -> dict[str, Any]:
    return dict(view.data("week", pages.week_page, week=week, country=iso2, source=source))


@PAGES.page(
    "/weeks", name="weeks", template="weeks.html", section="weeks",
    summary="Every week with lists, newest first", model=WeeksPage,
)
def weeks(view: View, country: CountryQuery = None, source: SourceParam = None) -> dict[str, Any]:
    iso = pages.country_code(view.charts(), country, source=source) if country else None
    return dict(view.data("weeks", pages.weeks_page, country=iso, source=source))


@PAGES.page(
    "/countries", name="countries", template="countries.html", section="country",
    summary="The countries that have lists, with the weeks they cover", model=CountriesPage,
    csv=Table("/countries.csv", countries_rows, "The countries with lists as CSV"),
)
def countries(view: View, source: SourceParam = None) -> dict[str, Any]:
    return dict(view.data("countries", pages.countries_page, source=source))


@PAGES.page(
    "/title/{slug}", name="title", template="title.html", section="title",
    summary="A film or season: run, peak, weeks at #1, hours, views, countries",
    model=TitlePage, context=title_extras, published=published_title("title"),
    moves="The slug is a show's",
)
def title(view: View, slug: SlugParam, source: SourceParam = None) -> dict[str, Any]:
    page = dict(view.data("title", pages.title_page, slug=slug, source=source))
    if page["page"] == "show":
        raise Moved(page["links"])
    return page


@PAGES.page(
    "/show/{slug}", name="show", template="title.html", section="title",
    summary="A show over all its seasons", model=TitlePage, context=title_extras,
    published=published_title("show"), moves="The slug is a film's or a season's",
)
def show(view: View, slug: SlugParam, source: SourceParam = None) -> dict[str, Any]:
    page = dict(view.data("show", pages.title_page, slug=slug, show=True, source=source))
    if page["page"] != "show":
        raise Moved(page["links"])
    return page


@PAGES.page(
    "/title/{slug}/similar", name="similar", template="similar.html", section="title",
    summary="More like this: the titles closest to one title, best first", model=SimilarPage,
)
def similar(
    view: View, slug: SlugParam, limit: Limit = 12, source: SourceParam = None
) -> dict[str, Any]:
    return dict(view.data("similar", pages.similar_page, slug=slug, limit=limit, source=source))


@PAGES.page(
    "/leaders", name="leaders", template="leaders.html", section="leaders",
    summary="Titles leading on one measure", model=LeadersPage,
    csv=Table("/leaders.csv", leaders_rows, "The leaders table as CSV"),
)
def leaders(
    view: View,
    by: LeaderBy = "weeks-at-1",
    category: Category = None,
    since: Since = None,
    until: Until = None,
    limit: Limit = 20,
    source: SourceParam = None,
    country: CountryQuery = None,
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
            source=source,
            country=country or None,
        )
    )


@PAGES.page(
    "/search", name="search", template="search.html", section="search",
    summary="Fuzzy title search", model=SearchPage,
    context=lambda view, page: {"query": page["query"]},
)
def search(
    view: View, q: Q = "", limit: Limit = 20, source: SourceParam = None
) -> dict[str, Any]:
    return dict(view.data("search", pages.search_page, q=q, limit=limit, source=source))


@PAGES.page(
    "/most-popular", name="most-popular", template="most_popular.html", section="popular",
    summary="All-time Most Popular lists (first 91 days)", model=MostPopularPage,
    csv=Table("/most-popular/{list_slug}.csv", popular_list_rows, "A Most Popular list as CSV"),
)
def most_popular(
    view: View, category: Category = None, source: SourceParam = None
) -> dict[str, Any]:
    return dict(
        view.data("popular", pages.most_popular_page, category=category, source=source)
    )


@PAGES.page(
    "/changes", name="changes", template="changes.html", section="changes",
    summary="The change feed: what each chart release added, revised or removed",
    model=ChangesPage,
)
def changes(view: View, since: SinceRelease = None, limit: Limit = 20) -> dict[str, Any]:
    return dict(view.data("changes", pages.changes_page, since=since, limit=limit))


@PAGES.page(
    "/engagement/{period}", name="engagement", template="engagement.html",
    section="engagement", model=EngagementPage,
    summary="One half-year of the engagement reports: most watched titles",
    csv=Table("/engagement/{period}.csv", engagement_rows,
              "One half-year of the engagement reports as CSV"),
)
def engagement(
    view: View,
    period: PeriodParam,
    by: EngagementBy = "views",
    kind: Kind = None,
    language: Language = None,
    origin: Origin = None,
    never_in_top_10: Never = False,
    limit: EngagementLimit = 100,
) -> dict[str, Any]:
    return dict(
        view.data(
            "engagement", engagement_page, period=period, by=by, kind=kind, language=language,
            origin=origin, never_in_top_10=never_in_top_10, limit=limit,
        )
    )


@PAGES.page(
    "/week/{week}/number-ones", name="number-ones", template="number_ones.html",
    section="weeks", model=WeekNumberOnesPage,
    summary="The #1 title in each country's Films and TV lists for one week",
    context=lambda view, page: {"maps": title_maps(page), "swatch": swatch},
)
def number_ones(view: View, week: WeekParam, source: SourceParam = None) -> dict[str, Any]:
    return dict(view.data("number-ones", week_number_ones_page, week=week, source=source))


@PAGES.page(
    "/country/{iso2}/number-ones", name="country-number-ones",
    template="country_number_ones.html", section="country", model=CountryNumberOnesPage,
    summary="A country's #1 titles over a span, per list (Films, TV), with the weeks",
)
def country_number_ones(
    view: View, iso2: CountryParam, since: SpanSince = None, until: SpanUntil = None,
    source: SourceParam = None,
) -> dict[str, Any]:
    return dict(view.data(
        "country-number-ones", country_number_ones_page, country=iso2, since=since or None,
        until=until or None, source=source))


# --- routes that are not pages ----------------------------------------------------------------


def register_routes(app: FastAPI) -> None:
    """Add every page's forms and the routes that are not pages to ``app``."""
    PAGES.install(app)

    @app.get("/week", include_in_schema=False, name="week-picker")
    def week_form(view: View, week: str | None = None) -> Response:
        """The week picker's target (a GET form): go to the week's own address."""
        if not week:
            return RedirectResponse(app.url_path_for("weeks"), status_code=303)
        the_week = pages.canonical_week(view.charts(), week)
        return RedirectResponse(app.url_path_for("week", week=the_week), status_code=303)

    @app.get("/country", include_in_schema=False, name="country-picker")
    def country_form(view: View, iso2: str | None = None, week: str | None = None) -> Response:
        """The country picker's target: that country's list for the same week when it has one."""
        if not iso2:
            return RedirectResponse(app.url_path_for("countries"), status_code=303)
        code = pages.country_code(view.charts(), iso2)
        if week:
            the_week = pages.canonical_week(view.charts(), week, country=code)
            if the_week in view.chrome(country=code)["nav_weeks"]:
                target = app.url_path_for("country-week", iso2=code, week=the_week)
                return RedirectResponse(target, status_code=303)
        return RedirectResponse(app.url_path_for("country", iso2=code), status_code=303)

    @app.get("/engagement", include_in_schema=False, name="engagement-latest")
    def engagement_latest(view: View) -> Response:
        periods = view.charts().engagement_periods()
        if not periods:
            engagement_page(view.charts(), None)  # raises LookupError saying why: a 404
            raise LookupError("no engagement report has been imported")
        target = app.url_path_for("engagement", period=periods[0]["period"])
        return RedirectResponse(target, status_code=307)

    @app.get(
        "/watchlist.json", tags=JSON_TAGS, name="watchlist.json",
        summary="What watched titles did: entered a list, #1 somewhere, new countries",
        responses={200: {"model": WatchlistPage}, **ERRORS},
    )
    def watchlist_json(view: View, since: SinceRelease = None, limit: Limit = 50) -> Response:
        return json_response(view.data("watchlist", pages.watchlist_page, since=since,
                                       limit=limit))

    @app.get("/watchlist.atom", summary="The watchlist's events as an Atom feed",
             tags=["Feeds"], response_class=Response, name="watchlist.atom",
             responses={200: {"content": {atom.MEDIA_TYPE: {"schema": {"type": "string"}}},
                              "description": "Atom"},
                        **{k: v for k, v in CSV_RESPONSES.items() if k != 200}})
    def watchlist_atom(
        view: View, request: Request, since: SinceRelease = None, limit: Limit = 50
    ) -> Response:
        page = view.data("watchlist", pages.watchlist_page, since=since, limit=limit)
        return Response(atom.watchlist_feed(page, str(request.base_url)),
                        media_type=atom.MEDIA_TYPE)

    @app.get("/api", include_in_schema=False, name="api")
    def api_page(view: View, request: Request) -> Response:
        """The JSON routes, read from the OpenAPI description."""
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

    @app.get("/healthz", include_in_schema=False, name="healthz")
    def healthz(view: View) -> Response:
        """The release served and its age, as JSON, and whether it is prepared (what its
        pages share in memory: a readiness probe waits for that); 503 naming nothing of the
        machine when there is none or it cannot be read (the server's log says why)."""
        try:
            charts = view.charts()
            served = view.served
            return json_response({"ok": True, **charts.release.public(), "sources": view.sources(),
                                  "prepared": view.prepared,
                                  # published: how many the release holds for this code
                                  "title_pages": {"published": len(served.bodies(charts))
                                                  if view.prepared else None,
                                                  "from_release": served.bodies_read,
                                                  "rendered": served.bodies_rendered}})
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
