"""The engine's inputs on Spark: catalog and viewing events read straight into Spark.

Files are checked by the same :mod:`starchart.engine.readers` rules as the DuckDB ingest (so
the same files are refused), read with every column as a string, numbered per file, and
classified by the same backend-neutral :func:`starchart.engine.validate.classify_events`.
Nothing is written to a store: the result is a set of Ibis tables on the PySpark backend
that the chart build consumes directly.
"""

from __future__ import annotations

import re
import tempfile
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import ibis
import ibis.expr.types as ir
import zstandard

from starchart.engine.catalog import read_catalog
from starchart.engine.readers import (
    DELIMITERS,
    InputFile,
    InputFileError,
    expand_paths,
    inspect_file,
    sha256_file,
)
from starchart.engine.validate import (
    EVENT_COLUMNS,
    REASONS,
    REQUIRED_EVENT_COLUMNS,
    classify_events,
    event_key,
    flag_duplicates,
)

COUNT_KEYS = ("read", "accepted", "quarantined", "duplicates")
_CORRUPT = "_st_corrupt_record"


@dataclass
class SparkInputs:
    """What the Spark chart build needs, plus the ingest figures.

    ``accepted``: event_id, profile_id, title_id, country, started_at (UTC), seconds_viewed.
    ``quarantined``: source_file, source_row (1-based), reason, detail, raw (JSON).
    ``counts``: read, accepted, quarantined, duplicates, by_reason and per-file ``files``.
    """

    con: Any
    catalog: ir.Table
    accepted: ir.Table
    quarantined: ir.Table
    counts: dict[str, Any]
    #: Holds decompressed copies of ``.zst`` files (Hadoop's zstd codec needs native code).
    workdir: tempfile.TemporaryDirectory[str] | None = field(default=None, repr=False)
    #: The classified rows Spark keeps cached for the chart queries.
    cached: Any = field(default=None, repr=False)
    #: ``quarantined`` as a Spark DataFrame, for writing it from Spark.
    quarantined_df: Any = field(default=None, repr=False)

    def close(self) -> None:
        """Release Spark's cached rows and delete the decompressed copies."""
        if self.cached is not None:
            self.cached.release()
            self.cached = None
        if self.workdir is not None:
            self.workdir.cleanup()
            self.workdir = None


def _string_schema(names: Sequence[str]) -> Any:
    from pyspark.sql import types as T

    return T.StructType([T.StructField(n, T.StringType(), True) for n in names])


def _number_rows(df: Any) -> Any:
    """Add ``source_row`` (1-based, file order) to a one-file text DataFrame.

    Within a split (``_metadata.file_block_start``) rows keep their order and
    ``monotonically_increasing_id`` is consecutive, so a row's number is its offset in the
    split plus the rows in earlier splits: all done in Spark, without collecting rows.
    """
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    df = df.select(
        "*",
        F.col("_metadata.file_block_start").alias("_st_block"),
        F.monotonically_increasing_id().alias("_st_mid"),
    )
    blocks = df.groupBy("_st_block").agg(
        F.min("_st_mid").alias("_st_first"), F.count(F.lit(1)).alias("_st_n")
    )
    before = Window.orderBy("_st_block").rowsBetween(Window.unboundedPreceding, -1)
    blocks = blocks.select(
        "_st_block",
        "_st_first",
        F.coalesce(F.sum("_st_n").over(before), F.lit(0)).alias("_st_before"),
    )
    numbered = df.join(F.broadcast(blocks), "_st_block").withColumn(
        "source_row", F.col("_st_mid") - F.col("_st_first") + F.col("_st_before") + 1
    )
    return numbered.drop("_st_block", "_st_mid", "_st_first", "_st_before")


def _readable_path(info: InputFile, workdir: Path) -> str:
    """Spark reads plain and gzip text itself; zstd text is decompressed to ``workdir``."""
    if info.compression != "zstd":
        return str(info.path)
    target = workdir / f"{uuid.uuid4().hex}-{info.path.name.rsplit('.', 1)[0]}"
    with info.path.open("rb") as src, target.open("wb") as dst:
        zstandard.ZstdDecompressor().copy_stream(src, dst)
    return str(target)


