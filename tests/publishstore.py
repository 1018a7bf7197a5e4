"""A store for the public-archive tests, full of private fixture strings.

Written through the Store API (no NLP models), real SQLite file. Published
persons: Юлия Емельянова (three confirmed facts from two documents, one of
them without a URL and only a path on disk) and Тимур Ахмедов (an XSS
payload in his evidence and document title). Around them, everything that
must never reach a public file (PRIVATE): a case file, a note, a deadline, a
task, an attachment (file name and bytes), reviewer and lawyer accounts, an
unreviewed and a rejected event's evidence, a person marked "do not
publish" (with a confirmed event, named also in a public document's title
and in a public person's evidence sentence), persons with only unreviewed
or only rejected events, and a document path on disk.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from khronika.model import Document, EventMention, Person, PersonMention
from khronika.store import open_store

REVIEWER = "reviewer-olga-priv"
LAWYER = "lawyer-ivanov-priv"

PRIVATE = {
    "case summary": "PRIVATE-CASE-SUMMARY-4410 клиентка скрывается у родственников в Батуми",
    "note": "PRIVATE-NOTE-9921 адвокат звонил матери",
    "deadline": "PRIVATE-DEADLINE-3307 подать жалобу в КПЧ ООН",
    "task": "PRIVATE-TASK-6618 запросить копию приговора",
    "attachment name": "PRIVATE-ATTACHMENT-passport-5512.pdf",
    "attachment bytes": "PRIVATE-ATTACHMENT-BYTES-8830",
    "next hearing": "2031-12-24",
    "reviewer": REVIEWER,
    "reviewer email": "olga.reviewer.priv@example.org",
    "lawyer": LAWYER,
    "unreviewed evidence": "UNREVIEWED-7731",
    "rejected evidence": "REJECTED-5520",
    "do-not-publish name": "Скрытнов",
    "do-not-publish id": "p-dnp-hidden-7f3e",
    "do-not-publish evidence": "DNP-EVIDENCE-2290",
    "pending-only person": "Непроверенный",
    "pending-only id": "p-pending-only-51c0",
    "rejected-only person": "Отклонённая",
    "rejected-only id": "p-rejected-only-8d21",
    "document path": "secret-folder-priv",
}

XSS = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">'

YULIA = Person(id="p-yulia", name="Юлия Емельянова", name_latin="Yulia Emelyanova", role="subject",
               gender="f", aliases=["Yuliya Yemelyanova"])
TIMUR = Person(id="p-timur", name="Тимур Ахмедов", name_latin="Timur Akhmedov", role="subject", gender="m")
HIDDEN = Person(id=PRIVATE["do-not-publish id"], name="Захар Скрытнов", name_latin="Zakhar Skrytnov",
                role="subject", gender="m", aliases=["Скрытнов"])
PENDING_ONLY = Person(id=PRIVATE["pending-only id"], name="Олег Непроверенный", name_latin="Oleg N",
                      role="subject", gender="m")
REJECTED_ONLY = Person(id=PRIVATE["rejected-only id"], name="Анна Отклонённая", name_latin="Anna O",
                       role="subject", gender="f")

# Sentences (each is an event's evidence).
S_DETAINED = "Пограничники задержали Юлию Емельянову в аэропорту Алматы."
S_UNREVIEWED = f"По неподтверждённым данным ({PRIVATE['unreviewed evidence']}), Емельянову допрашивали ночью."
S_EXTRADITED = "Суд в Астане выдал Юлию Емельянову России вместе с Захаром Скрытновым."
S_REJECTED = f"Позже ({PRIVATE['rejected evidence']}) Емельянову якобы освободили."
S_HIDDEN = f"Захара Скрытнова задержали в тот же день ({PRIVATE['do-not-publish evidence']})."
S_SENTENCED = "В 2025 году Юлию Емельянову заочно приговорили к шести годам колонии."
S_TIMUR = f"Полиция задержала Тимура Ахмедова {XSS} в Бишкеке."
S_PENDING_ONLY = "Олега Непроверенного задержали в Оше."
S_REJECTED_ONLY = "Анну Отклонённую депортировали из Еревана."


@dataclass
class Fixture:
    db: Path
    yulia: str
    timur: str
    article_url: str
    hashes: list[str]           # SHA-256 of the documents that must be cited
    confirmed: list[str]        # confirmed event ids of published persons


def _doc(name: str, text: str, published: str, *, url: str | None, title: str, path: str) -> Document:
    raw = text.encode()
    return Document(id=hashlib.sha256(raw).hexdigest()[:16], path=path, text=text,
                    sha256=hashlib.sha256(raw).hexdigest(), captured_at=f"{published}T12:00:00+00:00",
                    raw=raw, title=title, url=url, source="test-wire", published=published, language="ru")


def _add(store, doc: Document, entries: list[tuple]) -> list[str]:
    """entries: (person, sentence, type, date, place, surface forms)."""
    mentions, persons, assignments, events = [], [], {}, []
    local_ids: dict[str, str] = {}
    for person, sentence, event_type, date, place, forms in entries:
        if person.id not in local_ids:
            local = f"p{len(local_ids) + 1}"
            local_ids[person.id] = local
            mentions.append(PersonMention(local_id=local, name=person.name, role="subject",
                                          surface_forms=list(forms)))
            persons.append(person)
            assignments[local] = person.id
        start = doc.text.index(sentence)
        events.append(EventMention(person=local_ids[person.id], type=event_type, evidence=sentence,
                                   document=doc.id, date=date, place=place, start=start,
                                   end=start + len(sentence), trigger=event_type))
    store.add_document(doc, mentions, persons, assignments, events)
    return [e.id for e in events]


def build(path: Path, article_url: str = "https://news.example/kz-1") -> Fixture:
    from khronika.web.auth import hash_password
    with open_store(path) as store:
        reviewer = store.add_user(REVIEWER, hash_password("x" * 12), "monitor", email=PRIVATE["reviewer email"])
        lawyer = store.add_user(LAWYER, hash_password("y" * 12), "lawyer", email="lawyer.priv@example.org")
        del reviewer

        d1 = _doc("kz-1", f"{S_DETAINED} {S_UNREVIEWED} Её увезли в изолятор.", "2026-01-28",
                  url=article_url, title="Задержание в аэропорту Алматы",
                  path="/home/monitor/secret-folder-priv/kz-1.html")
        detained, unreviewed = _add(store, d1, [
            (YULIA, S_DETAINED, "detained", "2026-01-27", "Алматы", ["Юлию Емельянову"]),
            (YULIA, S_UNREVIEWED, "detained", "2026-01-28", "Кокшетау", ["Емельянову"]),
        ])
        # No URL: only a path on disk, which must not be published.
        d2 = _doc("kz-2", f"{S_EXTRADITED} {S_HIDDEN} {S_REJECTED} {S_SENTENCED}", "2026-02-10", url=None,
                  title="Выдача Емельяновой; Захар Скрытнов тоже задержан",
                  path="/home/monitor/secret-folder-priv/kz-2.txt")
        extradited, hidden, rejected, sentenced = _add(store, d2, [
            (YULIA, S_EXTRADITED, "extradited", "2026-02-09", "Астана", ["Юлию Емельянову"]),
            (HIDDEN, S_HIDDEN, "detained", "2026-02-09", "Астана", ["Захаром Скрытновым", "Захара Скрытнова"]),
            (YULIA, S_REJECTED, "released", "2026-02", None, ["Емельянову"]),
            (YULIA, S_SENTENCED, "sentenced", "2025", None, ["Юлию Емельянову"]),
        ])
        d3 = _doc("kg-1", f"{S_TIMUR} Его отпустили вечером.", "2025-03-04",
                  url="https://news.example/kg-1?a=1&b=2", title=f"Бишкек {XSS}",
                  path="/home/monitor/secret-folder-priv/kg-1.html")
        (timur,) = _add(store, d3, [(TIMUR, S_TIMUR, "detained", "2025-03-04", "Бишкек", [])])
        d4 = _doc("kg-2", f"{S_PENDING_ONLY} {S_REJECTED_ONLY}", "2024-06-01", url="https://news.example/kg-2",
                  title="Ош и Ереван", path="/home/monitor/secret-folder-priv/kg-2.html")
        _pending_only, rejected_only = _add(store, d4, [
            (PENDING_ONLY, S_PENDING_ONLY, "detained", "2024-05-30", "Ош", []),
            (REJECTED_ONLY, S_REJECTED_ONLY, "deported", "2024-05", "Ереван", []),
        ])

        for event_id in (detained, extradited, sentenced, timur, hidden):
            store.review_event(event_id, "confirmed", REVIEWER)
        for event_id in (rejected, rejected_only):
            store.review_event(event_id, "rejected", REVIEWER)
        store.set_do_not_publish(HIDDEN.id, True, REVIEWER)

        store.update_case(YULIA.id, LAWYER, status="safe_abroad", summary=PRIVATE["case summary"],
                          next_hearing=PRIVATE["next hearing"])
        store.assign_lawyer(YULIA.id, lawyer, "admin")
        store.add_note(YULIA.id, PRIVATE["note"], LAWYER)
        store.add_deadline(YULIA.id, PRIVATE["deadline"], "2031-11-30", LAWYER)
        store.add_task(YULIA.id, PRIVATE["task"], "2031-11-15", LAWYER, assignee_id=lawyer)
        store.add_attachment(YULIA.id, PRIVATE["attachment name"], "application/pdf",
                             PRIVATE["attachment bytes"].encode(), LAWYER)
        assert unreviewed  # stays pending
        return Fixture(db=Path(path), yulia=YULIA.id, timur=TIMUR.id, article_url=article_url,
                       hashes=[d1.sha256, d2.sha256, d3.sha256],
                       confirmed=[detained, extradited, sentenced, timur])
