"""What a title page draws from its data: headline figures, the spread maps and their slider.

Kept out of the data functions so the JSON twin stays exactly the api's entry; these only
rearrange it for display.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from markupsafe import Markup, escape

from starchart.display import compact, grouped, move, plural, runtime_hm, week_label
from starchart.queries.slugs import title_name
from starchart.web import maps

MAX_MULTIPLES = 60  # per-week small maps drawn on one page (the real country files hold 35)


def headline(entry: Mapping[str, Any]) -> dict[str, Any]:
    """Weeks at #1, peak, weeks in a global Top 10, hours, views (all from the global lists),
    countries over the whole run."""
    lists = entry.get("global") or []
    peaks = [g["peak_rank"] for g in lists if g.get("peak_rank") is not None]
    hours = [g["hours_viewed"] for g in lists if g.get("hours_viewed") is not None]
    views = [g["views"] for g in lists if g.get("views") is not None]
    countries = entry.get("countries") or {}
    firsts = [g["first_week"] for g in lists if g.get("first_week")]
    lasts = [g["last_week"] for g in lists if g.get("last_week")]
    return {
        "weeks_at_1": sum(int(g.get("weeks_at_1") or 0) for g in lists),
        "peak_rank": min(peaks) if peaks else None,
        # global lists only: the run also holds weeks when the title charted in countries alone
        "weeks_in_top_10": sum(int(g.get("weeks_in_top_10") or 0) for g in lists),
        "hours_viewed": sum(hours) if hours else None,
        "views": sum(views) if views else None,
        "views_notes": [g["views_note"] for g in lists if g.get("views_note")],
        "countries_in_top_10": countries.get("distinct_in_top_10"),
        "countries_at_1": countries.get("distinct_at_1"),
        "max_in_one_week": countries.get("max_in_one_week"),
        "max_in_one_week_week": countries.get("max_in_one_week_week"),
        "first_week": min(firsts) if firsts else None,
        "last_week": max(lasts) if lasts else None,
    }


def season_rows(entry: Mapping[str, Any]) -> list[dict[str, Any]]:
    """A show's seasons, one row each in natural order, with the lists each was on."""
    return [{**season, "lists": [g["category"] for g in season.get("global") or []]}
            for season in entry.get("seasons") or []]


def plot_rows(entry: Mapping[str, Any]) -> list[dict[str, Any]]:
    """What the run plot draws: a title's run; for a show, a line per season (its weekly
    ranks, named by the season) over the show's weekly country counts."""
    seasons = entry.get("seasons")
    if not seasons:
        return list(entry.get("run") or [])
    rows: list[dict[str, Any]] = [
        {**r, "season_title": season["name"]}
        for season in seasons for r in season.get("run") or []]
    rows += [{"week": r["week"], "category": r.get("category"), "weekly_rank": None,
              "countries_in_top_10": r.get("countries_in_top_10"),
              "countries_at_1": r.get("countries_at_1")} for r in entry.get("run") or []]
    return rows


def _tally(
    weeks: Iterable[Mapping[str, Any]],
) -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    """Per country: weeks in the Top 10, weeks at #1, best rank."""
    weeks = list(weeks)
    # counted in C (a hit's 24 weeks x 94 countries were ~1 ms of its page in Python)
    in_top = Counter(c["iso2"] for w in weeks for c in w.get("in_top_10") or ())
    at_one = Counter(c["iso2"] for w in weeks for c in w.get("at_1") or ())
    best: dict[str, int] = {}
    for w in weeks:
        for c in w.get("in_top_10") or ():
            rank = c.get("weekly_rank")
            if rank is not None:
                code = c["iso2"]
                old = best.get(code, 99)
                rank = int(rank)
                best[code] = rank if rank < old else old
    return dict(in_top), dict(at_one), best


@functools.lru_cache(maxsize=4096)
def _spread_words(weeks: int, weeks_at_1: int | None, best: Any) -> str:
    """A country's tooltip on the spread map: the same few hundred recur on every page."""
    words = f"Top 10 for {plural(weeks, 'week')}, best #{best}"
    return f"#1 for {plural(weeks_at_1, 'week')}; {words}" if weeks_at_1 is not None else words


