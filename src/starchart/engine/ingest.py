"""Load a catalog and viewing events into the DuckDB store, all or nothing.

Every file is checked before anything is written (format, binary garbage, columns), then one
transaction loads them. Each file is read by DuckDB (:mod:`starchart.engine.duckdb_reader`:
Parquet with its own timestamp and integer types, text formats as text) and classified by the
shared :func:`starchart.engine.inputs.classify`; bad rows go to ``quarantine`` with the
reason, file and row; good rows are rolled up into the load's partial aggregates
(:mod:`starchart.engine.rollup`) and, with ``keep_events``, written to the Parquet archive
(:mod:`starchart.engine.archive`). Raw events are not copied into the store.

De-duplication keeps a 128-bit fingerprint (md5) of every accepted ``event_id`` in
``event_fingerprints``. After the files are read, one pass over the load's fingerprints
(:func:`starchart.engine.validate.duplicate_rows`, compiled for DuckDB) finds the rows whose
id an earlier row of the load or an earlier load has, and the rest are rolled up. A file whose
content was loaded before (sha256, under any name) counts whole as duplicates. So
``read = accepted + quarantined + duplicates`` for every file and load.

A load of any size is settled in that one pass: the staged rows, the de-duplication and the
rollups are DuckDB tables and operators that spill to the temp folder beyond the memory
limit (:mod:`starchart.engine.resources`), so memory stays bounded without splitting the
load. (Settling a big load in memory-sized parts was measured slower: each part probed every
fingerprint stored before it, the earlier parts' included, so the probes grew with the
square of the load, and the parts' days were merged once per part.)
"""

from __future__ import annotations

import functools
import io
import json
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb
import ibis
import pyarrow as pa
from ibis.backends.sql.datatypes import DuckDBType

from starchart import store
from starchart.countries import iso_alpha2_codes
from starchart.engine import archive, rollup
from starchart.engine.catalog import (
    CATALOG_COLUMNS,
    OPTIONAL_CATALOG_COLUMNS,
    CatalogFile,
    read_catalog_file,
)
from starchart.engine.duckdb_reader import (
    csv_needs_serial_reader,
    read_into,
    registered,
    sql_ident,
    sql_string,
)
from starchart.engine.inputs import (
    classify,
    count_rows,
    mark_already_loaded,
    new_figures,
    totals,
)
from starchart.engine.readers import (
    InputFile,
    InputFileError,
    expand_paths,
    inspect_file,
    open_decompressed,
    sha256_file,
)
from starchart.engine.validate import (
    EVENT_COLUMNS,
    INVALID_JSON,
    MISSING_FIELD,
    REASONS,
    REQUIRED_EVENT_COLUMNS,
    duplicate_rows,
    invalid_json_detail,
)
from starchart.progress import ProgressCallback as Progress

_STAGED = "starchart_staged"
_CLASSIFIED = "starchart_classified"
_ACCEPTED = "starchart_accepted"
_ROWS = "starchart_load_rows"
_KEYS = "starchart_load_keys"
_KNOWN = "starchart_known_keys"
_DUPES = "starchart_load_dupes"
_COUNTRIES = "starchart_countries"
#: The chart-relevant catalog columns: changing one of a title with viewing dirties its weeks.
_CHART_COLUMNS = ("show_title", "season_title", "kind", "original_language",
                  "runtime_minutes", "release_date", "original")


_COMPILED: dict[Any, str] = {}


def _classify_sql(con: duckdb.DuckDBPyConnection, cache: dict[Any, str] = _COMPILED) -> str:
    """The shared classification compiled for DuckDB over the staged file, per column types
    (a Parquet file's typed columns compile to typed checks)."""
    described = con.execute(f"DESCRIBE {_STAGED}").fetchall()
    schema = tuple((str(r[0]), str(r[1])) for r in described)
    if schema not in cache:
        raw = ibis.table(
            {name: DuckDBType.from_string(kind) for name, kind in schema}, name=_STAGED
        )
        titles = ibis.table({"title_id": "string"}, name="catalog")
        countries = ibis.table({"code": "string"}, name=_COUNTRIES)
        cache[schema] = str(ibis.to_sql(classify(raw, titles, countries), dialect="duckdb"))
    con.execute(f"CREATE TEMP TABLE IF NOT EXISTS {_COUNTRIES} AS "
                "SELECT unnest(?::VARCHAR[]) AS code", [sorted(iso_alpha2_codes())])
    return cache[schema]


