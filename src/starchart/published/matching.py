"""Which work does a name in a Netflix file mean? Pure matching, no I/O, every decision
explained.

Netflix's files carry no IDs. A *sighting* is a name as one kind of file gives it: a Top 10
title (show and season, its list's kind and language, the weeks it charted), a Most Popular
entry, or an engagement-report row (English and original title, kind, release date). A
*work* is a film or one season. The rules, in order:

1. Engagement rows are works. Rows of several reports with the same kind, English name,
   original title and release date are one work; an undated row joins the one dated work of
   that name, kind and original title if there is exactly one. The same name with another
   release date or another original title is another work ("Unlocked" 2017 and the Korean
   "Unlocked // 스마트폰을 떨어뜨렸을 뿐인데" of 2023; "Monster" 2021 and 2024).
2. A name Netflix renamed (a ``renamed`` edit in the change feed) or that a user declared
   the same (overrides ``[[same]]``) is matched as its newest name.
3. A Top 10 or Most Popular sighting links to the work of the same kind and name. Where
   several share the name: a work released after the sighting's last week cannot be it;
   then a Non-English list means a work with an original title, an English list one
   without; then the latest release on or before the sighting's first week. Where none
   fits, the Top 10 name is a work of its own.
4. A user's ``[[link]]`` moves a sighting to a given ID; ``[[separate]]`` keeps it apart.

IDs are ``nf-`` and eight base-32 characters of a hash of the work's first key, so the same
files give the same IDs in any store; an ID a store already gave a sighting is kept (across
renames and newly published release dates) and never given to another work.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from starchart.queries.slugs import normalise

TOP10_SOURCES = ("global", "countries", "most-popular")
_SEASON_WORDS = re.compile(
    r"^(?:season|series|part|volume|vol\.|chapter|book|collection|limited series|"
    r"miniseries|temporada|saison|staffel)\b", re.I)


@dataclass(frozen=True)
class Sighting:
    """A name as one kind of file gives it."""

    source: str                      # global | countries | most-popular | engagement
    name: str                        # as it reads: 'Squid Game: Season 2', 'Revelations'
    kind: str | None                 # film | tv | None (a mixed sheet)
    show_title: str | None = None    # Top 10 only
    season_title: str | None = None  # Top 10 only
    original_title: str | None = None
    release_date: dt.date | None = None
    first_seen: dt.date | None = None
    last_seen: dt.date | None = None
    language: str | None = None      # 'english' | 'non-english' (a Top 10 list's), else None
    title: str | None = None         # engagement: the title as published

    @cached_property
    def key(self) -> str:
        """What identifies this sighting across imports (stored in ``title_links``)."""
        if self.source == "engagement":
            return "|".join(["engagement", self.kind or "", self.title or self.name,
                             self.release_date.isoformat() if self.release_date else ""])
        return "|".join([self.source, self.kind or "", self.show_title or self.name,
                         self.season_title or "", self.language or ""])


@dataclass
class Work:
    """A film or one season, with every sighting linked to it."""

    key: str
    kind: str | None
    name: str
    original_title: str | None = None
    release_date: dt.date | None = None
    show_title: str | None = None
    season_title: str | None = None
    sightings: list[Sighting] = field(default_factory=list)
    title_id: str = ""

    @property
    def first_seen(self) -> dt.date | None:
        days = [s.first_seen for s in self.sightings if s.first_seen]
        return min(days) if days else None

    @property
    def last_seen(self) -> dt.date | None:
        days = [s.last_seen for s in self.sightings if s.last_seen]
        return max(days) if days else None


@dataclass(frozen=True)
class Link:
    """One sighting's work, the rule that decided it, and why in words."""

    sighting: Sighting
    title_id: str
    rule: str
    explanation: str


@dataclass(frozen=True)
class Overrides:
    """A user's corrections (see :func:`starchart.published.identity.load_overrides`)."""

    same: tuple[tuple[str, ...], ...] = ()              # names of one work
    links: tuple[tuple[str, str | None, str], ...] = ()  # (name, source or None, title_id)
    separate: tuple[tuple[str, str | None], ...] = ()   # (name, source or None)


def guess_kind(name: str) -> str:
    """'tv' when the name ends in a season word ('X: Season 2', 'X: Limited Series'),
    else 'film': only for the first report's mixed sheet, and said so in the explanation."""
    if ": " in name and _SEASON_WORDS.match(name.rsplit(": ", 1)[1]):
        return "tv"
    return "film"


_SEASON_NUMBER = re.compile(r"^(.*?):\s*(?:season|s)\s*(\d{1,3})\b", re.I)


