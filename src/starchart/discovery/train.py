"""Train the discovery models and store them: on the DuckDB store, or on Spark from files.

Two models, each kept whole in the store's ``discovery_*`` tables (schema in
:mod:`starchart.store`), replaced together in one transaction by every training run:

* ``viewing`` -- EASE with catalog metadata (:mod:`.models`) over the profile x title
  summary. The data-heavy step, events to weighted profile x title rows, is a set of Ibis
  expressions (:mod:`.feedback`) that DuckDB or Spark runs; only those rows reach Python,
  where the Gram matrix, the dense solve and every profile's picks are computed. Stored:
  each title's top neighbours with their EASE weights, each profile's best picks.
* ``charting`` -- for imported Netflix charts, which have no profiles: titles that chart
  together, by the shrunk cosine of how often two titles share a country's weekly list or a
  global list. The "profiles" are the lists; the same Gram expression counts them.
"""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import ibis
import ibis.expr.types as ir
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import scipy.sparse as sp

from starchart import store
from starchart.discovery import feedback, models
from starchart.discovery.names import CHARTING, VIEWING
from starchart.queries.slugs import title_slug

#: Neighbours stored per title ("similar" answers at most this many).
NEIGHBOURS = 100
#: Picks stored per profile ("picks" answers at most this many), each with up to
#: BECAUSE titles it comes from.
PICKS = 30
BECAUSE = 3
#: EASE's L2 penalty as a multiple of the mean viewing mass per title. Validation splits
#: chose 8 on MovieLens 100K and 1 on the simulated world; 4 is within 0.3% and 3% of those
#: on their test splits (docs/discovery.md).
L2_SCALE = 4.0
#: Catalog metadata counts like this many profiles' viewing of a perfectly similar pair.
METADATA_WEIGHT = 5.0
#: Shrinkage of the co-charting cosine: two titles that shared one list are not twins.
CHARTING_SHRINK = 2.0
BATCH_ROWS = 1_000_000

Progress = Callable[[str, int, int], None]
STEPS = ("reading viewing", "co-viewing matrix", "solving EASE", "neighbours",
         "picks for every profile", "co-charting", "writing the models")


@dataclass
class ViewingModel:
    """A trained viewing model, ready to be written."""

    titles: list[dict[str, Any]]  # title_id, show_title, season_title, viewers, finished
    neighbours: np.ndarray  # (titles, k) columns, -1 where none
    scores: np.ndarray  # (titles, k)
    profiles: int
    interactions: int
    parameters: dict[str, Any]
    weights: np.ndarray  # EASE's B, (titles, titles)
    gram: np.ndarray | None = None  # kept only when asked (tests, benchmarks)


@dataclass
class ChartingModel:
    """A trained co-charting model, ready to be written."""

    source: str
    titles: list[dict[str, Any]]
    neighbours: np.ndarray
    scores: np.ndarray
    lists: int
    entries: int
    parameters: dict[str, Any]


@dataclass
class Steps:
    """Times each step and reports it: ``progress(description, done, total)``."""

    progress: Progress | None
    timings: dict[str, float] = field(default_factory=dict)
    done: int = 0

    def run(self, key: str, description: str) -> _Step:
        return _Step(self, key, description)


class _Step:
    def __init__(self, steps: Steps, key: str, description: str) -> None:
        self.steps, self.key, self.description = steps, key, description

    def __enter__(self) -> None:
        if self.steps.progress is not None:
            self.steps.progress(self.description, self.steps.done, len(STEPS))
        self.started = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        self.steps.timings[self.key] = round(time.perf_counter() - self.started, 4)
        self.steps.done += 1
        if self.steps.progress is not None:
            self.steps.progress(self.description, self.steps.done, len(STEPS))


# --- the catalog side ------------------------------------------------------------------------

_CATALOG_SQL = """SELECT title_id, show_title, season_title, kind, original_language,
    runtime_minutes, genres, directors, "cast" FROM catalog ORDER BY title_id"""


