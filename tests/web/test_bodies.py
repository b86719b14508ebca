"""Title pages rendered when a release is published (:mod:`starchart.web.bodies`): every
title and show page's body is in the release, the site serves it only when it was rendered
from exactly the data the page shows, and a page made from it is the same bytes as one
rendered on request. Real DuckDB release files, the site in-process."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from fastapi.testclient import TestClient

from starchart import api, releases
from starchart.web import bodies, pages, prerender
from starchart.web.app import create_app
from tests.published.complete_lists import complete
from tests.web.sample_store import LATEST, build_store
from tests.web.test_releases import GLOBAL_HEADER, one_week


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    """A fresh copy of the sample store, published."""
    return build_store(tmp_path / "site")


def stored(db: Path) -> dict[str, bytes]:
    """The current release's bodies: address -> key."""
    where = releases.folder(db)
    with duckdb.connect(str(releases.release_file(where, releases.numbers(where)[-1])),
                        read_only=True) as con:
        return dict(con.execute("SELECT address, key FROM title_bodies").fetchall())


def published_rows(db: Path) -> dict[tuple[str, str], tuple[bytes, str]]:
    """The current release's bodies: (source, address) -> (key, head)."""
    where = releases.folder(db)
    with duckdb.connect(str(releases.release_file(where, releases.numbers(where)[-1])),
                        read_only=True) as con:
        return {(r[0], r[1]): (r[2], r[3]) for r in con.execute(
            "SELECT source, address, key, head FROM title_bodies").fetchall()}


def as_published_afresh(db: Path) -> None:
    """The current release's bodies are the ones a full publish of the same charts makes:
    what an update kept from the release before, and what it rendered, is exactly what it
    should hold (the site serves a published body by its address, unchecked)."""
    kept = published_rows(db)
    assert releases.publish(db, force=True, full=True)["published"] is True
    afresh = published_rows(db)
    assert sorted(kept) == sorted(afresh)
    stale = [address for address in kept if kept[address] != afresh[address]]
    assert stale == []


def served(db: Path, addresses: list[str], *, from_release: bool = True
           ) -> tuple[dict[str, bytes], int, int]:
    """Each address's HTML from a fresh site, how many bodies it read from a release (any:
    ``?release=N`` reads that one's) and how many the current release rendered itself;
    ``from_release`` False: the site finds no body in any release."""
    app = create_app(db, cache=False)
    read: list[str] = []
    real = bodies.StoredBodies.get

    def get(self: bodies.StoredBodies, source: str, address: str) -> object:
        found = real(self, source, address) if from_release else None
        if found is not None:
            read.append(address)
        return found

    with TestClient(app) as client, pytest.MonkeyPatch.context() as patch:
        release = app.state.site.releases.settle(30)
        patch.setattr(bodies.StoredBodies, "get", get)
        answers = {}
        for address in addresses:
            response = client.get(address)
            assert response.status_code == 200, address
            answers[address] = response.content
        return answers, len(read), release.bodies_rendered


def test_every_title_and_show_page_is_rendered_when_published(db: Path) -> None:
    """One body per title page and per show page of the release (a slug that redirects to
    a show's page has none), each found by the key of the page's data."""
    kept = stored(db)
    with api.open(db) as charts:
        slugs = [r[0] for r in charts.con.execute("SELECT slug FROM title_index").fetchall()]
        shows = [r[0] for r in charts.con.execute(
            "SELECT DISTINCT show_slug FROM title_index WHERE kind = 'tv'").fetchall()]
        listed = [c["iso2"] for c in pages.country_spans(charts)]
        for slug in slugs:
            page = pages.title_page(charts, slug)
            if page["page"] == "title":
                labels = bodies.span_labels(charts, page["source"])
                assert kept[f"/title/{slug}"] == bodies.body_key(page, listed, labels), slug
        for slug in shows:
            page = pages.title_page(charts, slug, show=True)
            if page["page"] == "show":
                labels = bodies.span_labels(charts, page["source"])
                assert kept[f"/show/{slug}"] == bodies.body_key(page, listed, labels), slug
    assert "/title/revelations" in kept and "/show/squid-game" in kept
    assert len(kept) == len(set(kept.values()))


