"""Where, whither, what charge and what term, end to end: an event's place,
country, destination, charge and term from the store (revision 0006) through
fact grouping to the CLI, the web app, the public archive, the exports and
the alerts. Real SQLite files, the real CLI in a subprocess, no mocks; events
are made by hand (the extractor does not fill country and destination yet).
"""
from __future__ import annotations

import csv
import hashlib
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
import webstore
from fastapi.testclient import TestClient
from pgserver import child_db

from khronika.alerts.channels import message_text, payload
from khronika.alerts.rules import match
from khronika.model import Alert, Document, EventMention, Person, PersonMention, Rule
from khronika.publish import exports
from khronika.publish.dossier import dossier_html
from khronika.publish.public import PublicArchive
from khronika.publish.site import publish_site
from khronika.store import group_facts, open_store
from khronika.views import EVENT_LABELS_RU, format_term, place_label
from khronika.web import create_app

REPO_ROOT = Path(__file__).resolve().parents[1]

MARIA = Person(id="p-maria", name="Мария Петрова", name_latin="Maria Petrova", role="subject", gender="f")
# Each sentence is one event: (sentence, type, date, place, country, destination, charge, term).
FLED = "В декабре 2024 года Мария Петрова уехала из России."
SENTENCED = "В 2025 году Марию Петрову заочно приговорили к 12 годам за государственную измену."
DETAINED = "10 января 2026 года её задержали в аэропорту Алматы по запросу России."
EXTRADITED = "В феврале 2026 года суд в Астане выдал Марию Петрову России."
EVENTS = (
    (EXTRADITED, "extradited", "2026-02", "Астана", "KZ", "RU", None, None),
    (SENTENCED, "sentenced", "2025", None, None, None, "государственная измена", 12.0),
    (DETAINED, "detained", "2026-01-10", "Алматы", "KZ", None, None, None),
    (FLED, "fled", "2024-12", None, "RU", "KZ", None, None),
)
# Timeline order: the year-only sentence between December 2024 and January 2026.
ORDER = ["fled", "sentenced", "detained", "extradited"]


def seed(store, *, confirm: bool = False) -> dict[str, str]:
    """Мария Петрова's document and its four events; event ids by type."""
    text = " ".join(sentence for sentence, *_ in EVENTS)
    raw = text.encode()
    doc = Document(id="doc-maria", path="maria.txt", text=text, sha256=hashlib.sha256(raw).hexdigest(),
                   captured_at="2026-02-20T12:00:00+00:00", raw=raw, title="Дело Петровой",
                   url="https://news.example/maria", source="test-wire", published="2026-02-20",
                   language="ru")
    events = []
    for sentence, type_, date, place, country, destination, charge, term in EVENTS:
        start = text.index(sentence)
        events.append(EventMention(person="p1", type=type_, evidence=sentence, document=doc.id, date=date,
                                   place=place, country=country, destination=destination, charge=charge,
                                   term_years=term, start=start, end=start + len(sentence), trigger=type_))
    mention = PersonMention(local_id="p1", name=MARIA.name, role="subject")
    assert store.add_document(doc, [mention], [MARIA], {"p1": MARIA.id}, events)
    ids = {e.type: e.id for e in events}
    if confirm:
        for event_id in ids.values():
            store.review_event(event_id, "confirmed", "tester")
    return ids


@pytest.fixture
def store(tmp_path):
    with open_store(tmp_path / "k.db") as opened:
        yield opened


# ---------------------------------------------------------------- store

def test_country_and_destination_round_trip_through_the_store(store):
    ids = seed(store)
    by_type = {e.type: e for e in store.events(MARIA.id)}
    extradited = by_type["extradited"]
    assert (extradited.place, extradited.country, extradited.destination) == ("Астана", "KZ", "RU")
    assert (by_type["fled"].country, by_type["fled"].destination) == ("RU", "KZ")
    assert (by_type["sentenced"].charge, by_type["sentenced"].term_years) == ("государственная измена", 12.0)
    assert store.event(ids["extradited"])["destination"] == "RU"
    events, _, _ = store.alert_context([ids["extradited"]])          # what alert rules read
    assert (events[0].country, events[0].destination) == ("KZ", "RU")
    facts = {f.type: f for f in store.timeline(MARIA.id)}
    assert (facts["extradited"].country, facts["extradited"].destination) == ("KZ", "RU")
    assert facts["sentenced"].term_years == 12.0


