"""A local folder as a source: files that are new or changed since the last poll
(by path, modification time and size, kept in `state`) are read with
readers.read_paths, exactly as `khronika extract` reads them.
"""
from __future__ import annotations

import asyncio
import time
from pathlib import Path

from ..model import FetchedItem, ReadFailure, SourceConfig
from ..readers import read_paths, walk_folder
from .safety import FetchError

# A file modified this recently may still be being written: it waits for the next poll.
SETTLE_S = 1.0


async def poll_folder(source: SourceConfig, state: dict, seen: set[str],
                      client=None) -> tuple[list[FetchedItem], dict, list[str]]:
    return await asyncio.to_thread(_poll_folder, source, state, seen)


def _poll_folder(source: SourceConfig, state: dict, seen: set[str]) -> tuple[list[FetchedItem], dict, list[str]]:
    root = Path(source.url).expanduser()
    if not root.exists():
        raise FetchError(source, "no such folder")
    if not root.is_dir():
        raise FetchError(source, "not a folder")
    known: dict = state.get("files") or {}
    files: dict[str, list[int]] = {}
    changed: list[Path] = []
    now = time.time()
    try:
        for path in walk_folder(root):
            try:
                info = path.stat()
            except OSError:
                continue
            if now - info.st_mtime < SETTLE_S:
                if str(path) in known:
                    files[str(path)] = known[str(path)]
                continue
            signature = [info.st_mtime_ns, info.st_size]
            files[str(path)] = signature
            if known.get(str(path)) != signature:
                changed.append(path)
    except OSError as error:
        raise FetchError(source, f"cannot read the folder: {error.strerror or error}") from None
    items: list[FetchedItem] = []
    warnings: list[str] = []
    for result in read_paths(changed):
        if isinstance(result, ReadFailure):
            warnings.append(str(result))
            continue
        key = f"{result.path}@{result.sha256[:16]}"      # an edited file is a new item
        if key in seen:
            continue
        items.append(FetchedItem(
            source_id=source.id, url=result.url or result.path, final_url=result.path, status=0, headers={},
            raw=result.raw, sha256=result.sha256, captured_at=result.captured_at, text=result.text,
            title=result.title, published=result.published, language=result.language, item_key=key,
            media_type=result.media_type))
    return items, {"files": files}, warnings
