"""More like this and picks on hand-made worlds where the right answers are known."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from starchart import api, releases, store
from starchart.discovery.answers import picks_on, similar_on
from starchart.discovery.feedback import FINISHED_SHARE
from tests.discovery.worlds import (
    RUNTIME,
    World,
    film,
    read_events,
    two_groups,
    view,
    write_catalog,
    write_events,
)
from tests.web.test_releases import hold_store


def _ids(answer: dict, key: str) -> list[str]:
    return [r["title_id"] for r in answer[key]]


def test_two_groups_never_mix_in_similar(groups_world: World, groups_db: Path) -> None:
    for group, titles in groups_world.groups.items():
        own = set(titles) | {groups_world.cold[group]}
        for title in titles:
            answer = api.similar(title, limit=20, db=groups_db)
            assert answer["title_id"] == title
            got = _ids(answer, "similar")
            assert set(titles) - {title} <= set(got), f"{title} misses group-mates: {got}"
            assert set(got) <= own, f"{title} has neighbours from the other group: {got}"
            scores = [r["score"] for r in answer["similar"]]
            assert scores == sorted(scores, reverse=True) and min(scores) > 0


def test_similar_answers_the_issue_shape(groups_db: Path) -> None:
    answer = api.similar("a1", limit=3, db=groups_db)
    assert set(answer) == {"title_id", "similar"}
    assert len(answer["similar"]) == 3
    for row in answer["similar"]:
        assert set(row) == {"title_id", "show_title", "season_title", "score"}
        assert row["show_title"].startswith("Harbour Light")
        assert row["season_title"] is None  # films have no season
        assert isinstance(row["score"], float)


def test_neighbours_follow_co_viewing(groups_world: World, groups_db: Path) -> None:
    # profiles watch a rotating window of consecutive titles: a1's nearest are a2 and a6
    got = _ids(api.similar("a1", limit=2, db=groups_db), "similar")
    assert set(got) == {"a2", "a6"}


def test_cold_start_titles_get_metadata_neighbours(groups_world: World, groups_db: Path
                                                   ) -> None:
    with duckdb.connect(str(groups_db), read_only=True) as con:
        viewers = dict(con.execute("SELECT title_id, viewers FROM discovery_titles "
                                   "WHERE model = 'viewing'").fetchall())
    assert viewers["a-new"] == 0 and viewers["b-new"] == 0
    a_new = _ids(api.similar("a-new", limit=10, db=groups_db), "similar")
    b_new = _ids(api.similar("b-new", limit=10, db=groups_db), "similar")
    # the drama shares its director with a1, the thriller an actor with b2: they come first
    assert a_new[0] == "a1" and set(a_new) <= set(groups_world.groups["a"])
    assert b_new[0] == "b2" and set(b_new) <= set(groups_world.groups["b"])
    assert len(a_new) == len(groups_world.groups["a"])


def test_similar_by_name_and_suggestions(groups_db: Path) -> None:
    assert api.similar("harbour light 3", db=groups_db)["title_id"] == "a3"
    with pytest.raises(LookupError) as err:
        api.similar("Harbor Lihgt 3", db=groups_db)
    assert "no title 'Harbor Lihgt 3'" in str(err.value)
    suggestions = err.value.args[1]
    assert suggestions[0]["title_id"] == "a3"
    assert {"title_id", "show_title", "season_title", "score"} <= set(suggestions[0])


def test_limit_must_be_positive(groups_db: Path) -> None:
    with pytest.raises(ValueError, match="limit must be at least 1"):
        api.similar("a1", limit=0, db=groups_db)
    with pytest.raises(ValueError, match="limit must be at least 1"):
        api.picks("a-p001", limit=0, db=groups_db)


def test_picks_stay_in_the_profiles_group(groups_world: World, groups_db: Path) -> None:
    for group, members in groups_world.profiles.items():
        own = set(groups_world.groups[group]) | {groups_world.cold[group]}
        for profile in members[:5]:
            answer = api.picks(profile, limit=10, db=groups_db)
            assert answer["profile_id"] == profile
            assert answer["picks"], profile
            assert set(_ids(answer, "picks")) <= own


def test_picks_never_offer_a_finished_title(groups_world: World, groups_db: Path) -> None:
    totals: dict[tuple[str, str], int] = {}
    for profile, title, seconds in read_events(groups_world):
        totals[profile, title] = totals.get((profile, title), 0) + seconds
    history = [(p, t, s) for (p, t), s in totals.items()]
    finished: dict[str, set[str]] = {}
    partial: dict[str, set[str]] = {}
    for profile, title, seconds in history:
        done = seconds >= FINISHED_SHARE * RUNTIME * 60
        (finished if done else partial).setdefault(profile, set()).add(title)
    offered_partial = 0
    for profile in groups_world.profiles["a"][::3] + groups_world.profiles["b"][::3]:
        picks = api.picks(profile, limit=20, db=groups_db)["picks"]
        got = set(_ids({"picks": picks}, "picks"))
        assert not got & finished[profile], profile
        offered_partial += len(got & partial.get(profile, set()))
        for pick in picks:
            assert pick["because"], pick
            assert set(pick["because"]) <= finished[profile] | partial.get(profile, set())
            assert pick["title_id"] not in pick["because"]
    assert offered_partial > 0  # a title watched 30% of the way is still worth offering


def test_picks_shape(groups_db: Path) -> None:
    answer = api.picks("a-p005", limit=2, db=groups_db)
    assert set(answer) == {"profile_id", "picks"}
    assert len(answer["picks"]) == 2
    for row in answer["picks"]:
        assert set(row) == {"title_id", "show_title", "season_title", "score", "because"}
        assert 1 <= len(row["because"]) <= 3
    assert answer["picks"][0]["score"] >= answer["picks"][1]["score"]


def _as_trained_before_picks_lists(db: Path) -> None:
    """Make ``db`` what a store trained before picks were kept per profile holds: one
    ``discovery_picks`` row per pick (with names), ``discovery_profiles`` without the
    lists, ``discovery_titles`` without ``ix``."""
    with duckdb.connect(str(db)) as con:
        con.execute(f"INSERT INTO discovery_picks {store.PICK_ROWS_SQL}")
        con.execute("CREATE TABLE old_profiles AS "
                    "SELECT profile_id, titles, finished FROM discovery_profiles")
        con.execute("DROP TABLE discovery_profiles")
        con.execute("ALTER TABLE old_profiles RENAME TO discovery_profiles")
        con.execute("ALTER TABLE discovery_titles DROP COLUMN ix")


def test_picks_are_one_row_per_profile_and_read_as_rows(groups_db: Path) -> None:
    """Training keeps each profile's picks as lists in its discovery_profiles row (no
    discovery_picks rows); PICK_ROWS_SQL shows them one row per pick, as picks answer them."""
    with duckdb.connect(str(groups_db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM discovery_picks").fetchone()[0] == 0
        rows = con.execute(store.PICK_ROWS_SQL).fetchall()
        lists = con.execute("SELECT profile_id, len(picks), len(because) FROM "
                            "discovery_profiles").fetchall()
        profiles = [r[0] for r in lists]
        answers = {p: picks_on(con, p, limit=30)["picks"] for p in profiles}
    assert len(rows) == sum(n for _, n, _ in lists) > 0
    assert all(b == 3 * n for _, n, b in lists)  # BECAUSE per pick, -1 padded
    by_profile: dict[str, list[dict]] = {}
    for profile, rank, title, score, because, show, season in rows:
        got = by_profile.setdefault(profile, [])
        assert rank == len(got) + 1
        got.append({"title_id": title, "show_title": show, "season_title": season,
                    "score": score, "because": because})
    assert by_profile == {p: a for p, a in answers.items() if a}


def test_picks_named_from_a_releases_kept_titles_answer_as_looked_up(
    groups_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A release's answers name picks from its titles read once (what the site does) and
    answer exactly what a lookup per answer gives."""
    from starchart.discovery import answers

    with duckdb.connect(str(groups_db), read_only=True) as con:
        profiles = [r[0] for r in con.execute(
            "SELECT profile_id FROM discovery_profiles ORDER BY profile_id").fetchall()]
        numbered = answers.numbered_titles(con)
        looked_up = {(p, n): picks_on(con, p, limit=n) for p in profiles for n in (1, 30)}
        kept = {(p, n): picks_on(con, p, limit=n, titles=lambda: numbered)
                for p in profiles for n in (1, 30)}
    assert kept == looked_up and any(a["picks"] for a in kept.values())
    reads: list[int] = []
    numbered_titles = answers.numbered_titles
    monkeypatch.setattr(answers, "numbered_titles",
                        lambda con: reads.append(1) or numbered_titles(con))
    with api.open(groups_db) as charts:
        through_api = {p: charts.picks(p, limit=30) for p in profiles}
    assert through_api == {p: looked_up[p, 30] for p in profiles}
    assert len(reads) == 1  # once for the release, not per answer