def test_the_stored_country_never_comes_from_the_evidence(store):
    sentences = {"none": "Её задержали по запросу России.", "place": "Её задержали в Алматы по запросу России.",
                 "given": "Её задержали в аэропорту по запросу России."}
    text = " ".join(sentences.values())
    doc = Document(id="d", path="d.txt", text=text, sha256="x", captured_at="2026-01-01T00:00:00+00:00")
    events = {key: EventMention(person="p1", type="detained", evidence=sentence, document="d",
                                start=text.index(sentence), trigger=key, **fields)
              for (key, sentence), fields in zip(sentences.items(), (
                  {"place": None}, {"place": "Алматы"}, {"place": "аэропорт", "country": "KZ"}))}
    store.add_document(doc, [PersonMention("p1", MARIA.name)], [MARIA], {"p1": MARIA.id}, list(events.values()))
    stored = {key: store.event(event.id)["country"] for key, event in events.items()}
    # No place: unknown, not Russia from "по запросу России"; a place: its country; the extractor's wins.
    assert stored == {"none": None, "place": "KZ", "given": "KZ"}


def test_a_reviewer_corrects_place_country_and_destination(store):
    ids = seed(store)
    detained = ids["detained"]
    assert store.review_event(detained, "confirmed", "olga", {"place": "Бишкек"})["country"] == "KG"
    # A place that names no country keeps the country it had.
    assert store.review_event(detained, "confirmed", "olga", {"place": "СИЗО-1"})["country"] == "KG"
    after = store.review_event(detained, "confirmed", "olga", {"place": "Ош", "country": "kz"})
    assert (after["place"], after["country"]) == ("Ош", "KZ")        # the reviewer's country wins
    assert store.review_event(ids["extradited"], "confirmed", "olga", {"place": "Алматы"})["destination"] == "RU"
    assert store.review_event(ids["extradited"], "confirmed", "olga", {"destination": "by"})["destination"] == "BY"
    assert store.review_event(ids["extradited"], "confirmed", "olga", {"destination": ""})["destination"] is None
    with pytest.raises(ValueError):
        store.review_event(detained, "confirmed", "olga", {"country": "Kazakhstan"})
    assert store.event(detained)["country"] == "KZ"


@pytest.mark.sqlite_only           # a SQLite file at an old revision
def test_a_store_with_data_upgrades_to_revision_0006(tmp_path):
    from alembic import command
    from alembic.config import Config

    from khronika.store.store import MIGRATIONS_DIR
    path = tmp_path / "old.db"
    engine = sa.create_engine(f"sqlite:///{path}")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0005")
        connection.execute(sa.text(
            "INSERT INTO documents (id, path, media_type, sha256, captured_at, text, meta, removed, analysed, "
            "stored_at) VALUES ('d', 'd.txt', 'text/plain', 'x', '2025', 'Текст.', '{}', '[]', 1, '2025')"))
        connection.execute(sa.text(
            "INSERT INTO persons (id, name, name_latin, role, attributes, created_at, updated_at, locked) "
            "VALUES ('P', 'Имя', 'Name', 'subject', '{}', '2025', '2025', 0)"))
        # As 0003 and the old ingest stored them: a country guessed from the evidence when there was no place.
        for event_id, place, country in (("guessed", None, "RU"), ("placed", "Алматы", "KZ")):
            connection.execute(sa.text(
                "INSERT INTO events (id, document_id, person_id, type, place, country, evidence, span_start, "
                "span_end, confidence, created_at) VALUES (:id, 'd', 'P', 'detained', :place, :country, "
                "'Её задержали по запросу России.', 0, 6, 0.9, '2025')"),
                {"id": event_id, "place": place, "country": country})
    engine.dispose()
    with open_store(path) as store:                      # upgrades to head, foreign keys on
        assert store.event("guessed")["country"] is None
        assert (store.event("placed")["country"], store.event("placed")["destination"]) == ("KZ", None)
        store.review_event("placed", "confirmed", "olga", {"destination": "RU"})
        assert store.event("placed")["destination"] == "RU"
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0005")
        assert "destination" not in {c["name"] for c in sa.inspect(connection).get_columns("events")}
        assert connection.scalar(sa.text("SELECT count(*) FROM events")) == 2
    engine.dispose()


