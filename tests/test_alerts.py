"""Watch rules, alerts and their delivery, against real parts (no mocks).

Receivers are real servers on 127.0.0.1: a webhook receiver (http.server in a
thread), an SMTP server (aiosmtpd), and a local stand-in of the Telegram Bot
API endpoint (http.server answering POST /bot<token>/sendMessage the way
Telegram's servers do). The stand-in is there because the real Telegram
servers cannot be reached from the test machine; the sender is pointed at it
through KHRONIKA_TELEGRAM_API, exactly as a deployment could point it at a
Bot API server of its own. The store is a real SQLite file.
"""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import os
import shutil
import signal
import ssl
import subprocess
import sys
import threading
import time
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from pgserver import child_db

from khronika.alerts import alerts_for, alerts_for_events, match, queue_alerts, queue_unqueued
from khronika.alerts.channels import (
    DELIVERY_HEADER,
    SIGNATURE_HEADER,
    alert_id,
    payload,
    send_email,
    send_webhook,
    telegram_api_base,
)
from khronika.alerts.outbox import MAX_ATTEMPTS, backoff_s, deliver_due
from khronika.model import Alert, Document, EventMention, Person, PersonMention, Rule, SourceConfig
from khronika.store import open_store
from khronika.store.store import SEEN_CAP

EVIDENCE = "В конце января Юлию Емельянову задержали в Алматы по запросу России."


# ---------------------------------------------------------------- factories

def person(**fields) -> Person:
    values = dict(id="P-emelyanova", name="Юлия Емельянова", name_latin="Yulia Emelyanova",
                  aliases=["Емельянова"], role="subject")
    values.update(fields)
    return Person(**values)


def event(type: str = "detained", **fields) -> EventMention:
    values = dict(person="P-emelyanova", type=type, evidence=EVIDENCE, document="doc1",
                  date="2026-01", date_text="В конце января", place="Казахстан", start=0,
                  end=len(EVIDENCE))
    values.update(fields)
    return EventMention(**values)


def document(doc_id: str = "doc1", text: str = EVIDENCE) -> Document:
    return Document(id=doc_id, path=f"https://news.example/{doc_id}", url=f"https://news.example/{doc_id}",
                    text=text, sha256=hashlib.sha256(text.encode()).hexdigest(),
                    captured_at="2026-02-03T10:00:00+00:00", raw=text.encode(), published="2026-02-03")


def alert(rule_id: str = "r1", event_id: str = "e1", **fields) -> Alert:
    values = dict(rule_id=rule_id, event_id=event_id, person_id="P-emelyanova", person="Юлия Емельянова",
                  person_latin="Yulia Emelyanova", type="detained", date="2026-01", place="Казахстан",
                  evidence=EVIDENCE, source_url="https://news.example/doc1",
                  captured_at="2026-02-03T10:00:00+00:00", document_id="doc1")
    values.update(fields)
    return Alert(**values)


def store_document(store, doc_id: str = "doc1", events_=None) -> list[str]:
    """Store a document naming Емельянова (local id p1) with the given events; their ids."""
    doc = document(doc_id)
    events_ = events_ if events_ is not None else [
        EventMention(person="p1", type="detained", evidence=EVIDENCE, document=doc_id, date="2026-01",
                     place="Казахстан", start=0, end=len(EVIDENCE), trigger="задержали")]
    mention = PersonMention(local_id="p1", name="Юлия Емельянова", surface_forms=["Юлию Емельянову"],
                            role="subject")
    assert store.add_document(doc, [mention], [person()], {"p1": "P-emelyanova"}, events_)
    return [e.id for e in events_]


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "khronika.db"


@pytest.fixture
def store(db_path):
    with open_store(str(db_path)) as opened:
        yield opened


# ---------------------------------------------------------------- local receivers

