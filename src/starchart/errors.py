"""Errors in the library's own words, which the CLI and the site can show as they are.

A call that names the wrong parameters is told so by the parameters' names; only the CLI
knows they are flags there, so it asks :meth:`UsageError.words` for its own spelling.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


class UsageError(ValueError):
    """A call that cannot work as asked.

    ``template`` names parameters as ``{name}``; ``values`` fills other placeholders verbatim
    (file names, user text). ``str()`` writes parameters as the Python API names them
    (``catalog``); the CLI calls ``words(lambda n: "--" + n)`` for its flags.
    """

    def __init__(self, template: str, **values: str) -> None:
        self.template = template
        self.values = values
        super().__init__(self.words(lambda name: name))

    def words(self, parameter: Callable[[str], str]) -> str:
        """The message with each parameter written by ``parameter(name)``."""

        def fill(match: re.Match[str]) -> str:
            name = match.group(1)
            return self.values[name] if name in self.values else parameter(name)

        return _PLACEHOLDER.sub(fill, self.template)


def cli_flag(name: str) -> str:
    """How the CLI spells a parameter: ``spark_master`` -> ``--spark-master``."""
    return "--" + name.replace("_", "-")