def test_a_page_from_its_published_body_is_the_page_rendered_on_request(db: Path) -> None:
    addresses = sorted(stored(db))
    published, read, rendered = served(db, addresses)
    assert (read, rendered) == (len(addresses), 0)
    on_request, read, rendered = served(db, addresses, from_release=False)
    assert (read, rendered) == (0, len(addresses))
    for address in addresses:
        assert published[address] == on_request[address], address
    page = published["/title/revelations"].decode()
    assert "More like this" in page and "The run, week by week" in page
    assert page.index("The run, week by week") < page.index("More like this")
    assert bodies.MARKER not in page


def test_an_update_renders_only_the_pages_it_changed(db: Path, tmp_path: Path) -> None:
    """A revision of the latest week: release 2 renders the pages whose data changed, keeps
    the others' bodies, drops the bodies no page shows any more, and every page it serves
    from them is still the page rendered on request."""
    before = stored(db)
    result = api.import_netflix([one_week(tmp_path / "rev", LATEST,
                                          [("Revelations", 1, 16_000_000)])], db=db)
    counts = result["release"]["rows"]["title_bodies"]
    assert 0 < counts["rendered"] < counts["pages"]
    assert counts["deleted"] > 0
    after = stored(db)
    assert len(after) == counts["pages"]
    assert after["/title/revelations"] != before["/title/revelations"]
    assert after["/title/the-man-the-myth"] == before["/title/the-man-the-myth"]
    changed = [a for a in after if after[a] != before.get(a)]
    assert len(changed) == counts["rendered"]
    addresses = sorted(after)
    published, read, _ = served(db, addresses)
    assert read == len(addresses)
    on_request, _, _ = served(db, addresses, from_release=False)
    assert published == on_request
    assert "<td class=\"num\">16.0M</td>" in published["/title/revelations"].decode()
    # the page as first published, and with its source named, from their own bodies
    others = ["/title/revelations?release=1", "/title/revelations?source=netflix",
              "/show/squid-game?release=1"]
    published, read, _ = served(db, others)
    on_request, _, _ = served(db, others, from_release=False)
    assert read == len(others) and published == on_request
    assert "<td class=\"num\">16.0M</td>" not in published[others[0]].decode()
    as_published_afresh(db)


def test_a_longer_span_of_lists_renders_only_the_titles_of_the_new_week(
    db: Path, tmp_path: Path
) -> None:
    """A new week with a country list lengthens the span every record quotes ("country
    lists 2025-03-16 .. 2025-04-06"): the bodies hold it as a token, so only the pages of
    the week's titles are rendered again, and the site writes the new span into the
    others."""
    week, before = "2025-04-06", stored(db)
    with api.open(db) as charts:
        old_labels = bodies.span_labels(charts, "netflix")
    country = tmp_path / "c" / "all-weeks-countries.tsv"
    country.parent.mkdir()
    country.write_text(complete(
        "country_name\tcountry_iso2\tweek\tcategory\tweekly_rank\tshow_title\tseason_title"
        f"\tcumulative_weeks_in_top_10\nSouth Korea\tKR\t{week}\tFilms\t1\tHavoc\tN/A\t1"),
        encoding="utf-8")
    result = api.import_netflix([one_week(tmp_path / "g", week, [("Havoc", 1, 9_000_000)]),
                                 country], db=db)
    counts = result["release"]["rows"]["title_bodies"]
    with api.open(db) as charts:
        labels = bodies.span_labels(charts, "netflix")
        assert labels[0] != old_labels[0] and "(4 weeks)" in labels[0]
        quoted = pages.title_page(charts, "the-man-the-myth")["countries"]["coverage"]
        assert quoted["country_lists"] == labels[0]  # the record quotes the new span...
    after = stored(db)
    assert after["/title/the-man-the-myth"] == before["/title/the-man-the-myth"]  # ...its body not
    assert after["/title/havoc"] != before["/title/havoc"]
    assert 0 < counts["rendered"] <= counts["looked_at"] < counts["pages"] / 4
    addresses = sorted(after)
    published, read, _ = served(db, addresses)
    on_request, _, _ = served(db, addresses, from_release=False)
    assert read == len(addresses) and published == on_request
    assert not any(token.encode() in page for page in published.values()
                   for token in bodies.TOKENS)
    as_published_afresh(db)


