"""Records of a zstd-compressed text file, read where Spark runs the task (an executor).

Hadoop reads ``.zst`` only through native code that Spark's own packages lack, so Spark
cannot read such files itself; and decompressing them on the driver would leave files only
the driver can see. Instead a one-task Spark job runs :func:`zstd_records` on an executor,
which streams the file (from storage every worker sees) through ``zstandard`` and yields
``(source_row, record)``: one JSON Lines line, or one CSV/TSV record (a quoted value may span
lines), numbered as Spark's own reader numbers them (header and blank lines skipped). Spark
then parses each record with ``from_json``/``from_csv``, the parsers its file readers use.

This module imports nothing of starchart, so Spark ships its functions to the workers by
value; the workers' Python needs only the ``zstandard`` package.
"""

from __future__ import annotations

import io
from collections.abc import Iterator


def _lines(path: str) -> Iterator[str]:
    import zstandard

    with open(path, "rb") as raw:
        reader = zstandard.ZstdDecompressor().stream_reader(raw)
        text = io.TextIOWrapper(reader, encoding="utf-8-sig", errors="replace", newline=None)
        for line in text:
            yield line[:-1] if line.endswith("\n") else line


def zstd_records(path: str, fmt: str) -> Iterator[tuple[int, str]]:
    """``(source_row, record)`` of a ``.zst`` JSON Lines (``fmt='jsonl'``) or CSV/TSV file."""
    number = 0
    if fmt == "jsonl":
        for line in _lines(path):
            if line.strip():
                number += 1
                yield number, line
        return
    pending: list[str] = []
    quotes = 0
    header_done = False
    for line in _lines(path):
        if not pending and line == "":
            continue  # a blank line between records is not a record
        pending.append(line)
        quotes += line.count('"')
        if quotes % 2:
            continue  # inside a quoted value: the record goes on on the next line
        record = "\n".join(pending)
        pending, quotes = [], 0
        if not header_done:
            header_done = True
            continue
        number += 1
        yield number, record
    if pending and header_done:
        yield number + 1, "\n".join(pending)