def catalog_titles(catalog: pa.Table) -> list[dict[str, Any]]:
    """The catalog's rows as dicts, by title_id: the model's title order (``ix``)."""
    rows = catalog.to_pylist()
    rows.sort(key=lambda r: str(r["title_id"]))
    return rows


def title_index(titles: Sequence[dict[str, Any]]) -> pa.Table:
    """``(title_id, ix, runtime_minutes)``: sent to the backend to number the titles."""
    return pa.table({
        "title_id": pa.array([str(t["title_id"]) for t in titles], pa.string()),
        "ix": pa.array(np.arange(len(titles), dtype=np.int32)),
        "runtime_minutes": pa.array([float(t["runtime_minutes"]) for t in titles],
                                    pa.float64()),
    })


def metadata_of(titles: Sequence[dict[str, Any]]) -> list[models.TitleMetadata]:
    return [models.TitleMetadata(
        show_title=str(t["show_title"]), kind=str(t["kind"]),
        original_language=str(t["original_language"] or ""),
        genres=models.split_list(t.get("genres")),
        directors=models.split_list(t.get("directors")),
        cast=models.split_list(t.get("cast")),
    ) for t in titles]


# --- fitting ---------------------------------------------------------------------------------


def _batches(expr: ir.Table, columns: Sequence[str]) -> Iterator[tuple[np.ndarray, ...]]:
    """Stream a result as numpy columns, one Arrow batch at a time (bounded memory).

    On DuckDB the compiled SQL runs on the store's connection directly (Ibis 12's own
    batch reader calls a cursor method DuckDB 2 no longer has)."""
    backend = expr._find_backend()
    if backend.name == "duckdb":
        sql = str(ibis.to_sql(expr, dialect="duckdb"))
        reader = backend.con.sql(sql).to_arrow_reader(BATCH_ROWS)
    else:
        reader = expr.to_pyarrow_batches(chunk_size=BATCH_ROWS)
    for batch in reader:
        if batch.num_rows:
            yield tuple(batch.column(c).to_numpy(zero_copy_only=False) for c in columns)


def _pairs(expr: ir.Table) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    for i, j, v in _batches(expr, ("i", "j", "value")):
        yield i.astype(np.int64), j.astype(np.int64), v.astype(np.float64)


@dataclass
class Viewing:
    """The profile x title matrix on the driver: weights and finished flags, rows by
    profile (sorted). Its size is the profile x title summary's, never the events'."""

    profiles: list[str]
    x: sp.csr_matrix
    finished: sp.csr_matrix


def read_viewing(inter: ir.Table, n_titles: int) -> Viewing:
    """Bring :func:`.feedback.interactions` to the driver as sparse rows, in one pass.

    The rows come unsorted and are put in profile order here, in numpy (the profile ids
    encoded once in Arrow, then one integer sort), where an ``ORDER BY`` on the backend
    cost more than the whole read on DuckDB at 5M rows (docs/discovery.md). Profiles are
    ordered by id, as the backends order strings (bytewise)."""
    chosen = inter.select("profile_id", "ix", "weight", "finished")
    backend = chosen._find_backend()
    if backend.name == "duckdb":  # see _batches
        table = backend.con.sql(str(ibis.to_sql(chosen, dialect="duckdb"))).to_arrow_table()
    else:
        table = chosen.to_pyarrow()
    encoded = pc.dictionary_encode(table.column("profile_id")).combine_chunks()
    names = encoded.dictionary
    by_name = pc.sort_indices(names).to_numpy()
    rank = np.empty(len(names), dtype=np.int64)
    rank[by_name] = np.arange(len(names), dtype=np.int64)
    row = rank[encoded.indices.to_numpy(zero_copy_only=False)]
    cols = table.column("ix").to_numpy().astype(np.int64)
    order = np.argsort(row * max(n_titles, 1) + cols)  # unique (profile, title) keys
    row, cols = row[order], cols[order]
    weights = table.column("weight").to_numpy().astype(np.float64)[order]
    done = table.column("finished").to_numpy(zero_copy_only=False).astype(bool)[order]
    indptr = np.searchsorted(row, np.arange(len(names) + 1)).astype(np.int64)
    shape = (len(names), n_titles)
    return Viewing(names.take(pa.array(by_name)).to_pylist(),
                   sp.csr_matrix((weights, cols, indptr), shape=shape),
                   sp.csr_matrix((done, cols, indptr), shape=shape))


