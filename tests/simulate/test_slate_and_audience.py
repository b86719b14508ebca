"""The slate charts around its release; the audience is sized and placed like a real one."""

from __future__ import annotations

import duckdb
import numpy as np
import pytest

from starchart.countries import NETFLIX_COUNTRIES
from starchart.simulate import SLATE, SLATE_BY_ID
from starchart.simulate.audience import (
    COUNTRIES,
    COUNTRY_CODES,
    REGIONS,
    allocate_profiles,
    audience_shares,
    language_taste,
    weekday_factors,
)
from tests.simulate.conftest import World

VIEWS = """
    SELECT week, title_id, sum(hours) / any_value(runtime_minutes / 60.0) AS views
    FROM weekly WHERE kind = 'film' AND {where} GROUP BY 1, 2"""


def _rank(con: duckdb.DuckDBPyConnection, where: str, week: str, title_id: str) -> int:
    rows = con.execute(
        f"SELECT title_id FROM ({VIEWS.format(where=where)}) WHERE week = ? ORDER BY views DESC",
        [week]).fetchall()
    return [r[0] for r in rows].index(title_id) + 1


def test_slate_constant_for_the_demo() -> None:
    assert len(SLATE) == 9 and len(SLATE_BY_ID) == 9
    assert all(s.title_id.startswith("slate-") and s.season_title is None for s in SLATE)
    assert [s.show_title for s in SLATE if s.release_date.year == 2025] == [
        "Revelations", "Lost in Starlight", "Wall to Wall", "Love Untangled", "Mantis",
        "Good News", "The Great Flood"]


def test_revelations_charts_at_launch(world: World) -> None:
    con = world.connect()
    title = "slate-revelations"
    # released Friday 2025-03-21: #1 in Korea in its first (three-day) week and the next
    assert _rank(con, "country = 'KR'", "2025-03-23", title) == 1
    assert _rank(con, "country = 'KR'", "2025-03-30", title) == 1
    # top of the global Non-English films list in its first full week, still Top 10 later
    non_english = "lang <> 'en'"
    assert _rank(con, non_english, "2025-03-30", title) <= 2
    assert _rank(con, non_english, "2025-04-13", title) <= 10
    # in Top 10 Films across much of Asia-Pacific that week
    asia = [c for c in COUNTRY_CODES if COUNTRIES[c].area in ("east_asia", "southeast_asia")]
    charted = sum(_rank(con, f"country = '{c}'", "2025-03-30", title) <= 10 for c in asia)
    assert charted >= len(asia) - 2
    # the back catalogue keeps being watched; the later slate films are not out yet
    seen = {r[0] for r in con.execute(
        "SELECT DISTINCT title_id FROM weekly WHERE title_id LIKE 'slate-%'").fetchall()}
    assert seen == {"slate-revelations", "slate-kill-boksoon", "slate-unlocked"}


def test_countries_match_the_netflix_lists() -> None:
    assert set(COUNTRIES) == set(NETFLIX_COUNTRIES) and len(COUNTRY_CODES) == 94
    assert {c.region for c in COUNTRIES.values()} == set(REGIONS)
    assert COUNTRIES["KR"].region == COUNTRIES["JP"].region == "APAC"
    assert COUNTRIES["BR"].region == "LATAM" and COUNTRIES["US"].region == "UCAN"


def test_audience_sizes_like_real_streaming() -> None:
    shares = dict(zip(COUNTRY_CODES, audience_shares(), strict=True))
    order = sorted(shares, key=lambda c: -shares[c])
    assert order[:7] == ["US", "BR", "GB", "MX", "DE", "FR", "JP"]
    assert "KR" in order[7:10] and abs(sum(shares.values()) - 1) < 1e-9
    assert min(shares.values()) >= 0.0015  # small lists still fill


def test_profiles_allocation() -> None:
    counts = allocate_profiles(50_000, audience_shares())
    assert counts.sum() == 50_000 and counts.min() >= 20
    assert counts[COUNTRY_CODES.index("US")] == counts.max()
    with pytest.raises(ValueError, match="at least"):
        allocate_profiles(500, audience_shares())


def test_taste_rules() -> None:
    assert language_taste("ko", "KR") > 4 * language_taste("en", "KR")
    assert language_taste("ko", "PH") > 5 * language_taste("ko", "DE")
    assert language_taste("es", "MX") > language_taste("es", "US") > language_taste("es", "JP")
    for cc in COUNTRY_CODES:
        assert language_taste("en", cc) >= 0.5  # English titles travel everywhere


def test_weekday_factors() -> None:
    factors = weekday_factors()
    assert np.allclose(factors.mean(axis=0), 1.0)
    us, sa = COUNTRY_CODES.index("US"), COUNTRY_CODES.index("SA")
    assert factors[5, us] > factors[1, us] and factors[6, us] > factors[2, us]
    assert factors[4, sa] > factors[1, sa]  # Friday is the weekend in Saudi Arabia
