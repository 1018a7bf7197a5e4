"""Read files into Documents: the archived snapshot, clean text, language.

`read_paths` turns files and folders (plain text and Markdown with YAML front
matter, HTML pages, JSON Lines, Telegram Desktop exports) into `Document`s,
and anything it cannot read into one `ReadFailure` naming the file, so one bad
file never stops a batch. `clean_text` removes the scraping debris that would
otherwise be read as facts (pull-quote duplicates, "read also" headlines,
share buttons).
"""
from __future__ import annotations

import codecs
import email.utils
import hashlib
import json
import os
import re
import stat
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path

import lxml.html
import yaml
from charset_normalizer import from_bytes
from lxml import etree
from trafilatura import bare_extraction
from trafilatura.xml import xmltotxt

from . import language as _lang  # (as: `language` is a field name everywhere here)
from .model import Document, ReadFailure
from .morph import analyzer

DEFAULT_MAX_BYTES = 25 * 2**20
MB = 2**20

TEXT_SUFFIXES = {".txt": "text/plain", ".md": "text/markdown", ".markdown": "text/markdown"}
HTML_SUFFIXES = {".html", ".htm"}
KNOWN_SUFFIXES = set(TEXT_SUFFIXES) | HTML_SUFFIXES | {".jsonl", ".json"}

FRONT_MATTER_FIELDS = ("url", "title", "source", "published", "language")

BINARY = "binary or undecodable file"
EMPTY = "empty document"


class Unreadable(Exception):
    """A problem with one input item; its message is the ReadFailure reason."""


# --------------------------------------------------------------------------
# Walking the inputs
# --------------------------------------------------------------------------

def read_paths(paths: Iterable[str | Path], max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Document | ReadFailure]:
    """Yield a Document for every readable item under `paths`, a ReadFailure for the rest.

    A folder is walked recursively in sorted order, skipping hidden entries and
    files with unknown extensions; a file named explicitly is read whatever its
    extension (unknown ones as plain text). Never raises for bad input.
    """
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for file_path in _walk(path):
                yield from _read_file(file_path, max_bytes)
        else:
            yield from _read_file(path, max_bytes)


def _walk(folder: Path) -> Iterator[Path]:
    for directory, subdirectories, filenames in os.walk(folder):
        subdirectories[:] = sorted(name for name in subdirectories if not name.startswith("."))
        for name in sorted(filenames):
            if not name.startswith(".") and Path(name).suffix.lower() in KNOWN_SUFFIXES:
                yield Path(directory, name)


def _read_file(path: Path, max_bytes: int) -> list[Document | ReadFailure]:
    label = str(path)
    suffix = path.suffix.lower()
    try:
        data = _read_bytes(path, max_bytes)
        if suffix in HTML_SUFFIXES:
            return [_read_html_file(label, data)]
        if suffix == ".jsonl":
            return _read_jsonl(label, data)
        if suffix == ".json":
            return _read_telegram_export(label, data)
        return [_read_text_file(label, data, TEXT_SUFFIXES.get(suffix, "text/plain"))]
    except Exception as error:  # noqa: BLE001 -- one file's surprise must not stop the batch
        return [_failure(label, error)]


def _failure(label: str, error: Exception) -> ReadFailure:
    if isinstance(error, Unreadable):
        return ReadFailure(label, str(error))
    return ReadFailure(label, f"could not read: {type(error).__name__}: {error}")


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise Unreadable("not a regular file")
        # Checked before opening so a huge file is never read into memory.
        if info.st_size > max_bytes:
            raise Unreadable(_too_large(info.st_size, max_bytes))
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)   # the file may have grown since stat
    except FileNotFoundError:
        raise Unreadable("no such file or directory") from None
    except PermissionError:
        raise Unreadable("permission denied") from None
    except OSError as error:
        raise Unreadable(f"cannot read: {error.strerror or error}") from None
    if len(data) > max_bytes:
        raise Unreadable(_too_large(len(data), max_bytes))
    return data


def _too_large(size: int, max_bytes: int) -> str:
    return f"file too large ({size / MB:.1f} MB > {max_bytes / MB:g} MB limit)"


# --------------------------------------------------------------------------
# Decoding
# --------------------------------------------------------------------------