class Receiver:
    """A local HTTP server recording every POST: (path, headers, body bytes).

    `statuses` is the answer to each successive request (the last one repeats);
    `answer` the body bytes to send with a 2xx.
    """

    def __init__(self, statuses=(200,), answer: bytes = b"ok"):
        self.requests: list[tuple[str, dict, bytes]] = []
        self.statuses = list(statuses)
        self.answer = answer
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.requests.append((self.path, dict(self.headers), body))
                index = min(len(receiver.requests), len(receiver.statuses)) - 1
                status = receiver.statuses[index]
                content = receiver.answer if 200 <= status < 300 else b'{"ok": false}'
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.server.shutdown()
        self.server.server_close()


class _Controller(Controller):
    """aiosmtpd's Controller on port 0: learns the port the OS chose."""

    def _trigger_server(self):
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


class MailSink:
    """aiosmtpd handler keeping every message with its envelope and session facts."""

    def __init__(self):
        self.messages: list[dict] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(dict(sender=envelope.mail_from, recipients=list(envelope.rcpt_tos),
                                  data=envelope.original_content or envelope.content,
                                  tls=session.ssl is not None,
                                  login=session.auth_data if session.authenticated else None))
        return "250 OK"


def smtp_env(monkeypatch, controller, **extra) -> None:
    monkeypatch.setenv("KHRONIKA_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("KHRONIKA_SMTP_PORT", str(controller.port))
    monkeypatch.setenv("KHRONIKA_SMTP_FROM", "alerts@khronika.test")
    for name in ("USER", "PASSWORD", "CAFILE"):
        monkeypatch.delenv(f"KHRONIKA_SMTP_{name}", raising=False)
    for key, value in extra.items():
        monkeypatch.setenv(key, value)


# ---------------------------------------------------------------- rule matching

MATCH_TABLE = [
    # (rule criteria, event fields, matches)
    (dict(), {}, True),
    # A person by any name, any case, inflection or script.
    (dict(person="Emelyanova"), {}, True),
    (dict(person="Yuliya Yemelyanova"), {}, True),
    (dict(person="Емельяновой"), {}, True),
    (dict(person="Юлию Емельянову"), {}, True),
    (dict(person="ЕМЕЛЬЯНОВА"), {}, True),
    (dict(person="P-emelyanova"), {}, True),
    (dict(person="Качкуркин"), {}, False),
    (dict(person="Kachkurkin"), {}, False),
    # Event types.
    (dict(types=["detained", "arrested"]), {}, True),
    (dict(types=["deported"]), {}, False),
    # A place: the event's place (substring, any case, other language) or named in the evidence.
    (dict(place="Казахстан"), {}, True),
    (dict(place="казахстан"), {}, True),
    (dict(place="Kazakhstan"), {}, True),
    (dict(place="Kazakh"), {}, True),
    (dict(place="Алматы"), dict(place=None), True),
    (dict(place="Россия"), {}, True),                     # "по запросу России"
    (dict(place="Russia"), {}, True),
    (dict(place="Турция"), {}, False),
    (dict(place="Turkey"), dict(place="Турция", evidence="Его задержали в Стамбуле."), True),
    (dict(place="Грузия"), dict(evidence="Груз задержали на границе."), False),
    # A keyword in the evidence, any case and inflection.
    (dict(keyword="запрос"), {}, True),
    (dict(keyword="ЗАПРОСЫ"), {}, True),
    (dict(keyword="по запросу России"), {}, True),
    (dict(keyword="экстрадиция"), {}, False),
    (dict(keyword="экстрадиция"), dict(evidence="Суд отказал в экстрадиции Емельяновой."), True),
    (dict(keyword="суд"), dict(evidence="Решение суда обжаловано."), True),
    (dict(keyword="суд"), dict(evidence="Его судьба неизвестна."), False),
    # Combinations: every given criterion must hold.
    (dict(person="Emelyanova", types=["detained"], place="Kazakhstan", keyword="запрос"), {}, True),
    (dict(person="Emelyanova", types=["deported"]), {}, False),
    (dict(person="Emelyanova", place="Турция"), {}, False),
    (dict(person="Kachkurkin", types=["detained"]), {}, False),
    (dict(types=["detained"], keyword="убежище"), {}, False),
]


@pytest.mark.parametrize("criteria, fields, expected", MATCH_TABLE)
def test_rule_matching(criteria, fields, expected):
    rule = Rule(id="r", channel="webhook", target="http://127.0.0.1/", **criteria)
    assert match(rule, event(**fields), person(), document()) is expected


def test_alerts_for_gives_one_alert_per_matching_rule_and_event():
    rules = [Rule(id="r-person", channel="webhook", target="x", person="Emelyanova"),
             Rule(id="r-deport", channel="email", target="y", types=["deported"]),
             Rule(id="r-all", channel="telegram", target="42")]
    events = [event("detained", id="e1"), event("deported", id="e2", place=None)]
    alerts = alerts_for(events, {"P-emelyanova": person()}, {"doc1": document()}, rules)
    assert [(a.rule_id, a.event_id) for a in alerts] == [
        ("r-person", "e1"), ("r-all", "e1"), ("r-person", "e2"), ("r-deport", "e2"), ("r-all", "e2")]
    first = alerts[0]
    assert (first.person, first.person_latin, first.type, first.date, first.place, first.evidence) == (
        "Юлия Емельянова", "Yulia Emelyanova", "detained", "2026-01", "Казахстан", EVIDENCE)
    assert (first.source_url, first.captured_at, first.document_id) == (
        "https://news.example/doc1", "2026-02-03T10:00:00+00:00", "doc1")


# ---------------------------------------------------------------- store: sources, items, rules

def test_sources_are_listed_updated_and_removed(store):
    feed = SourceConfig(url="https://news.example/rss.xml", kind="feed", every_s=60)
    channel = SourceConfig(url="https://t.me/s/example", kind="telegram", every_s=30, robots=False)
    store.upsert_source(feed)
    store.upsert_source(channel)
    store.upsert_source(SourceConfig(url=feed.url, kind="feed", every_s=5, local=True, name="News"))
    assert [(s.id, s.every_s, s.local, s.name) for s in store.sources()] == [
        (feed.id, 5.0, True, "News"), (channel.id, 30.0, False, None)]
    assert store.sources()[1].robots is False
    assert store.remove_source(feed.url) is True
    assert store.remove_source(channel.id) is True
    assert store.remove_source("https://nowhere.example/") is False
    assert store.sources() == []


def test_source_state_round_trips_and_keeps_the_newest_seen_keys(store, db_path):
    source = SourceConfig(url="https://news.example/rss.xml", kind="feed")
    store.upsert_source(source)
    assert store.source_state(source.id) == ({}, set())
    store.save_source_state(source.id, {"etag": '"abc"'}, {"a", "b"})
    seen = {"a", "b"} | {f"k{n:05}" for n in range(SEEN_CAP)}
    store.save_source_state(source.id, {"etag": '"def"'}, seen, error="HTTP 500", failures=2)
    with open_store(str(db_path)) as reopened:
        state, kept = reopened.source_state(source.id)
        status = reopened.source_status(source.id)
    assert state == {"etag": '"def"'}
    # The oldest keys ("a", "b", saved first) are the ones dropped.
    assert len(kept) == SEEN_CAP and "a" not in kept and "b" not in kept and "k04999" in kept
    assert (status["failures"], status["last_error"]) == (2, "HTTP 500")
    assert status["last_polled_at"] > time.time() - 60


def test_state_of_a_source_that_was_never_listed_is_kept_but_not_listed(store):
    store.save_source_state("unlisted", {"cursor": 5}, {"x"})
    assert store.source_state("unlisted") == ({"cursor": 5}, {"x"})
    assert store.sources() == []


def test_items_catch_exact_repeats_and_keep_minhashes(store):
    store_document(store)
    assert not store.item_seen("https://news.example/doc1", "sha-text")
    store.record_item("https://news.example/doc1", "sha-text", "doc1", "src", minhash=b"\x01\x02")
    assert store.item_seen("https://news.example/doc1", "other")      # same URL
    assert store.item_seen("https://mirror.example/copy", "sha-text")  # same content
    assert not store.item_seen("https://news.example/doc2", "other")
    store.record_item("https://mirror.example/near", "sha-near", None, "src", duplicate_of="doc1")
    assert store.item_minhashes() == [("doc1", b"\x01\x02")]


def test_rules_are_added_replaced_listed_and_removed(store, db_path):
    rule = Rule(id="r1", channel="webhook", target="http://127.0.0.1/hook", person="Emelyanova",
                types=["detained", "deported"], place="Kazakhstan", keyword="запрос", secret="s3cret",
                name="Емельянова")
    assert store.add_rule(rule) is True
    assert store.add_rule(Rule(id="r2", channel="email", target="lawyer@example.org")) is True
    assert store.add_rule(rule) is False        # the same id again: replaced, not doubled
    with open_store(str(db_path)) as reopened:
        assert reopened.rules()[0] == rule
        assert [r.id for r in reopened.rules()] == ["r1", "r2"]
    assert store.remove_rule("r2") is True
    assert store.remove_rule("r2") is False
    assert [r.id for r in store.rules()] == ["r1"]


# ---------------------------------------------------------------- store: the outbox

def test_the_same_rule_and_event_is_queued_once(store, db_path):
    assert store.enqueue_alerts([alert("r1", "e1"), alert("r1", "e1"), alert("r2", "e1")]) == 2
    assert store.enqueue_alerts([alert("r1", "e1")]) == 0
    with open_store(str(db_path)) as reopened:
        assert reopened.enqueue_alerts([alert("r2", "e1"), alert("r1", "e2")]) == 1
        assert reopened.outbox_counts() == {"pending": 3, "sent": 0, "failed": 0}


def test_due_alerts_round_trip_and_claims(store):
    store.enqueue_alerts([alert("r1", "e1"), alert("r1", "e2")])
    now = time.time() + 1
    due = store.due_alerts(now, 10)
    assert [(a.rule_id, a.event_id, attempts) for _, a, attempts in due] == [("r1", "e1", 0), ("r1", "e2", 0)]
    assert due[0][1] == alert("r1", "e1")
    assert len(store.due_alerts(now, 1)) == 1
    # A claim hides them from a second deliverer until the lease ends.
    assert len(store.due_alerts(now, 10, lease_s=30)) == 2
    assert store.due_alerts(now, 10) == []
    assert len(store.due_alerts(now + 30, 10)) == 2
    store.mark_sent(due[0][0])
    store.mark_failed(due[1][0], "HTTP 500", None)
    assert store.due_alerts(now + 3600, 10) == []
    assert store.outbox_counts() == {"pending": 0, "sent": 1, "failed": 1}


def test_queue_alerts_for_stored_documents_once_and_after_a_crash(store):
    store.add_rule(Rule(id="r1", channel="webhook", target="http://127.0.0.1/", person="Емельяновой"))
    store.add_rule(Rule(id="r2", channel="webhook", target="http://127.0.0.1/", types=["deported"]))
    event_ids = store_document(store)
    assert [a.event_id for a in alerts_for_events(store, event_ids)] == event_ids
    assert store.events_for_document("doc1") == event_ids
    # A crash after the document and its item were stored, before the alerts were queued:
    store.record_item("https://news.example/doc1", "sha-text", "doc1", "src")
    assert store.unqueued_documents() == ["doc1"]
    assert store.watch_event_ids() == event_ids
    assert queue_unqueued(store) == 1
    assert store.unqueued_documents() == []
    assert queue_alerts(store, ["doc1"]) == 0
    (row,) = store.outbox_rows()
    assert (row["rule_id"], row["event_id"], row["status"]) == ("r1", event_ids[0], "pending")


# ---------------------------------------------------------------- channels

def test_webhook_payload_headers_and_signature():
    rule = Rule(id="r1", channel="webhook", target="", secret="s3cret", name="Казахстан")
    sent = alert(evidence='Его задержали <b>"в Алматы"</b>.')
    with Receiver() as receiver:
        rule.target = receiver.url + "/hook?token=abc"

        async def go():
            import httpx
            async with httpx.AsyncClient() as client:
                await send_webhook(rule, sent, 17, client)
        asyncio.run(go())
    (path, headers, body), = receiver.requests
    assert path == "/hook?token=abc"
    signed = headers["X-Khronika-Timestamp"].encode() + b"." + body
    expected = "sha256=" + hmac.new(b"s3cret", signed, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers[SIGNATURE_HEADER], expected)
    assert headers[DELIVERY_HEADER] == "17"
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    data = json.loads(body.decode("utf-8"))
    assert data == payload(rule, sent)
    assert data["alert_id"] == alert_id(sent)
    assert data["rule"] == {"id": "r1", "name": "Казахстан"}
    assert data["person"] == {"id": "P-emelyanova", "name": "Юлия Емельянова",
                              "name_latin": "Yulia Emelyanova"}
    assert data["event"] == {"id": "e1", "type": "detained", "date": "2026-01", "place": "Казахстан",
                             "country": "KZ", "destination": None,
                             "evidence": 'Его задержали <b>"в Алматы"</b>.'}
    assert data["source"] == {"url": "https://news.example/doc1", "captured_at": "2026-02-03T10:00:00+00:00",
                              "document_id": "doc1"}


def test_webhook_without_a_secret_is_unsigned(store):
    with Receiver() as receiver:
        store.add_rule(Rule(id="r1", channel="webhook", target=receiver.url))
        store.enqueue_alerts([alert("r1", "e1")])
        assert asyncio.run(deliver_due(store)) == (1, 0)
    (_, headers, _), = receiver.requests
    assert SIGNATURE_HEADER not in headers


def test_email_arrives_with_person_type_and_evidence(monkeypatch):
    sink = MailSink()
    controller = _Controller(sink, hostname="127.0.0.1", port=0)
    controller.start()
    try:
        smtp_env(monkeypatch, controller)
        rule = Rule(id="r1", channel="email", target="lawyer@example.org", name="Клиенты")
        sent = alert(evidence="Её задержали.\r\nBcc: someone@evil.example")
        asyncio.run(send_email(rule, sent, 5))
    finally:
        controller.stop()
    (mail,) = sink.messages
    assert mail["recipients"] == ["lawyer@example.org"] and mail["sender"] == "alerts@khronika.test"
    assert mail["tls"] is False                     # this server offers no STARTTLS
    message = message_from_bytes(mail["data"], policy=policy.default)
    assert message.get_content_type() == "text/plain"
    assert message["Bcc"] is None
    assert message[DELIVERY_HEADER] == "5"
    assert "Юлия Емельянова" in message["Subject"] and "задержание" in message["Subject"]
    text = message.get_content()
    for expected in ("Кто: Юлия Емельянова (Yulia Emelyanova)", "Что: задержание (detained)",
                     "Когда: январь 2026", "Где: Казахстан", "https://news.example/doc1",
                     "2026-02-03T10:00:00+00:00", "Её задержали. Bcc: someone@evil.example"):
        assert expected in text


@pytest.mark.skipif(shutil.which("openssl") is None,
                    reason="needs the openssl command for a test certificate")
def test_email_uses_starttls_when_offered_and_logs_in_over_it(monkeypatch, tmp_path):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
                    "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(cert, key)

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
            b"khronika", b"pa55")
        return AuthResult(success=ok, auth_data=auth_data.login if ok else None)

    sink = MailSink()
    controller = _Controller(sink, hostname="127.0.0.1", port=0, tls_context=tls, require_starttls=True,
                             authenticator=authenticator, auth_require_tls=True)
    controller.start()
    try:
        smtp_env(monkeypatch, controller, KHRONIKA_SMTP_USER="khronika", KHRONIKA_SMTP_PASSWORD="pa55",
                 KHRONIKA_SMTP_CAFILE=str(cert))
        asyncio.run(send_email(Rule(id="r1", channel="email", target="lawyer@example.org"), alert(), 1))
    finally:
        controller.stop()
    (mail,) = sink.messages
    assert mail["tls"] is True
    assert mail["login"] == b"khronika"


