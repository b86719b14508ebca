"""The simulator: a believable streaming world (catalog + viewing events) to chart.

``simulate(out, ...)`` writes ``catalog.csv`` in the engine's catalog format and Parquet
viewing events the engine ingests as they are. ``SLATE`` is Netflix's 2025 Korean film
slate, always in the catalog. See docs/simulator.md for what is modelled.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from starchart.simulate.slate import SLATE, SLATE_BY_ID, SlateTitle
    from starchart.simulate.world import default_end, simulate

__all__ = ["SLATE", "SLATE_BY_ID", "SlateTitle", "default_end", "simulate"]

# Imported when first asked for: ``starchart.simulate.defaults`` (what the CLI's help shows)
# must not cost the simulator's imports.
_LAZY = {"SLATE": "slate", "SLATE_BY_ID": "slate", "SlateTitle": "slate",
         "default_end": "world", "simulate": "world"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{module}"), name)
