"""The ``starchart`` command: a thin layer over :mod:`starchart.api`.

Each area registers its commands from ``starchart.commands.<area>`` so that the CLI stays
one small file per concern.
"""

from __future__ import annotations

import typer

from starchart.commands import (
    countries,
    demo,
    discovery,
    engine,
    facts,
    published,
    simulate,
    watch,
    web,
)

app = typer.Typer(
    name="starchart",
    help="Weekly streaming Top 10 charts: compute them from viewing events, import Netflix's, "
    "ask questions, serve the site.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

for area in (demo, engine, published, countries, facts, simulate, web, discovery, watch):
    area.register(app)


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
