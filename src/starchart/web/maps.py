"""World maps as server-rendered SVG, from the committed Natural Earth geometry.

The geometry is drawn once into an SVG sprite (``/static/world.svg``, cacheable); each map
on a page is a light ``<svg>`` of ``<use>`` references shaded by CSS class, so a title page
with a dozen per-week small multiples stays small and renders without JavaScript.
Countries too small to see at 1:110m get a dot drawn on top.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from pathlib import Path

from markupsafe import Markup

GEOMETRY_FILE = Path(__file__).parent / "static" / "world-110m.json"
SPRITE_URL = "/static/world.svg"

#: status -> words for tooltips and the legend (CSS classes are ``st-<status>``).
STATUS_WORDS: dict[str, str] = {
    "at1": "#1",
    "top10": "in the Top 10",
    "list": "not in the Top 10",
    "nodata": "no country lists for these weeks",
    "none": "no Top 10 list",
}


@dataclass(frozen=True)
class Country:
    """One country's drawing: SVG path data (may be empty) and an optional dot position."""

    iso2: str
    name: str
    d: str
    dot: tuple[float, float] | None


@dataclass(frozen=True)
class World:
    """The whole map: view box size, countries by ISO alpha-2, unassigned land paths."""

    width: float
    height: float
    countries: dict[str, Country]
    other: tuple[str, ...]
    source: str


@lru_cache(maxsize=1)
def world() -> World:
    """Load the committed geometry once per process."""
    doc = json.loads(GEOMETRY_FILE.read_text(encoding="utf-8"))
    countries = {
        code: Country(code, c["name"], c["d"], tuple(c["dot"]) if "dot" in c else None)  # type: ignore[arg-type]
        for code, c in doc["countries"].items()
    }
    return World(doc["width"], doc["height"], countries, tuple(doc["other"]), doc["source"])


@lru_cache(maxsize=1)
def sprite_svg() -> str:
    """The geometry as one standalone SVG: ``#geo-all`` is every land area, ``#geo-XX`` one
    country, so a map can draw the world in one ``<use>`` and shade countries on top."""
    w = world()
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w.width:g} {w.height:g}">',
        f"<!-- {escape(w.source)} -->",
        '<g id="geo-all">',
        *(f'<path d="{d}"/>' for d in w.other),
        *(f'<path id="geo-{c.iso2}" d="{c.d}"/>' for c in w.countries.values() if c.d),
        "</g></svg>",
    ]
    return "\n".join(parts)


def map_svg(
    statuses: Mapping[str, str],
    *,
    label: str,
    map_id: str | None = None,
    small: bool = False,
    details: Mapping[str, str] | None = None,
) -> Markup:
    """One map: the world in grey, then each country in ``statuses`` shaded by its status.

    ``statuses`` maps ISO alpha-2 to a key of STATUS_WORDS (countries with lists should be
    given, as "list" when the title was not there); ``details`` replaces a country's tooltip
    words (e.g. "#1 for 3 weeks"). ``small`` draws a small multiple: no tooltips, no
    ``data-iso2`` (the slider re-shades only the full-size map), shapes grouped by status,
    dots enlarged. Countries too small to see get a dot.
    """
    w = world()
    id_attr = f' id="{escape(map_id)}"' if map_id else ""
    cls = "worldmap small" if small else "worldmap"
    out = [
        f'<svg class="{cls}"{id_attr} viewBox="0 0 {w.width:g} {w.height:g}" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">',
        f'<use href="{SPRITE_URL}#geo-all" class="st-none"/>',
    ]
    if small:  # no tooltips: the same shading recurs week after week, title after title
        out.append(_small_countries(sorted(statuses.items())))
    else:
        out.append(_countries(sorted(statuses.items()), details or {}))
    out.append("</svg>")
    return Markup("".join(out))


def small_map(top10: Sequence[str], at1: Sequence[str], *, label: str) -> Markup:
    """A small multiple of one week (as :func:`map_svg` with ``small``): ``top10`` the
    countries with the title in their Top 10, ``at1`` those with it at #1, each sorted
    (the slider's data, sorted anyway: a week's shading is found from them directly)."""
    w = world()
    return Markup(
        f'<svg class="worldmap small" viewBox="0 0 {w.width:g} {w.height:g}" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">'
        f'<use href="{SPRITE_URL}#geo-all" class="st-none"/>'
        f"{_small_shading(tuple(top10), tuple(at1))}</svg>"
    )


