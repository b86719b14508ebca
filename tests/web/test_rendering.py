"""Display formats, the world map geometry and the run plot: pure functions, no server."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from starchart import display
from starchart.countries import NETFLIX_COUNTRIES
from starchart.queries.slugs import title_name
from starchart.web import maps, plot


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1_234_567, "1.2M"),
        (7_000_000, "7.0M"),
        (45_600, "45.6K"),
        (980, "980"),
        (2_729_400_000, "2.7B"),
        (999_950, "1.0M"),
        (0, "0"),
        (None, "–"),
        (float("nan"), "–"),
    ],
)
def test_compact_numbers(value: float | None, text: str) -> None:
    assert display.compact(value) == text


@given(st.floats(min_value=0, max_value=1e12, allow_nan=False))
def test_compact_never_shows_a_thousand_of_a_unit(value: float) -> None:
    text = display.compact(value)
    number = float(re.sub(r"[KMB,]", "", text))
    assert number < 1000 or text.endswith("B")
    assert text[-1].isdigit() == (value < 999.5)  # a unit from 1,000 up, none below


@pytest.mark.parametrize(
    ("hours", "text"),
    [(1.8167, "1:49"), (2, "2:00"), (0.5, "0:30"), (12.05, "12:03"), (0, "–"), (None, "–")],
)
def test_runtime_as_hours_and_minutes(hours: float | None, text: str) -> None:
    assert display.runtime_hm(hours) == text


def test_week_labels_and_spans() -> None:
    assert display.week_label("2025-03-30") == "30 Mar 2025"
    assert display.week_span("2025-03-30") == "24–30 Mar 2025"
    assert display.week_span("2025-04-06") == "31 Mar – 6 Apr 2025"
    assert display.week_span("2026-01-04") == "29 Dec 2025 – 4 Jan 2026"
    assert title_name("Squid Game", "Squid Game: Season 2") == "Squid Game: Season 2"
    assert title_name("Wednesday", "Season 1") == "Wednesday: Season 1"


def test_every_country_with_lists_can_be_drawn() -> None:
    world = maps.world()
    for iso2 in NETFLIX_COUNTRIES:
        country = world.countries[iso2]
        assert country.d or country.dot, iso2
    for small in ("SG", "BH", "MT", "HK", "GP", "MQ", "RE", "MU", "MV"):
        assert world.countries[small].dot is not None, small
    for x, y in (c.dot for c in world.countries.values() if c.dot):
        assert 0 <= x <= world.width and 0 <= y <= world.height


def test_geometry_file_names_its_public_domain_source() -> None:
    doc = json.loads(maps.GEOMETRY_FILE.read_text(encoding="utf-8"))
    assert "Natural Earth" in doc["source"] and "ublic domain" in doc["license"]


def test_no_country_path_jumps_across_the_map() -> None:
    """Rings crossing the antimeridian (Russia, Fiji) must be cut, not drawn as stripes."""
    world = maps.world()
    for country in world.countries.values():
        for ring in re.findall(r"l([^z]*)z", country.d):
            numbers = [float(v) for v in ring.split()]
            assert all(abs(dx) < world.width / 2 for dx in numbers[0::2]), country.iso2


def test_map_svg_shades_given_countries_and_dots_small_ones() -> None:
    svg = maps.map_svg({"US": "at1", "SG": "top10", "KR": "list"}, label="test map")
    assert 'aria-label="test map"' in svg
    assert re.search(r'<use href="/static/world.svg#geo-US" class="st-at1" data-iso2="US">', svg)
    assert '<circle class="dot st-top10" data-iso2="SG"' in svg
    assert "geo-SG" not in svg  # no polygon for Singapore at this scale
    assert svg.count("<title>") == 3  # the US and KR shapes and the SG dot carry tooltips
    small = maps.map_svg({"US": "at1"}, label="small", small=True)
    assert "<title>" not in small


def test_small_map_groups_shapes_by_status_and_keeps_dots_on_top() -> None:
    small = maps.map_svg({"US": "at1", "SG": "top10", "KR": "top10", "FR": "at1", "BR": "list"},
                         label="week", small=True)
    assert "<title>" not in small and "data-iso2" not in small
    # each status one group, whose fill its shapes inherit; countries in code order within
    groups = dict(re.findall(r'<g class="st-(\w+)">(.*?)</g>', small))
    assert groups == {
        "list": '<use href="/static/world.svg#geo-BR"/>',
        "at1": '<use href="/static/world.svg#geo-FR"/><use href="/static/world.svg#geo-US"/>',
        "top10": '<use href="/static/world.svg#geo-KR"/>',
    }
    # Singapore has no polygon at this scale: its dot, enlarged, drawn after every shape
    assert small.endswith('<circle class="dot st-top10" cx="756.8" cy="238.4" r="7"/></svg>')
    assert small.count("<circle") == 1
    # a week's small map from its sorted country lists, as the title page draws it
    week = maps.small_map(["FR", "KR", "SG", "US"], ["FR", "US"], label="week")
    assert week == maps.map_svg({"US": "at1", "SG": "top10", "KR": "top10", "FR": "at1"},
                                label="week", small=True)


def test_run_plot_breaks_lines_at_gaps_and_marks_each_week() -> None:
    run = [
        {"week": "2025-03-02", "category": "TV (English)", "weekly_rank": 3},
        {"week": "2025-03-09", "category": "TV (English)", "weekly_rank": 1},
        {"week": "2025-03-30", "category": "TV (English)", "weekly_rank": 7},  # two weeks missed
        {"week": "2025-04-06", "category": "TV (English)", "weekly_rank": 9},
        {"week": "2025-03-09", "category": None, "weekly_rank": None, "countries_in_top_10": 5},
    ]
    svg = plot.run_svg(run, label="Weekly rank")
    assert svg.count("<polyline") == 2
    assert len(re.findall(r"<circle ", svg)) == 4
    assert "Countries in the Top 10" in svg
    assert plot.legend(run) == [("s0", "TV (English)")]
    assert "No weeks" in plot.run_svg([], label="none")


def test_run_plot_collapses_long_gaps_into_marked_breaks() -> None:
    first = dt.date(2021, 7, 4)
    weeks = [first + dt.timedelta(weeks=i) for i in range(19)]
    weeks += [dt.date(2021, 12, 12)]  # 4 weeks off the list: kept on the axis as a gap
    weeks += [dt.date(2024, 3, 3) + dt.timedelta(weeks=i) for i in range(3)]
    run = [{"week": w.isoformat(), "category": "Films (English)", "weekly_rank": 5}
           for w in weeks]
    axis = plot.Axis.of((w - first).days // 7 for w in weeks)
    assert axis.spans == ((0, 23), (139, 141))
    assert axis.slots == 24 + plot.BREAK_SLOTS + 3
    assert axis.slot(139) == 24 + plot.BREAK_SLOTS and axis.breaks() == [(24.5, 115)]
    with pytest.raises(ValueError, match="in a break"):
        axis.slot(60)
    svg = plot.run_svg(run, label="Weekly rank")
    assert svg.count('class="axis-break"') == 1 and "2.2 years later" in svg
    xs = [float(x) for x in re.findall(r'<circle cx="([\d.]+)"', svg)]
    assert xs[18] - xs[0] > 0.6 * (plot.WIDTH - plot.LEFT - plot.RIGHT)  # the run is wide
    assert "skips 1 stretch of more than 8 weeks" in str(plot.gap_note(run))
    both = plot.run_figure(run, label="Weekly rank")
    assert both.count("<svg") == 2 and 'class="runplot runplot-narrow"' in both
    assert plot.gap_note(run[:19]) is None
    narrow = plot.run_svg(run, label="x", width=plot.NARROW_WIDTH, narrow=True)
    label = r'<text x="([\d.]+)" y="[\d.]+" text-anchor="(\w+)">(\d+ \w+ \d{4})<'
    labels = re.findall(label, narrow)
    assert labels[0][2].endswith("2021") and labels[-1][2].endswith("2024")


def _jinja(source: str, **context: object) -> str:
    """``source`` rendered as the site's templates are (autoescaped, blocks trimmed)."""
    import jinja2

    env = jinja2.Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(week_label=display.week_label, grouped=display.grouped,
                       compact=display.compact)
    return env.from_string(source).render(**context)


