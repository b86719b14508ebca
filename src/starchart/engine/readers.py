"""Find input files and check that each is what its name claims: engine-neutral, no SQL.

Shared by the catalog loader, the DuckDB ingest and the Spark inputs so that every engine
accepts and refuses the same files (each engine's own reader lives beside it:
:mod:`starchart.engine.duckdb_reader`, :mod:`starchart.engine.spark_inputs`). A file is
refused (``InputFileError``, naming the file and the problem) when it is not the format its
extension claims, is binary garbage, or lacks required columns, or (CSV/TSV) has a quoted
value that never closes, which would swallow every later row; beyond a small sample at the
start, only quotes are counted here, the engines read the rest. Formats come from the
extension: ``.csv``, ``.tsv``, ``.parquet``/``.pq``, ``.jsonl``/``.ndjson``, text ones
optionally compressed as ``.gz`` or ``.zst``.
"""

from __future__ import annotations

import codecs
import csv
import glob
import gzip
import hashlib
import io
import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa
import pyarrow.parquet as pq
import zstandard

Format = Literal["csv", "tsv", "parquet", "jsonl"]
Compression = Literal["none", "gzip", "zstd"]

FORMAT_SUFFIXES: dict[str, Format] = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}
COMPRESSION_SUFFIXES: dict[str, Compression] = {
    ".gz": "gzip",
    ".gzip": "gzip",
    ".zst": "zstd",
    ".zstd": "zstd",
}
DELIMITERS: dict[str, str] = {"csv": ",", "tsv": "\t"}
SAMPLE_BYTES = 256 * 1024

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or an Excel/Office file)"),
    (b"PAR1", "a Parquet file"),
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"\x28\xb5\x2f\xfd", "zstd-compressed data"),
    (b"SQLite format 3", "an SQLite database"),
    (b"\x7fELF", "an executable"),
)
_GZIP_MAGIC = b"\x1f\x8b"
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_PARQUET_MAGIC = b"PAR1"
#: Characters DuckDB's and Spark's readers take as a file pattern, even in a plain path.
GLOB_CHARACTERS = "*?[{"


class InputFileError(ValueError):
    """A file that cannot be read as what it claims to be; the message names the file."""


@dataclass(frozen=True)
class InputFile:
    """One checked input file: where it is, what it holds, which columns it has."""

    path: Path
    format: Format
    compression: Compression
    columns: tuple[str, ...]
    #: Parquet: the Arrow type of each column (text formats: none, every value is text).
    arrow_types: tuple[pa.DataType, ...] = ()
    #: JSON Lines that starts with a byte-order mark: its first line without it. DuckDB's
    #: JSON reader refuses a BOM, so that line is parsed on its own.
    bom_line: str | None = None

    @property
    def name(self) -> str:
        return str(self.path)

    def may_have(self, column: str) -> bool:
        """Whether a reader should ask this file for ``column``: a CSV/TSV header or a
        Parquet schema lists every column, but any line of JSON Lines may carry any key
        (``columns`` holds only those of the sampled lines; one first given past the sample,
        such as a late ``event_id``, must still be read)."""
        return self.format == "jsonl" or column in self.columns


def supported_suffixes() -> str:
    """For messages: the extensions starchart reads."""
    return ".csv, .tsv, .parquet, .jsonl, .ndjson (text ones optionally .gz or .zst)"


def detect_format(path: Path) -> tuple[Format, Compression]:
    """The format and compression the file name claims; ``InputFileError`` if neither fits."""
    suffixes = [s.lower() for s in path.suffixes]
    compression: Compression = "none"
    if suffixes and suffixes[-1] in COMPRESSION_SUFFIXES:
        compression = COMPRESSION_SUFFIXES[suffixes.pop()]
    fmt = FORMAT_SUFFIXES.get(suffixes[-1]) if suffixes else None
    if fmt is None:
        raise InputFileError(
            f"{path}: unsupported file type; starchart reads {supported_suffixes()}"
        )
    if fmt == "parquet" and compression != "none":
        raise InputFileError(
            f"{path}: a compressed Parquet file is not supported (Parquet compresses itself)"
        )
    return fmt, compression


def _is_hidden(path: Path, root: Path) -> bool:
    rel = path.relative_to(root)
    return any(part.startswith((".", "_")) for part in rel.parts)


