"""The web app: users, sessions, review decisions, person merges, case files, audit log.

Revision ID: 0004
Revises: 0003_search
Create Date: 2026-11-28

Written out in full, like 0001, so this revision keeps creating the same
tables when `khronika.store.schema` moves on.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003_search"
branch_labels = None
depends_on = None

ID = sa.String(64)
SHORT = sa.String(32)
TIMESTAMP = sa.String(40)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("role", SHORT, nullable=False),
        sa.Column("email", sa.Text),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("username", name="uq_users_username"),
    )
    op.create_table(
        "web_sessions",
        sa.Column("id", ID, nullable=False),
        sa.Column("user_id", sa.Integer, nullable=False),
        sa.Column("csrf_token", ID, nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("expires_at", sa.Float, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_web_sessions"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_web_sessions_user_id_users"),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("at", TIMESTAMP, nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("action", SHORT, nullable=False),
        sa.Column("entity", SHORT, nullable=False),
        sa.Column("entity_id", sa.Text, nullable=False),
        sa.Column("before", sa.JSON),
        sa.Column("after", sa.JSON),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_entity_entity_id", "audit_log", ["entity", "entity_id"])
    # Plain ADD COLUMN (no batch): a batch would rebuild these tables, and
    # dropping a table other rows point to fails with foreign keys on.
    op.add_column("events", sa.Column("reviewed_by", sa.String(64)))
    op.add_column("events", sa.Column("reviewed_at", TIMESTAMP))
    op.create_index("ix_events_review_status_created_at", "events", ["review_status", "created_at"])
    op.add_column("persons", sa.Column("do_not_publish", sa.Boolean, nullable=False,
                                       server_default=sa.false()))
    op.create_table(
        "person_redirects",
        sa.Column("from_id", ID, nullable=False),
        sa.Column("to_id", ID, nullable=False),
        sa.Column("at", TIMESTAMP, nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("from_id", name="pk_person_redirects"),
    )
    op.create_table(
        "case_files",
        sa.Column("person_id", ID, nullable=False),
        sa.Column("status", SHORT),
        sa.Column("summary", sa.Text),
        sa.Column("next_hearing", SHORT),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.Column("updated_by", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("person_id", name="pk_case_files"),
        sa.ForeignKeyConstraint(["person_id"], ["persons.id"], name="fk_case_files_person_id_persons"),
    )
    op.create_table(
        "case_lawyers",
        sa.Column("person_id", ID, nullable=False),
        sa.Column("user_id", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("person_id", "user_id", name="pk_case_lawyers"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_case_lawyers_user_id_users"),
    )
    for name in ("deadlines", "tasks"):
        op.create_table(
            name,
            sa.Column("id", sa.Integer, nullable=False),
            sa.Column("person_id", ID, nullable=False),
            sa.Column("title", sa.Text, nullable=False),
            sa.Column("due", SHORT, nullable=False),
            *([sa.Column("remind_days", sa.Integer, nullable=False),
               sa.Column("reminded_at", TIMESTAMP)] if name == "deadlines"
              else [sa.Column("assignee_id", sa.Integer)]),
            sa.Column("done", sa.Boolean, nullable=False),
            sa.Column("created_by", sa.String(64), nullable=False),
            sa.Column("created_at", TIMESTAMP, nullable=False),
            sa.PrimaryKeyConstraint("id", name=f"pk_{name}"),
            sa.ForeignKeyConstraint(["person_id"], ["persons.id"], name=f"fk_{name}_person_id_persons"),
        )
        op.create_index(f"ix_{name}_person_id", name, ["person_id"])
    op.create_table(
        "notes",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("person_id", ID, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("author", sa.String(64), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_notes"),
        sa.ForeignKeyConstraint(["person_id"], ["persons.id"], name="fk_notes_person_id_persons"),
    )
    op.create_index("ix_notes_person_id", "notes", ["person_id"])
    op.create_table(
        "attachments",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("person_id", ID, nullable=False),
        sa.Column("filename", sa.Text, nullable=False),
        sa.Column("media_type", sa.String(100), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("sha256", ID, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.Column("uploaded_by", sa.String(64), nullable=False),
        sa.Column("uploaded_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_attachments"),
        sa.ForeignKeyConstraint(["person_id"], ["persons.id"], name="fk_attachments_person_id_persons"),
    )
    op.create_index("ix_attachments_person_id", "attachments", ["person_id"])


def downgrade() -> None:
    for index, table in (("ix_attachments_person_id", "attachments"), ("ix_notes_person_id", "notes"),
                         ("ix_tasks_person_id", "tasks"), ("ix_deadlines_person_id", "deadlines")):
        op.drop_index(index, table_name=table)
    for table in ("attachments", "notes", "tasks", "deadlines", "case_lawyers", "case_files",
                  "person_redirects"):
        op.drop_table(table)
    # SQLite >= 3.35 drops a column in place.
    op.drop_column("persons", "do_not_publish")
    op.drop_index("ix_events_review_status_created_at", table_name="events")
    op.drop_column("events", "reviewed_at")
    op.drop_column("events", "reviewed_by")
    op.drop_index("ix_audit_log_entity_entity_id", table_name="audit_log")
    for table in ("audit_log", "web_sessions", "users"):
        op.drop_table(table)
