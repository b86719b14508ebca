"""Small hand-made files in each layout Netflix has used, with its quirks.

Tab-separated, LF, no final newline, exactly as Netflix writes them. Titles carry commas,
colons, apostrophes and non-ASCII letters; a TV title has an ``N/A`` season and runtime 0
with views published; country lists of 2021-07-04 say ``Films (English)``.
"""

from __future__ import annotations

from pathlib import Path

from tests.published.complete_lists import complete


def tsv(*lines: str, full: bool = True) -> str:
    """Join rows written with ``|`` between cells into Netflix's TSV (no final newline).

    ``full`` fills every list up to ranks 1-10 and every week up to all its lists with
    "Also Ran" rows, as a real file holds them (the importer refuses a cut list); the rows
    given keep their positions in Netflix's order."""
    text = "\n".join(line.replace("|", "\t") for line in lines)
    return complete(text) if full else text


GLOBAL_2021 = tsv(
    "week|category|weekly_rank|show_title|season_title|weekly_hours_viewed|"
    "cumulative_weeks_in_top_10",
    "2021-07-11|Films (English)|1|Don't Look Up|N/A|15230000|2",
    "2021-07-11|Films (English)|2|Red Notice|N/A|9140000|1",
    "2021-07-11|TV (Non-English)|1|Yo soy Betty, la fea|Yo soy Betty, la fea: Season 1|"
    "30100000|2",
    "2021-07-11|TV (Non-English)|2|Pokémon Concierge|Pokémon Concierge: Season 1|8000000|1",
    "2021-07-04|Films (English)|1|Don't Look Up|N/A|20000000|1",
    "2021-07-04|Films (English)|2|레드슈즈|N/A|5000000|1",
    "2021-07-04|TV (Non-English)|1|Yo soy Betty, la fea|Yo soy Betty, la fea: Season 1|"
    "25000000|1",
)

GLOBAL_2023 = tsv(
    "week|category|weekly_rank|show_title|season_title|weekly_hours_viewed|runtime|"
    "weekly_views|cumulative_weeks_in_top_10|is_staggered_launch|episode_launch_details",
    "2023-06-25|TV (English)|1|Jake Paul vs. Anthony Joshua|N/A|35300000|0|10900000|1|True|"
    "Live event",
    "2023-06-25|TV (Non-English)|1|Queen Mantis|Queen Mantis: Season 1|12300000|6.5|"
    "1900000|2|False|",
    "2023-06-18|TV (Non-English)|1|Queen Mantis|Queen Mantis: Season 1|9800000|6.5|"
    "1500000|1|False|",
)

# The same weeks as a 2024-2025 download spells them: episode_launch_dtls and the flag.
GLOBAL_2025 = tsv(
    "week|category|weekly_rank|show_title|season_title|weekly_hours_viewed|runtime|"
    "weekly_views|cumulative_weeks_in_top_10|is_staggered_launch|episode_launch_dtls|"
    "runtime_override_flag",
    "2023-06-25|TV (English)|1|Jake Paul vs. Anthony Joshua|N/A|35300000|0|10900000|1|True|"
    "Live event|True",
    "2023-06-25|TV (Non-English)|1|Queen Mantis|Queen Mantis: Season 1|12300000|6.5|"
    "1900000|2|False||False",
    "2023-06-18|TV (Non-English)|1|Queen Mantis|Queen Mantis: Season 1|9800000|6.5|"
    "1500000|1|False||False",
)

GLOBAL_HEADER = ("week|category|weekly_rank|show_title|season_title|weekly_hours_viewed|"
                 "runtime|weekly_views|cumulative_weeks_in_top_10")

# Today's nine columns. Sorted as Netflix sorts: newest week, category, rank.
GLOBAL_TODAY = tsv(
    GLOBAL_HEADER,
    "2025-03-30|Films (English)|1|Carry-On|N/A|16600000|2|8300000|3",
    "2025-03-30|Films (English)|2|Don't Look Up|N/A|5000000|2.3833|2100000|5",
    "2025-03-30|Films (Non-English)|1|Mantis|N/A|13500000|1.85|7300000|2",
    "2025-03-30|Films (Non-English)|2|Kill Boksoon|N/A|3000000|2.2|1400000|2",
    "2025-03-30|TV (English)|1|Adolescence|Adolescence: Limited Series|96700000|3.8333|"
    "25200000|2",
    "2025-03-30|TV (English)|2|Jake Paul vs. Anthony Joshua|N/A|1000000|0|900000|2",
    "2025-03-30|TV (Non-English)|1|Queen Mantis|Queen Mantis: Season 1|2000000|6.5|300000|4",
    "2025-03-30|TV (Non-English)|2|Sløborn|Sløborn: Season 1|1500000|5.1|300000|1",
    "2025-03-23|Films (English)|1|Carry-On|N/A|20100000|2|10000000|2",
    "2025-03-23|Films (English)|2|Don't Look Up|N/A|5200000|2.3833|2200000|4",
    "2025-03-23|Films (Non-English)|1|Kill Boksoon|N/A|4000000|2.2|1800000|1",
    "2025-03-23|Films (Non-English)|2|Mantis|N/A|3200000|1.85|1700000|1",
    "2025-03-23|TV (English)|1|Adolescence|Adolescence: Limited Series|24300000|3.8333|"
    "6300000|1",
    "2025-03-23|TV (Non-English)|1|Queen Mantis|Queen Mantis: Season 1|2500000|6.5|400000|3",
    "2025-03-23|TV (Non-English)|2|Café con aroma de mujer|Café con aroma de mujer: Season 1|"
    "2100000|30.5|100000|1",
)

