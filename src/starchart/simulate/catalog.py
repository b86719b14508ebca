"""The simulated catalog: the Korean slate plus a few hundred generated films and seasons.

A title is a film or one season of a series, as on the charts. Generated titles are spread
over the four global-list groups (English / non-English x films / TV) so that every list
can fill from the first week: most of each group is back catalogue released before the
period, the rest launches inside it. The catalog also carries each title's place in the
popularity model (``appeal``, ``hype``) because that is a fact of the simulated world,
drawn once with the rest of it.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa

from starchart.simulate import names
from starchart.simulate.audience import ORIGINS, TITLE_LANGUAGES
from starchart.simulate.slate import SLATE

#: Catalog columns, in the engine's catalog format order.
CATALOG_COLUMNS = (
    "title_id", "show_title", "season_title", "kind", "original_language", "runtime_minutes",
    "release_date", "original", "genres", "origin_country", "directors", "cast", "synopsis",
)
MIN_TITLES = 100
FILM_SHARE = 0.5
ENGLISH_SHARE = 0.45
IN_PERIOD_SHARE = 0.4
#: Each list group keeps at least this many back-catalogue titles so lists fill at once.
MIN_BACK_CATALOGUE = 14
FILM_MINUTES = (80, 160)
EPISODE_MINUTES = (30, 70)
EPISODES = (6, 16)

#: Non-English languages by share of generated titles. The first nine always appear.
NON_ENGLISH_WEIGHTS: dict[str, float] = {
    "ko": 0.20, "es": 0.17, "ja": 0.12, "fr": 0.07, "hi": 0.07, "de": 0.05, "pt": 0.05,
    "it": 0.04, "tr": 0.04, "pl": 0.03, "th": 0.03, "zh": 0.03, "id": 0.02, "ar": 0.02,
    "sv": 0.02, "da": 0.015, "no": 0.015, "nl": 0.015,
}
_COVER = ("ko", "es", "ja", "fr", "hi", "de", "pt", "it", "tr")
assert set(NON_ENGLISH_WEIGHTS) | {"en"} == set(TITLE_LANGUAGES)


@dataclass
class Title:
    """One catalog row plus the model facts behaviour needs."""

    show_title: str
    season_title: str | None
    kind: str  # 'film' | 'tv'
    language: str
    origin: str
    episode_minutes: tuple[int, ...]  # one entry for a film
    release: dt.date
    original: bool
    genres: tuple[str, ...]
    directors: tuple[str, ...]
    cast: tuple[str, ...]
    synopsis: str
    appeal: float
    hype: float
    title_id: str = ""
    previous_season: int = -1  # index of the season before this one, or -1
    show_key: int = -1  # titles of one show share it

    @property
    def runtime_minutes(self) -> int:
        """A film's length, or the summed length of all of a season's episodes."""
        return int(sum(self.episode_minutes))


@dataclass
class Catalog:
    """All titles, with numpy views of what the simulation loops over."""

    titles: list[Title]
    kind_tv: np.ndarray = field(init=False)
    language: np.ndarray = field(init=False)
    origin: np.ndarray = field(init=False)
    runtime_minutes: np.ndarray = field(init=False)
    episodes: np.ndarray = field(init=False)
    release: np.ndarray = field(init=False)  # datetime64[D]
    original: np.ndarray = field(init=False)
    appeal: np.ndarray = field(init=False)
    hype: np.ndarray = field(init=False)
    previous_season: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        t = self.titles
        self.kind_tv = np.array([x.kind == "tv" for x in t], dtype=bool)
        self.language = np.array([x.language for x in t], dtype="U2")
        self.origin = np.array([x.origin for x in t], dtype="U2")
        self.runtime_minutes = np.array([x.runtime_minutes for x in t], dtype=np.int64)
        self.episodes = np.array([len(x.episode_minutes) for x in t], dtype=np.int64)
        self.release = np.array([x.release for x in t], dtype="datetime64[D]")
        self.original = np.array([x.original for x in t], dtype=bool)
        self.appeal = np.array([x.appeal for x in t], dtype=float)
        self.hype = np.array([x.hype for x in t], dtype=float)
        self.previous_season = np.array([x.previous_season for x in t], dtype=np.int64)

    def __len__(self) -> int:
        return len(self.titles)

    @property
    def title_ids(self) -> list[str]:
        """title_id of every row, in order."""
        return [t.title_id for t in self.titles]

    def rows(self) -> list[list[str]]:
        """The catalog as text cells, in CATALOG_COLUMNS order."""
        return [
            [t.title_id, t.show_title, t.season_title or "", t.kind, t.language,
             str(t.runtime_minutes), t.release.isoformat(), "true" if t.original else "false",
             "|".join(t.genres), t.origin, "|".join(t.directors), "|".join(t.cast), t.synopsis]
            for t in self.titles
        ]

    def to_arrow(self) -> pa.Table:
        """The catalog as an Arrow table with typed columns (for tests and notebooks)."""
        t = self.titles
        return pa.table({
            "title_id": [x.title_id for x in t], "show_title": [x.show_title for x in t],
            "season_title": [x.season_title for x in t], "kind": [x.kind for x in t],
            "original_language": [x.language for x in t],
            "runtime_minutes": pa.array(self.runtime_minutes, pa.int64()),
            "release_date": [x.release for x in t], "original": self.original,
            "genres": ["|".join(x.genres) for x in t], "origin_country": [x.origin for x in t],
            "directors": ["|".join(x.directors) for x in t],
            "cast": ["|".join(x.cast) for x in t], "synopsis": [x.synopsis for x in t],
        })


def write_catalog_csv(catalog: Catalog, path: Path) -> Path:
    """Write ``catalog.csv`` (UTF-8, LF, header, minimal quoting): byte-stable per seed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(CATALOG_COLUMNS)
        writer.writerows(catalog.rows())
    return path