def spread(entry: Mapping[str, Any], listed: Iterable[str]) -> dict[str, Any]:
    """The spread maps: all weeks together, one small map per week, and the slider's data."""
    weeks = sorted((entry.get("countries") or {}).get("weeks") or [], key=lambda w: w["week"])
    listed_set = set(listed)
    in_top, at_one, best = _tally(weeks)
    names = {c["iso2"]: c.get("name") or c["iso2"] for w in weeks for c in w.get("in_top_10") or []}
    cover = ((entry.get("countries") or {}).get("coverage") or {}).get("status")
    # no country lists for the title's weeks: unknown, drawn apart from "not in the Top 10"
    statuses = {code: "nodata" if cover == "no data" else "list" for code in listed_set}
    details: dict[str, str] = {}
    for code, n in in_top.items():
        weeks_at_1 = at_one.get(code)
        statuses[code] = "at1" if weeks_at_1 is not None else "top10"
        details[code] = _spread_words(n, weeks_at_1, best.get(code, "?"))
    name = entry.get("show_title", "")
    label = f"World map of {name}: in the Top 10 in {len(in_top)} countries, #1 in {len(at_one)}"
    # each week's countries, sorted once: the slider's data and the small map's shading
    tops = [sorted(c["iso2"] for c in w.get("in_top_10") or ()) for w in weeks]
    ones = [sorted(c["iso2"] for c in w.get("at_1") or ()) for w in weeks]
    labels = [f"Week of {week_label(w['week'])}" for w in weeks]
    multiples = []
    for w, top, one, said in zip(weeks[:MAX_MULTIPLES], tops, ones, labels, strict=False):
        n_in, n_one = len(top), len(one)
        multiples.append(
            {
                "week": w["week"],
                "in_top_10": n_in,
                "at_1": n_one,
                "svg": maps.small_map(
                    top, one, label=f"{said}: Top 10 in {n_in} countries, #1 in {n_one}"),
            }
        )
    slider = {"labels": labels, "top10": tops, "at1": ones}
    return {
        "map": maps.map_svg(statuses, label=label, map_id="spread-map", details=details),
        "label": label,
        "countries": len(in_top),
        "countries_at_1": len(at_one),
        "weeks": len(weeks),
        "multiples": multiples,
        "more_weeks": max(0, len(weeks) - MAX_MULTIPLES),
        "slider": slider,
        "table": sorted(
            (
                {
                    "iso2": code,
                    "name": names.get(code, code),
                    "weeks": n,
                    "weeks_at_1": at_one.get(code, 0),
                    "best": best.get(code),
                }
                for code, n in in_top.items()
            ),
            key=lambda r: (-r["weeks_at_1"], -r["weeks"], r["name"]),
        ),
        "legend": maps.legend(),
        "coverage": (entry.get("countries") or {}).get("coverage"),
    }


class WeekPicker:
    """The week picker's ``<option>`` list, escaped and labelled once per release (a week
    page drew its 260 options through Jinja on every request: most of its time); a page
    only marks its own week."""

    def __init__(self, weeks: Iterable[str]) -> None:
        self.options = [
            (str(w), f'<option value="{escape(str(w))}">{escape(week_label(w))}</option>')
            for w in weeks
        ]

    def html(self, selected: Any) -> Markup:
        mark = f'<option value="{escape(str(selected))}">'
        return Markup(
            "".join(
                html.replace(mark, mark[:-1] + " selected>", 1) if week == selected else html
                for week, html in self.options
            )
        )


class CountryPicker:
    """The country picker's options for a week: countries with a list that week first, the
    others after, named with the weeks their lists cover (made once per release)."""

    def __init__(self, countries: Iterable[Mapping[str, Any]]) -> None:
        self.countries: list[tuple[str, str | None, str | None, Markup, Markup]] = [
            (c["iso2"], c.get("first_week"), c.get("last_week"), escape(c["iso2"]),
             escape(c["name"]))
            for c in countries
        ]
        firsts = [c[1] for c in self.countries if c[1]]
        lasts = [c[2] for c in self.countries if c[2]]
        # the weeks any country's lists cover, first and last (None: no country lists)
        self.span = (min(firsts), max(lasts)) if firsts and lasts else None
        self.spans = {
            c[0]: escape(f" (lists {week_label(c[1])} – {week_label(c[2])})") if c[1] else ""
            for c in self.countries
        }

    def covering(self, week: str) -> bool:
        """True when some country has a list for ``week``."""
        return any(bool(first and last and first <= week <= last)
                   for _, first, last, _, _ in self.countries)

    def html(self, week: str, selected: str | None) -> Markup:
        here: list[str] = []
        other: list[str] = []
        for iso2, first, last, code, name in self.countries:
            chosen = " selected" if iso2 == selected else ""
            if first and last and first <= week <= last:
                here.append(f'<option value="{code}"{chosen}>{name}</option>')
            else:
                other.append(f'<option value="{code}"{chosen}>{name}{self.spans[iso2]}</option>')
        out = []
        if here:
            out.append(f'<optgroup label="With lists for this week">{"".join(here)}</optgroup>')
        if other:
            out.append('<optgroup label="No list this week: opens its latest">'
                       f'{"".join(other)}</optgroup>')
        return Markup("".join(out))


