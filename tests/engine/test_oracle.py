"""The Ibis chart logic against a deliberately simple pure-Python oracle on random logs.

The oracle below uses plain dicts and ``sorted()`` and re-states the methodology from
scratch (weeks, hours, views, the tie rule, cumulative weeks, Most Popular's 91 days), so a
mistake in the Ibis expressions shows up as a disagreement on some random log.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import duckdb
import ibis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from starchart import store
from starchart.engine import charts
from starchart.engine.build import compute_charts, write_charts

BASE = dt.datetime(2025, 1, 6)  # a Monday
COUNTRIES = ("US", "GB", "KR")
DAY = dt.timedelta(days=1)

# --- the oracle ---------------------------------------------------------------------------


def _category(t: dict[str, Any]) -> str:
    kind = "Films" if t["kind"] == "film" else "TV"
    return f"{kind} (English)" if t["lang"] == "en" else f"{kind} (Non-English)"


def _sunday(day: dt.date) -> dt.date:
    while day.weekday() != 6:  # Monday is 0, Sunday 6
        day += DAY
    return day


def _ranked(seconds: dict[str, int], titles: dict[str, dict[str, Any]]) -> list[tuple[Any, ...]]:
    """Top 10 of {title_id: seconds} as (title_id, hours, views), by the tie rule."""
    rows = []
    for tid, secs in seconds.items():
        hours = secs / 3600.0
        views = hours / (titles[tid]["runtime"] / 60.0)
        rows.append((tid, hours, views))
    return sorted(rows, key=lambda r: (-r[2], -r[1], r[0]))[:10]


def oracle(titles: dict[str, dict[str, Any]], events: list[dict[str, Any]]) -> dict[str, Any]:
    days = [e["at"].date() for e in events]
    first_day, last_day = min(days), max(days)
    latest = last_day
    while latest.weekday() != 6:
        latest -= DAY
    end = latest + DAY

    weekly: dict[tuple[dt.date, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    local: dict[tuple[dt.date, str, str], dict[str, int]] = defaultdict(
        lambda: defaultdict(int)
    )
    for e in events:
        week = _sunday(e["at"].date())
        if week > latest:
            continue
        t = titles[e["title_id"]]
        weekly[(week, _category(t))][e["title_id"]] += e["seconds"]
        kind = "Films" if t["kind"] == "film" else "TV"
        local[(week, e["country"], kind)][e["title_id"]] += e["seconds"]

    global_rows = set()
    seen: dict[tuple[str, str], int] = defaultdict(int)
    for week, category in sorted(weekly):
        for rank, (tid, hours, views) in enumerate(_ranked(weekly[(week, category)], titles), 1):
            seen[(category, tid)] += 1
            global_rows.add((week, category, rank, tid, hours, views, seen[(category, tid)]))

    country_rows = set()
    seen_local: dict[tuple[str, str, str], int] = defaultdict(int)
    for week, country, kind in sorted(local):
        for rank, (tid, _, _) in enumerate(_ranked(local[(week, country, kind)], titles), 1):
            seen_local[(country, kind, tid)] += 1
            country_rows.add((country, week, kind, rank, tid, seen_local[(country, kind, tid)]))

    windows: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for e in events:
        t = titles[e["title_id"]]
        day = e["at"].date()
        release = t["release"]
        eligible = t["original"] and first_day <= release < end
        if eligible and release <= day < release + 91 * DAY and day < end:
            windows[_category(t)][e["title_id"]] += e["seconds"]
    popular_rows = set()
    for category, seconds in windows.items():
        for rank, (tid, hours, views) in enumerate(_ranked(seconds, titles), 1):
            in_progress = titles[tid]["release"] + 91 * DAY > end
            popular_rows.add((category, rank, tid, hours, views, in_progress))
    return {"latest": latest, "global": global_rows, "country": country_rows,
            "popular": popular_rows}


# --- random logs ----------------------------------------------------------------------------

titles_strategy = st.lists(
    st.fixed_dictionaries({
        "kind": st.sampled_from(["film", "film", "film", "tv"]),
        "lang": st.sampled_from(["en", "en", "ko"]),
        "runtime": st.sampled_from([30.0, 45.0, 60.0, 109.0, 120.0]),
        "original": st.booleans(),
        "release": st.integers(min_value=-10, max_value=60).map(lambda d: BASE.date() + d * DAY),
    }),
    min_size=1, max_size=24,
)


SPAN_DAYS = 130  # long enough for 91-day windows to close inside the data


@st.composite
def logs(draw: st.DrawFn) -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]]]:
    """Random titles and events, leaning on the edges: first/last seconds of weeks, the first
    and 91st/92nd day after a release, and viewing in whole runtimes (ties in views with
    different hours)."""
    raw_titles = draw(titles_strategy)
    titles = {f"t{i:02d}": t for i, t in enumerate(raw_titles)}
    ids = sorted(titles)
    events = []
    for _ in range(draw(st.integers(min_value=1, max_value=160))):
        tid = draw(st.sampled_from(ids))
        t = titles[tid]
        mode = draw(st.sampled_from(["any", "any", "week_edge", "release_edge"]))
        if mode == "any":
            at = BASE + dt.timedelta(seconds=draw(st.integers(0, SPAN_DAYS * 86400 - 1)))
        elif mode == "week_edge":
            week = draw(st.integers(min_value=1, max_value=SPAN_DAYS // 7))
            at = BASE + dt.timedelta(days=7 * week, seconds=draw(st.sampled_from([-1, 0])))
        else:
            day = t["release"] + draw(st.sampled_from([-1, 0, 90, 91])) * DAY
            at = dt.datetime.combine(day, dt.time()) + dt.timedelta(
                seconds=draw(st.sampled_from([0, 86399]))
            )
        seconds = draw(st.one_of(
            st.sampled_from([0, 900, 1800, 3600, 5400, 86400]),
            st.sampled_from([1, 2]).map(lambda m, r=t["runtime"]: int(m * r * 60)),
        ))
        events.append({"title_id": tid, "country": draw(st.sampled_from(COUNTRIES)),
                       "at": at, "seconds": seconds})
    return titles, events


def engine(titles: dict[str, dict[str, Any]], events: list[dict[str, Any]]) -> dict[str, Any]:
    """The real build (compute + write) into an in-memory store, read back as sets."""
    with duckdb.connect() as con:
        con.execute(store.SCHEMA)
        con.executemany(
            """INSERT INTO catalog (title_id, show_title, season_title, kind, original_language,
                                    runtime_minutes, release_date, original)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
            [[tid, f"Show {tid}", "Season 1" if t["kind"] == "tv" else None, t["kind"],
              t["lang"], t["runtime"], t["release"], t["original"]] for tid, t in titles.items()],
        )
        con.execute("""CREATE TABLE accepted (profile_id VARCHAR, title_id VARCHAR,
                       country VARCHAR, started_at TIMESTAMP, seconds_viewed BIGINT)""")
        con.executemany(
            "INSERT INTO accepted VALUES ('p', ?, ?, ?, ?)",
            [[e["title_id"], e["country"], e["at"], e["seconds"]] for e in events],
        )
        backend = ibis.duckdb.from_connection(con)
        daily = charts.daily_rollup(backend.table("accepted"))  # the shared rollup, then lists
        results = compute_charts(daily, backend.table("catalog"))
        write_charts(con, results)
        got_global = con.execute(
            """SELECT week, category, weekly_rank, title_id, weekly_hours_viewed, weekly_views,
                      cumulative_weeks_in_top_10 FROM chart_global"""
        ).fetchall()
        got_country = con.execute(
            """SELECT country_iso2, week, category, weekly_rank, title_id,
                      cumulative_weeks_in_top_10 FROM chart_country"""
        ).fetchall()
        got_popular = con.execute(
            "SELECT category, rank, title_id, hours_viewed, views, in_progress FROM most_popular"
        ).fetchall()
    return {"latest": results.latest_week, "global": got_global, "country": got_country,
            "popular": got_popular}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(logs())
def test_engine_agrees_with_the_oracle(log: tuple[dict[str, Any], list[dict[str, Any]]]) -> None:
    titles, events = log
    expected = oracle(titles, events)
    first_week = _sunday(min(e["at"].date() for e in events))
    if expected["latest"] < first_week:
        try:
            engine(titles, events)
        except ValueError as exc:
            assert "nothing to build yet" in str(exc)
            return
        raise AssertionError("a log without a complete week must not build")
    got = engine(titles, events)
    assert got["latest"] == expected["latest"]
    assert len(got["global"]) == len(set(got["global"]))
    assert set(got["global"]) == expected["global"]
    assert set(got["country"]) == expected["country"]
    assert set(got["popular"]) == expected["popular"]