def season_key(name: str) -> str | None:
    """'Love Is Blind: S8: Minneapolis' and 'Love Is Blind: Season 8' -> 'love is blind|8':
    the Top 10 history and the reports label some seasons differently."""
    found = _SEASON_NUMBER.match(name)
    if not found:
        return None
    return f"{_fold(found.group(1))}|{int(found.group(2))}"


_YEAR_SUFFIX = re.compile(r"^(.*\S)\s*\((?:19|20)\d\d\)$")


def without_year(name: str) -> str | None:
    """'Sonic the Hedgehog (2020)' -> 'Sonic the Hedgehog': the reports add a year to tell
    same-named titles apart where the Top 10 lists do not; None without such a year."""
    found = _YEAR_SUFFIX.match(name.strip())
    return found.group(1) if found else None


def split_show(name: str) -> tuple[str, str | None]:
    """'Squid Game: Season 2' -> ('Squid Game', 'Squid Game: Season 2'); a name without a
    season word is its own show and has no season."""
    if ": " in name:
        show, tail = name.rsplit(": ", 1)
        if _SEASON_WORDS.match(tail):
            return show, name
    return name, None


_SCRIPTS = (
    ("HANGUL", "Korean"), ("HIRAGANA", "Japanese"), ("KATAKANA", "Japanese"),
    ("THAI", "Thai"), ("ARABIC", "Arabic"), ("HEBREW", "Hebrew"), ("GREEK", "Greek"),
    ("DEVANAGARI", "Hindi"), ("TAMIL", "Tamil"), ("TELUGU", "Telugu"),
    ("MALAYALAM", "Malayalam"), ("KANNADA", "Kannada"), ("BENGALI", "Bengali"),
    ("GURMUKHI", "Punjabi"), ("GUJARATI", "Gujarati"), ("CYRILLIC", "Cyrillic script"),
    ("CJK", "Chinese"),
)


@lru_cache(maxsize=65_536)
def language_of(original_title: str | None) -> str | None:
    """The language an original title's script tells ('Korean' for Hangul, 'Japanese' for
    kana, 'Chinese' for Han characters alone...); 'Latin script' where the letters are Latin
    (Spanish, German, French... cannot be told apart by script); None without an original."""
    if not original_title:
        return None
    found: Counter[str] = Counter()
    latin = 0
    for ch in original_title:
        if not ch.isalpha():
            continue
        name = unicodedata.name(ch, "")
        for prefix, language in _SCRIPTS:
            if name.startswith(prefix):
                found[language] += 1
                break
        else:
            if name.startswith("LATIN"):
                latin += 1
    if found["Japanese"]:
        return "Japanese"  # kana with kanji: Japanese, not Chinese
    if found["Korean"]:
        return "Korean"
    if found:
        return found.most_common(1)[0][0]
    return "Latin script" if latin else None


def _id(key: str, taken: set[str]) -> str:
    digest = base64.b32encode(hashlib.sha256(key.encode("utf-8")).digest()).decode().lower()
    for length in range(8, len(digest)):
        candidate = f"nf-{digest[:length]}"
        if candidate not in taken:
            return candidate
    raise RuntimeError("no free ID")  # pragma: no cover - 2**256 keys


@lru_cache(maxsize=262_144)
def _fold(name: str) -> str:
    return normalise(name) or name.strip().casefold()


class _Aliases:
    """Names declared the same (renames, overrides), each mapped to its newest name."""

    def __init__(self, groups: Iterable[tuple[str, ...]]) -> None:
        self.parent: dict[str, str] = {}
        for group in groups:
            folded = [_fold(n) for n in group if n]
            for name in folded[:-1]:
                self._union(name, folded[-1])

    def _find(self, name: str) -> str:
        while name in self.parent:
            name = self.parent[name]
        return name

    def _union(self, old: str, new: str) -> None:
        a, b = self._find(old), self._find(new)
        if a != b:
            self.parent[a] = b

    def canonical(self, name: str) -> str:
        return self._find(_fold(name))


