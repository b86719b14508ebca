"""``starchart update``: download Netflix's current files, check them, import them, and say
what changed (new weeks, rows Netflix rewrote).

Netflix publishes its Top 10 files at fixed addresses (``all-weeks-global.tsv``,
``all-weeks-countries.tsv``, ``most-popular.tsv`` under one base URL). Public archives of
these downloads hold HTML "Moved Permanently" pages, 4-byte files and truncated copies, so
every download is checked before anything is replaced: a refused HTTP status, an HTML page,
a file too small to hold a header, then the importer's own checks (a cut list, a wrong
layout). Files land in a staging folder and are imported together in one transaction, or not
at all. ``source`` may also be a local folder of earlier downloads (offline).
"""

from __future__ import annotations

import http.client
import os
import shutil
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from starchart import store
from starchart.published.importer import import_files
from starchart.published.netflix_files import NetflixFileError

DEFAULT_BASE_URL = "https://www.netflix.com/tudum/top10/data/"
DEFAULT_FILES = ("all-weeks-global.tsv", "all-weeks-countries.tsv", "most-popular.tsv")
MIN_BYTES = 64            # the shortest real header is longer
MAX_BYTES = 2 * 1024**3   # a safety stop far above today's ~30 MB country file
TIMEOUT_SECONDS = 60
CHUNK = 256 * 1024

Progress = Callable[[str, int, int], None]


class DownloadError(OSError):
    """A download that cannot be used: names the address and why."""


def base_url(url: str | None = None) -> str:
    """``url``, else ``$STARCHART_UPDATE_URL``, else Netflix's address; always ending in /."""
    chosen = url or os.environ.get("STARCHART_UPDATE_URL") or DEFAULT_BASE_URL
    return chosen if chosen.endswith("/") else chosen + "/"


def _looks_like_html(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return text.startswith((b"<!doctype", b"<html", b"<?xml", b"<head", b"<body", b"<"))


def check_download(name: str, head: bytes, size: int, content_type: str | None) -> str | None:
    """Why a downloaded file cannot be a Netflix file (None when it may be): the checks made
    before the importer reads it."""
    if size < MIN_BYTES:
        return f"only {size} bytes: too small for a Netflix file"
    if content_type and "html" in content_type.lower():
        return f"an HTML page (Content-Type {content_type}), not a data file"
    if name.lower().endswith(".xlsx"):
        if not head.startswith(b"PK"):
            return ("an HTML page, not a workbook" if _looks_like_html(head)
                    else "not an XLSX workbook")
    elif _looks_like_html(head):
        first = head.split(b"\n", 1)[0][:80].decode("utf-8", "replace")
        return f"an HTML page, not a data file (it begins {first!r})"
    return None


def download(url: str, target: Path, progress: Progress | None = None) -> Path:
    """Fetch ``url`` into ``target`` with progress by bytes; DownloadError on any fault."""
    name = target.name
    request = urllib.request.Request(url, headers={"User-Agent": "starchart-update"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            total = int(response.headers.get("Content-Length") or 0)
            content_type = response.headers.get("Content-Type")
            done = 0
            head = b""
            with target.open("wb") as out:
                while True:
                    chunk = response.read(CHUNK)
                    if not chunk:
                        break
                    if len(head) < 512:
                        head += chunk[: 512 - len(head)]
                    done += len(chunk)
                    if done > MAX_BYTES:
                        raise DownloadError(f"{url}: larger than {MAX_BYTES:,} bytes; stopped")
                    out.write(chunk)
                    if progress:
                        progress(f"downloading {name}", done, max(total, done))
    except urllib.error.HTTPError as exc:
        raise DownloadError(f"{url}: HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        raise DownloadError(f"{url}: cannot connect ({exc.reason})") from None
    except http.client.IncompleteRead as exc:
        raise DownloadError(f"{url}: truncated download (the connection closed after "
                            f"{len(exc.partial):,} bytes of a declared "
                            f"{len(exc.partial) + (exc.expected or 0):,})") from None
    except (TimeoutError, ConnectionError, http.client.HTTPException) as exc:
        raise DownloadError(f"{url}: {type(exc).__name__}: {exc}") from None
    if total and done != total:
        raise DownloadError(f"{url}: truncated download ({done:,} of {total:,} bytes)")
    reason = check_download(name, head, done, content_type)
    if reason:
        raise DownloadError(f"{url}: {reason}")
    return target


def _new_weeks(report: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for f in report["files"]:
        if f["kind"] == "engagement":
            if not f["replaced_stored"]:
                out.append({"file": Path(f["file"]).name, "kind": f["kind"],
                            "period": f.get("period"), "new_weeks": 0})
            continue
        out.append({"file": Path(f["file"]).name, "kind": f["kind"],
                    "new_weeks": max(0, int(f["weeks"]) - int(f["weeks_replaced"])),
                    "last_week": f["last_week"]})
    return out


def update(
    *,
    source: str | Path | None = None,
    files: Sequence[str] = DEFAULT_FILES,
    db: str | Path | None = None,
    keep: str | Path | None = None,
    progress: Progress | None = None,
    overrides: str | Path | None = None,
) -> dict[str, Any]:
    """Download ``files`` from ``source`` (a base URL; default :func:`base_url`) or take them
    from a local folder, check and import them together; returns the import report plus
    ``origin``, ``new`` (new weeks per file) and ``changes`` (rows Netflix rewrote, by kind).

    ``keep``: a folder to keep the downloaded files in (default: a temporary one, removed).
    Nothing in the store changes unless every file passes.
    """
    if not files:
        raise ValueError("no files to update: name at least one (e.g. all-weeks-global.tsv)")
    for name in files:
        if "/" in name or "\\" in name or name in ("", ".", ".."):
            raise ValueError(f"not a file name: {name!r}")
    local = Path(source) if source is not None and Path(str(source)).is_dir() else None
    staging = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="starchart-update-"))
    staging.mkdir(parents=True, exist_ok=True)
    try:
        paths: list[Path] = []
        if local is not None:
            origin = str(local)
            for name in files:
                path = local / name
                if not path.is_file():
                    raise FileNotFoundError(f"{path}: no such file (offline update from "
                                            f"{local})")
                size = path.stat().st_size
                with path.open("rb") as handle:
                    head = handle.read(512)
                reason = check_download(name, head, size, None)
                if reason:
                    raise NetflixFileError(path, None, reason)
                paths.append(path)
        else:
            origin = base_url(str(source) if source else None)
            scheme = urllib.parse.urlparse(origin).scheme
            if scheme not in ("http", "https", "file"):
                raise ValueError(f"not a URL or a folder: {origin!r}")
            for name in files:
                url = urllib.parse.urljoin(origin, urllib.parse.quote(name))
                if progress:
                    progress(f"downloading {name}", 0, 1)
                paths.append(download(url, staging / name, progress))
        try:
            report = import_files(paths, db=db, progress=progress, overrides=overrides)
        except NetflixFileError as exc:
            if local is not None or keep:
                raise
            # the staged copy is about to be removed: name the address it came from
            where = {str(p): urllib.parse.urljoin(origin, p.name) for p in paths}
            raise NetflixFileError(where.get(exc.file, exc.file), exc.row, exc.reason) from None
    finally:
        if keep is None:
            shutil.rmtree(staging, ignore_errors=True)
    report["origin"] = origin
    report["kept"] = str(staging) if keep else None
    report["new"] = _new_weeks(report)
    report["db"] = str(store.resolve_db_path(db))
    return report
