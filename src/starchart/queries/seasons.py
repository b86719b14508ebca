"""Which season a listing is, and in what order a show's seasons come: pure functions, no I/O.

Netflix names seasons in many ways ("Elite: Season 4", "Lupin: Part 2", "Stranger Things 2",
"Barbarians: II", "Money Heist: Part 5") and labels some first seasons ``N/A``: Stranger
Things' first season is listed as just "Stranger Things" while its others are "Stranger
Things 2" to "5". Sorting the names as text puts "Season 10" before "Season 2" and such a
first season nowhere; these functions read the number each name carries, so seasons come in
their natural order, and say when the data shows that an unnumbered listing is the first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_WORD_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10}
_ROMAN = re.compile(r"^(?=[ivxlc]+$)(c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$")
_NAMED = re.compile(
    r"\b(?:season|series|part|volume|vol|book|chapter|collection|temporada|saison|staffel)"
    r"\s+(\d{1,3}|" + "|".join(_WORD_NUMBERS) + r")\b")
_SEPARATORS = " :-–—,."


def _roman(text: str) -> int | None:
    found = _ROMAN.match(text)
    if not text or not found:
        return None
    values = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}
    total = 0
    for i, letter in enumerate(text):
        value = values[letter]
        total += -value if i + 1 < len(text) and values[text[i + 1]] > value else value
    return total


def season_words(show_title: str, season_title: str) -> str:
    """The season's own words, lower case: ``("Elite", "Elite: Season 4")`` -> ``season 4``,
    ``("Stranger Things", "Stranger Things 2")`` -> ``2``."""
    words = season_title.strip()
    if show_title and words.casefold().startswith(show_title.strip().casefold()):
        words = words[len(show_title.strip()):]
    return words.strip(_SEPARATORS).casefold()


def season_number(show_title: str, season_title: str | None) -> int | None:
    """The number a season's name carries (Season 4, Part 2, Volume 1, "Stranger Things 2",
    "Barbarians: II"), or None (a film, ``N/A``, "Limited Series", a subtitle)."""
    if not season_title or season_title == "N/A":
        return None
    words = season_words(show_title, season_title)
    named = _NAMED.search(words)
    if named:
        value = named.group(1)
        return _WORD_NUMBERS.get(value) or int(value)
    if words.isdigit() and len(words) <= 3:
        return int(words)
    return _roman(words)


def unnumbered_is_first(show_title: str, season_titles: Iterable[str | None]) -> bool:
    """True when a show's unnumbered listing (``None``/``N/A``) is, by the data, its first
    season: it has one, and its numbered seasons start at 2 (Stranger Things: "Stranger
    Things 2" to "5"). A show with a season 1 of its own, or whose numbers start later
    (a gap the data cannot explain), is left as published."""
    titles = list(season_titles)
    if not any(t is None or t == "N/A" for t in titles):
        return False
    numbers = [n for n in (season_number(show_title, t) for t in titles) if n is not None]
    return bool(numbers) and min(numbers) == 2


def first_season_name(show_title: str) -> str:
    """How an unnumbered first season reads: ``Stranger Things: Season 1``."""
    return f"{show_title}: Season 1"


def natural_key(number: int | None, first_week: object, season_title: str | None
                ) -> tuple[bool, int, str, str]:
    """Sort key putting a show's seasons in order: numbered ones by number (1, 2, ... 10),
    then the rest by when they first charted and by name."""
    return (number is None, number or 0, str(first_week or "9999"), season_title or "")
