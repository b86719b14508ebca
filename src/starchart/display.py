"""How starchart writes figures, runtimes, weeks and moves: in the files it exports, in the
CLI's tables and on the site's pages. The one home of formatting.

Pure functions, no I/O: one place decides how a view count, a runtime or a move in the chart
is written, so files, terminal and browser never disagree. Files (:func:`format_number`,
:func:`format_runtime`) keep values as stored, as Netflix's files write them; JSON keeps
them as they are; only the screen displays (:func:`compact`, :func:`runtime_hm`...) round.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from typing import Any

_UNITS = ((1e3, "K"), (1e6, "M"), (1e9, "B"))


def missing(value: Any) -> bool:
    """None, NaN or pandas' NA: a figure the source did not publish."""
    if value is None or type(value).__name__ == "NAType":
        return True
    return isinstance(value, float) and math.isnan(value)


# --- in files, as Netflix's files write them -------------------------------------------------


def format_number(value: float | None) -> str:
    """Whole numbers without a decimal point; empty for a missing value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if float(value).is_integer():
        return str(int(value))
    return repr(float(value))


def format_runtime(hours: float | None) -> str:
    """At most four decimals, no trailing zeros: 109 min -> ``1.8167``, 120 min -> ``2``."""
    if hours is None or (isinstance(hours, float) and math.isnan(hours)):
        return ""
    text = f"{hours:.4f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def whole_numbers(value: Any) -> Any:
    """``value`` with every whole float as an int, recursively (dicts, lists): counts such
    as hours viewed and views read ``14100000``, never ``14100000.0``, in JSON as in
    Netflix's files; a figure with a fraction (an engine's exact hours) stays a float."""
    kind = type(value)
    if kind in _AS_IS:  # most leaves: no call per value (pages hold tens of thousands)
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if isinstance(value, dict):
        return {k: v if type(v) in _AS_IS else whole_numbers(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [v if type(v) in _AS_IS else whole_numbers(v) for v in value]
    return value


_AS_IS = frozenset({str, int, bool, type(None)})


# --- on screen (CLI tables, pages) -------------------------------------------------------------


def compact(value: Any) -> str:
    """1,234,567 -> ``1.2M``; 7,000,000 -> ``7.0M``; 980 -> ``980``; missing -> ``–``."""
    if missing(value):
        return "–"
    number = float(value)
    if abs(number) < 999.5:
        return f"{number:,.0f}"
    for size, suffix in _UNITS:
        scaled = number / size
        # the smallest unit that keeps the figure under 1000 (999,950 is 1.0M, not 1000.0K)
        if round(abs(scaled), 1) < 1000 or suffix == "B":
            return f"{scaled:.1f}{suffix}"
    return f"{number:,.0f}"  # pragma: no cover  (the B branch always returns)


def grouped(value: Any) -> str:
    """Full number with thousands separators, for titles and tooltips."""
    if missing(value):
        return "–"
    return f"{float(value):,.0f}"


def runtime_hm(hours: Any) -> str:
    """Runtime in hours -> ``h:mm`` (1.8167 -> ``1:49``); missing or 0 -> ``–``."""
    if missing(hours) or float(hours) <= 0:
        return "–"
    minutes = int(math.floor(float(hours) * 60 + 0.5))
    return f"{minutes // 60}:{minutes % 60:02d}"


# --- moves in the chart ----------------------------------------------------------------------

# change (as :func:`starchart.api.week` reports it) -> (short mark, words); None: the week
# before is not in the store, so there is no move to show
MOVE_WORDS: dict[str | None, tuple[str, str]] = {
    "new": ("NEW", "New this week"),
    "back": ("BACK", "Back in the Top 10"),
    "up": ("▲", "Up from #{previous}"),
    "down": ("▼", "Down from #{previous}"),
    "same": ("=", "Same as last week"),
    None: ("–", "No data for the previous week"),
}


def move(change: str | None, rank: int, previous_rank: int | None,
         weeks_in_top_10: int | None = None) -> tuple[str, str, str]:
    """(kind, mark, words) for a row: kind is new, back, up, down, same or none.

    A title new to this week's list that has been in the Top 10 before is ``back``.
    """
    if change == "new" and (weeks_in_top_10 or 0) > 1:
        change = "back"
    if change not in MOVE_WORDS:
        change = None
    mark, words = MOVE_WORDS[change]
    if change in ("up", "down") and previous_rank is not None:
        mark = f"{mark}{abs(previous_rank - rank)}"
        words = words.format(previous=previous_rank)
    elif change in ("up", "down"):
        words = words.split(" from")[0]
    return change or "none", mark, words


def change_text(change: str | None, previous_rank: int | None) -> str:
    """Screen-reader-friendly words for the change column (:func:`move`'s words)."""
    return move(change, 0, previous_rank)[2]


# --- weeks and counts ----------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
@functools.lru_cache(maxsize=8192)
def week_label(week: str | dt.date | None) -> str:
    """``2025-03-30`` -> ``30 Mar 2025`` (the week is named by its Sunday; remembered: a
    title page labels hundreds of weeks, from a few hundred there are, and ``strftime`` was
    a tenth of its plot's time)."""
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


def plural(count: int | None, word: str, many: str | None = None) -> str:
    """``1 week``, ``3 weeks``."""
    n = count or 0
    return f"{n:,} {word if n == 1 else (many or word + 's')}"
