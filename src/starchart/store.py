"""The store: one DuckDB database file holding the catalog, viewing rollups and charts.

Engine-built charts and charts imported from Netflix's files live in the same tables, told
apart by ``source`` (``"engine"`` or ``"netflix"``), so the two can be compared side by side.
All schema lives here so that every part of starchart agrees on it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import duckdb

DEFAULT_DB_NAME = "starchart.duckdb"
ENGINE_SOURCE = "engine"
NETFLIX_SOURCE = "netflix"

SCHEMA = """
CREATE TABLE IF NOT EXISTS catalog (
    title_id          VARCHAR PRIMARY KEY,
    show_title        VARCHAR NOT NULL,
    season_title      VARCHAR,            -- NULL for films
    kind              VARCHAR NOT NULL,   -- 'film' | 'tv'
    original_language VARCHAR NOT NULL,   -- ISO 639-1
    runtime_minutes   DOUBLE  NOT NULL,   -- film length, or a season's summed episodes
    release_date      DATE    NOT NULL,
    original          BOOLEAN NOT NULL,
    genres            VARCHAR,            -- '|'-separated
    origin_country    VARCHAR,
    directors         VARCHAR,
    "cast"            VARCHAR,
    synopsis          VARCHAR
);

-- Accepted viewing rolled up per UTC day, country and title (the charts are computed from
-- this, never from raw events). seconds_viewed is an exact integer sum.
CREATE TABLE IF NOT EXISTS daily_viewing (
    day            DATE    NOT NULL,
    country        VARCHAR NOT NULL,
    title_id       VARCHAR NOT NULL,
    seconds_viewed BIGINT  NOT NULL,
    events         BIGINT  NOT NULL   -- accepted events (viewing sessions)
);

-- Viewing per profile and title. Each ingest appends its own summary as one run (cost of the
-- new data only) and runs are merged now and then; read the profile_title view. The ids are
-- stored uncompressed: compressing millions of random ids cost more than the rest of a load.
CREATE TABLE IF NOT EXISTS profile_title_runs (
    run            BIGINT    NOT NULL,
    profile_id     VARCHAR   USING COMPRESSION uncompressed NOT NULL,
    title_id       VARCHAR   USING COMPRESSION uncompressed NOT NULL,
    seconds_viewed BIGINT    NOT NULL,
    sessions       BIGINT    NOT NULL,
    first_watched  TIMESTAMP NOT NULL,   -- UTC
    last_watched   TIMESTAMP NOT NULL
);
CREATE VIEW IF NOT EXISTS profile_title AS
SELECT profile_id, title_id,
       CAST(sum(seconds_viewed) AS BIGINT) AS seconds_viewed,
       CAST(sum(sessions) AS BIGINT) AS sessions,
       min(first_watched) AS first_watched, max(last_watched) AS last_watched
FROM profile_title_runs GROUP BY profile_id, title_id;

-- What de-duplication keeps of every accepted event_id: md5 of the trimmed id, 128 bits.
CREATE TABLE IF NOT EXISTS event_fingerprints (
    fingerprint UHUGEINT NOT NULL
);

-- Chart weeks (Sundays) whose viewing or titles changed since they were last built.
CREATE TABLE IF NOT EXISTS dirty_weeks (
    week DATE PRIMARY KEY
);

