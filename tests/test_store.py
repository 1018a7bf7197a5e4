"""Tests of khronika.store against real SQLite files (no mocks)."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from khronika.model import Document, EventMention, Person, PersonMention
from khronika.search import is_index_table
from khronika.search_pg import is_index_column
from khronika.store import (
    Fact,
    alias_key,
    date_interval,
    dates_compatible,
    group_facts,
    open_store,
    resolve_url,
)
from khronika.store.schema import metadata
from khronika.store.store import MIGRATIONS_DIR

REPO_ROOT = Path(__file__).resolve().parents[1]


# ---------------------------------------------------------------- factories

def make_document(doc_id: str = "doc1", *, text: str = "Юлию Емельянову задержали в Алматы.",
                  published: str | None = "2026-02-03", **fields) -> Document:
    raw = fields.pop("raw", text.encode())
    return Document(id=doc_id, path=f"{doc_id}.txt", text=text, sha256=f"sha-{doc_id}",
                    captured_at="2026-02-03T12:00:00+00:00", raw=raw, published=published,
                    **fields)


def make_mention(local_id: str = "p1", name: str = "Юлия Емельянова", **fields) -> PersonMention:
    fields.setdefault("surface_forms", [name])
    fields.setdefault("role", "subject")
    return PersonMention(local_id=local_id, name=name, **fields)


def make_person(person_id: str = "P-emelyanova", name: str = "Юлия Емельянова",
                name_latin: str = "Yulia Emelyanova", **fields) -> Person:
    fields.setdefault("role", "subject")
    return Person(id=person_id, name=name, name_latin=name_latin, **fields)


def make_event(person: str = "p1", type: str = "detained", document: str = "doc1", *,
               start: int = 0, **fields) -> EventMention:
    fields.setdefault("evidence", f"{type} sentence at {start}")
    fields.setdefault("end", start + len(fields["evidence"]))
    return EventMention(person=person, type=type, document=document, start=start, **fields)


def add_one(store, doc_id: str = "doc1", *, person: Person | None = None, events=None,
            mentions=None):
    """Add a document naming one person (local id p1) with the given events."""
    person = person or make_person()
    events = events if events is not None else [make_event(document=doc_id, date="2026-01")]
    mentions = mentions if mentions is not None else [make_mention("p1", person.name)]
    return store.add_document(make_document(doc_id), mentions, [person], {"p1": person.id}, events)


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "khronika.db"


@pytest.fixture
def store(db_path):
    with open_store(str(db_path)) as opened:
        yield opened


# ---------------------------------------------------------------- opening and migrations

def alembic_head() -> str:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return ScriptDirectory.from_config(config).get_current_head()


@pytest.mark.sqlite_only           # PostgreSQL: tests/test_postgres.py
def test_fresh_database_is_created_at_alembic_head(store, db_path):
    with sqlite3.connect(db_path) as connection:
        version = connection.execute("SELECT version_num FROM alembic_version").fetchall()
        tables = {name for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        journal_mode = connection.execute("PRAGMA journal_mode").fetchone()[0]
    assert version == [(alembic_head(),)]
    assert {"documents", "snapshots", "persons", "aliases", "mentions", "events"} <= tables
    assert journal_mode == "wal"


@pytest.mark.sqlite_only
def test_store_connections_enforce_foreign_keys_and_wait_for_locks(store):
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000


def include_name(name, type_, parents) -> bool:
    """What compare_metadata looks at: not the full-text index of either backend."""
    if type_ == "column":
        return not is_index_column(parents.get("table_name"), name)
    if type_ == "index":
        return name not in ("ix_documents_search_vector", "ix_documents_search_seq")
    # procrastinate's job queue (revision 0010, PostgreSQL): its own schema, not Khronika's metadata.
    return not is_index_table(name) and not (name or "").startswith("procrastinate_")


def test_migrations_create_exactly_the_schema_module(store):
    """The explicit 0001 migration and khronika.store.schema describe the same tables."""
    with store.engine.connect() as connection:
        # The FTS5 index (revision 0003) is a virtual table with shadow tables
        # that SQLAlchemy metadata cannot describe: left out of the comparison.
        # So are PostgreSQL's generated search columns (revision 0008).
        context = MigrationContext.configure(connection, opts={"include_name": include_name})
        differences = compare_metadata(context, metadata)
    assert differences == []


@pytest.mark.sqlite_only
def test_opening_twice_changes_nothing(db_path):
    with open_store(str(db_path)) as first:
        add_one(first)
        counts = first.counts()
    with sqlite3.connect(db_path) as connection:
        schema_version = connection.execute("PRAGMA schema_version").fetchone()[0]

    with open_store(str(db_path)) as second:
        assert second.counts() == counts
    with sqlite3.connect(db_path) as connection:
        # schema_version increases with every CREATE/ALTER/DROP.
        assert connection.execute("PRAGMA schema_version").fetchone()[0] == schema_version
        assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [
            (alembic_head(),)]


def test_resolve_url_from_path_url_environment_and_default(tmp_path, monkeypatch):
    monkeypatch.delenv("KHRONIKA_DB", raising=False)
    monkeypatch.chdir(tmp_path)
    assert resolve_url(None) == f"sqlite:///{tmp_path / 'khronika.db'}"
    monkeypatch.setenv("KHRONIKA_DB", str(tmp_path / "from-env.db"))
    assert resolve_url(None) == f"sqlite:///{tmp_path / 'from-env.db'}"
    assert resolve_url("sub/x.db") == f"sqlite:///{tmp_path / 'sub' / 'x.db'}"
    assert resolve_url("postgresql://u@host/khronika") == "postgresql+psycopg://u@host/khronika"
    assert resolve_url("postgres://u@host/k") == "postgresql+psycopg://u@host/k"
    assert resolve_url("postgresql+psycopg://u@host/k") == "postgresql+psycopg://u@host/k"


@pytest.mark.sqlite_only
def test_open_store_creates_missing_directories(tmp_path):
    with open_store(str(tmp_path / "a" / "b" / "k.db")) as opened:
        assert opened.counts()["documents"] == 0
    assert (tmp_path / "a" / "b" / "k.db").exists()


# ---------------------------------------------------------------- writing and reading

def test_added_document_reads_back_with_persons_mentions_and_events(store):
    document = make_document("doc1", title="Казахстан выдал", url="https://example.org/a",
                             language="ru", meta={"feed": "x"}, removed=["Реклама"],
                             raw=b"<html>raw bytes</html>")
    mentions = [make_mention("p1", "Юлия Емельянова", surface_forms=["Емельянову"]),
                make_mention("p2", "Касым-Жомарт Токаев", role="official")]
    persons = [make_person(aliases=["Емельянова"], gender="f",
                           attributes={"occupation": "activist"}),
               make_person("P-tokayev", "Касым-Жомарт Токаев", "Kassym-Jomart Tokayev",
                           role="official")]
    events = [make_event("p1", "detained", date="2026-01", date_text="в конце января",
                         place="Алматы", start=0, trigger="задержали"),
              make_event("p1", "extradition_approved", date="2026-02", start=40,
                         charge="ст. 280 УК РФ", confidence=0.8)]
    assignments = {"p1": "P-emelyanova", "p2": "P-tokayev"}

    assert store.add_document(document, mentions, persons, assignments, events) is True

    assert store.has_document("doc1") and not store.has_document("doc2")
    assert store.counts() == {"documents": 1, "snapshots": 1, "persons": 2, "aliases": 5,
                              "mentions": 2, "events": 2}
    listed = store.documents()
    assert [d.id for d in listed] == ["doc1"]
    assert listed[0].raw == b""        # listing leaves the snapshot bytes out
    stored = store.document("doc1")
    assert stored.raw == b"<html>raw bytes</html>"
    assert (stored.title, stored.url, stored.language, stored.meta, stored.removed) == (
        "Казахстан выдал", "https://example.org/a", "ru", {"feed": "x"}, ["Реклама"])

    emelyanova = store.person("P-emelyanova")
    assert emelyanova == persons[0]
    assert [p.id for p in store.persons()] == ["P-tokayev", "P-emelyanova"]  # by name

    stored_events = store.events("P-emelyanova")
    assert [(e.type, e.person, e.date, e.document) for e in stored_events] == [
        ("detained", "P-emelyanova", "2026-01", "doc1"),
        ("extradition_approved", "P-emelyanova", "2026-02", "doc1")]
    assert stored_events[0].date_text == "в конце января"
    assert stored_events[0].trigger == "задержали"
    assert stored_events[1].charge == "ст. 280 УК РФ" and stored_events[1].confidence == 0.8
    assert store.events("P-tokayev") == []
    assert len(store.events()) == 2

    timeline = store.timeline("P-emelyanova")
    assert [(f.type, f.date) for f in timeline] == [("detained", "2026-01"),
                                                   ("extradition_approved", "2026-02")]
    assert timeline[0].sources[0].location == "https://example.org/a"
    assert timeline[0].sources[0].sha256 == "sha-doc1"
    assert set(timeline[0].event_ids) == {events[0].id}


def test_stored_event_ids_are_the_extraction_ids(store, db_path):
    events = [make_event(start=0), make_event("p1", "arrested", start=50)]
    add_one(store, events=events)
    with store.engine.connect() as connection:
        stored = {row[0] for row in connection.execute(sa.text("SELECT id FROM events"))}
    assert stored == {e.id for e in events}


def test_date_like_values_in_meta_are_kept_as_text(store):
    import datetime
    store.add_document(make_document(meta={"date": datetime.date(2026, 2, 3)}), [], [], {}, [])
    assert store.document("doc1").meta == {"date": "2026-02-03"}


def test_the_same_document_twice_adds_nothing(store):
    assert add_one(store) is True
    counts = store.counts()
    assert add_one(store) is False
    assert store.counts() == counts


def test_a_failing_document_writes_nothing(store):
    # Two mentions with the same local id violate a unique constraint only
    # after the document, snapshot and person rows were written.
    mentions = [make_mention("p1"), make_mention("p1", "Другое Имя")]
    with pytest.raises(sa.exc.IntegrityError):
        add_one(store, mentions=mentions)
    assert set(store.counts().values()) == {0}
    assert add_one(store) is True     # and the document can still be stored afterwards


def test_an_event_of_an_unknown_person_is_refused(store):
    with pytest.raises(ValueError, match="P-nobody"):
        store.add_document(make_document(), [], [], {}, [make_event("P-nobody")])
    assert set(store.counts().values()) == {0}


def test_an_event_may_name_a_stored_person_directly(store):
    add_one(store, "doc1")
    assert store.add_document(make_document("doc2"), [], [], {},
                              [make_event("P-emelyanova", "released", "doc2")]) is True
    assert [e.type for e in store.events("P-emelyanova")] == ["detained", "released"]


def test_unresolved_mentions_are_kept_without_a_person(store, db_path):
    add_one(store, mentions=[make_mention("p1"), make_mention("p2", "Кто-то Неизвестный")])
    with store.engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT local_id, person_id FROM mentions ORDER BY local_id"))
        assert [tuple(row) for row in rows] == [("p1", "P-emelyanova"), ("p2", None)]


# ---------------------------------------------------------------- person upserts

def test_an_automatic_run_merges_into_a_stored_person(store):
    add_one(store, "doc1", person=make_person(aliases=["Емельянова"],
                                              attributes={"occupation": "activist"}))
    later = make_person(name="Юлия Емельянова", aliases=["Юля Емельянова"], gender="f",
                        attributes={"occupation": "journalist", "born": "1990"})
    add_one(store, "doc2", person=later, events=[make_event(document="doc2")])

    person = store.person("P-emelyanova")
    assert person.aliases == ["Емельянова", "Юля Емельянова"]
    assert person.gender == "f"
    # Missing attributes are filled; known ones are not overwritten.
    assert person.attributes == {"occupation": "activist", "born": "1990"}
    assert store.counts()["persons"] == 1


def test_an_unlocked_person_takes_the_resolvers_new_name_and_keeps_the_old_as_alias(store):
    add_one(store, "doc1", person=make_person(name="Юлия Емельянова", role="other"))
    add_one(store, "doc2", person=make_person(name="Юлия Сергеевна Емельянова", role="subject"),
            events=[make_event(document="doc2")])
    person = store.person("P-emelyanova")
    assert (person.name, person.role) == ("Юлия Сергеевна Емельянова", "subject")
    assert "Юлия Емельянова" in person.aliases


def test_a_locked_persons_name_and_role_survive_an_automatic_upsert(store):
    add_one(store, "doc1", person=make_person(name="Евгений Балтатаров", role="other"))
    store.update_person("P-emelyanova", name="Евгения Балтатарова", role="subject")
    assert store.is_locked("P-emelyanova")

    automatic = make_person(name="Евгений Балтатаров", name_latin="Evgeny Baltatarov",
                            role="official", aliases=["Балтатарова"],
                            attributes={"occupation": "teacher"})
    add_one(store, "doc2", person=automatic, events=[make_event(document="doc2")])

    person = store.person("P-emelyanova")
    assert (person.name, person.role) == ("Евгения Балтатарова", "subject")
    assert person.name_latin == "Yulia Emelyanova"
    assert "Балтатарова" in person.aliases          # new aliases still arrive
    assert person.attributes == {"occupation": "teacher"}   # missing attributes still fill
    assert store.is_locked("P-emelyanova")


def test_update_person_of_an_unknown_id_raises(store):
    with pytest.raises(KeyError):
        store.update_person("P-nobody", name="X")


# ---------------------------------------------------------------- finding persons

def test_find_persons_by_fragment_folds_case_and_yo(store):
    add_one(store, person=make_person("P-kochkin", "Семён Кочкин", "Semyon Kochkin",
                                      aliases=["Кочкин"]))
    assert [p.id for p in store.find_persons("СЕМЕН")] == ["P-kochkin"]
    assert [p.id for p in store.find_persons("кочк")] == ["P-kochkin"]
    assert [p.id for p in store.find_persons("semyon")] == ["P-kochkin"]
    assert store.find_persons("Емельянова") == []


def test_find_persons_treats_like_wildcards_literally(store):
    add_one(store)
    assert store.find_persons("%") == []
    assert store.find_persons("_") == []


def test_find_persons_by_explicit_keys_matches_whole_keys_only(store):
    add_one(store, "doc1")
    add_one(store, "doc2", person=make_person("P-kochkin", "Семён Кочкин", "Semyon Kochkin",
                                              aliases=["Кочкин"]),
            events=[make_event(document="doc2")])
    assert [p.id for p in store.find_persons(keys=[alias_key("Кочкин")])] == ["P-kochkin"]
    assert store.find_persons(keys=["кочк"]) == []
    found = store.find_persons(keys=["кочкин", "юлия емельянова", "нет такого"])
    assert {p.id for p in found} == {"P-kochkin", "P-emelyanova"}


def test_alias_key():
    assert alias_key("  Семён   Кочкин ") == "семен кочкин"
    assert alias_key("ЁЖИКОВ") == "ежиков"


# ---------------------------------------------------------------- dates

@pytest.mark.parametrize("a, b, compatible", [
    ("2026", "2026-01", True),
    ("2026-01", "2026-01-28", True),
    ("2026-01", "2026-02", False),
    ("2026-01-28", "2026-01-29", False),
    ("2022/2023", "2023-05", True),
    ("2022/2023", "2024", False),
    ("2022/2023", "2023/2024", False),
    ("2026-01-28T10:00:00Z", "2026-01", True),
    (None, "2026", False),
    ("garbage", "2026", False),
])
def test_dates_compatible(a, b, compatible):
    assert dates_compatible(a, b) is compatible
    assert dates_compatible(b, a) is compatible


def test_date_interval_bounds():
    assert [str(d) for d in date_interval("2024-02")] == ["2024-02-01", "2024-02-29"]
    assert [str(d) for d in date_interval("2022/2023-03")] == ["2022-01-01", "2023-03-31"]
    assert date_interval("2023/2022") is None
    assert date_interval("2026-13") is None


# ---------------------------------------------------------------- grouping facts

_event_counter = iter(range(10**6))


def row(type: str = "detained", date: str | None = None, document: str = "d1", *,
        person: str = "P1", **fields) -> dict:
    """An event row as the store's timeline query returns it."""
    values = dict(person_id=person, type=type, date=date, document_id=document,
                  event_id=f"e{next(_event_counter)}", evidence=f"{type} in {document}",
                  path=f"{document}.txt", title=f"Title {document}",
                  published=None, captured_at="2026-02-03T00:00:00+00:00",
                  sha256=f"sha-{document}", span_start=0, confidence=0.5)
    values.update(fields)
    return values


