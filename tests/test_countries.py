"""The one resolver of what people type for a country (pure: no store)."""

from __future__ import annotations

import pytest

from starchart.countries import NETFLIX_COUNTRIES, CountryNotFound, resolve_country


@pytest.mark.parametrize(
    ("typed", "code"),
    [("KR", "KR"), ("kr", "KR"), ("Korea", "KR"), ("South Korea", "KR"), ("south-korea", "KR"),
     ("KOR", "KR"), ("Reunion", "RE"), ("RÉUNION", "RE"), ("UK", "GB"), ("Britain", "GB"),
     ("usa", "US"), ("United States of America", "US"), ("Czechia", "CZ"),
     ("Türkiye", "TR"), ("turkey", "TR"), ("Viet Nam", "VN"), ("Holland", "NL")],
)
def test_codes_names_and_aliases(typed: str, code: str) -> None:
    assert resolve_country(typed, NETFLIX_COUNTRIES) == code


def test_only_countries_with_lists_are_answered() -> None:
    available = {"KR": "South Korea", "US": "United States"}
    with pytest.raises(CountryNotFound, match=r"no country lists for Germany \(DE\) here"):
        resolve_country("Germany", available, where=" here")
    with pytest.raises(CountryNotFound, match=r"no country lists for North Korea \(KP\)"):
        resolve_country("North Korea", NETFLIX_COUNTRIES)


def test_unknown_and_ambiguous_names_come_with_suggestions() -> None:
    with pytest.raises(CountryNotFound) as unknown:
        resolve_country("Untied Kingdom", NETFLIX_COUNTRIES)
    assert "did you mean United Kingdom" in str(unknown.value)
    assert unknown.value.args[1][0]["iso2"] == "GB"
    with pytest.raises(CountryNotFound) as ambiguous:
        resolve_country("republic", NETFLIX_COUNTRIES)
    assert "could be" in str(ambiguous.value) and "say which" in str(ambiguous.value)
    assert [s["iso2"] for s in ambiguous.value.args[1]] == ["CZ", "DO", "KR", "VE"]
    with pytest.raises(CountryNotFound, match="no country given"):
        resolve_country("  ", NETFLIX_COUNTRIES)
