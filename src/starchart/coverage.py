"""Which weeks each dataset covers, so that answers tell "no data" from "zero".

Netflix's files cover different spans: the global lists since 2021-07-04, weekly views only
since 2023-06-18, the country lists 2021-07-04 .. 2022-11-13 in the files we have, and the
engagement reports half-years from 2023 H1. ``refresh`` records them in the store's
``coverage`` table as spans of consecutive weeks (engine charts too); the pure functions below
answer "which of these weeks have data?" for the queries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

WEEK = dt.timedelta(days=7)

# dataset -> SQL of (source, scope, week) rows; fixed text, never user input
_WEEKLY = {
    "global": "SELECT DISTINCT source, '' AS scope, week FROM chart_global",
    "global-views": """SELECT DISTINCT source, '' AS scope, week FROM chart_global
                       GROUP BY source, week HAVING count(weekly_views) > 0""",
    "countries": """SELECT DISTINCT source, '' AS scope, week FROM chart_country
                    UNION SELECT DISTINCT source, country_iso2, week FROM chart_country""",
}


@dataclass(frozen=True)
class Span:
    """Consecutive chart weeks (Sundays) ``first`` .. ``last``."""

    first: dt.date
    last: dt.date

    @property
    def weeks(self) -> int:
        return (self.last - self.first).days // 7 + 1

    def as_dict(self) -> dict[str, object]:
        return {"first_week": self.first.isoformat(), "last_week": self.last.isoformat(),
                "weeks": self.weeks}


def refresh(con: duckdb.DuckDBPyConnection) -> None:
    """Recompute every span from the chart and engagement tables (inside the caller's
    transaction); cheap: one pass over distinct weeks."""
    con.execute("DELETE FROM coverage")
    for dataset, rows in _WEEKLY.items():
        con.execute(
            f"""INSERT INTO coverage
                WITH w AS ({rows}),
                g AS (SELECT source, scope, week,
                             week - 7 * (row_number() OVER (PARTITION BY source, scope
                                                            ORDER BY week))::INTEGER AS grp
                      FROM w)
                SELECT source, ?, scope, min(week), max(week), count(*)::INTEGER
                FROM g GROUP BY source, scope, grp""",
            [dataset])
    con.execute(
        """INSERT INTO coverage
           SELECT DISTINCT source, 'engagement', period, period_start, period_end, NULL
           FROM engagement""")
    con.execute(
        """INSERT INTO coverage
           SELECT source, 'engagement-views', period, min(period_start), min(period_end), NULL
           FROM engagement GROUP BY source, period HAVING count(views) > 0""")
    con.execute(
        """INSERT INTO coverage
           SELECT DISTINCT source, 'most-popular', '', NULL, NULL, NULL FROM most_popular""")


def has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """True when the store has table ``name`` (a store read-only from before a table was
    added to the schema lacks it)."""
    found = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?",
                        [name]).fetchall()
    return bool(found[0][0])


def spans_of(con: duckdb.DuckDBPyConnection, source: str, dataset: str,
             scope: str = "") -> list[Span]:
    """The spans of a weekly dataset: as recorded at import, or (engine charts, older
    stores) computed from the chart tables now."""
    if has_table(con, "coverage"):
        found = spans(con, source, dataset, scope)
        if found:
            return found
        recorded = con.execute("SELECT count(*) FROM coverage WHERE source = ?",
                               [source]).fetchall()
        if recorded[0][0]:
            return []  # the source's coverage is recorded, and has none of this dataset
    sql = _WEEKLY.get(dataset)
    if sql is None:
        return []
    weeks = [r[0] for r in con.execute(
        f"SELECT week FROM ({sql}) WHERE source = ? AND scope = ?", [source, scope]).fetchall()]
    return as_spans(weeks)


def spans(con: duckdb.DuckDBPyConnection, source: str, dataset: str,
          scope: str = "", *, table: str = "coverage") -> list[Span]:
    """The stored spans of one dataset (oldest first); ``table``: another database's
    (``previous_release.coverage``: a fixed name, never input)."""
    rows = con.execute(
        f"""SELECT first_day, last_day FROM {table}
            WHERE source = ? AND dataset = ? AND scope = ? AND first_day IS NOT NULL
            ORDER BY first_day""", [source, dataset, scope]).fetchall()
    return [Span(r[0], r[1]) for r in rows]


def listing(con: duckdb.DuckDBPyConnection, source: str | None = None) -> list[dict[str, object]]:
    """Every stored span, as plain data (for ``starchart coverage`` and the API)."""
    rows = con.execute(
        """SELECT source, dataset, scope, first_day, last_day, weeks FROM coverage
           WHERE ?::VARCHAR IS NULL OR source = ?
           ORDER BY source, dataset, scope, first_day""", [source, source]).fetchall()
    return [{"source": r[0], "dataset": r[1], "scope": r[2] or None,
             "first_day": r[3].isoformat() if r[3] else None,
             "last_day": r[4].isoformat() if r[4] else None, "weeks": r[5]} for r in rows]


# --- pure answers -----------------------------------------------------------------------------


def covers(found: list[Span], week: dt.date) -> bool:
    """True when ``week`` lies in one of the spans."""
    return any(s.first <= week <= s.last for s in found)


def split_weeks(found: list[Span], weeks: list[dt.date]) -> tuple[list[dt.date], list[dt.date]]:
    """(weeks with data, weeks without) among ``weeks``."""
    inside = [w for w in weeks if covers(found, w)]
    outside = [w for w in weeks if not covers(found, w)]
    return inside, outside


def as_spans(weeks: list[dt.date]) -> list[Span]:
    """Consecutive runs of the given Sundays."""
    out: list[Span] = []
    for week in sorted(set(weeks)):
        if out and week - out[-1].last == WEEK:
            out[-1] = Span(out[-1].first, week)
        else:
            out.append(Span(week, week))
    return out


def clip(found: list[Span], first: dt.date | None, last: dt.date | None) -> list[Span]:
    """The parts of the spans inside [first, last] (either bound may be open)."""
    out: list[Span] = []
    for s in found:
        start = max(s.first, first) if first else s.first
        end = min(s.last, last) if last else s.last
        if start <= end:
            # keep Sundays: a bound inside a week moves to that week's Sunday
            start = start + dt.timedelta(days=(6 - start.weekday()) % 7)
            end = end - dt.timedelta(days=(end.weekday() + 1) % 7)
            if start <= end:
                out.append(Span(start, end))
    return out


def label(found: list[Span]) -> str:
    """``2021-07-04 .. 2022-11-13 (72 weeks)``; several spans joined by ``; ``."""
    if not found:
        return "no data"
    return "; ".join(f"{s.first.isoformat()} .. {s.last.isoformat()} ({s.weeks} week"
                     f"{'s' if s.weeks != 1 else ''})" for s in found)
