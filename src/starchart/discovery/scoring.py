"""Every profile's picks in one compiled pass (numba): score, best ``n``, ``because``.

:func:`.models.picks` hands this module blocks of profiles. For each profile, one pass
adds up the rows of EASE's ``B`` for the titles it watched (``x_u B``, four rows at a time,
so the running scores are read and written a quarter as often), zeroes the titles it
finished, keeps its best ``n`` by insertion (a title enters only above the ``n``-th
score, so most titles cost one comparison), and then, while the rows it just read are
still in cache, finds for each pick the ``m`` watched titles that contributed most.

Measured at 10M events / 5,000 titles / 100,000 profiles against the numpy/scipy blocks it
replaced (a sparse x dense product per block, an ``argpartition`` over every title, then
64-bit key sorts for ``because``): the product alone took as long as this whole pass
(docs/discovery.md). Compiled once per install (``cache=True`` keeps the machine code
beside this file); the functions release the GIL, so blocks run on threads.

Order rules, as the numpy code had them: picks best first, equal scores by title; a
pick's ``because`` strongest first, equal contributions by title; only positive scores
and contributions count.
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np

_JIT: dict[str, Any] = {"nogil": True, "cache": True, "boundscheck": False}


@numba.njit(**_JIT)
def _insert(values: Any, keys: Any, filled: int, value: Any, key: int) -> int:
    """Put ``(value, key)`` into the descending ``values`` (``filled`` used slots) if it
    beats the last kept; an equal value goes after those already kept. Returns the new
    count of used slots."""
    size = values.shape[0]
    if filled == size and value <= values[size - 1]:
        return filled
    k = filled if filled < size else size - 1
    while k > 0 and values[k - 1] < value:
        values[k] = values[k - 1]
        keys[k] = keys[k - 1]
        k -= 1
    values[k] = value
    keys[k] = key
    return filled + 1 if filled < size else filled


@numba.njit(**_JIT)
def score_block(indptr: Any, indices: Any, data: Any, fin_indptr: Any, fin_indices: Any,
                weights: Any, out_titles: Any, out_scores: Any, out_because: Any) -> None:
    """Picks for a block of profiles: rows ``indptr``/``indices``/``data`` (float32 CSR of
    the block), finished titles ``fin_indptr``/``fin_indices`` (CSR of the block's
    finished titles), ``weights`` = ``B`` (float32, C order). Writes ``out_titles``
    (profiles, n; -1 where none), ``out_scores`` (float64) and ``out_because``
    (profiles, n, m; -1 where none), which the caller fills with -1/0 beforehand."""
    n_titles = weights.shape[1]
    n = out_titles.shape[1]
    m = out_because.shape[2]
    acc = np.empty(n_titles, np.float32)
    best = np.empty(n, np.float32)
    parts = np.empty((n, m), np.float32)
    held = np.zeros(n, np.int64)
    for u in range(indptr.shape[0] - 1):
        lo, hi = indptr[u], indptr[u + 1]
        acc[:] = 0.0
        p = lo
        while p + 4 <= hi:  # four rows per sweep of the running scores
            w0, w1, w2, w3 = data[p], data[p + 1], data[p + 2], data[p + 3]
            r0, r1 = weights[indices[p]], weights[indices[p + 1]]
            r2, r3 = weights[indices[p + 2]], weights[indices[p + 3]]
            for j in range(n_titles):
                acc[j] += (w0 * r0[j] + w1 * r1[j]) + (w2 * r2[j] + w3 * r3[j])
            p += 4
        while p < hi:
            w0 = data[p]
            r0 = weights[indices[p]]
            for j in range(n_titles):
                acc[j] += w0 * r0[j]
            p += 1
        for q in range(fin_indptr[u], fin_indptr[u + 1]):
            acc[fin_indices[q]] = 0.0  # never picked: only positive scores are
        titles = out_titles[u]
        got = 0
        floor = np.float32(0.0)  # what a title must beat: 0, then the n-th best so far
        for j in range(n_titles):
            if acc[j] > floor:
                got = _insert(best, titles, got, acc[j], j)
                if got == n:
                    floor = best[n - 1]
        for s in range(got):
            out_scores[u, s] = best[s]
        if m == 0 or got == 0:
            continue
        held[:got] = 0
        for p in range(lo, hi):  # the rows just summed are still in cache
            row = weights[indices[p]]
            w0 = data[p]
            for s in range(got):
                part = w0 * row[titles[s]]
                if part > 0.0:
                    held[s] = _insert(parts[s], out_because[u, s], held[s], part,
                                      indices[p])


@numba.njit(**_JIT)
def gram_upper(indptr: Any, indices: Any, data: Any, out: Any, first: int, stop: int) -> None:
    """``out += X'X`` on and above the diagonal, rows ``first`` to ``stop`` only, for CSR
    rows with sorted titles: each profile adds the products of its own weights, pair by
    pair, into the dense matrix (no sparse intermediate). Threads given disjoint row
    ranges share one ``out``; the caller mirrors the upper triangle."""
    for u in range(indptr.shape[0] - 1):
        end = indptr[u + 1]
        for p in range(indptr[u], end):
            i = indices[p]
            if i < first:
                continue
            if i >= stop:
                break
            row = out[i]
            w = data[p]
            for q in range(p, end):
                row[indices[q]] += w * data[q]
