"""Title identities in the store: gather every name Netflix's files use, link each to a work
(:mod:`starchart.published.matching` decides), and write the works, their alias history and
the reasons, and the ``title_id`` of every imported row.

The overrides file is TOML a user edits to correct a link::

    # names of one work: Netflix renamed it
    [[same]]
    names = ["Mantis", "Mantis: Deadly Duel"]

    # this name (in these files) is this work
    [[link]]
    name = "Unlocked"
    source = "countries"        # optional: global | countries | most-popular | engagement
    title_id = "nf-abcdefgh"

    # keep this name apart from any other work
    [[separate]]
    name = "Monster"
    source = "global"

It is read from ``--overrides FILE`` or ``$STARCHART_OVERRIDES``; a mistake in it is refused
naming the file and entry.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from starchart import store
from starchart.published.matching import (
    Link,
    Overrides,
    Sighting,
    Work,
    language_of,
    match,
)
from starchart.queries.slugs import title_name

SOURCES = ("global", "countries", "most-popular", "engagement")


class OverridesError(ValueError):
    """The overrides file is not what it must be: names the file, the entry and why."""


def load_overrides(path: str | Path | None = None) -> Overrides:
    """Read the overrides file (``path``, else ``$STARCHART_OVERRIDES``, else none)."""
    chosen = path or os.environ.get("STARCHART_OVERRIDES")
    if not chosen:
        return Overrides()
    file = Path(chosen)
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise OverridesError(f"{file}: no such overrides file") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise OverridesError(f"{file}: not TOML ({exc})") from None
    unknown = set(data) - {"same", "link", "separate"}
    if unknown:
        raise OverridesError(f"{file}: unknown section(s) {', '.join(sorted(unknown))} "
                             "(known: same, link, separate)")

    def entries(section: str) -> list[dict[str, Any]]:
        found = data.get(section, [])
        if not isinstance(found, list) or not all(isinstance(e, dict) for e in found):
            raise OverridesError(f"{file}: [[{section}]] entries must be tables")
        return found

    def text(entry: dict[str, Any], field: str, where: str, required: bool = True) -> str | None:
        value = entry.get(field)
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value.strip():
            raise OverridesError(f"{file}: {where}: {field} must be a non-empty string")
        return value

    def source(entry: dict[str, Any], where: str) -> str | None:
        value = text(entry, "source", where, required=False)
        if value is not None and value not in SOURCES:
            raise OverridesError(f"{file}: {where}: source {value!r} is not one of "
                                 f"{', '.join(SOURCES)}")
        return value

    same: list[tuple[str, ...]] = []
    for i, e in enumerate(entries("same"), start=1):
        names = e.get("names")
        if (not isinstance(names, list) or len(names) < 2
                or not all(isinstance(n, str) and n.strip() for n in names)):
            raise OverridesError(f"{file}: [[same]] #{i}: names must list two or more names")
        same.append(tuple(names))
    links: list[tuple[str, str | None, str]] = []
    for i, e in enumerate(entries("link"), start=1):
        where = f"[[link]] #{i}"
        name = text(e, "name", where)
        target = text(e, "title_id", where)
        assert name is not None and target is not None
        if not target.startswith("nf-"):
            raise OverridesError(f"{file}: {where}: title_id {target!r} is not a starchart ID "
                                 "(nf-…)")
        links.append((name, source(e, where), target))
    separate: list[tuple[str, str | None]] = []
    for i, e in enumerate(entries("separate"), start=1):
        where = f"[[separate]] #{i}"
        name = text(e, "name", where)
        assert name is not None
        separate.append((name, source(e, where)))
    return Overrides(same=tuple(same), links=tuple(links), separate=tuple(separate))


# --- reading the sightings ----------------------------------------------------------------------


def _language(category: str | None) -> str | None:
    if category is None:
        return None
    if "Non-English" in category:
        return "non-english"
    if "English" in category:
        return "english"
    return None


def sightings(con: duckdb.DuckDBPyConnection, source: str = store.NETFLIX_SOURCE,
              ) -> list[Sighting]:
    """Every distinct name the imported files use, with what each file tells of it."""
    out: list[Sighting] = []
    for show, season, category, first, last in con.execute(
            """SELECT show_title, season_title, category, min(week), max(week)
               FROM chart_global WHERE source = ? GROUP BY ALL""", [source]).fetchall():
        out.append(Sighting("global", title_name(show, season),
                            "film" if category.startswith("Films") else "tv", show, season,
                            first_seen=first, last_seen=last, language=_language(category)))
    for show, season, category, first, last in con.execute(
            """SELECT show_title, season_title, category, min(week), max(week)
               FROM chart_country WHERE source = ? GROUP BY ALL""", [source]).fetchall():
        out.append(Sighting("countries", title_name(show, season),
                            "film" if category.startswith("Films") else "tv", show, season,
                            first_seen=first, last_seen=last))
    for show, season, category in con.execute(
            """SELECT DISTINCT show_title, season_title, category FROM most_popular
               WHERE source = ?""", [source]).fetchall():
        out.append(Sighting("most-popular", title_name(show, season),
                            "film" if category.startswith("Films") else "tv", show, season,
                            language=_language(category)))
    for kind, title, english, original, released, first, last in con.execute(
            """SELECT kind, title, min(english_title), min(original_title), release_date,
                      min(period_start), max(period_end)
               FROM engagement WHERE source = ? GROUP BY kind, title, release_date""",
            [source]).fetchall():
        out.append(Sighting("engagement", english, kind, original_title=original,
                            release_date=released, first_seen=first, last_seen=last,
                            title=title))
    return out


def _renames(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """(old, new) names from the change feed's ``renamed`` edits ('show — season' labels)."""
    found = con.execute(
        "SELECT DISTINCT before, after FROM netflix_changes WHERE kind = 'renamed'").fetchall()

    def name(label: str) -> str:
        show, _, season = label.partition(" — ")
        return title_name(show, season or None)

    return [(name(b), name(a)) for b, a in found if b and a]


