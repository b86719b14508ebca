"""read_catalog: formats, normalised types, optional columns, refused rows and files."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pyarrow as pa
import pytest

from starchart.engine.catalog import (
    CATALOG_SCHEMA,
    CatalogError,
    read_catalog,
    read_catalog_file,
)
from starchart.engine.readers import InputFileError, write_table

HEADER = (
    "title_id,show_title,season_title,kind,original_language,runtime_minutes,"
    "release_date,original,genres,origin_country,directors,cast,synopsis"
)
GOOD_ROWS = [
    'f1,Lantern,,film,en,109,2025-03-03,true,Drama|Thriller,GB,Ann Lee,"A, B",'
    '"A lighthouse keeper\nand a storm."',
    "s1,Harbour,Harbour: Season 1,tv,de,400.5,2024-11-01,false,Crime,DE,,,",
    "s2,Harbour,Harbour: Season 2,TV,DE,380,2025-02-01,FALSE,,,,,",
]


def write_csv(path: Path, header: str, rows: list[str]) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_csv_catalog_is_normalised(tmp_path: Path) -> None:
    table = read_catalog(write_csv(tmp_path / "catalog.csv", HEADER, GOOD_ROWS))
    assert table.schema == CATALOG_SCHEMA
    rows = table.to_pylist()
    assert [r["title_id"] for r in rows] == ["f1", "s1", "s2"]
    film, s1, s2 = rows
    assert film["season_title"] is None and film["kind"] == "film"
    assert film["runtime_minutes"] == 109.0
    assert film["release_date"] == dt.date(2025, 3, 3)
    assert film["original"] is True
    assert film["genres"] == "Drama|Thriller"
    assert film["cast"] == "A, B"
    assert film["synopsis"] == "A lighthouse keeper\nand a storm."
    assert s1["runtime_minutes"] == 400.5 and s1["original"] is False
    assert s1["directors"] is None  # empty cell -> null
    assert s2["kind"] == "tv" and s2["original_language"] == "de"


def test_every_format_reads_the_same(tmp_path: Path) -> None:
    reference = read_catalog(write_csv(tmp_path / "catalog.csv", HEADER, GOOD_ROWS))
    as_text = pa.Table.from_pylist(
        [
            {k: (None if v is None else str(v).lower() if isinstance(v, bool) else str(v))
             for k, v in row.items()}
            for row in reference.to_pylist()
        ]
    )
    for name in ("catalog.tsv", "catalog.jsonl", "catalog.ndjson.gz", "catalog.tsv.zst"):
        assert read_catalog(write_table(tmp_path / name, as_text)) == reference, name
    # Parquet with real types (double, date, bool) reads the same as text
    assert read_catalog(write_table(tmp_path / "catalog.parquet", reference)) == reference


def test_optional_columns_may_be_absent(tmp_path: Path) -> None:
    header = "title_id,show_title,kind,original_language,runtime_minutes,release_date,original"
    path = write_csv(tmp_path / "films.csv", header, ["f1,Lantern,film,en,109,2025-03-03,1"])
    loaded = read_catalog_file(path)
    assert loaded.present_columns == ()
    (row,) = loaded.table.to_pylist()
    assert row["season_title"] is None and row["synopsis"] is None and row["original"] is True
    full = read_catalog_file(write_csv(tmp_path / "full.csv", HEADER, GOOD_ROWS))
    assert full.present_columns == (
        "season_title", "genres", "origin_country", "directors", "cast", "synopsis",
    )


def test_jsonl_lists_become_pipe_separated(tmp_path: Path) -> None:
    row = {
        "title_id": "f1", "show_title": "Lantern", "kind": "film", "original_language": "en",
        "runtime_minutes": 109, "release_date": "2025-03-03", "original": True,
        "genres": ["Drama", "Thriller"],
    }
    path = tmp_path / "catalog.jsonl"
    path.write_text(json.dumps(row) + "\n")
    (got,) = read_catalog(path).to_pylist()
    assert got["genres"] == "Drama|Thriller"
    assert got["runtime_minutes"] == 109.0 and got["original"] is True
    parquet = tmp_path / "catalog.parquet"
    write_table(parquet, pa.Table.from_pylist([{**row, "genres": ["Drama", "Thriller"]}]))
    assert read_catalog(parquet).to_pylist()[0]["genres"] == "Drama|Thriller"


@pytest.mark.parametrize(
    ("runtime", "problem"),
    [
        ("", "runtime_minutes is missing"),
        ("0", "runtime_minutes must be a positive number of minutes, got '0'"),
        ("-12", "runtime_minutes must be a positive number of minutes, got '-12'"),
        ("long", "runtime_minutes 'long' is not a number"),
        ("nan", "runtime_minutes must be a positive number of minutes, got 'nan'"),
    ],
)
def test_bad_runtime_refused_naming_file_row_and_title(
    tmp_path: Path, runtime: str, problem: str
) -> None:
    rows = [*GOOD_ROWS[1:], f"s9,Harbour,Harbour: Season 9,tv,de,{runtime},2025-02-01,false"]
    path = write_csv(tmp_path / "catalog.csv", HEADER, rows)
    with pytest.raises(CatalogError) as err:
        read_catalog(path)
    assert str(err.value) == f"catalog refused: {path} row 3 (title_id s9): {problem}"


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        (",X,,film,en,90,2025-01-01,true", "no title_id): title_id is missing"),
        ("x1,,,film,en,90,2025-01-01,true", "show_title is missing"),
        ("x1,X,,movie,en,90,2025-01-01,true", "kind must be film or tv, got 'movie'"),
        ("x1,X,X: S1,film,en,90,2025-01-01,true", "a film has no season_title, got 'X: S1'"),
        ("x1,X,,film,english,90,2025-01-01,true", "'english' is not an ISO 639-1 code"),
        ("x1,X,,film,en,90,2025-13-01,true", "release_date '2025-13-01' is not a date"),
        ("x1,X,,film,en,90,01/02/2025,true", "release_date '01/02/2025' is not a date"),
        ("x1,X,,film,en,90,2025-01-01,maybe", "original must be true or false, got 'maybe'"),
        ("f1,X,,film,en,90,2025-01-01,true", "title_id appears more than once (rows 1, 4)"),
        # the chart files are tab-separated lines: such a title made every export fail later
        ('x1,"Tab\there",,film,en,90,2025-01-01,true',
         r"show_title 'Tab\there' holds a tab, line break or other control character"),
        ('x1,X,"X:\nSeason 1",tv,en,90,2025-01-01,true',
         r"season_title 'X:\nSeason 1' holds a tab, line break or other control character"),
        ('x1,"X\r",,film,en,90,2025-01-01,true', r"show_title 'X\r' holds a tab"),
    ],
)
def test_other_bad_rows_refused(tmp_path: Path, row: str, problem: str) -> None:
    path = write_csv(tmp_path / "catalog.csv", HEADER, [*GOOD_ROWS, row])
    with pytest.raises(CatalogError, match="row") as err:
        read_catalog(path)
    assert str(path) in str(err.value)
    assert problem in str(err.value)


def test_many_problems_are_summarised(tmp_path: Path) -> None:
    rows = [f"x{i},X,,film,en,-1,2025-01-01,true" for i in range(8)]
    with pytest.raises(CatalogError) as err:
        read_catalog(write_csv(tmp_path / "catalog.csv", HEADER, rows))
    assert "row 1 (title_id x0)" in str(err.value)
    assert str(err.value).endswith("and 3 more rows with problems")


def test_wrong_columns_refused(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "catalog.csv", "id,name,year", ["1,X,2020"])
    with pytest.raises(InputFileError) as err:
        read_catalog(path)
    assert str(err.value).startswith(f"{path}: not a catalog: missing column(s) title_id,")
    assert "(found: id, name, year)" in str(err.value)


def test_binary_garbage_refused(tmp_path: Path) -> None:
    png = tmp_path / "catalog.csv"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    with pytest.raises(InputFileError, match=r"catalog.csv: not a CSV file: it is a PNG image"):
        read_catalog(png)
    text_as_parquet = tmp_path / "catalog.parquet"
    text_as_parquet.write_text(HEADER + "\n")
    with pytest.raises(InputFileError, match=r"catalog.parquet: not a Parquet file: it is text"):
        read_catalog(text_as_parquet)
