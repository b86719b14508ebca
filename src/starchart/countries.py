"""The 94 countries with Netflix country lists, named as Netflix writes them.

Carried in the project (not read from the published files) so that validation, the simulator
and exports work without them. ``is_iso_country`` checks any ISO 3166-1 alpha-2 code.
"""

from __future__ import annotations

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