def summary(facts: list[Fact]) -> list[tuple]:
    return [(f.person_id, f.type, f.date, [s.document_id for s in f.sources]) for f in facts]


GROUPING_CASES = {
    "year and month of it are one fact, dated by the month": (
        [row(date="2026", document="d1"), row(date="2026-01", document="d2")],
        [("P1", "detained", "2026-01", ["d1", "d2"])]),
    "month and day of it are one fact, dated by the day": (
        [row(date="2026-01-28", document="d1"), row(date="2026-01", document="d2")],
        [("P1", "detained", "2026-01-28", ["d1", "d2"])]),
    "different months stay apart": (
        [row(date="2026-03", document="d1"), row(date="2026-01", document="d2")],
        [("P1", "detained", "2026-01", ["d2"]), ("P1", "detained", "2026-03", ["d1"])]),
    "a year fitting two groups stays on its own line": (
        [row(date="2026-01", document="d1"), row(date="2026-03", document="d2"),
         row(date="2026", document="d3")],
        [("P1", "detained", "2026-01", ["d1"]), ("P1", "detained", "2026", ["d3"]),
         ("P1", "detained", "2026-03", ["d2"])]),
    "a range contains a year": (
        [row(date="2022/2023", document="d1"), row(date="2023", document="d2")],
        [("P1", "detained", "2023", ["d1", "d2"])]),
    "a range contains a month": (
        [row(date="2022/2023", document="d1"), row(date="2022-09", document="d2")],
        [("P1", "detained", "2022-09", ["d1", "d2"])]),
    "overlapping ranges stay apart": (
        [row(date="2022/2023", document="d1"), row(date="2023/2024", document="d2")],
        [("P1", "detained", "2022/2023", ["d1"]), ("P1", "detained", "2023/2024", ["d2"])]),
    "undated joins the only dated group": (
        [row(date=None, document="d1"), row(date="2026-01", document="d2"),
         row(date="2026", document="d3")],
        [("P1", "detained", "2026-01", ["d1", "d2", "d3"])]),
    "undated stays on its own line beside two dated groups": (
        [row(date=None, document="d1"), row(date="2026-01", document="d2"),
         row(date="2026-03", document="d3")],
        [("P1", "detained", "2026-01", ["d2"]), ("P1", "detained", "2026-03", ["d3"]),
         ("P1", "detained", None, ["d1"])]),
    "undated mentions alone make one undated fact": (
        [row(date=None, document="d1"), row(date=None, document="d2")],
        [("P1", "detained", None, ["d1", "d2"])]),
    "an unreadable date counts as undated": (
        [row(date="весной", document="d1"), row(date="2026-01", document="d2")],
        [("P1", "detained", "2026-01", ["d1", "d2"])]),
    "different types stay apart, in life-cycle order": (
        [row("arrested", "2026-01", "d1"), row("detained", "2026-01", "d1")],
        [("P1", "detained", "2026-01", ["d1"]), ("P1", "arrested", "2026-01", ["d1"])]),
    "an undated fact of one type does not join another type": (
        [row("arrested", None, "d1"), row("detained", "2026-01", "d2")],
        [("P1", "detained", "2026-01", ["d2"]), ("P1", "arrested", None, ["d1"])]),
    "different persons stay apart": (
        [row(date="2026-01", person="P2"), row(date="2026-01", person="P1")],
        [("P1", "detained", "2026-01", ["d1"]), ("P2", "detained", "2026-01", ["d1"])]),
    "ordered by earliest possible date, then type, undated last": (
        [row("sentenced", "2024"), row("released", None), row("fled", "2022"),
         row("arrested", "2024-01-01"), row("detained", "2024-03")],
        [("P1", "fled", "2022", ["d1"]), ("P1", "arrested", "2024-01-01", ["d1"]),
         ("P1", "sentenced", "2024", ["d1"]), ("P1", "detained", "2024-03", ["d1"]),
         ("P1", "released", None, ["d1"])]),
    "a type outside EVENT_TYPES sorts after the known ones on the same day": (
        [row("something_new", "2024"), row("disappeared", "2024")],
        [("P1", "disappeared", "2024", ["d1"]), ("P1", "something_new", "2024", ["d1"])]),
}