def test_small_maps_and_country_rows_written_in_python_match_the_jinja_they_replace() -> None:
    """The title page's small maps and table of countries are written in Python (a title
    page's Jinja loops were a third of its time): the same bytes as the template wrote,
    escaping included."""
    from markupsafe import Markup

    from starchart.web import views

    multiples = [
        {"week": "2021-10-03", "in_top_10": 94, "at_1": 90, "svg": Markup("<svg>a&amp;b</svg>")},
        {"week": "2022-01-02", "in_top_10": 0, "at_1": 0, "svg": Markup("<svg/>")},
    ]
    old_multiples = (
        '    <ol class="multiples">\n'
        "      {% for m in sp.multiples %}\n"
        '      <li>{{ m.svg }}<div class="cap"><strong>{{ m.week|week_label }}</strong>'
        "<span>{{ m.in_top_10 }} · #1 {{ m.at_1 }}</span></div></li>\n"
        "      {% endfor %}\n"
        "    </ol>")
    new_multiples = '    <ol class="multiples">\n{{ items(sp.multiples) }}    </ol>'
    sp = {"multiples": multiples}
    assert _jinja(new_multiples, sp=sp, items=views.multiples_items) == _jinja(
        old_multiples, sp=sp)
    assert _jinja(new_multiples, sp={"multiples": []}, items=views.multiples_items) == _jinja(
        old_multiples, sp={"multiples": []})

    def url(name: str, **params: str) -> str:
        return f"/country/{params['iso2']}?x=1&y=<2>"

    table = [{"iso2": "KR", "name": "Korea & <South>", "weeks": 12, "weeks_at_1": 3, "best": 1},
             {"iso2": "GB", "name": "United Kingdom", "weeks": 1, "weeks_at_1": 0,
              "best": None}]
    rows = str(views.country_rows(table, url))
    assert rows == (
        '        <tr><th scope="row"><a href="/country/KR?x=1&amp;y=&lt;2&gt;">Korea &amp; '
        '&lt;South&gt;</a></th><td class="num">12</td><td class="num">3</td>'
        '<td class="num">#1</td></tr>\n'
        '        <tr><th scope="row"><a href="/country/GB?x=1&amp;y=&lt;2&gt;">United Kingdom'
        '</a></th><td class="num">1</td><td class="num">0</td><td class="num">–</td></tr>\n')


