"""Public Telegram channels through their web preview, https://t.me/s/NAME.

The preview lists the latest ~20 messages, oldest first, each a
`div.tgme_widget_message[data-post="NAME/ID"]` with the text in
`.tgme_widget_message_text`, the time in `time[datetime]` and a forward in
`.tgme_widget_message_forwarded_from_name`; `?before=ID` pages back.

New messages are those above the highest id taken before (`state["last_id"]`,
or the highest "NAME/ID" key in `seen` when the state is lost). The first poll
takes the latest page only; later polls page back while the oldest message on
the page is still newer than the last one taken, at most MAX_PAGES pages.

A forwarded message gets the title "Переслано из: <channel>": the text stays
the message's own words, so the extractor never reads the forwarding channel's
name as a person in the report.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import lxml.html
from lxml import etree

from ..model import FetchedItem, SourceConfig
from ..readers import clean_text, normalize_published
from .safety import FetchError, Response, SafeClient
from .text import decode_markup, element_text

MAX_PAGES = 5
FORWARDED_TITLE = "Переслано из: {}"


def _has_class(name: str) -> str:
    return f'contains(concat(" ", normalize-space(@class), " "), " {name} ")'


_MESSAGES = f"//div[{_has_class('tgme_widget_message')} and @data-post]"
_TEXT = (f".//div[{_has_class('tgme_widget_message_text')} "
         f"and not(ancestor::*[{_has_class('tgme_widget_message_reply')}])]")
_DATE = f".//*[{_has_class('tgme_widget_message_date')}]//time[@datetime] | .//time[@datetime]"
_FORWARDED = f".//*[{_has_class('tgme_widget_message_forwarded_from_name')}]"
_CHANNEL_PAGE = f"//*[{_has_class('tgme_channel_history')} or {_has_class('tgme_channel_info')}]"


@dataclass
class Message:
    channel: str
    id: int
    text: str
    published: str | None
    forwarded_from: str | None
    raw: bytes                         # the message's own markup

    @property
    def key(self) -> str:
        return f"{self.channel}/{self.id}"


def channel_name(url: str) -> str:
    match = re.search(r"/s/([A-Za-z0-9_]+)/?(?:\?.*)?$", url) or re.search(r"/([A-Za-z0-9_]+)/?(?:\?.*)?$", url)
    if not match:
        raise ValueError(f"not a Telegram channel URL: {url}")
    return match.group(1)


def parse_channel_page(content: bytes, charset: str | None = None) -> tuple[list[Message], bool]:
    """The messages on a preview page (in page order) and whether it is a channel page at all."""
    markup, _ = decode_markup(content, charset)
    try:
        tree = lxml.html.document_fromstring(markup.encode("utf-8", "surrogatepass"),
                                             parser=lxml.html.HTMLParser(encoding="utf-8", huge_tree=False))
    except (etree.LxmlError, ValueError):
        return [], False
    messages = []
    for div in tree.xpath(_MESSAGES):
        channel, _, number = div.get("data-post", "").rpartition("/")
        if not channel or not number.isdigit():
            continue
        texts = div.xpath(_TEXT)
        text = clean_text(element_text(texts[0]))[0] if texts else ""
        dates = div.xpath(_DATE)
        forwarded = div.xpath(_FORWARDED)
        messages.append(Message(
            channel=channel, id=int(number), text=text,
            published=normalize_published(dates[0].get("datetime")) if dates else None,
            forwarded_from=(forwarded[0].text_content().strip() or None) if forwarded else None,
            raw=etree.tostring(div, encoding="utf-8", method="html", with_tail=False)))
    return messages, bool(messages) or bool(tree.xpath(_CHANNEL_PAGE))


def _last_id(state: dict, seen: set[str], channel: str) -> int:
    last = int(state.get("last_id") or 0)
    prefix = channel.lower() + "/"
    for key in seen:
        if key.lower().startswith(prefix) and key[len(prefix):].isdigit():
            last = max(last, int(key[len(prefix):]))
    return last


async def poll_telegram(source: SourceConfig, state: dict, seen: set[str],
                        client: SafeClient) -> tuple[list[FetchedItem], dict, list[str]]:
    base = source.url.split("?", 1)[0].split("#", 1)[0].rstrip("/")
    channel = channel_name(base)
    last_id = _last_id(state, seen, channel)
    warnings: list[str] = []
    response = await client.fetch(source)
    messages, is_channel = parse_channel_page(response.content, response.charset)
    if not is_channel:
        raise FetchError(source, "not a public Telegram channel preview (no messages on the page; "
                                 "is the channel public and the name right?)")
    found: dict[int, tuple[Message, Response]] = {m.id: (m, response) for m in messages}
    if last_id and found:
        oldest, pages = min(found), 1
        while oldest > last_id + 1 and pages < MAX_PAGES:
            page = await client.get(f"{base}?before={oldest}", local=source.local, robots=source.robots,
                                    label=source.url)
            pages += 1
            older, _ = parse_channel_page(page.content, page.charset)
            for message in older:
                found.setdefault(message.id, (message, page))
            if not older or min(found) >= oldest:
                break
            oldest = min(found)
        if oldest > last_id + 1 and pages >= MAX_PAGES:
            warnings.append(f"more than {MAX_PAGES} pages of new messages since message {last_id}; "
                            f"took those from {oldest} on")
    items = []
    for number in sorted(found):
        message, page = found[number]
        if number <= last_id or message.key in seen:
            continue
        if not message.text:
            continue                      # a photo, a sticker, a poll: nothing to read
        items.append(FetchedItem(
            source_id=source.id, url=f"https://t.me/{message.channel}/{message.id}", final_url=page.final_url,
            status=page.status, headers=page.headers, raw=message.raw,
            sha256=hashlib.sha256(message.raw).hexdigest(), captured_at=page.captured_at, text=message.text,
            title=FORWARDED_TITLE.format(message.forwarded_from) if message.forwarded_from else None,
            published=message.published, item_key=message.key, media_type="text/html"))
    new_state = {"last_id": max([last_id, *found])}
    return items, new_state, warnings
