"""Titles that chart with this one: co-charting on imported Netflix lists (no profiles)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from starchart import api
from tests.published.complete_lists import complete

HEADER = ("country_name\tcountry_iso2\tweek\tcategory\tweekly_rank\tshow_title\tseason_title\t"
          "cumulative_weeks_in_top_10")
PLACES = {"asia": [("South Korea", "KR"), ("Japan", "JP"), ("Philippines", "PH")],
          "west": [("United States", "US"), ("United Kingdom", "GB"), ("Germany", "DE")]}
WEEKS = ["2025-03-02", "2025-03-09", "2025-03-16", "2025-03-23"]
# Two K-dramas chart together across Asia, two English films across the West; a global hit
# charts everywhere, every week.
LISTS = {"asia": [("TV", "Night Market", "Night Market: Season 1"),
                  ("TV", "Moon Harbour", "Moon Harbour: Season 2")],
         "west": [("Films", "Iron Lantern", "N/A"), ("Films", "Cold Harbor", "N/A")]}
HIT = ("Films", "Everywhere", "N/A")


def countries_file(path: Path) -> Path:
    lines = [HEADER]
    for region, places in PLACES.items():
        for name, iso in places:
            for n, week in enumerate(WEEKS, start=1):
                entries = [HIT, *LISTS[region]]
                for rank, (category, show, season) in enumerate(entries, start=1):
                    lines.append("\t".join([name, iso, week, category, str(rank), show,
                                            season, str(n)]))
    path.write_text(complete("\n".join(lines)))  # full lists, as the importer requires
    return path


@pytest.fixture(scope="module")
def charts_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("charting")
    db = root / "store.duckdb"
    api.import_netflix([countries_file(root / "all-weeks-countries.tsv")], db=db)
    report = api.train(db=db)
    assert [m["model"] for m in report["models"]] == ["charting"]
    return db


def work_ids(db: Path) -> dict[str, str]:
    """Each imported work's nf- ID by its name, as the importer linked them."""
    with duckdb.connect(str(db), read_only=True) as con:
        return dict(con.execute("SELECT name, title_id FROM titles").fetchall())


def test_titles_that_chart_together(charts_db: Path) -> None:
    ids = work_ids(charts_db)
    night, moon = ids["Night Market: Season 1"], ids["Moon Harbour: Season 2"]
    answer = api.similar(night, db=charts_db)
    assert answer["title_id"] == night and night.startswith("nf-")
    found = [r["title_id"] for r in answer["similar"]]
    assert found[0] == moon
    assert ids["Iron Lantern"] not in found and ids["Cold Harbor"] not in found  # never met
    west = [r["title_id"] for r in api.similar(ids["Iron Lantern"], db=charts_db)["similar"]]
    assert west[0] == ids["Cold Harbor"] and night not in west
    first = answer["similar"][0]
    assert first["show_title"] == "Moon Harbour"
    assert first["season_title"] == "Moon Harbour: Season 2"
    # 12 shared lists: shrunk cosine 12 / (12 + 2)
    assert first["score"] == pytest.approx(12 / 14)


def test_a_hit_charting_everywhere_is_a_weaker_tie(charts_db: Path) -> None:
    ids = work_ids(charts_db)
    scores = {r["title_id"]: r["score"] for r in
              api.similar(ids["Night Market: Season 1"], db=charts_db)["similar"]}
    assert scores[ids["Everywhere"]] < scores[ids["Moon Harbour: Season 2"]]


def test_charting_titles_found_by_name_or_slug(charts_db: Path) -> None:
    ids = work_ids(charts_db)
    assert api.similar("Iron Lantern", db=charts_db)["title_id"] == ids["Iron Lantern"]
    by_slug = api.similar("night-market--season-1", db=charts_db)
    assert by_slug["title_id"] == ids["Night Market: Season 1"]
    with pytest.raises(LookupError) as err:
        api.similar("Iron Lanturn", db=charts_db)
    assert err.value.args[1][0]["title_id"] == ids["Iron Lantern"]


def test_picks_need_viewing(charts_db: Path) -> None:
    with pytest.raises(LookupError, match="no viewing model|has no viewing model"):
        api.picks("US-000001", db=charts_db)


def test_co_charting_stored_with_counts(charts_db: Path) -> None:
    with duckdb.connect(str(charts_db), read_only=True) as con:
        model = con.execute("SELECT algorithm, source, profiles, titles, interactions "
                            "FROM discovery_models").fetchall()
        lists = con.execute("SELECT viewers FROM discovery_titles WHERE title_id = ?",
                            [work_ids(charts_db)["Everywhere"]]).fetchone()[0]
    # 6 countries x 4 weeks; every title and list entry of the (filled) file
    rows = [line.split("\t") for line in
            (charts_db.parent / "all-weeks-countries.tsv").read_text().splitlines()[1:]]
    titles = {(r[5], r[6]) for r in rows}
    assert len(titles) > 5 and len(rows) == 6 * 4 * 2 * 10
    assert model == [("co-charting cosine", "netflix", 24, len(titles), len(rows))]
    assert lists == 24


def test_both_models_stored_in_key_order(tmp_path: Path) -> None:
    """With viewing and co-charting trained together, the neighbour and title rows are
    written in (model, title, rank) order without a sort: what lets an answer's lookup read
    one block."""
    from tests.discovery.worlds import two_groups

    db = tmp_path / "both.duckdb"
    api.import_netflix([countries_file(tmp_path / "all-weeks-countries.tsv")], db=db)
    world = two_groups(tmp_path / "w", profiles=6)
    api.ingest(catalog=world.catalog, events=[world.events], db=db)
    report = api.train(db=db)
    assert sorted(m["model"] for m in report["models"]) == ["charting", "viewing"]
    with duckdb.connect(str(db), read_only=True) as con:
        for table, key in (("discovery_neighbours", "model, title_id, rank"),
                           ("discovery_titles", "model, title_id")):
            stored = con.execute(f"SELECT {key} FROM {table} ORDER BY rowid").fetchall()
            assert stored == sorted(stored) and len({r[0] for r in stored}) == 2
    assert api.similar("a1", db=db)["similar"]
    assert api.similar(work_ids(db)["Everywhere"], db=db)["similar"]
