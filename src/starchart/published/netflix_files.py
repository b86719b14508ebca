"""Read Netflix's published Top 10 files, in every layout Netflix has used, without fixing them.

Netflix's files have no IDs and a history that changed shape: the 2021 global file has no
runtime or views, 2023-2025 files add ``is_staggered_launch``, ``episode_launch_details``
(also spelt ``episode_launch_dtls``) and ``runtime_override_flag``, most-popular windows are
28 or 91 days, and early country lists say ``Films (English)`` where later ones say
``Films``. Columns are found by header name, so any of these layouts (TSV or XLSX) parses to
the same Arrow tables, ready for a bulk insert into the store. Values are kept as published:
empty stays NULL, ``N/A`` seasons become NULL, views are never recomputed. A file that does not
parse raises :class:`NetflixFileError` naming the file, the row and the reason; nothing here
touches the store.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa

from starchart.countries import NETFLIX_COUNTRIES, is_iso_country
from starchart.display import format_number
from starchart.published.checks import (
    MAX_HALF_YEAR_HOURS,
    MAX_HALF_YEAR_VIEWS,
    MAX_RUNTIME_HOURS,
    MAX_WEEKLY_HOURS,
    MAX_WEEKLY_VIEWS,
    bad_text,
    disagreeing_views,
    incomplete_lists,
    missing_categories,
)
from starchart.weeks import GLOBAL_CATEGORIES, parse_week

Kind = Literal["global", "countries", "most-popular"]
KINDS: tuple[Kind, ...] = ("global", "countries", "most-popular")
SUFFIXES = (".tsv", ".xlsx")

_GLOBAL_REQUIRED = (
    "week", "category", "weekly_rank", "show_title", "season_title",
    "weekly_hours_viewed", "cumulative_weeks_in_top_10",
)
_GLOBAL_OPTIONAL = (
    "runtime", "weekly_views", "is_staggered_launch", "episode_launch_details",
    "episode_launch_dtls", "runtime_override_flag",
)
_COUNTRY_COLUMNS = (
    "country_name", "country_iso2", "week", "category", "weekly_rank", "show_title",
    "season_title", "cumulative_weeks_in_top_10",
)
_POPULAR_REQUIRED = ("category", "rank", "show_title", "season_title")
_WINDOW_COLUMN = re.compile(r"^(hours_viewed|views)_first_(\d+)_days$")
_COUNTRY_CATEGORIES = {
    "Films": "Films", "TV": "TV",
    "Films (English)": "Films", "TV (English)": "TV",
    "Films (Non-English)": "Films", "TV (Non-English)": "TV",
}
_INTEGER = re.compile(r"^[0-9]+$")
_DECIMAL = re.compile(r"^[0-9]+(\.[0-9]+)?$")
_TRUE = frozenset({"true", "1", "yes", "y", "t"})
_FALSE = frozenset({"false", "0", "no", "n", "f"})

GLOBAL_SCHEMA = pa.schema([
    ("week", pa.date32()), ("category", pa.string()), ("weekly_rank", pa.int32()),
    ("show_title", pa.string()), ("season_title", pa.string()),
    ("weekly_hours_viewed", pa.float64()), ("runtime", pa.float64()),
    ("weekly_views", pa.float64()), ("cumulative_weeks_in_top_10", pa.int32()),
    ("is_staggered_launch", pa.bool_()), ("episode_launch_details", pa.string()),
    ("runtime_override_flag", pa.bool_()),
])
COUNTRY_SCHEMA = pa.schema([
    ("country_iso2", pa.string()), ("country_name", pa.string()), ("week", pa.date32()),
    ("category", pa.string()), ("published_category", pa.string()),
    ("weekly_rank", pa.int32()), ("show_title", pa.string()), ("season_title", pa.string()),
    ("cumulative_weeks_in_top_10", pa.int32()),
])
POPULAR_SCHEMA = pa.schema([
    ("category", pa.string()), ("rank", pa.int32()), ("show_title", pa.string()),
    ("season_title", pa.string()), ("hours_viewed", pa.float64()), ("runtime", pa.float64()),
    ("views", pa.float64()), ("window_days", pa.int32()),
])


class NetflixFileError(ValueError):
    """A published file that cannot be imported: which file, which row, and why."""

    def __init__(self, file: str | Path, row: int | None, reason: str) -> None:
        self.file = str(file)
        self.row = row
        self.reason = reason
        where = "header" if row == 0 else (f"row {row}" if row is not None else None)
        super().__init__(f"{self.file}: {where}: {reason}" if where else f"{self.file}: {reason}")


@dataclass
class ParsedFile:
    """One published file, parsed and checked, as an Arrow table in the store's columns."""

    path: Path
    kind: Kind
    layout: str
    sha256: str
    table: pa.Table
    weeks: list[dt.date] = field(default_factory=list)
    window_days: int | None = None
    published: frozenset[str] = frozenset()  # store columns this layout has (others: NULL)

    @property
    def rows(self) -> int:
        return int(self.table.num_rows)


