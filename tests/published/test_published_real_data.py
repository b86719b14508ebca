"""Netflix's real files: the byte-for-byte round trip, and facts the press quotes checked
against an independent reading of the TSVs with the csv module."""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from starchart import api

pytestmark = pytest.mark.real_data

FILES = ("all-weeks-global.tsv", "all-weeks-countries.tsv", "most-popular.tsv")


def read_tsv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


@pytest.fixture(scope="module")
def real_db(netflix_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("real") / "store.duckdb"
    api.import_netflix(netflix_data_dir, db=db)
    return db


@pytest.fixture(scope="module")
def global_rows(netflix_data_dir: Path) -> list[dict[str, str]]:
    return read_tsv(netflix_data_dir / "all-weeks-global.tsv")


@pytest.fixture(scope="module")
def country_rows(netflix_data_dir: Path) -> list[dict[str, str]]:
    return read_tsv(netflix_data_dir / "all-weeks-countries.tsv")


def test_round_trip_is_byte_for_byte(
    real_db: Path, netflix_data_dir: Path, tmp_path: Path
) -> None:
    result = api.export(tmp_path, db=real_db, source="netflix")
    assert result["rows"] == {"all-weeks-global.tsv": 10_560, "all-weeks-countries.tsv": 65_800,
                              "most-popular.tsv": 40}
    for name in FILES:
        assert (tmp_path / name).read_bytes() == (netflix_data_dir / name).read_bytes(), name


@pytest.mark.parametrize("name", [
    "Squid Game: Season 1", "KPop Demon Hunters", "Red Notice", "Wednesday: Season 1",
    "Extraordinary Attorney Woo: Season 1", "Kill Boksoon", "Adolescence: Limited Series",
])
def test_global_record_matches_the_file(
    real_db: Path, global_rows: list[dict[str, str]], name: str
) -> None:
    mine = [r for r in global_rows if name in (r["show_title"], r["season_title"])]
    assert mine, name
    [entry] = api.title(name, db=real_db)["matches"]
    by_list: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in mine:
        by_list[r["category"]].append(r)
    assert {g["category"] for g in entry["global"]} == set(by_list)
    for g in entry["global"]:
        rows = by_list[g["category"]]
        assert g["weeks_in_top_10"] == len(rows)
        assert g["weeks_at_1"] == sum(r["weekly_rank"] == "1" for r in rows)
        assert g["peak_rank"] == min(int(r["weekly_rank"]) for r in rows)
        assert g["first_week"] == min(r["week"] for r in rows)
        assert g["last_week"] == max(r["week"] for r in rows)
        assert g["hours_viewed"] == sum(float(r["weekly_hours_viewed"]) for r in rows)
        views = [float(r["weekly_views"]) for r in rows if r["weekly_views"]]
        assert g["views"] == (sum(views) if views else None)


@pytest.mark.parametrize(("show", "season"), [
    ("Squid Game", "Squid Game: Season 1"), ("Red Notice", "N/A"),
    ("Money Heist", "Money Heist: Part 5"), ("The Witcher", "The Witcher: Season 2"),
])
def test_country_counts_match_the_file(
    real_db: Path, country_rows: list[dict[str, str]], show: str, season: str
) -> None:
    rows = [r for r in country_rows if r["show_title"] == show and r["season_title"] == season]
    assert rows
    per_week: dict[str, set[str]] = defaultdict(set)
    at_1_per_week: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        per_week[r["week"]].add(r["country_iso2"])
        if r["weekly_rank"] == "1":
            at_1_per_week[r["week"]].add(r["country_iso2"])
    most = max(len(c) for c in per_week.values())
    query = show if season == "N/A" else season
    [entry] = api.title(query, db=real_db)["matches"]
    got = entry["countries"]
    assert got["distinct_in_top_10"] == len({r["country_iso2"] for r in rows})
    assert got["distinct_at_1"] == len({r["country_iso2"] for r in rows
                                        if r["weekly_rank"] == "1"})
    assert got["max_in_one_week"] == most
    assert got["max_in_one_week_week"] == min(w for w, c in per_week.items() if len(c) == most)
    for week in got["weeks"]:
        assert {c["iso2"] for c in week["in_top_10"]} == per_week[week["week"]]
        assert {c["iso2"] for c in week["at_1"]} == at_1_per_week[week["week"]]


def test_squid_game_number_one_in_94_countries(real_db: Path) -> None:
    """The press line: "Squid Game was #1 in 94 countries"."""
    [entry] = api.title("Squid Game: Season 1", db=real_db)["matches"]
    assert entry["countries"]["distinct_at_1"] == 94
    assert entry["countries"]["distinct_in_top_10"] == 94


def test_weeks_at_1_leaderboard_matches_the_file(
    real_db: Path, global_rows: list[dict[str, str]]
) -> None:
    counts = Counter((r["show_title"], r["season_title"], r["category"])
                     for r in global_rows if r["weekly_rank"] == "1")
    frame = api.leaders("weeks-at-1", limit=10, db=real_db)
    top = max(counts.values())
    leaders = {k for k, v in counts.items() if v == top}
    first = frame[frame["rank"] == 1]
    assert {(r.show_title, r.season_title or "N/A", r.category)
            for r in first.itertuples()} == leaders
    assert list(frame["value"]) == sorted(counts.values(), reverse=True)[:10]
    non_english_films = api.leaders("weeks-at-1", category="Films (Non-English)", limit=1,
                                    db=real_db)
    expected = max(v for (_, _, c), v in counts.items() if c == "Films (Non-English)")
    assert non_english_films.iloc[0]["value"] == expected


def test_exact_match_and_accents_on_real_titles(real_db: Path) -> None:
    mantis = api.title("Mantis", db=real_db)
    assert {m["show_title"] for m in mantis["matches"]} == {"Mantis"}
    assert api.title("Queen Mantis", db=real_db)["matches"]   # it exists, just not mixed in
    [pokemon] = api.title("Pokemon Concierge", db=real_db)["matches"]
    assert pokemon["show_title"] == "Pokémon Concierge"
    assert api.search("cafe con aroma de mujer", db=real_db)["results"][0]["show_title"] == (
        "Café con aroma de mujer")
    assert api.search("kill boksun", db=real_db)["results"][0]["show_title"] == "Kill Boksoon"
    assert api.search("Revelation", db=real_db)["results"][0]["show_title"] == "Revelations"


def test_latest_week_is_the_files_first_forty_rows(
    real_db: Path, global_rows: list[dict[str, str]]
) -> None:
    week = api.week(db=real_db)
    latest = [r for r in global_rows if r["week"] == global_rows[0]["week"]]
    assert week["week"] == latest[0]["week"]
    got = [(lst["category"], r["weekly_rank"], r["show_title"], r["weekly_views"])
           for lst in week["lists"] for r in lst["rows"]]
    assert got == [(r["category"], int(r["weekly_rank"]), r["show_title"],
                    float(r["weekly_views"])) for r in latest]


def test_a_rewritten_download_is_recorded(
    netflix_data_dir: Path, global_rows: list[dict[str, str]], tmp_path: Path
) -> None:
    """Relabel one season everywhere, as Netflix does: every row of it becomes a change."""
    db = tmp_path / "store.duckdb"
    api.import_netflix(netflix_data_dir / "all-weeks-global.tsv", db=db)
    text = (netflix_data_dir / "all-weeks-global.tsv").read_text(encoding="utf-8")
    edited = tmp_path / "new" / "all-weeks-global.tsv"
    edited.parent.mkdir()
    edited.write_text(text.replace("\tSquid Game: Season 1\t", "\tSquid Game: Season One\t"),
                      encoding="utf-8", newline="")
    result = api.import_netflix(edited, db=db)
    expected = sum(r["season_title"] == "Squid Game: Season 1" for r in global_rows)
    assert result["changes"] == {"relabelled": expected}
    assert result["files"][0]["weeks_replaced"] == 264
    assert len(api.weeks(db=db)) == 264
    assert api.title("Squid Game: Season 1", db=db)["matches"] == []


def test_number_ones_in_south_korea_in_december_2021(
    real_db: Path, country_rows: list[dict[str, str]]
) -> None:
    """ "Which titles were #1 in South Korea in December 2021?" in one call: the weeks named
    by a December Sunday, per list, against the file read with the csv module."""
    expected: dict[str, list[tuple[str, str, str | None]]] = defaultdict(list)
    for r in sorted(country_rows, key=lambda r: r["week"]):
        if r["country_iso2"] == "KR" and r["weekly_rank"] == "1" and r["week"].startswith(
                "2021-12"):
            season = None if r["season_title"] == "N/A" else r["season_title"]
            expected[r["category"]].append((r["week"], r["show_title"], season))
    assert len(expected["Films"]) == len(expected["TV"]) == 4
    found = api.number_ones("South Korea", since="2021-12-01", until="2021-12-31", db=real_db)
    assert found["weeks"] == ["2021-12-05", "2021-12-12", "2021-12-19", "2021-12-26"]
    for lst in found["lists"]:
        assert [(w["week"], w["show_title"], w["season_title"]) for w in lst["weeks"]] == (
            expected[lst["category"]])
    # and the #1 in each country that week agrees with the file for every country
    week = api.week_number_ones("2021-12-06", db=real_db)
    assert week["week"] == "2021-12-12"
    ones = {(r["country_iso2"], r["category"]): r["show_title"] for r in country_rows
            if r["week"] == "2021-12-12" and r["weekly_rank"] == "1"}
    assert len(week["countries"]) == len({c for c, _ in ones}) == 94
    assert {(c["iso2"], cat): t["show_title"] for c in week["countries"]
            for cat, t in c["number_ones"].items()} == ones
    # the leaderboard of one country's lists counts its #1 weeks
    weeks_at_1 = Counter((r["show_title"], r["category"]) for r in country_rows
                         if r["country_iso2"] == "KR" and r["weekly_rank"] == "1")
    board = api.leaders("weeks-at-1", country="Korea", limit=5, db=real_db)
    assert list(board["value"]) == sorted(weeks_at_1.values(), reverse=True)[:5]