# A later download of the same weeks plus a new one, with Netflix's silent edits:
# Mantis renamed (same numbers), Adolescence relabelled, 03-30 Films (English) #2 replaced by
# another film, Carry-On's hours revised, 03-23 TV (Non-English) #2 dropped, 03-30
# TV (Non-English) #3 added; 2025-04-06 is new.
GLOBAL_NEWER = tsv(
    GLOBAL_HEADER,
    "2025-04-06|Films (English)|1|Carry-On|N/A|9000000|2|4500000|4",
    "2025-04-06|Films (Non-English)|1|Mantis: Deadly Duel|N/A|3000000|1.85|1600000|3",
    "2025-03-30|Films (English)|1|Carry-On|N/A|16700000|2|8300000|3",
    "2025-03-30|Films (English)|2|Glass Onion|N/A|4100000|2.3333|1800000|1",
    "2025-03-30|Films (Non-English)|1|Mantis: Deadly Duel|N/A|13500000|1.85|7300000|2",
    "2025-03-30|Films (Non-English)|2|Kill Boksoon|N/A|3000000|2.2|1400000|2",
    "2025-03-30|TV (English)|1|Adolescence|Adolescence: Season 1|96700000|3.8333|25200000|2",
    "2025-03-30|TV (English)|2|Jake Paul vs. Anthony Joshua|N/A|1000000|0|900000|2",
    "2025-03-30|TV (Non-English)|1|Queen Mantis|Queen Mantis: Season 1|2000000|6.5|300000|4",
    "2025-03-30|TV (Non-English)|2|Sløborn|Sløborn: Season 1|1500000|5.1|300000|1",
    "2025-03-30|TV (Non-English)|3|Hellbound|Hellbound: Season 2|1400000|3|280000|1",
    "2025-03-23|Films (English)|1|Carry-On|N/A|20100000|2|10000000|2",
    "2025-03-23|Films (English)|2|Don't Look Up|N/A|5200000|2.3833|2200000|4",
    "2025-03-23|Films (Non-English)|1|Kill Boksoon|N/A|4000000|2.2|1800000|1",
    "2025-03-23|Films (Non-English)|2|Mantis: Deadly Duel|N/A|3200000|1.85|1700000|1",
    "2025-03-23|TV (English)|1|Adolescence|Adolescence: Season 1|24300000|3.8333|6300000|1",
    "2025-03-23|TV (Non-English)|1|Queen Mantis|Queen Mantis: Season 1|2500000|6.5|400000|3",
)

COUNTRY_HEADER = ("country_name|country_iso2|week|category|weekly_rank|show_title|"
                  "season_title|cumulative_weeks_in_top_10")

# Sorted as Netflix sorts: by name in code points ("Russia" before "Réunion"), newest week.
COUNTRIES = tsv(
    COUNTRY_HEADER,
    "Argentina|AR|2021-07-11|Films|1|Don't Look Up|N/A|2",
    "Argentina|AR|2021-07-11|Films|2|Red Notice|N/A|1",
    "Argentina|AR|2021-07-11|TV|1|Yo soy Betty, la fea|Yo soy Betty, la fea: Season 1|2",
    "Argentina|AR|2021-07-04|Films (English)|1|Don't Look Up|N/A|1",
    "Argentina|AR|2021-07-04|TV (English)|1|Yo soy Betty, la fea|"
    "Yo soy Betty, la fea: Season 1|1",
    "Russia|RU|2021-07-11|Films|1|Red Notice|N/A|1",
    "Russia|RU|2021-07-11|TV|1|Pokémon Concierge|Pokémon Concierge: Season 1|1",
    "Russia|RU|2021-07-04|Films (English)|1|레드슈즈|N/A|1",
    "Réunion|RE|2021-07-11|Films|1|Don't Look Up|N/A|2",
    "Réunion|RE|2021-07-11|TV|1|Yo soy Betty, la fea|Yo soy Betty, la fea: Season 1|1",
    "Réunion|RE|2021-07-04|Films (English)|1|Don't Look Up|N/A|1",
    "South Korea|KR|2021-07-11|Films|1|레드슈즈|N/A|2",
    "South Korea|KR|2021-07-11|TV|1|Pokémon Concierge|Pokémon Concierge: Season 1|1",
    "South Korea|KR|2021-07-04|Films (English)|1|레드슈즈|N/A|1",
)

MOST_POPULAR_91 = tsv(
    "category|rank|show_title|season_title|hours_viewed_first_91_days|runtime|"
    "views_first_91_days",
    "Films (English)|1|Carry-On|N/A|344100000|2|172100000",
    "Films (English)|2|Don't Look Up|N/A|408600000|2.3833|171400000",
    "TV (English)|1|Adolescence|Adolescence: Limited Series|546500000|3.8333|142600000",
    "TV (Non-English)|1|Squid Game|Squid Game: Season 1|2205200000|8.3167|265200000",
)

MOST_POPULAR_28 = tsv(
    "category|rank|show_title|season_title|hours_viewed_first_28_days",
    "Films (English)|1|Red Notice|N/A|364020000",
    "Films (English)|2|Don't Look Up|N/A|359790000",
    "TV (Non-English)|1|Squid Game|Squid Game: Season 1|1650450000",
)


def write(folder: Path, name: str, text: str) -> Path:
    """Write ``text`` byte for byte (UTF-8, no newline translation) to ``folder/name``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(text.encode("utf-8"))
    return path


def today_folder(folder: Path) -> Path:
    """A folder holding today's three files, ready for ``starchart import netflix``."""
    write(folder, "all-weeks-global.tsv", GLOBAL_TODAY)
    write(folder, "all-weeks-countries.tsv", COUNTRIES)
    write(folder, "most-popular.tsv", MOST_POPULAR_91)
    return folder
