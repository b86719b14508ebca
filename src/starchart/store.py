"""The store: one DuckDB database file holding the catalog, viewing rollups and charts.

Engine-built charts and charts imported from Netflix's files live in the same tables, told
apart by ``source`` (``"engine"`` or ``"netflix"``), so the two can be compared side by side.
All schema lives here so that every part of starchart agrees on it.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from starchart.errors import WriteFailed, advice, write_failure

if TYPE_CHECKING:
    from starchart.progress import ProgressCallback

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
-- from which imported Netflix titles share weekly lists (title_id: the work's 'nf-…' ID).
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
    finished     BIGINT NOT NULL,      -- profiles who finished it (0 for 'charting')
    ix           INTEGER               -- its number in discovery_profiles' picks ('viewing':
                                       -- 0.. in title_id order; NULL for 'charting', and in
                                       -- models trained before picks were kept as lists)
);

-- Picks as models trained before picks were kept in discovery_profiles (one row per profile
-- and rank) stored them: older stores and releases answer from it until trained again; a
-- training run now empties it. PICK_ROWS_SQL shows the new picks in this shape.
CREATE TABLE IF NOT EXISTS discovery_picks (
    profile_id   VARCHAR NOT NULL,
    rank         INTEGER NOT NULL,     -- 1 = best
    title_id     VARCHAR NOT NULL,
    score        DOUBLE  NOT NULL,     -- EASE's predicted interest
    because      VARCHAR[] NOT NULL,   -- title_ids watched, strongest contribution first
    show_title   VARCHAR,              -- the title's names, so an answer is one lookup (NULL
    season_title VARCHAR               -- in picks trained before they were kept: see ADDED)
);

-- The profiles the viewing model learnt from: titles watched and finished when trained
-- (finished: seconds_viewed >= 90% of the runtime), and each profile's best titles under the
-- model (finished titles never among them) with the profile's own titles that led to each:
-- what 'picks' answers, in one row per profile (written in profile_id order, so one answer
-- is one lookup). Titles are discovery_titles' 'viewing' ix numbers: 3M picks at 100,000
-- profiles write several times faster as numbers in lists than as rows of names. The key's
-- index finds a row in ~1 ms, against ~3.5 ms scanning the one row group of 100,000 ids; it
-- costs ~0.2 s to write (a store made before keeps its table unkeyed; releases are keyed).
CREATE TABLE IF NOT EXISTS discovery_profiles (
    profile_id   VARCHAR PRIMARY KEY,
    titles       BIGINT NOT NULL,
    finished     BIGINT NOT NULL,
    picks        INTEGER[],            -- best first (NULL: trained before; see discovery_picks)
    scores       FLOAT[],              -- EASE's predicted interest, one per pick
    because      INTEGER[]             -- per pick, in order, the same number of titles
                                       -- watched (strongest contribution first), -1 padded
);

-- The titles someone watches (starchart watch add): what each release reports on
-- (watchlist_events in the release). Not a release table: watching changes no chart.
CREATE TABLE IF NOT EXISTS watchlist (
    title_id     VARCHAR PRIMARY KEY,  -- a catalog title_id (engine) or a work's 'nf-…'
    show_title   VARCHAR NOT NULL,     -- its names when added
    season_title VARCHAR,
    added_at     TIMESTAMP NOT NULL    -- UTC
);
"""
"""The whole schema, as :func:`connect` creates it in a writable store: the one place
starchart's tables are written."""

ADDED_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("discovery_picks", "show_title", "VARCHAR"),
    ("discovery_picks", "season_title", "VARCHAR"),
    ("discovery_titles", "ix", "INTEGER"),
    ("discovery_profiles", "picks", "INTEGER[]"),
    ("discovery_profiles", "scores", "FLOAT[]"),
    ("discovery_profiles", "because", "INTEGER[]"),
)
"""Columns added to a table after stores were made with it (table, column, type), always at
its end: :func:`connect` adds the missing ones to an older store, which keeps working."""

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
    "discovery_models",
    "discovery_neighbours",
    "discovery_titles",
    "discovery_picks",
    "discovery_profiles",
)
"""The tables a chart release copies from the store: what the site, the CLI's questions and
notebooks read. A new table joins every release by being named here."""

TRAINED_TABLES: frozenset[str] = frozenset({
    "discovery_neighbours", "discovery_titles", "discovery_picks", "discovery_profiles"})