# --- generation --------------------------------------------------------------------------


def _slate_titles() -> list[Title]:
    return [
        Title(s.show_title, None, "film", "ko", "KR", (s.runtime_minutes,), s.release_date,
              True, s.genres, s.directors, s.cast, s.synopsis, s.appeal, s.hype, s.title_id)
        for s in SLATE
    ]


def _film_minutes(rng: np.random.Generator, language: str, genres: tuple[str, ...]) -> int:
    mean = {"ko": 116.0, "hi": 138.0}.get(language, 106.0)
    if genres[0] in ("animation", "documentary", "family"):
        mean = 92.0
    value = rng.normal(mean, 14.0)
    return int(np.clip(round(value), *FILM_MINUTES))


def _season_minutes(rng: np.random.Generator, language: str, genres: tuple[str, ...],
                    episodes: int) -> tuple[int, ...]:
    if genres[0] in ("comedy", "anime", "teen"):
        mean = 33.0
    elif genres[0] in ("reality", "docuseries"):
        mean = 45.0
    elif language == "ko":
        mean = 62.0
    else:
        mean = 52.0
    lengths = np.clip(np.round(mean + rng.uniform(-6, 6, episodes)), *EPISODE_MINUTES)
    return tuple(int(x) for x in lengths)


def _episode_count(rng: np.random.Generator, language: str) -> int:
    if language == "ko":
        return int(rng.choice([8, 10, 12, 16], p=[0.3, 0.2, 0.25, 0.25]))
    choices = [6, 7, 8, 9, 10, 12, 13, 16]
    return int(rng.choice(choices, p=[0.14, 0.08, 0.32, 0.08, 0.2, 0.1, 0.04, 0.04]))


