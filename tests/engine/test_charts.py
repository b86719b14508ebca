"""The chart methodology on hand-made stores, every list worked out by hand.

Accepted events go straight into the store's rollup (UTC), the charts are built on DuckDB
through the public API, and the lists are read back from the chart tables.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from starchart import api, store
from tests.engine.fixtures.chart_store import (
    country_list,
    event,
    fill_store,
    global_list,
    popular_list,
    scalar,
    title,
)

FE, FN, TE, TN = "Films (English)", "Films (Non-English)", "TV (English)", "TV (Non-English)"
H = 3600  # seconds in an hour


def test_exact_ties_go_to_more_views_then_more_hours_then_smaller_title_id(tmp_db: Path) -> None:
    titles = [
        title("tt-e", "Echo", runtime=15),      # 0.75 h -> 3 views
        title("tt-b", "Bravo", runtime=120),    # 4 h    -> 2 views
        title("tt-2", "Alpha", runtime=60),     # 2 h    -> 2 views
        title("tt-1", "Zulu", runtime=60),      # 2 h    -> 2 views, smaller title_id than Alpha
        title("tt-d", "Delta", runtime=30),     # 1 h    -> 2 views
    ]
    events = [
        event("tt-e", "2025-03-04 10:00", 2700),
        event("tt-b", "2025-03-05 11:00", 10000),
        event("tt-b", "2025-03-09 23:00", 4400),
        event("tt-2", "2025-03-06 12:00", 2 * H),
        event("tt-1", "2025-03-03 00:00", H),
        event("tt-1", "2025-03-07 21:30", H),
        event("tt-d", "2025-03-08 08:00", H),
    ]
    fill_store(tmp_db, titles, events)
    result = api.build(db=tmp_db)
    assert result["weeks"] == ["2025-03-09"]
    assert global_list(tmp_db, "2025-03-09", FE) == [
        (1, "tt-e", "Echo", None, 0.75, 0.25, 3.0, 1),
        (2, "tt-b", "Bravo", None, 4.0, 2.0, 2.0, 1),
        (3, "tt-1", "Zulu", None, 2.0, 1.0, 2.0, 1),
        (4, "tt-2", "Alpha", None, 2.0, 1.0, 2.0, 1),
        (5, "tt-d", "Delta", None, 1.0, 0.5, 2.0, 1),
    ]
    for category in (FN, TE, TN):
        assert global_list(tmp_db, "2025-03-09", category) == []


def test_ten_titles_at_most_and_fewer_where_fewer_were_watched(tmp_db: Path) -> None:
    english = [title(f"en{k:02d}", f"English {k}") for k in range(1, 13)]
    foreign = [title("ko1", "Korean", lang="ko"), title("es1", "Spanish", lang="es")]
    events = [event(f"en{k:02d}", "2025-03-12 09:00", k * H) for k in range(1, 13)]
    events += [event("ko1", "2025-03-13 09:00", H), event("es1", "2025-03-16 23:59:59", 2 * H)]
    fill_store(tmp_db, english + foreign, events)
    api.build(db=tmp_db)
    top = global_list(tmp_db, "2025-03-16", FE)
    assert [(r[0], r[1], r[6]) for r in top] == [
        (rank, f"en{13 - rank:02d}", float(13 - rank)) for rank in range(1, 11)
    ]
    assert [(r[0], r[1], r[4]) for r in global_list(tmp_db, "2025-03-16", FN)] == [
        (1, "es1", 2.0), (2, "ko1", 1.0)
    ]
    assert global_list(tmp_db, "2025-03-16", TE) == []


def test_week_boundaries_are_monday_midnight_utc(tmp_db: Path) -> None:
    titles = [title(t, t.upper()) for t in ("sun0", "mon1", "sun1", "mon2", "late", "part")]
    events = [
        event("sun0", "2025-03-02 23:59:59", H),   # last second of week 2025-03-02
        event("mon1", "2025-03-03 00:00:00", H),   # first second of week 2025-03-09
        event("sun1", "2025-03-09 23:59:59", H),   # last second of week 2025-03-09
        event("mon2", "2025-03-10 00:00:00", H),   # first second of week 2025-03-16
        event("late", "2025-03-16 12:00:00", 2 * H),
        event("part", "2025-03-18 08:00:00", 9 * H),  # Tuesday: week 2025-03-23 incomplete
    ]
    fill_store(tmp_db, titles, events)
    result = api.build(db=tmp_db)
    assert result["weeks"] == ["2025-03-02", "2025-03-09", "2025-03-16"]
    assert result["latest_complete_week"] == "2025-03-16"
    assert [r[1] for r in global_list(tmp_db, "2025-03-02", FE)] == ["sun0"]
    assert [r[1] for r in global_list(tmp_db, "2025-03-09", FE)] == ["mon1", "sun1"]
    assert [r[1] for r in global_list(tmp_db, "2025-03-16", FE)] == ["late", "mon2"]
    assert global_list(tmp_db, "2025-03-23", FE) == []
    assert scalar(tmp_db, "SELECT count(*) FROM chart_country WHERE week > DATE '2025-03-16'") == 0


def test_cumulative_weeks_count_every_week_on_the_same_list_with_gaps(tmp_db: Path) -> None:
    others = [title(f"o{k:02d}", f"Other {k}") for k in range(1, 11)]
    titles = [title("x", "Comeback"), *others]
    events = [event("x", "2025-03-05 10:00", H)]                    # week 1: on the list
    events += [event("x", "2025-03-12 10:00", H)]                   # week 2: 11th, off
    events += [event(o["title_id"], "2025-03-13 10:00", 2 * H) for o in others]
    events += [event("x", "2025-03-19 10:00", H),                   # week 3: back
               event("o01", "2025-03-20 10:00", 2 * H),
               event("x", "2025-03-21 10:00", 2 * H, country="GB")]
    events += [event("x", "2025-03-30 10:00", 3 * H, country="GB")]  # week 4
    fill_store(tmp_db, titles, events)
    api.build(db=tmp_db)
    assert [(r[0], r[1], r[7]) for r in global_list(tmp_db, "2025-03-09", FE)] == [(1, "x", 1)]
    week2 = global_list(tmp_db, "2025-03-16", FE)
    assert len(week2) == 10 and "x" not in [r[1] for r in week2]
    assert {r[7] for r in week2} == {1}
    assert [(r[0], r[1], r[4], r[7]) for r in global_list(tmp_db, "2025-03-23", FE)] == [
        (1, "x", 3.0, 2),   # 3 hours in US and GB together beat o01's 2
        (2, "o01", 2.0, 2),
    ]
    assert [(r[0], r[1], r[7]) for r in global_list(tmp_db, "2025-03-30", FE)] == [(1, "x", 3)]
    # Country lists count per country: the US saw x in weeks 1 and 3, GB in weeks 3 and 4.
    assert country_list(tmp_db, "US", "2025-03-09", "Films") == [(1, "x", 1)]
    assert ("x" not in [r[1] for r in country_list(tmp_db, "US", "2025-03-16", "Films")])
    assert country_list(tmp_db, "US", "2025-03-23", "Films") == [(1, "o01", 2), (2, "x", 2)]
    assert country_list(tmp_db, "GB", "2025-03-23", "Films") == [(1, "x", 1)]
    assert country_list(tmp_db, "GB", "2025-03-30", "Films") == [(1, "x", 2)]


def test_a_film_and_seasons_sharing_a_show_title_are_separate_titles(tmp_db: Path) -> None:
    titles = [
        title("hotel-film", "Hotel", runtime=120),
        title("hotel-s1", "Hotel", kind="tv", season="Hotel: Season 1", runtime=600),
        title("hotel-s2", "Hotel", kind="tv", season="Hotel: Season 2", runtime=480),
    ]
    events = [
        event("hotel-film", "2025-03-04 20:00", 4 * H),
        event("hotel-s1", "2025-03-05 20:00", 30 * H),
        event("hotel-s2", "2025-03-09 20:00", 32 * H),
    ]
    fill_store(tmp_db, titles, events)
    api.build(db=tmp_db)
    assert global_list(tmp_db, "2025-03-09", FE) == [(1, "hotel-film", "Hotel", None, 4.0, 2.0,
                                                      2.0, 1)]
    assert global_list(tmp_db, "2025-03-09", TE) == [
        (1, "hotel-s2", "Hotel", "Hotel: Season 2", 32.0, 8.0, 4.0, 1),
        (2, "hotel-s1", "Hotel", "Hotel: Season 1", 30.0, 10.0, 3.0, 1),
    ]
    assert country_list(tmp_db, "US", "2025-03-09", "TV") == [(1, "hotel-s2", 1),
                                                              (2, "hotel-s1", 1)]
    assert country_list(tmp_db, "US", "2025-03-09", "Films") == [(1, "hotel-film", 1)]


def test_country_lists_rank_each_country_by_its_own_viewing(tmp_db: Path) -> None:
    titles = [
        title("a", "Aurora"),
        title("b", "Borealis", runtime=30),
        title("t", "Tides", kind="tv", season="Tides: Season 1", lang="fr", runtime=120),
    ]
    events = [
        event("a", "2025-03-04 10:00", 3 * H, "US"),
        event("b", "2025-03-04 11:00", H, "US"),       # 2 views in the US
        event("t", "2025-03-05 10:00", 2 * H, "US"),
        event("b", "2025-03-06 10:00", 5 * H, "KR"),
        event("t", "2025-03-09 23:59:59", 6 * H, "GB"),
    ]
    fill_store(tmp_db, titles, events)
    api.build(db=tmp_db)
    assert country_list(tmp_db, "US", "2025-03-09", "Films") == [(1, "a", 1), (2, "b", 1)]
    assert country_list(tmp_db, "US", "2025-03-09", "TV") == [(1, "t", 1)]
    assert country_list(tmp_db, "KR", "2025-03-09", "Films") == [(1, "b", 1)]
    assert country_list(tmp_db, "KR", "2025-03-09", "TV") == []
    assert country_list(tmp_db, "GB", "2025-03-09", "Films") == []
    assert country_list(tmp_db, "GB", "2025-03-09", "TV") == [(1, "t", 1)]
    names = scalar(
        tmp_db,
        "SELECT string_agg(DISTINCT country_iso2 || '=' || country_name, ',' "
        "ORDER BY country_iso2 || '=' || country_name) FROM chart_country",
    )
    assert names == "GB=United Kingdom,KR=South Korea,US=United States"
    # Globally b (6 hours, 12 views) beats a (3 views), the US's number one.
    assert [(r[1], r[6]) for r in global_list(tmp_db, "2025-03-09", FE)] == [("b", 12.0),
                                                                           ("a", 3.0)]
    assert [(r[1], r[6]) for r in global_list(tmp_db, "2025-03-09", TN)] == [("t", 4.0)]


def test_most_popular_first_91_days_of_originals_released_since_data_began(
    tmp_db: Path,
) -> None:
    titles = [
        title("lic", "Licensed", release="2025-01-06"),                 # not an original
        title("old", "Old Original", original=True, release="2025-01-05"),  # before the data
        title("o2", "Closed", original=True, release="2025-01-06"),
        title("o3", "Open", original=True, release="2025-04-01", runtime=30),
        title("o4", "Just Closed", original=True, release="2025-01-20"),
        title("ot", "Korean Series", kind="tv", season="Season 1", lang="ko", runtime=120,
              original=True, release="2025-02-01"),
        title("fut", "Future", original=True, release="2025-04-21"),    # after the last week
    ]
    events = [
        event("lic", "2025-01-06 00:00", 100 * H),          # first day of data: 2025-01-06
        event("old", "2025-01-06 09:00", 50 * H),
        event("o2", "2025-01-06 10:00", 2 * H),
        event("o2", "2025-04-06 23:59:59", H),              # day 91: counted
        event("o2", "2025-04-07 00:00:00", 5 * H),          # day 92: not counted
        event("o3", "2025-04-02 12:00", H),
        event("o3", "2025-04-22 12:00", 10 * H),            # after the last complete week
        event("o4", "2025-01-20 00:00", 4 * H),
        event("ot", "2025-02-03 18:00", 4 * H),
        event("fut", "2025-04-21 06:00", 20 * H),
    ]
    fill_store(tmp_db, titles, events)
    result = api.build(db=tmp_db)
    assert result["latest_complete_week"] == "2025-04-20"
    # o4's window ends 2025-04-21 00:00, exactly when the last built week ends: complete.
    assert popular_list(tmp_db, FE) == [
        (1, "o4", 4.0, 4.0, False, 91),
        (2, "o2", 3.0, 3.0, False, 91),
        (3, "o3", 1.0, 2.0, True, 91),
    ]
    assert popular_list(tmp_db, TN) == [(1, "ot", 4.0, 2.0, True, 91)]
    assert popular_list(tmp_db, FN) == [] and popular_list(tmp_db, TE) == []


def test_most_popular_keeps_ten_per_category_with_the_tie_rule(tmp_db: Path) -> None:
    titles = [title(f"m{k:02d}", f"Hit {k}", original=True, release="2025-03-04")
              for k in range(1, 13)]
    titles.append(title("filler", "Licensed Filler"))
    events = [event(f"m{k:02d}", "2025-03-04 10:00", (k // 2 + 1) * H) for k in range(1, 13)]
    events.append(event("filler", "2025-03-09 12:00", 60))
    fill_store(tmp_db, titles, events)
    api.build(db=tmp_db)
    got = [(r[0], r[1], r[3]) for r in popular_list(tmp_db, FE)]
    # views: m12 -> 7; m10, m11 -> 6; m08, m09 -> 5; m06, m07 -> 4; m04, m05 -> 3; m02, m03 -> 2
    assert got == [
        (1, "m12", 7.0), (2, "m10", 6.0), (3, "m11", 6.0), (4, "m08", 5.0), (5, "m09", 5.0),
        (6, "m06", 4.0), (7, "m07", 4.0), (8, "m04", 3.0), (9, "m05", 3.0), (10, "m02", 2.0),
    ]


@pytest.mark.parametrize("week", ["2025-03-09", "2025-03-16"])
def test_building_one_week_matches_the_full_build(tmp_db: Path, week: str) -> None:
    titles = [title("x", "X"), title("y", "Y", kind="tv", season="S1")]
    events = [event("x", "2025-03-05 10:00", H), event("y", "2025-03-05 10:00", H),
              event("x", "2025-03-12 10:00", H), event("y", "2025-03-16 10:00", 2 * H)]
    fill_store(tmp_db, titles, events)
    api.build(db=tmp_db)
    full = {c: global_list(tmp_db, week, c) for c in (FE, TE)}
    with store.opened(tmp_db) as con:
        con.execute("DELETE FROM chart_global; DELETE FROM chart_country")
    result = api.build(db=tmp_db, week=week)
    assert result["weeks"] == [week]
    assert {c: global_list(tmp_db, week, c) for c in (FE, TE)} == full
    assert scalar(tmp_db, "SELECT count(DISTINCT week) FROM chart_global") == 1