def _read_events_file(spark: Any, info: InputFile, index: int, path: str) -> Any:
    """One events file (Spark reads it at ``path``) as string columns plus source_index,
    source_file, source_row."""
    from pyspark.sql import functions as F

    if info.format == "parquet":
        df = spark.read.parquet(path)
        df = df.select(
            *[F.col(f"`{c}`") for c in info.columns if c in EVENT_COLUMNS],
            (F.col("_metadata.row_index") + 1).alias("source_row"),
        )
    elif info.format == "jsonl":
        present = [c for c in EVENT_COLUMNS if c in info.columns]
        # A line that is not a JSON object keeps its text here (it becomes invalid_json).
        df = _number_rows(
            spark.read.schema(_string_schema([*present, _CORRUPT]))
            .option("mode", "PERMISSIVE")
            .option("columnNameOfCorruptRecord", _CORRUPT)
            .json(path)
        )
    else:
        df = _number_rows(
            spark.read.schema(_string_schema(info.columns))
            .option("header", True)
            .option("sep", DELIMITERS[info.format])
            .option("quote", '"')
            .option("escape", '"')
            .option("multiLine", True)
            .option("mode", "PERMISSIVE")
            .option("encoding", "UTF-8")
            .csv(path)
        )
    columns = [
        (F.col(f"`{c}`") if c in info.columns else F.lit(None)).cast("string").alias(c)
        for c in EVENT_COLUMNS
    ]
    bad_line = F.col(_CORRUPT) if info.format == "jsonl" else F.lit(None)
    return df.select(
        F.lit(index).cast("int").alias("source_index"),
        F.lit(str(info.path)).alias("source_file"),
        F.col("source_row").cast("long").alias("source_row"),
        *columns,
        bad_line.cast("string").alias("bad_line"),
    )


def _view(df: Any, prefix: str) -> str:
    name = f"starchart_{prefix}_{uuid.uuid4().hex[:12]}"
    df.createOrReplaceTempView(name)
    return name


def load_inputs(
    spark: Any, catalog_path: str | Path, event_paths: Sequence[str | Path]
) -> SparkInputs:
    """Read the catalog and events into Spark, classify every row, count what happened.

    Same rules as ``starchart ingest``: bad files raise ``ValueError`` naming the file; rows
    that cannot be counted are quarantined; a file whose content repeats an earlier one in
    ``event_paths``, and an ``event_id`` repeated within the load (first kept), are
    duplicates. ``read = accepted + quarantined + duplicates``.
    """
    from pyspark.sql import functions as F

    con = ibis.pyspark.connect(spark)
    catalog_arrow = read_catalog(catalog_path)
    catalog_df = spark.createDataFrame(catalog_arrow)  # Arrow keeps the types, nulls included
    catalog = con.table(_view(catalog_df, "catalog"))

    files = expand_paths(event_paths)
    infos = [inspect_file(p.resolve(), REQUIRED_EVENT_COLUMNS) for p in files]
    first_of: dict[str, int] = {}
    repeats: dict[int, int] = {}
    for i, info in enumerate(infos):
        digest = sha256_file(info.path)
        if digest in first_of:
            repeats[i] = first_of[digest]
        else:
            first_of[digest] = i

    workdir = tempfile.TemporaryDirectory(prefix="starchart-spark-")
    read_at = {
        i: _readable_path(info, Path(workdir.name))
        for i, info in enumerate(infos)
        if i not in repeats
    }
    frames = [_read_events_file(spark, infos[i], i, path) for i, path in read_at.items()]
    if frames:
        raw_df = frames[0]
        for frame in frames[1:]:
            raw_df = raw_df.unionByName(frame)
    else:
        raw_df = spark.createDataFrame(
            [],
            "source_index int, source_file string, source_row long, "
            + ", ".join(f"{c} string" for c in EVENT_COLUMNS)
            + ", bad_line string",
        )
    raw = con.table(_view(raw_df, "raw_events"))
    classified = classify_events(raw, catalog.select("title_id"))
    if any("event_id" in info.columns for info in infos):
        flagged = flag_duplicates(classified).cache()
    else:  # no ids anywhere: skip the window over every row
        flagged = classified.mutate(duplicate=ibis.literal(False)).cache()

    try:
        figures = (
            flagged.group_by("source_index", "reason", "duplicate")
            .aggregate(n=flagged.count())
            .to_pyarrow()
            .to_pylist()
        )
    except Exception as exc:  # Spark raises its own exception types for unreadable files
        message = _read_failure(spark, infos, read_at, exc)
        flagged.release()
        workdir.cleanup()
        raise InputFileError(message) from None
    counts = _counts(infos, repeats, figures)

    accepted = flagged.filter(flagged.reason.isnull() & ~flagged.duplicate).select(
        event_key(flagged.event_id).name("event_id"),
        "profile_id",
        "title_id",
        "country",
        started_at=flagged.started_at_utc,
        seconds_viewed=flagged.seconds,
    )
    bad_df = spark.sql(con.compile(flagged.filter(flagged.reason.notnull())))
    quarantined_df = bad_df.select(
        "source_file",
        "source_row",
        "reason",
        "detail",
        F.coalesce(
            F.col("bad_line"),
            F.to_json(
                F.struct(*[F.col(c) for c in EVENT_COLUMNS]), {"ignoreNullFields": "false"}
            ),
        ).alias("raw"),
    )
    quarantined = con.table(_view(quarantined_df, "quarantine"))
    return SparkInputs(
        con, catalog, accepted, quarantined, counts, workdir, flagged, quarantined_df
    )


