"""What Netflix rewrote: compare a new download with the weeks already stored.

Netflix silently edits its history between downloads: a title is renamed, a season is
relabelled ("Season 1" becomes "Limited Series"), a row is replaced by another title or its
numbers are revised. When a newer file covers weeks the store already holds, every list
position (list, week, rank) whose content differs is recorded in ``netflix_changes`` (its
schema is in :mod:`starchart.store`) before the weeks are replaced, so the edits stay
visible after the old rows are gone.

Kinds, decided per list position:
- ``added`` / ``removed``: the position exists only in the new / the stored file.
- ``relabelled``: same show, different season title.
- ``renamed``: different show title, but neither title appears elsewhere in the other
  version of that list and every number is the same: the same row under a new name.
- ``replaced``: anything else (another title at that rank, or the same title with revised
  numbers).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from starchart import store
from starchart.display import format_number

KINDS = ("renamed", "relabelled", "replaced", "added", "removed")

CHANGE_SCHEMA = pa.schema([
    ("imported_at", pa.timestamp("us")), ("file", pa.string()), ("kind", pa.string()),
    ("list", pa.string()), ("week", pa.date32()), ("rank", pa.int32()),
    ("before", pa.string()), ("after", pa.string()),
])


@dataclass(frozen=True)
class TableSpec:
    """How one chart table is compared: its list columns, rank and published values."""

    table: str
    prefix: str
    list_columns: tuple[str, ...]
    rank: str
    values: tuple[tuple[str, str], ...]   # (column, label shown in before/after)
    weekly: bool = True


SPECS: dict[str, TableSpec] = {
    "global": TableSpec(
        "chart_global", "global", ("week", "category"), "weekly_rank",
        (("weekly_hours_viewed", "hours"), ("runtime", "runtime"), ("weekly_views", "views"),
         ("cumulative_weeks_in_top_10", "weeks in Top 10"),
         ("is_staggered_launch", "staggered"), ("episode_launch_details", "episodes"),
         ("runtime_override_flag", "runtime override"))),
    "countries": TableSpec(
        "chart_country", "countries", ("country_iso2", "week", "category"), "weekly_rank",
        (("cumulative_weeks_in_top_10", "weeks in Top 10"),)),
    "most-popular": TableSpec(
        "most_popular", "most-popular", ("category",), "rank",
        (("hours_viewed", "hours"), ("runtime", "runtime"), ("views", "views"),
         ("window_days", "window days")), weekly=False),
}


def _fmt(value: Any) -> str:
    """Numbers as the files write them (:func:`starchart.display.format_number`); flags and
    text as they are."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return format_number(value)
    return str(value)


def _label(show: str, season: str | None) -> str:
    return show if season is None else f"{show} — {season}"


def _describe(show: str, season: str | None, values: dict[str, Any], spec: TableSpec) -> str:
    parts = [_label(show, season)]
    parts += [f"{label} {_fmt(values[col])}" for col, label in spec.values
              if values.get(col) is not None]
    return " | ".join(parts)


def classify(
    old: dict[str, Any] | None, new: dict[str, Any] | None, spec: TableSpec,
    *, old_title_kept: bool = False, new_title_existed: bool = False,
) -> tuple[str, str | None, str | None] | None:
    """(kind, before, after) for one list position, or None when nothing changed.

    ``old``/``new`` hold show_title, season_title and the spec's value columns;
    ``old_title_kept``: the old title is still elsewhere in the new list;
    ``new_title_existed``: the new title was already elsewhere in the stored list.
    """
    if old is None and new is None:
        return None
    if old is None:
        assert new is not None
        return "added", None, _describe(new["show_title"], new["season_title"], new, spec)
    if new is None:
        return "removed", _describe(old["show_title"], old["season_title"], old, spec), None
    same_values = all(old.get(col) == new.get(col) for col, _ in spec.values)
    if old["show_title"] == new["show_title"]:
        if old["season_title"] != new["season_title"]:
            return ("relabelled", old["season_title"] or "N/A", new["season_title"] or "N/A")
        if same_values:
            return None
    elif same_values and not old_title_kept and not new_title_existed:
        return ("renamed", _label(old["show_title"], old["season_title"]),
                _label(new["show_title"], new["season_title"]))
    return ("replaced", _describe(old["show_title"], old["season_title"], old, spec),
            _describe(new["show_title"], new["season_title"], new, spec))


