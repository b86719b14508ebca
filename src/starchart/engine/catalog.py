"""Read and validate a catalog file: one row per film or per season of a series.

The catalog decides which list a title competes in (film or TV, English or not) and turns
hours into views (runtime), so a bad row is refused outright rather than quarantined: the
whole file is rejected with a message naming the file, the row and the title_id.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pycountry

from starchart.engine.duckdb_reader import read_into
from starchart.engine.readers import inspect_file

REQUIRED_CATALOG_COLUMNS: tuple[str, ...] = (
    "title_id",
    "show_title",
    "kind",
    "original_language",
    "runtime_minutes",
    "release_date",
    "original",
)
#: Kept when present; ``season_title`` may be left out of a films-only catalog.
OPTIONAL_CATALOG_COLUMNS: tuple[str, ...] = (
    "season_title",
    "genres",
    "origin_country",
    "directors",
    "cast",
    "synopsis",
)
#: Column order of the store's ``catalog`` table and of :func:`read_catalog`'s result.
CATALOG_COLUMNS: tuple[str, ...] = (
    "title_id",
    "show_title",
    "season_title",
    "kind",
    "original_language",
    "runtime_minutes",
    "release_date",
    "original",
    "genres",
    "origin_country",
    "directors",
    "cast",
    "synopsis",
)
CATALOG_SCHEMA = pa.schema(
    [
        ("title_id", pa.string()),
        ("show_title", pa.string()),
        ("season_title", pa.string()),
        ("kind", pa.string()),
        ("original_language", pa.string()),
        ("runtime_minutes", pa.float64()),
        ("release_date", pa.date32()),
        ("original", pa.bool_()),
        ("genres", pa.string()),
        ("origin_country", pa.string()),
        ("directors", pa.string()),
        ("cast", pa.string()),
        ("synopsis", pa.string()),
    ]
)
_TRUE = ("true", "1", "yes", "y", "t")
_FALSE = ("false", "0", "no", "n", "f")
_MAX_PROBLEMS_SHOWN = 5


class CatalogError(ValueError):
    """A catalog file or row that cannot be used; the message names file, row and title_id."""


@dataclass(frozen=True)
class CatalogFile:
    """A validated catalog and which optional columns the file actually had."""

    path: Path
    table: pa.Table
    present_columns: tuple[str, ...]


def _language_codes() -> list[str]:
    return sorted(str(lang.alpha_2) for lang in pycountry.languages if hasattr(lang, "alpha_2"))


def _blank(col: str) -> str:
    return f"(nullif(trim({col}), '') IS NULL)"


def _quoted(col: str) -> str:
    return f"'''' || left({col}, 60) || ''''"


def _escaped(col: str) -> str:
    """Tabs and line breaks written as \\t, \\n, \\r, so that a message stays one line."""
    return f"replace(replace(replace({col}, chr(9), '\\t'), chr(10), '\\n'), chr(13), '\\r')"


# Titles are written into tab-separated chart files, one line per row.
_CONTROL = ("' holds a tab, line break or other control character, which a chart file "
            "(one tab-separated line per row) cannot hold'")

_PROBLEMS_SQL = f"""
SELECT source_row, title_id, CASE
    WHEN {_blank("title_id")} THEN 'title_id is missing'
    WHEN count(*) OVER (PARTITION BY trim(title_id)) > 1
        THEN 'title_id appears more than once (rows '
             || array_to_string(
                    list_sort(list(source_row) OVER (PARTITION BY trim(title_id))), ', ')
             || ')'
    WHEN {_blank("show_title")} THEN 'show_title is missing'
    WHEN regexp_matches(trim(show_title), '[\\x00-\\x1f\\x7f]')
        THEN 'show_title ' || {_quoted(_escaped("trim(show_title)"))} || {_CONTROL}
    WHEN {_blank("kind")} THEN 'kind is missing'
    WHEN lower(trim(kind)) NOT IN ('film', 'tv')
        THEN 'kind must be film or tv, got ' || {_quoted("kind")}
    WHEN lower(trim(kind)) = 'film' AND NOT {_blank("season_title")}
        THEN 'a film has no season_title, got ' || {_quoted("season_title")}
    WHEN regexp_matches(trim(season_title), '[\\x00-\\x1f\\x7f]')
        THEN 'season_title ' || {_quoted(_escaped("trim(season_title)"))} || {_CONTROL}
    WHEN {_blank("original_language")} THEN 'original_language is missing'
    WHEN NOT list_contains($languages, lower(trim(original_language)))
        THEN 'original_language ' || {_quoted("original_language")}
             || ' is not an ISO 639-1 code'
    WHEN {_blank("runtime_minutes")} THEN 'runtime_minutes is missing'
    WHEN TRY_CAST(trim(runtime_minutes) AS DOUBLE) IS NULL
        THEN 'runtime_minutes ' || {_quoted("runtime_minutes")} || ' is not a number'
    WHEN NOT isfinite(TRY_CAST(trim(runtime_minutes) AS DOUBLE))
         OR TRY_CAST(trim(runtime_minutes) AS DOUBLE) <= 0
        THEN 'runtime_minutes must be a positive number of minutes, got '
             || {_quoted("runtime_minutes")}
    WHEN {_blank("release_date")} THEN 'release_date is missing'
    WHEN NOT regexp_full_match(trim(release_date), '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}')
         OR TRY_CAST(trim(release_date) AS DATE) IS NULL
        THEN 'release_date ' || {_quoted("release_date")} || ' is not a date (YYYY-MM-DD)'
    WHEN {_blank("original")} THEN 'original is missing'
    WHEN lower(trim(original)) NOT IN {_TRUE + _FALSE}
        THEN 'original must be true or false, got ' || {_quoted("original")}