@functools.cache
def _duplicates_sql() -> str:
    keys = ibis.table(
        {"key": "decimal(38, 0)", "bucket": "uint64", "source_index": "int32",
         "source_row": "int64"}, name=_KEYS
    )
    known = ibis.table({"key": "decimal(38, 0)"}, name=_KNOWN)
    return str(ibis.to_sql(duplicate_rows(keys, known), dialect="duckdb"))


def _upsert_catalog(con: duckdb.DuckDBPyConnection, loaded: CatalogFile) -> dict[str, Any]:
    """Insert new titles, update known ones by title_id.

    Optional columns the file does not have keep their stored values (a film never keeps a
    season title).
    """
    with registered(con, "starchart_incoming_catalog", loaded.table):
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
    updated = int(known[0]) if known else 0
    return {
        "path": str(loaded.path),
        "titles": loaded.table.num_rows,
        "inserted": loaded.table.num_rows - updated,
        "updated": updated,
    }


def _mark_dirty_titles(con: duckdb.DuckDBPyConnection, loaded: CatalogFile) -> None:
    """Weeks with viewing of a title whose chart columns the new catalog changes are dirty."""
    with registered(con, "starchart_incoming_titles", loaded.table):
        changed = " OR ".join(
            f"i.{sql_ident(c)} IS DISTINCT FROM c.{sql_ident(c)}" for c in _CHART_COLUMNS
            if c != "season_title" or c in loaded.present_columns
        )
        con.execute(
            f"""INSERT INTO dirty_weeks
            SELECT DISTINCT CAST(date_trunc('week', d.day) AS DATE) + 6 FROM daily_viewing d
            WHERE d.title_id IN (SELECT i.title_id FROM starchart_incoming_titles i
                                 JOIN catalog c USING (title_id) WHERE {changed})
            ON CONFLICT DO NOTHING"""
        )


def _stage_file(
    con: duckdb.DuckDBPyConnection,
    info: InputFile,
    index: int,
    files: list[dict[str, Any]],
    cache: dict[Any, str],
    *,
    parallel: bool,
    keep: bool,
) -> None:
    """Read and classify one file into the load's ``_ROWS`` (each row written once: its
    reason, and for countable rows the validated values and the id's fingerprint); count
    its rows by reason; quarantine its bad rows.

    Bad rows are rare: only a file that has some is read a second time, for them alone,
    with the values as read (text) and the detail of each reason.
    """
    read_into(
        con, info, EVENT_COLUMNS,
        f"CREATE OR REPLACE TEMP VIEW {_STAGED} AS "
        "SELECT *, CAST(NULL AS VARCHAR) AS bad_line FROM ({select})",
        parallel=parallel, retry=False, typed=True,
    )
    classify_sql = _classify_sql(con, cache)
    event_id = ", CASE WHEN reason IS NULL THEN event_key END" if keep else ""
    read_into(
        con, info, EVENT_COLUMNS,
        f"""INSERT INTO {_ROWS}
        SELECT {int(index)}, source_row, reason,
               CASE WHEN reason IS NULL AND event_key IS NOT NULL
                    THEN md5_number(event_key) END,
               profile_id, title_id, country, started_at_utc, seconds{event_id}
        FROM ({classify_sql})""",
        parallel=parallel, retry=False,
    )
    counts = dict(con.execute(
        f"SELECT reason, count(*) FROM {_ROWS} WHERE source_index = ? GROUP BY reason",
        [index]).fetchall())
    bad = sum(int(n) for reason, n in counts.items() if reason is not None)
    if bad:
        counts = {None: counts.get(None, 0), **_quarantine_file(con, info, classify_sql,
                                                                parallel=parallel)}
    count_rows(files, [(index, reason, False, int(n)) for reason, n in counts.items()])


