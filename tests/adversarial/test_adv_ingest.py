"""Adversarial inputs for ``starchart ingest`` (through starchart.api and the real CLI).

Each test states a promise of docs/engine-inputs.md and feeds the engine a file built to
break it: accounting (read = accepted + quarantined + duplicates), the reason given for a
quarantined row, and refusals that name the file and the problem.
"""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import pytest

from starchart import api, store
from starchart.engine.archive import kept_events_sql
from tests.adversarial.conftest import EVENTS_HEADER

ROW = "e1,p1,t1,US,2025-03-25T10:00:00Z,3600"
JSON_ROW = (
    '{"event_id":"e1","profile_id":"p1","title_id":"t1","country":"US",'
    '"started_at":"2025-03-25T10:00:00Z","seconds_viewed":3600}'
)


def ingest(db: Path, path: Path, data: str | bytes) -> dict[str, Any]:
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    report = api.ingest(events=[path], db=db)
    assert report["read"] == report["accepted"] + report["quarantined"] + report["duplicates"]
    return report


def reasons(db: Path) -> list[tuple[int, str, str]]:
    with store.opened(db, read_only=True) as con:
        return [tuple(r) for r in con.execute(  # type: ignore[misc]
            "SELECT source_row, reason, detail FROM quarantine ORDER BY source_row").fetchall()]


# --- what works and must keep working ------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "accepted"),
    [
        ("bom.csv", "\ufeff" + EVENTS_HEADER + "\n" + ROW + "\n", 1),
        ("crlf.csv", EVENTS_HEADER + "\r\n" + ROW + "\r\n" + ROW.replace("e1", "e2") + "\r\n", 2),
        ("quoted.csv", EVENTS_HEADER + '\n"e\n1","p,1",t1,US,2025-03-25T10:00:00Z,3600\n', 1),
        ("header_only.csv", EVENTS_HEADER + "\n", 0),
        ("extra.csv", EVENTS_HEADER + ",extra\n" + ROW + ",x\n", 1),
        ("spaces.csv", EVENTS_HEADER + "\ne1,p1,t1,US,2025-03-25T10:00:00Z,  42 \n", 1),
        ("bom.tsv", ("\ufeff" + EVENTS_HEADER + "\n" + ROW + "\n").replace(",", "\t"), 1),
    ],
)
def test_text_variants_are_read(
    store_with_catalog: Path, tmp_path: Path, name: str, data: str, accepted: int
) -> None:
    report = ingest(store_with_catalog, tmp_path / name, data)
    assert report["accepted"] == accepted and report["quarantined"] == 0


def test_odd_offsets_are_honoured(store_with_catalog: Path, tmp_path: Path) -> None:
    rows = [f"e{i},p1,t1,US,{ts},1" for i, ts in enumerate(
        ["2025-03-25T10:00:00+14:00", "2025-03-25T10:00:00-12:00", "2025-03-25T10:00:00+0530"])]
    path = tmp_path / "o.csv"
    path.write_text("\n".join([EVENTS_HEADER, *rows]) + "\n")
    api.ingest(events=[path], db=store_with_catalog, keep_events=True)
    with store.opened(store_with_catalog, read_only=True) as con:
        got = [str(r[0]) for r in con.execute(
            f"SELECT started_at FROM {kept_events_sql(store_with_catalog)} "
            "ORDER BY source_row").fetchall()]
        # and the rollup counts each on its UTC day
        days = con.execute("SELECT day, events FROM daily_viewing ORDER BY day").fetchall()
    assert [(str(d), n) for d, n in days] == [("2025-03-24", 1), ("2025-03-25", 2)]
    assert got == ["2025-03-24 20:00:00", "2025-03-25 22:00:00", "2025-03-25 04:30:00"]


