"""The real engagement reports and the 2022-11 country file, imported beside the Top 10 files:
facts checked against the workbooks by an independent reading (openpyxl, cell by cell, in the
test), both "Unlocked" films distinct, and the coverage the store records."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path

import duckdb
import openpyxl
import pytest

pytestmark = pytest.mark.real_data


def fetch(db: Path, sql: str, params: list[object] | None = None) -> list[tuple[object, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


@pytest.fixture(scope="module")
def workbook_rows(engagement_data_dir: Path) -> dict[str, list[tuple[str, str, object, object]]]:
    """Per report file: (sheet, title, hours, views) of every data row, read independently:
    the header is the row whose column B says 'Title'."""
    out: dict[str, list[tuple[str, str, object, object]]] = {}
    for path in sorted(engagement_data_dir.glob("What_We_Watched_*.xlsx")):
        book = openpyxl.load_workbook(path, read_only=True)
        rows: list[tuple[str, str, object, object]] = []
        for sheet in book.worksheets:
            header: list[object] | None = None
            for values in sheet.iter_rows(values_only=True):
                if header is None:
                    if len(values) > 1 and values[1] == "Title":
                        header = list(values)
                    continue
                if values[1] is None:
                    continue
                views = values[header.index("Views")] if "Views" in header else None
                rows.append((sheet.title, values[1], values[header.index("Hours Viewed")], views))
        book.close()
        out[path.name] = rows
    return out


def test_every_report_row_is_stored_with_its_hours_and_views(
        everything_db: Path, workbook_rows: dict[str, list[tuple[str, str, object, object]]],
) -> None:
    stored = {(p, n, h, v) for p, n, h, v in fetch(everything_db, """
        SELECT period, count(*), sum(hours_viewed), sum(views) FROM engagement GROUP BY period""")}
    expected = set()
    for name, rows in workbook_rows.items():
        year = name.split("_")[-1][:4]
        half = "H1" if "Jan-Jun" in name else "H2"
        views = [v for *_, v in rows if v is not None]
        expected.add((f"{year}{half}", len(rows), float(sum(h for _, _, h, _ in rows)),
                      float(sum(views)) if views else None))
    assert stored == expected
    assert sum(len(r) for r in workbook_rows.values()) == 82_114


def test_revelations_2025_h1_as_published(everything_db: Path) -> None:
    rows = fetch(everything_db, """SELECT title, english_title, original_title, hours_viewed,
                                          views, runtime_text, available_globally, release_date
                                   FROM engagement WHERE period = '2025H1'
                                     AND english_title = 'Revelations'""")
    assert rows == [("Revelations // 계시록", "Revelations", "계시록", 36_600_000.0, 18_000_000.0,
                     "2:02", True, dt.date(2025, 3, 21))]


def test_both_unlocked_films_are_distinct_works_and_charts_link_to_the_right_one(
        everything_db: Path) -> None:
    works = fetch(everything_db, """SELECT release_date, original_title, title_id FROM titles
                                    WHERE name = 'Unlocked' ORDER BY release_date""")
    assert [(w[0], w[1]) for w in works] == [(dt.date(2017, 12, 30), None),
                                             (dt.date(2023, 2, 17), "스마트폰을 떨어뜨렸을 뿐인데")]
    english, korean = works[0][2], works[1][2]
    assert english != korean
    # every report row of each film, all five reports, on one ID each
    per_id = dict(fetch(everything_db, """SELECT title_id, count(DISTINCT period) FROM engagement
                                          WHERE english_title = 'Unlocked' GROUP BY ALL"""))
    assert per_id == {english: 5, korean: 5}
    # the 2022 country lists mean the 2017 film; the 2023 global list the Korean one
    assert fetch(everything_db, """SELECT DISTINCT title_id, year(week) FROM chart_country
                                   WHERE show_title = 'Unlocked'""") == [(english, 2022)]
    assert fetch(everything_db, """SELECT DISTINCT title_id, year(week) FROM chart_global
                                   WHERE show_title = 'Unlocked'""") == [(korean, 2023)]


def test_every_imported_row_is_linked(everything_db: Path) -> None:
    for table in ("chart_global", "chart_country", "most_popular", "engagement"):
        total, linked = fetch(everything_db,
                              f"SELECT count(*), count(title_id) FROM {table}")[0]
        assert total and total == linked, table
    orphans = fetch(everything_db, """SELECT count(*) FROM engagement e
                                      LEFT JOIN titles t USING (title_id)
                                      WHERE t.title_id IS NULL""")
    assert orphans == [(0,)]


def test_coverage_matches_the_files(everything_db: Path, netflix_data_dir: Path) -> None:
    import csv

    with (netflix_data_dir / "all-weeks-global.tsv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    weeks = sorted({r["week"] for r in rows})
    views = sorted({r["week"] for r in rows if r["weekly_views"]})
    got = {(d, s): (f, la, w) for _, d, s, f, la, w in fetch(
        everything_db, "SELECT * FROM coverage WHERE scope IN ('', 'PT')")}
    assert got[("global", "")] == (dt.date.fromisoformat(weeks[0]),
                                   dt.date.fromisoformat(weeks[-1]), len(weeks))
    assert got[("global-views", "")][:2] == (dt.date.fromisoformat(views[0]),
                                             dt.date.fromisoformat(views[-1]))
    # the TSV to 2022-02-27 and the XLSX to 2022-11-13, 94 countries, 72 weeks
    assert got[("countries", "")] == (dt.date(2021, 7, 4), dt.date(2022, 11, 13), 72)
    assert got[("countries", "PT")] == (dt.date(2021, 7, 4), dt.date(2022, 11, 13), 72)
    periods = [r[0] for r in fetch(everything_db, """SELECT scope FROM coverage
                                                    WHERE dataset = 'engagement' ORDER BY 1""")]
    assert periods == ["2023H1", "2023H2", "2024H1", "2024H2", "2025H1"]


def test_the_later_country_download_rewrote_history_and_said_so(everything_db: Path) -> None:
    kinds = defaultdict(int, fetch(everything_db, """SELECT kind, count(*) FROM netflix_changes
                                                     GROUP BY kind"""))
    assert kinds["renamed"] > 0 and kinds["relabelled"] > 0
    names = fetch(everything_db, """SELECT count(*) FROM title_names n
                                    JOIN title_links l USING (title_id)
                                    WHERE l.explanation LIKE '%newer name%'""")
    assert names[0][0] > 0  # renamed titles keep one ID, matched under the newer name


def test_revelations_every_number_netflix_published(everything_db: Path) -> None:
    from starchart import api

    [entry] = api.title("Revelations", db=everything_db)["matches"]
    [half] = entry["engagement"]
    assert (half["period"], half["hours_viewed"], half["views"]) == (
        "2025H1", 36_600_000, 18_000_000)
    assert (half["top_10"]["weeks"], half["top_10"]["views"]) == (3, 14_600_000)
    # a 2025 title: the country lists (to 2022-11-13) say nothing of it
    assert entry["countries"]["distinct_in_top_10"] is None
    assert entry["countries"]["coverage"]["status"] == "no data"
    assert entry["countries"]["coverage"]["country_lists"] == (
        "2021-07-04 .. 2022-11-13 (72 weeks)")


def test_squid_game_views_are_flagged_partial_beside_most_popular(everything_db: Path,
                                                                  netflix_data_dir: Path) -> None:
    import csv

    from starchart import api

    [entry] = [m for m in api.title("Squid Game: Season 1", db=everything_db)["matches"]
               if m["global"]]
    with (netflix_data_dir / "all-weeks-global.tsv").open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
                if r["season_title"] == "Squid Game: Season 1"]
    with_views = [r for r in rows if r["weekly_views"]]
    [lst] = entry["global"]
    assert lst["weeks_in_top_10"] == len(rows)
    assert lst["views_weeks"] == len(with_views) < len(rows)
    assert lst["views"] == sum(float(r["weekly_views"]) for r in with_views)
    assert lst["views_partial"] and "views published for" in lst["views_note"]
    [popular] = entry["most_popular"]
    assert popular["views"] == 265_200_000


def test_engagement_leader_is_the_workbooks_most_viewed_title(
        everything_db: Path, workbook_rows: dict[str, list[tuple[str, str, object, object]]],
) -> None:
    from starchart import api

    rows = workbook_rows["What_We_Watched_A_Netflix_Engagement_Report_2025Jan-Jun.xlsx"]
    best = max(rows, key=lambda r: float(r[3]))  # type: ignore[arg-type]
    report = api.engagement("2025H1", limit=1, db=everything_db)
    assert (report["rows"][0]["title"], report["rows"][0]["views"]) == (best[1], best[3])
    assert report["totals"]["titles"] == len(rows)
    views = api.leaders("views", db=everything_db)
    assert views.attrs["coverage"]["spans"][0]["first_week"] == "2023-06-18"
