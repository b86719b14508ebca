"""Find titles by name the way people type them: without accents, punctuation or care.

Every film and season of a source (from the global, country and Most Popular lists) is folded
with :func:`starchart.queries.slugs.normalise` and scored with rapidfuzz, so "pokemon
concierge", "kill boksun" and "Revelation" find "Pokémon Concierge", "Kill Boksoon" and
"Revelations". Exact matches come first; ties go to the title that charted most.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np
from rapidfuzz import fuzz, process

from starchart.queries.base import KIND_SQL, resolve_source
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


def _names(title: Title) -> list[str]:
    names = [normalise(title.show_title)]
    if title.season_title:
        names.append(normalise(title.season_title))
        names.append(normalise(title_name(title.show_title, title.season_title)))
    return names


def rank_titles(text: str, titles: list[Title], limit: int = 10,
                min_score: float = MIN_SCORE) -> list[tuple[Title, float]]:
    """The titles closest to ``text``, best first, with a 0-100 score.

    The best of three rapidfuzz measures: the whole name (``ratio``), its words in any order
    (``token_sort_ratio``) and, for a name longer than the query, the query found inside it
    (``partial_ratio`` at 90%: "mantis" in "queen mantis"). Unlike WRatio this never lets a
    single shared word ("kill") or a short name inside a long query pass for a match.
    """
    query = normalise(text)
    if not query:
        return []
    choices: list[str] = []
    owners: list[int] = []
    for i, title in enumerate(titles):
        for name in _names(title):
            choices.append(name)
            owners.append(i)
    if not choices:
        return []
    whole = process.cdist([query], choices, scorer=fuzz.ratio, dtype=np.float32)[0]
    words = process.cdist([query], choices, scorer=fuzz.token_sort_ratio, dtype=np.float32)[0]
    inside = process.cdist([query], choices, scorer=fuzz.partial_ratio, dtype=np.float32)[0]
    longer = np.fromiter((len(c) > len(query) for c in choices), dtype=bool,
                         count=len(choices))
    scores = np.maximum(np.maximum(whole, words), np.where(longer, inside * 0.9, 0.0))
    best: dict[int, float] = {}
    for index in np.flatnonzero(scores >= min_score):
        owner = owners[int(index)]
        bonus = 0.5 if choices[int(index)] == query else 0.0  # exact beats a fuzzy 100
        best[owner] = max(best.get(owner, 0.0), float(scores[index]) + bonus)
    ranked = sorted(best.items(), key=lambda item: (-item[1], -titles[item[0]].rows,
                                                    titles[item[0]].show_title))
    return [(titles[i], min(round(score, 1), 100.0)) for i, score in ranked[:limit]]


def search(
    con: duckdb.DuckDBPyConnection, text: str, *, limit: int = 10, source: str | None = None
) -> list[dict[str, Any]]:
    """Fuzzy title search: ``[{"show_title", "season_title", "slug", "kind", "score"}]``."""
    if limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit}")
    titles = universe(con, resolve_source(con, source))
    return [{**title.brief(), "score": score} for title, score in rank_titles(text, titles,
                                                                              limit)]
