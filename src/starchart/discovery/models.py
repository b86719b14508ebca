"""The discovery models' mathematics: pure numpy/scipy, no I/O, no backends.

* :func:`ease` -- EASE (Steck 2019), the closed-form item-item model: from the item Gram
  matrix ``G = X'X`` it solves ``B = argmin ||X - XB||^2 + l2 ||B||^2, diag(B) = 0``, i.e.
  ``P = (G + l2 I)^-1``, ``B[i, j] = -P[i, j] / P[j, j]``. Row ``i`` of ``B`` says how much
  watching ``i`` predicts each other title: "more like this", and picks are ``x_u B``.
* :func:`metadata_features` / :func:`add_metadata_gram` -- catalog metadata (genres,
  directors, cast, original language, the show) as extra "pseudo-profiles" in the Gram
  matrix (EASE with side information, Jeunen et al. 2020): a title nobody has watched yet
  is still tied to the titles that share its language, genres and people.
* :func:`ials` -- the other anchor, implicit ALS, through the ``implicit`` library.
* :func:`top_k` -- the stored neighbour lists; :func:`cosine_from_gram` -- co-charting.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.linalg import lapack

#: How much each kind of metadata counts (before IDF), relative to one shared genre.
FEATURE_WEIGHTS: dict[str, float] = {
    "show": 3.0,       # seasons of one show belong together
    "language": 1.5,   # audiences follow languages (the charts' own split)
    "genre": 1.0,
    "director": 1.5,
    "cast": 1.0,
    "kind": 0.5,       # film or series
}


@dataclass(frozen=True)
class TitleMetadata:
    """What the catalog says about one title, as the metadata features read it."""

    show_title: str
    kind: str
    original_language: str
    genres: tuple[str, ...] = ()
    directors: tuple[str, ...] = ()
    cast: tuple[str, ...] = ()


def split_list(value: str | None) -> tuple[str, ...]:
    """The catalog's ``'|'``-separated lists (genres, directors, cast) as a tuple."""
    if not value:
        return ()
    return tuple(dict.fromkeys(p.strip() for p in value.split("|") if p.strip()))


def metadata_features(titles: Sequence[TitleMetadata]) -> sp.csr_matrix:
    """Titles x features, each row L2-normalised (so ``F F'`` is a cosine similarity).

    A feature is weighted by its kind (:data:`FEATURE_WEIGHTS`) and by its rarity (IDF:
    sharing a director says more than sharing "drama" or English). Features held by one
    title only, or by every title, are dropped: they tie it to nothing or to everything.
    """
    columns: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    for i, t in enumerate(titles):
        feats: dict[str, float] = {}
        feats[f"show:{t.show_title.casefold()}"] = FEATURE_WEIGHTS["show"]
        feats[f"language:{t.original_language.casefold()}"] = FEATURE_WEIGHTS["language"]
        feats[f"kind:{t.kind}"] = FEATURE_WEIGHTS["kind"]
        for kind, names in (("genre", t.genres), ("director", t.directors),
                            ("cast", t.cast)):
            for name in names:
                feats[f"{kind}:{name.casefold()}"] = FEATURE_WEIGHTS[kind]
        for name, weight in feats.items():
            rows.append(i)
            cols.append(columns.setdefault(name, len(columns)))
            vals.append(weight)
    n = len(titles)
    f = sp.csr_matrix((np.asarray(vals, dtype=np.float64), (rows, cols)),
                      shape=(n, len(columns)))
    df = np.asarray((f > 0).sum(axis=0)).ravel()
    # log(n / df): a feature every title has ("film" in a film catalog) links nothing
    idf = np.where(df > 1, np.log(n / np.maximum(df, 1)), 0.0)
    f = sp.csr_matrix(f @ sp.diags(idf))
    norms = np.sqrt(np.asarray(f.multiply(f).sum(axis=1)).ravel())
    f = sp.csr_matrix(sp.diags(np.where(norms > 0, 1.0 / np.maximum(norms, 1e-300), 0.0)) @ f)
    f.eliminate_zeros()
    return f


def add_metadata_gram(gram: np.ndarray, features: sp.csr_matrix, weight: float,
                      chunk: int = 1024) -> None:
    """``gram += weight * F F'`` in place, a block of rows at a time (bounded memory)."""
    if weight <= 0 or features.shape[1] == 0:
        return
    ft = sp.csr_matrix(features.T)
    for start in range(0, gram.shape[0], chunk):
        block = features[start:start + chunk] @ ft
        gram[start:start + chunk] += weight * block.toarray()