"""Release tables written only by a training run, which replaces all of them together with
``discovery_models`` (one transaction, a new ``trained_at``): :func:`fingerprint` counts
their rows and lets ``discovery_models``' digest stand for their contents (hashing 3M
picks cost ~0.8 s on every ``api.similar``/``api.picks`` that opened the store)."""


PICK_ROWS_SQL = """
    WITH names AS (
        SELECT list(title_id ORDER BY ix) AS id_of FROM discovery_titles WHERE model = 'viewing'
    ), picked AS (
        SELECT profile_id, unnest(range(len(picks))) AS at, unnest(picks) AS ix,
               unnest(scores) AS score, len(because) // len(picks) AS per_pick, because
        FROM discovery_profiles WHERE len(picks) > 0
    )
    SELECT p.profile_id, (p.at + 1)::INTEGER AS rank, t.title_id, p.score::DOUBLE AS score,
           list_transform(list_filter(p.because[p.at * p.per_pick + 1:(p.at + 1) * p.per_pick],
                                      lambda b: b >= 0),
                          lambda b: names.id_of[b + 1]) AS because,
           t.show_title, t.season_title
    FROM picked p CROSS JOIN names
    JOIN discovery_titles t ON t.model = 'viewing' AND t.ix = p.ix
    ORDER BY p.profile_id, rank
"""
"""Every pick of ``discovery_profiles`` as a row, in the shape ``discovery_picks`` kept them
(``profile_id, rank, title_id, score, because, show_title, season_title``), in profile and
rank order: for notebooks and checks (answers read one profile's row)."""


