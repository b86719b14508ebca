"""Hand-made engagement reports in each layout Netflix has used, with its quirks.

Like the real workbooks: a title block above the table, the header in row 6 starting in
column B, an empty column A and a trailing empty column, a blank row at the end; titles
``English // original`` (a third spelling too), no-break spaces, date cells in the 2023 H1
layout and ISO text later, runtimes ``H:MM``, ``H:MM*`` and ``*``, two films of one name told
apart by release date. Every sheet runs down to 100,000 hours, as a real report does.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl

Row = tuple[Any, ...]

# 2023 H1: one sheet, no Runtime or Views, release dates as date cells.
H1_2023: dict[str, list[Row]] = {
    "Engagement": [
        ("The Night Agent: Season 1", "Yes", dt.datetime(2023, 3, 23), 812_100_000),
        ("The Glory: Season 1 // 더 글로리: 시즌 1", "Yes", dt.datetime(2022, 12, 30), 622_800_000),
        ("Unlocked // 스마트폰을 떨어뜨렸을 뿐인데", "Yes", dt.datetime(2023, 2, 17), 20_000_000),
        ("Meteor Garden: Season 1 // 流星花園: 第 1 季 // 流星花园: 第 1 季", "No", None, 500_000),
        ("Unlocked", "No", dt.datetime(2017, 12, 30), 300_000),
        ("라디오 스타", "No", None, 100_000),
    ],
}

# 2023 H2 - 2024 H2: TV and Film sheets, + Runtime and Views, release dates as ISO text.
H2_2023: dict[str, list[Row]] = {
    "TV": [
        ("ONE PIECE: Season 1", "Yes", "2023-08-31", 541_900_000, "7:34", 71_600_000),
        ("Peppa Pig: Season 1", "No", None, 73_000_000, "*", 17_900_000),
        ("Dear Child: Limited Series // Liebes Kind: Miniserie", "Yes", "2023-09-07",
         252_800_000, "4:49", 52_500_000),
        ("Whose Vote Counts, Explained: Limited Series", "Yes", "2020-09-28", 100_000, "1:15",
         100_000),
    ],
    "Film": [
        ("Leave the World Behind", "Yes", "2023-12-08", 286_300_000, "2:22", 121_000_000),
        ("Unlocked // 스마트폰을 떨어뜨렸을 뿐인데", "Yes", "2023-02-17", 4_200_000, "1:58",
         2_100_000),
        ("Unlocked", "No", "2017-12-30", 3_000_000, "1:38", 1_800_000),
        ("Three Wishes for Cinderella // Drei Haselnüsse für Aschenbrödel\xa0", "No", None,
         900_000, "1:26", 600_000),
        ("Monster", "Yes", "2021-05-07", 1_300_000, "1:39", 800_000),
        ("표적", "No", None, 100_000, "1:38", 100_000),
    ],
}

# 2025 H1: Shows and Movies; a live event's runtime with '*'; the same name twice by date.
H1_2025: dict[str, list[Row]] = {
    "Shows": [
        ("Adolescence: Limited Series", "Yes", "2025-03-13", 555_100_000, "3:50", 144_800_000),
        ("Squid Game: Season 2 // 오징어 게임: 시즌 2", "Yes", "2024-12-26", 840_300_000,
         "7:10", 117_300_000),
        ("Raw: January 6, 2025", "No", "2025-01-06", 20_000_000, "2:25*", 6_900_000),
        ("You vs. Wild: Season 1", "No", "2025-01-23", 1_500_000, "2:12", 700_000),
        ("You vs. Wild: Season 1", "No", "2019-04-10", 500_000, "2:31", 200_000),
        ("Young Royals Forever", "Yes", "2024-03-18", 100_000, "0:55", 100_000),
    ],
    "Movies": [
        ("Back in Action", "Yes", "2025-01-17", 313_000_000, "1:54", 164_700_000),
        ("Revelations // 계시록", "Yes", "2025-03-21", 36_600_000, "2:02", 18_000_000),
        ("Unlocked // 스마트폰을 떨어뜨렸을 뿐인데", "Yes", "2023-02-17", 2_800_000, "1:58",
         1_400_000),
        ("Unlocked", "No", "2017-12-30", 2_000_000, "1:38", 1_200_000),
        ("Monster", "Yes", "2024-05-16", 1_700_000, "1:25", 1_200_000),
        ("Monster", "Yes", "2021-05-07", 1_000_000, "1:39", 600_000),
        ("표적", "No", None, 100_000, "1:38", 100_000),
    ],
}

NAMES = {
    "2023H1": "What_We_Watched_A_Netflix_Engagement_Report_2023Jan-Jun.xlsx",
    "2023H2": "What_We_Watched_A_Netflix_Engagement_Report_2023Jul-Dec.xlsx",
    "2025H1": "What_We_Watched_A_Netflix_Engagement_Report_2025Jan-Jun.xlsx",
}
PERIODS = {"2023H1": "January to June 2023", "2023H2": "July to December 2023",
           "2025H1": "January to June 2025"}
HOURS_ONLY = ("Title", "Available Globally?", "Release Date", "Hours Viewed")
WITH_VIEWS = (*HOURS_ONLY, "Runtime", "Views")


def write_report(path: Path, sheets: dict[str, list[Row]], period: str, *,
                 header: tuple[str, ...] | None = None, block: str | None = None,
                 header_row: int = 6) -> Path:
    """A workbook laid out as Netflix lays them out (``block`` overrides the title line)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        width = len(rows[0]) if rows else 4
        columns = header or (HOURS_ONLY if width == 4 else WITH_VIEWS)
        sheet.cell(2, 2, "What We Watched: A Netflix Engagement Report")
        word = "Hours viewed" if "Views" not in columns else "Views"
        sheet.cell(3, 2, block or f"{word} from {PERIODS.get(period, period)}")
        for i, name_ in enumerate(columns):
            sheet.cell(header_row, 2 + i, name_)
        for r, row in enumerate(rows, start=header_row + 1):
            for i, value in enumerate(row):
                sheet.cell(r, 2 + i, value)
        sheet.cell(header_row + len(rows) + 1, 2 + len(columns), None)  # a trailing blank row
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def folder(path: Path) -> Path:
    """The three sample reports, named as Netflix names them."""
    write_report(path / NAMES["2023H1"], H1_2023, "2023H1")
    write_report(path / NAMES["2023H2"], H2_2023, "2023H2")
    write_report(path / NAMES["2025H1"], H1_2025, "2025H1")
    return path
