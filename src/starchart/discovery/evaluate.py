"""Offline measurement of recommendations: a per-profile time split, Recall@K and NDCG@K.

Pure functions over plain arrays (no store, no backend), shared by the benchmark and the
tests so that every model is scored by the same code on the same split.

* The split holds out the **last 20%** of each profile's titles by the time they were first
  watched (ties by title), at least one, for profiles with two titles or more.
* ``Recall@K = hits / min(K, |relevant|)`` (the normalised recall of Liang et al. 2018, which
  the EASE paper reports), so a perfect list scores 1.0 however many titles were held out.
* ``NDCG@K``: binary gains, log2 discount, divided by the ideal list's DCG.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

HOLD_OUT = 0.2


@dataclass(frozen=True)
class Split:
    """Each profile's earlier titles (``train``) and later ones (``test``), by position."""

    train: dict[str, list[str]]
    test: dict[str, list[str]]


def time_split(rows: Iterable[tuple[str, str, float]], hold_out: float = HOLD_OUT) -> Split:
    """Split ``(profile_id, title_id, first_watched)`` rows per profile by time.

    The last ``round(hold_out * n)`` titles (at least one) of a profile with ``n >= 2``
    titles are held out; a profile with one title keeps it for training only.
    """
    if not 0.0 < hold_out < 1.0:
        raise ValueError(f"hold_out must be between 0 and 1, got {hold_out}")
    by_profile: dict[str, list[tuple[float, str]]] = {}
    for profile, title, when in rows:
        by_profile.setdefault(profile, []).append((float(when), title))
    train: dict[str, list[str]] = {}
    test: dict[str, list[str]] = {}
    for profile, items in by_profile.items():
        items.sort()
        titles = list(dict.fromkeys(t for _, t in items))
        n = len(titles)
        held = 0 if n < 2 else max(1, round(hold_out * n))
        train[profile] = titles[:n - held]
        if held:
            test[profile] = titles[n - held:]
    return Split(train, test)


def recall_at_k(ranked: Sequence[str], relevant: set[str], k: int) -> float:
    """Hits in the first ``k`` over ``min(k, |relevant|)``."""
    if not relevant:
        return 0.0
    hits = sum(1 for t in ranked[:k] if t in relevant)
    return hits / min(k, len(relevant))


def ndcg_at_k(ranked: Sequence[str], relevant: set[str], k: int) -> float:
    """Binary-gain NDCG of the first ``k``."""
    if not relevant:
        return 0.0
    dcg = sum(1.0 / math.log2(i + 2) for i, t in enumerate(ranked[:k]) if t in relevant)
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(k, len(relevant))))
    return dcg / ideal


@dataclass(frozen=True)
class Scores:
    """Mean metrics over the profiles scored."""

    recall: float
    ndcg: float
    profiles: int


def score(recommend: Callable[[str], Sequence[str]], relevant: Mapping[str, Iterable[str]],
          k: int = 20) -> Scores:
    """Mean Recall@k and NDCG@k of ``recommend(profile)`` over every profile in
    ``relevant`` with at least one relevant title."""
    recalls: list[float] = []
    ndcgs: list[float] = []
    for profile, titles in relevant.items():
        wanted = set(titles)
        if not wanted:
            continue
        ranked = list(recommend(profile))[:k]
        recalls.append(recall_at_k(ranked, wanted, k))
        ndcgs.append(ndcg_at_k(ranked, wanted, k))
    if not recalls:
        return Scores(0.0, 0.0, 0)
    return Scores(float(np.mean(recalls)), float(np.mean(ndcgs)), len(recalls))


def most_popular(train: Mapping[str, Sequence[str]]) -> Callable[[str], list[str]]:
    """The baseline: titles by how many profiles watched them in training, minus the
    profile's own (ties by title)."""
    counts: dict[str, int] = {}
    for titles in train.values():
        for t in titles:
            counts[t] = counts.get(t, 0) + 1
    ranking = sorted(counts, key=lambda t: (-counts[t], t))

    def recommend(profile: str, k: int = 20) -> list[str]:
        seen = set(train.get(profile, ()))
        out: list[str] = []
        for t in ranking:
            if t not in seen:
                out.append(t)
                if len(out) == k:
                    break
        return out

    return recommend


def top_unseen(scores: np.ndarray, seen: Sequence[int], k: int) -> list[int]:
    """Indices of the ``k`` highest ``scores`` outside ``seen`` (ties by index)."""
    s = np.array(scores, dtype=np.float64, copy=True)
    if len(seen):
        s[np.asarray(seen, dtype=np.int64)] = -np.inf
    k = min(k, len(s))
    part = np.argpartition(-s, k - 1)[:k] if k < len(s) else np.arange(len(s))
    order = sorted(part.tolist(), key=lambda i: (-s[i], i))
    return [i for i in order if np.isfinite(s[i])]
