"""The 94 countries with Netflix country lists, named as Netflix writes them, and the one
resolver of what people type for a country (``KR``, ``kr``, ``Korea``, ``South Korea``).

Carried in the project (not read from the published files) so that validation, the simulator
and exports work without them. ``is_iso_country`` checks any ISO 3166-1 alpha-2 code.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

import pycountry

#: ISO 3166-1 alpha-2 code -> country name as Netflix publishes it ("South Korea").
NETFLIX_COUNTRIES: dict[str, str] = {
    "AE": "United Arab Emirates",
    "AR": "Argentina",
    "AT": "Austria",
    "AU": "Australia",
    "BD": "Bangladesh",
    "BE": "Belgium",
    "BG": "Bulgaria",
    "BH": "Bahrain",
    "BO": "Bolivia",
    "BR": "Brazil",
    "BS": "Bahamas",
    "CA": "Canada",
    "CH": "Switzerland",
    "CL": "Chile",
    "CO": "Colombia",
    "CR": "Costa Rica",
    "CY": "Cyprus",
    "CZ": "Czech Republic",
    "DE": "Germany",
    "DK": "Denmark",
    "DO": "Dominican Republic",
    "EC": "Ecuador",
    "EE": "Estonia",
    "EG": "Egypt",
    "ES": "Spain",
    "FI": "Finland",
    "FR": "France",
    "GB": "United Kingdom",
    "GP": "Guadeloupe",
    "GR": "Greece",
    "GT": "Guatemala",
    "HK": "Hong Kong",
    "HN": "Honduras",
    "HR": "Croatia",
    "HU": "Hungary",
    "ID": "Indonesia",
    "IE": "Ireland",
    "IL": "Israel",
    "IN": "India",
    "IS": "Iceland",
    "IT": "Italy",
    "JM": "Jamaica",
    "JO": "Jordan",
    "JP": "Japan",
    "KE": "Kenya",
    "KR": "South Korea",
    "KW": "Kuwait",
    "LB": "Lebanon",
    "LK": "Sri Lanka",
    "LT": "Lithuania",
    "LU": "Luxembourg",
    "LV": "Latvia",
    "MA": "Morocco",
    "MQ": "Martinique",
    "MT": "Malta",
    "MU": "Mauritius",
    "MV": "Maldives",
    "MX": "Mexico",
    "MY": "Malaysia",
    "NC": "New Caledonia",
    "NG": "Nigeria",
    "NI": "Nicaragua",
    "NL": "Netherlands",
    "NO": "Norway",
    "NZ": "New Zealand",
    "OM": "Oman",
    "PA": "Panama",
    "PE": "Peru",
    "PH": "Philippines",
    "PK": "Pakistan",
    "PL": "Poland",
    "PT": "Portugal",
    "PY": "Paraguay",
    "QA": "Qatar",
    "RE": "Réunion",
    "RO": "Romania",
    "RS": "Serbia",
    "RU": "Russia",
    "SA": "Saudi Arabia",
    "SE": "Sweden",
    "SG": "Singapore",
    "SI": "Slovenia",
    "SK": "Slovakia",
    "SV": "El Salvador",
    "TH": "Thailand",
    "TR": "Turkey",
    "TT": "Trinidad and Tobago",
    "TW": "Taiwan",
    "UA": "Ukraine",
    "US": "United States",
    "UY": "Uruguay",
    "VE": "Venezuela",
    "VN": "Vietnam",
    "ZA": "South Africa",
}

_ISO_ALPHA2: frozenset[str] = frozenset(c.alpha_2 for c in pycountry.countries)


def is_iso_country(code: str | None) -> bool:
    """True for an assigned ISO 3166-1 alpha-2 code (``UK`` is not one; ``GB`` is)."""
    return code is not None and code in _ISO_ALPHA2


def iso_alpha2_codes() -> frozenset[str]:
    """Every assigned ISO 3166-1 alpha-2 code, for validation inside a query engine."""
    return _ISO_ALPHA2


def country_name(code: str) -> str:
    """Netflix's name for a country, falling back to the ISO short name."""
    if code in NETFLIX_COUNTRIES:
        return NETFLIX_COUNTRIES[code]
    found = pycountry.countries.get(alpha_2=code)
    if found is None:
        raise KeyError(f"not an ISO 3166-1 alpha-2 country code: {code!r}")
    return str(getattr(found, "common_name", None) or found.name)


#: Names people use that neither Netflix nor ISO 3166 writes.
ALIASES: dict[str, tuple[str, ...]] = {
    "KR": ("Korea", "Republic of Korea", "ROK"),
    "GB": ("UK", "Britain", "Great Britain", "England", "Scotland", "Wales"),
    "US": ("USA", "America", "United States of America", "U.S.", "U.S.A."),
    "AE": ("UAE", "Emirates"),
    "CZ": ("Czechia",),
    "TR": ("Turkiye",),
    "NL": ("Holland", "The Netherlands"),
    "RU": ("Russian Federation",),
    "VN": ("Viet Nam",),
    "HK": ("Hong Kong SAR",),
}


