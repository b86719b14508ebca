"""Importing into the real DuckDB store: layouts side by side, re-imports recorded as changes,
bad files refused with the store untouched, and the byte-for-byte round trip."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

import pytest

from starchart import api, store
from starchart.published.netflix_files import NetflixFileError
from tests.published import netflix_samples as s


def fetch(db: Path, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with store.opened(db, read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def snapshot(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Everything an import may touch, in a stable order."""
    tables = ("chart_global", "chart_country", "most_popular", "netflix_changes",
              "netflix_imports")
    return {t: sorted(fetch(db, f"SELECT * FROM {t}"), key=repr) for t in tables}


def test_every_layout_lands_in_the_engine_tables_tagged_netflix(
    tmp_path: Path, tmp_db: Path
) -> None:
    files = [
        s.write(tmp_path / "a", "all-weeks-global.tsv", s.GLOBAL_2021),
        s.write(tmp_path / "b", "all-weeks-global.tsv", s.GLOBAL_2023),
        s.write(tmp_path / "c", "all-weeks-global.tsv", s.GLOBAL_TODAY),
        s.write(tmp_path / "c", "all-weeks-countries.tsv", s.COUNTRIES),
        s.write(tmp_path / "c", "most-popular.tsv", s.MOST_POPULAR_28),
    ]
    result = api.import_netflix(files, db=tmp_db)
    assert [f["layout"] for f in result["files"]] == [
        "global-2021", "global-2023", "global", "countries", "most-popular-28"]
    assert fetch(tmp_db, "SELECT DISTINCT source FROM chart_global") == [("netflix",)]
    assert fetch(tmp_db, "SELECT count(*) FROM chart_global") == [(6 * 40,)]  # full lists
    assert fetch(tmp_db, """SELECT count(*) FROM chart_global
                            WHERE show_title NOT LIKE 'Also Ran%'""") == [(7 + 3 + 15,)]
    # 2021 rows: hours as published, runtime and views NULL.
    assert fetch(tmp_db, """SELECT weekly_hours_viewed, runtime, weekly_views FROM chart_global
                            WHERE week = '2021-07-04' AND show_title = 'Don''t Look Up'""") == [
        (20_000_000.0, None, None)]
    # Runtime 0 with views: the views of the file, not hours / runtime.
    assert fetch(tmp_db, """SELECT runtime, weekly_views, season_title, is_staggered_launch,
                                   episode_launch_details FROM chart_global
                            WHERE week = '2023-06-25' AND category = 'TV (English)'
                              AND weekly_rank = 1""") == [
        (0.0, 10_900_000.0, None, True, "Live event")]
    assert fetch(tmp_db, """SELECT category, published_category, count(*) FROM chart_country
                            WHERE show_title NOT LIKE 'Also Ran%' GROUP BY ALL ORDER BY ALL""") == [
        ("Films", "Films", 5), ("Films", "Films (English)", 4), ("TV", "TV", 4),
        ("TV", "TV (English)", 1)]
    assert fetch(tmp_db, "SELECT DISTINCT window_days FROM most_popular") == [(28,)]
    log = fetch(tmp_db, "SELECT file, sha256, rows, weeks FROM netflix_imports ORDER BY file")
    for file, digest, rows, weeks in log:
        data = Path(file).read_bytes()
        assert digest == hashlib.sha256(data).hexdigest()
        assert rows == data.count(b"\n")  # header + rows, no final newline
        lines = [line.split(b"\t") for line in data.split(b"\n")]
        if b"week" in lines[0]:
            at = lines[0].index(b"week")
            assert weeks == len({cells[at] for cells in lines[1:]})
        else:
            assert weeks == 0