def test_lists_added_to_past_weeks_have_every_page_looked_at(db: Path, tmp_path: Path) -> None:
    """A country list for a week before the ones the release held changes which weeks of
    old runs have country lists: any page may say so differently, so every page is looked
    at (and the ones whose data changed rendered)."""
    country = tmp_path / "c" / "all-weeks-countries.tsv"
    country.parent.mkdir()
    lines = ["country_name\tcountry_iso2\tweek\tcategory\tweekly_rank\tshow_title"
             "\tseason_title\tcumulative_weeks_in_top_10"]
    lines += [f"South Korea\tKR\t{week}\tFilms\t1\tHavoc\tN/A\t1"
              for week in ("2025-03-09",)]
    country.write_text(complete("\n".join(lines)), encoding="utf-8")
    counts = api.import_netflix([country], db=db)["release"]["rows"]["title_bodies"]
    assert counts["looked_at"] >= counts["pages"] > 0  # every page of the new release...
    assert counts["rendered"] < counts["pages"] / 4  # ...and few of them changed
    addresses = sorted(stored(db))
    published, read, _ = served(db, addresses)
    on_request, _, _ = served(db, addresses, from_release=False)
    assert read == len(addresses) and published == on_request
    as_published_afresh(db)


def test_the_first_week_with_views_has_every_page_looked_at(tmp_path: Path) -> None:
    """Weeks without views, then the first week with them: the pages that did not change
    said "weekly views: no data", written in their bodies as it is (a span is held as a
    token, "no data" is not), so every page is looked at, and each now quotes the span."""
    db = tmp_path / "views.duckdb"
    first = tmp_path / "w1" / "all-weeks-global.tsv"
    first.parent.mkdir()
    first.write_text(complete(GLOBAL_HEADER + "\n".join(
        f"2025-03-09\tFilms (English)\t{rank}\t{name}\tN/A\t{hours}\t\t\t1"
        for rank, name, hours in [(1, "Havoc", 9_000_000), (2, "Mantis", 5_000_000)])),
        encoding="utf-8")
    api.import_netflix([first], db=db)
    with api.open(db) as charts:
        assert bodies.span_labels(charts, "netflix")[1] == "no data"
    result = api.import_netflix([one_week(tmp_path / "w2", "2025-03-16",
                                          [("Havoc", 1, 4_000_000)])], db=db)
    counts = result["release"]["rows"]["title_bodies"]
    assert counts["looked_at"] >= counts["pages"] > 0
    page = served(db, ["/title/mantis"])[0]["/title/mantis"].decode()
    assert "weekly views: 2025-03-16 .. 2025-03-16 (1 week)" in page
    assert "weekly views: no data" not in page
    addresses = sorted(stored(db))
    published, read, _ = served(db, addresses)
    on_request, _, _ = served(db, addresses, from_release=False)
    assert read == len(addresses) and published == on_request
    as_published_afresh(db)


