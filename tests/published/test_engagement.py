"""Engagement reports: every layout and quirk parsed, each damaged form refused naming file,
sheet, row and reason, and imports that replace a half-year, record what changed and link
every row to its work."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import duckdb
import pytest

from starchart import api
from starchart.published.engagement_files import (
    HalfYear,
    parse_report,
    period_from_name,
    split_title,
)
from starchart.published.netflix_files import NetflixFileError
from tests.published import engagement_samples as e


def by_title(path: Path) -> dict[tuple[str, object], dict[str, object]]:
    rows = parse_report(path).table.to_pylist()
    return {(r["title"], r["release_date"]): r for r in rows}


def test_2023_h1_layout_one_sheet_hours_only_date_cells(tmp_path: Path) -> None:
    path = e.write_report(tmp_path / e.NAMES["2023H1"], e.H1_2023, "2023H1")
    parsed = parse_report(path)
    assert (parsed.period.label, parsed.layout, parsed.sheets) == (
        "2023H1", "engagement-hours", ["Engagement"])
    assert parsed.rows == len(e.H1_2023["Engagement"])
    rows = by_title(path)
    glory = rows[("The Glory: Season 1 // 더 글로리: 시즌 1", dt.date(2022, 12, 30))]
    assert (glory["english_title"], glory["original_title"], glory["kind"]) == (
        "The Glory: Season 1", "더 글로리: 시즌 1", None)  # one sheet: kind unknown
    assert glory["views"] is None and glory["runtime"] is None
    meteor = rows[("Meteor Garden: Season 1 // 流星花園: 第 1 季 // 流星花园: 第 1 季", None)]
    assert (meteor["original_title"], meteor["other_titles"]) == (
        "流星花園: 第 1 季", "流星花园: 第 1 季")
    assert meteor["available_globally"] is False and meteor["release_date"] is None
    assert "views" not in parsed.published


def test_2023_h2_layout_tv_and_film_sheets_with_runtime_and_views(tmp_path: Path) -> None:
    path = e.write_report(tmp_path / e.NAMES["2023H2"], e.H2_2023, "2023H2")
    parsed = parse_report(path)
    assert (parsed.period.label, parsed.layout, parsed.sheets) == (
        "2023H2", "engagement", ["TV", "Film"])
    rows = by_title(path)
    piece = rows[("ONE PIECE: Season 1", dt.date(2023, 8, 31))]
    assert piece["kind"] == "tv" and piece["runtime_text"] == "7:34"
    assert piece["runtime"] == pytest.approx(7 + 34 / 60)
    peppa = rows[("Peppa Pig: Season 1", None)]
    assert (peppa["runtime"], peppa["runtime_text"], peppa["views"]) == (None, "*", 17_900_000)
    cinderella = next(r for (t, _), r in rows.items() if t.startswith("Three Wishes"))
    assert cinderella["original_title"] == "Drei Haselnüsse für Aschenbrödel"  # NBSP trimmed
    assert cinderella["title"].endswith("\xa0")  # the title as published is kept
    assert rows[("Unlocked", dt.date(2017, 12, 30))]["kind"] == "film"


def test_2025_h1_layout_shows_and_movies_live_runtime_and_same_name_by_date(
        tmp_path: Path) -> None:
    path = e.write_report(tmp_path / e.NAMES["2025H1"], e.H1_2025, "2025H1")
    rows = by_title(path)
    raw = rows[("Raw: January 6, 2025", dt.date(2025, 1, 6))]
    assert raw["runtime_text"] == "2:25*" and raw["runtime"] == pytest.approx(2 + 25 / 60)
    assert rows[("You vs. Wild: Season 1", dt.date(2025, 1, 23))]["hours_viewed"] == 1_500_000
    assert rows[("You vs. Wild: Season 1", dt.date(2019, 4, 10))]["hours_viewed"] == 500_000
    rev = rows[("Revelations // 계시록", dt.date(2025, 3, 21))]
    assert (rev["hours_viewed"], rev["views"], rev["kind"]) == (36_600_000, 18_000_000, "film")


@pytest.mark.parametrize(("title", "parts"), [
    ("Revelations // 계시록", ("Revelations", "계시록", [])),
    ("Dragon // 武俠 // 武侠", ("Dragon", "武俠", ["武侠"])),
    ("Another One // واحد تاني \xa0", ("Another One", "واحد تاني", [])),
    ("Leo", ("Leo", None, [])),
])
def test_split_title(title: str, parts: tuple[str, str | None, list[str]]) -> None:
    assert split_title(title) == parts


def test_period_from_name_and_block() -> None:
    assert period_from_name(Path(e.NAMES["2025H1"])) == HalfYear(2025, 1)
    assert period_from_name(Path("engagement-2024H2.xlsx")) == HalfYear(2024, 2)
    assert HalfYear.parse("2025h1").end == dt.date(2025, 6, 30)
    with pytest.raises(ValueError, match="half-year"):
        HalfYear.parse("2025Q1")


# --- refused reports ---------------------------------------------------------------------------


def _mutated(tmp_path: Path, change: str) -> Path:
    """The 2025 H1 sample with one fault in it."""
    sheets = {k: list(v) for k, v in e.H1_2025.items()}
    movies = sheets["Movies"]
    name, period, block = e.NAMES["2025H1"], "2025H1", None
    header = None
    if change == "cut":
        sheets["Movies"] = movies[:3]
    elif change == "swapped-hours-views":  # the values of the two columns exchanged
        sheets["Movies"] = [(*r[:3], r[5], r[4], r[3]) for r in movies[:-1]] + movies[-1:]
    elif change == "1e300":
        movies[1] = (*movies[1][:3], 1e300, *movies[1][4:])
    elif change == "underscore":
        movies[1] = (*movies[1][:3], "36_600_000", *movies[1][4:])
    elif change == "cr":  # XML reads it as a line feed; NUL it cannot hold (see the TSV tests)
        movies[1] = ("Revelations\r", *movies[1][1:])
    elif change == "nel":
        movies[1] = ("Revelations\x85", *movies[1][1:])
    elif change == "long":
        movies[1] = ("R" * 5000, *movies[1][1:])
    elif change == "duplicate":
        movies.insert(2, movies[1])
    elif change == "bad-runtime":
        movies[1] = (*movies[1][:4], "two hours", movies[1][5])
    elif change == "future-release":
        movies[1] = (*movies[1][:2], "2026-01-01", *movies[1][3:])
    elif change == "unknown-column":
        header = (*e.WITH_VIEWS[:-1], "Likes")
    elif change == "missing-column":
        header = e.WITH_VIEWS[:2] + e.WITH_VIEWS[3:]
        sheets = {k: [r[:2] + r[3:] for r in v] for k, v in sheets.items()}
    elif change == "block-disagrees":
        block = "Views from July to December 2025"
    elif change == "one-sheet-missing":
        del sheets["Movies"]
    elif change == "unknown-sheet":
        sheets["Documentaries"] = sheets.pop("Movies")
    elif change == "empty-title":
        movies[1] = ("", *movies[1][1:])
    return e.write_report(tmp_path / name, sheets, period, header=header, block=block)


@pytest.mark.parametrize(("change", "where", "reason"), [
    ("cut", "row 9", "cut short"),
    ("swapped-hours-views", "row", "Views is not Hours Viewed / Runtime"),
    ("1e300", "row 8", "impossible"),
    ("underscore", "row 8", "not a whole number: '36_600_000'"),
    ("cr", "row 8", "control character U+000A"),
    ("nel", "row 8", "control character U+0085"),
    ("long", "row 8", "5,000 characters long"),
    ("duplicate", "row 9", "listed twice"),
    ("bad-runtime", "row 8", "Runtime is not H:MM"),
    ("future-release", "row 8", "impossible for a report"),
    ("unknown-column", "row 6", "unknown column 'Likes'"),
    ("missing-column", "row 6", "lacks column(s) 'Release Date'"),
    ("block-disagrees", None, "the title block says 2025H2 but the file name says 2025H1"),
    ("one-sheet-missing", None, "one is missing"),
    ("unknown-sheet", None, "unknown sheet 'Documentaries'"),
    ("empty-title", "row 8", "Title is empty"),
])
def test_damaged_reports_are_refused_naming_file_row_and_reason(
        tmp_path: Path, change: str, where: str | None, reason: str) -> None:
    path = _mutated(tmp_path, change)
    with pytest.raises(NetflixFileError) as caught:
        parse_report(path)
    message = str(caught.value)
    assert message.startswith(str(path)) and reason in message, message
    if where:
        assert f": {where}" in message, message


@pytest.mark.parametrize("content", [
    b"<html><head><title>301 Moved Permanently</title></head></html>",
    b"PK\x03\x04",
    b"",
], ids=["html-page", "4-bytes", "empty"])
def test_files_that_are_no_workbook_are_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / e.NAMES["2025H1"]
    path.write_bytes(content)
    with pytest.raises(NetflixFileError, match="not an XLSX workbook"):
        parse_report(path)


def test_a_truncated_and_a_damaged_workbook_are_refused(tmp_path: Path) -> None:
    good = e.write_report(tmp_path / "good" / e.NAMES["2025H1"], e.H1_2025, "2025H1")
    cut = tmp_path / e.NAMES["2025H1"]
    cut.write_bytes(good.read_bytes()[: good.stat().st_size * 2 // 3])
    with pytest.raises(NetflixFileError, match="not an XLSX workbook|not a readable"):
        parse_report(cut)
    # a sheet whose XML is garbage inside an intact zip
    damaged = tmp_path / "damaged" / e.NAMES["2025H1"]
    damaged.parent.mkdir()
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(damaged, "w") as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet2.xml":
                data = data[: len(data) // 2] + b"<<<garbage"
            out.writestr(item, data)
    with pytest.raises(NetflixFileError) as caught:
        parse_report(damaged)
    assert "damaged" in str(caught.value) or "not a readable" in str(caught.value)


def test_the_cli_refuses_a_damaged_report_in_one_line(tmp_path: Path, tmp_db: Path) -> None:
    from typer.testing import CliRunner

    from starchart.cli import app

    path = _mutated(tmp_path, "cr")
    result = CliRunner().invoke(app, ["import", "netflix", str(path)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output and "U+000A" in " ".join(result.output.split())


# --- import -----------------------------------------------------------------------------------


def fetch(db: Path, sql: str) -> list[tuple[object, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_import_reports_links_titles_and_records_coverage(tmp_path: Path, tmp_db: Path) -> None:
    result = api.import_netflix(e.folder(tmp_path / "in"), db=tmp_db)
    assert [(f["period"], f["layout"], f["rows"]) for f in result["files"]] == [
        ("2023H1", "engagement-hours", 6), ("2023H2", "engagement", 10),
        ("2025H1", "engagement", 13)]
    assert fetch(tmp_db, "SELECT count(*), count(title_id) FROM engagement") == [(29, 29)]
    # "Unlocked" is two works, each the same work in every report
    unlocked = fetch(tmp_db, """SELECT release_date, count(DISTINCT title_id), count(*)
                                FROM engagement WHERE english_title = 'Unlocked'
                                GROUP BY ALL ORDER BY ALL""")
    assert unlocked == [(dt.date(2017, 12, 30), 1, 3), (dt.date(2023, 2, 17), 1, 3)]
    assert fetch(tmp_db, """SELECT count(DISTINCT title_id) FROM engagement
                            WHERE english_title = 'Unlocked'""") == [(2,)]
    # the 2023 H1 rows (one mixed sheet) take their kind from the later reports
    assert fetch(tmp_db, """SELECT DISTINCT t.kind FROM engagement e JOIN titles t USING (title_id)
                            WHERE e.english_title = 'Unlocked'""") == [("film",)]
    assert fetch(tmp_db, """SELECT scope, first_day, last_day FROM coverage
                            WHERE dataset = 'engagement-views' ORDER BY scope""") == [
        ("2023H2", dt.date(2023, 7, 1), dt.date(2023, 12, 31)),
        ("2025H1", dt.date(2025, 1, 1), dt.date(2025, 6, 30))]
    assert len(fetch(tmp_db, "SELECT * FROM coverage WHERE dataset = 'engagement'")) == 3


def test_reimport_replaces_the_half_year_and_records_what_changed(
        tmp_path: Path, tmp_db: Path) -> None:
    api.import_netflix(e.folder(tmp_path / "in"), db=tmp_db)
    ids = dict(fetch(tmp_db, "SELECT title, title_id FROM engagement WHERE period = '2025H1'"))
    sheets = {k: list(v) for k, v in e.H1_2025.items()}
    back = sheets["Movies"][0]
    sheets["Movies"][0] = (*back[:3], 314_000_000, back[4], 165_000_000)  # revised
    del sheets["Movies"][4]                                                # a row dropped
    newer = e.write_report(tmp_path / "newer" / e.NAMES["2025H1"], sheets, "2025H1")
    result = api.import_netflix(newer, db=tmp_db)
    assert result["changes"] == {"replaced": 1, "removed": 1}
    assert fetch(tmp_db, "SELECT count(*) FROM engagement WHERE period = '2025H1'") == [(12,)]
    edits = fetch(tmp_db, "SELECT kind, list, before, after FROM netflix_changes ORDER BY kind")
    assert edits[1][0] == "replaced" and edits[1][1] == "engagement/2025H1/film"
    assert "hours 313000000" in str(edits[1][2]) and "hours 314000000" in str(edits[1][3])
    assert edits[0][0] == "removed" and str(edits[0][2]).startswith("Monster | released 2024")
    # IDs survive a re-import
    again = dict(fetch(tmp_db, "SELECT title, title_id FROM engagement WHERE period = '2025H1'"))
    assert all(again[t] == ids[t] for t in again)


def test_a_report_without_views_cannot_erase_stored_views(tmp_path: Path, tmp_db: Path) -> None:
    api.import_netflix(e.write_report(tmp_path / e.NAMES["2025H1"], e.H1_2025, "2025H1"),
                       db=tmp_db)
    before = fetch(tmp_db, "SELECT * FROM engagement ORDER BY title, release_date")
    hours_only = {k: [r[:4] for r in v] for k, v in e.H1_2025.items()}
    narrow = e.write_report(tmp_path / "narrow" / e.NAMES["2025H1"], hours_only, "2025H1")
    with pytest.raises(NetflixFileError, match="would erase published figures"):
        api.import_netflix(narrow, db=tmp_db)
    assert fetch(tmp_db, "SELECT * FROM engagement ORDER BY title, release_date") == before


def test_a_folder_mixing_top10_files_and_reports(tmp_path: Path, tmp_db: Path) -> None:
    from tests.published import netflix_samples as s

    folder = s.today_folder(tmp_path / "all" / "top10")
    e.folder(tmp_path / "all" / "reports")
    (tmp_path / "all" / "notes.txt").write_text("not a chart")
    result = api.import_netflix(tmp_path / "all", db=tmp_db)
    assert [f["kind"] for f in result["files"]] == [
        "global", "countries", "most-popular", "engagement", "engagement", "engagement"]
    assert folder.exists()


def test_progress_is_reported_while_reading(tmp_path: Path, tmp_db: Path) -> None:
    seen: list[tuple[str, int, int]] = []
    api.import_netflix(e.folder(tmp_path / "in"), db=tmp_db,
                       progress=lambda m, d, t: seen.append((m, d, t)))
    assert seen[0][0].startswith("reading What_We_Watched")
    assert any(m == "linking titles" for m, _, _ in seen)
    imported = [i for i, (m, _, _) in enumerate(seen) if m == "done"]
    assert imported and seen[imported[0]][1] == seen[imported[0]][2]
    # then the import's release is published, and the bar ends full
    assert all(m.startswith("publish") for m, _, _ in seen[imported[0] + 1:])
    assert seen[-1][0] == "published release 1" and seen[-1][1] == seen[-1][2]
