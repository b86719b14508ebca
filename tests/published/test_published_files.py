"""Parsing Netflix's files in every layout, quirks kept, malformed files refused."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from starchart.published.netflix_files import NetflixFileError, find_files, parse_file
from tests.published import netflix_samples as s


def rows(path: Path) -> list[dict[str, object]]:
    return parse_file(path).table.to_pylist()


def test_2021_global_layout_has_no_runtime_or_views(tmp_path: Path) -> None:
    parsed = parse_file(s.write(tmp_path, "all-weeks-global.tsv", s.GLOBAL_2021))
    assert parsed.kind == "global" and parsed.layout == "global-2021"
    assert parsed.rows == 2 * 40  # two weeks of four full lists
    assert parsed.weeks == [dt.date(2021, 7, 4), dt.date(2021, 7, 11)]
    first = parsed.table.to_pylist()[0]
    assert first["week"] == dt.date(2021, 7, 11)
    assert first["show_title"] == "Don't Look Up" and first["season_title"] is None
    assert first["weekly_hours_viewed"] == 15_230_000
    assert first["runtime"] is None and first["weekly_views"] is None
    assert first["is_staggered_launch"] is None
    titles = {r["show_title"] for r in parsed.table.to_pylist()}
    assert {"Yo soy Betty, la fea", "Pokémon Concierge", "레드슈즈"} <= titles


@pytest.mark.parametrize("text", [s.GLOBAL_2023, s.GLOBAL_2025], ids=["details", "dtls"])
def test_2023_2025_layouts_keep_launch_columns(tmp_path: Path, text: str) -> None:
    parsed = parse_file(s.write(tmp_path, "all-weeks-global.tsv", text))
    assert parsed.layout == "global-2023"
    by_title = {(r["week"], r["show_title"]): r for r in parsed.table.to_pylist()}
    live = by_title[(dt.date(2023, 6, 25), "Jake Paul vs. Anthony Joshua")]
    assert live["season_title"] is None          # N/A on a TV title
    assert live["runtime"] == 0 and live["weekly_views"] == 10_900_000  # never recomputed
    assert live["is_staggered_launch"] is True
    assert live["episode_launch_details"] == "Live event"
    mantis = by_title[(dt.date(2023, 6, 25), "Queen Mantis")]
    assert mantis["episode_launch_details"] is None and mantis["is_staggered_launch"] is False
    expected_flag = True if "runtime_override_flag" in text else None
    assert live["runtime_override_flag"] is expected_flag


def test_today_layout_keeps_runtime_zero_with_views_and_na_seasons(tmp_path: Path) -> None:
    parsed = parse_file(s.write(tmp_path, "all-weeks-global.tsv", s.GLOBAL_TODAY))
    assert parsed.layout == "global"
    by_title = {(r["week"], r["show_title"]): r for r in parsed.table.to_pylist()}
    jake = by_title[(dt.date(2025, 3, 30), "Jake Paul vs. Anthony Joshua")]
    assert (jake["runtime"], jake["weekly_views"], jake["season_title"]) == (0.0, 900_000, None)
    sloborn = by_title[(dt.date(2025, 3, 30), "Sløborn")]
    assert sloborn["season_title"] == "Sløborn: Season 1" and sloborn["runtime"] == 5.1


@pytest.mark.parametrize(("text", "window"), [(s.MOST_POPULAR_91, 91), (s.MOST_POPULAR_28, 28)])
def test_most_popular_windows(tmp_path: Path, text: str, window: int) -> None:
    parsed = parse_file(s.write(tmp_path, "most-popular.tsv", text))
    assert parsed.kind == "most-popular" and parsed.window_days == window
    table = parsed.table.to_pylist()
    assert {r["window_days"] for r in table} == {window}
    assert table[1]["show_title"] == "Don't Look Up"
    if window == 28:
        assert table[0]["hours_viewed"] == 364_020_000
        assert table[0]["views"] is None and table[0]["runtime"] is None
    else:
        assert table[0]["views"] == 172_100_000 and table[0]["runtime"] == 2


def test_country_categories_normalised_and_kept_as_written(tmp_path: Path) -> None:
    parsed = parse_file(s.write(tmp_path, "all-weeks-countries.tsv", s.COUNTRIES))
    table = parsed.table.to_pylist()
    early = [r for r in table if r["week"] == dt.date(2021, 7, 4)]
    late = [r for r in table if r["week"] == dt.date(2021, 7, 11)]
    assert {r["category"] for r in early} == {"Films", "TV"}
    assert {r["published_category"] for r in early} == {"Films (English)", "TV (English)"}
    assert {r["published_category"] for r in late} == {"Films", "TV"}
    assert {r["country_name"] for r in table} >= {"Réunion", "South Korea"}


def _xlsx(path: Path, text: str) -> Path:
    """Write a TSV sample as Netflix's XLSX: dates as dates, numbers as numbers."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    lines = [line.split("\t") for line in text.split("\n")]
    sheet.append(lines[0])
    for cells in lines[1:]:
        out: list[object] = []
        for name, cell in zip(lines[0], cells, strict=True):
            if name == "week":
                out.append(dt.date.fromisoformat(cell))
            elif cell.isdigit():
                out.append(int(cell))
            elif cell.replace(".", "", 1).isdigit():
                out.append(float(cell))
            else:
                out.append(cell or None)
        sheet.append(out)
    book.save(path)
    return path