# --- writing ----------------------------------------------------------------------------------


def _write(con: duckdb.DuckDBPyConnection, works: list[Work], links: list[Link]) -> None:
    con.execute("DELETE FROM titles")
    con.execute("DELETE FROM title_names")
    con.execute("DELETE FROM title_links")
    titles = pa.table({
        "title_id": [w.title_id for w in works], "kind": [w.kind for w in works],
        "name": [w.name for w in works], "show_title": [w.show_title for w in works],
        "season_title": [w.season_title for w in works],
        "original_title": [w.original_title for w in works],
        "release_date": pa.array([w.release_date for w in works], pa.date32()),
        "language": [language_of(w.original_title) for w in works],
        "first_seen": pa.array([w.first_seen for w in works], pa.date32()),
        "last_seen": pa.array([w.last_seen for w in works], pa.date32()),
    })
    con.register("new_titles", titles)
    con.execute("INSERT INTO titles SELECT * FROM new_titles")
    con.unregister("new_titles")
    names: dict[tuple[str, str, str], list[Any]] = {}
    for w in works:
        for s in w.sightings:
            written = s.title if s.source == "engagement" and s.title else s.name
            slot = names.setdefault((w.title_id, written, s.source), [s.first_seen, s.last_seen])
            slot[0] = min(d for d in (slot[0], s.first_seen) if d) if (
                slot[0] or s.first_seen) else None
            slot[1] = max(d for d in (slot[1], s.last_seen) if d) if (
                slot[1] or s.last_seen) else None
    con.register("new_names", pa.table({
        "title_id": [k[0] for k in names], "name": [k[1] for k in names],
        "source": [k[2] for k in names],
        "first_seen": pa.array([v[0] for v in names.values()], pa.date32()),
        "last_seen": pa.array([v[1] for v in names.values()], pa.date32()),
    }))
    con.execute("INSERT INTO title_names SELECT * FROM new_names")
    con.unregister("new_names")
    con.register("new_links", pa.table({
        "sighting": [link.sighting.key for link in links],
        "title_id": [link.title_id for link in links],
        "rule": [link.rule for link in links],
        "explanation": [link.explanation for link in links],
        # the columns the chart tables are joined on
        "source": [link.sighting.source for link in links],
        "show_title": [link.sighting.show_title for link in links],
        "season_title": [link.sighting.season_title for link in links],
        "language": [link.sighting.language for link in links],
        "kind": [link.sighting.kind for link in links],
        "title": [link.sighting.title for link in links],
        "release_date": pa.array([link.sighting.release_date for link in links], pa.date32()),
    }))
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE link_rows AS SELECT * FROM new_links")
    finally:
        con.unregister("new_links")
    con.execute("INSERT INTO title_links SELECT sighting, title_id, rule, explanation "
                "FROM link_rows")
    _stamp_rows(con)
    con.execute("DROP TABLE link_rows")


def _stamp_rows(con: duckdb.DuckDBPyConnection) -> None:
    """Set ``title_id`` on every imported row from the links (``link_rows``)."""
    src = store.NETFLIX_SOURCE
    lang = ("CASE WHEN t.category LIKE '%Non-English%' THEN 'non-english' "
            "WHEN t.category LIKE '%English%' THEN 'english' END")
    kind = "CASE WHEN t.category LIKE 'Films%' THEN 'film' ELSE 'tv' END"
    for table, source, language in (("chart_global", "global", lang),
                                    ("chart_country", "countries", "NULL"),
                                    ("most_popular", "most-popular", lang)):
        con.execute(
            f"""UPDATE {table} AS t SET title_id = l.title_id FROM link_rows l
                WHERE t.source = ? AND l.source = ? AND l.show_title = t.show_title
                  AND l.season_title IS NOT DISTINCT FROM t.season_title
                  AND l.kind = {kind}
                  AND l.language IS NOT DISTINCT FROM {language}""", [src, source])
    con.execute(
        """UPDATE engagement AS t SET title_id = l.title_id FROM link_rows l
           WHERE t.source = ? AND l.source = 'engagement' AND l.title = t.title
             AND l.kind IS NOT DISTINCT FROM t.kind
             AND l.release_date IS NOT DISTINCT FROM t.release_date""", [src])


def link_store(con: duckdb.DuckDBPyConnection, overrides: Overrides | None = None,
               ) -> dict[str, Any]:
    """Re-link every imported name (inside the caller's transaction): IDs the store gave
    before are kept. Returns counts by rule."""
    previous = dict(con.execute("SELECT sighting, title_id FROM title_links").fetchall())
    works, links = match(sightings(con), renames=_renames(con),
                         overrides=overrides or Overrides(), previous=previous)
    _write(con, works, links)
    rules: dict[str, int] = {}
    for link in links:
        rules[link.rule] = rules.get(link.rule, 0) + 1
    return {"works": len(works), "names": len(links), "rules": rules}
