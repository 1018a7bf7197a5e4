"""One language per page (issue 13, item 4).

Every web page and every page of the public archive is rendered in Russian
and in English from a store with Russian and English documents; what a
reader sees (text, titles, placeholders, labels) minus the data (the
persons' names in both scripts, quoted evidence and document text, what
users typed: usernames, case notes, titles) must be in the page's script:
no Cyrillic on an English page, no Latin word on a Russian one beyond a
short allow-list. And the gettext catalog translates every message the code
and the templates use. In-process (TestClient) over a real SQLite file.
"""
from __future__ import annotations

import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import sqlalchemy as sa
import webstore
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient
from webstore import PASSWORD

from khronika import views
from khronika.model import Document, Person
from khronika.publish.site import publish_site
from khronika.store import open_store
from khronika.store.settings import add_rule, add_source, make_rule, make_source
from khronika.translit import romanize
from khronika.web import create_app, i18n

REPO = Path(__file__).resolve().parents[1]

# Latin words a Russian page may show: the product, formats and standards.
ALLOWED_LATIN = {"khronika", "sha", "pdf", "api", "json", "csv", "url", "iso", "alpha", "utc", "utf", "ftm",
                 "timelinejs", "followthemoney", "aleph", "english"}
# A language chooser names the other language in its own script.
ALLOWED_CYRILLIC = {"русский"}

EN_SENTENCE = "Kazakh border guards detained Yulia Emelyanova at Almaty airport on January 27."
CASE_SUMMARY = "Клиентка в безопасности, апелляция готовится"
NOTE = "Адвокат звонил семье"
DEADLINE = "Подать апелляцию"
TASK = "Запросить копию решения"


def _english_document() -> Document:
    text = f"{EN_SENTENCE} She was taken to a detention centre."
    raw = text.encode()
    return Document(id=hashlib.sha256(raw).hexdigest()[:16], path="kz-en.txt", text=text,
                    sha256=hashlib.sha256(raw).hexdigest(), captured_at="2026-01-29T12:00:00+00:00", raw=raw,
                    title="Kazakhstan detains Russian activist", url="https://news.example/en/kz-1",
                    source="wire-en", published="2026-01-29", language="en")


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    db = tmp_path_factory.mktemp("language") / "web.db"
    ids = webstore.build(db)
    with open_store(db) as store:
        yulia = Person(id=ids["yulia"], name="Юлия Емельянова", name_latin="Yulia Emelyanova", role="subject",
                       aliases=["Yuliya Yemelyanova"], gender="f", attributes={"age": "38"})
        english = _english_document()
        ids["english"] = webstore.add(store, english, yulia, EN_SENTENCE, "detained", "2026-01-27",
                                      "Almaty airport")
        ids["english_doc"] = english.id
        admin = store.user_by_name("admin")["username"]
        for key in ("detained", "extradited", "english"):
            store.review_event(ids[key], "confirmed", admin)
        lawyer = store.user_by_name("lawyer")["id"]
        store.update_case(ids["yulia"], admin, status="in_custody", summary=CASE_SUMMARY,
                          next_hearing="2031-03-02")
        store.assign_lawyer(ids["yulia"], lawyer, admin)
        store.add_note(ids["yulia"], NOTE, admin)
        store.add_deadline(ids["yulia"], DEADLINE, "2031-02-20", admin)
        store.add_task(ids["yulia"], TASK, "2031-02-10", admin, assignee_id=lawyer)
        add_source(store, make_source("https://news.example/feed.xml", kind="feed", name="Новости"))
        add_rule(store, make_rule(channel="webhook", target="https://hooks.example/k", types=["detained"]))
        data = _data_strings(store)
    app = create_app(db)
    yield app, ids, db, data
    app.state.store.close()


def _data_strings(store) -> list[str]:
    """What pages show as data: names in every script and spelling, ids,
    document titles and texts, evidence, and what users typed."""
    found: set[str] = {CASE_SUMMARY, NOTE, DEADLINE, TASK, "Новости", EN_SENTENCE}
    for person in store.persons():
        for name in (person.name, person.name_latin, *person.aliases):
            if name:
                found |= {name, romanize(name), *name.split(), *romanize(name).split()}
        found.add(person.id)
    for user in store.users():
        found |= {user["username"], user["email"] or ""}
    for event in store.events():
        found |= {event.evidence, event.id}
    found.add("cli")                      # the audit log's name for changes made with the command
    with store._reading() as connection:
        rows = connection.execute(sa.text("SELECT id, path, title, text, source FROM documents"))
        for doc_id, path, title, text, source in rows:
            found |= {doc_id, path, title or "", source or ""}
            found |= {s.strip() for s in re.split(r"(?<=[.!?])\s+", text or "") if s.strip()}
    found.add(webstore.XSS)
    return sorted((s for s in found if s), key=len, reverse=True)


