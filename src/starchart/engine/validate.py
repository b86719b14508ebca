"""Decide, row by row, whether a viewing event can be counted: backend-neutral Ibis.

The same expression runs on DuckDB (``starchart ingest``) and on Spark
(:mod:`starchart.engine.spark_inputs`), so both engines quarantine exactly the same rows for
the same reasons. Everything is done with string functions and ``try_cast`` on a normalised
timestamp text, because the backends' own ISO 8601 parsers disagree on offsets, ``24:00``,
extra fraction digits and the like.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from starchart.countries import iso_alpha2_codes

MISSING_FIELD = "missing_field"
UNPARSEABLE_TIMESTAMP = "unparseable_timestamp"
INVALID_SECONDS = "invalid_seconds"
NEGATIVE_SECONDS = "negative_seconds"
OVER_24_HOURS = "over_24_hours"
INVALID_COUNTRY = "invalid_country"
UNKNOWN_TITLE_ID = "unknown_title_id"

#: Every quarantine reason; when a row fails several checks the first one in this order wins.
REASONS: tuple[str, ...] = (
    MISSING_FIELD,
    UNPARSEABLE_TIMESTAMP,
    INVALID_SECONDS,
    NEGATIVE_SECONDS,
    OVER_24_HOURS,
    INVALID_COUNTRY,
    UNKNOWN_TITLE_ID,
)

#: Columns an events file must have; ``event_id`` is optional.
REQUIRED_EVENT_COLUMNS: tuple[str, ...] = (
    "profile_id",
    "title_id",
    "country",
    "started_at",
    "seconds_viewed",
)
OPTIONAL_EVENT_COLUMNS: tuple[str, ...] = ("event_id",)
EVENT_COLUMNS: tuple[str, ...] = OPTIONAL_EVENT_COLUMNS + REQUIRED_EVENT_COLUMNS

#: The longest a single event may last.
MAX_SECONDS = 86_400

# Date, time with optional seconds and fraction (digits past microseconds are dropped), then an
# optional offset: Z, +HH, +HHMM or +HH:MM. Hours stop at 23 (DuckDB would roll 24:00 over to
# the next day, Spark refuses it). Groups: 1 date, 2 hour, 3 minute, 4 second, 5 fraction,
# 6 offset. Written for both RE2 (DuckDB) and java.util.regex (Spark).
_TIMESTAMP_RE = (
    r"^((?:19|20|21)[0-9]{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01]))[Tt ]"
    r"([01][0-9]|2[0-3]):([0-5][0-9])(?::([0-5][0-9])(?:(\.[0-9]{1,6})[0-9]*)?)?"
    r" *([Zz]|[+-](?:0[0-9]|1[0-8])(?::?[0-5][0-9])?)?$"
)
# Whole numbers, optionally written with a zero fraction ("300.0" from a float column).
_SECONDS_RE = r"^[+-]?[0-9]{1,15}(?:\.0*)?$"
_DETAIL_WIDTH = 60


def _blank(value: ir.StringValue) -> ir.BooleanValue:
    return value.isnull() | (value.strip() == "")


def _quoted(value: ir.StringValue) -> ir.StringValue:
    """The value for a message, shortened so that one huge field cannot flood a report."""
    return ibis.literal("'") + value.substr(0, _DETAIL_WIDTH) + ibis.literal("'")


def _offset_seconds(offset: ir.StringValue) -> ir.IntegerValue:
    """Seconds east of UTC for ``Z``/``+09``/``+0930``/``-05:00``; 0 when absent."""
    sign = ibis.ifelse(offset.substr(0, 1) == "-", -1, 1)
    digits = offset.replace(":", "")
    hours = ibis.ifelse(offset.length() >= 3, digits.substr(1, 2), "0").try_cast("int64")
    minutes = ibis.ifelse(digits.length() >= 5, digits.substr(3, 2), "0").try_cast("int64")
    zone = sign * (hours * 3600 + minutes * 60)
    return ibis.ifelse((offset == "") | (offset.upper() == "Z"), 0, zone).cast("int64")


def parse_started_at(text: ir.StringValue) -> ir.TimestampValue:
    """ISO 8601 text -> naive UTC timestamp (NULL when it is not one).

    No offset means UTC; an offset is honoured, so ``2025-03-31T08:00:00+09:00`` becomes
    ``2025-03-30 23:00:00``.
    """
    s = text.strip()
    matched = s.re_search(_TIMESTAMP_RE)
    second = s.re_extract(_TIMESTAMP_RE, 4)
    local = (
        s.re_extract(_TIMESTAMP_RE, 1)
        + ibis.literal(" ")
        + s.re_extract(_TIMESTAMP_RE, 2)
        + ibis.literal(":")
        + s.re_extract(_TIMESTAMP_RE, 3)
        + ibis.literal(":")
        + ibis.ifelse(second == "", "00", second)
        + s.re_extract(_TIMESTAMP_RE, 5)
    )
    naive = local.try_cast("timestamp")
    offset = _offset_seconds(s.re_extract(_TIMESTAMP_RE, 6))
    utc = naive - offset.as_interval("s")
    return ibis.ifelse(matched, utc, ibis.null("timestamp")).cast("timestamp")


def parse_seconds(text: ir.StringValue) -> ir.IntegerValue:
    """Whole seconds as int64 (NULL when not a whole number)."""
    s = text.strip()
    whole = s.re_extract(r"^([+-]?[0-9]+)", 1).try_cast("int64")
    return ibis.ifelse(s.re_search(_SECONDS_RE), whole, ibis.null("int64")).cast("int64")


def classify_events(raw: ir.Table, title_ids: ir.Table) -> ir.Table:
    """Every row of ``raw`` plus ``reason`` (NULL = countable), ``detail``,
    ``started_at_utc`` (naive UTC timestamp) and ``seconds`` (int64).

    ``raw`` holds string columns source_file, event_id, profile_id, title_id, country,
    started_at, seconds_viewed and int64 source_row (any other columns pass through);
    ``title_ids`` holds the catalog's string ``title_id``. The first failing reason in
    :data:`REASONS` order wins.
    """
    known = (
        title_ids.select(_st_known_id=title_ids.title_id)
        .distinct()
        .mutate(_st_known=ibis.literal(True))
    )
    joined = raw.left_join(known, raw.title_id == known._st_known_id)
    t = joined.select(
        *[joined[c] for c in raw.columns],
        _st_known=joined._st_known.notnull(),
        started_at_utc=parse_started_at(joined.started_at),
        seconds=parse_seconds(joined.seconds_viewed),
    )

    missing = ibis.cases(
        *[(_blank(t[c]), ibis.literal(f"missing {c}")) for c in REQUIRED_EVENT_COLUMNS],
        else_=ibis.null("string"),
    )
    codes = sorted(iso_alpha2_codes())
    checks: list[tuple[ir.BooleanValue, str, ir.StringValue]] = [
        (missing.notnull(), MISSING_FIELD, missing),
        (
            t.started_at_utc.isnull(),
            UNPARSEABLE_TIMESTAMP,
            "started_at " + _quoted(t.started_at) + " is not an ISO 8601 date and time",
        ),
        (
            t.seconds.isnull(),
            INVALID_SECONDS,
            "seconds_viewed " + _quoted(t.seconds_viewed) + " is not a whole number",
        ),
        (
            t.seconds < 0,
            NEGATIVE_SECONDS,
            "seconds_viewed " + t.seconds.cast("string") + " is negative",
        ),
        (
            t.seconds > MAX_SECONDS,
            OVER_24_HOURS,
            "seconds_viewed "
            + t.seconds.cast("string")
            + f" is more than 24 hours ({MAX_SECONDS} s)",
        ),
        (
            ~t.country.isin(codes),
            INVALID_COUNTRY,
            "country " + _quoted(t.country) + " is not an ISO 3166-1 alpha-2 code",
        ),
        (
            ~t._st_known,
            UNKNOWN_TITLE_ID,
            "title_id " + _quoted(t.title_id) + " is not in the catalog",
        ),
    ]
    reason = ibis.cases(*[(cond, ibis.literal(name)) for cond, name, _ in checks],
                        else_=ibis.null("string"))
    detail = ibis.cases(*[(cond, msg) for cond, _, msg in checks], else_=ibis.null("string"))
    return t.select(
        *[t[c] for c in raw.columns],
        reason=reason,
        detail=detail,
        started_at_utc=t.started_at_utc,
        seconds=t.seconds,
    )


def event_key(event_id: ir.StringValue) -> ir.StringValue:
    """The ``event_id`` used for de-duplication: trimmed, blank meaning "none given"."""
    key = event_id.strip()
    return ibis.ifelse(key == "", ibis.null("string"), key).cast("string")


def flag_duplicates(classified: ir.Table) -> ir.Table:
    """Add boolean ``duplicate``: a countable row whose ``event_id`` an earlier countable row
    of the same load already has (order: ``source_index`` if present, then ``source_row``).

    Quarantined rows are never duplicates (they are reported, not counted); rows without an
    ``event_id`` are never duplicates of each other.
    """
    t = classified
    key = event_key(t.event_id)
    countable = t.reason.isnull() & key.notnull()
    order = [t.source_index, t.source_row] if "source_index" in t.columns else [t.source_row]
    position = ibis.row_number().over(ibis.window(group_by=[key, countable], order_by=order))
    return t.mutate(duplicate=ibis.ifelse(countable, position > 0, False))
