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
