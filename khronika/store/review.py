"""The review queue as work (issue 13, item 1): filters, what matters first,
counts of what is left, and decisions on many events at once.

Order — "subjects with fresh events first": events by the date of the
happening they report (events.date, newest first; a year-only "2026"
sorts after the days of 2026, undated events last), then by person, so the
one subject's events of one day sit together, then by document, sentence
and id. A detention of last week comes before a backlog of 2023 reports
whatever order they were ingested in. The index
ix_events_review_status_date (revision 0012) serves the unfiltered queue.

Keyset paging as in paging.py: the cursor is the last row's
(date, person, document, span, id); a null date is part of the key.
Counts stop at COUNT_CAP (a "1000+" is a lower bound): a reviewer needs
"more than a day's work", not the exact backlog, and each count is a scan of
up to COUNT_CAP rows on every page (bench/web.py's review phase).
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from khronika.model import EVENT_TYPES
from khronika.store import schema as tables
from khronika.store.casework import PENDING_REVIEW, REVIEW_DECISIONS
from khronika.store.common import _chunks
from khronika.store.paging import clamp_limit, decode_cursor, encode_cursor

FILTERS = ("person", "document", "type", "min_confidence", "source")
COUNT_CAP = 1_000
MAX_BULK = 500


def _conditions(filters: dict[str, Any]) -> list:
    """The WHERE terms of the filters that are set (a filter of None/"" is off)."""
    event, document = tables.events.c, tables.documents.c
    terms = []
    if filters.get("person"):
        person = filters["person"]      # an id, or a list of ids (every record a typed name denotes)
        terms.append(event.person_id.in_(person) if isinstance(person, list) else event.person_id == person)
    if filters.get("document"):
        terms.append(event.document_id == filters["document"])
    if filters.get("type"):
        if filters["type"] not in EVENT_TYPES:
            raise ValueError(f"unknown event type {filters['type']!r}")
        terms.append(event.type == filters["type"])
    if filters.get("min_confidence") not in (None, ""):
        terms.append(event.confidence >= float(filters["min_confidence"]))
    if filters.get("source"):
        terms.append(event.document_id.in_(
            sa.select(document.id).where(document.source == filters["source"])))
    return terms


def _capped_count(connection, terms: list) -> tuple[int, bool]:
    event = tables.events.c
    rows = (sa.select(sa.literal(1)).select_from(tables.events)
            .where(event.review_status == PENDING_REVIEW, *terms).limit(COUNT_CAP + 1))
    n = int(connection.scalar(sa.select(sa.func.count()).select_from(rows.subquery())) or 0)
    return min(n, COUNT_CAP), n > COUNT_CAP


def review_queue(store, *, after: str | None = None, limit: int | None = None,
                 **filters: Any) -> dict[str, Any]:
    """One page of the events awaiting review that pass the filters (person
    id, document id, event type, min_confidence, document source), in the
    order above, and the counts of what is left: `total` (the whole queue),
    `matching` (these filters) and `by_filter` (each set filter alone).
    `capped` names the counts that stopped at COUNT_CAP."""
    unknown = set(filters) - set(FILTERS)
    if unknown:
        raise TypeError(f"unknown review filters: {', '.join(sorted(unknown))}")
    key = _decode(after)
    limit = clamp_limit(limit)
    event, person, document = tables.events.c, tables.persons.c, tables.documents.c
    terms = _conditions(filters)
    query = (
        sa.select(event.id, event.type, event.date, event.date_text, event.place, event.country,
                  event.destination, event.charge, event.term_years, event.evidence, event.confidence,
                  event.created_at, event.person_id, event.document_id, event.span_start, event.span_end,
                  person.name.label("person_name"), person.name_latin.label("person_name_latin"),
                  document.title.label("document_title"), document.url.label("document_url"),
                  document.path.label("document_path"), document.source.label("document_source"),
                  document.published)
        .join(tables.persons, person.id == event.person_id)
        .join(tables.documents, document.id == event.document_id)
        .where(event.review_status == PENDING_REVIEW, *terms)
        .order_by(event.date.desc().nulls_last(), event.person_id, event.document_id, event.span_start,
                  event.id)
        .limit(limit + 1))
    if key is not None:
        query = query.where(_after(key))
    with store._reading() as connection:
        rows = [dict(row) for row in connection.execute(query).mappings()]
        counts, capped = {}, []
        counts["total"], over = _capped_count(connection, [])
        if over:
            capped.append("total")
        counts["matching"], over = _capped_count(connection, terms) if terms else (counts["total"], over)
        if over:
            capped.append("matching")
        by_filter = {}
        set_filters = [name for name in FILTERS if filters.get(name) not in (None, "")]
        for name in set_filters if len(set_filters) > 1 else []:
            by_filter[name], over = _capped_count(connection, _conditions({name: filters[name]}))
            if over:
                capped.append(name)
        if len(set_filters) == 1:
            by_filter[set_filters[0]] = counts["matching"]
    more = len(rows) > limit
    rows = rows[:limit]
    next_key = None
    if more and rows:
        last = rows[-1]
        next_key = encode_cursor((last["date"], last["person_id"], last["document_id"], last["span_start"],
                                  last["id"]))
    for row in rows:
        row["status"] = "unreviewed"
    return {"events": rows, "next": next_key, "total": counts["total"], "matching": counts["matching"],
            "by_filter": by_filter, "capped": capped}


def _decode(cursor: str | None) -> tuple | None:
    """A queue cursor: (date or null, person, document, span, id)."""
    try:
        return decode_cursor(cursor, (str, str, str, int, str))
    except ValueError:
        return decode_cursor(cursor, (type(None), str, str, int, str))


def _after(key: tuple):
    """Rows after `key` in the order date DESC NULLS LAST, then the rest ascending."""
    event = tables.events.c
    date, rest = key[0], key[1:]
    tail = sa.tuple_(event.person_id, event.document_id, event.span_start, event.id) > sa.tuple_(*rest)
    if date is None:
        return sa.and_(event.date.is_(None), tail)
    return sa.or_(event.date < date, event.date.is_(None), sa.and_(event.date == date, tail))


def review_many(store, event_ids: Iterable[str], decision: str, username: str,
                changes: dict[str, Any] | None = None) -> list[dict]:
    """One decision (with the same corrections, if any) on several events: a
    selection in the queue, or every mention of one fact. Each event is
    decided as `Store.review_event` decides one and gets its own audit
    entry. Returns the events as stored afterwards."""
    ids = list(dict.fromkeys(i for i in event_ids if i))
    if not ids:
        raise ValueError("no events chosen")
    if len(ids) > MAX_BULK:
        raise ValueError(f"at most {MAX_BULK} events at once")
    if decision not in REVIEW_DECISIONS:
        raise ValueError(f"decision must be one of {', '.join(REVIEW_DECISIONS)}")
    found: dict[str, dict] = {}
    with store._reading() as connection:
        for chunk in _chunks(ids):
            for row in connection.execute(sa.select(tables.events).where(tables.events.c.id.in_(chunk))).mappings():
                found[row["id"]] = dict(row)
    missing = [i for i in ids if i not in found]
    if missing:
        raise KeyError(missing[0])
    done = []
    for event_id in ids:
        before = found[event_id]
        # A form sends each field back as shown: only what differs is a
        # correction, so an unchanged country lets a corrected place move it
        # (Store.review_event), as the single-event form does (pages.review).
        own = {k: v for k, v in (changes or {}).items() if v not in (None, "") and v != (before.get(k) or "")}
        done.append(store.review_event(event_id, decision, username, own))
    return done


def person_left(store, person_id: str) -> int:
    """How many of a person's events await review."""
    event = tables.events.c
    with store._reading() as connection:
        return int(connection.scalar(sa.select(sa.func.count()).select_from(tables.events).where(
            event.person_id == person_id, event.review_status == PENDING_REVIEW)) or 0)
