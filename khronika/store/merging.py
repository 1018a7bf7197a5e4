"""Safe merges of two persons (issue 13, item 2): what a merge would make,
the record that lets a merge be undone, and the undo ("split back").

`merge_preview` shows the merged timeline, the names to choose the
canonical one from and the attributes on which the two disagree, with a
token of both persons' state: a confirmation carrying a stale token (one
of them changed since the preview) is refused (`check_token`).

`Store.merge_persons` keeps `undo_record`'s snapshot in its audit entry
(after.undo): every row it moves, by id, and both persons as they were.
`undo_merge` reads it back and restores the merged-away person with its
events, mentions, aliases and case-file items; rows that a later decision
moved elsewhere (a split, another merge) stay where that decision put them.
A merge's redirect makes re-resolution send the merged-away person's new
documents to the survivor (Store._follow_redirects): only this undo, a
human decision, removes it.
"""
from __future__ import annotations

import hashlib
import json
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from khronika.store import schema as tables
from khronika.store.common import _now
from khronika.store.facts import group_facts

PERSON_FIELDS = ("id", "name", "name_latin", "role", "gender", "attributes", "created_at", "updated_at",
                 "locked", "do_not_publish")
MOVED_TABLES = ("events", "mentions", "deadlines", "tasks", "notes", "attachments")


def name_choices(into: dict, other: dict) -> list[str]:
    """The names a merged person may go by: both current names first, then
    every other form either is known by."""
    names = [into["name"], other["name"]]
    for person in (into, other):
        names += [person["name_latin"], *person.get("aliases", [])]
    return list(dict.fromkeys(n for n in names if n))


def attribute_conflicts(into: dict, other: dict) -> list[dict]:
    """The attributes (gender and the attributes dict) that both persons carry
    with different values; what only one carries is simply kept."""
    found = []
    if into.get("gender") and other.get("gender") and into["gender"] != other["gender"]:
        found.append({"key": "gender", "into": into["gender"], "other": other["gender"]})
    a, b = into.get("attributes") or {}, other.get("attributes") or {}
    for key in sorted(set(a) & set(b)):
        if a[key] != b[key]:
            found.append({"key": key, "into": a[key], "other": b[key]})
    return found


def preview_token(store, into_id: str, other_id: str) -> str:
    """A digest of both persons' state (Store.person_version): it changes when
    either's names, flags or events do."""
    state = [into_id, other_id, store.person_version(into_id), store.person_version(other_id)]
    return hashlib.sha256(json.dumps(state, default=str).encode()).hexdigest()[:32]


def check_token(store, into_id: str, other_id: str, token: str | None) -> None:
    if token and token != preview_token(store, into_id, other_id):
        raise ValueError("one of the two persons changed since the preview: look at the preview again")


def merge_preview(store, into_id: str, other_id: str) -> dict[str, Any]:
    """What merging `other_id` into `into_id` would make: both persons, the
    merged timeline (each fact marked with whose events it joins), the
    name choices, the conflicting attributes and the token to confirm with."""
    if into_id == other_id:
        raise ValueError("a person cannot be merged into itself")
    into, other = store.person_record(into_id), store.person_record(other_id)
    for person_id, person in ((into_id, into), (other_id, other)):
        if person is None:
            raise KeyError(person_id)
    event, document = tables.events.c, tables.documents.c
    # Both persons' mentions regrouped as one person's: the same happening
    # reported under either name becomes one line (the columns group_facts reads).
    query = (sa.select(event.id.label("event_id"), event.person_id.label("owner"), event.type, event.date,
                       event.date_text, event.place, event.country, event.destination, event.charge,
                       event.term_years, event.evidence, event.confidence, event.span_start, event.span_end,
                       event.review_status, event.document_id, document.url, document.path, document.title,
                       document.published, document.captured_at, document.sha256)
             .join(tables.documents, document.id == event.document_id)
             .where(event.person_id.in_([into_id, other_id]), event.review_status.in_(("confirmed", "pending"))))
    with store._reading() as connection:
        merged_rows = [dict(row) | {"person_id": into_id} for row in connection.execute(query).mappings()]
    owners = {row["event_id"]: row["owner"] for row in merged_rows}
    facts = []
    for fact in group_facts(merged_rows):
        whose = sorted({owners.get(e) for e in fact.event_ids} - {None})
        facts.append({"fact": fact, "from": whose, "joined": len(whose) > 1})
    return {"into": into, "other": other, "timeline": facts, "names": name_choices(into, other),
            "conflicts": attribute_conflicts(into, other), "token": preview_token(store, into_id, other_id)}


# ---------------------------------------------------------------- the undo record

def _ids(connection: Connection, table: sa.Table, person_id: str) -> list:
    return list(connection.scalars(sa.select(table.c.id).where(table.c.person_id == person_id)
                                   .order_by(table.c.id)))


def _row(connection: Connection, person_id: str) -> dict:
    row = connection.execute(sa.select(tables.persons).where(tables.persons.c.id == person_id)).mappings().first()
    return {key: row[key] for key in PERSON_FIELDS}


