"""What every request shares: the chart releases the site serves, the templates, and each
request's one view of the charts (:class:`PageView`).

The site never opens the store. It serves the store's newest chart release
(:mod:`starchart.releases`), notices a newer one with one ``stat`` of the release folder per
request, and switches to it for the requests that start afterwards; a request keeps the
release it started with to its end, so no page mixes two.
"""

from __future__ import annotations

import gc
import logging
import os
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sized
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from starchart import api, releases
from starchart.web import bodies, pages, views
from starchart.web.carry import Carry, Digest
from starchart.web.responses import json_response, wants_json

log = logging.getLogger("starchart.web")

DEFAULT_CACHE_BYTES = 256 * 1024 * 1024
KEPT_OPEN = 4  # older releases kept open for ?release=N
PREPARING_SWITCH_INTERVAL = 0.0005  # seconds (Python's default: 0.005)


class ServedRelease:
    """A release as the site serves it: the open release, what its answers share (the
    :class:`starchart.api.Memo`), and its own response caches (dropped with it)."""

    def __init__(self, release: releases.Release, cache_bytes: int, *,
                 digest: bool = False, background: bool = True) -> None:
        self.release = release
        one_thread(release)
        self.memo = api.Memo()
        self.pages = ResponseCache(cache_bytes)
        self.searches = ResponseCache(max(1, cache_bytes // 16))  # never evicts a page
        self.carry: Carry | None = None  # the previous release's answers still true here
        # title page bodies read from the release and rendered here (its key not there)
        self.bodies_read = self.bodies_rendered = 0
        self._counting = threading.Lock()
        # set once what pages share is in memory: its pages then read no file
        self.prepared = threading.Event()
        if background:
            threading.Thread(target=self.warm, args=(digest,), name="starchart-warm",
                             daemon=True).start()

    def warm(self, digest: bool = False) -> None:
        """What the release's pages share read into memory (:meth:`api.Charts.prepare`:
        every title record, the title index, the weeks; the header's pickers) and, with
        ``digest``, what its pages read (what the next release is compared with). Until
        then the first page to need each pays for it (a second for the title index of
        Netflix's files, while every other request waits on the interpreter lock)."""
        try:
            with self.charts() as charts:
                charts.prepare()
                self.chrome_parts(charts, None, None)
                self.bodies(charts)
                for source in charts.sources():  # what a published title page writes in
                    bodies.span_labels(charts, source)
            if digest:
                self.digest()
            # what was just read lives as long as the release: the collector stops
            # scanning it (a full collection over it paused every request 60-280 ms,
            # several times a minute while the cache fills); frozen objects are still
            # freed when the release is dropped, as nothing in it refers back to itself
            gc.freeze()
            self.prepared.set()
        except Exception:  # the pages still read each record from the release
            log.warning("could not prepare release %d in memory", self.number, exc_info=True)

    def bodies(self, charts: api.Charts) -> bodies.StoredBodies:
        """The title pages' bodies this release holds (:mod:`starchart.web.bodies`), if
        they were made by this code with these countries."""
        def read() -> bodies.StoredBodies:
            listed = [c["iso2"] for c in self.chrome_parts(charts, None, None)[1]]
            return bodies.StoredBodies(charts.con,
                                       bodies.context_digest(charts.sources(), listed))

        found: bodies.StoredBodies = self.memo.get("title_bodies", read)
        return found

    def count_body(self, *, read: bool) -> None:
        """Count a title page body read from the release (``read``) or rendered here."""
        with self._counting:
            if read:
                self.bodies_read += 1
            else:
                self.bodies_rendered += 1

    def digest(self) -> Digest:
        """What this release's title and week pages read (see :mod:`starchart.web.carry`)."""
        found: Digest = self.memo.get("carry_digest", lambda: Digest(self.release))
        return found

    def chrome_parts(self, charts: api.Charts, country: str | None, source: str | None
                     ) -> tuple[list[str], list[dict[str, Any]], views.WeekPicker,
                                views.CountryPicker]:
        """The header's week and country lists and pickers, made once per release."""
        memo = self.memo
        weeks = memo.get(
            ("nav_weeks", country, source), lambda: charts.weeks(country=country, source=source)
        )
        countries = memo.get(
            ("nav_countries", source), lambda: pages.country_spans(charts, source=source)
        )
        week_picker = memo.get(("week_picker", country, source), lambda: views.WeekPicker(weeks))
        country_picker = memo.get(
            ("country_picker", source), lambda: views.CountryPicker(countries)
        )
        return weeks, countries, week_picker, country_picker

    def default_source(self) -> str:
        """The source a page without ``?source=`` shows."""
        with self.charts() as charts:
            return charts.source(None)

    @property
    def number(self) -> int:
        return self.release.number

    def charts(self) -> api.Charts:
        """A Charts of this release on a connection of its own."""
        return api.Charts(self.release.cursor(), release=self.release.info, memo=self.memo)


def one_thread(release: releases.Release) -> None:
    """Answer the release's queries on one DuckDB thread each. A page's queries are point
    reads of prepared rows; spread over threads on a shared 2-core machine they wait for
    each other (a read of one title's record took 1.6 ms instead of 0.8 ms, a discovery
    lookup 4.5 ms instead of 0.5 ms), and the site runs many requests side by side anyway."""
    cursor = release.cursor()
    try:
        cursor.execute("SET threads = 1")
    finally:
        cursor.close()


class ResponseCache:
    """Finished responses by address, least recently used first out beyond ``max_bytes``
    (a value's size is its ``len()``). Used by
    :class:`starchart.web.serving.CachedResponses`, which computes a missing answer once
    however many requests wait for it."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.used = 0
        self._data: OrderedDict[Any, Sized] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Any) -> Any:
        with self._lock:
            found = self._data.get(key)
            if found is not None:
                self._data.move_to_end(key)
            return found

    def put(self, key: Any, value: Sized) -> None:
        size = len(value)
        if size > self.max_bytes:
            return
        with self._lock:
            old = self._data.pop(key, None)
            if old is not None:
                self.used -= len(old)
            self._data[key] = value
            self.used += size
            while self.used > self.max_bytes and self._data:
                _, dropped = self._data.popitem(last=False)
                self.used -= len(dropped)

    def keys(self, *, newest_first: bool = False) -> list[Any]:
        """The addresses held, least recently used first (or newest first)."""
        with self._lock:
            found = list(self._data)
        return found[::-1] if newest_first else found

    def __contains__(self, key: Any) -> bool:
        with self._lock:
            return key in self._data

    def __len__(self) -> int:
        with self._lock:
            return len(self._data)


class SiteReleases:
    """The releases the site serves: the current one (switched when a newer appears) and a
    few older ones asked for by number."""

    def __init__(self, db: Path | None, *, cache_bytes: int, carry_over: bool = True) -> None:
        self.db = db
        self.carry_over = carry_over
        self.folder = releases.folder(db)
        self.cache_bytes = cache_bytes
        self._current: ServedRelease | None = None
        self._stamp: int | None = None
        self._older: OrderedDict[int, ServedRelease] = OrderedDict()
        # the release replaced last: it keeps what its pages share until the next switch
        self._fading: ServedRelease | None = None
        self._lock = threading.Lock()
        self._switching = False  # a newer release is being prepared
        self._switched = threading.Condition(self._lock)  # told when it is served

    def _folder_stamp(self) -> int | None:
        try:
            return os.stat(self.folder).st_mtime_ns
        except FileNotFoundError:
            return None

    def settled(self) -> bool:
        """True when :meth:`current` answers at once (one ``stat``), without opening a
        release."""
        return self._current is not None and (
            self._switching or self._folder_stamp() == self._stamp
        )

    def current(self) -> ServedRelease:
        """The release to serve now (NoReleaseError when there is none). Costs one ``stat``
        while nothing changes.

        When a newer release appears, the request that notices it starts preparing it in a
        thread of its own (its records in memory, and which of the current release's cached
        pages it keeps: 0.5-1.5 s on Netflix's files) and is answered, like every request
        meanwhile, by the current release; once prepared, the new release is served to every
        request that starts afterwards (:meth:`settle` waits for that)."""
        stamp = self._folder_stamp()
        served = self._current
        if served is not None and (stamp == self._stamp or self._switching):
            return served
        with self._lock:
            if self._current is not None and (stamp == self._stamp or self._switching):
                return self._current
            kept = releases.numbers(self.folder)
            if not kept or (self._current is not None and kept[-1] == self._current.number):
                self._stamp = stamp
                if self._current is None:
                    releases.open_release(self.db)  # raises NoReleaseError naming what to do
                assert self._current is not None
                return self._current
            older = self._current
            if older is None:  # the first release: opened at once, prepared in the background
                self._current = ServedRelease(releases.open_release(self.db, kept[-1]),
                                              self.cache_bytes, digest=self.carry_over)
                self._stamp = stamp
                return self._current
            self._switching = True
            threading.Thread(target=self._switch, args=(kept[-1], older, stamp),
                             name="starchart-prepare", daemon=True).start()
            return older

    def _switch(self, number: int, older: ServedRelease, stamp: int | None) -> None:
        """Prepare release ``number`` while ``older`` serves, then serve it (see
        :meth:`current`)."""
        # the preparing is ~1 s of Python beside requests that need the interpreter lock
        # back quickly: it hands the lock on after 0.5 ms instead of 5, and makes no
        # garbage collection meanwhile (scans of 13-60 ms each, five of them; what it
        # reads is frozen out of the collector once prepared anyway)
        switch = sys.getswitchinterval()
        collecting = gc.isenabled()
        sys.setswitchinterval(PREPARING_SWITCH_INTERVAL)
        gc.disable()
        try:
            newer = self._prepare(number, older)
        except Exception:  # keep serving what we have until the folder changes again
            log.warning("could not open release %d; still serving release %d", number,
                        older.number, exc_info=True)
            newer = None
        finally:
            sys.setswitchinterval(switch)
            if collecting:
                gc.enable()
        with self._lock:
            if newer is not None:
                log.info("serving release %d (was %d)", newer.number, older.number)
                self._retire(older)
                self._current = newer
            self._stamp = stamp  # a release published meanwhile changed it: noticed next
            self._switching = False
            self._switched.notify_all()

    def settle(self, timeout: float = 60.0) -> ServedRelease:
        """The newest release once it is prepared and served: notices a newer one, as any
        request would, and waits up to ``timeout`` seconds for it (TimeoutError beyond).
        Requests never wait for a release; tests and tools that must see it do."""
        deadline = time.monotonic() + timeout
        while True:
            self.current()
            if time.monotonic() > deadline:
                raise TimeoutError(f"no release prepared within {timeout:g} s")
            with self._lock:
                if not self._switching and self._folder_stamp() == self._stamp:
                    assert self._current is not None
                    return self._current
                if not self._switched.wait_for(lambda: not self._switching,
                                               max(0.0, deadline - time.monotonic())):
                    raise TimeoutError(f"no release prepared within {timeout:g} s")

    def _prepare(self, number: int, older: ServedRelease) -> ServedRelease:
        """Release ``number`` ready to serve: opened, its records in memory and which of
        ``older``'s cached pages it keeps (see :mod:`starchart.web.carry`)."""
        opened = releases.open_release(self.db, number)
        newer = ServedRelease(opened, self.cache_bytes, background=False)
        newer.warm(digest=self.carry_over)
        if self.carry_over:
            newer.carry = Carry(older.pages, older.digest, newer.digest, newer.default_source,
                                before=older.carry, max_bytes=self.cache_bytes)
        return newer

    def _retire(self, served: ServedRelease) -> None:
        """Keep a replaced release for ?release=N (requests still on it finish with it; its
        connection closes when the last of them lets go).

        Its records and indexes (~20-60 MB) stay until the next switch: the requests that
        were waiting for their turn when it was replaced still answer from it, and emptied
        at once, each of them read its title index and records again (0.1-0.2 s each, under
        the interpreter lock: every request stalled ~0.3 s at each switch under load). The
        release replaced before it lets go of them now; it reads them again if asked."""
        served.pages = ResponseCache(1)
        served.carry = None
        faded, self._fading = self._fading, served
        if faded is not None and faded is not self._current:
            faded.prepared = threading.Event()  # its pages read the file again, in threads
            faded.memo = api.Memo()
        self._older[served.number] = served
        while len(self._older) > KEPT_OPEN:
            self._older.popitem(last=False)

    def numbered(self, number: int) -> ServedRelease:
        """Release ``number`` while it is kept (LookupError naming the kept ones)."""
        current = self.current()
        if number == current.number:
            return current
        with self._lock:
            served = self._older.get(number)
            if served is None:
                served = ServedRelease(  # an old release asked for now and then: its
                    releases.open_release(self.db, number),  # records stay in the file
                    self.cache_bytes // 8,
                    background=False,
                )
                self._older[number] = served
                while len(self._older) > KEPT_OPEN:
                    self._older.popitem(last=False)
            else:
                self._older.move_to_end(number)
            return served


class Site:
    """What the routes share: the releases served, the templates, whether to cache."""

    def __init__(
        self,
        db: Path | None,
        templates: Jinja2Templates,
        *,
        cache: bool = True,
        cache_bytes: int = DEFAULT_CACHE_BYTES,
    ) -> None:
        self.db = db
        self.templates = templates
        self.cache = cache
        self.releases = SiteReleases(db, cache_bytes=cache_bytes, carry_over=cache)

    def view(
        self, served: ServedRelease | None = None, problem: Exception | None = None
    ) -> PageView:
        """A request's view of the charts (close it when the response is built): the release
        pinned for the request, or the current one."""
        return PageView(self, served, problem)


class PageView:
    """One request's access to the charts: ONE release (pinned when the request began) and
    at most one connection to it, shared by the page's data, its header's pickers and its
    error page."""

    def __init__(
        self, site: Site, served: ServedRelease | None, problem: Exception | None = None
    ) -> None:
        self.site = site
        self._served = served
        self._problem = problem
        self._charts: api.Charts | None = None
        self._chromes: dict[tuple[str | None, str | None], dict[str, Any]] = {}

    @property
    def served(self) -> ServedRelease:
        """The request's release (raises why there is none)."""
        if self._problem is not None:
            raise self._problem
        if self._served is None:
            self._served = self.site.releases.current()
        return self._served

    @property
    def prepared(self) -> bool:
        """True when the request's release has what its pages share in memory (see
        :meth:`ServedRelease.warm`)."""
        return self._served is not None and self._served.prepared.is_set()

    def charts(self) -> api.Charts:
        """The request's open charts (opened once, on first use)."""
        if self._charts is None:
            self._charts = self.served.charts()
        return self._charts

    def close(self) -> None:
        if self._charts is not None:
            self._charts.con.close()
            self._charts = None

    def __enter__(self) -> PageView:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def data(self, name: str, build: Callable[..., dict[str, Any]], **kwargs: Any) -> Any:
        """A page's data function over the request's charts."""
        return build(self.charts(), **kwargs)

    def sources(self) -> list[str]:
        return self.charts().sources()

    def published_body(self, address: str, source: str | None
                       ) -> tuple[dict[str, Any], bytes] | None:
        """The head and body (UTF-8) of the title or show page at ``address`` as published
        with the request's release (:mod:`starchart.web.bodies`), or None."""
        served, charts = self.served, self.charts()
        chosen = charts.source(source)
        found = served.bodies(charts).get(chosen, address)
        if found is None:
            return None
        served.count_body(read=True)
        head, body = found
        return head, bodies.filled(body, bodies.span_labels(charts, chosen))

    def rendered_body(self, page: dict[str, Any]) -> bytes:
        """The body of a title or show page rendered now (UTF-8)."""
        self.served.count_body(read=False)
        listed = [c["iso2"] for c in self.chrome()["nav_countries"]]
        return bodies.render_body(self.site.templates.env, page, listed).encode()

    def check_source(self, source: str | None) -> str | None:
        """None, or a source this store holds (ValueError naming the ones it has)."""
        if source in (None, ""):
            return None
        known = self.sources()
        if source not in known:
            raise ValueError(f"unknown source {source!r}; this store holds: {', '.join(known)}")
        return source

    def chrome(self, *, country: str | None = None, source: str | None = None) -> dict[str, Any]:
        """Picker lists for the header: weeks (of the country on a country page), countries,
        and the release shown (made once per request: a title page asks twice)."""
        found = self._chromes.get((country, source))
        if found is None:
            found = self._chromes[(country, source)] = self._chrome(country, source)
        return dict(found)

    def _chrome(self, country: str | None, source: str | None) -> dict[str, Any]:
        try:
            charts = self.charts()
            weeks, countries, week_picker, country_picker = self.served.chrome_parts(
                charts, country, source
            )
            sources = self.sources()
            release = charts.release.public()
            current = self.site.releases.current().number
        except Exception:  # the chrome must never break a page (or its error page)
            log.debug("page chrome unavailable", exc_info=True)
            weeks, countries, sources, release, current = [], [], [], None, None
            week_picker, country_picker = views.WeekPicker([]), views.CountryPicker([])
        return {
            "nav_weeks": weeks,
            "nav_countries": countries,
            "week_picker": week_picker,
            "country_picker": country_picker,
            "sources": sources,
            "source": source,
            "release": release,
            "current_release": current,
        }

    def render(
        self,
        request: Request,
        template: str,
        page: dict[str, Any],
        *,
        section: str = "",
        country: str | None = None,
        source: str | None = None,
        extra: dict[str, Any] | Callable[[], dict[str, Any]] | None = None,
    ) -> Response:
        """The page as HTML, or its JSON twin when the request asks for JSON. A context
        entry :data:`bodies.SPLICED` holds bytes written into the rendered page at
        :data:`bodies.PLACES` (a title page's published body: never decoded again)."""
        if wants_json(request):
            return json_response(page)
        more = extra() if callable(extra) else (extra or {})
        context = {
            "request": request,
            "page": page,
            "section": section,
            "json_url": (page.get("links") or {}).get("json"),
            **self.chrome(country=country, source=source),
            **more,
        }
        html = self.site.templates.get_template(template).render(context)
        parts = more.get(bodies.SPLICED)
        content = bodies.spliced(html, parts) if parts else html
        return HTMLResponse(content, headers={"Vary": "Accept"})
