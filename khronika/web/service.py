"""What the pages and the API both show, assembled once from the store.

Each function takes the request's `Context` and applies its role's limits
itself, so an HTML page and its JSON twin cannot disagree about what a
viewer may see.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import os
import threading
from collections import OrderedDict
from typing import Any

from fastapi import HTTPException

from khronika.model import EVENT_TYPES, title_from_text
from khronika.publish.withhold import WITHHELD, for_store
from khronika.store.paging import persons_page
from khronika.web import i18n
from khronika.web.context import Context

PAGE_SIZE = 20


def _visible_person(ctx: Context, person_id: str) -> tuple[dict, list]:
    """The person and the facts this user may see of them; KeyError when the
    user may not see the person at all: viewers see only persons with a
    confirmed event who are not marked "do not publish"."""
    ctx.require(True)
    person = ctx.store.person_record(person_id)
    if person is None:
        redirect = ctx.store.person_redirects([person_id]).get(person_id)
        if redirect and not ctx.user.sees_unreviewed:
            # A viewer is not told where a merged id went when it went to a withheld person.
            target = ctx.store.person_record(redirect)
            if target is None or target["do_not_publish"]:
                raise KeyError(person_id)
        if redirect:
            raise HTTPException(308, headers={"Location": f"/persons/{redirect}"}, detail=redirect)
        raise KeyError(person_id)
    viewer = not ctx.user.sees_unreviewed
    if viewer and person["do_not_publish"]:
        raise KeyError(person_id)
    facts = ctx.store.timeline(person_id, confirmed_only=viewer)
    if viewer and not facts:
        raise KeyError(person_id)
    return person, facts


class PageCache:
    """Person pages are read far more often than they change: their data (and
    each language's rendered timeline) are kept per (person, what the role
    may see), valid while `Store.person_version` is unchanged — one indexed
    query instead of the timeline's grouping and the evidence contexts.
    In-process, bounded (least recently used out); KHRONIKA_PAGE_CACHE=0 turns
    it off (bench/web.py measures both)."""

    def __init__(self, size: int = 512):
        self.size = size
        self.enabled = os.environ.get("KHRONIKA_PAGE_CACHE", "1") != "0"
        self._entries: OrderedDict[tuple, tuple[tuple, dict]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple, version: tuple) -> dict | None:
        if not self.enabled:
            return None
        with self._lock:
            found = self._entries.get(key)
            if found is None or found[0] != version:
                return None
            self._entries.move_to_end(key)
            return found[1]

    def put(self, key: tuple, version: tuple, value: dict) -> None:
        if not self.enabled:
            return
        with self._lock:
            self._entries[key] = (version, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)


def person_page(ctx: Context, person_id: str) -> dict[str, Any]:
    """The person and their timeline. The returned dict may be shared with
    other requests (see PageCache): callers must not change it."""
    cache: PageCache = ctx.request.app.state.page_cache
    version = ctx.store.person_version(person_id)
    sees_all = ctx.user is not None and ctx.user.sees_unreviewed
    # A viewer's page masks the withheld persons: it changes when they do.
    key = (person_id, sees_all, None if sees_all or ctx.user is None else for_store(ctx.store)[0])
    found = cache.get(key, version) if version is not None and ctx.user is not None else None
    if found is not None:
        return found
    data = _person_page(ctx, person_id)
    if version is not None:
        cache.put(key, version, data)
    return data


def _person_page(ctx: Context, person_id: str) -> dict[str, Any]:
    person, facts = _visible_person(ctx, person_id)
    spans = [(s.document_id, s.start, s.end) for f in facts for s in f.sources
             if s.start is not None and s.end is not None]
    contexts = ctx.store.evidence_contexts(spans)
    viewer = not ctx.user.sees_unreviewed
    withholder = for_store(ctx.store)[1] if viewer else None
    timeline = []
    for fact in facts:
        sources = []
        for source in fact.sources:
            found = contexts.get((source.document_id, source.start, source.end))
            context = None if found is None else {"text": found[0], "start": found[1], "end": found[2]}
            item = source._asdict() | {"context": context}
            if withholder:          # viewers: "do not publish" persons named nowhere
                _mask_source(withholder, item)
            sources.append(item)
        # Shallow on purpose: dataclasses.asdict deep-copies every field.
        timeline.append({field.name: getattr(fact, field.name) for field in dataclasses.fields(fact)}
                        | {"sources": sources, "status": "confirmed" if fact.confirmed else "unreviewed"})
    dated = [f for f in facts if f.date]
    status = dated[-1].type if dated else (facts[-1].type if facts else None)
    public = {k: person[k] for k in ("id", "name", "name_latin", "aliases", "role", "gender", "attributes")}
    if viewer:
        # Attributes are machine-extracted and never reviewed: not for viewers.
        public["attributes"] = {}
    else:
        public["do_not_publish"] = bool(person["do_not_publish"])
        public["locked"] = bool(person["locked"])
    return {"person": public, "status": status, "timeline": timeline, "rendered": {}}


def _mask_source(withholder, item: dict) -> None:
    """One source of a viewer's timeline with the withheld persons masked."""
    document_id = item["document_id"]
    item["evidence"] = withholder.mask(item["evidence"], document_id)
    item["title"] = withholder.mask(item["title"], document_id)
    context = item["context"]
    if context is not None:
        text, (start, end) = withholder.mask_keeping(context["text"], (context["start"], context["end"]),
                                                     document_id)
        item["context"] = {"text": text, "start": start, "end": end}


