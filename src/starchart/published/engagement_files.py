"""Read Netflix's "What We Watched" engagement reports, in every layout of the five so far.

The reports are hand-curated XLSX workbooks: a title block above the table ("What We
Watched: A Netflix Engagement Report", "Views from January to June 2025"), the header in row
6 starting in column B, and sheets that changed names (``Engagement``; ``TV``/``Film``;
``Shows``/``Movies``). The first report has no Runtime or Views; release dates are date
cells in the first report and ISO text later; runtime is ``H:MM`` text, ``H:MM*`` for live
events and ``*`` where Netflix gives none. Columns are found by their header, the table by the
row that holds them, so any of these layouts parses to one Arrow table. Values are kept as
published (the title as written; its English and original names split at ``//``).

Nothing here touches the store. A report that cannot be imported raises
:class:`~starchart.published.netflix_files.NetflixFileError` naming the file, sheet, row and
reason, and the checks that a swapped, cut or impossible report fails are made before any
row is returned.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from starchart.published.checks import (
    ENGAGEMENT_FLOOR_HOURS,
    MAX_HALF_YEAR_HOURS,
    MAX_HALF_YEAR_VIEWS,
    MAX_RUNTIME_HOURS,
    bad_text,
    disagreeing_views,
)
from starchart.published.netflix_files import NetflixFileError, open_workbook

HEADER_SEARCH_ROWS = 30  # the title block is a few rows; the header must come before this
MONTHS = {name: i for i, name in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"), start=1)}
_MONTH_ABBR = {name[:3]: i for name, i in MONTHS.items()}
_PERIOD_IN_TEXT = re.compile(
    r"from\s+([A-Za-z]+)\s+(\d{4})?\s*(?:to|-|through)\s+([A-Za-z]+)\s+(\d{4})", re.I)
_PERIOD_IN_NAME = re.compile(r"(\d{4})[-_ ]?([A-Za-z]{3})[a-z]*[-_ ]+([A-Za-z]{3})", re.I)
_RUNTIME = re.compile(r"^(\d{1,4}):([0-5]\d)(\*?)$")
_INTEGER = re.compile(r"^\d+$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

# Header names as Netflix writes them -> the store's columns.
COLUMNS = {
    "title": "title",
    "available globally?": "available_globally",
    "release date": "release_date",
    "hours viewed": "hours_viewed",
    "runtime": "runtime",
    "views": "views",
}
REQUIRED = ("title", "available globally?", "release date", "hours viewed")
SHEET_KINDS = {"tv": "tv", "shows": "tv", "series": "tv", "film": "film", "films": "film",
               "movies": "film", "movie": "film"}
MIXED_SHEETS = frozenset({"engagement", "all", "engagement report"})

SCHEMA = pa.schema([
    ("sheet", pa.string()), ("kind", pa.string()), ("row_number", pa.int32()),
    ("title", pa.string()), ("english_title", pa.string()), ("original_title", pa.string()),
    ("other_titles", pa.string()),
    ("available_globally", pa.bool_()), ("release_date", pa.date32()),
    ("hours_viewed", pa.float64()), ("runtime", pa.float64()), ("runtime_text", pa.string()),
    ("views", pa.float64()),
])


@dataclass(frozen=True)
class HalfYear:
    """A report's period: ``2025H1`` is 2025-01-01 .. 2025-06-30."""

    year: int
    half: int

    @property
    def label(self) -> str:
        return f"{self.year}H{self.half}"

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 1 if self.half == 1 else 7, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.year, 6, 30) if self.half == 1 else dt.date(self.year, 12, 31)

    @classmethod
    def parse(cls, text: str) -> HalfYear:
        """``2025H1``, ``2025h2``, ``2025-H1`` -> HalfYear; ValueError naming the form."""
        match = re.fullmatch(r"\s*(\d{4})\s*-?\s*[Hh]([12])\s*", text)
        if not match:
            raise ValueError(f"not a half-year (e.g. 2025H1): {text!r}")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def from_months(cls, year: int, first: int, last: int) -> HalfYear | None:
        if (first, last) == (1, 6):
            return cls(year, 1)
        if (first, last) == (7, 12):
            return cls(year, 2)
        return None


@dataclass
class ParsedReport:
    """One engagement report, parsed and checked."""

    path: Path
    period: HalfYear
    layout: str          # 'engagement-2023h1' (hours only) | 'engagement' (+ runtime, views)
    sheets: list[str]
    sha256: str
    table: pa.Table
    published: frozenset[str]  # columns this layout has

    @property
    def rows(self) -> int:
        return int(self.table.num_rows)


