"""What a published file must hold before it may replace anything: pure checks, no I/O.

428 mutated copies of Netflix's real files once fooled the importer: a cut file loaded its
last week half, ``1e300`` hours passed, titles carried NUL or 20 MB of text, swapped column
names loaded. These rules say what a real file always holds, so a damaged one is refused
naming the row before the store is touched.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

# Bounds no real figure comes near (Netflix's members watch ~4 billion hours a week and ~95
# billion a half-year, all titles together): anything above is a damaged cell, not a hit.
MAX_WEEKLY_HOURS = 5e9
MAX_WEEKLY_VIEWS = 5e9
MAX_HALF_YEAR_HOURS = 1e11
MAX_HALF_YEAR_VIEWS = 1e11
MAX_RUNTIME_HOURS = 500.0     # the longest listed seasons run some 100 hours
MAX_TITLE_CHARS = 400         # the longest real title has ~200 characters
ENGAGEMENT_FLOOR_HOURS = 100_000  # every report lists titles down to 100,000 (rounded) hours
TOP = 10

# Characters that never appear in a real title: control characters (NUL, CR, LF, TAB...),
# C1 controls such as U+0085 (NEL), line/paragraph separators and lone surrogates.
_BAD_CHARACTER = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


@lru_cache(maxsize=65_536)  # a file repeats its titles: each is checked once
def bad_text(text: str) -> str | None:
    """Why ``text`` cannot be a title (or another published name), or None when it can."""
    if len(text) > MAX_TITLE_CHARS:
        return f"is {len(text):,} characters long (a title has at most {MAX_TITLE_CHARS})"
    found = _BAD_CHARACTER.search(text)
    if found:
        return f"holds the control character U+{ord(found.group()):04X}"
    return None


def disagreeing_views(rows: Iterable[tuple[int, float, float | None, float | None]],
                      *, unit: float = 100_000, most_share: float = 0.02) -> list[int]:
    """Rows whose views are not hours / runtime, when too many disagree to be Netflix's own
    exceptions (live events keep their own runtime). ``rows``: (row, hours, runtime, views);
    both figures are rounded to ``unit``. Empty when the file is consistent enough."""
    checked = 0
    wrong: list[int] = []
    for number, hours, runtime, views in rows:
        if hours is None or runtime is None or views is None or runtime <= 0:
            continue
        checked += 1
        if abs(hours - views * runtime) > unit / 2 * (1 + runtime) + 1:
            wrong.append(number)
    if checked and len(wrong) > max(3, most_share * checked):
        return wrong
    return []


def incomplete_lists(keys: Sequence[tuple[Any, ...]], ranks: Sequence[int],
                     rows: Sequence[int]) -> tuple[int, str] | None:
    """(row, reason) for the first list that does not hold ranks 1-10 once, else None.

    ``keys[i]`` names the list of row ``rows[i]`` (week and category, plus the country)."""
    found: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    last_row: dict[tuple[Any, ...], int] = {}
    for key, rank, row in zip(keys, ranks, rows, strict=True):
        found[key].append(rank)
        last_row[key] = row
    for key, held in found.items():
        if sorted(held) != list(range(1, TOP + 1)):
            missing = sorted(set(range(1, TOP + 1)) - set(held))
            label = ", ".join(str(k) for k in key)
            what = f"lacks rank(s) {', '.join(map(str, missing))}" if missing else (
                f"holds {len(held)} rows")
            return last_row[key], f"the list ({label}) {what}: a list holds ranks 1-10 once"
    return None


def missing_categories(weeks: Sequence[Any], groups: Sequence[Any], categories: Sequence[str],
                       rows: Sequence[int], expected: Sequence[str]) -> tuple[int, str] | None:
    """(row, reason) for the first week (per group: a country, or None) that lacks one of the
    ``expected`` categories; a file cut mid-way leaves its last week short."""
    held: dict[tuple[Any, Any], set[str]] = defaultdict(set)
    last_row: dict[tuple[Any, Any], int] = {}
    for week, group, category, row in zip(weeks, groups, categories, rows, strict=True):
        held[(week, group)].add(category)
        last_row[(week, group)] = row
    for (week, group), cats in held.items():
        lacking = [c for c in expected if c not in cats]
        if lacking:
            where = f"{group}, {week}" if group else str(week)
            return last_row[(week, group)], (
                f"week {where} lacks the list(s) {', '.join(lacking)}: the file is cut or "
                "incomplete")
    return None