def persons(ctx: Context, fragment: str | None = None) -> list[dict]:
    return persons_paged(ctx, fragment)[0]


def persons_paged(ctx: Context, fragment: str | None = None, *, after: str | None = None,
                  limit: int | None = None) -> tuple[list[dict], str | None]:
    """One page of the persons index by (name, id), and the next page's
    cursor (None: the last page). See khronika.store.paging."""
    ctx.require(True)
    named = None
    if fragment and fragment.strip():
        from khronika.resolve import persons_named
        named = {p.id for p in persons_named(ctx.store, fragment.strip())}
    found, next_cursor = persons_page(ctx.store, confirmed_only=not ctx.user.sees_unreviewed,
                                      after=after, limit=limit, only=named)
    if not ctx.user.sees_unreviewed:
        for item in found:
            item.pop("do_not_publish", None)
    return found, next_cursor


def document(ctx: Context, doc_id: str) -> dict:
    """A stored document with its events. Viewers see only documents that are
    a source of a confirmed, publishable fact, and only those facts."""
    ctx.require(True)
    record = ctx.store.document_record(doc_id)
    if record is None:
        raise KeyError(doc_id)
    if not ctx.user.sees_unreviewed:
        record["events"] = [e for e in record["events"]
                            if e["review_status"] == "confirmed" and not e["do_not_publish"]]
        if not record["events"]:
            raise KeyError(doc_id)
        _mask_document(for_store(ctx.store)[1], record)
    for key in ("meta", "removed", "path"):
        record.pop(key, None)
    record["title"] = record.get("title") or title_from_text(record.get("text"))
    corrected = edited_events(ctx.store, [e["id"] for e in record["events"] if e["review_status"] == "confirmed"])
    for event in record["events"]:
        event["status"] = i18n.review_status(event.pop("review_status"), edited=event["id"] in corrected)
    return record


def edited_events(store, event_ids: list[str]) -> set[str]:
    """Which of these confirmed events a reviewer corrected (the audit log
    keeps each review's before and after; the store keeps only "confirmed")."""
    return {event_id for event_id in event_ids
            if any(entry["action"] == "review" and i18n.corrects_event(entry["before"], entry["after"])
                   for entry in store.audit_entries(entity="event", entity_id=event_id, limit=20))}


def _mask_document(withholder, record: dict) -> None:
    """A viewer's document: every mention of a withheld person masked in the
    title, the text and the evidence, the evidence spans moved to match."""
    if not withholder:
        return
    doc_id = record["id"]
    events = record["events"]
    offsets = [o for e in events for o in (e["span_start"], e["span_end"])]
    text, moved = withholder.mask_keeping(record["text"] or "", offsets, doc_id)
    record["text"] = text
    record["title"] = withholder.mask(record["title"], doc_id)
    for i, event in enumerate(events):
        event["span_start"], event["span_end"] = moved[2 * i], moved[2 * i + 1]
        event["evidence"] = withholder.mask(event["evidence"], doc_id)


def snapshot_document(ctx: Context, doc_id: str) -> dict:
    """The document whose captured bytes may be downloaded: as `document`,
    but a viewer gets no snapshot of a text that names a withheld person
    (the bytes cannot be masked)."""
    record = document(ctx, doc_id)
    if not ctx.user.sees_unreviewed and WITHHELD in (record["text"] or "") + (record["title"] or ""):
        raise KeyError(doc_id)
    return record