def fit_viewing(viewing: Viewing, titles: Sequence[dict[str, Any]], *,
                k: int = NEIGHBOURS, l2_scale: float = L2_SCALE,
                metadata_weight: float = METADATA_WEIGHT, steps: Steps | None = None,
                keep_matrices: bool = False) -> ViewingModel:
    """Fit EASE + metadata on the profile x title matrix for the catalog ``titles``.

    The Gram matrix ``X'X`` is made on the driver, from the rows picks need anyway
    (:func:`.models.gram`): measured at 10M events / 5,000 titles, 5 s as scipy's sparse
    product against 46 s as a self-join aggregated by DuckDB, and half scipy's time since
    (docs/discovery.md)."""
    steps = steps or Steps(None)
    x = viewing.x
    if not x.nnz:
        raise ValueError("no viewing to learn from: the store has no events of catalog "
                         "titles (run 'starchart ingest')")
    with steps.run("gram", STEPS[1]):
        g = models.gram(x)
    viewers = np.diff(sp.csc_matrix(x).indptr)
    finished = np.asarray(viewing.finished.sum(axis=0)).ravel()
    with steps.run("ease", STEPS[2]):
        l2 = models.default_l2(g, l2_scale)
        gram = g.copy() if keep_matrices else None
        models.add_metadata_gram(g, models.metadata_features(metadata_of(titles)),
                                 metadata_weight)
        b = models.ease(g, l2, overwrite=True)
    with steps.run("neighbours", STEPS[3]):
        cols, vals = models.top_k(b, k)
    return ViewingModel(
        titles=[{"title_id": t["title_id"], "show_title": t["show_title"],
                 "season_title": t["season_title"], "viewers": int(viewers[i]),
                 "finished": int(finished[i])} for i, t in enumerate(titles)],
        neighbours=cols, scores=vals, profiles=x.shape[0], interactions=int(x.nnz),
        parameters={"algorithm": "ease+metadata", "l2": l2, "l2_scale": l2_scale,
                    "metadata_weight": metadata_weight, "neighbours": k,
                    "weight": "sqrt(min(1, seconds_viewed / runtime))",
                    "finished_share": feedback.FINISHED_SHARE},
        gram=gram, weights=b,
    )


@dataclass
class ProfilePicks:
    """Every profile's stored picks, ready to be written."""

    profiles: list[str]
    titles: np.ndarray  # (profiles,) titles watched
    finished: np.ndarray  # (profiles,) titles finished
    picks: models.Picks


def fit_picks(viewing: Viewing, model: ViewingModel, *, n: int = PICKS,
              steps: Steps | None = None) -> ProfilePicks:
    """Every profile's best ``n`` picks under the full model (``x B``, negative weights
    included), finished titles left out."""
    steps = steps or Steps(None)
    with steps.run("picks", STEPS[4]):
        found = models.picks(viewing.x, viewing.finished, model.weights, n, because=BECAUSE)
    return ProfilePicks(viewing.profiles, np.diff(viewing.x.indptr),
                        np.asarray(viewing.finished.sum(axis=1)).ravel(), found)


def chart_lists(backend: Any, source: str) -> ir.Table:
    """One row per title on a list: ``profile_id`` names the list (a country's week, or a
    global list's week), with the title's ``title_id`` (a work's ``nf-…`` ID; NULL where
    the rows are not linked), ``show_title``, ``season_title`` and the ``week``."""
    country = backend.table("chart_country")
    country = country.filter(country.source == source)
    glob = backend.table("chart_global")
    glob = glob.filter(glob.source == source)
    a = country.select(
        profile_id=ibis.literal("c:") + country.country_iso2 + ":" + country.week.cast("string"),
        title_id=country.title_id, show_title=country.show_title,
        season_title=country.season_title, week=country.week)
    b = glob.select(
        profile_id=ibis.literal("g:") + glob.category + ":" + glob.week.cast("string"),
        title_id=glob.title_id, show_title=glob.show_title, season_title=glob.season_title,
        week=glob.week)
    return a.union(b, distinct=False)