def _quarantine_file(
    con: duckdb.DuckDBPyConnection, info: InputFile, classify_sql: str, *, parallel: bool
) -> dict[str, int]:
    """Read the file again for its bad rows only: quarantine them with the values as read and
    the detail; return their number per reason (JSON Lines that are not objects included)."""
    raw = ", ".join(f"CAST({sql_ident(c)} AS VARCHAR) AS {sql_ident('raw_' + c)}"
                    for c in EVENT_COLUMNS)
    read_into(
        con, info, EVENT_COLUMNS,
        f"""CREATE OR REPLACE TEMP TABLE {_CLASSIFIED} AS
        SELECT source_row, reason, detail, bad_line, {raw}
        FROM ({classify_sql}) WHERE reason IS NOT NULL""",
        parallel=parallel, retry=False,
    )
    if info.format == "jsonl":
        _mark_invalid_json(con, info)
    path = sql_string(str(info.path))
    raw_json = ", ".join(f"'{c}', {sql_ident('raw_' + c)}" for c in EVENT_COLUMNS)
    con.execute(
        f"""INSERT INTO quarantine (source_file, source_row, reason, detail, raw)
        SELECT {path}, source_row, reason, detail,
               coalesce(bad_line, CAST(json_object({raw_json}) AS VARCHAR))
        FROM {_CLASSIFIED} ORDER BY source_row"""
    )
    counts = con.execute(f"SELECT reason, count(*) FROM {_CLASSIFIED} GROUP BY reason").fetchall()
    return {str(reason): int(n) for reason, n in counts}


def _stage_archive(
    con: duckdb.DuckDBPyConnection, infos: Sequence[InputFile], keep: tuple[Path, str]
) -> None:
    """Write the load's accepted rows to the archive's staging, partitioned by week."""
    paths = pa.table({"source_index": pa.array(range(len(infos)), pa.int32()),
                      "source_file": [str(info.path) for info in infos]})
    with registered(con, "starchart_load_files", paths):
        db_path, load_id = keep
        archive.stage_file(
            con,
            f"""SELECT a.event_id, a.profile_id, a.title_id, a.country, a.started_at,
                a.seconds_viewed, f.source_file, a.source_row,
                CAST(date_trunc('week', a.started_at) AS DATE) + 6 AS week
            FROM {_ACCEPTED} a JOIN starchart_load_files f USING (source_index)
            ORDER BY a.source_index, a.source_row""",
            db_path, load_id, 0,
        )


def _settle(
    con: duckdb.DuckDBPyConnection,
    infos: Sequence[InputFile],
    files: list[dict[str, Any]],
    keep: tuple[Path, str] | None,
    timings: dict[str, float],
    progress: Progress | None,
) -> dict[str, int]:
    """Settle the load's staged rows: find their duplicates (within the load and against the
    store), keep the new fingerprints, roll the rest up into the days they touch and one
    profile x title run, and archive them if asked. Returns the rollup's figures.

    Each step is a pass over every staged row (minutes for 100M events): each is reported."""
    def say(i: int, what: str) -> None:
        if progress is not None:
            progress(what, i, 3)

    say(0, "finding duplicates")
    step = time.perf_counter()
    duplicates = _find_duplicates(con)
    for i, n in duplicates.items():
        files[i]["accepted"] -= n
        files[i]["duplicates"] += n
    dupes = (f" ANTI JOIN {_DUPES} d ON r.source_index = d.source_index "
             "AND r.source_row = d.source_row") if duplicates else ""
    con.execute(f"CREATE OR REPLACE TEMP VIEW {_ACCEPTED} AS SELECT r.* FROM {_ROWS} r{dupes} "
                "WHERE r.reason IS NULL")
    con.execute(f"INSERT INTO event_fingerprints SELECT fingerprint FROM {_ACCEPTED} "
                "WHERE fingerprint IS NOT NULL")
    timings["duplicates"] += time.perf_counter() - step
    say(1, "rolling up days")
    step = time.perf_counter()
    days = rollup.add_daily(con, _ACCEPTED)
    if keep is not None:
        _stage_archive(con, infos, keep)
    timings["merge"] += time.perf_counter() - step
    say(2, "summing viewing per profile and title")
    step = time.perf_counter()
    rows = rollup.append_profile_run(con, _ACCEPTED)
    timings["profiles"] += time.perf_counter() - step
    for name in (_ACCEPTED, _KEYS, _KNOWN):
        con.execute(f"DROP VIEW IF EXISTS {name}")
    con.execute(f"DROP TABLE IF EXISTS {_DUPES}")
    con.execute(f"DROP TABLE {_ROWS}")
    return {"days": days, "profile_title_rows": rows}


