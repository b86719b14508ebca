"""What publishing a chart release costs: the week it adds, not the history.

On Netflix's real files (every week of the global lists since 2021, and the country lists;
STARCHART_NETFLIX_DATA), in one run, each step in this process:

1. import every week but the newest: the first release (every page computed);
2. import the files whole, adding the newest week: its release begins as a copy of the one
   before, patches the store's rows that differ and computes the pages of the week's titles;
3. the same charts published afresh (``publish --full``): what step 2 would cost if every
   release were rebuilt whole, the baseline.

Prints each release's seconds, what it wrote and computed, and the ratio of the weekly
release to the full one (a release that cost the history would be near 1x), and saves a bar
chart to benchmarks/results/publish.png. The machine is shared: the ratio within one run is
the comparable figure; the load average is printed with it.

    python benchmarks/bench_publish.py
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from starchart import api, releases

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "netflix-top10"
FILES = ("all-weeks-global.tsv", "all-weeks-countries.tsv")


def without_newest_week(data: Path, out: Path) -> str:
    """Copy the lists of ``data`` into ``out`` without their newest week (a temporary folder,
    never the project); returns that week."""
    out.mkdir(parents=True)
    with open(data / FILES[0], encoding="utf-8", newline="") as handle:
        newest = max(row["week"] for row in csv.DictReader(handle, delimiter="\t"))
    for name in FILES:
        with (open(data / name, encoding="utf-8", newline="") as source,
              open(out / name, "w", encoding="utf-8", newline="") as target):
            lines = source.read().split("\n")
            header = lines[0].split("\t")
            at = header.index("week")
            kept = [lines[0], *(line for line in lines[1:]
                                if line and line.split("\t")[at] != newest)]
            target.write("\n".join(kept))
    return newest


def timed(label: str, run: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Run an import (its answer holds the release) or a publish (its answer is one)."""
    started = time.perf_counter()
    result = run()
    release = result["release"] if isinstance(result["release"], dict) else result
    rows = release["rows"]
    print(f"{label:<46} {release['seconds']:>6.2f} s publishing "
          f"(whole call {time.perf_counter() - started:.2f} s); release {release['release']}: "
          f"{rows.get('title_pages')} title pages, {rows.get('week_pages')} week pages "
          f"computed, {sum(rows.get('store_rows_written', {}).values()):,} store rows "
          "written")
    made = rows.get("title_bodies") or {}
    print(f"{'':<46} title and show pages' HTML: {made.get('looked_at')} looked at, "
          f"{made.get('rendered')} rendered, {made.get('deleted')} dropped; "
          f"{made.get('pages')} in the release")
    return release


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path,
                        default=Path(os.environ.get("STARCHART_NETFLIX_DATA", DEFAULT_DATA)))
    args = parser.parse_args()
    if not all((args.data / name).exists() for name in FILES):
        print(f"Netflix's files are not in {args.data} (set STARCHART_NETFLIX_DATA)")
        return 1
    with tempfile.TemporaryDirectory(prefix="bench-publish-") as tmp:
        db = Path(tmp) / "store.duckdb"
        newest = without_newest_week(args.data, Path(tmp) / "earlier")
        print(f"load average {os.getloadavg()[0]:.2f} (2 cores, shared)")
        first = timed("1. import all weeks but " + newest,
                      lambda: api.import_netflix([Path(tmp) / "earlier"], db=db))
        weekly = timed(f"2. import the week of {newest}",
                       lambda: api.import_netflix([args.data / n for n in FILES], db=db))
        full = timed("3. the same charts published afresh (--full)",
                     lambda: releases.publish(db, force=True, full=True))
        print(f"load average {os.getloadavg()[0]:.2f}")
    ratio = weekly["seconds"] / full["seconds"]
    print(f"weekly release / full release: {ratio:.2f}x "
          f"({weekly['changes']['weeks_added']} list week(s) added of "
          f"{first['changes']['weeks_added'] + weekly['changes']['weeks_added']})")
    from plots import save_bars

    path = save_bars("publish", "Publishing a release: a week added vs. all of it",
                     {"seconds": {"first release (all weeks)": first["seconds"],
                                  "weekly release": weekly["seconds"],
                                  "same release, computed afresh": full["seconds"]}},
                     "seconds")
    print(f"plot: {path}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(main())