class _Generator:
    """Draws titles one by one from a single random stream (so a seed fixes everything)."""

    def __init__(self, rng: np.random.Generator, start: dt.date, end: dt.date) -> None:
        self.rng = rng
        self.start = start
        self.end = end
        self.used: set[str] = {s.show_title.casefold() for s in SLATE}
        self.titles: list[Title] = []
        self.shows = 0

    def language_plan(self, count: int) -> list[str]:
        """``count`` non-English languages: the nine common ones first, then by weight."""
        langs = list(NON_ENGLISH_WEIGHTS)
        p = np.array([NON_ENGLISH_WEIGHTS[x] for x in langs])
        head = list(_COVER[:count])
        drawn = self.rng.choice(len(langs), size=count - len(head), p=p / p.sum())
        tail = [langs[i] for i in drawn]
        return head + tail

    def release(self, in_period: bool, original: bool) -> dt.date:
        rng = self.rng
        if in_period:
            span = (self.end - self.start).days
            day = self.start + dt.timedelta(days=int(rng.integers(0, span + 1)))
            if rng.random() < 0.65:  # most launches land on a Friday
                friday = day - dt.timedelta(days=(day.weekday() - 4) % 7)
                day = friday if friday >= self.start else friday + dt.timedelta(days=7)
                day = min(day, self.end)
            return day
        scale = 500.0 if original else 900.0
        back = 1 + min(int(rng.exponential(scale)), 3650)
        return self.start - dt.timedelta(days=back)

    def show_title(self, language: str, origin: str) -> str:
        for _ in range(50):
            text = names.title_text(self.rng, language, origin)
            if text.casefold() not in self.used:
                self.used.add(text.casefold())
                return text
        raise RuntimeError("could not find a fresh title; the word pools are too small")

    def credits(self, language: str, kind: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        rng = self.rng
        n_dir = 2 if rng.random() < (0.25 if kind == "tv" else 0.1) else 1
        directors = tuple(dict.fromkeys(names.person(rng, language) for _ in range(n_dir)))
        cast = tuple(dict.fromkeys(
            names.person(rng, language) for _ in range(int(rng.integers(2, 5)))))
        return directors, cast

    def strength(self, original: bool) -> tuple[float, float]:
        """Evergreen appeal (heavy-tailed) and launch hype (originals launch harder)."""
        appeal = float(self.rng.lognormal(0.0, 1.0)) * (1.3 if original else 1.0)
        hype = float(self.rng.lognormal(np.log(6.0), 1.0)) * (1.8 if original else 0.6)
        return appeal, min(hype, 90.0)

    def film(self, language: str, in_period: bool, show_title: str | None = None,
             origin: str | None = None, release: dt.date | None = None) -> Title:
        rng = self.rng
        origin = origin or ORIGINS[language][int(rng.integers(len(ORIGINS[language])))]
        original = bool(rng.random() < (0.7 if in_period else 0.45))
        genres = names.pick_genres(rng, "film", language)
        directors, cast = self.credits(language, "film")
        appeal, hype = self.strength(original)
        return Title(
            show_title or self.show_title(language, origin), None, "film", language, origin,
            (_film_minutes(rng, language, genres),), release or self.release(in_period, original),
            original, genres, directors, cast, names.synopsis(rng, genres, language, origin),
            appeal, hype,
        )

    def show(self, language: str, in_period: bool, seasons: int) -> list[Title]:
        """A series: ``seasons`` seasons a year or so apart, the last one per ``in_period``."""
        rng = self.rng
        origin = ORIGINS[language][int(rng.integers(len(ORIGINS[language])))]
        original = bool(rng.random() < (0.7 if in_period else 0.45))
        genres = names.pick_genres(rng, "tv", language)
        directors, cast = self.credits(language, "tv")
        title = self.show_title(language, origin)
        appeal, hype = self.strength(original)
        last = self.release(in_period, original)
        dates = [last]
        for _ in range(seasons - 1):
            dates.append(dates[-1] - dt.timedelta(days=int(rng.integers(280, 560))))
        dates.reverse()
        episodes = _episode_count(rng, language)
        limited = seasons == 1 and language == "en" and rng.random() < 0.15
        out: list[Title] = []
        key = self.shows
        self.shows += 1
        for k, day in enumerate(dates, start=1):
            n_eps = int(np.clip(episodes + rng.integers(-2, 3), *EPISODES))
            season_cast = cast if k == 1 else cast[:-1] + (names.person(rng, language),)
            out.append(Title(
                # Netflix writes a season as "Show: Season 2" (the show's name included).
                title, f"{title}: Limited Series" if limited else f"{title}: Season {k}", "tv",
                language, origin,
                _season_minutes(rng, language, genres, n_eps), day, original, genres,
                directors, season_cast, names.synopsis(rng, genres, language, origin),
                appeal * float(rng.lognormal(0.0, 0.2)), hype * (1.0 + 0.3 * (k - 1)),
                show_key=key,
            ))
        return out


def _in_period_flags(rng: np.random.Generator, n: int) -> np.ndarray:
    """Which of ``n`` titles launch inside the period, keeping enough back catalogue."""
    n_in = min(round(IN_PERIOD_SHARE * n), max(0, n - MIN_BACK_CATALOGUE))
    flags = np.arange(n) < n_in
    rng.shuffle(flags)
    return flags


def make_catalog(n_titles: int, start: dt.date, end: dt.date, rng: np.random.Generator
                 ) -> Catalog:
    """The slate plus ``n_titles`` generated films and seasons for the period [start, end]."""
    if n_titles < MIN_TITLES:
        raise ValueError(f"--titles must be at least {MIN_TITLES} so every list can fill, "
                         f"got {n_titles}")
    gen = _Generator(rng, start, end)
    n_films = round(n_titles * FILM_SHARE)
    n_seasons = n_titles - n_films
    n_en_films = round(n_films * ENGLISH_SHARE)
    n_en_seasons = round(n_seasons * ENGLISH_SHARE)

    # Series first: whole shows until each group's season count is reached.
    for english, target in ((True, n_en_seasons), (False, n_seasons - n_en_seasons)):
        plan = gen.language_plan(target)
        flags = _in_period_flags(rng, target)
        made = 0
        while made < target:
            seasons = int(rng.choice([1, 2, 3, 4], p=[0.62, 0.22, 0.11, 0.05]))
            if made == 0:  # every catalog has a show with several seasons
                seasons = max(seasons, 2)
            seasons = min(seasons, target - made)
            language = "en" if english else plan[made]
            gen.titles.extend(gen.show(language, bool(flags[made]), seasons))
            made += seasons

    # Films, the last English one sharing its show title with a multi-season series.
    shared = next(t for t in gen.titles
                  if (t.season_title or "").endswith(": Season 2") and t.language == "en")
    for english, target in ((True, n_en_films), (False, n_films - n_en_films)):
        plan = gen.language_plan(target)
        flags = _in_period_flags(rng, target)
        for i in range(target):
            language = "en" if english else plan[i]
            if english and i == target - 1:
                day = min(shared.release + dt.timedelta(days=120), end)
                film = gen.film("en", bool(flags[i]), show_title=shared.show_title,
                                origin=shared.origin, release=day)
                film.show_key = shared.show_key
                gen.titles.append(film)
            else:
                gen.titles.append(gen.film(language, bool(flags[i])))

    generated = sorted(enumerate(gen.titles), key=lambda p: (p[1].release, p[0]))
    titles = _slate_titles()
    width = max(5, len(str(len(generated))))
    for number, (_, title) in enumerate(generated, start=1):
        title.title_id = f"t{number:0{width}d}"
        titles.append(title)
    _link_seasons(titles)
    return Catalog(titles)


def _link_seasons(titles: list[Title]) -> None:
    """Point each season at the previous season of its show (for catch-up viewing)."""
    last: dict[int, int] = {}
    order = sorted(range(len(titles)), key=lambda i: (titles[i].release, i))
    for i in order:
        t = titles[i]
        if t.kind != "tv" or t.show_key < 0:
            continue
        if t.show_key in last:
            t.previous_season = last[t.show_key]
        last[t.show_key] = i
