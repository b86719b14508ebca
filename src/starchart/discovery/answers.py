"""Answer "similar" and "picks" from the stored models: a few reads, no model arithmetic.

Training (:mod:`.train`) leaves each title's nearest titles in ``discovery_neighbours`` and
each profile's best titles in its ``discovery_profiles`` row (as title numbers, named from
``discovery_titles``), both written in key order, so one answer is a lookup or two that
DuckDB's zone maps narrow to one block (bench_discovery.py measures it). Stores and releases
trained before that answer from their ``discovery_picks`` rows.

* ``similar``: the title's stored neighbours, best first. A title the viewing model knows
  (a catalog ``title_id``) answers from co-viewing; a title only in imported Netflix charts
  (its nf-… ID, name or slug) answers from co-charting.
* ``picks``: the profile's picks as training scored them with the full model (EASE's
  ``x_u B``, negative weights included); titles the profile had finished are never among
  them; ``because`` names the watched titles that contributed most, strongest first.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import suppress
from typing import Any

import duckdb

from starchart.discovery.names import CHARTING, VIEWING
from starchart.queries.base import NotFound
from starchart.queries.search import Title, rank_titles
from starchart.queries.slugs import normalise, title_name

SUGGESTIONS = 5
DEFAULT_LIMIT = 10

_NEIGHBOURS_SQL = f"""
SELECT neighbour_id, show_title, season_title, score
FROM discovery_neighbours
WHERE title_id = $title AND rank <= $limit AND model = (
    SELECT model FROM discovery_titles WHERE title_id = $title
    ORDER BY model <> '{VIEWING}' LIMIT 1)
