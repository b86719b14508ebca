"""The OpenAPI description is true to what the server sends.

Walks /openapi.json: for every documented path it asks the real app for a good answer, a bad
parameter and an unknown thing (and a redirect where the path documents one), and checks
that the status the server sent is documented for that path, that the body is of the
documented media type, and that a JSON body validates against the documented schema (JSON
Schema 2020-12, as OpenAPI 3.1 writes it). A path documented without cases here fails the
test, so the description and these checks cannot drift apart.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator

from starchart import api
from starchart.web.app import create_app
from tests.published import engagement_samples
from tests.web.sample_store import LATEST, write_files

# documented path -> (address asked, status the server must send)
CASES: dict[str, list[tuple[str, int]]] = {
    "/index.json": [
        ("/index.json", 200),
        ("/index.json?source=bogus", 400),
        ("/index.json?release=abc", 400),
        ("/index.json?release=99", 404),
    ],
    "/week/{week}.json": [
        (f"/week/{LATEST}.json", 200),
        ("/week/2025-13-45.json", 400),
        ("/week/2024-12-29.json", 404),
        ("/week/latest.json", 307),
    ],
    "/week/{week}/{list_slug}.csv": [
        (f"/week/{LATEST}/films-english.csv", 200),
        ("/week/garbage/films-english.csv", 400),
        (f"/week/{LATEST}/documentaries.csv", 404),
    ],
    "/weeks.json": [("/weeks.json", 200), ("/weeks.json?country=Atlantis", 404)],
    "/countries.json": [("/countries.json", 200), ("/countries.json?source=bogus", 400)],
    "/countries.csv": [("/countries.csv", 200), ("/countries.csv?source=bogus", 400)],
    "/country/{iso2}.json": [
        ("/country/KR.json", 200),
        ("/country/kr.json", 301),
        ("/country/korea.json", 301),
        ("/country/Atlantis.json", 404),
        ("/country/DE.json", 404),
    ],
    "/country/{iso2}/week/{week}.json": [
        (f"/country/KR/week/{LATEST}.json", 200),
        (f"/country/kr/week/{LATEST}.json", 301),
        ("/country/KR/week/2025-03-31.json", 307),
        ("/country/KR/week/2025-03-32.json", 400),
        ("/country/KR/week/2024-12-29.json", 404),
    ],
    "/country/{iso2}/week/{week}/{list_slug}.csv": [
        (f"/country/KR/week/{LATEST}/tv.csv", 200),
        (f"/country/KR/week/{LATEST}/tv.csv?source=bogus", 400),
        (f"/country/K1/week/{LATEST}/tv.csv", 404),
        (f"/country/KR/week/{LATEST}/documentaries.csv", 404),
    ],
    "/week/{week}/number-ones.json": [
        (f"/week/{LATEST}/number-ones.json", 200),
        ("/week/latest/number-ones.json", 307),
        ("/week/2025-13-45/number-ones.json", 400),
        ("/week/2024-12-29/number-ones.json", 404),
    ],
    "/country/{iso2}/number-ones.json": [
        ("/country/KR/number-ones.json", 200),
        ("/country/korea/number-ones.json", 301),
        ("/country/KR/number-ones.json?since=someday", 400),
        ("/country/Atlantis/number-ones.json", 404),
    ],
    "/title/{slug}.json": [
        ("/title/revelations.json", 200),
        ("/title/squid-game.json", 308),
        ("/title/revelations.json?source=bogus", 400),
        ("/title/revelatons.json", 404),
    ],
    "/title/{slug}/similar.json": [
        ("/title/revelations/similar.json", 200),
        ("/title/revelations/similar.json?limit=0", 400),
        ("/title/revelatons/similar.json", 404),
    ],
    "/watchlist.json": [("/watchlist.json", 200), ("/watchlist.json?limit=0", 400)],
    "/watchlist.atom": [("/watchlist.atom", 200), ("/watchlist.atom?since=-1", 400)],
    "/show/{slug}.json": [
        ("/show/squid-game.json", 200),
        ("/show/revelations.json", 308),
        ("/show/squid-game.json?release=0", 400),
        ("/show/no-such-show.json", 404),
    ],
    "/leaders.json": [
        ("/leaders.json?by=countries&limit=5", 200),
        ("/leaders.json?by=likes", 400),
        ("/leaders.json?limit=0", 400),
    ],
    "/leaders.csv": [("/leaders.csv?by=views", 200), ("/leaders.csv?since=yesterday", 400)],
    "/search.json": [("/search.json?q=amelie", 200), ("/search.json?limit=500", 400)],
    "/most-popular.json": [("/most-popular.json", 200), ("/most-popular.json?source=x", 400)],
    "/most-popular/{list_slug}.csv": [
        ("/most-popular/films-english.csv", 200),
        ("/most-popular/films-english.csv?source=x", 400),
        ("/most-popular/nope.csv", 404),
    ],
    "/changes.json": [("/changes.json", 200), ("/changes.json?limit=0", 400)],
    "/engagement/{period}.json": [
        ("/engagement/2025H1.json", 200),
        ("/engagement/2023H2.json?by=hours&kind=film", 200),
        ("/engagement/2025H1.json?limit=0", 400),
        ("/engagement/1999H1.json", 404),
    ],
    "/engagement/{period}.csv": [
        ("/engagement/2025H1.csv", 200),
        ("/engagement/2025H1.csv?limit=9999", 400),
        ("/engagement/1999H1.csv", 404),
    ],
}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The site over the hand-made Top 10 files and engagement reports together."""
    folder = tmp_path_factory.mktemp("openapi")
    top10 = write_files(folder / "top10")
    reports = engagement_samples.folder(folder / "engagement")
    db = folder / "store.duckdb"
    api.import_netflix([top10, reports], db=db)
    with TestClient(create_app(db), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="module")
