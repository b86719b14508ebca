"""The engine at streaming scale: starchart against what a data team would write instead.

For each size, a simulated world (``starchart simulate``, Parquet) of 9 weeks is split into
the first 8 weeks (N events: the history) and the 9th (N/8 events: the next week). In one
run, on the same files, each step runs as a whole process (Python start-up included), timed
with its peak resident memory (``/usr/bin/time``):

* floor: hand-written DuckDB SQL, Parquet straight to the weekly global and country lists;
* Polars (lazy scan, streaming) and pandas (up to ``--pandas-max`` events), the same lists;
* ``starchart ingest`` of the history, then ``starchart build``;
* adding the next week: ``starchart ingest`` of its files, then ``starchart build``, against
  the floor computed on that week's files alone;
* the writes floor: hand-written DuckDB SQL that writes into a DuckDB file only what the issue
  requires an ingest to keep (a 128-bit fingerprint of each new event id, checked against the
  stored ones; the daily rollup; the profile x title summary), under starchart's default
  memory limit, for the history and then for the next week into the same file. It is a lower
  bound of that work: it validates nothing, counts nothing, quarantines nothing, merges no
  days and does not de-duplicate rows within a load. starchart's ingest is compared with it.

Printed: seconds, events per second, peak RSS and the ratio to the floor, per size; a
log-log plot of seconds against events goes to ``benchmarks/results/bench_scale.png``. For
starchart's commands the time they report themselves (``--json``, without Python start-up
and imports) is printed too, as "in-process".
Worlds are kept under ``--data`` (default /work/bench-data; ~20 bytes per event) and reused.

    .venv/bin/python benchmarks/bench_scale.py --events 1000000 10000000 [100000000]
    .venv/bin/python benchmarks/bench_scale.py --events 1000000000 --data /big/disk  # ~20 GB
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from dataclasses import dataclass
from pathlib import Path

from starchart.engine.resources import default_memory_limit

HERE = Path(__file__).resolve().parent
VENV_BIN = Path(sys.executable).parent
WEEKS = 8
END = "2025-06-29"  # a Sunday: the 9 simulated weeks end here

FLOOR = r"""
import duckdb, sys
files, catalog = sys.argv[1], sys.argv[2]
con = duckdb.connect()
con.execute("SET enable_progress_bar = false")
n = con.execute(f'''
WITH e AS (
    SELECT CAST(date_trunc('week', timezone('UTC', started_at)) AS DATE) + 6 AS week,
           country, title_id, seconds_viewed
    FROM read_parquet('{files}')),
t AS (
    SELECT title_id, kind, original_language AS lang, CAST(runtime_minutes AS DOUBLE) / 60 AS rt
    FROM read_csv('{catalog}', header = true, all_varchar = true)),
g AS (SELECT week, title_id, sum(seconds_viewed) / 3600.0 AS hours FROM e GROUP BY ALL),
c AS (SELECT week, country, title_id, sum(seconds_viewed) / 3600.0 AS hours FROM e GROUP BY ALL),
gl AS (
    SELECT week, title_id, hours, hours / rt AS views,
           kind || CASE WHEN lang = 'en' THEN ' en' ELSE ' other' END AS list
    FROM g JOIN t USING (title_id)
    QUALIFY row_number() OVER (PARTITION BY week, list
                               ORDER BY views DESC, hours DESC, title_id) <= 10),
cl AS (
    SELECT week, country, title_id, kind AS list, hours / rt AS views, hours
    FROM c JOIN t USING (title_id)
    QUALIFY row_number() OVER (PARTITION BY week, country, list
                               ORDER BY views DESC, hours DESC, title_id) <= 10)
SELECT (SELECT count(*) FROM gl), (SELECT count(*) FROM cl)''').fetchone()
print(n)
"""

WRITES = r"""
import duckdb, sys
files, db, limit = sys.argv[1], sys.argv[2], sys.argv[3]
con = duckdb.connect(db)
con.execute(f"SET memory_limit = '{limit}'")
con.execute("SET preserve_insertion_order = false")
con.execute("SET enable_progress_bar = false")
con.execute('''
CREATE TABLE IF NOT EXISTS fingerprints (fingerprint UHUGEINT NOT NULL);
CREATE TABLE IF NOT EXISTS daily (day DATE, country VARCHAR, title_id VARCHAR,
    seconds_viewed BIGINT, events BIGINT);
CREATE TABLE IF NOT EXISTS profile_title (profile_id VARCHAR, title_id VARCHAR,
    seconds_viewed BIGINT, sessions BIGINT, first_watched TIMESTAMP, last_watched TIMESTAMP)''')
