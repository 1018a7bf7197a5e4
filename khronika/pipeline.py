"""The pipeline, stage by stage: read -> extract (in a pool) -> resolve -> store or print.

Each function takes and returns plain data; the CLI, the benchmarks and the
tests call the same functions.
"""
from __future__ import annotations

import multiprocessing
import os
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace

from .model import Document, DocumentExtraction, ReadFailure, Resolution
from .nlp import extract_document, warm_up
from .readers import read_paths
from .resolve import resolve


def read_documents(paths: Iterable[str]) -> tuple[list[Document], list[ReadFailure]]:
    docs: list[Document] = []
    failures: list[ReadFailure] = []
    seen: set[str] = set()
    for item in read_paths(paths):
        if isinstance(item, ReadFailure):
            failures.append(item)
        elif item.id not in seen:          # the same bytes named twice are one document
            seen.add(item.id)
            docs.append(item)
    return docs, failures


def _progress(iterable, total: int, enabled: bool, desc: str):
    if not enabled or not sys.stderr.isatty():
        return iterable
    from tqdm import tqdm
    return tqdm(iterable, total=total, desc=desc, unit="doc", file=sys.stderr)


def _pool(jobs: int) -> ProcessPoolExecutor:
    # fork shares the already-imported code; each worker loads the models once.
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    return ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context(method),
                               initializer=_start_worker, initargs=(os.getpid(),))


def _start_worker(parent: int) -> None:
    """A pool worker ends with its parent: a `watch` or an `ingest --jobs` killed
    with -9 must not leave workers holding the models and the store."""
    def follow() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)
    threading.Thread(target=follow, name="khronika-parent-watch", daemon=True).start()
    warm_up()


def iter_extractions(docs: list[Document], jobs: int = 1, progress: bool = False,
                     pool: ProcessPoolExecutor | None = None) -> Iterator[DocumentExtraction]:
    """Extractions in the order of `docs`, computed in `jobs` processes."""
    jobs = max(1, jobs or 1)
    if jobs == 1 and pool is None:
        yield from _progress(map(extract_document, docs), len(docs), progress, "extract")
        return
    own = pool is None
    pool = pool or _pool(jobs)
    try:
        chunk = max(1, min(16, len(docs) // (jobs * 4) or 1))
        # Workers get the text without the raw snapshot and send back no document:
        # the parent already holds both, and pickling them twice costs a tenth of a core.
        light = (replace(d, raw=b"") for d in docs)
        results = pool.map(_extract_detached, light, chunksize=chunk)
        for doc, ex in zip(docs, _progress(results, len(docs), progress, "extract")):
            ex.document = doc
            yield ex
    finally:
        if own:
            pool.shutdown()


def _extract_detached(document: Document) -> DocumentExtraction:
    extraction = extract_document(document)
    extraction.document = None
    return extraction


def extract_documents(docs: list[Document], jobs: int = 1, progress: bool = False,
                      pool: ProcessPoolExecutor | None = None) -> list[DocumentExtraction]:
    return list(iter_extractions(docs, jobs, progress, pool))


def default_jobs() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


# --- the output contract ------------------------------------------------------

def contract_json(extractions: list[DocumentExtraction], resolution: Resolution) -> dict:
    """`khronika extract --json`: documents, persons, events as in SPEC.md."""
    documents = []
    events = []
    for ex in extractions:
        d = ex.document
        documents.append({"id": d.id, "path": d.path, "title": d.title, "url": d.url,
                          "source": d.source, "language": d.language,
                          "published": d.published, "frame": ex.frame, "sha256": d.sha256,
                          **({"note": ex.note} if ex.note else {})})
        for e in ex.events:
            pid = resolution.assignments.get((d.id, e.person))
            if pid is None:
                continue
            events.append({"id": e.id, "person": pid, "type": e.type, "date": e.date,
                           "date_text": e.date_text, "place": e.place, "country": e.country,
                           "destination": e.destination, "charge": e.charge,
                           "term_years": e.term_years, "document": d.id, "evidence": e.evidence,
                           "confidence": e.confidence})
    persons = [{"id": p.id, "name": p.name, "name_latin": p.name_latin, "aliases": p.aliases,
                "role": p.role, "gender": p.gender, "attributes": p.attributes}
               for p in resolution.persons]
    return {"documents": documents, "persons": persons, "events": events}


# --- ingest ----------------------------------------------------------------------

@dataclass
class IngestReport:
    added: int = 0
    skipped: int = 0
    events: int = 0
    failures: list[ReadFailure] = field(default_factory=list)
    not_analysed: list[tuple[str, str]] = field(default_factory=list)   # (path, "not analysed: language xx")


def ingest(paths: Iterable[str], store, jobs: int = 1, progress: bool = False,
           reextract: bool = False) -> IngestReport:
    """Read, extract and store. One transaction per document, so a crash loses
    at most the document being written and a re-run completes the rest.
    `reextract` extracts stored documents again; reviewed events keep the
    reviewer's decision (see Store.add_document)."""
    docs, failures = read_documents(paths)
    report = IngestReport(failures=failures)
    todo = docs if reextract else [d for d in docs if not store.has_document(d.id)]
    report.skipped = len(docs) - len(todo)
    for ex in iter_extractions(todo, jobs=jobs, progress=progress):
        from .store.keys import known_persons  # those a mention's surname key reaches (indexed)
        known = known_persons(store, [ex])
        resolution = resolve([ex], known=known)
        persons = resolution.persons
        assignments = {local: pid for (doc_id, local), pid in resolution.assignments.items()}
        if store.add_document(ex.document, ex.persons, persons, assignments, ex.events,
                              analysed=ex.analysed, note=ex.note, replace=reextract):
            report.added += 1
            report.events += len(ex.events)
            if not ex.analysed:
                report.not_analysed.append((ex.document.path, ex.note or "not analysed"))
        else:
            report.skipped += 1
    return report
