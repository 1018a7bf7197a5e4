"""A small store for web-app tests, written through the Store API (no NLP
models: the web app is tested apart from extraction). Real SQLite file."""
from __future__ import annotations

import hashlib
from pathlib import Path

from khronika.model import Document, EventMention, Person, PersonMention
from khronika.store import open_store
from khronika.web.auth import hash_password

PASSWORD = "correct horse battery"
USERS = {"admin": "admin", "lawyer": "lawyer", "lawyer2": "lawyer", "monitor": "monitor", "viewer": "viewer"}
XSS = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">'


def _doc(name: str, text: str, published: str, url: str | None = None) -> Document:
    raw = text.encode()
    return Document(id=hashlib.sha256(raw).hexdigest()[:16], path=f"{name}.txt", text=text,
                    sha256=hashlib.sha256(raw).hexdigest(), captured_at=f"{published}T12:00:00+00:00",
                    raw=raw, title=name, url=url, source="test-wire", published=published, language="ru")


def add(store, doc: Document, person: Person, sentence: str, event_type: str, date: str,
        place: str | None = None) -> str:
    start = doc.text.index(sentence)
    mention = PersonMention(local_id="p1", name=person.name, role="subject")
    event = EventMention(person="p1", type=event_type, evidence=sentence, document=doc.id, date=date,
                         place=place, start=start, end=start + len(sentence), trigger=event_type)
    store.add_document(doc, [mention], [person], {"p1": person.id}, [event])
    return event.id


def build(path: Path) -> dict:
    """Two subjects, three documents (one carrying an XSS payload), users of every role."""
    ids: dict = {}
    with open_store(path) as store:
        yulia = Person(id="p-yulia", name="Юлия Емельянова", name_latin="Yulia Emelyanova", role="subject",
                       aliases=["Yuliya Yemelyanova"])
        timur = Person(id="p-timur", name="Тимур Ахмедов", name_latin="Timur Akhmedov", role="subject")
        d1 = _doc("kz-1", "Пограничники задержали Юлию Емельянову в аэропорту Алматы. Её увезли.",
                  "2026-01-28", "https://news.example/kz-1")
        d2 = _doc("kz-2", "Суд в Астане выдал Юлию Емельянову России. Адвокат обжалует решение.", "2026-02-10")
        d3 = _doc("xss", f"Полиция задержала Тимура Ахмедова {XSS} в Бишкеке. Его отпустили вечером.",
                  "2026-03-04")
        ids["detained"] = add(store, d1, yulia, "Пограничники задержали Юлию Емельянову в аэропорту Алматы.",
                              "detained", "2026-01-27", "Алматы")
        ids["extradited"] = add(store, d2, yulia, "Суд в Астане выдал Юлию Емельянову России.", "extradited",
                                "2026-02-09", "Астана")
        ids["xss_event"] = add(store, d3, timur, f"Полиция задержала Тимура Ахмедова {XSS} в Бишкеке.",
                               "detained", "2026-03-04", "Бишкек")
        ids["documents"] = [d1.id, d2.id, d3.id]
        ids["yulia"], ids["timur"] = yulia.id, timur.id
        for username, role in USERS.items():
            ids[username] = store.add_user(username, hash_password(PASSWORD), role,
                                           email=f"{username}@example.org")
    return ids
