"""The engagement pages: ``/engagement/2025H1`` (HTML, ``.json``, ``.csv``) over one
half-year of Netflix's engagement reports, and ``/engagement`` for the latest.

One data function (:func:`engagement_page`) feeds the three renderings, like every page."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from fastapi import FastAPI, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from starchart.web.pages import jsonable, with_query
from starchart.web.responses import csv_response, json_response
from starchart.web.routes import CSV_RESPONSES, ERRORS, View
from starchart.web.schemas import EngagementPage

if TYPE_CHECKING:
    from starchart.api import Charts
    from starchart.web.site import PageView

PeriodParam = Annotated[str, Path(description="A half-year, e.g. 2025H1", max_length=10)]
By = Annotated[str, Query(description="views or hours", max_length=10)]
Kind = Annotated[str | None, Query(description="film or tv", max_length=10)]
Language = Annotated[str | None, Query(
    description="Of the original title (Korean, Japanese...) or none", max_length=40)]
Origin = Annotated[str | None, Query(
    description="original, licensed or unknown (a hint)", max_length=20)]
Never = Annotated[bool, Query(description="Only titles never in a global Top 10")]
Limit = Annotated[int, Query(ge=1, le=500, description="How many titles")]

CSV_COLUMNS = ("period", "rank", "title_id", "title", "english_title", "original_title",
               "language", "kind", "release_date", "available_globally", "hours_viewed",
               "views", "runtime_text", "origin", "weeks_in_top_10", "ever_in_top_10")


def engagement_page(charts: Charts, period: str | None = None, *, by: str = "views",
                    kind: str | None = None, language: str | None = None,
                    origin: str | None = None, never_in_top_10: bool = False,
                    limit: int = 100) -> dict[str, Any]:
    """One half-year's most watched titles with its totals by language and origin."""
    page = jsonable(charts.engagement(period, by=by, kind=kind or None,
                                      language=language or None, origin=origin or None,
                                      never_in_top_10=never_in_top_10, limit=limit))
    params = {"by": by, "kind": kind, "language": language, "origin": origin,
              "never_in_top_10": "true" if never_in_top_10 else None, "limit": limit}
    base = f"/engagement/{page['period']}"
    for row in page["rows"]:
        row["url"] = f"/title/{row['title_id']}" if row["title_id"] else None
    page["page"] = "engagement"
    page["links"] = {"html": with_query(base, params), "json": with_query(base + ".json", params),
                     "csv": with_query(base + ".csv", params),
                     "periods": [f"/engagement/{p}" for p in page["periods"]]}
    return page


def register_engagement_routes(app: FastAPI) -> None:
    """Add the engagement pages (JSON and CSV routes before the HTML one)."""
    def data(view: PageView, period: str | None, by: str, kind: str | None,
             language: str | None, origin: str | None, never: bool, limit: int) -> Any:
        return view.data("engagement", engagement_page, period=period, by=by, kind=kind,
                         language=language, origin=origin, never_in_top_10=never, limit=limit)

    @app.get("/engagement/{period}.json", tags=["JSON API"],
             summary="One half-year of the engagement reports: most watched titles",
             responses={200: {"model": EngagementPage}, **ERRORS})
    def engagement_json(view: View, period: PeriodParam, by: By = "views", kind: Kind = None,
                        language: Language = None, origin: Origin = None,
                        never_in_top_10: Never = False, limit: Limit = 100) -> Response:
        return json_response(data(view, period, by, kind, language, origin, never_in_top_10,
                                  limit))

    @app.get("/engagement/{period}.csv", tags=["CSV downloads"],
             summary="One half-year of the engagement reports as CSV",
             responses=CSV_RESPONSES)
    def engagement_csv(view: View, period: PeriodParam, by: By = "views", kind: Kind = None,
                       language: Language = None, origin: Origin = None,
                       never_in_top_10: Never = False, limit: Limit = 100) -> Response:
        page = data(view, period, by, kind, language, origin, never_in_top_10, limit)
        rows = [{"period": page["period"], **r} for r in page["rows"]]
        return csv_response(rows, CSV_COLUMNS, f"engagement-{page['period']}.csv")

    @app.get("/engagement", include_in_schema=False)
    def engagement_latest(view: View) -> Response:
        periods = view.charts().engagement_periods()
        if not periods:
            page = data(view, None, "views", None, None, None, False, 100)  # raises NotFound
            return json_response(page)
        return RedirectResponse(f"/engagement/{periods[0]['period']}", status_code=307)

    @app.get("/engagement/{period}", include_in_schema=False)
    def engagement_html(view: View, request: Request, period: PeriodParam, by: By = "views",
                        kind: Kind = None, language: Language = None, origin: Origin = None,
                        never_in_top_10: Never = False, limit: Limit = 100) -> Response:
        page = data(view, period, by, kind, language, origin, never_in_top_10, limit)
        return view.render(request, "engagement.html", page, section="engagement")