con.execute("BEGIN")
con.execute(f'''CREATE TEMP TABLE e AS SELECT md5_number(event_id) AS fingerprint, profile_id,
    title_id, country, timezone('UTC', started_at) AS started_at, seconds_viewed
    FROM read_parquet('{files}')''')
con.execute('''INSERT INTO fingerprints SELECT e.fingerprint FROM e
    ANTI JOIN fingerprints f ON e.fingerprint = f.fingerprint''')
con.execute('''INSERT INTO daily SELECT CAST(started_at AS DATE), country, title_id,
    sum(seconds_viewed), count(*) FROM e GROUP BY ALL''')
con.execute('''INSERT INTO profile_title SELECT profile_id, title_id, sum(seconds_viewed),
    count(*), min(started_at), max(started_at) FROM e GROUP BY ALL''')
con.execute("COMMIT")
print(con.execute("SELECT count(*) FROM fingerprints").fetchone()[0])
"""

POLARS = r"""
import polars as pl, sys
files, catalog = sys.argv[1], sys.argv[2]
e = pl.scan_parquet(files).select(
    week=pl.col("started_at").dt.convert_time_zone("UTC").dt.truncate("1w").dt.date()
        + pl.duration(days=6),
    country="country", title_id="title_id", seconds="seconds_viewed")
t = pl.scan_csv(catalog, infer_schema=False).select(
    "title_id", "kind", lang="original_language",
    rt=pl.col("runtime_minutes").cast(pl.Float64) / 60)
def top(keys):
    v = (e.group_by(keys).agg(hours=pl.col("seconds").sum() / 3600).join(t, on="title_id")
         .with_columns(views=pl.col("hours") / pl.col("rt"),
                       list=pl.col("kind") + pl.when(pl.col("lang") == "en")
                       .then(pl.lit(" en")).otherwise(pl.lit(" other"))))
    part = [k for k in keys if k != "title_id"] + ["list"]
    return (v.sort(["views", "hours", "title_id"], descending=[True, True, False])
             .with_columns(rank=pl.int_range(1, pl.len() + 1).over(part))
             .filter(pl.col("rank") <= 10))
g, c = pl.collect_all([top(["week", "title_id"]), top(["week", "country", "title_id"])],
                      engine="streaming")
print(g.height, c.height)
"""

PANDAS = r"""
import pandas as pd, pyarrow.dataset as ds, sys, glob
files, catalog = sys.argv[1], sys.argv[2]
e = ds.dataset(sorted(glob.glob(files))).to_table(
    columns=["started_at", "country", "title_id", "seconds_viewed"]).to_pandas()
e["week"] = (e["started_at"].dt.tz_convert("UTC").dt.tz_localize(None).dt.normalize()
             - pd.to_timedelta(e["started_at"].dt.dayofweek, unit="D")
             + pd.Timedelta(days=6))
t = pd.read_csv(catalog, dtype=str)
t["rt"] = t["runtime_minutes"].astype(float) / 60
t["list"] = t["kind"] + t["original_language"].eq("en").map({True: " en", False: " other"})
def top(keys):
    v = e.groupby(keys, observed=True)["seconds_viewed"].sum().reset_index()
    v["hours"] = v["seconds_viewed"] / 3600
    v = v.merge(t[["title_id", "rt", "list"]], on="title_id")
    v["views"] = v["hours"] / v["rt"]
    v = v.sort_values(["views", "hours", "title_id"], ascending=[False, False, True])
    part = [k for k in keys if k != "title_id"] + ["list"]
    v["rank"] = v.groupby(part, observed=True).cumcount() + 1
    return v[v["rank"] <= 10]
print(len(top(["week", "title_id"])), len(top(["week", "country", "title_id"])))
"""


@dataclass
class Run:
    label: str
    seconds: float
    peak_mb: float
    events: int
    detail: str = ""

    @property
    def inside(self) -> float | None:
        """A starchart command's own time (its --json report), without Python start-up."""
        try:
            report = json.loads(self.detail)
        except ValueError:
            return None
        if not isinstance(report, dict):  # (a baseline's own output)
            return None
        wall = report.get("timings", {}).get("wall", report.get("seconds"))
        return float(wall) if wall is not None else None


