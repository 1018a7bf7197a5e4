"""The background work, as plain functions both runners share.

    poll one source             Tasks.poll_source
    extract-and-store one item  Tasks.take_item  (a read file: Tasks.ingest_document)
    deliver due alerts          Tasks.deliver_alerts
    send deadline reminders     Tasks.send_reminders
    re-extract a document       Tasks.reextract

Laptop mode (`khronika watch`, khronika/watch.py) calls them in one asyncio
loop; team mode (`khronika worker`, khronika/worker.py) wraps each in a
procrastinate task. Nothing here knows procrastinate: a task takes plain
values (a SourceConfig, a FetchedItem, a document id) and is idempotent, so a
job retried after a crash does no harm:

- a taken-in item is an exact repeat when its canonical URL or its text hash
  was recorded before (`Store.item_seen`), and a document is keyed by its
  content hash (`add_document` stores it once);
- alerts are queued once per (rule, event) (a unique key) and each delivery
  is claimed in the database first (`Store.claim_alerts`: SKIP LOCKED on
  PostgreSQL), reminders per (deadline, due date, address).
"""
from __future__ import annotations

import asyncio
import base64
import logging
import random
import time
from concurrent.futures import Executor
from dataclasses import asdict, dataclass, field, replace

from . import dedup
from .model import Document, DocumentExtraction, FetchedItem, SourceConfig

log = logging.getLogger("khronika.tasks")

MAX_BACKOFF_S = 3600.0


@dataclass
class TaskStats:
    polls: int = 0
    errors: int = 0
    items: int = 0
    exact_duplicates: int = 0
    near_duplicates: int = 0
    documents: int = 0
    events: int = 0
    alerts_enqueued: int = 0
    alerts_sent: int = 0
    started: float = field(default_factory=time.monotonic)


@dataclass
class PollMemo:
    """What a caller that polls one source again and again keeps between polls
    (laptop mode): unchanged outcomes are then not written again. Without
    one, the failure count comes from the store and every poll is saved."""
    failures: int = 0
    last_saved: tuple | None = None


@dataclass
class PollOutcome:
    items: list[FetchedItem]
    error: str | None
    failures: int
    delay_s: float                  # when the next poll is due, from now


def next_delay_s(source: SourceConfig, failures: int, jitter: float = 0.1) -> float:
    """The source's interval, doubled per consecutive failure (at most an hour), with jitter."""
    interval = source.every_s if not failures else min(MAX_BACKOFF_S, source.every_s * 2 ** failures)
    return interval * (1 + random.uniform(-jitter, jitter))


def document_from_item(item: FetchedItem, source: SourceConfig) -> Document:
    """A fetched item as a pipeline Document; the snapshot keeps the raw bytes."""
    from .language import detect
    return Document(
        id=item.sha256[:16], path=item.url, text=item.text, sha256=item.sha256,
        captured_at=item.captured_at, raw=item.raw, title=item.title, url=item.url,
        source=source.name or source.url, published=item.published,
        language=item.language or detect(item.text), media_type=item.media_type,
        meta={"via": "watch", "source_id": source.id, "final_url": item.final_url, "status": item.status,
              "headers": item.headers, "item_key": item.item_key})


# --- plain values <-> JSON (job arguments) ----------------------------------------

def item_to_json(item: FetchedItem) -> dict:
    data = asdict(item)
    data["raw"] = base64.b64encode(item.raw).decode("ascii")
    return data


def item_from_json(data: dict) -> FetchedItem:
    return FetchedItem(**{**data, "raw": base64.b64decode(data["raw"])})


def source_to_json(source: SourceConfig) -> dict:
    return asdict(source)


def source_from_json(data: dict) -> SourceConfig:
    return SourceConfig(**data)


def document_to_json(document: Document) -> dict:
    data = asdict(document)
    data["raw"] = base64.b64encode(document.raw).decode("ascii")
    return data


def document_from_json(data: dict) -> Document:
    return Document(**{**data, "raw": base64.b64decode(data["raw"])})