# ---------------------------------------------------------------- what a reader sees

class _Visible(HTMLParser):
    """The text a reader sees, and the attributes read aloud or shown
    (placeholder, title, aria-label, alt), without quoted and scraped text
    (blockquote, mark, the document's text, code: hashes and JSON)."""
    SKIP_TAGS = {"script", "style", "code", "blockquote", "mark", "textarea", "svg"}
    SKIP_CLASSES = {"doc-text", "context", "evidence", "quote", "snippet"}
    VOID = {"input", "br", "img", "meta", "link", "hr", "wbr", "source", "col"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[bool] = []
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        skip = (tag in self.SKIP_TAGS or bool(set((attrs.get("class") or "").split()) & self.SKIP_CLASSES)
                or any(self.stack))
        if not skip:
            self.parts.extend(attrs[a] for a in ("placeholder", "title", "aria-label", "alt") if attrs.get(a))
        if tag not in self.VOID:
            self.stack.append(skip)

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not any(self.stack):
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


# Machine text inside prose: URLs and e-mail addresses, file paths and names
# ("ru/persons/<id>.html", "trends.csv"), a JSON object's field list, commands.
_URL = re.compile(r"\b(?:https?://|file://)\S+|\S+@\S+\.\w+|[\w<>/.-]+\.(?:html|json|csv|txt)\b"
                  r"|\{[\w\s,]+\}|\bsha256sum\b")


def foreign_words(html: str, language: str, data: list[str]) -> list[str]:
    text = _URL.sub(" ", visible_text(html))
    for item in data:
        text = re.sub(r"(?<!\w)" + re.escape(item) + r"(?!\w)", " ", text, flags=re.I)
    if language == "en":
        words = re.findall(r"[\u0400-\u04FF]+", text)
        return [w for w in words if w.casefold() not in ALLOWED_CYRILLIC]
    words = re.findall(r"[A-Za-z]{3,}", text)
    return [w for w in words if w.casefold() not in ALLOWED_LATIN]


def _login(app, username: str) -> TestClient:
    client = TestClient(app)
    form = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
    r = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token},
                    follow_redirects=False)
    assert r.status_code == 303, r.text
    return client


def _pages(ids) -> dict[str, str]:
    d_ru, _, _ = ids["documents"]
    return {
        "persons": "/", "dashboard": "/dashboard", "search": "/search?q=задержали",
        "search en": "/search?q=detained", "person": f"/persons/{ids['yulia']}",
        "document": f"/documents/{d_ru}", "review": "/review", "trends": "/trends",
        "case": f"/cases/{ids['yulia']}", "dossier": f"/cases/{ids['yulia']}/dossier", "audit": "/audit",
        "settings": "/settings", "error": "/persons/no-such-person",
        "document en": f"/documents/{ids['english_doc']}",
    }


@pytest.mark.parametrize("language", ["ru", "en"])
def test_every_web_page_speaks_one_language(world, language):
    app, ids, _, data = world
    client = _login(app, "admin")
    client.get(f"/?lang={language}")                  # the cookie keeps the language
    anonymous = TestClient(app)
    failures = {}
    responses = {name: client.get(path) for name, path in _pages(ids).items()}
    responses["login"] = anonymous.get(f"/login?lang={language}")
    for name, response in responses.items():
        assert response.status_code == (404 if name == "error" else 200), (name, response.text[:500])
        assert f'<html lang="{language}">' in response.text, name
        found = foreign_words(response.text, language, data)
        if found:
            failures[name] = sorted(set(found))
    assert not failures, failures
    person = responses["person"].text
    if language == "ru":       # the Russian name first, dates and labels in Russian
        assert "<h1>Юлия Емельянова</h1>" in person and "27 января 2026" in person
        assert "задержание" in person and "возраст" in person
    else:
        assert "<h1>Yulia Emelyanova</h1>" in person and "27 January 2026" in person
        assert "Almaty" in person and "age" in person


