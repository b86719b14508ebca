"""``starchart build --engine spark``: the same charts, computed on Apache Spark.

The input files go straight into Spark (:func:`starchart.engine.spark_inputs.load_inputs`
reads them typed and applies the same validation and de-duplication as ``ingest``); the
accepted events are rolled up per day, country and title by the same
:func:`starchart.engine.charts.daily_rollup` the DuckDB ingest uses, and the lists come from
the same Ibis expressions over that rollup (:mod:`starchart.engine.charts`), run on Ibis's
PySpark backend. Only the small
chart results leave Spark: they are collected into an in-memory DuckDB store and written by
the one exporter (:func:`starchart.export.export_charts`), so for the same input the files
are byte-identical to ``ingest`` + ``build`` + ``export`` on DuckDB.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from starchart import store
from starchart.engine import charts
from starchart.engine.build import STEPS, Progress, StepTimer, compute_charts, summary, write_charts
from starchart.export import export_charts
from starchart.weeks import DEFAULT_ROUND_TO

QUARANTINE_FILE = "quarantine.tsv"
QUARANTINE_COLUMNS = ("source_file", "source_row", "reason", "detail", "raw")

PathLike = str | os.PathLike[str]


def _cell(value: Any) -> str:
    """One TSV cell: empty for NULL; backslash, tab and newline escaped so rows stay rows."""
    if value is None:
        return ""
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\r", "\\r").replace("\n", "\\n")


def quarantine_tsv_rows(table: pa.Table) -> list[list[str]]:
    """Quarantined rows as TSV cells in the file's order (file, row, reason, detail); for
    comparing a store's quarantine with :data:`QUARANTINE_FILE`."""
    rows = [tuple(r[c] for c in QUARANTINE_COLUMNS) for r in table.to_pylist()]
    rows.sort(key=lambda r: (str(r[0]), int(r[1]), str(r[2]), str(r[3] or "")))
    return [[_cell(v) for v in r] for r in rows]


def write_quarantine(quarantined: Any, path: Path) -> int:
    """Write the quarantined rows with their reasons as a TSV (header, LF, UTF-8).

    Spark sorts them (file, row, reason, detail); the driver streams them a partition at a
    time, so a file full of bad rows never has to fit in the driver's memory at once.
    """
    from pyspark.sql import functions as F

    df = quarantined.select(*QUARANTINE_COLUMNS).orderBy(
        "source_file", "source_row", "reason", F.coalesce(F.col("detail"), F.lit(""))
    )
    count = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("\t".join(QUARANTINE_COLUMNS) + "\n")
        for row in df.toLocalIterator():
            out.write("\t".join(_cell(v) for v in row) + "\n")
            count += 1
    return count


def build_spark(
    catalog: PathLike,
    events: Sequence[PathLike],
    out: PathLike,
    *,
    round_to: int | None = None,
    spark_master: str | None = None,
    spark: Any = None,
    progress: Progress | None = None,
    then: Callable[[Any, Any, Path], dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Validate the input files and build every complete week's charts on Spark; write
    ``all-weeks-global.tsv``, ``all-weeks-countries.tsv``, ``most-popular.tsv`` and
    ``quarantine.tsv`` into ``out``.

    ``spark`` reuses a session; otherwise one is started (local, or ``spark_master``).
    ``then(session, inputs, out)``, if given, runs after the charts while the validated
    inputs are still cached (the build trains the discovery models there, reading the
    files once); its answer is the report's ``training``.
    """
    from starchart.engine.spark_inputs import load_inputs
    from starchart.engine.spark_session import get_spark

    if not events:
        raise ValueError("the Spark build needs at least one events file or folder (--events)")
    started = time.perf_counter()
    session = spark if spark is not None else get_spark(spark_master)
    # Chart weeks are UTC: a session in another time zone would move events across weeks.
    session.conf.set("spark.sql.session.timeZone", "UTC")
    if progress is not None:
        progress("reading and validating the input files", 0, len(STEPS))
    inputs = load_inputs(session, str(catalog), [str(p) for p in events])
    try:
        # The daily rollup is small and every chart query reads it: computed once, cached.
        daily = charts.daily_rollup(inputs.accepted).cache()
        try:
            results = compute_charts(daily, inputs.catalog, progress=progress)
        finally:
            daily.release()
        steps = StepTimer(progress, results.timings)
        steps.done = len(STEPS) - 1
        out_dir = Path(out)
        unit = DEFAULT_ROUND_TO if round_to is None else round_to
        with steps.step("write", STEPS[4]):
            with duckdb.connect() as mem:
                mem.execute(store.SCHEMA)
                rows = write_charts(mem, results)
                exported = export_charts(mem, out_dir, source=store.ENGINE_SOURCE,
                                         round_to_unit=unit)
            n_quarantined = write_quarantine(inputs.quarantined_df, out_dir / QUARANTINE_FILE)
        charts_done = time.perf_counter()
        training = None if then is None else then(session, inputs, out_dir)
    finally:
        inputs.close()
    report = summary(
        results, rows, engine="spark", master=session.sparkContext.master,
        out=str(out_dir), round_to=unit,
        files=[*exported["files"], str(out_dir / QUARANTINE_FILE)],
        exported_rows=exported["rows"], quarantined=n_quarantined,
        inputs={k: v for k, v in inputs.counts.items()},
    )
    report["timings"]["charts"] = round(charts_done - started, 4)
    report["timings"]["wall"] = round(time.perf_counter() - started, 4)
    if training is not None:
        report["training"] = training
    return report