def diff_staged(
    con: duckdb.DuckDBPyConnection, spec: TableSpec, source: str, staged: str,
    overlap: str | None,
) -> list[dict[str, Any]]:
    """Every list position that differs between the stored rows and the ``staged`` view.

    ``overlap`` names a relation with a ``week`` column: only those (already stored) weeks are
    compared; None compares the whole table (most-popular). Identifiers come from ``SPECS``,
    never from input; values are bound parameters.
    """
    keys = (*spec.list_columns, spec.rank)
    cols = ("show_title", "season_title", *(c for c, _ in spec.values))
    week_filter = f"AND week IN (SELECT week FROM {overlap})" if overlap else ""
    join = " AND ".join(f"o.{k} = n.{k}" for k in keys)
    same_list_o = " AND ".join(f"x.{k} = o.{k}" for k in spec.list_columns)
    same_list_n = " AND ".join(f"x.{k} = n.{k}" for k in spec.list_columns)
    differs = " OR ".join(f"o.{c} IS DISTINCT FROM n.{c}" for c in cols)
    select_keys = ", ".join(f"coalesce(o.{k}, n.{k}) AS {k}" for k in keys)
    select_old = ", ".join(f"o.{c} AS old_{c}" for c in cols)
    select_new = ", ".join(f"n.{c} AS new_{c}" for c in cols)
    sql = f"""
        WITH o AS (SELECT * FROM {spec.table} WHERE source = ? {week_filter}),
             n AS (SELECT * FROM {staged} WHERE true {week_filter})
        SELECT {select_keys}, o.{spec.rank} IS NOT NULL AS has_old,
               n.{spec.rank} IS NOT NULL AS has_new, {select_old}, {select_new},
               EXISTS (SELECT 1 FROM n x WHERE {same_list_o} AND x.show_title = o.show_title
                       AND x.season_title IS NOT DISTINCT FROM o.season_title) AS old_kept,
               EXISTS (SELECT 1 FROM o x WHERE {same_list_n} AND x.show_title = n.show_title
                       AND x.season_title IS NOT DISTINCT FROM n.season_title) AS new_existed
        FROM o FULL OUTER JOIN n ON {join}
        WHERE o.{spec.rank} IS NULL OR n.{spec.rank} IS NULL OR {differs}
        ORDER BY {', '.join(keys)}
    """
    cursor = con.execute(sql, [source])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def change_rows(
    diffs: list[dict[str, Any]], spec: TableSpec, *, file: str, imported_at: dt.datetime
) -> pa.Table:
    """Classify the differing positions into rows for ``netflix_changes``."""
    cols = ("show_title", "season_title", *(c for c, _ in spec.values))
    out: dict[str, list[Any]] = {name: [] for name in CHANGE_SCHEMA.names}
    for d in diffs:
        old = {c: d[f"old_{c}"] for c in cols} if d["has_old"] else None
        new = {c: d[f"new_{c}"] for c in cols} if d["has_new"] else None
        found = classify(old, new, spec, old_title_kept=bool(d["old_kept"]),
                         new_title_existed=bool(d["new_existed"]))
        if found is None:
            continue
        kind, before, after = found
        list_name = "/".join([spec.prefix, *(str(d[c]) for c in spec.list_columns
                                                 if c != "week")])
        out["imported_at"].append(imported_at)
        out["file"].append(file)
        out["kind"].append(kind)
        out["list"].append(list_name)
        out["week"].append(d.get("week") if spec.weekly else None)
        out["rank"].append(d[spec.rank])
        out["before"].append(before)
        out["after"].append(after)
    return pa.table(out, schema=CHANGE_SCHEMA)


def _frame(cursor: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Rows as an object-dtype frame: None stays None, dates become 'YYYY-MM-DD'."""
    names = [d[0] for d in cursor.description or []]
    rows = [[v.isoformat() if type(v) is dt.date else v for v in row]
            for row in cursor.fetchall()]
    return pd.DataFrame(rows, columns=names, dtype=object)


def list_changes(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every recorded edit, newest import first, then list, week and rank."""
    if not store.has_table(con, "netflix_changes"):  # a store older than the log
        return pd.DataFrame(columns=list(CHANGE_SCHEMA.names), dtype=object)
    return _frame(con.execute(
        """SELECT imported_at, file, kind, list, week, rank, before, after FROM netflix_changes
           ORDER BY imported_at DESC, list, week, rank"""))


IMPORT_COLUMNS = ["imported_at", "file", "kind", "layout", "sha256", "rows", "weeks",
                  "first_week", "last_week", "weeks_replaced", "changes"]


def list_imports(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every file imported, newest first."""
    if not store.has_table(con, "netflix_imports"):
        return pd.DataFrame(columns=IMPORT_COLUMNS, dtype=object)
    return _frame(con.execute(
        f"SELECT {', '.join(IMPORT_COLUMNS)} FROM netflix_imports "
        "ORDER BY imported_at DESC, file"))