def fit_charting(backend: Any, source: str = store.NETFLIX_SOURCE, *,
                 k: int = NEIGHBOURS, shrink: float = CHARTING_SHRINK) -> ChartingModel | None:
    """Co-charting similarity of ``source``'s titles, or None if it has no weekly lists.

    Titles are known by their stable ``nf-…`` IDs (the importer links every row to its
    work), so a renamed title stays one title and answers link to the work's page; rows
    without one (a store imported before title IDs) are known by their slug. A title's
    names are those of its latest week on a list."""
    lists = chart_lists(backend, source)
    keyed = lists.mutate(season_key=lists.season_title.fill_null(""),
                         id_key=lists.title_id.fill_null(""))
    names = (keyed.group_by(["id_key", "show_title", "season_key", "season_title"])
             .aggregate(last=keyed.week.max()).to_pyarrow().to_pylist())
    if not names:
        return None
    by_key: dict[str, dict[str, Any]] = {}
    latest: dict[str, Any] = {}
    keys: list[tuple[str, str, str, str]] = []
    for row in sorted(names, key=lambda r: (r["id_key"], r["show_title"], r["season_key"])):
        key = row["id_key"] or title_slug(row["show_title"], row["season_title"])
        if key not in latest or row["last"] > latest[key]:
            latest[key] = row["last"]
            by_key[key] = {"title_id": key, "show_title": row["show_title"],
                           "season_title": row["season_title"]}
        keys.append((row["id_key"], row["show_title"], row["season_key"], key))
    ordered = sorted(by_key)
    ix = {s: i for i, s in enumerate(ordered)}
    mapping = _registered(backend.con, backend, pa.table({
        "id_key": pa.array([k_[0] for k_ in keys], pa.string()),
        "show_title": pa.array([k_[1] for k_ in keys], pa.string()),
        "season_key": pa.array([k_[2] for k_ in keys], pa.string()),
        "ix": pa.array([ix[k_[3]] for k_ in keys], pa.int32()),
    }))
    joined = keyed.join(mapping, ["id_key", "show_title", "season_key"])
    baskets = feedback.unit_weights(joined.select("profile_id", "ix").distinct())
    count = feedback.totals(baskets.mutate(title_id=baskets.ix)).to_pyarrow().to_pylist()[0]
    gram = models.sparse_gram(len(ordered), _pairs(feedback.gram(baskets)))
    cols, vals = models.top_k_sparse(models.sparse_cosine(gram, shrink), k)
    appearances = gram.diagonal()
    titles = [{**by_key[s], "viewers": int(round(appearances[i])), "finished": 0}
              for i, s in enumerate(ordered)]
    return ChartingModel(
        source=source, titles=titles, neighbours=cols, scores=vals,
        lists=int(count["profiles"]), entries=int(count["interactions"]),
        parameters={"algorithm": "co-charting cosine", "shrink": shrink, "neighbours": k,
                    "lists": "country weekly lists and global weekly lists",
                    "keys": "title IDs (nf-…), else slugs"},
    )


# --- writing ---------------------------------------------------------------------------------


def _neighbour_rows(model: str, titles: Sequence[dict[str, Any]], cols: np.ndarray,
                    vals: np.ndarray) -> pa.Table:
    """``discovery_neighbours`` rows, the names taken from Arrow arrays by index (no
    Python object per row: 500,000 neighbours at 5,000 titles, 1.1 s -> ~0.1 s)."""
    ids, shows, seasons = _names(titles)
    have = cols >= 0
    row_ix, rank_ix = np.nonzero(have)
    other = pa.array(cols[row_ix, rank_ix])
    return pa.table({
        "model": pa.repeat(pa.scalar(model, pa.string()), len(row_ix)),
        "title_id": ids.take(pa.array(row_ix)),
        "rank": pa.array(rank_ix.astype(np.int32) + 1),
        "neighbour_id": ids.take(other),
        "show_title": shows.take(other),
        "season_title": seasons.take(other),
        "score": pa.array(vals[row_ix, rank_ix], pa.float64()),
    })


