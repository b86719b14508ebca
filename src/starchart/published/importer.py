"""Load Netflix's published files into the store, next to the engine's charts.

Every file of one call is parsed and checked first; only then does one transaction replace
the weeks the files cover (source ``netflix``), record what Netflix rewrote in weeks already
stored (:mod:`starchart.published.changes`) and log each file. A bad file therefore leaves the
store exactly as it was, and a re-import never counts a week twice.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import duckdb

from starchart import store
from starchart.published import changes
from starchart.published.netflix_files import ParsedFile, find_files, parse_file

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


def import_files(
    paths: Sequence[str | Path],
    *,
    db: str | Path | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Import published files or folders of them; all of them, or nothing on any error."""
    files = find_files(list(paths))
    total = 2 * len(files)
    parsed: list[ParsedFile] = []
    for i, path in enumerate(files):
        if progress:
            progress(f"reading {path.name}", i, total)
        parsed.append(parse_file(path))

    imported_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    summaries: list[dict[str, Any]] = []
    with store.opened(db) as con, store.transaction(con):
        for i, item in enumerate(parsed):
            if progress:
                progress(f"loading {item.path.name}", len(files) + i, total)
            summaries.append(_load_one(con, item, imported_at))
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
    }