# ---------------------------------------------------------------- grouping, order, wording

def test_a_fact_takes_the_most_common_country_and_destination():
    rows = [{"person_id": "P", "type": "deported", "date": "2026-03", "document_id": d, "country": c,
             "destination": dest, "evidence": "x"}
            for d, c, dest in (("a", "KZ", "RU"), ("b", "KZ", None), ("c", "KG", "RU"))]
    (fact,) = group_facts(rows)
    assert (fact.country, fact.destination) == ("KZ", "RU")


def test_a_year_only_fact_sorts_between_the_dates_around_it(store):
    rows = [{"person_id": "P", "type": t, "date": d, "document_id": t, "evidence": "x"}
            for t, d in (("extradited", "2026-01-10"), ("sentenced", "2025"), ("fled", "2024-12"))]
    assert [f.date for f in group_facts(rows)] == ["2024-12", "2025", "2026-01-10"]
    seed(store, confirm=True)
    assert [f.type for f in store.timeline(MARIA.id)] == ORDER
    assert [f.type for f in PublicArchive(store).person(MARIA.id).facts] == ORDER


@pytest.mark.parametrize("years, ru, en", [
    (1, "1 год", "1 year"), (2, "2 года", "2 years"), (4, "4 года", "4 years"), (5, "5 лет", "5 years"),
    (11, "11 лет", "11 years"), (12.0, "12 лет", "12 years"), (14, "14 лет", "14 years"),
    (21, "21 год", "21 years"), (22, "22 года", "22 years"), (1.5, "1,5 года", "1.5 years"),
    (0.5, "0,5 года", "0.5 years"), (None, "", ""),
])
def test_terms_in_russian_and_english(years, ru, en):
    assert (format_term(years), format_term(years, "en")) == (ru, en)


def test_a_place_gets_its_country_unless_it_names_it():
    assert place_label("Алматы", "KZ") == "Алматы (Казахстан)"
    assert place_label("Алматы", "KZ", "en") == "Алматы (Kazakhstan)"
    assert place_label("Алматы, Казахстан", "KZ") == "Алматы, Казахстан"
    assert place_label("в Казахстане", "KZ") == "в Казахстане"
    assert place_label(None, "RU") == "Россия"
    assert place_label("Алматы", None) == "Алматы"
    assert place_label(None, None) == ""


# ---------------------------------------------------------------- the CLI

def test_cli_timeline_shows_charge_term_place_country_and_destination(tmp_path):
    db = tmp_path / "cli.db"
    with open_store(db) as store:
        seed(store)
    env = dict(os.environ, PYTHONIOENCODING="utf-8",
               PYTHONPATH=os.pathsep.join(p for p in (str(REPO_ROOT), os.environ.get("PYTHONPATH")) if p))
    env.pop("KHRONIKA_DB", None)
    proc = subprocess.run([sys.executable, "-m", "khronika", "timeline", "--lang", "ru", "--db", child_db(db)],
                          cwd=tmp_path,
                          env=env, capture_output=True, text=True, encoding="utf-8", timeout=180, check=False)
    assert proc.returncode == 0, proc.stderr
    facts = [line.strip() for line in proc.stdout.splitlines() if line.startswith("  ") and not line.startswith("   ")]
    assert [next(t for t in ORDER if EVENT_LABELS_RU[t] in line) for line in facts] == ORDER
    fled, sentenced, detained, extradited = facts
    assert fled.startswith("декабрь 2024") and fled.endswith("— Россия → Казахстан")
    assert sentenced.startswith("2025 ") and "[государственная измена; 12 лет]" in sentenced
    assert detained.endswith("— Алматы (Казахстан)")
    assert extradited.endswith("— Астана (Казахстан) → Россия")


# ---------------------------------------------------------------- the web app

@pytest.fixture
def web(tmp_path):
    db = tmp_path / "web.db"
    webstore.build(db)
    with open_store(db) as store:
        ids = seed(store)
    app = create_app(db)
    client = TestClient(app)
    r = client.post("/api/login", json={"username": "monitor", "password": webstore.PASSWORD})
    assert r.status_code == 200
    yield client, {"X-CSRF-Token": r.json()["csrf_token"]}, ids
    app.state.store.close()


