"""Events carry the destination of a removal; no country taken from the evidence alone.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01

Adds `events.destination`: the ISO 3166-1 alpha-2 code of the country a
removal or a flight went to ("extradited to Russia": RU), or NULL.

From this revision on, `events.country` is the extractor's country of the
act, or failing that the country the event's place names; never one read
from the evidence sentence, which names the requesting state as often as
the place ("по запросу России" put Russia on arrests in Kazakhstan). An
event without a place had only that evidence guess (revisions 0003 and
the ingest before this one), so its country is cleared here. A country
derived from a place string is kept: it cannot be told apart from a
correct one without the gazetteer, and this revision imports no
application code (it must do the same thing when that code changes).

Plain ADD COLUMN, no batch: a batch rebuilds the table (see 0004).
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("events", sa.Column("destination", sa.String(2)))
    events = sa.table("events", sa.column("place"), sa.column("country"))
    op.execute(events.update()
               .where(sa.or_(events.c.place.is_(None), sa.func.trim(events.c.place) == ""))
               .values(country=None))


def downgrade() -> None:
    # SQLite >= 3.35 drops a column in place. The cleared countries stay cleared.
    op.drop_column("events", "destination")
