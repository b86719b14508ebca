"""``starchart ingest`` and ``starchart quarantine``: invoke the command, check via the API."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from starchart import api, store
from starchart.cli import app
from starchart.engine.readers import write_table
from tests.engine.test_ingest import ev, events_table, write_catalog

runner = CliRunner()


def test_ingest_json_report_then_quarantine(tmp_db: Path, tmp_path: Path) -> None:
    catalog = write_catalog(tmp_path / "catalog.csv")
    a = write_table(tmp_path / "a.csv", events_table(
        [ev(event_id="e1"), ev(event_id="e1"), ev(country="UK"), ev("zz")]))
    b = write_table(tmp_path / "b.parquet", events_table([ev(seconds="-3"), ev("s1")]))
    result = runner.invoke(app, ["ingest", "--catalog", str(catalog), str(a), str(b), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["read"], report["accepted"], report["quarantined"], report["duplicates"]) == (
        6, 2, 3, 1,
    )
    assert report["by_reason"]["invalid_country"] == 1
    assert report["by_reason"]["unknown_title_id"] == 1
    assert report["by_reason"]["negative_seconds"] == 1
    assert [(Path(f["path"]).name, f["read"], f["accepted"]) for f in report["files"]] == [
        ("a.csv", 4, 1), ("b.parquet", 2, 1),
    ]
    assert report["catalog"]["titles"] == 2
    assert report["db"] == str(tmp_db)
    # what the command did, seen through the library
    assert len(api.quarantine(db=tmp_db)) == 3
    with store.opened(tmp_db, read_only=True) as con:
        assert con.execute("SELECT sum(events) FROM daily_viewing").fetchone() == (2,)

    listed = runner.invoke(app, ["quarantine", "--json", "--reason", "unknown_title_id"])
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.stdout)["rows"]
    assert [(Path(r["source_file"]).name, r["source_row"], r["reason"]) for r in rows] == [
        ("a.csv", 4, "unknown_title_id"),
    ]
    limited = json.loads(runner.invoke(app, ["quarantine", "--json", "--limit", "2"]).stdout)
    assert limited["shown"] == 2

    text = runner.invoke(app, ["quarantine", "--file", str(b)])
    assert text.exit_code == 0
    assert "negative_seconds" in text.stdout and "invalid_country" not in text.stdout

    again = runner.invoke(app, ["ingest", str(a)])
    assert again.exit_code == 0, again.output
    assert "already loaded" in again.stdout
    with store.opened(tmp_db, read_only=True) as con:
        assert con.execute("SELECT sum(events) FROM daily_viewing").fetchone() == (2,)


def test_refused_file_is_one_error_line_and_exit_1(tmp_db: Path, tmp_path: Path) -> None:
    catalog = write_catalog(tmp_path / "catalog.csv")
    good = write_table(tmp_path / "good.csv", events_table([ev()]))
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    result = runner.invoke(app, ["ingest", "--catalog", str(catalog), str(good), str(bad)])
    assert result.exit_code == 1
    assert result.stdout == ""
    message = " ".join(result.stderr.split())
    assert message.startswith("error:")
    assert "bad.csv: not a CSV file: it is a PNG image" in message
    with store.opened(tmp_db, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM catalog").fetchone() == (0,)
        assert con.execute("SELECT count(*) FROM daily_viewing").fetchone() == (0,)


def test_usage_errors(tmp_db: Path, tmp_path: Path) -> None:
    nothing = runner.invoke(app, ["ingest"])
    assert nothing.exit_code == 1 and "nothing to ingest" in nothing.stderr
    write_catalog(tmp_path / "catalog.csv")
    runner.invoke(app, ["ingest", "--catalog", str(tmp_path / "catalog.csv")])
    bad_reason = runner.invoke(app, ["quarantine", "--reason", "bogus"])
    assert bad_reason.exit_code == 1 and "unknown reason 'bogus'" in bad_reason.stderr
    missing_store = runner.invoke(app, ["quarantine", "--db", str(tmp_path / "none.duckdb")])
    assert missing_store.exit_code == 1 and "no starchart store" in missing_store.stderr


def test_text_report_on_a_terminal_free_run(tmp_db: Path, tmp_path: Path) -> None:
    catalog = write_catalog(tmp_path / "catalog.csv")
    a = write_table(tmp_path / "a.jsonl", events_table([ev(), ev(country="UK")]))
    result = runner.invoke(app, ["ingest", "--catalog", str(catalog), str(a)])
    assert result.exit_code == 0, result.output
    out = " ".join(result.stdout.split())  # Rich wraps to the (unknown) terminal width
    assert "2 titles (2 new, 0 updated)" in out
    assert "quarantined: invalid_country 1" in out
    assert api.quarantine(db=tmp_db).reason.tolist() == ["invalid_country"]


def test_a_memory_limit_too_small_is_one_line_and_changes_nothing(
    tmp_db: Path, tmp_path: Path
) -> None:
    """DuckDB's out-of-memory error (a limit it cannot work in even spilling) is a clear
    one-line error naming the limit and what to do, not a traceback; nothing is loaded."""
    catalog = write_catalog(tmp_path / "catalog.csv")
    events = write_table(tmp_path / "a.csv", events_table([ev(event_id="e1")]))
    result = runner.invoke(app, ["ingest", "--catalog", str(catalog), str(events),
                                 "--memory-limit", "1MB"])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:"), result.output
    assert "1MB" in lines[0] and "--memory-limit" in lines[0], lines[0]
    with store.opened(tmp_db, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM catalog").fetchone() == (0,)
    # the library says the same in its own words, and the load works with room to work in
    try:
        api.ingest(catalog=catalog, events=[events], db=tmp_db, memory_limit="1MB")
    except ValueError as exc:
        assert "memory_limit" in str(exc) and "--memory-limit" not in str(exc)
    else:
        raise AssertionError("a 1MB memory limit was expected to be too small")
    assert api.ingest(catalog=catalog, events=[events], db=tmp_db)["accepted"] == 1
    built = runner.invoke(app, ["build", "--no-train", "--memory-limit", "1MB"])
    assert built.exit_code == 1 and "--memory-limit" in built.output, built.output
    assert "Traceback" not in built.output
