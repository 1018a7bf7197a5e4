"""Lookup keys of names: what `aliases.alias_key` and `aliases.name_key` hold,
and the indexed candidate lookup that resolution runs per document.

`alias_key` folds a name for exact lookups ("Семён  Кочкин" -> "семен
кочкин"). `name_key` is the resolver's own surname key of a name's last
word (khronika.resolve.surname_key: romanized, loosened, so Качкуркин,
Kachkurkin and Katchkourkine share it). The resolver compares a mention
only with the stored persons whose current name has the mention's surname
key (see resolve.resolve), so those persons, found through the index on
`aliases.name_key`, are all it needs: per-document cost does not grow with
the store, and the outcome is the one that loading every person gives.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Iterable

import sqlalchemy as sa

from khronika.resolve import mention_surname_key, surname_key
from khronika.store import schema as tables
from khronika.store.common import _chunks


def alias_key(name: str) -> str:
    """Lowercase, ё folded to е, whitespace collapsed.

    "Семён  Кочкин" -> "семен кочкин".

    Russian texts write ё and е interchangeably, and case carries no identity.
    """
    folded = unicodedata.normalize("NFC", name).lower().replace("ё", "е")
    return " ".join(folded.split())


def name_key(name: str) -> str:
    """The resolver's surname key of a name's last word; "" when it has none
    ("Yuliya Emelyanova" and "Юлия Емельянова" -> "emelianova")."""
    words = (name or "").split()
    return (surname_key(words[-1]) or "") if words else ""


def fill_name_keys(connection, batch: int = 5000) -> int:
    """Set `name_key` on alias rows that lack it (rows from before revision
    0007, or written by older code). Returns how many were set. Uses the
    index on name_key: nearly free when there is nothing to do."""
    alias = tables.aliases.c
    filled = 0
    while True:
        rows = connection.execute(sa.select(alias.id, alias.alias).where(alias.name_key.is_(None))
                                  .limit(batch)).all()
        if not rows:
            return filled
        connection.execute(tables.aliases.update().where(alias.id == sa.bindparam("row_id"))
                           .values(name_key=sa.bindparam("key")),
                           [{"row_id": row.id, "key": name_key(row.alias)} for row in rows])
        filled += len(rows)


def persons_with_name_keys(store, keys: Iterable[str]) -> list:
    """The stored persons whose current name has one of these surname keys,
    in `store.persons()` order (by name, then id), with their aliases."""
    keys = sorted(set(keys))
    if not keys:
        return []
    with store._reading() as connection:
        if not _missing_keys(connection):
            return _persons_named(store, connection, keys)
    with store._writing() as connection:
        fill_name_keys(connection)
        return _persons_named(store, connection, keys)


def _missing_keys(connection) -> bool:
    alias = tables.aliases.c
    return connection.execute(sa.select(alias.id).where(alias.name_key.is_(None)).limit(1)).first() is not None


def _persons_named(store, connection, keys: list[str]) -> list:
    alias, person = tables.aliases.c, tables.persons.c
    ids: set[str] = set()
    for chunk in _chunks(keys):
        ids.update(connection.scalars(
            sa.select(alias.person_id)
            .join(tables.persons, sa.and_(person.id == alias.person_id, person.name == alias.alias))
            .where(alias.name_key.in_(chunk))))
    chunks = list(_chunks(sorted(ids)))
    if len(chunks) == 1:        # the usual case: in the database's order, as store.persons()
        return store._persons_where(connection, person.id.in_(chunks[0]))
    found = []
    for chunk in chunks:
        found.extend(store._persons_where(connection, person.id.in_(chunk)))
    return sorted(found, key=lambda p: (p.name, p.id))


def known_persons(store, extractions) -> list:
    """The stored persons `resolve` needs to place these extractions' persons:
    those sharing a surname key with one of their mentions. The same
    resolution as `resolve(extractions, known=store.persons())`, at the cost
    of a few indexed lookups instead of reading every person."""
    return persons_with_name_keys(store, {mention_surname_key(pm)
                                          for extraction in extractions for pm in extraction.persons})
