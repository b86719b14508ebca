"""A simulated world goes through the real engine: every list fills, Korea charts Korean.

The DuckDB path (``api.ingest`` then ``api.build``) and the Spark path (``api.build`` with
``engine="spark"`` reading the files directly) are both checked.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from starchart import api, store
from starchart.countries import NETFLIX_COUNTRIES
from starchart.simulate import simulate

TINY = {"profiles": 20_000, "titles": 100, "events_per_week": 120_000, "seed": 5}
#: Small enough for Spark to build in seconds once its session is up.
SPARK_TINY = {**TINY, "events_per_week": 10_000}


def _languages(catalog: Path) -> dict[str, str]:
    with catalog.open(encoding="utf-8", newline="") as handle:
        return {r["show_title"]: r["original_language"] for r in csv.DictReader(handle)}


def _check_lists(global_rows: list[tuple[str, str, int, str]],
                 country_rows: list[tuple[str, str, str, int, str]], weeks: int,
                 languages: dict[str, str], *, small: bool = False) -> None:
    """Rows: (week, category, rank, show) and (iso2, week, category, rank, show).

    ``small``: a small world leaves some small countries' lists short of ten titles.
    """
    per_list = Counter((w, c) for w, c, _, _ in global_rows)
    assert len(per_list) == 4 * weeks and set(per_list.values()) == {10}
    per_country = Counter((i, w, c) for i, w, c, _, _ in country_rows)
    assert {i for i, _, _ in per_country} == set(NETFLIX_COUNTRIES)
    assert len(per_country) == 94 * 2 * weeks
    if small:
        assert set(per_country.values()) <= set(range(1, 11))
        assert sum(n == 10 for n in per_country.values()) > len(per_country) // 3
        assert all(per_country[(i, w, c)] == 10 for i, w, c in per_country if i in {"US", "KR"})
    else:
        assert set(per_country.values()) == {10}
    korea_top = [s for i, _, _, rank, s in country_rows if i == "KR" and rank == 1]
    assert any(languages[s] == "ko" for s in korea_top), korea_top
    non_english_top = [s for _, c, rank, s in global_rows
                       if c.endswith("(Non-English)") and rank <= 3]
    assert any(languages[s] == "ko" for s in non_english_top)


def test_duckdb_ingest_and_build(tmp_path: Path, tmp_db: Path) -> None:
    world = tmp_path / "world"
    simulate(world, weeks=2, end="2025-03-30", **TINY)
    ingested = api.ingest(catalog=world / "catalog.csv", events=[world / "events"], db=tmp_db)
    assert ingested["quarantined"] == 0 and ingested["accepted"] == ingested["read"]
    api.build(db=tmp_db)
    with store.opened(tmp_db, read_only=True) as con:
        global_rows = [(str(w), c, r, s) for w, c, r, s in con.execute(
            "SELECT week, category, weekly_rank, show_title FROM chart_global "
            "WHERE source = 'engine'").fetchall()]
        country_rows = [(i, str(w), c, r, s) for i, w, c, r, s in con.execute(
            "SELECT country_iso2, week, category, weekly_rank, show_title FROM chart_country "
            "WHERE source = 'engine'").fetchall()]
    _check_lists(global_rows, country_rows, 2, _languages(world / "catalog.csv"))


@pytest.mark.spark
def test_spark_build_from_files(tmp_path: Path, spark) -> None:  # type: ignore[no-untyped-def]
    world = tmp_path / "world"
    simulate(world, weeks=1, end="2025-03-30", **SPARK_TINY)
    built = api.build(engine="spark", catalog=world / "catalog.csv", events=[world / "events"],
                      out=tmp_path / "charts")
    assert built["quarantined"] == 0
    with (tmp_path / "charts" / "all-weeks-global.tsv").open(encoding="utf-8") as handle:
        global_rows = [(r["week"], r["category"], int(r["weekly_rank"]), r["show_title"])
                       for r in csv.DictReader(handle, delimiter="\t")]
    with (tmp_path / "charts" / "all-weeks-countries.tsv").open(encoding="utf-8") as handle:
        country_rows = [(r["country_iso2"], r["week"], r["category"], int(r["weekly_rank"]),
                         r["show_title"]) for r in csv.DictReader(handle, delimiter="\t")]
    _check_lists(global_rows, country_rows, 1, _languages(world / "catalog.csv"), small=True)
