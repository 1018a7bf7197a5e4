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


# --- following sources and alerting (`khronika watch`, revision 0002) -------------

# A followed source and what its poller must remember between polls and
# across restarts. `listed` rows were added with `sources add` (or upserted
# from khronika.toml) and are what `Store.sources()` returns; a source whose
# state is saved before it was ever listed gets an unlisted row.
sources = sa.Table(
    "sources", metadata,
    sa.Column("id", ID, primary_key=True),          # = SourceConfig.id
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("kind", SHORT, nullable=False),
    sa.Column("every_s", sa.Float, nullable=False),
    sa.Column("local", sa.Boolean, nullable=False),
    sa.Column("robots", sa.Boolean, nullable=False),
    sa.Column("name", sa.Text),
    sa.Column("listed", sa.Boolean, nullable=False),
    sa.Column("state", sa.JSON, nullable=False),    # the poller's own: ETag, Last-Modified, cursors
    sa.Column("seen", sa.JSON, nullable=False),     # recent item keys, oldest first, capped
    sa.Column("failures", sa.Integer, nullable=False),  # consecutive failed polls
    sa.Column("next_poll_at", sa.Float),            # Unix time
    sa.Column("last_error", sa.Text),
    sa.Column("last_polled_at", sa.Float),          # Unix time
    sa.Column("created_at", TIMESTAMP, nullable=False),
)

# Every fetched item that was taken in: the exact-repeat keys (canonical URL,
# SHA-256 of the cleaned text), the document it became, or the first copy a
# near-duplicate was linked to, and its MinHash signature for the LSH index.
# `alerts_queued` turns true in the transaction that queues the alerts of the
# item's events, so a crash in between is caught up at the next start.
items = sa.Table(
    "items", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("canonical_url", sa.Text, nullable=False, index=True),
    sa.Column("content_sha256", ID, nullable=False, index=True),
    sa.Column("document_id", ID, sa.ForeignKey("documents.id"), index=True),
    sa.Column("source_id", ID),
    sa.Column("first_seen_at", TIMESTAMP, nullable=False),
    sa.Column("duplicate_of", ID, sa.ForeignKey("documents.id")),
    sa.Column("minhash", sa.LargeBinary),
    sa.Column("alerts_queued", sa.Boolean, nullable=False, index=True),
)

rules = sa.Table(
    "rules", metadata,
    sa.Column("id", ID, primary_key=True),          # = Rule.id
    sa.Column("channel", SHORT, nullable=False),    # webhook | email | telegram
    sa.Column("target", sa.Text, nullable=False),
    sa.Column("person", sa.Text),
    sa.Column("types", sa.JSON, nullable=False),
    sa.Column("place", sa.Text),
    sa.Column("keyword", sa.Text),
    sa.Column("secret", sa.Text),
    sa.Column("name", sa.Text),
    sa.Column("created_at", TIMESTAMP, nullable=False),
)

# The persistent outbox: one row per (rule, event), whatever happens. No
# foreign keys: a removed rule or a reviewed-away event leaves its history.
outbox = sa.Table(
    "outbox", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("rule_id", ID, nullable=False),
    sa.Column("event_id", ID, nullable=False),
    sa.Column("payload", sa.JSON, nullable=False),  # the Alert's fields
    sa.Column("status", SHORT, nullable=False),     # pending | sent | failed
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("next_attempt_at", sa.Float, nullable=False),   # Unix time
    sa.Column("last_error", sa.Text),
    sa.Column("created_at", TIMESTAMP, nullable=False),
    sa.Column("sent_at", TIMESTAMP),
    sa.UniqueConstraint("rule_id", "event_id"),
    sa.Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),
)

WATCH_TABLES = (sources, items, rules, outbox)