RELEASE_SCHEMA = """
-- Which release this is: one row.
CREATE TABLE IF NOT EXISTS release_info (
    number       INTEGER   NOT NULL,
    published_at TIMESTAMP NOT NULL,   -- UTC
    fingerprint  VARCHAR   NOT NULL,   -- fingerprint() of the store's charts it copied
    previous     INTEGER,              -- the release it was compared with; NULL for the first
    store_name   VARCHAR   NOT NULL,   -- the store's file name (never its folder)
    seconds      DOUBLE    NOT NULL,   -- how long publishing took
    format       INTEGER   NOT NULL    -- releases.FORMAT of the code that wrote it
);

-- Every film and season of a source, most charted first: what lookups and search read.
CREATE TABLE IF NOT EXISTS title_index (
    source       VARCHAR   NOT NULL,
    position     INTEGER   NOT NULL,   -- 0: the most charted (it wins a slug clash)
    show_title   VARCHAR   NOT NULL,
    season_title VARCHAR,
    kind         VARCHAR   NOT NULL,   -- 'film' | 'tv'
    entries      BIGINT    NOT NULL,   -- list entries: how much it charted
    first_week   DATE,
    season_number INTEGER,             -- the season's number (an unnumbered first season: 1)
    label        VARCHAR,              -- how it reads where the names do not say ('…: Season 1')
    slug         VARCHAR   NOT NULL,
    show_slug    VARCHAR   NOT NULL,
    names        VARCHAR[] NOT NULL,   -- the folded names search matches, original titles too
    title_ids    VARCHAR[] NOT NULL    -- the works the name was linked to, latest first
);

-- Every work with a stable ID (imported Netflix titles) and the names a title question may
-- give for it, folded.
CREATE TABLE IF NOT EXISTS work_index (
    source       VARCHAR   NOT NULL,
    title_id     VARCHAR   NOT NULL,
    first_seen   DATE,
    casefolded   VARCHAR[] NOT NULL,   -- every name, case-folded
    normalised   VARCHAR[] NOT NULL    -- and accent- and punctuation-blind
);

-- Each film's, season's, show's and work's record, as api.title_by_slug answers it (before
-- its coverage statement, made when read: queries.record.state_coverage).
CREATE TABLE IF NOT EXISTS title_pages (
    source       VARCHAR NOT NULL,
    page         VARCHAR NOT NULL,     -- 'title' | 'show' | 'work' (slug: the title ID)
    slug         VARCHAR NOT NULL,
    show_title   VARCHAR NOT NULL,
    season_title VARCHAR,              -- NULL for films and shows
    kind         VARCHAR NOT NULL,
    position     INTEGER NOT NULL,     -- in title_index (a show: its first season's)
    entry        BLOB    NOT NULL      -- JSON, zstd-compressed (queries.base.pack)
);

-- Each title and show page's body (HTML, zstd with the dictionary, if any) rendered when
-- published, with a hash of what it was made from and what the page around it shows (JSON).
CREATE TABLE IF NOT EXISTS title_bodies (key BLOB NOT NULL, source VARCHAR NOT NULL,
    address VARCHAR NOT NULL, head VARCHAR NOT NULL, body BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS title_body_dictionary (dictionary BLOB NOT NULL);

-- Each week's lists, global (country NULL) or one country's, as api.week answers it.
CREATE TABLE IF NOT EXISTS week_pages (
    source  VARCHAR NOT NULL,
    country VARCHAR,
    week    DATE    NOT NULL,
    answer  BLOB    NOT NULL   -- JSON, zstd-compressed (queries.base.pack)
);

-- The all-time leaderboards, overall (category NULL), per global list and per kind
-- ('film', 'tv'): the first rows of api.leaders (an Arrow IPC stream).
CREATE TABLE IF NOT EXISTS leader_pages (
    source   VARCHAR NOT NULL,
    board    VARCHAR NOT NULL,   -- weeks-at-1, weeks-in-top-10, countries, views
    category VARCHAR,
    rows     BLOB    NOT NULL,
    coverage BLOB    NOT NULL    -- the weeks it counts, JSON (queries.record.leaders_coverage)
);

-- The change feed, carried from release to release: one row per release published...
CREATE TABLE IF NOT EXISTS release_log (
    release       INTEGER   NOT NULL,
    published_at  TIMESTAMP NOT NULL,
    previous      INTEGER,
    weeks_added   INTEGER   NOT NULL,
    weeks_revised INTEGER   NOT NULL,
    weeks_removed INTEGER   NOT NULL,
    positions     INTEGER   NOT NULL   -- list positions that differ in revised weeks
);

-- ...one per list scope and week it added, revised or removed...
CREATE TABLE IF NOT EXISTS release_weeks (
    release   INTEGER NOT NULL,
    source    VARCHAR NOT NULL,
    country   VARCHAR,                 -- NULL: the global lists
    week      DATE    NOT NULL,
    status    VARCHAR NOT NULL,        -- 'added' | 'revised' | 'removed'
    positions INTEGER NOT NULL         -- list positions in it (added, removed) or changed
);

-- ...and one per list position a revision changed: what it was, what it is.
CREATE TABLE IF NOT EXISTS release_changes (
    release             INTEGER NOT NULL,
    source              VARCHAR NOT NULL,
    country             VARCHAR,
    week                DATE    NOT NULL,
    category            VARCHAR NOT NULL,
    rank                INTEGER NOT NULL,
    before_show_title   VARCHAR,       -- NULL: the position is new
    before_season_title VARCHAR,
    before_hours        DOUBLE,
    before_views        DOUBLE,
    after_show_title    VARCHAR,       -- NULL: the position is gone
    after_season_title  VARCHAR,
    after_hours         DOUBLE,
    after_views         DOUBLE
);

-- What watched titles did in each release, carried from release to release like the feed:
-- one row per title, event and chart week (starchart.watchlist decides the events).
CREATE TABLE IF NOT EXISTS watchlist_events (
    release      INTEGER   NOT NULL,
    published_at TIMESTAMP NOT NULL,   -- UTC
    source       VARCHAR   NOT NULL,
    title_id     VARCHAR   NOT NULL,
    show_title   VARCHAR   NOT NULL,
    season_title VARCHAR,
    event        VARCHAR   NOT NULL,   -- 'entered' | 'number-one' | 'new-countries'
    week         DATE      NOT NULL,
    lists        STRUCT(country VARCHAR, country_name VARCHAR, category VARCHAR,
                        weekly_rank INTEGER)[] NOT NULL  -- country NULL: a global list
);
"""
"""What a chart release holds besides :data:`RELEASE_TABLES`: what pages show, computed once
when it is published (:mod:`starchart.releases`), and the change feed."""


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


class StoreBusyError(StoreUnavailableError):
    """Another process held the store for longer than the caller would wait."""


class StoreWriteError(WriteFailed):
    """The store (or a file DuckDB keeps beside it) could not be written: a full disk, a
    read-only file system, no permission. ``filename`` is the file; the message says what to
    do, in one line. The transaction was rolled back, so the store is as it was."""


