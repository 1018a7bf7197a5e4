"""RSS and Atom feeds: conditional GET, feedparser, and the article behind each new entry.

The caller keeps `state` (the validators of the last good response: ETag and
Last-Modified) and `seen` (the keys of the entries already taken in). A 304
means nothing new. Each new entry's linked page is fetched through the same
SafeClient (so an article link into the local network is refused like any
other URL) and reduced to its main text; when that fails the entry's own
summary is used and a warning says so.
"""
from __future__ import annotations

import asyncio
import codecs
import hashlib
import io
import json
import re
import xml.sax
from datetime import UTC, datetime
from urllib.parse import quote, urlsplit

import feedparser

from ..model import FetchedItem, SourceConfig
from ..readers import Unreadable, decode_bytes, normalize_published
from .safety import FetchError, Response, SafeClient
from .text import fragment_text, language_code, reduce_response
from .urls import canonical_url

# Entries taken per poll; the rest (the oldest) stay unseen and come next time.
MAX_NEW_ENTRIES = 50

_XML_DECLARATION = re.compile(r"""^(\ufeff?\s*<\?xml[^>]*?encoding\s*=\s*)(["'])[^"']*\2""", re.IGNORECASE)
_DECLARED_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([\w.:-]+)""", re.IGNORECASE)


def conditional_headers(state: dict) -> dict[str, str]:
    headers = {}
    if state.get("etag"):
        headers["If-None-Match"] = state["etag"]
    if state.get("last_modified"):
        headers["If-Modified-Since"] = state["last_modified"]
    return headers


def validators(response: Response) -> dict[str, str]:
    """The conditional-GET state to keep from a good response."""
    state = {}
    if response.headers.get("etag"):
        state["etag"] = response.headers["etag"]
    if response.headers.get("last-modified"):
        state["last_modified"] = response.headers["last-modified"]
    return state


async def poll_feed(source: SourceConfig, state: dict, seen: set[str],
                    client: SafeClient) -> tuple[list[FetchedItem], dict, list[str]]:
    response = await client.fetch(source, headers=conditional_headers(state))
    if response.status == 304:
        return [], state, []
    parsed, warnings = await asyncio.to_thread(parse_feed, source, response)
    new_state = validators(response)
    feed_language = language_code(parsed.feed.get("language"))
    fresh: list[tuple[str, dict]] = []
    keys: set[str] = set()
    for entry in parsed.entries:
        key = entry_key(entry)
        if key not in seen and key not in keys:
            keys.add(key)
            fresh.append((key, entry))
    if len(fresh) > MAX_NEW_ENTRIES:
        warnings.append(f"{len(fresh)} new entries; took the first {MAX_NEW_ENTRIES}, the rest come next poll")
        fresh = fresh[:MAX_NEW_ENTRIES]
    failed_hosts: set[str] = set()
    results = await asyncio.gather(*(
        _entry_item(source, client, response, key, entry, feed_language, failed_hosts) for key, entry in fresh))
    items = []
    for item, warning in results:
        if warning:
            warnings.append(warning)
        if item is not None:
            items.append(item)
    items.reverse()       # feeds list the newest first; hand them over oldest first
    return items, new_state, warnings


# --- parsing ------------------------------------------------------------------------

def parse_feed(source: SourceConfig, response: Response):
    """feedparser's result for a fetched feed, and warnings. Raises FetchError when
    nothing can be read from it; a feed read only in part gives its good entries."""
    warnings: list[str] = []
    match = _DECLARED_XML_ENCODING.match(response.content[:1024])
    declared = response.charset or (match.group(1).decode("ascii") if match else None)
    try:
        text, codec = decode_bytes(response.content, declared)
    except Unreadable as error:
        raise FetchError(source, f"not an RSS or Atom feed: {error}") from None
    if _codec_name(codec) != _codec_name(declared or "utf-8"):
        said = f"declares charset {declared}" if declared else "declares no charset (XML default UTF-8)"
        warnings.append(f"feed {said} but is {codec}; read as {codec}")
    # feedparser gets the text as UTF-8 and is told so: its own guess reads a
    # mislabelled Windows-1251 feed as Windows-1252. It gets a stream, never bytes
    # or str: given bytes it first tries them as a *file name* to open, given a
    # str that looks like a URL it fetches it itself, past every safety check.
    text = _XML_DECLARATION.sub(r"\1\2utf-8\2", text, count=1)
    parsed = feedparser.parse(
        io.BytesIO(text.encode("utf-8")),
        response_headers={"content-type": "application/xml; charset=utf-8",
                          "content-location": response.final_url},
        sanitize_html=True, resolve_relative_uris=True)
    problem = _bozo_reason(parsed.get("bozo_exception")) if parsed.get("bozo") else None
    if not parsed.entries:
        if problem:
            raise FetchError(source, f"malformed feed: {problem}")
        if not parsed.get("version"):
            kind = response.media_type or "no content type"
            raise FetchError(source, f"not an RSS or Atom feed ({kind})")
    elif problem:
        warnings.append(f"malformed feed ({problem}); read the {len(parsed.entries)} entries it could")
    return parsed, warnings


def _bozo_reason(error: object) -> str:
    if isinstance(error, xml.sax.SAXParseException):
        return f"{error.getMessage()} (line {error.getLineNumber()}, column {error.getColumnNumber()})"
    if isinstance(error, feedparser.CharacterEncodingOverride):
        return ""
    return f"{type(error).__name__}: {error}" if error else "unknown problem"


def _codec_name(name: str | None) -> str | None:
    try:
        return codecs.lookup(name).name if name else None
    except LookupError:
        return name


def entry_key(entry: dict) -> str:
    """The entry's own id (RSS guid, Atom id), else its link, else a hash of its content."""
    for field in ("id", "link"):
        value = entry.get(field)
        if isinstance(value, str) and value.strip():
            return value.strip()
    basis = json.dumps([entry.get("title"), entry.get("summary"), entry.get("published")], ensure_ascii=False)
    return "sha256:" + hashlib.sha256(basis.encode()).hexdigest()[:32]


