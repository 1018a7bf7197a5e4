"""An index on persons (name, id): the persons index pages by that key.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06

Keyset pagination (issue 12, item 6; see `khronika.store.paging`): each
page of the persons index is "the next rows after (name, id)", read in
index order on SQLite and PostgreSQL alike.
"""
from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_persons_name_id", "persons", ["name", "id"])


def downgrade() -> None:
    op.drop_index("ix_persons_name_id", table_name="persons")
