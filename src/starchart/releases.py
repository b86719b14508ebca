"""Chart releases: what the site, the CLI's questions and notebooks read, published from the
store.

A release is an immutable, numbered, read-only DuckDB file beside the store
(``<store>.releases/000042.duckdb``, or in ``$STARCHART_RELEASES``): a copy of the tables
named in :data:`starchart.store.RELEASE_TABLES`, plus what pages show, computed once when it
is published (every title's record, every week's lists, the all-time leaderboards, the
search index) and the change feed against the release before it.

A release costs what changed, not the history: it begins as a byte copy of the release
before, the store's tables are patched where their rows differ, the change feed is carried
and added to, and only the pages of changed titles and weeks are computed again
(:func:`_write`).

A release is written under a temporary name, flushed to disk and renamed into place, so a
reader never sees half of one; the highest number is the current release. Readers never
open the store, so a writer works on it while they read, and a reader that opened release
41 keeps reading 41 (deleting a file an open reader holds is safe on Linux) until it asks
for the current one again. ``$STARCHART_KEEP_RELEASES`` (default 10) are kept.

Every build and import ends by publishing (:func:`publish`). If the process dies between
its commit and the release, nothing is lost: the store holds the charts, and the next
command that reads them (:func:`catch_up`), builds, imports or serves the store, or
``starchart publish``, publishes them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import logging
import os
import re
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from starchart import coverage, store, watchlist
from starchart.errors import WriteFailed, advice, write_failure
from starchart.queries.base import NotFound, chart_sources, insert_arrow

if TYPE_CHECKING:
    from starchart.progress import ProgressCallback

log = logging.getLogger("starchart.releases")
FOLDER_ENV = "STARCHART_RELEASES"
KEEP_ENV = "STARCHART_KEEP_RELEASES"
DEFAULT_KEEP = 10
_RELEASE_FILE = re.compile(r"^(\d{6,})\.duckdb$")
_STEPS = ("copying the charts and the change feed", "titles", "weeks", "leaderboards",
          "title pages", "writing")
FORMAT = 4
"""What the prepared tables of a release look like; a release of another format is not
reused by the next (everything is computed afresh). Raise it when a prepare step changes.
(2: the works of issue 9: title IDs, work pages, engagement and coverage in the answers;
3: issue 11: season numbers and original titles in the index, a show's pages per season;
4: sums of hours and views in a fixed order, the same bytes however the rows are stored.)"""


class NoReleaseError(FileNotFoundError):
    """The store has no published release yet (and none could be published now)."""


class PublishError(WriteFailed):
    """The store's charts were saved but their release could not be written; the message
    names the file and says how to publish later."""


def folder(db: str | os.PathLike[str] | None = None) -> Path:
    """Where the store's releases live: ``$STARCHART_RELEASES``, else ``<store>.releases``
    beside the store."""
    env = os.environ.get(FOLDER_ENV, "").strip()
    if env:
        return Path(env)
    path = store.resolve_db_path(db)
    return path.with_name(path.name + ".releases")


def keep_count(keep: int | None = None) -> int:
    """How many releases are kept: ``keep``, else ``$STARCHART_KEEP_RELEASES``, else 10
    (at least 1: the current release is never deleted)."""
    if keep is None:
        text = os.environ.get(KEEP_ENV, "").strip()
        try:
            keep = int(text) if text else DEFAULT_KEEP
        except ValueError:
            raise ValueError(f"${KEEP_ENV} must be a whole number, got {text!r}") from None
    if keep < 1:
        raise ValueError(f"keep must be at least 1 (the current release), got {keep}")
    return keep


def numbers(where: Path) -> list[int]:
    """The numbers of the complete releases in ``where``, ascending."""
    try:
        names = os.listdir(where)
    except FileNotFoundError:
        return []
    return sorted(int(m.group(1)) for m in map(_RELEASE_FILE.match, names) if m)


def release_file(where: Path, number: int) -> Path:
    return where / f"{number:06d}.duckdb"


@dataclass(frozen=True)
class ReleaseInfo:
    """What identifies a release: its number, when it was published, from which charts."""

    number: int
    published_at: dt.datetime  # UTC, naive
    fingerprint: str
    previous: int | None
    seconds: float
    path: Path

    def age_seconds(self, now: dt.datetime | None = None) -> float:
        moment = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
        return max(0.0, (moment - self.published_at).total_seconds())

    def public(self) -> dict[str, Any]:
        """What the site may say about it (never a path)."""
        return {"release": self.number,
                "published_at": self.published_at.isoformat(timespec="seconds") + "Z",
                "age_seconds": round(self.age_seconds(), 1)}


def _read_info(con: duckdb.DuckDBPyConnection, path: Path) -> ReleaseInfo:
    row = con.execute(
        "SELECT number, published_at, fingerprint, previous, seconds FROM release_info"
    ).fetchone()
    if row is None:
        raise ValueError(f"{path} is not a starchart release (no release_info)")
    return ReleaseInfo(int(row[0]), row[1], str(row[2]), row[3], float(row[4]), path)


class Release:
    """One open release: a read-only connection to its file, and its info.

    Thread-safe: every caller gets its own cursor. A release stays readable for as long as
    it is open, even after a newer one replaced it and its file was deleted.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._con = duckdb.connect(str(path), read_only=True)
        self._lock = threading.Lock()
        try:
            self.info = _read_info(self._con, path)
        except BaseException:
            self._con.close()
            raise

    @property
    def number(self) -> int:
        return self.info.number

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A connection of one's own to this release (close it when done)."""
        with self._lock:
            return self._con.cursor()

    def close(self) -> None:
        with self._lock:
            self._con.close()


