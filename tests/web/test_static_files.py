"""The site's static files, answered from memory: the bytes and headers Starlette's
StaticFiles gives, conditional and range requests honoured."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.staticfiles import StaticFiles

from starchart.web.app import STATIC_DIR
from starchart.web.static_files import MemoryStaticFiles


def _clients(directory: Path) -> tuple[TestClient, TestClient]:
    memory, disk = FastAPI(), FastAPI()
    memory.mount("/static", MemoryStaticFiles(directory=directory))
    disk.mount("/static", StaticFiles(directory=str(directory)))
    return TestClient(memory), TestClient(disk)


def test_static_files_answer_as_starlette_does_from_memory() -> None:
    memory, disk = _clients(STATIC_DIR)
    for name in ("site.css", "site.js", "favicon.svg", "world-110m.json"):
        plain = {"Accept-Encoding": "identity"}
        ours, theirs = memory.get(f"/static/{name}", headers=plain), disk.get(
            f"/static/{name}", headers=plain)
        assert ours.status_code == theirs.status_code == 200
        assert ours.content == theirs.content == (STATIC_DIR / name).read_bytes()
        for header in ("content-type", "etag", "last-modified", "content-length"):
            assert ours.headers[header] == theirs.headers[header], (name, header)
        zipped = memory.get(f"/static/{name}", headers={"Accept-Encoding": "gzip"})
        if len(ours.content) >= 1024:
            assert zipped.headers["content-encoding"] == "gzip"
            assert zipped.headers["vary"] == "Accept-Encoding"
            assert zipped.content == ours.content  # decoded by the client
        again = memory.get(f"/static/{name}", headers={"If-None-Match": ours.headers["etag"]})
        assert again.status_code == 304 and again.content == b""
        since = memory.get(f"/static/{name}",
                           headers={"If-Modified-Since": ours.headers["last-modified"]})
        assert since.status_code == 304
        part = memory.get(f"/static/{name}", headers={"Range": "bytes=0-9"})
        assert part.status_code == 206 and part.content == ours.content[:10]
    assert memory.get("/static/nope.css").status_code == 404
    assert memory.get("/static/../app.py").status_code == 404
    assert memory.head("/static/site.css").status_code == 200


def test_a_file_added_after_start_is_still_served(tmp_path: Path) -> None:
    (tmp_path / "a.css").write_text("a {}\n")
    memory, _ = _clients(tmp_path)
    (tmp_path / "b.css").write_text("b {}\n")
    assert memory.get("/static/b.css").text == "b {}\n"
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.js").write_bytes(b"x" * 4000)
    memory2, _ = _clients(tmp_path)
    got = memory2.get("/static/sub/c.js", headers={"Accept-Encoding": "gzip"})
    assert got.content == b"x" * 4000 and got.headers["content-encoding"] == "gzip"
    raw = memory2.get("/static/sub/c.js", headers={"Accept-Encoding": "gzip"})
    assert int(raw.headers["content-length"]) < 4000  # sent compressed
