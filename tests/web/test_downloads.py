"""CSV downloads a spreadsheet can open safely: cells it would run as formulas are
neutralised (OWASP's CSV injection advice), numbers stay numbers, and the JSON keeps the
titles exactly as published."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from fastapi.testclient import TestClient

from starchart import api
from starchart.web.app import create_app
from starchart.web.responses import csv_cell
from tests.published.complete_lists import complete

HOSTILE = ['=HYPERLINK("http://evil.example","click")', "+1+cmd|' /C calc'!A0",
           "-2+3", "@SUM(A1:A9)", "Plain Title"]


def test_formula_cells_are_neutralised_and_numbers_kept(tmp_path: Path) -> None:
    week = "2025-03-30"
    lines = ["week\tcategory\tweekly_rank\tshow_title\tseason_title\tweekly_hours_viewed\t"
             "runtime\tweekly_views\tcumulative_weeks_in_top_10"]
    lines += [f"{week}\tFilms (English)\t{rank}\t{name}\tN/A\t{rank * 900}\t1.5\t"
              f"{rank * 600}\t1" for rank, name in enumerate(HOSTILE, start=1)]
    source = tmp_path / "files" / "all-weeks-global.tsv"
    source.parent.mkdir()
    source.write_text(complete("\n".join(lines)), encoding="utf-8")  # full lists, as published
    db = tmp_path / "s.duckdb"
    api.import_netflix([source], db=db)
    with TestClient(create_app(db)) as client:
        got = client.get(f"/week/{week}/films-english.csv")
        assert got.status_code == 200
        rows = list(csv.DictReader(io.StringIO(got.text)))
        assert [r["show_title"] for r in rows][:5] == [
            "'" + HOSTILE[0], "'" + HOSTILE[1], "'-2+3", "'@SUM(A1:A9)", "Plain Title"]
        # counts as Netflix writes them: whole numbers, no ".0"; runtime as published
        assert [r["weekly_views"] for r in rows][:2] == ["600", "1200"]
        assert [r["weekly_rank"] for r in rows][:2] == ["1", "2"] and rows[0]["runtime"] == "1.5"
        assert list(rows[0])[:9] == ["week", "category", "weekly_rank", "show_title",
                                     "season_title", "weekly_hours_viewed", "runtime",
                                     "weekly_views", "cumulative_weeks_in_top_10"]
        assert not any(cell.startswith(("=", "+", "-", "@")) for r in rows
                       for cell in r.values())
        leaders = client.get("/leaders.csv?by=weeks-in-top-10&limit=10").text
        assert "\n=HYPERLINK" not in leaders and ",=HYPERLINK" not in leaders
        as_json = client.get(f"/week/{week}.json").json()
        assert as_json["lists"][0]["rows"][0]["show_title"] == HOSTILE[0]  # JSON unchanged


def test_csv_cell_rules() -> None:
    assert csv_cell("=1+1") == "'=1+1" and csv_cell("Squid Game") == "Squid Game"
    assert csv_cell("\tx") == "'\tx" and csv_cell("\rx") == "'\rx"
    assert csv_cell(-5) == -5 and csv_cell(-2.5) == -2.5 and csv_cell(None) == ""
