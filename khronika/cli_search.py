"""The CLI's search index command: `khronika search-index rebuild`.

The index is kept in the transaction that stores a document and by the
events triggers (khronika.search_facets), so it never needs a rebuild after
a crash; this is for a changed stemmer, a restored old backup, or repair.
The rebuild runs in one transaction: killed half-way, the old index stays.
"""
from __future__ import annotations

import time

EXIT_OK = 0


def cmd_search_index(args) -> int:
    from .search import rebuild_index
    from .store import open_store
    started = time.perf_counter()
    with open_store(args.db) as store, store.engine.begin() as connection:
        count = rebuild_index(connection)
    print(f"search index rebuilt: {count} documents in {time.perf_counter() - started:.1f} s")
    return EXIT_OK


def add_commands(sub, db_option) -> None:
    p = sub.add_parser("search-index", help="the full-text search index (rebuild it)")
    actions = p.add_subparsers(dest="action", required=True)
    q = actions.add_parser("rebuild", help="re-index every stored document, in one transaction")
    db_option(q)
    q.set_defaults(func=cmd_search_index)
