"""The events pipeline both engines share: classification and the counts of a load.

Reading a file into a table is each engine's own business (:mod:`starchart.engine.duckdb_reader`
and :mod:`starchart.engine.spark_inputs`: text where the format is text, typed columns where it
has types). From there on one definition serves both: :func:`classify` (the shared Ibis
validation plus the de-duplication key), :func:`starchart.engine.validate.duplicate_rows`, and
the per-file figures below, so that both engines count every row the same way:
``read = accepted + quarantined + duplicates`` per file and per load.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import ibis.expr.types as ir

from starchart.engine.readers import InputFile
from starchart.engine.validate import REASONS, classify_events, event_key

COUNT_KEYS = ("read", "accepted", "quarantined", "duplicates")


def classify(raw: ir.Table, title_ids: ir.Table, countries: ir.Table | None = None) -> ir.Table:
    """Every row of ``raw`` classified (see :func:`classify_events`) plus ``event_key``: the
    trimmed ``event_id`` de-duplication compares (NULL when none was given)."""
    classified = classify_events(raw, title_ids, countries)
    return classified.mutate(event_key=event_key(classified.event_id))


def accepted_events(classified: ir.Table) -> ir.Table:
    """The countable rows in the store's event columns (validated values)."""
    ok = classified.filter(classified.reason.isnull())
    return ok.select(
        event_id=ok.event_key,
        profile_id=ok.profile_id,
        title_id=ok.title_id,
        country=ok.country,
        started_at=ok.started_at_utc,
        seconds_viewed=ok.seconds,
    )


def new_figures(info: InputFile, digest: str | None) -> dict[str, Any]:
    """The figures of one file before anything is counted."""
    return {
        "path": str(info.path),
        "format": info.format,
        "compression": info.compression,
        "sha256": digest,
        "read": 0,
        "accepted": 0,
        "quarantined": 0,
        "duplicates": 0,
        "by_reason": dict.fromkeys(REASONS, 0),
        "already_loaded": False,
    }


def count_rows(
    files: Sequence[dict[str, Any]], rows: Iterable[tuple[int, str | None, bool, int]]
) -> None:
    """Add ``(file index, reason or None, duplicate, number of rows)`` counts to ``files``."""
    for index, reason, duplicate, n in rows:
        entry = files[index]
        entry["read"] += n
        if reason is not None:
            entry["quarantined"] += n
            entry["by_reason"][reason] += n
        elif duplicate:
            entry["duplicates"] += n
        else:
            entry["accepted"] += n


def mark_already_loaded(entry: dict[str, Any], read: int) -> None:
    """A file whose content was loaded before: every row it has is a duplicate."""
    entry["read"] = entry["duplicates"] = read
    entry["already_loaded"] = True


def totals(files: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The load's totals and ``by_reason`` over its files."""
    by_reason = dict.fromkeys(REASONS, 0)
    for f in files:
        for reason, n in f["by_reason"].items():
            by_reason[reason] += n
    summed = {key: sum(int(f[key]) for f in files) for key in COUNT_KEYS}
    return {**summed, "by_reason": by_reason}
