"""Build the weekly charts: run :mod:`starchart.engine.charts` and write the store's chart tables.

:func:`compute_charts` runs the backend-neutral chart expressions over a daily rollup on
whatever Ibis backend the tables are bound to (DuckDB here, PySpark in
:mod:`starchart.engine.spark_build`) and collects the small results as Arrow tables.
:func:`write_charts` puts them into a store's chart tables in one transaction. :func:`build`
does both on the DuckDB store, through the store's one read-write connection (DuckDB allows a
single writer per file), and only for the weeks that changed: ingest marks the weeks its
events fall in (``dirty_weeks``), and a build ranks the weeks from the earliest of them on
(later weeks' cumulative counts depend on it), taking the weeks-on-list counts before it from
the stored lists. ``full=True`` rebuilds everything; both give the same rows.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import duckdb
import ibis
import ibis.expr.types as ir
import pyarrow as pa

from starchart import store
from starchart.countries import country_name
from starchart.engine import charts, rollup
from starchart.weeks import MOST_POPULAR_WINDOW_DAYS, last_complete_week, week_ending

#: Callback for long work: ``progress(description, steps_done, steps_total)``.
Progress = Callable[[str, int, int], None]

#: The steps :func:`compute_charts` and :func:`write_charts` report, in order.
STEPS = ("reading the span of the data", "global lists", "country lists", "most popular",
         "writing the charts")


def latest_complete_week(last_day: dt.date) -> dt.date:
    """The latest Sunday on or before ``last_day``: the last week with all its days of data."""
    return last_complete_week(last_day + dt.timedelta(days=1))


def plan_weeks(
    first_day: dt.date, last_day: dt.date, week: dt.date | None = None
) -> tuple[dt.date, dt.date]:
    """Check a build is possible and return ``(until, most_popular_until)``.

    ``until`` is the last week the chart expressions must cover (the named week, or the
    latest complete week); Most Popular is always as of the latest complete week, since it
    is an all-time list over the whole store. Raises ``ValueError`` with what to do.
    """
    latest = latest_complete_week(last_day)
    first_week = week_ending(first_day)
    if latest < first_week:
        raise ValueError(
            f"nothing to build yet: the first chart week (ending {first_week.isoformat()}) "
            f"is not complete; the latest event is on {last_day.isoformat()}"
        )
    if week is None:
        return latest, latest
    if week.weekday() != 6:
        raise ValueError(f"{week.isoformat()} is not a Sunday; chart weeks are named by it")
    if week > latest:
        raise ValueError(
            f"week {week.isoformat()} is not complete: the latest event is on "
            f"{last_day.isoformat()} (latest complete week: {latest.isoformat()})"
        )
    if week < first_week:
        raise ValueError(
            f"week {week.isoformat()} is before the first week of data "
            f"({first_week.isoformat()})"
        )
    return week, latest


@dataclass
class ChartResults:
    """The collected charts of one build, exact values, ready for a store.

    ``since``: lists were computed for the weeks from this Sunday on (None: every week), and
    replace the stored ones from there; ``week``: only ``weeks`` replace stored ones.
    """

    events: int
    first_day: dt.date
    last_day: dt.date
    latest_week: dt.date
    week: dt.date | None
    weeks: list[dt.date]
    global_lists: pa.Table
    country_lists: pa.Table
    most_popular: pa.Table
    timings: dict[str, float] = field(default_factory=dict)
    since: dt.date | None = None


class StepTimer:
    """Times each step and reports it to an optional progress callback."""

    def __init__(self, progress: Progress | None, timings: dict[str, float]) -> None:
        self.progress = progress
        self.timings = timings
        self.done = 0

    @contextmanager
    def step(self, key: str, description: str) -> Iterator[None]:
        if self.progress is not None:
            self.progress(description, self.done, len(STEPS))
        started = time.perf_counter()
        yield
        self.timings[key] = round(time.perf_counter() - started, 4)
        self.done += 1
        if self.progress is not None:
            self.progress(description, self.done, len(STEPS))


def compute_charts(
    daily: ir.Table,
    catalog: ir.Table,
    *,
    week: dt.date | None = None,
    later_weeks: Sequence[dt.date] = (),
    since: dt.date | None = None,
    earlier: tuple[ir.Table, ir.Table] | None = None,
    progress: Progress | None = None,
) -> ChartResults:
    """Run the chart expressions on the tables' backend and collect the results.

    ``daily`` holds the viewing rollup (day, country, title_id, seconds_viewed, events; see
    :func:`starchart.engine.charts.daily_rollup`); ``catalog`` the store's catalog columns.
    ``week`` limits the weekly lists to that week plus those of ``later_weeks`` after it
    (weeks built before, whose cumulative counts depend on it). ``since`` ranks only the
    weeks from that Sunday on, with ``earlier`` = (global, country) weeks-on-list counts of
    the weeks before it; without it cumulative counts start from the first week of data.
    """
    timings: dict[str, float] = {}
    steps = StepTimer(progress, timings)
    with steps.step("span", STEPS[0]):
        span = charts.data_span(daily).to_pyarrow().to_pylist()[0]
    if not span["events"]:
        raise ValueError("no accepted events to build charts from (run 'starchart ingest')")
    first_day, last_day = _as_date(span["first_day"]), _as_date(span["last_day"])
    until, latest = plan_weeks(first_day, last_day, week)
    only = None
    if week is not None:
        only = [week, *sorted({w for w in later_weeks if week < w <= latest})]
        until = only[-1]
    if since is not None and since <= week_ending(first_day):
        since, earlier = None, None  # from the first week: nothing earlier to count
    past_global, past_country = earlier if earlier is not None else (None, None)
    with steps.step("global_lists", STEPS[1]):
        global_lists = charts.global_lists(
            daily, catalog, until=until, weeks=only, since=since, earlier=past_global
        ).to_pyarrow()
    with steps.step("country_lists", STEPS[2]):
        country_lists = charts.country_lists(
            daily, catalog, until=until, weeks=only, since=since, earlier=past_country
        ).to_pyarrow()
    with steps.step("most_popular", STEPS[3]):
        popular = charts.most_popular(
            daily, catalog, first_day=first_day, until=latest
        ).to_pyarrow()
    weeks = only if only is not None else sorted(
        {_as_date(w) for w in global_lists.column("week").to_pylist()}
        | {_as_date(w) for w in country_lists.column("week").to_pylist()}
    )
    return ChartResults(
        events=int(span["events"]), first_day=first_day, last_day=last_day, latest_week=latest,
        week=week, weeks=weeks, global_lists=global_lists, country_lists=country_lists,
        most_popular=popular, timings=timings, since=since if week is None else None,
    )


def _as_date(value: Any) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


_INSERT_GLOBAL = f"""
INSERT INTO chart_global (source, week, category, weekly_rank, title_id, show_title,
    season_title, weekly_hours_viewed, runtime, weekly_views, cumulative_weeks_in_top_10)
