"""The chart-run plot: rank per list week by week, drawn as SVG on the server.

No JavaScript and no plotting library at request time: a title's run is at most a few
hundred points, and hand-placed SVG keeps the page light and readable by screen readers
(each point carries a ``<title>``; the page also has the run as a table).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from markupsafe import Markup

from starchart.display import plural, week_label

WIDTH = 900
RANK_TOP, RANK_HEIGHT = 18, 190
LEFT, RIGHT = 40, 14
BAR_GAP = 34  # between the rank panel and the countries panel
BAR_HEIGHT = 64
AXIS_HEIGHT = 30
NARROW_WIDTH = 380  # the phone drawing: its 13 px text stays ~12 px on a 390 px screen
BREAK_AFTER = 8  # a gap of more weeks than this off every list is collapsed into a break
BREAK_SLOTS = 2  # a break's width, in weeks drawn
LABEL_PX = 76  # a week label ("16 Mar 2025") at 13 px


@functools.lru_cache(maxsize=8192)
def _week(value: Any) -> dt.date:
    """A run row's week as a date (parsed once: a page's plots, key and note ask again for
    each row)."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def series_key(row: Mapping[str, Any]) -> str:
    """What one line stands for: the list, and the season when a show plots several."""
    season = row.get("season_title")
    return f"{row['category']} · {season}" if season else str(row["category"])


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


@dataclass(frozen=True)
class Axis:
    """Where each week of a run goes: runs of weeks (``spans``, first and last week index)
    laid side by side, a gap longer than ``BREAK_AFTER`` weeks collapsed into a marked break
    ``BREAK_SLOTS`` weeks wide, so a 19-week run three years before a re-run is not squeezed
    into a corner of a multi-year axis."""

    spans: tuple[tuple[int, int], ...]
    slots: int  # the axis's length, in weeks drawn

    @classmethod
    def of(cls, indexes: Iterable[int]) -> Axis:
        spans: list[tuple[int, int]] = []
        for i in sorted(set(indexes)):
            if spans and i - spans[-1][1] - 1 <= BREAK_AFTER:
                spans[-1] = (spans[-1][0], i)
            else:
                spans.append((i, i))
        drawn = sum(last - first + 1 for first, last in spans)
        return cls(tuple(spans), drawn + BREAK_SLOTS * (len(spans) - 1))

    def slot(self, index: int) -> float:
        """The position of week ``index`` along the axis, in weeks drawn."""
        offset = 0
        for first, last in self.spans:
            if first <= index <= last:
                return offset + index - first
            offset += last - first + 1 + BREAK_SLOTS
        raise ValueError(f"week {index} is in a break")

    def breaks(self) -> list[tuple[float, int]]:
        """(centre in weeks drawn, weeks left out) of each break."""
        out = []
        for (_, last), (first, _) in zip(self.spans, self.spans[1:], strict=False):
            centre = self.slot(last) + (BREAK_SLOTS + 1) / 2
            out.append((centre, first - last - 1))
        return out


def _gap_words(weeks: int) -> str:
    if weeks < 104:
        return f"{weeks} weeks later"
    return f"{weeks / 52.18:.1f} years later".replace(".0 ", " ")


