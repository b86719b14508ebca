"""Discovery measured, not eyeballed: accuracy on MovieLens 100K and a simulated world, the
cost of training against the chart build on 10M events / 5,000 titles, and answer latency.

* MovieLens 100K comes from the recbole 1.2.1 wheel on PyPI (``pip download --no-deps`` into
  ``benchmarks/.cache/``, git-ignored; the files are read out of the zip and never committed:
  their licence forbids redistribution). Every rating is a film watched to the end at its
  timestamp; each user's last 20% (by time) is held out. Scored on the same split in the
  same run: starchart's picks (trained and answered through the store, exactly as
  ``starchart picks`` does), the most-popular baseline, and the two anchors computed
  directly in numpy -- full EASE and iALS (``implicit``) -- each with its hyper-parameters
  chosen on a validation split carved from the training part (the last 20% of it).
* The simulated world: the same split by first watch, plus the simulator's ground truth
  of taste -- a profile is in a title's audience pool in its country or not -- as a second
  set of relevant titles.
* Scale: simulate, ingest, build and train in fresh processes (peak RSS each), at 2M and
  10M events with 5,000 titles; then ``similar`` and ``picks`` latency from that store.

    .venv/bin/python benchmarks/bench_discovery.py [--events 10000000] [--titles 5000]
                                                   [--skip-scale] [--skip-sim]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import scipy.sparse as sp

from starchart import api
from starchart.discovery import evaluate, models

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
WHEEL = "recbole-1.2.1-py3-none-any.whl"
ML_DIR = "recbole/dataset_example/ml-100k/"
K = 20
ML_RUNTIME = 120  # minutes: MovieLens has no runtimes; every rating is a full watch
EASE_GRID = (1.0, 2.0, 4.0, 8.0, 16.0)
IALS_GRID = [{"factors": f, "regularization": r, "alpha": a}
             for f in (32, 64) for r in (5.0, 20.0) for a in (2.0, 10.0)]

Recommender = Callable[[str], list[str]]


# --- MovieLens 100K --------------------------------------------------------------------------


def movielens() -> tuple[list[tuple[str, str, float]], dict[str, dict[str, Any]]]:
    """Ratings ``(user, item, timestamp)`` and items, from the cached recbole wheel."""
    wheel = CACHE / WHEEL
    if not wheel.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "pip", "download", "recbole==1.2.1", "--no-deps",
                        "--quiet", "-d", str(CACHE)], check=True)
    with zipfile.ZipFile(wheel) as z:
        inter = z.read(ML_DIR + "ml-100k.inter").decode("utf-8").splitlines()[1:]
        item_lines = z.read(ML_DIR + "ml-100k.item").decode("latin-1").splitlines()[1:]
    ratings = []
    for line in inter:
        user, item, _, stamp = line.split("\t")
        ratings.append((f"u{user}", f"ml{item}", float(stamp)))
    items = {}
    for line in item_lines:
        parts = line.split("\t")
        year = parts[2] if len(parts) > 2 and parts[2].isdigit() else "1995"
        items[f"ml{parts[0]}"] = {"title": parts[1] or f"Film {parts[0]}", "year": year,
                                  "genres": parts[3].split() if len(parts) > 3 else []}
    return ratings, items


def write_movielens(folder: Path, items: dict[str, dict[str, Any]],
                    train: dict[str, list[str]], stamps: dict[tuple[str, str], float]
                    ) -> tuple[Path, Path]:
    """MovieLens as a starchart catalog and one events file (the training part only)."""
    import csv

    folder.mkdir(parents=True, exist_ok=True)
    catalog = folder / "catalog.csv"
    with catalog.open("w", encoding="utf-8", newline="") as handle:
        w = csv.writer(handle, lineterminator="\n")
        w.writerow(["title_id", "show_title", "season_title", "kind", "original_language",
                    "runtime_minutes", "release_date", "original", "genres"])
        for tid, it in items.items():
            w.writerow([tid, it["title"], "", "film", "en", ML_RUNTIME, f"{it['year']}-01-01",
                        "false", "|".join(it["genres"])])
    rows = [(u, t) for u, ts in train.items() for t in ts]
    started = [int(stamps[(u, t)] * 1_000_000) for u, t in rows]
    table = pa.table({
        "event_id": [f"{u}-{t}" for u, t in rows],
        "profile_id": [u for u, _ in rows],
        "title_id": [t for _, t in rows],
        "country": ["US"] * len(rows),
        "started_at": pa.array(started, pa.timestamp("us", tz="UTC")),
        "seconds_viewed": pa.array([ML_RUNTIME * 60] * len(rows), pa.int64()),
    })
    events = folder / "events.parquet"
    pq.write_table(table, events)
    return catalog, events


# --- the anchors, computed directly ----------------------------------------------------------


class Matrix:
    """A profile x title matrix of weights, and the candidates each profile may be shown."""

    def __init__(self, weights: dict[str, dict[str, float]], titles: Sequence[str],
                 exclude: dict[str, set[str]]) -> None:
        self.titles = list(titles)
        self.ix = {t: i for i, t in enumerate(self.titles)}
        self.users = sorted(weights)
        self.uix = {u: i for i, u in enumerate(self.users)}
        rows, cols, vals = [], [], []
        for u, ws in weights.items():
            for t, w in ws.items():
                if t in self.ix:
                    rows.append(self.uix[u])
                    cols.append(self.ix[t])
                    vals.append(w)
        self.x = sp.csr_matrix((vals, (rows, cols)), shape=(len(self.users), len(self.titles)))
        self.exclude = {u: [self.ix[t] for t in ts if t in self.ix] for u, ts in exclude.items()}

    def recommender(self, scores: Callable[[int], np.ndarray]) -> Recommender:
        def recommend(user: str) -> list[str]:
            if user not in self.uix:
                return []
            i = self.uix[user]
            best = evaluate.top_unseen(scores(i), self.exclude.get(user, []), K)
            return [self.titles[j] for j in best]
        return recommend

    def ease(self, l2_scale: float) -> Recommender:
        g = (self.x.T @ self.x).toarray()
        b = models.ease(g, models.default_l2(g, l2_scale), overwrite=True)
        return self.recommender(lambda i: np.asarray(self.x[i] @ b).ravel())

    def ials(self, params: dict[str, float]) -> Recommender:
        users, items = models.ials(self.x, factors=int(params["factors"]),
                                   regularization=params["regularization"],
                                   alpha=params["alpha"])
        return self.recommender(lambda i: items @ users[i])


def tune(make: Callable[[Any], Recommender], grid: Sequence[Any],
         relevant: dict[str, list[str]]) -> tuple[Any, float]:
    """The grid point with the best validation Recall@K."""
    best, best_recall = grid[0], -1.0
    for point in grid:
        recall = evaluate.score(make(point), relevant, K).recall
        if recall > best_recall:
            best, best_recall = point, recall
    return best, best_recall


def anchors(train_weights: dict[str, dict[str, float]], titles: Sequence[str],
            exclude: dict[str, set[str]], order: dict[str, list[str]]
            ) -> tuple[Matrix, dict[str, Any]]:
    """Tune EASE and iALS on a validation split of the training part; return the full
    training matrix and the chosen parameters."""
    inner = evaluate.time_split((u, t, float(n)) for u, ts in order.items()
                                for n, t in enumerate(ts))
    val_weights = {u: {t: train_weights[u][t] for t in ts} for u, ts in inner.train.items()}
    val_exclude = {u: set(ts) & exclude.get(u, set()) for u, ts in inner.train.items()}
    val = Matrix(val_weights, titles, val_exclude)
    l2_scale, ease_val = tune(val.ease, EASE_GRID, inner.test)
    ials_params, ials_val = tune(val.ials, IALS_GRID, inner.test)
    return Matrix(train_weights, titles, exclude), {
        "ease_l2_scale": l2_scale, "ease_validation_recall": ease_val,
        "ials": ials_params, "ials_validation_recall": ials_val}


# --- starchart's own picks, through the store --------------------------------------------------


def store_picks(db: Path) -> tuple[Recommender, list[float]]:
    """``picks`` answered from the store on one open connection; latencies in ms."""
    import duckdb

    from starchart.discovery.answers import picks_on

    con = duckdb.connect(str(db), read_only=True)
    latencies: list[float] = []

    def recommend(profile: str) -> list[str]:
        started = time.perf_counter()
        try:
            answer = picks_on(con, profile, limit=K)
        except LookupError:
            return []
        latencies.append((time.perf_counter() - started) * 1000)
        return [p["title_id"] for p in answer["picks"]]

    return recommend, latencies


def report_quality(name: str, rows: dict[str, evaluate.Scores], baseline: str) -> None:
    base = rows[baseline]
    print(f"\n{name}")
    print(f"  {'method':<34} {'Recall@20':>10} {'NDCG@20':>9} {'profiles':>9} {'x recall':>9}")
    for method, s in rows.items():
        ratio = s.recall / base.recall if base.recall else float("nan")
        print(f"  {method:<34} {s.recall:>10.4f} {s.ndcg:>9.4f} {s.profiles:>9,} "
              f"{ratio:>8.2f}x")


def bench_movielens(root: Path) -> dict[str, Any]:
    ratings, items = movielens()
    split = evaluate.time_split(ratings)
    stamps = {(u, t): s for u, t, s in ratings}
    catalog, events = write_movielens(root / "ml", items, split.train, stamps)
    db = root / "ml.duckdb"
    api.ingest(catalog=catalog, events=[events], db=db)
    started = time.perf_counter()
    api.train(db=db)
    train_s = time.perf_counter() - started
    picks, latencies = store_picks(db)

    titles = sorted(items)
    weights = {u: dict.fromkeys(ts, 1.0) for u, ts in split.train.items()}
    exclude = {u: set(ts) for u, ts in split.train.items()}  # every rating is a full watch
    full, chosen = anchors(weights, titles, exclude, split.train)
    rows = {
        "starchart picks (EASE+metadata, store)": evaluate.score(picks, split.test, K),
        "most popular": evaluate.score(evaluate.most_popular(split.train), split.test, K),
        f"EASE, full (l2 scale {chosen['ease_l2_scale']:g})":
            evaluate.score(full.ease(chosen["ease_l2_scale"]), split.test, K),
        "iALS ({factors} f, reg {regularization:g}, alpha {alpha:g})".format(**chosen["ials"]):
            evaluate.score(full.ials(chosen["ials"]), split.test, K),
    }
    report_quality(f"MovieLens 100K: {len(ratings):,} ratings, {len(split.train):,} users, "
                   f"{len(items):,} films; last 20% of each user held out", rows, "most popular")
    return {"rows": rows, "chosen": chosen, "train_s": train_s, "latencies": latencies}


# --- the simulated world -------------------------------------------------------------------


def taste_truth(params: dict[str, Any], profiles: Sequence[str]) -> dict[str, set[str]]:
    """Titles whose audience pool (in the profile's country) holds the profile: the
    simulator's own record of who would watch what."""
    from starchart.simulate import audience
    from starchart.simulate.world import build_world

    catalog, behaviour, per_country, _ = build_world(**params)
    n_countries = len(audience.COUNTRY_CODES)
    country_ix = {c: i for i, c in enumerate(audience.COUNTRY_CODES)}
    pool = behaviour.pool.reshape(len(catalog), n_countries)
    start = behaviour.pool_start.reshape(len(catalog), n_countries)
    live = behaviour.release_day <= behaviour.end_day
    ids = np.array(catalog.title_ids, dtype=object)
    out: dict[str, set[str]] = {}
    for profile in profiles:
        code, number = profile.rsplit("-", 1)
        c = country_ix[code]
        offset = (int(number) - start[:, c]) % int(per_country[c])
        out[profile] = set(ids[(offset < pool[:, c]) & live].tolist())
    return out


def bench_simulated(root: Path, *, profiles: int, titles: int, weeks: int, events: int,
                    sample: int) -> dict[str, Any]:
    import duckdb

    end = "2025-06-29"
    world = api.simulate(root / "sim", weeks=weeks, profiles=profiles, titles=titles, seed=12,
                         end=end, events_per_week=events // weeks)
    db = root / "sim.duckdb"
    api.ingest(catalog=world["catalog"], events=[world["events_dir"]], db=db)
    with duckdb.connect(str(db)) as con:
        # the store keeps no raw events: the profile x title summary has what the split needs
        rows = con.execute(
            "SELECT p.profile_id, p.title_id, epoch(p.first_watched), "
            "p.seconds_viewed / (c.runtime_minutes * 60) "
            "FROM profile_title p JOIN catalog c USING (title_id)").fetchall()
        split = evaluate.time_split((p, t, s) for p, t, s, _ in rows)
        held = [(p, t) for p, ts in split.test.items() for t in ts]
        con.execute("CREATE TEMP TABLE held (profile_id VARCHAR, title_id VARCHAR)")
        con.executemany("INSERT INTO held VALUES (?, ?)", held)
        con.execute("DELETE FROM profile_title_runs WHERE (profile_id, title_id) IN "
                    "(SELECT (profile_id, title_id) FROM held)")
    api.train(db=db)
    picks, _ = store_picks(db)

    completion = {(p, t): c for p, t, _, c in rows}
    weights = {p: {t: min(1.0, completion[(p, t)]) ** 0.5 for t in ts}
               for p, ts in split.train.items()}
    exclude = {p: {t for t in ts if completion[(p, t)] >= 0.9} for p, ts in split.train.items()}
    chosen_profiles = sorted(split.test)
    random.Random(12).shuffle(chosen_profiles)
    chosen_profiles = sorted(chosen_profiles[:sample])
    params = {"weeks": weeks, "profiles": profiles, "titles": titles, "seed": 12,
              "end": dt.date.fromisoformat(end),
              "events_per_week": events // weeks}
    taste = taste_truth(params, chosen_profiles)
    held_out = {p: split.test[p] for p in chosen_profiles}
    tastes = {p: sorted(taste[p] - exclude.get(p, set())) for p in chosen_profiles}
    all_titles = sorted({t for ws in weights.values() for t in ws})
    full, chosen = anchors(weights, all_titles, exclude, split.train)
    popular = evaluate.most_popular({p: [t for t in ts if t not in exclude.get(p, set())]
                                     for p, ts in split.train.items()})
    methods: dict[str, Recommender] = {
        "starchart picks (EASE+metadata, store)": picks,
        "most popular": lambda p: [t for t in popular(p) if t not in exclude.get(p, set())],
        f"EASE, full (l2 scale {chosen['ease_l2_scale']:g})": full.ease(chosen["ease_l2_scale"]),
        "iALS ({factors} f, reg {regularization:g}, alpha {alpha:g})".format(**chosen["ials"]):
            full.ials(chosen["ials"]),
    }
    cache = {name: {p: f(p) for p in chosen_profiles} for name, f in methods.items()}
    out = {}
    for label, relevant in (("held-out viewing", held_out), ("known taste", tastes)):
        rows_ = {name: evaluate.score(lambda p, c=lists: c[p], relevant, K)
                 for name, lists in cache.items()}
        report_quality(f"Simulated world ({world['events']:,} events, {world['profiles']:,} "
                       f"profiles, {world['titles']} titles; {len(chosen_profiles):,} profiles "
                       f"scored): relevant = {label}", rows_, "most popular")
        out[label] = rows_
    return {"rows": out, "chosen": chosen}


# --- scale: fresh processes, peak memory ----------------------------------------------------


def _child(task: str, args: list[str]) -> None:
    started = time.perf_counter()
    out: dict[str, Any] = {}
    if task == "simulate":
        folder, events, titles, profiles, weeks = args
        r = api.simulate(folder, weeks=int(weeks), profiles=int(profiles), titles=int(titles),
                         seed=2025, end="2025-06-29",
                         events_per_week=int(events) // int(weeks))
        out = {"events": r["events"], "catalog": r["catalog"], "events_dir": r["events_dir"]}
    elif task == "ingest":
        catalog, events_dir, db = args
        out = {"accepted": api.ingest(catalog=catalog, events=[events_dir], db=db)["accepted"]}
    elif task == "build":
        out = {"timings": api.build(db=args[0], train=False)["timings"]}
    elif task == "train":
        out = api.train(db=args[0])
    out["wall"] = time.perf_counter() - started
    out["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out, default=str))


def child(task: str, *args: Any) -> dict[str, Any]:
    done = subprocess.run([sys.executable, __file__, "--child", task, *map(str, args)],
                          check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def latency(db: Path, n: int = 300) -> dict[str, list[float]]:
    """``similar`` and ``picks`` for random titles and profiles: on one open connection (as
    a server answers) and through ``api`` (opening the store file for every call)."""
    import duckdb

    from starchart.discovery.answers import numbered_titles, picks_on, similar_on

    con = duckdb.connect(str(db), read_only=True)
    # as the site answers: a release's models never change, so its titles are read once
    numbered = numbered_titles(con)
    rng = random.Random(7)
    titles = [r[0] for r in con.execute("SELECT title_id FROM discovery_titles").fetchall()]
    profiles = [r[0] for r in con.execute(
        "SELECT profile_id FROM discovery_profiles USING SAMPLE 2000 ROWS").fetchall()]
    out: dict[str, list[float]] = {"similar": [], "picks": [], "similar (api, opens store)": [],
                                   "picks (api, opens store)": []}
    for _ in range(20):  # warm up
        similar_on(con, rng.choice(titles))
        picks_on(con, rng.choice(profiles), titles=lambda: numbered)
    for i in range(n):
        t, p = rng.choice(titles), rng.choice(profiles)
        started = time.perf_counter()
        similar_on(con, t)
        out["similar"].append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        picks_on(con, p, titles=lambda: numbered)
        out["picks"].append((time.perf_counter() - started) * 1000)
        if i < 50:
            started = time.perf_counter()
            api.similar(t, db=db)
            out["similar (api, opens store)"].append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            api.picks(p, db=db)
            out["picks (api, opens store)"].append((time.perf_counter() - started) * 1000)
    con.close()
    return out


def bench_scale(root: Path, *, events: int, titles: int, small: int) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for size in (small, events):
        folder = root / f"scale-{size}"
        sim = child("simulate", folder, size, titles, 100_000, 13)
        db = folder / "store.duckdb"
        ingested = child("ingest", sim["catalog"], sim["events_dir"], db)
        built = child("build", db)
        trained = child("train", db)
        results[size] = {"events": ingested["accepted"], "build": built, "train": trained,
                         "db": db}
    big = results[events]
    print(f"\nScale: {titles:,} titles, 13 weeks (fresh process per step, peak RSS)")
    print(f"  {'events':>12} {'build s':>8} {'train s':>8} {'train/build':>11} "
          f"{'build MiB':>10} {'train MiB':>10}")
    for size in (small, events):
        r = results[size]
        b, t = r["build"], r["train"]
        print(f"  {r['events']:>12,} {b['wall']:>8.1f} {t['wall']:>8.1f} "
              f"{t['wall'] / b['wall']:>10.2f}x {b['peak_mib']:>10,.0f} {t['peak_mib']:>10,.0f}")
    t = big["train"]
    print(f"  train steps at {big['events']:,} events: " + ", ".join(
        f"{k} {v:.1f} s" for k, v in t["timings"].items() if k != "wall"))
    m = t["models"][0]
    print(f"  model: {m['profiles']:,} profiles, {m['interactions']:,} profile x title rows, "
          f"{t['rows']['discovery_neighbours']:,} neighbour rows")
    print(f"  train peak memory {results[small]['train']['peak_mib']:,.0f} MiB at "
          f"{results[small]['events']:,} events vs {t['peak_mib']:,.0f} MiB at "
          f"{big['events']:,}: x{t['peak_mib'] / results[small]['train']['peak_mib']:.2f} for "
          f"x{big['events'] / results[small]['events']:.1f} the events")
    results["latency"] = latency(big["db"])
    print_latency(results["latency"], f"from the {big['events']:,}-event store")
    return results


def print_latency(lat: dict[str, list[float]], where: str) -> None:
    print(f"\nLatency {where} (ms)")
    print(f"  {'answer':<28} {'calls':>6} {'p50':>8} {'p99':>8}")
    for name, values in lat.items():
        if values:
            print(f"  {name:<28} {len(values):>6} {np.percentile(values, 50):>8.2f} "
                  f"{np.percentile(values, 99):>8.2f}")


def quality(root: Path, args: argparse.Namespace) -> None:
    """MovieLens 100K and the simulated world, printed and plotted."""
    from plots import save_bars

    ml = bench_movielens(root)
    rows = ml["rows"]
    picks = rows["starchart picks (EASE+metadata, store)"]
    popular = rows["most popular"]
    anchors_ = {k: v for k, v in rows.items() if k.startswith(("EASE", "iALS"))}
    strongest = max(anchors_.items(), key=lambda kv: kv[1].recall)
    print(f"  chosen on validation: {ml['chosen']}")
    print(f"  target: picks >= 1.5x most popular Recall@20: "
          f"{picks.recall / popular.recall:.2f}x "
          f"({'met' if picks.recall >= 1.5 * popular.recall else 'MISSED'})")
    gap = picks.recall / strongest[1].recall - 1
    print(f"  target: no worse than the stronger anchor ({strongest[0]}) by more than 5%: "
          f"{gap:+.1%} ({'met' if gap >= -0.05 else 'MISSED'})")
    print(f"  training through the store: {ml['train_s']:.2f} s")
    print_latency({"picks (ML store)": ml["latencies"]}, "on the MovieLens store")
    groups = {"MovieLens 100K": {k.split(" (")[0]: v.recall for k, v in rows.items()}}
    if not args.skip_sim:
        sim = bench_simulated(root, profiles=args.sim_profiles, titles=args.sim_titles,
                              weeks=8, events=args.sim_events, sample=args.sim_sample)
        print(f"  chosen on validation: {sim['chosen']}")
        for label, r in sim["rows"].items():
            groups[f"simulated, {label}"] = {k.split(" (")[0]: v.recall
                                             for k, v in r.items()}
    print("plot:", save_bars("discovery-recall", "Recall@20 by method", groups,
                             "Recall@20"))


def scale_and_latency(root: Path, args: argparse.Namespace) -> None:
    """Training vs the chart build at scale, peak memory, answer latency; plotted."""
    from plots import save_bars

    scale = bench_scale(root, events=args.events, titles=args.titles,
                        small=args.small)
    lat = scale["latency"]
    big = scale[args.events]
    print("plot:", save_bars("discovery-scale", f"{big['events']:,} events, "
                             f"{args.titles:,} titles", {
                                 "seconds": {"chart build": big["build"]["wall"],
                                             "train": big["train"]["wall"]},
                             }, "seconds"))
    print("plot:", save_bars("discovery-latency", "Answers from the store (ms)", {
        "p50": {k: float(np.percentile(v, 50)) for k, v in lat.items()},
        "p99": {k: float(np.percentile(v, 99)) for k, v in lat.items()},
    }, "milliseconds"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=10_000_000, help="scale run events")
    parser.add_argument("--small", type=int, default=2_000_000, help="memory comparison run")
    parser.add_argument("--titles", type=int, default=5_000, help="scale run titles")
    parser.add_argument("--sim-events", type=int, default=600_000)
    parser.add_argument("--sim-profiles", type=int, default=30_000)
    parser.add_argument("--sim-titles", type=int, default=300)
    parser.add_argument("--sim-sample", type=int, default=3_000, help="profiles scored")
    parser.add_argument("--skip-scale", action="store_true")
    parser.add_argument("--skip-ml", action="store_true", help="skip MovieLens (and the sim)")
    parser.add_argument("--skip-sim", action="store_true")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args, _ = parser.parse_known_args()  # run_all.py passes every script the same flags
    if args.child:
        _child(args.child[0], args.child[1:])
        return 0

    with tempfile.TemporaryDirectory(prefix="starchart-bench-discovery-") as tmp:
        root = Path(tmp)
        if not args.skip_ml:
            quality(root, args)
        if not args.skip_scale:
            scale_and_latency(root, args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
