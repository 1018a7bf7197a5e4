"""A single web page as a source: a new item whenever its main text changes.

The page is fetched with conditional GET (ETag, Last-Modified) and reduced to
its main text; the SHA-256 of that text (not of the raw bytes, which change
with every ad rotation and CSRF token) decides whether it is new.
"""
from __future__ import annotations

import asyncio
import hashlib

from ..model import FetchedItem, SourceConfig
from ..readers import Unreadable
from .feeds import conditional_headers, validators
from .safety import FetchError, SafeClient
from .text import reduce_response
from .urls import canonical_url


async def poll_page(source: SourceConfig, state: dict, seen: set[str],
                    client: SafeClient) -> tuple[list[FetchedItem], dict, list[str]]:
    response = await client.fetch(source, headers=conditional_headers(state))
    if response.status == 304:
        return [], state, []
    try:
        page = await asyncio.to_thread(reduce_response, response)
    except Unreadable as error:
        raise FetchError(source, str(error)) from None
    text_sha256 = hashlib.sha256(page.text.encode("utf-8")).hexdigest()
    new_state = {**validators(response), "text_sha256": text_sha256}
    url = canonical_url(source.url)
    key = f"{url}#{text_sha256[:16]}"      # one key per version of the page
    if text_sha256 == state.get("text_sha256") or key in seen:
        return [], new_state, []
    item = FetchedItem(
        source_id=source.id, url=url, final_url=response.final_url, status=response.status,
        headers=response.headers, raw=response.content, sha256=hashlib.sha256(response.content).hexdigest(),
        captured_at=response.captured_at, text=page.text, title=page.title, published=page.published,
        language=page.language, item_key=key, media_type=response.media_type or "text/html")
    return [item], new_state, []
