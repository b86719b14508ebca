"""One data function per page: the HTML page and its JSON twin are built from the same dict.

Each takes the request's :class:`starchart.api.Charts` (one connection for the whole page)
and only adds what a site needs on top: links (``url``/``json_url``/``csv``), list slugs for CSV
names, and JSON-safe values. Nothing from a URL reaches SQL except through the api's
parameters.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from starchart.display import whole_numbers
from starchart.queries.lists import LEADER_METRICS, LEADERS, leader_metric
from starchart.queries.slugs import title_name, title_slug
from starchart.weeks import chart_week, is_latest

# the leaderboards and their words come from one table, shared with the api and the CLI
LEADER_BYS: tuple[str, ...] = LEADER_METRICS
LEADER_WORDS: dict[str, str] = {k: m.heading for k, m in LEADERS.items()}
LEADER_SHORT: dict[str, str] = {k: m.short for k, m in LEADERS.items()}
if TYPE_CHECKING:
    from starchart.api import Charts


# --- values and links -----------------------------------------------------------------------


def jsonable(value: Any) -> Any:
    """Dates as ISO strings, NaN/NA as null, numpy scalars as Python numbers, recursively."""
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, float):  # a whole count as an int: 14100000, not 14100000.0
        return None if math.isnan(value) else whole_numbers(value)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    item = getattr(value, "item", None)  # numpy scalar
    if callable(item):
        return jsonable(item())
    try:
        import pandas as pd

        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


def list_slug(category: str) -> str:
    """``Films (Non-English)`` -> ``films-non-english``; ``TV`` -> ``tv`` (CSV file names)."""
    return re.sub(r"[^a-z0-9]+", "-", category.lower()).strip("-")


def week_url(week: str, country: str | None = None, suffix: str = "") -> str:
    """``/week/2025-03-30`` or ``/country/KR/week/2025-03-30`` (+ ``.json``)."""
    if country:
        return f"/country/{country}/week/{week}{suffix}"
    return f"/week/{week}{suffix}"


def title_url(slug: str, suffix: str = "") -> str:
    """A film's or season's page."""
    return f"/title/{slug}{suffix}"


def show_url(slug: str, suffix: str = "") -> str:
    """A show's page grouping its seasons."""
    return f"/show/{slug}{suffix}"


def with_query(path: str, params: Mapping[str, Any]) -> str:
    """``path?k=v`` keeping only the parameters that are set."""
    kept = {k: v for k, v in params.items() if v not in (None, "")}
    return f"{path}?{urlencode(kept)}" if kept else path


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def suggestion_links(
    suggestions: Sequence[Any] | None, *, country: str | None = None
) -> list[dict[str, str]]:
    """Turn the api's suggestion dicts (titles, weeks or countries) into labelled links."""
    out: list[dict[str, str]] = []
    for s in suggestions or []:
        if not isinstance(s, Mapping):
            out.append({"label": _text(s), "url": with_query("/search", {"q": _text(s)})})
        elif s.get("slug"):
            season = s.get("season_title")
            label = title_name(_text(s.get("show_title") or s["slug"]),
                               str(season) if season else None)
            out.append({"label": label, "url": title_url(str(s["slug"]))})
        elif s.get("week"):
            week = jsonable(s["week"])
            out.append({"label": f"Week of {week}", "url": week_url(week, country)})
        elif s.get("iso2"):
            out.append({"label": _text(s.get("name") or s["iso2"]), "url": f"/country/{s['iso2']}"})
        elif s.get("url"):
            out.append({"label": _text(s.get("label") or s["url"]), "url": str(s["url"])})
    return out


# --- validation of URL parts ----------------------------------------------------------------


def check_week(text: str) -> str:
    """The Sunday (``YYYY-MM-DD``) of the chart week containing a day, or ValueError with a
    message a person can act on (``latest`` is resolved by :func:`canonical_week`)."""
    return chart_week(text).isoformat()


