"""starchart's public Python API: the one facade the CLI, the web site and notebooks call.

Every function takes ``db`` (a path; default ``$STARCHART_DB`` or ``./starchart.duckdb``)
and returns plain data: dicts, pandas DataFrames or Arrow tables. The chart questions are
methods of :class:`Charts`, which holds one connection for many questions
(``with api.open(db) as charts:``); the module-level functions of the same names open one
per call.

Example::

    from starchart import api
    api.ingest(catalog="catalog.csv", events=["events/"])
    api.build()
    api.export("out/", round_to=100_000)
    with api.open() as charts:
        latest = charts.week()
        leaders = charts.leaders("weeks-at-1")
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable, Hashable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from starchart import store
from starchart.api_countries import CountryQuestions
from starchart.api_countries import number_ones as number_ones  # re-exported: api.number_ones
from starchart.api_countries import week_number_ones as week_number_ones
from starchart.api_discovery import (  # noqa: F401 - re-exported: api.similar, api.watch_add...
    names_of,
    picks,
    similar,
    train,
    watch_add,
    watch_remove,
    watchlist,
    watchlist_events,
)
from starchart.api_writes import (  # noqa: F401 - re-exported: api.ingest, api.build...
    build,
    import_netflix,
    ingest,
    load_catalog,
    quarantine,
    update,
)
from starchart.export import export_charts
from starchart.progress import ProgressCallback
from starchart.weeks import DEFAULT_ROUND_TO

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

    from starchart.queries.search import TitleIndex
    from starchart.queries.titles import PageIndex
    from starchart.releases import Release, ReleaseInfo

log = logging.getLogger("starchart")

# --- shared -------------------------------------------------------------------------------


def export(
    out: str | Path,
    *,
    db: str | Path | None = None,
    source: str | None = None,
    round_to: int | None = None,
) -> dict[str, Any]:
    """Write all-weeks-global.tsv, all-weeks-countries.tsv and most-popular.tsv.

    Engine charts are rounded to ``round_to`` (default 100,000, Netflix's practice); imported
    Netflix charts are written as published unless ``round_to`` is given.
    """
    with open(db) as charts:  # the current release: a writer at work does not stop it
        # (a source the store lacks is an error: its empty files would replace an export)
        chosen = charts._source(source)
        unit = round_to
        if unit is None and chosen == store.ENGINE_SOURCE:
            unit = DEFAULT_ROUND_TO
        return export_charts(charts.con, out, source=chosen, round_to_unit=unit)


# --- the chart questions, read from the current release (starchart.queries) ---------------
# Shapes: see docs/published.md and docs/query-api.md. Unknown things raise LookupError
# whose args[1], when present, lists suggestions.


class Memo:
    """Answers that stay true for a whole release (its sources, weeks, countries, title
    index), shared by every :class:`Charts` over that release: the site keeps one per
    release, so each is computed once, not per page."""

    def __init__(self) -> None:
        self._values: dict[Hashable, Any] = {}
        self._lock = threading.Lock()
        self._computing: dict[Hashable, threading.RLock] = {}

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """The answer for ``key``, computed once: concurrent first askers wait for the one
        computing it (forty pages at once each loading a release's title index took
        seconds), and a slow first answer blocks no other key."""
        with self._lock:
            if key in self._values:
                return self._values[key]
            gate = self._computing.setdefault(key, threading.RLock())
        with gate:
            with self._lock:
                if key in self._values:
                    return self._values[key]
            value = compute()
            with self._lock:
                self._computing.pop(key, None)
                return self._values.setdefault(key, value)

    def peek(self, key: Hashable) -> Any:
        """The answer for ``key`` if it was computed, else None (never computes it)."""
        with self._lock:
            return self._values.get(key)


class Charts(CountryQuestions):
    """One open view of a store's charts: the questions of the CLI, a notebook or one page
    of the site, all answered from ONE chart release (:mod:`starchart.releases`) through one
    connection.

    Get it from :func:`open` (``with api.open(db) as charts: charts.week()``); the
    module-level functions (:func:`week`, :func:`title`...) open one per call. Shapes: see
    docs/query-api.md. Unknown things raise LookupError whose ``args[1]``, when present,
    lists suggestions. ``release`` says which release answers.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, *, release: ReleaseInfo,
                 memo: Memo | None = None, owner: Release | None = None) -> None:
        self.con = con
        self.release = release
        self.memo = memo if memo is not None else Memo()
        self._owner = owner

    def close(self) -> None:
        """Close the connection (and the release, when this object opened it)."""
        self.con.close()
        if self._owner is not None:
            self._owner.close()

    def __enter__(self) -> Charts:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # what every question resolves first, once per release

    def sources(self) -> list[str]:
        """The chart sources ('engine', 'netflix'), engine first."""
        from starchart.queries.base import chart_sources

        return list(self.memo.get("sources", lambda: chart_sources(self.con)))

    def _source(self, source: str | None) -> str:
        from starchart.queries.base import resolve_source

        return resolve_source(self.sources(), source)

    def source(self, source: str | None = None) -> str:
        """The source a question reads: ``source`` (checked), else the first with charts."""
        return self._source(source)

    def _country(self, src: str, country: str | None) -> str | None:
        if not country:
            return None
        from starchart.queries.base import resolve_country
        from starchart.queries.lists import country_names

        names = self.memo.get(("country_names", src), lambda: country_names(self.con, src))
        return resolve_country(names, src, country)

    def resolve_country(self, country: str, *, source: str | None = None) -> str:
        """The ISO code of the country with lists that ``country`` names (``KR``, ``kr``,
        ``Korea``, ``South Korea``...): the resolver every question uses; LookupError with
        suggestions for an unknown or ambiguous name."""
        src = self._source(source)
        code = self._country(src, country)
        if code is None:
            raise LookupError("no country given: give an ISO code such as KR or a name", [])
        return code

    def _weeks(self, src: str, code: str | None) -> dict[date, int]:
        from starchart.queries.lists import weeks

        found: dict[date, int] = self.memo.get(("weeks", src, code),
                                               lambda: weeks(self.con, src, code))
        return found

    def _pages(self, src: str) -> PageIndex:
        from starchart.queries.titles import PageIndex

        found: PageIndex = self.memo.get(("pages", src), lambda: PageIndex.load(self.con, src))
        return found

    def keep_records(self) -> None:
        """Read every title record of this release into memory, so that a title's answer
        asks no query (what a site serving many titles wants; a single question does not)."""
        for src in self.sources():
            self._pages(src).keep_records(self.con, src)

    def keep_week_answers(self) -> None:
        """Read every week's answer of this release into memory (~4.5 MB compressed on
        Netflix's files, 3,554 lists), so that a week page asks no query: the point read of
        one answer cost ~1 ms of DuckDB per uncached week page."""
        from starchart.queries.lists import week_answers

        for src in self.sources():
            self.memo.get(("week_answers", src), functools.partial(week_answers, self.con, src))

    def prepare(self) -> None:
        """Everything the answers of this release share, read once into its memo now: the
        title records (:meth:`keep_records`) and week answers (:meth:`keep_week_answers`),
        per source the title index, the global weeks and
        which release published each week, the weeks with country lists, and the discovery
        models. A site calls it before serving a release, so that no page's first request
        pays up to a second of shared work under the interpreter lock while others wait."""
        self.keep_records()
        self.keep_week_answers()
        for src in self.sources():
            self._index(src)
            self._weeks(src, None)
            self._stories(src)
            self.country_list_weeks(source=src)
        self._models()

    def _stories(self, src: str) -> Any:
        """Which release first published and which revised each week of ``src``."""
        from starchart.queries.feed import story_index

        return self.memo.get(("stories", src), lambda: story_index(self.con, src))

    def _models(self) -> Any:
        """The release's trained discovery models (a release's models never change)."""
        from starchart.discovery.answers import trained_models

        return self.memo.get("discovery_models", lambda: trained_models(self.con))

    def _index(self, src: str) -> TitleIndex:
        from starchart.queries.search import TitleIndex

        index: TitleIndex = self.memo.get(("index", src),
                                          lambda: TitleIndex.load(self.con, src))
        return index

    # the questions

    def weeks(self, *, country: str | None = None, source: str | None = None) -> list[str]:
        """Chart weeks ('YYYY-MM-DD' Sundays), newest first: global, or one country's lists."""
        src = self._source(source)
        return [w.isoformat() for w in self._weeks(src, self._country(src, country))]

    def countries(self, *, source: str | None = None) -> list[dict[str, Any]]:
        """Countries with lists: ``[{"iso2", "name", "weeks"}]`` by name."""
        from starchart.queries.lists import countries

        src = self._source(source)
        found = self.memo.get(("countries", src), lambda: countries(self.con, src))
        return [dict(c) for c in found]

    def week(
        self, week: str | date | None = None, *, country: str | None = None,
        source: str | None = None,
    ) -> dict[str, Any]:
        """One week's lists (latest by default), global or one country's, with last week's
        rank."""
        from starchart.queries.lists import week as _week

        src = self._source(source)
        code = self._country(src, country)
        return _week(self.con, src, self._weeks(src, code), week, code,
                     answers=self.memo.peek(("week_answers", src)))

    def title(self, query: str, *, source: str | None = None) -> dict[str, Any]:
        """A title's record (weeks in the Top 10 and at #1, peak, hours, views, countries,
        run) for an exact name; close suggestions otherwise."""
        from starchart.queries.titles import title

        src = self._source(source)
        return title(self.con, self._index(src), self._pages(src), query)

    def title_by_slug(
        self, slug: str, *, show: bool = False, source: str | None = None
    ) -> dict[str, Any]:
        """One film, season or (by its slug) show, as in :meth:`title`'s matches, or one
        work by its stable ID (``nf-…``); ``show`` prefers the show where a title shares its
        slug."""
        from starchart.queries.record import is_title_id
        from starchart.queries.titles import title_by_slug

        src = self._source(source)
        if source is None and is_title_id(slug):  # an ID names its source's work
            wanted = slug.strip().lower()
            src = next((s for s in self.sources() if wanted in self._pages(s).by_work), src)
        return {**title_by_slug(self.con, self._index(src), self._pages(src), slug, show=show),
                "source": src}

    def leaders(
        self, by: str = "weeks-at-1", *, category: str | None = None,
        since: str | date | None = None, until: str | date | None = None, limit: int = 20,
        source: str | None = None, country: str | None = None,
    ) -> pd.DataFrame:
        """Leaderboard by 'weeks-at-1', 'weeks-in-top-10', 'countries' or 'views', all time
        or between ``since`` and ``until``: rank, show_title, season_title, slug, category,
        value...; with ``country`` (code or name), of its Films and TV lists (weeks only)."""
        from starchart.queries.lists import leaders

        src = self._source(source)
        frame = leaders(self.con, src, by, category=category, since=since, until=until,
                        limit=limit, country=self._country(src, country))
        frame.attrs["source"] = src  # what the answer counted, as every JSON answer says
        return frame

    def search(
        self, text: str, *, limit: int = 10, source: str | None = None
    ) -> dict[str, Any]:
        """Title search, blind to accents and punctuation, that knows original titles:
        ``{query, source, results}``, shows first with their seasons in order, best first
        (:mod:`starchart.queries.search`)."""
        from starchart.queries.search import search

        return search(self._index(self._source(source)), text, limit=limit)

    def most_popular(
        self, *, category: str | None = None, source: str | None = None
    ) -> dict[str, Any]:
        """The all-time Most Popular lists (views in a title's first 91 days; 28 in old
        files)."""
        from starchart.queries.lists import most_popular

        return most_popular(self.con, self._source(source), category)

    def engagement(
        self, period: str | None = None, *, by: str = "views", kind: str | None = None,
        language: str | None = None, origin: str | None = None,
        never_in_top_10: bool = False, limit: int = 50, source: str | None = None,
    ) -> dict[str, Any]:
        """One half-year of the engagement reports (latest by default, e.g. '2025H1'): the
        most watched titles by views or hours, filtered by kind, language (of the original
        title), likely origin or never in a Top 10, with totals by language and origin."""
        from starchart.queries.engagement import report

        return report(self.con, period, by=by, kind=kind, language=language, origin=origin,
                      never_in_top_10=never_in_top_10, limit=limit, source=source)

    def engagement_periods(self, *, source: str | None = None) -> list[dict[str, Any]]:
        """The half-years with engagement reports, newest first, with their totals."""
        from starchart.queries.engagement import periods

        return periods(self.con, source=source)

    def coverage(self, *, source: str | None = None) -> list[dict[str, Any]]:
        """Which weeks (or half-years) each dataset covers: ``[{"source", "dataset",
        "scope", "first_day", "last_day", "weeks"}]``; datasets: global, global-views,
        countries (scope a country code, or None for any), engagement and engagement-views
        (scope the half-year), most-popular."""
        from starchart.coverage import listing

        return listing(self.con, source)

    def similar(self, title: str, *, limit: int = 10) -> dict[str, Any]:
        """Titles like this one (a catalog ``title_id``, an exact name, or an imported
        title's slug), best first: ``{"title_id", "similar": [{"title_id", "show_title",
        "season_title", "score"}]}`` (see docs/discovery.md)."""
        from starchart.discovery.answers import require_trained, similar_on

        # a release's models never change: without any, no query is asked (every title page
        # asks for its "more like this")
        require_trained(self._models())
        return similar_on(self.con, title, limit=limit)

    def picks(self, profile_id: str, *, limit: int = 10) -> dict[str, Any]:
        """A profile's picks, never a title it finished: ``{"profile_id", "picks":
        [{"title_id", "show_title", "season_title", "score", "because": [title_id...]}]}``."""
        from starchart.discovery.answers import numbered_titles, picks_on

        # a release's models never change: its titles are read once, not per answer
        return picks_on(self.con, profile_id, limit=limit, titles=lambda: self.memo.get(
            "numbered_titles", lambda: numbered_titles(self.con)))

    def has_page(self, slug: str, *, source: str | None = None) -> bool:
        """True when ``slug`` (a title's slug in ``source``, or a work's ``nf-…`` ID) has a
        page in this release: what a link to it may rely on."""
        from starchart.queries.record import is_title_id

        key = slug.strip().lower()
        if is_title_id(key):
            return any(key in self._pages(s).by_work for s in self.sources())
        return key in self._pages(self._source(source)).by_slug

    def names_of(self, title_ids: list[str]) -> dict[str, str]:
        """How each title the discovery models know reads (``Show: Season 2``), by
        ``title_id``: for showing a pick's ``because``."""
        from starchart.discovery.answers import title_names

        return title_names(self.con, sorted(set(title_ids)))

    def watchlist_events(self, *, since: int | None = None, limit: int = 50
                         ) -> list[dict[str, Any]]:
        """What watched titles did, release by release (newest first): entered a list,
        #1 somewhere, new countries (see :mod:`starchart.watchlist`)."""
        from starchart.watchlist import events

        return events(self.con, since=since, limit=limit)

    def changes(self) -> pd.DataFrame:
        """What re-imports found Netflix had rewritten: imported_at, file, kind ('renamed',
        'relabelled', 'replaced', 'added', 'removed'), list, week, rank, before, after."""
        from starchart.published.changes import list_changes

        return list_changes(self.con)

    def imports(self) -> pd.DataFrame:
        """Every Netflix file imported: file, sha256, layout, rows, weeks, changes, newest
        first."""
        from starchart.published.changes import list_imports

        return list_imports(self.con)

    def feed(self, *, since: int | None = None, limit: int = 20) -> list[dict[str, Any]]:
        """The change feed: the releases published after release ``since``, newest first,
        with what each added, revised (position by position) or removed."""
        from starchart.queries.feed import feed

        return feed(self.con, since=since, limit=limit)

    def week_story(
        self, week: str | date, *, country: str | None = None, source: str | None = None
    ) -> dict[str, Any]:
        """A week as first published vs. now: the release that first published it, and each
        release that revised it with the positions it changed."""
        from starchart.queries.base import wanted_week
        from starchart.queries.feed import week_story

        src = self._source(source)
        code = self._country(src, country)
        index = self._stories(src)
        asked = wanted_week(week) or next(iter(self._weeks(src, code)), None)  # 'latest'
        if asked is None:
            raise LookupError(f"no weeks for {code or 'the global lists'} (source {src})", [])
        return week_story(self.con, src, asked, code, index)


