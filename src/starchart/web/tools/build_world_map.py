"""Convert Natural Earth TopoJSON (npm ``world-atlas``) into starchart's compact world map.

Run once, commit the output (``src/starchart/web/static/world-110m.json``)::

    cd "$(mktemp -d)" && npm pack world-atlas && tar xzf world-atlas-*.tgz
    python -m starchart.web.tools.build_world_map package/ src/starchart/web/static/world-110m.json

Why a pre-projected file: the site draws maps server-side as SVG, so the geometry is stored
as ready SVG path data (Natural Earth projection, a 960-wide view box) keyed by ISO 3166-1
alpha-2. Countries with no polygon at 1:110m (Singapore, Bahrain, Malta, Hong Kong...) or a
polygon too small to see get a dot, placed at the centroid of their 1:50m polygon (or, for
the French overseas departments Natural Earth folds into France, at a stated coordinate).
Antarctica is left out: no list, and it would take a fifth of the map.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

import pycountry

from starchart.countries import NETFLIX_COUNTRIES

WIDTH = 960.0
SMALL_AREA = 6.0  # px^2 in the view box: below this a polygon also gets a dot
# Natural Earth folds these into France; approximate centroids (lon, lat).
OVERSEAS_POINTS: dict[str, tuple[float, float]] = {
    "GP": (-61.55, 16.20),
    "MQ": (-61.02, 14.64),
    "RE": (55.53, -21.13),
}
SOURCE_NOTE = (
    "Natural Earth 1:110m Admin 0 countries (public domain, naturalearthdata.com) via the "
    "npm package world-atlas 2.0.2 (TopoJSON by Mike Bostock, ISC); dots from 1:50m. "
    "Projected with the Natural Earth projection by starchart.web.tools.build_world_map."
)

Ring = list[tuple[float, float]]


def natural_earth(lon: float, lat: float) -> tuple[float, float]:
    """The Natural Earth I projection (Šavrič et al. 2015), same polynomial as d3-geo."""
    lam, phi = math.radians(lon), math.radians(lat)
    p2 = phi * phi
    p4 = p2 * p2
    x = lam * (0.8707 - 0.131979 * p2 + p4 * (-0.013791 + p4 * (0.003971 * p2 - 0.001529 * p4)))
    y = phi * (1.007226 + p2 * (0.015085 + p4 * (-0.044475 + 0.028874 * p2 - 0.005916 * p4)))
    return x, y


# Scale so that longitude -180..180 spans the width; latitude bounds give the height.
_XMAX, _ = natural_earth(180.0, 0.0)
SCALE = WIDTH / (2 * _XMAX)
_, _YTOP = natural_earth(0.0, 84.0)
_, _YBOTTOM = natural_earth(0.0, -60.0)
HEIGHT = round((_YTOP - _YBOTTOM) * SCALE, 1)


def project(lon: float, lat: float) -> tuple[float, float]:
    """Longitude/latitude to view-box pixels (origin top left)."""
    x, y = natural_earth(lon, lat)
    return round(x * SCALE + WIDTH / 2, 1), round((_YTOP - y) * SCALE, 1)


def decode_arcs(topo: dict[str, Any]) -> list[Ring]:
    """Delta-decode quantized TopoJSON arcs to longitude/latitude points."""
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs: list[Ring] = []
    for arc in topo["arcs"]:
        x = y = 0
        points: Ring = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring_points(arc_ids: list[int], arcs: list[Ring]) -> Ring:
    """Stitch a ring from arc indices (``~i`` means arc ``i`` reversed)."""
    points: Ring = []
    for index in arc_ids:
        arc = arcs[~index][::-1] if index < 0 else arcs[index]
        points.extend(arc if not points else arc[1:])
    return points


def polygons(geometry: dict[str, Any], arcs: list[Ring]) -> list[list[Ring]]:
    """A geometry's polygons, each a list of rings in longitude/latitude, cut at the
    antimeridian (TopoJSON leaves that to a spherical renderer; a flat map needs it done)."""
    if geometry["type"] == "Polygon":
        parts = [geometry["arcs"]]
    elif geometry["type"] == "MultiPolygon":
        parts = geometry["arcs"]
    else:
        return []
    out: list[list[Ring]] = []
    for poly in parts:
        rings = [ring_points(ring, arcs) for ring in poly]
        pieces = split_antimeridian(rings[0])
        if len(pieces) == 1:
            out.append(rings)
        else:  # holes of a cut polygon are dropped (none exist at these scales)
            out.extend([piece] for piece in pieces)
    return out


def _clip(ring: Ring, cut: float, keep_west: bool) -> Ring:
    """Sutherland-Hodgman clip of a ring against the meridian ``lon = cut``."""

    def inside(p: tuple[float, float]) -> bool:
        return p[0] <= cut if keep_west else p[0] >= cut

    out: Ring = []
    for i, cur in enumerate(ring):
        prev = ring[i - 1]
        if inside(cur):
            if not inside(prev):
                t = (cut - prev[0]) / (cur[0] - prev[0])
                out.append((cut, prev[1] + t * (cur[1] - prev[1])))
            out.append(cur)
        elif inside(prev):
            t = (cut - prev[0]) / (cur[0] - prev[0])
            out.append((cut, prev[1] + t * (cur[1] - prev[1])))
    return out


def split_antimeridian(ring: Ring) -> list[Ring]:
    """A ring jumping between +180 and -180 made continuous, then cut into its two sides."""
    if all(abs(a[0] - b[0]) <= 180 for a, b in zip(ring, ring[1:], strict=False)):
        return [ring]
    unwrapped: Ring = [ring[0]]
    for lon, lat in ring[1:]:
        prev = unwrapped[-1][0]
        while lon - prev > 180:
            lon -= 360
        while lon - prev < -180:
            lon += 360
        unwrapped.append((lon, lat))
    lons = [p[0] for p in unwrapped]
    cut = 180.0 if max(lons) > 180 else -180.0
    west = _clip(unwrapped, cut, keep_west=True)
    east = _clip(unwrapped, cut, keep_west=False)
    shift = -360.0 if cut > 0 else 360.0
    pieces = [west, east] if cut > 0 else [east, west]
    fixed = [
        [(lon + shift, lat) for lon, lat in piece] if i == 1 else piece
        for i, piece in enumerate(pieces)
    ]
    return [p for p in fixed if len(p) >= 3]


def area_and_centroid(ring: Ring) -> tuple[float, tuple[float, float]]:
    """Shoelace area (absolute) and centroid of a projected ring."""
    a = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x0 * y1 - x1 * y0
        a += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(a) < 1e-9:
        xs, ys = zip(*ring, strict=True)
        return 0.0, (sum(xs) / len(xs), sum(ys) / len(ys))
    return abs(a) / 2, (cx / (3 * a), cy / (3 * a))


def path_data(rings: list[Ring]) -> str:
    """Compact SVG path data: absolute first point, then relative moves, one decimal."""
    out: list[str] = []
    for ring in rings:
        pts = [project(lon, lat) for lon, lat in ring]
        cleaned = [pts[0]]
        for p in pts[1:]:
            if p != cleaned[-1]:
                cleaned.append(p)
        if len(cleaned) < 3:
            continue
        x0, y0 = cleaned[0]
        parts = [f"M{x0:g} {y0:g}"]
        rel: list[str] = []
        px, py = x0, y0
        for x, y in cleaned[1:]:
            rel.append(f"{round(x - px, 1):g} {round(y - py, 1):g}")
            px, py = x, y
        parts.append("l" + " ".join(rel) + "z")
        out.append("".join(parts))
    return "".join(out)


def iso2(numeric: str | None) -> str | None:
    """ISO 3166-1 numeric id -> alpha-2 (None for Natural Earth's unassigned areas)."""
    if numeric is None:
        return None
    found = pycountry.countries.get(numeric=numeric)
    return found.alpha_2 if found else None


def largest_centroid(polys: list[list[Ring]]) -> tuple[float, tuple[float, float]]:
    """Total projected area and the centroid of the largest outer ring."""
    best: tuple[float, tuple[float, float]] = (-1.0, (0.0, 0.0))
    total = 0.0
    for poly in polys:
        projected = [project(lon, lat) for lon, lat in poly[0]]
        area, centre = area_and_centroid(projected)
        total += area
        if area > best[0]:
            best = (area, centre)
    return total, best[1]


def build(atlas_dir: Path) -> dict[str, Any]:
    """The map document: countries (path, name, optional dot) and unassigned land."""
    topo110 = json.loads((atlas_dir / "countries-110m.json").read_text())
    topo50 = json.loads((atlas_dir / "countries-50m.json").read_text())
    arcs110, arcs50 = decode_arcs(topo110), decode_arcs(topo50)
    countries: dict[str, dict[str, Any]] = {}
    other: list[str] = []
    for geom in topo110["objects"]["countries"]["geometries"]:
        code = iso2(geom.get("id"))
        if code == "AQ":
            continue
        polys = polygons(geom, arcs110)
        if code is None:
            other.append(path_data([r for p in polys for r in p]))
            continue
        if code == "FR":  # French Guiana has its own ISO code; Natural Earth folds it in.
            guiana = [p for p in polys if p[0][0][0] < -30]
            polys = [p for p in polys if p[0][0][0] >= -30]
            countries["GF"] = {"name": "French Guiana", "d": path_data(guiana[0])}
        area, centre = largest_centroid(polys)
        entry: dict[str, Any] = {"name": _name(code), "d": path_data([r for p in polys for r in p])}
        if area < SMALL_AREA:
            entry["dot"] = [round(centre[0], 1), round(centre[1], 1)]
        countries[code] = entry
    for geom in topo50["objects"]["countries"]["geometries"]:
        code = iso2(geom.get("id"))
        if code in NETFLIX_COUNTRIES and code not in countries:
            _, centre = largest_centroid(polygons(geom, arcs50))
            countries[code] = {"name": _name(code), "d": "", "dot": [round(c, 1) for c in centre]}
    for code, (lon, lat) in OVERSEAS_POINTS.items():
        if code not in countries:
            countries[code] = {"name": _name(code), "d": "", "dot": list(project(lon, lat))}
    missing = sorted(set(NETFLIX_COUNTRIES) - set(countries))
    if missing:
        raise SystemExit(f"no geometry for countries with lists: {missing}")
    return {
        "source": SOURCE_NOTE,
        "license": "Public domain (Natural Earth); TopoJSON packaging ISC (world-atlas)",
        "projection": "Natural Earth I",
        "width": WIDTH,
        "height": HEIGHT,
        "countries": dict(sorted(countries.items())),
        "other": [d for d in other if d],
    }


def _name(code: str) -> str:
    if code in NETFLIX_COUNTRIES:
        return NETFLIX_COUNTRIES[code]
    found = pycountry.countries.get(alpha_2=code)
    return str(getattr(found, "common_name", None) or getattr(found, "name", code))


def main(argv: list[str] | None = None) -> None:
    """``build_world_map ATLAS_DIR OUT.json``."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        raise SystemExit("usage: python -m starchart.web.tools.build_world_map ATLAS_DIR OUT.json")
    doc = build(Path(args[0]))
    Path(args[1]).write_text(json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n")
    dots = sorted(c for c, e in doc["countries"].items() if "dot" in e)
    print(f"wrote {args[1]}: {len(doc['countries'])} countries, dots for {', '.join(dots)}")


if __name__ == "__main__":
    main()
