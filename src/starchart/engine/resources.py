"""How much of the machine the engine may use: DuckDB's memory limit and its spill folder.

DuckDB keeps what does not fit its memory limit in a temp folder and carries on (big joins
and aggregations spill), so an ingest of any size runs in bounded memory. The default limit
is sized from the machine, an eighth of its physical memory and at least 1 GB, so that the
engine leaves room for everything else on a shared machine; ``--memory-limit`` (or
``$STARCHART_MEMORY_LIMIT``) sets another, in DuckDB's units (``3GB``, ``512MB``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from starchart.errors import UsageError, write_failure

MEMORY_LIMIT_ENV = "STARCHART_MEMORY_LIMIT"
_MIN_BYTES = 1 << 30
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB|KIB|MIB|GIB|TIB)?\s*$", re.IGNORECASE)


def physical_memory() -> int:
    """Bytes of physical memory (0 when the system does not say)."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE")) * int(os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):
        return 0


def default_memory_limit() -> str:
    """An eighth of physical memory, at least 1 GB, in whole megabytes."""
    limit = max(_MIN_BYTES, physical_memory() // 8)
    return f"{limit // (1 << 20)}MB"


def memory_limit(value: str | None = None) -> str:
    """The limit to use: ``value``, else ``$STARCHART_MEMORY_LIMIT``, else the default.

    Raises ``ValueError`` for a size DuckDB would not understand, naming where it came from.
    """
    chosen, origin = value, "--memory-limit"
    if chosen is None and os.environ.get(MEMORY_LIMIT_ENV):
        chosen, origin = os.environ[MEMORY_LIMIT_ENV], f"${MEMORY_LIMIT_ENV}"
    if chosen is None:
        return default_memory_limit()
    if not _SIZE.match(chosen):
        raise ValueError(
            f"{origin} {chosen!r} is not a memory size: write it like 3GB, 1.5GB or 512MB"
        )
    return chosen.strip().upper()


def temp_directory(db_path: Path) -> Path:
    """Where DuckDB spills: ``<store>.tmp`` beside the store (same disk, removed when empty)."""
    return db_path.with_name(db_path.name + ".tmp")


def configure(
    con: duckdb.DuckDBPyConnection, db_path: Path | None, limit: str | None = None
) -> str:
    """Set the memory limit and the spill folder on ``con``; return the limit set."""
    chosen = memory_limit(limit)
    con.execute(f"SET memory_limit = '{chosen}'")
    # A long query would otherwise draw DuckDB's bar into stdout (and into --json output).
    con.execute("SET enable_progress_bar = false")
    if db_path is not None:
        spill = str(temp_directory(db_path)).replace("'", "''")
        con.execute(f"SET temp_directory = '{spill}'")
    return chosen


class MemoryLimitTooSmall(UsageError):
    """DuckDB could not do the work within its memory limit, even spilling to disk."""


@contextmanager
def within_memory_limit(limit: str) -> Iterator[None]:
    """Turn DuckDB's out-of-memory error inside the block into :class:`MemoryLimitTooSmall`
    (one line saying which limit and what to do; the caller's transaction rolls back). A
    spill that found its disk full is a failed write, left for the store to name."""
    try:
        yield
    except duckdb.OutOfMemoryException as exc:
        if write_failure(exc, "") is not None:
            raise
        raise MemoryLimitTooSmall(
            "DuckDB needed more memory than its limit of {limit} allows, even spilling to "
            "disk, and stopped (nothing was changed): give it more with {memory_limit} "
            "(e.g. 2GB) or $STARCHART_MEMORY_LIMIT", limit=limit) from exc
