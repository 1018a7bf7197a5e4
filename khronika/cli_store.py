"""Which store a command works on, and a clear word when it is not there.

Only `init` and `ingest` create a store on purpose. Every other command
reads or changes one that exists: a mistyped `--db` (or running in the wrong
directory, where the default khronika.db is not) must not hand it a new,
empty store to add users to, follow sources from or serve.
"""
from __future__ import annotations

# The commands that make a new store when --db names a missing file.
STORE_CREATORS = frozenset({"init", "ingest"})
# The commands that need a server store and say so themselves on SQLite.
SERVER_ONLY = frozenset({"worker"})


def missing_store(db) -> str | None:
    """The error for a `--db` (or $KHRONIKA_DB, or the default) that names a
    SQLite file which does not exist; None for an existing file, an in-memory
    store or a server URL (PostgreSQL: its database is there or the
    connection says why)."""
    import sqlalchemy as sa

    from . import store  # looked up at call time: the test suite swaps resolve_url
    url = sa.make_url(store.resolve_url(db))
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    from pathlib import Path
    path = Path(url.database)
    if path.exists():
        return None
    shown = db if db is not None else str(path)
    return (f"no store at {path}; create it with `khronika init --db {shown}` "
            f"or `khronika ingest PATH... --db {shown}`")