def test_page_environment_finds_dict_keys_as_jinja_does() -> None:
    """The site's Jinja looks a dict's key up before its attributes: the same answers as
    Jinja's own order for keys, dict methods, missing keys and other objects."""
    import jinja2

    from starchart.web.app import PageEnvironment

    source = (
        "{{ d.name }}|{{ d.items()|list|length }}|{{ d.missing is defined }}|{{ d.get('name') }}"
        "|{{ d.nested.x }}|{{ o.real }}|{{ o.nope is defined }}|{{ s.upper() }}|{{ d['keys'] }}"
    )
    context = {"d": {"name": "<b>", "nested": {"x": 1}, "keys": "k"}, "o": 3, "s": "ab"}
    ours = PageEnvironment(autoescape=True).from_string(source).render(**context)
    assert ours == jinja2.Environment(autoescape=True).from_string(source).render(**context)
    assert ours == "&lt;b&gt;|3|False|&lt;b&gt;|1|3|False|AB|k"
    strict = PageEnvironment(undefined=jinja2.StrictUndefined)
    with pytest.raises(jinja2.UndefinedError, match="missing"):
        strict.from_string("{{ d.missing }}").render(d={})


def test_engagement_rows_written_in_python_match_the_jinja_they_replace() -> None:
    from starchart.web import views

    old = (
        "    <tbody>\n"
        "    {% for e in page.engagement %}\n"
        "      <tr><th scope=\"row\"><a href=\"{{ url('engagement', period=e.period) }}\">"
        "{{ e.period }}</a></th><td class=\"num\" title=\"{{ e.hours_viewed|grouped }}\">"
        "{{ e.hours_viewed|compact }}</td><td class=\"num\">{{ e.views|compact }}</td>"
        "<td class=\"num col-opt\">{{ e.runtime_text or '–' }}</td><td class=\"col-opt\">"
        "{{ 'yes' if e.available_globally else 'no' }}</td><td class=\"num\">"
        "{{ e.top_10.weeks or '–' }}</td><td class=\"num\">"
        "{{ e.top_10.views|compact if e.top_10.weeks else '–' }}</td><td class=\"num\">"
        "{{ '%d%%'|format(e.top_10.share_of_views * 100) if e.top_10.share_of_views is not none"
        " else '–' }}</td></tr>\n"
        "    {% endfor %}\n"
        "    </tbody>")
    new = "    <tbody>\n{{ rows(page.engagement, url) }}    </tbody>"

    def url(name: str, **params: str) -> str:
        return f"/engagement/{params['period']}?a=1&b=<2>"

    engagement = [
        {"period": "2023H1", "hours_viewed": 87_200_000, "views": None, "runtime_text": None,
         "available_globally": True, "top_10": {"weeks": 0, "views": None,
                                                "share_of_views": None}},
        {"period": "2024H2", "hours_viewed": 186_500_000, "views": 22_400_000,
         "runtime_text": "8:19 <b>", "available_globally": False,
         "top_10": {"weeks": 2, "views": 9_600_000, "share_of_views": 0.4286}},
    ]
    for rows in ([], engagement):
        page = {"engagement": rows}
        ours = _jinja(new, page=page, url=url, rows=views.engagement_rows)
        assert ours == _jinja(old, page=page, url=url)
    assert "42%" in ours and "8:19 &lt;b&gt;" in ours and "&amp;b=&lt;2&gt;" in ours


def test_run_rows_link_each_week_and_escape_what_they_print() -> None:
    from starchart.web import views

    def url(name: str, **params: str) -> str:
        return f"/{name}/{params['week']}?a=1&b=2"

    run = [
        {"week": "2025-03-16", "category": "TV <English>", "season_title": "S1 & more",
         "weekly_rank": 2, "weekly_views": 1_234_567, "weekly_hours_viewed": None,
         "countries_in_top_10": 12, "countries_at_1": 0},
        {"week": "2025-03-23", "category": None, "weekly_rank": None,
         "countries_in_top_10": None, "countries_at_1": None},
    ]
    rows = str(views.run_rows(run, url))
    assert rows.count("<tr>") == 2 and rows == str(views.run_rows(run, url))  # remembered
    assert '<a href="/week/2025-03-16?a=1&amp;b=2">16 Mar 2025</a>' in rows
    assert "<td>TV &lt;English&gt; · S1 &amp; more</td>" in rows
    assert '<td class="num">#2</td>' in rows and '<td class="num">1.2M</td>' in rows
    assert '<td class="num">12</td>' in rows and '<td class="num col-opt">0</td>' in rows
    assert "<td>Country lists only</td>" in rows and rows.count("–") == 6
