"""Load Netflix's published files into the store, next to the engine's charts.

Every file of one call is parsed and checked first; only then does one transaction replace
the weeks (or the half-year) the files cover (source ``netflix``), record what Netflix
rewrote in what was already stored (:mod:`starchart.published.changes`), log each file, link
every row to its work (:mod:`starchart.published.identity`) and recompute the coverage
(:mod:`starchart.coverage`). A bad file therefore leaves the store exactly as it was, a
re-import never counts a week twice, and a file narrower than what is stored (a download
without views over weeks that have them) is refused instead of erasing published figures.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import duckdb

from starchart import coverage, store
from starchart.published import changes, identity
from starchart.published.engagement_files import ParsedReport, is_engagement_name, parse_report
from starchart.published.netflix_files import (
    NetflixFileError,
    ParsedFile,
    find_files,
    kind_from_name,
    parse_file,
)

Progress = Callable[[str, int, int], None]
"""``progress(message, done, total)`` is called as each file is parsed and loaded."""

_INSERT = {
    "global": """
        INSERT INTO chart_global (source, week, category, weekly_rank, title_id, show_title,
            season_title, weekly_hours_viewed, runtime, weekly_views,
            cumulative_weeks_in_top_10, is_staggered_launch, episode_launch_details,
            runtime_override_flag)
        SELECT ?, week, category, weekly_rank, NULL, show_title, season_title,
            weekly_hours_viewed, runtime, weekly_views, cumulative_weeks_in_top_10,
            is_staggered_launch, episode_launch_details, runtime_override_flag
        FROM staged""",
    "countries": """
        INSERT INTO chart_country (source, country_iso2, country_name, week, category,
            published_category, weekly_rank, title_id, show_title, season_title,
            cumulative_weeks_in_top_10)
        SELECT ?, country_iso2, country_name, week, category, published_category, weekly_rank,
            NULL, show_title, season_title, cumulative_weeks_in_top_10
        FROM staged""",
    "most-popular": """
        INSERT INTO most_popular (source, category, rank, title_id, show_title, season_title,
            hours_viewed, runtime, views, window_days, in_progress)
        SELECT ?, category, rank, NULL, show_title, season_title, hours_viewed, runtime, views,
            window_days, false
        FROM staged""",
}


# Published figures a narrower file must not erase, per chart table.
FIGURES = {
    "global": ("weekly_hours_viewed", "runtime", "weekly_views"),
    "countries": (),
    "most-popular": ("hours_viewed", "runtime", "views"),
}


def _refuse_narrower(con: duckdb.DuckDBPyConnection, parsed: ParsedFile, table: str,
                     weekly: bool) -> None:
    """A file may not replace stored rows that have a figure (hours, runtime, views) with
    rows that have none of it: per week, or for the Most Popular lists as a whole. A column
    missing from the layout and a column left empty are refused alike."""
    figures = FIGURES[parsed.kind]
    if not figures:
        return
    key = "week" if weekly else "NULL::DATE"
    stored_n = ", ".join(f"count({c}) AS {c}" for c in figures)
    weeks = "AND week IN (SELECT week FROM staged)" if weekly else ""
    sql = f"""WITH o AS (SELECT {key} AS week, {stored_n} FROM {table}
                         WHERE source = ? {weeks}
                         GROUP BY ALL),
                   n AS (SELECT {key} AS week, {stored_n} FROM staged GROUP BY ALL)
              SELECT o.week, {", ".join(f"o.{c}, n.{c}" for c in figures)}
              FROM o JOIN n ON o.week IS NOT DISTINCT FROM n.week ORDER BY o.week"""
    lost: dict[str, list[Any]] = {}
    for row in con.execute(sql, [store.NETFLIX_SOURCE]).fetchall():
        for i, column in enumerate(figures):
            held, given = row[1 + 2 * i], row[2 + 2 * i]
            if held and not given:
                lost.setdefault(column, []).append(row[0])
    if lost:
        what = "; ".join(
            f"{c} ({len(w)} week{'s' if len(w) != 1 else ''} from {w[0]})" if weekly else c
            for c, w in lost.items())
        raise NetflixFileError(
            parsed.path, None, f"this file has no {', '.join(lost)} where the store holds them "
            f"({what}): importing it would erase published figures; import a download that "
            "has them")


def _load_one(
    con: duckdb.DuckDBPyConnection, parsed: ParsedFile, imported_at: dt.datetime
) -> dict[str, Any]:
    """Replace what ``parsed`` covers, recording the rewrites; inside the caller's transaction."""
    # Compare only what this layout publishes: a newer layout without, say, the 2023 launch
    # columns has not "changed" every row by leaving them out.
    full = changes.SPECS[parsed.kind]
    spec = replace(full, values=tuple(v for v in full.values if v[0] in parsed.published))
    source = store.NETFLIX_SOURCE
    con.register("staged", parsed.table)
    try:
        _refuse_narrower(con, parsed, spec.table, spec.weekly)
        overlap: str | None = None
        weeks_replaced = 0
        if spec.weekly:
            con.execute(
                f"""CREATE OR REPLACE TEMP TABLE overlap_weeks AS
                    SELECT DISTINCT week FROM {spec.table}
                    WHERE source = ? AND week IN (SELECT DISTINCT week FROM staged)""",
                [source],
            )
            found = con.execute("SELECT count(*) FROM overlap_weeks").fetchone()
            weeks_replaced = int(found[0]) if found else 0
            overlap = "overlap_weeks" if weeks_replaced else None
        else:
            found = con.execute(
                f"SELECT count(*) FROM {spec.table} WHERE source = ?", [source]).fetchone()
            weeks_replaced = 1 if found and found[0] else 0

        recorded: Counter[str] = Counter()
        if weeks_replaced:
            diffs = changes.diff_staged(con, spec, source, "staged", overlap)
            rows = changes.change_rows(diffs, spec, file=str(parsed.path.resolve()),
                                       imported_at=imported_at)
            if rows.num_rows:
                con.register("change_rows", rows)
                con.execute("INSERT INTO netflix_changes SELECT * FROM change_rows")
                con.unregister("change_rows")
                recorded.update(rows.column("kind").to_pylist())

        if spec.weekly:
            con.execute(
                f"""DELETE FROM {spec.table}
                    WHERE source = ? AND week IN (SELECT DISTINCT week FROM staged)""",
                [source],
            )
        else:
            con.execute(f"DELETE FROM {spec.table} WHERE source = ?", [source])
        con.execute(_INSERT[parsed.kind], [source])
    finally:
        con.unregister("staged")

    first = parsed.weeks[0] if parsed.weeks else None
    last = parsed.weeks[-1] if parsed.weeks else None
    summary: dict[str, Any] = {
        "file": str(parsed.path), "kind": parsed.kind, "layout": parsed.layout,
        "sha256": parsed.sha256, "rows": parsed.rows, "weeks": len(parsed.weeks),
        "first_week": first.isoformat() if first else None,
        "last_week": last.isoformat() if last else None,
        "weeks_replaced": weeks_replaced if spec.weekly else 0,
        "replaced_stored": bool(weeks_replaced),  # (most-popular: the lists were there)
        "changes": dict(recorded),
    }
    con.execute(
        "INSERT INTO netflix_imports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [imported_at, str(parsed.path.resolve()), parsed.kind, parsed.layout, parsed.sha256,
         parsed.rows, len(parsed.weeks), first, last, summary["weeks_replaced"],
         sum(recorded.values())],
    )
    return summary