def test_reimport_replaces_weeks_and_records_netflix_edits(tmp_path: Path, tmp_db: Path) -> None:
    old = s.write(tmp_path / "old", "all-weeks-global.tsv", s.GLOBAL_TODAY)
    new = s.write(tmp_path / "new", "all-weeks-global.tsv", s.GLOBAL_NEWER)
    api.import_netflix(old, db=tmp_db)
    result = api.import_netflix(new, db=tmp_db)

    assert result["files"][0]["weeks_replaced"] == 2
    # a full list has no empty positions: the dropped #2 and the added #3 replace fillers
    assert result["changes"] == {"renamed": 2, "relabelled": 2, "replaced": 4}
    # No double counting: the store holds exactly the newer file's rows.
    assert fetch(tmp_db, "SELECT count(*) FROM chart_global") == [(3 * 40,)]
    assert fetch(tmp_db, "SELECT count(*) FROM chart_global WHERE show_title = 'Mantis'") == [
        (0,)]

    found = api.changes(db=tmp_db)
    got = {(r.kind, r.list, r.week, r.rank, r.before, r.after)
           for r in found.itertuples(index=False)}
    assert ("renamed", "global/Films (Non-English)", "2025-03-30", 1, "Mantis",
            "Mantis: Deadly Duel") in got
    assert ("relabelled", "global/TV (English)", "2025-03-23", 1,
            "Adolescence: Limited Series", "Adolescence: Season 1") in got
    replaced = {(w, r, b, a) for k, _, w, r, b, a in got if k == "replaced"}
    assert ("2025-03-30", 2, "Don't Look Up | hours 5000000 | runtime 2.3833 | views 2100000 "
            "| weeks in Top 10 5", "Glass Onion | hours 4100000 | runtime 2.3333 | "
            "views 1800000 | weeks in Top 10 1") in replaced
    assert any(b.startswith("Carry-On | hours 16600000") and a.startswith(
        "Carry-On | hours 16700000") for _, _, b, a in replaced)
    dropped = found[(found["week"] == "2025-03-23") & (found["rank"] == 2)
                    & (found["list"] == "global/TV (Non-English)")].iloc[0]
    assert dropped["kind"] == "replaced" and dropped["after"].startswith("Also Ran")
    assert dropped["before"] == ("Café con aroma de mujer — Café con aroma de mujer: Season 1 "
                                 "| hours 2100000 | runtime 30.5 | views 100000 "
                                 "| weeks in Top 10 1")
    # The new week 2025-04-06 is history, not an edit.
    assert not [g for g in got if g[2] == "2025-04-06"]
    assert set(found["file"]) == {str(new.resolve())}

    # Importing the same file again changes nothing and records nothing new.
    again = api.import_netflix(new, db=tmp_db)
    assert again["changes"] == {}
    assert fetch(tmp_db, "SELECT count(*) FROM chart_global") == [(3 * 40,)]
    assert len(api.changes(db=tmp_db)) == 8
    assert len(api.imports(db=tmp_db)) == 3


def test_partial_overlap_keeps_weeks_the_new_file_does_not_cover(
    tmp_path: Path, tmp_db: Path
) -> None:
    api.import_netflix(s.write(tmp_path / "o", "all-weeks-global.tsv", s.GLOBAL_TODAY), db=tmp_db)
    newer = "\n".join(line for line in s.GLOBAL_NEWER.split("\n")
                      if not line.startswith("2025-03-23"))
    result = api.import_netflix(s.write(tmp_path / "n", "all-weeks-global.tsv", newer),
                                db=tmp_db)
    assert result["files"][0]["weeks_replaced"] == 1
    weeks = dict(fetch(tmp_db, """SELECT week, count(*) FROM chart_global
                                  WHERE show_title NOT LIKE 'Also Ran%' GROUP BY week"""))
    assert weeks == {dt.date(2025, 3, 23): 7, dt.date(2025, 3, 30): 9, dt.date(2025, 4, 6): 2}
    # Week 2025-03-23 still says Mantis: the newer file did not cover it.
    assert fetch(tmp_db, """SELECT show_title FROM chart_global
                            WHERE week = '2025-03-23' AND weekly_rank = 2
                              AND category = 'Films (Non-English)'""") == [("Mantis",)]


def test_country_reimport_records_relabels_per_country(tmp_path: Path, tmp_db: Path) -> None:
    api.import_netflix(s.write(tmp_path / "o", "all-weeks-countries.tsv", s.COUNTRIES), db=tmp_db)
    edited = s.COUNTRIES.replace("Pokémon Concierge: Season 1", "Pokémon Concierge: Part 1")
    result = api.import_netflix(
        s.write(tmp_path / "n", "all-weeks-countries.tsv", edited), db=tmp_db)
    assert result["changes"] == {"relabelled": 2}
    got = sorted(fetch(tmp_db, "SELECT list, week, rank, before, after FROM netflix_changes"))
    assert got == [
        ("countries/KR/TV", dt.date(2021, 7, 11), 1, "Pokémon Concierge: Season 1",
         "Pokémon Concierge: Part 1"),
        ("countries/RU/TV", dt.date(2021, 7, 11), 1, "Pokémon Concierge: Season 1",
         "Pokémon Concierge: Part 1"),
    ]
    assert fetch(tmp_db, "SELECT count(*) FROM chart_country") == [(4 * 2 * 2 * 10,)]


def test_most_popular_reimport_replaces_the_lists(tmp_path: Path, tmp_db: Path) -> None:
    api.import_netflix(s.write(tmp_path / "o", "most-popular.tsv", s.MOST_POPULAR_28), db=tmp_db)
    result = api.import_netflix(s.write(tmp_path / "n", "most-popular.tsv", s.MOST_POPULAR_91),
                                db=tmp_db)
    assert fetch(tmp_db, "SELECT count(*), min(window_days) FROM most_popular") == [(40, 91)]
    kinds = result["changes"]
    assert kinds == {"replaced": 40}  # every number differs (the window changed)
    lists = {r[0] for r in fetch(tmp_db, """SELECT list FROM netflix_changes
                                             WHERE after NOT LIKE 'Also Ran%'""")}
    assert lists == {"most-popular/Films (English)", "most-popular/TV (Non-English)",
                     "most-popular/TV (English)"}


