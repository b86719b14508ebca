"""Shapes of the JSON API, for the OpenAPI description only.

Routes list these under ``responses=`` so /openapi.json documents them; responses are not
validated through them (the data functions' dicts are sent as they are), so an extra field
from the api never turns into a 500.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class WeekRow(_Open):
    weekly_rank: int
    show_title: str
    season_title: str | None
    slug: str
    show_slug: str
    url: str
    weekly_hours_viewed: float | None
    runtime: float | None
    weekly_views: float | None
    cumulative_weeks_in_top_10: int
    previous_weekly_rank: int | None
    title_id: str | None  # the stable ID of the work (nf-…), or the engine's catalog ID
    change: Literal["new", "up", "down", "same"] | None  # None: previous week not stored


class WeekList(_Open):
    category: str
    slug: str
    csv: str
    rows: list[WeekRow]


class Side(_Open):
    show_title: str
    season_title: str | None
    weekly_hours_viewed: float | None
    weekly_views: float | None


class PositionChange(_Open):
    category: str
    weekly_rank: int
    before: Side | None  # None: the position is new
    after: Side | None  # None: the position is gone


class Revision(_Open):
    release: int
    positions: int
    changes: list[PositionChange]


class WeekHistory(_Open):
    """The week over the releases: as first published vs. now."""

    first_release: int | None
    revisions: list[Revision]


class WeekPage(_Open):
    """A week's global lists, or one country's Films and TV lists."""

    week: str
    source: str
    country: str | None
    country_name: str | None
    previous_week: str | None
    next_week: str | None
    compared_week: str | None = None
    lists: list[WeekList]
    links: dict[str, str | None]
    history: WeekHistory | None = None


class ReleaseInfo(_Open):
    release: int
    published_at: str
    age_seconds: float


class FeedWeek(_Open):
    source: str
    country: str | None
    week: str
    status: Literal["revised", "removed"]
    positions: int
    url: str
    before_url: str | None = None


class FeedRelease(_Open):
    release: int
    published_at: str
    previous: int | None
    weeks_added: int
    weeks_revised: int
    weeks_removed: int
    positions_changed: int
    added_from: str | None
    added_to: str | None
    weeks: list[FeedWeek]


class ChangesPage(_Open):
    """The change feed: what each release added, revised and removed."""

    release: ReleaseInfo
    since: int | None
    releases: list[FeedRelease]
    links: dict[str, str]


class GlobalStat(_Open):
    category: str
    weeks_in_top_10: int
    weeks_at_1: int
    peak_rank: int
    first_week: str
    last_week: str
    hours_viewed: float | None
    views: float | None
    views_weeks: int  # weeks of it with views published
    views_partial: bool  # views published for only some of its weeks
    views_note: str | None = None  # which weeks have views, when not all do


class CountryRank(_Open):
    iso2: str
    name: str
    weekly_rank: int | None = None


class CountryWeek(_Open):
    week: str
    in_top_10: list[CountryRank]
    at_1: list[CountryRank]


class CountryCoverage(_Open):
    """Which of the title's weeks have country lists at all."""

    status: Literal["complete", "partial", "no data", "no weeks"]
    country_lists: str  # the weeks with country lists, e.g. '2021-07-04 .. 2022-11-13 (72 weeks)'
    title_weeks_with_country_data: int
    title_weeks_without_country_data: int
    weeks_without_data: list[dict[str, object]]


class CountryStats(_Open):
    distinct_in_top_10: int | None  # None: no country lists cover its weeks (unknown, not 0)
    distinct_at_1: int | None
    max_in_one_week: int | None
    max_in_one_week_week: str | None
    weeks: list[CountryWeek]
    coverage: CountryCoverage


class RunPoint(_Open):
    week: str
    category: str | None  # None: a week on country lists only
    weekly_rank: int | None
    weekly_hours_viewed: float | None
    weekly_views: float | None
    countries_in_top_10: int | None  # None: no country lists that week
    countries_at_1: int | None


class SeasonList(_Open):
    category: str
    weeks_in_top_10: int
    weeks_at_1: int
    peak_rank: int
    first_week: str
    last_week: str
    hours_viewed: float | None
    views: float | None


class SeasonRunPoint(_Open):
    week: str
    category: str
    weekly_rank: int
    weekly_hours_viewed: float | None
    weekly_views: float | None


class Season(_Open):
    """One season on its show's page (``seasons``, in natural order)."""

    slug: str
    season_title: str | None  # None: unnumbered (Netflix's N/A)
    season_number: int | None  # an unnumbered first season (Stranger Things): 1
    name: str
    weeks_in_top_10: int  # over its global lists
    weeks_at_1: int
    peak_rank: int | None
    first_week: str | None
    last_week: str | None
    hours_viewed: float | None
    views: float | None
    global_: list[SeasonList] = Field(alias="global")
    run: list[SeasonRunPoint]


