"""Run the site with uvicorn: ``serve(db, host, port)`` (what ``starchart serve`` calls)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import uvicorn

from starchart import api, store
from starchart.web.app import create_app


def check_store(db: Path | None) -> Path:
    """The store path, or FileNotFoundError/ValueError saying why the site cannot serve it."""
    path = store.resolve_db_path(db)
    if not path.exists():
        raise FileNotFoundError(
            f"no starchart store at {path}: build charts or import Netflix's files into it "
            "first"
        )
    if not api.sources(db=path):
        raise ValueError(f"the store at {path} holds no charts yet")
    return path


def serve(
    db: Path | None = None,
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    cache: bool = True,
    cache_mb: int = 256,
    log_level: str = "info",
    on_ready: Callable[[str], None] | None = None,
) -> None:
    """Serve the store read-only until interrupted (Ctrl-C).

    ``on_ready`` is told the site's address once the store is checked (the CLI prints it).
    """
    path = check_store(db)
    app = create_app(path, cache=cache, cache_bytes=cache_mb * 1024 * 1024)
    if on_ready is not None:
        on_ready(f"http://{host}:{port}/")
    # httptools: HTTP parsed in C (uvicorn's pure-Python parser costs the one process that
    # answers every request); no access log line per request
    config = uvicorn.Config(app, host=host, port=port, log_level=log_level, access_log=False,
                            http="httptools")
    uvicorn.Server(config).run()