def test_picks_answer_the_same_from_stores_and_releases_of_older_layouts(
    groups_db: Path, tmp_path: Path
) -> None:
    """A store or release trained before picks were kept per profile (one discovery_picks
    row per pick; before that, without the picks' names) answers exactly what the new
    layout answers: read as it is (an old release), opened for writing (the columns are
    added, empty), published, and trained again (the old rows are replaced)."""
    import shutil

    profiles = ["a-p005", "b-p003", "a-p000"]
    with duckdb.connect(str(groups_db), read_only=True) as con:
        expected = {(p, n): picks_on(con, p, limit=n) for p in profiles for n in (1, 2, 30)}
    assert all(a["picks"] for a in expected.values())
    old = tmp_path / "old.duckdb"
    shutil.copy(groups_db, old)
    _as_trained_before_picks_lists(old)

    def answers(con: duckdb.DuckDBPyConnection) -> dict:
        return {(p, n): picks_on(con, p, limit=n) for p in profiles for n in (1, 2, 30)}

    with duckdb.connect(str(old), read_only=True) as con:
        assert answers(con) == expected
        with pytest.raises(LookupError, match="no profile 'a-p0050'"):
            picks_on(con, "a-p0050")
    with duckdb.connect(str(old)) as con:  # picks trained before names were kept
        con.execute("UPDATE discovery_picks SET show_title = NULL, season_title = NULL")
    with duckdb.connect(str(old), read_only=True) as con:
        assert answers(con) == expected
    with duckdb.connect(str(old)) as con:  # ... before the columns existed
        con.execute("ALTER TABLE discovery_picks DROP COLUMN show_title")
        con.execute("ALTER TABLE discovery_picks DROP COLUMN season_title")
    with duckdb.connect(str(old), read_only=True) as con:
        assert answers(con) == expected
    con = store.connect(old)  # writable: the store is brought up to date
    try:
        columns = [r[0] for r in con.execute("DESCRIBE discovery_picks").fetchall()]
        assert columns[-2:] == ["show_title", "season_title"]
        columns = [r[0] for r in con.execute("DESCRIBE discovery_profiles").fetchall()]
        assert columns[-3:] == ["picks", "scores", "because"]
        assert con.execute("SELECT count(picks) FROM discovery_profiles").fetchone()[0] == 0
        assert answers(con) == expected
    finally:
        con.close()
    published = releases.publish(old)
    assert published["published"] is True
    for (p, n), answer in expected.items():
        assert api.picks(p, limit=n, db=old) == answer
    api.train(db=old)  # the new layout replaces the old rows
    with duckdb.connect(str(old), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM discovery_picks").fetchone()[0] == 0
        assert answers(con) == expected


def test_unknown_profile_is_a_clear_error(groups_db: Path) -> None:
    with pytest.raises(LookupError) as err:
        api.picks("a-p0050", db=groups_db)
    message = str(err.value)
    assert "no profile 'a-p0050' in the viewing model" in message
    assert "60 profiles" in message
    assert "a-p005" in message  # the ids next to it, for a typo


def test_store_never_trained_says_what_to_run(tmp_path: Path, groups_world: World) -> None:
    db = tmp_path / "untrained.duckdb"
    api.ingest(catalog=groups_world.catalog, events=[groups_world.events], db=db)
    for call in (lambda: api.similar("a1", db=db), lambda: api.picks("a-p001", db=db)):
        with pytest.raises(LookupError, match="run 'starchart train'"):
            call()


def test_missing_store_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no starchart store"):
        api.similar("a1", db=tmp_path / "nothing.duckdb")


def test_train_refuses_an_empty_store(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="nothing to train on"):
        api.train(db=tmp_path / "empty.duckdb")


def test_train_replaces_the_model_whole(tmp_path: Path) -> None:
    """A second training run replaces every row of the first, and counts reconcile."""
    world = two_groups(tmp_path / "w", profiles=12)
    db = tmp_path / "s.duckdb"
    api.ingest(catalog=world.catalog, events=[world.events], db=db)
    first = api.train(db=db)
    second = api.train(db=db)
    assert first["rows"] == second["rows"]
    with duckdb.connect(str(db), read_only=True) as con:
        profiles = con.execute("SELECT count(*) FROM discovery_profiles").fetchone()[0]
        watched = con.execute("SELECT sum(titles) FROM discovery_profiles").fetchone()[0]
        pairs = len({(p, t) for p, t, _ in read_events(world)})
        n_models = con.execute("SELECT count(*) FROM discovery_models").fetchone()[0]
        picks = con.execute("SELECT sum(len(picks)) FROM discovery_profiles").fetchone()[0]
        assert con.execute("SELECT count(*) FROM discovery_picks").fetchone()[0] == 0
    assert profiles == 24 == second["rows"]["discovery_profiles"]
    assert watched == pairs and picks == second["rows"]["picks"] > 0
    assert n_models == 1
    model = second["models"][0]
    assert model["profiles"] == 24 and model["interactions"] == pairs
    assert model["titles"] == 14 and model["titles_without_viewing"] == 2


def test_training_publishes_a_release_read_while_the_store_is_written(tmp_path: Path) -> None:
    """Answers come from the chart release training publishes, as every question's do: a
    writer holding the store (a long build or import) does not stop them."""
    world = two_groups(tmp_path / "w", profiles=12)
    db = tmp_path / "s.duckdb"
    api.ingest(catalog=world.catalog, events=[world.events], db=db)
    trained = api.train(db=db)
    assert trained["release"]["published"] is True
    with duckdb.connect(str(releases.release_file(releases.folder(db),
                                                  trained["release"]["release"])),
                        read_only=True) as con:
        [(rows,)] = con.execute("SELECT sum(len(picks)) FROM discovery_profiles").fetchall()
    assert rows == trained["rows"]["picks"] > 0
    profile = world.profiles["a"][0]
    with duckdb.connect(str(db), read_only=True) as con:  # the model as the store holds it
        stored = similar_on(con, "a1", limit=3), picks_on(con, profile, limit=3)
    holder = hold_store(db, 30)
    try:
        answers = api.similar("a1", limit=3, db=db), api.picks(profile, limit=3, db=db)
        assert answers == stored and answers[1]["picks"]
        assert set(_ids(answers[0], "similar")) <= set(world.groups["a"]) | {"a-new"}
    finally:
        holder.kill()
        holder.wait()


def test_training_failure_leaves_the_last_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                ) -> None:
    world = two_groups(tmp_path / "w", profiles=12)
    db = tmp_path / "s.duckdb"
    api.ingest(catalog=world.catalog, events=[world.events], db=db)
    api.train(db=db)
    before = api.similar("a1", db=db)
    from starchart.discovery import train as training

    def broken(*args: object, **kwargs: object) -> int:
        raise RuntimeError("disk full")

    monkeypatch.setattr(training, "_insert", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        api.train(db=db)
    assert api.similar("a1", db=db) == before


def test_a_sample_counts_less_than_a_full_watch(tmp_path: Path) -> None:
    """Profiles who finished x and sampled y tie x to z more than those who sampled x."""
    titles = [film(t, f"Film {t}", "en", "drama") for t in ("x", "y", "z")]
    rows = []
    for n in range(20):
        rows += [view(f"p{n}", "x", 0, 1.0), view(f"p{n}", "z", 1, 1.0)]
        rows += [view(f"q{n}", "y", 0, 0.03), view(f"q{n}", "z", 1, 1.0)]
    write_catalog(tmp_path / "catalog.csv", titles)
    write_events(tmp_path / "events.csv", rows)
    db = tmp_path / "s.duckdb"
    api.ingest(catalog=tmp_path / "catalog.csv", events=[tmp_path / "events.csv"], db=db)
    api.train(db=db)
    z = {r["title_id"]: r["score"] for r in api.similar("z", db=db)["similar"]}
    assert z["x"] > z["y"]


def test_trains_from_the_stores_profile_title_summary(tmp_path: Path) -> None:
    """Training reads the ``profile_title`` summary ingest keeps (no raw events are stored):
    loading the same viewing in two ingests, or in one, learns the same model."""
    world = two_groups(tmp_path / "w", profiles=12)
    at_once = tmp_path / "once.duckdb"
    api.ingest(catalog=world.catalog, events=[world.events], db=at_once)
    api.train(db=at_once)
    rows = read_events(world)
    assert rows
    import pyarrow.csv as pacsv

    table = pacsv.read_csv(world.events, convert_options=pacsv.ConvertOptions(
        column_types={c: "string" for c in ("event_id", "seconds_viewed")}))
    half = table.num_rows // 2
    in_two = tmp_path / "two.duckdb"
    api.ingest(catalog=world.catalog, db=in_two)
    for n, part in enumerate((table.slice(0, half), table.slice(half))):
        pacsv.write_csv(part, tmp_path / f"part{n}.csv")
        api.ingest(events=[tmp_path / f"part{n}.csv"], db=in_two)
    with duckdb.connect(str(in_two), read_only=True) as con:
        assert not con.execute("SELECT count(*) FROM information_schema.tables "
                               "WHERE table_name = 'events'").fetchone()[0]
    report = api.train(db=in_two)
    assert report["models"][0]["interactions"] == 24 * 4  # 24 profiles, 4 titles each
    for title in ("a1", "b3", "a-new"):
        assert api.similar(title, db=in_two) == api.similar(title, db=at_once)
    assert api.picks("a-p004", db=in_two) == api.picks("a-p004", db=at_once)


def _same_trained_tables(db: Path, release: Path) -> bool:
    with duckdb.connect() as con:
        con.execute(f"ATTACH '{db}' AS s (READ_ONLY)")
        con.execute(f"ATTACH '{release}' AS r (READ_ONLY)")
        for name in ("discovery_models", *sorted(store.TRAINED_TABLES)):
            [(rows,)] = con.execute(f"SELECT count(*) FROM s.{name}").fetchall()
            [(differ,)] = con.execute(
                f"SELECT count(*) FROM ((FROM s.{name} EXCEPT ALL FROM r.{name}) UNION ALL "
                f"(FROM r.{name} EXCEPT ALL FROM s.{name}))").fetchall()
            if differ or not rows and name != "discovery_picks":  # (an older model's)
                return False
    return True


def test_a_release_carries_the_trained_tables_exactly_when_training_replaced_them(
        tmp_path: Path) -> None:
    """A release begins as a copy of the one before: the trained tables are written again
    after a training run (which replaces them with discovery_models) and only then."""
    db = tmp_path / "s.duckdb"
    first, more = two_groups(tmp_path / "w1", profiles=12), two_groups(tmp_path / "w2")
    api.ingest(catalog=first.catalog, events=[first.events], db=db)
    api.train(db=db)
    api.ingest(catalog=more.catalog, events=[more.events], db=db)  # 18 more profiles
    again = api.train(db=db)["release"]
    assert again["previous"] is not None and again["rows"]["reused"] is True
    assert again["rows"]["store_rows_written"]["discovery_profiles"] == 60
    current = releases.release_file(releases.folder(db), again["release"])
    assert _same_trained_tables(db, current)
    forced = releases.publish(db, force=True)  # nothing trained since: nothing rewritten
    assert not set(forced["rows"]["store_rows_written"]) & set(store.TRAINED_TABLES)
    assert _same_trained_tables(db, releases.release_file(releases.folder(db),
                                                          forced["release"]))
