"""Fill hand-made Top 10 samples up to what a real file holds: every list ranks 1-10, every
week all its lists (the importer refuses anything less, as a cut download)."""

from __future__ import annotations

GLOBAL_CATEGORIES = ("Films (English)", "Films (Non-English)", "TV (English)",
                     "TV (Non-English)")
_ORDER = {c: i for i, c in enumerate(GLOBAL_CATEGORIES)}


def _filler(header: list[str], values: dict[str, str], category: str, rank: int) -> str:
    short = "".join(w[0] for w in category.replace("(", "").replace("-", " ").split())
    row = dict(values)
    row.update({"category": category, "weekly_rank": str(rank), "rank": str(rank),
                "show_title": " ".join(["Also Ran", short, str(rank), values.get("week", ""),
                                        values.get("country_iso2", "")]).strip(),
                "season_title": "N/A",
                "cumulative_weeks_in_top_10": "1"})
    hours = str(1000 * (11 - rank))
    for name in header:
        if name in ("weekly_hours_viewed",) or name.startswith("hours_viewed_first"):
            row[name] = hours
        elif name == "runtime":
            row[name] = "" if values.get("no_views") else "1"
        elif name == "weekly_views" or name.startswith("views_first"):
            row[name] = "" if values.get("no_views") else hours
        elif name in ("is_staggered_launch", "runtime_override_flag"):
            row[name] = "False"
        elif name in ("episode_launch_details", "episode_launch_dtls"):
            row[name] = ""
    return "\t".join(row.get(name, "") for name in header)


def complete(text: str) -> str:
    """``text`` (a Netflix TSV) with the missing list positions and lists added; text that
    does not parse as a well-formed list file comes back unchanged."""
    lines = text.split("\n")
    header = lines[0].lstrip("\ufeff").split("\t")
    names = set(header)
    if "country_iso2" in names:
        list_key = ("country_iso2", "week", "category")
        rank_col = "weekly_rank"
    elif "week" in names and "weekly_rank" in names:
        list_key = ("week", "category")
        rank_col = "weekly_rank"
    elif "rank" in names:
        list_key = ("category",)
        rank_col = "rank"
    else:
        return text
    rows: list[dict[str, str]] = []
    for line in lines[1:]:
        cells = line.split("\t")
        if len(cells) != len(header):
            return text
        row = dict(zip(header, cells, strict=True))
        if not row[rank_col].isdigit() or not 1 <= int(row[rank_col]) <= 10:
            return text
        rows.append(row)
    if not rows:
        return text
    lists: dict[tuple[str, ...], dict[int, dict[str, str]]] = {}
    for row in rows:
        lists.setdefault(tuple(row[k] for k in list_key), {})[int(row[rank_col])] = row
    # the lists each week (country-week) must hold
    groups: dict[tuple[str, ...], list[str]] = {}
    for key in lists:
        groups.setdefault(key[:-1], []).append(key[-1])
    wanted: dict[tuple[str, ...], dict[str, str]] = {}
    for group, cats in groups.items():
        if "country_iso2" in names:
            english = any("(" in c for c in cats)
            films = "Films (English)" if english else "Films"
            tv = "TV (English)" if english else "TV"
            if not any(c.startswith("Films") for c in cats):
                cats.append(films)
            if not any(c.startswith("TV") for c in cats):
                cats.append(tv)
        else:
            cats.extend(c for c in GLOBAL_CATEGORIES if c not in cats)
        sample = next(iter(next(iter(lists[group + (c,)].values()))
                           for c in cats if group + (c,) in lists))
        for c in cats:
            wanted[group + (c,)] = sample
    out: list[str] = []
    added: dict[tuple[str, ...], list[str]] = {}
    for key, sample in wanted.items():
        held = lists.get(key, {})
        base = {k: sample[k] for k in list_key[:-1]}  # week (and country): unique fillers
        if "country_name" in sample:
            base["country_name"] = sample["country_name"]
        if sample.get("weekly_views") == "":  # a week before views were published
            base["no_views"] = "yes"
        added[key] = [_filler(header, base, key[-1], rank) for rank in range(1, 11)
                      if rank not in held]
    # keep the given rows in place; put each list's fillers after its last given row, and a
    # missing list's after the last row of its week
    last_of_list: dict[tuple[str, ...], int] = {}
    for i, row in enumerate(rows):
        last_of_list[tuple(row[k] for k in list_key)] = i
    first_of_group: dict[tuple[str, ...], int] = {}
    for i, row in enumerate(rows):
        first_of_group.setdefault(tuple(row[k] for k in list_key[:-1]), i)
    after: dict[int, list[str]] = {}
    for key in sorted(added, key=lambda k: (k[:-1], k[-1])):
        extra = added[key]
        if not extra:
            continue
        if key in last_of_list:
            anchor = last_of_list[key]
        else:  # after the list before it in category order, else before the group
            before = [i for k, i in last_of_list.items() if k[:-1] == key[:-1] and k[-1] < key[-1]]
            anchor = max(before) if before else first_of_group[key[:-1]] - 1
        after.setdefault(anchor, []).extend(extra)
    out.extend(after.get(-1, []))
    for i, line in enumerate(lines[1:]):
        out.append(line)
        out.extend(after.get(i, []))
    return "\n".join([lines[0], *out])
