"""The simulator's 2025 Korean slate: "Lost in Starlight" on its release day, no viewing yet."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from starchart import api

RELEASE = "2025-05-30"  # Lost in Starlight's release day (a Friday)


@pytest.fixture(scope="module")
def release_day_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three simulated weeks up to the Sunday after the release, with the viewing from the
    release day on removed: the store as it stood on the morning of 30 May."""
    root = tmp_path_factory.mktemp("slate")
    world = api.simulate(root / "world", weeks=3, profiles=10_000, titles=150, seed=7,
                         end="2025-06-01", events_per_week=30_000)
    # The store as it stood on the morning of 30 May: only the viewing before the release.
    before = root / "before-release.parquet"
    with duckdb.connect() as con:
        con.execute(
            f"COPY (SELECT * FROM read_parquet('{world['events_dir']}/**/*.parquet') "
            f"WHERE started_at < CAST('{RELEASE}' AS TIMESTAMP)) TO '{before}' (FORMAT parquet)")
        left = con.execute(f"SELECT count(*) FROM read_parquet('{before}') WHERE title_id = "
                           "'slate-lost-in-starlight'").fetchone()[0]
    assert left == 0
    db = root / "store.duckdb"
    api.ingest(catalog=world["catalog"], events=[before], db=db)
    api.train(db=db)
    return db


def test_lost_in_starlight_gets_korean_neighbours_on_release_day(release_day_db: Path
                                                                  ) -> None:
    answer = api.similar("Lost in Starlight", limit=5, db=release_day_db)
    assert answer["title_id"] == "slate-lost-in-starlight"
    ids = [r["title_id"] for r in answer["similar"]]
    assert len(ids) == 5
    with duckdb.connect(str(release_day_db), read_only=True) as con:
        rows = con.execute(
            "SELECT title_id, original_language, genres FROM catalog WHERE list_contains(?, "
            "title_id)", [ids]).fetchall()
    facts = {r[0]: (r[1], set((r[2] or "").split("|"))) for r in rows}
    mine = {"animation", "romance", "sci-fi"}
    assert all(facts[t][0] == "ko" for t in ids), facts
    assert sum(1 for t in ids if facts[t][1] & mine) >= 3, facts


def test_picks_for_a_simulated_profile(release_day_db: Path) -> None:
    with duckdb.connect(str(release_day_db), read_only=True) as con:
        profile, watched = con.execute(
            "SELECT profile_id, titles FROM discovery_profiles "
            "ORDER BY titles DESC, profile_id LIMIT 1").fetchone()
        before = release_day_db.parent / "before-release.parquet"
        finished = {r[0] for r in con.execute(
            f"SELECT e.title_id FROM read_parquet('{before}') e JOIN catalog c USING (title_id) "
            "WHERE e.profile_id = ? GROUP BY e.title_id "
            "HAVING sum(e.seconds_viewed) >= 0.9 * any_value(c.runtime_minutes) * 60",
            [profile]).fetchall()}
    answer = api.picks(profile, limit=10, db=release_day_db)
    assert len(answer["picks"]) == 10 and watched >= 3
    assert not {p["title_id"] for p in answer["picks"]} & finished