def test_web_person_page_shows_place_country_destination_charge_and_term(web):
    client, _, _ = web
    ru = client.get(f"/persons/{MARIA.id}?lang=ru").text
    for shown in ("Алматы (Казахстан)", "Астана (Казахстан)", "→ Россия", "государственная измена", "12 лет"):
        assert shown in ru, shown
    positions = [ru.index(f"· {w}") for w in ("Россия", "государственная", "Алматы", "Астана")]
    assert positions == sorted(positions)                  # fled, sentenced (2025), detained, extradited
    en = client.get(f"/persons/{MARIA.id}?lang=en").text
    for shown in ("Almaty (Kazakhstan)", "→ Russia", "12 years"):
        assert shown in en, shown
    assert "12 лет" not in en


def test_web_api_document_page_and_review_queue_carry_the_fields(web):
    client, headers, ids = web
    facts = {f["type"]: f for f in client.get(f"/api/persons/{MARIA.id}").json()["timeline"]}
    assert (facts["extradited"]["country"], facts["extradited"]["destination"]) == ("KZ", "RU")
    assert facts["sentenced"]["term_years"] == 12.0
    events = {e["type"]: e for e in client.get("/api/documents/doc-maria").json()["events"]}
    assert (events["extradited"]["country"], events["extradited"]["destination"]) == ("KZ", "RU")
    assert events["sentenced"]["term_years"] == 12.0 and events["sentenced"]["charge"] == "государственная измена"
    queued = {e["id"]: e for e in client.get("/api/review?limit=200").json()["events"]}
    assert queued[ids["extradited"]]["destination"] == "RU" and queued[ids["extradited"]]["country"] == "KZ"
    page = client.get("/documents/doc-maria?lang=ru").text
    assert "Астана (Казахстан)" in page and "→ Россия" in page and "12 лет" in page
    review = client.get("/review?lang=ru").text
    assert 'name="country" value="KZ"' in review and 'name="destination" value="RU"' in review
    assert "Куда (код страны ISO)" in review
    # The API takes a corrected country; a wrong one is a 422.
    url = f"/api/events/{ids['detained']}/review"
    assert client.post(url, headers=headers, json={"decision": "confirmed", "country": "Kazakhstan"}).status_code == 422
    assert client.post(url, headers=headers, json={"decision": "confirmed", "country": "kg"}).json()["country"] == "KG"


def test_the_review_form_keeps_the_country_consistent_with_the_place(web):
    client, headers, ids = web
    form = {"csrf_token": headers["X-CSRF-Token"], "decision": "confirmed", "type": "detained",
            "date": "2026-01-10", "place": "Бишкек", "country": "KZ", "destination": "", "next": "/review"}
    # The place changed, the country field was left as shown: the country follows the place.
    assert client.post(f"/review/{ids['detained']}", data=form, follow_redirects=False).status_code == 303
    event = client.get("/api/documents/doc-maria").json()["events"]
    assert next(e for e in event if e["id"] == ids["detained"])["country"] == "KG"
    form |= {"place": "Бишкек", "country": "uz"}
    client.post(f"/review/{ids['detained']}", data=form, follow_redirects=False)
    event = client.get("/api/documents/doc-maria").json()["events"]
    assert next(e for e in event if e["id"] == ids["detained"])["country"] == "UZ"


# ---------------------------------------------------------------- the public side

@pytest.fixture
def archive(store):
    seed(store, confirm=True)
    return PublicArchive(store)


def test_json_and_csv_exports_carry_country_destination_and_term(archive):
    events = {e["type"]: e for e in exports.contract(archive)["events"]}
    assert (events["extradited"]["country"], events["extradited"]["destination"]) == ("KZ", "RU")
    assert events["sentenced"]["term_years"] == 12.0 and events["sentenced"]["destination"] is None
    out = io.StringIO()
    exports.write_csv(archive, out)
    rows = {r["type"]: r for r in csv.DictReader(io.StringIO(out.getvalue()))}
    assert (rows["extradited"]["country"], rows["extradited"]["destination"]) == ("KZ", "RU")
    assert (rows["fled"]["country"], rows["fled"]["destination"]) == ("RU", "KZ")
    assert (rows["sentenced"]["charge"], rows["sentenced"]["term_years"]) == ("государственная измена", "12.0")
    assert [r["type"] for r in csv.DictReader(io.StringIO(out.getvalue()))] == ORDER


