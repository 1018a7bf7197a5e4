"""What a reader says about bad input: one failure per item, warnings per file.

A reader raises `Unreadable` for an item it cannot read; its message becomes
the `ReadFailure` reason. A problem the reader works around (stray control
bytes, broken front matter) is a warning instead: logged on
"khronika.readers" (printed to stderr by the CLI, which configures no logging
handler for ingest and extract) and kept with the document in
`meta["read_warnings"]`, so the batch goes on and the user still hears of it.
"""
from __future__ import annotations

import logging

from ..model import ReadFailure

MB = 2**20

BINARY = "binary or undecodable file"
EMPTY = "empty document"

log = logging.getLogger("khronika.readers")


class Unreadable(Exception):
    """A problem with one input item; its message is the ReadFailure reason."""


def failure(label: str, error: Exception) -> ReadFailure:
    """The one ReadFailure for an item that raised `error`."""
    if isinstance(error, Unreadable):
        return ReadFailure(label, str(error))
    if isinstance(error, MemoryError):
        return ReadFailure(label, "could not read: out of memory")
    return ReadFailure(label, f"could not read: {type(error).__name__}: {error}")


def warn(label: str, message: str, warnings: list[str] | None = None) -> None:
    """Report a problem worked around while reading `label`; also noted in `warnings`."""
    log.warning("khronika: warning: %s: %s", label, message)
    if warnings is not None:
        warnings.append(message)