def is_engagement_name(path: Path) -> bool:
    """``What_We_Watched_A_Netflix_Engagement_Report_2025Jan-Jun.xlsx`` and the like."""
    name = path.name.lower().replace("_", "-").replace(" ", "-")
    return "engagement" in name or "what-we-watched" in name


def period_from_name(path: Path) -> HalfYear | None:
    """The half-year a file's name gives (``..._2025Jan-Jun.xlsx``), else None."""
    for match in _PERIOD_IN_NAME.finditer(path.stem):
        first = _MONTH_ABBR.get(match.group(2).lower())
        last = _MONTH_ABBR.get(match.group(3).lower())
        if first and last:
            found = HalfYear.from_months(int(match.group(1)), first, last)
            if found:
                return found
    half = re.search(r"(\d{4})[-_ ]?H([12])", path.stem, re.I)
    return HalfYear(int(half.group(1)), int(half.group(2))) if half else None


def period_from_block(lines: list[str]) -> HalfYear | None:
    """The half-year the title block states ("Views from July to December 2023")."""
    for line in lines:
        match = _PERIOD_IN_TEXT.search(line)
        if match:
            first = MONTHS.get(match.group(1).lower())
            last = MONTHS.get(match.group(3).lower())
            year = int(match.group(4))
            if match.group(2) and int(match.group(2)) != year:
                return None
            if first and last:
                return HalfYear.from_months(year, first, last)
    return None


def split_title(title: str) -> tuple[str, str | None, list[str]]:
    """``"Revelations // 계시록"`` -> ("Revelations", "계시록", []); a third part (the
    simplified-Chinese spelling) goes to the alternates. Whitespace (no-break and ideographic
    spaces included) is trimmed from each part; the published text is kept elsewhere."""
    parts = [p.strip() for p in title.split("//")]
    parts = [p for p in parts if p]
    if not parts:
        return title.strip(), None, []
    english = parts[0]
    original = parts[1] if len(parts) > 1 else None
    return english, original, parts[2:]


# --- cells ------------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _whole_number(name: str, most: float) -> Callable[[Any], float | None]:
    def parse(value: Any) -> float | None:
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            raise ValueError(f"{name} is not a number: {value!r}")
        if isinstance(value, (int, float)):
            number = float(value)
        elif isinstance(value, str) and _INTEGER.match(value.strip()):
            number = float(int(value.strip()))
        else:
            raise ValueError(f"{name} is not a whole number: {value!r}")
        if number != number or number < 0 or not float(number).is_integer():
            raise ValueError(f"{name} is not a non-negative whole number: {value!r}")
        if number > most:
            raise ValueError(f"{name} {number:,.0f} is impossible (more than {most:,.0f})")
        return number
    return parse


def _runtime(value: Any) -> tuple[float | None, str | None]:
    text = _text(value).strip()
    if text == "":
        return None, None
    if text == "*":
        return None, text
    match = _RUNTIME.match(text)
    if not match:
        raise ValueError(f"Runtime is not H:MM: {text!r}")
    hours = int(match.group(1)) + int(match.group(2)) / 60
    if hours > MAX_RUNTIME_HOURS:
        raise ValueError(f"Runtime {text} is impossible (more than {MAX_RUNTIME_HOURS} hours)")
    return hours, text


def _yes_no(value: Any) -> bool:
    text = _text(value).strip().lower()
    if text in ("yes", "y", "true"):
        return True
    if text in ("no", "n", "false"):
        return False
    raise ValueError(f"Available Globally? is not Yes/No: {value!r}")


def _release_date(value: Any, period: HalfYear) -> dt.date | None:
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return None
    if isinstance(value, dt.datetime):
        if value.time() != dt.time():
            raise ValueError(f"Release Date has a time of day: {value.isoformat()}")
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    elif isinstance(value, str) and _ISO_DATE.match(value.strip()):
        try:
            day = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"Release Date is not a date: {value!r}") from None
    else:
        raise ValueError(f"Release Date is not a date (YYYY-MM-DD): {value!r}")
    if day.year < 1900 or day > period.end:
        raise ValueError(f"Release Date {day.isoformat()} is impossible for a report of "
                         f"{period.start.isoformat()} .. {period.end.isoformat()}")
    return day


# --- workbook ---------------------------------------------------------------------------------


def _sheet_rows(path: Path, sheet: Any) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """(spreadsheet row number, values); a corrupt sheet becomes a NetflixFileError."""
    number = 0
    try:
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, values
    except NetflixFileError:
        raise
    except Exception as exc:  # openpyxl/zip/XML raise many types for a damaged sheet
        raise NetflixFileError(
            path, None, f"sheet {sheet.title!r} is damaged after row {number} "
            f"({type(exc).__name__}: {str(exc)[:200]})") from None


