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
    sa.Column("source", sa.Text, index=True),      # indexed for the search filter (revision 0003)
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
    # Safety: never on a public page or in an export (revision 0004).
    sa.Column("do_not_publish", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Index("ix_persons_name_id", "name", "id"),   # keyset pages (revision 0009)
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
    # resolve.surname_key of the last word (revision 0007; see store/keys.py).
    sa.Column("name_key", sa.Text, index=True),
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
    # ISO 3166-1 alpha-2 of where the act happened (revision 0003): the
    # extractor's, else the country the place names; never a guess from the
    # evidence sentence (revision 0006). None when unknown.
    sa.Column("country", sa.String(2), index=True),
    # Removals and flight: ISO code of the country sent or fled to (revision 0006).
    sa.Column("destination", sa.String(2)),
    sa.Column("charge", sa.Text),
    sa.Column("term_years", sa.Float),
    sa.Column("evidence", sa.Text, nullable=False),
    sa.Column("span_start", sa.Integer, nullable=False),
    sa.Column("span_end", sa.Integer, nullable=False),
    sa.Column("confidence", sa.Float, nullable=False),
    sa.Column("trigger", sa.Text),
    # pending | confirmed | rejected. A human decision (revision 0004) also
    # records who and when; automatic runs never change a decided event.
    sa.Column("review_status", SHORT, nullable=False, server_default="pending"),
    sa.Column("created_at", TIMESTAMP, nullable=False),
    sa.Column("reviewed_by", sa.String(64)),
    sa.Column("reviewed_at", TIMESTAMP),
    sa.Index("ix_events_review_status_created_at", "review_status", "created_at"),
    sa.Index("ix_events_review_status_date", "review_status", "date"),   # the review queue (revision 0012)
)

TABLES = (documents, snapshots, persons, aliases, mentions, events)

# Every distinct term of the full-text index (revision 0003; see
# khronika.search). A query's prefix ("задерж*") is expanded to the indexed
# terms it covers with one range scan here, because FTS5 answers an OR of
# exact terms lazily (0.1 ms for a page of a word found in half of 100k
# documents) but merges a prefix's whole doclist first (5-10 ms). The FTS5
# table itself (`documents_fts`, rowid = documents.rowid) is a SQLite
# virtual table that this metadata cannot describe.
search_terms = sa.Table(
    "search_terms", metadata,
    sa.Column("term", sa.Text, primary_key=True),
    sqlite_with_rowid=False,
)


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
    # Who is sending it and until when (revision 0007; see alerts/outbox.py).
    sa.Column("claimed_by", sa.String(64)),
    sa.Column("claimed_until", sa.Float),
    sa.UniqueConstraint("rule_id", "event_id"),
    sa.Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),
)

# Each deadline reminder sent to each address, claimed before it is sent
# (revision 0007; see alerts/reminders.py).
reminder_sends = sa.Table(
    "reminder_sends", metadata,
    sa.Column("deadline_id", sa.Integer, primary_key=True),
    sa.Column("due", SHORT, primary_key=True),
    sa.Column("address", sa.Text, primary_key=True),
    sa.Column("claimed_by", sa.String(64)),
    sa.Column("claimed_until", sa.Float),
    sa.Column("sent_at", TIMESTAMP),
)

WATCH_TABLES = (sources, items, rules, outbox, reminder_sends)


# --- the web app (revision 0004) -------------------------------------------------

ROLES = ("admin", "lawyer", "monitor", "viewer")

users = sa.Table(
    "users", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("username", sa.String(64), nullable=False, unique=True),
    sa.Column("password_hash", sa.Text, nullable=False),   # argon2id, self-describing
    sa.Column("role", SHORT, nullable=False),              # one of ROLES
    sa.Column("email", sa.Text),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("created_at", TIMESTAMP, nullable=False),
)

# Server-side sessions: the cookie carries a random token, the row its
# SHA-256, so a copy of the database does not hand out live sessions.
web_sessions = sa.Table(
    "web_sessions", metadata,
    sa.Column("id", ID, primary_key=True),                 # sha256(token)
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
    sa.Column("csrf_token", ID, nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),     # Unix time
    sa.Column("expires_at", sa.Float, nullable=False),
)