def test_leap_days_and_out_of_range_years(store_with_catalog: Path, tmp_path: Path) -> None:
    stamps = ["2024-02-29T10:00:00Z", "2025-02-29T10:00:00Z", "1899-12-31T10:00:00Z",
              "2200-01-01T10:00:00Z"]
    rows = [f"e{i},p1,t1,US,{ts},1" for i, ts in enumerate(stamps)]
    report = ingest(store_with_catalog, tmp_path / "l.csv", "\n".join([EVENTS_HEADER, *rows]))
    assert report["accepted"] == 1
    assert [r[1] for r in reasons(store_with_catalog)] == ["unparseable_timestamp"] * 3


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("empty.csv", b"", "empty"),
        ("latin1.csv", (EVENTS_HEADER + "\ne1,p\xe9,t1,US,2025-03-25T10:00:00Z,1\n")
         .encode("latin-1"), "UTF-8"),
        ("cut.csv.gz", gzip.compress((EVENTS_HEADER + "\n" + ROW + "\n").encode())[:40],
         "decompressed"),
        ("text.parquet", (EVENTS_HEADER + "\n" + ROW + "\n").encode(), "not a Parquet file"),
        ("some.csv", b"profile_id,title_id\np1,t1\n", "missing column"),
    ],
)
def test_bad_files_are_refused_whole(
    store_with_catalog: Path, tmp_path: Path, name: str, data: bytes, words: str
) -> None:
    good = tmp_path / "a_good.csv"
    good.write_text(EVENTS_HEADER + "\n" + ROW + "\n")
    bad = tmp_path / name
    bad.write_bytes(data)
    with pytest.raises(ValueError, match=words) as err:
        api.ingest(events=[good, bad], db=store_with_catalog)
    assert str(bad) in str(err.value)
    with store.opened(store_with_catalog, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM daily_viewing").fetchone() == (0,)
        assert con.execute("SELECT count(*) FROM event_fingerprints").fetchone() == (0,)


def test_same_file_twice_and_ids_across_files_count_once(
    store_with_catalog: Path, tmp_path: Path
) -> None:
    a = tmp_path / "a.csv"
    a.write_text(f"{EVENTS_HEADER}\n{ROW}\ne2,p1,t1,US,2025-03-25T10:00:00Z,5\n")
    b = tmp_path / "b.csv"
    b.write_bytes(a.read_bytes())
    c = tmp_path / "c.csv"
    c.write_text(f"{EVENTS_HEADER}\ne2,p9,t1,US,2025-03-25T10:00:00Z,5\n")
    report = api.ingest(events=[a, b, str(a), c], db=store_with_catalog)
    assert (report["read"], report["accepted"], report["duplicates"]) == (5, 2, 3)


def test_folder_skips_hidden_files_and_empty_glob_is_refused(
    store_with_catalog: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "drop"
    (folder / ".git").mkdir(parents=True)
    (folder / ".git" / "x.csv").write_text("garbage")
    (folder / ".hidden.csv").write_text("garbage")
    (folder / "ok.csv").write_text(EVENTS_HEADER + "\n" + ROW + "\n")
    assert api.ingest(events=[folder], db=store_with_catalog)["accepted"] == 1
    with pytest.raises(ValueError, match="no readable files match"):
        api.ingest(events=[str(tmp_path / "nothing-*.csv")], db=store_with_catalog)


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("t1,A,,film,en,100,2025-01-01,true\nt1,B,,film,en,100,2025-01-01,true",
         "appears more than once"),
        ("t1,A,,film,eng,100,2025-01-01,true", "ISO 639-1"),
        ("t1,A,,film,en,100,2025-02-30,true", "not a date"),
        ("t1,A,,Movie,en,100,2025-01-01,true", "film or tv"),
    ],
)
def test_bad_catalog_is_refused_naming_row(tmp_path: Path, row: str, problem: str) -> None:
    catalog = tmp_path / "cat.csv"
    catalog.write_text(
        "title_id,show_title,season_title,kind,original_language,runtime_minutes,"
        f"release_date,original\n{row}\n")
    with pytest.raises(ValueError, match=problem) as err:
        api.ingest(catalog=catalog, db=tmp_path / "s.duckdb")
    assert f"{catalog} row 1" in str(err.value)


def test_catalog_kind_and_language_in_capitals_are_normalised(tmp_path: Path) -> None:
    catalog = tmp_path / "cat.csv"
    catalog.write_text(
        "title_id,show_title,season_title,kind,original_language,runtime_minutes,"
        "release_date,original\nt1,A,,Film,EN,100,2025-01-01,true\n"
        "t2,B,B: Season 1,TV,Ko,100,2025-01-01,false\n")
    db = tmp_path / "s.duckdb"
    api.ingest(catalog=catalog, db=db)
    with store.opened(db, read_only=True) as con:
        assert con.execute("SELECT kind, original_language FROM catalog ORDER BY title_id"
                           ).fetchall() == [("film", "en"), ("tv", "ko")]


# --- defects found -------------------------------------------------------------------------


