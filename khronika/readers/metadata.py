"""An item's metadata (url, title, source, date, language) and the Document built from it."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from .. import language as _lang  # (as: `language` is a field name everywhere here)
from ..model import Document
from .cleaning import clean_text
from .dates import normalize_published
from .errors import EMPTY, Unreadable

FRONT_MATTER_FIELDS = ("url", "title", "source", "published", "language")

# One document's text is bounded: extraction takes time and memory linear in
# it (measured: 200,000 characters of real reports, 3.3 s and 325 MB; dense
# synthetic text with a name in every sentence, about 2 KB per character), and
# no input may hold a batch for minutes. Past it, the item is refused with one
# error; news articles are under 50,000 characters.
MAX_DOCUMENT_CHARS = 250_000

# Metadata values are copied into the store as JSON: a YAML alias bomb (a list
# of nine references to a list of nine references ...) must not expand into
# billions of copies, nor a deeply nested value exhaust the stack.
_MAX_META_NODES = 10_000
_MAX_META_DEPTH = 20


@dataclass
class Fields:
    """Metadata of one item as found in the source, before normalisation."""
    url: object = None
    title: object = None
    source: object = None
    published: object = None
    language: object = None
    meta: dict = field(default_factory=dict)

    def fill_from(self, other: Fields) -> None:
        """Take `other`'s values where this one has none (the source's own word wins)."""
        for name in FRONT_MATTER_FIELDS:
            if blank(getattr(self, name)):
                setattr(self, name, getattr(other, name))
        self.meta = {**other.meta, **self.meta}


class MetadataTooLarge(ValueError):
    """A metadata value with more than _MAX_META_NODES parts or _MAX_META_DEPTH levels."""


def fields_from_mapping(mapping: dict, skip: tuple[str, ...] = ()) -> Fields:
    """Fields from a front matter or JSON record; unknown keys go to `meta`.
    Raises MetadataTooLarge for a value too big or too deep to keep."""
    fields = Fields()
    budget = [_MAX_META_NODES]
    for key, value in mapping.items():
        key = scrub(str(key))
        if key in FRONT_MATTER_FIELDS:
            # A list or mapping where a string belongs is kept as its (bounded) text.
            setattr(fields, key, _plain_value(value, budget, 0) if isinstance(value, (list, dict)) else value)
        elif key not in skip:
            fields.meta[key] = _plain_value(value, budget, 0)
    return fields


def _plain_value(value: object, budget: list[int], depth: int) -> object:
    """Make YAML values JSON-friendly: dates become ISO strings, strings lose lone surrogates."""
    budget[0] -= 1
    if budget[0] < 0 or depth > _MAX_META_DEPTH:
        raise MetadataTooLarge("metadata too large or nested too deeply")
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {scrub(str(key)): _plain_value(item, budget, depth + 1) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain_value(item, budget, depth + 1) for item in value]
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return scrub(str(value))


_SURROGATE = re.compile("[\ud800-\udfff]")


def scrub(text: str) -> str:
    """`text` without lone surrogates (JSON allows "\\ud800"; UTF-8 and the store do not)."""
    return _SURROGATE.sub("", text)


def blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def optional_str(value: object) -> str | None:
    return None if blank(value) else scrub(str(value)).strip() or None


def too_long(characters: int) -> str:
    return (f"text too long for one document ({characters:,} characters; the limit is "
            f"{MAX_DOCUMENT_CHARS:,}, about 100 pages): split it into several files")


def make_document(path: str, raw: bytes, text: str, fields: Fields, media_type: str,
                  warnings: list[str] | None = None) -> Document:
    """The Document of one item: its cleaned text, normalised metadata, detected language.
    `warnings` (problems worked around while reading it) are kept in meta["read_warnings"]."""
    cleaned, removed = clean_text(text)
    if not cleaned:
        raise Unreadable(EMPTY)
    if len(cleaned) > MAX_DOCUMENT_CHARS:
        raise Unreadable(too_long(len(cleaned)))
    meta = dict(fields.meta)
    published = normalize_published(fields.published)
    if published is None and not blank(fields.published):
        meta["published_text"] = optional_str(fields.published)   # kept for a human; not a usable date
    languages = _lang.analyse(cleaned)
    if languages.mixed:
        # A page mixing languages (an English article quoting a Russian
        # paragraph): which paragraph is in which, as [start, end, language]
        # in `text` offsets; language None for a paragraph too short to tell.
        meta["paragraph_languages"] = [list(paragraph) for paragraph in languages.paragraphs]
    if warnings:
        meta["read_warnings"] = list(warnings)
    digest = hashlib.sha256(raw).hexdigest()
    return Document(
        id=digest[:16],
        path=path,
        text=cleaned,
        sha256=digest,
        captured_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        raw=raw,
        title=optional_str(fields.title),
        url=optional_str(fields.url),
        source=optional_str(fields.source),
        published=published,
        language=language_code(fields.language) or languages.language,
        media_type=media_type,
        meta=meta,
        removed=removed,
    )


def language_code(value: object) -> str | None:
    """The primary subtag of a given language tag: "ru-RU" -> "ru"."""
    match = re.match(r"\s*([A-Za-z]{2,3})(?![A-Za-z])", str(value)) if not blank(value) else None
    return match.group(1).lower() if match else None


def detect_language(text: str) -> str | None:
    """The language of `text` (ISO 639-1), None when there is too little text to tell.

    See khronika.language.detect: lingua-language-detector, with a guess from
    the script (Cyrillic "ru", Latin "en") where lingua is not installed.
    """
    return _lang.detect(text)