# --- reading raw cells ----------------------------------------------------------------------


def kind_from_name(path: Path) -> Kind | None:
    """``all-weeks-global.tsv`` -> ``global`` etc.; None when the name says nothing."""
    name = path.name.lower().replace("_", "-")
    if "most-popular" in name or "mostpopular" in name:
        return "most-popular"
    if "countr" in name:
        return "countries"
    if "global" in name:
        return "global"
    return None


def _read_tsv(path: Path, data: bytes) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n")
        raise NetflixFileError(path, line or 0, "not UTF-8 text") from None
    text = text.removeprefix("\ufeff")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # tolerate a final newline (Netflix's files end without one)
    if not lines:
        raise NetflixFileError(path, None, "empty file")
    header = [h.strip() for h in lines[0].rstrip("\r").split("\t")]

    def rows() -> Iterator[tuple[int, list[str]]]:
        for number, line in enumerate(lines[1:], start=1):
            yield number, line.removesuffix("\r").split("\t")

    return header, rows()


def _xlsx_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format_number(value) if math.isfinite(value) else str(value)
    return str(value)


def open_workbook(path: Path) -> Any:
    """An XLSX workbook in openpyxl's read-only mode (values, not formatting, row by row);
    a file that is no workbook (an HTML page, a truncated download) is a NetflixFileError."""
    import zipfile

    import openpyxl

    if not zipfile.is_zipfile(path):
        raise NetflixFileError(path, None, "not an XLSX workbook (not a zip archive: an HTML "
                               "page, a truncated download or another format)")
    try:
        with warnings.catch_warnings():  # Netflix's workbooks carry no default style
            warnings.simplefilter("ignore", UserWarning)
            return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken workbook
        raise NetflixFileError(path, None, f"not a readable XLSX workbook ({exc})") from None


def _read_xlsx(path: Path) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    book = open_workbook(path)
    sheet = book.worksheets[0]
    values = sheet.iter_rows(values_only=True)
    try:
        first = next(values, None)
    except Exception as exc:  # a damaged sheet: openpyxl/zip/XML raise many types
        book.close()
        raise NetflixFileError(path, 0, f"sheet {sheet.title!r} is damaged "
                               f"({type(exc).__name__}: {str(exc)[:200]})") from None
    if first is None:
        book.close()
        raise NetflixFileError(path, None, "empty workbook")
    header = [_xlsx_cell(v).strip() for v in first]
    while header and header[-1] == "":
        header.pop()
    width = len(header)

    def rows() -> Iterator[tuple[int, list[str]]]:
        number = 0
        try:
            for number, cells in enumerate(values, start=1):
                row = [_xlsx_cell(v) for v in cells]
                if not any(row):
                    continue  # blank rows at the end of a sheet
                while len(row) > width and row[-1] == "":
                    row.pop()
                yield number, row
        except NetflixFileError:
            raise
        except Exception as exc:  # a damaged sheet: openpyxl/zip/XML raise many types
            raise NetflixFileError(path, number + 1, f"sheet {sheet.title!r} is damaged "
                                   f"({type(exc).__name__}: {str(exc)[:200]})") from None
        finally:
            book.close()

    return header, rows()


# --- cell parsers: each returns the value or raises ValueError(reason) ------------------------


