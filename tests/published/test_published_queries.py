"""The chart questions, answered from a real store holding the hand-made files of every layout.

Expected numbers are read off netflix_samples by hand (comments say how)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from starchart import api, releases, store
from tests.published import netflix_samples as s


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("samples")
    path = folder / "store.duckdb"
    api.import_netflix([
        s.write(folder / "2021", "all-weeks-global.tsv", s.GLOBAL_2021),
        s.write(folder / "2023", "all-weeks-global.tsv", s.GLOBAL_2023),
        s.write(folder / "today", "all-weeks-global.tsv", s.GLOBAL_TODAY),
        s.write(folder / "today", "all-weeks-countries.tsv", s.COUNTRIES),
        s.write(folder / "today", "most-popular.tsv", s.MOST_POPULAR_91),
    ], db=path)
    return path


def test_title_film_record(db: Path) -> None:
    result = api.title("Don't Look Up", db=db)
    assert result["source"] == "netflix" and result["shows"] == [] and result["suggestions"] == []
    [entry] = result["matches"]
    assert (entry["show_title"], entry["season_title"], entry["kind"]) == (
        "Don't Look Up", None, "film")
    assert entry["slug"] == entry["show_slug"] == "dont-look-up"
    # 2021-07-04 #1, 2021-07-11 #1, 2025-03-23 #2, 2025-03-30 #2
    assert entry["global"] == [{
        "category": "Films (English)", "weeks_in_top_10": 4, "weeks_at_1": 2, "peak_rank": 1,
        "first_week": "2021-07-04", "last_week": "2025-03-30",
        "hours_viewed": 20_000_000 + 15_230_000 + 5_200_000 + 5_000_000,
        "views": 2_200_000 + 2_100_000,
        # the views are a partial sum, and say so: none are published for 2021
        "views_weeks": 2, "views_partial": True,
        "views_note": "views published for 2 of 4 weeks (weekly views: 2023-06-18 .. "
                      "2023-06-25 (2 weeks); 2025-03-23 .. 2025-03-30 (2 weeks))"}]
    countries = entry["countries"]
    assert countries["distinct_in_top_10"] == 2 and countries["distinct_at_1"] == 2
    assert countries["max_in_one_week"] == 2
    assert countries["max_in_one_week_week"] == "2021-07-04"  # a tie goes to the earliest
    assert countries["weeks"][0] == {
        "week": "2021-07-04",
        "in_top_10": [{"iso2": "AR", "name": "Argentina", "weekly_rank": 1},
                      {"iso2": "RE", "name": "Réunion", "weekly_rank": 1}],
        "at_1": [{"iso2": "AR", "name": "Argentina"}, {"iso2": "RE", "name": "Réunion"}]}
    # the samples' country lists end in 2021: for 2025 the count is unknown, not 0
    assert [(r["week"], r["weekly_rank"], r["countries_in_top_10"]) for r in entry["run"]] == [
        ("2021-07-04", 1, 2), ("2021-07-11", 1, 2), ("2025-03-23", 2, None),
        ("2025-03-30", 2, None)]
    assert countries["coverage"]["status"] == "partial"
    assert countries["coverage"]["weeks_without_data"] == [
        {"first_week": "2025-03-23", "last_week": "2025-03-30", "weeks": 2}]
    assert entry["run"][2]["weekly_views"] == 2_200_000 and entry["run"][0]["weekly_views"] is None


def test_title_match_is_exact_and_case_insensitive(db: Path) -> None:
    mantis = api.title("mantis", db=db)
    assert [m["slug"] for m in mantis["matches"]] == ["mantis"]   # not Queen Mantis
    assert mantis["matches"][0]["global"][0]["weeks_in_top_10"] == 2
    queen = api.title("QUEEN MANTIS", db=db)
    assert [m["slug"] for m in queen["matches"]] == ["queen-mantis--season-1"]
    [show] = queen["shows"]
    assert show["slug"] == "queen-mantis"
    assert [x["slug"] for x in show["seasons"]] == ["queen-mantis--season-1"]
    assert show["season_title"] is None and show["kind"] == "tv"
    assert show["global"][0]["weeks_at_1"] == 4  # 2023-06-18, 06-25, 2025-03-23, 03-30


def test_title_by_season_and_accent_blind_exact(db: Path) -> None:
    by_season = api.title("Pokémon Concierge: Season 1", db=db)
    assert [m["slug"] for m in by_season["matches"]] == ["pokemon-concierge--season-1"]
    assert by_season["shows"] == []
    plain = api.title("pokemon concierge", db=db)   # no accent typed
    [entry] = plain["matches"]
    assert entry["show_title"] == "Pokémon Concierge"
    assert entry["countries"]["distinct_at_1"] == 2   # RU and KR, 2021-07-11
    assert entry["countries"]["weeks"][0]["at_1"] == [
        {"iso2": "KR", "name": "South Korea"}, {"iso2": "RU", "name": "Russia"}]


def test_tv_title_with_na_season(db: Path) -> None:
    [entry] = api.title("Jake Paul vs. Anthony Joshua", db=db)["matches"]
    assert entry["kind"] == "tv" and entry["season_title"] is None
    assert entry["global"][0]["weeks_in_top_10"] == 2
    assert entry["global"][0]["views"] == 10_900_000 + 900_000


def test_unknown_title_gives_suggestions(db: Path) -> None:
    result = api.title("Mantiss", db=db)
    assert result["matches"] == [] and result["shows"] == []
    assert result["suggestions"][0]["slug"] == "mantis"
    assert set(result["suggestions"][0]) == {"show_title", "season_title", "slug", "score"}


def test_title_by_slug(db: Path) -> None:
    assert api.title_by_slug("queen-mantis--season-1", db=db)["show_title"] == "Queen Mantis"
    show = api.title_by_slug("queen-mantis", db=db)
    assert [x["slug"] for x in show["seasons"]] == ["queen-mantis--season-1"]
    korean = api.title("레드슈즈", db=db)["matches"][0]
    assert korean["slug"].startswith("title-")
    assert api.title_by_slug(korean["slug"], db=db)["show_title"] == "레드슈즈"
    with pytest.raises(LookupError) as caught:
        api.title_by_slug("queen-mantis--season-9", db=db)
    assert caught.value.args[1][0]["slug"] == "queen-mantis--season-1"
    assert "queen-mantis--season-9" in str(caught.value)


def test_week_latest_with_moves(db: Path) -> None:
    week = api.week(db=db)
    assert (week["week"], week["previous_week"], week["next_week"]) == (
        "2025-03-30", "2025-03-23", None)
    assert week["country"] is None and week["country_name"] is None
    assert [lst["category"] for lst in week["lists"]] == [
        "Films (English)", "Films (Non-English)", "TV (English)", "TV (Non-English)"]
    films = {r["show_title"]: r for r in week["lists"][1]["rows"]}
    assert (films["Mantis"]["weekly_rank"], films["Mantis"]["previous_weekly_rank"],
            films["Mantis"]["change"]) == (1, 2, "up")
    assert films["Kill Boksoon"]["change"] == "down"
    tv = [r for r in week["lists"][3]["rows"] if not r["show_title"].startswith("Also Ran")]
    assert [(r["show_title"], r["change"]) for r in tv] == [
        ("Queen Mantis", "same"), ("Sløborn", "new")]
    jake = week["lists"][2]["rows"][1]
    assert (jake["runtime"], jake["weekly_views"], jake["slug"]) == (
        0.0, 900_000, "jake-paul-vs-anthony-joshua")


def test_week_older_and_country(db: Path) -> None:
    assert api.week("2023-06-25", db=db)["next_week"] == "2025-03-23"
    korea = api.week("2021-07-11", country="kr", db=db)
    assert (korea["country"], korea["country_name"]) == ("KR", "South Korea")
    assert [lst["category"] for lst in korea["lists"]] == ["Films", "TV"]
    row = korea["lists"][0]["rows"][0]
    assert (row["show_title"], row["change"], row["weekly_hours_viewed"]) == (
        "레드슈즈", "same", None)
    reunion = api.week("2021-07-04", country="Reunion", db=db)  # a name, typed without accent
    assert reunion["country"] == "RE" and [lst["category"] for lst in reunion["lists"]] == [
        "Films", "TV"]  # the sample's TV list is filled with "Also Ran" rows
    assert reunion["lists"][1]["rows"][0]["show_title"].startswith("Also Ran")


def test_week_errors_suggest(db: Path) -> None:
    assert api.week("2025-03-29", db=db)["week"] == "2025-03-30"  # a Saturday: its week
    with pytest.raises(LookupError) as caught:
        api.week("Saturday", db=db)
    assert isinstance(caught.value, ValueError) and "not a date" in str(caught.value)
    with pytest.raises(LookupError) as missing:
        api.week("2024-01-07", db=db)
    assert missing.value.args[1][0] == {"week": "2023-06-25"}
    with pytest.raises(LookupError, match="Narnia"):
        api.week(country="Narnia", db=db)


def test_weeks_countries_sources(db: Path) -> None:
    assert api.weeks(db=db) == ["2025-03-30", "2025-03-23", "2023-06-25", "2023-06-18",
                                "2021-07-11", "2021-07-04"]
    assert api.weeks(country="AR", db=db) == ["2021-07-11", "2021-07-04"]
    assert api.countries(db=db) == [
        {"iso2": "AR", "name": "Argentina", "weeks": 2},
        {"iso2": "RU", "name": "Russia", "weeks": 2},
        {"iso2": "RE", "name": "Réunion", "weeks": 2},
        {"iso2": "KR", "name": "South Korea", "weeks": 2}]
    with api.open(db) as charts:  # the first and last week of each country, in one query
        spans = charts.country_week_spans()
    assert spans == {c["iso2"]: (api.weeks(country=c["iso2"], db=db)[-1],
                                 api.weeks(country=c["iso2"], db=db)[0])
                     for c in api.countries(db=db)}
    assert spans["AR"] == ("2021-07-04", "2021-07-11")
    assert api.sources(db=db) == ["netflix"]
    with pytest.raises(LookupError, match="engine"):
        api.title("Mantis", source="engine", db=db)


def test_leaders_weeks_at_1(db: Path) -> None:
    frame = api.leaders("weeks-at-1", db=db)
    assert list(frame.columns[:6]) == ["rank", "show_title", "season_title", "slug", "category",
                                       "value"]
    top = frame.iloc[0]
    assert (top["show_title"], top["value"], top["rank"]) == ("Queen Mantis", 4, 1)
    twos = frame[frame["value"] == 2]
    assert set(twos["show_title"]) == {"Don't Look Up", "Carry-On", "Adolescence",
                                       "Yo soy Betty, la fea"}
    assert set(twos["rank"]) == {2}   # ties share a rank
    non_english = api.leaders("weeks-at-1", category="tv (non-english)", limit=2, db=db)
    assert list(non_english["show_title"]) == ["Queen Mantis", "Yo soy Betty, la fea"]


def test_leaders_period_views_and_countries(db: Path) -> None:
    recent = api.leaders("weeks-in-top-10", since="2025-01-01", db=db)
    assert "Yo soy Betty, la fea" not in set(recent["show_title"])
    assert recent.iloc[0]["value"] == 2
    old = api.leaders("weeks-in-top-10", until="2021-12-31", db=db)
    assert set(old["first_week"]) <= {"2021-07-04", "2021-07-11"}
    views = api.leaders("views", category="films", limit=4, db=db)
    assert list(views["show_title"]) == ["Carry-On", "Mantis", "Don't Look Up", "Kill Boksoon"]
    assert list(views["value"]) == [18_300_000, 9_000_000, 4_300_000, 3_200_000]
    countries = api.leaders("countries", db=db)
    countries = countries[~countries["show_title"].str.startswith("Also Ran")]
    assert set(countries["value"]) == {2} and set(countries["rank"]) == {1}
    red = countries[countries["show_title"] == "Red Notice"].iloc[0]
    assert (red["countries_at_1"], red["category"]) == (1, "Films (English)")


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"by": "likes"}, "unknown leaderboard"),
    ({"category": "Documentaries"}, "unknown category"),
    ({"since": "last year"}, "since: not a date"),
    ({"limit": 0}, "limit"),
])
def test_leaders_bad_input(db: Path, kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        api.leaders(db=db, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(("text", "show"), [
    ("pokemon concierge", "Pokémon Concierge"),
    ("CAFE CON AROMA", "Café con aroma de mujer"),
    ("dont look up", "Don't Look Up"),
    ("sloborn", "Sløborn"),
    ("kill boksun", "Kill Boksoon"),
    ("yo soy betty la fea", "Yo soy Betty, la fea"),
])
def test_search_survives_accents_and_punctuation(db: Path, text: str, show: str) -> None:
    answer = api.search(text, db=db)
    assert answer["query"] == text and answer["source"] == "netflix"
    [first] = [r for r in answer["results"] if r["page"] == "title"][:1]
    assert first["show_title"] == show
    assert set(first) == {"show_title", "season_title", "slug", "kind", "page", "name",
                          "season_number", "score"}


def test_most_popular(db: Path) -> None:
    result = api.most_popular(db=db)
    assert [lst["category"] for lst in result["lists"]] == [
        "Films (English)", "Films (Non-English)", "TV (English)", "TV (Non-English)"]
    first = result["lists"][0]["rows"][0]
    assert first == {"rank": 1, "show_title": "Carry-On", "season_title": None,
                     "slug": "carry-on", "hours_viewed": 344_100_000, "runtime": 2.0,
                     "views": 172_100_000, "window_days": 91, "in_progress": False,
                     "title_id": first["title_id"]}
    assert first["title_id"].startswith("nf-")  # the same work as Carry-On's weekly rows
    week = api.week("2025-03-30", db=db)
    carry = next(r for r in week["lists"][0]["rows"] if r["show_title"] == "Carry-On")
    assert carry["title_id"] == first["title_id"]
    assert [lst["category"] for lst in api.most_popular(category="TV", db=db)["lists"]] == [
        "TV (English)", "TV (Non-English)"]
    with pytest.raises(ValueError, match="unknown category"):
        api.most_popular(category="Anime", db=db)


def test_engine_and_netflix_charts_sit_side_by_side(tmp_path: Path) -> None:
    db = tmp_path / "both.duckdb"
    api.import_netflix(s.write(tmp_path, "all-weeks-global.tsv", s.GLOBAL_TODAY), db=db)
    with store.opened(db) as con:
        con.execute("""INSERT INTO chart_global (source, week, category, weekly_rank, title_id,
                           show_title, season_title, weekly_hours_viewed, runtime, weekly_views,
                           cumulative_weeks_in_top_10)
                       VALUES ('engine', '2025-03-30', 'Films (Non-English)', 3, 't1', 'Mantis',
                               NULL, 1234567.5, 1.85, 667333.8, 1)""")
    assert api.sources(db=db) == ["engine", "netflix"]
    engine = api.title("Mantis", db=db)["matches"][0]   # engine is the default source
    assert engine["global"][0]["weeks_in_top_10"] == 1 and engine["global"][0]["peak_rank"] == 3
    netflix = api.title("Mantis", source="netflix", db=db)["matches"][0]
    assert netflix["global"][0]["weeks_in_top_10"] == 2 and netflix["global"][0]["peak_rank"] == 1


def test_a_store_with_only_most_popular_answers_from_it(tmp_path: Path) -> None:
    db = tmp_path / "mp.duckdb"
    api.import_netflix(s.write(tmp_path, "most-popular.tsv", s.MOST_POPULAR_28), db=db)
    result = api.most_popular(db=db)
    assert result["source"] == "netflix"
    assert result["lists"][0]["rows"][0]["window_days"] == 28
    assert api.title("Red Notice", db=db)["matches"][0]["global"] == []


def test_moves_are_measured_against_the_week_before_not_an_older_stored_week(
        tmp_path: Path) -> None:
    """With 2025-03-23 missing, 2025-03-30 has nothing to compare with: no up/down/new."""
    from typer.testing import CliRunner

    from starchart.cli import app

    gap = s.write(tmp_path / "gap", "all-weeks-global.tsv",
                  s.GLOBAL_TODAY.replace("2025-03-23", "2025-03-16"))
    db = tmp_path / "gap.duckdb"
    api.import_netflix([gap], db=db)
    latest = api.week(db=db)
    assert latest["previous_week"] == "2025-03-16" and latest["compared_week"] is None
    rows = [r for lst in latest["lists"] for r in lst["rows"]]
    assert {(r["previous_weekly_rank"], r["change"]) for r in rows} == {(None, None)}
    out = CliRunner().invoke(app, ["week", "--db", str(db)]).output
    assert "no data for the previous week" in out and "▲" not in out and "new" not in out
    whole = api.import_netflix([s.write(tmp_path / "all", "all-weeks-global.tsv",
                                        s.GLOBAL_TODAY)], db=tmp_path / "all.duckdb")
    full = api.week(db=whole["db"])
    assert full["compared_week"] == "2025-03-23"
    carry_on = full["lists"][0]["rows"][0]
    assert (carry_on["show_title"], carry_on["previous_weekly_rank"], carry_on["change"]) == (
        "Carry-On", 1, "same")


def test_one_charts_object_answers_every_question_through_one_connection(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """api.open(db) -> Charts holds one connection for many questions; the module-level
    functions give the same answers (each opening its own). The store itself is opened only
    to check that the current release holds its charts, and only when it was written since
    the last check."""
    opened: list[Path] = []
    connect = store.connect

    def counting(*args: object, **kwargs: object) -> object:
        opened.append(store.resolve_db_path(args[0] if args else kwargs.get("db")))  # type: ignore[arg-type]
        return connect(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(store, "connect", counting)
    (releases.folder(db) / releases.CHECKED_FILE).unlink(missing_ok=True)  # not yet checked
    with api.open(db) as charts:
        answers = {
            "sources": charts.sources(),
            "weeks": charts.weeks(),
            "countries": charts.countries(),
            "week": charts.week(),
            "title": charts.title("Mantis"),
            "slug": charts.title_by_slug("mantis"),
            "search": charts.search("queen mantis"),
            "popular": charts.most_popular(),
            "leaders": charts.leaders("weeks-in-top-10"),
        }
    assert len(opened) == 1  # the check that the release holds the store's charts, once
    with api.open(db) as charts:  # checked, and the store not written since: not opened
        assert charts.sources() == answers["sources"]
    assert len(opened) == 1
    assert answers["sources"] == api.sources(db=db) == ["netflix"]
    assert answers["weeks"] == api.weeks(db=db)
    assert answers["countries"] == api.countries(db=db)
    assert answers["week"] == api.week(db=db)
    assert answers["title"] == api.title("Mantis", db=db)
    assert answers["slug"] == api.title_by_slug("mantis", db=db)
    assert answers["search"] == api.search("queen mantis", db=db)
    assert answers["popular"] == api.most_popular(db=db)
    pd.testing.assert_frame_equal(answers["leaders"], api.leaders("weeks-in-top-10", db=db))
    assert len(opened) == 1  # each opened the current release; none had to open the store