@pytest.mark.parametrize("rows, expected", GROUPING_CASES.values(), ids=GROUPING_CASES.keys())
def test_group_facts(rows, expected):
    assert summary(group_facts(rows)) == expected


def test_group_facts_of_nothing_is_empty():
    assert group_facts([]) == []


def test_two_documents_reporting_one_fact_give_one_fact_with_two_sources():
    rows = [row(date="2026-01", document="d2", published="2026-02-05", evidence="Later report.",
                url="https://b.example/2"),
            row(date="2026-01-28", document="d1", published="2026-01-29", evidence="First report.",
                date_text="28 января")]
    [fact] = group_facts(rows)
    assert (fact.date, fact.date_text) == ("2026-01-28", "28 января")
    # Sources in publication order, each carrying its own evidence and location.
    assert [(s.document_id, s.published, s.evidence, s.location) for s in fact.sources] == [
        ("d1", "2026-01-29", "First report.", "d1.txt"),
        ("d2", "2026-02-05", "Later report.", "https://b.example/2")]
    assert fact.sources[0].sha256 == "sha-d1" and fact.sources[0].title == "Title d1"
    assert sorted(fact.event_ids) == sorted(r["event_id"] for r in rows)


def test_one_document_reporting_a_fact_twice_is_one_source_with_its_first_sentence():
    rows = [row(date="2026-01", span_start=90, evidence="Second sentence."),
            row(date="2026-01", span_start=10, evidence="First sentence.")]
    [fact] = group_facts(rows)
    assert [(s.document_id, s.evidence) for s in fact.sources] == [("d1", "First sentence.")]
    assert len(fact.event_ids) == 2


