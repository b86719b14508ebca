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

INVALID_JSON = "invalid_json"
MISSING_FIELD = "missing_field"
UNPARSEABLE_TIMESTAMP = "unparseable_timestamp"
INVALID_SECONDS = "invalid_seconds"
NEGATIVE_SECONDS = "negative_seconds"
OVER_24_HOURS = "over_24_hours"
INVALID_COUNTRY = "invalid_country"
UNKNOWN_TITLE_ID = "unknown_title_id"

#: Every quarantine reason; when a row fails several checks the first one in this order wins.
REASONS: tuple[str, ...] = (
    INVALID_JSON,
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
# the next day, Spark refuses it); years at 1900-2199. Groups: 1 date, 2 hour, 3 minute,
# 4 second, 5 fraction, 6 offset. Written for both RE2 (DuckDB) and java.util.regex (Spark).
_TIMESTAMP_RE = (
    r"^((?:19|20|21)[0-9]{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01]))[Tt ]"
    r"([01][0-9]|2[0-3]):([0-5][0-9])(?::([0-5][0-9])(?:(\.[0-9]{1,6})[0-9]*)?)?"
    r" *([Zz]|[+-](?:0[0-9]|1[0-8])(?::?[0-5][0-9])?)?$"
)
# The common shapes both engines' own casts read identically (UTC, no numeric offset, seconds
# present): checked with one cheap pattern and cast directly, skipping the normalisation.
_FAST_TIMESTAMP_RE = (
    r"^[ \t]*(?:19|20|21)[0-9]{2}-[0-9]{2}-[0-9]{2}[T ](?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"
    r"(?:\.[0-9]+)?Z?[ \t]*$"
)
# Whole numbers, optionally written with a zero fraction ("300.0" from a float column). Any
# number of digits: one too large for int64 is still whole, and out of range (see below).
_SECONDS_RE = r"^[ \t]*[+-]?[0-9]+(?:\.0*)?[ \t]*$"
_BLANK_RE = r"^[ \t\r\n]*$"
_DETAIL_WIDTH = 60


def _blank(value: ir.StringValue) -> ir.BooleanValue:
    return value.isnull() | value.re_search(_BLANK_RE)


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


def _normalised_timestamp(text: ir.StringValue) -> ir.TimestampValue:
    """Any accepted shape -> ``YYYY-MM-DD HH:MM:SS[.ffffff]`` cast, minus the offset."""
    s = text.strip()
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
    offset = _offset_seconds(s.re_extract(_TIMESTAMP_RE, 6))
    utc = local.try_cast("timestamp") - offset.as_interval("s")
    return ibis.ifelse(s.re_search(_TIMESTAMP_RE), utc, ibis.null("timestamp")).cast("timestamp")


def parse_started_at(text: ir.StringValue) -> ir.TimestampValue:
    """ISO 8601 text -> naive UTC timestamp (NULL when it is not one).

    No offset means UTC; an offset is honoured, so ``2025-03-31T08:00:00+09:00`` becomes
    ``2025-03-30 23:00:00``. Backend casts disagree on offsets (DuckDB ignores them into a
    TIMESTAMP), so only the offset-free common shapes are cast directly.
    """
    fast = text.re_search(_FAST_TIMESTAMP_RE)
    return ibis.ifelse(
        fast, text.try_cast("timestamp"), _normalised_timestamp(text)
    ).cast("timestamp")


def parse_seconds(text: ir.StringValue) -> ir.IntegerValue:
    """Whole seconds as int64 (NULL when not a whole number, or too large for int64)."""
    whole = ibis.ifelse(text.contains("."), text.re_extract(r"^[ \t]*([+-]?[0-9]+)", 1), text)
    return ibis.ifelse(
        text.re_search(_SECONDS_RE), whole.try_cast("int64"), ibis.null("int64")
    ).cast("int64")


def invalid_json_detail(line: str) -> str:
    """The detail of an ``invalid_json`` row, for engines that find such lines themselves
    (the same text as :func:`classify_events` gives)."""
    return f"line '{line[:_DETAIL_WIDTH]}' is not a JSON object"


def classify_events(raw: ir.Table, title_ids: ir.Table) -> ir.Table:
    """Every row of ``raw`` plus ``reason`` (NULL = countable), ``detail``,
    ``started_at_utc`` (naive UTC timestamp) and ``seconds`` (int64).

    ``raw`` holds string columns source_file, event_id, profile_id, title_id, country,
    started_at, seconds_viewed and int64 source_row (any other columns pass through);
    ``title_ids`` holds the catalog's string ``title_id``. An optional string ``bad_line``
    holds the text of a JSON Lines line that is not a JSON object (NULL otherwise). The first
    failing reason in :data:`REASONS` order wins.
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
        _st_missing=ibis.cases(
            *[(_blank(joined[c]), ibis.literal(c)) for c in REQUIRED_EVENT_COLUMNS],
            else_=ibis.null("string"),
        ),
        started_at_utc=parse_started_at(joined.started_at),
        seconds=parse_seconds(joined.seconds_viewed),
        # A whole number beyond int64 is out of range, not "not a whole number": its sign.
        _st_huge=ibis.ifelse(
            joined.seconds_viewed.re_search(_SECONDS_RE)
            & parse_seconds(joined.seconds_viewed).isnull(),
            ibis.ifelse(joined.seconds_viewed.strip().startswith("-"), -1, 1),
            0,
        ),
    )
    codes = sorted(iso_alpha2_codes())
    bad_line = t.bad_line if "bad_line" in t.columns else ibis.null("string")
    reason = ibis.cases(
        (bad_line.notnull(), ibis.literal(INVALID_JSON)),
        (t._st_missing.notnull(), ibis.literal(MISSING_FIELD)),
        (t.started_at_utc.isnull(), ibis.literal(UNPARSEABLE_TIMESTAMP)),
        (t.seconds.isnull() & (t._st_huge == 0), ibis.literal(INVALID_SECONDS)),
        ((t.seconds < 0) | (t._st_huge < 0), ibis.literal(NEGATIVE_SECONDS)),
        ((t.seconds > MAX_SECONDS) | (t._st_huge > 0), ibis.literal(OVER_24_HOURS)),
        (~t.country.isin(codes), ibis.literal(INVALID_COUNTRY)),
        (~t._st_known, ibis.literal(UNKNOWN_TITLE_ID)),
        else_=ibis.null("string"),
    )
    r = t.mutate(reason=reason)
    r_bad = r.bad_line if "bad_line" in r.columns else ibis.null("string")
    seconds = ibis.coalesce(r.seconds.cast("string"), _quoted(r.seconds_viewed))
    detail = ibis.cases(
        (r.reason.isnull(), ibis.null("string")),
        (r.reason == INVALID_JSON, "line " + _quoted(r_bad) + " is not a JSON object"),
        (r.reason == MISSING_FIELD, "missing " + r._st_missing),
        (
            r.reason == UNPARSEABLE_TIMESTAMP,
            "started_at " + _quoted(r.started_at) + " is not an ISO 8601 date and time",
        ),
        (
            r.reason == INVALID_SECONDS,
            "seconds_viewed " + _quoted(r.seconds_viewed) + " is not a whole number",
        ),
        (r.reason == NEGATIVE_SECONDS, "seconds_viewed " + seconds + " is negative"),
        (
            r.reason == OVER_24_HOURS,
            "seconds_viewed " + seconds + f" is more than 24 hours ({MAX_SECONDS} s)",
        ),
        (
            r.reason == INVALID_COUNTRY,
            "country " + _quoted(r.country) + " is not an ISO 3166-1 alpha-2 code",
        ),
        else_="title_id " + _quoted(r.title_id) + " is not in the catalog",
    )
    return r.select(
        *[r[c] for c in raw.columns],
        reason=r.reason,
        detail=detail,
        started_at_utc=r.started_at_utc,
        seconds=r.seconds,
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
