"""Shared bits of the adversarial tests: a tiny catalog and a fresh store per test."""

from __future__ import annotations

from pathlib import Path

import pytest

from starchart import api

CATALOG = (
    "title_id,show_title,season_title,kind,original_language,runtime_minutes,release_date,"
    "original\n"
    "t1,Film One,,film,en,100,2025-01-01,true\n"
    "t2,Show Two,Show Two: Season 1,tv,ko,400,2025-01-01,false\n"
)
EVENTS_HEADER = "event_id,profile_id,title_id,country,started_at,seconds_viewed"


@pytest.fixture()
def store_with_catalog(tmp_path: Path) -> Path:
    """A store holding the two-title catalog and no events."""
    catalog = tmp_path / "catalog.csv"
    catalog.write_text(CATALOG)
    db = tmp_path / "s.duckdb"
    api.ingest(catalog=catalog, db=db)
    return db
