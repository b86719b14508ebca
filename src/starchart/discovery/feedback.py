"""Implicit feedback as backend-neutral Ibis expressions: what each profile watched and how
much it counts -- the data-heavy part of training (events in, profile x title rows out), run
unchanged on the DuckDB store and on Spark -- and the co-occurrence (Gram) of baskets.

How viewing counts (docs/discovery.md):

* ``completion = seconds_viewed / (runtime_minutes * 60)``: how much of the title (a film, or
  a whole season) the profile has seen, summed over all its sessions.
* ``weight = sqrt(min(completion, 1))``: a two-minute sample of a film (3%) counts 0.18, half
  of it 0.71, all of it 1. Sampling says little about taste and watching to the end says the
  most, with diminishing returns; a rewatch adds nothing beyond 1. ``sessions`` is not
  used: for a series it mostly counts episodes, which completion already measures.
* ``finished``: ``completion >= 0.9`` -- the credits roll before the runtime ends, and a
  season counts as finished once 90% of its episodes' minutes are seen. Picks never offer a
  finished title.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

FINISHED_SHARE = 0.9

#: The profile x title summary training reads (one row per profile_id, title_id), as the
#: engine's ingest keeps it in the store's ``profile_title`` table.
PROFILE_TITLE_COLUMNS = ("profile_id", "title_id", "seconds_viewed", "sessions",
                         "first_watched", "last_watched")


def profile_title_from_events(events: ir.Table) -> ir.Table:
    """The ``profile_title`` summary from raw viewing events (one session per event).

    The one derivation of it in discovery: where the store keeps ``profile_title`` itself,
    that table is read instead and this is not used.
    """
    return events.group_by("profile_id", "title_id").aggregate(
        seconds_viewed=events.seconds_viewed.sum().cast("int64"),
        sessions=events.count().cast("int64"),
        first_watched=events.started_at.min(),
        last_watched=events.started_at.max(),
    )


def interactions(profile_title: ir.Table, titles: ir.Table) -> ir.Table:
    """One row per profile and title with the model's ``weight`` and ``finished``.

    ``titles`` holds ``title_id``, ``ix`` (the title's row in the model) and
    ``runtime_minutes``; viewing of titles not in it, and rows with no seconds, are left out.
    """
    joined = profile_title.join(titles, "title_id")
    counted = joined.filter(joined.seconds_viewed > 0, joined.runtime_minutes > 0)
    completion = counted.seconds_viewed.cast("float64") / (
        counted.runtime_minutes.cast("float64") * 60.0)
    return counted.select(
        "profile_id",
        "title_id",
        "ix",
        weight=completion.clip(upper=1.0).sqrt(),
        finished=completion >= FINISHED_SHARE,
    )


def totals(inter: ir.Table) -> ir.Table:
    """One row: ``profiles`` and ``interactions`` (profile x title rows) the model learns
    from."""
    return inter.aggregate(profiles=inter.profile_id.nunique().cast("int64"),
                           interactions=inter.count().cast("int64"))


def gram(inter: ir.Table) -> ir.Table:
    """The upper triangle of the Gram matrix ``X'X``: ``(i, j, value)`` with ``i <= j`` and
    ``value = sum over profiles of weight_i * weight_j``.

    One self-join and one aggregation, bounded by titles^2 / 2 whatever the input. Used for
    co-charting (lists of ten); for viewing, whose profiles watch dozens of titles each, the
    same matrix is a sparse product on the driver, measured nine times faster.
    """
    left = inter.select("profile_id", i=inter.ix, wi=inter.weight)
    other = inter.view()
    right = other.select(pj=other.profile_id, j=other.ix, wj=other.weight)
    pairs = left.join(right, [left.profile_id == right.pj, left.i <= right.j])
    return pairs.group_by("i", "j").aggregate(value=(pairs.wi * pairs.wj).sum())


def unit_weights(baskets: ir.Table) -> ir.Table:
    """``(profile_id, ix)`` rows as interactions of weight 1 (co-charting lists)."""
    return baskets.select("profile_id", "ix", weight=ibis.literal(1.0, "float64"))
