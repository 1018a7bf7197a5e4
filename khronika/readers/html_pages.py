"""HTML pages: main text and publication metadata through trafilatura.

A page nested deeper than libxml2 parses (256 levels; 5,000 nested <div>s are
a layout accident or an attack, the text inside is still an article) is
flattened and parsed again: container and inline tags are dropped, block
containers become paragraph breaks, so the text survives without its nesting.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import lxml.html
from lxml import etree
from trafilatura import bare_extraction
from trafilatura.xml import xmltotxt

from ..model import Document
from .decoding import declared_charset, decode_text
from .errors import EMPTY, MB, Unreadable, warn
from .metadata import Fields, make_document

# Beyond these a page is hostile or broken: trafilatura needs about 4 s for
# 50,000 elements.
MAX_HTML_CHARS = 8_000_000
MAX_HTML_ELEMENTS = 50_000


@dataclass
class HtmlContent:
    text: str
    fields: Fields
    flattened: bool = False      # nested too deeply; read without its nesting


def read_html_file(path: str, data: bytes) -> Document:
    warnings: list[str] = []
    decoded = decode_text(data, declared_charset(data))
    if decoded.stray_controls:
        warn(path, f"removed {decoded.stray_controls} control character(s) (NUL, BEL, ...)", warnings)
    content = extract_html(decoded.text)
    if content.flattened:
        warn(path, "HTML nested too deeply (over 256 levels); read without its nesting", warnings)
    return make_document(path, data, content.text, content.fields, "text/html", warnings)


def extract_html(markup: str) -> HtmlContent:
    """Main text (paragraphs separated by blank lines) and metadata of an HTML page.

    Scripts, styles and all markup are dropped: only text comes out.
    """
    if not markup.strip():
        raise Unreadable(EMPTY)
    if len(markup) > MAX_HTML_CHARS:
        raise Unreadable(f"HTML too large to parse ({len(markup) / MB:.1f} MB > {MAX_HTML_CHARS / MB:g} MB limit)")
    tree = _parse(markup)
    flattened = tree is None
    if flattened:
        tree = _parse(flatten_nesting(markup))
        if tree is None:
            raise Unreadable("HTML nested too deeply (over 256 levels)")
    element_count = sum(1 for _ in tree.iter())
    if element_count > MAX_HTML_ELEMENTS:
        raise Unreadable(f"HTML too complex ({element_count} elements > {MAX_HTML_ELEMENTS} limit)")
    language = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang")
    extraction = bare_extraction(
        tree, with_metadata=True, include_comments=False,
        # Only the page's own publication metadata: an extensive search picks up
        # dates mentioned in the article text.
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    if extraction is None or extraction.body is None:
        raise Unreadable(f"{EMPTY}: no main text found in the page")
    paragraphs = [xmltotxt(block, False).strip() for block in extraction.body]
    meta = {key: value for key in ("author", "description") if (value := getattr(extraction, key, None))}
    fields = Fields(
        url=extraction.url, title=extraction.title,
        source=extraction.sitename or extraction.hostname,
        published=extraction.date, language=language, meta=meta,
    )
    return HtmlContent("\n\n".join(p for p in paragraphs if p), fields, flattened)


def _parse(markup: str):
    """The lxml tree of `markup`; None when libxml2 stopped at its nesting limit."""
    parser = lxml.html.HTMLParser(
        collect_ids=False, default_doctype=False, remove_comments=True, remove_pis=True,
        huge_tree=False, encoding="utf-8",
    )
    try:
        # Parsed as UTF-8 bytes so an <?xml encoding=...?> declaration cannot contradict the text.
        tree = lxml.html.document_fromstring(markup.encode("utf-8", "surrogatepass"), parser=parser)
    except (etree.LxmlError, ValueError) as error:
        raise Unreadable(f"invalid HTML: {error}") from None
    if any(error.type_name == "ERR_RESOURCE_LIMIT" for error in parser.error_log):
        return None
    return tree


# --- flattening ------------------------------------------------------------------------

_HIDDEN_ELEMENTS = ("script", "style", "template", "noscript", "svg")
# Tags kept as they are: they carry the metadata, or cannot nest.
_KEPT_TAGS = frozenset(("html", "head", "body", "title", "meta", "link", "p", "br",
                        "h1", "h2", "h3", "h4", "h5", "h6"))
_BLOCK_TAGS = frozenset((
    "div", "section", "article", "main", "aside", "header", "footer", "nav", "ul", "ol", "li",
    "table", "thead", "tbody", "tfoot", "tr", "td", "th", "blockquote", "figure", "figcaption",
    "dl", "dt", "dd", "form", "fieldset", "center", "pre", "address", "details", "summary",
))
# A tag is at most this long (attributes included): bounds the work per "<"
# when a page never closes one.
_TAG = re.compile(r"<(/?)([A-Za-z][\w:-]{0,40})(?![\w:-])([\s/][^<>]{0,4000})?>")
_PARAGRAPH_RUN = re.compile(r"(?:<p>\s*){2,}")


def flatten_nesting(markup: str) -> str:
    """`markup` without nesting: scripts and styles removed, block containers as
    <p>, other tags (inline ones, unknown ones) dropped. Linear in its length."""
    markup = _without_hidden_elements(markup)

    def replace(match: re.Match) -> str:
        name = match.group(2).lower()
        if name in _KEPT_TAGS:
            return match.group(0)
        return "<p>" if name in _BLOCK_TAGS else ""

    return _PARAGRAPH_RUN.sub("<p>", _TAG.sub(replace, markup))


def _without_hidden_elements(markup: str) -> str:
    lower = markup.lower()
    pieces = []
    position = 0
    # The next "<script", "<style", ... from `position`; each found again only
    # once passed, so the whole is linear.
    upcoming = {name: lower.find("<" + name) for name in _HIDDEN_ELEMENTS}
    while True:
        for name, found in upcoming.items():
            if 0 <= found < position:
                upcoming[name] = lower.find("<" + name, position)
        starts = [(found, name) for name, found in upcoming.items() if found >= 0]
        if not starts:
            break
        start, name = min(starts)
        end = lower.find(f"</{name}", start)
        pieces.append(markup[position:start])
        if end < 0:
            position = len(markup)      # never closed: the rest is its content
            break
        closing = lower.find(">", end)
        position = len(markup) if closing < 0 else closing + 1
    pieces.append(markup[position:])
    return "".join(pieces)
