"""A release that changes a few weeks writes those weeks: it begins as a byte copy of the
release before, patches the store's tables only where their rows differ (the chart lists
week by week), carries the change feed as it is and keeps every page whose rows did not
change. What it holds must equal a release computed afresh (``full``)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from starchart import api, releases, store
from starchart.queries.base import NotFound
from tests.published import netflix_samples as s
from tests.published.test_published_facts import COUNTRIES, GLOBAL
from tests.published.test_published_releases import PREPARED as PAGES
from tests.published.test_published_releases import same_prepared_tables

# The global lists' next week (s.tsv fills the other ranks and lists: 40 rows).
NEXT_WEEK = s.tsv(
    s.GLOBAL_HEADER,
    "2025-04-13|Films (Non-English)|7|Revelations|N/A|1500000|2.0333|700000|4",
    *GLOBAL.splitlines()[1:],
)


def import_top10(folder: Path, db: Path, global_lists: str) -> dict:
    s.write(folder, "all-weeks-global.tsv", global_lists)
    s.write(folder, "all-weeks-countries.tsv", COUNTRIES)
    return api.import_netflix([folder], db=db)["release"]


def same_tables(db: Path, one: int, other: int) -> None:
    """Releases ``one`` and ``other`` hold the same charts and pages, row for row."""
    same_prepared_tables(db, one, other, (*store.RELEASE_TABLES, *PAGES))


def test_a_release_that_adds_a_week_writes_that_week(tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    first = import_top10(tmp_path / "one", db, GLOBAL)
    assert first["rows"]["reused"] is False
    added = import_top10(tmp_path / "two", db, NEXT_WEEK)
    assert added["published"] is True and added["rows"]["reused"] is True
    assert added["changes"]["weeks_added"] == 1
    written = added["rows"]["store_rows_written"]
    assert written["chart_global"] == 40  # the new week's four lists, not the history
    assert "chart_country" not in written and "engagement" not in written
    assert added["rows"]["week_pages"] == 2  # the new week, and the one before (its link)
    assert api.week("2025-04-13", db=db)["previous_week"] == "2025-04-06"
    assert api.week("2025-04-06", db=db)["next_week"] == "2025-04-13"
    full = releases.publish(db, force=True, full=True)
    assert full["rows"]["reused"] is False
    same_tables(db, added["release"], full["release"])
    # the feed is carried, not rewritten: release 2 still says what release 1 added
    with duckdb.connect(str(releases.release_file(releases.folder(db), added["release"])),
                        read_only=True) as con:
        log = con.execute("SELECT release, weeks_added FROM release_log ORDER BY release"
                          ).fetchall()
    assert log == [(first["release"], first["changes"]["weeks_added"]), (added["release"], 1)]


def test_a_week_gone_from_the_store_is_gone_from_the_next_release(tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    import_top10(tmp_path / "one", db, GLOBAL)
    assert "2023-02-19" in api.weeks(db=db)
    with store.opened(db) as con:
        con.execute("DELETE FROM chart_global WHERE week = DATE '2023-02-19'")
    release = releases.publish(db)
    assert release["rows"]["reused"] is True and release["changes"]["weeks_removed"] == 1
    assert "2023-02-19" not in api.weeks(db=db)
    with pytest.raises(NotFound):
        api.week("2023-02-19", db=db)
    full = releases.publish(db, force=True, full=True)
    same_tables(db, release["release"], full["release"])


def test_releases_begun_as_copies_do_not_grow_without_new_charts(tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    import_top10(tmp_path / "one", db, GLOBAL)
    sizes = []
    for _ in range(4):
        release = releases.publish(db, force=True)
        assert release["rows"]["reused"] is True
        assert set(release["rows"]["store_rows_written"]) <= {"coverage"}  # no chart
        sizes.append(releases.release_file(releases.folder(db), release["release"]).stat()
                     .st_size)
    assert sizes[-1] <= sizes[0] * 1.25, sizes


def test_a_release_written_with_other_tables_is_not_copied(tmp_path: Path) -> None:
    """A release whose tables another starchart defined (its release_info comment is
    another digest, or none: written before digests) is never the start of the next."""
    db = tmp_path / "store.duckdb"
    first = import_top10(tmp_path / "one", db, GLOBAL)
    path = releases.release_file(releases.folder(db), first["release"])
    path.chmod(0o644)
    with duckdb.connect(str(path)) as con:
        con.execute("COMMENT ON TABLE release_info IS 'another starchart'")
    path.chmod(0o444)
    again = releases.publish(db, force=True)
    assert again["rows"]["reused"] is False
    assert again["rows"]["store_rows_written"]["chart_global"] > 40  # every week, afresh
    assert releases.publish(db, force=True)["rows"]["reused"] is True  # its own, copied
    same_tables(db, first["release"], again["release"])
