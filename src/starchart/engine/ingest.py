"""Load a catalog and viewing events into the DuckDB store, all or nothing.

Every file is checked before anything is written (format, binary garbage, columns), then one
transaction loads them: DuckDB reads each file with every column as text, the shared
:func:`starchart.engine.validate.classify_events` decides row by row, good rows go to
``events``, bad ones to ``quarantine`` with the reason, file and row. A file whose content
was loaded before (sha256, under any name) and an ``event_id`` already stored or repeated in
the load count as ``duplicates``: ``read = accepted + quarantined + duplicates`` always.
"""

from __future__ import annotations

import functools
import io
import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb
import ibis
import pyarrow as pa

from starchart import store
from starchart.engine.catalog import (
    CATALOG_COLUMNS,
    OPTIONAL_CATALOG_COLUMNS,
    CatalogFile,
    read_catalog_file,
)
from starchart.engine.readers import (
    InputFile,
    InputFileError,
    csv_needs_serial_reader,
    expand_paths,
    inspect_file,
    read_into,
    sha256_file,
    sql_ident,
    sql_string,
)
from starchart.engine.readers import (
    _open_decompressed as open_decompressed,
)
from starchart.engine.validate import (
    EVENT_COLUMNS,
    INVALID_JSON,
    MISSING_FIELD,
    REASONS,
    REQUIRED_EVENT_COLUMNS,
    classify_events,
    event_key,
    invalid_json_detail,
)
from starchart.progress import ProgressCallback as Progress

_STAGED = "starchart_staged"
_CLASSIFIED = "starchart_classified"


@functools.cache
def _classify_sql() -> str:
    """The shared Ibis classification, compiled once for DuckDB over the staged view."""
    raw = ibis.table(
        {
            "source_file": "string",
            "source_row": "int64",
            **dict.fromkeys(EVENT_COLUMNS, "string"),
            "bad_line": "string",
        },
        name=_STAGED,
    )
    titles = ibis.table({"title_id": "string"}, name="catalog")
    classified = classify_events(raw, titles)
    return str(
        ibis.to_sql(classified.mutate(event_key=event_key(classified.event_id)), dialect="duckdb")
    )


def _upsert_catalog(con: duckdb.DuckDBPyConnection, loaded: CatalogFile) -> dict[str, Any]:
    """Insert new titles, update known ones by title_id.

    Optional columns the file does not have keep their stored values (a film never keeps a
    season title).
    """
    con.register("starchart_incoming_catalog", loaded.table)
    try:
        known = con.execute(
            "SELECT count(*) FROM starchart_incoming_catalog i JOIN catalog c USING (title_id)"
        ).fetchone()
        updates = []
        for col in CATALOG_COLUMNS[1:]:
            ident = sql_ident(col)
            if col == "season_title" and col not in loaded.present_columns:
                updates.append(
                    f"{ident} = CASE WHEN excluded.kind = 'film' THEN NULL ELSE {ident} END"
                )
            elif col in OPTIONAL_CATALOG_COLUMNS and col not in loaded.present_columns:
                continue
            else:
                updates.append(f"{ident} = excluded.{ident}")
        columns = ", ".join(sql_ident(c) for c in CATALOG_COLUMNS)
        con.execute(
            f"INSERT INTO catalog ({columns}) SELECT {columns} FROM starchart_incoming_catalog "
            f"ON CONFLICT (title_id) DO UPDATE SET {', '.join(updates)}"
        )
    finally:
        con.unregister("starchart_incoming_catalog")
    updated = int(known[0]) if known else 0
    return {
        "path": str(loaded.path),
        "titles": loaded.table.num_rows,
        "inserted": loaded.table.num_rows - updated,
        "updated": updated,
    }


def _empty_figures(info: InputFile, digest: str) -> dict[str, Any]:
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


