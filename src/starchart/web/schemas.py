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
    rank: int
    show_title: str
    season_title: str | None
    slug: str
    show_slug: str
    url: str
    weekly_hours_viewed: float | None
    runtime: float | None
    weekly_views: float | None
    cumulative_weeks_in_top_10: int
    previous_rank: int | None
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
    hours_viewed: float | None
    views: float | None


class PositionChange(_Open):
    category: str
    rank: int
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
    rank: int | None = None


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
    rank: int | None
    hours_viewed: float | None
    views: float | None
    countries_in_top_10: int | None  # None: no country lists that week
    countries_at_1: int | None


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
    show_title: str
    season_title: str | None = None
    slug: str | None = None
    show_slug: str
    kind: Literal["film", "tv"]
    seasons: list[str] | None = None
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
    spans: list[Span]
    weeks: int
    label: str
    note: str


class LeadersPage(_Open):
    by: Literal["weeks-at-1", "weeks-in-top-10", "countries", "views"]
    by_label: str
    category: str | None
    since: str | None
    until: str | None
    limit: int
    columns: list[str]
    coverage: LeadersCoverage
    rows: list[LeaderRow]
    links: dict[str, str]


class SearchResult(_Open):
    show_title: str
    season_title: str | None
    slug: str
    url: str
    kind: str
    score: float


class SearchPage(_Open):
    query: str
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
    country: str | None
    weeks: list[WeekLink]
    links: dict[str, str]


class CountryEntry(_Open):
    iso2: str
    name: str
    weeks: int
    url: str


class CountriesPage(_Open):
    countries: list[CountryEntry]
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
    rank: int


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
