"""The store's queries for people working on cases: users and sessions, the
review queue, merging and splitting persons, the audit log; the case files
themselves are in casefiles.py, a base of this mixin.

A mixin of `Store` (see store.py), kept apart so the queries of the
automatic pipeline and those of human work can be read separately. Every
method that changes something takes the acting username and writes an
audit row in the same transaction as the change.
"""
from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from khronika.model import EVENT_TYPES
from khronika.store import schema as tables
from khronika.store.casefiles import CaseFileQueries
from khronika.store.common import _check_iso_date, _now, _plain

CONFIRMED, REJECTED, PENDING_REVIEW = "confirmed", "rejected", "pending"
REVIEW_DECISIONS = (CONFIRMED, REJECTED)
# The fields a reviewer may correct on an event.
EDITABLE_EVENT_FIELDS = ("type", "date", "place", "country", "destination", "person_id")
_ISO_COUNTRY = re.compile(r"^[A-Z]{2}$")


class CaseworkQueries(CaseFileQueries):
    """Mixed into Store: needs `_writing()`, `_reading()` and `_add_aliases()`."""

    # ------------------------------------------------------------ audit

    @staticmethod
    def _audit(connection: Connection, username: str, action: str, entity: str, entity_id: Any,
               before: Any = None, after: Any = None) -> None:
        connection.execute(tables.audit_log.insert().values(
            at=_now(), username=username, action=action, entity=entity, entity_id=str(entity_id),
            before=before, after=after))

    def audit_entries(self, *, limit: int = 100, offset: int = 0, entity: str | None = None,
                      entity_id: str | None = None) -> list[dict]:
        """The audit log, newest first."""
        log = tables.audit_log.c
        query = sa.select(tables.audit_log).order_by(log.id.desc()).limit(limit).offset(offset)
        if entity:
            query = query.where(log.entity == entity)
        if entity_id:
            query = query.where(log.entity_id == entity_id)
        with self._reading() as connection:
            return [dict(row) for row in connection.execute(query).mappings()]

    # ------------------------------------------------------------ users and sessions

    def add_user(self, username: str, password_hash: str, role: str, *, email: str | None = None,
                 by: str = "cli") -> int:
        if role not in tables.ROLES:
            raise ValueError(f"unknown role {role!r}: one of {', '.join(tables.ROLES)}")
        with self._writing() as connection:
            user_id = connection.execute(tables.users.insert().values(
                username=username, password_hash=password_hash, role=role, email=email, active=True,
                created_at=_now())).inserted_primary_key[0]
            self._audit(connection, by, "create", "user", user_id, None,
                        {"username": username, "role": role, "email": email})
        return int(user_id)

    def set_user(self, username: str, *, password_hash: str | None = None, role: str | None = None,
                 active: bool | None = None, by: str = "cli") -> None:
        if role is not None and role not in tables.ROLES:
            raise ValueError(f"unknown role {role!r}: one of {', '.join(tables.ROLES)}")
        changes = {k: v for k, v in dict(password_hash=password_hash, role=role, active=active).items()
                   if v is not None}
        with self._writing() as connection:
            before = connection.execute(sa.select(tables.users).where(
                tables.users.c.username == username)).mappings().first()
            if before is None:
                raise KeyError(username)
            connection.execute(tables.users.update().where(tables.users.c.id == before["id"])
                               .values(**changes))
            if active is False or password_hash is not None:
                # A disabled account or a changed password ends every open session.
                connection.execute(tables.web_sessions.delete().where(
                    tables.web_sessions.c.user_id == before["id"]))
            self._audit(connection, by, "update", "user", before["id"],
                        {k: before[k] for k in ("role", "active")},
                        {k: v for k, v in changes.items() if k != "password_hash"}
                        | ({"password": "changed"} if password_hash else {}))

    def user_by_name(self, username: str) -> dict | None:
        with self._reading() as connection:
            row = connection.execute(sa.select(tables.users).where(
                tables.users.c.username == username)).mappings().first()
        return None if row is None else dict(row)

    def users(self) -> list[dict]:
        user = tables.users.c
        with self._reading() as connection:
            return [dict(row) for row in connection.execute(
                sa.select(user.id, user.username, user.role, user.email, user.active, user.created_at)
                .order_by(user.username)).mappings()]

    def create_session(self, user_id: int, token: str, csrf_token: str, ttl_s: float) -> None:
        now = time.time()
        with self._writing() as connection:
            # Expired sessions go whenever a new one starts: the table stays small.
            connection.execute(tables.web_sessions.delete().where(tables.web_sessions.c.expires_at < now))
            connection.execute(tables.web_sessions.insert().values(
                id=_token_key(token), user_id=user_id, csrf_token=csrf_token, created_at=now,
                expires_at=now + ttl_s))

    def session_user(self, token: str) -> tuple[dict, str] | None:
        """The active user of a live session and the session's CSRF token."""
        session, user = tables.web_sessions.c, tables.users.c
        query = (sa.select(user.id, user.username, user.role, user.email, session.csrf_token)
                 .join(tables.users, user.id == session.user_id)
                 .where(session.id == _token_key(token), session.expires_at > time.time(),
                        user.active.is_(True)))
        with self._reading() as connection:
            row = connection.execute(query).mappings().first()
        if row is None:
            return None
        found = dict(row)
        return found, found.pop("csrf_token")

    def login_failures(self, keys: Iterable[str], since: float) -> dict[str, list[float]]:
        """The times of failed logins per key since `since`, oldest first."""
        failure = tables.login_failures.c
        found: dict[str, list[float]] = {key: [] for key in keys}
        with self._reading() as connection:
            for key, at in connection.execute(
                    sa.select(failure.key, failure.at)
                    .where(failure.key.in_(list(found)), failure.at > since).order_by(failure.at)):
                found[key].append(at)
        return found

    def record_login_failure(self, keys: Iterable[str], at: float, forget_before: float) -> None:
        with self._writing() as connection:
            connection.execute(tables.login_failures.delete().where(tables.login_failures.c.at < forget_before))
            connection.execute(tables.login_failures.insert(), [{"key": key, "at": at} for key in keys])

    def clear_login_failures(self, key: str) -> None:
        with self._writing() as connection:
            connection.execute(tables.login_failures.delete().where(tables.login_failures.c.key == key))

    def end_session(self, token: str) -> None:
        with self._writing() as connection:
            connection.execute(tables.web_sessions.delete().where(
                tables.web_sessions.c.id == _token_key(token)))

    # ------------------------------------------------------------ review

    def review_queue(self, *, limit: int = 50, offset: int = 0) -> tuple[int, list[dict]]:
        """Machine-extracted events awaiting review, oldest first, with their
        person and document, and how many are waiting in all."""
        event, person, document = tables.events.c, tables.persons.c, tables.documents.c
        waiting = event.review_status == PENDING_REVIEW
        query = (
            sa.select(event.id, event.type, event.date, event.date_text, event.place, event.country,
                      event.destination, event.charge, event.term_years, event.evidence, event.confidence,
                      event.created_at, event.person_id, event.document_id,
                      person.name.label("person_name"), person.name_latin.label("person_name_latin"),
                      document.title.label("document_title"), document.url.label("document_url"),
                      document.path.label("document_path"), document.published)
            .join(tables.persons, person.id == event.person_id)
            .join(tables.documents, document.id == event.document_id)
            .where(waiting)
            .order_by(event.created_at, event.document_id, event.span_start, event.id)
            .limit(limit).offset(offset))
        with self._reading() as connection:
            total = connection.scalar(sa.select(sa.func.count()).select_from(tables.events).where(waiting))
            return int(total or 0), [dict(row) for row in connection.execute(query).mappings()]

    def review_event(self, event_id: str, decision: str, username: str,
                     changes: dict[str, Any] | None = None) -> dict:
        """Confirm or reject one event, optionally correcting its type, date,
        place, country, destination or person first. Returns the event as
        stored afterwards.

        Countries are ISO 3166-1 alpha-2 codes ("kz" is taken as "KZ"; None
        or "" clears). A corrected place without a country given moves the
        country to the one the new place names, and keeps it when the place
        names none ("СИЗО-1" does not say the act left Kazakhstan); never
        is it read from the evidence sentence. The destination is the
        reviewer's or stays."""
        if decision not in REVIEW_DECISIONS:
            raise ValueError(f"decision must be one of {', '.join(REVIEW_DECISIONS)}")
        changes = {k: v for k, v in (changes or {}).items() if k in EDITABLE_EVENT_FIELDS}
        if "type" in changes and changes["type"] not in EVENT_TYPES:
            raise ValueError(f"unknown event type {changes['type']!r}")
        for key in ("date", "place", "country", "destination"):
            if key in changes and changes[key] is not None:
                changes[key] = str(changes[key]).strip() or None
        if changes.get("date"):
            _check_iso_date(changes["date"])
        for key in ("country", "destination"):
            if changes.get(key):
                changes[key] = changes[key].upper()
                if not _ISO_COUNTRY.match(changes[key]):
                    raise ValueError(f"not a country code: {changes[key]!r} (ISO 3166-1 alpha-2, e.g. KZ)")
        with self._writing() as connection:
            before = _plain(connection.execute(sa.select(tables.events).where(
                tables.events.c.id == event_id)).mappings().first())
            if before is None:
                raise KeyError(event_id)
            if "person_id" in changes:
                changes["person_id"] = self._live_person_id(connection, changes["person_id"])
            if "place" in changes and "country" not in changes:
                from khronika.geo import country_of  # the place only, as at ingest
                named = country_of(changes["place"])
                if named:
                    changes["country"] = named
            values = dict(changes, review_status=decision, reviewed_by=username, reviewed_at=_now())
            connection.execute(tables.events.update().where(tables.events.c.id == event_id).values(**values))
            after = {**before, **values}
            self._audit(connection, username, "review", "event", event_id,
                        {k: before.get(k) for k in values}, {k: after.get(k) for k in values})
        return after

    def _live_person_id(self, connection: Connection, person_id: str) -> str:
        person_id = _redirected(connection, [person_id]).get(person_id, person_id)
        if connection.scalar(sa.select(tables.persons.c.id).where(tables.persons.c.id == person_id)) is None:
            raise KeyError(person_id)
        return person_id

    def merge_persons(self, into_id: str, from_id: str, username: str, *, name: str | None = None,
                      attributes: dict[str, Any] | None = None) -> None:
        """`from_id` was the same person as `into_id`: everything known about
        it moves over, its names become aliases, and later documents that
        resolve to `from_id` land on `into_id`. `name`: the canonical name,
        one of either's names (merging.name_choices); `attributes`: the
        values chosen where the two disagree ("gender" among them); what only
        one carries is kept. The audit entry keeps what `merging.undo_merge` needs."""
        from khronika.store import merging
        if into_id == from_id:
            raise ValueError("a person cannot be merged into itself")
        with self._writing() as connection:
            persons = {row["id"]: dict(row) for row in connection.execute(
                sa.select(tables.persons).where(tables.persons.c.id.in_([into_id, from_id]))).mappings()}
            for person_id in (into_id, from_id):
                if person_id not in persons:
                    raise KeyError(person_id)
            undo = merging.undo_record(connection, into_id, from_id)
            renamed = self._merged_identity(persons[into_id], persons[from_id], name, attributes or {},
                                            undo["into_aliases"] + undo["from_aliases"])
            names = list(connection.scalars(sa.select(tables.aliases.c.alias).where(
                tables.aliases.c.person_id == from_id)))
            for table in (tables.events, tables.mentions, tables.deadlines, tables.tasks, tables.notes,
                          tables.attachments):
                connection.execute(table.update().where(table.c.person_id == from_id)
                                   .values(person_id=into_id))
            self._merge_case_files(connection, into_id, from_id, username)
            connection.execute(tables.aliases.delete().where(tables.aliases.c.person_id == from_id))
            self._add_aliases(connection, into_id, names)
            connection.execute(tables.person_redirects.update()
                               .where(tables.person_redirects.c.to_id == from_id).values(to_id=into_id))
            connection.execute(tables.person_redirects.insert().values(
                from_id=from_id, to_id=into_id, at=_now(), username=username))
            merged = persons[from_id]
            into = persons[into_id]
            connection.execute(tables.persons.update().where(tables.persons.c.id == into_id).values(
                locked=True, updated_at=_now(), **renamed,
                do_not_publish=bool(into["do_not_publish"] or merged["do_not_publish"]),
                role="subject" if "subject" in (into["role"], merged["role"]) else into["role"]))
            self._add_aliases(connection, into_id, [renamed["name"], renamed["name_latin"]])
            connection.execute(tables.persons.delete().where(tables.persons.c.id == from_id))
            self._audit(connection, username, "merge", "person", into_id,
                        {"into": _person_summary(into), "from": _person_summary(merged)},
                        {"id": into_id, "aliases_added": names, "name": renamed["name"], "undo": undo})

    @staticmethod
    def _merged_identity(into: dict, merged: dict, name: str | None, chosen: dict[str, Any],
                         known: list[str]) -> dict[str, Any]:
        """The survivor's name, romanization, gender and attributes after a merge."""
        from khronika.translit import romanize
        name = " ".join((name or into["name"]).split())
        if name not in set(known) | {into["name"], merged["name"], into["name_latin"], merged["name_latin"]}:
            raise ValueError(f"the canonical name must be one of the two persons' names, not {name!r}")
        latin = next((p["name_latin"] for p in (into, merged) if p["name"] == name), None) or romanize(name)
        attributes = dict(merged["attributes"] or {}) | dict(into["attributes"] or {})
        gender = into["gender"] or merged["gender"]
        for key, value in chosen.items():
            if key == "gender":
                gender = value or None
            else:
                attributes[key] = value
        return {"name": name, "name_latin": latin, "gender": gender, "attributes": attributes}

    def split_person(self, person_id: str, event_ids: Iterable[str], name: str, username: str) -> str:
        """Some events of `person_id` belong to another person called `name`:
        a new person takes them. Returns the new person's id."""
        from khronika.translit import romanize
        event_ids = sorted(set(event_ids))
        name = " ".join((name or "").split())
        if not event_ids or not name:
            raise ValueError("a split needs the events that move and the other person's name")
        new_id = "split-" + hashlib.sha256(f"{person_id}|{'|'.join(event_ids)}".encode()).hexdigest()[:16]
        with self._writing() as connection:
            source = connection.execute(sa.select(tables.persons).where(
                tables.persons.c.id == person_id)).mappings().first()
            if source is None:
                raise KeyError(person_id)
            owned = set(connection.scalars(sa.select(tables.events.c.id).where(
                tables.events.c.id.in_(event_ids), tables.events.c.person_id == person_id)))
            if owned != set(event_ids):
                raise ValueError("events not of this person: " + ", ".join(sorted(set(event_ids) - owned)))
            now = _now()
            latin = romanize(name)
            connection.execute(tables.persons.insert().values(
                id=new_id, name=name, name_latin=latin, role=source["role"], gender=None, attributes={},
                created_at=now, updated_at=now, locked=True, do_not_publish=source["do_not_publish"]))
            self._add_aliases(connection, new_id, [name, latin])
            connection.execute(tables.events.update().where(tables.events.c.id.in_(event_ids))
                               .values(person_id=new_id))
            # The mentions of documents whose every event moved follow them.
            moved_documents = set(connection.scalars(sa.select(tables.events.c.document_id).where(
                tables.events.c.id.in_(event_ids))))
            for document_id in moved_documents:
                left = connection.scalar(sa.select(sa.func.count()).select_from(tables.events).where(
                    tables.events.c.document_id == document_id, tables.events.c.person_id == person_id))
                if not left:
                    connection.execute(tables.mentions.update().where(
                        tables.mentions.c.document_id == document_id,
                        tables.mentions.c.person_id == person_id).values(person_id=new_id))
            connection.execute(tables.persons.update().where(tables.persons.c.id == person_id)
                               .values(locked=True, updated_at=now))
            self._audit(connection, username, "split", "person", person_id,
                        {"person": _person_summary(source)},
                        {"new_person": new_id, "name": name, "events": event_ids})
        return new_id

    def set_do_not_publish(self, person_id: str, flag: bool, username: str) -> None:
        with self._writing() as connection:
            before = connection.scalar(sa.select(tables.persons.c.do_not_publish).where(
                tables.persons.c.id == person_id))
            if before is None:
                raise KeyError(person_id)
            connection.execute(tables.persons.update().where(tables.persons.c.id == person_id)
                               .values(do_not_publish=flag, updated_at=_now()))
            self._audit(connection, username, "update", "person", person_id,
                        {"do_not_publish": bool(before)}, {"do_not_publish": flag})


def _token_key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _redirected(connection: Connection, person_ids: list[str]) -> dict[str, str]:
    """Merged-away ids among `person_ids`, mapped to the person they live on as."""
    if not person_ids:
        return {}
    redirect = tables.person_redirects.c
    return dict(connection.execute(sa.select(redirect.from_id, redirect.to_id)
                                   .where(redirect.from_id.in_(sorted(set(person_ids))))).all())


def _person_summary(row: Any) -> dict:
    return {k: row[k] for k in ("id", "name", "name_latin", "role")}

