"""Human decisions in the store: they survive re-extraction and re-ingest,
merges redirect later documents, and every change is audited."""
from __future__ import annotations

import hashlib

import pytest
import webstore

from khronika.model import Document, EventMention, Person, PersonMention
from khronika.store import open_store


def _reextract(store, doc_id: str, person: Person, events: list[tuple[str, str, str]]) -> None:
    """Store `doc_id` again as a new extraction run would: (sentence, type, date) per event."""
    doc = store.document(doc_id)
    mention = PersonMention(local_id="p1", name=person.name, role="subject")
    mentions = []
    for sentence, event_type, date in events:
        start = doc.text.index(sentence)
        mentions.append(EventMention(person="p1", type=event_type, evidence=sentence, document=doc.id, date=date,
                                     start=start, end=start + len(sentence), trigger=event_type))
    assert store.add_document(doc, [mention], [person], {"p1": person.id}, mentions, replace=True)


@pytest.fixture()
def built(tmp_path):
    db = tmp_path / "k.db"
    return db, webstore.build(db)


def test_reextraction_never_overrides_a_human_decision(built):
    db, ids = built
    with open_store(db) as store:
        yulia = store.person(ids["yulia"])
        doc_id = ids["documents"][0]
        sentence = "Пограничники задержали Юлию Емельянову в аэропорту Алматы."
        store.review_event(ids["detained"], "confirmed", "monitor", {"date": "2026-01-26", "place": "Алматы"})
        # A new run finds the same sentence again (same id) with another date, and a new event.
        _reextract(store, doc_id, yulia, [(sentence, "detained", "2026-01-28"), ("Её увезли.", "transferred", None)])
        kept = store.event(ids["detained"])
        assert (kept["review_status"], kept["date"], kept["reviewed_by"]) == ("confirmed", "2026-01-26", "monitor")
        types = sorted(e.type for e in store.events(ids["yulia"]) if e.document == doc_id)
        assert types == ["detained", "transferred"]
        # A rejected event stays rejected even when the new run finds it again.
        store.review_event(ids["extradited"], "rejected", "monitor")
        doc2 = ids["documents"][1]
        _reextract(store, doc2, yulia, [("Суд в Астане выдал Юлию Емельянову России.", "extradited", "2026-02-09")])
        assert store.event(ids["extradited"])["review_status"] == "rejected"
        assert [f.type for f in store.timeline(ids["yulia"])] == ["detained", "transferred"]


def test_reextraction_replaces_unreviewed_machine_events(built):
    db, ids = built
    with open_store(db) as store:
        yulia = store.person(ids["yulia"])
        _reextract(store, ids["documents"][0], yulia, [("Её увезли.", "transferred", None)])
        assert store.event(ids["detained"]) is None          # pending, not found again: gone
        assert [e.type for e in store.events(ids["yulia"]) if e.document == ids["documents"][0]] == ["transferred"]


def test_a_merged_person_receives_later_documents_resolved_to_the_old_id(built):
    db, ids = built
    with open_store(db) as store:
        store.merge_persons(ids["yulia"], ids["timur"], "monitor")
        text = "Тимура Ахмедова снова задержали в Оше."
        raw = text.encode()
        doc = Document(id=hashlib.sha256(raw).hexdigest()[:16], path="later.txt", text=text,
                       sha256=hashlib.sha256(raw).hexdigest(), captured_at="2026-04-01T00:00:00+00:00", raw=raw)
        # The resolver, knowing nothing of the merge, derives the old id from the name.
        timur = Person(id=ids["timur"], name="Тимур Ахмедов", name_latin="Timur Akhmedov", role="subject")
        event = EventMention(person="p1", type="detained", evidence=text, document=doc.id, date="2026-04",
                             start=0, end=len(text), trigger="задержали")
        store.add_document(doc, [PersonMention(local_id="p1", name="Тимур Ахмедов")], [timur],
                           {"p1": ids["timur"]}, [event])
        assert store.person(ids["timur"]) is None
        assert store.event(event.id)["person_id"] == ids["yulia"]
        assert store.person_record(ids["yulia"])["locked"]


