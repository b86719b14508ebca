"""How people watch: daily demand per title and country, then one row per viewing session.

Demand for a title on a day is ``appeal x (fading baseline + hype x launch curve)`` with a
sleeper bump for a few titles and catch-up viewing of earlier seasons when a new one lands.
Each country spreads its day's sessions over titles in proportion to that demand times its
taste for the title's language, and a little uniform long tail so that every list fills.
Sessions are then drawn all at once with numpy: who (from the title's audience pool in the
country, so series viewers come back episode after episode and films get rewatched), when
(an evening-heavy local clock, kept inside the UTC day), and how long (people stop partway;
series are watched an episode at a time or in binges, more so at launch and at weekends).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from starchart.simulate import audience
from starchart.simulate.catalog import Catalog
from starchart.simulate.slate import SLATE_BY_ID

EPOCH = np.datetime64("1970-01-01", "D")
DAY_US = 86_400_000_000


@dataclass(frozen=True)
class Knobs:
    """The model's free parameters, in one place (documented in docs/simulator.md)."""

    tv_weight: float = 1.5  # series draw more sessions than films (TV is most hours)
    long_tail: float = 0.05  # share of a country's sessions spread evenly over the catalog
    taste_noise: float = 0.35  # lasting title-by-country taste variation (lognormal sigma)
    daily_noise: float = 0.2  # day-to-day wobble (lognormal sigma)
    baseline_floor: float = 0.3  # an old title keeps this much of its early baseline
    baseline_fade_days: float = 150.0
    film_decay_days: tuple[float, float] = (6.0, 12.0)
    tv_decay_days: tuple[float, float] = (12.0, 22.0)
    catch_up: float = 0.25  # earlier season's share of a new season's launch spike
    sleeper_share: float = 0.015  # titles that take off weeks after release
    sleeper_gain: tuple[float, float] = (8.0, 15.0)  # peak pull, in big-title appeals
    binge_continue: float = 0.42  # chance to start another episode...
    binge_weekend: float = 0.08  # ...more at the weekend...
    binge_launch: float = 0.18  # ...and in a season's first ten days
    holiday_boost: float = 0.15  # late December
    film_visits: float = 0.35  # sessions per member of a film's audience pool (some rewatch)
    series_completion: float = 0.6  # share of a season the average viewer gets through
    episodes_per_session: float = 1.8


@dataclass
class Sessions:
    """One chunk of viewing sessions, sorted by start time (indices, not strings yet)."""

    title: np.ndarray  # int32 row in the catalog
    country: np.ndarray  # int32 column in audience.COUNTRY_CODES
    profile: np.ndarray  # int64 profile number within its country
    started_us: np.ndarray  # int64 microseconds since the epoch, UTC
    seconds: np.ndarray  # int64

    def __len__(self) -> int:
        return len(self.title)