class NameSeen(_Open):
    name: str
    source: str  # global | countries | most-popular | engagement
    first_seen: str | None
    last_seen: str | None


class Link(_Open):
    source: str
    rule: str  # e.g. 'same-name', 'release-date', 'override'
    why: str


class Identity(_Open):
    """A work's names, and how each name seen in Netflix's files was linked to it."""

    title_id: str
    name: str
    kind: str | None
    show_title: str | None
    season_title: str | None
    original_title: str | None
    language: str | None
    release_date: str | None
    first_seen: str | None
    last_seen: str | None
    names: list[NameSeen]
    matched: list[Link]


class OtherWork(_Open):
    title_id: str
    name: str | None
    original_title: str | None
    release_date: str | None


class PopularPlace(_Open):
    category: str
    rank: int
    hours_viewed: float | None
    runtime: float | None
    views: float | None
    window_days: int


class TopTenPart(_Open):
    """How much of a half-year's figures fell in the work's weeks in the global Top 10."""

    weeks: int
    first_week: str | None
    last_week: str | None
    hours_viewed: float | None
    views: float | None  # None: views not published for all of those weeks
    share_of_hours: float | None
    share_of_views: float | None
    note: str | None = None


class HalfYear(_Open):
    period: str
    period_start: str
    period_end: str
    title: str
    hours_viewed: float
    views: float | None  # None: the 2023 H1 report publishes hours only
    runtime: float | None
    runtime_text: str | None
    available_globally: bool
    release_date: str | None
    sheet: str
    row: int
    top_10: TopTenPart


class TitlePage(_Open):
    """A film or season (``page: title``), by its slug or its stable ID (``nf-…``), or a
    show over its seasons (``page: show``)."""

    page: Literal["title", "show"]
    source: str
    show_title: str
    season_title: str | None = None
    slug: str | None = None
    show_slug: str
    name: str | None = None  # a film's or season's, as it reads ("Stranger Things: Season 1")
    season_number: int | None = None
    kind: Literal["film", "tv"]
    seasons: list[Season] | None = None  # a show's seasons, in natural order
    global_: list[GlobalStat] | None = Field(default=None, alias="global")
    countries: CountryStats
    run: list[RunPoint]
    title_id: str | None  # the work's stable ID (None: engine charts, shows)
    identity: Identity | None
    most_popular: list[PopularPlace]
    engagement: list[HalfYear]
    also: list[OtherWork] | None = None  # other works of the same name
    links: dict[str, object]


class LeaderRow(_Open):
    rank: int
    show_title: str
    season_title: str | None
    slug: str
    name: str  # how it reads: an unnumbered first season as "Stranger Things: Season 1"
    url: str
    category: str
    value: float
    title_id: str | None = None
    views_partial: bool | None = None  # views board: views published for only some weeks


class Span(_Open):
    first_week: str
    last_week: str
    weeks: int


class LeadersCoverage(_Open):
    """The weeks a leaderboard counts ("all time" is never claimed for a partial dataset)."""

    dataset: Literal["global", "global-views", "countries"]
    scope: str | None = None  # a country's leaderboard: its ISO code
    scope_name: str | None = None  # and its name
    spans: list[Span]
    weeks: int
    label: str
    note: str


class LeadersPage(_Open):
    by: Literal["weeks-at-1", "weeks-in-top-10", "countries", "views"]
    by_label: str
    source: str
    category: str | None
    country: str | None = None  # one country's Films and TV lists
    since: str | None
    until: str | None
    limit: int
    columns: list[str]
    coverage: LeadersCoverage
    rows: list[LeaderRow]
    links: dict[str, str]


class SearchResult(_Open):
    """A film or season (``page: title``), or a show (``page: show``, its seasons after
    it)."""

    show_title: str
    season_title: str | None
    slug: str
    url: str
    kind: str
    page: Literal["title", "show"]
    name: str
    season_number: int | None
    seasons: int | None = None
    score: float


class SearchPage(_Open):
    query: str
    source: str | None
    results: list[SearchResult]
    links: dict[str, str]


class PopularRow(_Open):
    rank: int
    show_title: str
    season_title: str | None
    slug: str
    url: str
    hours_viewed: float | None
    runtime: float | None
    views: float | None
    window_days: int
    in_progress: bool
    title_id: str | None


class PopularList(_Open):
    category: str
    slug: str
    csv: str
    rows: list[PopularRow]


class MostPopularPage(_Open):
    source: str
    lists: list[PopularList]
    links: dict[str, str]