def open(db: str | Path | None = None, *, release: int | None = None) -> Charts:
    """The store's charts, read-only, through one connection: ``with api.open(db) as c:``.

    Reads the current chart release (or release number ``release``, while it is kept),
    never the store itself, so it answers while a build or import writes the store. When the
    store holds charts no release has yet (a build killed before it published), they are
    published first. FileNotFoundError when there is no store and no release.
    """
    from starchart import releases

    if release is None:
        try:
            releases.catch_up(db)
        except releases.PublishError:
            if not releases.numbers(releases.folder(db)):
                raise
            log.warning("reading the last release: the store's newer charts could not be "
                        "published", exc_info=True)
    opened = releases.open_release(db, release)
    return Charts(opened.cursor(), release=opened.info, owner=opened)


def publish(
    *, db: str | Path | None = None, keep: int | None = None, force: bool = False,
    full: bool = False, progress: ProgressCallback | None = None,
) -> dict[str, Any]:
    """Publish the store's charts as a new release now, unless the current release already
    holds them (``force`` publishes anyway; ``full`` computes everything instead of reusing
    what did not change); keeps the newest ``keep`` releases (``$STARCHART_KEEP_RELEASES``,
    default 10). Waits for a process writing the store (``$STARCHART_LOCK_WAIT``)."""
    from starchart import releases

    with store.opened(db, read_only=True, progress=progress) as con:
        return releases.publish(db, con=con, keep=keep, force=force, full=full,
                                progress=progress)