def _drop_classified(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"DROP TABLE IF EXISTS {_CLASSIFIED}")
    con.execute(f"DROP VIEW IF EXISTS {_STAGED}")


def _find_duplicates(con: duckdb.DuckDBPyConnection) -> dict[int, int]:
    """Fill ``_DUPES`` with the load's duplicate rows; return their number per file."""
    con.execute(f"CREATE OR REPLACE TEMP VIEW {_KNOWN} AS "
                "SELECT fingerprint AS key FROM event_fingerprints")
    # (the bucket: the fingerprint's upper 64 bits, which equal fingerprints share)
    con.execute(f"CREATE OR REPLACE TEMP VIEW {_KEYS} AS SELECT fingerprint AS key, "
                "CAST(fingerprint >> 64 AS UBIGINT) AS bucket, "
                f"source_index, source_row FROM {_ROWS} WHERE fingerprint IS NOT NULL")
    # (a fingerprint is only computed for a countable row, so keys are countable rows)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {_DUPES} AS {_duplicates_sql()}")
    return {
        int(i): int(n) for i, n in con.execute(
            f"SELECT source_index, count(*) FROM {_DUPES} GROUP BY source_index").fetchall()
    }


def _events_paths(events: Sequence[str | Path], db_path: Path | None) -> list[Path]:
    """The files ``events`` names (:func:`expand_paths`), never the store's own archive.

    A folder that holds the store also holds the events ``keep_events`` kept beside it: those
    rows were counted when they were loaded, and the ones without an ``event_id`` would be
    counted again. Folders and patterns skip it; naming it (or a file or pattern in it) is
    refused. Another store may load it (reprocessing).
    """
    found = expand_paths(events)
    if db_path is None:
        return found
    own = archive.archive_dir(db_path).resolve()
    for item in events:
        named = Path(item).resolve()
        if named == own or own in named.parents:
            raise InputFileError(
                f"{item}: inside {archive.archive_dir(db_path)}, where this store keeps the "
                "events it accepted: they are counted already, and "
                "loading them into the same store would count those without an event_id "
                "again; to reprocess them, load them into another store"
            )
    return [p for p in found if own not in p.resolve().parents]


