"""Citing sources: one numbered list per person, and the archived copies.

    sources, cites = numbered_sources(person)       # [CitedSource 1, 2, ...], {fact id: [1, 2]}
    archive.snapshots = copy_snapshots(store, archive, site_root)

A person page and a dossier list every document that reported one of the
person's facts once, numbered in the order the timeline first cites them,
with its title, outlet, URL (or, with no web address, its file name),
publication and capture time and SHA-256; each fact and each sentence of
the summary cites those numbers ("[1], [2]").

The static archive also offers the captured copy of a source for download
(`snapshots/<sha256>.bin`, the bytes exactly as stored, named by their hash
so that anyone can check them; `.bin` so that a host serves it as a file,
never as a page). A copy is published only when all of these hold:
- the document has a public web address (it was published there: the
  archive republishes nothing that was not public; a local file is never
  copied);
- no event extracted from it is still waiting for review (reviewers have
  seen every claim in it, so anyone in it who must not be named has been
  marked so);
- it names no "do not publish" person: neither its stored text (as the
  withholding masks it) nor its bytes (read as UTF-8 and as Windows-1251)
  hold any form of a withheld name; the bytes cannot be masked;
- the bytes still hash to the SHA-256 the page shows.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from khronika.publish.public import PublicArchive, PublicPerson
from khronika.store import schema as tables

SNAPSHOTS = "snapshots"
PENDING = "pending"


@dataclass(slots=True)
class CitedSource:
    number: int
    document_id: str
    title: str | None
    source: str | None            # the outlet or channel
    url: str | None
    file_name: str | None         # no URL: the file it was read from (its name only)
    published: str | None
    captured_at: str | None
    sha256: str | None
    language: str | None


def numbered_sources(person: PublicPerson) -> tuple[list[CitedSource], dict[str, list[int]]]:
    """The person's sources, each once, numbered by first citation in the
    timeline; and for each fact id the numbers it cites."""
    numbers: dict[str, int] = {}
    sources: list[CitedSource] = []
    cites: dict[str, list[int]] = {}
    for fact in person.facts:
        cited = cites.setdefault(fact.id, [])
        for s in fact.sources:
            number = numbers.get(s.document_id)
            if number is None:
                number = numbers[s.document_id] = len(numbers) + 1
                sources.append(CitedSource(
                    number=number, document_id=s.document_id, title=s.title, source=s.source, url=s.url,
                    file_name=s.file_name, published=s.published, captured_at=s.captured_at,
                    sha256=s.sha256, language=s.language))
            if number not in cited:
                cited.append(number)
    return sources, cites


# ---------------------------------------------------------------- archived copies

def _candidates(connection, archive: PublicArchive) -> list[str]:
    """Cited documents with a web address and no event waiting for review."""
    with_url = [d.id for d in archive.documents.values() if d.url]
    if not with_url:
        return []
    event = tables.events.c
    pending: set[str] = set()
    for start in range(0, len(with_url), 500):
        chunk = with_url[start:start + 500]
        pending.update(connection.execute(
            sa.select(event.document_id).where(event.document_id.in_(chunk), event.review_status == PENDING)
            .distinct()).scalars())
    return [d for d in with_url if d not in pending]


def _names_withheld(archive: PublicArchive, scanner, document_id: str, text: str, raw: bytes) -> bool:
    if archive.withholder.mask(text, document_id) != text:
        return True
    return any(scanner(raw.decode(encoding, "replace")) for encoding in ("utf-8", "cp1251"))


def copy_snapshots(store, archive: PublicArchive, root: Path) -> dict[str, str]:
    """Write the archived copies that may be published (see the module
    docstring) under `root`/snapshots/; returns document id -> the copy's
    path relative to the site root."""
    # No exemptions: a namesake's surname in bytes that cannot be masked still stops the copy.
    scanner = archive.withheld_scanner(persons=[])
    snapshot, document = tables.snapshots.c, tables.documents.c
    written: dict[str, str] = {}
    folder = root / SNAPSHOTS
    with store._reading() as connection:
        candidates = _candidates(connection, archive)
        for start in range(0, len(candidates), 200):
            chunk = candidates[start:start + 200]
            columns = [snapshot.document_id, snapshot.raw, snapshot.id]
            if scanner is not None:
                columns.append(document.text)
            query = (sa.select(*columns).join(tables.documents, document.id == snapshot.document_id)
                     .where(snapshot.document_id.in_(chunk)).order_by(snapshot.document_id, snapshot.id))
            for row in connection.execute(query):
                document_id = row[0]
                if document_id in written:
                    continue
                raw = bytes(row[1])
                expected = archive.documents[document_id].sha256
                if not expected or hashlib.sha256(raw).hexdigest() != expected:
                    continue                 # only the capture whose SHA-256 the page shows
                if scanner is not None and _names_withheld(archive, scanner, document_id, row[3] or "", raw):
                    continue
                folder.mkdir(exist_ok=True)
                relative = f"{SNAPSHOTS}/{expected}.bin"
                _write_bytes(root / relative, raw)
                written[document_id] = relative
    return written


def _write_bytes(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)