def timed(label: str, argv: list[str], events: int, env: dict[str, str] | None = None) -> Run:
    """Run ``argv`` as its own process; wall seconds and peak RSS from /usr/bin/time."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as stats:
        done = subprocess.run(
            ["/usr/bin/time", "-f", "%e %M", "-o", stats.name, *argv],
            capture_output=True, text=True, env={**os.environ, **(env or {})}, check=False)
        if done.returncode != 0:
            raise SystemExit(f"{label} failed:\n{done.stderr[-3000:]}")
        seconds, kb = stats.read().split()[-2:]
    return Run(label, float(seconds), int(kb) / 1024, events, done.stdout.strip())


def world(data: Path, events: int) -> tuple[Path, Path, Path, int, int]:
    """A 9-week simulated world split into history (8 weeks) and next week; cached."""
    root = data / f"scale-{events}"
    done = root / "split.json"
    if not done.exists():
        if root.exists():
            shutil.rmtree(root)
        per_week = events // WEEKS
        print(f"simulating {events + per_week:,} events (9 weeks) into {root} ...", flush=True)
        subprocess.run(
            [str(VENV_BIN / "starchart"), "simulate", "--out", str(root / "world"),
             "--weeks", str(WEEKS + 1), "--events-per-week", str(per_week), "--profiles",
             str(max(10_000, per_week // 3)), "--titles", "400", "--end", END, "--seed", "8",
             "--json"], check=True, stdout=subprocess.DEVNULL)
        split = textwrap.dedent(f"""
            import duckdb
            con = duckdb.connect()
            con.execute("SET enable_progress_bar = false")
            con.execute("SET preserve_insertion_order = true")
            src = "read_parquet('{root}/world/events/*.parquet')"
            last = "DATE '{END}' - 6"
            for name, cond in (("history", f"started_at < {{last}}"),
                               ("next-week", f"started_at >= {{last}}")):
                con.execute(f"COPY (SELECT * FROM {{src}} WHERE timezone('UTC', started_at) "
                            f"{{cond[11:]}}) TO '{root}/{{name}}' (FORMAT parquet, "
                            "ROW_GROUP_SIZE 500000, FILE_SIZE_BYTES '24MB')")
                print("COUNT", name, con.execute(f"SELECT count(*) FROM read_parquet("
                                        f"'{root}/{{name}}/*.parquet')").fetchone()[0])
            """)
        out = subprocess.run([sys.executable, "-c", split], check=True, capture_output=True,
                             text=True).stdout.splitlines()
        found = dict(line.split()[1:] for line in out if line.startswith("COUNT "))
        counts = {"history": int(found["history"]), "next_week": int(found["next-week"])}
        shutil.rmtree(root / "world" / "events")
        done.write_text(json.dumps(counts))
    counts = json.loads(done.read_text())
    return (root / "world" / "catalog.csv", root / "history", root / "next-week",
            counts["history"], counts["next_week"])


def measure(data: Path, events: int, pandas_max: int, scratch: Path) -> dict[str, Run]:
    catalog, history, next_week, n, n_next = world(data, events)
    py, cli = sys.executable, str(VENV_BIN / "starchart")
    glob_history, glob_next = f"{history}/*.parquet", f"{next_week}/*.parquet"
    runs: dict[str, Run] = {}
    runs["floor"] = timed("DuckDB SQL floor", [py, "-c", FLOOR, glob_history, str(catalog)], n)
    runs["polars"] = timed("Polars lazy scan", [py, "-c", POLARS, glob_history, str(catalog)], n)
    if n <= pandas_max:
        runs["pandas"] = timed("pandas", [py, "-c", PANDAS, glob_history, str(catalog)], n)
    db = scratch / f"store-{events}.duckdb"
    writes_db = scratch / f"writes-{events}.duckdb"
    for leftover in [*scratch.glob(f"store-{events}*"), *scratch.glob(f"writes-{events}*")]:
        shutil.rmtree(leftover) if leftover.is_dir() else leftover.unlink()
    limit = default_memory_limit()
    runs["writes"] = timed("writes floor (hand-written SQL)",
                           [py, "-c", WRITES, glob_history, str(writes_db), limit], n)
    runs["writes_next"] = timed("writes floor, next week",
                                [py, "-c", WRITES, glob_next, str(writes_db), limit], n_next)
    runs["ingest"] = timed("starchart ingest", [cli, "ingest", "--catalog", str(catalog),
                                                str(history), "--db", str(db), "--json"], n)
    # the charts alone: training (bench_discovery.py measures it) is not what this compares
    runs["build"] = timed("starchart build",
                          [cli, "build", "--no-train", "--db", str(db), "--json"], n)
    runs["floor_next"] = timed("DuckDB SQL floor, next week only",
                               [py, "-c", FLOOR, glob_next, str(catalog)], n_next)
    runs["ingest_next"] = timed("starchart ingest, next week",
                                [cli, "ingest", str(next_week), "--db", str(db), "--json"],
                                n_next)
    runs["build_next"] = timed("starchart build, next week",
                               [cli, "build", "--no-train", "--db", str(db), "--json"], n_next)
    for path in [*scratch.glob(f"store-{events}*"), *scratch.glob(f"writes-{events}*")]:
        shutil.rmtree(path) if path.is_dir() else path.unlink()
    return runs


def report(events: int, runs: dict[str, Run]) -> str:
    floor, floor_next = runs["floor"].seconds, runs["floor_next"].seconds
    lines = [f"\n{runs['floor'].events:,} events (8 weeks); next week "
             f"{runs['floor_next'].events:,} events",
             f"  {'step':<34} {'seconds':>8} {'events/s':>12} {'peak RSS':>9} {'vs floor':>9}"
             f"  {'in-process':>10}"]

    def row(label: str, seconds: float, n: int, mb: float, base: float,
            inside: float | None = None) -> str:
        rate = n / seconds if seconds else float("inf")
        own = f"  {inside:8.1f}s" if inside is not None else ""
        return (f"  {label:<34} {seconds:8.1f} {rate:12,.0f} {mb / 1024:8.2f}G "
                f"{seconds / base:8.2f}x{own}")

    for key in ("floor", "polars", "pandas", "writes", "ingest", "build"):
        if key in runs:
            r = runs[key]
            lines.append(row(r.label, r.seconds, r.events, r.peak_mb, floor, r.inside))
    both = runs["ingest"].seconds + runs["build"].seconds
    peak = max(runs["ingest"].peak_mb, runs["build"].peak_mb)
    lines.append(row("starchart ingest + build", both, runs["ingest"].events, peak, floor))
    for key in ("floor_next", "writes_next", "ingest_next", "build_next"):
        r = runs[key]
        lines.append(row(r.label, r.seconds, r.events, r.peak_mb, floor_next, r.inside))
    week = runs["ingest_next"].seconds + runs["build_next"].seconds
    lines.append(row("add a week: ingest + build", week, runs["floor_next"].events,
                     max(runs["ingest_next"].peak_mb, runs["build_next"].peak_mb), floor_next))
    # what ingest must keep, written by hand: how far starchart's ingest is from that work
    for key, ingest in (("writes", "ingest"), ("writes_next", "ingest_next")):
        r = runs[ingest]
        lines.append(f"  {r.label + ' vs ' + runs[key].label.split(' (')[0]:<58} "
                     f"{r.seconds / runs[key].seconds:8.2f}x")
    return "\n".join(lines)


def plot(all_runs: dict[int, dict[str, Run]]) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = sorted(all_runs)
    fig, ax = plt.subplots(figsize=(7.5, 5))
    series = {"DuckDB SQL floor": "floor", "Polars lazy": "polars", "pandas": "pandas",
              "writes floor (what ingest keeps)": "writes",
              "starchart ingest": "ingest", "starchart build": "build"}
    for label, key in series.items():
        xs = [all_runs[s][key].events for s in sizes if key in all_runs[s]]
        ys = [all_runs[s][key].seconds for s in sizes if key in all_runs[s]]
        if xs:
            ax.plot(xs, ys, marker="o", label=label)
    xs = [all_runs[s]["ingest"].events for s in sizes]
    ys = [all_runs[s]["ingest"].seconds + all_runs[s]["build"].seconds for s in sizes]
    ax.plot(xs, ys, marker="s", linestyle="--", label="starchart ingest + build")
    xs = [all_runs[s]["ingest"].events for s in sizes]
    ys = [all_runs[s]["ingest_next"].seconds + all_runs[s]["build_next"].seconds for s in sizes]
    ax.plot(xs, ys, marker="^", linestyle=":", label="add 1 week to that history")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("events in the history (8 weeks)")
    ax.set_ylabel("seconds, whole process (log)")
    ax.set_title("Cost against events (same files, one run)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    out = HERE / "results" / "bench_scale.png"
    out.parent.mkdir(exist_ok=True)
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, nargs="+", default=[1_000_000, 10_000_000],
                        help="history sizes (events in 8 weeks), e.g. 1000000 10000000 "
                             "100000000; 1000000000 needs ~20 GB of disk")
    parser.add_argument("--data", type=Path, default=Path("/work/bench-data"),
                        help="where simulated worlds are kept and reused")
    parser.add_argument("--pandas-max", type=int, default=12_000_000,
                        help="skip pandas above this many events (it holds them all)")
    args = parser.parse_args()
    args.data.mkdir(parents=True, exist_ok=True)
    all_runs: dict[int, dict[str, Run]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-scale-", dir=args.data) as tmp:
        for events in sorted(args.events):
            all_runs[events] = measure(args.data, events, args.pandas_max, Path(tmp))
            print(report(events, all_runs[events]), flush=True)
    print(f"\nplot: {plot(all_runs)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