def test_telegram_message_reaches_the_bot_api_stand_in(store, monkeypatch):
    """The receiver stands in for Telegram's Bot API servers, which cannot be reached here."""
    answer = json.dumps({"ok": True, "result": {"message_id": 1}}).encode()
    with Receiver(answer=answer) as bot_api:
        monkeypatch.setenv("KHRONIKA_TELEGRAM_API", bot_api.url)
        monkeypatch.setenv("KHRONIKA_TELEGRAM_TOKEN", "123456:test-token")
        store.add_rule(Rule(id="r1", channel="telegram", target="-1001234"))
        store.enqueue_alerts([alert("r1", "e1", evidence="Задержана <b>в Алматы</b> & этапирована.")])
        assert asyncio.run(deliver_due(store)) == (1, 0)
    (path, headers, body), = bot_api.requests
    assert path == "/bot123456:test-token/sendMessage"
    data = json.loads(body)
    assert data["chat_id"] == "-1001234"
    assert data["disable_web_page_preview"] is True
    assert "parse_mode" not in data                   # plain text: scraped markup stays literal
    for expected in ("Юлия Емельянова (Yulia Emelyanova)", "задержание (detained)", "январь 2026",
                     "Задержана <b>в Алматы</b> & этапирована.", "https://news.example/doc1"):
        assert expected in data["text"]
    assert store.outbox_counts()["sent"] == 1


