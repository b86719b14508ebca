"""The engine's inputs on Spark: catalog and viewing events read straight into Spark.

Files are checked by the same :mod:`starchart.engine.readers` rules as the DuckDB ingest (so
the same files are refused) and read by Spark: Parquet with its own timestamp and integer
types, text formats as text, numbered per file. From there the shared pipeline of
:mod:`starchart.engine.inputs` runs on Spark: the same classification, the same
de-duplication (:func:`starchart.engine.validate.flag_duplicates`) and the same per-file
counts as the DuckDB ingest. Nothing is written to a store: the result is a set of Ibis
tables on the PySpark backend that the chart build consumes directly.

Every file is read by the executors from its path, so on a cluster the paths must be on
storage every worker sees; ``.zst`` text, which Spark cannot decompress itself, is streamed
by a small Python task on an executor (:mod:`starchart.engine.spark_text`), never copied on
the driver.
"""

from __future__ import annotations

import re
import sys
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import ibis
import ibis.expr.types as ir

from starchart.countries import iso_alpha2_codes
from starchart.engine import spark_text
from starchart.engine.catalog import read_catalog
from starchart.engine.inputs import (
    accepted_events,
    classify,
    count_rows,
    mark_already_loaded,
    new_figures,
    totals,
)
from starchart.engine.readers import (
    DELIMITERS,
    InputFile,
    InputFileError,
    expand_paths,
    inspect_file,
    sha256_file,
)
from starchart.engine.validate import EVENT_COLUMNS, REQUIRED_EVENT_COLUMNS, flag_duplicates

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
    #: The classified rows Spark keeps cached for the chart queries.
    cached: Any = field(default=None, repr=False)
    #: ``quarantined`` as a Spark DataFrame, for writing it from Spark.
    quarantined_df: Any = field(default=None, repr=False)

    def close(self) -> None:
        """Release Spark's cached rows."""
        if self.cached is not None:
            self.cached.release()
            self.cached = None


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


_INTEGER_TYPES = ("ByteType", "ShortType", "IntegerType", "LongType")
_TIMESTAMP_TYPES = ("TimestampType", "TimestampNTZType")


def _typed_column(name: str, spark_type: Any) -> Any:
    """A Parquet column with its own type where it carries meaning (a timestamp
    ``started_at``, whole-number ``seconds_viewed``), else its text."""
    from pyspark.sql import functions as F

    kind = type(spark_type).__name__
    col = F.col(f"`{name}`")
    if name == "started_at" and kind in _TIMESTAMP_TYPES:
        return col.cast("timestamp_ntz").alias(name)  # the UTC wall time (session is UTC)
    if name == "seconds_viewed" and kind in _INTEGER_TYPES:
        return col.cast("long").alias(name)
    return col.cast("string").alias(name)


def _zstd_text(spark: Any, info: InputFile) -> Any:
    """Records of a ``.zst`` text file, streamed on an executor, parsed by Spark."""
    from pyspark import cloudpickle
    from pyspark.sql import functions as F

    cloudpickle.register_pickle_by_value(sys.modules[spark_text.__name__])
    path, fmt = str(info.path), info.format
    rows = spark.sparkContext.parallelize([path], 1).flatMap(
        lambda p: spark_text.zstd_records(p, fmt)
    )
    records = spark.createDataFrame(rows, "source_row long, record string")
    if fmt == "jsonl":
        present = [c for c in EVENT_COLUMNS if info.may_have(c)]
        schema = _string_schema([*present, _CORRUPT])
        parsed = F.from_json("record", schema, {"mode": "PERMISSIVE",
                                                "columnNameOfCorruptRecord": _CORRUPT})
        return records.select("source_row", parsed.alias("_st")).select("source_row", "_st.*")
    options = {"sep": DELIMITERS[fmt], "quote": '"', "escape": '"', "mode": "PERMISSIVE"}
    names = [c or f"_st_unnamed_{i}" for i, c in enumerate(info.columns)]
    parsed = F.from_csv("record", _string_schema(names).simpleString(), options)
    return records.select("source_row", parsed.alias("_st")).select("source_row", "_st.*")


def _read_events_file(spark: Any, info: InputFile, index: int) -> Any:
    """One events file as source_index, source_file, source_row, the event columns (typed
    where Parquet has the types) and bad_line (a JSON Lines line that is not an object)."""
    from pyspark.sql import functions as F

    path = str(info.path)
    typed: dict[str, Any] = {}
    if info.format == "parquet":
        df = spark.read.parquet(path)
        types = {f.name: f.dataType for f in df.schema.fields}
        typed = {c: _typed_column(c, types[c]) for c in EVENT_COLUMNS if c in types}
        df = df.select(
            *[F.col(f"`{c}`") for c in info.columns if c in EVENT_COLUMNS],
            (F.col("_metadata.row_index") + 1).alias("source_row"),
        )
    elif info.compression == "zstd":
        df = _zstd_text(spark, info)
    elif info.format == "jsonl":
        present = [c for c in EVENT_COLUMNS if info.may_have(c)]
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
        typed[c] if c in typed else
        (F.col(f"`{c}`") if info.may_have(c) else F.lit(None)).cast("string").alias(c)
        for c in EVENT_COLUMNS
    ]
    bad_line = F.col(_CORRUPT) if info.format == "jsonl" else F.lit(None)
    return df.select(
        F.lit(index).cast("int").alias("source_index"),
        F.lit(path).alias("source_file"),
        F.col("source_row").cast("long").alias("source_row"),
        *columns,
        bad_line.cast("string").alias("bad_line"),
    )


