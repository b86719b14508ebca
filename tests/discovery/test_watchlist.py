"""The watchlist: watch titles by ID or name, and every import reports what they did once."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from starchart import api
from starchart.cli import app
from starchart.web.app import create_app
from starchart.web.atom import ATOM
from tests.published.complete_lists import complete

HEADER = ("country_name\tcountry_iso2\tweek\tcategory\tweekly_rank\tshow_title\tseason_title\t"
          "cumulative_weeks_in_top_10")
WEEKS = ["2025-03-02", "2025-03-09", "2025-03-16", "2025-03-23"]
NIGHT = ("Night Market", "Night Market: Season 1")
# per week: (country, rank) of Night Market's TV entries. It charts in Korea from the first
# week, is #1 there in week 3, when it also enters Japan's list; week 4 changes nothing new.
RUN = {WEEKS[0]: [("KR", 3)], WEEKS[1]: [("KR", 2)], WEEKS[2]: [("KR", 1), ("JP", 4)],
       WEEKS[3]: [("KR", 2), ("JP", 3)]}
NAMES = {"KR": "South Korea", "JP": "Japan"}


def countries_file(path: Path, weeks: int) -> Path:
    lines = [HEADER]
    for n, week in enumerate(WEEKS[:weeks], start=1):
        for iso, name in NAMES.items():
            lines.append("\t".join([name, iso, week, "Films", "1", "Everywhere", "N/A", str(n)]))
        for iso, rank in RUN[week]:
            lines.append("\t".join([NAMES[iso], iso, week, "TV", str(rank), *NIGHT, "1"]))
        # a namesake film, so that the bare name "Twin" is ambiguous
        lines.append("\t".join(["Japan", "JP", week, "Films", "2", "Twin", "N/A", str(n)]))
        lines.append("\t".join(["Japan", "JP", week, "TV", "1", "Twin", "Twin: Season 1",
                                str(n)]))
    path.write_text(complete("\n".join(lines)))
    return path


def import_weeks(root: Path, db: Path, weeks: int) -> dict:
    folder = root / f"download-{weeks}"
    folder.mkdir(exist_ok=True)
    return api.import_netflix([countries_file(folder / "all-weeks-countries.tsv", weeks)],
                              db=db)


@pytest.fixture()
def store(tmp_path: Path) -> Path:
    db = tmp_path / "store.duckdb"
    import_weeks(tmp_path, db, 2)
    return db


def test_watch_by_name_or_id(store: Path) -> None:
    added = api.watch_add("night market: season 1", db=store)
    assert added["added"] and added["title_id"].startswith("nf-")
    assert added["show_title"] == "Night Market"
    again = api.watch_add(added["title_id"], db=store)
    assert not again["added"] and again["watched"] == 1
    assert [w["title_id"] for w in api.watchlist(db=store)] == [added["title_id"]]
    gone = api.watch_remove("Night Market: Season 1", db=store)
    assert gone["removed"] and gone["watched"] == 0
    assert api.watchlist(db=store) == []
    assert not api.watch_remove(added["title_id"], db=store)["removed"]


def test_ambiguous_and_unknown_names_are_clear_errors(store: Path) -> None:
    with pytest.raises(LookupError, match="2 titles are named 'Twin'") as err:
        api.watch_add("Twin", db=store)
    assert len(err.value.args[1]) == 2
    assert {c["season_title"] for c in err.value.args[1]} == {None, "Twin: Season 1"}
    with pytest.raises(LookupError, match="no title 'Nite Market'.*did you mean nf-"):
        api.watch_add("Nite Market", db=store)
    assert api.watchlist(db=store) == []


def test_each_event_is_reported_by_one_import(store: Path, tmp_path: Path) -> None:
    tid = api.watch_add("Night Market", db=store)["title_id"]
    third = import_weeks(tmp_path, store, 3)
    found = third["watchlist"]
    assert found["watched"] == 1 and found["release"] == third["release"]["release"]
    kinds = {(e["event"], e["week"]): e for e in found["events"]}
    assert set(kinds) == {("entered", WEEKS[2]), ("number-one", WEEKS[2]),
                          ("new-countries", WEEKS[2])}
    assert all(e["title_id"] == tid for e in found["events"])
    entered = kinds[("entered", WEEKS[2])]["lists"]
    assert entered == [{"country": "JP", "country_name": "Japan", "category": "TV",
                        "weekly_rank": 4}]
    assert [x["country"] for x in kinds[("number-one", WEEKS[2])]["lists"]] == ["KR"]
    assert [x["country"] for x in kinds[("new-countries", WEEKS[2])]["lists"]] == ["JP"]
    assert "Night Market: Season 1 entered the Top 10: Japan (TV)" in (
        kinds[("entered", WEEKS[2])]["summary"])

    fourth = import_weeks(tmp_path, store, 4)  # still in both lists, #2 and #3: nothing new
    assert fourth["watchlist"]["events"] == []
    every = api.watchlist_events(db=store)
    assert [(e["event"], e["week"]) for e in every if e["event"] == "entered"] == [
        ("entered", WEEKS[2])]
    assert len(every) == 3  # the feed carries the third import's events, once each
    # a re-import of the same files publishes nothing and reports nothing
    assert import_weeks(tmp_path, store, 4)["watchlist"]["events"] == []
    check_atom(store, tid)


def check_atom(db: Path, tid: str) -> None:
    """/watchlist.atom parses, has what Atom requires, and holds each event once."""
    with TestClient(create_app(db)) as client:
        answer = client.get("/watchlist.atom")
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("application/atom+xml")
        as_json = client.get("/watchlist.json").json()
    root = ET.fromstring(answer.content)
    assert root.tag == f"{{{ATOM}}}feed"
    for name in ("id", "title", "updated"):
        assert root.find(f"{{{ATOM}}}{name}") is not None
    entries = root.findall(f"{{{ATOM}}}entry")
    assert len(entries) == len(as_json["events"]) == 3
    ids = [e.findtext(f"{{{ATOM}}}id") for e in entries]
    assert len(set(ids)) == 3
    titles = [e.findtext(f"{{{ATOM}}}title") or "" for e in entries]
    assert sum("entered the Top 10" in t for t in titles) == 1
    for entry in entries:
        assert entry.findtext(f"{{{ATOM}}}updated")
        link = entry.find(f"{{{ATOM}}}link")
        assert link is not None and link.get("href", "").endswith(f"/title/{tid}?source=netflix")
    with TestClient(create_app(db)) as client:  # the link is the work's page
        page = client.get(f"/title/{tid}.json")
        assert page.status_code == 200 and page.json()["title_id"] == tid


def test_cli_watch_and_import_section(store: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    added = runner.invoke(app, ["watch", "add", "Night", "Market", "--db", str(store)])
    assert added.exit_code == 0, added.output
    assert "watching" in added.output.lower() and "Night Market: Season 1" in added.output
    ambiguous = runner.invoke(app, ["watch", "add", "Twin", "--db", str(store)])
    assert ambiguous.exit_code == 1 and "2 titles are named 'Twin'" in ambiguous.output
    listed = runner.invoke(app, ["watch", "list", "--json", "--db", str(store)])
    assert [w["show_title"] for w in json.loads(listed.output)["watchlist"]] == [
        "Night Market"]
    assert [w["show_title"] for w in api.watchlist(db=store)] == ["Night Market"]
    folder = tmp_path / "three"
    folder.mkdir()
    out = runner.invoke(app, ["import", "netflix", str(countries_file(
        folder / "all-weeks-countries.tsv", 3)), "--db", str(store)])
    assert out.exit_code == 0, out.output
    assert "Watchlist" in out.output and "was #1: South Korea (TV)" in out.output
    removed = runner.invoke(app, ["watch", "remove", "Night Market", "--db", str(store)])
    assert removed.exit_code == 0 and api.watchlist(db=store) == []


def test_update_reports_watched_titles(store: Path, tmp_path: Path) -> None:
    api.watch_add("Night Market", db=store)
    folder = tmp_path / "downloads"
    folder.mkdir()
    countries_file(folder / "all-weeks-countries.tsv", 3)
    out = CliRunner().invoke(app, ["update", "--from", str(folder), "--file",
                                   "all-weeks-countries.tsv", "--db", str(store)])
    assert out.exit_code == 0, out.output
    assert "Watchlist (1 watched): 3 events" in out.output
    assert "entered the Top 10: Japan (TV)" in out.output
    countries_file(folder / "all-weeks-countries.tsv", 4)
    result = api.update(source=folder, files=["all-weeks-countries.tsv"], db=store)
    assert result["watchlist"]["watched"] == 1 and result["watchlist"]["events"] == []