def ingest_into(
    con: duckdb.DuckDBPyConnection,
    *,
    catalog: str | Path | None = None,
    events: Sequence[str | Path] = (),
    keep_events: bool = False,
    db_path: Path | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Load ``catalog`` (upsert by title_id) then ``events``, in one transaction.

    ``keep_events`` also writes the accepted rows to the Parquet archive beside the store at
    ``db_path``. Raises ``ValueError`` (naming the file and the problem) and leaves the store
    unchanged when any file is refused.
    """
    started = time.perf_counter()
    if catalog is None and not events:
        raise ValueError("nothing to ingest: give a catalog (--catalog FILE) and/or events files")
    if keep_events and db_path is None:
        raise ValueError("keeping events needs a store file: the archive is written beside it")
    loaded = read_catalog_file(Path(catalog).resolve()) if catalog is not None else None
    infos = [inspect_file(p.resolve(), REQUIRED_EVENT_COLUMNS)
             for p in _events_paths(events, db_path)]
    digests = []
    for i, info in enumerate(infos):  # hashing a big load takes seconds: say so, file by file
        if progress is not None:
            progress(f"fingerprinting {info.path.name}", i, len(infos))
        digests.append(sha256_file(info.path))
    if infos and loaded is None:
        row = con.execute("SELECT count(*) FROM catalog").fetchone()
        if not row or row[0] == 0:
            raise ValueError(
                "the store has no catalog yet: load one with --catalog FILE before events"
            )
    serial = [csv_needs_serial_reader(con, info) for info in infos]
    if db_path is not None:
        archive.recover(con, db_path)
    load_id = uuid.uuid4().hex[:16]
    keep = (db_path, load_id) if keep_events and db_path is not None else None
    files = [new_figures(info, digest) for info, digest in zip(infos, digests, strict=True)]
    timings = {"read_and_classify": 0.0, "duplicates": 0.0, "merge": 0.0, "profiles": 0.0}
    cache = _COMPILED
    catalog_figures: dict[str, Any] | None = None
    # Row numbers travel with the rows, so DuckDB need not keep scan order (much faster).
    con.execute("SET preserve_insertion_order = false")
    try:
        with store.transaction(con):
            rollup.migrate_legacy_events(con)
            if loaded is not None:
                _mark_dirty_titles(con, loaded)
                catalog_figures = _upsert_catalog(con, loaded)
            event_id = ", event_id VARCHAR" if keep is not None else ""
            con.execute(
                f"""CREATE OR REPLACE TEMP TABLE {_ROWS} (source_index INTEGER,
                source_row BIGINT, reason VARCHAR, fingerprint UHUGEINT, profile_id VARCHAR,
                title_id VARCHAR, country VARCHAR, started_at TIMESTAMP,
                seconds_viewed BIGINT{event_id})"""
            )
            seen: dict[str, int] = {}
            for i, (info, digest, slow) in enumerate(zip(infos, digests, serial, strict=True)):
                if progress is not None:
                    progress(f"reading {info.path.name}", i, len(infos))
                step = time.perf_counter()
                before = con.execute(
                    "SELECT read FROM ingested_files WHERE sha256 = ? "
                    "ORDER BY ingested_at LIMIT 1", [digest],
                ).fetchall()
                if before or digest in seen:
                    earlier = (int(before[0][0]) if before else files[seen[digest]]["read"])
                    mark_already_loaded(files[i], earlier)
                    continue
                seen[digest] = i
                _stage_file(con, info, i, files, cache, parallel=not slow,
                            keep=keep is not None)
                _drop_classified(con)
                timings["read_and_classify"] += time.perf_counter() - step
            merged = _settle(con, infos, files, keep, timings, progress)
            step = time.perf_counter()
            rollup.compact_runs(con)
            for entry in files:
                _record_file(con, entry)
            if infos:
                con.execute("INSERT INTO ingest_loads (load_id, kept_events) VALUES (?, ?)",
                            [load_id, keep is not None])
            timings["merge"] += time.perf_counter() - step
    except BaseException:
        if keep is not None:  # (a COMMIT interrupted by Ctrl-C may have taken effect)
            archive.settle(con, keep[0], load_id)
        raise
    finally:
        con.execute("RESET preserve_insertion_order")
    kept = archive.publish(keep[0], load_id) if keep is not None else 0
    if progress is not None:
        progress("ingested", len(infos), len(infos))
    report = {
        "catalog": catalog_figures,
        **totals(files),
        "files": files,
        "rollup": merged if infos else {"days": 0, "profile_title_rows": 0},
        "kept_events": (str(archive.archive_dir(keep[0])) if keep is not None else None),
        "kept_files": kept,
        "timings": {k: round(v, 3) for k, v in timings.items()},
        "seconds": round(time.perf_counter() - started, 3),
    }
    return report


def _record_file(con: duckdb.DuckDBPyConnection, figures: dict[str, Any]) -> None:
    con.execute(
        "INSERT INTO ingested_files (path, sha256, read, accepted, quarantined, duplicates) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [figures["path"], figures["sha256"], figures["read"], figures["accepted"],
         figures["quarantined"], figures["duplicates"]],
    )


def _mark_invalid_json(con: duckdb.DuckDBPyConnection, info: InputFile) -> None:
    """Turn rows read from lines that are not JSON objects into ``invalid_json``, raw line kept.

    DuckDB's reader gives such a line an all-NULL row (Spark keeps the text as a corrupt
    record), so the file is re-read in Python only when all-NULL rows exist: numbered like
    DuckDB numbers them (blank lines skipped), then checked with ``json.loads``.
    """
    all_null = " AND ".join(f"{sql_ident('raw_' + c)} IS NULL" for c in EVENT_COLUMNS)
    # (``_CLASSIFIED`` holds the file's bad rows with their values as read)
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
    bad_lines = pa.table({"source_row": pa.array(rows, pa.int64()), "line": lines,
                          "detail": details})
    with registered(con, "starchart_bad_lines", bad_lines):
        con.execute(
            f"""UPDATE {_CLASSIFIED} SET reason = ?, detail = b.detail, bad_line = b.line
            FROM starchart_bad_lines b WHERE {_CLASSIFIED}.source_row = b.source_row""",
            [INVALID_JSON],
        )


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
