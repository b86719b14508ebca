"""Fixtures of the web tests: a hand-made store, an in-process client, a real server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from starchart.web.app import create_app
from tests.web.sample_store import build_store

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# the browser tests: Debian's chromium driven by Playwright, at two widths
CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
BROWSER_TESTS = [  # a browser test module's pytestmark
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="browser tests need Debian's chromium at /usr/bin/chromium "
        "(apt-get install chromium; CI installs it)",
    ),
]


@pytest.fixture(scope="session")
def web_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample charts imported into a store (built once per run, only ever read)."""
    return build_store(tmp_path_factory.mktemp("web"))


@pytest.fixture(scope="session")
def client(web_db: Path) -> Iterator[TestClient]:
    """The site in-process (errors come back as responses, as a browser would see them)."""
    with TestClient(create_app(web_db), raise_server_exceptions=False) as c:
        yield c


def free_port() -> int:
    """A port nobody listens on right now, on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(db: Path, *extra: str) -> tuple[subprocess.Popen[bytes], str]:
    """``starchart serve`` in a subprocess on a free loopback port, once it answers."""
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "starchart.cli",
            "serve",
            "--db",
            str(db),
            "--port",
            str(port),
            *extra,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            out = proc.stdout.read().decode() if proc.stdout else ""
            raise RuntimeError(f"starchart serve exited with {proc.returncode}:\n{out}")
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    proc.kill()
    raise RuntimeError("starchart serve did not answer within 60 s")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    """Interrupt the server (as Ctrl-C would) and reap it."""
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="session")
def live_server(web_db: Path) -> Iterator[str]:
    """A real uvicorn server (started by the real CLI) serving the sample store."""
    proc, url = start_server(web_db)
    try:
        yield url
    finally:
        stop_server(proc)


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    """Where browser tests leave their screenshots (gitignored)."""
    folder = PROJECT_ROOT / "test-artifacts" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """A headless Chromium for one module's browser tests."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()
