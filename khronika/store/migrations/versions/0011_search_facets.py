"""Search filters in the index: facet tokens beside the words, kept current by triggers.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07

See khronika.search_facets for the tokens and why.

SQLite: `documents_fts` is re-created with a second column, `facets`, and
"_" as a token character (terms never contain it); its rows are copied
from the old table (the stems are not recomputed) with each document's
facets; bm25 weighs the `terms` column only. Triggers on `events` (insert,
delete, update of the filtered columns) and on `documents.source` rewrite
the facets of the documents concerned, in the same transaction.

PostgreSQL: `documents.search_facets`, a tsvector of the same tokens (as
lexemes, as-is), outside the SQLAlchemy metadata like search_vector, kept
by trigger functions; the GIN index `ix_documents_search_vector` becomes a
two-column GIN (search_vector, search_facets), so that a filtered query is
one index scan whose fast scan skips what the filter's short lists exclude.

The facets SQL is khronika.search_facets.facets_sql (written once, for both
backends and for rebuilds); the FTS5 DDL is written out.
"""
from __future__ import annotations

from alembic import op

from khronika.search_facets import facets_sql

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

FTS_CREATE = ("CREATE VIRTUAL TABLE documents_fts USING fts5(terms, facets, "
              "tokenize = 'unicode61 remove_diacritics 0 tokenchars ''_''')")
_SQLITE_FACETS = ("UPDATE documents_fts SET facets = (SELECT {facets} FROM documents d "
                  "WHERE d.rowid = documents_fts.rowid) WHERE rowid IN "
                  "(SELECT rowid FROM documents WHERE id IN ({ids}))")
_EVENT_COLUMNS = "person_id, type, date, country, review_status, document_id"


def sqlite_triggers() -> list[str]:
    """The triggers that keep documents_fts.facets current (SQLite)."""
    facets = facets_sql("sqlite")
    return [
        "CREATE TRIGGER search_facets_event_insert AFTER INSERT ON events BEGIN "
        + _SQLITE_FACETS.format(facets=facets, ids="NEW.document_id") + "; END",
        "CREATE TRIGGER search_facets_event_delete AFTER DELETE ON events BEGIN "
        + _SQLITE_FACETS.format(facets=facets, ids="OLD.document_id") + "; END",
        f"CREATE TRIGGER search_facets_event_update AFTER UPDATE OF {_EVENT_COLUMNS} ON events BEGIN "
        + _SQLITE_FACETS.format(facets=facets, ids="OLD.document_id, NEW.document_id") + "; END",
        "CREATE TRIGGER search_facets_document_source AFTER UPDATE OF source ON documents BEGIN "
        + _SQLITE_FACETS.format(facets=facets, ids="NEW.id") + "; END",
    ]


def postgresql_ddl() -> list[str]:
    """The column, functions and triggers of the facets (PostgreSQL)."""
    facets = facets_sql("postgresql")
    return [
        "ALTER TABLE documents ADD COLUMN search_facets tsvector",
        "CREATE FUNCTION khronika_document_facets(doc_id text, doc_source text) RETURNS tsvector "
        "LANGUAGE sql STABLE AS $$ SELECT array_to_tsvector(array_remove(string_to_array("
        f"(SELECT {facets} FROM (SELECT doc_id AS id, doc_source AS source) d), ' '), '')) $$",
        "CREATE FUNCTION khronika_document_facets_trigger() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN NEW.search_facets := khronika_document_facets(NEW.id, NEW.source); RETURN NEW; END $$",
        "CREATE TRIGGER search_facets_document BEFORE INSERT OR UPDATE OF source ON documents "
        "FOR EACH ROW EXECUTE FUNCTION khronika_document_facets_trigger()",
        "CREATE FUNCTION khronika_event_facets_trigger() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN "
        "IF TG_OP <> 'INSERT' THEN UPDATE documents SET search_facets = "
        "khronika_document_facets(id, source) WHERE id = OLD.document_id; END IF; "
        "IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.document_id <> OLD.document_id) THEN "
        "UPDATE documents SET search_facets = khronika_document_facets(id, source) "
        "WHERE id = NEW.document_id; END IF; "
        "RETURN NULL; END $$",
        f"CREATE TRIGGER search_facets_event AFTER INSERT OR DELETE OR UPDATE OF {_EVENT_COLUMNS} "
        "ON events FOR EACH ROW EXECUTE FUNCTION khronika_event_facets_trigger()",
        "UPDATE documents SET search_facets = khronika_document_facets(id, source)",
        "DROP INDEX ix_documents_search_vector",
        "CREATE INDEX ix_documents_search_vector ON documents USING gin (search_vector, search_facets)",
    ]


def upgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        for statement in postgresql_ddl():
            op.execute(statement)
        return
    op.execute("ALTER TABLE documents_fts RENAME TO documents_fts_0003")
    op.execute(FTS_CREATE)
    op.execute("INSERT INTO documents_fts(documents_fts, rank) VALUES ('rank', 'bm25(1.0, 0.0)')")
    op.execute("INSERT INTO documents_fts(rowid, terms, facets) SELECT f.rowid, f.terms, "
               f"{facets_sql('sqlite')} FROM documents_fts_0003 f JOIN documents d ON d.rowid = f.rowid")
    op.execute("DROP TABLE documents_fts_0003")
    for statement in sqlite_triggers():
        op.execute(statement)


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_documents_search_vector")
        op.execute("CREATE INDEX ix_documents_search_vector ON documents USING gin (search_vector)")
        op.execute("DROP TRIGGER search_facets_event ON events")
        op.execute("DROP TRIGGER search_facets_document ON documents")
        op.execute("DROP FUNCTION khronika_event_facets_trigger()")
        op.execute("DROP FUNCTION khronika_document_facets_trigger()")
        op.execute("DROP FUNCTION khronika_document_facets(text, text)")
        op.execute("ALTER TABLE documents DROP COLUMN search_facets")
        return
    for name in ("event_insert", "event_delete", "event_update", "document_source"):
        op.execute(f"DROP TRIGGER search_facets_{name}")
    op.execute("ALTER TABLE documents_fts RENAME TO documents_fts_0011")
    op.execute("CREATE VIRTUAL TABLE documents_fts USING fts5("
               "terms, tokenize = 'unicode61 remove_diacritics 0')")
    op.execute("INSERT INTO documents_fts(rowid, terms) SELECT rowid, terms FROM documents_fts_0011")
    op.execute("DROP TABLE documents_fts_0011")
