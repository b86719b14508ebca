"""The #1 pages: ``/week/<date>/number-ones`` (the #1 in each country for one week, with a
world map per list coloured by title) and ``/country/<code>/number-ones`` (a country's #1s
over a span), each as HTML and ``.json`` from one data function.

Registered as pages in :mod:`starchart.web.routes`; any day of a week or ``latest``
redirects to the week's own address, and a country's name to its code's, as everywhere on
the site (:mod:`starchart.web.registry`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Query
from markupsafe import Markup, escape

from starchart.display import week_label
from starchart.queries.slugs import title_name
from starchart.web import maps, pages

if TYPE_CHECKING:
    from starchart.api import Charts

#: titles given a colour of their own on a map (the rest share "other"), most countries first
PALETTE_SIZE = 8

SpanSince = Annotated[str | None, Query(description="First day (YYYY-MM-DD); a week counts "
                                        "when its Sunday is inside", max_length=20)]
SpanUntil = Annotated[str | None, Query(description="Last day (YYYY-MM-DD)", max_length=20)]


def number_ones_url(week: str, suffix: str = "") -> str:
    """The #1-in-each-country page of a week."""
    return f"/week/{week}/number-ones{suffix}"


def _linked(title: Mapping[str, Any]) -> dict[str, Any]:
    return {**title, "name": title_name(title["show_title"], title["season_title"]),
            "url": pages.title_url(title["slug"])}


def week_number_ones_page(charts: Charts, week: str | None = None, *,
                          source: str | None = None) -> dict[str, Any]:
    """The #1 of each country's Films and TV lists for one week, with links."""
    data = charts.week_number_ones(week, source=source)
    the_week = data["week"]
    countries = [{**c, "url": pages.week_url(the_week, c["iso2"]),
                  "number_ones": {k: _linked(v) for k, v in c["number_ones"].items()}}
                 for c in data["countries"]]
    lists = [{**lst, "slug": pages.list_slug(lst["category"]),
              "titles": [_linked(t) for t in lst["titles"]]} for lst in data["lists"]]
    links = {
        "html": number_ones_url(the_week),
        "json": number_ones_url(the_week, ".json"),
        "week": pages.week_url(the_week),
        "previous": number_ones_url(data["previous_week"]) if data["previous_week"] else None,
        "next": number_ones_url(data["next_week"]) if data["next_week"] else None,
    }
    return {**data, "page": "number-ones", "countries": countries, "lists": lists,
            "links": links}


def country_number_ones_page(charts: Charts, country: str, *, since: str | None = None,
                             until: str | None = None, source: str | None = None
                             ) -> dict[str, Any]:
    """A country's #1s over a span, per list, with links."""
    since, until = pages.check_date(since, "since"), pages.check_date(until, "until")
    data = charts.number_ones(country, since=since, until=until, source=source)
    lists = [{**lst, "slug": pages.list_slug(lst["category"]),
              "weeks": [{**_linked(w), "week_url": pages.week_url(w["week"], data["country"])}
                        for w in lst["weeks"]],
              "titles": [_linked(t) for t in lst["titles"]]} for lst in data["lists"]]
    base = f"/country/{data['country']}/number-ones"
    params = {"since": since, "until": until}
    return {**data, "page": "country-number-ones", "lists": lists,
            "links": {"html": pages.with_query(base, params),
                      "json": pages.with_query(base + ".json", params),
                      "country": f"/country/{data['country']}"}}


def title_maps(page: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Per list, a world map with each country coloured by its #1 title (the
    :data:`PALETTE_SIZE` titles #1 in most countries get a colour each, the others share
    one) and the key that names the colours."""
    out = []
    for lst in page["lists"]:
        statuses: dict[str, str] = {}
        details: dict[str, str] = {}
        key = []
        for i, t in enumerate(lst["titles"]):
            colour = f"t{i}" if i < PALETTE_SIZE else "tother"
            for code in t["countries"]:
                statuses[code] = colour
                details[code] = f"#1 {lst['category']}: {t['name']}"
            if i < PALETTE_SIZE:
                key.append({"colour": colour, "name": t["name"], "url": t["url"],
                            "countries": len(t["countries"])})
        others = lst["titles"][PALETTE_SIZE:]
        if others:
            key.append({"colour": "tother", "name": f"{len(others)} other titles", "url": None,
                        "countries": sum(len(t["countries"]) for t in others)})
        label = (f"World map of the #1 {lst['category']} title in each country, week of "
                 f"{week_label(page['week'])}")
        out.append({"category": lst["category"], "slug": lst["slug"], "label": label,
                    "map": maps.map_svg(statuses, label=label, details=details,
                                        map_id=f"map-{lst['slug']}"),
                    "key": key})
    return out


def swatch(colour: str) -> Markup:
    """A legend's colour square (the map's class ``st-<colour>``)."""
    return Markup('<svg viewBox="0 0 10 10" aria-hidden="true" focusable="false">'
                  f'<rect class="st-{escape(colour)}" width="10" height="10" rx="2"/></svg>')
