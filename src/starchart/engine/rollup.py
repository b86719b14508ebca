"""Keep the store's viewing rollups up to date as events arrive, at the cost of the new events.

An ingest stages the accepted events of its files and, once their duplicates are known,
rolls them up with the shared Ibis definitions (:func:`starchart.engine.charts.daily_rollup`
and :func:`~starchart.engine.charts.profile_rollup`) and merges the result into the store in
the same transaction:

* ``daily_viewing``: only the days the load touched are read back, added to and rewritten
  (sums of whole seconds, so merging in any order gives the same integers), and the chart
  weeks of those days are marked in ``dirty_weeks`` for the next build;
* ``profile_title_runs``: the load's profile x title summary is appended as one run, and
  the newest runs are merged when the last is at least half the size of the one before
  (so a row is rewritten a logarithmic number of times, never the whole history per load).
  The ``profile_title`` view adds the runs up.
"""

from __future__ import annotations

import functools

import duckdb
import ibis

from starchart.engine import charts

#: The accepted-event columns the rollups read (the names the store and the charts use).
ACCEPTED_SCHEMA = {
    "profile_id": "string",
    "title_id": "string",
    "country": "string",
    "started_at": "timestamp",
    "seconds_viewed": "int64",
}
#: A new run is merged with the one before it once it is at least this fraction of its size.
MERGE_RATIO = 2
_NEW_DAILY = "starchart_new_daily"


@functools.cache
def rollup_sql(source: str, kind: str) -> str:
    """The shared rollup (``daily`` or ``profile``) over relation ``source``, as DuckDB SQL."""
    accepted = ibis.table(ACCEPTED_SCHEMA, name=source)
    expr = charts.daily_rollup(accepted) if kind == "daily" else charts.profile_rollup(accepted)
    return str(ibis.to_sql(expr, dialect="duckdb"))


def add_accepted(
    con: duckdb.DuckDBPyConnection, source: str, *, compact: bool = True
) -> dict[str, int]:
    """Roll the accepted events of relation ``source`` (the :data:`ACCEPTED_SCHEMA` columns)
    into the store, inside the caller's transaction: merge their daily rollup into the days
    they touch (marking those weeks dirty) and append their profile x title summary as a run
    (then merge runs, unless ``compact`` is False).
    """
    days = add_daily(con, source)
    rows = append_profile_run(con, source)
    if compact:
        compact_runs(con)
    return {"days": days, "profile_title_rows": rows}


