"""Following sources and alerting: sources, items, rules, outbox.

Revision ID: 0002
Revises: 0001
Create Date: 2026-02-10

Written out in full, like 0001, so this revision keeps creating the same
tables when `khronika.store.schema` moves on.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

ID = sa.String(64)
SHORT = sa.String(32)
TIMESTAMP = sa.String(40)


def upgrade() -> None:
    op.create_table(
        "sources",
        sa.Column("id", ID, nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("kind", SHORT, nullable=False),
        sa.Column("every_s", sa.Float, nullable=False),
        sa.Column("local", sa.Boolean, nullable=False),
        sa.Column("robots", sa.Boolean, nullable=False),
        sa.Column("name", sa.Text),
        sa.Column("listed", sa.Boolean, nullable=False),
        sa.Column("state", sa.JSON, nullable=False),
        sa.Column("seen", sa.JSON, nullable=False),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("next_poll_at", sa.Float),
        sa.Column("last_error", sa.Text),
        sa.Column("last_polled_at", sa.Float),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sources"),
    )

    op.create_table(
        "items",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("canonical_url", sa.Text, nullable=False),
        sa.Column("content_sha256", ID, nullable=False),
        sa.Column("document_id", ID),
        sa.Column("source_id", ID),
        sa.Column("first_seen_at", TIMESTAMP, nullable=False),
        sa.Column("duplicate_of", ID),
        sa.Column("minhash", sa.LargeBinary),
        sa.Column("alerts_queued", sa.Boolean, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_items"),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"],
                                name="fk_items_document_id_documents"),
        sa.ForeignKeyConstraint(["duplicate_of"], ["documents.id"],
                                name="fk_items_duplicate_of_documents"),
    )
    op.create_index("ix_items_canonical_url", "items", ["canonical_url"])
    op.create_index("ix_items_content_sha256", "items", ["content_sha256"])
    op.create_index("ix_items_document_id", "items", ["document_id"])
    op.create_index("ix_items_alerts_queued", "items", ["alerts_queued"])

    op.create_table(
        "rules",
        sa.Column("id", ID, nullable=False),
        sa.Column("channel", SHORT, nullable=False),
        sa.Column("target", sa.Text, nullable=False),
        sa.Column("person", sa.Text),
        sa.Column("types", sa.JSON, nullable=False),
        sa.Column("place", sa.Text),
        sa.Column("keyword", sa.Text),
        sa.Column("secret", sa.Text),
        sa.Column("name", sa.Text),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_rules"),
    )

    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("rule_id", ID, nullable=False),
        sa.Column("event_id", ID, nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("status", SHORT, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", sa.Float, nullable=False),
        sa.Column("last_error", sa.Text),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("sent_at", TIMESTAMP),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
        sa.UniqueConstraint("rule_id", "event_id", name="uq_outbox_rule_id_event_id"),
    )
    op.create_index("ix_outbox_status_next_attempt_at", "outbox", ["status", "next_attempt_at"])


def downgrade() -> None:
    op.drop_index("ix_outbox_status_next_attempt_at", table_name="outbox")
    for index in ("ix_items_alerts_queued", "ix_items_document_id", "ix_items_content_sha256",
                  "ix_items_canonical_url"):
        op.drop_index(index, table_name="items")
    for table in ("outbox", "rules", "items", "sources"):
        op.drop_table(table)
