"""The engagement pages: ``/engagement/2025H1`` (HTML, ``.json``, ``.csv``) over one
half-year of Netflix's engagement reports, and ``/engagement`` for the latest.

One data function (:func:`engagement_page`) feeds the three renderings, like every page."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starchart.web.pages import jsonable, with_query

if TYPE_CHECKING:
    from starchart.api import Charts


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