def release_list(*, db: str | Path | None = None) -> list[dict[str, Any]]:
    """The kept releases, newest first: release, published_at, age_seconds, previous,
    seconds (publishing took), file."""
    from starchart import releases

    return [{**r.public(), "previous": r.previous, "seconds": r.seconds, "file": str(r.path)}
            for r in releases.releases(db)]


# The same questions, one call each (each opens the current release once).


def engagement(
    period: str | None = None,
    *,
    by: str = "views",
    kind: str | None = None,
    language: str | None = None,
    origin: str | None = None,
    never_in_top_10: bool = False,
    limit: int = 50,
    source: str | None = None,
    db: str | Path | None = None,
) -> dict[str, Any]:
    """:meth:`Charts.engagement` of the current release of the store at ``db``."""
    with open(db) as charts:
        return charts.engagement(period, by=by, kind=kind, language=language, origin=origin,
                                 never_in_top_10=never_in_top_10, limit=limit, source=source)


def engagement_periods(*, source: str | None = None, db: str | Path | None = None,
                       ) -> list[dict[str, Any]]:
    """:meth:`Charts.engagement_periods` of the current release of the store at
    ``db``."""
    with open(db) as charts:
        return charts.engagement_periods(source=source)


def coverage(*, source: str | None = None, db: str | Path | None = None,
             ) -> list[dict[str, Any]]:
    """:meth:`Charts.coverage` of the current release of the store at ``db``."""
    with open(db) as charts:
        return charts.coverage(source=source)


