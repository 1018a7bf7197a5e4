"""The store's queries on case files: the private record a legal team keeps on
a subject (status, summary, hearing, lawyers, deadlines, tasks, notes,
attachments), the dashboard of what is due and the deadline reminders.

A base of casework.CaseworkQueries (and so a mixin of `Store`). The free text
of a case file is sealed with AES-GCM when a case-file key is configured
(casefile_crypto.py): every value is sealed here on its way in and opened on
its way out, so the rest of Khronika sees plain values; a store whose values
are sealed refuses to be read or written without its key.
"""
from __future__ import annotations

import datetime as dt
import hashlib

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from khronika.store import schema as tables
from khronika.store.casefile_crypto import (
    SEALED,
    CaseFileCipher,
    CaseFileKeyError,
    key_from_environment,
    missing_key,
    open_row,
    redact,
)
from khronika.store.common import _check_iso_date, _now, _plain

# The audit log's entity for "the store's case files are sealed with key <id>".
KEY_ENTITY = "casefile_key"
_UNSET = object()


def store_key_id(connection: Connection) -> str | None:
    """The id of the key this store's case files are sealed with, None while plain."""
    log = tables.audit_log.c
    return connection.scalar(sa.select(log.entity_id).where(log.entity == KEY_ENTITY)
                             .order_by(log.id.desc()).limit(1))


def record_store_key(connection: Connection, username: str, new_id: str, old_id: str | None) -> None:
    connection.execute(tables.audit_log.insert().values(
        at=_now(), username=username, action="casefile_key", entity=KEY_ENTITY, entity_id=new_id,
        before=None if old_id is None else {"key_id": old_id}, after={"key_id": new_id}))


