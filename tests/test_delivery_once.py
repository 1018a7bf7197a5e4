"""Exactly-once delivery from several processes on one database (issue 12).

Real parts only: SQLite files, child processes running the outbox delivery
loop, a local webhook receiver that records who posted which
Idempotency-Key, a local SMTP server (aiosmtpd) for deadline reminders."""
from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from khronika.alerts.channels import alert_id
from khronika.model import Alert, Rule
from khronika.store import open_store

ROOT = Path(__file__).resolve().parents[1]
ENV = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))

# The delivery loop of `khronika watch` (Watch._deliver_loop), until the outbox is empty.
DELIVERER = """
import asyncio, os, sys, time
import httpx
from khronika.store import open_store
from khronika.watch import Watch

db, name, go = sys.argv[1:4]
_init = httpx.AsyncClient.__init__

def tagged(self, *args, **kwargs):      # only so the receiver can tell who posted
    kwargs["headers"] = {**(kwargs.get("headers") or {}), "X-Test-Deliverer": name}
    _init(self, *args, **kwargs)
httpx.AsyncClient.__init__ = tagged

async def main():
    with open_store(db) as store:
        while not os.path.exists(go):
            time.sleep(0.005)
        watch = Watch(store, [], delivery_interval_s=0.02)
        stop = asyncio.Event()

        async def until_delivered():
            while store.outbox_counts()["pending"]:
                await asyncio.sleep(0.05)
            stop.set()
        await asyncio.gather(watch._deliver_loop(stop), until_delivered())
        watch._extractor.shutdown(wait=True)
        print(watch.stats.alerts_sent, flush=True)

asyncio.run(main())
"""

# Deadline reminders as `khronika reminders` sends them, started on a signal file.
REMINDER_RUN = """
import datetime as dt, os, sys, time
from khronika.alerts.channels import SmtpSettings
from khronika.alerts.reminders import send_due_reminders
from khronika.store import open_store

db, port, go = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open_store(db) as store:
    while not os.path.exists(go):
        time.sleep(0.005)
    settings = SmtpSettings(host="127.0.0.1", port=port, sender="khronika@example.org")
    sent, errors = send_due_reminders(store, dt.date(2026, 11, 30), settings)
    print(sent, len(errors), flush=True)
"""


class Receiver:
    """Records (deliverer, Idempotency-Key, X-Khronika-Delivery) per POST; answers 200 after `latency_s`."""

    def __init__(self, latency_s: float = 0.01):
        self.posts: list[tuple[str, str, str]] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver.lock:
                    receiver.posts.append((self.headers.get("X-Test-Deliverer", "?"),
                                           self.headers.get("Idempotency-Key", ""),
                                           self.headers.get("X-Khronika-Delivery", "")))
                time.sleep(latency_s)
                with contextlib.suppress(OSError):      # a deliverer killed meanwhile
                    self.send_response(200)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/hook"

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


@contextlib.contextmanager
def children():
    """Started child processes; every one is killed and reaped at the end, even on failure."""
    started: list[subprocess.Popen] = []
    try:
        yield started
    finally:
        for child in started:
            if child.poll() is None:
                child.kill()
            child.wait(timeout=30)
            for stream in (child.stdout, child.stderr):
                if stream:
                    stream.close()


