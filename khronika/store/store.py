"""The Khronika store: one place for every read and write of the database.

SQLAlchemy Core only, generic types, so the same code runs on the default
SQLite file and on a shared PostgreSQL server. The schema is brought to the
newest Alembic revision whenever a store is opened.
"""
from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection, Engine

from khronika import search, search_pg  # noqa: F401 (search_pg: registers the PostgreSQL backend)
from khronika.geo import country_of
from khronika.model import Document, EventMention, Person, PersonMention, title_from_text
from khronika.store import crypto
from khronika.store import schema as tables
from khronika.store.casework import CONFIRMED, PENDING_REVIEW, CaseworkQueries, _redirected
from khronika.store.common import _chunks, _now, _now_precise
from khronika.store.facts import Fact, group_facts
from khronika.store.keys import alias_key, name_key
from khronika.store.reading import ReadingQueries
from khronika.store.watch import SEEN_CAP, WatchQueries  # noqa: F401 (SEEN_CAP: re-exported)

DEFAULT_DB = "khronika.db"
DB_ENV = "KHRONIKA_DB"
MIGRATIONS_DIR = Path(__file__).with_name("migrations")

# How long a SQLite writer waits for another process's write lock before
# failing with "database is locked". Backfills and the web app share a file.
SQLITE_BUSY_TIMEOUT_MS = 30_000

# Any fixed number, the same in every process ("khro" in ASCII).
_MIGRATION_LOCK_KEY = 0x6B68726F



def resolve_url(db: str | os.PathLike | None = None) -> str:
    """The SQLAlchemy URL for `db`: a URL as is (postgresql:// -> postgresql+psycopg://),
    a path as a SQLite file.

    None falls back to $KHRONIKA_DB, then to "khronika.db" in the working
    directory.
    """
    if db is None:
        db = os.environ.get(DB_ENV) or DEFAULT_DB
    db = os.fspath(db)
    if "://" in db:
        # A plain PostgreSQL URL gets the psycopg 3 driver (the `postgres`
        # extra), not SQLAlchemy's default psycopg2.
        for scheme in ("postgresql://", "postgres://"):
            if db.startswith(scheme):
                return "postgresql+psycopg://" + db[len(scheme):]
        return db
    if db == ":memory:":
        return "sqlite://"
    path = Path(db).expanduser().absolute()
    return sa.URL.create("sqlite", database=str(path)).render_as_string()


