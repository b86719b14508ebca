"""The pure parts: EASE, neighbours, metadata features, the split and the metrics, and the
feedback expressions on DuckDB checked against a pure-Python oracle."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict

import duckdb
import ibis
import numpy as np
import pyarrow as pa
import pytest
import scipy.sparse as sp

from starchart.discovery import evaluate, feedback, models


def _random_gram(seed: int = 0, users: int = 300, items: int = 40) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = (rng.random((users, items)) < 0.15) * rng.random((users, items))
    return x.T @ x


def test_ease_matches_the_closed_form() -> None:
    g = _random_gram()
    b = models.ease(g, 7.5)
    p = np.linalg.inv(g + 7.5 * np.eye(len(g)))
    expected = -p / np.diag(p)[None, :]
    np.fill_diagonal(expected, 0.0)
    assert np.allclose(b, expected, rtol=1e-9, atol=1e-12)
    assert np.all(np.diag(b) == 0)
    # in place gives the same answer and reuses the matrix
    h = g.copy()
    assert np.allclose(models.ease(h, 7.5, overwrite=True), expected, atol=1e-12)


def test_ease_minimises_its_objective() -> None:
    """B is the least-squares fit of X from X with zero diagonal: any nudge costs more."""
    rng = np.random.default_rng(3)
    x = (rng.random((200, 12)) < 0.3).astype(float)
    l2 = 4.0
    b = models.ease(x.T @ x, l2)

    def loss(m: np.ndarray) -> float:
        return float(np.sum((x - x @ m) ** 2) + l2 * np.sum(m ** 2))

    best = loss(b)
    for _ in range(20):
        nudge = rng.normal(0, 1e-3, b.shape)
        np.fill_diagonal(nudge, 0.0)
        assert loss(b + nudge) > best


def test_ease_refuses_a_bad_penalty() -> None:
    with pytest.raises(ValueError, match="positive L2"):
        models.ease(np.eye(3), 0.0)


def test_top_k_orders_and_skips_non_positive() -> None:
    w = np.array([[0.0, 0.5, 0.2, -0.1], [0.3, 0.0, 0.3, 0.0], [0.0, 0.0, 0.0, 0.0],
                  [0.1, 0.9, 0.4, 0.0]])
    cols, vals = models.top_k(w, 2)
    assert cols.tolist() == [[1, 2], [0, 2], [-1, -1], [1, 2]]
    assert vals[0].tolist() == [0.5, 0.2] and vals[2].tolist() == [0.0, 0.0]
    scols, svals = models.top_k_sparse(sp.csr_matrix(w), 2)
    assert scols.tolist() == cols.tolist() and np.allclose(svals, vals)


def test_sparse_gram_from_upper_triangle() -> None:
    i, j, v = np.array([0, 0, 1]), np.array([0, 2, 1]), np.array([2.0, 1.5, 4.0])
    dense = models.sparse_gram(3, [(i, j, v)]).toarray()
    assert dense.tolist() == [[2.0, 0.0, 1.5], [0.0, 4.0, 0.0], [1.5, 0.0, 0.0]]
    cos = models.cosine_from_gram(np.array([[4.0, 2.0], [2.0, 1.0]]))
    assert cos.tolist() == [[0.0, 1.0], [1.0, 0.0]]
    shrunk = models.sparse_cosine(sp.csr_matrix([[4.0, 2.0], [2.0, 1.0]]), shrink=2.0)
    assert shrunk.toarray()[0, 1] == pytest.approx(2.0 / 4.0)


def test_metadata_features_tie_titles_by_what_they_share() -> None:
    t = models.TitleMetadata
    titles = [t("A", "film", "ko", ("romance",), ("Han",), ("Kim",)),
              t("B", "film", "ko", ("romance",), ("Han",), ()),
              t("C", "film", "en", ("romance",), (), ()),
              t("D", "film", "en", ("horror",), (), ())]
    f = models.metadata_features(titles)
    sim = (f @ f.T).toarray()
    assert np.allclose(np.diag(sim), 1.0)
    assert sim[0, 1] > sim[0, 2] > sim[0, 3] == 0.0  # "film" is shared by all: no link
    assert models.split_list("drama| thriller||drama") == ("drama", "thriller")


def test_time_split_holds_out_the_last_fifth() -> None:
    rows = [("u", f"t{i}", float(i)) for i in range(10)] + [("v", "x", 1.0), ("v", "y", 0.0)]
    rows.append(("w", "only", 5.0))
    split = evaluate.time_split(rows)
    assert split.train["u"] == [f"t{i}" for i in range(8)]
    assert split.test["u"] == ["t8", "t9"]
    assert split.train["v"] == ["y"] and split.test["v"] == ["x"]
    assert split.train["w"] == ["only"] and "w" not in split.test
    with pytest.raises(ValueError):
        evaluate.time_split(rows, hold_out=1.0)


def test_metrics_by_hand() -> None:
    ranked = ["a", "b", "c", "d"]
    assert evaluate.recall_at_k(ranked, {"b", "z"}, 4) == 0.5
    assert evaluate.recall_at_k(ranked, {"a", "b", "c", "d", "e"}, 2) == 1.0
    assert evaluate.ndcg_at_k(ranked, {"a"}, 4) == 1.0
    assert evaluate.ndcg_at_k(ranked, {"b"}, 4) == pytest.approx(1 / math.log2(3))
    assert evaluate.ndcg_at_k(ranked, {"b", "c"}, 4) == pytest.approx(
        (1 / math.log2(3) + 1 / math.log2(4)) / (1 + 1 / math.log2(3)))
    pop = evaluate.most_popular({"u": ["a"], "v": ["a", "b"], "w": ["c", "b", "a"]})
    assert pop("u") == ["b", "c"] and pop("w") == []
    scores = evaluate.score(pop, {"u": ["c"], "v": ["c"]}, k=1)
    assert scores.recall == 0.5 and scores.profiles == 2
    assert evaluate.top_unseen(np.array([0.1, 0.9, 0.5, 0.9]), [1], 2) == [3, 2]


# --- the feedback expressions against a pure-Python oracle ---------------------------------

EVENTS = [  # profile, title, day, seconds
    ("p1", "a", 1, 600), ("p1", "a", 2, 5400), ("p1", "b", 3, 200), ("p2", "a", 1, 6000),
    ("p2", "c", 4, 6000), ("p3", "b", 2, 7000), ("p3", "c", 5, 30), ("p3", "zz", 5, 99),
]
RUNTIME = {"a": 100.0, "b": 120.0, "c": 100.0}


def _oracle() -> tuple[dict[tuple[str, str], tuple[float, bool]], dict[tuple[int, int], float]]:
    seconds: dict[tuple[str, str], int] = defaultdict(int)
    for p, t, _, s in EVENTS:
        seconds[(p, t)] += s
    inter = {}
    for (p, t), s in seconds.items():
        if t in RUNTIME:
            completion = s / (RUNTIME[t] * 60)
            inter[(p, t)] = (math.sqrt(min(completion, 1.0)), completion >= 0.9)
    ix = {t: i for i, t in enumerate(sorted(RUNTIME))}
    gram: dict[tuple[int, int], float] = defaultdict(float)
    for (p, t), (w, _) in inter.items():
        for (q, u), (v, _) in inter.items():
            if p == q and ix[t] <= ix[u]:
                gram[(ix[t], ix[u])] += w * v
    return inter, gram


def test_feedback_expressions_match_the_oracle_on_duckdb() -> None:
    con = duckdb.connect()
    start = dt.datetime(2025, 3, 1)
    con.execute("CREATE TABLE events (profile_id VARCHAR, title_id VARCHAR, started_at "
                "TIMESTAMP, seconds_viewed BIGINT)")
    con.executemany("INSERT INTO events VALUES (?, ?, ?, ?)",
                    [(p, t, start + dt.timedelta(days=d), s) for p, t, d, s in EVENTS])
    backend = ibis.duckdb.from_connection(con)
    titles = ibis.memtable(pa.table({"title_id": sorted(RUNTIME),
                                     "ix": pa.array(range(3), pa.int32()),
                                     "runtime_minutes": [RUNTIME[t] for t in sorted(RUNTIME)]}))
    pt = feedback.profile_title_from_events(backend.table("events")).to_pyarrow().to_pylist()
    a = next(r for r in pt if r["profile_id"] == "p1" and r["title_id"] == "a")
    assert (a["seconds_viewed"], a["sessions"]) == (6000, 2)
    assert a["first_watched"] == start + dt.timedelta(days=1)
    assert a["last_watched"] == start + dt.timedelta(days=2)
    assert set(pt[0]) == set(feedback.PROFILE_TITLE_COLUMNS)

    inter = feedback.interactions(feedback.profile_title_from_events(backend.table("events")),
                                  titles)
    want_inter, want_gram = _oracle()
    got = {(r["profile_id"], r["title_id"]): (r["weight"], r["finished"])
           for r in inter.to_pyarrow().to_pylist()}
    assert got.keys() == want_inter.keys()  # 'zz' is not in the catalog: left out
    for key, (w, done) in want_inter.items():
        assert got[key][0] == pytest.approx(w, rel=1e-12) and got[key][1] == done
    got_gram = {(r["i"], r["j"]): r["value"] for r in feedback.gram(inter).to_pyarrow().to_pylist()}
    assert got_gram.keys() == want_gram.keys()
    for key, value in want_gram.items():
        assert got_gram[key] == pytest.approx(value, rel=1e-12)
    totals = feedback.totals(inter).to_pyarrow().to_pylist()[0]
    assert totals == {"profiles": 3, "interactions": len(want_inter)}


@pytest.mark.parametrize("workers", [1, 3])  # in turn, and blocks on threads
def test_picks_match_brute_force(workers: int) -> None:
    rng = np.random.default_rng(8)
    dense = (rng.random((40, 15)) < 0.3) * rng.random((40, 15))
    x = sp.csr_matrix(dense)
    finished = sp.csr_matrix((dense > 0.5) & (dense > 0))
    b = models.ease(dense.T @ dense, 2.0)
    got = models.picks(x, finished, b, 5, because=2, chunk=7,  # chunks cut across profiles
                       workers=workers)
    for u in range(40):
        scores = dense[u] @ b
        scores[finished[u].toarray().ravel()] = -np.inf
        ranked = [j for j in np.argsort(-scores, kind="stable") if scores[j] > 0][:5]
        kept = [j for j in got.titles[u] if j >= 0]
        assert np.allclose(sorted(scores[kept]), sorted(scores[ranked]))
        assert np.allclose(got.scores[u][:len(kept)], scores[kept])
        for slot, j in enumerate(kept):
            parts = dense[u] * b[:, j]
            want = [i for i in np.argsort(-parts, kind="stable") if parts[i] > 0][:2]
            have = [i for i in got.because[u, slot] if i >= 0]
            assert np.allclose(parts[have], parts[want])
            assert not finished[u, j]


@pytest.mark.parametrize("workers", [1, 2, 5])  # one matrix, rows split between threads
def test_gram_matches_the_sparse_product(workers: int) -> None:
    rng = np.random.default_rng(4)
    dense = (rng.random((60, 23)) < 0.25) * rng.random((60, 23))
    dense[7] = 0.0  # a profile with no viewing
    dense[:, 5] = 0.0  # a title nobody watched
    ordered = sp.csr_matrix(dense)
    # the same rows reversed, each with its titles in descending order (not CSR's usual)
    x = sp.csr_matrix((ordered.data[::-1].copy(), ordered.indices[::-1].copy(),
                       ordered.nnz - ordered.indptr[::-1]), shape=dense.shape)
    assert not x.has_sorted_indices
    got = models.gram(x, workers=workers)
    assert np.allclose(got, dense[::-1].T @ dense[::-1], rtol=1e-12, atol=0)
    assert np.array_equal(got, got.T)
    assert not models.gram(sp.csr_matrix((3, 4))).any()


def test_picks_break_ties_by_title() -> None:
    # both profiles watched titles 0 and 1; titles 2..4 score equally, and titles 0 and 1
    # contribute equally to each pick: the lower title comes first every time
    b = np.zeros((5, 5))
    b[0, 2:] = b[1, 2:] = 0.5
    x = sp.csr_matrix(np.array([[1.0, 1.0, 0, 0, 0], [1.0, 1.0, 0, 0, 1.0]]))
    finished = sp.csr_matrix(np.array([[True, True, False, False, False],
                                       [True, True, False, False, True]]))
    got = models.picks(x, finished, b, 3, because=2)
    assert got.titles.tolist() == [[2, 3, 4], [2, 3, -1]]  # finished title 4 left out
    assert got.scores.tolist() == [[1.0, 1.0, 1.0], [1.0, 1.0, 0.0]]
    assert got.because.tolist() == [[[0, 1]] * 3, [[0, 1], [0, 1], [-1, -1]]]
