"""`khronika watch` end to end, as a real process: a local HTTP server with a
feed, its article pages and a t.me/s-style channel page; a local webhook
receiver; a local SMTP server (aiosmtpd). A new item appears -> the alert
arrives with the right person, type, date and evidence. kill -9 between fetch
and delivery -> after a restart every alert is delivered exactly once."""
import contextlib
import email
import email.policy
import hashlib
import hmac
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parent.parent

OLD_ARTICLE = ("В 2024 году в Бишкеке задержали Олега Рябова. Его освободили через неделю.")
NEW_ARTICLE = ("Вчера полиция в Алматы задержала Тимура Ахмедова. Суд постановил депортировать его в Россию.")
CHANNEL_POST = "Срочно. Сегодня утром в Астане задержана активистка Вера Климова."


class Site:
    """What the local news site publishes; tests add items while watch runs."""

    def __init__(self):
        self.items = [("old", OLD_ARTICLE, "Mon, 01 Dec 2025 10:00:00 GMT")]
        self.posts = []
        self.lock = threading.Lock()


def site_handler(site: Site):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            base = f"http://127.0.0.1:{self.server.server_address[1]}"
            with site.lock:
                items, posts = list(site.items), list(site.posts)
            if self.path == "/robots.txt":
                return self._send(200, b"User-agent: *\nAllow: /\n", "text/plain")
            if self.path == "/feed.xml":
                entries = "".join(f"<item><title>{key}</title><link>{base}/news/{key}.html</link>"
                                  f"<guid>{base}/news/{key}.html</guid><pubDate>{date}</pubDate></item>"
                                  for key, _, date in items)
                body = (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Новости'
                        f"</title><link>{base}/</link>{entries}</channel></rss>")
                return self._send(200, body.encode(), "application/rss+xml")
            if self.path.startswith("/news/"):
                key = self.path.split("/")[-1].split(".")[0]
                text = next((t for k, t, _ in items if k == key), None)
                if text is None:
                    return self._send(404, b"", "text/plain")
                html = (f"<html><head><meta charset='utf-8'><title>{key}</title>"
                        f"<meta property='article:published_time' content='2026-03-05'></head>"
                        f"<body><article><p>{text}</p></article></body></html>")
                return self._send(200, html.encode(), "text/html; charset=utf-8")
            if self.path.startswith("/s/vtoraya_liniya"):
                messages = "".join(
                    f'<div class="tgme_widget_message" data-post="vtoraya_liniya/{n}">'
                    f'<div class="tgme_widget_message_text">{text}</div>'
                    f'<a class="tgme_widget_message_date"><time datetime="2026-03-05T09:00:00+00:00"></time></a>'
                    f"</div>" for n, text in posts)
                return self._send(200, f"<html><body>{messages}</body></html>".encode(), "text/html; charset=utf-8")
            return self._send(404, b"", "text/plain")

        def _send(self, status, body, ctype):
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


class Receiver:
    def __init__(self):
        self.status = 200
        self.deliveries = []       # (headers, body bytes)
        self.lock = threading.Lock()


def receiver_handler(receiver: Receiver):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with receiver.lock:
                status = receiver.status
                if status == 200:
                    receiver.deliveries.append((dict(self.headers), body))
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

    return Handler


def serve(handler):
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class Sink:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.content.decode("utf-8", "replace"))
        return "250 OK"


class PortController(Controller):
    def _trigger_server(self):
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


def khronika(*args, cwd, env, **kw):
    return subprocess.run([sys.executable, "-m", "khronika", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=240, **kw)


def environment(extra=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("KHRONIKA_")}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra or {})
    return env


@pytest.fixture()
def world(tmp_path):
    site, receiver = Site(), Receiver()
    site_server, hook_server = serve(site_handler(site)), serve(receiver_handler(receiver))
    yield site, receiver, site_server.server_address[1], hook_server.server_address[1], tmp_path
    site_server.shutdown()
    hook_server.shutdown()


def configure(tmp_path, site_port, hook_port, env):
    base = f"http://127.0.0.1:{site_port}"
    assert khronika("init", "--db", "k.db", cwd=tmp_path, env=env).returncode == 0   # `sources` needs a store
    for url, kind in ((f"{base}/feed.xml", "feed"), (f"{base}/s/vtoraya_liniya", "page")):
        r = khronika("sources", "add", url, "--kind", kind, "--every", "1s", "--local", "--db", "k.db",
                     cwd=tmp_path, env=env)
        assert r.returncode == 0, r.stderr
    r = khronika("rules", "add", "--type", "detained,deportation_ordered", "--webhook",
                 f"http://127.0.0.1:{hook_port}/hook", "--secret", "s3cret", "--db", "k.db", cwd=tmp_path, env=env)
    assert r.returncode == 0, r.stderr


