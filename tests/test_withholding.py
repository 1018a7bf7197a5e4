"""A person marked "do not publish" is named nowhere the public or a viewer
can read (issue 11).

The store is made the real way: `khronika ingest` of three small documents
(the real extractor and resolver), in which a public person, Пётр Светлов /
Pyotr Svetlov, shares sentences with Иван Скрытнов, who is then marked "do
not publish". The documents name Скрытнов in every way a report does:
inflected ("Скрытнова задержали", "со Скрытновым"), initialled
("И. Скрытнов", "I. Skrytnov": stored as "I Skrytnov", without the dot),
romanized ("Ivan Skrytnov") and by the surname alone ("Skrytnov and …").

1. The static site, every export and the public person's dossier are
   scanned for every one of those forms: none may be there, while every
   confirmed fact of Светлов still is (withholding does not swallow him).
2. The web app, as a viewer: no person page, no search hit or snippet, no
   name on a document page or in a person's evidence context; lawyers and
   monitors still see him. Viewers see no machine-extracted attributes.
"""
from __future__ import annotations

import html
import json
import shutil
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from khronika.cli import main
from khronika.resolve import latin_key
from khronika.store import open_store, schema
from khronika.web import create_app
from khronika.web.auth import hash_password

PASSWORD = "correct horse battery"
ROLES = {"admin": "admin", "lawyer": "lawyer", "monitor": "monitor", "viewer": "viewer"}

RU_OWN = ("Полиция задержала Ивана Скрытнова в Алматы 3 марта 2026 года. "
          "Его увезли в изолятор временного содержания.")
RU_SHARED = ("Скрытнова задержали в Алматы 6 марта 2026 года, а Петра Светлова освободили в тот же день. "
             "И. Скрытнов и Пётр Светлов были арестованы 7 марта 2026 года. "
             "Суд в Астане выдал Петра Светлова России вместе со Скрытновым 20 марта 2026 года.")
EN_SHARED = ("A court in Almaty remanded I. Skrytnov in custody on 5 March 2026, a day after Pyotr Svetlov "
             "was released. Ivan Skrytnov and Pyotr Svetlov were detained by the police in Almaty on "
             "1 March 2026, their lawyer told reporters on Monday. Skrytnov and Pyotr Svetlov were charged "
             "with extremism on 9 March 2026, according to the court.")
EN_TITLE = "Svetlov and Skrytnov detained in Almaty"

# Every form the documents (and the stored aliases) name the withheld person by.
FORMS = ["Иван Скрытнов", "Ивана Скрытнова", "Скрытнов", "Скрытнова", "Скрытновым", "Скрытнову",
         "И. Скрытнов", "И Скрытнов", "I. Skrytnov", "I Skrytnov", "Ivan Skrytnov", "Skrytnov",
         "Skrytnova"]
PUBLIC_NAMES = ["Пётр Светлов", "Pyotr Svetlov"]


def run(*args) -> int:
    return main([str(a) for a in args])


def _is_skrytnov(person) -> bool:
    return any("skritnov" in latin_key(word) for name in (person.name, person.name_latin, *person.aliases)
               for word in name.split())


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    root = tmp_path_factory.mktemp("withholding")
    docs = root / "docs"
    docs.mkdir()
    (docs / "ru-own.txt").write_text(RU_OWN + "\n", encoding="utf-8")
    (docs / "ru-shared.txt").write_text(RU_SHARED + "\n", encoding="utf-8")
    (docs / "en-shared.jsonl").write_text(json.dumps(
        {"url": "https://news.example/almaty-court", "title": EN_TITLE, "published": "2026-03-10",
         "language": "en", "text": EN_SHARED}, ensure_ascii=False) + "\n", encoding="utf-8")
    db = root / "k.db"
    assert run("ingest", docs, "--db", db) == 0
    with open_store(db) as store:
        persons = store.persons()
        hidden = [p for p in persons if _is_skrytnov(p)]
        public = [p for p in persons if not _is_skrytnov(p)]
        assert hidden and len(public) == 1, [(p.name, p.aliases) for p in persons]
        # Should the resolver have split him, a monitor merges him first.
        keep = max(hidden, key=lambda p: len(p.name))
        for other in hidden:
            if other.id != keep.id:
                store.merge_persons(keep.id, other.id, "monitor")
        _, queue = store.review_queue(limit=500)
        for event in queue:
            store.review_event(event["id"], "confirmed", "monitor")
        store.set_do_not_publish(keep.id, True, "monitor")
        for username, role in ROLES.items():
            store.add_user(username, hash_password(PASSWORD), role, email=f"{username}@example.org")
        svetlov = public[0].id
        svetlov_events = [e["id"] for e in _events(store, svetlov)]
    assert svetlov_events
    return {"root": root, "db": db, "hidden": keep.id, "svetlov": svetlov, "svetlov_events": svetlov_events}


