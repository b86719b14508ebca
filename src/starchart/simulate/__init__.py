"""The simulator: a believable streaming world (catalog + viewing events) to chart.

``simulate(out, ...)`` writes ``catalog.csv`` in the engine's catalog format and Parquet
viewing events the engine ingests as they are. ``SLATE`` is Netflix's 2025 Korean film
slate, always in the catalog. See docs/simulator.md for what is modelled.
"""

from starchart.simulate.slate import SLATE, SLATE_BY_ID, SlateTitle
from starchart.simulate.world import default_end, simulate

__all__ = ["SLATE", "SLATE_BY_ID", "SlateTitle", "default_end", "simulate"]
