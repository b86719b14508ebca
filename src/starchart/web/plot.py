"""The chart-run plot: rank per list week by week, drawn as SVG on the server.

No JavaScript and no plotting library at request time: a title's run is at most a few
hundred points, and hand-placed SVG keeps the page light and readable by screen readers
(each point carries a ``<title>``; the page also has the run as a table).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from html import escape
from typing import Any

from markupsafe import Markup

from starchart.display import week_label

WIDTH = 900
RANK_TOP, RANK_HEIGHT = 18, 190
LEFT, RIGHT = 40, 14
BAR_GAP = 34  # between the rank panel and the countries panel
BAR_HEIGHT = 64
AXIS_HEIGHT = 30


def _week(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def series_key(row: Mapping[str, Any]) -> str:
    """What one line stands for: the list, and the season when a show plots several."""
    season = row.get("season_title")
    return f"{row['category']} · {season}" if season else str(row["category"])


def _ticks(n: int, most: int = 6) -> list[int]:
    if n <= most:
        return list(range(n))
    step = -(-(n - 1) // (most - 1))
    ticks = list(range(0, n, step))
    if n - 1 - ticks[-1] >= step / 2:
        ticks.append(n - 1)
    else:
        ticks[-1] = n - 1
    return ticks


def _segments(points: Sequence[tuple[int, int]]) -> Iterable[list[tuple[int, int]]]:
    """Split a series where weeks are missing, so a gap in the run shows as a gap."""
    segment: list[tuple[int, int]] = []
    for index, rank in points:
        if segment and index != segment[-1][0] + 1:
            yield segment
            segment = []
        segment.append((index, rank))
    if segment:
        yield segment


def run_svg(run: Sequence[Mapping[str, Any]], *, label: str) -> Markup:
    """Rank (1 at the top) per week for each list, plus countries in the Top 10 per week."""
    if not run:
        return Markup('<p class="muted">No weeks in a global Top 10.</p>')
    weeks = sorted({_week(r["week"]) for r in run})
    first, last = weeks[0], weeks[-1]
    n = (last - first).days // 7 + 1
    span = WIDTH - LEFT - RIGHT

    def x(i: int) -> float:
        return LEFT + (span / 2 if n == 1 else i * span / (n - 1))

    def y(rank: int) -> float:
        return RANK_TOP + (rank - 1) * RANK_HEIGHT / 9

    def idx(week: Any) -> int:
        return (_week(week) - first).days // 7

    countries: dict[int, tuple[int, int]] = {}
    for r in run:
        c_in, c_at1 = r.get("countries_in_top_10") or 0, r.get("countries_at_1") or 0
        i = idx(r["week"])
        old = countries.get(i, (0, 0))
        countries[i] = (max(old[0], int(c_in)), max(old[1], int(c_at1)))
    show_bars = any(v[0] for v in countries.values())
    bars_top = RANK_TOP + RANK_HEIGHT + BAR_GAP
    height = (bars_top + BAR_HEIGHT if show_bars else RANK_TOP + RANK_HEIGHT) + AXIS_HEIGHT

    series: dict[str, list[tuple[int, int]]] = {}
    for r in sorted(run, key=lambda r: _week(r["week"])):
        if r.get("weekly_rank") is not None:
            series.setdefault(series_key(r), []).append((idx(r["week"]),
                                                         int(r["weekly_rank"])))
    best = min((rank for pts in series.values() for _, rank in pts), default=None)
    desc = (
        f"{len(series)} list(s), {len(weeks)} week(s) from {week_label(first)} to "
        f"{week_label(last)}; best rank #{best}."
    )
    out = [
        f'<svg class="runplot" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="runplot-t runplot-d" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="runplot-t">{escape(label)}</title><desc id="runplot-d">{escape(desc)}</desc>',
        '<g class="grid">',
    ]
    for rank in (1, 3, 5, 7, 10):
        out.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(rank):.1f}" y2="{y(rank):.1f}"/>'
            f'<text x="{LEFT - 8}" y="{y(rank) + 4:.1f}" text-anchor="end">#{rank}</text>'
        )
    out.append("</g>")
    for number, (key, points) in enumerate(series.items()):
        cls = f"series s{number % 6}"
        out.append(f'<g class="{cls}" data-series="{escape(key)}">')
        for segment in _segments(points):
            if len(segment) > 1:
                coords = " ".join(f"{x(i):.1f},{y(r):.1f}" for i, r in segment)
                out.append(f'<polyline points="{coords}"/>')
        for i, rank in points:
            week = first + dt.timedelta(weeks=i)
            out.append(
                f'<circle cx="{x(i):.1f}" cy="{y(rank):.1f}" r="{4 if n < 30 else 2.5}">'
                f"<title>{escape(week_label(week))} · {escape(key)} · #{rank}</title></circle>"
            )
        out.append("</g>")
    if show_bars:
        top = max(v[0] for v in countries.values())
        width = max(1.5, min(18.0, span / n * 0.7))
        out.append(
            f'<g class="bars"><text x="{LEFT}" y="{bars_top - 10}">Countries in the Top 10 '
            f"(max {top}); bright red: at #1</text>"
        )
        for i, (c_in, c_at1) in sorted(countries.items()):
            h_in = BAR_HEIGHT * c_in / top
            h_at1 = BAR_HEIGHT * c_at1 / top
            base = bars_top + BAR_HEIGHT
            week = first + dt.timedelta(weeks=i)
            tip = f"{week_label(week)}: Top 10 in {c_in}, #1 in {c_at1}"
            out.append(
                f'<rect class="in" x="{x(i) - width / 2:.1f}" y="{base - h_in:.1f}" '
                f'width="{width:.1f}" height="{h_in:.1f}"><title>{escape(tip)}</title></rect>'
            )
            if c_at1:
                out.append(
                    f'<rect class="at1" x="{x(i) - width / 2:.1f}" y="{base - h_at1:.1f}" '
                    f'width="{width:.1f}" height="{h_at1:.1f}"/>'
                )
        out.append("</g>")
    axis_y = height - AXIS_HEIGHT + 18
    out.append('<g class="axis">')
    for i in _ticks(n):
        week = first + dt.timedelta(weeks=i)
        anchor = "start" if i == 0 and n > 1 else "end" if i == n - 1 and n > 1 else "middle"
        out.append(
            f'<text x="{x(i):.1f}" y="{axis_y}" text-anchor="{anchor}">'
            f"{escape(week_label(week))}</text>"
        )
    out.append("</g></svg>")
    return Markup("".join(out))


def legend(run: Sequence[Mapping[str, Any]]) -> list[tuple[str, str]]:
    """(CSS class, series name) pairs in the order the plot draws them."""
    keys: list[str] = []
    for r in sorted(run, key=lambda r: _week(r["week"])):
        if r.get("weekly_rank") is None:
            continue
        key = series_key(r)
        if key not in keys:
            keys.append(key)
    return [(f"s{n % 6}", k) for n, k in enumerate(keys)]