def run_svg(
    run: Sequence[Mapping[str, Any]], *, label: str, width: int = WIDTH, narrow: bool = False,
    labels: dict[int, str] | None = None,
) -> Markup:
    """Rank (1 at the top) per week for each list, plus countries in the Top 10 per week.

    ``width`` is the drawing's own width: 900 for a desktop, ~380 (``narrow``) for a phone,
    where the same text stays readable without the drawing scrolling sideways. ``labels``
    (week index -> escaped label) is shared by the drawings of one run, written once.
    """
    if not run:
        return Markup('<p class="muted">No weeks in a global Top 10.</p>')
    weeks = sorted({_week(r["week"]) for r in run})
    first, last = weeks[0], weeks[-1]
    left = LEFT if not narrow else 30

    def idx(week: Any) -> int:
        return (_week(week) - first).days // 7

    axis = Axis.of(idx(w) for w in weeks)
    n = axis.slots
    span = width - left - RIGHT
    step = span / (n - 1) if n > 1 else 0.0

    def xs(slot: float) -> float:
        return left + (span / 2 if n == 1 else slot * step)

    placed: dict[int, float] = {}  # each week's position, found once (a hit: 100+ asks)
    placed_text: dict[int, str] = {}  # ... and written once (float formatting is not free)
    if labels is None:
        labels = {}  # each week's label, escaped

    def x(i: int) -> float:
        found = placed.get(i)
        if found is None:
            found = placed[i] = xs(axis.slot(i))
        return found

    def x_text(i: int) -> str:
        found = placed_text.get(i)
        if found is None:
            found = placed_text[i] = f"{x(i):.1f}"
        return found

    def label_of(i: int) -> str:
        found = labels.get(i)
        if found is None:
            found = labels[i] = _label(first + dt.timedelta(weeks=i))
        return found

    placed_rows = sorted(((idx(r["week"]), r) for r in run), key=lambda p: p[0])
    countries: dict[int, tuple[int, int]] = {}
    for i, r in placed_rows:
        c_in, c_at1 = r.get("countries_in_top_10") or 0, r.get("countries_at_1") or 0
        old = countries.get(i, (0, 0))
        countries[i] = (max(old[0], int(c_in)), max(old[1], int(c_at1)))
    show_bars = any(v[0] for v in countries.values())
    bars_top = RANK_TOP + RANK_HEIGHT + BAR_GAP
    height = (bars_top + BAR_HEIGHT if show_bars else RANK_TOP + RANK_HEIGHT) + AXIS_HEIGHT

    series: dict[str, list[tuple[int, int]]] = {}
    for i, r in placed_rows:
        if r.get("weekly_rank") is not None:
            series.setdefault(series_key(r), []).append((i, int(r["weekly_rank"])))
    best = min((rank for pts in series.values() for _, rank in pts), default=None)
    gaps = axis.breaks()
    gap_text = (
        f" The axis leaves out {len(gaps)} stretch(es) of weeks off every list "
        f"({', '.join(_gap_words(g) for _, g in gaps)})."
        if gaps
        else ""
    )
    desc = (
        f"{len(series)} list(s), {len(weeks)} week(s) from {week_label(first)} to "
        f"{week_label(last)}; best rank #{best}.{gap_text}"
    )
    ident = f"runplot-{width}"
    kind = "runplot runplot-narrow" if narrow else "runplot"
    out = [
        f'<svg class="{kind}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{ident}-t {ident}-d" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{ident}-t">{escape(label)}</title>'
        f'<desc id="{ident}-d">{escape(desc)}</desc>',
        '<g class="grid">',
    ]
    for rank in (1, 3, 5, 7, 10):
        out.append(
            f'<line x1="{left}" x2="{width - RIGHT}" y1="{_y(rank):.1f}" y2="{_y(rank):.1f}"/>'
            f'<text x="{left - 6}" y="{_y(rank) + 4:.1f}" text-anchor="end">#{rank}</text>'
        )
    out.append("</g>")
    bottom = height - AXIS_HEIGHT
    for centre, left_out in gaps:
        cx = xs(centre)
        band = max(6.0, step * (BREAK_SLOTS - 0.6))
        tip = f"{_gap_words(left_out)}: {left_out} weeks off every list left out"
        out.append(
            f'<g class="axis-break"><title>{escape(tip)}</title>'
            f'<rect x="{cx - band / 2:.1f}" y="{RANK_TOP - 10}" width="{band:.1f}" '
            f'height="{bottom - RANK_TOP + 14:.1f}"/>'
            f'<path d="M{cx - 5:.1f},{bottom + 8:.1f} l4,-10 M{cx + 1:.1f},{bottom + 8:.1f} '
            f'l4,-10"/></g>'
        )
    for number, (key, points) in enumerate(series.items()):
        cls = f"series s{number % 6}"
        said = escape(key)
        out.append(f'<g class="{cls}" data-series="{said}">')
        for segment in _segments(points):
            if len(segment) > 1:
                coords = " ".join(f"{x_text(i)},{_y_text(r)}" for i, r in segment)
                out.append(f'<polyline points="{coords}"/>')
        radius = 4 if step > 10 else 2.5
        for i, rank in points:
            out.append(
                f'<circle cx="{x_text(i)}" cy="{_y_text(rank)}" r="{radius}">'
                f"<title>{label_of(i)} · {said} · #{rank}</title></circle>"
            )
        out.append("</g>")
    if show_bars:
        top = max(v[0] for v in countries.values())
        bar = max(1.5, min(18.0, (step or span) * 0.7))
        words = "Countries in the Top 10" if narrow else "Countries in the Top 10 "
        out.append(
            f'<g class="bars"><text x="{left}" y="{bars_top - 10}">{words}'
            f"(max {top}){'' if narrow else '; bright red: at #1'}</text>"
        )
        base = bars_top + BAR_HEIGHT
        bar_text = f"{bar:.1f}"
        for i, (c_in, c_at1) in sorted(countries.items()):
            h_in = BAR_HEIGHT * c_in / top
            at = f"{x(i) - bar / 2:.1f}"
            # the label as escaped once per week; the counts are whole numbers
            tip = f"{label_of(i)}: Top 10 in {c_in}, #1 in {c_at1}"
            out.append(
                f'<rect class="in" x="{at}" y="{base - h_in:.1f}" '
                f'width="{bar_text}" height="{h_in:.1f}"><title>{tip}</title></rect>'
            )
            if c_at1:
                h_at1 = BAR_HEIGHT * c_at1 / top
                out.append(
                    f'<rect class="at1" x="{at}" y="{base - h_at1:.1f}" '
                    f'width="{bar_text}" height="{h_at1:.1f}"/>'
                )
        out.append("</g>")
    axis_y = height - AXIS_HEIGHT + 18
    out.append('<g class="axis">')
    for i, anchor in _tick_weeks(axis, xs, left, width - RIGHT):
        out.append(
            f'<text x="{x_text(i)}" y="{axis_y}" text-anchor="{anchor}">{label_of(i)}</text>'
        )
    out.append("</g></svg>")
    return Markup("".join(out))