def changes(*, db: str | Path | None = None) -> pd.DataFrame:
    """:meth:`Charts.changes` of the current release of the store at ``db``."""
    with open(db) as charts:
        return charts.changes()


def imports(*, db: str | Path | None = None) -> pd.DataFrame:
    """:meth:`Charts.imports` of the current release of the store at ``db``."""
    with open(db) as charts:
        return charts.imports()


def sources(db: str | Path | None = None) -> list[str]:
    """:meth:`Charts.sources` of the current release of the store at ``db``."""
    with open(db) as charts:
        return charts.sources()


def weeks(
    *, country: str | None = None, source: str | None = None, db: str | Path | None = None
) -> list[str]:
    """:meth:`Charts.weeks` of the current release of the store at ``db``."""
    with open(db) as charts:
        return charts.weeks(country=country, source=source)


def countries(*, source: str | None = None, db: str | Path | None = None) -> list[dict[str, Any]]:
    """:meth:`Charts.countries` of the current release of the store at ``db``."""
    with open(db) as charts:
        return charts.countries(source=source)


def week(
    week: str | date | None = None,
    *,
    country: str | None = None,
    source: str | None = None,
    db: str | Path | None = None,
) -> dict[str, Any]:
    """:meth:`Charts.week` of the current release of the store at ``db``."""
    with open(db) as charts:
        return charts.week(week, country=country, source=source)


