"""Fetched bytes to clean text, with the readers of khronika.readers."""
from __future__ import annotations

import html
import re
from copy import deepcopy
from dataclasses import dataclass

import lxml.html
from lxml import etree

from ..readers import (
    EMPTY,
    Unreadable,
    clean_text,
    declared_charset,
    decode_bytes,
    extract_html,
    normalize_published,
)

# Elements after which a line (or paragraph) ends when markup is flattened to text.
_BLOCKS = frozenset((
    "p", "div", "li", "ul", "ol", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr",
    "section", "article", "header", "footer", "figure", "figcaption", "dd", "dt"))
_DROPPED = " | ".join(f".//{tag}" for tag in ("script", "style", "template", "noscript"))


@dataclass
class Page:
    """An HTML page reduced to its main text and metadata."""
    text: str
    title: str | None
    published: str | None
    language: str | None


def decode_markup(content: bytes, http_charset: str | None = None) -> tuple[str, str]:
    """HTML or XML bytes to text: BOM, strict UTF-8, the declared charset (HTTP header,
    then meta tag or XML declaration), then detection (readers.decode_bytes)."""
    return decode_bytes(content, http_charset or declared_charset(content))


def reduce_html(content: bytes, http_charset: str | None = None) -> Page:
    """Main text without boilerplate (trafilatura, as for HTML files) and metadata.
    Raises readers.Unreadable when there is no text."""
    markup, _ = decode_markup(content, http_charset)
    page = extract_html(markup)
    text, _removed = clean_text(page.text)
    if not text:
        raise Unreadable(EMPTY)
    fields = page.fields
    return Page(text=text, title=_str(fields.title), published=normalize_published(fields.published),
                language=language_code(fields.language))


def fragment_text(markup: str | None) -> str:
    """The visible text of an HTML fragment (a feed summary, a Telegram message):
    line breaks kept, link text kept, cleaned with readers.clean_text."""
    if not markup or not markup.strip():
        return ""
    if "<" not in markup:
        return clean_text(html.unescape(markup))[0]      # "AT&amp;T", "&laquo;": entities are markup too
    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
    except (etree.LxmlError, ValueError):
        return clean_text(re.sub(r"<[^>]*>", " ", markup))[0]
    return clean_text(element_text(root))[0]


def element_text(element) -> str:
    """Text of an lxml element: <br> as a line break, blocks as paragraphs; scripts dropped."""
    element = _copy(element)
    for dropped in element.xpath(_DROPPED):
        dropped.drop_tree()
    for node in element.iter():
        if not isinstance(node.tag, str):
            continue
        tag = node.tag.lower()
        if tag == "br":
            node.tail = "\n" + (node.tail or "")
        elif tag in _BLOCKS and node is not element:
            node.tail = "\n\n" + (node.tail or "")
    return element.text_content()


def _copy(element):
    copied = deepcopy(element)
    copied.tail = None
    return copied


def language_code(value: object) -> str | None:
    """The primary subtag of a language tag: "ru-RU" -> "ru"."""
    match = re.match(r"\s*([A-Za-z]{2,3})(?![A-Za-z])", str(value)) if value else None
    return match.group(1).lower() if match else None


def _str(value: object) -> str | None:
    return str(value).strip() or None if value is not None else None


_HTML_TYPES = ("", "text/html", "application/xhtml+xml", "application/xml", "text/xml")


def reduce_response(response) -> Page:
    """A fetched page (safety.Response) reduced to text: HTML through trafilatura,
    plain text cleaned; other content types are refused (Unreadable)."""
    media_type = response.media_type
    if media_type == "text/plain":
        text, _ = decode_bytes(response.content, response.charset)
        cleaned, _ = clean_text(text)
        if not cleaned:
            raise Unreadable(EMPTY)
        return Page(text=cleaned, title=None, published=None, language=None)
    if media_type not in _HTML_TYPES and not media_type.endswith("+xml"):
        raise Unreadable(f"unsupported content type {media_type} (not a web page)")
    return reduce_html(response.content, response.charset)