-- One row per ingest call that wrote events; kept_events: its accepted rows are also in the
-- Parquet archive beside the store (see starchart.engine.archive).
CREATE TABLE IF NOT EXISTS ingest_loads (
    load_id     VARCHAR PRIMARY KEY,
    kept_events BOOLEAN NOT NULL,
    ingested_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- Rows that could not be counted, with why and where they came from.
CREATE TABLE IF NOT EXISTS quarantine (
    source_file VARCHAR NOT NULL,
    source_row  BIGINT  NOT NULL,   -- 1-based data row (line number minus the header)
    reason      VARCHAR NOT NULL,   -- e.g. 'unknown_title_id', 'invalid_country'
    detail      VARCHAR,
    raw         VARCHAR            -- the row as read, JSON
);

-- One row per events file ingested, so a file loaded twice counts nothing twice.
CREATE TABLE IF NOT EXISTS ingested_files (
    path        VARCHAR NOT NULL,
    sha256      VARCHAR NOT NULL,
    read        BIGINT NOT NULL,
    accepted    BIGINT NOT NULL,
    quarantined BIGINT NOT NULL,
    duplicates  BIGINT NOT NULL,
    ingested_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- Weekly global lists. Engine rows keep exact, unrounded hours and views; Netflix rows keep
-- what the file published (NULL where the file was empty).
CREATE TABLE IF NOT EXISTS chart_global (
    source                     VARCHAR NOT NULL,
    week                       DATE    NOT NULL,
    category                   VARCHAR NOT NULL,  -- 'Films (English)' ...
    weekly_rank                INTEGER NOT NULL,
    title_id                   VARCHAR,           -- engine only
    show_title                 VARCHAR NOT NULL,
    season_title               VARCHAR,           -- NULL where published as 'N/A'
    weekly_hours_viewed        DOUBLE,
    runtime                    DOUBLE,            -- hours
    weekly_views               DOUBLE,
    cumulative_weeks_in_top_10 INTEGER NOT NULL,
    is_staggered_launch        BOOLEAN,           -- 2023-2025 Netflix layouts only
    episode_launch_details     VARCHAR,
    runtime_override_flag      BOOLEAN
);

-- Weekly country lists (no hours or views, as published).
CREATE TABLE IF NOT EXISTS chart_country (
    source                     VARCHAR NOT NULL,
    country_iso2               VARCHAR NOT NULL,
    country_name               VARCHAR NOT NULL,
    week                       DATE    NOT NULL,
    category                   VARCHAR NOT NULL,  -- 'Films' | 'TV'
    published_category         VARCHAR,           -- as written in the file, e.g. 'Films (English)'
    weekly_rank                INTEGER NOT NULL,
    title_id                   VARCHAR,
    show_title                 VARCHAR NOT NULL,
    season_title               VARCHAR,
    cumulative_weeks_in_top_10 INTEGER NOT NULL
);

-- All-time Most Popular lists.
CREATE TABLE IF NOT EXISTS most_popular (
    source            VARCHAR NOT NULL,
    category          VARCHAR NOT NULL,
    rank              INTEGER NOT NULL,
    title_id          VARCHAR,
    show_title        VARCHAR NOT NULL,
    season_title      VARCHAR,
    hours_viewed      DOUBLE,
    runtime           DOUBLE,
    views             DOUBLE,
    window_days       INTEGER NOT NULL,   -- 91 (or 28 in Netflix's older files)
    in_progress       BOOLEAN NOT NULL DEFAULT false
);
"""


def resolve_db_path(db: str | os.PathLike[str] | None = None) -> Path:
    """``--db`` wins, then ``$STARCHART_DB``, then ``starchart.duckdb`` in the working dir."""
    if db is not None:
        return Path(db)
    env = os.environ.get("STARCHART_DB")
    if env:
        return Path(env)
    return Path.cwd() / DEFAULT_DB_NAME


class StoreUnavailableError(OSError):
    """The store file exists but cannot be opened now: another process is writing it, or it
    is not a DuckDB database. The message names the file and says which."""


def _open(path: Path, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if "lock" in detail.lower():
            message = (f"the store {path} is in use by another process (an ingest, build or "
                       f"import writing it, or a site reading it); try again when it is done "
                       f"({detail})")
        elif "not a valid DuckDB database" in detail:
            message = f"{path} is not a starchart store (not a DuckDB database file)"
        else:
            message = f"cannot open the store {path}: {detail}"
        raise StoreUnavailableError(message) from exc


def connect(
    db: str | os.PathLike[str] | None = None, *, read_only: bool = False
) -> duckdb.DuckDBPyConnection:
    """Open the store (creating file and schema unless read-only).

    Raises :class:`StoreUnavailableError` when the file is locked by another process or is
    not a DuckDB database, and FileNotFoundError for a missing store when read-only.
    """
    path = resolve_db_path(db)
    if read_only:
        if not path.exists():
            raise FileNotFoundError(f"no starchart store at {path} (run 'starchart ingest' first)")
        return _open(path, read_only=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = _open(path, read_only=False)
    con.execute(SCHEMA)
    return con


@contextmanager
def opened(
    db: str | os.PathLike[str] | None = None, *, read_only: bool = False
) -> Iterator[duckdb.DuckDBPyConnection]:
    """``with opened(db) as con:`` closes the connection however the block ends."""
    con = connect(db, read_only=read_only)
    try:
        yield con
    finally:
        con.close()


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """``with transaction(con):`` commits the block's writes together, or none of them.

    Any exception (Ctrl-C included) rolls back and is re-raised, so a failed load or build
    leaves the store as it was.
    """
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
        con.execute("COMMIT")
    except BaseException:
        with suppress(duckdb.Error):  # a failed COMMIT has already ended the transaction
            con.execute("ROLLBACK")
        raise


def sources(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The chart sources present in the store, engine first."""
    rows = con.execute(
        "SELECT DISTINCT source FROM chart_global UNION SELECT DISTINCT source FROM chart_country"
    ).fetchall()
    found = {r[0] for r in rows}
    return sorted(found, key=lambda s: (s != ENGINE_SOURCE, s))


def default_source(con: duckdb.DuckDBPyConnection) -> str:
    """The source answers come from when none is named: the engine's if it built any."""
    found = sources(con)
    return found[0] if found else ENGINE_SOURCE