def test_a_fact_takes_the_most_common_details_and_the_highest_confidence():
    rows = [row(date="2026", document="d1", place="Алматы", charge=None, confidence=0.4),
            row(date="2026", document="d2", place="Астана", charge="ст. 280", confidence=0.9),
            row(date="2026", document="d3", place="Астана", term_years=5.0),
            row(date="2026", document="d4", place=None, term_years=5.0)]
    [fact] = group_facts(rows)
    assert (fact.place, fact.charge, fact.term_years, fact.confidence) == (
        "Астана", "ст. 280", 5.0, 0.9)


def test_timeline_groups_mentions_from_several_documents(store):
    add_one(store, "doc1", events=[make_event(document="doc1", date="2026")])
    add_one(store, "doc2", events=[make_event(document="doc2", date="2026-01-28"),
                                   make_event("p1", "extradited", "doc2", start=80,
                                              date="2026-02")])
    timeline = store.timeline("P-emelyanova")
    assert [(f.type, f.date, [s.document_id for s in f.sources]) for f in timeline] == [
        ("detained", "2026-01-28", ["doc1", "doc2"]),
        ("extradited", "2026-02", ["doc2"])]
    assert store.timeline("P-nobody") == []


# ---------------------------------------------------------------- crash safety

EVENTS_PER_DOCUMENT = 12
DOCUMENTS_IN_LOOP = 150

