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


# --- published charts: import, changes, questions (starchart.published) -------------------


# --- simulator (starchart.simulate) -------------------------------------------------------