def _load_events_file(
    con: duckdb.DuckDBPyConnection,
    info: InputFile,
    figures: dict[str, Any],
    classify_sql: str,
    *,
    parallel: bool,
) -> None:
    """Stage, classify (once, into a temp table) and store one file; fill ``figures``.

    Only what each destination needs is kept: parsed values for countable rows, the text as
    read for quarantined ones.
    """
    read_into(
        con,
        info,
        EVENT_COLUMNS,
        f"CREATE OR REPLACE TEMP VIEW {_STAGED} AS "
        "SELECT *, CAST(NULL AS VARCHAR) AS bad_line FROM ({select})",
        parallel=parallel,
        retry=False,
    )
    bad_only = ", ".join(
        f"CASE WHEN reason IS NOT NULL THEN {sql_ident(c)} END AS {sql_ident('raw_' + c)}"
        for c in EVENT_COLUMNS
    )
    read_into(
        con,
        info,
        EVENT_COLUMNS,
        f"""CREATE OR REPLACE TEMP TABLE {_CLASSIFIED} AS
        SELECT source_row, reason, detail, event_key, profile_id, title_id, country,
               started_at_utc, seconds, bad_line, {bad_only}
        FROM ({classify_sql})""",
        parallel=parallel,
        retry=False,
    )
    if info.format == "jsonl":
        _mark_invalid_json(con, info)
    path = sql_string(str(info.path))
    raw_json = ", ".join(f"'{c}', {sql_ident('raw_' + c)}" for c in EVENT_COLUMNS)
    con.execute(
        f"""INSERT INTO quarantine (source_file, source_row, reason, detail, raw)
        SELECT {path}, source_row, reason, detail,
               coalesce(bad_line, CAST(json_object({raw_json}) AS VARCHAR))
        FROM {_CLASSIFIED} WHERE reason IS NOT NULL ORDER BY source_row"""
    )
    keep, firsts = "TRUE", ""
    if "event_id" in info.columns:
        # First countable row of each event_id in this file, unless the store already has it.
        # The same rule as validate.flag_duplicates (which Spark uses), written as a GROUP BY:
        # compiling flag_duplicates' row_number window here made a 2M-row Parquet ingest
        # 2.5x slower (4.7 s -> 12 s, benchmarks/bench_ingest.py), so DuckDB keeps this form;
        # tests/engine/test_ingest_spark.py checks that both engines keep the same rows.
        firsts = f"""LEFT JOIN (SELECT event_key, min(source_row) AS first_row
            FROM {_CLASSIFIED} WHERE reason IS NULL AND event_key IS NOT NULL
            GROUP BY event_key) f USING (event_key)"""
        keep = """(c.event_key IS NULL OR (
            c.source_row = f.first_row
            AND NOT EXISTS (SELECT 1 FROM events e WHERE e.event_id = c.event_key)))"""
    inserted = con.execute(
        f"""INSERT INTO events (event_id, profile_id, title_id, country, started_at,
                                seconds_viewed, source_file, source_row)
        SELECT c.event_key, c.profile_id, c.title_id, c.country, c.started_at_utc, c.seconds,
               {path}, c.source_row
        FROM {_CLASSIFIED} c {firsts}
        WHERE c.reason IS NULL AND {keep}"""
    ).fetchone()
    accepted = int(inserted[0]) if inserted else 0
    read = 0
    for reason, n in con.execute(
        f"SELECT reason, count(*) FROM {_CLASSIFIED} GROUP BY reason"
    ).fetchall():
        read += int(n)
        if reason is not None:
            figures["by_reason"][reason] += int(n)
    figures["read"] = read
    figures["accepted"] = accepted
    figures["quarantined"] = sum(figures["by_reason"].values())
    figures["duplicates"] = read - accepted - figures["quarantined"]
    con.execute(f"DROP TABLE {_CLASSIFIED}")
    con.execute(f"DROP VIEW {_STAGED}")


def _mark_invalid_json(con: duckdb.DuckDBPyConnection, info: InputFile) -> None:
    """Turn rows read from lines that are not JSON objects into ``invalid_json``, raw line kept.

    DuckDB's reader gives such a line an all-NULL row (Spark keeps the text as a corrupt
    record), so the file is re-read in Python only when all-NULL rows exist: numbered like
    DuckDB numbers them (blank lines skipped), then checked with ``json.loads``.
    """
    all_null = " AND ".join(f"{sql_ident('raw_' + c)} IS NULL" for c in EVENT_COLUMNS)
    candidates = {
        int(r[0])
        for r in con.execute(
            f"SELECT source_row FROM {_CLASSIFIED} WHERE reason = ? AND {all_null}",
            [MISSING_FIELD],
        ).fetchall()
    }
    if not candidates:
        return
    rows, lines, details = [], [], []
    with io.TextIOWrapper(
        open_decompressed(info.path, info.compression), encoding="utf-8-sig", errors="replace"
    ) as text:
        number = 0
        for line in text:
            line = line.rstrip("\r\n")
            if not line.strip():
                continue
            number += 1
            if number not in candidates:
                continue
            try:
                is_object = isinstance(json.loads(line), dict)
            except ValueError:
                is_object = False
            if not is_object:
                rows.append(number)
                lines.append(line)
                details.append(invalid_json_detail(line))
    if not rows:
        return
    con.register(
        "starchart_bad_lines",
        pa.table({"source_row": pa.array(rows, pa.int64()), "line": lines, "detail": details}),
    )
    try:
        con.execute(
            f"""UPDATE {_CLASSIFIED} SET reason = ?, detail = b.detail, bad_line = b.line
            FROM starchart_bad_lines b WHERE {_CLASSIFIED}.source_row = b.source_row""",
            [INVALID_JSON],
        )
    finally:
        con.unregister("starchart_bad_lines")