def ease(gram: np.ndarray, l2: float, *, overwrite: bool = False) -> np.ndarray:
    """EASE's item-item weights ``B`` (zero diagonal) from a symmetric Gram matrix.

    ``(G + l2 I)`` is positive definite for ``l2 > 0``, so it is inverted by Cholesky
    (LAPACK potrf/potri, in place when ``overwrite``): about n^3 flops and, with
    ``overwrite``, no n x n copy beyond the one matrix -- 200 MB for 5,000 titles.
    """
    if l2 <= 0:
        raise ValueError(f"EASE needs a positive L2 penalty, got {l2}")
    n = gram.shape[0]
    if n == 0:
        return np.zeros((0, 0))
    p = gram if overwrite and gram.dtype == np.float64 and gram.flags.c_contiguous \
        else np.array(gram, dtype=np.float64, order="C", copy=True)
    p[np.diag_indices(n)] += l2
    # LAPACK is column-major: ``p.T`` is the same memory in Fortran order, and its lower
    # triangle is our upper one. Both calls work in place on that memory.
    c, info = lapack.dpotrf(p.T, lower=True, overwrite_a=True, clean=False)
    if info != 0:
        raise np.linalg.LinAlgError(f"Gram matrix not positive definite (potrf info {info})")
    inv, info = lapack.dpotri(c, lower=True, overwrite_c=True)
    if info != 0:
        raise np.linalg.LinAlgError(f"Gram matrix is singular (potri info {info})")
    if not np.shares_memory(inv, p):  # LAPACK had to copy: take its result back
        p[...] = inv.T
    _symmetrise_from_upper(p)
    diag = np.diag(p).copy()
    p /= -diag[None, :]
    p[np.diag_indices(n)] = 0.0
    return p


def _symmetrise_from_upper(m: np.ndarray, chunk: int = 512) -> None:
    """Copy the upper triangle onto the lower one, in blocks (no n x n temporary)."""
    n = m.shape[0]
    for start in range(0, n, chunk):
        stop = min(n, start + chunk)
        m[start:stop, :start] = m[:start, start:stop].T
        block = m[start:stop, start:stop]
        upper = np.triu(block)
        m[start:stop, start:stop] = upper + np.triu(block, 1).T


