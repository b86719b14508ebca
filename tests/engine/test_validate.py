"""classify_events: every reason, its precedence, timestamp parsing, and DuckDB == Spark."""

from __future__ import annotations

import datetime as dt
from typing import Any

import ibis
import pyarrow as pa
import pytest

from starchart.engine.validate import REASONS, classify_events, flag_duplicates

RAW_COLUMNS = (
    "source_file",
    "event_id",
    "profile_id",
    "title_id",
    "country",
    "started_at",
    "seconds_viewed",
    "bad_line",
)
RAW_SCHEMA = pa.schema([(c, pa.string()) for c in RAW_COLUMNS] + [("source_row", pa.int64())])
GOOD = {
    "source_file": "f.csv",
    "event_id": None,
    "profile_id": "p1",
    "title_id": "t1",
    "country": "US",
    "started_at": "2025-03-30T12:00:00Z",
    "seconds_viewed": "300",
    "bad_line": None,
}

# (started_at as written, UTC result or None when it must be refused)
TIMESTAMPS: list[tuple[str | None, dt.datetime | None]] = [
    ("2025-03-31T08:00:00+09:00", dt.datetime(2025, 3, 30, 23, 0)),
    ("2025-03-30T12:00:00Z", dt.datetime(2025, 3, 30, 12, 0)),
    ("2025-03-30T12:00:00z", dt.datetime(2025, 3, 30, 12, 0)),
    ("2025-03-30T12:00:00-05:00", dt.datetime(2025, 3, 30, 17, 0)),
    ("2025-03-30 12:00:00", dt.datetime(2025, 3, 30, 12, 0)),
    ("2025-03-30T12:00:00.123", dt.datetime(2025, 3, 30, 12, 0, 0, 123000)),
    ("2025-03-30T12:00:00.1234567Z", dt.datetime(2025, 3, 30, 12, 0, 0, 123456)),
    ("2025-03-30T12:00", dt.datetime(2025, 3, 30, 12, 0)),
    ("2025-03-30T12:00:00+0530", dt.datetime(2025, 3, 30, 6, 30)),
    ("2025-03-30T12:00:00+05", dt.datetime(2025, 3, 30, 7, 0)),
    ("2025-03-30T12:00:00 +01:00", dt.datetime(2025, 3, 30, 11, 0)),
    ("  2025-03-30T12:00:00Z  ", dt.datetime(2025, 3, 30, 12, 0)),
    ("2025-01-01T00:30:00+01:00", dt.datetime(2024, 12, 31, 23, 30)),
    ("2024-02-29T00:00:00", dt.datetime(2024, 2, 29, 0, 0)),
    # shapes either side of the fast path (cast directly) and the normalised one
    ("2025-03-30T12:00Z", dt.datetime(2025, 3, 30, 12, 0)),
    ("2025-03-30 12:00:00.5Z", dt.datetime(2025, 3, 30, 12, 0, 0, 500000)),
    ("2025-03-30T12:00:00.123456789", dt.datetime(2025, 3, 30, 12, 0, 0, 123456)),
    ("2025-03-30T12:00:00.5+09:00", dt.datetime(2025, 3, 30, 3, 0, 0, 500000)),
    ("2025-03-30T12:00+09:00", dt.datetime(2025, 3, 30, 3, 0)),
    ("2025-03-30t12:00:00", dt.datetime(2025, 3, 30, 12, 0)),
    ("\t2025-03-30 12:00:00", dt.datetime(2025, 3, 30, 12, 0)),
    ("2025-03-30 23:59:59-00:30", dt.datetime(2025, 3, 31, 0, 29, 59)),
    ("2025-02-29T00:00:00", None),
    ("2025-04-31T00:00:00", None),
    ("2025-03-30 24:00:00", None),
    ("2025-03-30T12:00:60", None),
    ("2025-03-30T12:00:00+19:00", None),
    ("2025-03-30", None),
    ("1899-12-31T23:00:00", None),
    ("2025-03-30T12:00:00+09:60", None),
    ("2025-3-30T12:00:00", None),
    ("30/03/2025 12:00", None),
    ("1712345678", None),
    ("yesterday", None),
]


def raw_rows(overrides: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**GOOD, "source_row": i + 1, **o} for i, o in enumerate(overrides)]


