"""Small helpers every query module of the store shares (store.py, watch.py,
casework.py, casefiles.py): timestamps as stored, IN lists cut to SQLite's
limits, rows without their blobs, the check of a human-entered date."""
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


def _plain(row: Any) -> dict | None:
    return None if row is None else {k: v for k, v in dict(row).items() if not isinstance(v, bytes)}


def _check_iso_date(value: str, *, day: bool = False) -> None:
    """A reviewer's date: ISO at year, month or day precision (or a range
    "2022/2023"); case-file dates must be whole days."""
    parts = str(value).split("/")
    for part in parts:
        try:
            if day:
                dt.date.fromisoformat(part)
            elif len(part) == 4:
                int(part)
            elif len(part) == 7:
                dt.date.fromisoformat(part + "-01")
            else:
                dt.date.fromisoformat(part)
        except ValueError:
            raise ValueError(f"not a date: {value!r} (use YYYY, YYYY-MM or YYYY-MM-DD)") from None
    if day and len(parts) != 1:
        raise ValueError(f"not a single day: {value!r}")