def add_daily(con: duckdb.DuckDBPyConnection, source: str) -> int:
    """Merge the daily rollup of ``source`` into the days it touches and mark their weeks
    dirty; return the number of days touched."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE {_NEW_DAILY} AS {rollup_sql(source, 'daily')}")
    days = _merge_daily(con)
    con.execute(f"DROP TABLE {_NEW_DAILY}")
    return days


def _merge_daily(con: duckdb.DuckDBPyConnection) -> int:
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE starchart_new_days AS
            SELECT DISTINCT day FROM {_NEW_DAILY}"""
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE starchart_merged_daily AS
        SELECT day, country, title_id, CAST(sum(seconds_viewed) AS BIGINT) AS seconds_viewed,
               CAST(sum(events) AS BIGINT) AS events
        FROM (
            SELECT day, country, title_id, seconds_viewed, events FROM daily_viewing
            WHERE day IN (SELECT day FROM starchart_new_days)
            UNION ALL
            SELECT day, country, title_id, seconds_viewed, events FROM {_NEW_DAILY}
        ) GROUP BY day, country, title_id"""
    )
    con.execute("DELETE FROM daily_viewing WHERE day IN (SELECT day FROM starchart_new_days)")
    con.execute(
        "INSERT INTO daily_viewing SELECT day, country, title_id, seconds_viewed, events "
        "FROM starchart_merged_daily ORDER BY day, country, title_id"
    )
    week = "CAST(date_trunc('week', day) AS DATE) + 6"
    con.execute(
        f"INSERT INTO dirty_weeks SELECT DISTINCT {week} FROM starchart_new_days "
        "ON CONFLICT DO NOTHING"
    )
    row = con.execute("SELECT count(*) FROM starchart_new_days").fetchall()
    con.execute("DROP TABLE starchart_merged_daily")
    con.execute("DROP TABLE starchart_new_days")
    return int(row[0][0])


_PROFILE_AGGREGATE = """
    profile_id, title_id, CAST(sum(seconds_viewed) AS BIGINT) AS seconds_viewed,
    CAST(sum(sessions) AS BIGINT) AS sessions, min(first_watched) AS first_watched,
    max(last_watched) AS last_watched"""


def append_profile_run(con: duckdb.DuckDBPyConnection, source: str) -> int:
    """Append the profile x title summary of ``source`` as a new run; return its rows."""
    row = con.execute("SELECT coalesce(max(run), 0) + 1 FROM profile_title_runs").fetchall()
    run = int(row[0][0])
    inserted = con.execute(
        f"INSERT INTO profile_title_runs BY NAME SELECT {run} AS run, * "
        f"FROM ({rollup_sql(source, 'profile')})"
    ).fetchone()
    return int(inserted[0]) if inserted else 0


def compact_runs(con: duckdb.DuckDBPyConnection) -> None:
    """Merge runs so that there are few, at the cost of the new data.

    The suffix of runs to merge is extended backwards while its total size is at least
    1/MERGE_RATIO of the next older run, and merged in one aggregation: over many loads each
    row is rewritten a logarithmic number of times, never the whole history per load.
    """
    sizes = con.execute(
        "SELECT run, count(*) FROM profile_title_runs GROUP BY run ORDER BY run"
    ).fetchall()
    runs = [(int(r), int(n)) for r, n in sizes]
    if len(runs) < 2:
        return
    first, total = len(runs) - 1, runs[-1][1]
    while first >= 1 and total * MERGE_RATIO >= runs[first - 1][1]:
        first -= 1
        total += runs[first][1]
    if first < len(runs) - 1:
        _merge_runs_from(con, runs[first][0])


def _merge_runs_from(con: duckdb.DuckDBPyConnection, oldest: int) -> None:
    """Replace the runs numbered ``oldest`` and up by one run of their sums."""
    found = con.execute("SELECT count(DISTINCT run), max(run) FROM profile_title_runs "
                        "WHERE run >= ?", [oldest]).fetchall()[0]
    if not found[0]:
        return
    merged_run = int(found[1]) + 1
    con.execute(
        f"""INSERT INTO profile_title_runs
        SELECT {merged_run} AS run, {_PROFILE_AGGREGATE} FROM profile_title_runs
        WHERE run >= ? GROUP BY profile_id, title_id""",
        [oldest],
    )
    con.execute("DELETE FROM profile_title_runs WHERE run >= ? AND run < ?",
                [oldest, merged_run])


def migrate_legacy_events(con: duckdb.DuckDBPyConnection) -> bool:
    """A store written before rollups kept every accepted event in a table ``events``: roll
    them up and fingerprint their ids once, so such a store builds and de-duplicates as before.
    The old table is left as it was. Returns whether anything was migrated."""
    found = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'main' "
        "AND table_name = 'events' AND NOT temporary"
    ).fetchall()
    if not found[0][0]:
        return False
    (needed,) = con.execute(
        "SELECT NOT EXISTS (SELECT 1 FROM daily_viewing) AND EXISTS (SELECT 1 FROM events)"
    ).fetchall()
    if not needed[0]:
        return False
    add_accepted(con, "events")
    con.execute(
        "INSERT INTO event_fingerprints SELECT DISTINCT md5_number(event_id) FROM events "
        "WHERE event_id IS NOT NULL"
    )
    return True