@pytest.mark.parametrize("language", ["ru", "en"])
def test_every_archive_page_speaks_one_language(world, tmp_path, language):
    _, ids, db, data = world
    with open_store(db) as store:
        publish_site(store, tmp_path / "site")
    pages = sorted((tmp_path / "site" / language).rglob("*.html"))
    assert len(pages) >= 5, pages
    failures = {}
    for page in pages:
        found = foreign_words(page.read_text(encoding="utf-8"), language, data)
        if found:
            failures[str(page.relative_to(tmp_path))] = sorted(set(found))
    assert not failures, failures
    person = next(p for p in pages if ids["yulia"] in p.name).read_text(encoding="utf-8")
    assert ("Юлия Емельянова" if language == "ru" else "Yulia Emelyanova") in person


def test_the_foreign_word_check_catches_the_other_script():
    """The check itself: a Russian label on an English page, an English one on a Russian page."""
    assert foreign_words("<p>Status: задержание</p>", "en", []) == ["задержание"]
    assert foreign_words("<p>Статус: detained (fled)</p>", "ru", []) == ["detained", "fled"]
    assert foreign_words('<input placeholder="Поиск">', "en", []) == ["Поиск"]
    assert foreign_words("<p>Юлия: detained</p><blockquote>задержали</blockquote>", "en", ["Юлия"]) == []
    assert foreign_words("<p>SHA-256 · PDF · https://x.example/a · KZ</p>", "ru", []) == []


# ---------------------------------------------------------------- the catalog

def _messages() -> dict[str, str]:
    """Every message id in the web app and the archive (Babel's extractor,
    babel.cfg) and the label tables looked up at run time, with where each is."""
    with (REPO / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    found: dict[str, str] = {}
    for folder in ("khronika/web", "khronika/publish"):
        for filename, line, message, _, _ in extract_from_dir(REPO / folder, method_map, options_map):
            for text in (message if isinstance(message, tuple) else (message,)):
                if text:
                    found.setdefault(text, f"{folder}/{filename}:{line}")
    for table in (i18n.EVENT_TYPE_LABELS, i18n.CASE_STATUS_LABELS, i18n.ROLE_LABELS,
                  i18n.REVIEW_STATUS_LABELS, i18n.ATTRIBUTE_LABELS):
        for label in table.values():
            found.setdefault(label, "khronika/web/i18n.py")
    return found


def test_every_message_has_a_russian_translation():
    with (i18n.LOCALE_DIR / "ru" / "LC_MESSAGES" / f"{i18n.DOMAIN}.po").open("rb") as f:
        catalog = read_po(f, locale="ru")
    missing = []
    for message, where in _messages().items():
        entry = catalog.get(message)
        strings = entry.string if entry is not None else None
        strings = strings if isinstance(strings, tuple) else (strings,)
        if entry is None or entry.fuzzy or not all(strings):
            missing.append(f"{where}: {message!r}")
    assert not missing, ("untranslated (run scripts/update_catalogs.py, then translate):\n"
                         + "\n".join(missing))


def test_event_labels_are_one_table_per_language():
    """The CLI and alerts (khronika.views) and the pages (the catalog) say the same."""
    assert i18n.EVENT_TYPE_LABELS is views.EVENT_LABELS_EN
    for event_type, english in views.EVENT_LABELS_EN.items():
        assert i18n.event_label(event_type, "en") == english == views.event_label(event_type, "en")
        assert i18n.event_label(event_type, "ru") == views.EVENT_LABELS_RU[event_type] \
            == views.event_label(event_type, "ru")
    assert "(" not in views.event_label("detained", "ru")        # no "задержание (detained)"


@pytest.mark.parametrize("iso, ru, en", [
    ("2026-01-28", "28 января 2026", "28 January 2026"), ("2026-01", "январь 2026", "January 2026"),
    ("2026", "2026", "2026"), (None, "дата неизвестна", "date unknown")])
def test_dates_in_words(iso, ru, en):
    assert views.format_date_in(iso, "ru") == ru and views.format_date_in(iso, "en") == en


def test_a_year_only_fact_sorts_among_dated_ones():
    """"2025" comes before "2026-01-10" and after "2024-05", told in any order."""
    from khronika.store.facts import group_facts
    rows = [dict(person_id="p", document_id=doc, type=kind, date=date, span_start=start, event_id=i)
            for i, (doc, kind, date, start) in enumerate([
                ("d1", "detained", "2026-01-10", 50), ("d1", "sentenced", "2025", 100),
                ("d2", "charged", "2024-05", 10), ("d2", "fled", "2022/2023", 90)])]
    assert [f.date for f in group_facts(rows)] == ["2022/2023", "2024-05", "2025", "2026-01-10"]