def match(
    sightings: Iterable[Sighting],
    *,
    renames: Iterable[tuple[str, str]] = (),
    overrides: Overrides = Overrides(),
    previous: dict[str, str] | None = None,
) -> tuple[list[Work], list[Link]]:
    """Link every sighting to a work; see the module's docstring for the rules.

    ``renames``: (old name, new name) pairs Netflix made; ``previous``: sighting key -> ID
    from an earlier run, kept where it still fits.
    """
    items = sorted(set(sightings), key=lambda s: (s.source != "engagement", s.key))
    aliases = _Aliases([*overrides.same, *renames])
    separate = {(_fold(n), src) for n, src in overrides.separate}
    forced = {(_fold(n), src): tid for n, src, tid in overrides.links}

    works: dict[str, Work] = {}
    decided: dict[Sighting, tuple[Work, str, str]] = {}
    by_name: dict[tuple[str | None, str], list[Work]] = defaultdict(list)
    by_season: dict[tuple[str | None, str], list[Work]] = defaultdict(list)
    by_bare: dict[tuple[str | None, str], list[Work]] = defaultdict(list)

    def overridden(s: Sighting) -> str | None:
        if not separate:
            return None
        for src in (s.source, None):
            if (_fold(s.name), src) in separate:
                return "separate"
        return None

    # 1. engagement rows
    reports = [s for s in items if s.source == "engagement"]
    known_kind: dict[tuple[str, str, dt.date | None], str] = {}
    for s in reports:
        if s.kind:
            known_kind[(_fold(s.name), _fold(s.original_title or ""), s.release_date)] = s.kind
    dated = [s for s in reports if s.release_date]
    undated = [s for s in reports if not s.release_date]
    for s in dated + undated:
        kind = s.kind
        how = ""
        if kind is None:
            kind = known_kind.get((_fold(s.name), _fold(s.original_title or ""), s.release_date))
            how = (f"; kind {kind} from a later report listing the same title" if kind else "")
            if kind is None:
                kind = guess_kind(s.name)
                how = f"; kind {kind} guessed from the name (its report mixes films and TV)"
        name = aliases.canonical(s.name)
        original = _fold(s.original_title or "")
        if overridden(s):
            key = f"separate|{s.key}"
            work = works.setdefault(key, Work(key, kind, s.name, s.original_title,
                                              s.release_date))
            decided[s] = (work, "override-separate", "kept apart by the overrides file")
            continue
        key = f"{kind}|{name}|{original}|{s.release_date or ''}"
        rule, why = "report-title", (
            f"engagement title {s.title!r}"
            + (f" released {s.release_date}" if s.release_date else " (no release date)")
            + how)
        if s.release_date is None and key not in works:
            same = [w for w in by_name[(kind, name)]
                    if _fold(w.original_title or "") == original and w.release_date]
            if len(same) == 1:
                key = same[0].key
                rule, why = "undated-report-row", (
                    f"no release date; the only work named {s.name!r} with that original title "
                    f"was released {same[0].release_date}{how}")
        if key not in works:
            works[key] = Work(key, kind, s.name, s.original_title, s.release_date)
            by_name[(kind, name)].append(works[key])
            numbered = season_key(s.name)
            if numbered:
                by_season[(kind, numbered)].append(works[key])
            bare = without_year(s.name)
            if bare:
                by_bare[(kind, aliases.canonical(bare))].append(works[key])
        decided[s] = (works[key], rule, why)

    # 3. Top 10 and Most Popular sightings
    for s in (x for x in items if x.source != "engagement"):
        name = aliases.canonical(s.name)
        renamed = "" if name == _fold(s.name) else " (matched under its newer name)"
        if overridden(s):
            key = f"separate|{s.key}"
            work = works.setdefault(key, Work(key, s.kind, s.name, None, None, s.show_title,
                                              s.season_title))
            decided[s] = (work, "override-separate", "kept apart by the overrides file")
            continue
        candidates = [w for w in by_name[(s.kind, name)] if not w.key.startswith("top10|")]
        chosen, rule, why = _choose(s, candidates)
        numbered = season_key(s.name)
        if chosen is None and not candidates and numbered and by_season[(s.kind, numbered)]:
            chosen, rule, why = _choose(s, by_season[(s.kind, numbered)])
            if chosen is not None:
                rule, why = "same-season-number", (
                    f"no report names {s.name!r}; {chosen.name!r} is the same show and "
                    f"season number ({why})")
        if chosen is None and not candidates and by_bare[(s.kind, name)]:
            chosen, rule, why = _choose(s, by_bare[(s.kind, name)])
            if chosen is not None:
                rule, why = "same-name-but-year", (
                    f"no report names {s.name!r}; the report's {chosen.name!r} adds only the "
                    f"year ({why})")
        if chosen is None:
            key = f"top10|{s.kind}|{name}"
            if key not in works:
                works[key] = Work(key, s.kind, s.name, None, None, s.show_title, s.season_title)
                by_name[(s.kind, name)].append(works[key])
            chosen = works[key]
        decided[s] = (chosen, rule, why + renamed)
        if chosen.show_title is None and s.show_title:
            chosen.show_title, chosen.season_title = s.show_title, s.season_title

    # 4. forced links, then IDs
    for s, (work, _rule, _why) in list(decided.items()):
        work.sightings.append(s)
    result = list(works.values())
    _assign_ids(result, previous or {})
    by_id = {w.title_id: w for w in result}
    links: list[Link] = []
    for s, (work, rule, why) in decided.items():
        target = next((forced[(_fold(s.name), src)] for src in (s.source, None)
                       if (_fold(s.name), src) in forced), None) if forced else None
        if target and target != work.title_id:
            work.sightings.remove(s)
            if target not in by_id:
                by_id[target] = Work(f"forced|{target}", s.kind, s.name, s.original_title,
                                     s.release_date, s.show_title, s.season_title,
                                     title_id=target)
                result.append(by_id[target])
            work = by_id[target]
            work.sightings.append(s)
            rule, why = "override-link", f"linked to {target} by the overrides file"
        links.append(Link(s, work.title_id, rule, why))
    result = [w for w in result if w.sightings]
    for w in result:
        _settle_names(w)
    return result, links


