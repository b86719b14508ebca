"""Everything Netflix published, answered from chart releases: a title's ID, names,
engagement and coverage are computed when a release is published, reused by the next where
nothing of them changed, and read while another process writes the store."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from starchart import api, releases
from tests.published import engagement_samples as e
from tests.published import netflix_samples as s
from tests.published.test_published_facts import COUNTRIES, GLOBAL
from tests.web.test_releases import hold_store

# One more week of a 2022 country list, for a title other than Revelations.
MORE_COUNTRIES = s.tsv(
    s.COUNTRY_HEADER,
    "Portugal|PT|2022-06-19|Films|1|Hustle|N/A|1",
)


def top10(folder: Path, countries: str = COUNTRIES) -> Path:
    s.write(folder, "all-weeks-global.tsv", GLOBAL)
    s.write(folder, "all-weeks-countries.tsv", countries)
    return folder


PREPARED = ("title_index", "title_pages", "work_index", "week_pages", "leader_pages")


def same_prepared_tables(db: Path, one: int, other: int,
                         tables: tuple[str, ...] = PREPARED) -> None:
    """Releases ``one`` and ``other`` hold the same rows in ``tables`` (by default the
    prepared answers), row for row."""
    folder = releases.folder(db)
    with duckdb.connect() as con:
        con.execute(f"ATTACH '{releases.release_file(folder, one)}' AS a (READ_ONLY)")
        con.execute(f"ATTACH '{releases.release_file(folder, other)}' AS b (READ_ONLY)")
        for table in tables:
            for x, y in (("a", "b"), ("b", "a")):
                [(extra,)] = con.execute(
                    f"SELECT count(*) FROM (SELECT * FROM {x}.{table} EXCEPT ALL "
                    f"SELECT * FROM {y}.{table})").fetchall()
                assert extra == 0, (table, x)


def test_an_engagement_import_recomputes_only_the_works_it_changed(tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    api.import_netflix([top10(tmp_path / "top10")], db=db)
    [before] = api.title("Revelations", db=db)["matches"]
    assert before["engagement"] == [] and before["title_id"].startswith("nf-")
    release = api.import_netflix([e.folder(tmp_path / "reports")], db=db)["release"]
    assert release["rows"]["reused"] is True and release["rows"]["works_changed"] > 0
    [after] = api.title("Revelations", db=db)["matches"]
    assert after["title_id"] == before["title_id"]  # a stable ID
    assert [h["period"] for h in after["engagement"]] == ["2025H1"]
    assert after["engagement"][0]["top_10"]["views"] == 14_600_000
    full = releases.publish(db, force=True, full=True)
    assert full["rows"]["reused"] is False
    same_prepared_tables(db, release["release"], full["release"])


def test_a_link_corrected_by_an_override_reaches_every_answer(tmp_path: Path) -> None:
    """Rows whose link changes, and nothing else, are computed afresh: the week's rows, the
    works' pages, the name's page."""
    db = tmp_path / "store.duckdb"
    files = [top10(tmp_path / "top10"), e.folder(tmp_path / "reports")]
    api.import_netflix(files, db=db)
    korean, english = sorted(api.title("Unlocked", db=db)["matches"],
                             key=lambda m: m["identity"]["release_date"], reverse=True)
    listed = api.week("2022-06-12", country="PT", source="netflix", db=db)
    assert listed["lists"][0]["rows"][1]["title_id"] == english["title_id"]
    overrides = tmp_path / "overrides.toml"
    overrides.write_text(f'[[link]]\nname = "Unlocked"\nsource = "countries"\n'
                         f'title_id = "{korean["title_id"]}"\n', encoding="utf-8")
    release = api.import_netflix(files, db=db, overrides=overrides)["release"]
    assert release["published"] is True and release["rows"]["reused"] is True
    listed = api.week("2022-06-12", country="PT", source="netflix", db=db)
    assert listed["lists"][0]["rows"][1]["title_id"] == korean["title_id"]
    relinked = api.title_by_slug(korean["title_id"], db=db)
    assert relinked["countries"]["distinct_in_top_10"] == 1  # the PT week is now its own
    assert any(m["rule"] == "override-link" for m in relinked["identity"]["matched"])
    full = releases.publish(db, force=True, full=True)
    same_prepared_tables(db, release["release"], full["release"])


def test_a_reused_page_states_the_coverage_of_the_release_it_is_read_from(
    tmp_path: Path,
) -> None:
    db = tmp_path / "store.duckdb"
    api.import_netflix([top10(tmp_path / "top10")], db=db)
    [first] = api.title("Revelations", db=db)["matches"]
    assert first["countries"]["coverage"]["country_lists"] == "2022-06-12 .. 2022-06-12 (1 week)"
    wider = top10(tmp_path / "wider", COUNTRIES + "\n" + MORE_COUNTRIES.split("\n", 1)[1])
    release = api.import_netflix([wider], db=db)["release"]
    assert release["rows"]["reused"] is True
    with api.open(db) as charts:  # Revelations' page was copied, not computed again
        [(copied,)] = charts.con.execute(
            """SELECT count(*) FROM title_pages p JOIN title_index i
               ON i.show_title = p.show_title AND p.page = 'title'
               WHERE p.show_title = 'Revelations'""").fetchall()
        assert copied == 1
        [now] = charts.title("Revelations")["matches"]
    cover = now["countries"]["coverage"]
    assert cover["country_lists"] == "2022-06-12 .. 2022-06-19 (2 weeks)"
    assert cover["status"] == "no data" and now["countries"]["distinct_in_top_10"] is None


def test_what_netflix_published_is_answered_while_another_process_writes(tmp_path: Path
                                                                          ) -> None:
    db = tmp_path / "store.duckdb"
    api.import_netflix([top10(tmp_path / "top10"), e.folder(tmp_path / "reports")], db=db)
    holder = hold_store(db, 30)
    try:
        [entry] = api.title("Revelations", db=db)["matches"]
        assert entry["identity"]["original_title"] == "계시록"
        assert api.title_by_slug(entry["title_id"], db=db)["engagement"][0]["views"] == (
            18_000_000)
        assert api.engagement("2025H1", db=db)["rows"][0]["title"] == "Back in Action"
        assert [p["period"] for p in api.engagement_periods(db=db)][0] == "2025H1"
        assert any(c["dataset"] == "engagement" for c in api.coverage(db=db))
        assert api.leaders("views", db=db).attrs["coverage"]["dataset"] == "global-views"
    finally:
        holder.kill()
        holder.wait()


def test_a_store_of_engagement_reports_only_answers_its_works(tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    api.import_netflix([e.folder(tmp_path / "reports")], db=db)
    assert api.sources(db=db) == ["netflix"]
    [entry] = api.title("Peppa Pig: Season 1", db=db)["matches"]
    assert entry["global"] == [] and entry["engagement"][0]["runtime_text"] == "*"
    with pytest.raises(LookupError, match="no charts for the global lists"):
        api.week(db=db)
