"""Adversarial inputs for ``starchart import netflix``: hand-made TSV/XLSX variants.

Promise (docs/published.md): a malformed file is refused with file, row and reason, and a
refused call leaves the store as it was; Netflix's own quirks (BOM, CRLF) still import.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from starchart import api
from starchart.cli import app
from tests.published import netflix_samples as samples
from tests.published.complete_lists import complete

HEADER = samples.GLOBAL_HEADER.replace("|", "\t")
ROW = "2025-03-30|Films (English)|1|Carry-On|N/A|16600000|2|8300000|3"


def tsv(*rows: str) -> str:
    """A global file holding ``rows``, its lists filled up to ranks 1-10 as a real file's."""
    return complete("\n".join([HEADER, *(r.replace("|", "\t") for r in rows)]))


def write(tmp_path: Path, text: str | bytes, name: str = "all-weeks-global.tsv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


@pytest.mark.parametrize(
    "text",
    [
        "\ufeff" + tsv(ROW),
        (tsv(ROW, ROW.replace("|1|Carry-On", "|2|Other")) + "\n").replace("\n", "\r\n"),
    ],
    ids=["bom", "crlf"],
)
def test_bom_and_crlf_import(tmp_path: Path, text: str) -> None:
    report = api.import_netflix(write(tmp_path, text), db=tmp_path / "s.duckdb")
    assert report["files"][0]["weeks"] == 1
    week = api.week("2025-03-30", db=tmp_path / "s.duckdb")
    assert week["lists"][0]["rows"][0]["show_title"] == "Carry-On"


@pytest.mark.parametrize(
    ("rows", "where", "reason"),
    [
        ((ROW, "2025-03-30|Films (English)|2|Don't"), "row 2", "wrong column count"),
        ((ROW, "2025-03-30|Films (English)|2|Don't\tLook|N/A|1|2|1|1"), "row 2",
         "wrong column count"),
        (("2025-03-29|Films (English)|1|Carry-On|N/A|1|2|1|1",), "row 1", "Saturday"),
        ((ROW, ROW.replace("Carry-On", "Other")), "row 2", "duplicate list position"),
        (("2025-03-30|Films (English)|1|Carry-On|N/A|-5|2|1|1",), "row 1", "not a number: '-5'"),
    ],
    ids=["truncated", "tab-in-title", "not-sunday", "duplicate-rank", "negative-hours"],
)
def test_malformed_rows_are_refused_with_row_and_reason(
    tmp_path: Path, rows: tuple[str, ...], where: str, reason: str
) -> None:
    path = write(tmp_path, tsv(*rows))
    with pytest.raises(ValueError, match=reason) as err:
        api.import_netflix(path, db=tmp_path / "s.duckdb")
    assert f"{path}: {where}" in str(err.value)


def test_countries_layout_named_global_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, samples.COUNTRIES)
    with pytest.raises(ValueError, match="named like a global file but has a countries header"):
        api.import_netflix(path, db=tmp_path / "s.duckdb")


def test_xlsx_with_an_empty_sheet_is_refused(tmp_path: Path) -> None:
    import openpyxl

    path = tmp_path / "all-weeks-global.xlsx"
    openpyxl.Workbook().save(path)
    with pytest.raises(ValueError, match="empty") as err:
        api.import_netflix(path, db=tmp_path / "s.duckdb")
    assert str(path) in str(err.value)


def test_a_bad_file_leaves_the_store_as_it_was(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    good = write(tmp_path, tsv(ROW))
    api.import_netflix(good, db=db)
    other = tmp_path / "b"
    other.mkdir()
    changed = write(other, tsv(ROW.replace("Carry-On", "Renamed")))
    bad = write(other, tsv(ROW.replace("|1|", "|x|")), "all-weeks-global-2.tsv")
    with pytest.raises(ValueError, match="weekly_rank"):
        api.import_netflix([changed, bad], db=db)
    assert api.week("2025-03-30", db=db)["lists"][0]["rows"][0]["show_title"] == "Carry-On"


# --- defects found -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "column"),
    [
        ("2025-03-30|Films (English)|11|Carry-On|N/A|1|2|1|1", "weekly_rank"),
        ("2025-03-30|Films (English)|99999999999999999999|Carry-On|N/A|1|2|1|1", "weekly_rank"),
        ("2025-03-30|Films (English)|1|Carry-On|N/A|1|2|1|3000000000",
         "cumulative_weeks_in_top_10"),
    ],
    ids=["rank-11", "rank-beyond-int64", "cumulative-beyond-int32"],
)
def test_out_of_range_integers_are_refused_with_row(
    tmp_path: Path, row: str, column: str
) -> None:
    """A Top 10 list has ranks 1-10 (rank 11 was stored and shown as an 11th row); a rank
    beyond int64 raised a bare OverflowError (a traceback from the CLI) and a cumulative
    count beyond int32 an Arrow error, neither naming the file or the row."""
    path = write(tmp_path, tsv(row))
    with pytest.raises(ValueError, match=column) as err:
        api.import_netflix(path, db=tmp_path / "s.duckdb")
    assert f"{path}: row 1" in str(err.value)


def test_most_popular_rank_11_is_refused(tmp_path: Path) -> None:
    text = ("category\trank\tshow_title\tseason_title\thours_viewed_first_91_days\truntime\t"
            "views_first_91_days\nFilms (English)\t11\tX\tN/A\t1\t1\t1")
    path = write(tmp_path, text, "most-popular.tsv")
    with pytest.raises(ValueError, match="rank") as err:
        api.import_netflix(path, db=tmp_path / "s.duckdb")
    assert f"{path}: row 1" in str(err.value)


def test_cli_reports_a_huge_rank_on_one_line(tmp_path: Path) -> None:
    path = write(tmp_path, tsv("2025-03-30|Films (English)|99999999999999999999|X|N/A|1|2|1|1"))
    result = CliRunner().invoke(app, ["import", "netflix", str(path), "--db",
                                      str(tmp_path / "s.duckdb"), "--json"])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.stdout.strip() == ""
    assert "row 1" in result.stderr and "Traceback" not in result.stderr
