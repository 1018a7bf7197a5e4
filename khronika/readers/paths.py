"""Walking the inputs: files and folders to readers, one result or failure per item."""
from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..model import Document, ReadFailure
from .errors import MB, Unreadable, failure
from .html_pages import read_html_file
from .json_lines import read_jsonl
from .telegram_export import read_telegram_export
from .text_files import read_text_file

# Files over this size are refused before they are opened: 25 MB is ten times
# the longest report seen, and reading stays linear in size below it.
DEFAULT_MAX_BYTES = 25 * MB

TEXT_SUFFIXES = {".txt": "text/plain", ".md": "text/markdown", ".markdown": "text/markdown"}
HTML_SUFFIXES = {".html", ".htm"}
KNOWN_SUFFIXES = set(TEXT_SUFFIXES) | HTML_SUFFIXES | {".jsonl", ".json"}


def read_paths(paths: Iterable[str | Path], max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Document | ReadFailure]:
    """Yield a Document for every readable item under `paths`, a ReadFailure for the rest.

    A folder is walked recursively in sorted order, skipping hidden entries and
    files with unknown extensions; a file named explicitly is read whatever its
    extension (unknown ones as plain text). Never raises for bad input.
    """
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for file_path in walk_folder(path):
                yield from _read_file(file_path, max_bytes)
        else:
            yield from _read_file(path, max_bytes)


def walk_folder(folder: Path) -> Iterator[Path]:
    """The files under `folder` that `read_paths` reads, in sorted order."""
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
            return [read_html_file(label, data)]
        if suffix == ".jsonl":
            return read_jsonl(label, data)
        if suffix == ".json":
            return read_telegram_export(label, data)
        return read_text_file(label, data, TEXT_SUFFIXES.get(suffix, "text/plain"))
    except Exception as error:  # noqa: BLE001 -- one file's surprise must not stop the batch
        return [failure(label, error)]


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
