"""Search and geography: events.country, documents.source index, the FTS5 index and its terms.

Revision ID: 0003_search
Revises: 0002
Create Date: 2026-11-28

Adds `events.country` (ISO 3166-1 alpha-2, derived from the event's place
or evidence by `khronika.geo.country_of`) and backfills it; indexes
`documents.source` for the search filter; on SQLite creates the FTS5 table
`documents_fts` (rowid = documents.rowid, one column of Snowball stems, see
`khronika.search`) and indexes every stored document, filling `search_terms`
(every distinct indexed term, for prefix expansion). Other backends get no
full-text index yet (`khronika.search.search` raises NotImplementedError
there).

The DDL is written out here, as in 0001; the backfills call the current
`country_of` and `document_terms`, which is what a backfill is for.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_search"
down_revision = "0002"
branch_labels = None
depends_on = None

FTS_CREATE = ("CREATE VIRTUAL TABLE documents_fts USING fts5("
              "terms, tokenize = 'unicode61 remove_diacritics 0')")
_BATCH = 1000


def upgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("country", sa.String(2)))
    op.create_index("ix_events_country", "events", ["country"])
    op.create_index("ix_documents_source", "documents", ["source"])
    op.create_table(
        "search_terms",
        sa.Column("term", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("term", name="pk_search_terms"),
        sqlite_with_rowid=False,
    )

    connection = op.get_bind()
    _backfill_countries(connection)
    if connection.dialect.name == "sqlite":
        op.execute(FTS_CREATE)
        from khronika.search import backfill_index
        backfill_index(connection)


def _backfill_countries(connection) -> None:
    from khronika.geo import country_of
    events = sa.table("events", sa.column("id"), sa.column("place"), sa.column("evidence"),
                      sa.column("country"))
    last = ""
    while True:
        rows = connection.execute(
            sa.select(events.c.id, events.c.place, events.c.evidence)
            .where(events.c.id > last).order_by(events.c.id).limit(_BATCH)).all()
        if not rows:
            return
        updates = [{"event_id": row.id, "code": country_of(row.place, row.evidence or "")}
                   for row in rows]
        updates = [update for update in updates if update["code"]]
        if updates:
            connection.execute(events.update().where(events.c.id == sa.bindparam("event_id"))
                               .values(country=sa.bindparam("code")), updates)
        last = rows[-1].id


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE documents_fts")
    op.drop_table("search_terms")
    op.drop_index("ix_documents_source", table_name="documents")
    op.drop_index("ix_events_country", table_name="events")
    with op.batch_alter_table("events") as batch:
        batch.drop_column("country")