_TOP = 10  # every published list is a Top 10
_INT32_MAX = 2**31 - 1  # the store's INTEGER columns


def _rank(name: str, most: int = _INT32_MAX) -> Callable[[str], int]:
    """A positive integer up to ``most`` (10 for a list position)."""
    def parse(cell: str) -> int:
        if not _INTEGER.match(cell) or int(cell) < 1:
            raise ValueError(f"{name} is not a positive integer: {cell!r}")
        if int(cell) > most:
            raise ValueError(f"{name} {cell} is out of range (at most {most})")
        return int(cell)
    return parse


def _number(name: str, most: float) -> Callable[[str], float | None]:
    """A non-negative decimal as Netflix writes them (``1500000``, ``1.8167``): no signs,
    exponents, underscores or spaces, and at most ``most`` (a bound no real figure nears)."""
    def parse(cell: str) -> float | None:
        if cell == "":
            return None
        if not _DECIMAL.match(cell):
            raise ValueError(f"{name} is not a number: {cell[:40]!r}")
        value = float(cell)
        if value > most:
            raise ValueError(f"{name} {cell[:40]} is impossible (more than {most:,.0f})")
        return value
    return parse


def _flag(name: str) -> Callable[[str], bool | None]:
    def parse(cell: str) -> bool | None:
        low = cell.strip().lower()
        if low == "":
            return None
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        raise ValueError(f"{name} is not true/false: {cell!r}")
    return parse


def _text(name: str) -> Callable[[str], str]:
    def parse(cell: str) -> str:
        if cell.strip() == "":
            raise ValueError(f"{name} is empty")
        reason = bad_text(cell)
        if reason:
            raise ValueError(f"{name} {reason}")
        return cell
    return parse


def _show(cell: str) -> str:
    """A show or film title: text, and never ``N/A`` (that is a season column's word, so a
    show_title of N/A means the two columns' names are swapped)."""
    if cell == "N/A":
        raise ValueError("show_title is 'N/A' (show_title and season_title swapped?)")
    return _text("show_title")(cell)


def _optional_text(cell: str) -> str | None:
    if cell == "":
        return None
    reason = bad_text(cell)
    if reason:
        raise ValueError(f"the text {reason}")
    return cell


def _season(cell: str) -> str | None:
    if cell in ("N/A", ""):
        return None
    return _text("season_title")(cell)


def _week_parser() -> Callable[[str], dt.date]:
    cache: dict[str, dt.date] = {}

    def parse(cell: str) -> dt.date:
        found = cache.get(cell)
        if found is None:
            try:
                found = parse_week(cell.strip())
            except ValueError as exc:
                raise ValueError(f"bad week date: {exc}") from None
            cache[cell] = found
        return found
    return parse


def _choice(name: str, allowed: dict[str, str]) -> Callable[[str], str]:
    def parse(cell: str) -> str:
        if cell not in allowed:
            raise ValueError(f"unknown {name} {cell!r} (expected one of {', '.join(allowed)})")
        return allowed[cell]
    return parse


def _country_code(cell: str) -> str:
    if not is_iso_country(cell):
        raise ValueError(f"country_iso2 is not an ISO 3166-1 alpha-2 code: {cell!r}")
    return cell


# --- layouts ----------------------------------------------------------------------------------

# A column plan: (header name, store column, parser).
Plan = list[tuple[str, str, Callable[[str], Any]]]


def _check_header(path: Path, header: list[str], required: tuple[str, ...],
                  optional: tuple[str, ...], kind: str) -> None:
    seen: set[str] = set()
    for name in header:
        if name in seen:
            raise NetflixFileError(path, 0, f"column {name!r} appears twice")
        seen.add(name)
        if name not in required and name not in optional:
            raise NetflixFileError(
                path, 0, f"unknown column {name!r} in a {kind} file "
                f"(known: {', '.join(required + optional)})")
    missing = [name for name in required if name not in seen]
    if missing:
        raise NetflixFileError(path, 0, f"{kind} file lacks column(s) {', '.join(missing)}")