# Every change made by a person through the web app or the CLI: who, when,
# and the entity before and after. Append-only.
audit_log = sa.Table(
    "audit_log", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", TIMESTAMP, nullable=False),
    sa.Column("username", sa.String(64), nullable=False),
    sa.Column("action", SHORT, nullable=False),
    sa.Column("entity", SHORT, nullable=False),
    sa.Column("entity_id", sa.Text, nullable=False),
    sa.Column("before", sa.JSON),
    sa.Column("after", sa.JSON),
    sa.Index("ix_audit_log_entity_entity_id", "entity", "entity_id"),
)

# A person merged into another: later documents resolving to the old id
# (ids are derived from names) land on the surviving person.
person_redirects = sa.Table(
    "person_redirects", metadata,
    sa.Column("from_id", ID, primary_key=True),
    sa.Column("to_id", ID, nullable=False),
    sa.Column("at", TIMESTAMP, nullable=False),
    sa.Column("username", sa.String(64), nullable=False),
)

# Case files are private: nothing below ever reaches a public page or export.
CASE_STATUSES = ("detained", "in_custody", "deported", "extradited", "handed_over", "released",
                 "asylum_pending", "safe_abroad")

case_files = sa.Table(
    "case_files", metadata,
    sa.Column("person_id", ID, sa.ForeignKey("persons.id"), primary_key=True),
    sa.Column("status", SHORT),                            # one of CASE_STATUSES
    sa.Column("summary", sa.Text),
    sa.Column("next_hearing", SHORT),                      # ISO date
    sa.Column("updated_at", TIMESTAMP, nullable=False),
    sa.Column("updated_by", sa.String(64), nullable=False),
)

case_lawyers = sa.Table(
    "case_lawyers", metadata,
    sa.Column("person_id", ID, primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), primary_key=True),
)

deadlines = sa.Table(
    "deadlines", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("person_id", ID, sa.ForeignKey("persons.id"), nullable=False, index=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("due", SHORT, nullable=False),               # ISO date
    sa.Column("remind_days", sa.Integer, nullable=False),  # remind this many days before
    sa.Column("reminded_at", TIMESTAMP),
    sa.Column("done", sa.Boolean, nullable=False),
    sa.Column("created_by", sa.String(64), nullable=False),
    sa.Column("created_at", TIMESTAMP, nullable=False),
)

tasks = sa.Table(
    "tasks", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("person_id", ID, sa.ForeignKey("persons.id"), nullable=False, index=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("due", SHORT, nullable=False),
    sa.Column("assignee_id", sa.Integer),                  # users.id; null: unassigned
    sa.Column("done", sa.Boolean, nullable=False),
    sa.Column("created_by", sa.String(64), nullable=False),
    sa.Column("created_at", TIMESTAMP, nullable=False),
)

notes = sa.Table(
    "notes", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("person_id", ID, sa.ForeignKey("persons.id"), nullable=False, index=True),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("author", sa.String(64), nullable=False),
    sa.Column("created_at", TIMESTAMP, nullable=False),
)

attachments = sa.Table(
    "attachments", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("person_id", ID, sa.ForeignKey("persons.id"), nullable=False, index=True),
    sa.Column("filename", sa.Text, nullable=False),
    sa.Column("media_type", sa.String(100), nullable=False),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("sha256", ID, nullable=False),
    sa.Column("data", sa.LargeBinary, nullable=False),
    sa.Column("uploaded_by", sa.String(64), nullable=False),
    sa.Column("uploaded_at", TIMESTAMP, nullable=False),
)

# Failed logins per key ("user:NAME", "addr:IP"), for the login throttle of
# every server process (revision 0005). Old rows go as new ones arrive.
login_failures = sa.Table(
    "login_failures", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("key", sa.String(200), nullable=False),
    sa.Column("at", sa.Float, nullable=False),             # Unix time
    sa.Index("ix_login_failures_key_at", "key", "at"),
)

WEB_TABLES = (users, web_sessions, login_failures, audit_log, person_redirects, case_files, case_lawyers,
              deadlines, tasks, notes, attachments)
# Tables whose rows are private to the legal team (publish/export never read them).
PRIVATE_TABLES = (case_files, case_lawyers, deadlines, tasks, notes, attachments, audit_log,
                  web_sessions, users, reminder_sends)
