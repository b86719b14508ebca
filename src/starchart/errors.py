"""Errors in the library's own words, which the CLI and the site can show as they are.

A call that names the wrong parameters is told so by the parameters' names; only the CLI
knows they are flags there, so it asks :meth:`UsageError.words` for its own spelling. A
write that fails (a full disk...) is one line naming the file and what to do
(:class:`WriteFailed`), never a traceback.
"""

from __future__ import annotations

import errno
import os
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


class WriteFailed(OSError):
    """A file could not be written (a full disk, a read-only file system, no permission):
    the message says which file, why and what to do, in one line; ``errno`` and
    ``filename`` are set as on any OSError."""

    def __init__(self, message: str, *, code: int, filename: str) -> None:
        super().__init__(message)
        self.errno = code
        self.filename = filename

    def __str__(self) -> str:
        return str(self.args[0])


# DuckDB reports the OS's words for a failed write inside its own exception types.
_OS_REASONS = {
    "No space left on device": errno.ENOSPC,
    "Disk quota exceeded": errno.EDQUOT,
    "Read-only file system": errno.EROFS,
    "Permission denied": errno.EACCES,
    "Input/output error": errno.EIO,
}
# (quoted as 'file "x"', or 'file \\"x\\"' inside the JSON of an async write's error)
_FILE_IN_MESSAGE = re.compile(r'file \\?"([^"\\]+)\\?"')


# DuckDB's words when what it spills beyond its memory limit no longer fits its temp folder,
# whose size limit (max_temp_directory_size) is by default the free space of that disk.
_SPILL_FULL = "failed to offload data block"


def write_failure(
    exc: BaseException, default_file: str, spill_folder: str | None = None
) -> tuple[int, str, str] | None:
    """``(errno, reason, file)`` when ``exc`` is a failed write (an OSError of that kind, or
    a DuckDB error quoting one, or DuckDB's spill to ``spill_folder`` finding no room),
    else None."""
    if isinstance(exc, WriteFailed):
        return exc.errno or errno.EIO, str(exc), exc.filename or default_file
    if isinstance(exc, OSError) and exc.errno in _OS_REASONS.values():
        code = exc.errno or errno.EIO
        return code, exc.strerror or os.strerror(code), str(exc.filename or default_file)
    text = str(exc)
    if isinstance(exc, OSError) or type(exc).__module__.split(".")[0] not in ("duckdb",
                                                                                "_duckdb"):
        return None
    if _SPILL_FULL in text:
        return (errno.ENOSPC, "No space left on device for what DuckDB spills beyond its "
                "memory limit (a bigger memory limit spills less)", spill_folder or default_file)
    for words, code in _OS_REASONS.items():
        if words in text:
            named = _FILE_IN_MESSAGE.search(text)
            return code, words, named.group(1) if named else default_file
    return None


def advice(code: int | None) -> str:
    """What to do about a failed write, by its errno."""
    if code in (errno.ENOSPC, errno.EDQUOT):
        return "free space on that disk, then run the command again"
    if code == errno.EROFS:
        return "the file system is read-only: write to another disk"
    if code in (errno.EACCES, errno.EPERM):
        return "check who may write that folder, then run the command again"
    return "check the disk, then run the command again"
