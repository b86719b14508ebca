"""starchart's public Python API: the one facade the CLI, the web site and notebooks call.

Every function takes ``db`` (a path; default ``$STARCHART_DB`` or ``./starchart.duckdb``)
and returns plain data: dicts, pandas DataFrames or Arrow tables.

Example::

    from starchart import api
    api.ingest(catalog="catalog.csv", events=["events/"])
    api.build()
    api.export("out/", round_to=100_000)
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from starchart import store
from starchart.export import export_charts
from starchart.progress import ProgressCallback
from starchart.weeks import DEFAULT_ROUND_TO

if TYPE_CHECKING:
    import pandas as pd

# --- shared -------------------------------------------------------------------------------


def export(
    out: str | Path,
    *,
    db: str | Path | None = None,
    source: str | None = None,
    round_to: int | None = None,
) -> dict[str, Any]:
    """Write all-weeks-global.tsv, all-weeks-countries.tsv and most-popular.tsv.

    Engine charts are rounded to ``round_to`` (default 100,000, Netflix's practice); imported
    Netflix charts are written as published unless ``round_to`` is given.
    """
    with store.opened(db, read_only=True) as con:
        chosen = source or store.default_source(con)
        unit = round_to
        if unit is None and chosen == store.ENGINE_SOURCE:
            unit = DEFAULT_ROUND_TO
        return export_charts(con, out, source=chosen, round_to_unit=unit)


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
    from starchart.engine.resources import configure

    paths = [events] if isinstance(events, str | Path) else list(events or ())
    path = store.resolve_db_path(db)
    with store.opened(db) as con:
        limit = configure(con, path, memory_limit)
        report = ingest_into(con, catalog=catalog, events=paths, db_path=path,
                             keep_events=keep_events_default(keep_events), progress=progress)
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
    progress: ProgressCallback | None = None,
) -> dict[str, Any]:
    """Compute the weekly charts and Most Popular lists (see docs/engine-charts.md).

    ``engine="duckdb"`` (default) builds from the store's daily viewing rollup into its chart
    tables: the complete weeks new data touched and the weeks after them (``full``: every
    week), or only ``week`` ('YYYY-MM-DD', a Sunday). ``engine="spark"``
    reads ``catalog`` and ``events`` files straight into Spark (``spark_master`` or local),
    validates them as ``ingest`` does and writes the three export files plus
    ``quarantine.tsv`` into ``out``. ``progress(description, done, total)`` is called per step.
    Returns weeks built, rows per table and timings.
    """
    from starchart.weeks import parse_week

    if engine == "spark":
        missing = [name for name, value in (("catalog", catalog), ("events", events),
                                            ("out", out)) if not value]
        if missing:
            raise ValueError(
                "the Spark build reads the input files itself and writes the export files: "
                "give --catalog FILE --events PATH... --out DIR (missing: "
                + ", ".join(f"--{m}" for m in missing) + ")"
            )
        if week is not None:
            raise ValueError("--week is for the DuckDB store; the Spark build builds every week")
        from starchart.engine.spark_build import build_spark

        assert catalog is not None and events is not None and out is not None
        paths = [events] if isinstance(events, str | Path) else list(events)
        return build_spark(catalog, paths, out, round_to=round_to,
                           spark_master=spark_master, progress=progress)
    if engine != "duckdb":
        raise ValueError(f"unknown engine {engine!r}: choose duckdb or spark")
    if catalog is not None or events or out is not None or spark_master is not None:
        raise ValueError(
            "--catalog/--events/--out/--spark-master belong to --engine spark; on DuckDB run "
            "'starchart ingest', then 'starchart build' and 'starchart export'"
        )
    from starchart.engine.build import build as build_duckdb

    sunday = None if week is None else parse_week(str(week))
    return build_duckdb(db, week=sunday, full=full, memory_limit=memory_limit,
                        progress=progress)


# --- published charts: import, changes, questions (starchart.published) -------------------
# Thin wrappers (imports inside, so `import starchart.api` stays light); shapes: see
# docs/published.md. Unknown things raise LookupError whose args[1], when present, lists
# suggestions.


def import_netflix(
    paths: Sequence[str | Path] | str | Path,
    *,
    db: str | Path | None = None,
    progress: ProgressCallback | None = None,
) -> dict[str, Any]:
    """Import Netflix's published files (TSV/XLSX, any layout) or folders of them, source
    ``netflix``: every file or none; weeks already stored are replaced and Netflix's edits to
    them recorded (see :func:`changes`)."""
    from starchart.published.importer import import_files

    items = [paths] if isinstance(paths, str | Path) else list(paths)
    return import_files(items, db=db, progress=progress)


def changes(*, db: str | Path | None = None) -> pd.DataFrame:
    """What re-imports found Netflix had rewritten: imported_at, file, kind ('renamed',
    'relabelled', 'replaced', 'added', 'removed'), list, week, rank, before, after."""
    from starchart.published.changes import list_changes

    with store.opened(db, read_only=True) as con:
        return list_changes(con)


def imports(*, db: str | Path | None = None) -> pd.DataFrame:
    """Every Netflix file imported: file, sha256, layout, rows, weeks, changes, newest first."""
    from starchart.published.changes import list_imports

    with store.opened(db, read_only=True) as con:
        return list_imports(con)


def sources(db: str | Path | None = None) -> list[str]:
    """The chart sources in the store ('engine', 'netflix'), engine first."""
    from starchart.published.queries import sources as _sources

    return _sources(db=db)


def weeks(
    *, country: str | None = None, source: str | None = None, db: str | Path | None = None
) -> list[str]:
    """Chart weeks ('YYYY-MM-DD' Sundays), newest first: global, or one country's lists."""
    from starchart.published.queries import weeks as _weeks

    return _weeks(country=country, source=source, db=db)


def countries(*, source: str | None = None, db: str | Path | None = None) -> list[dict[str, Any]]:
    """Countries with lists: ``[{"iso2", "name", "weeks"}]`` by name."""
    from starchart.published.queries import countries as _countries

    return _countries(source=source, db=db)


def week(
    week: str | date | None = None,
    *,
    country: str | None = None,
    source: str | None = None,
    db: str | Path | None = None,
) -> dict[str, Any]:
    """One week's lists (latest by default), global or one country's, with last week's rank."""
    from starchart.published.queries import week as _week

    return _week(week, country=country, source=source, db=db)


def title(query: str, *, source: str | None = None, db: str | Path | None = None) -> dict[str, Any]:
    """A title's record (weeks in the Top 10 and at #1, peak, hours, views, countries, run)
    for an exact name; close suggestions otherwise."""
    from starchart.published.titles import title as _title

    return _title(query, source=source, db=db)


def title_by_slug(
    slug: str, *, show: bool = False, source: str | None = None, db: str | Path | None = None
) -> dict[str, Any]:
    """One film, season or (by its slug) show, as in :func:`title`'s matches; ``show``
    prefers the show where a title shares its slug."""
    from starchart.published.titles import title_by_slug as _by_slug

    return _by_slug(slug, show=show, source=source, db=db)


def leaders(
    by: str = "weeks-at-1",
    *,
    category: str | None = None,
    since: str | date | None = None,
    until: str | date | None = None,
    limit: int = 20,
    source: str | None = None,
    db: str | Path | None = None,
) -> pd.DataFrame:
    """Leaderboard by 'weeks-at-1', 'weeks-in-top-10', 'countries' or 'views', all time or
    between ``since`` and ``until``: rank, show_title, season_title, slug, category, value..."""
    from starchart.published.queries import leaders as _leaders

    return _leaders(by, category=category, since=since, until=until, limit=limit,
                    source=source, db=db)


def search(
    text: str, *, limit: int = 10, source: str | None = None, db: str | Path | None = None
) -> list[dict[str, Any]]:
    """Fuzzy title search, blind to accents and punctuation, best first."""
    from starchart.published.search import search as _search

    return _search(text, limit=limit, source=source, db=db)


def most_popular(
    *, category: str | None = None, source: str | None = None, db: str | Path | None = None
) -> dict[str, Any]:
    """The all-time Most Popular lists (views in a title's first 91 days; 28 in old files)."""
    from starchart.published.queries import most_popular as _most_popular

    return _most_popular(category=category, source=source, db=db)



# --- simulator (starchart.simulate) -------------------------------------------------------


def simulate(
    out: str | Path,
    *,
    weeks: int = 26,
    profiles: int = 100_000,
    titles: int = 400,
    seed: int = 2025,
    end: Any = None,
    events_per_week: int | None = None,
    rows_per_file: int = 2_000_000,
    progress: ProgressCallback | None = None,
) -> dict[str, Any]:
    """Write a simulated streaming world to ``out``: ``catalog.csv`` and ``events/*.parquet``.

    ``end`` is the last day simulated (a Sunday, ``YYYY-MM-DD`` or a date; default the most
    recent Sunday before today); ``weeks`` go back from it. ``events_per_week`` defaults to
    three sessions per profile. The same arguments always write the same catalog bytes and
    event rows. ``progress(description, days_done, days_total)`` is called after each day.
    Returns ``{"out", "catalog", "files", "events", "titles", "profiles", "weeks", "start",
    "end", "seed", "seconds", "events_per_second", ...}``.
    """
    from starchart.simulate import simulate as run

    return run(out, weeks=weeks, profiles=profiles, titles=titles, seed=seed, end=end,
               events_per_week=events_per_week, rows_per_file=rows_per_file, progress=progress)