def canonical_week(charts: Charts, text: str, *, country: str | None = None,
                   source: str | None = None) -> str:
    """The Sunday naming the week an address asks for: any day means the week containing
    it, ``latest`` the newest week with lists (of ``country`` when given)."""
    if is_latest(text):
        found = charts.weeks(country=country, source=source)
        if not found:
            charts.week(country=country, source=source)  # raises NotFound saying why
        return str(found[0])
    return check_week(text)


def country_code(charts: Charts, text: str, *, source: str | None = None) -> str:
    """What an address or a form gives for a country (``KR``, ``kr``, ``Korea``, ``South
    Korea``) -> the code of a country with lists: the api's one resolver (LookupError with
    suggestions for an unknown or ambiguous name)."""
    return charts.resolve_country(text, source=source)


def check_date(text: str | None, name: str) -> str | None:
    """An optional ``YYYY-MM-DD`` query parameter."""
    if text in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(text)).isoformat()
    except ValueError:
        raise ValueError(f"{name} must be a date as YYYY-MM-DD, got {text!r}") from None


# --- page data --------------------------------------------------------------------------------


def _row(row: Mapping[Any, Any], *, native: bool = False) -> dict[str, Any]:
    """A list row with its links; ``native``: already JSON-safe (a release's answer)."""
    out = dict(row) if native else dict(jsonable(row))
    if out.get("slug"):
        out["url"] = title_url(out["slug"])
    if out.get("show_slug"):
        out["show_url"] = show_url(out["show_slug"])
    return out


def week_page(
    charts: Charts,
    week: str | None = None,
    *,
    country: str | None = None,
    source: str | None = None,
) -> dict[str, Any]:
    """A week's lists (global, or one country's), with CSV and neighbour-week links."""
    data = charts.week(week, country=country, source=source)  # JSON-safe: from the release
    iso = data.get("country")
    the_week = data["week"]
    lists = []
    for lst in data["lists"]:
        slug = list_slug(lst["category"])
        lists.append(
            {
                **lst,
                "slug": slug,
                "csv": f"{week_url(the_week, iso)}/{slug}.csv",
                "rows": [_row(r, native=True) for r in lst["rows"]],
            }
        )
    history = charts.week_story(the_week, country=iso, source=data.get("source"))
    links = {
        "html": week_url(the_week, iso),
        "json": week_url(the_week, iso, ".json"),
        "previous": week_url(data["previous_week"], iso) if data.get("previous_week") else None,
        "next": week_url(data["next_week"], iso) if data.get("next_week") else None,
        "global": week_url(the_week) if iso else None,
    }
    return {**data, "lists": lists, "links": links, "history": history}


def changes_page(charts: Charts, *, since: int | None = None, limit: int = 20) -> dict[str, Any]:
    """The change feed: each release after ``since``, newest first, with the weeks it added,
    revised (position by position, as first published vs. now) or removed."""
    if limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit}")
    found = charts.feed(since=since, limit=limit)
    for entry in found:
        for week in entry["weeks"]:
            week["url"] = week_url(week["week"], week["country"])
            if week["status"] == "revised" and entry["previous"]:
                week["before_url"] = with_query(week["url"], {"release": entry["previous"]})
    params = {"since": since, "limit": limit}
    return {
        "release": charts.release.public(),
        "since": since,
        "releases": found,
        "links": {
            "html": with_query("/changes", params),
            "json": with_query("/changes.json", params),
        },
    }


def watchlist_page(charts: Charts, *, since: int | None = None, limit: int = 50
                   ) -> dict[str, Any]:
    """What watched titles did, release by release, newest first (the Atom feed's data):
    each event links to the title's page."""
    found = charts.watchlist_events(since=since, limit=limit)
    for event in found:
        slug = (event["title_id"] if event["title_id"].startswith("nf-")
                else title_slug(event["show_title"], event["season_title"]))
        event["url"] = with_query(title_url(slug), {"source": event["source"]})
    params = {"since": since, "limit": limit}
    return {
        "release": charts.release.public(),
        "since": since,
        "events": found,
        "links": {"atom": with_query("/watchlist.atom", params),
                  "json": with_query("/watchlist.json", params)},
    }