def person_id_for(ctx: Context, person: str) -> str:
    """A person given by id or by any of their names (any case, any script):
    exactly one must match."""
    from khronika.resolve import persons_named
    person = person.strip()
    found = persons_named(ctx.store, person)
    if not ctx.user.sees_unreviewed:
        visible = {p["id"] for p in persons(ctx)}
        found = [p for p in found if p.id in visible]
    if len(found) == 1:
        return found[0].id
    if not found:
        raise ValueError(f"no person known as {person!r}")
    raise ValueError(f"several persons match {person!r}: " + "; ".join(p.name for p in found[:10]))


def search(ctx: Context, q: str, *, person: str | None = None, type: str | None = None,
           country: str | None = None, date_from: str | None = None, date_to: str | None = None,
           source: str | None = None, page: int = 1, after: str | None = None) -> dict:
    """One page of hits. `after`: the `next_cursor` of the page before (keyset
    paging; `page` then only numbers the hits); without it, `page` is an offset."""
    ctx.require(True)
    if type and type not in EVENT_TYPES:
        raise ValueError(f"unknown event type {type!r}")
    for value in (date_from, date_to):
        if value and not _iso_prefix(value):
            raise ValueError(f"not a date: {value!r} (use YYYY, YYYY-MM or YYYY-MM-DD)")
    page = max(1, min(page, 500))
    person = person_id_for(ctx, person) if person else None
    withholder = None if ctx.user.sees_unreviewed else for_store(ctx.store)[1]
    if withholder and _names_withheld(withholder, q):
        # A viewer asking for a withheld person gets what an unknown name gets.
        return {"query": q, "page": page, "page_size": PAGE_SIZE, "total": 0, "total_capped": False,
                "hits": [], "next_cursor": None, "total_label": "0"}
    result = ctx.store.search(
        q, person_id=person or None, types=[type] if type else None, country=(country or None),
        date_from=date_from or None, date_to=date_to or None, source=source or None,
        limit=PAGE_SIZE, offset=0 if after else (page - 1) * PAGE_SIZE,
        confirmed_only=not ctx.user.sees_unreviewed, after=after)
    hits = [dict(vars(hit)) for hit in result.hits]     # flat: no asdict deep copy
    if withholder:
        for hit in hits:
            for key in ("title", "sentence", "snippet_html"):
                hit[key] = withholder.mask(hit[key], hit["document_id"])
    return {"query": q, "page": page, "page_size": PAGE_SIZE, "total": result.total,
            "total_capped": result.total_capped, "hits": hits, "next_cursor": result.next_cursor,
            # "1 000+": a capped count is a lower bound, and says so.
            "total_label": f"{result.total:,}".replace(",", "\u202f") + ("+" if result.total_capped else "")}


def _names_withheld(withholder, q: str | None) -> bool:
    """Whether a search query names a withheld person (a word of their name
    in any form, or a prefix ("Скрытн*") of one)."""
    if not q or not withholder:
        return False
    if withholder.names_withheld(q) or withholder.names_withheld(q.title()):
        return True
    prefixes = [w.rstrip("*").casefold() for w in q.replace('"', " ").split() if w.endswith("*")]
    prefixes = [p for p in prefixes if len(p) >= 2]
    if not prefixes:
        return False
    words = {w.casefold() for form in withholder.forms() for w in form.replace(".", " ").split()
             if len(w) > 1}
    return any(w.startswith(p) for p in prefixes for w in words)


def _iso_prefix(value: str) -> bool:
    """A date at year, month or day precision ("2025", "2025-06", "2025-06-14")."""
    for form in ("%Y", "%Y-%m", "%Y-%m-%d"):
        try:
            dt.datetime.strptime(value, form)
            return True
        except ValueError:
            continue
    return False


def trends(ctx: Context) -> dict:
    """Events by month × country × type, and the same as chart series."""
    ctx.require(True)
    rows = ctx.store.trends(confirmed_only=not ctx.user.sees_unreviewed)
    return {"rows": rows}


def case_file(ctx: Context, person_id: str) -> dict:
    ctx.require(ctx.user is not None and ctx.user.can_see_cases)
    if ctx.store.person_record(person_id) is None:
        raise KeyError(person_id)
    return ctx.store.case_file(person_id)