def test_case_files_follow_a_merge(built):
    db, ids = built
    with open_store(db) as store:
        store.update_case(ids["timur"], "lawyer", status="detained", summary="Timur's case")
        store.add_note(ids["timur"], "note on Timur", "lawyer")
        store.add_deadline(ids["timur"], "appeal", "2026-12-01", "lawyer")
        store.merge_persons(ids["yulia"], ids["timur"], "monitor")
        case = store.case_file(ids["yulia"])
        assert case["status"] == "detained" and case["summary"] == "Timur's case"
        assert [n["body"] for n in case["notes"]] == ["note on Timur"]
        assert [d["title"] for d in case["deadlines"]] == ["appeal"]


def test_deadline_reminders_are_due_inside_their_window_once(built):
    import datetime as dt
    db, ids = built
    with open_store(db) as store:
        store.assign_lawyer(ids["yulia"], ids["lawyer"], "admin")
        near = store.add_deadline(ids["yulia"], "file the appeal", "2026-12-03", "lawyer", remind_days=3)
        store.add_deadline(ids["yulia"], "later", "2027-03-01", "lawyer", remind_days=3)
        due = store.due_reminders(dt.date(2026, 11, 30))
        assert [(d["id"], d["emails"]) for d in due] == [(near, ["lawyer@example.org"])]
        store.mark_reminded(near)
        assert store.due_reminders(dt.date(2026, 11, 30)) == []


def test_khronika_reminders_mails_the_case_lawyers_once(built, monkeypatch):
    """A real SMTP server (aiosmtpd) on loopback receives the reminder."""
    import datetime as dt

    from aiosmtpd.controller import Controller

    from khronika.alerts.channels import SmtpSettings
    from khronika.alerts.reminders import send_due_reminders

    class Sink:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):
            self.messages.append((list(envelope.rcpt_tos), envelope.content.decode("utf-8", "replace")))
            return "250 OK"

    class PortZeroController(Controller):
        def _trigger_server(self):            # learn the port the OS chose before the self-check
            self.port = self.server.sockets[0].getsockname()[1]
            super()._trigger_server()

    sink = Sink()
    controller = PortZeroController(sink, hostname="127.0.0.1", port=0)
    controller.start()
    try:
        port = controller.port
        db, ids = built
        with open_store(db) as store:
            store.assign_lawyer(ids["yulia"], ids["lawyer"], "admin")
            store.add_deadline(ids["yulia"], "UN urgent appeal", "2026-12-02", "lawyer", remind_days=3)
            settings = SmtpSettings(host="127.0.0.1", port=port, sender="khronika@example.org")
            assert send_due_reminders(store, dt.date(2026, 11, 30), settings) == (1, [])
            assert send_due_reminders(store, dt.date(2026, 12, 1), settings) == (0, [])
    finally:
        controller.stop()
    [(recipients, body)] = sink.messages
    assert recipients == ["lawyer@example.org"]
    assert "UN urgent appeal" in body and "2026-12-02" in body


@pytest.mark.sqlite_only           # a SQLite file at an old revision
def test_a_store_with_data_upgrades_to_the_web_revision(tmp_path):
    """Revision 0004 adds columns to tables that other rows point to: it must
    not rebuild them (a rebuild fails with foreign keys on)."""
    import sqlalchemy as sa
    from alembic import command
    from alembic.config import Config

    from khronika.store.store import MIGRATIONS_DIR
    path = tmp_path / "old.db"
    engine = sa.create_engine(f"sqlite:///{path}")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0003_search")
        connection.execute(sa.text(
            "INSERT INTO documents (id, path, media_type, sha256, captured_at, text, meta, removed, analysed, "
            "stored_at) VALUES ('d', 'd.txt', 'text/plain', 'x', '2025', 'Текст.', '{}', '[]', 1, '2025')"))
        connection.execute(sa.text(
            "INSERT INTO persons (id, name, name_latin, role, attributes, created_at, updated_at, locked) "
            "VALUES ('P', 'Имя', 'Name', 'subject', '{}', '2025', '2025', 0)"))
        connection.execute(sa.text(
            "INSERT INTO events (id, document_id, person_id, type, evidence, span_start, span_end, confidence, "
            "created_at) VALUES ('e', 'd', 'P', 'detained', 'Текст.', 0, 6, 0.9, '2025')"))
    engine.dispose()
    with open_store(path) as store:          # foreign keys on, as always
        assert store.person_record("P")["do_not_publish"] is False
        assert store.event("e")["reviewed_by"] is None
        assert store.review_queue()[0] == 1