def _global_plan(path: Path, header: list[str]) -> tuple[Plan, str]:
    _check_header(path, header, _GLOBAL_REQUIRED, _GLOBAL_OPTIONAL, "global")
    if "episode_launch_details" in header and "episode_launch_dtls" in header:
        raise NetflixFileError(path, 0, "both episode_launch_details and episode_launch_dtls")
    parsers: dict[str, tuple[str, Callable[[str], Any]]] = {
        "week": ("week", _week_parser()),
        "category": ("category", _choice("category", {c: c for c in GLOBAL_CATEGORIES})),
        "weekly_rank": ("weekly_rank", _rank("weekly_rank", _TOP)),
        "show_title": ("show_title", _show),
        "season_title": ("season_title", _season),
        "weekly_hours_viewed": ("weekly_hours_viewed",
                                _number("weekly_hours_viewed", MAX_WEEKLY_HOURS)),
        "runtime": ("runtime", _number("runtime", MAX_RUNTIME_HOURS)),
        "weekly_views": ("weekly_views", _number("weekly_views", MAX_WEEKLY_VIEWS)),
        "cumulative_weeks_in_top_10": (
            "cumulative_weeks_in_top_10", _rank("cumulative_weeks_in_top_10")),
        "is_staggered_launch": ("is_staggered_launch", _flag("is_staggered_launch")),
        "episode_launch_details": ("episode_launch_details", _optional_text),
        "episode_launch_dtls": ("episode_launch_details", _optional_text),
        "runtime_override_flag": ("runtime_override_flag", _flag("runtime_override_flag")),
    }
    plan = [(name, *parsers[name]) for name in header]
    if "runtime" not in header and "weekly_views" not in header:
        layout = "global-2021"
    elif len(header) > len(_GLOBAL_REQUIRED) + 2:
        layout = "global-2023"
    else:
        layout = "global"
    return plan, layout


def _country_plan(path: Path, header: list[str]) -> tuple[Plan, str]:
    _check_header(path, header, _COUNTRY_COLUMNS, (), "countries")
    parsers: dict[str, tuple[str, Callable[[str], Any]]] = {
        "country_name": ("country_name", _text("country_name")),
        "country_iso2": ("country_iso2", _country_code),
        "week": ("week", _week_parser()),
        "category": ("published_category",
                     _choice("category", {c: c for c in _COUNTRY_CATEGORIES})),
        "weekly_rank": ("weekly_rank", _rank("weekly_rank", _TOP)),
        "show_title": ("show_title", _show),
        "season_title": ("season_title", _season),
        "cumulative_weeks_in_top_10": (
            "cumulative_weeks_in_top_10", _rank("cumulative_weeks_in_top_10")),
    }
    return [(name, *parsers[name]) for name in header], "countries"


def _popular_plan(path: Path, header: list[str]) -> tuple[Plan, str, int]:
    windows: dict[str, int] = {}
    optional: list[str] = ["runtime"]
    for name in header:
        match = _WINDOW_COLUMN.match(name)
        if match:
            windows[match.group(1)] = int(match.group(2))
            optional.append(name)
    _check_header(path, header, _POPULAR_REQUIRED, tuple(optional), "most-popular")
    if "hours_viewed" not in windows and "views" not in windows:
        raise NetflixFileError(path, 0, "most-popular file lacks hours_viewed_first_N_days "
                               "and views_first_N_days")
    if len(set(windows.values())) > 1:
        raise NetflixFileError(path, 0, "most-popular columns disagree on the window "
                               f"({', '.join(f'{k}: {v} days' for k, v in windows.items())})")
    window = next(iter(windows.values()))
    parsers: dict[str, tuple[str, Callable[[str], Any]]] = {
        "category": ("category", _choice("category", {c: c for c in GLOBAL_CATEGORIES})),
        "rank": ("rank", _rank("rank", _TOP)),
        "show_title": ("show_title", _show),
        "season_title": ("season_title", _season),
        "runtime": ("runtime", _number("runtime", MAX_RUNTIME_HOURS)),
        f"hours_viewed_first_{window}_days": ("hours_viewed",
                                              _number("hours_viewed", MAX_HALF_YEAR_HOURS)),
        f"views_first_{window}_days": ("views", _number("views", MAX_HALF_YEAR_VIEWS)),
    }
    return [(name, *parsers[name]) for name in header], f"most-popular-{window}", window


