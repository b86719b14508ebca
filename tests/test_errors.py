"""Library errors say what is wrong in the library's words; the CLI in its own."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from starchart import api, store
from starchart.cli import app
from starchart.errors import UsageError


def test_the_library_names_parameters_not_flags(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as err:
        api.build(engine="spark", db=tmp_path / "s.duckdb")
    assert "give catalog FILE, events PATH... and out DIR" in str(err.value)
    assert "--" not in str(err.value)
    with pytest.raises(UsageError, match="catalog, events, out and spark_master belong to "
                                         "engine spark") as err:
        api.build(out=tmp_path, db=tmp_path / "s.duckdb")
    assert "--" not in str(err.value)


def test_the_cli_shows_the_same_error_with_its_flags(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["build", "--out", str(tmp_path),
                                      "--db", str(tmp_path / "s.duckdb")])
    assert result.exit_code == 1
    assert ("--catalog, --events, --out and --spark-master belong to --engine spark"
            in " ".join(result.stderr.split()))


def test_values_are_written_as_given_even_with_braces(tmp_path: Path) -> None:
    target = tmp_path / "{out}.txt"
    target.write_text("keep")
    db = tmp_path / "s.duckdb"
    store.connect(db).close()
    with pytest.raises(UsageError) as err:
        api.export(target, db=db)
    assert str(err.value).startswith(f"{target} is a file, not a folder: give out a folder")
    assert err.value.words(lambda n: f"--{n}").endswith("give --out a folder to write the "
                                                          "three files into")
