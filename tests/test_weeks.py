"""Week boundaries, rounding and number formats (pure functions)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from starchart.display import format_number, format_runtime
from starchart.weeks import (
    chart_week,
    is_latest,
    last_complete_week,
    parse_week,
    round_to,
    runtime_hours,
    week_bounds,
    week_ending,
)

UTC = dt.UTC


def test_sunday_last_second_and_monday_midnight_fall_in_different_weeks() -> None:
    assert week_ending(dt.datetime(2025, 3, 30, 23, 59, 59, tzinfo=UTC)) == dt.date(2025, 3, 30)
    assert week_ending(dt.datetime(2025, 3, 31, 0, 0, 0, tzinfo=UTC)) == dt.date(2025, 4, 6)


def test_offset_is_honoured() -> None:
    # Monday 08:00 in Seoul is Sunday 23:00 UTC: still the week ending that Sunday.
    seoul = dt.timezone(dt.timedelta(hours=9))
    assert week_ending(dt.datetime(2025, 3, 31, 8, 0, tzinfo=seoul)) == dt.date(2025, 3, 30)


@given(st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2100, 1, 1)))
def test_every_moment_lies_inside_the_bounds_of_its_week(moment: dt.datetime) -> None:
    sunday = week_ending(moment)
    start, end = week_bounds(sunday)
    assert sunday.weekday() == 6
    assert start <= moment.replace(tzinfo=UTC) < end
    assert end - start == dt.timedelta(days=7)


def test_last_complete_week_never_includes_today() -> None:
    assert last_complete_week(dt.date(2026, 11, 20)) == dt.date(2026, 11, 15)  # a Friday
    assert last_complete_week(dt.date(2026, 11, 16)) == dt.date(2026, 11, 15)  # Monday
    assert last_complete_week(dt.date(2026, 11, 15)) == dt.date(2026, 11, 8)  # Sunday itself


def test_parse_week_names_the_right_sunday_when_given_another_day() -> None:
    assert parse_week("2025-03-30") == dt.date(2025, 3, 30)
    with pytest.raises(ValueError, match="2025-03-30"):
        parse_week("2025-03-28")
    with pytest.raises(ValueError, match="not a date"):
        parse_week("last week")
    with pytest.raises(ValueError, match="Friday"):  # no Sunday follows 9999-12-31
        parse_week("9999-12-31")


def test_rounding_to_the_nearest_unit() -> None:
    assert round_to(16_649_999.9, 100_000) == 16_600_000
    assert round_to(16_650_000.0, 100_000) == 16_700_000
    assert round_to(49_999, 100_000) == 0
    assert round_to(1234.5, 1) == 1235
    assert round_to(None, 10) is None


def test_runtime_and_number_formats_match_netflix_files() -> None:
    assert format_runtime(runtime_hours(109)) == "1.8167"
    assert format_runtime(runtime_hours(120)) == "2"
    assert format_runtime(runtime_hours(95)) == "1.5833"
    assert format_runtime(0.0) == "0"
    assert format_runtime(None) == ""
    assert format_number(16_600_000.0) == "16600000"
    assert format_number(None) == ""


def test_chart_week_is_the_week_containing_any_day() -> None:
    # Netflix's week runs Monday to Sunday and is named by its Sunday
    assert chart_week("2021-12-06") == dt.date(2021, 12, 12)  # a Monday
    assert chart_week("2021-12-12") == dt.date(2021, 12, 12)  # the Sunday itself
    assert chart_week(dt.date(2025, 4, 2)) == dt.date(2025, 4, 6)
    assert chart_week(dt.datetime(2021, 12, 13, 0, 0)) == dt.date(2021, 12, 19)
    assert all(chart_week(dt.date(2021, 12, 6) + dt.timedelta(days=d)) == dt.date(2021, 12, 12)
               for d in range(7))
    with pytest.raises(ValueError, match="not a date"):
        chart_week("next week")
    with pytest.raises(ValueError, match="no chart week"):
        chart_week("9999-12-31")


def test_latest_is_a_word_not_a_date() -> None:
    assert is_latest("latest") and is_latest(" Latest ")
    assert not is_latest("2025-03-30") and not is_latest(None)