def _choose(s: Sighting, candidates: list[Work]) -> tuple[Work | None, str, str]:
    """The work a Top 10 sighting means among engagement works of its kind and name."""
    where = f"{s.source} {s.kind or ''} list".replace("  ", " ")
    if not candidates:
        return None, "top10-only", f"no engagement report lists {s.name!r}: a work of its own"
    fits = candidates
    if s.last_seen is not None:
        fits = [w for w in fits if w.release_date is None or w.release_date <= s.last_seen]
        if not fits:
            dates = ", ".join(str(w.release_date) for w in candidates)
            return None, "released-later", (
                f"every work named {s.name!r} was released ({dates}) after this {where} "
                f"sighting ({s.last_seen}): a work of its own")
    if len(fits) > 1 and s.language:
        wanted = [w for w in fits if (w.original_title is not None) == (s.language ==
                                                                         "non-english")]
        if wanted:
            fits = wanted
    if len(fits) == 1:
        w = fits[0]
        if len(candidates) == 1:
            return w, "same-name", f"the one work named {s.name!r} in the reports"
        reasons = []
        if s.last_seen is not None:
            reasons.append(f"charted until {s.last_seen}")
        if s.language:
            reasons.append(f"on a {s.language} list")
        return w, "told-apart", (
            f"{len(candidates)} works named {s.name!r}; {' and '.join(reasons) or 'only'} "
            f"fits the one released {w.release_date or 'on an unknown date'}"
            + (f" ({w.original_title})" if w.original_title else ""))
    start = s.first_seen or s.last_seen
    before = [w for w in fits if w.release_date and (start is None or w.release_date <= start)]
    pool = before or fits
    w = max(pool, key=lambda x: (x.release_date or dt.date.min, x.key))
    return w, "latest-release", (
        f"{len(fits)} works named {s.name!r} fit; the latest released before it charted "
        f"({w.release_date})")


def _assign_ids(works: list[Work], previous: dict[str, str]) -> None:
    """Keep an ID a sighting had before (most sightings win; an ID goes to one work only);
    a new work gets the hash of its key."""
    taken: set[str] = set()
    pending: list[Work] = []
    claims = []
    for w in works:
        votes = Counter(previous[s.key] for s in w.sightings if s.key in previous)
        if votes:
            best, n = max(votes.items(), key=lambda kv: (kv[1], kv[0]))
            claims.append((n, best, w))
        else:
            pending.append(w)
    for _n, tid, w in sorted(claims, key=lambda c: (-c[0], c[1], c[2].key)):
        if tid in taken:
            pending.append(w)
        else:
            w.title_id = tid
            taken.add(tid)
    taken |= set(previous.values())  # never hand an old ID to another work
    for w in sorted(pending, key=lambda x: x.key):
        w.title_id = _id(w.key, taken)
        taken.add(w.title_id)


def _settle_names(w: Work) -> None:
    """The work's name and show/season from its newest sighting; original title and release
    date from the reports."""
    newest = max(w.sightings, key=lambda s: (s.last_seen or dt.date.min,
                                             s.source == "engagement", s.key))
    w.name = newest.name
    top = [s for s in w.sightings if s.show_title]
    if top:
        latest = max(top, key=lambda s: (s.last_seen or dt.date.min, s.key))
        w.show_title, w.season_title = latest.show_title, latest.season_title
    elif w.show_title is None:
        w.show_title, w.season_title = split_show(w.name)
        if w.kind == "film":
            w.show_title, w.season_title = w.name, None
    reports = [s for s in w.sightings if s.source == "engagement"]
    if reports:
        latest = max(reports, key=lambda s: (s.last_seen or dt.date.min, s.key))
        w.original_title = latest.original_title
        w.release_date = latest.release_date or w.release_date
    if w.kind is None:
        kinds = {s.kind for s in w.sightings if s.kind}
        w.kind = kinds.pop() if len(kinds) == 1 else None
