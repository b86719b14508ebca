"""DuckDB's reader of input files: the SQL that turns one checked file into rows.

:mod:`starchart.engine.readers` decides which files are acceptable (engine-neutral); this
module is how DuckDB reads them. Text formats (CSV, TSV, JSON Lines) give text columns, which
the shared validation parses; Parquet gives its own types where they carry meaning
(``typed=True``: timestamps as timestamps, whole-number seconds as BIGINT), so nothing is
turned into text only to be parsed back. Every row carries ``source_file`` and the 1-based
``source_row``.
"""

from __future__ import annotations

import errno
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import Any

import duckdb
import pyarrow as pa

from starchart.engine.readers import DELIMITERS, InputFile, InputFileError
from starchart.errors import write_failure

#: Columns read with their Parquet type when ``typed``: the column and the check on the type.
TYPED_COLUMNS = ("started_at", "seconds_viewed")


def sql_string(value: str) -> str:
    """A SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def sql_ident(name: str) -> str:
    """A quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


@contextmanager
def registered(con: duckdb.DuckDBPyConnection, name: str, table: Any) -> Iterator[None]:
    """``table`` (Arrow) visible to SQL as ``name`` for the block.

    Inside a transaction a failed statement (a full disk...) aborts it, and DuckDB then
    refuses even to unregister until it is rolled back: that refusal must not replace the
    error that caused it (the caller's rollback drops the view anyway).
    """
    con.register(name, table)
    try:
        yield
    except BaseException:
        with suppress(duckdb.Error):
            con.unregister(name)
        raise
    con.unregister(name)


def utc_wall_time(ident: str) -> str:
    """A TIMESTAMPTZ expression as its UTC wall time (TIMESTAMP), by arithmetic on its
    microseconds since the epoch: five times cheaper than ICU's ``timezone('UTC', x)``, which
    is kept only for the infinities (same values either way)."""
    return (f"CASE WHEN isfinite({ident}) THEN make_timestamp(epoch_us({ident})) "
            f"ELSE timezone('UTC', {ident}) END")


def _typed(col: str, arrow_type: pa.DataType) -> str | None:
    """The expression reading a Parquet column as its own type, or None to read it as text.

    Timestamps stay timestamps (a zoned one becomes its UTC wall time); integer seconds stay
    integers (an unsigned 64-bit one may not fit BIGINT, so it is read as text and the shared
    validation says it is out of range).
    """
    ident = sql_ident(col)
    if col == "started_at" and pa.types.is_timestamp(arrow_type):
        if arrow_type.tz is None:
            return ident
        # (DuckDB reads a zoned nanosecond column as TIMESTAMPTZ_NS, which ICU converts)
        return utc_wall_time(ident) if arrow_type.unit != "ns" else f"timezone('UTC', {ident})"
    if col == "seconds_viewed" and pa.types.is_integer(arrow_type) and arrow_type != pa.uint64():
        return f"CAST({ident} AS BIGINT)"
    return None