def test_a_new_item_alerts_by_webhook_and_email_with_person_type_date_and_evidence(world):
    site, receiver, site_port, hook_port, tmp_path = world
    sink = Sink()
    smtp = PortController(sink, hostname="127.0.0.1", port=0)
    smtp.start()
    try:
        env = environment({"KHRONIKA_SMTP_HOST": "127.0.0.1", "KHRONIKA_SMTP_PORT": str(smtp.port)})
        configure(tmp_path, site_port, hook_port, env)
        r = khronika("rules", "add", "--person", "Timur Akhmedov", "--email", "lawyer@example.org",
                     "--db", "k.db", cwd=tmp_path, env=env)
        assert r.returncode == 0, r.stderr
        watch = subprocess.Popen([sys.executable, "-m", "khronika", "watch", "--db", "k.db", "--for", "90"],
                                 cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        _wait_for_documents(tmp_path / "k.db", 1)      # models loaded, the old item taken in
        with site.lock:
            site.items.append(("new", NEW_ARTICLE, "Thu, 05 Mar 2026 08:00:00 GMT"))
        deadline = time.time() + 60
        while time.time() < deadline:
            with receiver.lock:
                names = [json.loads(b)["person"]["name"] for _, b in receiver.deliveries]
            if names.count("Тимур Ахмедов") >= 2 and sink.messages:
                break
            time.sleep(0.2)
        watch.send_signal(signal.SIGINT)
        watch.communicate(timeout=60)
    finally:
        smtp.stop()

    new = [(h, b) for h, b in receiver.deliveries if json.loads(b)["person"]["name"] == "Тимур Ахмедов"]
    types = {json.loads(b)["event"]["type"] for _, b in new}
    assert types == {"detained", "deportation_ordered"}
    # Deliveries run concurrently, so their order is not the order of the events.
    headers, body = next((h, b) for h, b in new if json.loads(b)["event"]["type"] == "detained")
    payload = json.loads(body)
    assert payload["event"]["date"] == "2026-03-04"            # "вчера" in an article of 5 March 2026
    assert "задержала Тимура Ахмедова" in payload["event"]["evidence"]
    assert payload["source"]["url"].endswith("/news/new.html")
    assert payload["source"]["captured_at"]
    signed = headers["X-Khronika-Timestamp"].encode() + b"." + body
    expected = "sha256=" + hmac.new(b"s3cret", signed, hashlib.sha256).hexdigest()
    assert headers["X-Khronika-Signature"] == expected
    # The old item was taken in too, but no rule asked for its person's release.
    assert all(json.loads(b)["event"]["type"] in types for _, b in receiver.deliveries)
    mails = [email.message_from_string(m, policy=email.policy.default) for m in sink.messages]
    bodies = [m.get_body(preferencelist=("plain",)).get_content() for m in mails]
    assert any("Тимур Ахмедов" in b and "задержала Тимура Ахмедова" in b for b in bodies)
    assert all(m["To"] == "lawyer@example.org" for m in mails)


def test_a_source_on_loopback_not_marked_local_is_refused_with_a_clear_error(world):
    site, receiver, site_port, hook_port, tmp_path = world
    env = environment()
    assert khronika("init", "--db", "k.db", cwd=tmp_path, env=env).returncode == 0
    r = khronika("sources", "add", f"http://127.0.0.1:{site_port}/feed.xml", "--every", "1s", "--db", "k.db",
                 cwd=tmp_path, env=env)
    assert r.returncode == 0
    r = khronika("watch", "--db", "k.db", "--for", "4", cwd=tmp_path, env=env)
    assert "127.0.0.1 resolves to a private/loopback/link-local address" in r.stderr
    assert f"http://127.0.0.1:{site_port}/feed.xml" in r.stderr


def _wait_for_documents(db, count, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as con:
                if con.execute("select count(*) from documents").fetchone()[0] >= count:
                    return
        except sqlite3.Error:
            pass
        time.sleep(0.2)
    raise AssertionError(f"watch stored fewer than {count} documents in {timeout}s")


def _children(pid: int) -> list[int]:
    """The processes `pid` started (Linux /proc)."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(x) for x in (task / "children").read_text().split()]
    return found


def _gone(pids: list[int], timeout: float) -> bool:
    deadline = time.time() + timeout
    while time.time() < deadline:
        alive = []
        for p in pids:
            with contextlib.suppress(OSError):
                if ") Z " not in Path(f"/proc/{p}/stat").read_text():
                    alive.append(p)
        if not alive:
            return True
        time.sleep(0.2)
    return False


def _outbox(db):
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as con:
        return con.execute("select rule_id, event_id, status from outbox").fetchall()


def test_kill_9_between_fetch_and_delivery_then_every_alert_exactly_once(world):
    site, receiver, site_port, hook_port, tmp_path = world
    env = environment()
    configure(tmp_path, site_port, hook_port, env)
    with site.lock:
        site.items.append(("new", NEW_ARTICLE, "Thu, 05 Mar 2026 08:00:00 GMT"))
        site.posts.append((101, CHANNEL_POST))
    receiver.status = 500                  # deliveries fail: alerts wait in the outbox
    db = tmp_path / "k.db"
    watch = subprocess.Popen([sys.executable, "-m", "khronika", "watch", "--db", "k.db"], cwd=tmp_path, env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    queued = []
    while time.time() < deadline:
        try:
            queued = _outbox(db)
        except sqlite3.Error:
            queued = []
        if len(queued) >= 2:
            break
        time.sleep(0.3)
    workers = _children(watch.pid)
    watch.send_signal(signal.SIGKILL)
    watch.wait(timeout=30)
    try:
        assert workers, "watch runs its extraction in a worker process"
        # The extraction worker ends with its parent, even one killed with -9.
        assert _gone(workers, timeout=15), f"orphaned workers still running: {workers}"
    finally:
        for pid in workers:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
    assert len(queued) >= 2 and all(status != "sent" for *_, status in queued)

    receiver.status = 200
    # Restart twice: the second run must not send anything again.
    for _ in range(2):
        r = khronika("watch", "--db", "k.db", "--for", "8", cwd=tmp_path, env=env)
        assert r.returncode == 0, r.stderr
    rows = _outbox(db)
    delivered = [json.loads(b)["alert_id"] for _, b in receiver.deliveries]
    assert len(delivered) == len(set(delivered)) == len(rows)
    assert all(status == "sent" for *_, status in rows)
    people = {json.loads(b)["person"]["name"] for _, b in receiver.deliveries}
    assert "Тимур Ахмедов" in people
