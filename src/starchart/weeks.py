"""Chart weeks and rounding: pure functions, no I/O (how numbers are written:
:mod:`starchart.display`).

A chart week runs Monday 00:00 to Sunday 24:00 UTC and is named by its Sunday. These rules
live here once so that the engine, the importer, the exporter and the web site agree.
"""

from __future__ import annotations

import datetime as dt
import math

GLOBAL_CATEGORIES: tuple[str, ...] = (
    "Films (English)",
    "Films (Non-English)",
    "TV (English)",
    "TV (Non-English)",
)
COUNTRY_CATEGORIES: tuple[str, ...] = ("Films", "TV")
DEFAULT_ROUND_TO = 100_000
MOST_POPULAR_WINDOW_DAYS = 91


def week_ending(moment: dt.datetime | dt.date) -> dt.date:
    """The Sunday naming the chart week that contains ``moment`` (taken in UTC)."""
    if isinstance(moment, dt.datetime):
        if moment.tzinfo is not None:
            moment = moment.astimezone(dt.UTC)
        day = moment.date()
    else:
        day = moment
    return day + dt.timedelta(days=6 - day.weekday())


def last_complete_week(today: dt.date) -> dt.date:
    """The Sunday of the most recent week that has ended before ``today`` (UTC)."""
    return today - dt.timedelta(days=today.weekday() + 1)


def week_bounds(sunday: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[Monday 00:00, next Monday 00:00) in UTC for the week named by ``sunday``."""
    if sunday.weekday() != 6:
        raise ValueError(f"a chart week is named by its Sunday; {sunday.isoformat()} is not one")
    start = dt.datetime.combine(sunday - dt.timedelta(days=6), dt.time(), dt.UTC)
    return start, start + dt.timedelta(days=7)


def parse_week(text: str) -> dt.date:
    """Parse ``YYYY-MM-DD`` and insist it is a Sunday, with a message a person can act on."""
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"not a date (YYYY-MM-DD): {text!r}") from None
    if day.weekday() != 6:
        try:
            hint = f" (that week is {week_ending(day).isoformat()})"
        except OverflowError:  # the last days of year 9999 have no Sunday after them
            hint = ""
        raise ValueError(
            f"{text} is a {day.strftime('%A')}; chart weeks are named by their Sunday{hint}"
        )
    return day


LATEST = "latest"
"""The word that names the newest chart week wherever a week is asked for."""


def is_latest(value: object) -> bool:
    """True for ``latest`` (any case, spaces around): the newest week the data hold."""
    return isinstance(value, str) and value.strip().lower() == LATEST


def chart_week(value: str | dt.date) -> dt.date:
    """The Sunday naming the chart week that contains a day: ``2021-12-06`` (a Monday) ->
    ``2021-12-12``; a Sunday names itself. ValueError for text that is not YYYY-MM-DD."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        day = value
    else:
        try:
            day = dt.date.fromisoformat(str(value).strip())
        except ValueError:
            raise ValueError(f"not a date (YYYY-MM-DD) or 'latest': {value!r}") from None
    try:
        return week_ending(day)
    except OverflowError:  # the last days of year 9999 have no Sunday after them
        raise ValueError(f"{day.isoformat()} has no chart week (its Sunday is after year "
                         "9999)") from None


def round_to(value: float | None, unit: int) -> int | None:
    """Round to the nearest multiple of ``unit``, halves up (hours and views are >= 0)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if unit <= 0:
        raise ValueError(f"rounding unit must be positive, got {unit}")
    return int(math.floor(value / unit + 0.5)) * unit


def runtime_hours(runtime_minutes: float) -> float:
    """A runtime in hours with at most four decimals, as Netflix publishes it."""
    return round(runtime_minutes / 60.0, 4)