def _find_header(path: Path, sheet_name: str, rows: Iterator[tuple[int, tuple[Any, ...]]],
                 ) -> tuple[int, int, dict[str, int], list[str]]:
    """Skip the title block: (header row, first column, {column: index}, block lines)."""
    block: list[str] = []
    for number, values in rows:
        cells = [_text(v).strip() for v in values]
        lowered = [c.lower() for c in cells]
        if "title" in lowered and "hours viewed" in lowered:
            found: dict[str, int] = {}
            start = lowered.index("title")
            for i, name in enumerate(lowered):
                if name == "":
                    continue
                if i < start:
                    raise NetflixFileError(path, number, f"sheet {sheet_name!r}: a column "
                                           f"{cells[i]!r} before Title")
                if name not in COLUMNS:
                    raise NetflixFileError(
                        path, number, f"sheet {sheet_name!r}: unknown column {cells[i]!r} "
                        f"(known: {', '.join(n.title() for n in COLUMNS)})")
                if name in found:
                    raise NetflixFileError(path, number,
                                           f"sheet {sheet_name!r}: column {cells[i]!r} twice")
                found[name] = i
            missing = [n for n in REQUIRED if n not in found]
            if missing:
                raise NetflixFileError(path, number, f"sheet {sheet_name!r} lacks column(s) "
                                       + ", ".join(repr(n.title()) for n in missing))
            if ("runtime" in found) != ("views" in found):
                raise NetflixFileError(path, number, f"sheet {sheet_name!r} has one of "
                                       "Runtime and Views without the other")
            return number, start, found, block
        block.extend(c for c in cells if c)
        if number >= HEADER_SEARCH_ROWS:
            break
    raise NetflixFileError(path, None, f"sheet {sheet_name!r}: no header row with Title and "
                           f"Hours Viewed in its first {HEADER_SEARCH_ROWS} rows")


def sheet_kind(name: str) -> str | None:
    """'TV'/'Shows' -> tv, 'Film'/'Movies' -> film; a mixed sheet ('Engagement') -> None."""
    key = name.strip().lower()
    if key in SHEET_KINDS:
        return SHEET_KINDS[key]
    if key in MIXED_SHEETS:
        return None
    raise KeyError(name)


Progress = Callable[[int], None]


def parse_report(path: str | Path, *, progress: Progress | None = None) -> ParsedReport:
    """Parse and check one engagement report; NetflixFileError names file, sheet, row, reason.

    ``progress(rows_read)`` is called every few thousand rows.
    """

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    book = open_workbook(path)
    try:
        return _parse_book(path, book, digest, progress)
    finally:
        book.close()


