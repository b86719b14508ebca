"""Chart build speed: the same Ibis chart logic on DuckDB and on Spark, same simulated data.

The data comes from the simulator (``starchart.simulate``): a catalog and Parquet events.
DuckDB (the baseline): ``ingest`` into a fresh store, then ``build`` (the figure that
matters: charts from stored events), then ``export``. Spark: ``build --engine spark``, which
reads and validates the same files, computes the charts and writes the same exports. Printed:
seconds and events per second for each, the chart-computation time alone (without reading
the files), the ratios Spark / DuckDB, and whether the exports are byte-identical.

    .venv/bin/python benchmarks/bench_build.py [--events 1000000] [--weeks 8] [--no-spark]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

from starchart import api
from starchart.export import COUNTRIES_FILE, GLOBAL_FILE, MOST_POPULAR_FILE

CHART_STEPS = ("span", "global_lists", "country_lists", "most_popular")


def chart_seconds(report: dict[str, Any]) -> float:
    """Seconds spent computing the charts (not reading files, not writing)."""
    return sum(float(report["timings"].get(k, 0.0)) for k in CHART_STEPS)


def line(label: str, seconds: float, events: int, baseline: float | None = None) -> str:
    rate = events / seconds if seconds > 0 else float("inf")
    ratio = f"  x{seconds / baseline:6.2f} DuckDB" if baseline else ""
    return f"  {label:<38} {seconds:8.2f} s  {rate:>12,.0f} events/s{ratio}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000, help="events to simulate")
    parser.add_argument("--weeks", type=int, default=8, help="weeks to simulate")
    parser.add_argument("--titles", type=int, default=400)
    parser.add_argument("--no-spark", action="store_true", help="DuckDB only")
    parser.add_argument("--spark-master", default=None)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="starchart-bench-build-") as tmp:
        root = Path(tmp)
        sim = api.simulate(root / "world", weeks=args.weeks, titles=args.titles,
                           profiles=max(10_000, args.events // 20),
                           events_per_week=max(1, args.events // args.weeks), end="2025-06-29")
        catalog, events = root / "world" / "catalog.csv", [root / "world" / "events"]
        print(f"simulated {sim['events']:,} events, {sim['titles']} titles, {args.weeks} weeks")

        db = root / "store.duckdb"
        started = time.perf_counter()
        ingested = api.ingest(catalog=catalog, events=events, db=db)
        ingest_s = time.perf_counter() - started
        n = int(ingested["accepted"])
        started = time.perf_counter()
        built = api.build(db=db, train=False)
        build_s = time.perf_counter() - started
        started = time.perf_counter()
        api.export(root / "duckdb-out", db=db)
        export_s = time.perf_counter() - started
        duck_charts = chart_seconds(built)
        duck_total = ingest_s + build_s + export_s
        print(f"{n:,} accepted events, {built['week_count']} weeks built, rows: {built['rows']}")
        print("DuckDB (baseline)")
        print(line("build (charts from the store)", build_s, n))
        print(line("  of which chart queries", duck_charts, n))
        print(line("ingest + build + export", duck_total, n))
        if args.no_spark:
            return 0

        from starchart.engine.spark_session import get_spark

        started = time.perf_counter()
        spark = get_spark(args.spark_master)
        spark_start_s = time.perf_counter() - started
        from starchart.engine.spark_build import build_spark

        started = time.perf_counter()
        report = build_spark(catalog, events, root / "spark-out", spark=spark)
        spark_s = time.perf_counter() - started
        spark_charts = chart_seconds(report)
        print(f"Spark ({spark.sparkContext.master}, session start {spark_start_s:.1f} s "
              "not counted)")
        print(line("chart queries", spark_charts, n, duck_charts))
        print(line("files -> exports (read, validate, build)", spark_s, n, duck_total))
        same = all(
            (root / "duckdb-out" / f).read_bytes() == (root / "spark-out" / f).read_bytes()
            for f in (GLOBAL_FILE, COUNTRIES_FILE, MOST_POPULAR_FILE)
        )
        print(f"exports byte-identical: {'yes' if same else 'NO'}")
        from plots import save_bars

        print("plot:", save_bars("build-duckdb-vs-spark", f"{n:,} events: DuckDB vs Spark", {
            "DuckDB": {"chart queries": duck_charts, "files -> exports": duck_total},
            "Spark": {"chart queries": spark_charts, "files -> exports": spark_s},
        }, "seconds"))
        spark.stop()
        return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
