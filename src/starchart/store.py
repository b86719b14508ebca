"""The store: one DuckDB database file holding the catalog, viewing rollups and charts.

Engine-built charts and charts imported from Netflix's files live in the same tables, told
apart by ``source`` (``"engine"`` or ``"netflix"``), so the two can be compared side by side.
All schema lives here so that every part of starchart agrees on it.
"""

from __future__ import annotations

import os
import re
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

-- Netflix's files as imported: one row per file per import.
CREATE TABLE IF NOT EXISTS netflix_imports (
    imported_at    TIMESTAMP NOT NULL,
    file           VARCHAR   NOT NULL,
    kind           VARCHAR   NOT NULL,  -- global | countries | most-popular
    layout         VARCHAR   NOT NULL,  -- e.g. global-2021, global-2023, global, most-popular-28
    sha256         VARCHAR   NOT NULL,
    rows           BIGINT    NOT NULL,
    weeks          BIGINT    NOT NULL,  -- distinct weeks in the file
    first_week     DATE,
    last_week      DATE,
    weeks_replaced BIGINT    NOT NULL,  -- weeks that were already stored and were rewritten
    changes        BIGINT    NOT NULL   -- rows recorded in netflix_changes
);

-- What re-imports found Netflix had rewritten in weeks already stored
-- (starchart.published.changes decides the kind).
CREATE TABLE IF NOT EXISTS netflix_changes (
    imported_at TIMESTAMP NOT NULL,
    file        VARCHAR   NOT NULL,   -- the newer download that rewrote the row
    kind        VARCHAR   NOT NULL,   -- renamed | relabelled | replaced | added | removed
    list        VARCHAR   NOT NULL, -- 'global/TV (English)', 'countries/KR/TV', 'most-popular/..'
    week        DATE,                 -- NULL for most-popular
    rank        INTEGER   NOT NULL,
    before      VARCHAR,              -- as stored before (NULL when added)
    after       VARCHAR               -- as in the new file (NULL when removed)
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

-- Engagement reports ("What We Watched"): one row per title and half-year, as published.
CREATE TABLE IF NOT EXISTS engagement (
    source             VARCHAR NOT NULL,
    period             VARCHAR NOT NULL,   -- '2025H1'
    period_start       DATE    NOT NULL,
    period_end         DATE    NOT NULL,
    sheet              VARCHAR NOT NULL,   -- as named in the file: 'Shows', 'Film', 'Engagement'
    kind               VARCHAR,            -- 'film' | 'tv'; NULL where one sheet mixes both
    row_number         INTEGER NOT NULL,   -- the spreadsheet's row
    title              VARCHAR NOT NULL,   -- as published: 'Revelations // 계시록'
    english_title      VARCHAR NOT NULL,   -- 'Revelations'
    original_title     VARCHAR,            -- '계시록' (NULL: none given)
    other_titles       VARCHAR,            -- further spellings after a second '//'
    available_globally BOOLEAN NOT NULL,
    release_date       DATE,
    hours_viewed       DOUBLE  NOT NULL,
    runtime            DOUBLE,             -- hours; NULL where not published or '*'
    runtime_text       VARCHAR,            -- as published: '2:02', '4:44*', '*'
    views              DOUBLE,             -- NULL in the 2023 H1 report (hours only)
    title_id           VARCHAR             -- starchart's work (see titles)
);

-- Works (a film, or one season) seen in any Netflix file, with a stable starchart ID.
CREATE TABLE IF NOT EXISTS titles (
    title_id       VARCHAR PRIMARY KEY,   -- 'nf-…', never reused for another work
    kind           VARCHAR,               -- 'film' | 'tv'
    name           VARCHAR NOT NULL,      -- the latest English name: 'Squid Game: Season 2'
    show_title     VARCHAR,               -- 'Squid Game' (a film: its title)
    season_title   VARCHAR,               -- NULL for films and unnumbered listings
    original_title VARCHAR,               -- from 'English // original'
    release_date   DATE,
    language       VARCHAR,               -- of the original title, where its script tells
    first_seen     DATE,
    last_seen      DATE
);

-- Every name a work was published under (the alias history: Netflix renames titles).
CREATE TABLE IF NOT EXISTS title_names (
    title_id   VARCHAR NOT NULL,
    name       VARCHAR NOT NULL,          -- as written: show, season or report title
    source     VARCHAR NOT NULL,          -- global | countries | most-popular | engagement
    first_seen DATE,
    last_seen  DATE
);

-- How each sighting (a name in one kind of file) was linked to its work, and why.
CREATE TABLE IF NOT EXISTS title_links (
    sighting    VARCHAR NOT NULL,         -- the key the matcher saw
    title_id    VARCHAR NOT NULL,
    rule        VARCHAR NOT NULL,         -- e.g. 'same-name', 'release-date', 'override'
    explanation VARCHAR NOT NULL
);

-- Which weeks (or half-years) each dataset of each source covers, as spans.
CREATE TABLE IF NOT EXISTS coverage (
    source    VARCHAR NOT NULL,
    dataset   VARCHAR NOT NULL,   -- global | global-views | countries | engagement | ...
    scope     VARCHAR NOT NULL,   -- '' (all), a country code, or a half-year '2025H1'
    first_day DATE,               -- a week's Sunday, or a half-year's first day
    last_day  DATE,
    weeks     INTEGER             -- chart weeks in the span (NULL for half-years)
);

-- Discovery (starchart.discovery): the models 'starchart train' fits, replaced whole by each
-- run. 'viewing' learns from what profiles watched (EASE + catalog metadata); 'charting'
-- from which imported Netflix titles share weekly lists (its title_id is the title's slug).
CREATE TABLE IF NOT EXISTS discovery_models (
    model        VARCHAR PRIMARY KEY,  -- 'viewing' | 'charting'
    algorithm    VARCHAR NOT NULL,     -- 'ease+metadata' | 'co-charting cosine'
    engine       VARCHAR NOT NULL,     -- where the data-heavy step ran: 'duckdb' | 'spark'
    trained_at   TIMESTAMP NOT NULL,   -- UTC
    source       VARCHAR,              -- the chart source of 'charting' ('netflix')
    profiles     BIGINT NOT NULL,      -- profiles ('viewing') or weekly lists ('charting')
    titles       BIGINT NOT NULL,
    interactions BIGINT NOT NULL,      -- profile x title rows, or list entries
    parameters   VARCHAR NOT NULL,     -- JSON
    seconds      DOUBLE NOT NULL
);

-- Each title's nearest titles, best first: what 'similar' answers. Like discovery_picks, it is
-- written sorted by its lookup key, so DuckDB's zone maps find a title's rows in one block
-- (an ART index made writing the model several times slower for ~2 ms per answer).
CREATE TABLE IF NOT EXISTS discovery_neighbours (
    model        VARCHAR NOT NULL,
    title_id     VARCHAR NOT NULL,
    rank         INTEGER NOT NULL,     -- 1 = nearest
    neighbour_id VARCHAR NOT NULL,
    show_title   VARCHAR NOT NULL,     -- the neighbour's names, so an answer is one lookup
    season_title VARCHAR,
    score        DOUBLE  NOT NULL      -- EASE weight ('viewing'), shrunk cosine ('charting')
);

-- The titles a model knows, with how much evidence it had for each.
CREATE TABLE IF NOT EXISTS discovery_titles (
    model        VARCHAR NOT NULL,
    title_id     VARCHAR NOT NULL,
    show_title   VARCHAR NOT NULL,
    season_title VARCHAR,
    viewers      BIGINT NOT NULL,      -- profiles who watched it, or lists it was on
    finished     BIGINT NOT NULL       -- profiles who finished it (0 for 'charting')
);

-- Each profile's best titles under the viewing model (finished titles never among them), with
-- the profile's own titles that led to each, strongest first: what 'picks' answers.
CREATE TABLE IF NOT EXISTS discovery_picks (
    profile_id   VARCHAR NOT NULL,
    rank         INTEGER NOT NULL,     -- 1 = best
    title_id     VARCHAR NOT NULL,
    score        DOUBLE  NOT NULL,     -- EASE's predicted interest
    because      VARCHAR[] NOT NULL    -- title_ids watched, strongest contribution first
);

-- The profiles the viewing model learnt from: titles watched and finished when trained
-- (finished: seconds_viewed >= 90% of the runtime).
CREATE TABLE IF NOT EXISTS discovery_profiles (
    profile_id   VARCHAR NOT NULL,
    titles       BIGINT NOT NULL,
    finished     BIGINT NOT NULL
);
"""
"""The whole schema, as :func:`connect` creates it in a writable store: the one place
starchart's tables are written."""

TABLES: dict[str, str] = {
    m.group(1): m.group(0)
    for m in re.finditer(r"CREATE TABLE IF NOT EXISTS (\w+) \(.*?\n\);", SCHEMA, re.S)
}
"""Each table's ``CREATE TABLE IF NOT EXISTS`` statement, by name (read from :data:`SCHEMA`)."""

RELEASE_TABLES: tuple[str, ...] = (
    "chart_global",
    "chart_country",
    "most_popular",
    "netflix_imports",
    "netflix_changes",
    "engagement",
    "titles",
    "title_names",
    "title_links",
    "coverage",
)
"""The tables a chart release copies from the store: what the site, the CLI's questions and
notebooks read. A new table joins every release by being named here."""


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
            raise FileNotFoundError(
                f"no starchart store at {path} (ingest events and build charts, or import "
                "Netflix's files, first)")
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


def has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """True when the database behind ``con`` has the table (a read-only store written by an
    older starchart may lack a newer one)."""
    found = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]
    ).fetchone()
    return bool(found and found[0])


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
