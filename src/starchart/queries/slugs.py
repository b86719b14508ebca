"""Stable URL slugs and accent/punctuation-blind keys for titles: pure functions, no I/O.

Netflix's files carry no IDs, so a title is known by its name. Slugs give each film, season
and show a URL that survives accents and punctuation ("Pokémon Concierge" ->
``pokemon-concierge``); ``normalise`` is the same folding for search and lookups.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

# Letters that Unicode decomposition leaves alone but that have a plain-ASCII reading.
_SPECIAL_LETTERS = str.maketrans({
    "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ß": "ss", "ł": "l",
    "Ł": "L", "đ": "d", "Đ": "D", "ı": "i", "þ": "th", "Þ": "TH", "ð": "d", "Ð": "D",
})
# Apostrophes join their word ("Don’t" -> "dont"); every other mark separates words.
_APOSTROPHES = dict.fromkeys(map(ord, "'’‘´`ʼ"), None)
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
_NON_ASCII_WORD = re.compile(r"[^a-z0-9]+")


def _fold(text: str) -> str:
    """NFKD, drop combining marks and invisible format characters, map special letters
    (after decomposing, which can make them: "𐞢" -> "ø")."""
    if text.isascii():  # none of those in ASCII: the common case, ten times faster
        return text.translate(_APOSTROPHES)
    decomposed = unicodedata.normalize("NFKD", text).translate(_SPECIAL_LETTERS)
    kept = (
        ch for ch in decomposed
        if unicodedata.category(ch) not in ("Mn", "Me", "Cf")
    )
    return "".join(kept).translate(_APOSTROPHES)


@lru_cache(maxsize=131_072)
def normalise(text: str) -> str:
    """Case-, accent- and punctuation-blind form: ``"Pokémon: Concierge!"`` -> ``"pokemon
    concierge"``. Letters of any script are kept, so non-Latin titles stay searchable."""
    return " ".join(_NON_WORD.sub(" ", _fold(text).casefold()).split())


def _ascii_slug(text: str) -> str:
    return _NON_ASCII_WORD.sub("-", _fold(text).lower()).strip("-")


@lru_cache(maxsize=131_072)
def show_slug(show_title: str) -> str:
    """The slug of a show or film: lowercase ASCII words joined by ``-``.

    A title with no Latin letters or digits at all (Korean, Arabic...) gets ``title-`` and a
    short hash of its name, which is still stable and unique in practice.
    """
    slug = _ascii_slug(show_title)
    if slug:
        return slug
    digest = hashlib.sha1(show_title.strip().encode("utf-8")).hexdigest()[:10]
    return f"title-{digest}"


def season_part(show_title: str, season_title: str) -> str:
    """The season's own words: ``("Squid Game", "Squid Game: Season 2")`` -> ``season-2``."""
    full = _ascii_slug(season_title)
    prefix = _ascii_slug(show_title)
    if prefix and full.startswith(prefix + "-"):
        return full[len(prefix) + 1:]
    if full:
        return full
    return hashlib.sha1(season_title.strip().encode("utf-8")).hexdigest()[:10]


@lru_cache(maxsize=131_072)
def title_slug(show_title: str, season_title: str | None) -> str:
    """A film's or season's slug: ``revelations``, ``squid-game--season-2``.

    ``season_title`` None (a film, or Netflix's ``N/A``) gives the show's slug.
    """
    if season_title is None or season_title == "N/A":
        return show_slug(show_title)
    return f"{show_slug(show_title)}--{season_part(show_title, season_title)}"


def title_name(show_title: str, season_title: str | None) -> str:
    """How a title reads: ``Squid Game: Season 2`` for a season, the show title for a film.

    Netflix's files write the show into the season title; other catalogs may not ("Season 2"),
    so the show is prefixed where it is missing.
    """
    if not season_title:
        return show_title
    if season_title.startswith(show_title):
        return season_title
    return f"{show_title}: {season_title}"