def _names(titles: Sequence[dict[str, Any]]) -> tuple[pa.Array, pa.Array, pa.Array]:
    """The titles' ids, show titles and season titles as Arrow arrays, in model order."""
    return (pa.array([str(t["title_id"]) for t in titles], pa.string()),
            pa.array([t["show_title"] for t in titles], pa.string()),
            pa.array([t["season_title"] for t in titles], pa.string()))


def _title_rows(model: str, titles: Sequence[dict[str, Any]]) -> pa.Table:
    """``discovery_titles`` rows; ``ix`` (what picks name titles by) for the viewing model."""
    numbers = pa.array(np.arange(len(titles), dtype=np.int32)) if model == VIEWING else \
        pa.nulls(len(titles), pa.int32())
    return pa.table({
        "model": pa.array([model] * len(titles), pa.string()),
        "title_id": pa.array([str(t["title_id"]) for t in titles], pa.string()),
        "show_title": pa.array([t["show_title"] for t in titles], pa.string()),
        "season_title": pa.array([t["season_title"] for t in titles], pa.string()),
        "viewers": pa.array([int(t["viewers"]) for t in titles], pa.int64()),
        "finished": pa.array([int(t["finished"]) for t in titles], pa.int64()),
        "ix": numbers,
    })


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: pa.Table,
            order: str | None) -> None:
    """Append ``rows`` to ``table``, sorted by ``order`` (None: ``rows`` are in key order
    already, and DuckDB keeps insertion order)."""
    name = f"_starchart_{uuid.uuid4().hex[:10]}"
    con.register(name, rows)
    try:
        by = f" ORDER BY {order}" if order else ""
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM {name}{by}")
    finally:
        con.unregister(name)


def _profile_rows(found: ProfilePicks) -> pa.Table:
    """``discovery_profiles`` rows: one per profile, its picks as lists of title numbers
    (the model's ``ix``, as ``discovery_titles`` keeps it), their scores and, per pick, the
    ``BECAUSE`` watched titles behind it (-1 padded).

    Made from the numpy arrays whole (no Python object per pick), and written in the
    profile order training holds them in (sorted ids): at 100,000 profiles x 30 picks this
    is 100,000 rows of number lists, where rows of names per pick (``discovery_picks``)
    cost DuckDB several times longer to compress, in the store and again in the release
    (docs/discovery.md)."""
    p = found.picks
    have = p.titles >= 0  # a profile's picks come first, -1 after them
    counts = have.sum(axis=1)
    per_pick = p.because.shape[2] if p.because.ndim == 3 else 0
    offsets = pa.array(np.r_[0, np.cumsum(counts)].astype(np.int32))
    because_offsets = pa.array(np.r_[0, np.cumsum(counts * per_pick)].astype(np.int32))
    return pa.table({
        "profile_id": pa.array(found.profiles, pa.string()),
        "titles": pa.array(found.titles.astype(np.int64)),
        "finished": pa.array(found.finished.astype(np.int64)),
        "picks": pa.ListArray.from_arrays(offsets, pa.array(p.titles[have].astype(np.int32))),
        "scores": pa.ListArray.from_arrays(offsets,
                                           pa.array(p.scores[have].astype(np.float32))),
        "because": pa.ListArray.from_arrays(
            because_offsets, pa.array(p.because[have].ravel().astype(np.int32))),
    })


