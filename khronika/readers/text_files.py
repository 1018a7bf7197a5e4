"""Plain text and Markdown files, with optional YAML front matter.

Front matter that is not a YAML mapping (a typo, an unclosed bracket, a
`!!python/object` tag that safe loading refuses, a value too big to keep) does
not cost the article: the file is read without it and a warning names the file
and the problem.
"""
from __future__ import annotations

import re

import yaml

from ..model import Document
from .cleaning import unify_newlines
from .decoding import decode_text
from .errors import EMPTY, Unreadable, warn
from .metadata import (
    MAX_DOCUMENT_CHARS,
    Fields,
    MetadataTooLarge,
    fields_from_mapping,
    make_document,
    too_long,
)

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)^(?:---|\.\.\.)[ \t]*$\n?", re.DOTALL | re.MULTILINE)
# Front matter is a few lines of metadata; a longer block is not parsed.
MAX_FRONT_MATTER_CHARS = 64 * 1024


def read_text_file(path: str, data: bytes, media_type: str) -> list[Document]:
    """The file's Document. A text over MAX_DOCUMENT_CHARS (about 100 pages;
    a news article is under 50,000 characters) is refused with one error, in
    time linear in its size: extracting it would take minutes."""
    warnings: list[str] = []
    decoded = decode_text(data)
    if decoded.stray_controls:
        warn(path, f"removed {decoded.stray_controls} control character(s) (NUL, BEL, ...)", warnings)
    if not decoded.text.strip():
        raise Unreadable(EMPTY)
    fields, body = split_front_matter(path, unify_newlines(decoded.text), warnings)
    # Cleaning collapses runs of spaces and drops debris, never half of a real
    # text: past twice the limit, no need to clean it to know.
    if len(body) > 2 * MAX_DOCUMENT_CHARS:
        raise Unreadable(too_long(len(body)))
    return [make_document(path, data, body, fields, media_type, warnings)]


def split_front_matter(path: str, text: str, warnings: list[str]) -> tuple[Fields, str]:
    """Split YAML front matter (between `---` lines at the very top) from the body.
    Front matter that cannot be used is dropped with a warning."""
    match = _FRONT_MATTER.match(text[:MAX_FRONT_MATTER_CHARS + 16])
    if not match:
        return Fields(), text
    body = text[match.end():]
    try:
        mapping = yaml.safe_load(match.group(1))
        if mapping is None:
            mapping = {}
        if not isinstance(mapping, dict):
            raise _Unusable("expected key: value lines")
        return fields_from_mapping(mapping), body
    except yaml.YAMLError as error:
        problem = _yaml_problem(error)
    except (_Unusable, MetadataTooLarge) as error:
        problem = str(error)
    except RecursionError:
        problem = "nested too deeply"
    warn(path, f"invalid YAML front matter ({problem}); read without it", warnings)
    return Fields(), body


class _Unusable(ValueError):
    pass


def _yaml_problem(error: yaml.YAMLError) -> str:
    problem = getattr(error, "problem", None) or str(error).splitlines()[0]
    mark = getattr(error, "problem_mark", None)
    if mark is None:
        return problem
    # +2: the mark counts from 0 within the front matter, which starts on line 2.
    return f"{problem}, line {mark.line + 2}, column {mark.column + 1}"