#: How long a writer waits for another process to let go of the store, unless told.
DEFAULT_WAIT_SECONDS = 300.0
WAIT_ENV = "STARCHART_LOCK_WAIT"

_waiting_progress: ContextVar[ProgressCallback | None] = ContextVar(
    "starchart_waiting_progress", default=None)


def wait_seconds(wait: float | None = None) -> float:
    """``wait`` if given, else ``$STARCHART_LOCK_WAIT``, else 300 seconds."""
    if wait is not None:
        return max(0.0, float(wait))
    text = os.environ.get(WAIT_ENV, "").strip()
    if not text:
        return DEFAULT_WAIT_SECONDS
    try:
        return max(0.0, float(text))
    except ValueError:
        raise ValueError(f"${WAIT_ENV} must be a number of seconds, got {text!r}") from None


@contextmanager
def reporting_waits(progress: ProgressCallback | None) -> Iterator[None]:
    """While the block runs, a writer waiting for the store reports to ``progress`` (the
    library's long steps open the store themselves; this reaches them without a parameter)."""
    token = _waiting_progress.set(progress)
    try:
        yield
    finally:
        _waiting_progress.reset(token)


def _is_lock_conflict(exc: BaseException) -> bool:
    return isinstance(exc, duckdb.Error) and "lock" in str(exc).lower()