class CaseFileQueries:
    """Mixed into Store: needs `_writing()`, `_reading()` and `_audit()`."""

    # ------------------------------------------------------------ the key

    @property
    def casefile_cipher(self) -> CaseFileCipher | None:
        """The configured case-file key ($KHRONIKA_CASEFILE_KEY_FILE or
        $KHRONIKA_CASEFILE_KEY), read at the first use; None without one."""
        cipher = getattr(self, "_casefile_cipher", _UNSET)
        if cipher is _UNSET:
            key = key_from_environment()
            cipher = self._casefile_cipher = CaseFileCipher(key) if key else None
        return cipher

    @casefile_cipher.setter
    def casefile_cipher(self, cipher: CaseFileCipher | None) -> None:
        self._casefile_cipher = cipher

    def _case_cipher(self, connection: Connection, *, writer: str | None = None) -> CaseFileCipher | None:
        """The cipher for this store's case files, checked against the key its values
        are sealed with. A writer with a key on a plain store makes it a sealed one."""
        sealed_with = store_key_id(connection)
        cipher = self.casefile_cipher
        if sealed_with is None:
            if cipher is not None and writer is not None:
                record_store_key(connection, writer, cipher.key_id, None)
            return cipher
        if cipher is None:
            raise missing_key()
        if cipher.key_id != sealed_with:
            raise CaseFileKeyError(f"the configured case-file key {cipher.key_id} is not this store's "
                                   f"(its case files are sealed with key {sealed_with})")
        return cipher

    @staticmethod
    def _insert_sealed(connection: Connection, cipher: CaseFileCipher | None, table: sa.Table,
                       values: dict) -> int:
        """Insert a row of a sealed table. The associated data of a sealed value
        holds its row id, unknown before the insert: the row goes in with empty
        placeholders and gets its ciphertext in the same transaction, so the
        plain value never reaches the database."""
        _, columns = SEALED[table.name]
        if cipher is None:
            return int(connection.execute(table.insert().values(**values)).inserted_primary_key[0])
        placeholders = {c: (b"" if isinstance(values[c], bytes) else "") for c in columns if c in values}
        new_id = int(connection.execute(table.insert().values(**(values | placeholders))).inserted_primary_key[0])
        connection.execute(table.update().where(table.c.id == new_id).values(
            **{c: cipher.seal(table.name, c, new_id, values[c]) for c in placeholders}))
        return new_id

    # ------------------------------------------------------------ case files

    def case_file(self, person_id: str) -> dict:
        """Everything private about one subject (attachments without their bytes)."""
        with self._reading() as connection:
            cipher = self._case_cipher(connection)
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
        open_row(cipher, "case_files", found)
        for table, rows in (("deadlines", deadlines), ("tasks", tasks), ("notes", notes),
                            ("attachments", attachments)):
            for row in rows:
                open_row(cipher, table, row)
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
            cipher = self._case_cipher(connection, writer=username)
            case = tables.case_files.c
            before = _plain(connection.execute(sa.select(tables.case_files).where(
                case.person_id == person_id)).mappings().first())
            values = {key: (value or None) for key, value in fields.items()}
            values.update(updated_at=_now(), updated_by=username)
            stored = dict(values)
            if cipher is not None:
                # The case file's primary key is its person: the row id is known before the insert.
                if "summary" in values:
                    stored["summary"] = cipher.seal("case_files", "summary", person_id, values["summary"])
                before, values = redact(before and open_row(cipher, "case_files", before)), redact(values)
            if before is None:
                connection.execute(tables.case_files.insert().values(person_id=person_id, **stored))
            else:
                connection.execute(tables.case_files.update().where(case.person_id == person_id)
                                   .values(**stored))
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
            cipher = self._case_cipher(connection, writer=username)
            values = dict(person_id=person_id, title=title.strip(), due=due, remind_days=remind_days,
                          done=False, created_by=username, created_at=_now())
            new_id = self._insert_sealed(connection, cipher, tables.deadlines, values)
            self._audit(connection, username, "create", "deadline", new_id, None,
                        values if cipher is None else redact(values))
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
            cipher = self._case_cipher(connection, writer=username)
            values = dict(person_id=person_id, title=title.strip(), due=due, assignee_id=assignee_id,
                          done=False, created_by=username, created_at=_now())
            new_id = self._insert_sealed(connection, cipher, tables.tasks, values)
            self._audit(connection, username, "create", "task", new_id, None,
                        values if cipher is None else redact(values))
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
            cipher = self._case_cipher(connection, writer=username)
            values = dict(person_id=person_id, body=body, author=username, created_at=_now())
            new_id = self._insert_sealed(connection, cipher, tables.notes, values)
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
            cipher = self._case_cipher(connection, writer=username)
            values = dict(person_id=person_id, filename=filename, media_type=media_type, size=len(data),
                          sha256=digest, uploaded_by=username, uploaded_at=_now())
            new_id = self._insert_sealed(connection, cipher, tables.attachments, values | {"data": data})
            self._audit(connection, username, "create", "attachment", new_id, None,
                        values if cipher is None else redact(values))
        return int(new_id)

    def attachment(self, attachment_id: int) -> dict | None:
        with self._reading() as connection:
            cipher = self._case_cipher(connection)
            row = connection.execute(sa.select(tables.attachments).where(
                tables.attachments.c.id == attachment_id)).mappings().first()
        return None if row is None else open_row(cipher, "attachments", dict(row))

    def dashboard(self, today: dt.date | None = None, *, user_id: int | None = None) -> dict:
        """What is due: open deadlines and tasks by due date (overdue first),
        with their persons; `user_id` narrows to the cases a lawyer is
        assigned to and the tasks assigned to them."""
        today = today or dt.date.today()
        person = tables.persons.c
        out: dict[str, list[dict]] = {}
        with self._reading() as connection:
            cipher = self._case_cipher(connection)
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
                    item = open_row(cipher, kind, dict(row))
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
            cipher = self._case_cipher(connection)
            rows = [open_row(cipher, "deadlines", dict(row)) for row in connection.execute(
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

    def _merge_case_files(self, connection: Connection, into_id: str, from_id: str, username: str) -> None:
        case = tables.case_files.c
        files = {row["person_id"]: dict(row) for row in connection.execute(
            sa.select(tables.case_files).where(case.person_id.in_([into_id, from_id]))).mappings()}
        if from_id in files:
            # A sealed summary is bound to its person's row: it is opened and sealed again for into_id.
            cipher = self._case_cipher(connection, writer=username)
            for row in files.values():
                open_row(cipher, "case_files", row)
            if into_id not in files:
                connection.execute(tables.case_files.update().where(case.person_id == from_id)
                                   .values(person_id=into_id))
                summary = files[from_id]["summary"]
            else:
                kept, merged = files[into_id], files[from_id]
                summary = "\n\n".join(s for s in (kept["summary"], merged["summary"]) if s) or None
                connection.execute(tables.case_files.update().where(case.person_id == into_id).values(
                    status=kept["status"] or merged["status"],
                    next_hearing=kept["next_hearing"] or merged["next_hearing"]))
                connection.execute(tables.case_files.delete().where(case.person_id == from_id))
            connection.execute(tables.case_files.update().where(case.person_id == into_id).values(
                summary=summary if cipher is None else cipher.seal("case_files", "summary", into_id, summary)))
        lawyers = tables.case_lawyers.c
        assigned = set(connection.scalars(sa.select(lawyers.user_id).where(lawyers.person_id == into_id)))
        for user_id in connection.scalars(sa.select(lawyers.user_id).where(lawyers.person_id == from_id)):
            if user_id not in assigned:
                connection.execute(tables.case_lawyers.insert().values(person_id=into_id, user_id=user_id))
        connection.execute(tables.case_lawyers.delete().where(lawyers.person_id == from_id))