# A child process adding documents in a loop; it prints after every commit.
CHILD = textwrap.dedent("""
    import sys
    from khronika.model import Document, EventMention, Person, PersonMention
    from khronika.store import open_store

    db, total, events_per_document = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    store = open_store(db)
    added = skipped = 0
    for i in range(total):
        doc_id = f"doc{i:04d}"
        text = "Событие. " * 2000            # a few KB per document, so writes take a while
        document = Document(id=doc_id, path=doc_id + ".txt", text=text, sha256="sha" + doc_id,
                            captured_at="2026-02-03T00:00:00+00:00", raw=text.encode())
        person = Person(id=f"P{i % 7}", name=f"Имя Фамилия{i % 7}", name_latin=f"Name {i % 7}",
                        aliases=[f"Фамилия{i % 7}", f"Вариант{i}"], role="subject")
        events = [EventMention(person="p1", type="detained", evidence=f"Sentence {k}.",
                               document=doc_id, date="2026-01", start=k * 10, end=k * 10 + 9)
                  for k in range(events_per_document)]
        if store.add_document(document, [PersonMention("p1", person.name)], [person],
                              {"p1": person.id}, events):
            added += 1
        else:
            skipped += 1
        print("committed", doc_id, flush=True)
    print("done", added, skipped, flush=True)
""")