@pytest.mark.parametrize(("name", "text"), [
    ("all-weeks-global", s.GLOBAL_TODAY), ("all-weeks-countries", s.COUNTRIES),
    ("most-popular", s.MOST_POPULAR_91), ("all-weeks-global", s.GLOBAL_2023),
])
def test_xlsx_parses_like_the_tsv(tmp_path: Path, name: str, text: str) -> None:
    from_tsv = parse_file(s.write(tmp_path / "tsv", f"{name}.tsv", text))
    (tmp_path / "xlsx").mkdir()
    from_xlsx = parse_file(_xlsx(tmp_path / "xlsx" / f"{name}.xlsx", text))
    assert from_xlsx.kind == from_tsv.kind and from_xlsx.layout == from_tsv.layout
    assert from_xlsx.table.to_pylist() == from_tsv.table.to_pylist()


BAD_GLOBAL = [
    ("2025-02-30|Films (English)|1|A|N/A|1|2|1|1", 1, "bad week date"),
    ("2025-03-29|Films (English)|1|A|N/A|1|2|1|1", 1, "is a Saturday"),
    ("2025-03-30|Films (English)|one|A|N/A|1|2|1|1", 1, "weekly_rank is not a positive integer"),
    ("2025-03-30|Films (English)|1.5|A|N/A|1|2|1|1", 1, "weekly_rank is not a positive integer"),
    ("2025-03-30|Films (English)|1|A|N/A|1|2|1", 1, "expected 9 columns, found 8"),
    ("2025-03-30|Films|1|A|N/A|1|2|1|1", 1, "unknown category 'Films'"),
    ("2025-03-30|Films (English)|1|A|N/A|lots|2|1|1", 1, "weekly_hours_viewed is not a number"),
    ("2025-03-30|Films (English)|1||N/A|1|2|1|1", 1, "show_title is empty"),
]


@pytest.mark.parametrize(("line", "row", "reason"), BAD_GLOBAL)
def test_malformed_rows_name_file_row_and_reason(
    tmp_path: Path, line: str, row: int, reason: str
) -> None:
    good = "2025-03-30|Films (English)|2|B|N/A|1|2|1|1"
    path = s.write(tmp_path, "all-weeks-global.tsv", s.tsv(s.GLOBAL_HEADER, line, good))
    with pytest.raises(NetflixFileError) as caught:
        parse_file(path)
    err = caught.value
    assert err.file == str(path) and err.row == row and reason in err.reason
    assert str(err).startswith(f"{path}: row {row}: ")


def test_error_row_counts_data_rows(tmp_path: Path) -> None:
    text = s.tsv(s.GLOBAL_HEADER, "2025-03-30|Films (English)|1|A|N/A|1|2|1|1",
                 "2025-03-30|Films (English)|2|B|N/A|1|2|1|1",
                 "2025-03-30|Films (English)|x|C|N/A|1|2|1|1")
    with pytest.raises(NetflixFileError, match=r"row 3: weekly_rank is not a positive"):
        parse_file(s.write(tmp_path, "all-weeks-global.tsv", text))


@pytest.mark.parametrize(("name", "text", "reason"), [
    ("all-weeks-global.tsv", "foo\tbar\n1\t2", "unknown header: foo | bar"),
    ("all-weeks-global.tsv", s.GLOBAL_HEADER.replace("|", "\t") + "\tscore",
     "unknown column 'score'"),
    ("all-weeks-global.tsv", s.COUNTRIES, "named like a global file but has a countries header"),
    ("all-weeks-countries.tsv", s.COUNTRIES.replace("country_name", "country"),
     "unknown column 'country'"),
    ("most-popular.tsv", "category\trank\tshow_title\tseason_title\t"
     "hours_viewed_first_91_days\tviews_first_28_days", "disagree on the window"),
])
def test_bad_headers_are_refused(tmp_path: Path, name: str, text: str, reason: str) -> None:
    with pytest.raises(NetflixFileError, match="header") as caught:
        parse_file(s.write(tmp_path, name, text))
    assert reason in str(caught.value) and caught.value.row == 0


def test_duplicate_list_position_is_refused(tmp_path: Path) -> None:
    text = s.tsv(s.GLOBAL_HEADER, "2025-03-30|Films (English)|1|A|N/A|1|2|1|1",
                 "2025-03-30|Films (English)|1|B|N/A|1|2|1|1")
    with pytest.raises(NetflixFileError, match=r"row 2: duplicate list position .* row 1"):
        parse_file(s.write(tmp_path, "all-weeks-global.tsv", text))


def test_bad_country_code_and_empty_file(tmp_path: Path) -> None:
    text = s.tsv(s.COUNTRY_HEADER, "Britain|UK|2021-07-04|Films|1|A|N/A|1")
    with pytest.raises(NetflixFileError, match=r"row 1: country_iso2 .* 'UK'"):
        parse_file(s.write(tmp_path, "all-weeks-countries.tsv", text))
    with pytest.raises(NetflixFileError, match="no data rows"):
        parse_file(s.write(tmp_path, "most-popular.tsv", s.MOST_POPULAR_91.split("\n")[0]))


def test_find_files_expands_folders_in_kind_order(tmp_path: Path) -> None:
    s.today_folder(tmp_path)
    (tmp_path / "README.md").write_text("not a chart")
    names = [p.name for p in find_files([tmp_path])]
    assert names == ["all-weeks-global.tsv", "all-weeks-countries.tsv", "most-popular.tsv"]
    with pytest.raises(FileNotFoundError, match="no such file"):
        find_files([tmp_path / "missing.tsv"])
