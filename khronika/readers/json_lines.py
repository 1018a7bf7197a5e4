"""JSON Lines: one document per line, `{"url", "title", "published", "language", "text" | "html"}`.

Each line is read on its own, so one bad record (broken JSON, no text, bytes
that are not UTF-8, a value too big to keep) is one failure labelled
`file.jsonl#<line number>` and the other records are read.
"""
from __future__ import annotations

import json

from ..model import Document, ReadFailure
from .decoding import STRAY_CONTROLS, decode_text
from .errors import EMPTY, Unreadable, failure, warn
from .html_pages import extract_html
from .metadata import fields_from_mapping, make_document


def read_jsonl(path: str, data: bytes) -> list[Document | ReadFailure]:
    lines = _lines(path, data)
    if not any(text is None or text.strip() for _, text, _ in lines):
        raise Unreadable(EMPTY)
    results: list[Document | ReadFailure] = []
    for number, text, raw in lines:
        label = f"{path}#{number}"
        if text is None:
            results.append(ReadFailure(label, "invalid record: not UTF-8 text (JSON Lines is UTF-8)"))
            continue
        if not text.strip():
            continue
        try:
            results.append(_read_record(label, text, raw))
        except Exception as error:  # noqa: BLE001 -- one bad record must not stop the file
            results.append(failure(label, error))
    return results


def _lines(path: str, data: bytes) -> list[tuple[int, str | None, bytes]]:
    """(line number, text or None when not UTF-8, raw bytes) for each line.

    A file that is not UTF-8 as a whole (UTF-16 or UTF-32, whose NUL bytes would
    pass for UTF-8; a legacy code page) is decoded as a whole; one that is UTF-8
    but for a few lines loses only those lines.
    """
    body = data.removeprefix(b"\xef\xbb\xbf")
    raw_lines = [line.removesuffix(b"\r") for line in body.split(b"\n")]
    texts: list[str | None] = []
    for raw in raw_lines:
        try:
            texts.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            texts.append(None)
    failed = sum(text is None for text in texts)
    wide = data.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")) or data.count(0) > 0.01 * len(data)
    if wide or failed and failed * 2 >= sum(1 for raw in raw_lines if raw.strip()):
        decoded = decode_text(data)
        if decoded.stray_controls:
            warn(path, f"removed {decoded.stray_controls} control character(s) (NUL, BEL, ...)")
        lines = decoded.text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        return [(number, line, line.encode(decoded.codec, "backslashreplace"))
                for number, line in enumerate(lines, start=1)]
    return list(zip(range(1, len(raw_lines) + 1), texts, raw_lines))


def _read_record(label: str, line: str, raw: bytes) -> Document:
    warnings: list[str] = []
    line, stray = STRAY_CONTROLS.subn("", line)
    if stray:
        warn(label, f"removed {stray} control character(s) (NUL, BEL, ...)", warnings)
    record = load_json(line)
    if not isinstance(record, dict):
        raise Unreadable("invalid record: expected a JSON object")
    fields = fields_from_mapping(record, skip=("text", "html"))
    text, html = record.get("text"), record.get("html")
    if isinstance(text, str) and text.strip():
        body = text
    elif isinstance(html, str) and html.strip():
        content = extract_html(html)
        fields.fill_from(content.fields)
        body = content.text
    else:
        raise Unreadable("invalid record: neither text nor html")
    return make_document(label, raw, body, fields, "application/json", warnings)


def load_json(text: str) -> object:
    """Parsed JSON; Unreadable naming the line and column of a syntax error."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}" if "\n" in text else f"column {error.colno}"
        raise Unreadable(f"invalid JSON: {error.msg} ({where})") from None
    except RecursionError:
        raise Unreadable("invalid JSON: nested too deeply") from None