@lru_cache(maxsize=1024)  # ~2-3 KB each
def _small_shading(top10: tuple[str, ...], at1: tuple[str, ...]) -> str:
    """A week's small map countries, written once per distinct shading (a run's weeks
    often share one: the 24 weekly maps of a hit at #1 everywhere)."""
    statuses = {code: "top10" for code in top10}
    statuses.update((code, "at1") for code in at1)
    return _small_countries(tuple(sorted(statuses.items())))


def _countries(statuses: Iterable[tuple[str, str]], said: Mapping[str, str]) -> str:
    """The shaded countries of a (full-size) map, then the dots drawn over them."""
    shapes: list[str] = []
    dots: list[str] = []
    for iso2, status in statuses:
        words = said.get(iso2) or STATUS_WORDS.get(status, status)
        shape, dot = _country(iso2, status, words)
        if shape:
            shapes.append(shape)
        if dot:
            dots.append(dot)
    return "".join(shapes) + "".join(dots)


def _small_countries(statuses: Iterable[tuple[str, str]]) -> str:
    """A small map's countries (``statuses`` sorted by country).

    Shapes are grouped by status, one ``<g class="st-...">`` each, the ``<use>``s inheriting
    its fill: a hit's small maps (up to 60 of ~90 countries) were about half its page, and a
    class and ``data-iso2`` on each shape ~40% of those bytes (only the spread map is
    re-shaded by the slider, so only it needs ``data-iso2``). Countries do not overlap, so
    grouping moves nothing; only where neighbours of two statuses touch, which is drawn last
    (a border pixel's anti-aliased shade) may change. The dots go on top, in the same order
    as before."""
    shapes: dict[str, list[str]] = {}
    dots: list[str] = []
    parts = _small_parts()
    for iso2, status in statuses:
        part = parts.get(iso2)
        if part is None:
            continue
        shape, dot = part
        if shape:
            shapes.setdefault(status, []).append(shape)
        if dot:
            dots.append(f'<circle class="dot st-{status}" {dot}/>')
    groups = "".join(f'<g class="st-{status}">{"".join(uses)}</g>'
                     for status, uses in shapes.items())
    return groups + "".join(dots)


@lru_cache(maxsize=1)
def _small_parts() -> dict[str, tuple[str, str]]:
    """Each country's ``<use>`` and dot position on a small map (either may be empty),
    written once per process."""
    out = {}
    for code, country in world().countries.items():
        shape = f'<use href="{SPRITE_URL}#geo-{code}"/>' if country.d else ""
        dot = ""
        if country.dot:
            x, y = country.dot
            dot = f'cx="{x:g}" cy="{y:g}" r="7"'
        out[code] = (shape, dot)
    return out


@lru_cache(maxsize=8192)
def _country(iso2: str, status: str, words: str) -> tuple[str, str]:
    """One country's shape and dot on a map (either may be empty): the same few thousand
    fragments recur on every page, so each is written once."""
    country = world().countries.get(iso2)
    if country is None:
        return "", ""
    tip = f"<title>{escape(country.name)}: {escape(words)}</title>"
    data = f' data-iso2="{iso2}"'
    shape = ""
    if country.d:
        shape = f'<use href="{SPRITE_URL}#geo-{iso2}" class="st-{status}"{data}>{tip}</use>'
    dot = ""
    if country.dot:
        x, y = country.dot
        dot = (f'<circle class="dot st-{status}"{data} cx="{x:g}" cy="{y:g}" r="3.5">'
               f"{tip}</circle>")
    return shape, dot


def legend() -> Markup:
    """The colour key shared by every map on a page."""
    items = "".join(
        f'<li><svg viewBox="0 0 10 10" aria-hidden="true" focusable="false">'
        f'<rect class="st-{key}" width="10" height="10" rx="2"/></svg>{escape(words)}</li>'
        for key, words in STATUS_WORDS.items()
    )
    return Markup(f'<ul class="legend">{items}</ul>')
