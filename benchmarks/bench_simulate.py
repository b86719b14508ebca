"""Simulator speed and memory: ``starchart simulate`` against writing random columns.

Figures, all measured in this run:

* events/s of the whole simulation (catalog, model, sessions, Parquet files) for a few
  sizes, wall clock and per CPU second (the machine is shared; CPU time is the steadier
  figure), next to the events/s of generating sessions without writing them;
* the baseline: building random columns of the same schema and size with pyarrow and
  writing them with the same Parquet settings, the least any writer of such files pays;
  the simulator's ratio to it;
* peak memory (max RSS of a fresh child process) for a small and a large run written in
  chunks: the ratio stays near 1 as events grow tenfold, so memory is bounded.

    .venv/bin/python benchmarks/bench_simulate.py                       # a few minutes
    .venv/bin/python benchmarks/bench_simulate.py --large 100000000     # the 100M run
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from starchart.simulate import simulate
from starchart.simulate.behaviour import EPOCH
from starchart.simulate.world import build_world

WEEKS = 26
END = "2025-12-28"


def run_simulation(out: Path, events: int) -> dict[str, float]:
    """One full simulation of about ``events`` events; wall and CPU seconds."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = simulate(out, weeks=WEEKS, end=END, events_per_week=events // WEEKS)
    return {"events": result["events"], "wall": time.perf_counter() - wall,
            "cpu": time.process_time() - cpu, "files": len(result["files"])}


def run_generation(events: int) -> dict[str, float]:
    """Sessions only (no strings, no Parquet): the model's own cost."""
    end = dt.date.fromisoformat(END)
    wall, cpu = time.perf_counter(), time.process_time()
    _, behaviour, _, start = build_world(weeks=WEEKS, profiles=100_000, titles=400, seed=1,
                                         end=end, events_per_week=events // WEEKS)
    first = int((np.datetime64(start, "D") - EPOCH).astype(np.int64))
    made = 0
    for i in range(7 * WEEKS):
        for chunk in behaviour.sessions(first + i, np.random.default_rng([1, 2, i]), 1_000_000):
            made += len(chunk)
    return {"events": made, "wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu}


def run_baseline(out: Path, events: int, rows_per_group: int = 500_000) -> dict[str, float]:
    """Random columns of the event schema, built with pyarrow and written the same way."""
    rng = np.random.default_rng(0)
    titles = pa.array([f"t{i:05d}" for i in range(409)])
    countries = pa.array([f"C{i:02d}" for i in range(94)])
    wall, cpu = time.perf_counter(), time.process_time()
    writer: pq.ParquetWriter | None = None
    done = 0
    while done < events:
        n = min(rows_per_group, events - done)
        ids = pc.cast(pa.array(np.arange(done, done + n)), pa.string())
        profiles = pc.cast(pa.array(rng.integers(0, 100_000, n)), pa.string())
        started = np.sort(rng.integers(0, 86_400_000_000, n)) + 1_750_000_000_000_000
        table = pa.table({
            "event_id": ids, "profile_id": profiles,
            "title_id": pa.DictionaryArray.from_arrays(
                pa.array(rng.integers(0, 409, n).astype(np.int32)), titles),
            "country": pa.DictionaryArray.from_arrays(
                pa.array(rng.integers(0, 94, n).astype(np.int32)), countries),
            "started_at": pa.Array.from_buffers(pa.timestamp("us", tz="UTC"), n,
                                                [None, pa.py_buffer(started)]),
            "seconds_viewed": pa.array(rng.integers(1, 10_000, n)),
        })
        if writer is None:
            writer = pq.ParquetWriter(out / "baseline.parquet", table.schema, compression="zstd",
                                      compression_level=1, use_dictionary=["title_id", "country"],
                                      store_schema=False)
        writer.write_table(table, row_group_size=n)
        done += n
    assert writer is not None
    writer.close()
    return {"events": events, "wall": time.perf_counter() - wall,
            "cpu": time.process_time() - cpu}


def child_peak(events: int) -> dict[str, float]:
    """Run one simulation in a fresh process and return its peak RSS (MiB) and timings."""
    code = subprocess.run(
        [sys.executable, __file__, "--child", str(events)], check=True, capture_output=True,
        text=True)
    return json.loads(code.stdout.strip().splitlines()[-1])


def _child(events: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        figures = run_simulation(Path(tmp), events)
    figures["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(figures))


def _line(label: str, f: dict[str, float]) -> str:
    return (f"{label:<34} {f['events']:>12,.0f} {f['wall']:>8.2f} {f['cpu']:>8.2f} "
            f"{f['events'] / f['wall']:>12,.0f} {f['events'] / f['cpu']:>12,.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000000,4000000",
                        help="comma-separated event counts for the speed runs")
    parser.add_argument("--small", type=int, default=2_000_000, help="memory run, small")
    parser.add_argument("--large", type=int, default=20_000_000, help="memory run, large")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args, _ = parser.parse_known_args()  # run_all.py passes every script the same flags
    if args.child:
        _child(args.child)
        return

    sizes = [int(s) for s in args.sizes.split(",") if s]
    with tempfile.TemporaryDirectory() as tmp:  # warm up: imports, codecs, first calls
        simulate(Path(tmp), weeks=1, end=END, events_per_week=50_000)
        run_baseline(Path(tmp), 50_000)
    print(f"simulate: {WEEKS} weeks to {END}, 409 titles, 100,000 profiles, 94 countries")
    print(f"{'run':<34} {'events':>12} {'wall s':>8} {'cpu s':>8} {'events/s':>12} "
          f"{'ev/cpu-s':>12}")
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            sim = run_simulation(Path(tmp), size)
            base = run_baseline(Path(tmp), int(sim["events"]))
        gen = run_generation(size)
        print(_line(f"simulate ({sim['files']:.0f} files)", sim))
        print(_line("  sessions only (no writing)", gen))
        print(_line("  baseline: random columns written", base))
        print(f"  ratio simulate / baseline: wall {sim['wall'] / base['wall']:.2f}x, "
              f"cpu {sim['cpu'] / base['cpu']:.2f}x")

    small, large = child_peak(args.small), child_peak(args.large)
    print("\nmemory: peak RSS of a fresh process simulating and writing in chunks")
    for label, f in (("small", small), ("large", large)):
        print(f"  {label:<6} {f['events']:>13,.0f} events  {f['peak_mib']:>8.0f} MiB peak  "
              f"{f['events'] / f['wall']:>12,.0f} events/s  {f['files']:.0f} files")
    print(f"  events x{large['events'] / small['events']:.1f} -> peak memory "
          f"x{large['peak_mib'] / small['peak_mib']:.2f} (bounded: independent of size)")


if __name__ == "__main__":
    main()