def test_ftm_event_has_country_and_the_destination_in_its_notes(archive):
    from followthemoney import model
    events = {}
    for proxy in exports.ftm_entities(archive):
        if proxy.schema.name == "Event":
            data = proxy.to_dict()
            proxy.schema.validate(model.get_proxy(data, cleaned=False).to_dict())
            events[data["properties"]["keywords"][0]] = data["properties"]
    assert events["extradited"]["country"] == ["kz"]
    assert events["extradited"]["notes"] == ["Destination: Russia (RU)"]
    assert events["sentenced"]["notes"] == ["Charge: государственная измена; Term: 12 years"]
    assert "notes" not in events["detained"]


def test_timelinejs_text_has_place_country_charge_and_term(archive):
    person = archive.person(MARIA.id)
    texts = {e["unique_id"]: e["text"]["text"] for e in exports.timelinejs(person, language="ru")["events"]}
    by_type = {f.type: texts[f"fact-{f.id}"] for f in person.facts}
    assert by_type["extradited"].startswith("<p>Астана (Казахстан) → Россия</p>")
    assert by_type["sentenced"].startswith("<p>государственная измена; 12 лет</p>")
    en = exports.timelinejs(person, language="en")["events"]
    assert any(e["text"]["text"].startswith("<p>государственная измена; 12 years</p>") for e in en)


def test_archive_person_page_and_dossier_show_them(store, archive, tmp_path):
    publish_site(store, tmp_path / "site", archive=archive)
    slug = archive.person(MARIA.id).slug
    ru = (tmp_path / "site" / "ru" / "persons" / f"{slug}.html").read_text(encoding="utf-8")
    for shown in ("Алматы (Казахстан)", "→ Россия", "государственная измена", "12 лет"):
        assert shown in ru, shown
    en = (tmp_path / "site" / "en" / "persons" / f"{slug}.html").read_text(encoding="utf-8")
    assert "Almaty (Kazakhstan)" in en and "12 years" in en and "→ Russia" in en
    dossier = dossier_html(store, MARIA.id, language="ru")
    for shown in ("Астана (Казахстан)", "→ <span class=\"destination\">Россия", "государственная измена",
                  "12 лет"):
        assert shown in dossier, shown


# ---------------------------------------------------------------- alerts

def _event(**fields) -> EventMention:
    values = {"person": MARIA.id, "type": "detained", "evidence": "Её задержали в аэропорту.",
              "document": "d", "place": "Алматы", "country": "KZ"}
    return EventMention(**(values | fields))


@pytest.mark.parametrize("place", ["Казахстан", "Kazakhstan", "KZ", "kz", "Казахстане"])
def test_a_rule_naming_a_country_matches_events_in_it(place):
    rule = Rule(id="r", channel="webhook", target="", place=place)
    assert match(rule, _event(), MARIA)                       # the place says only "Алматы"
    assert match(rule, _event(place=None), MARIA)
    assert not match(rule, _event(place="Бишкек", country="KG"), MARIA)


def test_a_rule_naming_a_city_does_not_match_its_whole_country():
    rule = Rule(id="r", channel="webhook", target="", place="Алматы")
    assert match(rule, _event(), MARIA)
    assert not match(rule, _event(place="Астана"), MARIA)


def test_alert_text_and_payload_name_the_country():
    rule = Rule(id="r", channel="webhook", target="", name="KZ")
    alert = Alert(rule_id="r", event_id="e", person_id=MARIA.id, person=MARIA.name, person_latin=MARIA.name_latin,
                  type="detained", date="2026-01-10", place="Алматы", evidence=DETAINED, source_url=None,
                  captured_at=None, document_id="d")
    assert "Где: Алматы (Казахстан)" in message_text(rule, alert, 1)
    event = payload(rule, alert)["event"]
    assert (event["place"], event["country"], event["destination"]) == ("Алматы", "KZ", None)
    # Never the requesting state of the evidence sentence.
    alert.place = None
    assert payload(rule, alert)["event"]["country"] is None
    assert "Где: не указано" in message_text(rule, alert, 1)
