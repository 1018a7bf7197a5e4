"""An index on events (review_status, date): the review queue's order.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-08

The review queue (issue 13, item 1; see `khronika.store.review`) shows the
freshest happenings first: the events awaiting review by date, newest
first. With this index a page is read in index order instead of sorting
every waiting event.
"""
from __future__ import annotations

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_events_review_status_date", "events", ["review_status", "date"])


def downgrade() -> None:
    op.drop_index("ix_events_review_status_date", table_name="events")
