"""A trained store of the two-groups world, made once per module that asks for it."""

from __future__ import annotations

from pathlib import Path

import pytest

from starchart import api
from tests.discovery.worlds import World, two_groups


@pytest.fixture(scope="module")
def groups_world(tmp_path_factory: pytest.TempPathFactory) -> World:
    return two_groups(tmp_path_factory.mktemp("two-groups"))


@pytest.fixture(scope="module")
def groups_db(groups_world: World, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The two-groups world ingested and trained on DuckDB."""
    db = tmp_path_factory.mktemp("two-groups-store") / "store.duckdb"
    api.ingest(catalog=groups_world.catalog, events=[groups_world.events], db=db)
    api.train(db=db)
    return db
