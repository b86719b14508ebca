"""Who watches: the 94 chart countries, their audience sizes, clocks and tastes.

Audience sizes are rough relative member counts (millions, in the spirit of public streaming
figures: US largest, then Brazil, UK, Germany, Mexico, France, Japan, Korea...). They only
need to be believable: they set each country's share of events and profiles. Taste is a
language-by-country affinity: local-language titles strongest at home, English everywhere,
Korean titles strong across Asia-Pacific and parts of Latin America.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from starchart.countries import NETFLIX_COUNTRIES

#: Netflix's four reporting regions.
REGIONS = ("UCAN", "LATAM", "EMEA", "APAC")


@dataclass(frozen=True)
class Country:
    """One chart country as the simulator sees it."""

    iso2: str
    region: str  # one of REGIONS
    area: str  # finer taste area, e.g. "southeast_asia"
    size: float  # relative audience (≈ millions of members)
    languages: tuple[str, ...]  # local languages (ISO 639-1), first is main
    utc_offset: float  # hours, standard time (DST ignored)
    weekend: tuple[int, int] = (5, 6)  # local weekend days, Monday = 0


def _c(
    iso2: str, area: str, size: float, langs: str, utc: float, weekend: tuple[int, int] = (5, 6)
) -> Country:
    region = {
        "north_america": "UCAN", "latin_america": "LATAM", "caribbean": "LATAM",
        "east_asia": "APAC", "southeast_asia": "APAC", "south_asia": "APAC", "oceania": "APAC",
    }.get(area, "EMEA")
    return Country(iso2, region, area, size, tuple(langs.split()), utc, weekend)


_FRI_SAT = (4, 5)

COUNTRIES: dict[str, Country] = {c.iso2: c for c in (
    _c("US", "north_america", 75.0, "en", -6), _c("CA", "north_america", 8.0, "en fr", -5),
    _c("BR", "latin_america", 22.0, "pt", -3), _c("MX", "latin_america", 15.0, "es", -6),
    _c("AR", "latin_america", 6.0, "es", -3), _c("CO", "latin_america", 5.0, "es", -5),
    _c("CL", "latin_america", 3.5, "es", -4), _c("PE", "latin_america", 3.0, "es", -5),
    _c("EC", "latin_america", 1.5, "es", -5), _c("UY", "latin_america", 0.6, "es", -3),
    _c("PY", "latin_america", 0.5, "es", -4), _c("BO", "latin_america", 0.5, "es", -4),
    _c("VE", "latin_america", 0.6, "es", -4), _c("CR", "latin_america", 0.6, "es", -6),
    _c("PA", "latin_america", 0.4, "es", -5), _c("GT", "latin_america", 0.6, "es", -6),
    _c("HN", "latin_america", 0.3, "es", -6), _c("SV", "latin_america", 0.3, "es", -6),
    _c("NI", "latin_america", 0.15, "es", -6), _c("DO", "caribbean", 0.6, "es", -4),
    _c("JM", "caribbean", 0.15, "en", -5), _c("BS", "caribbean", 0.05, "en", -5),
    _c("TT", "caribbean", 0.15, "en", -4), _c("GP", "caribbean", 0.05, "fr", -4),
    _c("MQ", "caribbean", 0.05, "fr", -4),
    _c("GB", "western_europe", 17.0, "en", 0), _c("DE", "western_europe", 14.0, "de", 1),
    _c("FR", "western_europe", 11.0, "fr", 1), _c("ES", "southern_europe", 7.0, "es", 1),
    _c("IT", "southern_europe", 6.0, "it", 1), _c("NL", "western_europe", 4.0, "nl", 1),
    _c("BE", "western_europe", 2.0, "nl fr", 1), _c("CH", "western_europe", 1.7, "de fr it", 1),
    _c("AT", "western_europe", 1.5, "de", 1), _c("PT", "southern_europe", 1.3, "pt", 0),
    _c("IE", "western_europe", 1.0, "en", 0), _c("LU", "western_europe", 0.15, "fr de", 1),
    _c("SE", "northern_europe", 2.5, "sv", 1), _c("DK", "northern_europe", 1.5, "da", 1),
    _c("NO", "northern_europe", 1.4, "no", 1), _c("FI", "northern_europe", 1.1, "fi sv", 2),
    _c("IS", "northern_europe", 0.1, "is", 0), _c("PL", "eastern_europe", 4.0, "pl", 1),
    _c("CZ", "eastern_europe", 1.0, "cs", 1), _c("SK", "eastern_europe", 0.4, "sk", 1),
    _c("HU", "eastern_europe", 0.8, "hu", 1), _c("RO", "eastern_europe", 1.2, "ro", 2),
    _c("BG", "eastern_europe", 0.5, "bg", 2), _c("HR", "eastern_europe", 0.4, "hr", 1),
    _c("RS", "eastern_europe", 0.4, "sr", 1), _c("SI", "eastern_europe", 0.2, "sl", 1),
    _c("GR", "southern_europe", 0.8, "el", 2), _c("CY", "southern_europe", 0.1, "el", 2),
    _c("MT", "southern_europe", 0.08, "en mt", 1), _c("EE", "northern_europe", 0.15, "et", 2),
    _c("LV", "northern_europe", 0.15, "lv", 2), _c("LT", "northern_europe", 0.25, "lt", 2),
    _c("UA", "eastern_europe", 1.0, "uk", 2), _c("RU", "eastern_europe", 0.5, "ru", 3),
    _c("TR", "mena", 3.5, "tr", 3), _c("IL", "mena", 0.9, "he", 2, _FRI_SAT),
    _c("AE", "mena", 1.2, "ar en", 4, _FRI_SAT), _c("SA", "mena", 2.2, "ar", 3, _FRI_SAT),
    _c("KW", "mena", 0.4, "ar", 3, _FRI_SAT), _c("QA", "mena", 0.3, "ar", 3, _FRI_SAT),
    _c("BH", "mena", 0.15, "ar", 3, _FRI_SAT), _c("OM", "mena", 0.15, "ar", 4, _FRI_SAT),
    _c("JO", "mena", 0.3, "ar", 2, _FRI_SAT), _c("LB", "mena", 0.3, "ar fr", 2),
    _c("EG", "mena", 1.2, "ar", 2, _FRI_SAT), _c("MA", "mena", 0.6, "ar fr", 1),
    _c("NG", "subsaharan", 0.6, "en", 1), _c("KE", "subsaharan", 0.4, "en sw", 3),
    _c("ZA", "subsaharan", 1.6, "en", 2), _c("MU", "subsaharan", 0.08, "fr en", 4),
    _c("RE", "subsaharan", 0.1, "fr", 4),
    _c("JP", "east_asia", 9.5, "ja", 9), _c("KR", "east_asia", 7.5, "ko", 9),
    _c("TW", "east_asia", 2.5, "zh", 8), _c("HK", "east_asia", 1.0, "zh en", 8),
    _c("SG", "southeast_asia", 1.0, "en zh ms", 8), _c("MY", "southeast_asia", 1.6, "ms en", 8),
    _c("TH", "southeast_asia", 2.5, "th", 7), _c("PH", "southeast_asia", 3.0, "tl en", 8),
    _c("ID", "southeast_asia", 2.8, "id", 7), _c("VN", "southeast_asia", 1.2, "vi", 7),
    _c("IN", "south_asia", 7.0, "hi en", 5.5), _c("PK", "south_asia", 0.6, "ur en", 5),
    _c("BD", "south_asia", 0.4, "bn", 6), _c("LK", "south_asia", 0.2, "si en", 5.5),
    _c("MV", "south_asia", 0.03, "dv", 5), _c("AU", "oceania", 7.0, "en", 10),
    _c("NZ", "oceania", 1.3, "en", 12), _c("NC", "oceania", 0.04, "fr", 11),
)}

assert set(COUNTRIES) == set(NETFLIX_COUNTRIES), "simulator countries must match the lists"

#: Countries in a fixed order (sorted by code): the column order of every matrix below.
COUNTRY_CODES: tuple[str, ...] = tuple(sorted(COUNTRIES))

#: Languages titles are made in, English first. At least 8 are always used.
TITLE_LANGUAGES: tuple[str, ...] = (
    "en", "ko", "es", "ja", "fr", "de", "hi", "pt", "it", "tr", "pl", "th", "zh", "id",
    "ar", "sv", "da", "no", "nl",
)

#: Where titles in each language are made (origin_country), most common first.
ORIGINS: dict[str, tuple[str, ...]] = {
    "en": ("US", "US", "US", "GB", "GB", "CA", "AU", "IE", "NZ", "ZA"),
    "ko": ("KR",), "es": ("ES", "ES", "MX", "MX", "AR", "CO", "CL"), "ja": ("JP",),
    "fr": ("FR", "FR", "FR", "BE"), "de": ("DE", "DE", "AT"), "hi": ("IN",),
    "pt": ("BR", "BR", "PT"), "it": ("IT",), "tr": ("TR",), "pl": ("PL",), "th": ("TH",),
    "zh": ("TW", "TW", "HK"), "id": ("ID",), "ar": ("EG", "SA", "JO"), "sv": ("SE",),
    "da": ("DK",), "no": ("NO",), "nl": ("NL", "BE"),
}

# Affinity of a language's titles per taste area, before the home boost. Missing areas use
# the language's "*" value.
_AREA_TASTE: dict[str, dict[str, float]] = {
    "en": {"*": 1.0, "east_asia": 0.55, "southeast_asia": 0.85, "south_asia": 0.7,
           "latin_america": 0.85, "eastern_europe": 0.95},
    "ko": {"*": 0.12, "east_asia": 1.6, "southeast_asia": 1.6, "south_asia": 0.4,
           "oceania": 0.22, "latin_america": 0.5, "caribbean": 0.3, "north_america": 0.16,
           "mena": 0.4, "subsaharan": 0.25},
    "ja": {"*": 0.3, "east_asia": 0.8, "southeast_asia": 0.7, "latin_america": 0.45,
           "north_america": 0.35},
    "es": {"*": 0.2, "latin_america": 2.4, "caribbean": 0.5, "north_america": 0.45,
           "southern_europe": 0.45, "western_europe": 0.35, "eastern_europe": 0.3},
    "pt": {"*": 0.1, "latin_america": 0.3, "southern_europe": 0.2},
    "fr": {"*": 0.15, "western_europe": 0.35, "southern_europe": 0.3, "mena": 0.3,
           "subsaharan": 0.3, "caribbean": 0.3},
    "de": {"*": 0.1, "western_europe": 0.35, "northern_europe": 0.35, "eastern_europe": 0.35},
    "it": {"*": 0.1, "western_europe": 0.3, "southern_europe": 0.35, "latin_america": 0.2},
    "hi": {"*": 0.08, "south_asia": 2.0, "mena": 0.5, "subsaharan": 0.3, "southeast_asia": 0.25},
    "tr": {"*": 0.1, "mena": 0.6, "eastern_europe": 0.3, "latin_america": 0.25},
    "pl": {"*": 0.07, "eastern_europe": 0.3, "northern_europe": 0.15},
    "th": {"*": 0.06, "southeast_asia": 0.5, "east_asia": 0.15},
    "zh": {"*": 0.08, "southeast_asia": 0.5, "east_asia": 0.25},
    "id": {"*": 0.06, "southeast_asia": 0.35},
    "ar": {"*": 0.05, "mena": 1.6},
    "sv": {"*": 0.1, "northern_europe": 0.8, "western_europe": 0.2},
    "da": {"*": 0.1, "northern_europe": 0.8, "western_europe": 0.2},
    "no": {"*": 0.1, "northern_europe": 0.8, "western_europe": 0.2},
    "nl": {"*": 0.08, "western_europe": 0.25},
}

# Special cases the area table cannot say: (language, country) -> affinity.
_COUNTRY_TASTE: dict[tuple[str, str], float] = {
    ("ko", "JP"): 1.0, ("ko", "PE"): 0.7, ("ko", "MX"): 0.6, ("ko", "BO"): 0.65,
    ("ko", "EC"): 0.6, ("ko", "CL"): 0.55, ("ko", "AR"): 0.35, ("ko", "BR"): 0.35,
    ("ko", "PH"): 1.9, ("ko", "IN"): 0.35, ("ja", "KR"): 0.6,
    ("es", "BR"): 0.7, ("es", "PT"): 0.6,
    ("fr", "CA"): 0.6, ("fr", "MA"): 0.9, ("hi", "GB"): 0.2,
    ("hi", "AE"): 0.9, ("hi", "QA"): 0.8, ("hi", "BH"): 0.8, ("hi", "OM"): 0.8,
    ("hi", "MU"): 1.0, ("hi", "KE"): 0.4, ("hi", "PK"): 2.0, ("hi", "BD"): 1.6,
    ("zh", "SG"): 1.2, ("zh", "MY"): 1.0, ("id", "MY"): 1.4, ("id", "SG"): 0.5,
    ("de", "LU"): 1.0, ("fr", "CH"): 0.8,
    ("it", "CH"): 0.6, ("ar", "IL"): 0.2, ("ar", "TR"): 0.3, ("tr", "AE"): 0.5,
}

#: Affinity for titles in a country's own main language (English abroad is about 1.0).
HOME_LEVEL: dict[str, float] = {"en": 1.6, "ko": 4.5, "ja": 4.0, "hi": 4.0}
DEFAULT_HOME_LEVEL = 3.0
#: Extra liking of titles made in the country itself (a Mexican film in Mexico over Spain).
ORIGIN_BOOST = 1.4


def language_taste(language: str, iso2: str) -> float:
    """How much audiences in ``iso2`` like titles in ``language`` (1.0 ~ English abroad)."""
    country = COUNTRIES[iso2]
    if (language, iso2) in _COUNTRY_TASTE:
        value = _COUNTRY_TASTE[(language, iso2)]
    else:
        table = _AREA_TASTE.get(language, {"*": 0.05})
        value = table.get(country.area, table["*"])
    if country.languages[0] == language:
        value = max(value, HOME_LEVEL.get(language, DEFAULT_HOME_LEVEL))
    elif language in country.languages:  # a second local language: English in India
        value = max(value, 1.0)
    return value


def taste_matrix(languages: np.ndarray, origins: np.ndarray) -> np.ndarray:
    """Title-by-country affinity (shape ``(titles, countries)``), columns in COUNTRY_CODES."""
    langs = sorted(set(languages.tolist()))
    per_lang = {
        lang: np.array([language_taste(lang, cc) for cc in COUNTRY_CODES]) for lang in langs
    }
    out = np.stack([per_lang[lang] for lang in languages.tolist()]) if len(languages) else (
        np.zeros((0, len(COUNTRY_CODES)))
    )
    index = {cc: i for i, cc in enumerate(COUNTRY_CODES)}
    for row, origin in enumerate(origins.tolist()):
        if origin in index:
            out[row, index[origin]] *= ORIGIN_BOOST
    return out


def audience_shares(floor: float = 0.002) -> np.ndarray:
    """Each country's share of viewing (sums to 1), with a floor so small lists still fill."""
    sizes = np.array([COUNTRIES[cc].size for cc in COUNTRY_CODES], dtype=float)
    shares = sizes / sizes.sum()
    shares = np.maximum(shares, floor)
    return shares / shares.sum()


