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


class CountryRank(_Open):
    iso2: str
    name: str
    rank: int | None = None


class CountryWeek(_Open):
    week: str
    in_top_10: list[CountryRank]
    at_1: list[CountryRank]


class CountryStats(_Open):
    distinct_in_top_10: int
    distinct_at_1: int
    max_in_one_week: int
    max_in_one_week_week: str | None
    weeks: list[CountryWeek]


class RunPoint(_Open):
    week: str
    category: str
    rank: int
    hours_viewed: float | None
    views: float | None
    countries_in_top_10: int | None
    countries_at_1: int | None


class TitlePage(_Open):
    """A film or season (``page: title``) or a show over its seasons (``page: show``)."""

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
    links: dict[str, object]


class LeaderRow(_Open):
    rank: int
    show_title: str
    season_title: str | None
    slug: str
    url: str
    category: str
    value: float


class LeadersPage(_Open):
    by: Literal["weeks-at-1", "weeks-in-top-10", "countries", "views"]
    by_label: str
    category: str | None
    since: str | None
    until: str | None
    limit: int
    columns: list[str]
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


class PopularList(_Open):
    category: str
    slug: str
    csv: str
    rows: list[PopularRow]


class MostPopularPage(_Open):
    source: str
    lists: list[PopularList]
    links: dict[str, str]


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
