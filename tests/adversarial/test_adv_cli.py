"""Adversarial command lines: the real CLI (typer's CliRunner on starchart.cli.app).

Promises: a user's mistake ends with a one-line error on stderr and exit code 1, never a
traceback; --json prints exactly one JSON object on stdout when the command succeeds.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from starchart import api
from starchart.cli import app
from tests.adversarial.conftest import EVENTS_HEADER


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def assert_one_line_error(result: Result, *words: str) -> None:
    assert result.exit_code == 1, (result.stdout, result.stderr, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception)
    assert "Traceback" not in result.stderr
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:"), result.stderr
    for word in words:
        assert word in lines[0], lines[0]


def one_json(result: Result) -> dict[str, object]:
    assert result.exit_code == 0, (result.stdout, result.stderr, result.exception)
    payload = json.loads(result.stdout)  # exactly one JSON document, nothing around it
    assert isinstance(payload, dict)
    return payload


def test_build_on_an_empty_store(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    assert_one_line_error(run("build", "--db", str(db), "--json"), "no accepted events")


def test_build_with_only_future_events(store_with_catalog: Path, tmp_path: Path) -> None:
    events = tmp_path / "future.csv"
    events.write_text(f"{EVENTS_HEADER}\ne1,p1,t1,US,2199-03-25T10:00:00Z,3600\n")
    one_json(run("ingest", str(events), "--db", str(store_with_catalog), "--json"))
    assert_one_line_error(run("build", "--db", str(store_with_catalog)), "not complete")


@pytest.mark.parametrize(("week", "words"), [("2025-03-29", "Saturday"),
                                             ("garbage", "not a date")])
def test_build_week_must_be_a_sunday(store_with_catalog: Path, week: str, words: str) -> None:
    assert_one_line_error(run("build", "--db", str(store_with_catalog), "--week", week), words)


def test_every_json_command_prints_one_object(store_with_catalog: Path, tmp_path: Path) -> None:
    events = tmp_path / "ev.csv"
    rows = [f"e{i},p{i},t1,US,2025-03-2{4 + i % 3}T10:00:00Z,3600" for i in range(12)]
    rows.append("late,p1,t2,KR,2025-04-01T10:00:00Z,60")  # completes the week of 03-30
    events.write_text("\n".join([EVENTS_HEADER, *rows, "bad,p,t9,US,2025-03-25T10:00:00Z,1"]))
    db = str(store_with_catalog)
    assert one_json(run("ingest", str(events), "--db", db, "--json"))["quarantined"] == 1
    assert one_json(run("build", "--db", db, "--json"))["weeks"] == ["2025-03-30"]
    for args in (["quarantine"], ["week"], ["title", "Film One"], ["leaders"],
                 ["search", "film"], ["most-popular"], ["export", "--out", str(tmp_path / "x")]):
        one_json(run(*args, "--db", db, "--json"))


# --- defects found -------------------------------------------------------------------------


def test_export_to_a_path_that_is_a_file(store_with_catalog: Path, tmp_path: Path) -> None:
    """'--out' naming an existing file ended in a FileExistsError traceback."""
    target = tmp_path / "afile"
    target.write_text("keep me")
    assert_one_line_error(run("export", "--db", str(store_with_catalog), "--out", str(target)),
                          str(target))
    assert target.read_text() == "keep me"
    with pytest.raises(ValueError, match="not a folder"):
        api.export(target, db=store_with_catalog)


def test_export_of_a_source_the_store_lacks_replaces_nothing(tmp_path: Path) -> None:
    """'--source netflx' (a typo) wrote three empty files over the folder's good export."""
    from tests.web.sample_store import build_store

    db = build_store(tmp_path / "site")
    out = tmp_path / "exports"
    assert run("export", "--db", str(db), "--out", str(out)).exit_code == 0
    before = {p.name: p.read_text() for p in out.iterdir()}
    assert all(text.count("\n") > 1 for text in before.values())
    assert_one_line_error(run("export", "--db", str(db), "--out", str(out), "--source",
                              "netflx"), "'netflx'", "netflix")
    assert {p.name: p.read_text() for p in out.iterdir()} == before
    with pytest.raises(LookupError, match="no charts from source 'engine'"):
        api.export(out, db=db, source="engine")


def test_demo_out_at_a_path_that_is_a_file(tmp_path: Path) -> None:
    """'demo --out FILE' ended in a NotADirectoryError traceback (before any work)."""
    target = tmp_path / "afile"
    target.write_text("keep me")
    assert_one_line_error(run("demo", "--out", str(target), "--no-serve", "--json"),
                          str(target))
    assert target.read_text() == "keep me"


def test_simulate_out_at_a_path_that_is_a_file(tmp_path: Path) -> None:
    target = tmp_path / "afile"
    target.write_text("keep me")
    result = run("simulate", "--out", str(target), "--weeks", "1", "--profiles", "2000",
                 "--titles", "100", "--json")
    assert_one_line_error(result, str(target))
    assert target.read_text() == "keep me"


def test_store_that_is_not_a_database(tmp_path: Path) -> None:
    """A --db pointing at another kind of file ended in a DuckDB IOException traceback."""
    bad = tmp_path / "notes.duckdb"
    bad.write_text("not a database\n")
    assert_one_line_error(run("week", "--db", str(bad)), "not a starchart store")
    assert_one_line_error(run("ingest", "--db", str(bad), str(bad)), "not a starchart store")


def test_store_in_use_by_another_process(
    store_with_catalog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While another process writes the store (say 'starchart build' while the site is up, or
    the other way round) every command ended in a lock IOException traceback. (Writers now
    wait for the store, $STARCHART_LOCK_WAIT seconds, before saying so.)"""
    monkeypatch.setenv("STARCHART_LOCK_WAIT", "0.5")
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; con = duckdb.connect(sys.argv[1]); "
         "print('ready', flush=True); time.sleep(60)", str(store_with_catalog)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        assert_one_line_error(run("quarantine", "--db", str(store_with_catalog)), "in use")
        assert_one_line_error(run("build", "--db", str(store_with_catalog), "--json"), "in use")
    finally:
        holder.kill()
        holder.wait()
