"""Slugs and the accent/punctuation-blind folding behind search: examples and properties."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from starchart.queries.search import Title, rank_titles
from starchart.queries.slugs import normalise, show_slug, title_slug

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*(--[a-z0-9]+(-[a-z0-9]+)*)?$")


@pytest.mark.parametrize(("show", "season", "slug"), [
    ("Squid Game", "Squid Game: Season 2", "squid-game--season-2"),
    ("Revelations", None, "revelations"),
    ("Revelations", "N/A", "revelations"),
    ("Stranger Things", "Stranger Things 4", "stranger-things--4"),
    ("Pokémon Concierge", "Pokémon Concierge: Season 1", "pokemon-concierge--season-1"),
    ("Don’t Come Home", None, "dont-come-home"),
    ("Yo soy Betty, la fea", "Yo soy Betty, la fea: Season 1", "yo-soy-betty-la-fea--season-1"),
    ("Sløborn", "Sløborn: Season 1", "sloborn--season-1"),
    ("Cem Yılmaz: Diamond Elite Platinum Plus", None, "cem-yilmaz-diamond-elite-platinum-plus"),
    ("Haunting of Mount\xa0Gede", None, "haunting-of-mount-gede"),
    ("Elite", "Season 2", "elite--season-2"),
])
def test_title_slug_examples(show: str, season: str | None, slug: str) -> None:
    assert title_slug(show, season) == slug


def test_non_latin_titles_get_a_stable_hash_slug() -> None:
    assert show_slug("레드슈즈") == show_slug("레드슈즈 ")
    assert re.fullmatch(r"title-[0-9a-f]{10}", show_slug("레드슈즈"))
    assert show_slug("레드슈즈") != show_slug("비상선언")


LATIN = st.text(
    alphabet=st.sampled_from(list("abcdefghijklmnopqrstuvwxyzABCXYZ0123456789 ,:'’!?-–&.éèüñøçÅß")),
    min_size=1, max_size=40)


@given(show=LATIN, season=st.one_of(st.none(), LATIN))
def test_slugs_are_url_safe(show: str, season: str | None) -> None:
    slug = title_slug(show, season)
    assert SLUG.match(slug) or slug.startswith("title-"), slug


@given(show=LATIN)
def test_slug_ignores_case_accents_and_punctuation_runs(show: str) -> None:
    assume(any(c.isalnum() for c in show))  # punctuation alone gets a hash slug
    stripped = "".join(c for c in unicodedata.normalize("NFKD", show)
                       if not unicodedata.combining(c))
    assert show_slug(stripped.upper()) == show_slug(show)
    assert show_slug(show.replace(" ", " - ")) == show_slug(show)


@given(st.text(max_size=60))
@example("𐞢")  # decomposes to "ø", a special letter: found by this test in CI
def test_normalise_is_idempotent_and_blind_to_case(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once
    assert normalise(text.upper()) == normalise(text.lower()) or not text.isascii()


WORDS = st.lists(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=9),
                 min_size=1, max_size=4)


@settings(max_examples=60)
@given(words=WORDS)
def test_search_finds_a_title_whatever_accents_and_punctuation(words: list[str]) -> None:
    """A title with accents and punctuation is found from the plain words a person types."""
    accented = [w[0].upper() + w[1:].replace("e", "é").replace("o", "ö") for w in words]
    fancy = ": ".join(accented) + "!"
    titles = [Title(fancy, None, "film", 1, None),
              Title("Zzz Unrelated", None, "film", 5, None),
              Title("Qqq Other", "Qqq Other: Season 1", "tv", 9, None)]
    best, score = rank_titles(" ".join(words), titles, limit=1)[0]
    assert best.show_title == fancy and score == 100
