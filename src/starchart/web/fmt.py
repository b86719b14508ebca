"""Display rounding for the site: pure functions used as Jinja filters.

The JSON twins carry values as stored; only the HTML rounds, so these live apart from the
data functions. Numbers and moves are written by :mod:`starchart.display`, shared with the CLI.
"""

from __future__ import annotations

import datetime as dt

from starchart.display import compact, grouped, move, runtime_hm  # noqa: F401  (filters)
from starchart.queries.slugs import title_name  # noqa: F401  (templates use it)


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
    """Screen-reader-friendly words for the change column (:func:`starchart.display.move`)."""
    return move(change, 0, previous_rank)[2]


def plural(count: int | None, word: str, many: str | None = None) -> str:
    """``1 week``, ``3 weeks``."""
    n = count or 0
    return f"{n:,} {word if n == 1 else (many or word + 's')}"
