"""Netflix's 2025 Korean film slate (as showcased in Tokyo), with the facts Netflix published.

These are the only real titles and the only real people in the simulated catalog. Where
Netflix's announcement named no credits, directors and cast are left empty rather than
invented. ``appeal`` and ``hype`` place each film in the simulator's popularity model (the
same scales :mod:`starchart.simulate.catalog` draws generated titles on): the big ones launch
like hits, the back catalogue keeps a steady audience.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class SlateTitle:
    """One slate film: catalog facts plus its strength in the simulated world."""

    title_id: str
    show_title: str
    release_date: dt.date
    runtime_minutes: int
    genres: tuple[str, ...]
    directors: tuple[str, ...]
    cast: tuple[str, ...]
    synopsis: str
    appeal: float  # evergreen popularity (generated titles: lognormal, median 1)
    hype: float  # launch spike strength (generated hits: ~10-40)

    @property
    def season_title(self) -> None:
        """Films have no season."""
        return None


def _d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


SLATE: tuple[SlateTitle, ...] = (
    SlateTitle(
        "slate-revelations", "Revelations", _d("2025-03-21"), 122, ("thriller",),
        ("Yeon Sang-ho",), (),
        "A pastor convinced he has received a sign from above and a detective haunted by "
        "visions hunt the same suspect after a boy goes missing.",
        appeal=5.0, hype=60.0,
    ),
    SlateTitle(
        "slate-lost-in-starlight", "Lost in Starlight", _d("2025-05-30"), 95,
        ("animation", "romance", "sci-fi"), ("Han Ji-won",), ("Kim Tae-ri", "Hong Kyung"),
        "In 2050 Seoul, a would-be astronaut and a musician fall in love just as a mission "
        "to Mars pulls them apart. An animated film from Climax Studio.",
        appeal=3.0, hype=35.0,
    ),
    SlateTitle(
        "slate-wall-to-wall", "Wall to Wall", _d("2025-07-18"), 119, ("thriller",),
        ("Kim Tae-joon",), ("Kang Ha-neul", "Yeom Hye-ran", "Seo Hyun-woo"),
        "An office worker who staked everything on an 84-square-meter apartment (84 Square "
        "Meters) is driven to the edge by noises in the walls and the neighbors who blame him.",
        appeal=4.0, hype=50.0,
    ),
    SlateTitle(
        "slate-love-untangled", "Love Untangled", _d("2025-08-29"), 121,
        ("romance", "coming of age"), ("Namkoong Sun",), ("Gong Myoung", "Shin Eun-soo"),
        "Busan, 1998: a high-school girl determined to tame her curly hair falls for the new "
        "transfer student and learns to love what she cannot straighten.",
        appeal=2.5, hype=25.0,
    ),
    SlateTitle(
        "slate-mantis", "Mantis", _d("2025-09-26"), 113, ("action",), (), (),
        "In the world of Kill Boksoon, a top assassin back from a long break finds the "
        "contract-killing business split into rival camps and a rising rival on his trail.",
        appeal=4.0, hype=50.0,
    ),
    SlateTitle(
        "slate-good-news", "Good News", _d("2025-10-17"), 139, ("drama",), (), (),
        "In the 1970s, as a passenger plane is hijacked, an unlikely team on the ground "
        "schemes to bring it down safely with an audacious deception.",
        appeal=3.5, hype=40.0,
    ),
    SlateTitle(
        "slate-the-great-flood", "The Great Flood", _d("2025-12-19"), 109,
        ("sci-fi", "disaster"), (), (),
        "As a catastrophic flood engulfs the planet, a researcher trapped in a sinking "
        "apartment tower fights to save her son and the last hope for humanity.",
        appeal=4.5, hype=55.0,
    ),
    SlateTitle(
        "slate-kill-boksoon", "Kill Boksoon", _d("2023-03-31"), 139, ("action",), (), (),
        "A legendary contract killer who is also a single mother weighs one last job "
        "against raising her teenage daughter.",
        appeal=4.0, hype=50.0,
    ),
    SlateTitle(
        "slate-unlocked", "Unlocked", _d("2023-02-17"), 117, ("thriller",),
        ("Kim Tae-joon",), (),
        "After losing her smartphone, an office worker finds her whole life taken over by "
        "the stranger who picked it up.",
        appeal=3.0, hype=35.0,
    ),
)

#: The slate by title_id.
SLATE_BY_ID: dict[str, SlateTitle] = {t.title_id: t for t in SLATE}