ORDER BY rank
"""

#: The common case first: a title the viewing model has neighbours for, one scan of one block
#: (choosing the model in a subquery first cost a second scan and pipeline, ~4 ms a call).
_VIEWING_NEIGHBOURS_SQL = f"""
SELECT neighbour_id, show_title, season_title, score
FROM discovery_neighbours
WHERE title_id = $title AND rank <= $limit AND model = '{VIEWING}'
ORDER BY rank
"""

#: A profile's picks: one row, found in one block (rows are in profile_id order); titles by
#: number, named by :data:`_TITLES_BY_NUMBER_SQL`. ``NULL`` picks: trained before picks were
#: kept here (the store's discovery_picks rows answer).
_PROFILE_PICKS_SQL = """
SELECT picks[1:$limit], scores[1:$limit], because, len(picks)
FROM discovery_profiles
WHERE profile_id = $p
"""

_TITLES_BY_NUMBER_SQL = f"""
SELECT ix, title_id, show_title, season_title
FROM discovery_titles
WHERE model = '{VIEWING}' AND ix BETWEEN $low AND $high AND list_contains($ix, ix)
"""
_NUMBERED_TITLES_SQL = f"""
SELECT ix, title_id, show_title, season_title
FROM discovery_titles
WHERE model = '{VIEWING}' AND ix IS NOT NULL
"""

#: Titles by their number in the viewing model's picks: ``{ix: (title_id, show, season)}``.
TitleNumbers = Mapping[int, tuple[str, str, str | None]]

#: Picks trained before they were kept in discovery_profiles, with their names: one scan of
#: one block (p99 ~4 ms, against ~14 ms for the join with discovery_titles, which only picks
#: trained before names were kept need).
_PICKS_SQL = """
SELECT title_id, show_title, season_title, score, because
FROM discovery_picks
WHERE profile_id = $p AND rank <= $limit
ORDER BY rank
"""

_PICKS_NAMED_BY_JOIN_SQL = f"""
SELECT p.title_id, t.show_title, t.season_title, p.score, p.because
FROM discovery_picks p
JOIN discovery_titles t ON t.model = '{VIEWING}' AND t.title_id = p.title_id
WHERE p.profile_id = $p AND p.rank <= $limit
ORDER BY p.rank
"""


class NotTrainedError(LookupError):
    """The store holds no discovery model (or not the one asked for) yet."""


def _check_limit(limit: int) -> None:
    if limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit}")


def trained_models(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, Any]]:
    """The stored models by name (empty for a store trained never, or before discovery)."""
    try:
        rows = con.execute(
            "SELECT model, algorithm, engine, trained_at, profiles, titles FROM "
            "discovery_models").fetchall()
    except duckdb.CatalogException:  # a store made before discovery, opened read-only
        return {}
    return {r[0]: {"algorithm": r[1], "engine": r[2], "trained_at": r[3], "profiles": r[4],
                   "titles": r[5]} for r in rows}


def _require(con: duckdb.DuckDBPyConnection, model: str | None = None
             ) -> dict[str, dict[str, Any]]:
    return require_trained(trained_models(con), model)


def require_trained(found: dict[str, dict[str, Any]], model: str | None = None
                    ) -> dict[str, dict[str, Any]]:
    """``found`` (:func:`trained_models`), or NotTrainedError saying what to run."""
    if not found:
        raise NotTrainedError("no discovery model in the store yet: run 'starchart train' "
                              "(after 'starchart ingest' or 'starchart import netflix')")
    if model is not None and model not in found:
        raise NotTrainedError(
            f"the store has no {model} model (it has: {', '.join(sorted(found))}); picks "
            "need viewing events: 'starchart ingest', then 'starchart train'")
    return found


def _suggest(text: str, rows: list[tuple[str, str, str, str | None, int]]
             ) -> list[dict[str, Any]]:
    titles = [Title(show, season, "tv" if season else "film", int(viewers or 0), None)
              for _, _, show, season, viewers in rows]
    ids = {(r[2], r[3]): r[1] for r in rows}
    return [{"title_id": ids[(t.show_title, t.season_title)], "show_title": t.show_title,
             "season_title": t.season_title, "score": score}
            for t, score in rank_titles(text, titles, limit=SUGGESTIONS)]


def resolve_title(con: duckdb.DuckDBPyConnection, text: str) -> tuple[str, str]:
    """``(model, title_id)`` for a title_id, a Netflix title's slug, or an exact name.

    The viewing model wins where both know a title. An unknown or ambiguous name raises
    :class:`NotFound` whose ``args[1]`` lists candidates.
    """
    wanted = text.strip()
    if not wanted:
        raise ValueError("give a title: its title_id or its name")
    rows_ = con.execute(
        "SELECT model, title_id FROM discovery_titles WHERE title_id = ? "
        "ORDER BY model <> ? LIMIT 1", [wanted, VIEWING]).fetchall()
    row = rows_[0] if rows_ else None
    if row is not None:
        return str(row[0]), str(row[1])
    rows = [(str(r[0]), str(r[1]), str(r[2]), r[3], int(r[4])) for r in con.execute(
        "SELECT model, title_id, show_title, season_title, viewers FROM discovery_titles "
        "ORDER BY model <> ?, viewers DESC, title_id", [VIEWING]).fetchall()]
    key = normalise(wanted)
    matches: dict[str, list[tuple[str, str, str, str | None, int]]] = {}
    for r in rows:
        names = {normalise(title_name(r[2], r[3]))}
        if r[3]:
            names.add(normalise(r[3]))
        else:
            names.add(normalise(r[2]))
        if key in names:
            matches.setdefault(r[0], []).append(r)
    for model in (VIEWING, CHARTING):
        found = matches.get(model, [])
        if len(found) == 1:
            return model, found[0][1]
        if len(found) > 1:
            listed = ", ".join(f"{r[1]} ({title_name(r[2], r[3])})" for r in found[:SUGGESTIONS])
            raise NotFound(f"{len(found)} titles are named {wanted!r}: give a title_id "
                           f"({listed})",
                           [{"title_id": r[1], "show_title": r[2], "season_title": r[3],
                             "score": 100.0} for r in found[:SUGGESTIONS]])
    suggestions = _suggest(wanted, rows)
    hint = ""
    if suggestions:
        hint = "; did you mean " + ", ".join(
            f"{s['title_id']} ({title_name(s['show_title'], s['season_title'])})"
            for s in suggestions[:3]) + "?"
    raise NotFound(f"no title {wanted!r} in the discovery models{hint}", suggestions)


def similar_on(con: duckdb.DuckDBPyConnection, title: str, *, limit: int = DEFAULT_LIMIT
               ) -> dict[str, Any]:
    """``{"title_id", "similar": [{"title_id", "show_title", "season_title", "score"}]}``,
    from the models in the release (or store) behind ``con``."""
    _check_limit(limit)
    wanted = title.strip()
    rows: list[Any] = []
    # the common case, a known title_id with neighbours, is one query; a store made before
    # discovery has no tables for it
    with suppress(duckdb.CatalogException):
        rows = con.execute(_VIEWING_NEIGHBOURS_SQL, {"title": wanted, "limit": limit}
                           ).fetchall()
    title_id = wanted
    if not rows:  # a name, a charting title, one with no neighbours, or no model at all
        _require(con)
        _, title_id = resolve_title(con, wanted)
        rows = con.execute(_NEIGHBOURS_SQL, {"title": title_id, "limit": limit}).fetchall()
    return {"title_id": title_id,
            "similar": [{"title_id": r[0], "show_title": r[1], "season_title": r[2],
                         "score": float(r[3])} for r in rows]}


def _profile_suggestions(con: duckdb.DuckDBPyConnection, profile_id: str) -> list[str]:
    """Known profile ids next to ``profile_id`` in sort order (typos of a digit or two)."""
    after = [r[0] for r in con.execute(
        "SELECT profile_id FROM discovery_profiles WHERE profile_id > ? "
        "ORDER BY profile_id LIMIT 2", [profile_id]).fetchall()]
    before = [r[0] for r in con.execute(
        "SELECT profile_id FROM discovery_profiles WHERE profile_id < ? "
        "ORDER BY profile_id DESC LIMIT 2", [profile_id]).fetchall()]
    return [*reversed(before), *after]


def numbered_titles(con: duckdb.DuckDBPyConnection) -> TitleNumbers:
    """Every title of the viewing model by its number: what a release's picks answers share
    (naming a profile's picks from it saves a query of ~2 ms, half of an answer)."""
    with suppress(duckdb.CatalogException, duckdb.BinderException):  # (older releases)
        return {int(r[0]): (r[1], r[2], r[3])
                for r in con.execute(_NUMBERED_TITLES_SQL).fetchall()}
    return {}


def picks_on(con: duckdb.DuckDBPyConnection, profile_id: str, *, limit: int = DEFAULT_LIMIT,
             titles: Callable[[], TitleNumbers] | None = None) -> dict[str, Any]:
    """``{"profile_id", "picks": [{"title_id", "show_title", "season_title", "score",
    "because": [title_id, ...]}]}``: never a title the profile finished.

    ``titles`` gives :func:`numbered_titles` of ``con`` (kept by a caller whose models cannot
    change, such as a release's); without it the picks' titles are looked up per call."""
    _check_limit(limit)
    wanted = profile_id.strip()
    asked = {"p": wanted, "limit": limit}
    found: list[Any] = []
    with suppress(duckdb.CatalogException, duckdb.BinderException):  # (older releases)
        found = con.execute(_PROFILE_PICKS_SQL, asked).fetchall()
    if found and found[0][0] is not None:
        picks = _named_picks(con, *found[0], titles=titles)
    else:  # picks trained before they were kept per profile, or an unknown profile
        picks = _picks_by_rows(con, asked)
        if not picks:
            _known_profile(con, wanted)
    return {"profile_id": wanted, "picks": picks}


def _named_picks(con: duckdb.DuckDBPyConnection, picked: list[int], scores: list[float],
                 because: list[int], count: int, *,
                 titles: Callable[[], TitleNumbers] | None = None) -> list[dict[str, Any]]:
    """A ``discovery_profiles`` row's first picks, with their titles' ids and names (from
    ``titles``, else one lookup of the numbers among the model's titles)."""
    if not picked:
        return []
    per_pick = len(because) // count
    because = because[:len(picked) * per_pick]
    names: TitleNumbers
    if titles is not None:
        names = titles()
    else:
        numbers = sorted({*picked, *(b for b in because if b >= 0)})
        names = {r[0]: r[1:] for r in con.execute(_TITLES_BY_NUMBER_SQL, {
            "ix": numbers, "low": numbers[0], "high": numbers[-1]}).fetchall()}
    return [{"title_id": names[t][0], "show_title": names[t][1],
             "season_title": names[t][2], "score": float(score),
             "because": [names[b][0] for b in because[i * per_pick:(i + 1) * per_pick]
                         if b >= 0]}
            for i, (t, score) in enumerate(zip(picked, scores, strict=True))]


def _picks_by_rows(con: duckdb.DuckDBPyConnection, asked: dict[str, Any]
                   ) -> list[dict[str, Any]]:
    """Picks as models trained before they were kept per profile stored them (one
    ``discovery_picks`` row per pick, with or without the pick's names)."""
    rows: list[Any] = []
    with suppress(duckdb.CatalogException):  # a store made before discovery
        try:
            rows = con.execute(_PICKS_SQL, asked).fetchall()
            named = not rows or rows[0][1] is not None  # (None: trained before names kept)
        except duckdb.BinderException:  # a release published before picks kept names
            named = False
        if not named:
            rows = con.execute(_PICKS_NAMED_BY_JOIN_SQL, asked).fetchall()
    return [{"title_id": r[0], "show_title": r[1], "season_title": r[2],
             "score": float(r[3]), "because": list(r[4])} for r in rows]


def _known_profile(con: duckdb.DuckDBPyConnection, wanted: str) -> None:
    """Raise the right error for a profile without picks, unless it is simply a profile
    whose every neighbour is finished."""
    models = _require(con, VIEWING)
    known = con.execute("SELECT EXISTS (SELECT 1 FROM discovery_profiles WHERE "
                        "profile_id = ?)", [wanted]).fetchall()[0]
    if not (known and known[0]):
        near = _profile_suggestions(con, wanted)
        hint = f"; nearby ids: {', '.join(near)}" if near else ""
        raise NotFound(
            f"no profile {wanted!r} in the viewing model (it learnt from "
            f"{models[VIEWING]['profiles']:,} profiles; a profile appears once it has "
            f"watched something and the model is trained again){hint}",
            [{"profile_id": p} for p in near])


def title_names(con: duckdb.DuckDBPyConnection, ids: list[str]) -> dict[str, str]:
    """How each title reads (``Show: Season 2``), for showing ``because`` lists."""
    if not ids:
        return {}
    rows = con.execute(
        "SELECT DISTINCT ON (title_id) title_id, show_title, season_title "
        "FROM discovery_titles WHERE list_contains(?, title_id) "
        "ORDER BY title_id, model <> ?", [ids, VIEWING]).fetchall()
    return {r[0]: title_name(r[1], r[2]) for r in rows}
