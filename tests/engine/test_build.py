"""``starchart build`` on the DuckDB store: the command, what it replaces, what it refuses."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from starchart import api, store
from starchart.cli import app
from starchart.engine.build import latest_complete_week, plan_weeks
from tests.engine.fixtures.chart_store import add_events, event, fill_store, global_list, title

runner = CliRunner()
H = 3600
FE = "Films (English)"


@pytest.fixture()
def three_weeks(tmp_db: Path) -> Path:
    """A film and a season over three complete weeks (2025-03-09 .. 2025-03-23)."""
    titles = [
        title("f1", "Lantern", runtime=109, original=True, release="2025-03-03"),
        title("s1", "Harbour", kind="tv", season="Harbour: Season 1", lang="de", runtime=400),
    ]
    events = [
        event("f1", "2025-03-03 09:00", 2 * H, "US"),
        event("s1", "2025-03-08 09:00", 5 * H, "DE"),
        event("f1", "2025-03-11 09:00", H, "GB"),
        event("s1", "2025-03-23 21:00", 7 * H, "DE"),
    ]
    fill_store(tmp_db, titles, events)
    return tmp_db


def test_build_command_writes_every_complete_week(three_weeks: Path) -> None:
    result = runner.invoke(app, ["build", "--db", str(three_weeks), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["engine"] == "duckdb"
    assert report["weeks"] == ["2025-03-09", "2025-03-16", "2025-03-23"]
    assert report["events"] == 4
    assert report["rows"] == {"chart_global": 4, "chart_country": 4, "most_popular": 1}
    assert set(report["timings"]) >= {"global_lists", "country_lists", "most_popular", "write",
                                      "total", "wall"}
    # Checked through the library: the chart questions and the export of what was built.
    assert api.weeks(db=three_weeks) == ["2025-03-23", "2025-03-16", "2025-03-09"]
    week = api.week("2025-03-09", db=three_weeks)
    assert week["source"] == "engine"
    films = next(x for x in week["lists"] if x["category"] == FE)["rows"]
    assert [(r["weekly_rank"], r["show_title"], r["weekly_hours_viewed"]) for r in films] == [
        (1, "Lantern", 2.0)
    ]
    assert api.week("2025-03-09", country="DE", db=three_weeks)["country_name"] == "Germany"
    out = three_weeks.parent / "out"
    api.export(out, db=three_weeks, round_to=1)
    assert (out / "all-weeks-global.tsv").read_text().splitlines() == [
        "week\tcategory\tweekly_rank\tshow_title\tseason_title\tweekly_hours_viewed\truntime"
        "\tweekly_views\tcumulative_weeks_in_top_10",
        "2025-03-23\tTV (Non-English)\t1\tHarbour\tHarbour: Season 1\t7\t6.6667\t1\t2",
        "2025-03-16\tFilms (English)\t1\tLantern\tN/A\t1\t1.8167\t1\t2",
        "2025-03-09\tFilms (English)\t1\tLantern\tN/A\t2\t1.8167\t1\t1",
        "2025-03-09\tTV (Non-English)\t1\tHarbour\tHarbour: Season 1\t5\t6.6667\t1\t1",
    ]
    assert (out / "most-popular.tsv").read_text().splitlines()[1:] == [
        "Films (English)\t1\tLantern\tN/A\t3\t1.8167\t2",
    ]
    countries = (out / "all-weeks-countries.tsv").read_text().splitlines()[1:]
    assert countries == [
        "Germany\tDE\t2025-03-23\tTV\t1\tHarbour\tHarbour: Season 1\t2",
        "Germany\tDE\t2025-03-09\tTV\t1\tHarbour\tHarbour: Season 1\t1",
        "United Kingdom\tGB\t2025-03-16\tFilms\t1\tLantern\tN/A\t1",
        "United States\tUS\t2025-03-09\tFilms\t1\tLantern\tN/A\t1",
    ]


def test_build_keeps_exact_values_in_the_store(three_weeks: Path) -> None:
    api.build(db=three_weeks)
    row = global_list(three_weeks, "2025-03-09", FE)[0]
    assert row[4] == 2.0 and row[5] == 109 / 60 and row[6] == 2.0 / (109 / 60)


def test_build_prints_a_summary_without_json(three_weeks: Path) -> None:
    result = runner.invoke(app, ["build", "--db", str(three_weeks)])
    assert result.exit_code == 0, result.output
    assert "built 3 week(s) (2025-03-09 .. 2025-03-23) on duckdb from 4 events" in result.stdout
    assert "chart_global" in result.stdout


def test_rebuilding_one_week_also_rebuilds_later_built_weeks(three_weeks: Path) -> None:
    api.build(db=three_weeks)
    with store.opened(three_weeks) as con:
        add_events(con, [event("s1", "2025-03-15 10:00", 20 * H, "FR"),
                         event("f1", "2025-03-21 10:00", 30 * H, "FR")])
    result = runner.invoke(app, ["build", "--db", str(three_weeks), "--week", "2025-03-16",
                                 "--json"])
    assert result.exit_code == 0, result.output
    # 2025-03-23 was built before: its cumulative counts include 2025-03-16, so it is redone.
    assert json.loads(result.stdout)["weeks"] == ["2025-03-16", "2025-03-23"]
    assert [(r[1], r[4], r[7]) for r in global_list(three_weeks, "2025-03-16",
                                                    "TV (Non-English)")] == [("s1", 20.0, 2)]
    assert [r[7] for r in global_list(three_weeks, "2025-03-23", "TV (Non-English)")] == [3]
    assert [(r[1], r[4], r[7]) for r in global_list(three_weeks, "2025-03-23", FE)] == [
        ("f1", 30.0, 3)
    ]
    with store.opened(three_weeks, read_only=True) as con:
        one_week = con.execute(
            "SELECT * FROM chart_country ORDER BY ALL").fetchall(), con.execute(
            "SELECT * FROM chart_global ORDER BY ALL").fetchall()
    api.build(db=three_weeks)  # a full build agrees with the one-week build
    with store.opened(three_weeks, read_only=True) as con:
        assert one_week == (con.execute("SELECT * FROM chart_country ORDER BY ALL").fetchall(),
                            con.execute("SELECT * FROM chart_global ORDER BY ALL").fetchall())


def test_rebuilding_a_week_leaves_earlier_and_unbuilt_weeks_alone(three_weeks: Path) -> None:
    api.build(db=three_weeks, week="2025-03-09")
    with store.opened(three_weeks) as con:
        add_events(con, [event("f1", "2025-03-04 10:00", 9 * H, "FR")])
    # Only 2025-03-09 was ever built: later weeks are not built by --week.
    assert api.build(db=three_weeks, week="2025-03-09")["weeks"] == ["2025-03-09"]
    assert api.weeks(db=three_weeks) == ["2025-03-09"]
    api.build(db=three_weeks)
    with store.opened(three_weeks) as con:
        add_events(con, [event("f1", "2025-03-20 10:00", 9 * H, "FR")])
    assert api.build(db=three_weeks, week="2025-03-23")["weeks"] == ["2025-03-23"]
    assert [(r[4], r[7]) for r in global_list(three_weeks, "2025-03-09", FE)] == [(11.0, 1)]


def test_build_never_touches_imported_netflix_rows(three_weeks: Path) -> None:
    with store.opened(three_weeks) as con:
        con.execute(
            """INSERT INTO chart_global (source, week, category, weekly_rank, show_title,
                   weekly_hours_viewed, runtime, weekly_views, cumulative_weeks_in_top_10)
               VALUES ('netflix', DATE '2025-03-16', 'Films (English)', 1, 'Published', 100000,
                       2, 50000, 4)"""
        )
        con.execute(
            """INSERT INTO chart_country (source, country_iso2, country_name, week, category,
                   weekly_rank, show_title, cumulative_weeks_in_top_10)
               VALUES ('netflix', 'GB', 'United Kingdom', DATE '2025-03-16', 'Films', 1,
                       'Published', 4)"""
        )
        con.execute(
            """INSERT INTO most_popular (source, category, rank, show_title, window_days)
               VALUES ('netflix', 'Films (English)', 1, 'Published', 91)"""
        )
    api.build(db=three_weeks)
    api.build(db=three_weeks, week="2025-03-16")
    assert global_list(three_weeks, "2025-03-16", FE, source="netflix") == [
        (1, None, "Published", None, 100000.0, 2.0, 50000.0, 4)
    ]
    with store.opened(three_weeks, read_only=True) as con:
        counts = con.execute(
            """SELECT (SELECT count(*) FROM chart_country WHERE source = 'netflix'),
                      (SELECT count(*) FROM most_popular WHERE source = 'netflix'),
                      (SELECT count(*) FROM chart_global WHERE source = 'engine')"""
        ).fetchone()
    assert counts == (1, 1, 4)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--week", "2025-03-15"], "2025-03-15 is a Saturday"),
        (["--week", "2025-03-30"], "week 2025-03-30 is not complete"),
        (["--week", "2025-03-02"], "before the first week of data"),
        (["--week", "March"], "not a date"),
        (["--engine", "spark"], "give --catalog FILE, --events PATH... and --out DIR"),
        (["--engine", "flink"], "unknown engine 'flink'"),
        (["--engine", "spark", "--catalog", "c.csv", "--events", "e.csv", "--out", "o",
          "--week", "2025-03-09"], "--week is for the DuckDB store"),
        (["--out", "x"], "belong to --engine spark"),
    ],
)
def test_build_explains_what_is_wrong(three_weeks: Path, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["build", "--db", str(three_weeks), *args])
    assert result.exit_code == 1
    assert message in " ".join(result.stderr.split())


def test_build_without_events_says_to_ingest(tmp_db: Path) -> None:
    fill_store(tmp_db, [title("f1", "Lantern")], [])
    result = runner.invoke(app, ["build"])  # the store comes from $STARCHART_DB
    assert result.exit_code == 1
    assert "starchart ingest" in result.stderr


def test_build_with_no_complete_week_yet(tmp_db: Path) -> None:
    fill_store(tmp_db, [title("f1", "Lantern")], [event("f1", "2025-03-05 10:00", H)])
    with pytest.raises(ValueError, match="first chart week \\(ending 2025-03-09\\) is not"):
        api.build(db=tmp_db)


def test_latest_complete_week_and_plan() -> None:
    assert latest_complete_week(dt.date(2025, 3, 9)) == dt.date(2025, 3, 9)      # Sunday
    assert latest_complete_week(dt.date(2025, 3, 10)) == dt.date(2025, 3, 9)     # Monday
    assert latest_complete_week(dt.date(2025, 3, 15)) == dt.date(2025, 3, 9)     # Saturday
    first, last = dt.date(2025, 3, 3), dt.date(2025, 3, 25)
    assert plan_weeks(first, last) == (dt.date(2025, 3, 23), dt.date(2025, 3, 23))
    assert plan_weeks(first, last, dt.date(2025, 3, 16)) == (dt.date(2025, 3, 16),
                                                            dt.date(2025, 3, 23))


def test_rebuilding_a_week_without_viewing_empties_it(tmp_db: Path) -> None:
    titles = [title("f1", "Lantern")]
    fill_store(tmp_db, titles, [event("f1", "2025-03-05 10:00", H),
                                event("f1", "2025-03-12 10:00", H, "GB"),
                                event("f1", "2025-03-23 10:00", H)])
    api.build(db=tmp_db)
    assert len(global_list(tmp_db, "2025-03-16", FE)) == 1
    with store.opened(tmp_db) as con:
        # The week's viewing disappears from the rollup (as if never loaded).
        con.execute("DELETE FROM daily_viewing WHERE day BETWEEN '2025-03-10' AND '2025-03-16'")
    result = api.build(db=tmp_db, week="2025-03-16")
    assert result["weeks"] == ["2025-03-16", "2025-03-23"]
    assert result["rows"] == {"chart_global": 1, "chart_country": 1, "most_popular": 0}
    assert global_list(tmp_db, "2025-03-16", FE) == []
    assert [r[7] for r in global_list(tmp_db, "2025-03-23", FE)] == [2]  # rebuilt: one gap