def _load_or_skip(
    con: duckdb.DuckDBPyConnection, info: InputFile, digest: str, classify_sql: str,
    *, parallel: bool,
) -> dict[str, Any]:
    """Load one events file, or count it all as duplicates when its content (sha256) was
    loaded before under any name; record it in ``ingested_files`` either way."""
    figures = _empty_figures(info, digest)
    before = con.execute(
        "SELECT read FROM ingested_files WHERE sha256 = ? ORDER BY ingested_at LIMIT 1",
        [digest],
    ).fetchone()
    if before is not None:
        figures["read"] = figures["duplicates"] = int(before[0])
        figures["already_loaded"] = True
    else:
        _load_events_file(con, info, figures, classify_sql, parallel=parallel)
    _record_file(con, figures)
    return figures


def _record_file(con: duckdb.DuckDBPyConnection, figures: dict[str, Any]) -> None:
    con.execute(
        "INSERT INTO ingested_files (path, sha256, read, accepted, quarantined, duplicates) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [
            figures["path"],
            figures["sha256"],
            figures["read"],
            figures["accepted"],
            figures["quarantined"],
            figures["duplicates"],
        ],
    )


def ingest_into(
    con: duckdb.DuckDBPyConnection,
    *,
    catalog: str | Path | None = None,
    events: Sequence[str | Path] = (),
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Load ``catalog`` (upsert by title_id) then append ``events``, in one transaction.

    Raises ``ValueError`` (naming the file and the problem) and leaves the store unchanged
    when any file is refused.
    """
    started = time.perf_counter()
    if catalog is None and not events:
        raise ValueError("nothing to ingest: give a catalog (--catalog FILE) and/or events files")
    loaded = read_catalog_file(Path(catalog).resolve()) if catalog is not None else None
    infos = [inspect_file(p.resolve(), REQUIRED_EVENT_COLUMNS) for p in expand_paths(events)]
    digests = [sha256_file(info.path) for info in infos]
    if infos and loaded is None:
        row = con.execute("SELECT count(*) FROM catalog").fetchone()
        if not row or row[0] == 0:
            raise ValueError(
                "the store has no catalog yet: load one with --catalog FILE before events"
            )
    serial = [csv_needs_serial_reader(con, info) for info in infos]
    classify_sql = _classify_sql()
    files: list[dict[str, Any]] = []
    catalog_figures: dict[str, Any] | None = None
    # Row numbers travel with the rows, so DuckDB need not keep scan order (much faster).
    con.execute("SET preserve_insertion_order = false")
    try:
        with store.transaction(con):
            if loaded is not None:
                catalog_figures = _upsert_catalog(con, loaded)
            for i, (info, digest, slow) in enumerate(zip(infos, digests, serial, strict=True)):
                if progress is not None:
                    progress(f"reading {info.path.name}", i, len(infos))
                files.append(
                    _load_or_skip(con, info, digest, classify_sql, parallel=not slow)
                )
    finally:
        con.execute("RESET preserve_insertion_order")
    if progress is not None:
        progress("ingested", len(infos), len(infos))
    return _report(catalog_figures, files, time.perf_counter() - started)


def _report(
    catalog_figures: dict[str, Any] | None, files: list[dict[str, Any]], seconds: float
) -> dict[str, Any]:
    by_reason = dict.fromkeys(REASONS, 0)
    for f in files:
        for reason, n in f["by_reason"].items():
            by_reason[reason] += n
    totals = {
        key: sum(int(f[key]) for f in files)
        for key in ("read", "accepted", "quarantined", "duplicates")
    }
    return {
        "catalog": catalog_figures,
        **totals,
        "by_reason": by_reason,
        "files": files,
        "seconds": round(seconds, 3),
    }


def quarantine_rows(
    con: duckdb.DuckDBPyConnection,
    *,
    reason: str | None = None,
    source_file: str | None = None,
    limit: int | None = None,
) -> Any:
    """Quarantined rows (pandas), in file and row order, optionally filtered."""
    if reason is not None and reason not in REASONS:
        raise ValueError(f"unknown reason {reason!r}; choose one of {', '.join(REASONS)}")
    if limit is not None and limit < 0:
        raise ValueError(f"limit must be zero or more, got {limit}")
    where, params = [], []
    if reason is not None:
        where.append("reason = ?")
        params.append(reason)
    if source_file is not None:
        where.append("source_file = ?")
        params.append(str(Path(source_file).resolve()))
    sql = "SELECT source_file, source_row, reason, detail, raw FROM quarantine"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY source_file, source_row"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return con.execute(sql, params).df()


__all__ = ["InputFileError", "Progress", "ingest_into", "quarantine_rows"]
