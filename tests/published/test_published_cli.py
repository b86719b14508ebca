"""The commands, invoked through the real Typer app, then checked through the library."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from starchart import api
from starchart.cli import app
from tests.published import netflix_samples as s

runner = CliRunner()


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rich wraps at 80 columns off a terminal; give tables room so lines stay whole."""
    from starchart.commands import common

    for console in (common.console, common.err_console):
        monkeypatch.setattr(console, "_width", 200)


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


@pytest.fixture()
def loaded(tmp_path: Path, tmp_db: Path) -> Path:
    code, out = run("import", "netflix", str(s.today_folder(tmp_path / "today")))
    assert code == 0, out
    return tmp_db


def test_import_then_library_sees_it(tmp_path: Path, tmp_db: Path) -> None:
    code, out = run("import", "netflix", str(s.today_folder(tmp_path / "in")), "--json")
    assert code == 0, out
    result = json.loads(out)
    assert [f["rows"] for f in result["files"]] == [2 * 40, 4 * 2 * 2 * 10, 40]  # full lists
    assert api.weeks(db=tmp_db)[0] == "2025-03-30"
    assert api.most_popular(db=tmp_db)["lists"][0]["rows"][0]["show_title"] == "Carry-On"
    code, out = run("import", "netflix", str(tmp_path / "in"))
    assert code == 0 and "all-weeks-global.tsv" in out


def test_import_refuses_a_bad_file_with_file_row_reason(tmp_path: Path, tmp_db: Path) -> None:
    bad = s.write(tmp_path, "all-weeks-global.tsv",
                  s.GLOBAL_TODAY.replace("2025-03-23\tFilms (English)\t1",
                                         "2025-13-23\tFilms (English)\t1"))
    result = runner.invoke(app, ["import", "netflix", str(bad)])
    assert result.exit_code == 1
    message = " ".join(result.output.split())
    row = bad.read_text().split("\n").index(next(
        line for line in bad.read_text().split("\n") if line.startswith("2025-13-23")))
    assert f"all-weeks-global.tsv: row {row}: bad week date" in message
    assert not tmp_db.exists() or api.sources(db=tmp_db) == []


def test_changes_lists_what_a_reimport_found(loaded: Path, tmp_path: Path) -> None:
    newer = s.write(tmp_path / "newer", "all-weeks-global.tsv", s.GLOBAL_NEWER)
    code, out = run("import", "netflix", str(newer))
    assert code == 0 and "starchart changes" in out
    code, out = run("changes", "--json")
    assert code == 0
    payload = json.loads(out)
    kinds = sorted(c["kind"] for c in payload["changes"])
    assert kinds == sorted(api.changes(db=loaded)["kind"])
    assert "renamed" in kinds and len(payload["imports"]) == 4
    code, out = run("changes")
    assert code == 0 and "Mantis: Deadly Duel" in out and "relabelled" in out


def test_title_json_and_table(loaded: Path) -> None:
    code, out = run("title", "queen", "mantis", "--json")
    assert code == 0
    payload = json.loads(out)
    assert payload == json.loads(json.dumps(api.title("queen mantis", db=loaded), default=str))
    assert payload["matches"][0]["global"][0]["weeks_at_1"] == 2
    code, out = run("title", "Mantis")
    assert code == 0 and "Films (Non-English)" in out and "Queen" not in out
    code, out = run("title", "Mantiss")
    assert code == 1 and "Did you mean" in out and "mantis" in out


def test_week_json_and_country_table(loaded: Path) -> None:
    code, out = run("week", "--json")
    assert code == 0
    assert json.loads(out)["week"] == api.week(db=loaded)["week"] == "2025-03-30"
    code, out = run("week", "2021-07-11", "--country", "KR")
    assert code == 0 and "South Korea" in out and "레드슈즈" in out
    code, out = run("week", "2025-03-29")  # a Saturday means its week (issue 11)
    assert code == 0 and "2025-03-29 is in the chart week ending 2025-03-30" in out
    code, out = run("week", "Saturday")
    assert code == 1 and "not a date" in out


def test_leaders_search_most_popular(loaded: Path) -> None:
    code, out = run("leaders", "--by", "views", "--category", "Films", "--limit", "2", "--json")
    assert code == 0
    rows = json.loads(out)["rows"]
    expected = api.leaders("views", category="Films", limit=2, db=loaded)
    assert [r["show_title"] for r in rows] == list(expected["show_title"]) == [
        "Carry-On", "Mantis"]
    code, out = run("leaders", "--by", "weeks-in-top-10", "--since", "2025-03-30",
                    "--category", "TV (Non-English)")
    assert code == 0 and "Sløborn" in out
    code, out = run("leaders", "--by", "likes")
    assert code == 1 and "unknown leaderboard" in out
    code, out = run("search", "cafe", "con", "aroma", "--json")
    assert code == 0 and json.loads(out)["results"][0]["show_title"] == "Café con aroma de mujer"
    code, out = run("most-popular", "--category", "TV (English)")
    assert code == 0 and "Adolescence" in out and "Carry-On" not in out


def test_titles_with_square_brackets_print_as_written(tmp_path: Path, tmp_db: Path) -> None:
    """Titles are data, not Rich markup: ``[REC]`` stays visible, ``[/x]`` does not crash."""
    folder = tmp_path / "brackets"
    s.write(folder, "all-weeks-global.tsv",
            s.GLOBAL_TODAY.replace("Carry-On", "[REC]").replace("Kill Boksoon", "Kill [/x]"))
    s.write(folder, "most-popular.tsv", s.MOST_POPULAR_91.replace("Carry-On", "[REC]"))
    code, out = run("import", "netflix", str(folder))
    assert code == 0, out
    for args, shown in ((("week",), ("[REC]", "Kill [/x]")), (("title", "[REC]"), ("[REC]",)),
                        (("title", "Kill [/x]"), ("Kill [/x]",)), (("search", "rec"), ("[REC]",)),
                        (("leaders", "--by", "weeks-in-top-10"), ("[REC]", "Kill [/x]")),
                        (("most-popular",), ("[REC]",))):
        code, out = run(*args)
        assert code == 0, (args, out)
        assert all(name in out for name in shown), (args, out)
    code, out = run("title", "[/x] nothing like it")
    assert code == 1 and "No title named '[/x] nothing like it'" in out
    code, out = run("week", "--country", "[/x]")  # the error message quotes the input
    assert code == 1 and "[/x]" in out