def test_jsonl_with_byte_order_mark_is_read(store_with_catalog: Path, tmp_path: Path) -> None:
    """docs/engine-inputs.md: 'Text is UTF-8 (a byte-order mark is fine)'. A JSON Lines file
    saved with a BOM had its first (valid) row quarantined as missing every field."""
    data = "\ufeff" + JSON_ROW + "\n" + JSON_ROW.replace('"e1"', '"e2"') + "\n"
    report = ingest(store_with_catalog, tmp_path / "bom.jsonl", data)
    assert (report["accepted"], report["quarantined"]) == (2, 0), reasons(store_with_catalog)


def test_jsonl_catalog_with_byte_order_mark_is_read(tmp_path: Path) -> None:
    catalog = tmp_path / "cat.jsonl"
    catalog.write_text(
        '\ufeff{"title_id":"t1","show_title":"A","kind":"film","original_language":"en",'
        '"runtime_minutes":100,"release_date":"2025-01-01","original":true}\n')
    report = api.ingest(catalog=catalog, db=tmp_path / "s.duckdb")
    assert report["catalog"]["titles"] == 1


def test_unnamed_header_column_is_an_ignored_extra(
    store_with_catalog: Path, tmp_path: Path
) -> None:
    """A header ending in a comma (spreadsheet exports) has an unnamed extra column; extra
    columns are ignored. It used to fail with DuckDB's 'zero-length delimited identifier'."""
    report = ingest(store_with_catalog, tmp_path / "trailing.csv",
                    EVENTS_HEADER + ",\n" + ROW + ",\n")
    assert report["accepted"] == 1


def test_huge_whole_seconds_are_over_24_hours(store_with_catalog: Path, tmp_path: Path) -> None:
    """'99999999999999999999999' is a whole number above 86,400: over_24_hours, not 'not a
    whole number' (and a huge negative one is negative_seconds)."""
    data = (f"{EVENTS_HEADER}\ne1,p1,t1,US,2025-03-25T10:00:00Z,99999999999999999999999\n"
            "e2,p1,t1,US,2025-03-25T10:00:00Z,-99999999999999999999\n"
            "e3,p1,t1,US,2025-03-25T10:00:00Z,0000000000000000000060\n")
    report = ingest(store_with_catalog, tmp_path / "huge.csv", data)
    got = reasons(store_with_catalog)
    assert [r[1] for r in got] == ["over_24_hours", "negative_seconds"], got
    assert "99999999999999999999999" in got[0][2]
    assert report["accepted"] == 1


def test_unterminated_quote_does_not_swallow_the_rest_of_the_file(
    store_with_catalog: Path, tmp_path: Path
) -> None:
    """An opening quote that never closes made DuckDB read every later line into one field:
    the file 'read' one row where it holds three. A malformed file is refused whole."""
    data = (f"{EVENTS_HEADER}\ne1,\"p1,t1,US,2025-03-25T10:00:00Z,3600\n"
            "e2,p2,t1,US,2025-03-25T10:00:00Z,5\ne3,p3,t1,US,2025-03-25T10:00:00Z,5\n")
    path = tmp_path / "quote.csv"
    path.write_text(data)
    with pytest.raises(ValueError, match="quote") as err:
        api.ingest(events=[path], db=store_with_catalog)
    assert str(path) in str(err.value)


@pytest.mark.parametrize("suffix", [".csv", ".csv.gz"])
def test_unterminated_quote_past_the_sample_is_found(
    store_with_catalog: Path, tmp_path: Path, suffix: str
) -> None:
    """The same beyond the first 256 KiB (where the header sample ends), while a stray quote
    inside an unquoted value (read as a literal) is still accepted."""
    body = "".join(f"e{i},p{i},t1,US,2025-03-25T10:00:00Z,{i % 100}\n" for i in range(12_000))
    stray = f"{EVENTS_HEADER}\n{body}x1,p\"q,t1,US,2025-03-25T10:00:00Z,1\n"
    bad = f"{EVENTS_HEADER}\n{body}x1,\"p,t1,US,2025-03-25T10:00:00Z,1\n{body.replace('e', 'f')}"
    encode = gzip.compress if suffix.endswith(".gz") else (lambda b: b)
    assert ingest(store_with_catalog, tmp_path / f"stray{suffix}",
                  encode(stray.encode()))["accepted"] == 12_001
    path = tmp_path / f"bad{suffix}"
    path.write_bytes(encode(bad.encode()))
    with pytest.raises(ValueError, match="row 12001: a quoted value never closes"):
        api.ingest(events=[path], db=store_with_catalog)
