"""Write sessions as Parquet event files of bounded size, fast and in bounded memory.

Strings are the expensive part of an event table, so ids are built straight into Arrow
buffers from digits (fixed width, no Python objects), title and country go in as dictionary
columns (read back as plain strings), and ``started_at`` is a zero-copy
``timestamp[us, tz=UTC]`` column (Parquet TIMESTAMP, isAdjustedToUTC, microseconds). Rows are
buffered only up to one row group; each file holds at most ``rows_per_file`` rows.
"""

from __future__ import annotations

from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from types import TracebackType

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from starchart.simulate.behaviour import Sessions
from starchart.simulate.defaults import DEFAULT_ROWS_PER_FILE

EVENT_SCHEMA = pa.schema([
    ("event_id", pa.string()),
    ("profile_id", pa.string()),
    ("title_id", pa.dictionary(pa.int32(), pa.string())),
    ("country", pa.dictionary(pa.int32(), pa.string())),
    ("started_at", pa.timestamp("us", tz="UTC")),
    ("seconds_viewed", pa.int64()),
])
PART_GLOB = "part-*.parquet"
DEFAULT_ROW_GROUP_ROWS = 500_000


def fixed_width_strings(prefix: np.ndarray, numbers: np.ndarray, width: int) -> pa.Array:
    """Strings ``prefix[i] + zero-padded numbers[i]`` as one Arrow array, built from bytes.

    ``prefix`` is a uint8 matrix (one row per value, or a single row shared by all). Digits
    are cut in blocks of up to nine and worked out in uint32, which numpy divides fastest.
    """
    n = len(numbers)
    pw = prefix.shape[1]
    size = pw + width
    buf = np.empty((n, size), dtype=np.uint8)
    buf[:, :pw] = prefix
    rest = numbers.astype(np.int64, copy=True)
    if n and (rest.min() < 0 or rest.max() >= 10**width):
        raise ValueError(f"number does not fit in {width} digits")
    col = size
    while col > pw:
        take = min(9, col - pw)
        if col - take > pw:
            block = (rest % 10**take).astype(np.uint32)
            rest //= 10**take
        else:
            block = rest.astype(np.uint32)
        for _ in range(take):
            quotient = block // np.uint32(10)
            buf[:, col - 1] = block - quotient * np.uint32(10) + np.uint32(48)
            block = quotient
            col -= 1
    offsets = np.arange(n + 1, dtype=np.int32) * size
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(buf))


def _ascii(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("ascii"), dtype=np.uint8)[None, :]


