"""The country questions of :mod:`starchart.api` (re-exported there; call them as
``api.number_ones`` or ``charts.number_ones``): a country's #1s over a span, and the #1 in
each country for one week. Logic: :mod:`starchart.queries.country_charts`."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import duckdb

    from starchart.api import Memo


class CountryQuestions:
    """The country questions, as methods of :class:`starchart.api.Charts`."""

    con: duckdb.DuckDBPyConnection
    memo: Memo

    if TYPE_CHECKING:
        def _source(self, source: str | None) -> str: ...
        def _country(self, src: str, country: str | None) -> str | None: ...
        def countries(self, *, source: str | None = None) -> list[dict[str, Any]]: ...

    def number_ones(
        self, country: str, *, since: str | date | None = None,
        until: str | date | None = None, source: str | None = None,
    ) -> dict[str, Any]:
        """The titles #1 in a country (code or name) between ``since`` and ``until`` (days;
        a week counts when its Sunday lies inside), per list (Films, TV): ``{"country",
        "country_name", "since", "until", "weeks", "coverage", "lists": [{"category",
        "weeks": [{"week", "show_title", ...}], "titles": [{"show_title", "season_title",
        "slug", "weeks_at_1", "weeks"}]}]}``."""
        from starchart.queries.country_charts import number_ones

        src = self._source(source)
        code = self._country(src, country)
        if code is None:
            raise ValueError("give a country (an ISO code such as KR, or a name)")
        name = next((c["name"] for c in self.countries(source=src) if c["iso2"] == code), code)
        return number_ones(self.con, src, code, name, since, until)

    def country_week_spans(self, *, source: str | None = None) -> dict[str, tuple[str, str]]:
        """Each country with lists: the first and last week (``YYYY-MM-DD``) they cover."""
        from starchart.queries.lists import country_week_spans

        src = self._source(source)
        found = self.memo.get(("country_week_spans", src),
                              lambda: country_week_spans(self.con, src))
        return {code: (first.isoformat(), last.isoformat()) for code, (first, last) in
                found.items()}

    def country_list_weeks(self, *, source: str | None = None) -> list[str]:
        """The weeks with country lists (any country), newest first."""
        from starchart.queries.country_charts import number_one_weeks

        src = self._source(source)
        found = self.memo.get(("number_one_weeks", src), lambda: number_one_weeks(self.con, src))
        return [w.isoformat() for w in found]

    def week_number_ones(
        self, week: str | date | None = None, *, source: str | None = None
    ) -> dict[str, Any]:
        """The #1 in each country's Films and TV lists for one week (any day means its week;
        latest by default): ``{"week", "previous_week", "next_week", "countries": [{"iso2",
        "name", "number_ones": {"Films": {...}, "TV": {...}}}], "lists": [{"category",
        "titles": [{"show_title", "season_title", "slug", "countries": [iso2...]}]}]}``."""
        from starchart.queries.country_charts import number_one_weeks, week_number_ones

        src = self._source(source)
        available = self.memo.get(("number_one_weeks", src),
                                  lambda: number_one_weeks(self.con, src))
        return week_number_ones(self.con, src, available, week)


def number_ones(
    country: str, *, since: str | date | None = None, until: str | date | None = None,
    source: str | None = None, db: str | Path | None = None,
) -> dict[str, Any]:
    """:meth:`Charts.number_ones` of the current release of the store at ``db``."""
    from starchart import api

    with api.open(db) as charts:
        return charts.number_ones(country, since=since, until=until, source=source)


def week_number_ones(
    week: str | date | None = None, *, source: str | None = None,
    db: str | Path | None = None,
) -> dict[str, Any]:
    """:meth:`Charts.week_number_ones` of the current release of the store at ``db``."""
    from starchart import api

    with api.open(db) as charts:
        return charts.week_number_ones(week, source=source)
