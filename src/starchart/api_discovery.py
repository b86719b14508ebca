"""starchart's public API for discovery and the watchlist, re-exported by
:mod:`starchart.api` (call them as ``api.similar``, ``api.watch_add``...): more like this,
picks, training, and the titles one watches with what each release says they did.

Thin wrappers, as in :mod:`starchart.api`: the work is in :mod:`starchart.discovery` and
:mod:`starchart.watchlist`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from starchart import store
from starchart.progress import ProgressCallback

# --- discovery: more like this, picks, training (starchart.discovery) ----------------------
# Shapes: docs/discovery.md. Unknown titles and profiles raise LookupError whose args[1]
# lists suggestions; a store with no trained model raises LookupError saying what to run.


def similar(title_id: str, *, limit: int = 10, db: str | Path | None = None) -> dict[str, Any]:
    """:meth:`starchart.api.Charts.similar` of the current release of the store at ``db``."""
    from starchart import api

    with api.open(db) as charts:
        return charts.similar(title_id, limit=limit)


def picks(profile_id: str, *, limit: int = 10, db: str | Path | None = None) -> dict[str, Any]:
    """:meth:`starchart.api.Charts.picks` of the current release of the store at ``db``."""
    from starchart import api

    with api.open(db) as charts:
        return charts.picks(profile_id, limit=limit)


def names_of(title_ids: list[str], *, db: str | Path | None = None) -> dict[str, str]:
    """:meth:`starchart.api.Charts.names_of` of the current release of the store at ``db``."""
    from starchart import api

    with api.open(db) as charts:
        return charts.names_of(title_ids)


def train(
    *,
    db: str | Path | None = None,
    engine: str = "duckdb",
    catalog: str | Path | None = None,
    events: Sequence[str | Path] | None = None,
    spark_master: str | None = None,
    progress: ProgressCallback | None = None,
) -> dict[str, Any]:
    """Train the discovery models and store them (replacing the last ones, all or nothing).

    ``engine="duckdb"`` learns from the store's viewing; ``engine="spark"`` reads
    ``catalog`` and ``events`` files into Spark (``spark_master`` or local) for the viewing
    model. Both also learn co-charting from imported Netflix charts in the store. Then
    publishes a release (``release`` in the answer), which :func:`similar` and
    :func:`picks` read.
    """
    from starchart.api_writes import with_release
    from starchart.discovery import train as training

    if engine == "spark":
        if not catalog or not events:
            raise ValueError("training on Spark reads the input files itself: give --catalog "
                             "FILE --events PATH...")
        with store.reporting_waits(progress):
            report = training.train_spark(catalog, list(events), db=db,
                                          spark_master=spark_master, progress=progress)
    else:
        if engine != "duckdb":
            raise ValueError(f"unknown engine {engine!r}: choose duckdb or spark")
        if catalog is not None or events or spark_master is not None:
            raise ValueError("--catalog/--events/--spark-master belong to --engine spark; on "
                             "DuckDB run 'starchart ingest', then 'starchart train'")
        with store.reporting_waits(progress):
            report = training.train_duckdb(db, progress=progress)
    return with_release(report, db, progress)

# --- watchlist (starchart.watchlist) ----------------------------------------------------------
# A watched title is reported on by every release after it: the ``watchlist`` key of build,
# import_netflix and update, watchlist_events, and the site's /watchlist.atom.


def watch_add(title: str, *, db: str | Path | None = None) -> dict[str, Any]:
    """Watch a title (a catalog ``title_id``, a work's ``nf-…`` ID, or an exact name):
    ``{"title_id", "show_title", "season_title", "added", "watched"}``. A name shared by
    several titles, or unknown, raises LookupError whose ``args[1]`` lists candidates."""
    from starchart.watchlist import add

    with store.opened(db) as con:
        return add(con, title)


def watch_remove(title: str, *, db: str | Path | None = None) -> dict[str, Any]:
    """Stop watching a title (by ID or name): ``{..., "removed", "watched"}``."""
    from starchart.watchlist import remove

    with store.opened(db) as con:
        return remove(con, title)


def watchlist(*, db: str | Path | None = None) -> list[dict[str, Any]]:
    """The watched titles, oldest first: ``[{"title_id", "show_title", "season_title",
    "added_at"}]`` (read from the store; waits for a process writing it)."""
    from starchart.watchlist import listing

    with store.opened(db, read_only=True) as con:
        return listing(con)


def watchlist_events(*, since: int | None = None, limit: int = 50,
                     db: str | Path | None = None) -> list[dict[str, Any]]:
    """:meth:`starchart.api.Charts.watchlist_events` of the current release of the store at
    ``db``: ``[{"release", "published_at", "source", "title_id", "show_title",
    "season_title", "event", "week", "lists", "summary"}]``."""
    from starchart import api

    with api.open(db) as charts:
        return charts.watchlist_events(since=since, limit=limit)
