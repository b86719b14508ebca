"""starchart's public Python API: the one facade the CLI, the web site and notebooks call.

Every function takes ``db`` (a path; default ``$STARCHART_DB`` or ``./starchart.duckdb``)
and returns plain data: dicts, pandas DataFrames or Arrow tables.

Example::

    from starchart import api
    api.ingest(catalog="catalog.csv", events=["events/"])
    api.build()
    api.export("out/", round_to=100_000)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starchart import store
from starchart.export import export_charts
from starchart.weeks import DEFAULT_ROUND_TO

# --- shared -------------------------------------------------------------------------------


def export(
    out: str | Path,
    *,
    db: str | Path | None = None,
    source: str | None = None,
    round_to: int | None = None,
) -> dict[str, Any]:
    """Write all-weeks-global.tsv, all-weeks-countries.tsv and most-popular.tsv.

    Engine charts are rounded to ``round_to`` (default 100,000, Netflix's practice); imported
    Netflix charts are written as published unless ``round_to`` is given.
    """
    with store.opened(db, read_only=True) as con:
        chosen = source or store.default_source(con)
        unit = round_to
        if unit is None and chosen == store.ENGINE_SOURCE:
            unit = DEFAULT_ROUND_TO
        return export_charts(con, out, source=chosen, round_to_unit=unit)


# --- engine: ingest, build, quarantine (starchart.engine) ---------------------------------


def build(
    *,
    week: str | None = None,
    db: str | Path | None = None,
    engine: str = "duckdb",
    catalog: str | Path | None = None,
    events: list[Any] | tuple[Any, ...] | None = None,
    out: str | Path | None = None,
    round_to: int | None = None,
    spark_master: str | None = None,
    progress: Any = None,
) -> dict[str, Any]:
    """Compute the weekly charts and Most Popular lists (see docs/engine-charts.md).

    ``engine="duckdb"`` (default) builds from the store's accepted events into its chart
    tables: every complete week, or only ``week`` ('YYYY-MM-DD', a Sunday). ``engine="spark"``
    reads ``catalog`` and ``events`` files straight into Spark (``spark_master`` or local),
    validates them as ``ingest`` does and writes the three export files plus
    ``quarantine.tsv`` into ``out``. ``progress(description, done, total)`` is called per step.
    Returns weeks built, rows per table and timings.
    """
    from starchart.weeks import parse_week

    if engine == "spark":
        missing = [name for name, value in (("catalog", catalog), ("events", events),
                                            ("out", out)) if not value]
        if missing:
            raise ValueError(
                "the Spark build reads the input files itself and writes the export files: "
                "give --catalog FILE --events PATH... --out DIR (missing: "
                + ", ".join(f"--{m}" for m in missing) + ")"
            )
        if week is not None:
            raise ValueError("--week is for the DuckDB store; the Spark build builds every week")
        from starchart.engine.spark_build import build_spark

        assert catalog is not None and events is not None and out is not None
        return build_spark(catalog, list(events), out, round_to=round_to,
                           spark_master=spark_master, progress=progress)
    if engine != "duckdb":
        raise ValueError(f"unknown engine {engine!r}: choose duckdb or spark")
    if catalog is not None or events or out is not None or spark_master is not None:
        raise ValueError(
            "--catalog/--events/--out/--spark-master belong to --engine spark; on DuckDB run "
            "'starchart ingest', then 'starchart build' and 'starchart export'"
        )
    from starchart.engine.build import build as build_duckdb

    sunday = None if week is None else parse_week(str(week))
    return build_duckdb(db, week=sunday, progress=progress)


# --- published charts: import, changes, questions (starchart.published) -------------------


# --- simulator (starchart.simulate) -------------------------------------------------------