class EngagementRow(_Open):
    rank: int
    title_id: str | None
    title: str
    english_title: str
    original_title: str | None
    language: str | None
    kind: str | None
    release_date: str | None
    available_globally: bool
    hours_viewed: float
    views: float | None
    runtime_text: str | None
    origin: Literal["original", "licensed", "unknown"]
    weeks_in_top_10: int
    ever_in_top_10: bool
    first_top_10_week: str | None
    url: str | None


class EngagementPage(_Open):
    """One half-year of Netflix's engagement reports: the most watched titles."""

    period: str
    start: str
    end: str
    source: str
    by: Literal["views", "hours"]
    views_published: bool
    filters: dict[str, object]
    totals: dict[str, object]
    matched: dict[str, object]
    rows: list[EngagementRow]
    languages: list[dict[str, object]]
    origins: list[dict[str, object]]
    periods: list[str]
    note: str
    links: dict[str, object]


class WeekLink(_Open):
    week: str
    url: str


class WeeksPage(_Open):
    source: str
    country: str | None
    weeks: list[WeekLink]
    links: dict[str, str]


class CountryEntry(_Open):
    iso2: str
    name: str
    weeks: int
    first_week: str | None  # the first and last week its lists cover
    last_week: str | None
    url: str


class CountriesPage(_Open):
    source: str
    countries: list[CountryEntry]
    first_week: str | None  # over every country
    last_week: str | None
    links: dict[str, str]


class Suggestion(_Open):
    label: str
    url: str


class ErrorBody(_Open):
    """Every error of the JSON API: 400 (bad parameter), 404 (unknown week/title/country)."""

    error: str
    status: int
    message: str
    suggestions: list[Suggestion]


class NumberOneTitle(_Open):
    show_title: str
    season_title: str | None
    slug: str
    name: str
    url: str
    title_id: str | None


class CountryNumberOnes(_Open):
    iso2: str
    name: str
    url: str
    number_ones: dict[str, NumberOneTitle] = Field(
        description="The #1 by list: 'Films', 'TV'")


class TitleAtOne(NumberOneTitle):
    countries: list[str] = Field(description="ISO codes of the countries where it is #1")


class TitlesAtOne(_Open):
    category: Literal["Films", "TV"]
    slug: str
    titles: list[TitleAtOne] = Field(description="Most countries first")


class WeekNumberOnesPage(_Open):
    """The #1 of each country's Films and TV lists in one week."""

    page: Literal["number-ones"]
    week: str
    source: str
    previous_week: str | None
    next_week: str | None
    countries: list[CountryNumberOnes]
    lists: list[TitlesAtOne]
    links: dict[str, str | None]


class WeekAtOne(NumberOneTitle):
    week: str
    week_url: str


class TitleWeeksAtOne(NumberOneTitle):
    weeks_at_1: int
    weeks: list[str]


class CountryListAtOne(_Open):
    category: Literal["Films", "TV"]
    slug: str
    weeks: list[WeekAtOne] = Field(description="Each week's #1, oldest first")
    titles: list[TitleWeeksAtOne] = Field(description="Each title with its weeks at #1")


class CountryNumberOnesPage(_Open):
    """A country's #1s over a span (weeks whose Sunday lies in it), per list."""

    page: Literal["country-number-ones"]
    source: str
    country: str
    country_name: str
    since: str | None
    until: str | None
    weeks: list[str]
    coverage: LeadersCoverage
    lists: list[CountryListAtOne]
    links: dict[str, str]


class SimilarTitle(_Open):
    title_id: str
    show_title: str
    season_title: str | None
    score: float
    url: str | None = Field(description="The title's page; null when it has none")


class SimilarPage(_Open):
    """More like this: a title's nearest titles, best first (docs/discovery.md)."""

    title_id: str | None = Field(description="The title as the models know it; null: unknown")
    show_title: str
    season_title: str | None
    kind: str | None
    similar: list[SimilarTitle]
    note: str | None = Field(description="Why there are no titles, when there are none")
    links: dict[str, str]


class WatchedList(_Open):
    country: str | None = Field(description="ISO alpha-2; null for a global list")
    country_name: str | None
    category: str
    weekly_rank: int


class WatchlistEvent(_Open):
    release: int
    published_at: str
    source: str
    title_id: str
    show_title: str
    season_title: str | None
    event: Literal["entered", "number-one", "new-countries"]
    week: str
    lists: list[WatchedList]
    summary: str
    url: str


class WatchlistPage(_Open):
    """What watched titles did, release by release, newest first."""

    release: ReleaseInfo
    since: int | None
    events: list[WatchlistEvent]
    links: dict[str, str]
