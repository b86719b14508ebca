"""Find titles by name the way people type them: without accents, punctuation or care.

Every film and season of a source (from the global, country and Most Popular lists) is folded
with :func:`starchart.queries.slugs.normalise` when a release is published (the release's
``title_index``, loaded once as a :class:`TitleIndex`), with the other names its work was
published under (the engagement reports' ``English // original``: "La Casa de Papel" finds
Money Heist).

A name matches when every word typed is one of its words or the start of one ("kpop demon"
finds "KPop Demon Hunters", never "Pokémon"); only when nothing matches so are small typos
allowed ("kill boksun" finds "Kill Boksoon"), so a query that finds its title never lists
look-alikes ("Lupin" lists no "Upin & Ipin", Pink or Shaolin). Results come by show: the
show itself first where its name matched, then its seasons in their natural order (Elite 1,
2, ... 8); exact names first, then closer names, then the most charted.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import duckdb
from rapidfuzz import fuzz, process

from starchart.queries.base import KIND_SQL
from starchart.queries.seasons import (
    first_season_name,
    natural_key,
    season_number,
    unnumbered_is_first,
)
from starchart.queries.slugs import normalise, show_slug, title_name, title_slug

TYPO_SCORE = 75.0
"""How close a mistyped word must be to a title's word (rapidfuzz ratio, 0-100)."""
PREFIX_SCORE = 90.0
"""What a typed word that begins a title's word scores ("revelation" in "revelations")."""


@dataclass(frozen=True)
class Title:
    """A film or one season of a show, as the lists name it."""

    show_title: str
    season_title: str | None
    kind: str            # 'film' | 'tv'
    rows: int            # list entries: how much it charted
    first_week: Any      # date or None (Most Popular only)
    number: int | None = None   # the season's number (an unnumbered first season: 1)
    label: str | None = None    # how it reads, where not title_name(): an unnumbered season 1

    @property
    def slug(self) -> str:
        return title_slug(self.show_title, self.season_title)

    @property
    def name(self) -> str:
        """How the title reads: ``Elite: Season 4``, ``Stranger Things: Season 1``."""
        return self.label or title_name(self.show_title, self.season_title)

    def brief(self) -> dict[str, Any]:
        return {"show_title": self.show_title, "season_title": self.season_title,
                "slug": self.slug, "kind": self.kind, "page": "title", "name": self.name,
                "season_number": self.number}

    def names(self) -> list[str]:
        """The folded names search matches: the show's, the season's, and both together."""
        names = [normalise(self.show_title)]
        for extra in (self.season_title, title_name(self.show_title, self.season_title),
                      self.label):
            if extra and normalise(extra) not in names:
                names.append(normalise(extra))
        return names


def numbered(titles: list[Title]) -> list[Title]:
    """``titles`` with each season's number, and an unnumbered first season named as one
    where the show's other seasons start at 2 (:mod:`starchart.queries.seasons`)."""
    seasons: dict[str, list[str | None]] = {}
    for t in titles:
        if t.kind == "tv":
            seasons.setdefault(t.show_title, []).append(t.season_title)
    first = {show for show, found in seasons.items() if unnumbered_is_first(show, found)}
    out = []
    for t in titles:
        number = season_number(t.show_title, t.season_title) if t.kind == "tv" else None
        label = None
        if t.kind == "tv" and t.season_title is None and t.show_title in first:
            number, label = 1, first_season_name(t.show_title)
        out.append(Title(t.show_title, t.season_title, t.kind, t.rows, t.first_week, number,
                         label))
    return out


def universe(con: duckdb.DuckDBPyConnection, source: str) -> list[Title]:
    """Every title of ``source``, most charted first, its seasons numbered."""
    rows = con.execute(
        f"""SELECT show_title, season_title,
                  {KIND_SQL} AS kind,
                  count(*) AS n, min(week) AS first_week
           FROM (SELECT show_title, season_title, category, week FROM chart_global
                 WHERE source = ?
                 UNION ALL
                 SELECT show_title, season_title, category, week FROM chart_country
                 WHERE source = ?
                 UNION ALL
                 SELECT show_title, season_title, category, NULL FROM most_popular
                 WHERE source = ?)
           GROUP BY ALL
           ORDER BY n DESC, show_title, season_title NULLS FIRST, kind""",
        [source, source, source],
    ).fetchall()
    return numbered([Title(r[0], r[1], r[2], int(r[3]), r[4]) for r in rows])


def rank_titles(text: str, titles: list[Title], limit: int = 10) -> list[tuple[Title, float]]:
    """The titles closest to ``text``, best first, with a 0-100 score
    (:meth:`TitleIndex.rank` over ``titles``)."""
    return TitleIndex.of("", titles).rank(text, limit)