def test_telegram_api_base_defaults_to_telegrams_servers(monkeypatch):
    monkeypatch.delenv("KHRONIKA_TELEGRAM_API", raising=False)
    assert telegram_api_base().startswith("https://api.")
    monkeypatch.setenv("KHRONIKA_TELEGRAM_API", "http://127.0.0.1:9/")
    assert telegram_api_base() == "http://127.0.0.1:9"


def test_telegram_refusal_is_a_failure_to_retry(store, monkeypatch):
    with Receiver(statuses=(400,)) as bot_api:
        monkeypatch.setenv("KHRONIKA_TELEGRAM_API", bot_api.url)
        monkeypatch.setenv("KHRONIKA_TELEGRAM_TOKEN", "123456:test-token")
        store.add_rule(Rule(id="r1", channel="telegram", target="42"))
        store.enqueue_alerts([alert("r1", "e1")])
        assert asyncio.run(deliver_due(store, now=time.time())) == (0, 1)
    (row,) = store.outbox_rows()
    assert row["status"] == "pending" and row["attempts"] == 1
    assert "test-token" not in row["last_error"]      # the token is never logged


# ---------------------------------------------------------------- the outbox, end to end

def test_a_failing_webhook_is_retried_with_backoff_then_delivered_once(db_path):
    with Receiver(statuses=(500, 503, 200)) as receiver:
        with open_store(str(db_path)) as store:
            store.add_rule(Rule(id="r1", channel="webhook", target=receiver.url, secret="k"))
            store.enqueue_alerts([alert("r1", "e1")])
            t0 = time.time()
            assert asyncio.run(deliver_due(store, now=t0)) == (0, 1)
        # Retries survive a restart: the schedule is in the store.
        with open_store(str(db_path)) as store:
            (row,) = store.outbox_rows()
            assert (row["status"], row["attempts"], row["next_attempt_at"]) == ("pending", 1, t0 + 5)
            assert "HTTP 500" in row["last_error"]
            assert asyncio.run(deliver_due(store, now=t0 + 4.9)) == (0, 0)   # not due yet
            assert asyncio.run(deliver_due(store, now=t0 + 5)) == (0, 1)
            (row,) = store.outbox_rows()
            assert (row["attempts"], row["next_attempt_at"]) == (2, t0 + 5 + 10)
            assert asyncio.run(deliver_due(store, now=t0 + 15)) == (1, 0)
            assert asyncio.run(deliver_due(store, now=t0 + 3600)) == (0, 0)
            (row,) = store.outbox_rows()
            assert (row["status"], row["attempts"], row["last_error"]) == ("sent", 3, None)
            assert store.outbox_counts() == {"pending": 0, "sent": 1, "failed": 0}
    assert len(receiver.requests) == 3
    # Every attempt carried the same delivery id, so a receiver can drop a repeat.
    assert {headers[DELIVERY_HEADER] for _, headers, _ in receiver.requests} == {str(row["id"])}


