"""Run a simulation: catalog, audience and behaviour in, ``catalog.csv`` and events out.

The world is fixed by its parameters and ``seed``: the catalog comes from one random stream,
the model from another, and each simulated day from its own stream keyed by the day, so the
same call always writes the same bytes (catalog) and the same rows (events), and memory
never holds more than a day (or a ``max_chunk`` slice of one) plus one row group.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from starchart.simulate import audience
from starchart.simulate.behaviour import EPOCH, Behaviour, Knobs
from starchart.simulate.catalog import Catalog, make_catalog, write_catalog_csv
from starchart.simulate.defaults import (  # re-exported here, as before
    DEFAULT_PROFILES,
    DEFAULT_SEED,
    DEFAULT_TITLES,
    DEFAULT_WEEKS,
)
from starchart.simulate.slate import SLATE
from starchart.simulate.writer import (
    DEFAULT_ROW_GROUP_ROWS,
    DEFAULT_ROWS_PER_FILE,
    PART_GLOB,
    EventWriter,
)
from starchart.weeks import last_complete_week, parse_week

#: Sessions per profile per week when no events budget is given (~2M sessions a week).
SESSIONS_PER_PROFILE_WEEK = 3.0
MAX_CHUNK = 1_000_000
CATALOG_FILE = "catalog.csv"
EVENTS_DIR = "events"
MANIFEST_FILE = "simulation.json"

#: ``progress(description, days_done, days_total)`` after every simulated day (the project's
#: progress convention, shared with ingest and build).
Progress = Callable[[str, int, int], None]


def default_end(today: dt.date | None = None) -> dt.date:
    """The most recent Sunday before ``today``, so the last simulated week is complete."""
    return last_complete_week(today or dt.datetime.now(dt.UTC).date())


def resolve_end(end: str | dt.date | None) -> dt.date:
    """``end`` as a Sunday: None means :func:`default_end`; a string must be YYYY-MM-DD."""
    if end is None:
        return default_end()
    try:
        return parse_week(end if isinstance(end, str) else end.isoformat())
    except ValueError as exc:
        raise ValueError(f"--end must be the last day of a chart week: {exc}") from None


def _event_prefix(params: dict[str, Any]) -> str:
    """A short tag from the parameters, so two different worlds never share event ids."""
    digest = hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()
    return f"e{digest[:8]}-"


def build_world(*, weeks: int, profiles: int, titles: int, seed: int, end: dt.date,
                events_per_week: int) -> tuple[Catalog, Behaviour, np.ndarray, dt.date]:
    """The catalog, behaviour model and profiles per country (no files written)."""
    start = end - dt.timedelta(days=7 * weeks - 1)
    catalog = make_catalog(titles, start, end, np.random.default_rng([seed, 0]))
    per_country = audience.allocate_profiles(profiles, audience.audience_shares())
    behaviour = Behaviour(catalog, per_country, events_per_week, start, end,
                          np.random.default_rng([seed, 1]), Knobs())
    return catalog, behaviour, per_country, start


def simulate(
    out: str | Path,
    *,
    weeks: int = DEFAULT_WEEKS,
    profiles: int = DEFAULT_PROFILES,
    titles: int = DEFAULT_TITLES,
    seed: int = DEFAULT_SEED,
    end: str | dt.date | None = None,
    events_per_week: int | None = None,
    rows_per_file: int = DEFAULT_ROWS_PER_FILE,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Simulate ``weeks`` weeks ending on ``end`` and write them under ``out``.

    Writes ``out/catalog.csv``, ``out/events/part-NNNNN.parquet`` (earlier part files there
    are replaced) and ``out/simulation.json``. Returns the run's figures.
    """
    began = time.perf_counter()
    if weeks < 1:
        raise ValueError(f"--weeks must be at least 1, got {weeks}")
    if rows_per_file < 1000:
        raise ValueError(f"rows per file must be at least 1000, got {rows_per_file}")
    last = resolve_end(end)
    budget = int(events_per_week if events_per_week is not None
                 else round(profiles * SESSIONS_PER_PROFILE_WEEK))
    if budget < 1:
        raise ValueError(f"--events-per-week must be positive, got {budget}")
    catalog, behaviour, per_country, start = build_world(
        weeks=weeks, profiles=profiles, titles=titles, seed=seed, end=last,
        events_per_week=budget)

    folder = Path(out)
    events_dir = folder / EVENTS_DIR
    catalog_path = write_catalog_csv(catalog, folder / CATALOG_FILE)
    events_dir.mkdir(parents=True, exist_ok=True)
    for stale in sorted(events_dir.glob(PART_GLOB)):
        stale.unlink()

    params = {"weeks": weeks, "profiles": profiles, "titles": titles, "seed": seed,
              "start": start.isoformat(), "end": last.isoformat(), "events_per_week": budget}
    first_day = int((np.datetime64(start, "D") - EPOCH).astype(np.int64))
    days = 7 * weeks
    writer = EventWriter(
        events_dir, title_ids=catalog.title_ids, countries=audience.COUNTRY_CODES,
        profile_digits=max(6, len(str(int(per_country.max()) - 1))),
        event_prefix=_event_prefix(params), rows_per_file=rows_per_file,
        row_group_rows=min(DEFAULT_ROW_GROUP_ROWS, rows_per_file))
    with writer:
        for i in range(days):
            day_rng = np.random.default_rng([seed, 2, i])
            for chunk in behaviour.sessions(first_day + i, day_rng, MAX_CHUNK):
                writer.add(chunk)
            if progress is not None:
                progress(f"simulating viewing: {writer.rows_added:,} events", i + 1, days)
    files = writer.files
    seconds = time.perf_counter() - began

    manifest = {
        **params,
        "titles_in_catalog": len(catalog),
        "countries": len(audience.COUNTRY_CODES),
        "events": writer.events,
        "files": [p.name for p in files],
        "slate": [{"title_id": s.title_id, "show_title": s.show_title,
                   "release_date": s.release_date.isoformat()} for s in SLATE],
        "sleepers": [catalog.titles[i].title_id for i in behaviour.sleepers],
    }
    (folder / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return {
        "out": str(folder),
        "catalog": str(catalog_path),
        "events_dir": str(events_dir),
        "files": [str(p) for p in files],
        "events": writer.events,
        "titles": len(catalog),
        "profiles": int(per_country.sum()),
        "countries": len(audience.COUNTRY_CODES),
        "weeks": weeks,
        "start": start.isoformat(),
        "end": last.isoformat(),
        "seed": seed,
        "seconds": round(seconds, 3),
        "events_per_second": round(writer.events / seconds) if seconds > 0 else None,
    }