def _word_score(typed: str, word: str, typos: bool) -> float:
    """How well one typed word matches one word of a name (0: not at all)."""
    if typed == word:
        return 100.0
    if len(typed) >= 3 and word.startswith(typed):
        return PREFIX_SCORE
    if typos and len(typed) >= 4 and _typo(typed, word):
        score = fuzz.ratio(typed, word)
        return score if score >= _typo_cutoff(typed) else 0.0
    return 0.0


def _typo_cutoff(typed: str) -> float:
    """Short words allow less: one letter in four is a different word ("lupn" is "lupin",
    not "luna")."""
    return TYPO_SCORE if len(typed) > 5 else 80.0


def _typo(typed: str, word: str) -> bool:
    """Whether ``word`` may be ``typed`` mistyped: as long, give or take two letters (a
    long word is not a typo for a short one: "strangerthings" is not "strangers")."""
    return len(word) >= 4 and abs(len(word) - len(typed)) <= 2


def name_score(query: str, name: str, typos: bool = False) -> float:
    """How well a folded name matches a folded query, 0-100 (0: no match): every typed word
    must be one of the name's words, the start of one or (``typos``) close to one; words the
    name has beyond the query lower the score."""
    if query == name:
        return 100.0
    typed, words = query.split(), name.split()
    if not typed or not words:
        return 0.0
    total = 0.0
    for t in typed:
        best = max(_word_score(t, w, typos) for w in words)
        if best <= 0:
            if typos:  # words run together or split ("strangerthings")
                whole = fuzz.ratio(query, name)
                return whole * 0.95 if whole >= 85 else 0.0
            return 0.0
        total += best
    coverage = min(1.0, len(typed) / len(words)) ** 0.25
    return min(99.0, total / len(typed) * coverage)


@dataclass
class Hit:
    """A title's match: its best score and whether one of its names is the query."""

    score: float
    exact: bool