def title(query: str, *, source: str | None = None, db: str | Path | None = None) -> dict[str, Any]:
    """:meth:`Charts.title` of the current release of the store at ``db``."""
    with open(db) as charts:
        return charts.title(query, source=source)


def title_by_slug(
    slug: str, *, show: bool = False, source: str | None = None, db: str | Path | None = None
) -> dict[str, Any]:
    """:meth:`Charts.title_by_slug` of the current release of the store at ``db``."""
    with open(db) as charts:
        return charts.title_by_slug(slug, show=show, source=source)


def leaders(
    by: str = "weeks-at-1",
    *,
    category: str | None = None,
    since: str | date | None = None,
    until: str | date | None = None,
    limit: int = 20,
    source: str | None = None,
    country: str | None = None,
    db: str | Path | None = None,
) -> pd.DataFrame:
    """:meth:`Charts.leaders` of the current release of the store at ``db``."""
    with open(db) as charts:
        return charts.leaders(by, category=category, since=since, until=until, limit=limit,
                              source=source, country=country)


def search(
    text: str, *, limit: int = 10, source: str | None = None, db: str | Path | None = None
) -> dict[str, Any]:
    """:meth:`Charts.search` of the current release of the store at ``db``."""
    with open(db) as charts:
        return charts.search(text, limit=limit, source=source)