def test_backoff_doubles_from_five_seconds_and_gives_up_after_eight_attempts(store):
    assert [backoff_s(n) for n in range(1, 10)] == [5, 10, 20, 40, 80, 160, 320, 600, 600]
    with Receiver(statuses=(500,)) as receiver:
        store.add_rule(Rule(id="r1", channel="webhook", target=receiver.url))
        store.enqueue_alerts([alert("r1", "e1")])
        now = time.time()
        waits = []
        for _ in range(MAX_ATTEMPTS):
            assert asyncio.run(deliver_due(store, now=now)) == (0, 1)
            (row,) = store.outbox_rows()
            waits.append(row["next_attempt_at"] - now)
            now = row["next_attempt_at"]
        assert asyncio.run(deliver_due(store, now=now + 3600)) == (0, 0)
    assert waits[:-1] == [5, 10, 20, 40, 80, 160, 320]
    (row,) = store.outbox_rows()
    assert (row["status"], row["attempts"]) == ("failed", MAX_ATTEMPTS)
    assert len(receiver.requests) == MAX_ATTEMPTS


def test_delivery_survives_a_store_reopen(db_path):
    with Receiver() as receiver:
        with open_store(str(db_path)) as store:
            store.add_rule(Rule(id="r1", channel="webhook", target=receiver.url, person="Emelyanova"))
            store_document(store)
            store.record_item("https://news.example/doc1", "sha-text", "doc1", "src")
            assert queue_alerts(store, ["doc1"]) == 1
        # Closed before any delivery (a restart): the alert waits in the outbox.
        with open_store(str(db_path)) as store:
            assert queue_alerts(store, ["doc1"]) == 0
            assert asyncio.run(deliver_due(store)) == (1, 0)
        with open_store(str(db_path)) as store:
            assert asyncio.run(deliver_due(store)) == (0, 0)
            assert queue_unqueued(store) == 0
            assert store.outbox_counts() == {"pending": 0, "sent": 1, "failed": 0}
    (_, _, body), = receiver.requests
    data = json.loads(body)
    assert data["person"]["name_latin"] == "Yulia Emelyanova"
    assert (data["event"]["type"], data["event"]["date"], data["event"]["evidence"]) == (
        "detained", "2026-01", EVIDENCE)


