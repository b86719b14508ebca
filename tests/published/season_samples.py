"""Hand-made Netflix files for search and show pages: shows of many seasons (Elite 1-10,
Lupin's parts), Stranger Things with its first season labelled ``N/A``, look-alike names
(Pink, Shaolin, Upin & Ipin, Pokémon) and an engagement report giving Money Heist's
original title (``English // original``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.published import engagement_samples as e
from tests.published import netflix_samples as s

HEADER = ("week|category|weekly_rank|show_title|season_title|weekly_hours_viewed|"
          "cumulative_weeks_in_top_10")


def _list(week: str, category: str, titles: list[tuple[str, str]]) -> list[str]:
    return [f"{week}|{category}|{rank}|{show}|{season}|{1000000 * (11 - rank)}|1"
            for rank, (show, season) in enumerate(titles, start=1)]


def _elite(*numbers: int) -> list[tuple[str, str]]:
    return [("Elite", f"Elite: Season {n}") for n in numbers]


GLOBAL = s.tsv(
    HEADER,
    *_list("2021-07-11", "Films (English)", [
        ("KPop Demon Hunters", "N/A"), ("Pink", "N/A"), ("Shaolin", "N/A"),
        ("Pokémon Detective Pikachu", "N/A"), ("Killer Elite", "N/A"),
        ("Upin & Ipin: The Lone Gibbon Kris", "N/A")]),
    *_list("2021-07-11", "Films (Non-English)", [("Lupin III: The First", "N/A")]),
    *_list("2021-07-11", "TV (English)", [
        ("Stranger Things", "Stranger Things 3"), ("Stranger Things", "N/A"),
        ("Stranger Things", "Stranger Things 2")]),
    *_list("2021-07-11", "TV (Non-English)", [
        ("Lupin", "Lupin: Part 2"), *_elite(5, 8, 6, 7, 9), ("Lupin", "Lupin: Part 1"),
        ("Money Heist", "Money Heist: Part 2"), ("Money Heist", "Money Heist: Part 1")]),
    *_list("2021-07-04", "Films (English)", [("Pink", "N/A")]),
    *_list("2021-07-04", "Films (Non-English)", [("Shaolin", "N/A")]),
    *_list("2021-07-04", "TV (English)", [("Stranger Things", "N/A")]),
    *_list("2021-07-04", "TV (Non-English)", [*_elite(10, 4, 1, 2, 3), ("Lupin", "Lupin: Part 1")]),
)

ENGAGEMENT = {"Engagement": [
    ("Money Heist: Part 1 // La casa de papel: Parte 1", "Yes", dt.datetime(2017, 5, 2),
     90_000_000),
    ("Money Heist: Part 2 // La casa de papel: Parte 2", "Yes", dt.datetime(2017, 10, 16),
     80_000_000),
    ("Elite: Season 1 // Élite: Temporada 1", "Yes", dt.datetime(2018, 10, 5), 100_000),
]}


def folder(path: Path) -> Path:
    """The global list file and one engagement report, ready for ``import netflix``."""
    s.write(path, "all-weeks-global.tsv", GLOBAL)
    e.write_report(path / e.NAMES["2023H1"], ENGAGEMENT, "2023H1")
    return path


def imported_store(root: Path) -> Path:
    """The samples written under ``root`` and imported into a store of their own there."""
    from starchart import api

    db = root / "store.duckdb"
    api.import_netflix(folder(root / "files"), db=db)
    return db
