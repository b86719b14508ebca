"""Published charts: import speed of Netflix's real files and the latency of every question.

Import baselines, measured in the same run on the same file:
- floor: DuckDB's own ``CREATE TABLE AS SELECT * FROM read_csv(all_varchar, no quoting)``,
  the least any loader must do (no checks, no change tracking);
- row by row: ``executemany`` INSERTs of parsed rows (what the importer avoids), timed on
  the first rows and extrapolated to the file.
Question latency (median of several calls, each opening the store read-only as the CLI and
the web site do) is compared with opening the store and running ``SELECT count(*)``.

Engagement reports (the five real workbooks, ~82,000 rows), in the same run:
- floor: openpyxl in read-only mode handing back every cell's value, nothing else;
- pandas: ``pandas.read_excel(sheet_name=None, header=5)``, what an analyst would write;
- starchart: parsing with every check (``parse_report``), then the whole import (parse,
  replace, change log, title linking, coverage).

    .venv/bin/python benchmarks/bench_published.py [--data DIR] [--engagement DIR] [--repeat 5]
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb

from starchart import api, store

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
DEFAULT_DATA = SHARED / "netflix-top10"
DEFAULT_ENGAGEMENT = SHARED / "netflix-engagement"
ROW_BY_ROW_SAMPLE = 3_000


def timed(action: Callable[[], Any]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def floor_load(path: Path, folder: Path) -> float:
    con = duckdb.connect(str(folder / "floor.duckdb"))
    seconds = timed(lambda: con.execute(
        "CREATE TABLE t AS SELECT * FROM read_csv(?, delim='\t', header=true, quote='', "
        "escape='', all_varchar=true)", [str(path)]))
    con.close()
    return seconds


def row_by_row(path: Path, folder: Path) -> tuple[float, int]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))[1:]
    sample = rows[:ROW_BY_ROW_SAMPLE]
    con = store.connect(folder / "rowbyrow.duckdb")
    sql = """INSERT INTO chart_country (source, country_name, country_iso2, week, category,
                 published_category, weekly_rank, show_title, season_title,
                 cumulative_weeks_in_top_10) VALUES ('netflix', ?, ?, ?, ?, ?, ?, ?, ?, ?)"""
    params = [[r[0], r[1], r[2], r[3].split(" (")[0], r[3], int(r[4]), r[5],
               None if r[6] == "N/A" else r[6], int(r[7])] for r in sample]
    seconds = timed(lambda: con.executemany(sql, params))
    con.close()
    return seconds * len(rows) / len(sample), len(rows)


def engagement(folder: Path, tmp: Path) -> None:
    """Read the five reports three ways and import them; print figures and ratios."""
    import openpyxl
    import pandas as pd

    from starchart.published.engagement_files import parse_report

    reports = sorted(folder.glob("What_We_Watched_*.xlsx"))
    if not reports:
        print(f"skipped engagement: no reports at {folder} (set STARCHART_ENGAGEMENT_DATA)")
        return

    def floor() -> int:
        count = 0
        for path in reports:
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
            for sheet in book.worksheets:
                for _ in sheet.iter_rows(values_only=True):
                    count += 1
            book.close()
        return count

    def with_pandas() -> int:
        return sum(len(frame) for path in reports
                   for frame in pd.read_excel(path, sheet_name=None, header=5).values())

    rows = 0

    def parse_all() -> None:
        nonlocal rows
        rows = sum(parse_report(path).rows for path in reports)

    floor_s = timed(floor)
    pandas_s = timed(with_pandas)
    parse_s = timed(parse_all)
    db = tmp / "engagement.duckdb"
    import_s = timed(lambda: api.import_netflix(reports, db=db))
    again_s = timed(lambda: api.import_netflix(reports, db=db))
    print(f"engagement reports: {len(reports)} workbooks, {rows:,} title rows")
    print(f"  floor (openpyxl read-only, values only) {floor_s:7.2f} s  "
          f"{rows / floor_s:>9,.0f} rows/s")
    print(f"  pandas.read_excel (openpyxl engine)     {pandas_s:7.2f} s  "
          f"{rows / pandas_s:>9,.0f} rows/s  {pandas_s / floor_s:5.2f}x floor")
    print(f"  starchart parse + every check           {parse_s:7.2f} s  "
          f"{rows / parse_s:>9,.0f} rows/s  {parse_s / floor_s:5.2f}x floor, "
          f"{pandas_s / parse_s:5.2f}x faster than pandas")
    print(f"  starchart import (+ load, link, cover)  {import_s:7.2f} s  "
          f"{import_s / floor_s:5.2f}x floor")
    print(f"  re-import (diff + replace 5 half-years) {again_s:7.2f} s  "
          f"{again_s / floor_s:5.2f}x floor")


def median_seconds(action: Callable[[], Any], repeat: int) -> float:
    action()  # warm: imports, caches
    return statistics.median(timed(action) for _ in range(repeat))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path,
                        default=Path(os.environ.get("STARCHART_NETFLIX_DATA", DEFAULT_DATA)))
    parser.add_argument("--engagement", type=Path, default=Path(
        os.environ.get("STARCHART_ENGAGEMENT_DATA", DEFAULT_ENGAGEMENT)))
    parser.add_argument("--repeat", type=int, default=5)
    args, _ = parser.parse_known_args()
    data: Path = args.data
    if not (data / "all-weeks-countries.tsv").exists():
        print(f"skipped: Netflix's files not found at {data} (set STARCHART_NETFLIX_DATA)")
        return 0

    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
          "(figures stretch when others share the machine)")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        countries = data / "all-weeks-countries.tsv"
        # Warm the process (pyarrow, pandas, DuckDB load once) so the figures are the work.
        api.import_netflix(data / "most-popular.tsv", db=folder / "warm.duckdb")
        floor = floor_load(countries, folder)
        slow, rows = row_by_row(countries, folder)
        db = folder / "store.duckdb"
        mine = timed(lambda: api.import_netflix(countries, db=db))
        again = timed(lambda: api.import_netflix(countries, db=db))
        print(f"import all-weeks-countries.tsv ({rows:,} rows)")
        print(f"  floor (DuckDB read_csv, no checks)   {floor:7.3f} s")
        print(f"  starchart import netflix             {mine:7.3f} s  "
              f"{rows / mine:>9,.0f} rows/s  {mine / floor:5.1f}x floor")
        print(f"  re-import (diff + replace 35 weeks)  {again:7.3f} s  "
              f"{again / floor:5.1f}x floor")
        print(f"  row-by-row INSERTs (extrapolated)    {slow:7.3f} s  "
              f"{slow / mine:5.1f}x slower than the import")

        everything = timed(lambda: api.import_netflix(data, db=db))
        print(f"import all three files                 {everything:7.3f} s")
        engagement(args.engagement, folder)

        def open_and_count() -> None:
            with store.opened(db, read_only=True) as con:
                con.execute("SELECT count(*) FROM chart_global").fetchone()

        base = median_seconds(open_and_count, args.repeat)
        questions: dict[str, Callable[[], Any]] = {
            "title('Squid Game')": lambda: api.title("Squid Game", db=db),
            "title('Mantiss') (suggestions)": lambda: api.title("Mantiss", db=db),
            "title_by_slug('squid-game--season-1')":
                lambda: api.title_by_slug("squid-game--season-1", db=db),
            "week() latest": lambda: api.week(db=db),
            "week('2022-02-27', country='KR')":
                lambda: api.week("2022-02-27", country="KR", db=db),
            "leaders('weeks-at-1')": lambda: api.leaders("weeks-at-1", db=db),
            "leaders('countries')": lambda: api.leaders("countries", db=db),
            "leaders('views', since=2025-01-01)":
                lambda: api.leaders("views", since="2025-01-01", db=db),
            "search('kill boksun')": lambda: api.search("kill boksun", db=db),
            "most_popular()": lambda: api.most_popular(db=db),
        }
        print(f"questions on the real store (median of {args.repeat}); baseline: open the "
              f"store + count(*) = {base * 1000:.1f} ms")
        for name, action in questions.items():
            seconds = median_seconds(action, args.repeat)
            print(f"  {name:<40} {seconds * 1000:7.1f} ms  {seconds / base:5.1f}x baseline")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
