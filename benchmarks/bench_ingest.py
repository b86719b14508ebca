"""Ingest speed: ``starchart ingest`` against a plain DuckDB copy of the same file.

The baseline is the least any loader must do: ``CREATE TABLE AS SELECT * FROM read_...`` of
the same file into a fresh store. The ingest then also reads every column as text, validates
and classifies each row (the shared Ibis expression), de-duplicates event ids and writes
events, quarantine and the file record in one transaction. Figures: seconds, rows per second
and the ratio to the baseline, for Parquet (the simulator's format) and gzip CSV.

    .venv/bin/python benchmarks/bench_ingest.py [--rows 5000000] [--csv-rows 1000000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import duckdb

from starchart import store
from starchart.engine.ingest import ingest_into


def make_inputs(folder: Path, rows: int, csv_rows: int) -> tuple[Path, Path, Path]:
    """A 2,000-title catalog and events with ~1% bad rows and ~0.1% repeated event ids."""
    con = duckdb.connect()
    catalog = folder / "catalog.csv"
    con.execute(
        f"""COPY (SELECT 't' || i AS title_id, 'Title ' || i AS show_title,
                   CASE WHEN i % 2 = 0 THEN 'Title ' || i || ': Season 1' END AS season_title,
                   CASE WHEN i % 2 = 0 THEN 'tv' ELSE 'film' END AS kind,
                   CASE WHEN i % 3 = 0 THEN 'ko' ELSE 'en' END AS original_language,
                   90 + i % 400 AS runtime_minutes,
                   DATE '2024-01-01' + CAST(i % 400 AS INTEGER) AS release_date,
                   i % 5 = 0 AS original
            FROM range(2000) t(i)) TO '{catalog}' (HEADER)"""
    )
    events_sql = """SELECT
        'e' || (CASE WHEN i % 1000 = 7 THEN i - 1 ELSE i END) AS event_id,
        'p' || (i % 500000) AS profile_id,
        't' || (CASE WHEN i % 997 = 3 THEN 99999 ELSE (i * 7919) % 2000 END) AS title_id,
        CASE WHEN i % 1009 = 5 THEN 'UK' ELSE (['US','GB','KR','DE','BR','JP'])[1 + i % 6] END
            AS country,
        CASE WHEN i % 2 = 0
             THEN strftime(TIMESTAMP '2025-01-06' + to_seconds(i % 7776000), '%Y-%m-%dT%H:%M:%SZ')
             ELSE strftime(TIMESTAMP '2025-01-06' + to_seconds(i % 7776000), '%Y-%m-%d %H:%M:%S')
        END AS started_at,
        CASE WHEN i % 1013 = 9 THEN -5 ELSE 60 + i % 7200 END AS seconds_viewed
        FROM range({n}) t(i)"""
    parquet = folder / "events.parquet"
    con.execute(f"COPY ({events_sql.format(n=rows)}) TO '{parquet}' (FORMAT parquet)")
    csv_gz = folder / "events.csv.gz"
    con.execute(f"COPY ({events_sql.format(n=csv_rows)}) TO '{csv_gz}' (HEADER)")
    con.close()
    return catalog, parquet, csv_gz


def baseline(folder: Path, source: str) -> float:
    db = folder / f"baseline-{time.monotonic_ns()}.duckdb"
    con = duckdb.connect(str(db))
    started = time.perf_counter()
    con.execute(f"CREATE TABLE copy AS SELECT * FROM {source}")
    elapsed = time.perf_counter() - started
    con.close()
    db.unlink()
    return elapsed


def timed_ingest(folder: Path, catalog: Path, events: Path) -> tuple[float, dict[str, object]]:
    db = folder / f"ingest-{time.monotonic_ns()}.duckdb"
    with store.opened(db) as con:
        ingest_into(con, catalog=catalog)
        started = time.perf_counter()
        report = ingest_into(con, events=[events])
        elapsed = time.perf_counter() - started
    db.unlink()
    return elapsed, report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5_000_000, help="Parquet events")
    parser.add_argument("--csv-rows", type=int, default=1_000_000, help="gzip CSV events")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="starchart-bench-") as tmp:
        folder = Path(tmp)
        catalog, parquet, csv_gz = make_inputs(folder, args.rows, args.csv_rows)
        cases = [
            ("parquet", parquet, f"read_parquet('{parquet}')", args.rows),
            ("csv.gz", csv_gz, f"read_csv('{csv_gz}')", args.csv_rows),
        ]
        for label, path, source, n in cases:
            base = baseline(folder, source)
            took, report = timed_ingest(folder, catalog, path)
            assert report["read"] == n, report
            print(
                f"{label:8} {n:>11,} rows  baseline copy {base:6.2f}s ({n / base:>12,.0f} rows/s)"
                f"  ingest {took:6.2f}s ({n / took:>12,.0f} rows/s)  ratio {took / base:4.1f}x"
                f"  accepted {report['accepted']:,} quarantined {report['quarantined']:,}"
                f" duplicates {report['duplicates']:,}"
            )


if __name__ == "__main__":
    main()