class Behaviour:
    """The viewing model of one world: fixed at construction, then asked day by day."""

    def __init__(self, catalog: Catalog, profiles: np.ndarray, events_per_week: float,
                 start: dt.date, end: dt.date, rng: np.random.Generator,
                 knobs: Knobs | None = None) -> None:
        self.k = k = knobs or Knobs()
        self.catalog = catalog
        self.profiles = profiles.astype(np.int64)
        self.events_per_day = events_per_week / 7.0
        self.start_day = int((np.datetime64(start, "D") - EPOCH).astype(np.int64))
        self.end_day = int((np.datetime64(end, "D") - EPOCH).astype(np.int64))
        n_titles, n_countries = len(catalog), len(audience.COUNTRY_CODES)

        self.release_day = (catalog.release - EPOCH).astype(np.int64)
        self.tv = catalog.kind_tv
        self.taste = audience.taste_matrix(catalog.language, catalog.origin) * rng.lognormal(
            0.0, k.taste_noise, (n_titles, n_countries))
        self.decay = np.where(self.tv, rng.uniform(*k.tv_decay_days, n_titles),
                              rng.uniform(*k.film_decay_days, n_titles))
        self.ramp = np.where(self.tv, 2.0, 1.0)
        self.runtime_s = catalog.runtime_minutes.astype(float) * 60.0
        self.episode_s = self.runtime_s / catalog.episodes
        self.episodes = catalog.episodes
        self.prev = catalog.previous_season
        self.appeal = catalog.appeal.copy()
        self.hype = catalog.hype.copy()
        self._sleepers(rng)

        self.shares = audience.audience_shares()
        self.weekday = audience.weekday_factors()
        weekend = np.zeros((7, n_countries), dtype=bool)
        for j, cc in enumerate(audience.COUNTRY_CODES):
            weekend[list(audience.COUNTRIES[cc].weekend), j] = True
        self.weekend = weekend
        self.utc_offset_us = audience.utc_offsets_seconds() * 1_000_000

        # Audience pools: a title's viewers in a country are a block of that country's
        # profiles, sized from the sessions it will get over the period, so that a series'
        # viewers come back for episode after episode while a film is mostly seen once.
        expected = np.zeros((n_titles, n_countries))
        for day in range(self.start_day, self.end_day + 1):
            expected += self.day_rate(day, None)
        visits = np.where(self.tv, np.maximum(1.5, k.series_completion * self.episodes
                                              / k.episodes_per_session), k.film_visits)
        pool = np.ceil(expected / visits[:, None]).astype(np.int64)
        self.pool = np.clip(pool, 1, self.profiles[None, :]).ravel()
        self.pool_start = rng.integers(0, self.profiles[None, :], (n_titles, n_countries)).ravel()

    def _sleepers(self, rng: np.random.Generator) -> None:
        """Pick a few modest titles that take off weeks after release (word of mouth)."""
        k = self.k
        n = len(self.catalog)
        self.sleeper_center = np.full(n, -1.0)
        self.sleeper_width = np.ones(n)
        self.sleeper_gain = np.zeros(n)
        generated = np.array([t.title_id not in SLATE_BY_ID for t in self.catalog.titles])
        first = np.maximum(self.release_day + 21, self.start_day + 14)
        eligible = np.flatnonzero(generated & (first <= self.end_day - 14))
        count = min(len(eligible), max(1, round(k.sleeper_share * n)))
        if count == 0:
            return
        chosen = rng.choice(eligible, size=count, replace=False)
        chosen.sort()
        big = float(np.quantile(self.appeal, 0.9))  # word of mouth makes it a real hit
        for i in chosen:
            self.sleeper_center[i] = rng.uniform(first[i], self.end_day - 14)
            self.sleeper_width[i] = rng.uniform(6.0, 12.0)
            self.sleeper_gain[i] = rng.uniform(*k.sleeper_gain) * big
        self.hype[chosen] *= 0.2  # sleepers launch quietly

    @property
    def sleepers(self) -> np.ndarray:
        """Catalog rows of the sleeper hits."""
        return np.flatnonzero(self.sleeper_center >= 0)

    def demand(self, day: int) -> np.ndarray:
        """Each title's worldwide pull on ``day`` (days since the epoch); 0 before release."""
        k = self.k
        since = day - self.release_day
        live = since >= 0
        s = np.maximum(since, 0).astype(float)
        baseline = k.baseline_floor + (1 - k.baseline_floor) * np.exp(-s / k.baseline_fade_days)
        launch = (1.0 - np.exp(-(s + 1.0) / self.ramp)) * np.exp(-s / self.decay)
        launch = np.where(live, launch, 0.0)
        appeal = self.appeal
        pull = appeal * (baseline + self.hype * launch)
        bump = (self.sleeper_center >= 0) & live
        if bump.any():
            z = (day - self.sleeper_center[bump]) / self.sleeper_width[bump]
            pull[bump] += self.sleeper_gain[bump] * np.exp(-0.5 * z * z)
        has_prev = (self.prev >= 0) & live
        if has_prev.any():  # a new season sends viewers back to the one before
            prev = self.prev[has_prev]
            extra = k.catch_up * appeal[prev] * self.hype[has_prev] * launch[has_prev]
            np.add.at(pull, prev, extra)
        pull = np.where(self.tv, pull * k.tv_weight, pull)
        return np.where(live, pull, 0.0)

    def day_rate(self, day: int, rng: np.random.Generator | None) -> np.ndarray:
        """Expected sessions per (title, country) on ``day``: shape (titles, countries).

        With ``rng`` the day's random wobble is drawn; without, the smooth expectation.
        """
        k = self.k
        pull = self.demand(day)
        live = pull > 0
        if not live.any():
            return np.zeros_like(self.taste)
        weights = pull[:, None] * self.taste
        if rng is not None:  # float32 noise: half the cost, and plenty for a wobble
            noise = rng.standard_normal(self.taste.shape, dtype=np.float32)
            noise *= np.float32(k.daily_noise)
            weights *= np.exp(noise, out=noise)
        share = weights / weights.sum(axis=0, keepdims=True)
        share = (1 - k.long_tail) * share + k.long_tail * (live / live.sum())[:, None]
        date = EPOCH + np.timedelta64(day, "D")
        dow = int((day + 3) % 7)  # 1970-01-01 was a Thursday; Monday = 0
        holiday = 1.0 + k.holiday_boost * _is_holiday(date)
        per_country = self.events_per_day * holiday * self.shares * self.weekday[dow]
        return share * per_country[None, :]

    def sessions(self, day: int, rng: np.random.Generator, max_chunk: int
                 ) -> Iterator[Sessions]:
        """All of ``day``'s sessions, in chunks of about ``max_chunk`` rows at most, made
        one at a time as they are consumed (so a huge day never sits in memory whole)."""
        rate = self.day_rate(day, rng)
        expected = float(rate.sum())
        parts = max(1, math.ceil(expected / max_chunk))
        if parts > 1:
            rate = rate / parts
        for _ in range(parts):
            yield self._draw(day, rng.poisson(rate), rng)

    def _draw(self, day: int, counts: np.ndarray, rng: np.random.Generator) -> Sessions:
        """Expand per-cell counts into sessions, vectorised (no per-session Python)."""
        k = self.k
        n_countries = counts.shape[1]
        flat = counts.ravel()
        cells = np.flatnonzero(flat)
        cell = np.repeat(cells, flat[cells])
        n = len(cell)
        if n >= 1 << _ORDER_BITS:
            raise ValueError(f"a chunk of {n} sessions is too large; lower max_chunk")
        dow = int((day + 3) % 7)
        weekend_by_country = self.weekend[dow]

        # when: the local clock from an inverse-CDF table (weekend rows offset by 2), folded
        # back into the UTC day; then sort by time via unique packed keys (time, position)
        country = cell % n_countries
        weekend = weekend_by_country[country]
        local = np.interp(rng.random(n) + 2.0 * weekend, _CLOCK_X, _CLOCK_US)
        utc = local.astype(np.int64) - self.utc_offset_us[country]
        utc += DAY_US * (utc < 0)
        utc -= DAY_US * (utc >= DAY_US)
        key = (utc << _ORDER_BITS) | np.arange(n, dtype=np.int64)
        key.sort()
        cell = cell[key & ((1 << _ORDER_BITS) - 1)]
        started = (key >> _ORDER_BITS) + day * DAY_US
        title = cell // n_countries
        country = cell - title * n_countries
        weekend = weekend_by_country[country]

        # who: a profile from the title's audience pool in that country
        size = self.profiles[country]
        profile = self.pool_start[cell] + (rng.random(n) * self.pool[cell]).astype(np.int64)
        profile -= size * (profile >= size)

        # how long: films watched through or abandoned; series by the episode or in binges
        tv = self.tv[title]
        fraction = np.interp(rng.random(n) + 2.0 * tv, _FRACTION_X, _FRACTION_Y)
        fresh = (day - self.release_day[title]) < 10
        go_on = k.binge_continue + k.binge_weekend * weekend + k.binge_launch * fresh
        more = np.floor(np.log1p(-rng.random(n)) / np.log(go_on))
        episodes = np.minimum(more + 1.0, self.episodes[title])
        length = np.where(tv, self.episode_s[title] * (episodes - 1.0 + fraction),
                          self.runtime_s[title] * fraction)
        seconds = np.clip(np.rint(length), 1, 86_400).astype(np.int64)
        return Sessions(title.astype(np.int32), country.astype(np.int32), profile, started,
                        seconds)


