"""A small hand-made chart store for the web tests: three weeks, five countries.

Written as Netflix-layout TSV files and loaded through the published importer
(``starchart.api.import_netflix``), so the site is tested on charts stored exactly as an
import stores them. Titles are chosen to exercise the pages: a comma and an apostrophe
(CSV quoting), an accent (search), "Mantis" next to "Queen Mantis" (exact matching), a show
with two seasons (show page), small countries drawn as dots (Singapore, Guadeloupe).
"""

from __future__ import annotations

from pathlib import Path

from starchart import api
from tests.published.complete_lists import complete

WEEKS = ("2025-03-16", "2025-03-23", "2025-03-30")
LATEST = WEEKS[-1]

# week index -> category -> [(show_title, season_title or 'N/A', hours, runtime, views, cum)]
GLOBAL: dict[str, dict[str, list[tuple[str, str, int, str, int, int]]]] = {
    WEEKS[0]: {
        "Films (English)": [
            ("Revelations", "N/A", 20_000_000, "2", 10_000_000, 1),
            ("The Man, the Myth", "N/A", 9_000_000, "1.5", 6_000_000, 1),
        ],
        "Films (Non-English)": [
            ("Mantis", "N/A", 8_000_000, "1.8333", 4_400_000, 1),
            ("Kill Boksoon", "N/A", 6_000_000, "2.3667", 2_500_000, 1),
        ],
        "TV (English)": [("Adolescence", "N/A", 60_000_000, "3.8", 15_800_000, 1)],
        "TV (Non-English)": [
            ("Squid Game", "Squid Game: Season 2", 90_000_000, "7.2", 12_500_000, 1),
            ("Squid Game", "Squid Game: Season 1", 30_000_000, "8.2", 3_700_000, 1),
            ("Queen Mantis", "Queen Mantis: Season 1", 9_000_000, "8", 1_100_000, 1),
        ],
    },
    WEEKS[1]: {
        "Films (English)": [
            ("The Man, the Myth", "N/A", 15_000_000, "1.5", 10_000_000, 2),
            ("Revelations", "N/A", 12_000_000, "2", 6_000_000, 2),
            ("Lost in Starlight", "N/A", 5_000_000, "1.6167", 3_100_000, 1),
        ],
        "Films (Non-English)": [
            ("Mantis", "N/A", 7_000_000, "1.8333", 3_800_000, 2),
            ("Kill Boksoon", "N/A", 5_000_000, "2.3667", 2_100_000, 2),
        ],
        "TV (English)": [("Adolescence", "N/A", 50_000_000, "3.8", 13_200_000, 2)],
        "TV (Non-English)": [
            ("Squid Game", "Squid Game: Season 2", 70_000_000, "7.2", 9_700_000, 2),
            ("Queen Mantis", "Queen Mantis: Season 1", 10_000_000, "8", 1_250_000, 2),
            ("Squid Game", "Squid Game: Season 1", 20_000_000, "8.2", 1_200_000, 2),
        ],
    },
    WEEKS[2]: {
        "Films (English)": [
            ("Revelations", "N/A", 30_000_000, "2", 15_000_000, 3),
            ("Lost in Starlight", "N/A", 9_000_000, "1.6167", 5_600_000, 2),
            ("Havoc", "N/A", 6_000_000, "1.75", 3_400_000, 1),
        ],
        "Films (Non-English)": [
            ("Kill Boksoon", "N/A", 9_000_000, "2.3667", 3_800_000, 3),
            ("Mantis", "N/A", 5_000_000, "1.8333", 2_700_000, 3),
        ],
        "TV (English)": [
            ("Adolescence", "N/A", 40_000_000, "3.8", 10_500_000, 3),
            ("Wednesday", "Wednesday: Season 1", 8_000_000, "6.2", 1_300_000, 1),
        ],
        "TV (Non-English)": [
            ("Squid Game", "Squid Game: Season 2", 50_000_000, "7.2", 6_900_000, 3),
            ("Amélie's Café", "Amélie's Café: Season 1", 12_000_000, "5", 2_400_000, 1),
            ("Queen Mantis", "Queen Mantis: Season 1", 8_000_000, "8", 1_000_000, 3),
        ],
    },
}

