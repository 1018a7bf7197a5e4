"""The store's queries for people working on cases: users and sessions, the
review queue, merging and splitting persons, case files, the audit log.

A mixin of `Store` (see store.py), kept apart so the queries of the
automatic pipeline and those of human work can be read separately. Every
method that changes something takes the acting username and writes an
audit row in the same transaction as the change.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
import time
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from khronika.model import EVENT_TYPES
from khronika.store import schema as tables
from khronika.store.common import _now

CONFIRMED, REJECTED, PENDING_REVIEW = "confirmed", "rejected", "pending"
REVIEW_DECISIONS = (CONFIRMED, REJECTED)
# The fields a reviewer may correct on an event.
EDITABLE_EVENT_FIELDS = ("type", "date", "place", "country", "destination", "person_id")
_ISO_COUNTRY = re.compile(r"^[A-Z]{2}$")


def _plain(row: Any) -> dict | None:
    return None if row is None else {k: v for k, v in dict(row).items() if not isinstance(v, bytes)}


class CaseworkQueries:
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

    def merge_persons(self, into_id: str, from_id: str, username: str) -> None:
        """`from_id` was the same person as `into_id`: everything known about
        it moves over, its names become aliases, and later documents that
        resolve to `from_id` land on `into_id`."""
        if into_id == from_id:
            raise ValueError("a person cannot be merged into itself")
        with self._writing() as connection:
            persons = {row["id"]: dict(row) for row in connection.execute(
                sa.select(tables.persons).where(tables.persons.c.id.in_([into_id, from_id]))).mappings()}
            for person_id in (into_id, from_id):
                if person_id not in persons:
                    raise KeyError(person_id)
            names = list(connection.scalars(sa.select(tables.aliases.c.alias).where(
                tables.aliases.c.person_id == from_id)))
            for table in (tables.events, tables.mentions, tables.deadlines, tables.tasks, tables.notes,
                          tables.attachments):
                connection.execute(table.update().where(table.c.person_id == from_id)
                                   .values(person_id=into_id))
            self._merge_case_files(connection, into_id, from_id)
            connection.execute(tables.aliases.delete().where(tables.aliases.c.person_id == from_id))
            self._add_aliases(connection, into_id, names)
            connection.execute(tables.person_redirects.update()
                               .where(tables.person_redirects.c.to_id == from_id).values(to_id=into_id))
            connection.execute(tables.person_redirects.insert().values(
                from_id=from_id, to_id=into_id, at=_now(), username=username))
            merged = persons[from_id]
            into = persons[into_id]
            connection.execute(tables.persons.update().where(tables.persons.c.id == into_id).values(
                locked=True, updated_at=_now(),
                do_not_publish=bool(into["do_not_publish"] or merged["do_not_publish"]),
                role="subject" if "subject" in (into["role"], merged["role"]) else into["role"]))
            connection.execute(tables.persons.delete().where(tables.persons.c.id == from_id))
            self._audit(connection, username, "merge", "person", into_id,
                        {"into": _person_summary(into), "from": _person_summary(merged)},
                        {"id": into_id, "aliases_added": names})

    @staticmethod
    def _merge_case_files(connection: Connection, into_id: str, from_id: str) -> None:
        case = tables.case_files.c
        files = {row["person_id"]: dict(row) for row in connection.execute(
            sa.select(tables.case_files).where(case.person_id.in_([into_id, from_id]))).mappings()}
        if from_id in files:
            if into_id not in files:
                connection.execute(tables.case_files.update().where(case.person_id == from_id)
                                   .values(person_id=into_id))
            else:
                kept, merged = files[into_id], files[from_id]
                summary = "\n\n".join(s for s in (kept["summary"], merged["summary"]) if s) or None
                connection.execute(tables.case_files.update().where(case.person_id == into_id).values(
                    summary=summary, status=kept["status"] or merged["status"],
                    next_hearing=kept["next_hearing"] or merged["next_hearing"]))
                connection.execute(tables.case_files.delete().where(case.person_id == from_id))
        lawyers = tables.case_lawyers.c
        assigned = set(connection.scalars(sa.select(lawyers.user_id).where(lawyers.person_id == into_id)))
        for user_id in connection.scalars(sa.select(lawyers.user_id).where(lawyers.person_id == from_id)):
            if user_id not in assigned:
                connection.execute(tables.case_lawyers.insert().values(person_id=into_id, user_id=user_id))
        connection.execute(tables.case_lawyers.delete().where(lawyers.person_id == from_id))

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

    # ------------------------------------------------------------ case files

    def case_file(self, person_id: str) -> dict:
        """Everything private about one subject (attachments without their bytes)."""
        with self._reading() as connection:
            case = connection.execute(sa.select(tables.case_files).where(
                tables.case_files.c.person_id == person_id)).mappings().first()
            user = tables.users.c
            lawyers = [dict(row) for row in connection.execute(
                sa.select(user.id, user.username, user.email)
                .join(tables.case_lawyers, tables.case_lawyers.c.user_id == user.id)
                .where(tables.case_lawyers.c.person_id == person_id).order_by(user.username)).mappings()]
            deadlines = [dict(row) for row in connection.execute(
                sa.select(tables.deadlines).where(tables.deadlines.c.person_id == person_id)
                .order_by(tables.deadlines.c.done, tables.deadlines.c.due, tables.deadlines.c.id)).mappings()]
            tasks = [dict(row) for row in connection.execute(
                sa.select(tables.tasks, user.username.label("assignee"))
                .outerjoin(tables.users, user.id == tables.tasks.c.assignee_id)
                .where(tables.tasks.c.person_id == person_id)
                .order_by(tables.tasks.c.done, tables.tasks.c.due, tables.tasks.c.id)).mappings()]
            notes = [dict(row) for row in connection.execute(
                sa.select(tables.notes).where(tables.notes.c.person_id == person_id)
                .order_by(tables.notes.c.id.desc())).mappings()]
            attachment = tables.attachments.c
            attachments = [dict(row) for row in connection.execute(
                sa.select(attachment.id, attachment.filename, attachment.media_type, attachment.size,
                          attachment.sha256, attachment.uploaded_by, attachment.uploaded_at)
                .where(attachment.person_id == person_id).order_by(attachment.id)).mappings()]
        found = dict(case) if case else {"person_id": person_id, "status": None, "summary": None,
                                         "next_hearing": None, "updated_at": None, "updated_by": None}
        return found | {"lawyers": lawyers, "deadlines": deadlines, "tasks": tasks, "notes": notes,
                        "attachments": attachments}

    def update_case(self, person_id: str, username: str, **fields: str | None) -> None:
        """Set the given fields of a case file (status, summary, next_hearing);
        fields not given keep their value, None clears one."""
        unknown = set(fields) - {"status", "summary", "next_hearing"}
        if unknown:
            raise TypeError(f"not case-file fields: {', '.join(sorted(unknown))}")
        status, next_hearing = fields.get("status"), fields.get("next_hearing")
        if status is not None and status not in tables.CASE_STATUSES:
            raise ValueError(f"unknown case status {status!r}")
        if next_hearing:
            _check_iso_date(next_hearing, day=True)
        with self._writing() as connection:
            self._require_person(connection, person_id)
            case = tables.case_files.c
            before = _plain(connection.execute(sa.select(tables.case_files).where(
                case.person_id == person_id)).mappings().first())
            values = {key: (value or None) for key, value in fields.items()}
            values.update(updated_at=_now(), updated_by=username)
            if before is None:
                connection.execute(tables.case_files.insert().values(person_id=person_id, **values))
            else:
                connection.execute(tables.case_files.update().where(case.person_id == person_id)
                                   .values(**values))
            self._audit(connection, username, "update", "case_file", person_id, before, values)

    def assign_lawyer(self, person_id: str, user_id: int, username: str, *, assigned: bool = True) -> None:
        lawyers = tables.case_lawyers.c
        with self._writing() as connection:
            self._require_person(connection, person_id)
            role = connection.scalar(sa.select(tables.users.c.role).where(tables.users.c.id == user_id))
            if role is None:
                raise KeyError(user_id)
            if role not in ("lawyer", "admin"):
                raise ValueError("only a lawyer (or an admin) can be assigned to a case")
            connection.execute(tables.case_lawyers.delete().where(
                lawyers.person_id == person_id, lawyers.user_id == user_id))
            if assigned:
                connection.execute(tables.case_lawyers.insert().values(person_id=person_id, user_id=user_id))
            self._audit(connection, username, "assign" if assigned else "unassign", "case_file",
                        person_id, None, {"lawyer": user_id})

    def add_deadline(self, person_id: str, title: str, due: str, username: str, *,
                     remind_days: int = 3) -> int:
        _check_iso_date(due, day=True)
        if not title.strip():
            raise ValueError("a deadline needs a title")
        if not 0 <= remind_days <= 365:
            raise ValueError("remind_days must be between 0 and 365")
        with self._writing() as connection:
            self._require_person(connection, person_id)
            values = dict(person_id=person_id, title=title.strip(), due=due, remind_days=remind_days,
                          done=False, created_by=username, created_at=_now())
            new_id = connection.execute(tables.deadlines.insert().values(**values)).inserted_primary_key[0]
            self._audit(connection, username, "create", "deadline", new_id, None, values)
        return int(new_id)

    def add_task(self, person_id: str, title: str, due: str, username: str, *,
                 assignee_id: int | None = None) -> int:
        _check_iso_date(due, day=True)
        if not title.strip():
            raise ValueError("a task needs a title")
        with self._writing() as connection:
            self._require_person(connection, person_id)
            if assignee_id is not None and connection.scalar(
                    sa.select(tables.users.c.id).where(tables.users.c.id == assignee_id)) is None:
                raise KeyError(assignee_id)
            values = dict(person_id=person_id, title=title.strip(), due=due, assignee_id=assignee_id,
                          done=False, created_by=username, created_at=_now())
            new_id = connection.execute(tables.tasks.insert().values(**values)).inserted_primary_key[0]
            self._audit(connection, username, "create", "task", new_id, None, values)
        return int(new_id)

    def set_done(self, kind: str, item_id: int, done: bool, username: str) -> str:
        """Mark a deadline or a task done (or open again); returns its person id."""
        table = {"deadline": tables.deadlines, "task": tables.tasks}[kind]
        with self._writing() as connection:
            row = connection.execute(sa.select(table).where(table.c.id == item_id)).mappings().first()
            if row is None:
                raise KeyError(item_id)
            connection.execute(table.update().where(table.c.id == item_id).values(done=done))
            self._audit(connection, username, "update", kind, item_id, {"done": row["done"]}, {"done": done})
            return row["person_id"]

    def add_note(self, person_id: str, body: str, username: str) -> int:
        if not body.strip():
            raise ValueError("a note cannot be empty")
        with self._writing() as connection:
            self._require_person(connection, person_id)
            values = dict(person_id=person_id, body=body, author=username, created_at=_now())
            new_id = connection.execute(tables.notes.insert().values(**values)).inserted_primary_key[0]
            # The note's text is itself private: the audit row records that a
            # note was written and its hash, not its words.
            self._audit(connection, username, "create", "note", new_id, None,
                        {"person_id": person_id, "sha256": hashlib.sha256(body.encode()).hexdigest()})
        return int(new_id)

    def add_attachment(self, person_id: str, filename: str, media_type: str, data: bytes,
                       username: str) -> int:
        digest = hashlib.sha256(data).hexdigest()
        with self._writing() as connection:
            self._require_person(connection, person_id)
            values = dict(person_id=person_id, filename=filename, media_type=media_type, size=len(data),
                          sha256=digest, uploaded_by=username, uploaded_at=_now())
            new_id = connection.execute(tables.attachments.insert().values(data=data, **values)
                                        ).inserted_primary_key[0]
            self._audit(connection, username, "create", "attachment", new_id, None, values)
        return int(new_id)

    def attachment(self, attachment_id: int) -> dict | None:
        with self._reading() as connection:
            row = connection.execute(sa.select(tables.attachments).where(
                tables.attachments.c.id == attachment_id)).mappings().first()
        return None if row is None else dict(row)

    def dashboard(self, today: dt.date | None = None, *, user_id: int | None = None) -> dict:
        """What is due: open deadlines and tasks by due date (overdue first),
        with their persons; `user_id` narrows to the cases a lawyer is
        assigned to and the tasks assigned to them."""
        today = today or dt.date.today()
        person = tables.persons.c
        out: dict[str, list[dict]] = {}
        with self._reading() as connection:
            for kind, table in (("deadlines", tables.deadlines), ("tasks", tables.tasks)):
                query = (sa.select(table, person.name.label("person_name"))
                         .join(tables.persons, person.id == table.c.person_id)
                         .where(table.c.done.is_(False)).order_by(table.c.due, table.c.id))
                if kind == "tasks":
                    query = query.add_columns(tables.users.c.username.label("assignee")).outerjoin(
                        tables.users, tables.users.c.id == table.c.assignee_id)
                if user_id is not None:
                    mine = sa.select(tables.case_lawyers.c.person_id).where(
                        tables.case_lawyers.c.user_id == user_id)
                    condition = table.c.person_id.in_(mine)
                    if kind == "tasks":
                        condition = sa.or_(condition, table.c.assignee_id == user_id)
                    query = query.where(condition)
                rows = []
                for row in connection.execute(query).mappings():
                    item = dict(row)
                    due = dt.date.fromisoformat(item["due"])
                    item["days_left"] = (due - today).days
                    item["overdue"] = due < today
                    item["remind"] = kind == "deadlines" and (due - today).days <= item["remind_days"]
                    rows.append(item)
                out[kind] = rows
            hearings = connection.execute(
                sa.select(tables.case_files.c.person_id, tables.case_files.c.next_hearing,
                          person.name.label("person_name"))
                .join(tables.persons, person.id == tables.case_files.c.person_id)
                .where(tables.case_files.c.next_hearing >= today.isoformat())
                .order_by(tables.case_files.c.next_hearing)).mappings()
            out["hearings"] = [dict(row) for row in hearings]
        return out

    def due_reminders(self, today: dt.date | None = None) -> list[dict]:
        """Open deadlines inside their reminder window not yet reminded, with the
        e-mail addresses of the case's lawyers."""
        today = today or dt.date.today()
        deadline = tables.deadlines.c
        with self._reading() as connection:
            rows = [dict(row) for row in connection.execute(
                sa.select(tables.deadlines, tables.persons.c.name.label("person_name"))
                .join(tables.persons, tables.persons.c.id == deadline.person_id)
                .where(deadline.done.is_(False), deadline.reminded_at.is_(None))).mappings()]
            due = [row for row in rows
                   if (dt.date.fromisoformat(row["due"]) - today).days <= row["remind_days"]]
            for row in due:
                row["emails"] = [email for email in connection.scalars(
                    sa.select(tables.users.c.email)
                    .join(tables.case_lawyers, tables.case_lawyers.c.user_id == tables.users.c.id)
                    .where(tables.case_lawyers.c.person_id == row["person_id"],
                           tables.users.c.active.is_(True))) if email]
        return due

    def mark_reminded(self, deadline_id: int) -> None:
        with self._writing() as connection:
            connection.execute(tables.deadlines.update().where(tables.deadlines.c.id == deadline_id)
                               .values(reminded_at=_now()))

    @staticmethod
    def _require_person(connection: Connection, person_id: str) -> None:
        if connection.scalar(sa.select(tables.persons.c.id).where(tables.persons.c.id == person_id)) is None:
            raise KeyError(person_id)


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


def _check_iso_date(value: str, *, day: bool = False) -> None:
    """A reviewer's date: ISO at year, month or day precision (or a range
    "2022/2023"); case-file dates must be whole days."""
    parts = str(value).split("/")
    for part in parts:
        try:
            if day:
                dt.date.fromisoformat(part)
            elif len(part) == 4:
                int(part)
            elif len(part) == 7:
                dt.date.fromisoformat(part + "-01")
            else:
                dt.date.fromisoformat(part)
        except ValueError:
            raise ValueError(f"not a date: {value!r} (use YYYY, YYYY-MM or YYYY-MM-DD)") from None
    if day and len(parts) != 1:
        raise ValueError(f"not a single day: {value!r}")

