"""Telegram Desktop exports (`result.json`): one document per text message.

Two shapes: a single chat or channel (top-level "messages"), and a full account
export (top-level "chats": {"list": [chat, ...]}, each chat with its own
"messages"; its channels and groups are read, its personal chats are not). Each message's URL is its t.me link: https://t.me/<username>/<id>
when the chat has a username, https://t.me/c/<chat id>/<id> for a channel or
supergroup without one. A text link keeps its URL ("text (url)"). An export with
no text messages (photos only) gives no documents and a note, not a failure.
"""
from __future__ import annotations

import json
import re

from ..model import Document, ReadFailure
from .decoding import decode_text
from .errors import EMPTY, Unreadable, failure, warn
from .json_lines import load_json
from .metadata import Fields, make_document, scrub

_TELEGRAM_USERNAME = re.compile(r"@?([A-Za-z][A-Za-z0-9_]{3,31})")
_CHANNEL_TYPES = frozenset(("public_channel", "private_channel", "public_supergroup", "private_supergroup"))
# A full account export holds the owner's private conversations too: they are
# not sources, and the people in them did not publish what they wrote, so they
# are not read (export a chat on its own to read it).
_PRIVATE_CHAT_TYPES = frozenset(("personal_chat", "bot_chat", "saved_messages"))


def read_telegram_export(path: str, data: bytes) -> list[Document | ReadFailure]:
    decoded = decode_text(data)
    if decoded.stray_controls:
        warn(path, f"removed {decoded.stray_controls} control character(s) (NUL, BEL, ...)")
    if not decoded.text.strip():
        raise Unreadable(EMPTY)
    export = load_json(decoded.text)
    chats = _chats(export)
    results: list[Document | ReadFailure] = []
    without_text = 0
    for chat, label_prefix in chats:
        username = _username(chat)
        for message in chat["messages"]:
            if not (isinstance(message, dict) and message.get("type") == "message"):
                continue
            body = flatten_telegram_text(message.get("text"))
            if not body.strip():
                without_text += 1
                continue
            label = f"{path}#{label_prefix}{message.get('id')}"
            try:
                results.append(_telegram_document(label, message, body, chat, username))
            except Exception as error:  # noqa: BLE001 -- one bad message must not stop the export
                results.append(failure(label, error))
    if not results:
        warn(path, f"Telegram export has no text messages ({without_text} without text, e.g. photos only); "
                   "nothing to read")
    return results


def _chats(export: object) -> list[tuple[dict, str]]:
    """The chats of an export, each with the label prefix of its messages."""
    if isinstance(export, dict) and isinstance(export.get("messages"), list):
        return [(export, "")]
    lists = [export.get(key) for key in ("chats", "left_chats")] if isinstance(export, dict) else []
    chats = [section["list"] for section in lists if isinstance(section, dict) and isinstance(section.get("list"), list)]
    if not chats:
        raise Unreadable('not a Telegram export: no top-level "messages" list nor "chats": {"list": [...]}')
    return [(chat, f"{chat.get('id')}/") for section in chats for chat in section
            if isinstance(chat, dict) and isinstance(chat.get("messages"), list)
            and chat.get("type") not in _PRIVATE_CHAT_TYPES]


def _username(chat: dict) -> str | None:
    return next(
        (match.group(1) for key in ("username", "channel_username")
         if isinstance(chat.get(key), str) and (match := _TELEGRAM_USERNAME.fullmatch(chat[key].strip()))),
        None,
    )


def _message_url(chat: dict, username: str | None, message_id: object) -> str | None:
    if not isinstance(message_id, int) or isinstance(message_id, bool):
        return None
    if username:
        return f"https://t.me/{username}/{message_id}"
    chat_id = chat.get("id")
    if chat.get("type") in _CHANNEL_TYPES and isinstance(chat_id, int) and chat_id > 0:
        return f"https://t.me/c/{chat_id}/{message_id}"    # opens for members of a private channel
    return None


def _telegram_document(label: str, message: dict, body: str, chat: dict, username: str | None) -> Document:
    message_id = message.get("id")
    meta = {"message_id": message_id, "channel_id": chat.get("id")}
    if message.get("forwarded_from"):
        meta["forwarded_from"] = scrub(str(message["forwarded_from"]))
    fields = Fields(
        url=_message_url(chat, username, message_id),
        source=chat.get("name"),
        published=message.get("date"),
        meta=meta,
    )
    # backslashreplace: a lone surrogate (a broken emoji) becomes its JSON escape
    # again; every other message is encoded exactly as before.
    raw = json.dumps(message, sort_keys=True, ensure_ascii=False).encode("utf-8", "backslashreplace")
    return make_document(label, raw, body, fields, "application/json")


def flatten_telegram_text(text: object) -> str:
    """Telegram's message text: a string, or a list of strings and {type, text} entities.
    A text link keeps its address: "text (https://...)"."""
    if isinstance(text, str):
        return text
    if not isinstance(text, list):
        return ""
    parts = []
    for part in text:
        if isinstance(part, str):
            parts.append(part)
        elif isinstance(part, dict) and isinstance(part.get("text"), str):
            parts.append(part["text"])     # link, bold, mention...: the visible text
            href = part.get("href")
            if part.get("type") == "text_link" and isinstance(href, str) and href.strip() \
                    and href.strip() != part["text"].strip():
                parts.append(f" ({href.strip()})")
    return "".join(parts)