def test_a_kept_body_takes_new_span_labels_only_when_it_holds_them_alike() -> None:
    span, grown = "2021-07-04 .. 2022-11-13 (72 weeks)", "2021-07-04 .. 2022-11-20 (73 weeks)"
    views, more = "2023-06-18 .. 2023-06-25 (2 weeks)", "2023-06-18 .. 2023-07-02 (3 weeks)"
    assert bodies.same_tokens((span, views), (grown, more))  # two tokens, filled in
    assert bodies.same_tokens((span, span), (grown, grown))  # one token for both, still
    assert bodies.same_tokens((span, "no data"), (grown, "no data"))  # the word, kept
    assert not bodies.same_tokens((span, "no data"), (span, views))  # first weeks of views
    assert not bodies.same_tokens((span, span), (grown, span))  # the one token now two
    assert not bodies.same_tokens((span, f"{views}; {span}"), (span, more))  # held in the other


def test_a_span_label_is_written_into_the_body_where_the_page_shows_it() -> None:
    labels = ("2025-03-16 .. 2025-04-06 (4 weeks)", "no data")
    page = {"note": f"country lists {labels[0]}", "status": "no data", "rows": [labels[0]]}
    held = bodies.tokenized(page, labels)
    assert labels[0] not in str(held) and held["status"] == "no data"  # "no data": a status
    body = f"<p>{held['note']}</p><p>{held['rows'][0]}</p>".encode()
    assert bodies.filled(body, labels) == \
        f"<p>country lists {labels[0]}</p><p>{labels[0]}</p>".encode()
    assert bodies.body_key(page, ["KR"], labels) == bodies.body_key(
        {**page, "note": "country lists 2025-03-16 .. 2025-04-13 (5 weeks)",
         "rows": ["2025-03-16 .. 2025-04-13 (5 weeks)"]},
        ["KR"], ("2025-03-16 .. 2025-04-13 (5 weeks)", "no data"))


def test_a_label_holding_the_other_is_replaced_whole() -> None:
    """Views over two spans, one of them the country lists' span: the longer label is one
    token, so the key does not change when only the spans grow."""
    country = "2021-07-04 .. 2022-11-13 (72 weeks)"
    labels = (country, f"2020-01-05 .. 2020-02-02 (5 weeks); {country}")
    page = {"note": f"weekly views: {labels[1]}", "lists": f"country lists {country}"}
    held = bodies.tokenized(page, labels)
    assert held == {"note": f"weekly views: {bodies.TOKENS[1]}",
                    "lists": f"country lists {bodies.TOKENS[0]}"}
    assert bodies.filled(f"{held['note']} | {held['lists']}".encode(), labels) == \
        f"{page['note']} | {page['lists']}".encode()
    grown = "2021-07-04 .. 2022-11-20 (73 weeks)"
    longer = (grown, f"2020-01-05 .. 2020-02-02 (5 weeks); {grown}")
    assert bodies.body_key(page, [], labels) == bodies.body_key(
        {"note": f"weekly views: {longer[1]}", "lists": f"country lists {grown}"}, [], longer)


def test_publishing_unchanged_pages_again_renders_nothing(db: Path) -> None:
    result = releases.publish(db, force=True)
    assert result["published"] is True
    made = result["rows"]["title_bodies"]
    assert made == {"pages": len(stored(db)), "looked_at": 0, "rendered": 0, "deleted": 0,
                    "failed": 0}