def top_k(weights: np.ndarray, k: int, *, chunk: int = 1024, positive_only: bool = True,
          skip_diagonal: bool | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Each row's ``k`` largest entries (off the diagonal of a square item-item matrix):
    ``(columns, values)``, best first.

    Shapes ``(n, k)``; slots with no (positive) entry hold column -1 and value 0. Within the
    ``k`` kept, equal values are ordered by column. ``skip_diagonal`` defaults to "square".
    """
    n, m = weights.shape
    square = n == m if skip_diagonal is None else skip_diagonal
    k = max(0, min(k, m - 1 if square else m))
    cols = np.full((n, k), -1, dtype=np.int64)
    vals = np.zeros((n, k), dtype=np.float64)
    if k == 0:
        return cols, vals
    for start in range(0, n, chunk):
        block = np.array(weights[start:start + chunk], dtype=np.float64, copy=True)
        rows = np.arange(block.shape[0])
        if square:
            block[rows, rows + start] = -np.inf
        best = np.argpartition(-block, k - 1, axis=1)[:, :k] if k < m else \
            np.broadcast_to(np.arange(m), block.shape).copy()
        got = np.take_along_axis(block, best, axis=1)
        order = np.lexsort((best, -got), axis=1)
        best = np.take_along_axis(best, order, axis=1)
        got = np.take_along_axis(got, order, axis=1)
        keep = got > 0 if positive_only else np.isfinite(got)
        cols[start:start + block.shape[0]] = np.where(keep, best, -1)
        vals[start:start + block.shape[0]] = np.where(keep, got, 0.0)
    return cols, vals


def top_k_sparse(matrix: sp.csr_matrix, k: int) -> tuple[np.ndarray, np.ndarray]:
    """:func:`top_k` for a sparse square matrix (diagonal skipped), row by row."""
    n = matrix.shape[0]
    k = max(0, min(k, n - 1))
    cols = np.full((n, k), -1, dtype=np.int64)
    vals = np.zeros((n, k), dtype=np.float64)
    csr = sp.csr_matrix(matrix)
    for i in range(n):
        lo, hi = csr.indptr[i], csr.indptr[i + 1]
        c = csr.indices[lo:hi]
        v = csr.data[lo:hi]
        keep = (c != i) & (v > 0)
        c, v = c[keep], v[keep]
        order = np.lexsort((c, -v))[:k]
        cols[i, :len(order)] = c[order]
        vals[i, :len(order)] = v[order]
    return cols, vals


def cosine_from_gram(gram: np.ndarray, shrink: float = 0.0) -> np.ndarray:
    """``G[i, j] / (sqrt(G[i, i] G[j, j]) + shrink)``, zero diagonal: how often two titles
    appear together relative to how often each appears (shrunk towards 0 for rare pairs)."""
    diag = np.sqrt(np.clip(np.diag(gram), 0.0, None))
    denom = diag[:, None] * diag[None, :] + shrink
    out = np.divide(gram, denom, out=np.zeros_like(gram, dtype=np.float64),
                    where=denom > 0)
    np.fill_diagonal(out, 0.0)
    return out


def sparse_cosine(gram: sp.csr_matrix, shrink: float = 0.0) -> sp.csr_matrix:
    """:func:`cosine_from_gram` for a sparse symmetric Gram matrix."""
    coo = sp.coo_matrix(gram)
    diag = np.sqrt(np.clip(gram.diagonal(), 0.0, None))
    denom = diag[coo.row] * diag[coo.col] + shrink
    data = np.divide(coo.data, denom, out=np.zeros_like(coo.data, dtype=np.float64),
                     where=denom > 0)
    data[coo.row == coo.col] = 0.0
    out = sp.csr_matrix((data, (coo.row, coo.col)), shape=gram.shape)
    out.eliminate_zeros()
    return out


def sparse_gram(n: int, pairs: Iterable[tuple[np.ndarray, np.ndarray, np.ndarray]]
                ) -> sp.csr_matrix:
    """The symmetric Gram matrix from upper-triangle batches, kept sparse."""
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    data: list[np.ndarray] = []
    for i, j, v in pairs:
        off = i != j
        rows += [i, j[off]]
        cols += [j, i[off]]
        data += [v, v[off]]
    if not rows:
        return sp.csr_matrix((n, n))
    return sp.csr_matrix((np.concatenate(data), (np.concatenate(rows), np.concatenate(cols))),
                         shape=(n, n))


def gram(x: sp.csr_matrix, workers: int | None = None) -> np.ndarray:
    """The dense Gram matrix ``X'X`` (titles x titles, float64) of the profile rows ``x``.

    Accumulated pair by pair into the dense matrix (:func:`.scoring.gram_upper`), its
    upper triangle split between ``workers`` threads by rows of equal work, then mirrored:
    at 10M events / 5,000 titles about half the time of scipy's sparse product, whose
    sparse result (as large as the dense one) is then made dense."""
    from starchart.discovery.scoring import gram_upper

    x = sp.csr_matrix(x, dtype=np.float64)
    if not x.has_sorted_indices:
        x = x.sorted_indices()  # a copy: the caller's matrix is left as it was
    n = x.shape[1]
    out = np.zeros((n, n), dtype=np.float64)
    if not x.nnz:
        return out
    indptr, indices = x.indptr.astype(np.int64), x.indices.astype(np.int32)
    # the pairs each row of the upper triangle receives: one per later title in the profile
    later = np.repeat(indptr[1:], np.diff(indptr)) - np.arange(x.nnz)
    work = np.cumsum(np.bincount(indices, weights=later, minlength=n))
    threads = max(1, min(workers or min(4, os.cpu_count() or 1), n))
    cuts = [0, *np.searchsorted(work, work[-1] * np.arange(1, threads) / threads).tolist(), n]
    spans = [(a, b) for a, b in zip(cuts, cuts[1:], strict=False) if b > a]
    if len(spans) == 1:
        gram_upper(indptr, indices, x.data, out, 0, n)
    else:
        with ThreadPoolExecutor(len(spans), thread_name_prefix="starchart-gram") as pool:
            for _ in pool.map(lambda ab: gram_upper(indptr, indices, x.data, out, *ab), spans):
                pass
    _symmetrise_from_upper(out)
    return out


def default_l2(gram: np.ndarray, scale: float) -> float:
    """EASE's penalty as a multiple of the mean viewing mass per title (the Gram matrix's
    mean diagonal), so one setting fits a 900-profile and a 500,000-profile store."""
    mean = float(np.mean(np.diag(gram))) if gram.shape[0] else 0.0
    return max(scale * mean, 1.0)


def ials(user_items: sp.csr_matrix, *, factors: int = 64, regularization: float = 0.05,
         alpha: float = 2.0, iterations: int = 15, seed: int = 12
         ) -> tuple[np.ndarray, np.ndarray]:
    """Implicit ALS (Hu, Koren, Volinsky 2008) via ``implicit``: (user, item) factors.

    Confidence is ``1 + alpha * weight``; BLAS is held to one thread while fitting, as
    ``implicit`` asks, so its own threads do the work.
    """
    from implicit.cpu.als import AlternatingLeastSquares
    from threadpoolctl import threadpool_limits

    model = AlternatingLeastSquares(factors=factors, regularization=regularization,
                                    alpha=alpha, iterations=iterations, random_state=seed,
                                    calculate_training_loss=False)
    with threadpool_limits(1, "blas"):
        model.fit(sp.csr_matrix(user_items, dtype=np.float32), show_progress=False)
    return np.asarray(model.user_factors), np.asarray(model.item_factors)


@dataclass
class Picks:
    """Each profile's best unfinished titles under ``x B``, with where they come from.

    ``titles``/``scores``: ``(profiles, n)``, -1/0 where a profile has fewer positive
    scores; ``because``: ``(profiles, n, m)`` the profile's own titles contributing most to
    each pick (-1 where fewer contribute positively).
    """

    titles: np.ndarray
    scores: np.ndarray
    because: np.ndarray


def picks(x: sp.csr_matrix, finished: sp.csr_matrix, weights: np.ndarray, n: int,
          because: int = 3, chunk: int = 4096, workers: int | None = None) -> Picks:
    """Score every title for every profile as ``x B`` (EASE's prediction, negative weights
    included), drop finished titles and non-positive scores, keep the best ``n``.

    Each profile is one compiled pass (:func:`.scoring.score_block`) in float32 (half the
    memory traffic of float64, and ample precision for ranking): memory is the weight
    matrix plus one row of scores per worker, whatever the number of profiles. Blocks of
    ``chunk`` profiles go to ``workers`` threads (default: the machine's cores, at most 4);
    the compiled code runs outside the GIL.
    """
    from starchart.discovery.scoring import score_block

    profiles, n_titles = x.shape
    n = max(0, min(n, n_titles))
    out_t = np.full((profiles, n), -1, dtype=np.int64)
    out_s = np.zeros((profiles, n), dtype=np.float64)
    out_b = np.full((profiles, n, because), -1, dtype=np.int64)
    if n == 0 or profiles == 0:
        return Picks(out_t, out_s, out_b)
    x = sp.csr_matrix(x, dtype=np.float32)
    if not x.has_sorted_indices:  # because: equal contributions go to the lower title
        x = x.sorted_indices()
    done = sp.csr_matrix(finished, dtype=bool, copy=True)  # may share arrays with x
    done.eliminate_zeros()
    b32 = np.ascontiguousarray(weights, dtype=np.float32)
    indptr, indices = x.indptr.astype(np.int64), x.indices.astype(np.int32)
    fin_indptr, fin_indices = done.indptr.astype(np.int64), done.indices.astype(np.int32)

    def block_picks(start: int) -> None:
        stop = min(profiles, start + chunk)
        score_block(indptr[start:stop + 1] - indptr[start], indices[indptr[start]:],
                    x.data[indptr[start]:], fin_indptr[start:stop + 1] - fin_indptr[start],
                    fin_indices[fin_indptr[start]:], b32,
                    out_t[start:stop], out_s[start:stop], out_b[start:stop])

    starts = range(0, profiles, chunk)
    threads = workers or min(4, os.cpu_count() or 1)
    if threads <= 1 or len(starts) <= 1:
        for start in starts:
            block_picks(start)
    else:
        with ThreadPoolExecutor(threads, thread_name_prefix="starchart-picks") as pool:
            for _ in pool.map(block_picks, starts):  # re-raises a worker's error
                pass
    return Picks(out_t, out_s, out_b)