# Unicode BOMs, longest first: the UTF-32-LE BOM starts with the UTF-16-LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Legacy encodings that Russian and English sources actually use. Detection over
# every code page reads short KOI8-R or CP1251 text as Shift-JIS or Big5, so
# these are tried first and the full detection is the fallback.
_LIKELY_LEGACY_ENCODINGS = [
    "cp1251", "koi8_r", "koi8_u", "cp866", "iso8859_5", "mac_cyrillic",
    "cp1252", "iso8859_15", "latin_1",
]

# Share of control, unassigned and replacement characters above which decoded
# bytes are not text. (Format characters and no-break spaces are not counted:
# Russian typography is full of them.)
_MAX_NOISE_SHARE = 0.05
_NOISE_CATEGORIES = ("Cc", "Cn", "Co", "Cs")


def decode_bytes(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode file bytes to text; return the text and the codec that re-encodes it.

    Order: a Unicode BOM, strict UTF-8, the `declared` charset (e.g. from an HTML
    meta tag), then detection. Raises Unreadable for binary data.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return _checked_text(data[len(bom):].decode(codec)), codec
            except UnicodeDecodeError:
                raise Unreadable(BINARY) from None
    if b"\x00" in data:
        raise Unreadable(BINARY)
    candidates = ["utf-8"] + ([declared] if declared else [])
    for codec in candidates:
        try:
            return _checked_text(data.decode(codec)), codec
        except (LookupError, UnicodeDecodeError):
            continue
    match = from_bytes(data, cp_isolation=_LIKELY_LEGACY_ENCODINGS).best() or from_bytes(data).best()
    if match is None:
        raise Unreadable(BINARY)
    return _checked_text(str(match)), match.encoding


def _checked_text(text: str) -> str:
    noise = [
        char for char in set(text)
        if char == "\ufffd" or (char not in "\n\r\t" and unicodedata.category(char) in _NOISE_CATEGORIES)
    ]
    if sum(text.count(char) for char in noise) > _MAX_NOISE_SHARE * len(text):
        raise Unreadable(BINARY)
    return text


# --------------------------------------------------------------------------
# Building a Document
# --------------------------------------------------------------------------

@dataclass
class _Fields:
    """Metadata of one item as found in the source, before normalisation."""
    url: object = None
    title: object = None
    source: object = None
    published: object = None
    language: object = None
    meta: dict = field(default_factory=dict)

    def fill_from(self, other: _Fields) -> None:
        """Take `other`'s values where this one has none (the source's own word wins)."""
        for name in FRONT_MATTER_FIELDS:
            if _blank(getattr(self, name)):
                setattr(self, name, getattr(other, name))
        self.meta = {**other.meta, **self.meta}


def _fields_from_mapping(mapping: dict, skip: tuple[str, ...] = ()) -> _Fields:
    fields = _Fields()
    for key, value in mapping.items():
        key = str(key)
        if key in FRONT_MATTER_FIELDS:
            setattr(fields, key, value)
        elif key not in skip:
            fields.meta[key] = _plain_value(value)
    return fields


def _plain_value(value: object) -> object:
    """Make YAML values JSON-friendly: dates become ISO strings."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(key): _plain_value(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain_value(item) for item in value]
    return value


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _optional_str(value: object) -> str | None:
    return None if _blank(value) else str(value).strip()


def _make_document(path: str, raw: bytes, text: str, fields: _Fields, media_type: str) -> Document:
    cleaned, removed = clean_text(text)
    if not cleaned:
        raise Unreadable(EMPTY)
    meta = dict(fields.meta)
    published = normalize_published(fields.published)
    if published is None and not _blank(fields.published):
        meta["published_text"] = str(fields.published)   # kept for a human; not a usable date
    languages = _lang.analyse(cleaned)
    if languages.mixed:
        # A page mixing languages (an English article quoting a Russian
        # paragraph): which paragraph is in which, as [start, end, language]
        # in `text` offsets; language None for a paragraph too short to tell.
        meta["paragraph_languages"] = [list(paragraph) for paragraph in languages.paragraphs]
    digest = hashlib.sha256(raw).hexdigest()
    return Document(
        id=digest[:16],
        path=path,
        text=cleaned,
        sha256=digest,
        captured_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        raw=raw,
        title=_optional_str(fields.title),
        url=_optional_str(fields.url),
        source=_optional_str(fields.source),
        published=published,
        language=_language_code(fields.language) or languages.language,
        media_type=media_type,
        meta=meta,
        removed=removed,
    )


def _language_code(value: object) -> str | None:
    """The primary subtag of a given language tag: "ru-RU" -> "ru"."""
    match = re.match(r"\s*([A-Za-z]{2,3})(?![A-Za-z])", str(value)) if not _blank(value) else None
    return match.group(1).lower() if match else None


def detect_language(text: str) -> str | None:
    """The language of `text` (ISO 639-1), None when there is too little text to tell.

    See khronika.language.detect: lingua-language-detector, with a guess from
    the script (Cyrillic "ru", Latin "en") where lingua is not installed.
    """
    return _lang.detect(text)


# --------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------

_MONTHS = {
    "января": 1, "февраля": 2, "марта": 3, "апреля": 4, "мая": 5, "июня": 6, "июля": 7,
    "августа": 8, "сентября": 9, "октября": 10, "ноября": 11, "декабря": 12,
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
_PARTIAL_ISO = re.compile(r"(\d{4})(?:-(\d{2}))?")
_DOTTED = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[ ,T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?")
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})\s+([^\W\d_]+)\.?,?\s+(\d{4})(?:\s*(?:года|г\.))?")
_MONTH_DAY_YEAR = re.compile(r"([^\W\d_]+)\.?\s+(\d{1,2}),?\s+(\d{4})")


def normalize_published(value: object) -> str | None:
    """An ISO 8601 date or datetime at the precision given, or None.

    Accepts date/datetime objects, ISO strings ("2026-02", "2026-02-03T10:00Z"),
    "03.02.2026 [10:00]", RFC 2822 and "3 февраля 2026" / "February 3, 2026".
    """
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        return _from_iso(text) or _from_patterns(text) or _from_rfc2822(text)
    except ValueError:      # the shape matched but the numbers are no date (month 13)
        return None


def _from_iso(text: str) -> str | None:
    if match := _PARTIAL_ISO.fullmatch(text):
        year, month = match.groups()
        if month is None:
            return year
        date(int(year), int(month), 1)
        return text
    if not re.match(r"\d{4}-\d{2}-\d{2}", text):
        return None
    parsed = datetime.fromisoformat(text)
    return parsed.date().isoformat() if len(text) == 10 else parsed.isoformat(timespec="seconds")


def _from_patterns(text: str) -> str | None:
    if match := _DOTTED.fullmatch(text):
        day, month, year, hour, minute, second = match.groups()
        if hour is None:
            return date(int(year), int(month), int(day)).isoformat()
        return datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0)).isoformat()
    if match := _DAY_MONTH_YEAR.fullmatch(text):
        day, month_name, year = match.groups()
    elif match := _MONTH_DAY_YEAR.fullmatch(text):
        month_name, day, year = match.groups()
    else:
        return None
    month = _MONTHS.get(month_name.lower())
    return date(int(year), month, int(day)).isoformat() if month else None


def _from_rfc2822(text: str) -> str | None:
    try:
        return email.utils.parsedate_to_datetime(text).isoformat(timespec="seconds")
    except (TypeError, ValueError, IndexError):
        return None


# --------------------------------------------------------------------------
# Plain text and Markdown
# --------------------------------------------------------------------------

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)^(?:---|\.\.\.)[ \t]*$\n?", re.DOTALL | re.MULTILINE)


def _read_text_file(path: str, data: bytes, media_type: str) -> Document:
    text, _ = decode_bytes(data)
    if not text.strip():
        raise Unreadable(EMPTY)
    fields, body = _split_front_matter(_unify_newlines(text))
    return _make_document(path, data, body, fields, media_type)


def _unify_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _split_front_matter(text: str) -> tuple[_Fields, str]:
    """Split YAML front matter (between `---` lines at the very top) from the body."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return _Fields(), text
    try:
        mapping = yaml.safe_load(match.group(1))
    except yaml.YAMLError as error:
        raise Unreadable(f"invalid YAML front matter: {_yaml_problem(error)}") from None
    if mapping is None:
        mapping = {}
    if not isinstance(mapping, dict):
        raise Unreadable("invalid YAML front matter: expected key: value lines")
    return _fields_from_mapping(mapping), text[match.end():]


def _yaml_problem(error: yaml.YAMLError) -> str:
    problem = getattr(error, "problem", None) or str(error).splitlines()[0]
    mark = getattr(error, "problem_mark", None)
    if mark is None:
        return problem
    # +2: the mark counts from 0 within the front matter, which starts on line 2.
    return f"{problem} (line {mark.line + 2}, column {mark.column + 1})"


# --------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------

# Beyond these a page is hostile or broken: trafilatura needs about 4 s for
# 50,000 elements. libxml2 itself stops at 256 levels of nesting (without
# huge_tree) and drops the rest of the page, which is reported, not hidden.
MAX_HTML_CHARS = 8_000_000
MAX_HTML_ELEMENTS = 50_000

_DECLARED_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+) | <\?xml[^>]+encoding\s*=\s*["']([\w.:-]+)""",
    re.IGNORECASE | re.VERBOSE,
)


