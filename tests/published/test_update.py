"""``starchart update`` against a local HTTP server started by the test, serving copies of
Netflix's real files (and the damaged downloads public archives hold), and offline from a
folder."""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from starchart import api
from starchart.cli import app
from starchart.published.update import DownloadError, check_download
from tests.published import netflix_samples as s

FILES = ("all-weeks-global.tsv", "all-weeks-countries.tsv", "most-popular.tsv")


class Site:
    """What the test server answers: path -> (status, content type, body, declared length)."""

    def __init__(self) -> None:
        self.pages: dict[str, tuple[int, str, bytes, int | None]] = {}
        self.requests: list[str] = []

    def serve(self, name: str, body: bytes, *, status: int = 200,
              content_type: str = "text/tab-separated-values",
              length: int | None = None) -> None:
        self.pages[f"/top10/{name}"] = (status, content_type, body, length)


@pytest.fixture()
def site() -> Iterator[tuple[Site, str]]:
    state = Site()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            state.requests.append(self.path)
            status, kind, body, length = state.pages.get(
                self.path, (404, "text/plain", b"not found", None))
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(length if length is not None else len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state, f"http://127.0.0.1:{server.server_address[1]}/top10/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def fetch(db: Path, sql: str) -> list[tuple[object, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def snapshot(db: Path) -> dict[str, object]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {t: con.execute(f"SELECT count(*), sum(hash(x)) FROM {t} x").fetchone()
                for t in ("chart_global", "chart_country", "most_popular", "netflix_changes")}


@pytest.mark.real_data
def test_update_downloads_checks_and_imports_the_real_files(
        site: tuple[Site, str], netflix_data_dir: Path, tmp_path: Path, tmp_db: Path) -> None:
    state, url = site
    for name in FILES:
        state.serve(name, (netflix_data_dir / name).read_bytes())
    seen: list[tuple[str, int, int]] = []
    report = api.update(source=url, db=tmp_db, progress=lambda m, d, t: seen.append((m, d, t)))
    assert state.requests == [f"/top10/{n}" for n in FILES]
    assert any(m == "downloading all-weeks-countries.tsv" and d > 1_000_000 for m, d, _ in seen)
    assert [n["new_weeks"] for n in report["new"]] == [264, 35, 0]
    assert fetch(tmp_db, "SELECT count(*) FROM chart_global") == [(10_560,)]
    # a later download: one week more and one rewritten title -> the change feed says so
    lines = (netflix_data_dir / "all-weeks-global.tsv").read_text(encoding="utf-8").split("\n")
    newest = [line.replace("2026-07-19", "2026-07-26") for line in lines[1:41]]
    edited = [lines[0], *newest, *lines[1:]]
    edited[41 + 3] = edited[41 + 3].replace(edited[41 + 3].split("\t")[3], "Renamed Title", 1)
    state.serve("all-weeks-global.tsv", "\n".join(edited).encode("utf-8"))
    code = CliRunner().invoke(app, ["update", "--from", url, "--file", "all-weeks-global.tsv"])
    assert code.exit_code == 0, code.output
    assert "new: 1 week(s)" in code.output and "rewritten:" in code.output
    assert fetch(tmp_db, "SELECT max(week)::VARCHAR FROM chart_global") == [("2026-07-26",)]
    assert api.changes(db=tmp_db).iloc[0]["after"].startswith("Renamed Title")


@pytest.mark.parametrize(("body", "kind", "length", "reason"), [
    (b"<html><head><title>301 Moved Permanently</title></head><body><h1>Moved Permanently"
     b"</h1><p>The document has moved.</p></body></html>", "text/html", None, "HTML page"),
    (b"<!DOCTYPE html>\n<html><body>Moved Permanently. Redirecting to /tudum</body></html>",
     "application/octet-stream", None, "HTML page"),
    (b"\x00\x00\x00\x00", "text/tab-separated-values", None, "only 4 bytes"),
    (None, "text/tab-separated-values", 10_000_000, "truncated download"),
    (None, "text/tab-separated-values", None, "lacks"),          # cut, served whole
    (s.COUNTRIES.encode(), "text/tab-separated-values", None, "has a countries header"),
], ids=["moved-permanently", "html-as-data", "4-bytes", "connection-cut", "cut-file",
        "wrong-layout"])