SELECT '{store.ENGINE_SOURCE}', week, category, weekly_rank, title_id, show_title,
    season_title, weekly_hours_viewed, runtime, weekly_views, cumulative_weeks_in_top_10
FROM _starchart_global
"""
_INSERT_COUNTRY = f"""
INSERT INTO chart_country (source, country_iso2, country_name, week, category, weekly_rank,
    title_id, show_title, season_title, cumulative_weeks_in_top_10)
SELECT '{store.ENGINE_SOURCE}', c.country_iso2, n.country_name, c.week, c.category,
    c.weekly_rank, c.title_id, c.show_title, c.season_title, c.cumulative_weeks_in_top_10
FROM _starchart_country AS c JOIN _starchart_country_names AS n USING (country_iso2)
"""
_INSERT_POPULAR = f"""
INSERT INTO most_popular (source, category, rank, title_id, show_title, season_title,
    hours_viewed, runtime, views, window_days, in_progress)
SELECT '{store.ENGINE_SOURCE}', category, rank, title_id, show_title, season_title,
    hours_viewed, runtime, views, window_days, in_progress
FROM _starchart_popular
"""


def write_charts(con: duckdb.DuckDBPyConnection, results: ChartResults) -> dict[str, int]:
    """Replace the engine's rows for the built weeks (all weeks for a full build, the weeks
    from ``since`` on for an incremental one) and its Most Popular lists, and mark those
    weeks built, in one transaction; imported ``netflix`` rows are never touched."""
    codes = sorted(set(results.country_lists.column("country_iso2").to_pylist()))
    names = pa.table(
        {"country_iso2": pa.array(codes, pa.string()),
         "country_name": pa.array([country_name(c) for c in codes], pa.string())}
    )
    views = {
        "_starchart_global": results.global_lists,
        "_starchart_country": results.country_lists,
        "_starchart_popular": results.most_popular,
        "_starchart_country_names": names,
    }
    for name, table in views.items():
        con.register(name, table)
    engine = store.ENGINE_SOURCE
    try:
        with store.transaction(con):
            if results.week is None:
                since = results.since or dt.date.min
                for table in ("chart_global", "chart_country"):
                    con.execute(f"DELETE FROM {table} WHERE source = ? AND week >= ?",
                                [engine, since])
                con.execute("DELETE FROM dirty_weeks WHERE week >= ? AND week <= ?",
                            [since, results.latest_week])
            else:
                for table in ("chart_global", "chart_country"):
                    for week in results.weeks:
                        con.execute(
                            f"DELETE FROM {table} WHERE source = ? AND week = ?",
                            [engine, week],
                        )
                for week in results.weeks:
                    con.execute("DELETE FROM dirty_weeks WHERE week = ?", [week])
            con.execute("DELETE FROM most_popular WHERE source = ?", [engine])
            con.execute(_INSERT_GLOBAL)
            con.execute(_INSERT_COUNTRY)
            con.execute(_INSERT_POPULAR)
    finally:
        for name in views:
            con.unregister(name)
    return {
        "chart_global": results.global_lists.num_rows,
        "chart_country": results.country_lists.num_rows,
        "most_popular": results.most_popular.num_rows,
    }


def summary(results: ChartResults, rows: dict[str, int], **extra: Any) -> dict[str, Any]:
    """The plain-data report of a build (what ``--json`` prints)."""
    total = sum(results.timings.values())
    return {
        **extra,
        "weeks": [w.isoformat() for w in results.weeks],
        "week_count": len(results.weeks),
        "events": results.events,
        "first_day": results.first_day.isoformat(),
        "last_day": results.last_day.isoformat(),
        "latest_complete_week": results.latest_week.isoformat(),
        "most_popular_window_days": MOST_POPULAR_WINDOW_DAYS,
        "rows": rows,
        "timings": {**results.timings, "total": round(total, 4)},
    }


def _earlier_counts(backend: Any, since: dt.date) -> tuple[ir.Table, ir.Table]:
    """Weeks on each engine list before ``since``, from the stored lists (global, country)."""
    g = backend.table("chart_global")
    g = g.filter(g.source == store.ENGINE_SOURCE, g.week < since)
    c = backend.table("chart_country")
    c = c.filter(c.source == store.ENGINE_SOURCE, c.week < since)
    return (
        g.group_by("category", "title_id").aggregate(weeks=g.count()),
        c.group_by("country_iso2", "category", "title_id").aggregate(weeks=c.count()),
    )


def _plan(
    con: duckdb.DuckDBPyConnection, week: dt.date | None, full: bool
) -> tuple[list[dt.date], dt.date | None]:
    """``(later_weeks, since)`` for a build of the store.

    Weeks that ingest marked dirty are ranked again, and every week after the earliest of
    them (their cumulative counts depend on it); weeks before it keep their stored lists,
    which are current because any change to them would have marked them dirty too.
    """
    def weeks(sql: str, params: list[Any]) -> list[dt.date]:
        return [_as_date(r[0]) for r in con.execute(sql, params).fetchall()]

    engine = store.ENGINE_SOURCE
    built = weeks("SELECT week FROM chart_global WHERE source = ? UNION "
                  "SELECT week FROM chart_country WHERE source = ?", [engine, engine])
    dirty = weeks("SELECT week FROM dirty_weeks ORDER BY week", [])
    if week is not None:
        later = [w for w in built if w > week]
        earliest = min([week, *dirty])
        return later, (earliest if built and not full else None)
    if full or not built:
        return [], None
    if not dirty:  # nothing changed: rank no week, only Most Popular is recomputed
        return [], max(built) + dt.timedelta(days=7)
    return [], dirty[0]


def build(
    db: str | os.PathLike[str] | None = None,
    *,
    week: dt.date | None = None,
    full: bool = False,
    memory_limit: str | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Build the charts from the store's daily viewing rollup and write them to the store.

    Every complete week whose data changed since the last build (and every later one) is
    built; ``full`` rebuilds them all. With ``week`` only that week is rebuilt, plus every
    week built before after it, since its cumulative weeks in the Top 10 count ``week``'s
    lists. Most Popular is rebuilt as of the latest complete week either way.
    """
    from starchart.engine.resources import configure, within_memory_limit

    started = time.perf_counter()
    with store.opened(db) as con:
        limit = configure(con, store.resolve_db_path(db), memory_limit)
        with within_memory_limit(limit), store.transaction(con):
            rollup.migrate_legacy_events(con)
        with within_memory_limit(limit):
            later, since = _plan(con, week, full)
            backend = ibis.duckdb.from_connection(con)
            earlier = _earlier_counts(backend, since) if since is not None else None
            results = compute_charts(
                backend.table("daily_viewing"), backend.table("catalog"), week=week,
                later_weeks=later, since=since, earlier=earlier, progress=progress,
            )
            steps = StepTimer(progress, results.timings)
            steps.done = len(STEPS) - 1
            with steps.step("write", STEPS[4]):
                rows = write_charts(con, results)
    mode = "week" if week is not None else ("full" if results.since is None else "incremental")
    report = summary(results, rows, engine="duckdb", db=str(store.resolve_db_path(db)),
                     mode=mode)
    report["timings"]["wall"] = round(time.perf_counter() - started, 4)
    return report