@dataclass
class _HtmlContent:
    text: str
    fields: _Fields


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML or XML document declares in its first 4 KB (meta tag or
    XML declaration), None when it declares none. A hint for `decode_bytes`."""
    match = _DECLARED_CHARSET.search(data[:4096])
    return (match.group(1) or match.group(2)).decode("ascii") if match else None


def _read_html_file(path: str, data: bytes) -> Document:
    markup, _ = decode_bytes(data, declared_charset(data))
    content = _extract_html(markup)
    return _make_document(path, data, content.text, content.fields, "text/html")


def _extract_html(markup: str) -> _HtmlContent:
    """Main text (paragraphs separated by blank lines) and metadata of an HTML page.

    Scripts, styles and all markup are dropped: only text comes out.
    """
    if not markup.strip():
        raise Unreadable(EMPTY)
    if len(markup) > MAX_HTML_CHARS:
        raise Unreadable(f"HTML too large to parse ({len(markup) / MB:.1f} MB > {MAX_HTML_CHARS / MB:g} MB limit)")
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
    fields = _Fields(
        url=extraction.url, title=extraction.title,
        source=extraction.sitename or extraction.hostname,
        published=extraction.date, language=language, meta=meta,
    )
    return _HtmlContent("\n\n".join(p for p in paragraphs if p), fields)


# Public names for khronika.sources, which reduces fetched pages and walks
# followed folders exactly as files are read here.
extract_html = _extract_html
walk_folder = _walk


# --------------------------------------------------------------------------
# JSON Lines and Telegram exports
# --------------------------------------------------------------------------

def _read_jsonl(path: str, data: bytes) -> list[Document | ReadFailure]:
    text, codec = decode_bytes(data)
    if not text.strip():
        raise Unreadable(EMPTY)
    results: list[Document | ReadFailure] = []
    for number, line in enumerate(_unify_newlines(text).split("\n"), start=1):
        if not line.strip():
            continue
        label = f"{path}#{number}"
        try:
            results.append(_read_jsonl_record(label, line, line.encode(codec)))
        except Exception as error:  # noqa: BLE001 -- one bad record must not stop the file
            results.append(_failure(label, error))
    return results


def _read_jsonl_record(label: str, line: str, raw: bytes) -> Document:
    record = _load_json(line)
    if not isinstance(record, dict):
        raise Unreadable("invalid record: expected a JSON object")
    fields = _fields_from_mapping(record, skip=("text", "html"))
    text, html = record.get("text"), record.get("html")
    if isinstance(text, str) and text.strip():
        body = text
    elif isinstance(html, str) and html.strip():
        content = _extract_html(html)
        fields.fill_from(content.fields)
        body = content.text
    else:
        raise Unreadable("invalid record: neither text nor html")
    return _make_document(label, raw, body, fields, "application/json")


def _load_json(text: str) -> object:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}" if "\n" in text else f"column {error.colno}"
        raise Unreadable(f"invalid JSON: {error.msg} ({where})") from None
    except RecursionError:
        raise Unreadable("invalid JSON: nested too deeply") from None


_TELEGRAM_USERNAME = re.compile(r"@?([A-Za-z][A-Za-z0-9_]{3,31})")


def _read_telegram_export(path: str, data: bytes) -> list[Document | ReadFailure]:
    text, _ = decode_bytes(data)
    if not text.strip():
        raise Unreadable(EMPTY)
    export = _load_json(text)
    if not (isinstance(export, dict) and isinstance(export.get("messages"), list)):
        raise Unreadable('not a Telegram export: no top-level "messages" list')
    username = next(
        (match.group(1) for key in ("username", "channel_username")
         if isinstance(export.get(key), str) and (match := _TELEGRAM_USERNAME.fullmatch(export[key].strip()))),
        None,
    )
    results: list[Document | ReadFailure] = []
    for message in export["messages"]:
        if not (isinstance(message, dict) and message.get("type") == "message"):
            continue
        body = _flatten_telegram_text(message.get("text"))
        if not body.strip():
            continue
        label = f"{path}#{message.get('id')}"
        try:
            results.append(_telegram_document(label, message, body, export, username))
        except Exception as error:  # noqa: BLE001 -- one bad message must not stop the export
            results.append(_failure(label, error))
    if not results:
        raise Unreadable("Telegram export has no text messages")
    return results


def _telegram_document(label: str, message: dict, body: str, export: dict, username: str | None) -> Document:
    message_id = message.get("id")
    meta = {"message_id": message_id, "channel_id": export.get("id")}
    if message.get("forwarded_from"):
        meta["forwarded_from"] = message["forwarded_from"]
    fields = _Fields(
        url=f"https://t.me/{username}/{message_id}" if username and message_id is not None else None,
        source=export.get("name"),
        published=message.get("date"),
        meta=meta,
    )
    raw = json.dumps(message, sort_keys=True, ensure_ascii=False).encode()
    return _make_document(label, raw, body, fields, "application/json")


def _flatten_telegram_text(text: object) -> str:
    """Telegram's message text: a string, or a list of strings and {type, text} entities."""
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
    return "".join(parts)