def _create_private(database: str) -> None:
    """Create a new SQLite file readable by its owner only (0600); SQLite gives
    its -wal and -shm files the database file's mode. An existing file is left as it is."""
    if database.startswith("file:"):
        return
    try:
        os.close(os.open(database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass


def open_store(db: str | os.PathLike | None = None, *, encrypt: bool = False) -> Store:
    """Open (creating and migrating as needed) the store at a path or URL; an
    SQLCipher file is opened with its passphrase (crypto.py), `encrypt` makes a new one."""
    return Store(db, encrypt=encrypt)


def _json_dumps(value: Any) -> str:
    # Front matter and feeds hand over dates and other non-JSON values in
    # `meta`; store them as text rather than lose the whole document.
    return json.dumps(value, ensure_ascii=False, default=str)


class Store(CaseworkQueries, ReadingQueries, WatchQueries):
    """The database behind Khronika. Open with `open_store(db)`; close when done."""

    def __init__(self, db: str | os.PathLike | None = None, *, encrypt: bool = False):
        self.url = resolve_url(db)
        self.engine: Engine = self._create_engine(self.url, encrypt)
        self._upgrade_schema()

    # ------------------------------------------------------------ connection

    def _create_engine(self, url: str, encrypt: bool = False) -> Engine:
        is_sqlite = sa.make_url(url).get_backend_name() == "sqlite"
        if is_sqlite:
            database = sa.make_url(url).database
            if database and database != ":memory:":
                Path(database).parent.mkdir(parents=True, exist_ok=True)
                _create_private(database)
        options: dict[str, Any] = {}
        if is_sqlite and sa.make_url(url).database not in (None, "", ":memory:"):
            # Enough pooled connections for the web app's thread pool: past
            # the pool, SQLAlchemy opens and closes a connection per request
            # (with its PRAGMAs), which costs more than most queries.
            options.update(pool_size=32, max_overflow=32)
            options.update(crypto.engine_options(sa.make_url(url).database, create=encrypt) or {})
        engine = sa.create_engine(url, json_serializer=_json_dumps, **options)
        if is_sqlite:
            self._configure_sqlite(engine)
        return engine

    @staticmethod
    def _configure_sqlite(engine: Engine) -> None:
        @sa.event.listens_for(engine, "connect")
        def on_connect(dbapi_connection, _record):
            # Let SQLAlchemy emit BEGIN itself (see on_begin): the sqlite3
            # module's legacy mode begins only at the first INSERT/UPDATE, so a
            # read-then-write transaction would have to upgrade its lock, and
            # that fails at once ("database is locked") instead of waiting.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            # First, so that the pragmas below also wait for a busy file.
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            # WAL: readers (the web app) never block the writer and vice versa.
            cursor.execute("PRAGMA journal_mode=WAL")
            # FULL: a committed document survives a power cut, not only a crash.
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        @sa.event.listens_for(engine, "begin")
        def on_begin(connection):
            # Writers take the write lock up front (BEGIN IMMEDIATE), so the
            # "is this document stored yet?" check and the inserts that follow
            # are one atomic step across processes, and a waiting writer
            # honours busy_timeout. Readers start a plain deferred transaction.
            if connection.get_execution_options().get("khronika_write"):
                connection.exec_driver_sql("BEGIN IMMEDIATE")
            else:
                connection.exec_driver_sql("BEGIN")

    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        """One write transaction: committed on success, rolled back on any error."""
        with self.engine.connect() as connection:
            connection = connection.execution_options(khronika_write=True)
            with connection.begin():
                yield connection

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        """One read transaction, so multi-query reads see one consistent state."""
        with self.engine.connect() as connection, connection.begin():
            yield connection

    def _upgrade_schema(self) -> None:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        # Inside a write transaction: two processes opening a fresh database
        # at once serialize here, and the second finds the schema at head.
        # (SQLite: BEGIN IMMEDIATE; PostgreSQL: a transaction-scoped advisory
        # lock, released at commit.)
        with self._writing() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"),
                                   {"key": _MIGRATION_LOCK_KEY})
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    # ------------------------------------------------------------ documents

    def has_document(self, doc_id: str) -> bool:
        with self._reading() as connection:
            return self._has_document(connection, doc_id)

    @staticmethod
    def _has_document(connection: Connection, doc_id: str) -> bool:
        query = sa.select(tables.documents.c.id).where(tables.documents.c.id == doc_id)
        return connection.execute(query).first() is not None

    def add_document(
        self,
        doc: Document,
        extraction_persons: list[PersonMention],
        persons: list[Person],
        assignments: dict[str, str],
        events: list[EventMention],
        *,
        analysed: bool = True,
        note: str | None = None,
        replace: bool = False,
    ) -> bool:
        """Store one document with everything extracted and resolved from it.

        `extraction_persons` are the document's PersonMentions, `persons` the
        resolved Persons they belong to, `assignments` maps a PersonMention's
        local_id to a Person.id, and each event's `person` is a local_id (or
        already a Person.id). All of it is written in one transaction: a crash
        at any point leaves the whole document or none of it.

        Returns False, writing nothing, when the document is already stored,
        unless `replace`: then this is a re-extraction (a better model, new
        rules) and its events replace the document's machine events that no
        one reviewed yet. A reviewed event, confirmed, edited or rejected,
        keeps the human decision whatever the new extraction says.
        Raises ValueError when an event names a person that is neither
        assigned nor stored.
        """
        for attempt in (1, 2):
            try:
                with self._writing() as connection:
                    stored = self._has_document(connection, doc.id)
                    if stored and not replace:
                        return False
                    persons, assignments = self._follow_redirects(connection, persons, assignments)
                    # An event's person is a local id, or already a Person.id (checked below).
                    event_person_ids = [assignments.get(event.person, event.person) for event in events]
                    if not stored:
                        self._insert_document(connection, doc, analysed=analysed, note=note)
                    for person in persons:
                        self._upsert_person(connection, person)
                    self._check_persons_exist(
                        connection, set(event_person_ids) | set(assignments.values()))
                    keep: set[str] = set()
                    if stored:
                        keep = self._clear_machine_extraction(connection, doc.id, {e.id for e in events})
                    self._insert_mentions(connection, doc.id, extraction_persons, assignments)
                    kept = [(e, pid) for e, pid in zip(events, event_person_ids, strict=True) if e.id not in keep]
                    self._insert_events(connection, doc.id, [e for e, _ in kept], [pid for _, pid in kept])
                return True
            except sa.exc.IntegrityError:
                # On PostgreSQL, another worker may have stored the same
                # document (the idempotent case) or inserted one of the same
                # new persons (then a second attempt updates it instead)
                # between our reads and our inserts. SQLite's BEGIN IMMEDIATE
                # rules both out; there an IntegrityError is a real conflict.
                if self.has_document(doc.id):
                    return False
                if attempt == 2 or self.engine.dialect.name == "sqlite":
                    raise
        raise AssertionError("unreachable")

    @staticmethod
    def _clear_machine_extraction(connection: Connection, doc_id: str, new_ids: set[str]) -> set[str]:
        """Before a re-extraction: drop the document's mentions and its
        unreviewed events that the new run no longer finds. Returns the ids
        of the events that stay as they are (every reviewed one, and the
        unreviewed ones found again, which keep their place in the queue)."""
        event = tables.events.c
        existing = dict(connection.execute(
            sa.select(event.id, event.review_status).where(event.document_id == doc_id)).all())
        stale = [event_id for event_id, status in existing.items()
                 if status == PENDING_REVIEW and event_id not in new_ids]
        for chunk in _chunks(stale):
            connection.execute(tables.events.delete().where(event.id.in_(chunk)))
        connection.execute(tables.mentions.delete().where(tables.mentions.c.document_id == doc_id))
        return set(existing) - set(stale)

    @staticmethod
    def _follow_redirects(connection: Connection, persons: list[Person], assignments: dict[str, str]
                          ) -> tuple[list[Person], dict[str, str]]:
        """A person a human merged into another keeps its name-derived id in
        the resolver's eyes: send what resolves to it to the surviving person."""
        ids = {p.id for p in persons} | set(assignments.values())
        moved = _redirected(connection, sorted(ids))
        if not moved:
            return persons, assignments
        persons = [dataclasses.replace(p, id=moved.get(p.id, p.id)) for p in persons]
        assignments = {local: moved.get(pid, pid) for local, pid in assignments.items()}
        return persons, assignments

    @staticmethod
    def _check_persons_exist(connection: Connection, person_ids: set[str]) -> None:
        wanted = sorted(person_ids)
        found: set[str] = set()
        for chunk in _chunks(wanted):
            found.update(connection.scalars(
                sa.select(tables.persons.c.id).where(tables.persons.c.id.in_(chunk))))
        missing = [person_id for person_id in wanted if person_id not in found]
        if missing:
            raise ValueError(f"events or assignments name persons that are neither given nor "
                             f"stored: {', '.join(missing)}")

    @staticmethod
    def _insert_document(connection: Connection, doc: Document, *, analysed: bool,
                         note: str | None) -> None:
        published = None if doc.published is None else str(doc.published)
        connection.execute(tables.documents.insert().values(
            # An untitled document is named by its first line (never shown as a hex id).
            id=doc.id, path=doc.path, url=doc.url, title=doc.title or title_from_text(doc.text),
            source=doc.source,
            published=published, language=doc.language, media_type=doc.media_type,
            sha256=doc.sha256, captured_at=doc.captured_at, text=doc.text,
            meta=doc.meta or {}, removed=list(doc.removed or []), analysed=analysed, note=note,
            stored_at=_now(),
        ))
        connection.execute(tables.snapshots.insert().values(
            document_id=doc.id, sha256=doc.sha256, captured_at=doc.captured_at,
            raw=bytes(doc.raw or b""),
        ))
        # The full-text index, in the same transaction. SQLite only: on
        # PostgreSQL the index is a generated column (khronika.search_pg).
        if connection.dialect.name == "sqlite":
            search.index_document(connection, doc.id, doc.title or title_from_text(doc.text), doc.text)

    def _upsert_person(self, connection: Connection, person: Person) -> None:
        """Insert a new person, or merge what an automatic run learned into a stored one.

        For a stored person: new aliases are added and missing attributes
        filled in. Name, romanization, role and gender follow the resolver's
        latest view unless a human locked the person; a replaced name stays
        as an alias so that earlier spellings still find the person.
        """
        now = _now()
        stored = connection.execute(
            sa.select(tables.persons).where(tables.persons.c.id == person.id)).mappings().first()
        if stored is None:
            connection.execute(tables.persons.insert().values(
                id=person.id, name=person.name, name_latin=person.name_latin or "",
                role=person.role, gender=person.gender, attributes=person.attributes or {},
                created_at=now, updated_at=now, locked=False,
            ))
        else:
            attributes = dict(stored["attributes"] or {})
            for key, value in (person.attributes or {}).items():
                if attributes.get(key) in (None, "", [], {}):
                    attributes[key] = value
            if stored["locked"]:
                changes = dict(name_latin=stored["name_latin"] or person.name_latin or "",
                               gender=stored["gender"] or person.gender)
            else:
                changes = dict(name=person.name, name_latin=person.name_latin or stored["name_latin"],
                               role=person.role, gender=person.gender or stored["gender"])
            connection.execute(
                tables.persons.update().where(tables.persons.c.id == person.id)
                .values(attributes=attributes, updated_at=now, **changes))
        self._add_aliases(connection, person.id, [person.name, person.name_latin, *person.aliases])

    @staticmethod
    def _add_aliases(connection: Connection, person_id: str, names: Iterable[str | None]) -> None:
        known = set(connection.scalars(
            sa.select(tables.aliases.c.alias).where(tables.aliases.c.person_id == person_id)))
        for name in names:
            if name and name not in known:
                known.add(name)
                connection.execute(tables.aliases.insert().values(
                    person_id=person_id, alias=name, alias_key=alias_key(name), name_key=name_key(name)))

    @staticmethod
    def _insert_mentions(connection: Connection, doc_id: str,
                         extraction_persons: list[PersonMention],
                         assignments: dict[str, str]) -> None:
        rows = [dict(document_id=doc_id, person_id=assignments.get(m.local_id),
                     local_id=m.local_id, name=m.name, surface_forms=list(m.surface_forms),
                     role=m.role)
                for m in extraction_persons]
        if rows:
            connection.execute(tables.mentions.insert(), rows)

    @staticmethod
    def _insert_events(connection: Connection, doc_id: str, event_mentions: list[EventMention],
                       person_ids: list[str]) -> None:
        now = _now_precise()   # the review queue is oldest first
        rows: dict[str, dict] = {}
        for event, person_id in zip(event_mentions, person_ids, strict=True):
            # The id hashes document, person, type, sentence and trigger: a
            # repeat is the same mention extracted twice, so keep the first.
            rows.setdefault(event.id, dict(
                id=event.id, document_id=doc_id, person_id=person_id, type=event.type,
                date=event.date, date_text=event.date_text, place=event.place,
                # The extractor's country of the act, else the one its place
                # names. Never from the evidence sentence: it names the
                # requesting state as readily as the place ("по запросу России").
                country=event.country or country_of(event.place),
                destination=event.destination, charge=event.charge, term_years=event.term_years, evidence=event.evidence,
                span_start=event.start, span_end=event.end, confidence=event.confidence,
                trigger=event.trigger, created_at=now,
            ))
        if rows:
            connection.execute(tables.events.insert(), list(rows.values()))

    def documents(self) -> list[Document]:
        """Every stored document, oldest stored first, without the snapshot bytes."""
        with self._reading() as connection:
            columns = tables.documents.c
            rows = connection.execute(
                sa.select(tables.documents).order_by(columns.stored_at, columns.id)).mappings()
            return [self._document_from(row) for row in rows]

    def document(self, doc_id: str) -> Document | None:
        """One document with `raw` set to its latest snapshot's bytes."""
        with self._reading() as connection:
            row = connection.execute(
                sa.select(tables.documents).where(tables.documents.c.id == doc_id)).mappings().first()
            if row is None:
                return None
            raw = connection.scalar(
                sa.select(tables.snapshots.c.raw).where(tables.snapshots.c.document_id == doc_id)
                .order_by(tables.snapshots.c.id.desc()).limit(1))
            return self._document_from(row, raw=raw or b"")

    @staticmethod
    def _document_from(row, raw: bytes = b"") -> Document:
        return Document(
            id=row["id"], path=row["path"], text=row["text"], sha256=row["sha256"],
            captured_at=row["captured_at"], raw=raw, title=row["title"], url=row["url"],
            source=row["source"], published=row["published"], language=row["language"],
            media_type=row["media_type"], meta=row["meta"] or {}, removed=row["removed"] or [],
        )

    # ------------------------------------------------------------ persons

    def persons(self) -> list[Person]:
        """Every person, by name."""
        with self._reading() as connection:
            return self._persons_where(connection, None)

    def person(self, person_id: str) -> Person | None:
        with self._reading() as connection:
            found = self._persons_where(connection, tables.persons.c.id == person_id)
        return found[0] if found else None

    def find_persons(self, name_or_fragment: str | None = None, *,
                     keys: Iterable[str] | None = None) -> list[Person]:
        """Persons known by a name containing `name_or_fragment`, or by one of `keys`.

        A fragment is folded with `alias_key` and matched anywhere inside a
        stored key ("емельян" finds "Юлия Емельянова"). `keys` are compared
        exactly, as computed by the caller (the resolver's candidate lookup).
        """
        conditions = []
        if name_or_fragment is not None and alias_key(name_or_fragment):
            fragment = alias_key(name_or_fragment)
            escaped = fragment.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            conditions.append(tables.aliases.c.alias_key.like(f"%{escaped}%", escape="\\"))
        key_list = sorted(set(keys or ()))
        with self._reading() as connection:
            person_ids: set[str] = set()
            if conditions:
                person_ids.update(connection.scalars(
                    sa.select(tables.aliases.c.person_id).where(*conditions)))
            for chunk in _chunks(key_list):
                person_ids.update(connection.scalars(
                    sa.select(tables.aliases.c.person_id)
                    .where(tables.aliases.c.alias_key.in_(chunk))))
            found: list[Person] = []
            for chunk in _chunks(sorted(person_ids)):
                found.extend(self._persons_where(connection, tables.persons.c.id.in_(chunk)))
        return sorted(found, key=lambda p: (alias_key(p.name), p.id))

    def is_locked(self, person_id: str) -> bool:
        with self._reading() as connection:
            return bool(connection.scalar(
                sa.select(tables.persons.c.locked).where(tables.persons.c.id == person_id)))

    def update_person(self, person_id: str, *, name: str | None = None,
                      name_latin: str | None = None, role: str | None = None,
                      gender: str | None = None, lock: bool = True) -> None:
        """A human decision about a person: set the given fields and lock it.

        Locked persons keep name, romanization, role and gender through every
        automatic run. `lock=False` with no fields releases the lock.
        """
        changes: dict[str, Any] = {k: v for k, v in dict(
            name=name, name_latin=name_latin, role=role, gender=gender).items() if v is not None}
        with self._writing() as connection:
            result = connection.execute(
                tables.persons.update().where(tables.persons.c.id == person_id)
                .values(locked=lock, updated_at=_now(), **changes))
            if result.rowcount == 0:
                raise KeyError(person_id)
            self._add_aliases(connection, person_id, [name, name_latin])

    def _persons_where(self, connection: Connection, condition) -> list[Person]:
        query = sa.select(tables.persons).order_by(tables.persons.c.name, tables.persons.c.id)
        if condition is not None:
            query = query.where(condition)
        rows = list(connection.execute(query).mappings())
        alias = tables.aliases.c
        alias_query = sa.select(alias.person_id, alias.alias).order_by(alias.id)
        if condition is not None:
            alias_query = alias_query.where(
                alias.person_id.in_(sa.select(tables.persons.c.id).where(condition)))
        names_by_person: dict[str, list[str]] = {}
        for person_id, name in connection.execute(alias_query):
            names_by_person.setdefault(person_id, []).append(name)
        return [Person(
            id=row["id"], name=row["name"], name_latin=row["name_latin"],
            aliases=[name for name in names_by_person.get(row["id"], [])
                     if name not in (row["name"], row["name_latin"])],
            role=row["role"], gender=row["gender"], attributes=row["attributes"] or {},
        ) for row in rows]

    # ------------------------------------------------------------ events

    def events(self, person_id: str | None = None) -> list[EventMention]:
        """Stored event mentions (all, or one person's), `person` set to the Person.id
        and `id` the id they were stored under."""
        event = tables.events.c
        query = sa.select(tables.events).order_by(event.document_id, event.span_start, event.id)
        if person_id is not None:
            query = query.where(event.person_id == person_id)
        with self._reading() as connection:
            return [self._event_from(row) for row in connection.execute(query).mappings()]

    @staticmethod
    def _event_from(row) -> EventMention:
        return EventMention(
            person=row["person_id"], type=row["type"], evidence=row["evidence"],
            document=row["document_id"], date=row["date"], date_text=row["date_text"],
            place=row["place"], country=row["country"], destination=row["destination"],
            charge=row["charge"], term_years=row["term_years"],
            confidence=row["confidence"], start=row["span_start"], end=row["span_end"],
            trigger=row["trigger"], id=row["id"],
        )

    def timeline(self, person_id: str, *, confirmed_only: bool = False) -> list[Fact]:
        """One person's facts in date order, each with every source that reported it.

        Events a reviewer rejected are never part of a timeline;
        `confirmed_only` keeps only those a reviewer confirmed (what viewers
        and the public archive see)."""
        event, document = tables.events.c, tables.documents.c
        # The columns group_facts reads (see its docstring).
        query = (
            sa.select(
                event.id.label("event_id"), event.person_id, event.type, event.date,
                event.date_text, event.place, event.country, event.destination, event.charge,
                event.term_years, event.evidence,
                event.confidence, event.span_start, event.span_end, event.review_status, event.document_id,
                document.url, document.path, document.title, document.published,
                document.captured_at, document.sha256,
            )
            .join(tables.documents, document.id == event.document_id)
            .where(event.person_id == person_id,
                   event.review_status.in_((CONFIRMED,) if confirmed_only else (CONFIRMED, PENDING_REVIEW)))
        )
        with self._reading() as connection:
            rows = [dict(row) for row in connection.execute(query).mappings()]
        return group_facts(rows)

    # ------------------------------------------------------------ overview

    def search(self, query: str, **filters) -> search.SearchPage:
        """Full-text search of the stored documents: see `khronika.search.search`
        for the query language and the filters (person_id, types, country,
        date_from, date_to, source, limit, offset); on PostgreSQL the
        backend is `khronika.search_pg`."""
        with self._reading() as connection:
            return search.search(connection, query, **filters)

    def counts(self) -> dict[str, int]:
        """Rows per table."""
        with self._reading() as connection:
            return {table.name: connection.scalar(sa.select(sa.func.count()).select_from(table))
                    for table in tables.TABLES}
