"""starchart's public API for what writes the store, re-exported by :mod:`starchart.api`
(call them as ``api.ingest``, ``api.build``...): loading events and catalogs, building the
charts, importing Netflix's files; each write that changes the charts then publishes the
chart release that readers see (:func:`with_release`).

Thin wrappers, as in :mod:`starchart.api`: the work is in :mod:`starchart.engine`,
:mod:`starchart.published` and :mod:`starchart.releases`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from starchart import store
from starchart.errors import UsageError
from starchart.progress import ProgressCallback

if TYPE_CHECKING:
    import pandas as pd


def _publish_after(db: str | Path | None,
                         progress: ProgressCallback | None) -> dict[str, Any]:
    """Publish the release of what a build or import just committed (see
    :mod:`starchart.releases`); a :class:`starchart.releases.PublishError` says the charts
    are saved but not yet published."""
    from starchart import releases

    try:
        return releases.publish(db, progress=progress)
    except store.StoreUnavailableError:
        # another writer took the store in between: its release will include these charts
        return {"published": False, "reason": "another process is writing the store; the "
                "release it publishes will include these charts"}


def with_release(report: dict[str, Any], db: str | Path | None,
               progress: ProgressCallback | None) -> dict[str, Any]:
    """``report`` with ``release`` (what publishing did) and ``watchlist`` (what watched
    titles did in that release: :func:`starchart.watchlist.prepare_events`)."""
    release = _publish_after(db, progress)
    watched = release.pop("watchlist", None) or {"watched": None, "events": []}
    report["release"] = release
    report["watchlist"] = {"release": release.get("release") if release.get("published")
                           else None, **watched}
    return report


# --- engine: ingest, build, quarantine (starchart.engine) ---------------------------------


def ingest(
    catalog: str | Path | None = None,
    events: Any = (),
    *,
    db: str | Path | None = None,
    keep_events: bool | None = None,
    memory_limit: str | None = None,
    progress: ProgressCallback | None = None,
) -> dict[str, Any]:
    """Load a catalog (updating titles by title_id) and add viewing events, all or nothing.

    ``events``: files, folders and glob patterns (CSV, TSV, Parquet, JSON Lines; text ones
    may be .gz or .zst). Accepted events are rolled up into the store (``daily_viewing``,
    ``profile_title``); ``keep_events`` (default ``$STARCHART_KEEP_EVENTS``) also writes them
    as Parquet beside the store. ``memory_limit`` (e.g. ``"3GB"``; default
    ``$STARCHART_MEMORY_LIMIT`` or an eighth of the machine's memory) bounds DuckDB, which
    spills beyond it. Returns read/accepted/quarantined/duplicates, ``by_reason`` and
    per-file figures (see docs/engine-inputs.md). A refused file raises ``ValueError`` naming
    it, and the store is left as it was. ``progress(description, done, total)`` per file.
    """
    from starchart.engine.archive import keep_events_default
    from starchart.engine.ingest import ingest_into
    from starchart.engine.resources import configure, within_memory_limit

    paths = [events] if isinstance(events, str | Path) else list(events or ())
    path = store.resolve_db_path(db)
    with store.opened(db, progress=progress) as con:
        limit = configure(con, path, memory_limit)
        with within_memory_limit(limit):
            report = ingest_into(con, catalog=catalog, events=paths, db_path=path,
                                 keep_events=keep_events_default(keep_events),
                                 progress=progress)
    return {"db": str(path), **report, "memory_limit": limit}


def load_catalog(path: str | Path, *, db: str | Path | None = None) -> dict[str, Any]:
    """Load (or reload) only a catalog: ``ingest(catalog=path)``."""
    return ingest(catalog=path, db=db)


def quarantine(
    *,
    reason: str | None = None,
    source_file: str | Path | None = None,
    limit: int | None = None,
    db: str | Path | None = None,
) -> pd.DataFrame:
    """Rows that could not be counted: source_file, source_row, reason, detail, raw (JSON).

    Ordered by file and row; ``reason`` must be one of
    :data:`starchart.engine.validate.REASONS`.
    """
    from starchart.engine.ingest import quarantine_rows

    with store.opened(db, read_only=True) as con:
        frame: pd.DataFrame = quarantine_rows(
            con,
            reason=reason,
            source_file=None if source_file is None else str(source_file),
            limit=limit,
        )
    return frame


def build(
    *,
    week: str | None = None,
    db: str | Path | None = None,
    engine: str = "duckdb",
    catalog: str | Path | None = None,
    events: Sequence[str | Path] | None = None,
    out: str | Path | None = None,
    round_to: int | None = None,
    spark_master: str | None = None,
    full: bool = False,
    memory_limit: str | None = None,
    train: bool = True,  # noqa: F811 - the parameter, not api.train
    progress: ProgressCallback | None = None,
) -> dict[str, Any]:
    """Compute the weekly charts and Most Popular lists (see docs/engine-charts.md).

    ``engine="duckdb"`` (default) builds from the store's daily viewing rollup into its chart
    tables: the complete weeks new data touched and the weeks after them (``full``: every
    week), or only ``week`` ('YYYY-MM-DD', a Sunday). ``engine="spark"``
    reads ``catalog`` and ``events`` files straight into Spark (``spark_master`` or local),
    validates them as ``ingest`` does and writes the three export files plus
    ``quarantine.tsv`` into ``out``. ``progress(description, done, total)`` is called per step.
    ``train`` (default) then trains the discovery models (``training``: seconds, rows learnt
    from): on DuckDB into the store (skipped when no week was built and a model is stored);
    on Spark, from the files it read, into ``out/discovery.duckdb``. Returns weeks built,
    rows per table and timings.
    """
    from starchart.weeks import parse_week

    if engine == "spark":
        missing = [name for name, value in (("catalog", catalog), ("events", events),
                                            ("out", out)) if not value]
        if missing:
            raise UsageError(
                "the Spark build reads the input files itself and writes the export files: "
                "give {catalog} FILE, {events} PATH... and {out} DIR (missing: "
                + ", ".join(f"{{{m}}}" for m in missing) + ")"
            )
        if week is not None:
            raise UsageError("{week} is for the DuckDB store; the Spark build builds every week")
        from starchart.engine.spark_build import build_spark

        assert catalog is not None and events is not None and out is not None
        paths = [events] if isinstance(events, str | Path) else list(events)
        from starchart.discovery.train import train_after_spark_build

        def then(session: Any, inputs: Any, folder: Path) -> dict[str, Any]:
            return train_after_spark_build(session, inputs, folder, progress=progress)

        result = build_spark(catalog, paths, out, round_to=round_to, spark_master=spark_master,
                             progress=progress, then=then if train else None)
        result.setdefault("training", {"trained": False, "reason": "not asked (train=False)"})
        return result
    if engine != "duckdb":
        raise ValueError(f"unknown engine {engine!r}: choose duckdb or spark")
    if catalog is not None or events or out is not None or spark_master is not None:
        raise UsageError(
            "{catalog}, {events}, {out} and {spark_master} belong to {engine} spark; on DuckDB, "
            "ingest the files into the store, then build and export"
        )
    from starchart.engine.build import build as build_duckdb

    sunday = None if week is None else parse_week(str(week))
    with store.reporting_waits(progress):  # while another process holds the store
        report = build_duckdb(db, week=sunday, full=full, memory_limit=memory_limit,
                              progress=progress)
        report["training"] = {"trained": False, "reason": "not asked (train=False)"}
        if train:  # imported only then: the models' libraries cost most of a second
            from starchart.discovery.train import train_after_build

            try:
                report["training"] = train_after_build(db, len(report["weeks"]),
                                                       progress=progress)
            except BaseException:
                with_release(report, db, progress)  # the charts are saved: publish them
                raise
    return with_release(report, db, progress)


# --- published charts: import and update (starchart.published) --------------------------


def import_netflix(
    paths: Sequence[str | Path] | str | Path,
    *,
    db: str | Path | None = None,
    progress: ProgressCallback | None = None,
    overrides: str | Path | None = None,
) -> dict[str, Any]:
    """Import Netflix's published files (Top 10 TSV/XLSX in any layout, engagement reports)
    or folders of them, source ``netflix``: every file or none; weeks (half-years) already
    stored are replaced and Netflix's edits recorded (see :func:`changes`), every row is
    linked to its title ID (``overrides``: a TOML file of corrected links, default
    ``$STARCHART_OVERRIDES``), and the coverage recomputed (see :func:`coverage`). Then
    publishes a release (``release`` in the answer). While another process writes the
    store, waits for it (``$STARCHART_LOCK_WAIT`` seconds, telling ``progress``)."""
    from starchart.published.importer import import_files

    items = [paths] if isinstance(paths, str | Path) else list(paths)
    with store.reporting_waits(progress):  # while another process holds the store
        report = import_files(items, db=db, progress=progress, overrides=overrides)
    return with_release(report, db, progress)


def update(
    *,
    source: str | Path | None = None,
    files: Sequence[str] | None = None,
    db: str | Path | None = None,
    keep: str | Path | None = None,
    progress: ProgressCallback | None = None,
    overrides: str | Path | None = None,
) -> dict[str, Any]:
    """Download Netflix's current files (``source``: a base URL, default
    ``$STARCHART_UPDATE_URL`` or Netflix's address; or a folder, offline), check them and
    import them together; the report adds ``new`` (new weeks per file) to the import's
    ``changes`` (rows Netflix rewrote). A refused download leaves the store as it was. Then
    publishes a release, as :func:`import_netflix` does."""
    from starchart.published.update import DEFAULT_FILES
    from starchart.published.update import update as run

    with store.reporting_waits(progress):  # while another process holds the store
        report = run(source=source, files=tuple(files or DEFAULT_FILES), db=db, keep=keep,
                     progress=progress, overrides=overrides)
    return with_release(report, db, progress)