def expand_paths(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Files named directly, every readable file under a directory, and glob matches.

    Order is kept as given (directories and globs sorted by name); a file named twice is read
    once. Nothing matching, or a named file of an unknown type, is an error.
    """
    found: list[Path] = []
    for item in paths:
        text = os.fspath(item)
        path = Path(text)
        if path.is_dir():
            inside = sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and not _is_hidden(p, path) and _readable_name(p)
            )
            if not inside:
                raise InputFileError(
                    f"{path}: directory holds no readable files ({supported_suffixes()})"
                )
            found.extend(inside)
        elif path.exists():
            detect_format(path)
            found.append(path)
        elif glob.has_magic(text):
            matches = sorted(
                Path(p) for p in glob.glob(text, recursive=True) if Path(p).is_file()
            )
            matches = [p for p in matches if _readable_name(p)]
            if not matches:
                raise InputFileError(f"{text}: no readable files match this pattern")
            found.extend(matches)
        else:
            raise FileNotFoundError(f"{text}: no such file or directory")
    unique: list[Path] = []
    seen: set[Path] = set()
    for p in found:
        key = p.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return unique


def _readable_name(path: Path) -> bool:
    try:
        detect_format(path)
    except InputFileError:
        return False
    return True


def sha256_file(path: Path) -> str:
    """Content hash, so that the same file loaded again (under any name) is recognised."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _describe_magic(head: bytes) -> str | None:
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return what
    return None


def _read_sample(path: Path, compression: Compression) -> tuple[bytes, bool]:
    """Up to SAMPLE_BYTES of decompressed content, and whether that is the whole file."""
    with path.open("rb") as raw:
        head = raw.read(4)
    if compression == "gzip" and not head.startswith(_GZIP_MAGIC):
        what = _describe_magic(head) or "not gzip data"
        raise InputFileError(f"{path}: named .gz but is {what}")
    if compression == "zstd" and not head.startswith(_ZSTD_MAGIC):
        what = _describe_magic(head) or "not zstd data"
        raise InputFileError(f"{path}: named .zst but is {what}")
    try:
        if compression == "gzip":
            with gzip.open(path, "rb") as fh:
                data = fh.read(SAMPLE_BYTES + 1)
        elif compression == "zstd":
            with path.open("rb") as raw_fh, zstandard.ZstdDecompressor().stream_reader(
                raw_fh
            ) as fh:
                data = fh.read(SAMPLE_BYTES + 1)
        else:
            with path.open("rb") as fh:
                data = fh.read(SAMPLE_BYTES + 1)
    except (OSError, EOFError, zstandard.ZstdError) as exc:
        raise InputFileError(f"{path}: cannot be decompressed ({exc})") from None
    return data[:SAMPLE_BYTES], len(data) <= SAMPLE_BYTES


def _check_zstd_complete(path: Path) -> None:
    """Refuse a ``.zst`` file whose last frame is cut short (an interrupted download or copy).

    DuckDB's reader and python-zstandard's stream reader both stop quietly at the cut, so
    every row after it would vanish unreported (gzip readers say so themselves). Each frame
    is decompressed (output discarded) until the input ends; it must end on a frame's end.
    """
    decompressor = zstandard.ZstdDecompressor()
    frame = decompressor.decompressobj()
    pending = False  # input fed to a frame that has not ended
    try:
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 16), b""):
                while block:
                    frame.decompress(block)
                    pending = not frame.eof
                    block = frame.unused_data if frame.eof else b""
                    if frame.eof:
                        frame = decompressor.decompressobj()
    except zstandard.ZstdError as exc:
        raise InputFileError(f"{path}: cannot be decompressed ({exc})") from None
    if pending:
        raise InputFileError(
            f"{path}: the zstd data is cut short (it ends in the middle of a frame), so the "
            "rows after the cut are missing; fetch or copy the file again"
        )


def _sample_text(path: Path, fmt: Format, compression: Compression) -> tuple[str, bool]:
    data, complete = _read_sample(path, compression)
    label = {"csv": "CSV", "tsv": "TSV", "jsonl": "JSON Lines"}[fmt]
    if not data.strip():
        return "", complete
    what = _describe_magic(data)
    if what is not None or b"\x00" in data:
        raise InputFileError(f"{path}: not a {label} file: it is {what or 'binary data'}")
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        text = decoder.decode(data, final=complete)
    except UnicodeDecodeError as exc:
        raise InputFileError(
            f"{path}: not a {label} file: not UTF-8 text (bad byte at offset {exc.start})"
        ) from None
    return text.removeprefix("\ufeff"), complete


