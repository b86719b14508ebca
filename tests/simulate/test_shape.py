"""The simulated world has the statistical shape of real streaming: measured on its events."""

from __future__ import annotations

import duckdb
import pytest

from starchart.simulate.audience import COUNTRIES
from tests.simulate.conftest import World


@pytest.fixture(scope="module")
def con(world: World) -> duckdb.DuckDBPyConnection:
    return world.connect()


def _one(con: duckdb.DuckDBPyConnection, sql: str) -> tuple:  # type: ignore[type-arg]
    return con.execute(sql).fetchall()[0]


def test_heavy_tail(con: duckdb.DuckDBPyConnection) -> None:
    top1, top10, titles = _one(con, """
        WITH t AS (SELECT title_id, sum(hours) AS h FROM weekly GROUP BY 1),
             r AS (SELECT h, row_number() OVER (ORDER BY h DESC) AS rn, count(*) OVER () AS n
                   FROM t)
        SELECT sum(h) FILTER (WHERE rn <= ceil(n * 0.01)) / sum(h),
               sum(h) FILTER (WHERE rn <= ceil(n * 0.10)) / sum(h), max(n) FROM r""")
    assert titles > 150
    assert top1 > 0.10  # the top 1% of titles take over ten times their even share
    assert top10 > 0.40


def _language_share(con: duckdb.DuckDBPyConnection, lang: str) -> dict[str, float]:
    rows = con.execute("""
        SELECT country, sum(hours) FILTER (WHERE lang = ?) / sum(hours) FROM weekly
        GROUP BY 1""", [lang]).fetchall()
    return {c: float(s or 0.0) for c, s in rows}


def test_korean_titles_strong_in_asia_weak_in_europe(con: duckdb.DuckDBPyConnection) -> None:
    share = _language_share(con, "ko")
    assert share["KR"] > 0.5
    for asia in ("JP", "PH", "TW", "TH"):
        for europe in ("DE", "FR", "GB"):
            assert share[asia] > 3 * share[europe], (asia, europe, share[asia], share[europe])
    assert share["MX"] > 2 * share["DE"] and share["PE"] > 2 * share["FR"]  # Latin America


def test_local_language_titles_strongest_at_home(con: duckdb.DuckDBPyConnection) -> None:
    langs = [r[0] for r in con.execute(
        "SELECT DISTINCT lang FROM weekly WHERE lang <> 'en' ORDER BY 1").fetchall()]
    assert len(langs) >= 8
    for lang in langs:
        share = _language_share(con, lang)
        best = max(share, key=lambda c: share[c])
        assert lang in COUNTRIES[best].languages, (lang, best)
    english = _language_share(con, "en")
    assert min(english.values()) > 0.1  # English titles everywhere


def test_launch_spike_then_decay(con: duckdb.DuckDBPyConnection) -> None:
    """The biggest launches of the period peak early and then fall week after week."""
    launches = con.execute("""
        SELECT title_id FROM weekly
        WHERE release_date BETWEEN DATE '2025-03-03' AND DATE '2025-03-30'
        GROUP BY 1 ORDER BY sum(hours) DESC LIMIT 3""").fetchall()
    assert len(launches) == 3
    for (title_id,) in launches:
        hours = [h for _, h in con.execute(
            "SELECT week, sum(hours) FROM weekly WHERE title_id = ? GROUP BY 1 ORDER BY 1",
            [title_id]).fetchall()]
        peak = hours.index(max(hours))
        assert peak <= 2, (title_id, hours)  # release week or the next
        after = hours[peak:]
        assert len(after) >= 4
        assert all(b < a for a, b in zip(after, after[1:], strict=False)), (title_id, hours)
        assert after[3] < 0.5 * after[0]


def test_weekend_peak(con: duckdb.DuckDBPyConnection) -> None:
    by_day = dict(con.execute("""
        SELECT dayname(started_at), sum(seconds_viewed) FROM events GROUP BY 1""").fetchall())
    for weekend in ("Saturday", "Sunday"):
        for midweek in ("Tuesday", "Wednesday"):
            assert by_day[weekend] > 1.1 * by_day[midweek]


def test_evening_peak_in_local_time(con: duckdb.DuckDBPyConnection) -> None:
    # Korea is UTC+9: its 20:00-23:00 evening is 11:00-14:00 UTC
    hours = dict(con.execute("""
        SELECT hour(started_at), count(*) FROM events WHERE country = 'KR'
        GROUP BY 1""").fetchall())
    evening = sum(hours[h] for h in (11, 12, 13))
    night = sum(hours[h] for h in (18, 19, 20))  # 03:00-06:00 in Seoul
    assert evening > 5 * night


def test_sleeper_hits_take_off_late(world: World, con: duckdb.DuckDBPyConnection) -> None:
    sleepers = world.manifest["sleepers"]
    assert sleepers
    for title_id in sleepers:
        hours = [h for _, h in con.execute(
            "SELECT week, sum(hours) FROM weekly WHERE title_id = ? GROUP BY 1 ORDER BY 1",
            [title_id]).fetchall()]
        peak = hours.index(max(hours))
        assert peak >= 2 and hours[peak] > 3 * hours[0], (title_id, hours)


def test_partial_viewing_binges_and_returning_viewers(con: duckdb.DuckDBPyConnection) -> None:
    stopped, finished = _one(con, """
        SELECT avg((seconds_viewed < 0.5 * runtime_minutes * 60)::INT),
               avg((seconds_viewed >= 0.9 * runtime_minutes * 60)::INT)
        FROM events JOIN (SELECT title_id, CAST(runtime_minutes AS DOUBLE) AS runtime_minutes,
                                 kind FROM catalog) USING (title_id)
        WHERE kind = 'film'""")
    assert 0.15 < stopped < 0.5 and 0.4 < finished < 0.8
    # series: a session is usually one episode, sometimes a binge of several
    # (episodes run at most 70 minutes)
    one_episode, binge = _one(con, """
        SELECT avg((seconds_viewed <= 70 * 60)::INT), avg((seconds_viewed > 3 * 70 * 60)::INT)
        FROM events JOIN catalog USING (title_id) WHERE kind = 'tv'""")
    assert one_episode > 0.4 and binge > 0.03
    # viewers come back: series episode after episode, films rewatched
    series_repeat, film_repeat = _one(con, """
        WITH p AS (SELECT profile_id, title_id, count(DISTINCT CAST(started_at AS DATE)) AS days
                   FROM events GROUP BY 1, 2)
        SELECT avg((days > 1)::INT) FILTER (WHERE kind = 'tv'),
               avg((days > 1)::INT) FILTER (WHERE kind = 'film')
        FROM p JOIN catalog USING (title_id)""")
    assert series_repeat > 0.6 and 0.0 < film_repeat < series_repeat - 0.2