def _events(store, person_id):
    with store._reading() as connection:
        return [dict(r) for r in connection.execute(
            sa.select(schema.events.c.id, schema.events.c.evidence, schema.events.c.document_id)
            .where(schema.events.c.person_id == person_id)).mappings()]


def leaks(text: str) -> list[str]:
    """The withheld forms in `text` (also after HTML unescaping), case-insensitive."""
    found = []
    for haystack in (text, html.unescape(text)):
        folded = haystack.casefold()
        found += [form for form in FORMS if form.casefold() in folded]
    return sorted(set(found))


def test_the_store_names_the_withheld_person_in_every_form(world):
    """The scans below mean something only if the evidence of Светлов's facts
    really names Скрытнов in these forms."""
    with open_store(world["db"]) as store:
        evidence = " ".join(e["evidence"] for e in _events(store, world["svetlov"]))
    for form in ("Скрытнова задержали", "И. Скрытнов", "I. Skrytnov", "Ivan Skrytnov", "Skrytnov and",
                 "со Скрытновым"):
        assert form in evidence, form


# ---------------------------------------------------------------- 1. the public side

@pytest.fixture(scope="module")
def published(world):
    out = world["root"] / "out"
    out.mkdir()
    db = ["--db", world["db"]]
    assert run("publish", "--out", out / "site", *db) == 0
    for fmt, name in (("json", "all.json"), ("csv", "all.csv"), ("ftm", "all.ftm.json")):
        assert run("export", "--format", fmt, "--out", out / name, *db) == 0
    assert run("export", "--format", "timelinejs", "--person", "Светлова", "--out",
               out / "svetlov.timeline.json", *db) == 0
    assert run("export", "--format", "timelinejs", "--person", "Pyotr Svetlov", "--lang", "en", "--out",
               out / "svetlov.en.timeline.json", *db) == 0
    assert run("export", "--format", "json", "--person", "Светлов", "--out", out / "svetlov.json", *db) == 0
    assert run("dossier", "Светлов", "--out", out / "svetlov.dossier.html", *db) == 0
    if shutil.which("pdftotext"):
        pdf = out / "svetlov.pdf"
        assert run("dossier", "Pyotr Svetlov", "--pdf", "--lang", "en", "--out", pdf, *db) == 0
    return out


def output_texts(out: Path):
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        if path.suffix == ".pdf":
            yield path, subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                                       text=True, encoding="utf-8", check=True, timeout=60).stdout
        else:
            yield path, path.read_text(encoding="utf-8")


def test_no_form_of_a_withheld_name_in_any_published_or_exported_file(published, world):
    texts = list(output_texts(published))
    assert len(texts) > 15
    found = []
    for path, text in texts:
        for form in leaks(text) + leaks(str(path.relative_to(published))):
            found.append(f"{path.relative_to(published)}: {form!r}")
    assert not found, "withheld name published:\n" + "\n".join(found)
    everything = "\n".join(text for _, text in texts)
    for name in PUBLIC_NAMES:
        assert name in everything