def write_models(con: duckdb.DuckDBPyConnection, *, engine: str, seconds: float,
                 viewing: ViewingModel | None, charting: ChartingModel | None,
                 picks: ProfilePicks | None) -> dict[str, int]:
    """Replace the stored models with these, in one transaction (all or nothing).

    Rows are written in key order (title, profile) so that one answer reads few blocks.
    """
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    rows = dict.fromkeys(("discovery_neighbours", "discovery_titles", "discovery_profiles",
                          "picks"), 0)
    with store.transaction(con):
        for table in ("discovery_models", *store.TRAINED_TABLES):
            con.execute(f"DELETE FROM {table}")  # discovery_picks: an older model's
        # models in name order, each's rows made in title and rank order: the tables end up
        # in key order without sorting 500,000 neighbour rows
        for name, m in sorted(((VIEWING, viewing), (CHARTING, charting)), key=lambda e: e[0]):
            if m is None:
                continue
            neighbours = _neighbour_rows(name, m.titles, m.neighbours, m.scores)
            _insert(con, "discovery_neighbours", neighbours, None)
            _insert(con, "discovery_titles", _title_rows(name, m.titles), None)
            rows["discovery_neighbours"] += neighbours.num_rows
            rows["discovery_titles"] += len(m.titles)
            if isinstance(m, ViewingModel):
                profiles, entries, source = m.profiles, m.interactions, None
            else:
                profiles, entries, source = m.lists, m.entries, m.source
            con.execute(
                "INSERT INTO discovery_models VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [name, m.parameters["algorithm"], engine if name == VIEWING else "duckdb",
                 now, source, profiles, len(m.titles), entries,
                 json.dumps(m.parameters, sort_keys=True), round(seconds, 4)])
        if viewing is not None and picks is not None:
            _insert(con, "discovery_profiles", _profile_rows(picks), None)  # in id order
            rows["discovery_profiles"] = len(picks.profiles)
            rows["picks"] = int((picks.picks.titles >= 0).sum())
    return rows


# --- the two engines -------------------------------------------------------------------------


def _store_profile_title(backend: Any) -> ir.Table:
    """The store's ``profile_title`` summary, which ingest keeps up to date (raw events are
    not stored). The view adds up ingest's runs; while there is one run (a store loaded
    once, or just compacted), each of its rows already is one profile x title, so it is
    read as it is: the view's aggregation over millions of string keys is most of the read
    time otherwise."""
    [(runs,)] = backend.con.execute(
        "SELECT count(DISTINCT run) FROM profile_title_runs").fetchall()
    name = "profile_title_runs" if runs <= 1 else "profile_title"
    return backend.table(name).select(*feedback.PROFILE_TITLE_COLUMNS)


def _registered(con: duckdb.DuckDBPyConnection, backend: Any, table: pa.Table) -> ir.Table:
    """A small Arrow table as a DuckDB view for this connection's life (the compiled SQL
    names it; an Ibis memtable would only be registered by Ibis's own execution)."""
    name = f"_starchart_{uuid.uuid4().hex[:12]}"
    con.register(name, table)
    return backend.table(name)


def _has_viewing(con: duckdb.DuckDBPyConnection) -> bool:
    row = con.execute("SELECT EXISTS (SELECT 1 FROM profile_title)").fetchall()[0]
    return bool(row and row[0])


def train_duckdb(db: str | Path | None = None, *, progress: Progress | None = None,
                 k: int = NEIGHBOURS, l2_scale: float = L2_SCALE,
                 metadata_weight: float = METADATA_WEIGHT) -> dict[str, Any]:
    """Train every model the store has data for, on DuckDB, and store them."""
    started = time.perf_counter()
    steps = Steps(progress)
    viewing: ViewingModel | None = None
    found: ProfilePicks | None = None
    with store.opened(db) as con:
        backend = ibis.duckdb.from_connection(con)
        with steps.run("read", STEPS[0]):
            titles = catalog_titles(con.sql(_CATALOG_SQL).to_arrow_table())
            matrix = None
            if titles and _has_viewing(con):
                index = _registered(con, backend, title_index(titles))
                inter = feedback.interactions(_store_profile_title(backend), index)
                matrix = read_viewing(inter, len(titles))
        if matrix is not None:
            viewing = fit_viewing(matrix, titles, k=k, l2_scale=l2_scale,
                                  metadata_weight=metadata_weight, steps=steps)
            found = fit_picks(matrix, viewing, steps=steps)
        with steps.run("charting", STEPS[5]):
            charting = fit_charting(backend, store.NETFLIX_SOURCE, k=k)
        if viewing is None and charting is None:
            raise ValueError("nothing to train on: the store has neither viewing events "
                             "('starchart ingest') nor imported Netflix charts "
                             "('starchart import netflix')")
        with steps.run("write", STEPS[6]):
            rows = write_models(con, engine="duckdb", seconds=time.perf_counter() - started,
                                viewing=viewing, charting=charting, picks=found)
    return _report("duckdb", db, viewing, charting, rows, steps, started)