def _y(rank: int) -> float:
    """The height of ``rank`` on the rank panel."""
    return RANK_TOP + (rank - 1) * RANK_HEIGHT / 9


_Y_TEXT = {rank: f"{_y(rank):.1f}" for rank in range(1, 11)}  # a global list's ranks


def _y_text(rank: int) -> str:
    return _Y_TEXT.get(rank) or f"{_y(rank):.1f}"


@functools.lru_cache(maxsize=8192)
def _label(week: dt.date) -> str:
    """A week's label, escaped for the drawing (a long run's plots repeat hundreds)."""
    return escape(week_label(week))


def _tick_weeks(
    axis: Axis, xs: Any, low: float, high: float, most: int = 6
) -> list[tuple[int, str]]:
    """The weeks to label: each run's first week, then its last, then weeks between, as
    many as fit without two labels overlapping (a label is ~LABEL_PX wide)."""
    wanted: list[int] = [first for first, _ in axis.spans]
    wanted += [last for first, last in axis.spans if last != first]
    for first, last in axis.spans:
        inner = last - first
        if inner > 2:
            parts = min(most - 1, inner)
            wanted += [first + round(inner * k / parts) for k in range(1, parts)]
    placed: list[tuple[float, float, int, str]] = []
    for i in dict.fromkeys(wanted):
        centre = xs(axis.slot(i))
        anchor = "middle"
        lo, hi = centre - LABEL_PX / 2, centre + LABEL_PX / 2
        if lo < low - 30:
            anchor, lo, hi = "start", centre, centre + LABEL_PX
        elif hi > high:
            anchor, lo, hi = "end", centre - LABEL_PX, centre
        if any(lo < p_hi + 8 and hi > p_lo - 8 for p_lo, p_hi, _, _ in placed):
            continue
        placed.append((lo, hi, i, anchor))
        if len(placed) >= most:
            break
    return [(i, anchor) for _, _, i, anchor in sorted(placed)]


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


def run_figure(run: Sequence[Mapping[str, Any]], *, label: str) -> Markup:
    """The run drawn twice: 900 wide for a desktop, 380 wide for a phone; the stylesheet
    shows one (a phone gets a drawing that fits its width, nothing scrolling sideways)."""
    if not run:
        return run_svg(run, label=label)
    labels: dict[int, str] = {}
    return run_svg(run, label=label, labels=labels) + run_svg(
        run, label=label, width=NARROW_WIDTH, narrow=True, labels=labels)


def gap_note(run: Sequence[Mapping[str, Any]]) -> str | None:
    """The words under a plot whose axis has breaks, or None."""
    weeks = sorted({_week(r["week"]) for r in run})
    if not weeks:
        return None
    gaps = Axis.of((w - weeks[0]).days // 7 for w in weeks).breaks()
    if not gaps:
        return None
    said = ", ".join(_gap_words(g) for _, g in gaps)
    stretches = plural(len(gaps), "stretch", "stretches")
    return (
        f"The axis skips {stretches} of more than {BREAK_AFTER} weeks "
        f"off every list (shaded, marked //: {said}), so each run gets its own width."
    )
