"""Display rounding for the site: pure functions used as Jinja filters.

The JSON twins carry values as stored; only the HTML rounds, so these live apart from the
data functions.
"""

from __future__ import annotations

import datetime as dt
import math

from starchart.published.slugs import title_name  # noqa: F401  (templates use it)

_UNITS = ((1e3, "K"), (1e6, "M"), (1e9, "B"))


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def compact(value: float | None) -> str:
    """1,234,567 -> ``1.2M``; 7,000,000 -> ``7.0M``; 980 -> ``980``; missing -> ``–``."""
    if value is None or _missing(value):
        return "–"
    number = float(value)
    if abs(number) < 999.5:
        return f"{number:,.0f}"
    for size, suffix in _UNITS:
        scaled = number / size
        # the smallest unit that keeps the figure under 1000 (999,950 is 1.0M, not 1000.0K)
        if round(abs(scaled), 1) < 1000 or suffix == "B":
            return f"{scaled:.1f}{suffix}"
    return f"{number:,.0f}"


def grouped(value: float | None) -> str:
    """Full number with thousands separators, for titles and tooltips."""
    if value is None or _missing(value):
        return "–"
    return f"{float(value):,.0f}"


def runtime_hm(hours: float | None) -> str:
    """Runtime in hours -> ``h:mm`` (1.8167 -> ``1:49``); missing or 0 -> ``–``."""
    if hours is None or _missing(hours) or hours <= 0:
        return "–"
    minutes = int(math.floor(hours * 60 + 0.5))
    return f"{minutes // 60}:{minutes % 60:02d}"


def week_label(week: str | dt.date | None) -> str:
    """``2025-03-30`` -> ``30 Mar 2025`` (the week is named by its Sunday)."""
    if week is None:
        return ""
    day = week if isinstance(week, dt.date) else dt.date.fromisoformat(str(week)[:10])
    return f"{day.day} {day.strftime('%b %Y')}"


def week_span(week: str | dt.date | None) -> str:
    """``2025-03-30`` -> ``24–30 Mar 2025``: the Monday-to-Sunday span a week covers."""
    if week is None:
        return ""
    end = week if isinstance(week, dt.date) else dt.date.fromisoformat(str(week)[:10])
    start = end - dt.timedelta(days=6)
    if start.month == end.month:
        return f"{start.day}–{end.day} {end.strftime('%b %Y')}"
    if start.year == end.year:
        return f"{start.day} {start.strftime('%b')} – {end.day} {end.strftime('%b %Y')}"
    return f"{start.day} {start.strftime('%b %Y')} – {end.day} {end.strftime('%b %Y')}"


def change_text(change: str | None, previous_rank: int | None) -> str:
    """Screen-reader-friendly words for the change column."""
    if change == "new":
        return "New this week"
    if change == "up":
        return f"Up from #{previous_rank}" if previous_rank else "Up"
    if change == "down":
        return f"Down from #{previous_rank}" if previous_rank else "Down"
    if change == "same":
        return "Same as last week"
    return "No data for the previous week"


def plural(count: int | None, word: str, many: str | None = None) -> str:
    """``1 week``, ``3 weeks``."""
    n = count or 0
    return f"{n:,} {word if n == 1 else (many or word + 's')}"