def test_an_alert_of_a_removed_rule_is_given_up(store):
    store.add_rule(Rule(id="r1", channel="webhook", target="http://127.0.0.1:9/"))
    store.enqueue_alerts([alert("r1", "e1")])
    store.remove_rule("r1")
    assert asyncio.run(deliver_due(store)) == (0, 1)
    (row,) = store.outbox_rows()
    assert row["status"] == "failed" and "removed" in row["last_error"]


def test_one_slow_receiver_does_not_hold_up_the_others(store):
    """Sends run concurrently: a receiver that answers after 1.5 s and a fast one."""
    slow = Receiver()
    original = slow.server.RequestHandlerClass.do_POST

    def slow_post(handler):
        time.sleep(1.5)
        original(handler)
    slow.server.RequestHandlerClass.do_POST = slow_post
    with slow, Receiver() as fast:
        store.add_rule(Rule(id="slow", channel="webhook", target=slow.url))
        store.add_rule(Rule(id="fast", channel="webhook", target=fast.url))
        store.enqueue_alerts([alert("slow", "e1"), alert("fast", "e1")])
        received_at = {}

        async def go():
            task = asyncio.create_task(deliver_due(store))
            while not fast.requests:
                await asyncio.sleep(0.01)
            received_at["fast"] = time.monotonic()
            return await task
        started = time.monotonic()
        assert asyncio.run(go()) == (2, 0)
    assert received_at["fast"] - started < 1.0


