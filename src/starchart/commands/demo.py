"""``starchart demo``: the main job, from a simulated world to charts on screen and on the web."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from starchart import api
from starchart.commands.common import JsonOption, console, print_json, run_or_fail
from starchart.commands.published import add_row, print_week
from starchart.demo import DEMO_WEEKS, DemoResult, run_demo
from starchart.progress import progress_bar


def _slate_table(db: Path) -> Table:
    """One row per slate film: how its run went in this world's charts."""
    from starchart.simulate.slate import SLATE

    table = Table(title="Netflix's 2025 Korean film slate in this world", title_justify="left")
    for col in ("title", "release", "best global list", "peak", "weeks in Top 10",
                "weeks at #1", "countries (Top 10)", "countries (#1)"):
        table.add_column(col, justify="left" if col in ("title", "best global list") else "right")
    for film in SLATE:
        found = api.title(film.show_title, db=db)
        entry = next((m for m in found["matches"] if m["season_title"] is None), None)
        release = film.release_date.isoformat()
        if entry is None or not (entry["global"] or entry["countries"]["distinct_in_top_10"]):
            add_row(table, film.show_title, release, "not charted in this window", "", "", "",
                          "", "")
            continue
        best: dict[str, Any] | None = min(entry["global"], key=lambda g: g["peak_rank"],
                                          default=None)
        countries = entry["countries"]
        add_row(table,
            film.show_title, release,
            best["category"] if best else "(countries only)",
            f"#{best['peak_rank']}" if best else "",
            str(best["weeks_in_top_10"]) if best else "",
            str(best["weeks_at_1"]) if best else "",
            str(countries["distinct_in_top_10"]), str(countries["distinct_at_1"]),
        )
    return table


def _show(result: DemoResult) -> None:
    db = result.paths.db
    state = "reused from an earlier run; --fresh starts over" if result.reused else "new"
    sim = result.simulated
    console.rule("[bold]starchart demo")
    console.print(
        f"World: {sim.get('titles', '?')} titles, {sim.get('profiles', '?'):,} profiles, "
        f"{sim.get('events', 0):,} viewing events ({state}); ingest accepted "
        f"{result.ingested.get('accepted', 0):,} of {result.ingested.get('read', 0):,} rows.",
        highlight=False,
    )
    print_week(api.week(db=db))
    print_week(api.week(country="KR", db=db))
    console.print(_slate_table(db))
    start = str(sim.get("start", ""))
    if start > "2025-03-21":
        console.print(
            f"This world starts on {start}, after the slate's 2025 launches, so the table shows "
            "its back-catalogue life. To watch the launches:", highlight=False)
        # the command on a line of its own, never wrapped, so it can be copied as it is
        console.print("  .venv/bin/starchart demo --end 2025-12-28 --weeks 42 --fresh",
                      style="bold", highlight=False, soft_wrap=True)
    unit = ("exact whole numbers (the unit is 1)" if result.round_to == 1
            else f"rounded to the nearest {result.round_to:,}")
    console.print(
        f"Exports in Netflix's layout: [bold]{result.paths.exports}[/]. Hours and views there "
        f"are {unit}: Netflix rounds to 100,000, but this world is far smaller, so the demo "
        "picks the largest power of ten that still leaves three significant figures on each "
        "list's #10. "
        f"Store: {db}",
        highlight=False,
    )


def demo_cmd(
    out: Annotated[Path, typer.Option("--out", help="Folder for the world, store, exports.")] = (
        Path("demo")
    ),
    fresh: Annotated[bool, typer.Option("--fresh", help="Start over instead of reusing.")] = False,
    weeks: Annotated[int, typer.Option("--weeks", min=2, help="Weeks to simulate.")] = DEMO_WEEKS,
    profiles: Annotated[int | None, typer.Option("--profiles", help="Simulated profiles.")] = None,
    titles: Annotated[int | None, typer.Option("--titles", help="Generated titles.")] = None,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same world).")] = 7,
    end: Annotated[str | None, typer.Option(
        "--end", help="Last simulated day (default: the most recent complete week).")] = None,
    serve: Annotated[bool, typer.Option(
        "--serve/--no-serve", help="End by serving the chart site.")] = True,
    port: Annotated[int, typer.Option("--port", help="Port for the site.")] = 8000,
    as_json: JsonOption = False,
) -> None:
    """Simulate a streaming world, build its Top 10 charts, show them, then serve the site."""

    def run(progress: Any = None) -> DemoResult:
        return run_demo(out, fresh=fresh, weeks=weeks, profiles=profiles, titles=titles,
                        seed=seed, end=end, progress=progress)

    with progress_bar(console, enabled=not as_json) as report:
        result = run_or_fail(lambda: run(report))
    if as_json:
        print_json({"out": str(result.paths.root), "db": str(result.paths.db),
                    "reused": result.reused, "round_to": result.round_to,
                    "simulated": result.simulated, "ingested": result.ingested,
                    "built": result.built, "exported": result.exported})
    else:
        _show(result)
    if serve and not as_json:
        from starchart.web.server import serve as serve_site

        def ready(url: str) -> None:
            console.print(f"\nThe chart site is at [bold]{url}[/] (Ctrl-C to stop).",
                          highlight=False)

        run_or_fail(lambda: serve_site(result.paths.db, "127.0.0.1", port, on_ready=ready,
                                       log_level="warning"))


def register(app: typer.Typer) -> None:
    """Add ``demo`` to the starchart app."""
    app.command("demo")(demo_cmd)
