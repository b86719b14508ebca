"""What every chart question shares: choosing the source, parsing input, SQL fragments.

Questions read one source's charts (``engine`` or ``netflix``) from the same tables, so they
answer alike for self-computed and published charts. User input only ever reaches DuckDB as
bound parameters.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from dataclasses import dataclass
from typing import Any

import duckdb
import orjson
import pyarrow as pa
import zstandard

from starchart import store
from starchart.countries import country_name
from starchart.display import whole_numbers
from starchart.queries.slugs import normalise
from starchart.weeks import COUNTRY_CATEGORIES, GLOBAL_CATEGORIES, chart_week, is_latest


def kind_sql(column: str = "category") -> str:
    """SQL naming a list's kind, 'film' or 'tv', from its category column (global lists say
    'Films (English)', country lists 'Films'). ``column`` is a fixed name, never user input."""
    return f"CASE WHEN {column} LIKE 'Films%' THEN 'film' ELSE 'tv' END"


FILM_SQL = "category LIKE 'Films%'"
TV_SQL = "category LIKE 'TV%'"
KIND_SQL = kind_sql()


class NotFound(LookupError):
    """Nothing by that name; ``args[1]``, when present, is a list of suggestion dicts."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class BadWeekError(ValueError, NotFound):
    """A week that is not a chart week (not a date, or not a Sunday): both a ValueError and
    a LookupError, so callers that expect either for a bad week catch it."""


def chart_sources(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The sources with charts, engine first: with weekly lists, else (only a Most Popular
    file or engagement reports imported) with those."""
    found = store.sources(con)
    for table in ("most_popular", "engagement"):
        if found or not store.has_table(con, table):
            break
        found = [r[0] for r in con.execute(
            f"SELECT DISTINCT source FROM {table} ORDER BY source <> 'engine', source"
        ).fetchall()]
    return found


def resolve_source(found: list[str], source: str | None) -> str:
    """The source a question reads: ``source``, which must be one of ``found``
    (:func:`chart_sources`), or when None the first of them (engine if it built charts)."""
    if source is None:
        return found[0] if found else store.ENGINE_SOURCE
    if source not in found and found:
        raise NotFound(
            f"no charts from source {source!r} in the store (it has: {', '.join(found)})")
    return source


def as_week(value: str | dt.date) -> dt.date:
    """The chart week (its Sunday) containing a day given as text or a date: any day means
    its week (:func:`starchart.weeks.chart_week`); BadWeekError for anything else."""
    try:
        return chart_week(value)
    except ValueError as exc:
        raise BadWeekError(str(exc), []) from None


def wanted_week(value: str | dt.date | None) -> dt.date | None:
    """A week a user asked for: None (or ``latest``) for the newest the data hold, else the
    Sunday of the week containing the day (:func:`as_week`)."""
    if value is None or is_latest(value):
        return None
    return as_week(value)


def as_date(value: str | dt.date | None, name: str) -> dt.date | None:
    """A period bound (any day), or None."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"{name}: not a date (YYYY-MM-DD): {value!r}") from None


@dataclass(frozen=True)
class CategoryFilter:
    """A category the user named: one global list, or a kind (all Films / all TV lists)."""

    global_category: str | None = None
    kind: str | None = None   # 'film' | 'tv'

    @property
    def label(self) -> str | None:
        if self.global_category:
            return self.global_category
        return {"film": "Films", "tv": "TV"}.get(self.kind or "")


def parse_category(value: str | None) -> CategoryFilter:
    """``"Films (English)"``, ``"tv (non-english)"``, ``"films"``, ``"TV"``...; ValueError else."""
    if value is None or value.strip() == "":
        return CategoryFilter()
    key = normalise(value)
    for name in GLOBAL_CATEGORIES:
        if normalise(name) == key:
            return CategoryFilter(global_category=name)
    aliases = {"films": "film", "film": "film", "movies": "film", "movie": "film",
               "tv": "tv", "series": "tv", "shows": "tv"}
    if key in aliases:
        return CategoryFilter(kind=aliases[key])
    known = ", ".join((*GLOBAL_CATEGORIES, *COUNTRY_CATEGORIES))
    raise ValueError(f"unknown category {value!r} (one of: {known})")


def resolve_country(names: dict[str, str], source: str, country: str) -> str:
    """An ISO code (any case) or a country's name -> the ISO code of a country with lists;
    ``names`` maps the codes of the countries with lists to their names. The one resolver
    (:func:`starchart.countries.resolve_country`), answering NotFound with suggestions."""
    from starchart.countries import CountryNotFound
    from starchart.countries import resolve_country as resolve

    try:
        return resolve(country, names, where=f" (source {source})")
    except CountryNotFound as exc:
        raise NotFound(*exc.args) from None


def display_country(iso2: str, stored: str | None) -> str:
    """The name as stored, else :func:`starchart.countries.country_name` (Netflix's name, else
    the ISO name), else the code itself."""
    if stored:
        return stored
    try:
        return country_name(iso2)
    except KeyError:
        return iso2


def iso(day: dt.date | None) -> str | None:
    """``YYYY-MM-DD`` or None."""
    return day.isoformat() if day is not None else None


def insert_arrow(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> None:
    """Append an Arrow table to the table ``name`` (a fixed name, never input), by column
    name."""
    con.register("_incoming", table)
    try:
        con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM _incoming")
    finally:
        con.unregister("_incoming")


_codecs = threading.local()


def pack(answer: Any) -> bytes:
    """An answer as a release stores it: JSON, zstd-compressed (a fifth of the bytes, and
    copying it into the next release costs no recompression)."""
    codec = getattr(_codecs, "compress", None)
    if codec is None:
        codec = _codecs.compress = zstandard.ZstdCompressor(level=3)
    text = json.dumps(whole_numbers(answer), ensure_ascii=False, separators=(",", ":"))
    return bytes(codec.compress(text.encode("utf-8")))


def unpack(blob: bytes) -> Any:
    """The answer :func:`pack` stored."""
    codec = getattr(_codecs, "decompress", None)
    if codec is None:
        codec = _codecs.decompress = zstandard.ZstdDecompressor()
    text = codec.decompress(blob)
    try:  # orjson reads a title's record several times faster (every uncached page reads one)
        return orjson.loads(text)
    except orjson.JSONDecodeError:  # NaN, which json.dumps writes and orjson refuses
        return json.loads(text)