def allocate_profiles(total: int, shares: np.ndarray) -> np.ndarray:
    """Profiles per country: proportional to ``shares``, at least 20 each, summing to ``total``."""
    minimum = 20
    n = len(shares)
    if total < minimum * n:
        raise ValueError(f"need at least {minimum * n} profiles ({minimum} per country), "
                         f"got {total}")
    counts = np.floor(shares * (total - minimum * n)).astype(np.int64) + minimum
    # hand the rounding remainder to the largest countries, deterministically
    remainder = total - int(counts.sum())
    order = np.argsort(-shares, kind="stable")
    counts[order[:remainder]] += 1
    return counts


def weekday_factors() -> np.ndarray:
    """Relative viewing per local weekday (rows Monday..Sunday, columns countries), mean 1."""
    base = np.array([0.93, 0.90, 0.91, 0.95, 1.06, 1.17, 1.10])  # Mon..Sun, Sat/Sun peak
    out = np.empty((7, len(COUNTRY_CODES)))
    for j, cc in enumerate(COUNTRY_CODES):
        # a Friday-Saturday weekend shifts the week by one day
        col = base if COUNTRIES[cc].weekend == (5, 6) else np.roll(base, -1)
        out[:, j] = col / col.mean()
    return out


def utc_offsets_seconds() -> np.ndarray:
    """Each country's UTC offset in seconds, in COUNTRY_CODES order."""
    return np.array([COUNTRIES[cc].utc_offset * 3600 for cc in COUNTRY_CODES], dtype=np.int64)
