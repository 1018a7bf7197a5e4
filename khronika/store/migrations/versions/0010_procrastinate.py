"""procrastinate's job queue tables (team mode: `khronika worker`).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-08

PostgreSQL only (issue 12, item 2; see khronika/worker.py): the schema SQL
shipped in the installed procrastinate package (tables procrastinate_*, its
enum types and functions), applied unless procrastinate_jobs exists already,
so a database whose queue was created by hand (or by an earlier run) is left
as it is. Without procrastinate installed the revision only says so: the
first `khronika worker` creates the tables itself. A no-op on SQLite, where
`khronika watch` runs the same tasks in one process.
"""
from __future__ import annotations

import logging

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    if op.get_context().as_sql:
        return                  # an offline script: the worker creates the tables at its start
    try:
        from khronika.worker import apply_schema
        apply_schema(bind.connection.dbapi_connection)
    except ImportError:
        log.warning("procrastinate is not installed: `khronika worker` will create its tables "
                    "(pip install 'khronika[postgres]')")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    from khronika.worker import DROP_SCHEMA_SQL
    with bind.connection.dbapi_connection.cursor() as cursor:
        cursor.execute(DROP_SCHEMA_SQL)         # no parameters: '%' stays as is