class CountryNotFound(LookupError):
    """No country, or more than one, answers to what was typed; ``args[1]`` lists the
    candidates as ``{"iso2", "name"}`` suggestions."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


def _fold(text: str) -> str:
    """Case-, accent- and punctuation-blind words: ``"Réunion"`` -> ``"reunion"``."""
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch)).casefold()
    return " ".join("".join(ch if ch.isalnum() else " " for ch in plain).split())


@lru_cache(maxsize=2)
def _all_names(official: bool = True) -> dict[str, tuple[str, ...]]:
    """Every ISO code -> the folded names it answers to: Netflix's, ISO's short and common
    names, aliases, and (``official``) ISO's official name ("Argentine Republic")."""
    out: dict[str, tuple[str, ...]] = {}
    for c in pycountry.countries:
        names = {c.name, getattr(c, "common_name", None), NETFLIX_COUNTRIES.get(c.alpha_2),
                 *ALIASES.get(c.alpha_2, ())}
        if official:
            names.add(getattr(c, "official_name", None))
        out[c.alpha_2] = tuple(sorted({_fold(n) for n in names if n} - {""}))
    return out


def _names_of(code: str, available: Mapping[str, str], official: bool = True
              ) -> tuple[str, ...]:
    extra = (_fold(available[code]),) if available.get(code) else ()
    return (*_all_names(official).get(code, ()), *extra)


def _words_match(query: str, names: Iterable[str]) -> bool:
    """Every word of ``query`` is a whole word of one of the names (``korea`` in ``south
    korea``)."""
    wanted = query.split()
    return any(all(w in name.split() for w in wanted) for name in names)


def _label(code: str, available: Mapping[str, str]) -> str:
    try:
        return available.get(code) or country_name(code)
    except KeyError:
        return code


def resolve_country(text: str, available: Mapping[str, str], *, where: str = "") -> str:
    """What someone typed for a country -> the ISO alpha-2 code of one of ``available``
    (code -> name: the countries that have lists).

    Accepts the code in any case (``kr``), an ISO alpha-3 code (``KOR``), Netflix's or ISO's
    name or a common alias, blind to case, accents and punctuation (``south korea``,
    ``Reunion``), and a part of a name when only one country with lists has it (``Korea``).
    Raises :class:`CountryNotFound` with suggestions for an unknown name, a name several
    countries share (``Republic``) and a country without lists (``where`` ends the message,
    e.g. " (source netflix)")."""
    raw = text.strip()
    key = _fold(raw)
    if not key:
        raise CountryNotFound("no country given: give an ISO code such as KR or a name", [])
    code = raw.upper()
    if len(code) == 3 and code.isalpha():
        found = pycountry.countries.get(alpha_3=code)
        code = found.alpha_2 if found is not None else code
    if len(code) != 2 or code not in _all_names():
        exact = [c for c in sorted(set(_all_names()) | set(available))
                 if key in _names_of(c, available)]
        code = exact[0] if len(exact) == 1 else ""
    if code:
        if code in available:
            return code
        raise CountryNotFound(f"no country lists for {_label(code, available)} ({code}){where}",
                              _suggest(key, available))
    for official in (False, True):  # "Republic": the short names first, then official ones
        inside = [c for c in sorted(available)
                  if _words_match(key, _names_of(c, available, official))]
        if len(inside) == 1:
            return inside[0]
        if len(inside) > 1:
            names = ", ".join(f"{_label(c, available)} ({c})" for c in inside[:8])
            more = f" and {len(inside) - 8} more" if len(inside) > 8 else ""
            raise CountryNotFound(f"{raw!r} could be {names}{more}: say which{where}",
                                  [{"iso2": c, "name": _label(c, available)} for c in inside])
    elsewhere = [c for c in sorted(_all_names()) if _words_match(key, _names_of(c, available))]
    if len(elsewhere) == 1:
        raise CountryNotFound(
            f"no country lists for {_label(elsewhere[0], available)} ({elsewhere[0]}){where}",
            _suggest(key, available))
    suggestions = _suggest(key, available)
    hint = (f"; did you mean {', '.join(s['name'] for s in suggestions)}?" if suggestions
            else "; give an ISO code such as KR or a country's name")
    raise CountryNotFound(f"no country lists for {raw!r}{where}{hint}", suggestions)


def _suggest(key: str, available: Mapping[str, str], n: int = 3) -> list[dict[str, Any]]:
    """The closest countries with lists to a folded query, by name or code."""
    from rapidfuzz import fuzz, process

    choices = {c: " ".join((_fold(_label(c, available)), c.lower())) for c in available}
    best = process.extract(key, choices, scorer=fuzz.WRatio, limit=n, score_cutoff=60)
    return [{"iso2": str(code), "name": _label(str(code), available), "score": round(score, 1)}
            for _, score, code in best]
