"""One progress convention for every long step: ``progress(description, done, total)``.

The library calls the callback; the CLI turns it into a Rich bar on a terminal and passes
nothing under ``--json`` or in a pipe, so output stays clean there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

#: ``progress(description, done, total)``: what is happening, and how far along it is.
ProgressCallback = Callable[[str, int, int], None]


@contextmanager
def progress_bar(console: Console, enabled: bool = True,
                 first: str = "starting") -> Iterator[ProgressCallback | None]:
    """A Rich bar fed by a :data:`ProgressCallback`; ``None`` when disabled or not a terminal."""
    if not enabled or not console.is_terminal:
        yield None
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(first, total=None)

        def report(description: str, done: int, total: int) -> None:
            bar.update(task, description=description, completed=done, total=total)

        yield report
