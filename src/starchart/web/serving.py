"""How a request is served: pinned to one release, answered from that release's cache when
it can be, computed once when it cannot, and timed.

:class:`CachedResponses` is ASGI middleware around the site. For each request it pins the
release the whole request will read (the current one, or ``?release=N``), so a release
switch mid-request never mixes two. A GET whose answer the release has already given is sent
from memory; concurrent requests for the same missing answer wait for the first one to
compute it; searches have their own, smaller cache, so they never push pages out. Every
response says how long the server took (``Server-Timing: app;dur=<ms>``) and which release
answered (``Starchart-Release``); a cacheable one, whether it came from the cache
(``Starchart-Cache: hit``), was computed for it (``miss``) or waited for another request
computing it (``wait``), or was kept from the previous release because nothing it reads
changed (``kept``, see :mod:`starchart.web.carry`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from typing import Any

from isal import igzip
from starlette.concurrency import run_in_threadpool
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from starchart.web.carry import Carry
from starchart.web.responses import wants_json
from starchart.web.site import ResponseCache, ServedRelease, Site

log = logging.getLogger("starchart.web")

GZIP_MIN_BYTES = 1024
COMPUTING = 4  # answers computed at once (see CachedResponses._gate)
# the fastest level: an uncached page pays it once, and uncached pages are what load is made
# of. Cached answers are compressed with ISA-L's gzip (``isal``): a 145 KB title page in
# ~0.3 ms, where zlib's level 1 took ~1.1 ms (level 6: 3-10 ms), and a few % smaller
GZIP_LEVEL = 1
UNCACHED_PATHS = ("/healthz", "/static/", "/favicon.ico", "/api", "/openapi.json")


@dataclass
class Answer:
    """A finished response: status, headers (without length or encoding) and body; the
    gzipped body is made once, when a client first accepts it."""

    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    compressed: bytes | None = field(default=None, repr=False)

    def __len__(self) -> int:
        return len(self.body) + len(self.compressed or b"")


class CachedResponses:
    """See the module docstring; ``site.cache`` False still pins and times, caching
    nothing.

    A cacheable answer is compressed here, once, when first asked for with gzip; only what
    is never cached (static files, the API's description, a site that caches nothing) goes
    through Starlette's ``GZipMiddleware``. Around the cached pages it only wrapped each
    computation's ``send`` to pass the uncompressed body through, on every miss."""

    def __init__(self, app: ASGIApp, site: Site) -> None:
        self.app = app
        self.uncached = GZipMiddleware(app, minimum_size=GZIP_MIN_BYTES,
                                       compresslevel=GZIP_LEVEL)
        self.site = site
        self._computing: dict[Any, asyncio.Event] = {}
        self._gates: dict[asyncio.AbstractEventLoop, asyncio.Semaphore] = {}

    def _gate(self) -> asyncio.Semaphore:
        """At most COMPUTING answers computed at once (per event loop). Computing is CPU
        work under one interpreter lock: forty threads at it at once took no more pages a
        second, but made the event loop, which sends every cached answer, wait its turn
        behind all of them; the others wait here, costing nothing."""
        loop = asyncio.get_running_loop()
        gate = self._gates.get(loop)
        if gate is None:
            gate = self._gates[loop] = asyncio.Semaphore(COMPUTING)
        return gate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        path: str = scope["path"]
        served, problem = await self._pin(scope)
        state = scope.setdefault("state", {})
        state["served"], state["release_problem"] = served, problem
        cacheable = (
            self.site.cache
            and served is not None
            and scope["method"] == "GET"
            and not path.startswith(UNCACHED_PATHS)
        )
        if not cacheable:
            await self.uncached(scope, receive, self._timed(send, started, served))
            return
        assert served is not None
        request = Request(scope)
        key = ("json" if wants_json(request) else "html", path, scope.get("query_string", b""))
        cache = served.searches if path.startswith("/search") else served.pages
        answer = cache.get(key)
        how = "hit"
        if answer is None and cache is served.pages and served.carry is not None:
            answer = _carried(served.carry, key)
            if answer is not None:
                cache.put(key, answer)
                how = "kept"
        if answer is None:
            answer, how = await self._compute(
                scope, receive, cache, (served.number, id(cache), key)
            )
            if answer.status != 200:  # errors are answered as they came, never kept
                await self._send(answer, send, started, served, how, gzip_ok=False)
                return
        accepts = request.headers.get("accept-encoding", "")
        await self._send(answer, send, started, served, how, gzip_ok="gzip" in accepts)

    async def _pin(self, scope: Scope) -> tuple[ServedRelease | None, Exception | None]:
        """The release this request reads, or why there is none. Opening or preparing a
        release reads files for a while: that is done in a worker thread, never on the
        event loop that every other request is waiting on."""
        wanted = None
        for part in scope.get("query_string", b"").split(b"&"):
            if part.startswith(b"release="):
                wanted = part[len(b"release=") :].decode("latin-1")
        served = self.site.releases
        try:
            if wanted is None:
                if served.settled():
                    return served.current(), None
                return await run_in_threadpool(served.current), None
            if not wanted.isdigit() or len(wanted) > 9:
                raise ValueError(f"release must be a release number, got {wanted!r}")
            return await run_in_threadpool(served.numbered, int(wanted)), None
        except Exception as exc:  # answered by the routes' error handlers, as HTML or JSON
            return None, exc

    async def _compute(
        self, scope: Scope, receive: Receive, cache: ResponseCache, key: Any
    ) -> tuple[Answer, str]:
        """The answer for ``key``, and how it came: computed here (``miss``), or by the
        request that was already computing it (``wait``)."""
        while True:
            waiting = self._computing.get(key)
            if waiting is None:
                break
            await waiting.wait()
            found = cache.get(key[2])
            if found is not None:
                return found, "wait"
        event = self._computing[key] = asyncio.Event()
        try:
            async with self._gate():
                answer = await self._capture(scope, receive)
            if answer.status == 200:
                cache.put(key[2], answer)
            return answer, "miss"
        finally:
            del self._computing[key]
            event.set()

    async def _capture(self, scope: Scope, receive: Receive) -> Answer:
        """Run the site for this request, collecting the response instead of sending it
        (asked without compression: the cache keeps the plain body)."""
        plain = {
            **scope,
            "headers": [(k, v) for k, v in scope["headers"] if k.lower() != b"accept-encoding"],
        }
        status = 500
        headers: list[tuple[bytes, bytes]] = []
        chunks: list[bytes] = []

        async def collect(message: Message) -> None:
            nonlocal status, headers
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [
                    (k, v)
                    for k, v in message.get("headers", [])
                    if k.lower() not in (b"content-length", b"content-encoding")
                ]
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(plain, receive, collect)
        return Answer(status, headers, b"".join(chunks))

    async def _send(
        self,
        answer: Answer,
        send: Send,
        started: float,
        served: ServedRelease | None,
        how: str,
        *,
        gzip_ok: bool,
    ) -> None:
        body = answer.body
        headers = list(answer.headers)
        if gzip_ok and len(body) >= GZIP_MIN_BYTES:
            if answer.compressed is None:
                answer.compressed = igzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)
            body = answer.compressed
            headers.append((b"content-encoding", b"gzip"))
            headers = _vary_on_encoding(headers)
        headers.append((b"content-length", str(len(body)).encode()))
        headers.append((b"starchart-cache", how.encode()))
        headers += _stamp(started, served)
        await send({"type": "http.response.start", "status": answer.status, "headers": headers})
        await send({"type": "http.response.body", "body": body, "more_body": False})

    def _timed(self, send: Send, started: float, served: ServedRelease | None) -> Send:
        async def timed(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {
                    **message,
                    "headers": [*message.get("headers", []), *_stamp(started, served)],
                }
            await send(message)

        return timed


def _carried(carry: Carry, key: tuple[str, str, bytes]) -> Answer | None:
    """The previous release's answer to ``key``, as the current release gives it (its
    release line rewritten), when nothing it reads changed."""
    found = carry.answer(key)
    if found is None:
        return None
    answer, (old_line, new_line) = found
    body = answer.body.replace(old_line, new_line) if old_line else answer.body
    if body == answer.body:  # a JSON answer: the same bytes, compressed already
        return Answer(answer.status, answer.headers, answer.body, answer.compressed)
    return Answer(answer.status, answer.headers, body)


def _vary_on_encoding(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """``headers`` with ``Accept-Encoding`` in ``Vary`` (a page already varies on
    ``Accept``: HTML or JSON), so a shared cache never hands the gzipped body to a client
    that did not ask for it."""
    out, said = [], False
    for k, v in headers:
        if k.lower() == b"vary":
            said = True
            if b"accept-encoding" not in v.lower():
                v = v + b", Accept-Encoding"
        out.append((k, v))
    if not said:
        out.append((b"vary", b"Accept-Encoding"))
    return out


def _stamp(started: float, served: ServedRelease | None) -> list[tuple[bytes, bytes]]:
    took = (time.perf_counter() - started) * 1000
    out = [(b"server-timing", f"app;dur={took:.2f}".encode())]
    if served is not None:
        out.append((b"starchart-release", str(served.number).encode()))
    return out
