"""The simulated catalog: the Korean slate with its facts, and believable generated titles."""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
import pytest

from starchart.simulate import SLATE
from starchart.simulate.audience import COUNTRIES, TITLE_LANGUAGES
from starchart.simulate.catalog import CATALOG_COLUMNS, make_catalog
from tests.simulate.conftest import END, START, World


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_header_is_the_engine_catalog_format(world: World) -> None:
    with world.catalog_path.open(encoding="utf-8") as handle:
        header = handle.readline().rstrip("\n").split(",")
    assert tuple(header) == CATALOG_COLUMNS
    assert b"\r\n" not in world.catalog_path.read_bytes()


def test_slate_is_present_with_netflix_facts(world: World) -> None:
    rows = {r["title_id"]: r for r in _rows(world.catalog_path)}
    published = {
        "Revelations": ("2025-03-21", 122), "Lost in Starlight": ("2025-05-30", 95),
        "Wall to Wall": ("2025-07-18", 119), "Love Untangled": ("2025-08-29", 121),
        "Mantis": ("2025-09-26", 113), "Good News": ("2025-10-17", 139),
        "The Great Flood": ("2025-12-19", 109), "Kill Boksoon": ("2023-03-31", 139),
        "Unlocked": ("2023-02-17", 117),
    }
    assert {s.show_title for s in SLATE} == set(published)
    for film in SLATE:
        row = rows[film.title_id]
        release, runtime = published[film.show_title]
        assert row["show_title"] == film.show_title
        assert (row["release_date"], int(row["runtime_minutes"])) == (release, runtime)
        assert row["kind"] == "film" and row["season_title"] == ""
        assert (row["original_language"], row["origin_country"], row["original"]) == (
            "ko", "KR", "true")
        assert row["synopsis"]
    by_title = {r["show_title"]: r for r in rows.values() if r["title_id"].startswith("slate-")}
    assert by_title["Revelations"]["directors"] == "Yeon Sang-ho"
    assert by_title["Revelations"]["genres"] == "thriller"
    assert by_title["Lost in Starlight"]["genres"] == "animation|romance|sci-fi"
    assert by_title["Lost in Starlight"]["cast"] == "Kim Tae-ri|Hong Kyung"
    assert "Climax Studio" in by_title["Lost in Starlight"]["synopsis"]
    assert by_title["Wall to Wall"]["cast"] == "Kang Ha-neul|Yeom Hye-ran|Seo Hyun-woo"
    assert "84 Square Meters" in by_title["Wall to Wall"]["synopsis"]
    assert by_title["Love Untangled"]["directors"] == "Namkoong Sun"
    assert "Busan, 1998" in by_title["Love Untangled"]["synopsis"]
    assert "Kill Boksoon" in by_title["Mantis"]["synopsis"]
    assert by_title["Unlocked"]["directors"] == "Kim Tae-joon"
    assert by_title["Wall to Wall"]["directors"] == "Kim Tae-joon"


def test_real_people_only_on_slate_rows(world: World) -> None:
    real = {p for s in SLATE for p in (*s.directors, *s.cast)}
    for row in _rows(world.catalog_path):
        if row["title_id"].startswith("slate-"):
            continue
        people = set(filter(None, row["directors"].split("|") + row["cast"].split("|")))
        assert people, row["title_id"]
        assert not people & real, row


def test_catalog_values_are_valid(world: World) -> None:
    rows = _rows(world.catalog_path)
    ids = [r["title_id"] for r in rows]
    assert len(ids) == len(set(ids)) == world.result["titles"] == 200 + len(SLATE)
    assert len({(r["show_title"], r["season_title"]) for r in rows}) == len(rows)
    languages = Counter(r["original_language"] for r in rows)
    assert len(languages) >= 8 and set(languages) <= set(TITLE_LANGUAGES)
    assert {r["kind"] for r in rows} == {"film", "tv"}
    assert {r["original"] for r in rows} == {"true", "false"}
    for r in rows:
        minutes = int(r["runtime_minutes"])
        if r["kind"] == "film":
            assert 80 <= minutes <= 160 and r["season_title"] == "", r
        else:
            assert 6 * 30 <= minutes <= 16 * 70 and r["season_title"], r
        assert r["genres"] and r["synopsis"] and r["origin_country"] in COUNTRIES
        if not r["title_id"].startswith("slate-"):
            assert dt.date.fromisoformat(r["release_date"]) <= END


def test_release_dates_spread_over_the_period_plus_back_catalogue(world: World) -> None:
    dates = [dt.date.fromisoformat(r["release_date"]) for r in _rows(world.catalog_path)
             if not r["title_id"].startswith("slate-")]
    inside = [d for d in dates if START <= d <= END]
    before = [d for d in dates if d < START]
    assert len(inside) >= 40 and len(before) >= 100
    assert len({(d - START).days // 7 for d in inside}) == 8  # launches in every week
    assert min(before) < START - dt.timedelta(days=365 * 2)


def test_series_group_seasons_and_share_a_show_title_with_a_film(world: World) -> None:
    shows: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in _rows(world.catalog_path):
        shows[r["show_title"]].append(r)
    multi = {t: rs for t, rs in shows.items()
             if sum(r["kind"] == "tv" for r in rs) >= 2}
    assert len(multi) >= 3
    for show, rs in multi.items():
        seasons = sorted((r for r in rs if r["kind"] == "tv"), key=lambda r: r["release_date"])
        # Written as Netflix writes them: "Show: Season 2".
        assert [r["season_title"] for r in seasons] == [
            f"{show}: Season {k}" for k in range(1, len(seasons) + 1)]
        assert len({r["original_language"] for r in rs}) == 1
    mixed = [t for t, rs in shows.items() if {r["kind"] for r in rs} == {"film", "tv"}]
    assert mixed


def test_generated_runtimes_sum_their_episodes() -> None:
    catalog = make_catalog(150, START, END, np.random.default_rng(3))
    for title in catalog.titles:
        if title.kind == "tv":
            assert 6 <= len(title.episode_minutes) <= 16
            assert all(30 <= m <= 70 for m in title.episode_minutes)
        assert title.runtime_minutes == sum(title.episode_minutes)


def test_too_few_titles_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 100"):
        make_catalog(20, START, END, np.random.default_rng(0))