def undo_record(connection: Connection, into_id: str, from_id: str) -> dict[str, Any]:
    """Everything a merge is about to change, taken in its transaction before it does."""
    alias = tables.aliases.c
    lawyers = tables.case_lawyers.c
    case_ids = set(connection.scalars(sa.select(tables.case_files.c.person_id).where(
        tables.case_files.c.person_id.in_([into_id, from_id]))))
    return {
        "into_row": _row(connection, into_id), "from_row": _row(connection, from_id),
        "moved": {name: _ids(connection, getattr(tables, name), from_id) for name in MOVED_TABLES},
        "from_aliases": list(connection.scalars(sa.select(alias.alias).where(alias.person_id == from_id)
                                                .order_by(alias.id))),
        "into_aliases": list(connection.scalars(sa.select(alias.alias).where(alias.person_id == into_id))),
        "redirects": list(connection.scalars(sa.select(tables.person_redirects.c.from_id).where(
            tables.person_redirects.c.to_id == from_id))),
        "from_lawyers": list(connection.scalars(sa.select(lawyers.user_id).where(lawyers.person_id == from_id))),
        "into_lawyers": list(connection.scalars(sa.select(lawyers.user_id).where(lawyers.person_id == into_id))),
        # "moved": the case file went over whole; "combined": both had one (the summaries were joined).
        "case_file": None if from_id not in case_ids else ("combined" if into_id in case_ids else "moved"),
    }


def undo_merge(store, audit_id: int, username: str) -> str:
    """Split a merge back, from its audit entry: the merged-away person comes
    back as it was, with what the merge moved (and still is on the survivor),
    the survivor gets back its name, flags and attributes, and the redirect
    goes. Returns the restored person's id. A case file that was combined
    with the survivor's stays with it (the summaries were joined as text);
    one that moved whole moves back."""
    log = tables.audit_log.c
    with store._writing() as connection:
        entry = connection.execute(sa.select(tables.audit_log).where(log.id == audit_id)).mappings().first()
        if entry is None or entry["action"] != "merge" or not (entry["after"] or {}).get("undo"):
            raise KeyError(f"merge {audit_id}")
        record = entry["after"]["undo"]
        into_id, from_row = entry["entity_id"], dict(record["from_row"])
        from_id = from_row["id"]
        redirect = tables.person_redirects.c
        if connection.scalar(sa.select(redirect.to_id).where(redirect.from_id == from_id)) != into_id or \
                connection.scalar(sa.select(tables.persons.c.id).where(tables.persons.c.id == from_id)):
            raise ValueError("this merge was split back already, or changed since")
        if connection.scalar(sa.select(tables.persons.c.id).where(tables.persons.c.id == into_id)) is None:
            raise ValueError("the surviving person is gone (merged again?): split that back first")
        now = _now()
        connection.execute(tables.persons.insert().values(**from_row | {"locked": True, "updated_at": now}))
        into_row = record["into_row"]
        connection.execute(tables.persons.update().where(tables.persons.c.id == into_id).values(
            **{k: into_row[k] for k in ("name", "name_latin", "role", "gender", "attributes", "do_not_publish")},
            locked=True, updated_at=now))
        moved_back = {}
        for name in MOVED_TABLES:
            table = getattr(tables, name)
            ids = record["moved"].get(name) or []
            count = 0
            for first in range(0, len(ids), 500):
                chunk = ids[first:first + 500]
                count += connection.execute(table.update().where(
                    table.c.id.in_(chunk), table.c.person_id == into_id).values(person_id=from_id)).rowcount
            moved_back[name] = count
        alias = tables.aliases.c
        # The survivor keeps only the names it had: the merged-away ones and a chosen name's romanization go.
        connection.execute(tables.aliases.delete().where(
            alias.person_id == into_id, alias.alias.not_in(record["into_aliases"])))
        store._add_aliases(connection, from_id, record["from_aliases"])
        store._add_aliases(connection, into_id, [into_row["name"], into_row["name_latin"]])
        connection.execute(tables.person_redirects.delete().where(redirect.from_id == from_id))
        if record["redirects"]:
            connection.execute(tables.person_redirects.update().where(
                redirect.from_id.in_(record["redirects"]), redirect.to_id == into_id).values(to_id=from_id))
        lawyers = tables.case_lawyers.c
        for user_id in record["from_lawyers"]:
            connection.execute(tables.case_lawyers.insert().values(person_id=from_id, user_id=user_id))
        added = [u for u in record["from_lawyers"] if u not in set(record["into_lawyers"])]
        if added:
            connection.execute(tables.case_lawyers.delete().where(
                lawyers.person_id == into_id, lawyers.user_id.in_(added)))
        if record["case_file"] == "moved":
            _move_case_file(store, connection, into_id, from_id, username)
        store._audit(connection, username, "unmerge", "person", into_id, {"merge": audit_id, "into": into_id},
                     {"restored": from_id, "moved_back": moved_back, "case_file": record["case_file"]})
    return from_id


def _move_case_file(store, connection: Connection, from_id: str, to_id: str, username: str) -> None:
    """A case file that a merge moved whole goes back; a sealed summary is bound
    to its person's row, so it is opened and sealed again for `to_id`."""
    from khronika.store.casefile_crypto import open_row
    case = tables.case_files.c
    row = connection.execute(sa.select(tables.case_files).where(case.person_id == from_id)).mappings().first()
    if row is None:
        return
    cipher = store._case_cipher(connection, writer=username)
    summary = open_row(cipher, "case_files", dict(row))["summary"]
    connection.execute(tables.case_files.update().where(case.person_id == from_id).values(
        person_id=to_id, summary=summary if cipher is None else cipher.seal("case_files", "summary", to_id, summary)))
