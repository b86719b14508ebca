"""A title page's headline figures, on a store where a film charted in countries alone."""

from __future__ import annotations

import html
import re
from pathlib import Path

from fastapi.testclient import TestClient

from starchart import api
from starchart.web.app import create_app
from tests.published import netflix_samples as s


def test_weeks_in_the_global_top_10_leave_out_country_only_weeks(tmp_path: Path) -> None:
    # 레드슈즈 is on a global list in 2021-07-04 only, but in South Korea's Top 10 in both weeks
    s.write(tmp_path / "in", "all-weeks-global.tsv", s.GLOBAL_2021)
    s.write(tmp_path / "in", "all-weeks-countries.tsv", s.COUNTRIES)
    db = tmp_path / "store.duckdb"
    api.import_netflix([tmp_path / "in"], db=db)
    entry = api.title("레드슈즈", db=db)["matches"][0]
    assert len(entry["run"]) == 2 and entry["global"][0]["weeks_in_top_10"] == 1
    with TestClient(create_app(db)) as client:
        page = client.get(f"/title/{entry['slug']}").text
    words = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())
    assert "Weeks in the global Top 10 1 " in words
    assert "in the global Top 10: 1 week," in page


def test_week_after_a_gap_shows_no_moves(tmp_path: Path) -> None:
    """2025-03-23 missing: the 2025-03-30 page marks moves as unknown, not NEW or ▲/▼/=."""
    gap = s.write(tmp_path / "gap", "all-weeks-global.tsv",
                  s.GLOBAL_TODAY.replace("2025-03-23", "2025-03-16"))
    db = tmp_path / "gap.duckdb"
    api.import_netflix([gap], db=db)
    with TestClient(create_app(db)) as client:
        page = client.get("/week/2025-03-30").text
        data = client.get("/week/2025-03-30.json").json()
    assert data["compared_week"] is None
    assert {r["change"] for lst in data["lists"] for r in lst["rows"]} == {None}
    assert 'class="chg none"' in page and "No data for the previous week" in page
    assert 'class="chg new"' not in page and 'class="chg same"' not in page


def test_a_show_and_its_unnumbered_title_sharing_a_slug(tmp_path: Path) -> None:
    """/show/stranger-things is the show (two listings); /title/stranger-things the listing."""
    text = s.tsv(
        s.GLOBAL_HEADER,
        "2025-03-30|TV (English)|1|Stranger Things|Stranger Things: Season 5|9000000|8|"
        "1100000|1",
        "2025-03-30|TV (English)|2|Stranger Things|N/A|4000000|30|130000|3",
        "2025-03-23|TV (English)|1|Stranger Things|N/A|5000000|30|170000|2",
    )
    db = tmp_path / "st.duckdb"
    api.import_netflix([s.write(tmp_path / "in", "all-weeks-global.tsv", text)], db=db)
    show = api.title_by_slug("stranger-things", show=True, db=db)
    # numbered seasons first: the data does not say the unnumbered listing is season 1
    # (the numbers start at 5), so it keeps its name and follows
    assert [(x["season_title"], x["season_number"]) for x in show["seasons"]] == [
        ("Stranger Things: Season 5", 5), (None, None)]
    assert api.title_by_slug("stranger-things", db=db)["season_title"] is None
    with TestClient(create_app(db)) as client:
        page = client.get("/show/stranger-things.json").json()
        assert page["page"] == "show"
        assert [(x["slug"], x["label"]) for x in page["links"]["seasons"]] == [
            ("stranger-things--season-5", "Stranger Things: Season 5"),
            ("stranger-things", "Stranger Things")]
        assert client.get("/title/stranger-things.json").json()["page"] == "title"
