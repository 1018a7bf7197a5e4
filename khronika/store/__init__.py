"""The Khronika store: schema, migrations and every query, in one place.

    from khronika.store import open_store
    with open_store("khronika.db") as store:      # or a SQLAlchemy URL; None -> $KHRONIKA_DB
        store.add_document(doc, extraction.persons, persons, assignments, events)
        for fact in store.timeline(person_id): ...
"""
from khronika.store.facts import DateInterval, Fact, Source, date_interval, dates_compatible, group_facts
from khronika.store.keys import alias_key
from khronika.store.store import DB_ENV, DEFAULT_DB, Store, open_store, resolve_url

__all__ = [
    "DB_ENV", "DEFAULT_DB", "DateInterval", "Fact", "Source", "Store", "alias_key",
    "date_interval", "dates_compatible", "group_facts", "open_store", "resolve_url",
]