def _parse_book(path: Path, book: Any, digest: str, progress: Progress | None) -> ParsedReport:
    by_name = period_from_name(path)
    columns: dict[str, list[Any]] = {name: [] for name in SCHEMA.names}
    sheets: list[str] = []
    period: HalfYear | None = None
    has_views: bool | None = None
    seen: dict[tuple[str | None, str, dt.date | None], tuple[str, int]] = {}
    kinds: list[str | None] = []
    total = 0
    for sheet in book.worksheets:
        name = sheet.title
        try:
            kind = sheet_kind(name)
        except KeyError:
            raise NetflixFileError(path, None, f"unknown sheet {name!r} (expected TV/Film, "
                                   "Shows/Movies or one Engagement sheet)") from None
        rows = _sheet_rows(path, sheet)
        header_row, start, found, block = _find_header(path, name, rows)
        stated = period_from_block(block)
        this = stated or by_name
        if this is None:
            raise NetflixFileError(path, None, f"sheet {name!r}: no half-year in its title block "
                                   "(\"Views from January to June 2025\") or the file name")
        if stated and by_name and stated != by_name:
            raise NetflixFileError(path, None, f"the title block says {stated.label} but the "
                                   f"file name says {by_name.label}")
        if period is not None and this != period:
            raise NetflixFileError(path, None, f"sheet {name!r} covers {this.label}, another "
                                   f"sheet {period.label}")
        period = this
        views_here = "views" in found
        columns_at = set(found.values())
        if has_views is not None and views_here != has_views:
            raise NetflixFileError(path, header_row, f"sheet {name!r}: its columns differ from "
                                   "the other sheet's (Runtime and Views in one only)")
        has_views = views_here
        sheets.append(name)
        kinds.append(kind)
        hours_cell = _whole_number("Hours Viewed", MAX_HALF_YEAR_HOURS)
        views_cell = _whole_number("Views", MAX_HALF_YEAR_VIEWS)
        checked: list[tuple[int, float, float | None, float | None]] = []
        last_hours: float | None = None
        blank_since: int | None = None
        for number, values in rows:
            cells = list(values)
            if not any(v is not None and _text(v).strip() != "" for v in cells):
                blank_since = blank_since or number
                continue
            if blank_since is not None:
                raise NetflixFileError(path, number, f"sheet {name!r}: data after the blank "
                                       f"row {blank_since}")
            extra = [v for i, v in enumerate(values) if i not in columns_at
                     and v is not None and _text(v).strip() != ""]
            if extra:
                raise NetflixFileError(path, number, f"sheet {name!r}: a value outside the "
                                       f"table's columns: {_text(extra[0])[:80]!r}")

            def cell(column: str, _values: tuple[Any, ...] = values,
                     _found: dict[str, int] = found) -> Any:
                i = _found.get(column)
                return None if i is None or i >= len(_values) else _values[i]

            try:
                title = _text(cell("title"))
                if title.strip() == "":
                    raise ValueError("Title is empty")
                reason = bad_text(title)
                if reason:
                    raise ValueError(f"Title {reason}")
                english, original, others = split_title(title)
                available = _yes_no(cell("available globally?"))
                released = _release_date(cell("release date"), period)
                hours = hours_cell(cell("hours viewed"))
                if hours is None:
                    raise ValueError("Hours Viewed is empty")
                runtime, runtime_text = _runtime(cell("runtime")) if views_here else (None, None)
                views = views_cell(cell("views")) if views_here else None
                if views_here and views is None:
                    raise ValueError("Views is empty")
            except ValueError as exc:
                raise NetflixFileError(path, number, f"sheet {name!r}: {exc}") from None
            key = (kind, title.strip().casefold(), released)
            if key in seen:
                other_sheet, other_row = seen[key]
                raise NetflixFileError(path, number, f"sheet {name!r}: {title!r} "
                                       f"(release date {released or 'none'}) is listed twice "
                                       f"(also sheet {other_sheet!r} row {other_row})")
            seen[key] = (name, number)
            last_hours = hours
            checked.append((number, hours, runtime, views))
            columns["sheet"].append(name)
            columns["kind"].append(kind)
            columns["row_number"].append(number)
            columns["title"].append(title)
            columns["english_title"].append(english)
            columns["original_title"].append(original)
            columns["other_titles"].append(" // ".join(others) if others else None)
            columns["available_globally"].append(available)
            columns["release_date"].append(released)
            columns["hours_viewed"].append(hours)
            columns["runtime"].append(runtime)
            columns["runtime_text"].append(runtime_text)
            columns["views"].append(views)
            total += 1
            if progress and total % 5000 == 0:
                progress(total)
        if not checked:
            raise NetflixFileError(path, None, f"sheet {name!r} has no data rows")
        if last_hours is not None and last_hours > ENGAGEMENT_FLOOR_HOURS:
            raise NetflixFileError(
                path, checked[-1][0], f"sheet {name!r} ends at {last_hours:,.0f} hours: a report "
                f"lists every title down to {ENGAGEMENT_FLOOR_HOURS:,} hours, so this one is "
                "cut short")
        wrong = disagreeing_views(checked)
        if wrong:
            raise NetflixFileError(path, wrong[0], f"sheet {name!r}: Views is not Hours Viewed / "
                                   f"Runtime in {len(wrong)} of {len(checked)} rows (columns "
                                   "swapped or mislabelled?)")
    if period is None:
        raise NetflixFileError(path, None, "no sheets")
    if None in kinds and len(kinds) > 1:
        raise NetflixFileError(path, None, f"sheets {', '.join(sheets)}: a mixed sheet beside "
                               "others")
    if None not in kinds and set(kinds) != {"tv", "film"}:
        raise NetflixFileError(path, None, f"sheets {', '.join(sheets)}: a report has a TV and "
                               "a film sheet (or one mixed sheet); one is missing")
    if progress:
        progress(total)
    published = frozenset(n for n in SCHEMA.names if any(v is not None for v in columns[n]))
    if has_views:
        published |= {"runtime", "runtime_text", "views"}
    table = pa.table({n: pa.array(columns[n], SCHEMA.field(n).type) for n in SCHEMA.names},
                     schema=SCHEMA)
    layout = "engagement" if has_views else "engagement-hours"
    return ParsedReport(path=path, period=period, layout=layout, sheets=sheets, sha256=digest,
                        table=table, published=published)