_ENGAGEMENT_VALUES = ("available_globally", "hours_viewed", "runtime_text", "views")


def _describe_report_row(row: dict[str, Any]) -> str:
    parts = [row["title"]]
    if row["release_date"] is not None:
        parts.append(f"released {row['release_date']}")
    parts.append(f"hours {changes._fmt(row['hours_viewed'])}")
    if row["runtime_text"] is not None:
        parts.append(f"runtime {row['runtime_text']}")
    if row["views"] is not None:
        parts.append(f"views {changes._fmt(row['views'])}")
    return " | ".join(parts)


def _record_report_changes(con: duckdb.DuckDBPyConnection, parsed: ParsedReport,
                            imported_at: dt.datetime) -> Counter[str]:
    """Compare the stored half-year with ``staged_report`` in DuckDB (only differing rows
    come back to Python) and log them in ``netflix_changes``."""
    values = " OR ".join(f"o.{c} IS DISTINCT FROM n.{c}" for c in _ENGAGEMENT_VALUES)
    cols = ("title", "release_date", "hours_viewed", "runtime_text", "views", "row_number")
    rows = con.execute(
        f"""WITH o AS (SELECT * FROM engagement WHERE source = ? AND period = ?),
                 n AS (SELECT * FROM staged_report)
            SELECT coalesce(o.kind, n.kind), o.row_number IS NOT NULL, n.row_number IS NOT NULL,
                   {", ".join(f"o.{c}" for c in cols)}, {", ".join(f"n.{c}" for c in cols)}
            FROM o FULL OUTER JOIN n ON o.kind IS NOT DISTINCT FROM n.kind
                 AND o.title = n.title AND o.release_date IS NOT DISTINCT FROM n.release_date
            WHERE o.row_number IS NULL OR n.row_number IS NULL OR {values}
            ORDER BY coalesce(n.row_number, o.row_number)""",
        [store.NETFLIX_SOURCE, parsed.period.label]).fetchall()
    out: dict[str, list[Any]] = {n: [] for n in changes.CHANGE_SCHEMA.names}
    recorded: Counter[str] = Counter()
    width = len(cols)
    for row in rows:
        kind_of_title, has_old, has_new = row[:3]
        old = dict(zip(cols, row[3:3 + width], strict=True)) if has_old else None
        new = dict(zip(cols, row[3 + width:], strict=True)) if has_new else None
        kind = "added" if old is None else "removed" if new is None else "replaced"
        recorded[kind] += 1
        out["imported_at"].append(imported_at)
        out["file"].append(str(parsed.path.resolve()))
        out["kind"].append(kind)
        out["list"].append(f"engagement/{parsed.period.label}/{kind_of_title or 'all'}")
        out["week"].append(None)
        out["rank"].append((new or old or {}).get("row_number"))
        out["before"].append(_describe_report_row(old) if old else None)
        out["after"].append(_describe_report_row(new) if new else None)
    if out["kind"]:
        import pyarrow as pa

        con.register("change_rows", pa.table(out, schema=changes.CHANGE_SCHEMA))
        con.execute("INSERT INTO netflix_changes SELECT * FROM change_rows")
        con.unregister("change_rows")
    return recorded