def similar_to(charts: Charts, entry: Mapping[str, Any], *, limit: int = 12,
               source: str | None = None) -> dict[str, Any]:
    """More like the title of page ``entry`` (:func:`title_page`): its work's ``nf-…`` ID, or
    its name, looked up in the release's discovery models (co-viewing for catalog titles,
    co-charting for imported Netflix titles). Each neighbour links to its page where it has
    one. No model, or none that knows the title: no titles and a ``note`` saying why."""
    from starchart.discovery.answers import NotTrainedError

    key = entry.get("title_id") or title_name(entry["show_title"], entry.get("season_title"))
    try:
        found = charts.similar(str(key), limit=limit)
    except NotTrainedError:
        return {"title_id": None, "similar": [], "note": "No discovery model has been "
                "trained on these charts yet ('starchart train', or 'starchart build')."}
    except LookupError:
        return {"title_id": None, "similar": [],
                "note": "The discovery models do not know this title yet."}
    rows = []
    for r in found["similar"]:
        slug = (r["title_id"] if r["title_id"].startswith("nf-")
                else title_slug(r["show_title"], r["season_title"]))
        linked = charts.has_page(slug, source=source)
        rows.append({**r, "url": with_query(title_url(slug), {"source": source})
                     if linked else None})
    return {"title_id": found["title_id"], "similar": rows, "note": None}


def similar_page(charts: Charts, slug: str, *, limit: int = 12,
                 source: str | None = None) -> dict[str, Any]:
    """The "more like this" page of the title at ``slug`` (or ``nf-…`` ID): the title, its
    nearest titles best first with their scores and links (:func:`similar_to`)."""
    entry = title_page(charts, slug, source=source)
    found = similar_to(charts, entry, limit=limit, source=source)
    params = {"limit": limit, "source": source}
    here = entry["links"]["html"] if entry["page"] == "title" else title_url(slug)
    return {
        "show_title": entry["show_title"],
        "season_title": entry.get("season_title"),
        "kind": entry.get("kind"),
        **found,
        "links": {"title": here, "html": with_query(f"{here}/similar", params),
                  "json": with_query(f"{here}/similar.json", params)},
    }


def title_page(
    charts: Charts, slug: str, *, show: bool = False, source: str | None = None
) -> dict[str, Any]:
    """A film's or season's entry (``page: title``) or, with ``show``, the show's entry over
    its seasons (``page: show``), as the api gives it, plus links.

    A show whose slug is also one of its titles' (Stranger Things' unnumbered listing) is
    asked for as a show, so the title does not shadow it.
    """
    entry = charts.title_by_slug(slug, show=show, source=source)  # JSON-safe: the release's
    seasons = [{"slug": season["slug"], "label": season["name"], "url": title_url(season["slug"])}
               for season in entry.get("seasons") or []] if show else []
    is_show = "seasons" in entry
    the_slug = (entry.get("show_slug") if is_show else entry.get("slug")) or slug
    make = show_url if is_show else title_url
    has_show = entry.get("kind") == "tv" and entry.get("season_title") and entry.get("show_slug")
    return {
        **entry,
        "page": "show" if is_show else "title",
        "links": {
            "html": make(the_slug),
            "json": make(the_slug, ".json"),
            "show": show_url(entry["show_slug"]) if has_show and not is_show else None,
            "seasons": seasons,
        },
    }


def leaders_page(
    charts: Charts,
    by: str = "weeks-at-1",
    *,
    category: str | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int = 20,
    source: str | None = None,
    country: str | None = None,
) -> dict[str, Any]:
    """The titles leading on one measure, optionally in one list and a date range; with
    ``country``, in that country's Films and TV lists (weeks at #1 or in the Top 10)."""
    by = leader_metric(by)  # weeks_at_1 or Weeks-At-1 -> weeks-at-1, as the api reads it
    since, until = check_date(since, "since"), check_date(until, "until")
    code = charts.resolve_country(country, source=source) if country else None
    frame = charts.leaders(
        by, category=category or None, since=since, until=until, limit=limit, source=source,
        country=code,
    )
    rows = [_row(r) for r in frame.to_dict(orient="records")]
    params = {"by": by, "category": category, "country": code, "since": since,
              "until": until, "limit": limit}
    return {
        "by": by,
        "by_label": LEADER_WORDS[by],
        "source": frame.attrs.get("source"),
        "category": category or None,
        "country": code,
        "since": since,
        "until": until,
        "limit": limit,
        "columns": [str(c) for c in frame.columns],
        "coverage": jsonable(frame.attrs.get("coverage")),
        "rows": rows,
        "links": {
            "html": with_query("/leaders", params),
            "json": with_query("/leaders.json", params),
            "csv": with_query("/leaders.csv", params),
        },
    }