def _open(path: Path, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if _is_lock_conflict(exc):
            message = (f"the store {path} is in use by another process (an ingest, build or "
                       f"import writing it, or a site reading it); try again when it is done "
                       f"({detail})")
        elif "not a valid DuckDB database" in detail:
            message = f"{path} is not a starchart store (not a DuckDB database file)"
        else:
            message = f"cannot open the store {path}: {detail}"
        raise StoreUnavailableError(message) from exc


def _open_waiting(
    path: Path, *, read_only: bool, wait: float, progress: ProgressCallback | None
) -> duckdb.DuckDBPyConnection:
    """Open, retrying while another process holds the lock, for at most ``wait`` seconds."""
    started = time.monotonic()
    delay = 0.05
    while True:
        try:
            return _open(path, read_only=read_only)
        except StoreUnavailableError as exc:
            if not _is_lock_conflict(exc.__cause__ or exc):
                raise
            waited = time.monotonic() - started
            if waited >= wait:
                if wait <= 0:
                    raise
                raise StoreBusyError(
                    f"the store {path} is still in use by another process after waiting "
                    f"{waited:.0f} s (an ingest, build or import writing it); try again when "
                    f"it is done, or wait longer (${WAIT_ENV}, in seconds)") from exc.__cause__
            if progress is not None:
                progress("waiting for another process to finish with the store",
                         int(waited), max(1, int(wait)))
            time.sleep(min(delay, max(0.0, wait - waited)))
            delay = min(delay * 2, 1.0)


def connect(
    db: str | os.PathLike[str] | None = None,
    *,
    read_only: bool = False,
    wait: float | None = None,
    progress: ProgressCallback | None = None,
) -> duckdb.DuckDBPyConnection:
    """Open the store (creating file and schema unless read-only).

    While another process holds it, waits up to ``wait`` seconds (:func:`wait_seconds`;
    ``0`` fails at once), telling ``progress`` (or the callback of
    :func:`reporting_waits`) how long. Raises :class:`StoreBusyError` when the wait runs
    out, :class:`StoreUnavailableError` for a file that is not a DuckDB database, and
    FileNotFoundError for a missing store when read-only.
    """
    path = resolve_db_path(db)
    seconds = wait_seconds(wait)
    report = progress if progress is not None else _waiting_progress.get()
    if read_only:
        if not path.exists():
            raise FileNotFoundError(
                f"no starchart store at {path} (ingest events and build charts, or import "
                "Netflix's files, first)")
        return _open_waiting(path, read_only=True, wait=seconds, progress=report)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise as_write_error(exc, path) or exc from exc
    con = _open_waiting(path, read_only=False, wait=seconds, progress=report)
    try:
        con.execute(SCHEMA)
        _add_missing_columns(con)
    except (duckdb.Error, RuntimeError) as exc:  # a RuntimeError: Ctrl-C stopped the query
        con.close()
        if str(exc) == _INTERRUPTED:
            raise KeyboardInterrupt from exc
        raise as_write_error(exc, path) or exc from exc
    return con


def _add_missing_columns(con: duckdb.DuckDBPyConnection) -> None:
    """Bring an older store up to :data:`ADDED_COLUMNS` (a read when nothing is missing)."""
    have = {(t, c) for t, c in con.execute(
        "SELECT table_name, column_name FROM duckdb_columns() WHERE schema_name = 'main' "
        "AND NOT internal").fetchall()}
    for table, column, kind in ADDED_COLUMNS:
        if (table, column) not in have:
            con.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")


def as_write_error(exc: BaseException, store_path: Path,
                   note: str = "the command changed nothing") -> StoreWriteError | None:
    """The one-line :class:`StoreWriteError` for a DuckDB or OS error that is a failed write
    (naming the file, what to do, and ``note``); None for any other error."""
    if isinstance(exc, StoreWriteError):
        return exc
    from starchart.engine.resources import temp_directory

    found = write_failure(exc, str(store_path), str(temp_directory(store_path)))
    if found is None:
        return None
    code, reason, filename = found
    return StoreWriteError(f"cannot write {filename}: {reason}; {advice(code)} ({note})",
                           code=code, filename=filename)


#: What DuckDB's Python client raises (as a RuntimeError) when Ctrl-C stops a query.
_INTERRUPTED = "Query interrupted"


@contextmanager
def opened(
    db: str | os.PathLike[str] | None = None,
    *,
    read_only: bool = False,
    wait: float | None = None,
    progress: ProgressCallback | None = None,
) -> Iterator[duckdb.DuckDBPyConnection]:
    """``with opened(db) as con:`` closes the connection however the block ends; a write
    that fails for want of space or permission leaves as a :class:`StoreWriteError`."""
    path = resolve_db_path(db)
    con = connect(path, read_only=read_only, wait=wait, progress=progress)
    try:
        yield con
    except (duckdb.Error, OSError) as exc:
        failed = as_write_error(exc, path)
        if failed is None or failed is exc:
            raise
        raise failed from exc
    except RuntimeError as exc:
        # Ctrl-C during a query: DuckDB ends the query with this, not KeyboardInterrupt
        # (the caller's transaction has rolled back); let it end the command as Ctrl-C does.
        if str(exc) == _INTERRUPTED:
            raise KeyboardInterrupt from exc
        raise
    finally:
        con.close()


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """``with transaction(con):`` commits the block's writes together, or none of them: any
    exception (Ctrl-C included) rolls back and is re-raised, so a failed load or build leaves
    the store as it was."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
        con.execute("COMMIT")
    except BaseException:
        with suppress(duckdb.Error):  # a failed COMMIT has already ended the transaction
            con.execute("ROLLBACK")
        raise


def table_names(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The names :func:`has_table` finds, in one query (a catalog query costs milliseconds:
    ask once for many names)."""
    return {r[0] for r in con.execute(
        "SELECT DISTINCT table_name FROM information_schema.tables").fetchall()}


def has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """True when the database behind ``con`` has the table (a read-only store written by an
    older starchart may lack a newer one)."""
    [(found,)] = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]).fetchall()
    return bool(found)


def sources(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The chart sources present in the store, engine first."""
    rows = con.execute("SELECT DISTINCT source FROM chart_global UNION "
                       "SELECT DISTINCT source FROM chart_country").fetchall()
    return sorted({r[0] for r in rows}, key=lambda s: (s != ENGINE_SOURCE, s))


def default_source(con: duckdb.DuckDBPyConnection) -> str:
    """The source answers come from when none is named: the engine's if it built any."""
    found = sources(con)
    return found[0] if found else ENGINE_SOURCE


def fingerprint(con: duckdb.DuckDBPyConnection) -> str:
    """A digest of every row of :data:`RELEASE_TABLES` (of :data:`TRAINED_TABLES`, through
    ``discovery_models``): equal digests, equal charts. A full scan of the chart tables
    (milliseconds), so a release is published only when they changed."""
    parts = []
    present = table_names(con)
    for name in RELEASE_TABLES:
        if name not in present:
            parts.append(f"{name}:-")
            continue
        digest = "count(*), NULL" if name in TRAINED_TABLES else "count(*), sum(hash(t))"
        [(rows, digest)] = con.execute(f"SELECT {digest} FROM {name} AS t").fetchall()
        parts.append(f"{name}:{rows}:{digest}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()