def train_after_build(db: str | Path | None, weeks_built: int, *,
                      progress: Progress | None = None) -> dict[str, Any]:
    """What ``starchart build`` trains after the charts (DuckDB): every model, unless the
    store has nothing to learn from, or the build built no week and models are stored (no
    new data since they were trained). ``{"trained", "seconds", "rows", ...}`` or
    ``{"trained": False, "reason"}``."""
    with store.opened(db, read_only=True) as con:
        [(models,)] = con.execute("SELECT count(*) FROM discovery_models").fetchall()
        [(charts,)] = con.execute(
            "SELECT EXISTS (SELECT 1 FROM chart_country WHERE source = $s) "
            "OR EXISTS (SELECT 1 FROM chart_global WHERE source = $s)",
            {"s": store.NETFLIX_SOURCE}).fetchall()
        learnable = charts or _has_viewing(con)
    if not learnable:
        return {"trained": False, "reason": "nothing to learn from yet: no viewing events "
                "and no imported Netflix charts"}
    if models and not weeks_built:
        return {"trained": False, "reason": "no new data since the last build: the stored "
                "models stand"}
    report = train_duckdb(db, progress=progress)
    return {"trained": True, "seconds": report["timings"]["wall"],
            "rows": sum(int(m.get("interactions", m.get("entries", 0)))
                        for m in report["models"]),
            "written": report["rows"], "models": report["models"],
            "timings": report["timings"]}


def _fit_spark(session: Any, inputs: Any, steps: Steps, *, k: int, l2_scale: float,
               metadata_weight: float) -> tuple[ViewingModel, ProfilePicks]:
    """The viewing model and every profile's picks from events Spark holds (``inputs``:
    :class:`starchart.engine.spark_inputs.SparkInputs`, validated as ``ingest`` validates):
    the profile x title summary is aggregated on Spark, the rest is :func:`fit_viewing`."""
    view = f"starchart_titles_{uuid.uuid4().hex[:12]}"
    try:
        with steps.run("read", STEPS[0]):
            titles = catalog_titles(inputs.catalog.to_pyarrow())
            # a Spark view, not an Ibis memtable: the PySpark backend does not register
            # memtables in every path
            session.createDataFrame(title_index(titles)).createOrReplaceTempView(view)
            profile_title = feedback.profile_title_from_events(inputs.accepted)
            inter = feedback.interactions(profile_title, inputs.con.table(view))
            matrix = read_viewing(inter, len(titles))
    finally:
        session.catalog.dropTempView(view)
    viewing = fit_viewing(matrix, titles, k=k, l2_scale=l2_scale,
                          metadata_weight=metadata_weight, steps=steps)
    return viewing, fit_picks(matrix, viewing, steps=steps)


