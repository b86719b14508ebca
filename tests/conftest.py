"""Fixtures shared by every test module."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_NETFLIX_DATA = PROJECT_ROOT.parent / "shared" / "data" / "netflix-top10"


@pytest.fixture(scope="session")
def netflix_data_dir() -> Path:
    """Netflix's real published files: $STARCHART_NETFLIX_DATA or ../shared/data/netflix-top10."""
    path = Path(os.environ.get("STARCHART_NETFLIX_DATA", DEFAULT_NETFLIX_DATA))
    if not (path / "all-weeks-global.tsv").exists():
        pytest.skip(
            f"Netflix's published files not found at {path}: set STARCHART_NETFLIX_DATA "
            "to the folder holding all-weeks-global.tsv to run this test"
        )
    return path


@pytest.fixture()
def tmp_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh store path, also exported as $STARCHART_DB for CLI tests."""
    db = tmp_path / "starchart.duckdb"
    monkeypatch.setenv("STARCHART_DB", str(db))
    return db


@pytest.fixture(scope="session")
def spark():  # type: ignore[no-untyped-def]
    """One real local Spark session for the whole run (skipped with a reason without Java)."""
    import shutil

    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.skip("Spark needs Java 17: apt-get install openjdk-17-jre-headless")
    from starchart.engine.spark_session import get_spark

    session = get_spark()
    yield session
    session.stop()
