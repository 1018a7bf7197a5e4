"""Issue 11, the web and network side: login throttling per (account, address),
forwarded headers only from trusted proxies, request body caps before
authentication, only http(s) links, private files, the webhook secret kept off
the command line, timestamped webhook signatures, fec0::/10 as private.

Real parts: SQLite files built by tests/webstore.py, `khronika serve` as a
real process (uvicorn) on a free local port, `khronika rules add` as a
process. Every server started here is stopped in a `finally`.
"""
from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import select
import socket
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import webstore
from fastapi.testclient import TestClient
from webstore import PASSWORD

from khronika.alerts.channels import SIGNATURE_HEADER, TIMESTAMP_HEADER, webhook_request
from khronika.model import Alert, Person, Rule
from khronika.sources.safety import is_public_address
from khronika.store import open_store
from khronika.web import create_app
from khronika.web.auth import LoginThrottle

ROOT = Path(__file__).resolve().parent.parent
MB = 2**20


def environment(extra=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("KHRONIKA_")}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra or {})
    return env


@pytest.fixture()
def world(tmp_path):
    db = tmp_path / "web.db"
    ids = webstore.build(db)
    app = create_app(db)
    yield app, ids, db
    app.state.store.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serving(db: Path, *options: str):
    """`khronika serve` on a free port, as a real process; its base URL."""
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "khronika", "serve", "--db", str(db), "--port", str(port),
                               *options], env=environment(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.time() + 60
        while True:
            if server.poll() is not None:
                raise AssertionError(f"serve exited: {server.stderr.read().decode()}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            if time.time() > deadline:
                raise AssertionError("serve did not start in 60 s")
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=15)
        server.stderr.close()


def api_login(client, username, password=PASSWORD, headers=None):
    return client.post("/api/login", json={"username": username, "password": password}, headers=headers or {})


# ---------------------------------------------------------------- 2. login throttle

def test_failures_from_one_address_never_lock_the_account_for_another(world):
    app, _, _ = world
    attacker = TestClient(app, client=("203.0.113.9", 4000))
    for _ in range(5):
        assert api_login(attacker, "lawyer", "wrong-password").status_code == 401
    refused = api_login(attacker, "lawyer")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    # The real lawyer, elsewhere, logs in at once.
    assert api_login(TestClient(app, client=("198.51.100.20", 5000)), "lawyer").status_code == 200


def test_the_wait_grows_with_every_failure_and_is_capped_at_a_minute(world):
    _, _, db = world
    with open_store(db) as store:
        throttle = LoginThrottle(store)
        keys = throttle.keys("Lawyer ", "203.0.113.9")
        assert keys == throttle.keys("lawyer", "203.0.113.9")
        waits = []
        for _ in range(12):
            throttle.failed(*keys)
            waits.append(throttle.retry_after(*keys))
        assert waits[:4] == [0, 0, 0, 0]
        # 1 s after the fifth failure, doubling, at most a minute (a slow machine may take a second off).
        for wait, expected in zip(waits[4:], [1, 2, 4, 8, 16, 32, 60, 60], strict=True):
            assert expected - 1 <= wait <= expected, waits
        assert waits[5] >= 1 and waits[9] >= 31
        # Only this address waits; the same account from another address does not.
        assert throttle.retry_after(*throttle.keys("lawyer", "198.51.100.20")) == 0
        throttle.succeeded(keys[0])
        assert throttle.retry_after(*keys) == 0


def test_forwarded_for_is_ignored_unless_it_comes_from_a_trusted_proxy(world):
    _, _, db = world
    # The proxy is 10.0.0.1; this client (loopback) is not it: its X-Forwarded-For must not count.
    with serving(db, "--behind-proxy", "--trusted-proxy", "10.0.0.1") as base, httpx.Client(base_url=base) as c:
        for n in range(5):
            r = api_login(c, "monitor", "wrong-password", {"X-Forwarded-For": f"192.0.2.{n + 1}"})
            assert r.status_code == 401
        r = api_login(c, "monitor", "wrong-password", {"X-Forwarded-For": "192.0.2.77"})
        assert r.status_code == 429, "a spoofed X-Forwarded-For escaped the throttle"
    # Loopback as the trusted proxy: the address it forwards is the client's.
    with serving(db, "--trusted-proxy", "127.0.0.1") as base, httpx.Client(base_url=base) as c:
        for _ in range(5):
            assert api_login(c, "admin", "wrong-password", {"X-Forwarded-For": "192.0.2.200"}).status_code == 401
        assert api_login(c, "admin", headers={"X-Forwarded-For": "192.0.2.200"}).status_code == 429
        assert api_login(c, "admin", headers={"X-Forwarded-For": "192.0.2.201"}).status_code == 200


# ---------------------------------------------------------------- 3. body size

def test_a_json_body_over_1_mb_is_refused_before_authentication(world):
    app, _, _ = world
    big = json.dumps({"username": "lawyer", "password": "x" * (2 * MB)})
    r = TestClient(app).post("/api/login", content=big, headers={"Content-Type": "application/json"})
    assert r.status_code == 413
    assert r.headers["x-content-type-options"] == "nosniff"
    # A normal login still works.
    assert api_login(TestClient(app), "lawyer").status_code == 200


def _raw_exchange(base: str, head: str, body_chunks, *, limit_bytes: int, timeout: float = 20.0):
    """Send `head`, then body chunks until the server answers; (answer, bytes sent)."""
    host, port = base.removeprefix("http://").split(":")
    sent = 0
    answer = b""
    with socket.create_connection((host, int(port)), timeout=timeout) as sock:
        sock.sendall(head.encode("latin-1"))
        deadline = time.time() + timeout
        chunks = iter(body_chunks)
        while time.time() < deadline:
            readable, writable, _ = select.select([sock], [sock] if sent < limit_bytes else [], [], 0.5)
            if readable:
                data = sock.recv(65536)
                answer += data
                if not data or b"\r\n\r\n" in answer:
                    break
            elif writable:
                chunk = next(chunks, None)
                if chunk is None:
                    continue
                try:
                    sock.sendall(chunk)
                except OSError:
                    break
                sent += len(chunk)
    return answer, sent


def test_huge_bodies_get_413_without_being_read(world):
    _, ids, db = world
    with serving(db) as base:
        # 300 MB declared: refused at once, before a byte of the body.
        head = ("POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                f"Content-Length: {300 * MB}\r\n\r\n")
        answer, sent = _raw_exchange(base, head, [], limit_bytes=0)
        assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
        # The same for an anonymous multipart upload.
        head = (f"POST /cases/{ids['yulia']}/attachments HTTP/1.1\r\nHost: x\r\n"
                f"Content-Type: multipart/form-data; boundary=b\r\nContent-Length: {300 * MB}\r\n\r\n")
        answer, sent = _raw_exchange(base, head, [], limit_bytes=0)
        assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
        # Chunked, with no length: cut off near the cap, long before 300 MB.
        piece = b"10000\r\n" + b"x" * 0x10000 + b"\r\n"
        head = "POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        answer, sent = _raw_exchange(base, head, (piece for _ in range(300 * 16)), limit_bytes=300 * MB)
        assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
        assert sent < 32 * MB, sent
        # A signed-in lawyer may upload more than 1 MB (up to the upload cap).
        with httpx.Client(base_url=base) as lawyer:
            token = api_login(lawyer, "lawyer").json()["csrf_token"]
            r = lawyer.post(f"/cases/{ids['yulia']}/attachments", headers={"X-CSRF-Token": token},
                            files={"file": ("scan.pdf", b"%PDF" + b"\0" * (3 * MB), "application/pdf")})
            assert r.status_code in (200, 303), r.text[:300]
        with httpx.Client(base_url=base) as anonymous:
            r = anonymous.post(f"/cases/{ids['yulia']}/attachments",
                               files={"file": ("scan.pdf", b"%PDF" + b"\0" * (3 * MB), "application/pdf")})
            assert r.status_code == 413
    with open_store(db) as store:
        sizes = [a["size"] for a in store.case_file(ids["yulia"])["attachments"]]
    assert sizes == [3 * MB + 4]


# ---------------------------------------------------------------- 4. the low ones

def test_only_http_links_are_rendered_as_links(world):
    app, ids, db = world
    with open_store(db) as store:
        person = Person(id="p-aidar", name="Айдар Джумабаев", name_latin="Aidar Dzhumabaev", role="subject")
        bad = {}
        for scheme, url in (("js", "javascript:alert(document.cookie)"), ("data", "data:text/html,<script>1</script>"),
                            ("vb", " JavaScript:alert(1)")):
            doc = webstore._doc(f"evil-{scheme}", f"Полиция задержала Айдара Джумабаева в Оше ({scheme}). Всё.",
                                "2026-04-01", url)
            webstore.add(store, doc, person, f"Полиция задержала Айдара Джумабаева в Оше ({scheme}).",
                         "detained", "2026-04-01", "Ош")
            bad[doc.id] = url
    client = TestClient(app)
    assert api_login(client, "monitor").status_code == 200
    for doc_id, url in bad.items():
        page = client.get(f"/documents/{doc_id}").text
        assert "Джумабаев" in page
        assert f'href="{url.strip()}' not in page and "href=\"javascript:" not in page.lower()
        assert 'href="data:' not in page
    search = client.get("/search", params={"q": "Джумабаева"}).text
    assert all(doc_id in search for doc_id in bad)
    assert "javascript:" not in search.lower().replace("javascript:alert(document.cookie)", "")
    assert 'href="javascript' not in search.lower() and 'href="data:' not in search
    good = client.get(f"/documents/{ids['documents'][0]}").text
    assert 'href="https://news.example/kz-1"' in good
    person_page = client.get(f"/persons/{person.id}").text
    assert 'href="javascript' not in person_page.lower() and 'href=" javascript' not in person_page.lower()


def test_a_new_database_and_its_wal_are_readable_by_the_owner_only(tmp_path):
    old = os.umask(0o022)
    try:
        with open_store(tmp_path / "new.db") as store:
            store.add_user("someone", "x" * 20, "viewer")
            files = [p for p in tmp_path.iterdir() if p.name.startswith("new.db")]
            assert {p.name for p in files} >= {"new.db", "new.db-wal"}
            for path in files:
                assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    finally:
        os.umask(old)


def _rules(db):
    with sqlite3.connect(db) as con:
        return dict(con.execute("select id, secret from rules"))


def test_the_webhook_secret_comes_from_the_environment_or_stdin_not_the_command_line(tmp_path):
    def rules_add(*args, env=None, stdin=None):
        return subprocess.run([sys.executable, "-m", "khronika", "rules", "add", "--db", "k.db", *args],
                              cwd=tmp_path, env=environment(env), input=stdin, capture_output=True, text=True,
                              timeout=120)
    open_store(tmp_path / "k.db").close()             # `rules add` works on an existing store only
    r = rules_add("--webhook", "https://hooks.example/a", "--secret-env", "HOOK_KEY", env={"HOOK_KEY": "k-env"})
    assert r.returncode == 0, r.stderr
    r = rules_add("--webhook", "https://hooks.example/b", "--secret-stdin", stdin="k-stdin\n")
    assert r.returncode == 0, r.stderr
    r = rules_add("--webhook", "https://hooks.example/c", "--secret", "k-argv")
    assert r.returncode == 0 and "deprecated" in r.stderr
    r = rules_add("--webhook", "https://hooks.example/d", "--secret-env", "NOT_SET_ANYWHERE")
    assert r.returncode != 0 and "NOT_SET_ANYWHERE" in r.stderr
    assert sorted(_rules(tmp_path / "k.db").values()) == ["k-argv", "k-env", "k-stdin"]


def test_khronika_toml_holding_a_secret_is_written_owner_only(tmp_path):
    config = tmp_path / "khronika.toml"
    config.write_text('[telegram]\ntoken = "123:abc"\n', encoding="utf-8")
    config.chmod(0o644)
    open_store(tmp_path / "k.db").close()
    for args in (("sources", "add", "https://news.example/rss.xml"), ("sources", "export", "khronika.toml")):
        r = subprocess.run([sys.executable, "-m", "khronika", *args, "--db", "k.db"],
                           cwd=tmp_path, env=environment(), capture_output=True, text=True, timeout=120)
        assert r.returncode == 0, r.stderr
    assert "https://news.example/rss.xml" in config.read_text(encoding="utf-8")
    assert 'token = "123:abc"' in config.read_text(encoding="utf-8")
    assert stat.S_IMODE(config.stat().st_mode) == 0o600


def test_the_webhook_signature_covers_a_timestamp():
    rule = Rule(id="r1", channel="webhook", target="https://hooks.example/", secret="s3cret")
    sent = Alert(rule_id="r1", event_id="e1", person_id="p", person="Юлия Емельянова", person_latin="Yulia",
                 type="detained", date="2026-01", place="Алматы", evidence="…", source_url=None,
                 captured_at=None, document_id="d")
    body, headers = webhook_request(rule, sent, 7, now=1_760_000_000.7)
    assert headers[TIMESTAMP_HEADER] == "1760000000"
    expected = "sha256=" + hmac.new(b"s3cret", b"1760000000." + body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers[SIGNATURE_HEADER], expected)
    # A replay with a later timestamp does not verify with the old signature.
    _, later = webhook_request(rule, sent, 7, now=1_760_000_600)
    assert later[SIGNATURE_HEADER] != headers[SIGNATURE_HEADER]
    assert "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest() != headers[SIGNATURE_HEADER]


@pytest.mark.parametrize("address", ["fec0::1", "fec0:1234::5", "feff:ffff::1", "::ffff:10.0.0.1"])
def test_site_local_ipv6_is_not_public(address):
    assert not is_public_address(address)