# --------------------------------------------------------------------------
# Cleaning
# --------------------------------------------------------------------------

def clean_text(text: str) -> tuple[str, list[str]]:
    """Normalise whitespace and remove scraping debris.

    Returns the cleaned text (paragraphs separated by one blank line) and the
    removed paragraphs, in text order. Removes only paragraphs that are clearly
    not the article: share/subscribe/photo-credit lines, repeated paragraphs,
    pull quotes or garbled lines that repeat part of another paragraph, and a
    trailing block of unrelated headlines. Never removes every paragraph.
    """
    paragraphs = _paragraphs(_normalize_whitespace(text))
    doomed: set[int] = set()
    doomed |= {i for i, paragraph in enumerate(paragraphs) if _is_boilerplate(paragraph)}
    doomed |= _repeated_paragraphs(paragraphs, doomed)
    doomed |= _trailing_headlines(paragraphs, doomed)
    if len(doomed) == len(paragraphs):
        doomed = set()
    kept = [p for i, p in enumerate(paragraphs) if i not in doomed]
    removed = [p for i, p in enumerate(paragraphs) if i in doomed]
    return "\n\n".join(kept), removed


# Runs of spaces and tabs; a single no-break space is the text's own character.
_HORIZONTAL_SPACE = re.compile(r"\t|[^\S\n]{2,}")
_BLANK_LINES = re.compile(r"\n{2,}")