_FAILED_FILE = re.compile(r"reading file (?:file:)?/*(/\S+?)\.?\s")
_CAUSE = re.compile(r"^Caused by: (?:[\w$]+\.)*([\w$]+): (.+)$", re.MULTILINE)


def _spark_problem(exc: BaseException) -> str:
    """The innermost cause of a Spark failure, e.g. ``Unexpected end of input stream
    (EOFException)``, rather than Py4J's "An error occurred while calling o123"."""
    text = str(exc)
    causes = _CAUSE.findall(text)
    if causes:
        kind, detail = causes[-1]
        return f"{detail.strip()} ({kind})"
    lines = [ln.strip(" :") for ln in text.splitlines() if ln.strip() and
             not ln.startswith(("\t", "An error occurred while calling"))]
    return lines[0] if lines else type(exc).__name__


def _read_failure(
    spark: Any, infos: Sequence[InputFile], read_at: dict[int, str], exc: BaseException
) -> str:
    """``<file>: cannot be read as <FORMAT>: <problem>`` for a failure while reading events.

    Spark names the file it was reading in most failures; otherwise each file is read on its
    own until one fails (this only runs when something already went wrong).
    """
    from pyspark.sql import functions as F

    text = str(exc)
    found = _FAILED_FILE.search(text)
    if found is not None:
        failed = Path(unquote(found.group(1))).resolve()
        for i, path in read_at.items():
            if Path(path).resolve() == failed:
                info = infos[i]
                return f"{info.path}: cannot be read as {info.format.upper()}: " + (
                    _spark_problem(exc)
                )
    for i, path in read_at.items():
        info = infos[i]
        try:
            df = _read_events_file(spark, info, i, path)
            df.select(F.max(F.hash(*df.columns))).collect()
        except Exception as own:  # the same Spark failure, now for one known file
            return f"{info.path}: cannot be read as {info.format.upper()}: " + (
                _spark_problem(own)
            )
    return f"cannot read the events files: {_spark_problem(exc)}"


def _counts(
    infos: Sequence[InputFile], repeats: dict[int, int], figures: list[dict[str, Any]]
) -> dict[str, Any]:
    per_file: list[dict[str, Any]] = [
        {"path": str(info.path), "read": 0, "accepted": 0, "quarantined": 0, "duplicates": 0}
        for info in infos
    ]
    by_reason = dict.fromkeys(REASONS, 0)
    for row in figures:
        entry = per_file[row["source_index"]]
        n = int(row["n"])
        entry["read"] += n
        if row["reason"] is not None:
            entry["quarantined"] += n
            by_reason[row["reason"]] += n
        elif row["duplicate"]:
            entry["duplicates"] += n
        else:
            entry["accepted"] += n
    for i, first in repeats.items():
        per_file[i]["read"] = per_file[i]["duplicates"] = per_file[first]["read"]
    totals = {k: sum(int(f[k]) for f in per_file) for k in COUNT_KEYS}
    return {**totals, "by_reason": by_reason, "files": per_file}
