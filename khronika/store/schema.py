"""The tables of the Khronika store, as SQLAlchemy Core metadata.

This module is the one description of the schema that queries are written
against. The migrations under `migrations/versions/` create the same tables
explicitly (a migration must not change when this file does later);
`tests/test_store.py` checks that the two agree.

Portability (SQLite now, PostgreSQL later): only generic types. Timestamps
and dates are ISO 8601 strings, because source dates come at varying
precision ("2022", "2022-09") and sort correctly as text; free text is
`Text`, identifiers are bounded `String`s, structured extras are `JSON`,
snapshot bytes are `LargeBinary`.
"""
from __future__ import annotations

import sqlalchemy as sa

# A fixed naming convention gives constraints the same names on every
# backend, so later migrations can alter them by name.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)

ID = sa.String(64)          # document, person and event ids (hex digests, slugs)
SHORT = sa.String(32)       # event types, roles, ISO dates, statuses, language codes
TIMESTAMP = sa.String(40)   # ISO 8601, e.g. "2026-02-03T10:00:00+00:00"

documents = sa.Table(
    "documents", metadata,
    sa.Column("id", ID, primary_key=True),          # = Document.id
    sa.Column("path", sa.Text, nullable=False),
    sa.Column("url", sa.Text),
    sa.Column("title", sa.Text),
    sa.Column("source", sa.Text),
    sa.Column("published", TIMESTAMP),
    sa.Column("language", SHORT),
    sa.Column("media_type", sa.String(100), nullable=False),
    sa.Column("sha256", ID, nullable=False),
    sa.Column("captured_at", TIMESTAMP, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("meta", sa.JSON, nullable=False),
    sa.Column("removed", sa.JSON, nullable=False),  # debris lines cleaned away, for audit
    sa.Column("analysed", sa.Boolean, nullable=False),
    sa.Column("note", sa.Text),
    sa.Column("stored_at", TIMESTAMP, nullable=False),
)

# The bytes as captured. Kept apart from `documents` so listing documents
# never reads them, and so an article deleted at its source stays evidence.
snapshots = sa.Table(
    "snapshots", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("document_id", ID, sa.ForeignKey("documents.id"), nullable=False, index=True),
    sa.Column("sha256", ID, nullable=False),
    sa.Column("captured_at", TIMESTAMP, nullable=False),
    sa.Column("raw", sa.LargeBinary, nullable=False),
)

persons = sa.Table(
    "persons", metadata,
    sa.Column("id", ID, primary_key=True),          # = Person.id
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("name_latin", sa.Text, nullable=False),
    sa.Column("role", SHORT, nullable=False),
    sa.Column("gender", sa.String(1)),
    sa.Column("attributes", sa.JSON, nullable=False),
    sa.Column("created_at", TIMESTAMP, nullable=False),
    sa.Column("updated_at", TIMESTAMP, nullable=False),
    # Set when a human decided something about this person: automatic runs
    # then never overwrite name, name_latin, role or gender.
    sa.Column("locked", sa.Boolean, nullable=False),
)

# Every form a person is known by, including the current name and its
# romanization, so that lookups need only `alias_key`. Person.aliases is
# read back as the rows that differ from the current name and name_latin.
aliases = sa.Table(
    "aliases", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),  # keeps insertion order
    sa.Column("person_id", ID, sa.ForeignKey("persons.id"), nullable=False),
    sa.Column("alias", sa.Text, nullable=False),
    sa.Column("alias_key", sa.Text, nullable=False, index=True),
    sa.UniqueConstraint("person_id", "alias"),
)

mentions = sa.Table(
    "mentions", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("document_id", ID, sa.ForeignKey("documents.id"), nullable=False),
    sa.Column("person_id", ID, sa.ForeignKey("persons.id"), index=True),  # null: not resolved
    sa.Column("local_id", SHORT, nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("surface_forms", sa.JSON, nullable=False),
    sa.Column("role", SHORT, nullable=False),
    sa.UniqueConstraint("document_id", "local_id"),
)

events = sa.Table(
    "events", metadata,
    sa.Column("id", ID, primary_key=True),          # = EventMention.id
    sa.Column("document_id", ID, sa.ForeignKey("documents.id"), nullable=False, index=True),
    sa.Column("person_id", ID, sa.ForeignKey("persons.id"), nullable=False, index=True),
    sa.Column("type", SHORT, nullable=False),
    sa.Column("date", SHORT),                       # ISO at the text's precision, "2022/2023"
    sa.Column("date_text", sa.Text),
    sa.Column("place", sa.Text),
    sa.Column("charge", sa.Text),
    sa.Column("term_years", sa.Float),
    sa.Column("evidence", sa.Text, nullable=False),
    sa.Column("span_start", sa.Integer, nullable=False),
    sa.Column("span_end", sa.Integer, nullable=False),
    sa.Column("confidence", sa.Float, nullable=False),
    sa.Column("trigger", sa.Text),
    sa.Column("review_status", SHORT, nullable=False, server_default="pending"),
    sa.Column("created_at", TIMESTAMP, nullable=False),
)

TABLES = (documents, snapshots, persons, aliases, mentions, events)