def most_popular(
    *, category: str | None = None, source: str | None = None, db: str | Path | None = None
) -> dict[str, Any]:
    """:meth:`Charts.most_popular` of the current release of the store at ``db``."""
    with open(db) as charts:
        return charts.most_popular(category=category, source=source)

# --- simulator (starchart.simulate) -------------------------------------------------------


def simulate(
    out: str | Path,
    *,
    weeks: int = 26,
    profiles: int = 100_000,
    titles: int = 400,
    seed: int = 2025,
    end: Any = None,
    events_per_week: int | None = None,
    rows_per_file: int = 2_000_000,
    progress: ProgressCallback | None = None,
) -> dict[str, Any]:
    """Write a simulated streaming world to ``out``: ``catalog.csv`` and ``events/*.parquet``.

    ``end`` is the last day simulated (a Sunday, ``YYYY-MM-DD`` or a date; default the most
    recent Sunday before today); ``weeks`` go back from it. ``events_per_week`` defaults to
    three sessions per profile. The same arguments always write the same catalog bytes and
    event rows. ``progress(description, days_done, days_total)`` is called after each day.
    Returns ``{"out", "catalog", "files", "events", "titles", "profiles", "weeks", "start",
    "end", "seed", "seconds", "events_per_second", ...}``.
    """
    from starchart.simulate import simulate as run

    return run(out, weeks=weeks, profiles=profiles, titles=titles, seed=seed, end=end,
               events_per_week=events_per_week, rows_per_file=rows_per_file, progress=progress)
