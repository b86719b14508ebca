"""What every request shares: the store, the answer cache, the templates, and each request's
one view of the charts (:class:`PageView`)."""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from starchart import api, store
from starchart.web import pages
from starchart.web.responses import json_response, wants_json

log = logging.getLogger("starchart.web")


class StoreCache:
    """Memoise answers while the store file is unchanged (its size and mtime, and the WAL's).

    The site never writes, so an answer stays right until something rebuilds the store; a
    changed stamp empties the cache. Least recently used answers go first beyond ``size``
    (a title's answer with its per-country weeks can weigh a megabyte). ``enabled=False``
    makes every call reach the api.
    """

    def __init__(self, db: Path | None, *, enabled: bool = True, size: int = 256) -> None:
        self.db = db
        self.enabled = enabled
        self.size = size
        self._stamp: tuple[int, ...] | None = None
        self._data: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def stamp(self) -> tuple[int, ...]:
        """Size and mtime of the store file and its WAL: what changes when anything writes."""
        path = store.resolve_db_path(self.db)
        parts: list[int] = []
        for p in (path, path.with_name(path.name + ".wal")):
            try:
                st = p.stat()
                parts += [st.st_mtime_ns, st.st_size]
            except FileNotFoundError:
                parts += [0, 0]
        return tuple(parts)

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """The cached answer for ``key``, computing it on a miss (errors are not cached)."""
        if not self.enabled:
            return compute()
        stamp = self.stamp()
        with self._lock:
            if stamp != self._stamp:
                self._data.clear()
                self._stamp = stamp
            if key in self._data:
                self._data.move_to_end(key)
                return self._data[key]
        value = compute()
        with self._lock:
            self._data[key] = value
            while len(self._data) > self.size:
                self._data.popitem(last=False)
        return value


class Site:
    """What the routes share: the store path, the cache and the templates."""

    def __init__(self, db: Path | None, templates: Jinja2Templates, cache: StoreCache) -> None:
        self.db = db
        self.templates = templates
        self.cache = cache

    def view(self) -> PageView:
        """A request's view of the charts (close it when the response is built)."""
        return PageView(self)


class PageView:
    """One request's access to the charts: at most ONE connection (opened on the first cache
    miss, closed with the view), shared by the page's data, its header's pickers and its
    error page."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self._charts: api.Charts | None = None

    def charts(self) -> api.Charts:
        """The request's open charts (opened once, on first use)."""
        if self._charts is None:
            self._charts = api.open(self.site.db)
        return self._charts

    def close(self) -> None:
        if self._charts is not None:
            self._charts.close()
            self._charts = None

    def __enter__(self) -> PageView:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def data(self, name: str, build: Callable[..., dict[str, Any]], **kwargs: Any) -> Any:
        """Call a page's data function through the cache (same args, same answer)."""
        key = (name, tuple(sorted(kwargs.items())))
        return self.site.cache.get(key, lambda: build(self.charts(), **kwargs))

    def sources(self) -> list[str]:
        return list(self.site.cache.get(("sources",), lambda: self.charts().sources()))

    def check_source(self, source: str | None) -> str | None:
        """None, or a source this store holds (ValueError naming the ones it has)."""
        if source in (None, ""):
            return None
        known = self.sources()
        if source not in known:
            raise ValueError(f"unknown source {source!r}; this store holds: {', '.join(known)}")
        return source

    def chrome(self, *, country: str | None = None, source: str | None = None) -> dict[str, Any]:
        """Picker lists for the header: weeks (of the country on a country page), countries."""
        cache = self.site.cache
        try:
            weeks = cache.get(
                ("weeks", country, source),
                lambda: [str(w) for w in self.charts().weeks(country=country, source=source)],
            )
            countries = cache.get(
                ("countries", source),
                lambda: pages.jsonable(self.charts().countries(source=source)),
            )
            sources = self.sources()
        except Exception:  # the chrome must never break a page (or its error page)
            log.debug("page chrome unavailable", exc_info=True)
            weeks, countries, sources = [], [], []
        return {
            "nav_weeks": weeks,
            "nav_countries": countries,
            "sources": sources,
            "source": source,
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
        """The page as HTML, or its JSON twin when the request asks for JSON.

        The HTML is memoised by address like the data (a page depends on nothing else), so a
        repeated page costs no template work; ``extra`` may be a callable so that a title's
        map and plot are only drawn on a miss.
        """
        if wants_json(request):
            return json_response(page)

        def build() -> str:
            more = extra() if callable(extra) else (extra or {})
            context = {
                "request": request,
                "page": page,
                "section": section,
                "json_url": (page.get("links") or {}).get("json"),
                **self.chrome(country=country, source=source),
                **more,
            }
            return self.site.templates.get_template(template).render(context)

        key = ("html", template, request.url.path, request.url.query)
        body = self.site.cache.get(key, build)
        return HTMLResponse(body, headers={"Vary": "Accept"})