def on_duckdb(rows: list[dict[str, Any]], titles: list[str]) -> list[dict[str, Any]]:
    con = ibis.duckdb.connect()
    raw = con.create_table("raw", pa.Table.from_pylist(rows, schema=RAW_SCHEMA))
    ids = con.create_table("ids", pa.table({"title_id": pa.array(titles, pa.string())}))
    out = flag_duplicates(classify_events(raw, ids)).order_by("source_row").to_pyarrow()
    return out.to_pylist()


def on_spark(spark: Any, rows: list[dict[str, Any]], titles: list[str]) -> list[dict[str, Any]]:
    con = ibis.pyspark.connect(spark)
    schema = ", ".join(f"{c} string" for c in RAW_COLUMNS) + ", source_row long"
    spark.createDataFrame(
        [tuple(r[c] for c in (*RAW_COLUMNS, "source_row")) for r in rows], schema
    ).createOrReplaceTempView("validate_raw")
    spark.createDataFrame([(t,) for t in titles], "title_id string").createOrReplaceTempView(
        "validate_ids"
    )
    out = flag_duplicates(classify_events(con.table("validate_raw"), con.table("validate_ids")))
    return out.order_by("source_row").to_pyarrow().to_pylist()


MIXED = raw_rows(
    [
        {},
        {"profile_id": None},
        {"profile_id": "   "},
        {"title_id": ""},
        {"country": None},
        {"started_at": None},
        {"seconds_viewed": None},
        {"started_at": "not a time"},
        {"seconds_viewed": "12.5"},
        {"seconds_viewed": "abc"},
        {"seconds_viewed": "-1"},
        {"seconds_viewed": "86401"},
        {"seconds_viewed": "86400"},
        {"seconds_viewed": "0"},
        {"seconds_viewed": "300.0"},
        {"country": "UK"},
        {"country": "us"},
        {"country": "XX"},
        {"country": "GB"},
        {"title_id": "t404"},
        # precedence: every later reason is also present, the first one wins
        {"started_at": "bad", "seconds_viewed": "-5", "country": "UK", "title_id": "t404"},
        {"seconds_viewed": "x", "country": "UK"},
        {"seconds_viewed": "-5", "country": "UK", "title_id": "t404"},
        {"seconds_viewed": "90000", "title_id": "t404"},
        {"country": "UK", "title_id": "t404"},
        {"profile_id": "", "started_at": "bad"},
        {"event_id": "e1"},
        {"event_id": "e1", "seconds_viewed": "400"},
        {"event_id": "e1", "country": "UK"},
        {"event_id": " "},
        {"event_id": " "},
        # a JSON Lines line that is not an object: first in precedence, its fields all NULL
        {**dict.fromkeys(RAW_COLUMNS[1:], None), "bad_line": "{oops"},
    ]
)
EXPECTED_REASONS = [
    None,
    "missing_field",
    "missing_field",
    "missing_field",
    "missing_field",
    "missing_field",
    "missing_field",
    "unparseable_timestamp",
    "invalid_seconds",
    "invalid_seconds",
    "negative_seconds",
    "over_24_hours",
    None,
    None,
    None,
    "invalid_country",
    "invalid_country",
    "invalid_country",
    None,
    "unknown_title_id",
    "unparseable_timestamp",
    "invalid_seconds",
    "negative_seconds",
    "over_24_hours",
    "invalid_country",
    "missing_field",
    None,
    None,
    "invalid_country",
    None,
    None,
    "invalid_json",
]


def test_every_reason_and_precedence_on_duckdb() -> None:
    out = on_duckdb(MIXED, ["t1", "t2"])
    assert [r["reason"] for r in out] == EXPECTED_REASONS
    assert set(EXPECTED_REASONS) - {None} == set(REASONS)
    by_row = {r["source_row"]: r for r in out}
    assert by_row[2]["detail"] == "missing profile_id"
    assert by_row[5]["detail"] == "missing country"
    assert by_row[8]["detail"] == "started_at 'not a time' is not an ISO 8601 date and time"
    assert by_row[9]["detail"] == "seconds_viewed '12.5' is not a whole number"
    assert by_row[11]["detail"] == "seconds_viewed -1 is negative"
    assert by_row[12]["detail"] == "seconds_viewed 86401 is more than 24 hours (86400 s)"
    assert by_row[16]["detail"] == "country 'UK' is not an ISO 3166-1 alpha-2 code"
    assert by_row[20]["detail"] == "title_id 't404' is not in the catalog"
    assert by_row[32]["detail"] == "line '{oops' is not a JSON object"
    # accepted rows carry the parsed values; the raw text passes through untouched
    assert by_row[1]["started_at_utc"] == dt.datetime(2025, 3, 30, 12, 0)
    assert by_row[15]["seconds"] == 300 and by_row[15]["seconds_viewed"] == "300.0"
    assert by_row[1]["detail"] is None