def test_the_public_persons_facts_are_all_still_published(published, world):
    data = json.loads((published / "all.json").read_text(encoding="utf-8"))
    assert [p["id"] for p in data["persons"]] == [world["svetlov"]]
    published_events = {e["id"] for e in data["events"]}
    assert set(world["svetlov_events"]) <= published_events
    evidence = [e["evidence"] for e in data["events"]]
    # Masked where he is named, the rest of the sentence kept.
    assert ("A court in Almaty remanded […] in custody on 5 March 2026, a day after Pyotr Svetlov "
            "was released.") in evidence
    assert "[…] задержали в Алматы 6 марта 2026 года, а Петра Светлова освободили в тот же день." in evidence
    assert "[…] и Пётр Светлов были арестованы 7 марта 2026 года." in evidence
    assert "[…] and Pyotr Svetlov were charged with extremism on 9 March 2026, according to the court." \
        in evidence
    titles = {d["title"] for d in data["documents"]}
    assert "Svetlov and […] detained in Almaty" in titles
    page = (published / "site" / "ru" / "persons" / f"{world['svetlov']}.html").read_text(encoding="utf-8")
    assert "Суд в Астане выдал Петра Светлова России вместе со […] 20 марта 2026 года." in page


def test_status_summary_and_sources_of_a_public_person_do_not_name_him(published, world):
    """Svetlov's status header, summary and numbered sources are built from
    facts and documents that also name Скрытнов: masked there too, and the
    captured copy of the English article (a web page naming him: its bytes
    cannot be masked) is not offered for download."""
    for language in ("ru", "en"):
        page = (published / "site" / language / "persons" / f"{world['svetlov']}.html").read_text(encoding="utf-8")
        for element in ('id="current-status"', 'id="summary"', 'id="source-1"'):
            assert element in page, element
        summary = page[page.index('id="summary"'):page.index("</p>", page.index('id="summary"'))]
        assert ("Pyotr Svetlov" if language == "en" else "Пётр Светлов") in summary
        sources = page[page.index('id="sources"'):]
        assert "Svetlov and […] detained in Almaty" in sources
        assert not leaks(page), leaks(page)
    assert not (published / "site" / "snapshots").exists()
    dossier = (published / "svetlov.dossier.html").read_text(encoding="utf-8")
    assert 'id="current-status"' in dossier and not leaks(dossier)


def test_the_scan_looks_for_every_form(world):
    """The archive's own scan (run before `khronika publish` puts a site in
    place, and on every export and dossier) knows every form, and finds
    them in a text that still holds one."""
    from khronika.publish.public import PublicArchive
    from khronika.publish.withhold import Scanner
    with open_store(world["db"]) as store:
        archive = PublicArchive(store)
    forms = {f.casefold() for f in archive.withheld_forms()}
    for form in FORMS:
        assert form.casefold() in forms, form
    scan = Scanner(archive.withheld_forms(), exempt=["Пётр", "Светлов"])
    assert scan("<p>remanded I. Skrytnov in custody</p>")
    assert scan("вместе со Скрытновым")
    assert not scan("вместе с Петром Светловым и […]")


def test_the_confidential_dossier_still_names_him(world, tmp_path):
    """Withholding is for what is published: the legal team's confidential
    dossier of the withheld person is his record, name and all."""
    out = tmp_path / "skrytnov.html"
    assert run("dossier", world["hidden"], "--include-case-file", "--out", out, "--db", world["db"]) == 0
    assert "Скрытнов" in out.read_text(encoding="utf-8")
    assert run("dossier", world["hidden"], "--out", tmp_path / "public.html", "--db", world["db"]) != 0


# ---------------------------------------------------------------- 2. the web app

@pytest.fixture(scope="module")
def app(world):
    app = create_app(world["db"])
    yield app
    app.state.store.close()