END AS problem
FROM staged_catalog
"""

def _multi(col: str) -> str:
    """A JSON array (from JSON Lines) becomes the '|'-separated text the store keeps."""
    value = f"trim({col})"
    return (
        f"nullif(CASE WHEN starts_with({value}, '[') AND json_valid({value}) "
        f"AND json_type({value}) = 'ARRAY' "
        f"THEN array_to_string(from_json({value}, '[\"VARCHAR\"]'), '|') "
        f"ELSE {value} END, '')"
    )


_NORMALISED_SQL = f"""
SELECT
    trim(title_id) AS title_id,
    trim(show_title) AS show_title,
    CASE WHEN lower(trim(kind)) = 'film' THEN NULL ELSE nullif(trim(season_title), '') END
        AS season_title,
    lower(trim(kind)) AS kind,
    lower(trim(original_language)) AS original_language,
    CAST(trim(runtime_minutes) AS DOUBLE) AS runtime_minutes,
    CAST(trim(release_date) AS DATE) AS release_date,
    lower(trim(original)) IN {_TRUE} AS original,
    {_multi("genres")} AS genres,
    {_multi("origin_country")} AS origin_country,
    {_multi("directors")} AS directors,
    {_multi('"cast"')} AS "cast",
    nullif(trim(synopsis), '') AS synopsis
FROM staged_catalog
ORDER BY source_row
"""


def read_catalog_file(path: str | Path) -> CatalogFile:
    """Read, validate and normalise a catalog; raise :class:`CatalogError` on any bad row."""
    path = Path(path)
    info = inspect_file(path, REQUIRED_CATALOG_COLUMNS, what="a catalog")
    wanted = REQUIRED_CATALOG_COLUMNS + OPTIONAL_CATALOG_COLUMNS
    con = duckdb.connect()
    try:
        read_into(con, info, wanted, "CREATE TEMP TABLE staged_catalog AS {select}")
        problems = con.execute(
            f"SELECT source_row, title_id, problem FROM ({_PROBLEMS_SQL}) "
            "WHERE problem IS NOT NULL ORDER BY source_row",
            {"languages": _language_codes()},
        ).fetchall()
        if problems:
            raise CatalogError(_problem_message(path, problems))
        table = con.sql(_NORMALISED_SQL).to_arrow_table()
    finally:
        con.close()
    table = table.cast(CATALOG_SCHEMA)
    present = tuple(c for c in OPTIONAL_CATALOG_COLUMNS if c in info.columns)
    return CatalogFile(path, table, present)


def read_catalog(path: str | Path) -> pa.Table:
    """The validated catalog as Arrow: runtime_minutes float64, release_date date32,
    original bool, season_title null for films; optional columns null when absent."""
    return read_catalog_file(path).table


def _problem_message(path: Path, problems: list[tuple[int, str | None, str]]) -> str:
    shown = []
    for row, title_id, problem in problems[:_MAX_PROBLEMS_SHOWN]:
        who = f"title_id {title_id.strip()}" if title_id and title_id.strip() else "no title_id"
        shown.append(f"{path} row {row} ({who}): {problem}")
    message = "; ".join(shown)
    if len(problems) > _MAX_PROBLEMS_SHOWN:
        message += f"; and {len(problems) - _MAX_PROBLEMS_SHOWN} more rows with problems"
    return f"catalog refused: {message}"