def test_event_id_duplicates_first_countable_row_kept() -> None:
    out = on_duckdb(MIXED, ["t1"])
    flags = {r["source_row"]: r["duplicate"] for r in out}
    assert flags[27] is False and flags[28] is True  # second countable 'e1' is the duplicate
    assert flags[29] is False  # a quarantined row is reported, never a duplicate
    assert flags[30] is False and flags[31] is False  # blank event_id means none given


@pytest.mark.parametrize(("text", "expected"), TIMESTAMPS)
def test_timestamp_parsing_on_duckdb(text: str | None, expected: dt.datetime | None) -> None:
    (row,) = on_duckdb(raw_rows([{"started_at": text}]), ["t1"])
    assert row["started_at_utc"] == expected
    assert row["reason"] == (None if expected else "unparseable_timestamp")


def test_output_columns_and_types() -> None:
    con = ibis.duckdb.connect()
    raw = con.create_table("raw", pa.Table.from_pylist(raw_rows([{}]), schema=RAW_SCHEMA))
    ids = con.create_table("ids", pa.table({"title_id": ["t1"]}))
    schema = classify_events(raw, ids).schema()
    assert list(schema.names) == [*raw.columns, "reason", "detail", "started_at_utc", "seconds"]
    assert schema["started_at_utc"].is_timestamp() and schema["started_at_utc"].timezone is None
    assert schema["seconds"].is_int64()
    assert schema["reason"].is_string() and schema["detail"].is_string()


@pytest.mark.spark
def test_duckdb_and_spark_classify_identically(spark: Any) -> None:
    rows = MIXED + raw_rows([{"started_at": t} for t, _ in TIMESTAMPS])
    for i, row in enumerate(rows, start=1):
        row["source_row"] = i
    titles = ["t1", "t2"]
    duck = on_duckdb(rows, titles)
    sprk = on_spark(spark, rows, titles)
    assert len(duck) == len(sprk) == len(rows)
    for a, b in zip(duck, sprk, strict=True):
        assert a == b, f"row {a['source_row']}: duckdb {a} != spark {b}"
    utc = [r["started_at_utc"] for r in sprk[len(MIXED):]]
    assert utc == [expected for _, expected in TIMESTAMPS]


def _duplicates_oracle(
    keys: list[tuple[int, int, int]], known: set[int]
) -> set[tuple[int, int]]:
    """(source_index, source_row) of every row whose key an earlier row or ``known`` has."""
    seen: set[int] = set(known)
    out = set()
    for index, row, key in sorted(keys):
        if key in seen:
            out.add((index, row))
        seen.add(key)
    return out


@pytest.mark.parametrize("buckets", [None, 1, 3, 1000])
def test_duplicate_rows_with_a_bucket_answers_as_without(buckets: int | None) -> None:
    """A coarse bucket (many keys share one) only widens what is compared: the duplicates
    are exactly the oracle's, the earliest row of a repeated key kept, in file then row
    order, whatever the order the rows are stored in."""
    import random

    from starchart.engine.validate import duplicate_rows

    rng = random.Random(buckets or 7)
    keys = [(rng.randrange(3), row, rng.randrange(400)) for row in range(1, 600)]
    rng.shuffle(keys)
    known = {rng.randrange(400) for _ in range(40)}
    columns = {"source_index": pa.array([k[0] for k in keys], pa.int32()),
               "source_row": pa.array([k[1] for k in keys], pa.int64()),
               "key": pa.array([k[2] for k in keys], pa.int64())}
    if buckets is not None:
        columns["bucket"] = pa.array([k[2] % buckets for k in keys], pa.uint64())
    con = ibis.duckdb.connect()
    table = con.create_table("keys", pa.table(columns))
    stored = con.create_table("known", pa.table({"key": pa.array(sorted(known), pa.int64())}))
    found = duplicate_rows(table, stored).to_pyarrow().to_pylist()
    got = {(r["source_index"], r["source_row"]) for r in found}
    assert len(found) == len(got)  # each duplicate named once
    assert got == _duplicates_oracle(keys, known)
    assert got  # the sample has repeats within the load and against the store