def open_release(db: str | os.PathLike[str] | None = None, number: int | None = None
                 ) -> Release:
    """The current release of the store at ``db`` (the highest number), or release
    ``number``; :class:`NoReleaseError` when there is none, LookupError for a number that is
    not kept."""
    where = folder(db)
    for _ in range(3):  # a release may be pruned between listing and opening: look again
        kept = numbers(where)
        if not kept:
            path = store.resolve_db_path(db)
            if not path.exists():
                raise NoReleaseError(
                    f"no starchart store at {path} (ingest events and build charts, or import "
                    "Netflix's files, first)")
            raise NoReleaseError(
                f"no chart release of {path} yet: build charts or import Netflix's files "
                "(each publishes one), or publish the store's charts")
        wanted = kept[-1] if number is None else number
        if wanted not in kept:
            raise NotFound(f"release {number} is not kept (kept: releases {kept[0]} to "
                           f"{kept[-1]})", [{"release": n} for n in kept[-3:]])
        try:
            return Release(release_file(where, wanted))
        except duckdb.IOException:
            if release_file(where, wanted).exists():
                raise
    raise NoReleaseError(f"the releases in {where} keep changing; try again")


@contextlib.contextmanager
def _publishing_lock(where: Path) -> Iterator[None]:
    """One publisher at a time per release folder (a file lock: released if the process
    dies)."""
    with open(where / ".publish.lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _fsync(path: Path, *, directory: bool = False) -> None:
    fd = os.open(path, os.O_RDONLY | (os.O_DIRECTORY if directory else 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove(path: Path) -> None:
    for stale in (path, path.with_name(path.name + ".wal")):
        with contextlib.suppress(FileNotFoundError):
            stale.unlink()


# The pages a release keeps from the one before where their rows did not change.
_PAGES = ("title_pages", "week_pages", "leader_pages", "work_index")
# Store tables compared and patched part by part (a week of one source's lists), not whole.
_PARTS = {"chart_global": ("source", "week"), "chart_country": ("source", "week")}


def _copy_charts(con: duckdb.DuckDBPyConnection, rel: duckdb.DuckDBPyConnection, *,
                 patch: bool = False) -> dict[str, int]:
    """Copy :data:`starchart.store.RELEASE_TABLES` from the store behind ``con`` into the
    release ``rel``. ``patch``: ``rel`` began as a copy of the previous release, so only
    what differs is written (a table whose rows differ, and of the chart lists only the
    weeks that differ), and unchanged history is not rewritten. Returns the rows written."""
    reader = con.cursor()  # its own results: the caller's connection may hold one open
    written: dict[str, int] = {}
    # the chart weeks patched (queries.feed.IN_CHANGED_PARTS): all that can differ
    rel.execute("CREATE TEMP TABLE changed_parts (source VARCHAR, week DATE)")
    try:
        present = store.table_names(reader)
        for name in store.RELEASE_TABLES:
            rel.execute(store.TABLES[name])
            if name == "coverage":  # computed below from the release's own charts
                continue
            if not patch:
                if name in present:
                    rows = reader.sql(f"SELECT * FROM {name}").to_arrow_table()
                    insert_arrow(rel, name, rows)
                    if rows.num_rows:
                        written[name] = rows.num_rows
                continue
            if name not in present:
                [(gone,)] = rel.execute(f"SELECT count(*) FROM {name}").fetchall()
                if gone:
                    rel.execute(f"DELETE FROM {name}")
                    written[name] = 0
                continue
            parts = _PARTS.get(name, ())
            if name in store.TRAINED_TABLES:
                # a training run replaces these together with discovery_models (copied just
                # before them): they differ exactly when it did, so millions of picks are
                # not hashed on both sides to learn it
                if "discovery_models" not in written:
                    continue
                changed: Any = ()
            else:
                changed = _changed_parts(reader, rel, name, parts)
                if changed is None:
                    continue
            if not parts:
                rel.execute(f"DELETE FROM {name}")
                rows = reader.sql(f"SELECT * FROM {name}").to_arrow_table()
            else:
                keys = ", ".join(parts)
                rel.register("_changed_parts", changed)
                try:
                    same = " AND ".join(f"c.{k} = {name}.{k}" for k in parts)
                    rel.execute(f"DELETE FROM {name} USING _changed_parts c WHERE {same}")
                    rel.execute(f"INSERT INTO changed_parts SELECT {keys} FROM _changed_parts")
                finally:
                    rel.unregister("_changed_parts")
                reader.register("_changed_parts", changed)
                try:
                    rows = reader.sql(f"SELECT * FROM {name} SEMI JOIN _changed_parts "
                                      f"USING ({keys})").to_arrow_table()
                finally:
                    reader.unregister("_changed_parts")
            insert_arrow(rel, name, rows)
            written[name] = rows.num_rows
    finally:
        reader.close()
    # the spans of exactly these charts (an engine build does not refresh the store's)
    coverage.refresh(rel)
    rel.execute(store.RELEASE_SCHEMA)
    return written


def _changed_parts(reader: duckdb.DuckDBPyConnection, rel: duckdb.DuckDBPyConnection,
                   name: str, parts: tuple[str, ...]) -> Any:
    """Where table ``name`` of the store (``reader``) differs from the release's: None when
    nowhere, else the Arrow table of the ``parts`` keys whose rows differ (no columns when
    ``parts`` is empty: the table differs). Compared by row count and a sum of row hashes,
    as :func:`starchart.store.fingerprint` compares stores."""
    keys = ", ".join(parts)
    select = f"SELECT {keys + ', ' if keys else ''}count(*) AS n, sum(hash(t)) AS h " \
             f"FROM {name} AS t {'GROUP BY ' + keys if keys else ''}"
    theirs = reader.sql(select).to_arrow_table()
    rel.register("_store_parts", theirs)
    try:
        on = " AND ".join(f"s.{k} IS NOT DISTINCT FROM r.{k}" for k in parts) or "true"
        pick = ", ".join(f"coalesce(s.{k}, r.{k}) AS {k}" for k in parts) or "1 AS one"
        changed = rel.sql(
            f"""SELECT {pick} FROM _store_parts s FULL OUTER JOIN ({select}) r ON {on}
                WHERE s.n IS DISTINCT FROM r.n OR s.h IS DISTINCT FROM r.h""").to_arrow_table()
    finally:
        rel.unregister("_store_parts")
    if changed.num_rows == 0:
        return None
    return changed if parts else changed.drop_columns(["one"])


SCHEMA_DIGEST = hashlib.sha256("\n".join(
    [str(FORMAT), *(store.TABLES[name] for name in store.RELEASE_TABLES), store.RELEASE_SCHEMA]
).encode()).hexdigest()[:16]
"""What the tables of a release written by this code look like (its :data:`FORMAT` and
every table's definition); kept as the comment of ``release_info``. A release begins as a
copy of the previous one only when that one has the same digest."""


def _written_like_this(release: Release) -> bool:
    """True when ``release`` was written in this :data:`FORMAT` with these tables (its
    ``release_info`` comment is :data:`SCHEMA_DIGEST`), so the next may begin as a copy."""
    cursor = release.cursor()
    try:
        found = cursor.execute(
            """SELECT comment FROM duckdb_tables()
               WHERE database_name = current_database() AND table_name = 'release_info'"""
        ).fetchall()
    finally:
        cursor.close()
    return bool(found) and found[0][0] == SCHEMA_DIGEST


def _write(con: duckdb.DuckDBPyConnection, target: Path, *, number: int, fingerprint: str,
           previous: Path | None, previous_number: int | None, store_name: str,
           started: float, full: bool, progress: ProgressCallback | None) -> dict[str, Any]:
    """Write release ``number`` from the store behind ``con`` into ``target``.

    Unless ``full`` (the caller's choice, or ``previous`` was written in another format or
    with other tables: :data:`SCHEMA_DIGEST`), the release begins as a byte copy of
    ``previous``: the store's tables are patched where they differ, the
    change feed is carried as it is and added to, and of the pages only those whose rows
    changed are computed (the others stay as they are). So a release that adds a week
    writes that week, not the history."""
    from starchart.queries.feed import prepare_feed
    from starchart.queries.lists import prepare_leaders, prepare_weeks
    from starchart.queries.record import mark_changed_works
    from starchart.queries.titles import prepare_titles
    from starchart.queries.works import prepare_works

    def step(i: int) -> None:
        if progress is not None:
            progress(f"publishing release {number}: {_STEPS[i]}", i, len(_STEPS))

    published_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    counts: dict[str, Any] = {}
    reuse = previous is not None and not full
    if reuse:
        assert previous is not None
        shutil.copyfile(previous, target)
        os.chmod(target, 0o644)  # the copy of a read-only release is written, then sealed
    rel = duckdb.connect(str(target))
    try:
        step(0)
        if reuse:  # computed whole each time (the pages are kept where unchanged)
            for name in ("release_info", "title_index"):
                rel.execute(f"DELETE FROM {name}")
        counts["store_rows_written"] = _copy_charts(con, rel, patch=reuse)
        sources = chart_sources(rel)
        if reuse:  # the pages of a source no longer charted
            for name in _PAGES:
                rel.execute(f"DELETE FROM {name} WHERE source NOT IN "
                            "(SELECT unnest(?::VARCHAR[]))", [sources])
        if previous is not None:
            rel.execute("ATTACH ? AS previous_release (READ_ONLY)", [str(previous)])
        counts["changes"] = prepare_feed(rel, number, published_at,
                                         None if previous is None else previous_number,
                                         carried=reuse)
        counts["watchlist"] = watchlist.prepare_events(rel, con, number, published_at,
                                                       has_previous=previous is not None,
                                                       carried=reuse)
        if reuse:
            counts["works_changed"] = mark_changed_works(rel, counts["store_rows_written"])
        step(1)
        pages = 0
        for s in sources:
            pages += prepare_works(rel, s, reuse=reuse) + prepare_titles(rel, s, reuse=reuse)
        counts["title_pages"] = pages
        step(2)
        counts["week_pages"] = sum(prepare_weeks(rel, s, reuse=reuse) for s in sources)
        step(3)
        counts["leader_pages"] = sum(prepare_leaders(rel, s, reuse=reuse) for s in sources)
        counts["reused"] = reuse
        step(4)
        info = ReleaseInfo(number, published_at, fingerprint, previous_number, 0.0, target)
        counts["title_bodies"] = _render_bodies(rel, info, progress)
        step(5)
        if previous is not None:
            rel.execute("DETACH previous_release")
        rel.execute("INSERT INTO release_info VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [number, published_at, fingerprint, previous_number, store_name,
                     round(time.perf_counter() - started, 4), FORMAT])
        rel.execute(f"COMMENT ON TABLE release_info IS '{SCHEMA_DIGEST}'")  # hex digits
        rel.execute("CHECKPOINT")
    finally:
        rel.close()
    return counts


REDONE = "the same charts, with title pages made by this version of starchart"


def _pages_made_here(release: Release) -> bool:
    """True when ``release``'s title pages were published by this code (else an unchanged
    store is published again, so that the site serves them: after an upgrade)."""
    from starchart import api
    from starchart.web.prerender import made_here

    charts = api.Charts(release.cursor(), release=release.info)
    try:
        return made_here(charts)
    except Exception:  # unreadable as this code reads it: published again, which is safe
        log.warning("release %d: could not tell which code made its title pages",
                    release.info.number, exc_info=True)
        return False
    finally:
        charts.con.close()


def _render_bodies(rel: duckdb.DuckDBPyConnection, info: ReleaseInfo,
                   progress: ProgressCallback | None) -> dict[str, int]:
    """The title pages' bodies of the release being written (:mod:`starchart.web.bodies`):
    rendered where new, the others kept from the release it began as a copy of."""
    from starchart import api
    from starchart.web.prerender import prepare_bodies

    def tick(done: int, total: int) -> None:
        if progress is not None:
            progress(f"publishing release {info.number}: title pages ({done:,} of {total:,} "
                     "rendered)", 4, len(_STEPS))

    charts = api.Charts(rel.cursor(), release=info)
    try:
        return prepare_bodies(charts, tick=tick)
    finally:
        charts.con.close()


def publish(
    db: str | os.PathLike[str] | None = None,
    *,
    con: duckdb.DuckDBPyConnection | None = None,
    keep: int | None = None,
    force: bool = False,
    full: bool = False,
    renew_pages: bool = True,
    progress: ProgressCallback | None = None,
) -> dict[str, Any]:
    """Publish the store's charts as the next release, unless the current one already holds
    exactly them (or ``force``); then delete all but the newest ``keep`` releases. What did
    not change since the current release is copied from it (``full``: compute everything).
    ``renew_pages``: also publish when the current release holds them, but with title pages
    made by another version of starchart (which the site renders itself).

    ``con`` reads the store (default: open it read-only, failing at once with
    :class:`starchart.store.StoreUnavailableError` while another process writes it).
    Returns ``{"published", "release", "seconds", "pruned", "changes", ...}``.
    """
    path = store.resolve_db_path(db)
    where = folder(path)
    started = time.perf_counter()
    kept_count = keep_count(keep)
    try:
        where.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _publish_failed(exc, where) or exc from exc
    with _publishing_lock(where):
        own = con is None
        reader = store.connect(path, read_only=True, wait=0) if con is None else con
        try:
            fingerprint = store.fingerprint(reader)
            kept = numbers(where)
            latest = kept[-1] if kept else None
            same = reusable = redone = False
            if latest is not None:
                current = Release(release_file(where, latest))
                try:
                    same = current.info.fingerprint == fingerprint
                    redone = same and renew_pages and not _pages_made_here(current)
                    same = same and not redone
                    reusable = _written_like_this(current)
                finally:
                    current.close()
                if same and not force:
                    return {"published": False, "release": latest, "reason": "unchanged",
                            "seconds": round(time.perf_counter() - started, 4), "pruned": [],
                            "watchlist": {"watched": watchlist.watched_count(reader), "events": []}}
            number = (latest or 0) + 1
            final = release_file(where, number)
            temporary = where / f".{number:06d}.{os.getpid()}.tmp"
            try:
                counts = _write(reader, temporary, number=number, fingerprint=fingerprint,
                                previous=None if latest is None else release_file(where, latest),
                                previous_number=latest, store_name=path.name, started=started,
                                full=full or not reusable, progress=progress)
                watched = watchlist.watched_count(reader)
                os.chmod(temporary, 0o444)  # a release never changes
                _fsync(temporary)
                os.replace(temporary, final)
                _fsync(where, directory=True)
                if progress is not None:
                    progress(f"published release {number}", len(_STEPS), len(_STEPS))
            except (OSError, duckdb.Error) as exc:
                _remove(temporary)
                failed = _publish_failed(exc, temporary)
                if failed is None:
                    raise
                raise failed from exc
            except BaseException:
                _remove(temporary)
                raise
        finally:
            if own:
                reader.close()
        pruned = prune(where, kept_count)
    return {"published": True, "release": number, "previous": latest,
            "seconds": round(time.perf_counter() - started, 4), "pruned": pruned,
            "changes": counts.pop("changes"),
            "watchlist": {"watched": watched, "events": counts.pop("watchlist")},
            "rows": counts, **({"reason": REDONE} if redone else {})}


def _publish_failed(exc: BaseException, path: Path) -> PublishError | None:
    found = write_failure(exc, str(path))
    if found is None:
        return None
    code, reason, filename = found
    return PublishError(f"the charts are saved in the store, but their release could not be "
                        f"written: cannot write {filename}: {reason}; "
                        f"{advice(code).replace('run the command again', 'publish them')}",
                        code=code, filename=filename)


def prune(where: Path, keep: int) -> list[int]:
    """Delete all but the newest ``keep`` releases and any temporary file a dead publisher
    left (call while holding the publishing lock). Returns the numbers deleted."""
    kept = numbers(where)
    gone = kept[:-keep] if len(kept) > keep else []
    for number in gone:
        _remove(release_file(where, number))
    for name in os.listdir(where):
        if name.endswith(".tmp") or name.endswith(".tmp.wal"):
            _remove(where / name)
    return gone


#: Where :func:`catch_up` notes the store's file stamps it last found published.
CHECKED_FILE = "store-checked.json"


def _store_stamp(path: Path) -> list[int]:
    """The store's and its write-ahead log's inode, size and modification time: any write to
    the store changes one of them."""
    stamp: list[int] = []
    for file in (path, path.with_name(path.name + ".wal")):
        try:
            st = os.stat(file)
        except FileNotFoundError:
            stamp += [0, 0, 0]
        else:
            stamp += [st.st_ino, st.st_size, st.st_mtime_ns]
    return stamp


def _checked(where: Path) -> dict[str, Any] | None:
    with contextlib.suppress(OSError, ValueError):
        found = json.loads((where / CHECKED_FILE).read_text(encoding="utf-8"))
        return found if isinstance(found, dict) else None
    return None


def _note_checked(where: Path, stamp: list[int], number: int) -> None:
    """Remember that the store as stamped is what release ``number`` holds (best effort: a
    reader without write access to the folder simply checks again next time)."""
    temporary = where / f".checked.{os.getpid()}.tmp"  # (prune removes a stray one)
    with contextlib.suppress(OSError):
        temporary.write_text(json.dumps({"stamp": stamp, "release": number}), encoding="utf-8")
        os.replace(temporary, where / CHECKED_FILE)


def catch_up(db: str | os.PathLike[str] | None = None, *, wait: float | None = 0,
             progress: ProgressCallback | None = None) -> dict[str, Any] | None:
    """Publish the store's charts if the current release does not hold them: a build or
    import that died before publishing, or a store from before releases. Does nothing (None)
    when there is no store, or when another process is writing it (that process publishes
    when it is done). ``wait``: how long to wait for that process (default: not at all).

    Every question asks this first, so the common answer is made cheap: when the store's
    files carry the same stamps (inode, size, modification time) as when the current release
    was last found to hold its charts, nothing was written since and the store is not opened
    (opening it and digesting its charts cost ~100 ms a call)."""
    path = store.resolve_db_path(db)
    if not path.exists():
        return None
    where = folder(path)
    stamp = _store_stamp(path)  # taken before reading: a later write changes it
    kept = numbers(where)
    if kept and _checked(where) == {"stamp": stamp, "release": kept[-1]}:
        return None
    try:
        con = store.connect(path, read_only=True, wait=wait, progress=progress)
    except store.StoreBusyError:
        return None
    except store.StoreUnavailableError as exc:
        if "in use" in str(exc):
            return None
        raise
    try:
        # after an upgrade, a read does not wait for the title pages to be made again
        result = publish(path, con=con, progress=progress, renew_pages=False)
    finally:
        con.close()
    if result.get("published") or result.get("reason") == "unchanged":
        _note_checked(where, stamp, int(result["release"]))
    return result


def releases(db: str | os.PathLike[str] | None = None) -> list[ReleaseInfo]:
    """The kept releases of the store at ``db``, newest first."""
    where = folder(db)
    found = []
    for number in reversed(numbers(where)):
        with contextlib.suppress(FileNotFoundError, duckdb.IOException):
            release = Release(release_file(where, number))
            found.append(release.info)
            release.close()
    return found