# A deliverer in a child process, to be killed mid-delivery.
DELIVERER = """
import asyncio, sys
from khronika.alerts.outbox import deliver_due
from khronika.store import open_store

async def main():
    with open_store(sys.argv[1]) as store:
        while store.outbox_counts()["pending"]:
            await deliver_due(store, limit=5, lease_s=0, concurrency=1)
asyncio.run(main())
"""


def test_killed_deliverers_lose_nothing_and_repeat_only_what_was_in_flight(db_path):
    """kill -9 of the deliverer at moments spread over the deliveries, then a
    restart: every alert arrives, and a repeat (same delivery id, for the
    receiver to drop) happens at most once per kill."""
    root = Path(__file__).resolve().parents[1]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        filter(None, [str(root), os.environ.get("PYTHONPATH")])))
    total = 30
    with Receiver() as receiver:
        with open_store(str(db_path)) as store:
            store.add_rule(Rule(id="r1", channel="webhook", target=receiver.url))
            store.enqueue_alerts([alert("r1", f"e{n:02}") for n in range(total)])
        kills = 0
        for kill_at in (3, 9, 16, 24):
            child = subprocess.Popen([sys.executable, "-c", DELIVERER, child_db(db_path)], env=env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            deadline = time.monotonic() + 60
            while len(receiver.requests) < kill_at and child.poll() is None and time.monotonic() < deadline:
                time.sleep(0.001)
            child.send_signal(signal.SIGKILL)
            child.wait(timeout=30)
            child.stderr.close()
            kills += 1
        child = subprocess.run([sys.executable, "-c", DELIVERER, child_db(db_path)], env=env,
                               capture_output=True, text=True, timeout=120)
        assert child.returncode == 0, child.stderr
    with open_store(str(db_path)) as store:
        assert store.outbox_counts() == {"pending": 0, "sent": total, "failed": 0}
        rows = store.outbox_rows()
    ids = [headers[DELIVERY_HEADER] for _, headers, _ in receiver.requests]
    assert set(ids) == {str(row["id"]) for row in rows}           # every alert arrived
    print(f"{len(ids)} requests for {total} alerts after {kills} kills")
    assert len(ids) - len(set(ids)) <= kills                      # repeats: only in-flight ones
    assert {json.loads(body)["event"]["id"] for _, _, body in receiver.requests} == {
        f"e{n:02}" for n in range(total)}


@pytest.mark.fresh_database        # PostgreSQL runs: an empty database, not a migrated one
def test_a_database_at_0001_upgrades_to_the_watch_tables_and_back(db_path):
    import sqlalchemy as sa
    from alembic import command
    from alembic.config import Config

    from khronika.store.store import MIGRATIONS_DIR, resolve_url

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", resolve_url(str(db_path)))
    command.upgrade(config, "0001")
    engine = sa.create_engine(resolve_url(str(db_path)))
    with engine.begin() as connection:
        assert "outbox" not in sa.inspect(connection).get_table_names()
    with open_store(str(db_path)) as store:           # upgrades to head
        store_document(store)
        store.add_rule(Rule(id="r1", channel="webhook", target="http://127.0.0.1:9/"))
        assert store.enqueue_alerts([alert("r1", "e1")]) == 1
    command.downgrade(config, "0001")
    with engine.begin() as connection:
        names = set(sa.inspect(connection).get_table_names())
        assert not names & {"sources", "items", "rules", "outbox"}
        assert connection.scalar(sa.text("SELECT COUNT(*) FROM documents")) == 1
    engine.dispose()
