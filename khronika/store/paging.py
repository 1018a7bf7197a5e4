"""Keyset pagination for the long lists: the persons index, the review
queue and the audit log (issue 12, item 6).

Every list is ordered by a unique key; a page is "the next `limit` rows
after this key", so deep pages cost what the first one does (never OFFSET).
The key of a page's last row travels as an opaque cursor: base64url of its
JSON. A cursor that does not decode to the expected key raises `BadCursor`
(a ValueError: the web app answers 400).
"""
from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable

import sqlalchemy as sa

from khronika.store import schema as tables
from khronika.store.casework import CONFIRMED, PENDING_REVIEW
from khronika.store.reading import count_event, overview_item

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
COUNT_CAP = 10_000


class BadCursor(ValueError):
    pass


def encode_cursor(key: Iterable) -> str:
    raw = json.dumps(list(key), ensure_ascii=False, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def decode_cursor(cursor: str | None, types: tuple[type, ...]) -> tuple | None:
    """The key in `cursor`, checked against `types`; None for no cursor."""
    if cursor is None or cursor == "":
        return None
    try:
        if len(cursor) > 2000:
            raise ValueError
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        key = json.loads(raw.decode())
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise BadCursor("bad cursor") from None
    if (not isinstance(key, list) or len(key) != len(types)
            or not all(type(v) is t for v, t in zip(key, types))):
        raise BadCursor("bad cursor")
    return tuple(key)


def clamp_limit(limit: int | None) -> int:
    return max(1, min(int(limit or DEFAULT_LIMIT), MAX_LIMIT))


def persons_page(store, *, confirmed_only: bool = False, after: str | None = None,
                 limit: int | None = None, only: Iterable[str] | None = None
                 ) -> tuple[list[dict], str | None]:
    """Persons with events, by (name, id), after the cursor `after`: each
    with its latest event, countries and how many facts are known (the
    fields of `persons_overview`). `only`: limit to these person ids.
    Returns the page and the cursor of the next one (None: last page)."""
    key = decode_cursor(after, (str, str))
    limit = clamp_limit(limit)
    event, person = tables.events.c, tables.persons.c
    statuses = (CONFIRMED,) if confirmed_only else (CONFIRMED, PENDING_REVIEW)
    # coalesce(): keeps SQLite on the person_id index (not the status one) for a viewer's single status.
    has_events = sa.exists().where(event.person_id == person.id,
                                   sa.func.coalesce(event.review_status, "").in_(statuses))
    query = (sa.select(person.id, person.name, person.name_latin, person.role, person.do_not_publish)
             .where(has_events).order_by(person.name, person.id).limit(limit + 1))
    if confirmed_only:
        query = query.where(person.do_not_publish.is_(False))
    if only is not None:
        query = query.where(person.id.in_(list(only)))
    if key is not None:
        query = query.where(sa.tuple_(person.name, person.id) > sa.tuple_(*key))
    with store._reading() as connection:
        rows = [dict(row) for row in connection.execute(query).mappings()]
        more = len(rows) > limit
        rows = rows[:limit]
        items = {row["id"]: overview_item(row) for row in rows}
        if items:
            # By person only (the status is checked here): with the status in
            # the WHERE, SQLite may walk the status index over every event.
            for row in connection.execute(
                    sa.select(event.person_id, event.type, event.date, event.country, event.review_status)
                    .where(event.person_id.in_(list(items)))).mappings():
                if row["review_status"] in statuses:
                    count_event(items[row["person_id"]], row)
    page = list(items.values())
    for item in page:
        item["countries"] = sorted(item["countries"])
        del item["_latest"]
    last = page[-1] if page else None
    return page, (encode_cursor((last["name"], last["id"])) if more and last else None)


def review_page(store, *, after: str | None = None, limit: int | None = None
                ) -> tuple[int, bool, list[dict], str | None]:
    """Events awaiting review, oldest first (created_at, document, span, id),
    after the cursor. Returns (waiting, capped, events, next cursor); the
    count of waiting events stops at COUNT_CAP (`capped`)."""
    key = decode_cursor(after, (str, str, int, str))
    limit = clamp_limit(limit)
    event, person, document = tables.events.c, tables.persons.c, tables.documents.c
    waiting = event.review_status == PENDING_REVIEW
    order = (event.created_at, event.document_id, event.span_start, event.id)
    query = (
        sa.select(event.id, event.type, event.date, event.date_text, event.place, event.country,
                  event.destination, event.charge, event.term_years, event.evidence, event.confidence,
                  event.created_at, event.person_id, event.document_id, event.span_start,
                  person.name.label("person_name"), person.name_latin.label("person_name_latin"),
                  document.title.label("document_title"), document.url.label("document_url"),
                  document.path.label("document_path"), document.published)
        .join(tables.persons, person.id == event.person_id)
        .join(tables.documents, document.id == event.document_id)
        .where(waiting).order_by(*order).limit(limit + 1))
    if key is not None:
        query = query.where(sa.tuple_(*order) > sa.tuple_(*key))
    with store._reading() as connection:
        capped_rows = sa.select(sa.literal(1)).select_from(tables.events).where(waiting).limit(COUNT_CAP + 1)
        total = int(connection.scalar(sa.select(sa.func.count()).select_from(capped_rows.subquery())) or 0)
        rows = [dict(row) for row in connection.execute(query).mappings()]
    more = len(rows) > limit
    rows = rows[:limit]
    next_key = None
    if more and rows:
        last = rows[-1]
        next_key = encode_cursor((last["created_at"], last["document_id"], last["span_start"], last["id"]))
    for row in rows:
        del row["span_start"]
    return min(total, COUNT_CAP), total > COUNT_CAP, rows, next_key


def audit_page(store, *, after: str | None = None, limit: int | None = None, entity: str | None = None
               ) -> tuple[list[dict], str | None]:
    """The audit log, newest first (by id), after the cursor."""
    key = decode_cursor(after, (int,))
    limit = clamp_limit(limit)
    log = tables.audit_log.c
    query = sa.select(tables.audit_log).order_by(log.id.desc()).limit(limit + 1)
    if entity:
        query = query.where(log.entity == entity)
    if key is not None:
        query = query.where(log.id < key[0])
    with store._reading() as connection:
        rows = [dict(row) for row in connection.execute(query).mappings()]
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (encode_cursor((rows[-1]["id"],)) if more and rows else None)
