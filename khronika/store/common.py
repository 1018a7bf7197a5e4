"""Small helpers every query module of the store shares (store.py, watch.py,
casework.py): timestamps as stored, and IN lists cut to SQLite's limits."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

# SQLite limits the bound parameters of one statement; stay well below.
IN_CHUNK = 500


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _now_precise() -> str:
    """The current time to the microsecond: orders rows added within one second."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def _chunks(values: Sequence[Any], size: int = IN_CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]