def login(app, username: str) -> TestClient:
    client = TestClient(app)
    r = client.post("/api/login", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return client


def _documents(world) -> list[str]:
    with open_store(world["db"]) as store:
        return sorted({e["document_id"] for e in _events(store, world["svetlov"])})


def test_viewer_gets_no_person_page_of_a_withheld_person(app, world):
    viewer = login(app, "viewer")
    assert viewer.get(f"/api/persons/{world['hidden']}").status_code == 404
    assert viewer.get(f"/persons/{world['hidden']}").status_code == 404
    assert world["hidden"] not in viewer.get("/api/persons").text
    assert viewer.get("/api/persons", params={"q": "Скрытнов"}).json() == []
    for role in ("lawyer", "monitor", "admin"):
        assert login(app, role).get(f"/api/persons/{world['hidden']}").status_code == 200, role


def test_viewer_search_finds_no_withheld_name(app, world):
    viewer = login(app, "viewer")
    for q in ("Скрытнов", "Скрытнова", "Skrytnov", "скрытн*", "Светлов", "задержали", "detained"):
        for path in ("/api/search", "/search"):
            r = viewer.get(path, params={"q": q})
            assert r.status_code == 200, (path, q)
            shown = r.text.replace(q, "")          # the query itself is echoed back
            assert not leaks(shown), (path, q, leaks(shown))
    hits = viewer.get("/api/search", params={"q": "Светлов"}).json()["hits"]
    assert hits, "the public person is still found"
    assert viewer.get("/api/search", params={"q": "Skrytnov"}).json()["total"] == 0
    # Monitors search everything.
    monitor = login(app, "monitor")
    assert monitor.get("/api/search", params={"q": "Skrytnov"}).json()["total"] >= 1


def test_viewer_document_pages_mask_the_withheld_person(app, world):
    viewer, lawyer = login(app, "viewer"), login(app, "lawyer")
    shown = 0
    for doc_id in _documents(world):
        for path in (f"/api/documents/{doc_id}", f"/documents/{doc_id}"):
            r = viewer.get(path)
            if r.status_code == 404:
                continue
            shown += 1
            assert not leaks(r.text), (path, leaks(r.text))
            assert "[…]" in r.text
        assert viewer.get(f"/documents/{doc_id}/snapshot").status_code == 404
        assert lawyer.get(f"/documents/{doc_id}/snapshot").status_code == 200
        assert leaks(lawyer.get(f"/api/documents/{doc_id}").text), "lawyers see the whole text"
    assert shown >= 4
    # The marked evidence still lines up with the masked text.
    record = viewer.get(f"/api/documents/{_documents(world)[0]}").json()
    for event in record["events"]:
        assert record["text"][event["span_start"]:event["span_end"]] == event["evidence"]


def test_viewer_person_page_masks_evidence_and_context_and_hides_attributes(app, world):
    with open_store(world["db"]) as store:
        with store._writing() as connection:
            connection.execute(schema.persons.update().where(schema.persons.c.id == world["svetlov"])
                               .values(attributes={"age": "UNREVIEWED-AGE-41"},
                                       updated_at="2099-01-01T00:00:00+00:00"))
    viewer = login(app, "viewer")
    for path in (f"/api/persons/{world['svetlov']}", f"/persons/{world['svetlov']}"):
        r = viewer.get(path)
        assert r.status_code == 200
        assert not leaks(r.text), (path, leaks(r.text))
        assert "[…]" in r.text and "Светлов" in r.text
        assert "UNREVIEWED-AGE-41" not in r.text
    data = viewer.get(f"/api/persons/{world['svetlov']}").json()
    assert data["person"]["attributes"] == {}
    for fact in data["timeline"]:
        for source in fact["sources"]:
            context = source["context"]
            if context:
                assert "[…]" not in context["text"][context["start"]:context["end"]] \
                    or "[…]" in source["evidence"]
    lawyer = login(app, "lawyer").get(f"/api/persons/{world['svetlov']}")
    assert leaks(lawyer.text) and "UNREVIEWED-AGE-41" in lawyer.text


def test_a_viewers_cached_page_follows_the_publication_flag(app, world):
    """Person pages are cached; marking or unmarking someone else must still
    change what a viewer's cached page of Светлов shows."""
    viewer = login(app, "viewer")
    path = f"/api/persons/{world['svetlov']}"
    assert not leaks(viewer.get(path).text)
    with open_store(world["db"]) as store:
        store.set_do_not_publish(world["hidden"], False, "monitor")
    try:
        assert "Скрытнов" in viewer.get(path).text        # no longer withheld: named again
    finally:
        with open_store(world["db"]) as store:
            store.set_do_not_publish(world["hidden"], True, "monitor")
    assert not leaks(viewer.get(path).text)
