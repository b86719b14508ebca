"""What every command shares: the ``--db`` and ``--json`` options and error reporting."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from starchart.display import whole_numbers
from starchart.errors import UsageError, cli_flag

DbOption = Annotated[
    Path | None,
    typer.Option("--db", help="Store file (default: $STARCHART_DB or ./starchart.duckdb)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object instead.")]

# In a pipe or a log, Rich would cut tables to 80 columns; give them room unless COLUMNS says.
console = Console(width=None if sys.stdout.isatty() or "COLUMNS" in os.environ
                  else 140)
err_console = Console(stderr=True, soft_wrap=True)  # one error, one line, even in a pipe

T = TypeVar("T")


def print_json(payload: Any) -> None:
    """One JSON object on stdout (dates and paths as strings)."""
    sys.stdout.write(json.dumps(whole_numbers(payload), default=str, ensure_ascii=False,
                                indent=2) + "\n")


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print a clear error on stderr and return the Exit to raise; the message is plain text
    (it quotes user data such as titles and file names), never Rich markup."""
    err_console.print(f"[bold red]error:[/] {escape(message)}", highlight=False)
    return typer.Exit(code)


def run_or_fail(action: Callable[[], T]) -> T:
    """Run ``action``; turn the errors users cause into a one-line message and exit code 1."""
    try:
        return action()
    except UsageError as exc:  # the library names parameters; here they are flags
        raise fail(exc.words(cli_flag)) from exc
    except (ValueError, FileNotFoundError, KeyError, LookupError) as exc:
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
        raise fail(str(message)) from exc
    except OSError as exc:  # a store in use, an --out that is a file, a folder not writable
        if exc.filename is not None and exc.strerror:
            raise fail(f"{exc.filename}: {exc.strerror}") from exc
        raise fail(str(exc)) from exc
