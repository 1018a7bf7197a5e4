"""Sealing a store's case files after the fact: `khronika casefile-key
encrypt-existing` (plain values, stored before a key was configured) and
`rotate` (values sealed with the old key, sealed again with the new one).

Both are one pass that leaves every case-file value sealed with the cipher's
key; a value already sealed with it is left alone, so an interrupted run is
finished by running it again. The store's key is recorded first: from then
on a process with no key, or with the old one, stops at the case files
instead of writing beside the pass. Audit rows that repeat a case file's
words (summaries, titles, file names) get their hash instead. Old copies of
the plain values left in free database pages are then overwritten (SQLite:
secure_delete and VACUUM; PostgreSQL: VACUUM FULL of the sealed tables).
"""
from __future__ import annotations

import sqlalchemy as sa

from khronika.store import schema as tables
from khronika.store.casefile_crypto import (
    SEALED,
    CaseFileCipher,
    CaseFileKeyError,
    is_sealed,
    redact,
    sealed_key_id,
)
from khronika.store.casefiles import record_store_key, store_key_id
from khronika.store.common import _chunks

# Audit entities whose rows may repeat a case file's words.
_AUDITED = ("case_file", "deadline", "task", "note", "attachment")


def reseal_case_files(store, cipher: CaseFileCipher, username: str = "cli") -> dict[str, int]:
    """Seal every case-file value of `store` with `cipher`'s key (opening those
    sealed with one of its older keys). Returns how many values were sealed,
    how many already were, and how many audit rows lost private words."""
    sqlite = store.engine.dialect.name == "sqlite"
    with store._writing() as connection:
        current = store_key_id(connection)
        if current is not None and current not in cipher.key_ids:
            raise CaseFileKeyError(f"this store's case files are sealed with key {current}: "
                                   "give that key (as --old-key-file for a rotation)")
        if current != cipher.key_id:
            record_store_key(connection, username, cipher.key_id, current)
    counts = {"sealed": 0, "already": 0, "audit": 0}
    for name, (id_column, columns) in SEALED.items():
        table = tables.metadata.tables[name]
        with store._reading() as connection:
            ids = list(connection.scalars(sa.select(table.c[id_column]).order_by(table.c[id_column])))
        # Attachments one at a time: each may be 25 MB.
        for chunk in _chunks(ids, 1 if name == "attachments" else 200):
            with store._writing() as connection:
                if sqlite:
                    # The replaced plain values are overwritten with zeros, not left in free pages.
                    connection.exec_driver_sql("PRAGMA secure_delete=ON")
                rows = connection.execute(sa.select(table.c[id_column], *(table.c[c] for c in columns))
                                          .where(table.c[id_column].in_(chunk))).mappings()
                for row in rows:
                    row_id, changes = row[id_column], {}
                    for column in columns:
                        value = row[column]
                        if value is None or (is_sealed(value) and sealed_key_id(value) == cipher.key_id):
                            counts["already"] += value is not None
                            continue
                        changes[column] = cipher.seal(name, column, row_id, cipher.open(name, column, row_id, value))
                    if changes:
                        connection.execute(table.update().where(table.c[id_column] == row_id).values(**changes))
                        counts["sealed"] += len(changes)
    counts["audit"] = _redact_audit(store)
    _overwrite_free_space(store)
    return counts


def _redact_audit(store) -> int:
    log = tables.audit_log.c
    changed = 0
    with store._writing() as connection:
        for row in connection.execute(sa.select(log.id, log.before, log.after)
                                      .where(log.entity.in_(_AUDITED))).mappings():
            before, after = redact(row["before"]), redact(row["after"])
            if (before, after) != (row["before"], row["after"]):
                connection.execute(tables.audit_log.update().where(log.id == row["id"])
                                   .values(before=before, after=after))
                changed += 1
    return changed


def _overwrite_free_space(store) -> None:
    if store.engine.dialect.name == "sqlite":
        raw = store.engine.raw_connection()
        try:
            cursor = raw.cursor()
            # VACUUM rebuilds the file without its free pages; the checkpoint
            # empties the -wal file, which held the pages as they were.
            cursor.execute("VACUUM")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            cursor.close()
        finally:
            raw.close()
    elif store.engine.dialect.name == "postgresql":
        names = ", ".join([*SEALED, "audit_log"])
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            # Dead row versions keep the plain values until the table is rewritten.
            connection.exec_driver_sql(f"VACUUM FULL {names}")
