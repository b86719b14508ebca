"""Write charts from the store in exactly the layout of Netflix's published files.

One writer for every source: engine-built charts (rounded to ``round_to``) and imported
Netflix charts (written back as stored, which reproduces the downloaded files byte for byte).
Layout: tab-separated, UTF-8, LF, one header row, no quoting, no newline after the last row,
``N/A`` for a missing season title, runtime in hours with at most four decimals.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import duckdb

from starchart.display import format_number, format_runtime
from starchart.errors import UsageError
from starchart.weeks import round_to

GLOBAL_FILE = "all-weeks-global.tsv"
COUNTRIES_FILE = "all-weeks-countries.tsv"
MOST_POPULAR_FILE = "most-popular.tsv"

GLOBAL_COLUMNS = (
    "week", "category", "weekly_rank", "show_title", "season_title",
    "weekly_hours_viewed", "runtime", "weekly_views", "cumulative_weeks_in_top_10",
)
COUNTRY_COLUMNS = (
    "country_name", "country_iso2", "week", "category", "weekly_rank",
    "show_title", "season_title", "cumulative_weeks_in_top_10",
)
MOST_POPULAR_COLUMNS = (
    "category", "rank", "show_title", "season_title",
    "hours_viewed_first_91_days", "runtime", "views_first_91_days",
)
MOST_POPULAR_WINDOW = 91  # days; Netflix's older files used 28


def _season(value: str | None) -> str:
    return "N/A" if value is None else value


def _rounded(value: float | None, unit: int | None) -> str:
    if value is None:
        return ""
    return format_number(value if unit is None else round_to(value, unit))


def _write(path: Path, header: Sequence[str], rows: Iterable[Sequence[str]]) -> int:
    lines = ["\t".join(header)]
    for row in rows:
        for cell in row:
            if "\t" in cell or "\n" in cell:
                raise ValueError(f"{path.name}: a value contains a tab or newline: {cell!r}")
        lines.append("\t".join(row))
    path.write_text("\n".join(lines), encoding="utf-8", newline="")
    return len(lines) - 1


def global_rows(
    con: duckdb.DuckDBPyConnection, source: str, unit: int | None
) -> list[list[str]]:
    """The global file's rows: newest week first, then category, then rank."""
    result: list[list[str]] = []
    for r in con.execute(
        """SELECT week, category, weekly_rank, show_title, season_title, weekly_hours_viewed,
                  runtime, weekly_views, cumulative_weeks_in_top_10
           FROM chart_global WHERE source = ?
           ORDER BY week DESC, category, weekly_rank""",
        [source],
    ).fetchall():
        result.append([
            r[0].isoformat(), r[1], str(r[2]), r[3], _season(r[4]), _rounded(r[5], unit),
            format_runtime(r[6]), _rounded(r[7], unit), str(r[8]),
        ])
    return result


def country_rows(con: duckdb.DuckDBPyConnection, source: str) -> list[list[str]]:
    """The countries file's rows: by country name, newest week first, category, rank."""
    rows: list[Any] = con.execute(
        """SELECT country_name, country_iso2, week, coalesce(published_category, category),
                  weekly_rank, show_title, season_title, cumulative_weeks_in_top_10
           FROM chart_country WHERE source = ?""",
        [source],
    ).fetchall()
    # Python's sort is by code point ("Russia" before "Réunion"), as Netflix's file is.
    rows.sort(key=lambda r: (r[0], -r[2].toordinal(), r[3], r[4]))
    return [
        [r[0], r[1], r[2].isoformat(), r[3], str(r[4]), r[5], _season(r[6]), str(r[7])]
        for r in rows
    ]


def most_popular_rows(
    con: duckdb.DuckDBPyConnection, source: str, unit: int | None
) -> list[list[str]]:
    """The most-popular file's rows: by category, then rank (every column of the current
    layout; :func:`most_popular_table` fits them to the rows' window)."""
    return most_popular_table(con, source, unit)[1]


def most_popular_table(
    con: duckdb.DuckDBPyConnection, source: str, unit: int | None
) -> tuple[tuple[str, ...], list[list[str]]]:
    """The most-popular file's header and rows, labelled with the rows' window.

    A 91-day list has today's seven columns. Netflix's older 28-day files ranked by hours and
    had no runtime or views, so for another window the columns that are empty in every row
    are left out: an imported 28-day file comes back with its own header.
    """
    found = con.execute(
        """SELECT category, rank, show_title, season_title, hours_viewed, runtime, views,
                  window_days
           FROM most_popular WHERE source = ? ORDER BY category, rank""",
        [source],
    ).fetchall()
    windows = sorted({r[7] for r in found})
    if len(windows) > 1:
        raise ValueError(f"most-popular lists of source {source} mix windows of "
                         f"{' and '.join(str(w) for w in windows)} days; one file has one")
    window = windows[0] if windows else MOST_POPULAR_WINDOW
    rows = [[r[0], str(r[1]), r[2], _season(r[3]), _rounded(r[4], unit),
             format_runtime(r[5]), _rounded(r[6], unit)] for r in found]
    header = tuple(c.replace(f"_first_{MOST_POPULAR_WINDOW}_days", f"_first_{window}_days")
                   for c in MOST_POPULAR_COLUMNS)
    if window != MOST_POPULAR_WINDOW:
        optional = ("runtime", f"views_first_{window}_days")
        keep = [i for i, name in enumerate(header)
                if name not in optional or any(row[i] != "" for row in rows)]
        header = tuple(header[i] for i in keep)
        rows = [[row[i] for i in keep] for row in rows]
    return header, rows


def export_charts(
    con: duckdb.DuckDBPyConnection,
    out_dir: str | Path,
    *,
    source: str,
    round_to_unit: int | None,
) -> dict[str, Any]:
    """Write the three files for ``source`` into ``out_dir``; ``round_to_unit=None`` keeps
    stored values as they are (how imported Netflix charts are written back)."""
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise UsageError("{path} is a file, not a folder: give {out} a folder to write the "
                         "three files into", path=str(out))
    out.mkdir(parents=True, exist_ok=True)
    counts = {
        GLOBAL_FILE: _write(out / GLOBAL_FILE, GLOBAL_COLUMNS,
                            global_rows(con, source, round_to_unit)),
        COUNTRIES_FILE: _write(out / COUNTRIES_FILE, COUNTRY_COLUMNS, country_rows(con, source)),
        MOST_POPULAR_FILE: _write(out / MOST_POPULAR_FILE,
                                  *most_popular_table(con, source, round_to_unit)),
    }
    return {
        "out": str(out),
        "source": source,
        "round_to": round_to_unit,
        "rows": counts,
        "files": [str(out / name) for name in counts],
    }