@dataclass
class TitleIndex:
    """Every title of one source, most charted first, with the folded names search scores:
    loaded once per release and shared by every question that looks titles up."""

    source: str
    titles: list[Title]
    choices: list[str]         # every folded name...
    owners: list[int]          # ...and the title it names (index into titles)
    postings: dict[str, list[int]] = field(default_factory=dict)  # word -> choices
    words: list[str] = field(default_factory=list)                # sorted vocabulary
    shows: dict[str, list[int]] = field(default_factory=dict)     # show -> seasons, in order

    @classmethod
    def of(cls, source: str, titles: list[Title], names: list[list[str]] | None = None
           ) -> TitleIndex:
        choices: list[str] = []
        owners: list[int] = []
        postings: dict[str, list[int]] = {}
        for i, title in enumerate(titles):
            for name in (names[i] if names is not None else title.names()):
                for word in set(name.split()):
                    postings.setdefault(word, []).append(len(choices))
                choices.append(name)
                owners.append(i)
        shows: dict[str, list[int]] = {}
        for i, title in enumerate(titles):
            if title.kind == "tv":
                shows.setdefault(title.show_title, []).append(i)
        for found in shows.values():
            found.sort(key=lambda i: natural_key(titles[i].number, titles[i].first_week,
                                                 titles[i].season_title))
        return cls(source, titles, choices, owners, postings, sorted(postings), shows)

    @classmethod
    def load(cls, con: duckdb.DuckDBPyConnection, source: str) -> TitleIndex:
        """The index a release holds for ``source`` (``title_index``, in position order)."""
        rows = con.execute(
            """SELECT show_title, season_title, kind, entries, first_week, season_number,
                      label, names
               FROM title_index WHERE source = ? ORDER BY position""", [source]).fetchall()
        titles = [Title(r[0], r[1], r[2], int(r[3]), r[4], r[5], r[6]) for r in rows]
        return cls.of(source, titles, [list(r[7]) for r in rows])

    def _matches(self, typed: str, typos: bool) -> dict[int, float]:
        """The choices holding a word ``typed`` matches, with the best such word's score
        (:func:`_word_score`)."""
        scores: dict[str, float] = {}
        if typed in self.postings:
            scores[typed] = 100.0
        if len(typed) >= 3:
            at = bisect.bisect_left(self.words, typed)
            while at < len(self.words) and self.words[at].startswith(typed):
                scores.setdefault(self.words[at], PREFIX_SCORE)
                at += 1
        if typos and len(typed) >= 4:
            for word, score, _ in process.extract(typed, self.words, scorer=fuzz.ratio,
                                                  score_cutoff=TYPO_SCORE, limit=None):
                if _typo(typed, word) and score >= _typo_cutoff(typed):
                    scores.setdefault(word, score)
        found: dict[int, float] = {}
        for word, score in scores.items():
            for choice in self.postings[word]:
                if found.get(choice, 0.0) < score:
                    found[choice] = score
        return found

    def hits(self, text: str) -> dict[int, Hit]:
        """Each matching title's best score, by index into ``titles``: the titles all of whose
        typed words match; failing any, the same allowing typos."""
        query = normalise(text)
        if not query or not self.choices:
            return {}
        typed = query.split()
        for typos in (False, True):
            per_word = [self._matches(t, typos) for t in typed]
            pool = set(per_word[0]).intersection(*per_word[1:])
            scores = {c: sum(m[c] for m in per_word) / len(typed)
                      * min(1.0, len(typed) / len(self.choices[c].split())) ** 0.25
                      for c in pool}
            if typos:  # names whose words run together are found whole
                for _, whole, c in process.extract(query, self.choices, scorer=fuzz.ratio,
                                                   score_cutoff=85, limit=50):
                    scores[int(c)] = max(scores.get(int(c), 0.0), whole * 0.95)
            best: dict[int, Hit] = {}
            for choice, score in scores.items():
                exact = self.choices[choice] == query
                hit = Hit(100.0 if exact else min(99.0, score), exact)
                owner = self.owners[choice]
                old = best.get(owner)
                if old is None or (hit.exact, hit.score) > (old.exact, old.score):
                    best[owner] = hit
            if best:
                return best
        return {}

    def rank(self, text: str, limit: int = 10) -> list[tuple[Title, float]]:
        """The titles closest to ``text``, best first, with a 0-100 score (exact names
        first, then closer names, then the most charted)."""
        found = self.hits(text)
        titles = self.titles
        ranked = sorted(found.items(), key=lambda item: (
            not item[1].exact, -item[1].score, -titles[item[0]].rows, titles[item[0]].name))
        return [(titles[i], round(hit.score, 1)) for i, hit in ranked[:limit]]

    def seasons_of(self, show_title: str) -> list[int]:
        """The seasons of a show (indexes into ``titles``), in natural order."""
        return self.shows.get(show_title, [])

    def search(self, text: str, limit: int = 10) -> list[dict[str, Any]]:
        """Results by show: a show of several titles whose own name matched (or two of
        whose seasons did) comes first as itself, then its seasons in natural order; films
        and lone seasons stand alone. Exact names first, then closer names, then the most
        charted."""
        found = self.hits(text)
        query = normalise(text)
        groups: dict[str, list[int]] = {}   # group key -> matched titles
        for i in found:
            t = self.titles[i]
            groups.setdefault(t.show_title if t.kind == "tv" else f"\0film\0{i}", []).append(i)
        shows = _show_hits(query, [k for k in groups if not k.startswith("\0")])

        def order(key: str) -> tuple[bool, float, int, str]:
            members = [found[i] for i in groups[key]]
            show = shows.get(key)
            exact = any(h.exact for h in members) or bool(show and show.exact)
            score = max([h.score for h in members] + ([show.score] if show else []))
            rows = sum(self.titles[i].rows for i in groups[key])
            return (not exact, -score, -rows, key)

        out: list[dict[str, Any]] = []
        for key in sorted(groups, key=order):
            members = groups[key]
            show = shows.get(key)
            if key.startswith("\0"):
                [i] = members
                out.append({**self.titles[i].brief(), "score": _shown(found[i].score)})
                continue
            every = self.seasons_of(key)
            if len(every) > 1 and (show is not None or len(members) > 1):
                score = max([found[i].score for i in members]
                            + ([show.score] if show else []))
                out.append(_show_result(self.titles[every[0]], len(every), score))
            listed = every if show is not None else [i for i in every if i in found]
            for i in listed:
                out.append({**self.titles[i].brief(),
                            "score": _shown(found[i].score if i in found else 0.0)})
        return out[:limit]


def _shown(score: float) -> float:
    return round(min(score, 100.0), 1)


def _show_hits(query: str, shows: Iterable[str]) -> dict[str, Hit]:
    """The shows whose own name matches ``query``."""
    out: dict[str, Hit] = {}
    for show in shows:
        folded = normalise(show)
        score = name_score(query, folded)
        if score > 0:
            out[show] = Hit(score, folded == query)
    return out


def _show_result(title: Title, seasons: int, score: float) -> dict[str, Any]:
    """A show as a search result (its page groups its seasons)."""
    return {"show_title": title.show_title, "season_title": None,
            "slug": show_slug(title.show_title), "kind": "tv", "page": "show",
            "name": title.show_title, "season_number": None, "seasons": seasons,
            "score": _shown(score)}


def search(index: TitleIndex, text: str, *, limit: int = 10) -> dict[str, Any]:
    """Title search: ``{"query", "source", "results": [{"show_title", "season_title",
    "slug", "kind", "page", "name", "season_number", "score"}...]}``; ``page`` is
    ``show`` for a show (its seasons follow it) and ``title`` for a film or season."""
    if limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit}")
    return {"query": text, "source": index.source, "results": index.search(text, limit)}