def spec(client: TestClient) -> dict[str, Any]:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    return dict(response.json())


def test_every_documented_path_is_checked_here(spec: dict[str, Any]) -> None:
    documented = {path for path, ops in spec["paths"].items() if "get" in ops}
    assert documented == set(CASES), (
        f"documented but not checked: {sorted(documented - set(CASES))}; "
        f"checked but not documented: {sorted(set(CASES) - documented)}"
    )
    for path, cases in CASES.items():
        statuses = {status for _, status in cases}
        assert 200 in statuses and statuses & {400, 404}, path


def test_the_document_promises_no_422(spec: dict[str, Any]) -> None:
    for path, ops in spec["paths"].items():
        for op in ops.values():
            assert "422" not in op["responses"], path
            assert {"400", "404"} <= set(op["responses"]), path
    assert "HTTPValidationError" not in spec["components"]["schemas"]


def _validate(spec: dict[str, Any], schema: dict[str, Any], body: Any, where: str) -> None:
    """``body`` against ``schema``, its ``$ref``s read from the document's components."""
    validator = Draft202012Validator({**schema, "components": spec["components"]})
    problems = sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))
    assert not problems, f"{where}: " + "; ".join(
        f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}" for e in problems[:5]
    )


@pytest.mark.parametrize(
    ("path", "url", "status"),
    [(path, url, status) for path, cases in CASES.items() for url, status in cases],
)
def test_the_answer_is_as_documented(
    client: TestClient, spec: dict[str, Any], path: str, url: str, status: int
) -> None:
    response = client.get(url, follow_redirects=False)
    assert response.status_code == status, (url, response.text[:300])
    responses = spec["paths"][path]["get"]["responses"]
    assert str(status) in responses, f"{url} answered {status}, not documented for {path}"
    documented = responses[str(status)]
    if 300 <= status < 400:
        assert response.headers["location"].startswith("/"), url
        return
    media = response.headers["content-type"].split(";")[0].strip()
    content = documented.get("content") or {}
    assert media in content, f"{url} sent {media}; documented: {sorted(content)}"
    if media == "application/json":
        _validate(spec, content[media]["schema"], response.json(), url)
        if status >= 400:
            assert response.json()["status"] == status
    elif media == "text/csv":
        rows = list(csv.reader(io.StringIO(response.text)))
        assert rows and rows[0], url  # a header row at least
    elif media == "application/atom+xml":
        feed = ElementTree.fromstring(response.content)
        assert feed.tag == "{http://www.w3.org/2005/Atom}feed", url
    else:
        assert response.text.startswith(f"{status} "), url


def test_every_path_parameter_has_an_example(spec: dict[str, Any]) -> None:
    """Swagger UI at /docs fills these in, so "Try it out" works as it opens."""
    for path, ops in spec["paths"].items():
        for param in ops["get"].get("parameters", []):
            examples = param.get("examples") or param.get("schema", {}).get("examples")
            assert param["in"] != "path" or examples, (path, param["name"])


def test_no_release_yet_is_the_documented_503(tmp_path: Path, spec: dict[str, Any]) -> None:
    with TestClient(create_app(tmp_path / "empty.duckdb"), raise_server_exceptions=False) as c:
        for path, url in (("/index.json", "/index.json"), ("/leaders.csv", "/leaders.csv")):
            response = c.get(url)
            assert response.status_code == 503 and response.headers["retry-after"] == "5"
            documented = spec["paths"][path]["get"]["responses"]["503"]["content"]
            media = response.headers["content-type"].split(";")[0]
            assert media in documented, (url, media)
            if media == "application/json":
                _validate(spec, documented[media]["schema"], response.json(), url)