def _check_columns(
    path: Path, found: Sequence[str], required: Sequence[str], what: str
) -> None:
    # Unnamed columns (a header ending in a delimiter) are extra columns, read by position.
    dupes = sorted({c for c in found if c and found.count(c) > 1})
    if dupes:
        raise InputFileError(f"{path}: column named more than once: {', '.join(dupes)}")
    missing = [c for c in required if c not in found]
    if missing:
        shown = ", ".join(found[:20]) if found else "none"
        raise InputFileError(
            f"{path}: not {what}: missing column(s) {', '.join(missing)} (found: {shown})"
        )


def _quote_count(path: Path, compression: Compression) -> int | None:
    """How many ``"`` the whole (decompressed) file holds; None if it cannot be read (the
    engines' own read then reports what is wrong with the file)."""
    count = 0
    try:
        with open_decompressed(path, compression) as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                count += block.count(b'"')
    except (OSError, EOFError, zstandard.ZstdError):
        return None
    return count


def open_decompressed(path: Path, compression: Compression) -> Any:
    """The file's bytes as a stream, decompressed (the caller closes it)."""
    if compression == "gzip":
        return gzip.open(path, "rb")
    if compression == "zstd":
        return zstandard.ZstdDecompressor().stream_reader(path.open("rb"), closefd=True)
    return path.open("rb")


def _unclosed_quote_row(path: Path, fmt: Format, compression: Compression) -> int | None:
    """The data row (0: the header) whose quoted value runs to the end of the file, if any."""
    limit = csv.field_size_limit(2**31 - 1)  # the runaway value is the whole file's tail
    try:
        with io.TextIOWrapper(
            open_decompressed(path, compression), encoding="utf-8-sig", errors="replace",
            newline="",
        ) as text:
            reader = csv.reader(text, delimiter=DELIMITERS[fmt], quotechar='"', strict=True)
            rows = 0
            try:
                for _ in reader:
                    rows += 1
            except csv.Error as exc:
                return rows if "unexpected end of data" in str(exc) else None
    finally:
        csv.field_size_limit(limit)
    return None


def _check_quotes(
    path: Path, fmt: Format, compression: Compression, sample: str, complete: bool
) -> None:
    """Refuse a file whose opening quote never closes: every later line would become part of
    one value and its rows silently vanish. Balanced quotes (the usual case) cost one count."""
    count = sample.count('"') if complete else _quote_count(path, compression)
    if not count or count % 2 == 0:
        return
    row = _unclosed_quote_row(path, fmt, compression)
    if row is not None:
        where = "the header" if row == 0 else f"row {row}"
        raise InputFileError(
            f"{path}: {where}: a quoted value never closes (an unmatched '\"'), so the rest "
            "of the file would be read into it"
        )


def _csv_header(path: Path, fmt: Format, compression: Compression) -> tuple[str, ...]:
    text, complete = _sample_text(path, fmt, compression)
    if not text.strip():
        raise InputFileError(f"{path}: the file is empty (no header row)")
    _check_quotes(path, fmt, compression, text, complete)
    reader = csv.reader(io.StringIO(text), delimiter=DELIMITERS[fmt], quotechar='"')
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        raise InputFileError(f"{path}: cannot read a header row ({exc})") from None
    return tuple(h.strip() for h in header)


def _jsonl_keys(
    path: Path, compression: Compression, required: Sequence[str]
) -> tuple[str, ...]:
    """Keys seen in the sampled lines; an empty file is a valid file of no rows."""
    text, complete = _sample_text(path, "jsonl", compression)
    if not text.strip():
        return tuple(required)
    lines = text.splitlines()
    if not complete and len(lines) > 1:
        lines = lines[:-1]  # the last line may be cut by the sample
    keys: dict[str, None] = {}
    first = True
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError:
            value = None
        if not isinstance(value, dict):
            if first:
                raise InputFileError(
                    f"{path}: not a JSON Lines file: line {number} is not a JSON object"
                )
            continue
        first = False
        keys.update(dict.fromkeys(str(k) for k in value))
    return tuple(keys)