def kind_from_header(header: list[str]) -> Kind | None:
    """Which file a header belongs to, or None."""
    names = set(header)
    if "country_iso2" in names:
        return "countries"
    if "weekly_rank" in names and "week" in names:
        return "global"
    if "rank" in names and any(_WINDOW_COLUMN.match(n) for n in names):
        return "most-popular"
    return None


# --- the parse ------------------------------------------------------------------------------


def _key_columns(kind: Kind) -> tuple[str, ...]:
    if kind == "global":
        return ("week", "category", "weekly_rank")
    if kind == "countries":
        return ("country_iso2", "week", "category", "weekly_rank")
    return ("category", "rank")


def parse_file(path: str | Path) -> ParsedFile:
    """Parse and check one published file (TSV or XLSX) into the store's columns.

    Raises :class:`NetflixFileError` (a ``ValueError``) naming file, row and reason.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if path.suffix.lower() == ".xlsx":
        header, rows = _read_xlsx(path)
    elif path.suffix.lower() in (".tsv", ".txt", ".csv"):
        header, rows = _read_tsv(path, data)
    else:
        raise NetflixFileError(path, None, "not a .tsv or .xlsx file")
    header = [h.lower() for h in header]

    by_header = kind_from_header(header)
    by_name = kind_from_name(path)
    if by_header is None:
        raise NetflixFileError(path, 0, f"unknown header: {' | '.join(header)}")
    if by_name is not None and by_name != by_header:
        raise NetflixFileError(
            path, 0, f"the file is named like a {by_name} file but has a {by_header} header")
    kind = by_header
    window: int | None = None
    if kind == "global":
        plan, layout = _global_plan(path, header)
        schema = GLOBAL_SCHEMA
    elif kind == "countries":
        plan, layout = _country_plan(path, header)
        schema = COUNTRY_SCHEMA
    else:
        plan, layout, window = _popular_plan(path, header)
        schema = POPULAR_SCHEMA

    columns: dict[str, list[Any]] = {name: [] for name in schema.names}
    width = len(header)
    steps = [(i, parse, columns[target]) for i, (_, target, parse) in enumerate(plan)]
    for number, cells in rows:
        if len(cells) != width:
            raise NetflixFileError(
                path, number, f"wrong column count: expected {width} columns, found {len(cells)}")
        for i, parse, out in steps:
            try:
                out.append(parse(cells[i]))
            except ValueError as exc:
                raise NetflixFileError(path, number, str(exc)) from None
    count = len(columns["show_title"])
    if count == 0:
        raise NetflixFileError(path, None, "no data rows")

    if kind == "countries":
        columns["category"] = [_COUNTRY_CATEGORIES[c] for c in columns["published_category"]]
    if kind == "most-popular":
        columns["window_days"] = [window] * count
    published = frozenset(name for name, values in columns.items() if values)
    for name, values in columns.items():
        if not values:
            columns[name] = [None] * count  # a column this layout does not have
    _refuse_duplicates(path, kind, columns)
    _refuse_incomplete(path, kind, columns)
    table = pa.table({name: pa.array(columns[name], schema.field(name).type)
                      for name in schema.names}, schema=schema)
    weeks = sorted(set(columns["week"])) if "week" in columns and kind != "most-popular" else []
    return ParsedFile(path=path, kind=kind, layout=layout, sha256=digest, table=table,
                      weeks=weeks, window_days=window, published=published)


def _refuse_duplicates(path: Path, kind: Kind, columns: dict[str, list[Any]]) -> None:
    """The same rank of the same list given twice would count a week twice: refuse it."""
    keys = list(zip(*(columns[name] for name in _key_columns(kind)), strict=True))
    first: dict[tuple[Any, ...], int] = {}
    for number, key in enumerate(keys, start=1):
        earlier = first.setdefault(key, number)
        if earlier != number:
            label = ", ".join(str(k) for k in key)
            raise NetflixFileError(path, number, f"duplicate list position ({label}) "
                                   f"already given in row {earlier}")


def _country_names_agree(iso2: str, name: str) -> bool:
    """Netflix's own name for the code, or the ISO name (official or common) of it."""
    if NETFLIX_COUNTRIES.get(iso2) == name:
        return True
    import pycountry

    found = pycountry.countries.get(alpha_2=iso2)
    names = {getattr(found, a, None) for a in ("name", "official_name", "common_name")}
    return name in names