def duckdb_select(
    info: InputFile, wanted: Sequence[str], *, parallel: bool = True, typed: bool = False
) -> str:
    """``SELECT source_file, source_row, <wanted columns>`` over the file.

    Columns are text (VARCHAR), except with ``typed`` the :data:`TYPED_COLUMNS` of a Parquet
    file whose type is a timestamp or an integer (see :func:`_typed`).

    ``source_row`` is the 1-based data row (header not counted) for every format; Parquet's
    0-based ``file_row_number`` is shifted to match. Columns the file lacks are NULL.
    DuckDB's parallel CSV scanner cannot pad short rows in a file with quoted line breaks;
    :func:`read_into` retries such a file with ``parallel=False``.
    """
    path = sql_string(str(info.path))
    compression = sql_string(info.compression)
    if info.format == "parquet":
        source = f"read_parquet({path}, file_row_number=true)"
        row = "file_row_number + 1"
    elif info.format == "jsonl":
        present = [c for c in wanted if info.may_have(c)]
        spec = ", ".join(f"{sql_string(c)}: 'VARCHAR'" for c in present) or "'_': 'VARCHAR'"
        source = (
            f"read_json({path}, format='newline_delimited', columns={{{spec}}}, "
            f"ignore_errors=true, compression={compression}) WITH ORDINALITY"
        )
        if info.bom_line is not None:
            # Line 1 (a BOM, so read as all NULL) comes from the same JSON cast, on its own.
            line = sql_string(info.bom_line)
            struct = sql_string(json.dumps({c: "VARCHAR" for c in present} or {"_": "VARCHAR"}))
            first = (
                f"SELECT s.*, CAST(1 AS BIGINT) AS ordinality FROM (SELECT CASE WHEN "
                f"json_valid({line}) AND json_type({line}) = 'OBJECT' "
                f"THEN from_json({line}, {struct}) END AS s)"
            )
            source = (
                f"(SELECT * FROM {source} WHERE ordinality > 1 UNION ALL BY NAME {first})"
            )
        row = "ordinality"
    else:
        spec = ", ".join(
            f"{sql_string(c or f'_starchart_unnamed_{i}')}: 'VARCHAR'"
            for i, c in enumerate(info.columns)
        )
        delim = sql_string(DELIMITERS[info.format])
        source = (
            f"read_csv({path}, auto_detect=false, header=true, delim={delim}, quote='\"', "
            f"escape='\"', columns={{{spec}}}, null_padding=true, strict_mode=false, "
            f"parallel={str(parallel).lower()}, compression={compression}) WITH ORDINALITY"
        )
        row = "ordinality"
    types = dict(zip(info.columns, info.arrow_types, strict=False))
    parts = [f"{path} AS source_file", f"CAST({row} AS BIGINT) AS source_row"]
    for col in wanted:
        ident = sql_ident(col)
        kind = types.get(col)
        as_typed = _typed(col, kind) if typed and kind is not None else None
        if not info.may_have(col):
            expr = "CAST(NULL AS VARCHAR)"
        elif as_typed is not None:
            expr = as_typed
        elif kind is not None and (pa.types.is_list(kind) or pa.types.is_large_list(kind)):
            expr = f"array_to_string({ident}, '|')"
        elif kind is not None and pa.types.is_timestamp(kind) and kind.tz is not None:
            expr = f"CAST(timezone('UTC', {ident}) AS VARCHAR)"
        else:
            expr = f"CAST({ident} AS VARCHAR)"
        parts.append(f"{expr} AS {ident}")
    return f"SELECT {', '.join(parts)} FROM {source}"


_NEEDS_SERIAL = "parallel=false"


def csv_needs_serial_reader(con: duckdb.DuckDBPyConnection, info: InputFile) -> bool:
    """Whether DuckDB must read this CSV/TSV without its parallel scanner.

    The parallel scanner refuses files that have both quoted line breaks and short rows, and
    says so only when it meets them, so each text file is scanned once up front (outside any
    transaction, which an error would abort). Other read errors refuse the file here.
    """
    if info.format not in DELIMITERS:
        return False
    try:
        named = [c for c in info.columns if c]
        con.execute(f"SELECT count(*) FROM ({duckdb_select(info, named)})").fetchone()
    except duckdb.Error as exc:
        if _NEEDS_SERIAL in str(exc):
            return True
        raise read_error(info, exc) from None
    return False


def read_error(info: InputFile, exc: duckdb.Error) -> Exception:
    """The error of a failed read: the file named, or, when it was a write that failed (a
    full disk under DuckDB's spill folder...), that error as it is, for the store to name."""
    found = write_failure(exc, str(info.path))
    if found is not None and found[0] in (errno.ENOSPC, errno.EDQUOT):
        return exc
    # DuckDB's first paragraph says what and where ("CSV Error on Line: N", the line, then
    # why); what follows (possible solutions, the reader's options) is about its own flags.
    lines: list[str] = []
    for line in str(exc).strip().splitlines():
        if not line.strip():
            break
        line = line.strip()
        lines.append(line if len(line) <= 160 else line[:157] + "...")
    return InputFileError(
        f"{info.path}: cannot be read as {info.format.upper()}: {' '.join(lines[:4])}"
    )


def read_into(
    con: duckdb.DuckDBPyConnection,
    info: InputFile,
    wanted: Sequence[str],
    template: str,
    *,
    parallel: bool = True,
    retry: bool = True,
    typed: bool = False,
) -> None:
    """Run ``template`` (with ``{select}`` standing for :func:`duckdb_select`) over the file.

    DuckDB's read errors become an ``InputFileError`` naming the file. Inside a transaction
    pass the ``parallel`` found by :func:`csv_needs_serial_reader` and ``retry=False``.
    """
    try:
        select = duckdb_select(info, wanted, parallel=parallel, typed=typed)
        con.execute(template.replace("{select}", select))
    except duckdb.Error as exc:
        text = str(exc)
        if retry and parallel and _NEEDS_SERIAL in text:
            read_into(con, info, wanted, template, parallel=False, retry=False, typed=typed)
            return
        raise read_error(info, exc) from None
