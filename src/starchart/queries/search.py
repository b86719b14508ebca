"""Find titles by name the way people type them: without accents, punctuation or care.

Every film and season of a source (from the global, country and Most Popular lists) is folded
with :func:`starchart.queries.slugs.normalise` when a release is published (the release's
``title_index``, loaded once as a :class:`TitleIndex`) and scored with rapidfuzz, so "pokemon
concierge", "kill boksun" and "Revelation" find "Pokémon Concierge", "Kill Boksoon" and
"Revelations". Exact matches come first; ties go to the title that charted most.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np
from rapidfuzz import fuzz, process

from starchart.queries.base import KIND_SQL
from starchart.queries.slugs import normalise, title_name, title_slug

MIN_SCORE = 60.0


@dataclass(frozen=True)
class Title:
    """A film or one season of a show, as the lists name it."""

    show_title: str
    season_title: str | None
    kind: str            # 'film' | 'tv'
    rows: int            # list entries: how much it charted
    first_week: Any      # date or None (Most Popular only)

    @property
    def slug(self) -> str:
        return title_slug(self.show_title, self.season_title)

    def brief(self) -> dict[str, Any]:
        return {"show_title": self.show_title, "season_title": self.season_title,
                "slug": self.slug, "kind": self.kind}

    def names(self) -> list[str]:
        """The folded names search matches: the show's, the season's, and both together."""
        names = [normalise(self.show_title)]
        if self.season_title:
            names.append(normalise(self.season_title))
            names.append(normalise(title_name(self.show_title, self.season_title)))
        return names


def universe(con: duckdb.DuckDBPyConnection, source: str) -> list[Title]:
    """Every title of ``source``, most charted first."""
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
    return [Title(r[0], r[1], r[2], int(r[3]), r[4]) for r in rows]


def rank_titles(text: str, titles: list[Title], limit: int = 10,
                min_score: float = MIN_SCORE) -> list[tuple[Title, float]]:
    """The titles closest to ``text``, best first, with a 0-100 score
    (:meth:`TitleIndex.rank` over ``titles``)."""
    return TitleIndex.of("", titles).rank(text, limit, min_score)


@dataclass
class TitleIndex:
    """Every title of one source, most charted first, with the folded names search scores:
    loaded once per release and shared by every question that looks titles up."""

    source: str
    titles: list[Title]
    choices: list[str]         # every folded name...
    owners: list[int]          # ...and the title it names (index into titles)

    @classmethod
    def of(cls, source: str, titles: list[Title], names: list[list[str]] | None = None
           ) -> TitleIndex:
        choices: list[str] = []
        owners: list[int] = []
        for i, title in enumerate(titles):
            for name in (names[i] if names is not None else title.names()):
                choices.append(name)
                owners.append(i)
        return cls(source, titles, choices, owners)

    @classmethod
    def load(cls, con: duckdb.DuckDBPyConnection, source: str) -> TitleIndex:
        """The index a release holds for ``source`` (``title_index``, in position order)."""
        rows = con.execute(
            """SELECT show_title, season_title, kind, entries, first_week, names
               FROM title_index WHERE source = ? ORDER BY position""", [source]).fetchall()
        titles = [Title(r[0], r[1], r[2], int(r[3]), r[4]) for r in rows]
        return cls.of(source, titles, [list(r[5]) for r in rows])

    def rank(self, text: str, limit: int = 10,
             min_score: float = MIN_SCORE) -> list[tuple[Title, float]]:
        """The titles closest to ``text``, best first, with a 0-100 score.

        The best of three rapidfuzz measures: the whole name (``ratio``), its words in any
        order (``token_sort_ratio``) and, for a name longer than the query, the query found
        inside it (``partial_ratio`` at 90%: "mantis" in "queen mantis"). Unlike WRatio this
        never lets a single shared word ("kill") or a short name inside a long query pass
        for a match.
        """
        query = normalise(text)
        if not query or not self.choices:
            return []
        choices = self.choices
        whole = process.cdist([query], choices, scorer=fuzz.ratio, dtype=np.float32)[0]
        words = process.cdist([query], choices, scorer=fuzz.token_sort_ratio,
                              dtype=np.float32)[0]
        inside = process.cdist([query], choices, scorer=fuzz.partial_ratio,
                               dtype=np.float32)[0]
        longer = np.fromiter((len(c) > len(query) for c in choices), dtype=bool,
                             count=len(choices))
        scores = np.maximum(np.maximum(whole, words), np.where(longer, inside * 0.9, 0.0))
        best: dict[int, float] = {}
        for index in np.flatnonzero(scores >= min_score):
            owner = self.owners[int(index)]
            bonus = 0.5 if choices[int(index)] == query else 0.0  # exact beats a fuzzy 100
            best[owner] = max(best.get(owner, 0.0), float(scores[index]) + bonus)
        titles = self.titles
        ranked = sorted(best.items(), key=lambda item: (-item[1], -titles[item[0]].rows,
                                                        titles[item[0]].show_title))
        return [(titles[i], min(round(score, 1), 100.0)) for i, score in ranked[:limit]]


def search(index: TitleIndex, text: str, *, limit: int = 10) -> list[dict[str, Any]]:
    """Fuzzy title search: ``[{"show_title", "season_title", "slug", "kind", "score"}]``."""
    if limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit}")
    return [{**title.brief(), "score": score} for title, score in index.rank(text, limit)]
