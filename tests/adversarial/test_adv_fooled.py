"""The mutated copies that once fooled the importer, each made by the test from Netflix's real
files (or a hand-made sample), each refused naming file and row, with the store unchanged.

Found in a run of 428 mutations: a truncated most-popular.tsv replacing 40 rows with 5, a
global file cut mid-way loading a partial week, a re-import without weekly_views (or
runtime) wiping published views, titles with NUL, CR, U+0085 or 20 MB of text, ``1_000`` read
as 1000 and ``1e300`` hours accepted, ``Narnia`` for PT, swapped header names, and an XLSX
with a corrupt sheet ending in a traceback.
"""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from starchart import api
from starchart.cli import app
from starchart.published.netflix_files import NetflixFileError
from tests.published import netflix_samples as samples

pytestmark = pytest.mark.real_data

TABLES = ("chart_global", "chart_country", "most_popular", "netflix_changes", "titles")


def snapshot(db: Path) -> dict[str, object]:
    """Each table's row count and an order-blind hash of its rows."""
    with duckdb.connect(str(db), read_only=True) as con:
        return {t: con.execute(f"SELECT count(*), sum(hash(x)) FROM {t} x").fetchone()
                for t in TABLES}


@pytest.fixture(scope="module")
def base_store(netflix_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("fooled") / "base.duckdb"
    api.import_netflix(netflix_data_dir, db=db)
    return db


@pytest.fixture()
def store_copy(base_store: Path, tmp_path: Path) -> Path:
    db = tmp_path / "store.duckdb"
    shutil.copy(base_store, db)
    return db


def lines_of(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")


def write_lines(folder: Path, name: str, lines: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes("\n".join(lines).encode("utf-8"))
    return path


def refused(db: Path, path: Path, *reason: str) -> NetflixFileError:
    """Import ``path`` into ``db``: it must be refused with every ``reason`` in the message,
    naming the file, and leave the store as it was."""
    before = snapshot(db)
    with pytest.raises(NetflixFileError) as caught:
        api.import_netflix(path, db=db)
    message = str(caught.value)
    assert message.startswith(str(path)), message
    for words in reason:
        assert words in message, message
    assert snapshot(db) == before
    return caught.value


def test_a_truncated_most_popular_file_does_not_replace_40_rows_with_5(
        netflix_data_dir: Path, store_copy: Path, tmp_path: Path) -> None:
    cut = write_lines(tmp_path, "most-popular.tsv",
                      lines_of(netflix_data_dir / "most-popular.tsv")[:6])
    error = refused(store_copy, cut, "lacks rank(s) 6, 7, 8, 9, 10")
    assert error.row == 5


def test_a_global_file_cut_mid_week_is_refused(netflix_data_dir: Path, store_copy: Path,
                                               tmp_path: Path) -> None:
    lines = lines_of(netflix_data_dir / "all-weeks-global.tsv")
    cut = write_lines(tmp_path, "all-weeks-global.tsv", lines[:1 + 40 * 3 + 17])
    refused(store_copy, cut, "lacks")


@pytest.mark.parametrize("column", ["weekly_views", "runtime"])
def test_a_reimport_without_a_figure_column_cannot_erase_it(
        netflix_data_dir: Path, store_copy: Path, tmp_path: Path, column: str) -> None:
    lines = [line.split("\t") for line in lines_of(netflix_data_dir / "all-weeks-global.tsv")]
    at = lines[0].index(column)
    narrow = write_lines(tmp_path, "all-weeks-global.tsv",
                         ["\t".join(c[:at] + c[at + 1:]) for c in lines])
    refused(store_copy, narrow, column, "would erase published figures")


def test_a_reimport_with_the_views_left_empty_cannot_erase_them(
        netflix_data_dir: Path, store_copy: Path, tmp_path: Path) -> None:
    lines = [line.split("\t") for line in lines_of(netflix_data_dir / "all-weeks-global.tsv")]
    at = lines[0].index("weekly_views")
    for cells in lines[1:]:
        cells[at] = ""
    blank = write_lines(tmp_path, "all-weeks-global.tsv", ["\t".join(c) for c in lines])
    refused(store_copy, blank, "weekly_views", "would erase published figures")
    with duckdb.connect(str(store_copy), read_only=True) as con:
        kept = con.execute("SELECT count(weekly_views) FROM chart_global").fetchone()
    assert kept is not None and kept[0] > 6000  # the published views are all still there


def _mutate_title(lines: list[str], row: int, change: Callable[[str], str]) -> list[str]:
    cells = lines[row].split("\t")
    cells[3] = change(cells[3])
    return [*lines[:row], "\t".join(cells), *lines[row + 1:]]


@pytest.mark.parametrize(("change", "reason"), [
    (lambda t: t + "\x00", "U+0000"),
    (lambda t: t[:3] + "\r" + t[3:], "U+000D"),
    (lambda t: t + "\x85", "U+0085"),
    (lambda t: t + "x" * 20_000_000, "20,000,"),
], ids=["nul", "cr", "nel", "20-mb"])
def test_titles_with_control_characters_or_megabytes_are_refused(
        netflix_data_dir: Path, store_copy: Path, tmp_path: Path,
        change: Callable[[str], str], reason: str) -> None:
    lines = _mutate_title(lines_of(netflix_data_dir / "all-weeks-global.tsv"), 7, change)
    error = refused(store_copy, write_lines(tmp_path, "all-weeks-global.tsv", lines), reason)
    assert error.row == 7


@pytest.mark.parametrize(("value", "reason"), [
    ("1_000", "not a number: '1_000'"),
    ("1e300", "not a number: '1e300'"),
    ("99000000000", "impossible"),
    (" 5", "not a number"),
])
def test_numbers_netflix_never_writes_are_refused(
        netflix_data_dir: Path, store_copy: Path, tmp_path: Path, value: str,
        reason: str) -> None:
    lines = lines_of(netflix_data_dir / "all-weeks-global.tsv")
    cells = lines[3].split("\t")
    cells[5] = value  # weekly_hours_viewed
    lines[3] = "\t".join(cells)
    error = refused(store_copy, write_lines(tmp_path, "all-weeks-global.tsv", lines), reason)
    assert error.row == 3


def test_a_country_name_contradicting_its_code_is_refused(
        netflix_data_dir: Path, store_copy: Path, tmp_path: Path) -> None:
    lines = lines_of(netflix_data_dir / "all-weeks-countries.tsv")
    narnia = [line.replace("Portugal\tPT\t", "Narnia\tPT\t") for line in lines]
    assert narnia != lines
    refused(store_copy, write_lines(tmp_path, "all-weeks-countries.tsv", narnia),
            "'Narnia' is not the name of PT")


@pytest.mark.parametrize(("first", "second", "reason"), [
    ("weekly_hours_viewed", "weekly_views", "views are not hours / runtime"),
    ("runtime", "weekly_views", "runtime 11100000 is impossible"),
    ("show_title", "season_title", "swapped"),
    ("weekly_rank", "cumulative_weeks_in_top_10", "out of range (at most 10)"),
])
def test_swapped_header_names_are_refused(netflix_data_dir: Path, store_copy: Path,
                                          tmp_path: Path, first: str, second: str,
                                          reason: str) -> None:
    lines = lines_of(netflix_data_dir / "all-weeks-global.tsv")
    header = lines[0].split("\t")
    i, j = header.index(first), header.index(second)
    header[i], header[j] = header[j], header[i]
    swapped = write_lines(tmp_path, "all-weeks-global.tsv", ["\t".join(header), *lines[1:]])
    refused(store_copy, swapped, reason)


def test_an_html_page_saved_as_the_global_file_is_refused(store_copy: Path,
                                                          tmp_path: Path) -> None:
    page = write_lines(tmp_path, "all-weeks-global.tsv", [
        "<html><head><title>301 Moved Permanently</title></head>",
        "<body><h1>Moved Permanently</h1></body></html>"])
    refused(store_copy, page, "unknown header")


def test_an_xlsx_with_a_corrupt_sheet_ends_in_one_line(tmp_path: Path, tmp_db: Path) -> None:
    from tests.published.test_published_files import _xlsx

    good = _xlsx(tmp_path / "good-all-weeks-global.xlsx", samples.GLOBAL_TODAY)
    bad = tmp_path / "all-weeks-global.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = data[: len(data) // 2] + b"<row r='9999'><c><<<"
            out.writestr(item, data)
    result = CliRunner().invoke(app, ["import", "netflix", str(bad)])
    assert result.exit_code == 1
    output = " ".join(result.output.split())
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) <= 3
    assert str(bad) in output.replace(" ", "") or bad.name in output
    assert "damaged" in output
    assert not tmp_db.exists() or api.sources(db=tmp_db) == []