def _load_report(
    con: duckdb.DuckDBPyConnection, parsed: ParsedReport, imported_at: dt.datetime
) -> dict[str, Any]:
    """Replace one half-year's engagement rows, recording what a re-publication changed."""
    source = store.NETFLIX_SOURCE
    period = parsed.period
    stored = con.execute(
        """SELECT count(*), count(views) FROM engagement WHERE source = ? AND period = ?""",
        [source, period.label]).fetchall()[0]
    if stored[1] and "views" not in parsed.published:
        raise NetflixFileError(
            parsed.path, None, f"this report has no Views, but the store holds views for "
            f"{stored[1]:,} titles of {period.label}: importing it would erase published "
            "figures")
    recorded: Counter[str] = Counter()
    con.register("staged_report", parsed.table)
    try:
        if stored[0]:
            recorded.update(_record_report_changes(con, parsed, imported_at))
        con.execute("DELETE FROM engagement WHERE source = ? AND period = ?",
                    [source, period.label])
        con.execute(
            """INSERT INTO engagement (source, period, period_start, period_end, sheet, kind,
                   row_number, title, english_title, original_title, other_titles,
                   available_globally, release_date, hours_viewed, runtime, runtime_text, views,
                   title_id)
               SELECT ?, ?, ?, ?, sheet, kind, row_number, title, english_title, original_title,
                      other_titles, available_globally, release_date, hours_viewed, runtime,
                      runtime_text, views, NULL
               FROM staged_report""",
            [source, period.label, period.start, period.end])
    finally:
        con.unregister("staged_report")
    summary: dict[str, Any] = {
        "file": str(parsed.path), "kind": "engagement", "layout": parsed.layout,
        "sha256": parsed.sha256, "rows": parsed.rows, "weeks": 0, "period": period.label,
        "sheets": parsed.sheets, "first_week": None, "last_week": None,
        "weeks_replaced": 0, "replaced_stored": bool(stored[0]), "changes": dict(recorded),
    }
    con.execute(
        "INSERT INTO netflix_imports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [imported_at, str(parsed.path.resolve()), "engagement", parsed.layout, parsed.sha256,
         parsed.rows, 0, period.start, period.end, 0, sum(recorded.values())])
    return summary