def _refuse_incomplete(path: Path, kind: Kind, columns: dict[str, list[Any]]) -> None:
    """Every list holds ranks 1-10 once and every week holds all its lists (a file cut
    mid-way fails here); countries' names agree with their codes; views agree with hours
    and runtime in all but Netflix's few exceptions (swapped columns fail here)."""
    rows = list(range(1, len(columns["show_title"]) + 1))
    rank = "rank" if kind == "most-popular" else "weekly_rank"
    keys = list(zip(*(columns[c] for c in _key_columns(kind)[:-1]), strict=True))
    found = incomplete_lists(keys, columns[rank], rows)
    if found is None and kind == "global":
        found = missing_categories(columns["week"], [None] * len(rows), columns["category"],
                                   rows, GLOBAL_CATEGORIES)
    elif found is None and kind == "countries":
        found = missing_categories(columns["week"], columns["country_iso2"], columns["category"],
                                   rows, ("Films", "TV"))
    elif found is None and kind == "most-popular":
        found = missing_categories([None] * len(rows), [None] * len(rows), columns["category"],
                                   rows, GLOBAL_CATEGORIES)
    if found:
        raise NetflixFileError(path, found[0], found[1])
    if kind == "countries":
        named: dict[str, tuple[str, int]] = {}
        for row, (code, name) in enumerate(zip(columns["country_iso2"], columns["country_name"],
                                               strict=True), start=1):
            earlier = named.setdefault(code, (name, row))
            if earlier[0] != name:
                raise NetflixFileError(path, row, f"country {code} is named {name!r} here and "
                                       f"{earlier[0]!r} in row {earlier[1]}")
        for code, (name, row) in named.items():
            if not _country_names_agree(code, name):
                raise NetflixFileError(path, row, f"country_name {name!r} is not the name of "
                                       f"{code} ({NETFLIX_COUNTRIES.get(code, 'unknown')})")
        return
    hours = "hours_viewed" if kind == "most-popular" else "weekly_hours_viewed"
    views = "views" if kind == "most-popular" else "weekly_views"
    wrong = disagreeing_views(zip(rows, columns[hours], columns["runtime"], columns[views],
                                  strict=True), unit=100_000)
    if wrong:
        raise NetflixFileError(path, wrong[0], f"views are not hours / runtime in {len(wrong)} "
                               "rows (columns swapped or mislabelled?)")


def is_published_file(path: Path) -> bool:
    """A file a folder import picks up: a Top 10 file or an engagement report by its name."""
    from starchart.published.engagement_files import is_engagement_name

    if not path.is_file() or path.name.startswith(("~", ".")):
        return False
    if path.suffix.lower() not in SUFFIXES:
        return False
    return kind_from_name(path) is not None or (
        path.suffix.lower() == ".xlsx" and is_engagement_name(path))


def _order(path: Path) -> tuple[int, str]:
    kind = kind_from_name(path)
    return (KINDS.index(kind) if kind else len(KINDS), path.name)


def find_files(paths: list[str | Path]) -> list[Path]:
    """Expand folders (and their subfolders) into the published files they hold: global,
    countries, most-popular, then engagement reports, each kind in name order. (The importer
    then applies each kind oldest download first, by the last week a file holds.)"""
    found: list[Path] = []
    for item in paths:
        path = Path(item)
        if path.is_dir():
            inside = sorted((p for p in path.rglob("*") if is_published_file(p)
                             and not any(part.startswith(".") for part in
                                         p.relative_to(path).parts)), key=_order)
            if not inside:
                raise FileNotFoundError(f"{path}: no Netflix Top 10 files or engagement reports "
                                        "(.tsv or .xlsx) in it")
            found.extend(inside)
        elif path.is_file():
            found.append(path)
        else:
            raise FileNotFoundError(f"{path}: no such file or folder")
    return found