def _shown(row: Mapping[str, Any], key: str) -> str:
    """A row's value as Jinja printed it: absent -> empty, None -> ``None``."""
    return str(escape(row[key])) if key in row else ""


def _change_cell(row: Mapping[str, Any]) -> str:
    return _change_html(row.get("change"), row.get("weekly_rank"),
                        row.get("previous_weekly_rank"), row.get("cumulative_weeks_in_top_10"))


@functools.lru_cache(maxsize=4096)
def _change_html(change: Any, rank: Any, previous: Any, weeks: Any) -> str:
    """A list row's move as HTML: a few hundred distinct moves recur on every list page,
    each written once."""
    kind, mark, words = move(change, rank, previous, weeks)
    said = escape(words)
    return (f'<span class="chg {escape(kind)}" title="{said}"><span aria-hidden="true">'
            f'{escape(mark)}</span><span class="visually-hidden">{said}</span></span>')


def list_table(lst: Mapping[str, Any], caption: str, with_numbers: bool) -> Markup:
    """One list of a week page as a table: rank, title (linked), the move, weeks in the Top
    10 and, for global lists, views, hours and runtime. Written here rather than as Jinja
    macros: three macro calls a row were most of a week page's time."""
    out = [
        '<div class="table-scroll">\n<table>\n'
        f"  <caption>{escape(caption)}</caption>\n"
        '  <thead>\n    <tr>\n      <th scope="col">Rank</th>\n'
        '      <th scope="col">Title</th>\n'
        '      <th scope="col" class="col-chg">Change</th>\n'
        '      <th scope="col" class="num">Weeks<span class="visually-hidden"> in the Top 10'
        "</span></th>\n"
    ]
    if with_numbers:
        out.append('      <th scope="col" class="num">Views</th>\n'
                   '      <th scope="col" class="num col-opt">Hours</th>\n'
                   '      <th scope="col" class="num col-opt">Runtime</th>\n')
    out.append("    </tr>\n  </thead>\n  <tbody>\n")
    for row in lst.get("rows") or []:
        name = escape(title_name(row.get("show_title"), row.get("season_title")))
        url = row.get("url")
        linked = f'<a href="{escape(url)}">{name}</a>' if url else str(name)
        change = _change_cell(row)
        out.append(
            f'    <tr>\n      <td class="rank">{_shown(row, "weekly_rank")}</td>\n'
            f'      <th scope="row" class="title-cell">\n  {linked}\n'
            f'  <span class="chg-inline">{change}</span>\n</th>\n'
            f'      <td class="col-chg">{change}</td>\n'
            f'      <td class="num">{_shown(row, "cumulative_weeks_in_top_10")}</td>\n'
        )
        if with_numbers:
            views, hours = row.get("weekly_views"), row.get("weekly_hours_viewed")
            out.append(
                f'      <td class="num" title="{grouped(views)}">{compact(views)}</td>\n'
                f'      <td class="num col-opt" title="{grouped(hours)}">{compact(hours)}</td>\n'
                f'      <td class="num col-opt">{runtime_hm(row.get("runtime"))}</td>\n'
            )
        out.append("    </tr>\n")
    out.append("  </tbody>\n</table>\n</div>")
    return Markup("".join(out))