def spawn(started: list, script: str, *args) -> subprocess.Popen:
    child = subprocess.Popen([sys.executable, "-c", script, *map(str, args)], env=ENV,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    started.append(child)
    return child


def finish(child: subprocess.Popen, timeout: float = 120) -> str:
    out, err = child.communicate(timeout=timeout)
    assert child.returncode == 0, err
    return out


def alerts(n: int) -> list[Alert]:
    return [Alert(rule_id="hook", event_id=f"e{i:04}", person_id=f"p{i}", person=f"Тимур Ахмедов {i}",
                  person_latin=f"Timur Akhmedov {i}", type="detained", date="2026-03", place="Алматы",
                  evidence="Полиция в Алматы задержала Тимура Ахмедова.", source_url=f"https://n.example/{i}",
                  captured_at="2026-03-05T08:00:00+00:00", document_id=f"d{i}") for i in range(n)]


def queue(db: Path, url: str, n: int) -> set[str]:
    with open_store(db) as store:
        store.add_rule(Rule(id="hook", channel="webhook", target=url))
        queued = alerts(n)
        assert store.enqueue_alerts(queued) == n
    return {alert_id(a) for a in queued}


pytestmark = pytest.mark.sqlite_only


def test_two_deliverers_post_each_alert_exactly_once(tmp_path):
    db, go = tmp_path / "k.db", tmp_path / "go"
    with Receiver() as receiver, children() as started:
        keys = queue(db, receiver.url, 120)
        a = spawn(started, DELIVERER, db, "a", go)
        b = spawn(started, DELIVERER, db, "b", go)
        go.touch()                                   # both start delivering at once
        sent = [int(finish(a)), int(finish(b))]
    per_key = Counter(key for _, key, _ in receiver.posts)
    assert set(per_key) == keys                      # none lost
    assert max(per_key.values()) == 1 and len(receiver.posts) == 120   # none twice
    assert sum(sent) == 120 and min(sent) > 0, sent  # both delivered a share
    # The delivery id is the outbox row: one per key.
    assert len({(key, delivery) for _, key, delivery in receiver.posts}) == 120
    with open_store(db) as store:
        assert store.outbox_counts() == {"pending": 0, "sent": 120, "failed": 0}
        assert all(row["claimed_by"] is None for row in store.outbox_rows())


def test_a_deliverer_killed_midway_loses_nothing_and_repeats_only_its_in_flight_alerts(tmp_path):
    db, go = tmp_path / "k.db", tmp_path / "go"
    with Receiver(latency_s=0.02) as receiver, children() as started:
        keys = queue(db, receiver.url, 120)
        victim = spawn(started, DELIVERER, db, "a", go)
        other = spawn(started, DELIVERER, db, "b", go)
        go.touch()
        deadline = time.monotonic() + 60
        while sum(1 for who, _, _ in receiver.posts if who == "a") < 20 and time.monotonic() < deadline:
            assert victim.poll() is None, victim.stderr.read()
            time.sleep(0.001)
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=30)
        restarted = spawn(started, DELIVERER, db, "a2", go)
        finish(other)
        finish(restarted)
    by_key: dict[str, list[str]] = {}
    for who, key, _ in receiver.posts:
        by_key.setdefault(key, []).append(who)
    assert set(by_key) == keys                       # none lost
    repeated = {key: who for key, who in by_key.items() if len(who) > 1}
    # A repeat only of what the killed process had in flight (at most its
    # concurrency, 16), once, by another process, under the same key.
    assert len(repeated) <= 16, repeated
    assert all(len(who) == 2 and who[0] == "a" and who[1] != "a" for who in repeated.values()), repeated
    with open_store(db) as store:
        assert store.outbox_counts() == {"pending": 0, "sent": 120, "failed": 0}


def test_claims_are_exclusive_expire_and_pass_from_a_dead_owner(tmp_path):
    db = tmp_path / "k.db"
    with open_store(db) as first, open_store(db) as second:
        first.add_rule(Rule(id="hook", channel="webhook", target="http://127.0.0.1:9/"))
        first.enqueue_alerts(alerts(6))
        now = time.time()
        mine = first.claim_alerts("me", now, 4, lease_s=30)
        theirs = second.claim_alerts("them", now, 10, lease_s=30)
        assert len(mine) == 4 and len(theirs) == 2
        assert not {row[0] for row in mine} & {row[0] for row in theirs}
        assert second.claim_alerts("them", now, 10, lease_s=30) == []
        taken = mine[0][0]
        assert not second.confirm_claim(taken, "them", now, lease_s=30)
        assert first.confirm_claim(taken, "me", now, lease_s=30)
        # The lease ran out: another deliverer takes the rows; the first may no longer send.
        later = now + 31
        again = second.claim_alerts("them", later, 10, lease_s=30)
        assert {row[0] for row in again} == {row[0] for row in mine + theirs}
        assert not first.confirm_claim(taken, "me", later, lease_s=30)
        first.mark_failed(taken, "HTTP 500", later + 5, owner="me")     # not ours any more: no effect
        assert second.confirm_claim(taken, "them", later, lease_s=30)
        second.mark_sent(taken)
        assert not second.confirm_claim(taken, "them", later, lease_s=30)
        # A claim of a process of this host that is gone passes at once, lease or not.
        from khronika.store.watch import deliverer_id
        script = "from khronika.store.watch import deliverer_id; print(deliverer_id())"
        dead = subprocess.run([sys.executable, "-c", script], env=ENV, capture_output=True, text=True,
                              check=True).stdout.strip()
        assert dead.split(":")[1] != str(os.getpid()) and dead != deliverer_id()
        held = second.claim_alerts(dead, later + 31, 10, lease_s=3600)
        assert len(held) == 5
        assert second.claim_alerts("them", later + 32, 10, lease_s=30) != []   # not after an hour
        assert first.claim_alerts("me", later + 33, 10, lease_s=30) == []      # "them" is alive