def test_refused_downloads_leave_the_store_as_it_was(
        site: tuple[Site, str], tmp_path: Path, tmp_db: Path, body: bytes | None, kind: str,
        length: int | None, reason: str) -> None:
    state, url = site
    api.import_netflix(s.write(tmp_path / "old", "all-weeks-global.tsv", s.GLOBAL_TODAY),
                       db=tmp_db)
    before = snapshot(tmp_db)
    whole = s.GLOBAL_NEWER.encode()
    if body is None:  # the first two thirds, cut at a line end (or not, with a long length)
        body = whole[: whole.rindex(b"\n", 0, len(whole) * 2 // 3)]
    state.serve("all-weeks-global.tsv", body, content_type=kind, length=length)
    result = CliRunner().invoke(app, ["update", "--from", url, "--file",
                                      "all-weeks-global.tsv"])
    assert result.exit_code == 1, result.output
    message = " ".join(result.output.split())
    assert reason in message and "Traceback" not in message
    assert f"{url}all-weeks-global.tsv" in message  # the address, not a removed staging copy
    assert snapshot(tmp_db) == before


def test_a_missing_file_is_a_clear_error(site: tuple[Site, str], tmp_db: Path) -> None:
    _, url = site
    with pytest.raises(DownloadError, match="HTTP 404"):
        api.update(source=url, files=["most-popular.tsv"], db=tmp_db)
    assert not tmp_db.exists() or fetch(tmp_db, "SELECT count(*) FROM most_popular") == [(0,)]


def test_one_bad_file_refuses_the_whole_update(site: tuple[Site, str], tmp_path: Path,
                                               tmp_db: Path) -> None:
    state, url = site
    state.serve("all-weeks-global.tsv", s.GLOBAL_TODAY.encode())
    state.serve("most-popular.tsv", b"PK\x03\x04")
    with pytest.raises(DownloadError, match="only 4 bytes"):
        api.update(source=url, files=["all-weeks-global.tsv", "most-popular.tsv"], db=tmp_db)
    assert not tmp_db.exists() or fetch(tmp_db, "SELECT count(*) FROM chart_global") == [(0,)]


def test_offline_from_a_folder_and_keep(site: tuple[Site, str], tmp_path: Path,
                                        tmp_db: Path) -> None:
    state, url = site
    state.serve("most-popular.tsv", s.MOST_POPULAR_91.encode())
    kept = tmp_path / "downloads"
    api.update(source=url, files=["most-popular.tsv"], db=tmp_db, keep=kept)
    assert (kept / "most-popular.tsv").read_bytes() == s.MOST_POPULAR_91.encode()
    shutil.copy(kept / "most-popular.tsv", tmp_path / "most-popular.tsv")
    (tmp_path / "all-weeks-global.tsv").write_text(s.GLOBAL_TODAY, encoding="utf-8")
    result = CliRunner().invoke(app, ["update", "--from", str(tmp_path), "--file",
                                      "all-weeks-global.tsv", "--file", "most-popular.tsv",
                                      "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["origin"] == str(tmp_path) and report["new"][0]["new_weeks"] == 2
    assert fetch(tmp_db, "SELECT count(DISTINCT week) FROM chart_global") == [(2,)]
    (tmp_path / "all-weeks-global.tsv").write_bytes(b"<html>Moved Permanently</html>" * 4)
    with pytest.raises(ValueError, match="HTML page"):
        api.update(source=tmp_path, files=["all-weeks-global.tsv"], db=tmp_db)


def test_check_download_rules() -> None:
    assert check_download("a.tsv", b"week\tcategory" + b"x" * 100, 200, None) is None
    assert "XLSX" in (check_download("r.xlsx", b"week\t" * 30, 150, None) or "")
    assert check_download("r.xlsx", b"PK\x03\x04" + b"x" * 100, 5000, None) is None
    with pytest.raises(ValueError, match="not a file name"):
        api.update(files=["../etc/passwd"])
