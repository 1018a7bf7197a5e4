"""PostgreSQL full-text search: a generated tsvector column and the insertion order.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06

PostgreSQL only (SQLite has its FTS5 table since 0003; nothing changes
there). Adds to `documents`, outside the SQLAlchemy metadata (see
`khronika.search_pg`):

- `search_seq`: a bigint identity, the order documents were stored in (what
  SQLite's rowid gives: "newest first" past the count cap), unique-indexed;
  existing rows are numbered as they lie in the table.
- `search_vector`: a stored generated tsvector of the title (weight A) and
  the first 200,000 characters of the text, ё folded to е, with the
  'russian' configuration (Russian Snowball for Cyrillic words,
  english_stem for ASCII words), GIN-indexed. PostgreSQL fills it for
  existing rows when the column is added, and keeps it current.

The DDL is written out, as in 0001.
"""
from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_VECTOR = ("setweight(to_tsvector('russian'::regconfig, translate(coalesce(title, ''), 'Ёё', 'Ее')), 'A') "
           "|| to_tsvector('russian'::regconfig, translate(substr(text, 1, 200000), 'Ёё', 'Ее'))")


def upgrade() -> None:
    if op.get_context().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE documents ADD COLUMN search_seq BIGINT GENERATED ALWAYS AS IDENTITY")
    op.execute("CREATE UNIQUE INDEX ix_documents_search_seq ON documents (search_seq)")
    op.execute(f"ALTER TABLE documents ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({_VECTOR}) STORED")
    op.execute("CREATE INDEX ix_documents_search_vector ON documents USING gin (search_vector)")


def downgrade() -> None:
    if op.get_context().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX ix_documents_search_vector")
    op.execute("ALTER TABLE documents DROP COLUMN search_vector")
    op.execute("DROP INDEX ix_documents_search_seq")
    op.execute("ALTER TABLE documents DROP COLUMN search_seq")
