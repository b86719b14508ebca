"""Fixtures shared by every test module."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_NETFLIX_DATA = PROJECT_ROOT.parent / "shared" / "data" / "netflix-top10"
DEFAULT_NETFLIX_2022_11 = PROJECT_ROOT.parent / "shared" / "data" / "netflix-top10-2022-11"
DEFAULT_ENGAGEMENT_DATA = PROJECT_ROOT.parent / "shared" / "data" / "netflix-engagement"


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


@pytest.fixture(scope="session")
def netflix_2022_11_dir() -> Path:
    """The later country file (XLSX, to 2022-11-13): $STARCHART_NETFLIX_2022_11_DATA or
    ../shared/data/netflix-top10-2022-11."""
    path = Path(os.environ.get("STARCHART_NETFLIX_2022_11_DATA", DEFAULT_NETFLIX_2022_11))
    if not (path / "all-weeks-countries.xlsx").exists():
        pytest.skip(f"Netflix's 2022-11 country file not found at {path}: set "
                    "STARCHART_NETFLIX_2022_11_DATA to the folder holding "
                    "all-weeks-countries.xlsx to run this test")
    return path


@pytest.fixture(scope="session")
def engagement_data_dir() -> Path:
    """Netflix's five engagement reports: $STARCHART_ENGAGEMENT_DATA or
    ../shared/data/netflix-engagement."""
    path = Path(os.environ.get("STARCHART_ENGAGEMENT_DATA", DEFAULT_ENGAGEMENT_DATA))
    if len(list(path.glob("What_We_Watched_*.xlsx"))) < 5:
        pytest.skip(f"Netflix's engagement reports not found at {path}: set "
                    "STARCHART_ENGAGEMENT_DATA to the folder holding the five "
                    "What_We_Watched_*.xlsx reports to run this test")
    return path


@pytest.fixture(scope="session")
def everything_db(netflix_data_dir: Path, netflix_2022_11_dir: Path, engagement_data_dir: Path,
                  tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One store holding every real file (Top 10 TSVs, the 2022-11 XLSX, the five reports),
    imported once for the session, as an analyst would import them."""
    from starchart import api

    db = tmp_path_factory.mktemp("everything") / "store.duckdb"
    api.import_netflix([netflix_data_dir, netflix_2022_11_dir, engagement_data_dir], db=db)
    return db


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