_ORDER_BITS = 26  # room for a chunk's row positions below the time in a sort key


def _clock_table() -> tuple[np.ndarray, np.ndarray]:
    """Inverse CDF of the local start time: weekday on x in [0, 1], weekend on [2, 3].

    Evenings dominate (a peak around 21:00); weekends shift viewing into the afternoon.
    """
    minutes = np.arange(24 * 60 + 1, dtype=float)
    hours = minutes / 60.0
    evening = np.zeros_like(hours)
    for wrap in (-24.0, 0.0, 24.0):  # the evening peak wraps around midnight
        evening += np.exp(-0.5 * ((hours + wrap - 21.0) / 1.7) ** 2)
    evening /= evening.sum()
    afternoon = ((hours >= 12) & (hours < 19)).astype(float)
    afternoon /= afternoon.sum()
    anytime = np.full_like(hours, 1.0 / len(hours))
    xs, ys = [], []
    for shift, mix in ((0.0, (0.6, 0.25, 0.15)), (2.0, (0.45, 0.35, 0.2))):
        density = mix[0] * evening + mix[1] * afternoon + mix[2] * anytime
        cdf = np.concatenate([[0.0], np.cumsum(density[:-1])])
        cdf /= cdf[-1]
        keep = np.concatenate([[True], np.diff(cdf) > 0])  # np.interp needs increasing x
        xs.append(cdf[keep] + shift)
        ys.append(np.minimum(minutes[keep] * 60e6, DAY_US - 1))
    return np.concatenate(xs), np.concatenate(ys)


def _fraction_table() -> tuple[np.ndarray, np.ndarray]:
    """Inverse CDF of how much of a film (x in [0, 1]) or last episode (x in [2, 3]) is seen.

    A short sample (0.5-8%), a partial watch (10-90%: people stop) or to the end (92-100%).
    """
    eps = 1e-9
    xs, ys = [], []
    for shift, (sample, partial) in ((0.0, (0.10, 0.28)), (2.0, (0.06, 0.22))):
        cut = sample + partial
        xs.append(np.array([0.0, sample, sample + eps, cut, cut + eps, 1.0]) + shift)
        ys.append(np.array([0.005, 0.08, 0.10, 0.90, 0.92, 1.0]))
    return np.concatenate(xs), np.concatenate(ys)


_CLOCK_X, _CLOCK_US = _clock_table()
_FRACTION_X, _FRACTION_Y = _fraction_table()


def _is_holiday(date: np.datetime64) -> float:
    """1.0 from 20 December to 3 January (people watch more), else 0.0."""
    day = date.astype(dt.date)
    return 1.0 if (day.month == 12 and day.day >= 20) or (day.month == 1 and day.day <= 3) \
        else 0.0