def item_url(item: FetchedItem, source: SourceConfig) -> str:
    """The key an item is recorded under: its canonical URL, or for a followed
    page (whose URL stays while it changes) its key, which carries the content hash."""
    from .sources import canonical_url
    return canonical_url(item.url) if source.kind != "page" else (item.item_key or item.url)


def _extract_here(document: Document) -> DocumentExtraction:
    from .pipeline import _extract_detached
    return _extract_detached(document)


class Tasks:
    """The task functions over one store, with what they keep between calls:
    an extraction pool (the models load once per process), the near-duplicate
    index, the counters.

    `extractor`: where extraction runs (a process pool: in a thread it would
    hold the GIL the event loop needs); None: in this process, blocking.
    `shared`: other processes take items into the same store (team mode):
    the near-duplicate index is brought up to date before each item.
    `on_queued`: called when alerts were queued (laptop mode wakes its
    delivery loop; team mode defers a delivery job)."""

    def __init__(self, store, *, extractor: Executor | None = None, shared: bool = False,
                 stats: TaskStats | None = None, on_queued=None, jitter: float = 0.1):
        self.store = store
        self.extractor = extractor
        self.shared = shared
        self.stats = stats or TaskStats()
        self.on_queued = on_queued
        self.jitter = jitter
        self.near = dedup.NearDuplicateIndex()
        self._near_after = 0            # the last item id the index has seen (shared mode)
        self._store_lock = asyncio.Lock()

    async def start(self) -> None:
        """Load the models, rebuild the near-duplicate index, queue the alerts
        a crash left unqueued, prepare the rules."""
        from .alerts import queue_unqueued
        from .alerts import warm_up as warm_up_rules
        from .nlp import warm_up
        if self.extractor is not None:
            await asyncio.get_running_loop().run_in_executor(self.extractor, warm_up)
        self.refresh_near()
        self.stats.alerts_enqueued += queue_unqueued(self.store)
        warm_up_rules(self.store.rules())

    def refresh_near(self) -> None:
        """Add the first copies recorded since the last call to the near-duplicate index."""
        for item_id, document_id, blob in self.store.item_minhashes_after(self._near_after):
            self.near.add(document_id, dedup.from_bytes(blob))
            self._near_after = max(self._near_after, item_id)

    # --- poll one source -------------------------------------------------------------

    async def poll_source(self, source: SourceConfig, client, *, take=None,
                          memo: PollMemo | None = None) -> PollOutcome:
        """Poll one source once, hand its new items to `take(source, items, seen)`
        (default: `take_items`, here and now), save its state and the time of
        its next poll. Errors are recorded, never raised."""
        from .sources import poll
        state, seen = self.store.source_state(source.id)
        if memo is not None:
            failures = memo.failures
        else:
            failures = int((self.store.source_status(source.id) or {}).get("failures") or 0)
        result = await poll(source, state, seen, client)
        self.stats.polls += 1
        if result.error:
            failures += 1
            self.stats.errors += 1
            log.error("source %s: %s", source.url, result.error)
        else:
            failures = 0
        for warning in result.warnings:
            log.warning("source %s: %s", source.url, warning)
        if result.items:
            await (take or self.take_items)(source, result.items, seen)
        delay = next_delay_s(source, failures, self.jitter)
        # Most polls change nothing (304 Not Modified): with a memo, no write, no fsync.
        snapshot = (result.state, len(seen), result.error, failures)
        if memo is None or snapshot != memo.last_saved:
            self.store.save_source_state(source.id, result.state, seen, error=result.error,
                                         failures=failures, next_poll_at=time.time() + delay)
        if memo is not None:
            memo.failures, memo.last_saved = failures, snapshot
        return PollOutcome(result.items, result.error, failures, delay)

    # --- items -> documents -> events -> alerts -----------------------------------------

    async def take_items(self, source: SourceConfig, items: list[FetchedItem], seen: set[str]) -> None:
        for item in items:
            seen.add(item.item_key or item.url)
            await self.take_item(source, item)

    async def take_item(self, source: SourceConfig, item: FetchedItem) -> str:
        """Extract and store one fetched item, queue its alerts. Returns what it
        was: "repeat" (taken in before), "near-duplicate" (recorded, linked to
        its first copy, not alerted) or "document"."""
        self.stats.items += 1
        url = item_url(item, source)
        content = dedup.text_sha256(item.text)
        if self.store.item_seen(url, content):
            self.stats.exact_duplicates += 1
            return "repeat"
        signature = dedup.minhash(item.text)
        document = document_from_item(item, source)
        if self.shared:
            self.refresh_near()
        first_copy = self.near.first_copy(signature)
        if first_copy is not None:
            # A syndicated copy: kept as evidence, linked, never alerted again.
            self.stats.near_duplicates += 1
            self.store.record_item(url, content, None, source.id, duplicate_of=first_copy, minhash=None)
            return "near-duplicate"
        extraction = await self.extract(document)
        async with self._store_lock:
            if self.store.item_seen(url, content):      # another job took it in meanwhile
                self.stats.exact_duplicates += 1
                return "repeat"
            self.store_extraction(extraction)
            self.store.record_item(url, content, document.id, source.id, duplicate_of=None,
                                   minhash=dedup.to_bytes(signature))
            self.near.add(document.id, signature)
            self.queue_alerts([document.id])
        return "document"

    async def extract(self, document: Document) -> DocumentExtraction:
        """Extraction of one document, in the pool (without the raw snapshot) or here."""
        light = replace(document, raw=b"")
        if self.extractor is None:
            extraction = _extract_here(light)
        else:
            from .pipeline import _extract_detached
            extraction = await asyncio.get_running_loop().run_in_executor(
                self.extractor, _extract_detached, light)
        extraction.document = document
        return extraction

    def store_extraction(self, extraction: DocumentExtraction, *, reextract: bool = False) -> bool:
        """Resolve the document's persons against the store (indexed candidates)
        and store it with its events, in one transaction. True when new."""
        from .resolve import resolve
        from .store.keys import known_persons
        resolution = resolve([extraction], known=known_persons(self.store, [extraction]))
        assignments = {local: pid for (_, local), pid in resolution.assignments.items()}
        added = self.store.add_document(extraction.document, extraction.persons, resolution.persons,
                                        assignments, extraction.events, analysed=extraction.analysed,
                                        note=extraction.note, replace=reextract)
        if added:
            self.stats.documents += 1
            self.stats.events += len(extraction.events)
        return added

    def queue_alerts(self, document_ids: list[str]) -> int:
        """Queue the alerts of stored documents; also when a document was
        already stored (a crash may have come between storing it and queueing
        its alerts): a (rule, event) queues once."""
        from .alerts import queue_alerts
        queued = queue_alerts(self.store, document_ids)
        self.stats.alerts_enqueued += queued
        if queued and self.on_queued is not None:
            self.on_queued()
        return queued

    async def ingest_document(self, document: Document) -> bool:
        """Extract and store one read document (a backfill: `khronika ingest`'s
        work for one file, no alerts). False when it was stored already."""
        if self.store.has_document(document.id):
            return False
        extraction = await self.extract(document)
        async with self._store_lock:
            return self.store_extraction(extraction)

    async def reextract(self, document_id: str) -> bool:
        """Extract a stored document again (reviewed events keep the reviewer's
        decision, see Store.add_document). False when there is no such document."""
        document = self.store.document(document_id)
        if document is None:
            return False
        extraction = await self.extract(document)
        async with self._store_lock:
            self.store_extraction(extraction, reextract=True)
        return True

    # --- deliveries ---------------------------------------------------------------------

    async def deliver_alerts(self, client=None) -> tuple[int, int]:
        """Send the alerts that are due, each claimed in the database first (any
        number of processes may run this at once). (sent, failed attempts)."""
        from .alerts.outbox import deliver_due
        sent, failed = await deliver_due(self.store, client=client)
        self.stats.alerts_sent += sent
        return sent, failed

    def send_reminders(self, today=None) -> tuple[int, list[str]]:
        """Deadline reminders that are due, each (deadline, due, address) claimed
        first. Blocking (SMTP): run it in a thread from an event loop."""
        from .alerts.reminders import send_due_reminders
        sent, errors = send_due_reminders(self.store, today)
        for error in errors:
            log.warning("deadline reminder not sent: %s", error)
        return sent, errors