def _view(df: Any, prefix: str) -> str:
    name = f"starchart_{prefix}_{uuid.uuid4().hex[:12]}"
    df.createOrReplaceTempView(name)
    return name


def _unioned(spark: Any, frames: list[Any]) -> Any:
    """One DataFrame of every file; a typed column of one file and text of another meet as
    text (the shared validation reads both the same way)."""
    from pyspark.sql import functions as F

    if not frames:
        return spark.createDataFrame(
            [],
            "source_index int, source_file string, source_row long, "
            + ", ".join(f"{c} string" for c in EVENT_COLUMNS)
            + ", bad_line string",
        )
    kinds = {c: {dict(f.dtypes)[c] for f in frames} for c in frames[0].columns}
    frames = [
        f.select(*[F.col(c).cast("string").alias(c) if len(kinds[c]) > 1 else F.col(c)
                   for c in frames[0].columns])
        for f in frames
    ]
    raw_df = frames[0]
    for frame in frames[1:]:
        raw_df = raw_df.unionByName(frame)
    return raw_df


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
    figures = [new_figures(info, sha256_file(info.path)) for info in infos]
    first_of: dict[str, int] = {}
    repeats: dict[int, int] = {}
    for i, entry in enumerate(figures):
        if entry["sha256"] in first_of:
            repeats[i] = first_of[entry["sha256"]]
        else:
            first_of[entry["sha256"]] = i
    read = [i for i in range(len(infos)) if i not in repeats]
    raw_df = _unioned(spark, [_read_events_file(spark, infos[i], i) for i in read])
    raw = con.table(_view(raw_df, "raw_events"))
    codes = spark.createDataFrame([(c,) for c in sorted(iso_alpha2_codes())], "code string")
    countries = con.table(_view(codes, "countries"))
    classified = classify(raw, catalog.select("title_id"), countries)
    if any(info.may_have("event_id") for info in infos):
        flagged = flag_duplicates(classified).cache()
    else:  # no ids anywhere: nothing to compare
        flagged = classified.mutate(duplicate=ibis.literal(False)).cache()

    try:
        counted = (
            flagged.group_by("source_index", "reason", "duplicate")
            .aggregate(n=flagged.count())
            .to_pyarrow()
            .to_pylist()
        )
    except Exception as exc:  # Spark raises its own exception types for unreadable files
        message = _read_failure(spark, infos, read, exc)
        flagged.release()
        raise InputFileError(message) from None
    count_rows(figures, [(r["source_index"], r["reason"], bool(r["duplicate"]), int(r["n"]))
                         for r in counted])
    for i, first in repeats.items():
        mark_already_loaded(figures[i], figures[first]["read"])

    accepted = accepted_events(flagged.filter(~flagged.duplicate))
    bad_df = spark.sql(con.compile(flagged.filter(flagged.reason.notnull())))
    quarantined_df = bad_df.select(
        "source_file",
        "source_row",
        "reason",
        "detail",
        F.coalesce(
            F.col("bad_line"),
            F.to_json(
                F.struct(*[F.col(c).cast("string").alias(c) for c in EVENT_COLUMNS]),
                {"ignoreNullFields": "false"},
            ),
        ).alias("raw"),
    )
    quarantined = con.table(_view(quarantined_df, "quarantine"))
    counts = {**totals(figures), "files": figures}
    return SparkInputs(con, catalog, accepted, quarantined, counts, flagged, quarantined_df)


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
    spark: Any, infos: Sequence[InputFile], read: Sequence[int], exc: BaseException
) -> str:
    """``<file>: cannot be read as <FORMAT>: <problem>`` for a failure while reading events.

    Spark names the file it was reading in most failures; otherwise each file is read on its
    own until one fails (this only runs when something already went wrong).
    """
    from pyspark.sql import functions as F

    found = _FAILED_FILE.search(str(exc))
    order = list(read)
    if found is not None:  # the file Spark names first, read on its own for a clear cause
        failed = Path(unquote(found.group(1))).resolve()
        order.sort(key=lambda i: infos[i].path.resolve() != failed)
    for i in order:
        info = infos[i]
        try:
            df = _read_events_file(spark, info, i)
            df.select(F.max(F.hash(*df.columns))).collect()
        except Exception as own:  # the same Spark failure, now for one known file
            return f"{info.path}: cannot be read as {info.format.upper()}: " + (
                _spark_problem(own)
            )
    return f"cannot read the events files: {_spark_problem(exc)}"
