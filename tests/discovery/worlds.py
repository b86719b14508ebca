"""Hand-made worlds whose right answers are known, written as the files starchart ingests.

``two_groups``: English dramas watched only by one set of profiles, Korean thrillers only by
another; nobody crosses over. Each group also has a title released with no viewing yet that
shares a director (drama) or an actor (thriller) with one of its group.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from starchart.engine.readers import write_table

CATALOG_COLUMNS = ("title_id", "show_title", "season_title", "kind", "original_language",
                   "runtime_minutes", "release_date", "original", "genres", "origin_country",
                   "directors", "cast", "synopsis")
EVENT_COLUMNS = ("event_id", "profile_id", "title_id", "country", "started_at",
                 "seconds_viewed")
RUNTIME = 100  # minutes, every film here
START = dt.datetime(2025, 3, 3, 20, 0)


@dataclass
class World:
    """Files on disk plus what the test needs to know about them."""

    catalog: Path
    events: Path
    groups: dict[str, list[str]] = field(default_factory=dict)  # group -> title_ids
    cold: dict[str, str] = field(default_factory=dict)  # group -> the unwatched title
    profiles: dict[str, list[str]] = field(default_factory=dict)  # group -> profile_ids


def film(title_id: str, name: str, language: str, genres: str, directors: str = "",
         cast: str = "", released: str = "2024-06-01") -> dict[str, str]:
    return {"title_id": title_id, "show_title": name, "season_title": "", "kind": "film",
            "original_language": language, "runtime_minutes": str(RUNTIME),
            "release_date": released, "original": "true", "genres": genres,
            "origin_country": "KR" if language == "ko" else "US", "directors": directors,
            "cast": cast, "synopsis": ""}


def write_catalog(path: Path, titles: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, CATALOG_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(titles)
    return path


def view(profile: str, title: str, day: int, share: float = 1.0, country: str = "US"
         ) -> dict[str, str]:
    """One session: ``share`` of the film's runtime watched, ``day`` days after START."""
    started = START + dt.timedelta(days=day)
    return {"event_id": f"{profile}-{title}-{day}", "profile_id": profile, "title_id": title,
            "country": country, "started_at": started.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "seconds_viewed": str(max(1, round(share * RUNTIME * 60)))}


def write_events(path: Path, rows: list[dict[str, str]]) -> Path:
    table = pa.Table.from_pylist(rows, schema=pa.schema([(c, pa.string())
                                                         for c in EVENT_COLUMNS]))
    return write_table(path, table)


def read_events(world: World) -> list[tuple[str, str, int]]:
    """(profile_id, title_id, seconds_viewed) of every row of the world's events file: the
    oracle for what the store learnt from (it keeps no raw events)."""
    import duckdb

    with duckdb.connect() as con:
        return [(p, t, int(s)) for p, t, s in con.execute(
            "SELECT profile_id, title_id, seconds_viewed FROM read_csv(?, all_varchar=true)",
            [str(world.events)]).fetchall()]


def two_groups(folder: Path, *, per_group: int = 6, profiles: int = 30) -> World:
    """Two audiences that never mix (see the module docstring)."""
    folder.mkdir(parents=True, exist_ok=True)
    drama = [film(f"a{i}", f"Harbour Light {i}", "en", "drama",
                  directors=f"Director A{i}", cast=f"Actor A{i}|Actor A{i + 10}")
             for i in range(1, per_group + 1)]
    thriller = [film(f"b{i}", f"Night Market {i}", "ko", "thriller",
                     directors=f"Director B{i}", cast=f"Actor B{i}|Actor B{i + 10}")
                for i in range(1, per_group + 1)]
    cold_a = film("a-new", "Harbour Light Returns", "en", "drama", directors="Director A1",
                  released="2025-04-25")
    cold_b = film("b-new", "Night Market Zero", "ko", "thriller", cast="Actor B2",
                  released="2025-04-25")
    write_catalog(folder / "catalog.csv", [*drama, *thriller, cold_a, cold_b])
    rows: list[dict[str, str]] = []
    world = World(folder / "catalog.csv", folder / "events.csv",
                  groups={"a": [t["title_id"] for t in drama],
                          "b": [t["title_id"] for t in thriller]},
                  cold={"a": "a-new", "b": "b-new"})
    for group, titles, country in (("a", world.groups["a"], "US"),
                                   ("b", world.groups["b"], "KR")):
        members = [f"{group}-p{n:03d}" for n in range(profiles)]
        world.profiles[group] = members
        for n, profile in enumerate(members):
            # each profile watches a rotating window of its group's titles
            for k in range(4):
                title = titles[(n + k) % len(titles)]
                rows.append(view(profile, title, day=n % 20 + k,
                                 share=1.0 if k < 3 else 0.3, country=country))
    write_events(folder / "events.csv", rows)
    return world
