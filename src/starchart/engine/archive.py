"""The optional archive of accepted events: Parquet partitioned by chart week, beside the store.

The store keeps what the charts and de-duplication need (rollups and event fingerprints),
not a second copy of the events. ``ingest --keep-events`` (or ``$STARCHART_KEEP_EVENTS=1``)
also writes every accepted row, as validated (UTC ``started_at``, whole ``seconds_viewed``,
trimmed ``event_id``, ``source_file`` and ``source_row``), to
``<store>.events/week=YYYY-MM-DD/<load>-<file>-<n>.parquet`` for audit and reprocessing.

The files of a load are written to ``_staging/<load>/`` first and moved into place only
after the store's transaction commits. A load the store does not know (the process died
before its commit) is deleted by the next ingest; one it knows (the process died between
the commit and the move) is moved into place then. A load whose transaction ended in an
error is asked about at once (:func:`settle`: a COMMIT interrupted by Ctrl-C may have taken
effect). So the archive holds exactly the events of committed loads.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb

from starchart.engine.duckdb_reader import sql_string

KEEP_EVENTS_ENV = "STARCHART_KEEP_EVENTS"
STAGING = "_staging"

#: The archive's columns, in order (the validated values, as the charts count them).
ARCHIVE_COLUMNS = ("event_id", "profile_id", "title_id", "country", "started_at",
                   "seconds_viewed", "source_file", "source_row")


def keep_events_default(value: bool | None) -> bool:
    """``value`` if given, else ``$STARCHART_KEEP_EVENTS`` (1/true/yes), else False."""
    if value is not None:
        return value
    return os.environ.get(KEEP_EVENTS_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


def archive_dir(db_path: Path) -> Path:
    """``starchart.duckdb`` -> ``starchart.events/`` in the same folder."""
    return db_path.with_name(db_path.stem + ".events")


def _staged(db_path: Path, load_id: str, index: int) -> Path:
    return archive_dir(db_path) / STAGING / load_id / f"f{index:05d}"


def stage_file(
    con: duckdb.DuckDBPyConnection, select_sql: str, db_path: Path, load_id: str, index: int
) -> None:
    """Write the accepted rows ``select_sql`` yields (``ARCHIVE_COLUMNS`` plus ``week``) for
    file ``index`` of the load, partitioned by week, into the staging folder."""
    target = _staged(db_path, load_id, index)
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    con.execute(
        f"COPY ({select_sql}) TO {sql_string(str(target))} "
        "(FORMAT parquet, PARTITION_BY (week), OVERWRITE_OR_IGNORE)"
    )


def publish(db_path: Path, load_id: str) -> int:
    """Move a committed load's staged files into their week folders; return the file count."""
    root = archive_dir(db_path)
    staged = root / STAGING / load_id
    moved = 0
    if not staged.exists():
        return 0
    for part in sorted(staged.glob("f*/week=*/*.parquet")):
        week_dir = root / part.parent.name
        week_dir.mkdir(parents=True, exist_ok=True)
        name = f"{load_id}-{part.parent.parent.name}-{part.stem}.parquet"
        os.replace(part, week_dir / name)
        moved += 1
    shutil.rmtree(staged)
    return moved


def discard(db_path: Path, load_id: str) -> None:
    """Delete a load's staged files (its transaction did not commit)."""
    shutil.rmtree(archive_dir(db_path) / STAGING / load_id, ignore_errors=True)


def settle(con: duckdb.DuckDBPyConnection, db_path: Path, load_id: str) -> None:
    """After a load's transaction ended in an error, keep its staged files exactly when the
    store committed it after all (a COMMIT interrupted by Ctrl-C, or failing after its
    write, may have taken effect): move them into place, else delete them. When the store
    cannot be asked, leave them for the next ingest's :func:`recover`."""
    try:
        known = con.execute(
            "SELECT 1 FROM ingest_loads WHERE load_id = ?", [load_id]).fetchone()
    except (duckdb.Error, RuntimeError):  # (DuckDB's 'Query interrupted' is a RuntimeError)
        return
    if known is None:
        discard(db_path, load_id)
    else:
        publish(db_path, load_id)


def recover(con: duckdb.DuckDBPyConnection, db_path: Path) -> None:
    """Finish what a killed ingest left in staging: publish committed loads, drop the rest."""
    staging = archive_dir(db_path) / STAGING
    if not staging.exists():
        return
    for folder in sorted(p for p in staging.iterdir() if p.is_dir()):
        known = con.execute(
            "SELECT 1 FROM ingest_loads WHERE load_id = ?", [folder.name]
        ).fetchone()
        if known is not None:
            publish(db_path, folder.name)
        else:
            discard(db_path, folder.name)


def kept_events_sql(db_path: Path) -> str | None:
    """A DuckDB ``read_parquet`` over the archive (with its ``week`` column), or None when
    no events were kept."""
    root = archive_dir(db_path)
    if not any(root.glob("week=*/*.parquet")):
        return None
    pattern = sql_string(str(root / "week=*" / "*.parquet"))
    return f"read_parquet({pattern}, hive_partitioning = true, hive_types = {{'week': DATE}})"