def test_a_bad_file_leaves_the_store_unchanged(tmp_path: Path, tmp_db: Path) -> None:
    api.import_netflix(s.today_folder(tmp_path / "today"), db=tmp_db)
    before = snapshot(tmp_db)
    good = s.write(tmp_path / "new", "all-weeks-global.tsv", s.GLOBAL_NEWER)
    bad_text = s.COUNTRIES.replace("Russia\tRU\t2021-07-11\tFilms\t1\t",
                                   "Russia\tRU\t2021-07-11\tFilms\tx\t")
    assert bad_text != s.COUNTRIES
    bad = s.write(tmp_path / "new", "all-weeks-countries.tsv", bad_text)
    with pytest.raises(NetflixFileError) as caught:
        api.import_netflix([good, bad], db=tmp_db)
    assert caught.value.file == str(bad)
    assert bad_text.split("\n")[caught.value.row].startswith("Russia\tRU\t2021-07-11\tFilms\tx")
    assert "weekly_rank is not a positive integer: 'x'" in str(caught.value)
    assert snapshot(tmp_db) == before


def test_a_failure_while_loading_rolls_everything_back(
    tmp_path: Path, tmp_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Even past parsing (here a failure injected into the second file's load), one
    transaction means the first file's rows and changes are gone too."""
    from starchart.published import importer

    api.import_netflix(s.today_folder(tmp_path / "today"), db=tmp_db)
    before = snapshot(tmp_db)
    real = importer._load_one
    calls = {"n": 0}

    def failing(con: Any, parsed: Any, imported_at: dt.datetime) -> dict[str, Any]:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return real(con, parsed, imported_at)

    monkeypatch.setattr(importer, "_load_one", failing)
    files = [s.write(tmp_path / "n", "all-weeks-global.tsv", s.GLOBAL_NEWER),
             s.write(tmp_path / "n", "most-popular.tsv", s.MOST_POPULAR_28)]
    with pytest.raises(RuntimeError, match="disk full"):
        api.import_netflix(files, db=tmp_db)
    assert snapshot(tmp_db) == before


def test_round_trip_reproduces_the_files_byte_for_byte(tmp_path: Path, tmp_db: Path) -> None:
    folder = s.today_folder(tmp_path / "in")
    api.import_netflix(folder, db=tmp_db)
    out = tmp_path / "out"
    api.export(out, db=tmp_db, source="netflix")
    for name in ("all-weeks-global.tsv", "all-weeks-countries.tsv", "most-popular.tsv"):
        assert (out / name).read_bytes() == (folder / name).read_bytes(), name


def test_xlsx_import_exports_as_the_tsv(tmp_path: Path, tmp_db: Path) -> None:
    from tests.published.test_published_files import _xlsx

    (tmp_path / "x").mkdir()
    api.import_netflix(_xlsx(tmp_path / "x" / "all-weeks-global.xlsx", s.GLOBAL_TODAY),
                       db=tmp_db)
    api.export(tmp_path / "out", db=tmp_db, source="netflix")
    assert (tmp_path / "out" / "all-weeks-global.tsv").read_text(encoding="utf-8") == (
        s.GLOBAL_TODAY)


def test_a_newer_layout_dropping_columns_is_not_an_edit(tmp_path: Path, tmp_db: Path) -> None:
    """The 2023 launch columns are absent from today's layout: not a change of every row."""
    api.import_netflix(s.write(tmp_path / "o", "all-weeks-global.tsv", s.GLOBAL_2023), db=tmp_db)
    nine = "\n".join("\t".join(line.split("\t")[:9]) for line in s.GLOBAL_2023.split("\n"))
    result = api.import_netflix(s.write(tmp_path / "n", "all-weeks-global.tsv", nine), db=tmp_db)
    assert result["files"][0]["layout"] == "global" and result["changes"] == {}
    assert fetch(tmp_db, "SELECT count(*), count(is_staggered_launch) FROM chart_global") == [
        (80, 0)]


@pytest.mark.parametrize("text", [
    s.MOST_POPULAR_28,
    s.MOST_POPULAR_91.replace("_91_", "_28_"),  # a 28-day list with runtime and views
], ids=["hours-only", "all-columns"])
def test_a_28_day_most_popular_file_round_trips_byte_for_byte(
        tmp_path: Path, tmp_db: Path, text: str) -> None:
    source = s.write(tmp_path / "in", "most-popular.tsv", text)
    api.import_netflix([source], db=tmp_db)
    api.export(tmp_path / "out", db=tmp_db, source="netflix")
    assert (tmp_path / "out" / "most-popular.tsv").read_bytes() == source.read_bytes()