def start_child(db_path: Path) -> subprocess.Popen:
    environment = dict(os.environ, PYTHONPATH=os.pathsep.join(
        filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")])))
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, str(db_path), str(DOCUMENTS_IN_LOOP),
         str(EVENTS_PER_DOCUMENT)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment)


def run_child(db_path: Path, *, kill_after_commits: int | None,
              kill_delay: float = 0.0) -> list[str]:
    """Run the loop; SIGKILL it `kill_delay` s after that many lines, or let it finish."""
    child = start_child(db_path)
    lines: list[str] = []
    try:
        for line in child.stdout:
            lines.append(line.strip())
            if kill_after_commits is not None and len(lines) >= kill_after_commits:
                # The child goes straight on with the next document; the delay
                # moves the kill to a different point of its write each time.
                time.sleep(kill_delay)
                child.send_signal(signal.SIGKILL)
                break
    finally:
        child.wait(timeout=120)
        child.stdout.close()
        stderr = child.stderr.read()
        child.stderr.close()
    if kill_after_commits is None:
        assert child.returncode == 0, stderr
    else:
        assert child.returncode == -signal.SIGKILL, stderr
    return lines


def assert_every_document_is_whole(db_path: Path) -> int:
    with sqlite3.connect(db_path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        documents = connection.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        per_document = connection.execute("""
            SELECT d.id,
                   (SELECT COUNT(*) FROM events e WHERE e.document_id = d.id),
                   (SELECT COUNT(*) FROM snapshots s WHERE s.document_id = d.id),
                   (SELECT COUNT(*) FROM mentions m WHERE m.document_id = d.id)
            FROM documents d""").fetchall()
        orphans = connection.execute(
            "SELECT COUNT(*) FROM events WHERE document_id NOT IN (SELECT id FROM documents)"
        ).fetchone()[0]
    # Each stored document has all its events, its snapshot and its mention.
    incomplete = [row for row in per_document if tuple(row[1:]) != (EVENTS_PER_DOCUMENT, 1, 1)]
    assert incomplete == []
    assert orphans == 0
    return documents


@pytest.mark.sqlite_only           # child processes open the file
def test_a_killed_writer_leaves_whole_documents_and_a_rerun_completes(db_path):
    open_store(str(db_path)).close()   # create the schema first, so the kills hit the loop

    stored = 0
    # Kill at moments spread over one document's write (2-5 ms here), so that
    # some kills land between its statements.
    for kill_delay in (step * 0.0007 for step in range(12)):
        # The child reprints the stored documents (skipping them) first.
        kill_after = stored + 10
        lines = run_child(db_path, kill_after_commits=kill_after, kill_delay=kill_delay)
        assert len(lines) == kill_after
        stored_now = assert_every_document_is_whole(db_path)
        # Every document the child reported as committed is stored.
        assert stored_now >= int(lines[-1].split()[-1].removeprefix("doc")) + 1 > stored
        stored = stored_now

    lines = run_child(db_path, kill_after_commits=None)
    _, added, skipped = lines[-1].split()
    assert int(skipped) == stored
    assert int(added) + int(skipped) == DOCUMENTS_IN_LOOP

    assert assert_every_document_is_whole(db_path) == DOCUMENTS_IN_LOOP
    with open_store(str(db_path)) as reopened:
        counts = reopened.counts()
        assert counts["events"] == DOCUMENTS_IN_LOOP * EVENTS_PER_DOCUMENT
        assert counts["persons"] == 7
        assert len(reopened.persons()) == 7


@pytest.mark.sqlite_only           # PostgreSQL: tests/test_postgres.py
def test_two_writers_on_a_fresh_file_store_each_document_once(db_path):
    """Both create the schema and add the same documents at once: no lock errors, no doubles."""
    children = [start_child(db_path) for _ in range(2)]
    results = [child.communicate(timeout=120) for child in children]
    for child, (_, stderr) in zip(children, results, strict=True):
        assert child.returncode == 0, stderr
    added = [int(stdout.splitlines()[-1].split()[1]) for stdout, _ in results]
    assert sum(added) == DOCUMENTS_IN_LOOP      # each document added by exactly one of them
    assert assert_every_document_is_whole(db_path) == DOCUMENTS_IN_LOOP
