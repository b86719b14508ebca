"""Decide, row by row, whether a viewing event can be counted: backend-neutral Ibis.

The same expression runs on DuckDB (``starchart ingest``) and on Spark
(:mod:`starchart.engine.spark_inputs`), so both engines quarantine exactly the same rows for
the same reasons. Columns come typed where the file format has types (a Parquet timestamp, an
integer ``seconds_viewed``) and as text otherwise; text is parsed here with string functions
and ``try_cast`` on a normalised timestamp text, because the backends' own ISO 8601 parsers
disagree on offsets, ``24:00``, extra fraction digits and the like. A typed value gets the
same checks (and the same reason and detail) as its text would.
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


def _blank(value: ir.Value) -> ir.BooleanValue:
    """NULL, or (text) empty or only whitespace."""
    if not value.type().is_string():
        return value.isnull()
    text: ir.StringValue = value  # type: ignore[assignment]
    # Only text starting with a space or control character can be blank: the pattern runs
    # on those alone (three times cheaper on DuckDB than running it on every value).
    return text.isnull() | ibis.ifelse(text < "!", text.re_search(_BLANK_RE), False)


def _as_text(value: ir.Value) -> ir.StringValue:
    """The value as the text a reader would have given (typed columns are cast)."""
    return value if value.type().is_string() else value.cast("string")  # type: ignore[return-value]


#: Years a timestamp may have (as in the ISO 8601 pattern: 1900-2199).
_FIRST_YEAR, _LAST_YEAR = 1900, 2199


def _started_at_utc(value: ir.Value) -> ir.TimestampValue:
    """Text -> parsed UTC timestamp; a typed timestamp (already UTC) -> itself, in range."""
    if value.type().is_timestamp():
        ts: ir.TimestampValue = value  # type: ignore[assignment]
        year = ts.year()
        in_range = (year >= _FIRST_YEAR) & (year <= _LAST_YEAR)
        return ibis.ifelse(in_range, ts.cast("timestamp"), ibis.null("timestamp")).cast(
            "timestamp")
    return parse_started_at(value)  # type: ignore[arg-type]


def _seconds(value: ir.Value) -> ir.IntegerValue:
    """Text -> whole seconds (NULL when not whole or beyond int64); an integer -> itself."""
    if value.type().is_integer():
        return value.cast("int64")  # type: ignore[return-value]
    return parse_seconds(value)  # type: ignore[arg-type]


def _huge(value: ir.Value) -> ir.IntegerValue:
    """The sign of a whole number too large for int64 (0 otherwise; never for integers)."""
    if value.type().is_integer():
        return ibis.literal(0, "int64")
    text: ir.StringValue = value  # type: ignore[assignment]
    return ibis.ifelse(
        text.re_search(_SECONDS_RE) & parse_seconds(text).isnull(),
        ibis.ifelse(text.strip().startswith("-"), -1, 1),
        0,
    )


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


def country_codes() -> ir.Table:
    """The ISO 3166-1 alpha-2 codes as a one-column table (``code``)."""
    return ibis.memtable({"code": sorted(iso_alpha2_codes())})


def classify_events(
    raw: ir.Table, title_ids: ir.Table, countries: ir.Table | None = None
) -> ir.Table:
    """Every row of ``raw`` plus ``reason`` (NULL = countable), ``detail``,
    ``started_at_utc`` (naive UTC timestamp) and ``seconds`` (int64).

    ``raw`` holds string columns source_file, event_id, profile_id, title_id, country,
    started_at (or a UTC timestamp), seconds_viewed (or an integer) and int64 source_row
    (any other columns pass through);
    ``title_ids`` holds the catalog's string ``title_id``; ``countries`` the valid codes
    (``code``; default :func:`country_codes`), joined rather than listed in the expression
    (a 249-value ``IN`` costs DuckDB ten times the join). An optional string ``bad_line``
    holds the text of a JSON Lines line that is not a JSON object (NULL otherwise). The first
    failing reason in :data:`REASONS` order wins.
    """
    known = (
        title_ids.select(_st_known_id=title_ids.title_id)
        .distinct()
        .mutate(_st_known=ibis.literal(True))
    )
    codes = (countries if countries is not None else country_codes()).select(
        _st_code=lambda c: c.code, _st_valid=ibis.literal(True))
    with_title = raw.left_join(known, raw.title_id == known._st_known_id)
    joined = with_title.left_join(codes, with_title.country == codes._st_code)
    t = joined.select(
        *[joined[c] for c in raw.columns],
        _st_known=joined._st_known.notnull(),
        _st_country=joined._st_valid.notnull(),
        _st_missing=ibis.cases(
            *[(_blank(joined[c]), ibis.literal(c)) for c in REQUIRED_EVENT_COLUMNS],
            else_=ibis.null("string"),
        ),
        started_at_utc=_started_at_utc(joined.started_at),
        seconds=_seconds(joined.seconds_viewed),
        # A whole number beyond int64 is out of range, not "not a whole number": its sign.
        _st_huge=_huge(joined.seconds_viewed),
    )
    bad_line = t.bad_line if "bad_line" in t.columns else ibis.null("string")
    reason = ibis.cases(
        (bad_line.notnull(), ibis.literal(INVALID_JSON)),
        (t._st_missing.notnull(), ibis.literal(MISSING_FIELD)),
        (t.started_at_utc.isnull(), ibis.literal(UNPARSEABLE_TIMESTAMP)),
        (t.seconds.isnull() & (t._st_huge == 0), ibis.literal(INVALID_SECONDS)),
        ((t.seconds < 0) | (t._st_huge < 0), ibis.literal(NEGATIVE_SECONDS)),
        ((t.seconds > MAX_SECONDS) | (t._st_huge > 0), ibis.literal(OVER_24_HOURS)),
        (~t._st_country, ibis.literal(INVALID_COUNTRY)),
        (~t._st_known, ibis.literal(UNKNOWN_TITLE_ID)),
        else_=ibis.null("string"),
    )
    r = t.mutate(reason=reason)
    r_bad = r.bad_line if "bad_line" in r.columns else ibis.null("string")
    seconds = ibis.coalesce(r.seconds.cast("string"), _quoted(_as_text(r.seconds_viewed)))
    detail = ibis.cases(
        (r.reason.isnull(), ibis.null("string")),
        (r.reason == INVALID_JSON, "line " + _quoted(r_bad) + " is not a JSON object"),
        (r.reason == MISSING_FIELD, "missing " + r._st_missing),
        (
            r.reason == UNPARSEABLE_TIMESTAMP,
            "started_at " + _quoted(_as_text(r.started_at)) + " is not an ISO 8601 date and time",
        ),
        (
            r.reason == INVALID_SECONDS,
            "seconds_viewed " + _quoted(_as_text(r.seconds_viewed)) + " is not a whole number",
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
    """The ``event_id`` used for de-duplication: trimmed, blank meaning "none given".

    Only ids that start or end with a space or control character are trimmed (the common
    id is compared as it is: trimming every id costs DuckDB more than classifying it).
    """
    edge = (event_id.substr(0, 1) < "!") | (event_id.right(1) < "!")
    key = ibis.ifelse(edge, event_id.strip(), event_id)
    return ibis.ifelse(key == "", ibis.null("string"), key).cast("string")


def _order(t: ir.Table) -> ir.IntegerValue:
    """Load order of a row: file (``source_index``, when there are several) then row."""
    row = t.source_row.cast("int64")
    if "source_index" in t.columns:
        return t.source_index.cast("int64") * (1 << 40) + row  # rows per file < 2**40
    return row


def duplicate_rows(keys: ir.Table, known: ir.Table | None = None) -> ir.Table:
    """The rows of a load that are duplicates: ``source_index`` (if present), ``source_row``.

    ``keys`` holds one row per countable row that has an id: its ``key`` (the trimmed
    ``event_id``, or a fingerprint of it) and where it is. A row is a duplicate when an
    earlier row of the load (file order, then row order) has its key, or when its key is in
    ``known`` (one column ``key``: the ids loaded before). Written as group-by and joins
    whose big side is only scanned: counting each key once, then looking back only at keys
    seen more than once, is far cheaper than a window over every row.

    ``keys`` may carry a ``bucket``: a narrow value that equal keys share (e.g. 64 bits of a
    128-bit fingerprint). Grouping the load by it is about half the cost of grouping by the
    key, and repeats are rare, so only the rows of repeated buckets are then compared by key
    and ordered. The answer is the same with or without it (a shared bucket only widens the
    rows compared).
    """
    where = [c for c in ("source_index", "source_row") if c in keys.columns]
    compared = keys
    if "bucket" in keys.columns:
        counts = keys.group_by("bucket").aggregate(_st_n=keys.count())
        shared = counts.filter(counts._st_n > 1).select("bucket")
        compared = keys.semi_join(shared, "bucket")
    t = compared.mutate(_st_order=_order(compared))
    stats = t.group_by("key").aggregate(_st_first=t._st_order.min(), _st_n=t.count())
    repeated = stats.filter(stats._st_n > 1).select("key", "_st_first")
    later = t.join(repeated, "key")
    later = later.filter(later._st_order != later._st_first).select(*where)
    if known is None:
        return later
    seen = keys.semi_join(known, keys.key == known.key).select(*where)
    return later.union(seen, distinct=True)


def flag_duplicates(classified: ir.Table, known: ir.Table | None = None) -> ir.Table:
    """Add boolean ``duplicate``: a countable row whose ``event_id`` an earlier countable row
    of the same load already has (order: ``source_index`` if present, then ``source_row``),
    or that ``known`` (column ``key``: trimmed ids loaded before) holds.

    Quarantined rows are never duplicates (they are reported, not counted); rows without an
    ``event_id`` are never duplicates of each other. See :func:`duplicate_rows`.
    """
    t = classified.mutate(_st_key=event_key(classified.event_id))
    where = [c for c in ("source_index", "source_row") if c in t.columns]
    countable = t.filter(t.reason.isnull() & t._st_key.notnull())
    keys = countable.select(*where, key=countable._st_key)
    dupes = duplicate_rows(keys, known).mutate(_st_dup=ibis.literal(True))
    flagged = t.left_join(dupes, where)
    return flagged.select(
        *[flagged[c] for c in classified.columns],
        duplicate=flagged._st_dup.notnull(),
    )