def _jsonl_bom_line(path: Path, compression: Compression) -> str | None:
    """The first line of a JSON Lines file that starts with a byte-order mark, without it."""
    data, complete = _read_sample(path, compression)
    if not data.startswith(codecs.BOM_UTF8):
        return None
    first, newline, _ = data[len(codecs.BOM_UTF8):].partition(b"\n")
    if not newline and not complete:
        raise InputFileError(f"{path}: the first line is longer than {SAMPLE_BYTES:,} bytes")
    line = first.decode("utf-8", errors="replace").rstrip("\r")
    return line if line.strip() else None


def _parquet_schema(path: Path) -> pa.Schema:
    with path.open("rb") as fh:
        head = fh.read(4)
        fh.seek(0, os.SEEK_END)
        size = fh.tell()
        fh.seek(max(0, size - 4))
        tail = fh.read(4)
    if head != _PARQUET_MAGIC or tail != _PARQUET_MAGIC:
        what = _describe_magic(head)
        if what is None:
            what = "text" if _looks_text(path) else "not Parquet data"
        raise InputFileError(f"{path}: not a Parquet file: it is {what}")
    try:
        return pq.read_schema(path)
    except (pa.ArrowException, OSError) as exc:
        raise InputFileError(f"{path}: not a readable Parquet file ({exc})") from None


def _looks_text(path: Path) -> bool:
    with path.open("rb") as fh:
        head = fh.read(4096)
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return b"\x00" not in head


def check_literal_path(path: Path) -> None:
    """Refuse a path DuckDB or Spark would read as a pattern (``ev[1].csv`` reads ``ev1.csv``).

    Both engines expand glob characters in any path they are given, with no way to escape
    them, so such a file would be read wrongly or not at all; renaming it is the safe fix.
    """
    found = sorted({c for c in str(path) if c in GLOB_CHARACTERS})
    if found:
        raise InputFileError(
            f"{path}: the path contains {' '.join(found)}, which the readers would take as a "
            f"file pattern rather than this file; rename it (or its folder) without "
            f"{' '.join(GLOB_CHARACTERS)}"
        )


def inspect_file(
    path: Path, required: Sequence[str], *, what: str = "an events file"
) -> InputFile:
    """Check ``path`` is the format its name claims and has the ``required`` columns."""
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    check_literal_path(path)
    fmt, compression = detect_format(path)
    if compression == "zstd":
        _read_sample(path, compression)  # (refuses a file that is not zstd data first)
        _check_zstd_complete(path)
    arrow_types: tuple[pa.DataType, ...] = ()
    bom_line: str | None = None
    if fmt == "parquet":
        schema = _parquet_schema(path)
        columns = tuple(schema.names)
        arrow_types = tuple(schema.field(i).type for i in range(len(schema)))
    elif fmt == "jsonl":
        columns = _jsonl_keys(path, compression, required)
        bom_line = _jsonl_bom_line(path, compression)
    else:
        columns = _csv_header(path, fmt, compression)
    _check_columns(path, list(columns), required, what)
    return InputFile(path, fmt, compression, columns, arrow_types, bom_line)


def write_table(path: str | os.PathLike[str], table: pa.Table) -> Path:
    """Write ``table`` in the format (and compression) its file name says.

    The mirror of the readers, for samples, tests and generated data: CSV/TSV with a header
    row (empty cell for null), JSON Lines (null values kept as ``null``), Parquet.
    """
    import pyarrow.csv as pacsv

    target = Path(path)
    fmt, compression = detect_format(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "parquet":
        pq.write_table(table, target)
        return target
    if fmt == "jsonl":
        lines = [json.dumps(row, default=str, ensure_ascii=False) for row in table.to_pylist()]
        data = ("\n".join(lines) + ("\n" if lines else "")).encode("utf-8")
    else:
        buffer = io.BytesIO()
        options = pacsv.WriteOptions(delimiter=DELIMITERS[fmt], quoting_style="needed")
        pacsv.write_csv(table, buffer, write_options=options)
        data = buffer.getvalue()
    if compression == "gzip":
        data = gzip.compress(data)
    elif compression == "zstd":
        data = zstandard.ZstdCompressor().compress(data)
    target.write_bytes(data)
    return target
