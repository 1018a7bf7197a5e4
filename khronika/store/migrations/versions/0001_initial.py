"""Initial schema: documents, snapshots, persons, aliases, mentions, events.

Revision ID: 0001
Revises:
Create Date: 2026-02-03

Written out in full rather than imported from `khronika.store.schema`, so this
revision keeps creating the same tables when the schema module moves on.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ID = sa.String(64)
SHORT = sa.String(32)
TIMESTAMP = sa.String(40)


def upgrade() -> None:
    op.create_table(
        "documents",
        sa.Column("id", ID, nullable=False),
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
        sa.Column("removed", sa.JSON, nullable=False),
        sa.Column("analysed", sa.Boolean, nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("stored_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_documents"),
    )
    op.create_table(
        "snapshots",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("document_id", ID, nullable=False),
        sa.Column("sha256", ID, nullable=False),
        sa.Column("captured_at", TIMESTAMP, nullable=False),
        sa.Column("raw", sa.LargeBinary, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_snapshots"),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"],
                                name="fk_snapshots_document_id_documents"),
    )
    op.create_index("ix_snapshots_document_id", "snapshots", ["document_id"])

    op.create_table(
        "persons",
        sa.Column("id", ID, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("name_latin", sa.Text, nullable=False),
        sa.Column("role", SHORT, nullable=False),
        sa.Column("gender", sa.String(1)),
        sa.Column("attributes", sa.JSON, nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.Column("locked", sa.Boolean, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_persons"),
    )
    op.create_table(
        "aliases",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("person_id", ID, nullable=False),
        sa.Column("alias", sa.Text, nullable=False),
        sa.Column("alias_key", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_aliases"),
        sa.ForeignKeyConstraint(["person_id"], ["persons.id"],
                                name="fk_aliases_person_id_persons"),
        sa.UniqueConstraint("person_id", "alias", name="uq_aliases_person_id_alias"),
    )
    op.create_index("ix_aliases_alias_key", "aliases", ["alias_key"])

    op.create_table(
        "mentions",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("document_id", ID, nullable=False),
        sa.Column("person_id", ID),
        sa.Column("local_id", SHORT, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("surface_forms", sa.JSON, nullable=False),
        sa.Column("role", SHORT, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_mentions"),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"],
                                name="fk_mentions_document_id_documents"),
        sa.ForeignKeyConstraint(["person_id"], ["persons.id"],
                                name="fk_mentions_person_id_persons"),
        sa.UniqueConstraint("document_id", "local_id", name="uq_mentions_document_id_local_id"),
    )
    op.create_index("ix_mentions_person_id", "mentions", ["person_id"])

    op.create_table(
        "events",
        sa.Column("id", ID, nullable=False),
        sa.Column("document_id", ID, nullable=False),
        sa.Column("person_id", ID, nullable=False),
        sa.Column("type", SHORT, nullable=False),
        sa.Column("date", SHORT),
        sa.Column("date_text", sa.Text),
        sa.Column("place", sa.Text),
        sa.Column("charge", sa.Text),
        sa.Column("term_years", sa.Float),
        sa.Column("evidence", sa.Text, nullable=False),
        sa.Column("span_start", sa.Integer, nullable=False),
        sa.Column("span_end", sa.Integer, nullable=False),
        sa.Column("confidence", sa.Float, nullable=False),
        sa.Column("trigger", sa.Text),
        sa.Column("review_status", SHORT, server_default="pending", nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_events"),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"],
                                name="fk_events_document_id_documents"),
        sa.ForeignKeyConstraint(["person_id"], ["persons.id"],
                                name="fk_events_person_id_persons"),
    )
    op.create_index("ix_events_document_id", "events", ["document_id"])
    op.create_index("ix_events_person_id", "events", ["person_id"])


def downgrade() -> None:
    for index, table in (("ix_events_person_id", "events"), ("ix_events_document_id", "events"),
                         ("ix_mentions_person_id", "mentions"), ("ix_aliases_alias_key", "aliases"),
                         ("ix_snapshots_document_id", "snapshots")):
        op.drop_index(index, table_name=table)
    for table in ("events", "mentions", "aliases", "persons", "snapshots", "documents"):
        op.drop_table(table)
