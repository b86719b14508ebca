"""The run plot, the BACK badge and /docs in a real headless Chromium, at desktop and phone
widths, over a store with a long run, a gap of years and a re-run (screenshots saved to
test-artifacts/screenshots/ as the other browser tests do).

The store: "Long Run" 19 weeks on Films (English) from July 2021, then back for 3 weeks in
March 2024 (a re-entry: BACK on that week's list, the week before it being stored).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from starchart import api
from tests.published.complete_lists import complete
from tests.web.conftest import BROWSER_TESTS, VIEWPORTS, start_server, stop_server

pytestmark = BROWSER_TESTS

HEADER = (
    "week\tcategory\tweekly_rank\tshow_title\tseason_title\tweekly_hours_viewed"
    "\truntime\tweekly_views\tcumulative_weeks_in_top_10\n"
)
FIRST_RUN = [dt.date(2021, 7, 4) + dt.timedelta(weeks=i) for i in range(19)]
RE_RUN = [dt.date(2024, 3, 3) + dt.timedelta(weeks=i) for i in range(3)]
RANKS = [3, 1, 1, 2, 2, 4, 5, 5, 6, 7, 8, 8, 9, 10, 10, 9, 10, 10, 10, 6, 4, 7]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("long-run")
    lines = []
    for n, (week, rank) in enumerate(zip(FIRST_RUN + RE_RUN, RANKS, strict=True), start=1):
        lines.append(f"{week}\tFilms (English)\t{rank}\tLong Run\tN/A\t{2_000_000 * rank}"
                     f"\t2\t{1_000_000 * rank}\t{n}")
    # the week before the re-run is stored (without Long Run), so the re-run reads as BACK
    lines.append(f"{RE_RUN[0] - dt.timedelta(weeks=1)}\tFilms (English)\t1\tOther Film\tN/A"
                 "\t4000000\t2\t2000000\t1")
    files = folder / "files"
    files.mkdir()
    (files / "all-weeks-global.tsv").write_text(complete(HEADER + "\n".join(lines)),
                                                encoding="utf-8")
    db = folder / "long.duckdb"
    api.import_netflix([files], db=db)
    proc, url = start_server(db)
    try:
        yield url
    finally:
        stop_server(proc)


@pytest.fixture(params=list(VIEWPORTS))
def page(request: pytest.FixtureRequest, browser: Any, server: str) -> Iterator[Any]:
    """A page at one viewport with every other host blocked; fails the test on a script
    error or any request leaving the site."""
    context = browser.new_context(viewport=VIEWPORTS[request.param], base_url=server)
    problems: list[str] = []

    def only_the_site(route: Any) -> None:
        if route.request.url.startswith(server):
            route.continue_()
        else:
            problems.append(f"off-site: {route.request.url}")
            route.abort()

    context.route("**/*", only_the_site)
    pg = context.new_page()
    pg.on("pageerror", lambda e: problems.append(f"script error: {e}"))
    pg.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    pg.viewport_name = request.param
    yield pg
    context.close()
    assert problems == []


def shot(page: Any, folder: Path, name: str) -> None:
    page.screenshot(path=str(folder / f"{name}-{page.viewport_name}.png"), full_page=True)


def test_the_run_plot_gives_each_run_its_width(page: Any, screenshot_dir: Path) -> None:
    page.goto("/title/long-run")
    width = page.viewport_size["width"]
    plots = page.locator("svg.runplot:visible")
    assert plots.count() == 1
    plot = plots.first
    narrow = "runplot-narrow" in (plot.get_attribute("class") or "")
    assert narrow == (page.viewport_name == "phone")
    box = plot.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
    # nothing scrolls sideways: not the page, not the plot's own box
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.evaluate(
        "(() => { const b = document.querySelector('.plot-scroll');"
        " return b.scrollWidth <= b.clientWidth; })()"
    )
    # one marked break for the 2021 -> 2024 gap; every week drawn inside the plot
    assert plot.locator(".axis-break").count() == 1
    points = plot.locator(".series circle")
    assert points.count() == len(FIRST_RUN) + len(RE_RUN)
    xs = [points.nth(i).bounding_box()["x"] for i in range(points.count())]
    assert all(box["x"] <= x <= box["x"] + box["width"] for x in xs)
    # the 19-week run gets most of the width (on a 4-year axis it had under 15%)
    first_run = xs[len(FIRST_RUN) - 1] - xs[0]
    assert first_run > 0.6 * box["width"], (first_run, box["width"])
    # axis labels readable: at least 10 px tall on screen and never overlapping
    labels = plot.locator(".axis text")
    boxes = [labels.nth(i).bounding_box() for i in range(labels.count())]
    assert len(boxes) >= 3
    assert all(b["height"] >= 10 for b in boxes)
    boxes.sort(key=lambda b: b["x"])
    assert all(a["x"] + a["width"] <= b["x"] for a, b in zip(boxes, boxes[1:], strict=False))
    assert "2021" in labels.all_text_contents()[0] and "2024" in labels.all_text_contents()[-1]
    assert "skips 1 stretch" in page.locator(".plot-note").inner_text()
    shot(page, screenshot_dir, "runplot-breaks")


def _luminance(rgb: tuple[float, ...]) -> float:
    def channel(c: float) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(fg: tuple[float, ...], bg: tuple[float, ...]) -> float:
    """WCAG 2 contrast ratio of two opaque colours."""
    hi, lo = sorted((_luminance(fg), _luminance(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


COLOURS = """el => {
  const parse = s => s.match(/[\\d.]+/g).map(Number);
  let bg = null;
  for (let n = el; n; n = n.parentElement) {
    const c = parse(getComputedStyle(n).backgroundColor);
    if (c.length < 4 || c[3] > 0) { bg = c; break; }
  }
  return {fg: parse(getComputedStyle(el).color), bg: bg || [255, 255, 255],
          border: parse(getComputedStyle(el).borderTopColor)};
}"""


def test_the_back_badge_meets_wcag_aa(page: Any, screenshot_dir: Path) -> None:
    page.goto(f"/week/{RE_RUN[0]}")
    badge = page.locator(".chg.back:visible").first
    assert badge.inner_text().startswith("BACK")
    colours = badge.evaluate(COLOURS)
    assert colours["fg"][3:] in ([], [1])  # opaque text
    ratio = contrast(tuple(colours["fg"]), tuple(colours["bg"]))
    assert ratio >= 4.5, (colours, ratio)
    # the badge's outline is visible against the row too (WCAG 1.4.11: 3:1)
    assert contrast(tuple(colours["border"]), tuple(colours["bg"])) >= 3
    shot(page, screenshot_dir, "back-badge")


def test_docs_render_every_operation_offline(page: Any, server: str,
                                             screenshot_dir: Path) -> None:
    spec = httpx.get(f"{server}/openapi.json", timeout=30).json()
    operations = sum(len(ops) for ops in spec["paths"].values())
    page.goto("/docs")
    blocks = page.locator(".opblock")
    blocks.first.wait_for(timeout=30_000)
    assert blocks.count() == operations
    assert page.locator(".info .title").inner_text().startswith("starchart")
    # try one: the answer comes back from this server, its status as documented
    home = blocks.filter(has=page.locator('.opblock-summary-path[data-path="/index.json"]'))
    home.locator(".opblock-summary").click()
    # opened ready to try (tryItOutEnabled): Execute straight away
    home.get_by_role("button", name="Execute").click()
    status = home.locator(".live-responses-table tbody .response-col_status").first
    status.wait_for(timeout=30_000)
    assert status.inner_text().strip() == "200"
    # the documented answers it lists are the server's own: 400 for a bad parameter, no 422
    listed = home.locator(".responses-table:not(.live-responses-table) > tbody > tr.response")
    codes = {listed.nth(i).get_attribute("data-code") for i in range(listed.count())}
    assert codes == set(spec["paths"]["/index.json"]["get"]["responses"]) == {
        "200", "400", "404", "503"}
    shot(page, screenshot_dir, "docs")
