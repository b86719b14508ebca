"""The demo pipeline: simulate a world, ingest it, build its charts, export them.

Kept apart from the terminal rendering (starchart.commands.demo) so that it can be tested and
reused from Python. A second run reuses what the first one made unless ``fresh`` is set.
"""

from __future__ import annotations

import json
import math
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starchart import api, store
from starchart.progress import ProgressCallback

#: The demo world: about half a year of weeks up to the most recent complete week.
DEMO_WEEKS = 26


@dataclass(frozen=True)
class DemoPaths:
    """Where a demo run keeps its world, its store and its exports."""

    root: Path

    @property
    def world(self) -> Path:
        return self.root / "world"

    @property
    def db(self) -> Path:
        return self.root / "starchart.duckdb"

    @property
    def exports(self) -> Path:
        return self.root / "exports"

    @property
    def manifest(self) -> Path:
        return self.root / "demo.json"


@dataclass
class DemoResult:
    """What the demo did, for the terminal and for tests."""

    paths: DemoPaths
    reused: bool
    simulated: dict[str, Any] = field(default_factory=dict)
    ingested: dict[str, Any] = field(default_factory=dict)
    built: dict[str, Any] = field(default_factory=dict)
    exported: dict[str, Any] = field(default_factory=dict)
    round_to: int = 1


def choose_round_to(tenth_place_views: list[float]) -> int:
    """A rounding unit that keeps about three significant figures on the smallest #10.

    Netflix rounds to 100,000 because its #10 titles have millions of views; a simulated world
    is far smaller, and rounding it to 100,000 would print zeros. We pick the power of ten
    that leaves two or three significant digits on the weakest full list's #10.
    """
    positive = [v for v in tenth_place_views if v > 0]
    if not positive:
        return 1
    smallest = min(positive)
    return int(10 ** max(0, math.floor(math.log10(smallest)) - 2))


def tenth_place_views(db: Path) -> list[float]:
    """Views of the #10 title of every global list of the latest week (the demo's scale)."""
    with store.opened(db, read_only=True) as con:
        rows = con.execute(
            """SELECT weekly_views FROM chart_global
               WHERE source = ? AND weekly_rank = 10
                 AND week = (SELECT max(week) FROM chart_global WHERE source = ?)""",
            [store.ENGINE_SOURCE, store.ENGINE_SOURCE],
        ).fetchall()
    return [float(r[0]) for r in rows if r[0] is not None]


def _clear(paths: DemoPaths) -> None:
    """Remove what a demo run writes, and nothing else (``--out`` may be a shared folder)."""
    beside = paths.db.with_name(paths.db.name + ".releases")  # never $STARCHART_RELEASES
    for folder in (paths.world, paths.exports, beside):
        if folder.exists():
            shutil.rmtree(folder)
    for file in (paths.manifest, paths.db, paths.db.with_name(paths.db.name + ".wal")):
        file.unlink(missing_ok=True)


def _saved_run(paths: DemoPaths) -> dict[str, Any] | None:
    """The manifest of a finished earlier run in ``paths``, if there is one."""
    if not (paths.manifest.exists() and paths.db.exists()):
        return None
    try:
        saved: dict[str, Any] = json.loads(paths.manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return saved


def run_demo(
    root: Path,
    *,
    fresh: bool = False,
    weeks: int = DEMO_WEEKS,
    profiles: int | None = None,
    titles: int | None = None,
    seed: int = 7,
    end: str | None = None,
    progress: ProgressCallback | None = None,
) -> DemoResult:
    """Simulate, ingest, build and export into ``root``; reuse a finished earlier run."""
    paths = DemoPaths(Path(root))
    from starchart.simulate.world import resolve_end

    # The resolved end date, so a later run after a new week has ended builds the new world.
    end = resolve_end(end).isoformat()
    options = {"weeks": weeks, "profiles": profiles, "titles": titles, "seed": seed, "end": end}
    if fresh:
        _clear(paths)
    saved = _saved_run(paths)
    if saved is not None and saved.get("options") == options:
        return DemoResult(paths=paths, reused=True, simulated=saved.get("simulated", {}),
                          ingested=saved.get("ingested", {}), built=saved.get("built", {}),
                          exported=saved.get("exported", {}), round_to=saved["round_to"])
    # An unfinished earlier run (no manifest), or one of another world, is started over
    # rather than half-trusted.
    _clear(paths)
    paths.root.mkdir(parents=True, exist_ok=True)

    sim_options: dict[str, Any] = {"weeks": weeks, "seed": seed, "end": end}
    if profiles is not None:
        sim_options["profiles"] = profiles
    if titles is not None:
        sim_options["titles"] = titles
    simulated = api.simulate(paths.world, progress=progress, **sim_options)
    ingested = api.ingest(
        catalog=paths.world / "catalog.csv", events=[paths.world / "events"], db=paths.db,
        progress=progress,
    )
    built = api.build(db=paths.db, progress=progress)
    unit = choose_round_to(tenth_place_views(paths.db))
    exported = api.export(paths.exports, db=paths.db, round_to=unit)
    result = DemoResult(paths=paths, reused=False, simulated=simulated, ingested=ingested,
                        built=built, exported=exported, round_to=unit)
    paths.manifest.write_text(
        json.dumps({"options": options, "simulated": simulated, "ingested": ingested,
                    "built": built, "exported": exported, "round_to": unit},
                   default=str, indent=2),
        encoding="utf-8",
    )
    return result