def train_spark(catalog: str | Path, events: Sequence[str | Path], *,
                db: str | Path | None = None, spark: Any = None,
                spark_master: str | None = None, progress: Progress | None = None,
                k: int = NEIGHBOURS, l2_scale: float = L2_SCALE,
                metadata_weight: float = METADATA_WEIGHT) -> dict[str, Any]:
    """Train the viewing model on Spark from catalog and events files (validated as
    ``ingest`` validates them), and store it with the store's co-charting model."""
    from starchart.engine.spark_inputs import load_inputs
    from starchart.engine.spark_session import get_spark

    if not events:
        raise ValueError("training on Spark reads the events files: give --catalog FILE "
                         "--events PATH...")
    started = time.perf_counter()
    steps = Steps(progress)
    session = spark if spark is not None else get_spark(spark_master)
    inputs = load_inputs(session, str(catalog), [str(p) for p in events])
    try:
        viewing, found = _fit_spark(session, inputs, steps, k=k, l2_scale=l2_scale,
                                    metadata_weight=metadata_weight)
        with store.opened(db) as con:
            with steps.run("charting", STEPS[5]):
                charting = fit_charting(ibis.duckdb.from_connection(con),
                                        store.NETFLIX_SOURCE, k=k)
            with steps.run("write", STEPS[6]):
                rows = write_models(con, engine="spark", seconds=time.perf_counter() - started,
                                    viewing=viewing, charting=charting, picks=found)
    finally:
        inputs.close()
    report = _report("spark", db, viewing, charting, rows, steps, started)
    report["master"] = session.sparkContext.master
    report["inputs"] = {k_: v for k_, v in inputs.counts.items() if k_ != "files"}
    return report


#: The store file ``starchart build --engine spark`` writes its models into, in ``--out``.
SPARK_BUILD_MODELS = "discovery.duckdb"


def train_after_spark_build(session: Any, inputs: Any, out: str | Path, *,
                            progress: Progress | None = None) -> dict[str, Any]:
    """What ``starchart build --engine spark`` trains after the charts: the viewing model,
    on Spark, from the events the build has just validated (read once for both), written
    beside the export files as ``OUT/discovery.duckdb`` -- a store holding only the models,
    which ``similar``/``picks --db OUT/discovery.duckdb`` answer from. The Spark build has
    no store, so no imported charts: there is no co-charting model. Reported as
    :func:`train_after_build` reports (plus ``db``)."""
    if not inputs.counts.get("accepted"):
        return {"trained": False, "reason": "nothing to learn from: no accepted events"}
    started = time.perf_counter()
    steps = Steps(progress)
    viewing, found = _fit_spark(session, inputs, steps, k=NEIGHBOURS, l2_scale=L2_SCALE,
                                metadata_weight=METADATA_WEIGHT)
    path = Path(out) / SPARK_BUILD_MODELS
    with store.opened(path) as con, steps.run("write", STEPS[6]):
        rows = write_models(con, engine="spark", seconds=time.perf_counter() - started,
                            viewing=viewing, charting=None, picks=found)
    report = _report("spark", path, viewing, None, rows, steps, started)
    return {"trained": True, "db": report["db"], "seconds": report["timings"]["wall"],
            "rows": viewing.interactions, "written": rows, "models": report["models"],
            "timings": report["timings"]}


def _report(engine: str, db: str | Path | None, viewing: ViewingModel | None,
            charting: ChartingModel | None, rows: dict[str, int], steps: Steps,
            started: float) -> dict[str, Any]:
    """The plain-data report of a training run (what ``--json`` prints)."""
    out: dict[str, Any] = {"db": str(store.resolve_db_path(db)), "engine": engine,
                           "models": [], "rows": rows}
    if viewing is not None:
        out["models"].append({
            "model": VIEWING, "algorithm": viewing.parameters["algorithm"],
            "profiles": viewing.profiles, "titles": len(viewing.titles),
            "interactions": viewing.interactions,
            "titles_without_viewing": sum(1 for t in viewing.titles if not t["viewers"]),
            "l2": round(float(viewing.parameters["l2"]), 4)})
    if charting is not None:
        out["models"].append({
            "model": CHARTING, "algorithm": charting.parameters["algorithm"],
            "source": charting.source, "lists": charting.lists,
            "titles": len(charting.titles), "entries": charting.entries})
    out["timings"] = {**steps.timings, "wall": round(time.perf_counter() - started, 4)}
    return out
