"""Resolution through the indexed surname keys (issue 12): the same outcome as
loading every person, found with a few indexed lookups; rows from before the
key column get their keys on first use; human merges stay merged."""
from __future__ import annotations

import hashlib
import sqlite3

import pytest

from khronika.model import Document, DocumentExtraction, PersonMention
from khronika.resolve import resolve
from khronika.store import open_store
from khronika.store.keys import known_persons, name_key


def doc(doc_id: str, *names: str | tuple) -> DocumentExtraction:
    """A document naming these persons: "First Surname", or (name, first, surname)."""
    persons = []
    for n, item in enumerate(names, 1):
        name, first, surname = item if isinstance(item, tuple) else (item, None, None)
        persons.append(PersonMention(local_id=f"p{n}", name=name, first_name=first, surname=surname,
                                     role="subject", surface_forms=[name]))
    text = " ".join(name for name, *_ in (i if isinstance(i, tuple) else (i,) for i in names))
    raw = f"{doc_id}:{text}".encode()
    document = Document(id=doc_id, path=f"{doc_id}.md", text=text, sha256=hashlib.sha256(raw).hexdigest(),
                        captured_at="2026-03-01T00:00:00+00:00", raw=raw)
    return DocumentExtraction(document=document, persons=persons, events=[])


def ingest(store, extraction: DocumentExtraction, *, everyone: bool = False):
    """Resolve against the store (by index, or every person) and store the document."""
    known = store.persons() if everyone else known_persons(store, [extraction])
    resolution = resolve([extraction], known=known)
    assignments = {local: pid for (_, local), pid in resolution.assignments.items()}
    store.add_document(extraction.document, extraction.persons, resolution.persons, assignments, [])
    return resolution


# Namesakes, scripts, spellings, inflection-free surname-only mentions, initials,
# a second person with the same surname, English reports of Russian names.
SEED = [
    doc("d1", ("Юлия Емельянова", "Юлия", "Емельянова"), ("Тимур Ахмедов", "Тимур", "Ахмедов")),
    doc("d2", "Yuliya Emelyanova", "Semyon Kochkin", ("Олег Рябов", "Олег", "Рябов")),
    doc("d3", ("Семён Кочкин", "Семён", "Кочкин"), ("Ахмедов", None, "Ахмедов")),
    doc("d4", ("Анна Рябова", "Анна", "Рябова"), ("Игорь Рябов", "Игорь", "Рябов")),
    doc("d5", "Aleksandr Katchkourkine", ("Kachkurkin", None, "Kachkurkin")),
    doc("d6", ("Александр Качкуркин", "Александр", "Качкуркин"), "John Smith", "Mary Smith-Jones"),
]
PROBES = [
    doc("q1", ("Рябов", None, "Рябов")),                       # two Рябовs: kept apart
    doc("q2", ("О. Рябов", "О.", "Рябов"), "Julia Emelyanova"),
    doc("q3", "Timur Akhmedov", ("Кочкин", None, "Кочкин"), "Alexander Kachkurkin"),
    doc("q4", "Smith", "J. Smith", ("Мария Смит", "Мария", "Смит"), "Новое Лицо"),
]


def test_indexed_candidates_resolve_exactly_like_every_person(tmp_path):
    with open_store(tmp_path / "k.db") as store:
        for extraction in SEED:
            ingest(store, extraction)
        everyone = store.persons()
        assert len(everyone) >= 10
        for probe in PROBES:
            candidates = known_persons(store, [probe])
            # Only the persons a mention's surname key reaches, never the whole store...
            assert 0 < len(candidates) < len(everyone)
            assert {p.id for p in candidates} <= {p.id for p in everyone}
            # ...and the same resolution as with every person.
            assert resolve([probe], known=candidates) == resolve([probe], known=everyone)
        # A name no stored person shares a key with finds nobody.
        assert known_persons(store, [doc("q5", "Совсем Другой")]) == []


def test_the_same_store_results_as_the_old_full_scan_over_a_sequence_of_documents(tmp_path):
    """Ingest the same documents twice, by index and by loading every person:
    the same persons, the same aliases, the same assignments."""
    def persons_after(path, everyone):
        with open_store(path) as store:
            for extraction in SEED + PROBES:
                ingest(store, extraction, everyone=everyone)
            return [(p.id, p.name, sorted(p.aliases)) for p in store.persons()], \
                sorted((m["document_id"], m["local_id"], m["person_id"]) for m in mentions(store))

    def mentions(store):
        import sqlalchemy as sa

        from khronika.store import schema
        with store._reading() as connection:
            return [dict(row) for row in connection.execute(sa.select(schema.mentions)).mappings()]
    assert persons_after(tmp_path / "a.db", False) == persons_after(tmp_path / "b.db", True)


@pytest.mark.sqlite_only
def test_alias_rows_without_a_key_get_it_on_first_lookup(tmp_path):
    """Rows written before revision 0007 (or by older code) have no name_key."""
    db = tmp_path / "k.db"
    with open_store(db) as store:
        ingest(store, SEED[0])
    connection = sqlite3.connect(db)
    with connection:
        connection.execute("UPDATE aliases SET name_key = NULL")
    connection.close()
    with open_store(db) as store:
        found = known_persons(store, [doc("q", "Yulia Emelyanova")])
        assert [p.name for p in found] == ["Юлия Емельянова"]
    connection = sqlite3.connect(db)
    keys = dict(connection.execute("SELECT alias, name_key FROM aliases").fetchall())
    connection.close()
    assert keys["Юлия Емельянова"] == name_key("Yuliya Emelyanova") == "emelianova"
    assert None not in keys.values()


def test_a_human_merge_is_never_undone_by_a_later_document(tmp_path):
    """A maiden name merged into the married one: a later report under the
    old name lands on the merged person, never on a revived second one."""
    with open_store(tmp_path / "k.db") as store:
        ingest(store, doc("m1", ("Анна Петрова", "Анна", "Петрова")))
        ingest(store, doc("m2", ("Анна Сидорова", "Анна", "Сидорова")))
        by_name = {p.name: p.id for p in store.persons()}
        store.merge_persons(by_name["Анна Сидорова"], by_name["Анна Петрова"], "monitor")
        ingest(store, doc("m3", ("Анна Петрова", "Анна", "Петрова")))
        ingest(store, doc("m4", "Anna Petrova"))
        persons = store.persons()
        assert [p.id for p in persons] == [by_name["Анна Сидорова"]]
        assert persons[0].name == "Анна Сидорова" and "Анна Петрова" in persons[0].aliases