def search_page(
    charts: Charts, q: str, *, limit: int = 20, source: str | None = None
) -> dict[str, Any]:
    """Title search (empty query: no results, not an error): shows link to their page."""
    text = q.strip()
    found = charts.search(text, limit=limit, source=source) if text else {"results": []}
    results = [_row(r) for r in jsonable(found["results"])]
    for r in results:
        if r.get("page") == "show":
            r["url"] = show_url(r["slug"])
    return {
        "query": text,
        "source": found.get("source"),
        "results": results,
        "links": {
            "html": with_query("/search", {"q": text}),
            "json": with_query("/search.json", {"q": text}),
        },
    }


def most_popular_page(
    charts: Charts, category: str | None = None, *, source: str | None = None
) -> dict[str, Any]:
    """The all-time Most Popular lists."""
    data = jsonable(charts.most_popular(category=category or None, source=source))
    lists = []
    for lst in data.get("lists", []):
        slug = list_slug(lst["category"])
        rows = [_row(r) for r in lst["rows"]]
        lists.append({**lst, "slug": slug, "csv": f"/most-popular/{slug}.csv", "rows": rows})
    links = {"html": "/most-popular", "json": "/most-popular.json"}
    return {**data, "lists": lists, "links": links}


def weeks_page(
    charts: Charts, *, country: str | None = None, source: str | None = None
) -> dict[str, Any]:
    """Every week with lists, newest first: the archive."""
    weeks = [str(w) for w in jsonable(charts.weeks(country=country, source=source))]
    return {
        "source": charts.source(source),
        "country": country,
        "weeks": [{"week": w, "url": week_url(w, country)} for w in weeks],
        "links": {
            "html": with_query("/weeks", {"country": country}),
            "json": with_query("/weeks.json", {"country": country}),
        },
    }


def country_spans(charts: Charts, *, source: str | None = None) -> list[dict[str, Any]]:
    """The countries with lists, each with the first and last week its lists cover (read
    once per release: the api remembers them)."""
    spans = charts.country_week_spans(source=source)
    out = []
    for c in jsonable(charts.countries(source=source)):
        first, last = spans.get(c["iso2"], (None, None))
        out.append({**c, "first_week": first, "last_week": last})
    return out


def countries_page(charts: Charts, *, source: str | None = None) -> dict[str, Any]:
    """The countries that have lists, with the weeks each covers."""
    found = country_spans(charts, source=source)
    firsts = [c["first_week"] for c in found if c["first_week"]]
    lasts = [c["last_week"] for c in found if c["last_week"]]
    return {
        "source": charts.source(source),
        "countries": [{**c, "url": f"/country/{c['iso2']}"} for c in found],
        "first_week": min(firsts) if firsts else None,
        "last_week": max(lasts) if lasts else None,
        "links": {"html": "/countries", "json": "/countries.json", "csv": "/countries.csv"},
    }


def list_rows(page: Mapping[str, Any], slug: str) -> tuple[str, list[dict[str, Any]]]:
    """The list named ``slug`` in a page's ``lists`` (LookupError naming the ones there)."""
    for lst in page.get("lists", []):
        if lst["slug"] == slug:
            return str(lst["category"]), list(lst["rows"])
    names = [lst["slug"] for lst in page.get("lists", [])]
    raise LookupError(
        f"no list {slug!r} here; lists: {', '.join(names)}",
        [
            {"label": f"{n}.csv", "url": lst["csv"]}
            for n, lst in zip(names, page["lists"], strict=True)
        ],
    )
