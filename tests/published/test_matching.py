"""Title identity, decided without a store: which work a name means, and why."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from starchart.published.identity import OverridesError, load_overrides
from starchart.published.matching import (
    Overrides,
    Sighting,
    guess_kind,
    language_of,
    match,
    split_show,
)

D = dt.date


def report(title: str, kind: str | None, released: D | None, period: str = "2025H1",
           ) -> Sighting:
    english, _, original = title.partition(" // ")
    start = D(int(period[:4]), 1 if period.endswith("1") else 7, 1)
    return Sighting("engagement", english, kind, original_title=original or None,
                    release_date=released, first_seen=start,
                    last_seen=start + dt.timedelta(days=180), title=title)


def chart(show: str, kind: str, first: D, last: D, source: str = "global",
          language: str | None = None, season: str | None = None) -> Sighting:
    name = season or show
    return Sighting(source, name, kind, show, season, first_seen=first, last_seen=last,
                    language=language)


UNLOCKED_KR = report("Unlocked // 스마트폰을 떨어뜨렸을 뿐인데", "film", D(2023, 2, 17))
UNLOCKED_US = report("Unlocked", "film", D(2017, 12, 30))


def links_by_key(sightings: list[Sighting], **kwargs: object) -> dict[str, tuple[str, str]]:
    _, links = match(sightings, **kwargs)  # type: ignore[arg-type]
    return {link.sighting.key: (link.title_id, link.rule) for link in links}


def test_the_two_unlocked_films_are_two_works_and_each_chart_finds_its_own() -> None:
    in_2022_countries = chart("Unlocked", "film", D(2022, 6, 12), D(2022, 10, 16),
                              source="countries")
    in_2023_global = chart("Unlocked", "film", D(2023, 2, 19), D(2023, 3, 12),
                           language="non-english")
    works, links = match([UNLOCKED_KR, UNLOCKED_US, in_2022_countries, in_2023_global])
    assert len(works) == 2
    ids = {link.sighting.key: link.title_id for link in links}
    assert ids[in_2022_countries.key] == ids[UNLOCKED_US.key]
    assert ids[in_2023_global.key] == ids[UNLOCKED_KR.key]
    assert ids[UNLOCKED_US.key] != ids[UNLOCKED_KR.key]
    why = {link.sighting.key: link.explanation for link in links}
    assert "2017-12-30" in why[in_2022_countries.key]
    assert "non-english" in why[in_2023_global.key] and "스마트폰" in why[in_2023_global.key]


def test_the_same_name_released_twice_is_two_works_across_reports() -> None:
    old = [report("Monster", "film", D(2021, 5, 7), p) for p in ("2024H1", "2025H1")]
    new = [report("Monster", "film", D(2024, 5, 16), p) for p in ("2024H1", "2025H1")]
    works, links = match(old + new)
    assert len(works) == 2
    assert len({link.title_id for link in links if link.sighting in old}) == 1


def test_an_undated_row_joins_the_one_dated_work_of_its_name() -> None:
    dated = report("Suits: Season 1", "tv", D(2011, 6, 23), "2024H1")
    undated = report("Suits: Season 1", "tv", None, "2023H2")
    got = links_by_key([dated, undated])
    assert got[undated.key] == (got[dated.key][0], "undated-report-row")


def test_a_mixed_sheet_row_takes_its_kind_from_a_later_report_or_guesses() -> None:
    first = report("Unlocked", None, D(2017, 12, 30), "2023H1")
    only_then = report("Queen Mantis: Season 1 // 사마귀", None, None, "2023H1")
    works, links = match([first, UNLOCKED_US, only_then])
    by_key = {link.sighting.key: link for link in links}
    assert by_key[first.key].title_id == by_key[UNLOCKED_US.key].title_id
    assert "from a later report" in by_key[first.key].explanation
    assert "guessed from the name" in by_key[only_then.key].explanation
    assert {w.kind for w in works} == {"film", "tv"}


def test_a_renamed_top10_title_keeps_its_work() -> None:
    old = chart("Mantis", "film", D(2025, 3, 23), D(2025, 3, 30), language="non-english")
    new = chart("Mantis: Deadly Duel", "film", D(2025, 4, 6), D(2025, 4, 6),
                language="non-english")
    works, links = match([old, new], renames=[("Mantis", "Mantis: Deadly Duel")])
    assert len(works) == 1 and works[0].name == "Mantis: Deadly Duel"
    assert len({link.title_id for link in links}) == 1


def test_a_season_labelled_differently_matches_by_show_and_number() -> None:
    reported = report("Love Is Blind: Season 8", "tv", D(2025, 2, 14))
    charted = chart("Love Is Blind", "tv", D(2025, 3, 2), D(2025, 3, 23),
                    season="Love Is Blind: S8: Minneapolis", language="english")
    got = links_by_key([reported, charted])
    assert got[charted.key] == (got[reported.key][0], "same-season-number")


def test_a_report_name_with_a_year_matches_the_top10_name_without() -> None:
    reported = report("Sonic the Hedgehog (2020)", "film", D(2020, 2, 14))
    charted = chart("Sonic the Hedgehog", "film", D(2022, 5, 1), D(2022, 5, 29),
                    language="english")
    got = links_by_key([reported, charted])
    assert got[charted.key] == (got[reported.key][0], "same-name-but-year")


def test_ids_are_stable_and_kept_from_an_earlier_run() -> None:
    first = links_by_key([UNLOCKED_KR, UNLOCKED_US])
    assert first == links_by_key([UNLOCKED_US, UNLOCKED_KR])  # order-blind
    assert all(tid.startswith("nf-") and len(tid) == 11 for tid, _ in first.values())
    # a release date published later changes the work's key, not its ID
    undated = report("Unlocked", "film", None)
    earlier = links_by_key([undated])
    later = links_by_key([UNLOCKED_US], previous={undated.key: earlier[undated.key][0]} | {
        UNLOCKED_US.key: earlier[undated.key][0]})
    assert later[UNLOCKED_US.key][0] == earlier[undated.key][0]


def test_an_old_id_is_never_given_to_another_work() -> None:
    a = report("A", "film", D(2020, 1, 1))
    b = report("B", "film", D(2020, 1, 1))
    # both claim the same old ID: one keeps it, the other gets a fresh one
    got = links_by_key([a, b], previous={a.key: "nf-aaaaaaaa", b.key: "nf-aaaaaaaa"})
    assert sorted(tid for tid, _ in got.values())[0] == "nf-aaaaaaaa"
    assert len({tid for tid, _ in got.values()}) == 2


def test_overrides_link_separate_and_same() -> None:
    country = chart("Unlocked", "film", D(2022, 6, 12), D(2022, 10, 16), source="countries")
    base = links_by_key([UNLOCKED_KR, UNLOCKED_US, country])
    korean = base[UNLOCKED_KR.key][0]
    forced = links_by_key([UNLOCKED_KR, UNLOCKED_US, country], overrides=Overrides(
        links=(("Unlocked", "countries", korean),)))
    assert forced[country.key] == (korean, "override-link")
    apart = links_by_key([UNLOCKED_KR, UNLOCKED_US, country], overrides=Overrides(
        separate=(("Unlocked", "countries"),)))
    assert apart[country.key][1] == "override-separate"
    assert apart[country.key][0] not in {base[UNLOCKED_KR.key][0], base[UNLOCKED_US.key][0]}
    a = chart("Old Name", "tv", D(2022, 1, 2), D(2022, 1, 9))
    b = chart("New Name", "tv", D(2022, 2, 6), D(2022, 2, 6))
    same = links_by_key([a, b], overrides=Overrides(same=(("Old Name", "New Name"),)))
    assert same[a.key][0] == same[b.key][0]


def test_load_overrides_reads_toml_and_refuses_mistakes(tmp_path: Path) -> None:
    good = tmp_path / "overrides.toml"
    good.write_text('[[same]]\nnames = ["A", "B"]\n[[link]]\nname = "Unlocked"\n'
                    'source = "countries"\ntitle_id = "nf-abcdefgh"\n'
                    '[[separate]]\nname = "Monster"\n', encoding="utf-8")
    rules = load_overrides(good)
    assert rules.same == (("A", "B"),)
    assert rules.links == (("Unlocked", "countries", "nf-abcdefgh"),)
    assert rules.separate == (("Monster", None),)
    for text, reason in [('[[link]]\nname = "X"\ntitle_id = "42"\n', "not a starchart ID"),
                         ('[[link]]\nname = "X"\nsource = "web"\ntitle_id = "nf-a"\n',
                          "source 'web'"),
                         ('[[same]]\nnames = ["only"]\n', "two or more"),
                         ('[[typo]]\n', "unknown section"),
                         ('[[same]\n', "not TOML")]:
        bad = tmp_path / "bad.toml"
        bad.write_text(text, encoding="utf-8")
        with pytest.raises(OverridesError, match=reason) as caught:
            load_overrides(bad)
        assert str(bad) in str(caught.value)


@pytest.mark.parametrize(("original", "language"), [
    ("계시록", "Korean"), ("劇場版 名探偵コナン", "Japanese"), ("流星花園", "Chinese"),
    ("واحد تاني", "Arabic"), ("La sociedad de la nieve", "Latin script"), (None, None),
])
def test_language_of_the_original_title(original: str | None, language: str | None) -> None:
    assert language_of(original) == language


def test_season_words() -> None:
    assert guess_kind("Bridgerton: Season 3") == "tv"
    assert guess_kind("Adolescence: Limited Series") == "tv"
    assert guess_kind("Mission: Impossible") == "film"
    assert split_show("Squid Game: Season 2") == ("Squid Game", "Squid Game: Season 2")
    assert split_show("Leo") == ("Leo", None)
