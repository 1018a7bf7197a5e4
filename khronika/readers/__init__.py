"""Read files into Documents: the archived snapshot, clean text, language.

`read_paths` turns files and folders into `Document`s, and anything it cannot
read into one `ReadFailure` naming the file, so one bad file never stops a
batch. One module per input format, and the parts they share:

    paths            read_paths, walk_folder: files and folders to readers, size limit
    text_files       plain text and Markdown with YAML front matter
    html_pages       HTML pages (trafilatura); extract_html for fetched pages
    json_lines       JSON Lines, one record per line
    telegram_export  Telegram Desktop exports, single chat or whole account
    decoding         bytes to text: BOM, declared charset, detection, binary files
    cleaning         whitespace, scraping debris, over-long paragraphs
    metadata         the Document of an item: fields, language; dates: publication dates
    errors           Unreadable, failures and warnings
"""
from __future__ import annotations

from .cleaning import MAX_PARAGRAPH_CHARS, clean_text
from .dates import normalize_published
from .decoding import declared_charset, decode_bytes, decode_text
from .errors import BINARY, EMPTY, Unreadable
from .html_pages import MAX_HTML_CHARS, MAX_HTML_ELEMENTS, extract_html
from .metadata import MAX_DOCUMENT_CHARS, detect_language, language_code
from .paths import DEFAULT_MAX_BYTES, KNOWN_SUFFIXES, read_paths, walk_folder

__all__ = [
    "BINARY", "DEFAULT_MAX_BYTES", "EMPTY", "KNOWN_SUFFIXES", "MAX_DOCUMENT_CHARS", "MAX_HTML_CHARS", "MAX_HTML_ELEMENTS",
    "MAX_PARAGRAPH_CHARS", "Unreadable", "clean_text", "declared_charset", "decode_bytes", "decode_text",
    "detect_language", "extract_html", "language_code", "normalize_published", "read_paths", "walk_folder",
]
