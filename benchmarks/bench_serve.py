"""Latency of `starchart serve` under concurrent load: home, title and JSON endpoints.

Starts a real uvicorn server (the `starchart serve` CLI) on 127.0.0.1 in a subprocess, then
fires a bounded number of concurrent requests per endpoint from an asyncio httpx client
(loopback only, bounded count and time) and prints p50/p95/p99 latency and requests/s per
endpoint, with ratios against a static asset measured in the same run. Run twice: with the
site's memo (default) and with ``--no-cache`` (every request reaches the api, which opens the
store per call).

    python benchmarks/bench_serve.py                  # imports Netflix's files into a temp store
    python benchmarks/bench_serve.py --db my.duckdb --requests 200 --concurrency 8

Client and server share the machine's cores, so figures are for comparing endpoints and
modes within one run, not absolute capacity.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "netflix-top10"
ROTATE = 40  # distinct titles / weeks each rotating endpoint cycles through


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(db: Path, cache: bool) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    cmd = [sys.executable, "-m", "starchart.cli", "serve", "--db", str(db), "--port", str(port)]
    if not cache:
        cmd.append("--no-cache")
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            err = proc.stderr.read().decode() if proc.stderr else ""
            raise SystemExit(f"starchart serve failed:\n{err}")
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("starchart serve did not start within 60 s")


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


def endpoints(url: str) -> dict[str, list[str]]:
    """Each endpoint's URLs: fixed ones, or a rotation over many titles/weeks."""
    with httpx.Client(base_url=url, timeout=60) as http:
        weeks = [w["week"] for w in http.get("/weeks.json").json()["weeks"]][:ROTATE]
        leaders = http.get(f"/leaders.json?by=weeks-in-top-10&limit={ROTATE}").json()["rows"]
    slugs = [r["slug"] for r in leaders]
    return {
        "static /static/site.css (baseline)": ["/static/site.css"],
        "home /": ["/"],
        "home JSON /index.json": ["/index.json"],
        "title /title/<slug>": [f"/title/{s}" for s in slugs],
        "title JSON /title/<slug>.json": [f"/title/{s}.json" for s in slugs],
        "week JSON /week/<week>.json": [f"/week/{w}.json" for w in weeks],
    }


async def hammer(
    url: str, paths: list[str], requests: int, concurrency: int, limit_s: float
) -> tuple[list[float], float]:
    """Fire ``requests`` GETs, ``concurrency`` at a time; latencies (s) and wall time."""
    latencies: list[float] = []
    sem = asyncio.Semaphore(concurrency)
    deadline = time.monotonic() + limit_s
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as http:

        async def one(i: int) -> None:
            async with sem:
                if time.monotonic() > deadline:
                    return
                started = time.perf_counter()
                response = await http.get(paths[i % len(paths)])
                latencies.append(time.perf_counter() - started)
                if response.status_code != 200:
                    raise SystemExit(f"{paths[i % len(paths)]} answered {response.status_code}")

        began = time.perf_counter()
        await asyncio.gather(*(one(i) for i in range(requests)))
        wall = time.perf_counter() - began
    return latencies, wall


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def run_mode(db: Path, cache: bool, args: argparse.Namespace) -> dict[str, float]:
    """p99 latency in ms per endpoint for one mode (memo on or off)."""
    p99s: dict[str, float] = {}
    proc, url = start(db, cache)
    try:
        plan = endpoints(url)
        with httpx.Client(base_url=url, timeout=120) as http:  # warm: imports, memo, pages
            for paths in plan.values():
                for p in paths:
                    http.get(p)
        mode = "memo on (default)" if cache else "memo off (--no-cache: api per request)"
        print(f"\n{mode}: {args.requests} requests per endpoint, {args.concurrency} at a time")
        print(f"{'endpoint':40} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'req/s':>8} "
              f"{'p50 x':>6} {'p99 x':>6}")
        base: tuple[float, float] | None = None
        for name, paths in plan.items():
            lat, wall = asyncio.run(
                hammer(url, paths, args.requests, args.concurrency, args.time_limit)
            )
            p50, p95, p99 = (pct(lat, q) * 1000 for q in (0.50, 0.95, 0.99))
            if base is None:
                base = (p50, p99)
            p99s[name.split(" /")[0]] = p99
            print(f"{name:40} {p50:8.1f} {p95:8.1f} {p99:8.1f} {len(lat) / wall:8.0f} "
                  f"{p50 / base[0]:6.1f} {p99 / base[1]:6.1f}")
            if len(lat) < args.requests:
                print(f"  (stopped at the {args.time_limit:.0f} s limit after {len(lat)} requests)")
    finally:
        stop(proc)
    return p99s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="store to serve (default: import Netflix's files)")
    parser.add_argument("--data", type=Path,
                        default=Path(os.environ.get("STARCHART_NETFLIX_DATA", DEFAULT_DATA)))
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--time-limit", type=float, default=60.0, help="seconds per endpoint")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db
        if db is None:
            if not (args.data / "all-weeks-global.tsv").exists():
                print(f"bench_serve: skipped, no --db and no Netflix files at {args.data}")
                return
            from starchart import api

            db = Path(tmp) / "bench.duckdb"
            started = time.perf_counter()
            api.import_netflix([args.data], db=db)
            print(f"imported {args.data} in {time.perf_counter() - started:.1f}s")
        print(f"store: {db} ({db.stat().st_size / 1e6:.1f} MB); {os.cpu_count()} cores shared "
              "by client and server")
        groups = {("memo on" if cache else "memo off"): run_mode(db, cache, args)
                  for cache in (True, False)}
        from plots import save_bars

        print("plot:", save_bars("serve-p99", f"p99 latency, {args.concurrency} concurrent "
                                 "clients", groups, "ms"))


if __name__ == "__main__":
    main()
