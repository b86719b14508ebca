"""CLI commands of the web area: ``starchart serve``."""

from __future__ import annotations

from typing import Annotated

import typer

from starchart.commands.common import DbOption, console, run_or_fail


def serve_cmd(
    db: DbOption = None,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", help="Port to listen on.", min=1, max=65535)
    ] = 8000,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Ask the store on every request (no memo).")
    ] = False,
) -> None:
    """Serve the chart site and its JSON API from the store (read-only)."""
    from starchart.web.server import serve

    def ready(url: str) -> None:
        console.print(f"starchart serving [bold]{url}[/] (Ctrl-C to stop)", highlight=False)

    run_or_fail(lambda: serve(db, host, port, cache=not no_cache, on_ready=ready))


def register(app: typer.Typer) -> None:
    """Add this area's commands to the starchart app."""
    app.command("serve")(serve_cmd)