class EventWriter:
    """Append sessions; get ``part-00000.parquet``, ``part-00001.parquet``... in ``folder``.

    Row groups are encoded and written on one background thread (numpy and Parquet both
    release the GIL), so the next day is simulated while the last one is compressed; at most
    ``queue`` row groups wait, which keeps memory bounded. Event ids are handed out in
    order on the calling thread, so output does not depend on timing.
    """

    def __init__(self, folder: Path, *, title_ids: list[str], countries: tuple[str, ...],
                 profile_digits: int, event_prefix: str,
                 rows_per_file: int = DEFAULT_ROWS_PER_FILE,
                 row_group_rows: int = DEFAULT_ROW_GROUP_ROWS,
                 background: bool = True, queue: int = 2) -> None:
        if rows_per_file < 1:
            raise ValueError(f"rows per file must be positive, got {rows_per_file}")
        self.folder = folder
        self.rows_per_file = rows_per_file
        self.row_group_rows = max(1, min(row_group_rows, rows_per_file))
        self.titles = pa.array(title_ids, pa.string())
        self.countries = pa.array(countries, pa.string())
        self.country_prefix = np.array(
            [list((cc + "-").encode("ascii")) for cc in countries], dtype=np.uint8)
        self.profile_digits = profile_digits
        self.event_prefix = _ascii(event_prefix)
        self.files: list[Path] = []
        self.events = 0  # ids handed out so far (rows sent to be written)
        self._pending: list[Sessions] = []
        self._pending_rows = 0
        self._files_planned = 0
        self._file_rows = 0  # rows planned for the current file
        self._writer: pq.ParquetWriter | None = None
        self._pool = ThreadPoolExecutor(1, "starchart-writer") if background else None
        self._queue = max(1, queue)
        self._futures: deque[Future[None]] = deque()
        folder.mkdir(parents=True, exist_ok=True)

    def __enter__(self) -> EventWriter:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if exc is None:
            self.close()
        else:  # do not hide the real error behind a write error
            self._shutdown()

    @property
    def rows_added(self) -> int:
        """Rows handed to :meth:`add` so far (written, queued or still buffered)."""
        return self.events + self._pending_rows

    def add(self, sessions: Sessions) -> None:
        """Queue a chunk; full row groups go to the writer thread as soon as they are full."""
        if len(sessions) == 0:
            return
        self._pending.append(sessions)
        self._pending_rows += len(sessions)
        while self._pending_rows >= self.row_group_rows:
            self._flush(self.row_group_rows)

    def close(self) -> list[Path]:
        """Write what is left and close the last file. Returns the files written."""
        while self._pending_rows:
            self._flush(min(self._pending_rows, self.row_group_rows))
        self._shutdown()
        return self.files

    def _shutdown(self) -> None:
        try:
            while self._futures:
                self._futures.popleft().result()
        finally:
            if self._pool is not None:
                self._pool.shutdown(wait=True)
                self._pool = None
            if self._writer is not None:
                self._writer.close()
                self._writer = None

    def _take(self, rows: int) -> Sessions:
        fields = ("title", "country", "profile", "started_us", "seconds")
        if len(self._pending) == 1 and self._pending_rows == rows:
            head = self._pending[0]
            self._pending, self._pending_rows = [], 0
            return head
        joined = {f: np.concatenate([getattr(s, f) for s in self._pending]) for f in fields}
        head = Sessions(**{f: joined[f][:rows] for f in fields})
        rest = Sessions(**{f: joined[f][rows:] for f in fields})
        self._pending = [rest] if len(rest) else []
        self._pending_rows = len(rest)
        return head

    def _flush(self, rows: int) -> None:
        new_file = self._files_planned == 0 or self._file_rows >= self.rows_per_file
        if new_file:
            self._files_planned += 1
            self._file_rows = 0
        rows = min(rows, self.rows_per_file - self._file_rows)
        chunk = self._take(rows)
        first = self.events
        self.events += rows
        self._file_rows += rows
        if self._pool is None:
            self._write_group(chunk, first, new_file)
            return
        while len(self._futures) >= self._queue:
            self._futures.popleft().result()
        self._futures.append(self._pool.submit(self._write_group, chunk, first, new_file))

    def _write_group(self, chunk: Sessions, first_id: int, new_file: bool) -> None:
        """Encode and write one row group (on the writer thread)."""
        if new_file:
            if self._writer is not None:
                self._writer.close()
            path = self.folder / f"part-{len(self.files):05d}.parquet"
            self._writer = pq.ParquetWriter(
                path, EVENT_SCHEMA, compression="zstd", compression_level=1,
                use_dictionary=["title_id", "country"],
                # no Arrow schema in the footer: readers see plain strings (still dictionary
                # encoded in the file) and a UTC timestamp from the Parquet logical type
                store_schema=False,
            )
            self.files.append(path)
        assert self._writer is not None
        self._writer.write_table(self._table(chunk, first_id), row_group_size=len(chunk))

    def _table(self, s: Sessions, first_id: int) -> pa.Table:
        n = len(s)
        ids = np.arange(first_id, first_id + n, dtype=np.int64)
        started = pa.Array.from_buffers(
            pa.timestamp("us", tz="UTC"), n,
            [None, pa.py_buffer(np.ascontiguousarray(s.started_us, dtype=np.int64))])
        return pa.Table.from_arrays([
            fixed_width_strings(self.event_prefix, ids, 10),
            fixed_width_strings(self.country_prefix[s.country], s.profile, self.profile_digits),
            pa.DictionaryArray.from_arrays(pa.array(s.title, pa.int32()), self.titles),
            pa.DictionaryArray.from_arrays(pa.array(s.country, pa.int32()), self.countries),
            started,
            pa.array(s.seconds, pa.int64()),
        ], schema=EVENT_SCHEMA)