def _normalize_whitespace(text: str) -> str:
    # NFC: a "й" typed as и + combining breve would not match the dictionaries.
    text = unicodedata.normalize("NFC", _unify_newlines(text))
    text = text.replace("\u2029", "\n\n").replace("\u2028", "\n")
    # Format characters (zero-width spaces, soft hyphens, direction marks) and
    # control characters are invisible and break words apart; lone surrogates
    # (JSON allows them) cannot even be stored.
    invisible = {
        char for char in set(text)
        if char not in "\n\t" and unicodedata.category(char) in ("Cc", "Cf", "Cs")
    }
    text = text.translate(dict.fromkeys(map(ord, invisible)))
    lines = [_HORIZONTAL_SPACE.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _paragraphs(text: str) -> list[str]:
    """Blocks between blank lines; a text without blank lines has one paragraph per line."""
    if not text:
        return []
    separator = "\n\n" if "\n\n" in text else "\n"
    return [block for block in text.split(separator) if block]


# A paragraph that is nothing but one of these is page furniture, not article.
_BOILERPLATE = re.compile(
    r"""(?:
        (?:читайте|смотрите)\s+(?:также|ещё|еще)\b.*
      | (?:read|see)\s+(?:also|more)\b.*
      | related(?:\s+(?:articles|stories|news))?\s*:?
      | (?:подписывайтесь|подпишитесь|подписаться)\s+на\s+(?:наш\w*|нас|канал|рассылку|telegram|телеграм)\b.*
      | (?:subscribe\s+to\s+(?:our|the)|follow\s+us)\b.*
      | (?:поделиться|поделитесь|share(?:\s+this(?:\s+(?:article|story|post))?)?)\s*(?::.*)?
      | (?:скопировать|copy)\s+(?:ссылку|link)
      | (?:фото|фотография|видео|иллюстрация|источник\s+фото|photo|image|video|credit)\s*:\s.*
      | реклама | advertisement
    )""",
    re.IGNORECASE | re.VERBOSE,
)
_COOKIE_WORD = re.compile(r"\bcookies?\b|\bкуки\b", re.IGNORECASE)
# Words of the banner addressing the reader ("мы используем", "вы соглашаетесь"),
# which a news sentence about cookie laws does not use.
_CONSENT_WORD = re.compile(
    r"\b(?:используем|продолжая|соглашаетесь|принять|we\s+use|uses|by\s+continuing|you\s+agree|accept)\b",
    re.IGNORECASE,
)
_MAX_BOILERPLATE_CHARS = 200


def _is_boilerplate(paragraph: str) -> bool:
    if len(paragraph) > _MAX_BOILERPLATE_CHARS:
        return False
    line = paragraph.strip(" .!…")
    if _BOILERPLATE.fullmatch(line):
        return True
    return bool(_COOKIE_WORD.search(line) and _CONSENT_WORD.search(line))


_WORD = re.compile(r"\w+(?:[-'’]\w+)*")
_SENTENCE_END = re.compile(r"[.!?…]+[»“”\"')]*\s+(?=[«“\"'(]?[A-ZА-ЯЁ0-9])")

# A paragraph with these continues the text before it: a pronoun refers back to
# someone already named, a connective links to what was said.
_ANAPHORA = re.compile(
    r"""\b(?:он|она|оно|они|его|ее|её|ему|ей|им|ими|их|него|нее|неё|нему|ней|ним|них|нем|нём
        |he|she|they|him|her|his|hers|them|their|theirs)\b
      | ^(?:однако|также|кроме\s+того|при\s+этом|тем\s+не\s+менее|между\s+тем|тем\s+временем
        |позже|позднее|ранее|впоследствии|сейчас|теперь|however|meanwhile|later|earlier|also|still)\b""",
    re.IGNORECASE | re.VERBOSE,
)

# A short one-sentence paragraph is a copy of part of a longer paragraph when
# runs of at least _MIN_SHARED_RUN words shared with it cover nearly all of it
# (a pull quote, a caption), or when it ends with the last words of one of the
# longer paragraph's sentences and those cover at least half of it while the
# rest says nothing that refers back (a garbled copy of a line).
_MIN_SHARED_RUN = 4
_MIN_COPY_COVER = 0.8
_MIN_TAIL_COPY_COVER = 0.5
_MAX_COPY_CHARS = 200
# Comparing every pair of paragraphs is quadratic; a text this long is a book or
# a dump, not a scraped article, and is not searched for copies or headlines.
_MAX_PARAGRAPHS_COMPARED = 2000


def _words(text: str) -> list[str]:
    return [word.lower().replace("ё", "е") for word in _WORD.findall(text)]


def _sentences(paragraph: str) -> list[str]:
    return _SENTENCE_END.split(paragraph)


def _sentence_count(paragraph: str) -> int:
    return len(_sentences(paragraph))


def _repeated_paragraphs(paragraphs: list[str], doomed: set[int]) -> set[int]:
    """Exact repeats of an earlier paragraph, and short paragraphs copying part of a longer one."""
    repeated: set[int] = set()
    seen: set[str] = set()
    for i, paragraph in enumerate(paragraphs):
        # A repeated short line ("***", a name as a subheading) is no sign of scraping.
        if i in doomed or len(paragraph.split()) < _MIN_SHARED_RUN:
            continue
        if paragraph in seen:
            repeated.add(i)
        seen.add(paragraph)
    if len(paragraphs) > _MAX_PARAGRAPHS_COMPARED:
        return repeated
    candidates = [
        i for i, paragraph in enumerate(paragraphs)
        if i not in doomed and i not in repeated and len(paragraph) <= _MAX_COPY_CHARS
        and _sentence_count(paragraph) == 1
    ]
    if not candidates:
        return repeated
    words = [_words(p) for p in paragraphs]
    runs = [_substantive_runs(w) for w in words]
    for i in candidates:
        if runs[i] and any(j != i and len(words[j]) > len(words[i]) and runs[i] & runs[j]
                           and _is_partial_copy(words[i], paragraphs[j], runs[j]) for j in range(len(paragraphs))):
            repeated.add(i)
    return repeated


def _substantive_runs(words: list[str]) -> set[tuple[str, ...]]:
    """The word runs of length _MIN_SHARED_RUN with at least two real words ("и в то же" is not one)."""
    n = _MIN_SHARED_RUN
    runs = (tuple(words[k:k + n]) for k in range(len(words) - n + 1))
    return {run for run in runs if sum(len(word) >= 4 for word in run) >= 2}


def _is_partial_copy(short: list[str], longer_paragraph: str, longer_runs: set[tuple[str, ...]]) -> bool:
    n = _MIN_SHARED_RUN
    covered = [False] * len(short)
    for k in range(len(short) - n + 1):
        if tuple(short[k:k + n]) in longer_runs:
            covered[k:k + n] = [True] * n
    if sum(covered) >= _MIN_COPY_COVER * len(short):
        return True
    tail = max(_common_tail(short, _words(sentence)) for sentence in _sentences(longer_paragraph))
    return (tail >= max(n, _MIN_TAIL_COPY_COVER * len(short))
            and tuple(short[-n:]) in longer_runs
            and not _ANAPHORA.search(" ".join(short[:-tail])))


def _common_tail(a: list[str], b: list[str]) -> int:
    length = 0
    while length < min(len(a), len(b)) and a[-1 - length] == b[-1 - length]:
        length += 1
    return length


# Trailing "read also" headlines: at most this many are removed, each at most
# this long, and only after an article body of some size to compare them with.
_MAX_TRAILING_HEADLINES = 4
_MAX_HEADLINE_CHARS = 300
_MAX_HEADLINE_SENTENCES = 2
_MIN_BODY_PARAGRAPHS = 3
_MIN_BODY_CONTENT_WORDS = 40
_MIN_HEADLINE_CONTENT_WORDS = 4
# The body's subject: its most widespread content words (by number of paragraphs).
_TOPIC_WORDS = 5
# A paragraph sharing this many content words with the one before it continues it.
_MIN_SHARED_WITH_PREVIOUS = 2
# A headline sharing less than this share of its content words with the body is
# off-topic; a question headline ("Почему ...?") is a teaser, so a looser bound.
_MAX_OFF_TOPIC_OVERLAP = 0.25
_MAX_OFF_TOPIC_QUESTION_OVERLAP = 0.4


def _trailing_headlines(paragraphs: list[str], doomed: set[int]) -> set[int]:
    """The block of short off-topic paragraphs that ends the text, if there is one.

    Scans back from the end and stops at the first paragraph that is long,
    refers back to the text, shares its subject or continues the paragraph
    before it. When more than a few paragraphs in a row look off-topic the text
    is a digest of unrelated items, not an article with scraped headlines, and
    nothing is removed.
    """
    remaining = [i for i in range(len(paragraphs)) if i not in doomed]
    shaped = 0      # how many paragraphs at the end have a headline's shape
    for index in reversed(remaining):
        if shaped > _MAX_TRAILING_HEADLINES or not _has_headline_shape(paragraphs[index]):
            break
        shaped += 1
    if shaped == 0 or not _MIN_BODY_PARAGRAPHS < len(remaining) <= _MAX_PARAGRAPHS_COMPARED:
        return set()     # the usual case, decided without lemmatising anything
    stems = [_content_stems(paragraphs[i]) for i in remaining]
    # Number of body paragraphs each content word occurs in; the body of the
    # last paragraph is everything before it.
    body_counts = Counter(stem for paragraph_stems in stems[:-1] for stem in paragraph_stems)
    block: list[int] = []
    for position in range(len(remaining) - 1, len(remaining) - 1 - shaped, -1):
        if position < _MIN_BODY_PARAGRAPHS or not _is_off_topic(
                stems[position], body_counts, stems[position - 1], "?" in paragraphs[remaining[position]]):
            break
        block.append(remaining[position])
        body_counts -= Counter(stems[position - 1])
    if len(block) > _MAX_TRAILING_HEADLINES:
        return set()
    return set(block)


def _has_headline_shape(paragraph: str) -> bool:
    return (len(paragraph) <= _MAX_HEADLINE_CHARS
            and _sentence_count(paragraph) <= _MAX_HEADLINE_SENTENCES
            and not _ANAPHORA.search(paragraph))


def _is_off_topic(headline: set[str], body_counts: Counter, previous: set[str], is_question: bool) -> bool:
    if len(headline) < _MIN_HEADLINE_CONTENT_WORDS or len(body_counts) < _MIN_BODY_CONTENT_WORDS:
        return False     # too little to judge the subject by
    topic = {stem for stem, count in body_counts.most_common(_TOPIC_WORDS) if count >= 2}
    if headline & topic or len(headline & previous) >= _MIN_SHARED_WITH_PREVIOUS:
        return False
    overlap = len(headline & body_counts.keys()) / len(headline)
    return overlap < (_MAX_OFF_TOPIC_QUESTION_OVERLAP if is_question else _MAX_OFF_TOPIC_OVERLAP)


# Words that appear in nearly every Russian news text, whatever its subject: they
# say nothing about whether a headline belongs to the article.
_UBIQUITOUS_LEMMAS = frozenset({
    "россия", "российский", "россиянин", "русский", "кремль", "москва", "московский",
    "путин", "украина", "украинский", "страна", "год", "время", "день", "человек", "раз",
    "russia", "russian", "kremlin", "moscow", "putin", "ukraine", "ukrainian", "country",
    "year", "time", "people",
})
_ENGLISH_FUNCTION_WORDS = frozenset(
    ["about", "after", "again", "against", "also", "been", "before", "being", "between", "both", "could", "does", "doing", "down", "during", "each", "from", "further", "have", "having", "here", "into", "just", "more", "most", "other", "over", "same", "should", "some", "such", "than", "that", "their", "them", "then", "there", "these", "they", "this", "those", "through", "under", "until", "very", "were", "what", "when", "where", "which", "while", "will", "with", "would", "your", "says", "said"]
)
_CONTENT_POS = frozenset({"NOUN", "ADJF", "ADJS", "PRTF", "PRTS", None})
_STEM_LENGTH = 5


def _content_stems(text: str) -> set[str]:
    stems = set()
    for word in _WORD.findall(text):
        stem = _content_stem(word.lower().replace("ё", "е"))
        if stem:
            stems.add(stem)
    return stems


@lru_cache(maxsize=100_000)
def _content_stem(word: str) -> str | None:
    """A crude stem of a content word (noun, adjective, name), None for other words.

    Cyrillic words are lemmatised first, so "суда" and "суд" meet; the stem is
    the lemma's first letters, so a surname lemmatised two ways still matches.
    """
    if word.isdigit() or len(word) < 3:
        return None
    if re.search("[а-я]", word):
        parse = analyzer().parse(word)[0]
        if parse.tag.POS not in _CONTENT_POS or "Apro" in parse.tag:   # Apro: "этот", "который"
            return None
        lemma = parse.normal_form.replace("ё", "е")
    else:
        if len(word) < 4 or word in _ENGLISH_FUNCTION_WORDS:
            return None
        lemma = word
    if lemma in _UBIQUITOUS_LEMMAS or word in _UBIQUITOUS_LEMMAS:
        return None
    return lemma[:_STEM_LENGTH]