def test_overlapping_reminder_runs_send_each_reminder_once(tmp_path):
    """Two `khronika reminders` runs at once (cron overlapping the watcher's
    hourly pass): each lawyer gets each deadline's reminder once."""
    import webstore
    from aiosmtpd.controller import Controller

    class Sink:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):
            await asyncio.sleep(0.05)  # a slow server: the runs overlap
            self.messages.append((tuple(envelope.rcpt_tos), envelope.content.decode("utf-8", "replace")))
            return "250 OK"

    class PortZeroController(Controller):
        def _trigger_server(self):
            self.port = self.server.sockets[0].getsockname()[1]
            super()._trigger_server()

    db, go = tmp_path / "k.db", tmp_path / "go"
    ids = webstore.build(db)
    with open_store(db) as store:
        store.assign_lawyer(ids["yulia"], ids["lawyer"], "admin")
        deadlines = [store.add_deadline(ids["yulia"], f"appeal {n}", "2026-12-02", "lawyer", remind_days=3)
                     for n in range(8)]
    sink = Sink()
    controller = PortZeroController(sink, hostname="127.0.0.1", port=0)
    controller.start()
    try:
        with children() as started:
            runs = [spawn(started, REMINDER_RUN, db, controller.port, go) for _ in range(2)]
            go.touch()
            outputs = [finish(run).split() for run in runs]
    finally:
        controller.stop()
    assert sum(int(sent) for sent, _ in outputs) == 8 and all(errors == "0" for _, errors in outputs)
    message_ids = Counter(next(line for line in body.splitlines() if line.lower().startswith("message-id"))
                          for _, body in sink.messages)
    assert len(message_ids) == 8 and set(message_ids.values()) == {1}
    assert {recipients for recipients, _ in sink.messages} == {("lawyer@example.org",)}
    with open_store(db) as store:
        assert store.due_reminders(dt.date(2026, 11, 30)) == []
        assert all(store.reminders_sent(d, "2026-12-02") == {"lawyer@example.org"} for d in deadlines)


def test_a_failed_reminder_is_retried_only_to_the_address_that_did_not_take_it(tmp_path):
    import webstore

    from khronika.alerts.channels import SmtpSettings
    from khronika.alerts.reminders import send_due_reminders
    from khronika.store.watch import deliverer_id
    db = tmp_path / "k.db"
    ids = webstore.build(db)
    with open_store(db) as store:
        store.assign_lawyer(ids["yulia"], ids["lawyer"], "admin")
        deadline = store.add_deadline(ids["yulia"], "appeal", "2026-12-02", "lawyer", remind_days=3)
        # The address took the reminder in an earlier run that died before marking the deadline.
        assert store.claim_reminder(deadline, "2026-12-02", "lawyer@example.org", deliverer_id(), lease_s=60)
        store.settle_reminder(deadline, "2026-12-02", "lawyer@example.org", deliverer_id(), sent=True)
        assert store.due_reminders(dt.date(2026, 11, 30))
        # Nothing listens on port 9: any send would fail with an error.
        settings = SmtpSettings(host="127.0.0.1", port=9, sender="khronika@example.org", timeout_s=2)
        assert send_due_reminders(store, dt.date(2026, 11, 30), settings) == (0, [])
        assert store.due_reminders(dt.date(2026, 11, 30)) == []
