"""Claims on deliveries, so any number of processes send each alert and each
reminder once; an indexed surname key on aliases, so resolution looks up
candidate persons instead of loading all of them.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06

- `outbox.claimed_by`, `outbox.claimed_until`: the deliverer that holds a row
  and until when (Unix time). A deliverer claims a row atomically before it
  sends (see khronika/alerts/outbox.py); a claim that runs out, or whose
  owner died on this host, may be taken by another deliverer.
- `reminder_sends`: one row per (deadline, due date, address) a reminder is
  or was sent to, with the same claim columns and `sent_at`.
- `aliases.name_key`: the loose Latin key of the alias's last word (what
  khronika.resolve.surname_key gives), indexed. This revision imports no
  application code, so existing rows start NULL; the store fills them the
  first time it looks candidates up (khronika/store/keys.py).

Plain ADD COLUMN, no batch: a batch rebuilds the table (see 0004).
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("outbox", sa.Column("claimed_by", sa.String(64)))
    op.add_column("outbox", sa.Column("claimed_until", sa.Float))
    op.create_table(
        "reminder_sends",
        sa.Column("deadline_id", sa.Integer, primary_key=True),
        sa.Column("due", sa.String(32), primary_key=True),
        sa.Column("address", sa.Text, primary_key=True),
        sa.Column("claimed_by", sa.String(64)),
        sa.Column("claimed_until", sa.Float),
        sa.Column("sent_at", sa.String(40)),
    )
    op.add_column("aliases", sa.Column("name_key", sa.Text))
    op.create_index("ix_aliases_name_key", "aliases", ["name_key"])


def downgrade() -> None:
    op.drop_index("ix_aliases_name_key", table_name="aliases")
    op.drop_column("aliases", "name_key")
    op.drop_table("reminder_sends")
    op.drop_column("outbox", "claimed_until")
    op.drop_column("outbox", "claimed_by")