_KIND_ORDER = ("global", "countries", "most-popular", "engagement")


def _load_order(item: ParsedFile | ParsedReport) -> tuple[int, dt.date, str]:
    if isinstance(item, ParsedReport):
        return (_KIND_ORDER.index("engagement"), item.period.end, str(item.path))
    last = item.weeks[-1] if item.weeks else dt.date.min
    return (_KIND_ORDER.index(item.kind), last, str(item.path))


def parse_any(path: Path, progress: Callable[[int], None] | None = None,
              ) -> ParsedFile | ParsedReport:
    """A Top 10 file or an engagement report, told apart by name and, failing that, layout."""
    if path.suffix.lower() == ".xlsx" and (
            is_engagement_name(path) or kind_from_name(path) is None):
        try:
            return parse_report(path, progress=progress)
        except NetflixFileError as exc:
            if is_engagement_name(path) or "no header row" not in exc.reason:
                raise
    return parse_file(path)


def import_files(
    paths: Sequence[str | Path],
    *,
    db: str | Path | None = None,
    progress: Progress | None = None,
    overrides: str | Path | None = None,
) -> dict[str, Any]:
    """Import published files or folders of them; all of them, or nothing on any error.

    ``overrides``: a TOML file of links a user corrected (see
    :mod:`starchart.published.identity`); default ``$STARCHART_OVERRIDES`` if set."""
    files = find_files(list(paths))
    rules = identity.load_overrides(overrides)
    total = 2 * len(files) + 1
    parsed: list[ParsedFile | ParsedReport] = []
    for i, path in enumerate(files):
        if progress:
            progress(f"reading {path.name}", i, total)

        def rows_read(n: int, _i: int = i, _name: str = path.name) -> None:
            if progress:
                progress(f"reading {_name}: {n:,} rows", _i, total)

        parsed.append(parse_any(path, rows_read))

    # Within a kind, the older download first: the newer one's weeks replace the older's.
    parsed.sort(key=_load_order)
    imported_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    summaries: list[dict[str, Any]] = []
    with store.opened(db) as con, store.transaction(con):
        for i, item in enumerate(parsed):
            if progress:
                progress(f"loading {item.path.name}", len(files) + i, total)
            if isinstance(item, ParsedReport):
                summaries.append(_load_report(con, item, imported_at))
            else:
                summaries.append(_load_one(con, item, imported_at))
        if progress:
            progress("linking titles", 2 * len(files), total)
        linked = identity.link_store(con, rules)
        coverage.refresh(con)
    if progress:
        progress("done", total, total)
    all_changes: Counter[str] = Counter()
    for s in summaries:
        all_changes.update(s["changes"])
    return {
        "db": str(store.resolve_db_path(db)),
        "source": store.NETFLIX_SOURCE,
        "imported_at": imported_at.isoformat(timespec="seconds"),
        "files": summaries,
        "changes": dict(all_changes),
        "titles": linked,
    }
