"""Following sources: feeds, web pages, public Telegram channels, local folders.

    async with SafeClient() as client:
        result = await poll(source, state, seen, client)

`poll` fetches what is new in one source since `state` (which it returns
updated, JSON-serialisable, for the caller to store) and `seen` (the item keys
already taken in; the caller adds the new items' `item_key`s). It never
raises for a bad source: the error comes back as one line naming the source,
so one failing source never stops the others. No database here.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from ..model import FetchedItem, SourceConfig
from ..readers import Unreadable
from .feeds import poll_feed
from .folders import poll_folder
from .pages import poll_page
from .safety import PRIVATE_ADDRESS, USER_AGENT, FetchError, Response, SafeClient, is_public_address
from .telegram import poll_telegram
from .urls import canonical_url

__all__ = [
    "PRIVATE_ADDRESS",
    "USER_AGENT",
    "FetchError",
    "PollResult",
    "Response",
    "SafeClient",
    "canonical_url",
    "is_public_address",
    "poll",
]

log = logging.getLogger("khronika.sources")

_POLLERS = {"feed": poll_feed, "page": poll_page, "telegram": poll_telegram, "folder": poll_folder}


@dataclass
class PollResult:
    items: list[FetchedItem]
    state: dict                       # JSON-serialisable; unchanged when the poll failed
    error: str | None = None          # "<source url>: <reason>"
    warnings: list[str] = field(default_factory=list)


async def poll(source: SourceConfig, state: dict, seen: set[str], client: SafeClient) -> PollResult:
    """New items of one source. Errors are returned, never raised (cancellation aside)."""
    state = dict(state or {})
    poller = _POLLERS.get(source.kind)
    if poller is None:
        return PollResult([], state, str(FetchError(source, f"unknown source kind {source.kind!r}")))
    try:
        items, new_state, warnings = await poller(source, state, seen if seen is not None else set(), client)
    except FetchError as error:
        return PollResult([], state, str(error))
    except Unreadable as error:
        return PollResult([], state, str(FetchError(source, str(error))))
    except asyncio.CancelledError:
        raise
    except Exception as error:  # one source's surprise must not stop the others
        log.exception("polling %s", source.url)
        return PollResult([], state, str(FetchError(source, f"unexpected error: {type(error).__name__}: {error}")))
    return PollResult(items, new_state, None, warnings)