def _entry_published(entry: dict) -> str | None:
    for field in ("published", "updated", "created"):
        if value := normalize_published(entry.get(field)):
            return value
        parsed = entry.get(f"{field}_parsed")
        if parsed:
            return datetime(*parsed[:6], tzinfo=UTC).isoformat(timespec="seconds")
    return None


def _entry_html(entry: dict) -> str:
    """The entry's own text: the longest of its content blocks, else its summary."""
    contents = [c.get("value") or "" for c in entry.get("content") or [] if isinstance(c, dict)]
    best = max(contents, key=len, default="")
    return best if len(best) >= len(entry.get("summary") or "") else entry.get("summary") or ""


def _entry_title(entry: dict) -> str | None:
    """The entry's title as text: feedparser keeps an HTML title's tags and entities."""
    title = entry.get("title") or ""
    if (entry.get("title_detail") or {}).get("type") != "text/plain":
        title = " ".join(fragment_text(title).split())
    return title.strip() or None


def _entry_url(source: SourceConfig, key: str, link: str | None) -> str:
    if link:
        return canonical_url(link)
    if re.match(r"(?:https?|tag|urn):", key, re.IGNORECASE):
        return canonical_url(key)
    # An entry with neither link nor URI id: a name of its own, unique per source,
    # so the store's canonical-URL dedup does not mistake it for its siblings.
    return f"urn:khronika:{source.id}:{quote(key, safe='')}"


# --- the article behind an entry ----------------------------------------------------------

async def _entry_item(source: SourceConfig, client: SafeClient, feed: Response, key: str, entry: dict,
                      feed_language: str | None, failed_hosts: set[str]) -> tuple[FetchedItem | None, str | None]:
    link = (entry.get("link") or "").strip() or None
    title = _entry_title(entry)
    published = _entry_published(entry)
    url = _entry_url(source, key, link)
    reason = None
    if link and urlsplit(link).scheme.lower() in ("http", "https"):
        host = urlsplit(link).netloc.lower()
        if host in failed_hosts:
            reason = "skipped: its host failed earlier in this poll"
        else:
            try:
                page_response = await client.get(link, local=source.local, robots=source.robots, label=link)
                page = await asyncio.to_thread(reduce_response, page_response)
            except FetchError as error:
                reason = error.reason
                if reason.startswith(("timed out", "could not connect", "cannot resolve")):
                    failed_hosts.add(host)
            except Unreadable as error:
                reason = str(error)
            else:
                return FetchedItem(
                    source_id=source.id, url=url, final_url=page_response.final_url, status=page_response.status,
                    headers=page_response.headers, raw=page_response.content,
                    sha256=hashlib.sha256(page_response.content).hexdigest(),
                    captured_at=page_response.captured_at, text=page.text, title=title or page.title,
                    published=published or page.published, language=page.language or feed_language,
                    item_key=key, media_type=page_response.media_type or "text/html"), None
    elif link:
        reason = f"not an http(s) link: {link}"
    # The entry's own text, with the feed response as its evidence.
    summary_html = _entry_html(entry)
    text = await asyncio.to_thread(fragment_text, summary_html)
    label = link or key
    if not text:
        why = f"{reason}; " if reason else ""
        return None, f"{label}: {why}the feed entry has no text either; skipped"
    raw = json.dumps({"feed": feed.final_url, "id": entry.get("id"), "link": link, "title": title,
                      "published": entry.get("published") or entry.get("updated"), "summary": summary_html},
                     ensure_ascii=False, indent=1).encode("utf-8")
    item = FetchedItem(
        source_id=source.id, url=url, final_url=feed.final_url, status=feed.status, headers=feed.headers,
        raw=raw, sha256=hashlib.sha256(raw).hexdigest(), captured_at=feed.captured_at, text=text, title=title,
        published=published, language=feed_language, item_key=key, media_type="application/json")
    warning = f"{label}: {reason}; used the feed entry's summary" if reason else None
    return item, warning