def test_a_body_rendered_by_other_code_is_not_served(db: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Other code (an upgrade) has another context: the release's bodies are not trusted
    and every page is rendered on request (a site starting or a read does not wait for them
    to be made again), until a publish of the same, unchanged charts renders them all."""
    addresses = sorted(stored(db))[:40]
    monkeypatch.setattr(bodies, "RENDERER", b"another version of the code")
    _, read, rendered = served(db, addresses)
    assert (read, rendered) == (0, len(addresses))
    assert releases.numbers(releases.folder(db)) == [1]  # reading publishes nothing
    app = create_app(db)
    with TestClient(app) as client:  # what an operator sees after an upgrade
        assert app.state.site.releases.settle(30).prepared.wait(30)
        assert client.get("/healthz").json()["title_pages"]["published"] == 0
    result = releases.publish(db)
    assert result["published"] is True and result["reason"] == releases.REDONE
    assert result["rows"]["title_bodies"]["rendered"] == result["rows"]["title_bodies"]["pages"]
    _, read, rendered = served(db, addresses)
    assert (read, rendered) == (len(addresses), 0)
    assert releases.publish(db)["published"] is False  # now made here: nothing to publish


def test_the_key_changes_with_anything_a_body_is_rendered_from() -> None:
    page = {"slug": "x", "run": [{"week": "2025-03-30", "rank": 1}], "name": "X"}
    key = bodies.body_key(page, ["KR", "US"])
    assert bodies.body_key({**page}, ["KR", "US"]) == key
    assert bodies.body_key({**page, "run": [{"week": "2025-03-30", "rank": 2}]},
                           ["KR", "US"]) != key
    assert bodies.body_key(page, ["KR"]) != key
    assert bodies.body_key({**page, "extra": None}, ["KR", "US"]) != key


def test_bodies_without_a_compression_dictionary(db: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Too few pages to train a dictionary on (a small store): the bodies are compressed
    without one and read back the same."""
    assert prerender.trained([b"<p>one page</p>"]) is None
    monkeypatch.setattr(prerender, "trained", lambda samples: None)
    result = releases.publish(db, force=True, full=True)
    assert result["rows"]["title_bodies"]["rendered"] > 0
    where = releases.folder(db)
    with duckdb.connect(str(releases.release_file(where, result["release"])),
                        read_only=True) as con:
        assert con.execute("SELECT count(*) FROM title_body_dictionary").fetchall() == [(0,)]
    addresses = ["/title/revelations", "/show/squid-game"]
    published, read, _ = served(db, addresses)
    on_request, _, _ = served(db, addresses, from_release=False)
    assert read == 2 and published == on_request


def test_a_release_without_bodies_is_served_by_rendering(db: Path, tmp_path: Path) -> None:
    """A release written before bodies were (no table) or before their heads (no column)
    holds none the site can find, and a body that cannot be read is not found: the site
    then renders the page (as every other test here shows it does for a missing body)."""
    where = releases.folder(db)
    old = tmp_path / "old.duckdb"
    old.write_bytes(releases.release_file(where, releases.numbers(where)[-1]).read_bytes())
    with duckdb.connect(str(old)) as con:
        [(context,)] = con.execute("SELECT comment FROM duckdb_tables() "
                                   "WHERE table_name = 'title_bodies'").fetchall()
        con.execute("UPDATE title_bodies SET body = 'not zstd' "
                    "WHERE address = '/title/revelations'")
        damaged = bodies.StoredBodies(con, context)
        assert damaged.get("netflix", "/title/revelations") is None
        assert damaged.get("netflix", "/title/havoc") is not None
        assert len(bodies.StoredBodies(con, "another context")) == 0
        con.execute("ALTER TABLE title_bodies DROP COLUMN head")
        con.execute(f"COMMENT ON TABLE title_bodies IS '{context}'")
        assert len(bodies.StoredBodies(con, context)) == 0
        con.execute("DROP TABLE title_bodies")
        con.execute("DROP TABLE title_body_dictionary")
        assert len(bodies.StoredBodies(con, context)) == 0


def test_a_page_that_cannot_be_published_is_rendered_on_request(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One page failing to render while a release is written costs that page its published
    body, not the release: it is logged, counted and left to the site."""
    real = bodies.holds_escaped_tokens
    monkeypatch.setattr(bodies, "holds_escaped_tokens",
                        lambda body: "Revelations" in body.split("<h1>")[1][:40] or real(body))
    result = releases.publish(db, force=True, full=True)
    made = result["rows"]["title_bodies"]
    assert made["failed"] >= 1 and made["rendered"] == made["pages"]
    assert "/title/revelations" not in stored(db) and "/title/havoc" in stored(db)
    monkeypatch.undo()
    answers, read, rendered = served(db, ["/title/revelations", "/title/havoc"])
    assert (read, rendered) == (1, 1)
    assert b"<h1>Revelations</h1>" in answers["/title/revelations"]


def test_work_pages_are_left_to_the_site(db: Path) -> None:
    """A work's own page (``/title/nf-…``) is not published (the engagement reports name
    tens of thousands of works, most never charted): the site renders it on request."""
    assert not any(a.startswith("/title/nf-") for a in stored(db))
    with api.open(db) as charts:
        works = [r[0] for r in charts.con.execute(
            "SELECT slug FROM title_pages WHERE page = 'work' ORDER BY slug LIMIT 3").fetchall()]
    assert works
    _, read, rendered = served(db, [f"/title/{w}" for w in works])
    assert (read, rendered) == (0, len(works))


def test_a_published_page_is_served_without_reading_its_record(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A title page published with its release is served from its body and head alone (the
    page's JSON, and a page asked for as JSON, still read the record)."""
    def unread(*args: object, **kwargs: object) -> None:
        raise AssertionError("the record was read")

    with api.open(db) as charts:
        [(work,)] = charts.con.execute(
            "SELECT slug FROM title_pages WHERE page = 'work' ORDER BY slug LIMIT 1").fetchall()
    app = create_app(db, cache=False)
    with TestClient(app, raise_server_exceptions=False) as client:
        assert app.state.site.releases.settle(30).prepared.wait(30)
        health = client.get("/healthz").json()["title_pages"]
        assert health == {"published": len(stored(db)), "from_release": 0, "rendered": 0}
        assert client.get(f"/title/{work}").status_code == 200
        expected = {a: client.get(a).content for a in ("/title/revelations", "/show/squid-game")}
        monkeypatch.setattr(pages, "title_page", unread)
        for address, page in expected.items():
            assert client.get(address).content == page
        assert b"<h1>Revelations</h1>" in expected["/title/revelations"]
        assert client.get("/title/revelations.json").status_code == 500
        assert client.get("/title/revelations",
                          headers={"Accept": "application/json"}).status_code == 500
        assert client.get(f"/title/{work}").status_code == 500  # a work: not published


def test_the_page_around_a_body_reads_only_its_head() -> None:
    """A published page's template is given its head, not its data (:func:`bodies.head`);
    a field the template read from the data but not kept in the head would be blank on
    both ways of serving the page alike, so the tests comparing them could not see it:
    every ``page.x`` and ``headline.x`` the templates around a body read is in the head."""
    from jinja2 import nodes

    from starchart.web.app import make_templates

    shown = bodies.head({"page": "title", "show_title": "X", "links": {"html": "/title/x",
                                                                         "json": "/title/x.json"}})
    allowed = {"page": set(shown), "headline": set(shown["headline"]),
               "h": set(shown["headline"])}
    env = make_templates().env
    read: list[tuple[str, str]] = []
    for name in ("base.html", "title.html"):
        tree = env.parse(env.loader.get_source(env, name)[0])  # type: ignore[union-attr]
        fields = {id(n.node): n for n in tree.find_all(nodes.Getattr)
                  if isinstance(n.node, nodes.Name)}
        for found in tree.find_all(nodes.Name):
            if found.name in allowed and found.ctx == "load":
                attribute = fields.get(id(found))
                if attribute is None and found.name == "headline":
                    continue  # "{% set h = headline %}": what it reads of h is checked
                assert attribute is not None, f"{name} reads {found.name} whole"
                read.append((found.name, attribute.attr))
                assert attribute.attr in allowed[found.name], (name, found.name, attribute.attr)
    assert ("page", "show_title") in read and ("h", "peak_rank") in read