def run_rows(run: Iterable[Mapping[str, Any]], url: Callable[..., str]) -> Markup:
    """The rows of a title page's week-by-week table (hundreds for a long run: written here,
    not through Jinja, like :func:`list_table`)."""
    out = []
    for r in run:
        season = f" · {escape(r['season_title'])}" if r.get("season_title") else ""
        rank = f"#{_text(r['weekly_rank'])}" if r.get("weekly_rank") else "–"
        c_in, c_at1 = r.get("countries_in_top_10"), r.get("countries_at_1")
        out.append(
            f'        <tr>\n          <th scope="row">{_week_cell(url, r["week"])}</th>\n'
            f"          <td>{_escaped(r.get('category') or 'Country lists only')}{season}</td>\n"
            f'          <td class="num">{rank}</td>\n'
            f'          <td class="num">{compact(r.get("weekly_views"))}</td>\n'
            f'          <td class="num col-opt">{compact(r.get("weekly_hours_viewed"))}</td>\n'
            f'          <td class="num">{_text(c_in) if c_in is not None else "–"}</td>\n'
            f'          <td class="num col-opt">{_text(c_at1) if c_at1 is not None else "–"}'
            "</td>\n        </tr>\n"
        )
    return Markup("".join(out))


@functools.lru_cache(maxsize=4096)
def _week_cell(url: Callable[..., str], week: Any) -> str:
    """A week's linked label in a title page's table of weeks: the same few hundred weeks
    on every title page, each written once."""
    return f'<a href="{escape(url("week", week=week))}">{escape(week_label(week))}</a>'


@functools.lru_cache(maxsize=256)
def _escaped(text: str) -> str:
    """A list's name, escaped once (a handful recur on every row of every page)."""
    return str(escape(text))


def _text(value: Any) -> str:
    """``value`` as Jinja prints it, escaped (a whole number needs no escaping: the common
    case, without making a Markup of it)."""
    return str(value) if type(value) is int else str(escape(value))


@functools.lru_cache(maxsize=4096)
def _country_cell(url: Callable[..., str], iso2: str, name: str) -> str:
    """A country's linked name in a title page's table of countries: the same few hundred
    cells on every page, each written once."""
    return f'<th scope="row"><a href="{escape(url("country", iso2=iso2))}">{escape(name)}</a></th>'


def country_rows(table: Iterable[Mapping[str, Any]], url: Callable[..., str]) -> Markup:
    """The rows of a title page's table of countries (up to ~90)."""
    return Markup("".join(
        f'        <tr>{_country_cell(url, c["iso2"], c["name"])}'
        f'<td class="num">{_text(c["weeks"])}</td>'
        f'<td class="num">{_text(c["weeks_at_1"])}</td>'
        f'<td class="num">{"#" + _text(c["best"]) if c.get("best") else "–"}</td></tr>\n'
        for c in table
    ))


def multiples_items(multiples: Iterable[Mapping[str, Any]]) -> Markup:
    """The small maps of a title page, one ``<li>`` a week (up to 60 a page: written here,
    not through Jinja, like :func:`list_table`)."""
    return Markup("".join(
        f'      <li>{m["svg"]}<div class="cap"><strong>{escape(week_label(m["week"]))}'
        f'</strong><span>{_text(m["in_top_10"])} · #1 {_text(m["at_1"])}</span></div></li>\n'
        for m in multiples
    ))


def engagement_rows(rows: Iterable[Mapping[str, Any]], url: Callable[..., str]) -> Markup:
    """The rows of a title page's engagement table, one a half-year (~45 escapes a page
    through Jinja, its most of any table: written here, like :func:`run_rows`)."""
    out = []
    for e in rows:
        period = e.get("period")
        top = e.get("top_10") or {}
        weeks = top.get("weeks")
        share = top.get("share_of_views")
        hours = e.get("hours_viewed")
        out.append(
            f'      <tr><th scope="row"><a href="{escape(url("engagement", period=period))}">'
            f'{_text(period)}</a></th><td class="num" title="{escape(grouped(hours))}">'
            f'{escape(compact(hours))}</td><td class="num">{escape(compact(e.get("views")))}'
            f'</td><td class="num col-opt">{_text(e.get("runtime_text") or "–")}</td>'
            f'<td class="col-opt">{"yes" if e.get("available_globally") else "no"}</td>'
            f'<td class="num">{_text(weeks or "–")}</td>'
            f'<td class="num">{escape(compact(top.get("views"))) if weeks else "–"}</td>'
            f'<td class="num">{f"{int(share * 100)}%" if share is not None else "–"}</td>'
            "</tr>\n"
        )
    return Markup("".join(out))