COUNTRY_NAMES = {
    "KR": "South Korea",
    "US": "United States",
    "SG": "Singapore",
    "GP": "Guadeloupe",
    "FR": "France",
}
# country -> week index -> category -> [(show_title, season_title)] in rank order
COUNTRIES: dict[str, list[dict[str, list[tuple[str, str]]]]] = {
    "KR": [
        {
            "Films": [("Mantis", "N/A"), ("Revelations", "N/A")],
            "TV": [
                ("Squid Game", "Squid Game: Season 2"),
                ("Queen Mantis", "Queen Mantis: Season 1"),
            ],
        },
        {
            "Films": [("Mantis", "N/A"), ("Kill Boksoon", "N/A")],
            "TV": [
                ("Squid Game", "Squid Game: Season 2"),
                ("Queen Mantis", "Queen Mantis: Season 1"),
            ],
        },
        {
            "Films": [("Kill Boksoon", "N/A"), ("Mantis", "N/A")],
            "TV": [
                ("Squid Game", "Squid Game: Season 2"),
                ("Amélie's Café", "Amélie's Café: Season 1"),
            ],
        },
    ],
    "US": [
        {
            "Films": [("Revelations", "N/A"), ("The Man, the Myth", "N/A")],
            "TV": [("Adolescence", "N/A"), ("Squid Game", "Squid Game: Season 2")],
        },
        {
            "Films": [("The Man, the Myth", "N/A"), ("Revelations", "N/A")],
            "TV": [("Adolescence", "N/A"), ("Squid Game", "Squid Game: Season 2")],
        },
        {
            "Films": [("Revelations", "N/A"), ("Havoc", "N/A")],
            "TV": [("Adolescence", "N/A"), ("Wednesday", "Wednesday: Season 1")],
        },
    ],
    "SG": [
        {"Films": [("Revelations", "N/A")], "TV": [("Squid Game", "Squid Game: Season 2")]},
        {"Films": [("Revelations", "N/A")], "TV": [("Squid Game", "Squid Game: Season 2")]},
        {"Films": [("Revelations", "N/A")], "TV": [("Squid Game", "Squid Game: Season 2")]},
    ],
    "GP": [
        {"Films": [("Mantis", "N/A")], "TV": [("Adolescence", "N/A")]},
        {"Films": [("Mantis", "N/A"), ("Revelations", "N/A")], "TV": [("Adolescence", "N/A")]},
        {
            "Films": [("Mantis", "N/A"), ("Revelations", "N/A")],
            "TV": [("Squid Game", "Squid Game: Season 2")],
        },
    ],
    "FR": [
        {"Films": [("The Man, the Myth", "N/A")], "TV": [("Adolescence", "N/A")]},
        {"Films": [("The Man, the Myth", "N/A")], "TV": [("Adolescence", "N/A")]},
        {"Films": [("Revelations", "N/A")], "TV": [("Adolescence", "N/A")]},
    ],
}

MOST_POPULAR = [
    ("Films (English)", 1, "Revelations", "N/A", 61_000_000, "2", 30_500_000),
    ("Films (English)", 2, "The Man, the Myth", "N/A", 24_000_000, "1.5", 16_000_000),
    ("TV (Non-English)", 1, "Squid Game", "Squid Game: Season 2", 210_000_000, "7.2", 29_100_000),
]


def write_files(folder: Path) -> Path:
    """Write the three Netflix-layout TSV files into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = [
        "week\tcategory\tweekly_rank\tshow_title\tseason_title\tweekly_hours_viewed"
        "\truntime\tweekly_views\tcumulative_weeks_in_top_10"
    ]
    for week in reversed(WEEKS):
        for category, rows in GLOBAL[week].items():
            for rank, (show, season, hours, runtime, views, cum) in enumerate(rows, 1):
                lines.append(
                    f"{week}\t{category}\t{rank}\t{show}\t{season}\t{hours}\t{runtime}\t{views}\t{cum}"
                )
    (folder / "all-weeks-global.tsv").write_text(complete("\n".join(lines)), encoding="utf-8")

    lines = [
        "country_name\tcountry_iso2\tweek\tcategory\tweekly_rank\tshow_title\tseason_title"
        "\tcumulative_weeks_in_top_10"
    ]
    for iso2, per_week in sorted(COUNTRIES.items()):
        seen: dict[tuple[str, str, str], int] = {}
        rows_out: list[str] = []
        for week, lists in zip(WEEKS, per_week, strict=True):
            for category, rows in lists.items():
                for rank, (show, season) in enumerate(rows, 1):
                    key = (category, show, season)
                    seen[key] = seen.get(key, 0) + 1
                    rows_out.append(
                        f"{COUNTRY_NAMES[iso2]}\t{iso2}\t{week}\t{category}\t{rank}\t{show}"
                        f"\t{season}\t{seen[key]}"
                    )
        lines += rows_out
    (folder / "all-weeks-countries.tsv").write_text(complete("\n".join(lines)), encoding="utf-8")

    lines = [
        "category\trank\tshow_title\tseason_title\thours_viewed_first_91_days\truntime"
        "\tviews_first_91_days"
    ]
    for category, rank, show, season, hours, runtime, views in MOST_POPULAR:
        lines.append(f"{category}\t{rank}\t{show}\t{season}\t{hours}\t{runtime}\t{views}")
    (folder / "most-popular.tsv").write_text(complete("\n".join(lines)), encoding="utf-8")
    return folder


def build_store(folder: Path) -> Path:
    """Write the files into ``folder/files`` and import them into ``folder/web.duckdb``."""
    files = write_files(folder / "files")
    db = folder / "web.duckdb"
    api.import_netflix([files], db=db)
    return db
