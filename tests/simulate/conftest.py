"""A small simulated world, made once per test session and shared by the simulator tests.

Eight weeks ending 2025-04-27: the back catalogue plus Revelations' launch (2025-03-21),
with enough sessions (150,000 a week) for statistics to be stable.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from starchart.simulate import simulate

WORLD = {"weeks": 8, "profiles": 40_000, "titles": 200, "seed": 11, "end": "2025-04-27",
         "events_per_week": 150_000}
START = dt.date(2025, 3, 3)
END = dt.date(2025, 4, 27)


@dataclass
class World:
    """A simulated world on disk plus handy views of it."""

    out: Path
    result: dict[str, Any]
    manifest: dict[str, Any]

    @property
    def catalog_path(self) -> Path:
        return self.out / "catalog.csv"

    def events(self, columns: list[str] | None = None) -> pa.Table:
        """All events (Arrow), read the way any Parquet reader would."""
        return pq.read_table(self.out / "events", columns=columns)

    def connect(self) -> duckdb.DuckDBPyConnection:
        """DuckDB with ``catalog``, ``events`` and ``weekly`` (hours by week, title, country)."""
        con = duckdb.connect()
        con.execute("SET TimeZone = 'UTC'")
        con.execute(f"CREATE VIEW catalog AS SELECT * FROM read_csv('{self.catalog_path}', "
                    "header = true, all_varchar = true)")
        con.execute("CREATE VIEW events AS SELECT * FROM "
                    f"read_parquet('{self.out}/events/*.parquet')")
        con.execute("""
            CREATE TABLE weekly AS
            SELECT CAST(date_trunc('week', e.started_at) AS DATE) + 6 AS week, e.title_id,
                   e.country, any_value(c.kind) AS kind, any_value(c.original_language) AS lang,
                   any_value(CAST(c.release_date AS DATE)) AS release_date,
                   any_value(CAST(c.runtime_minutes AS DOUBLE)) AS runtime_minutes,
                   sum(e.seconds_viewed) / 3600.0 AS hours
            FROM events e JOIN catalog c USING (title_id)
            GROUP BY ALL""")
        return con


def make_world(out: Path, **overrides: Any) -> World:
    """Simulate the test world (or a variant of it) into ``out``."""
    params = {**WORLD, **overrides}
    result = simulate(out, **params)
    manifest = json.loads((out / "simulation.json").read_text(encoding="utf-8"))
    return World(out, result, manifest)


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    """The shared test world (read-only: tests must not write into it)."""
    return make_world(tmp_path_factory.mktemp("sim-world"))
