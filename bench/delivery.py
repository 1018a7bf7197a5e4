"""Exactly-once alert delivery from two deliverers on one database, with a kill -9.

    python bench/delivery.py [--db URL] [--alerts 120] [--latency-ms 10]

Two watcher processes run the delivery loop of `khronika watch`
(`Watch._deliver_loop`: `deliver_due` over the persistent outbox) against one database (a fresh
SQLite file by default; `--db postgresql://...` for a server, whose outbox
is emptied first). The alerts are put into the outbox through the store
API, for a webhook rule pointing at a local receiver that answers every POST
with 200 after `--latency-ms` and counts posts per `Idempotency-Key`. Midway
one watcher is killed with -9 and started again.

- `posts`: POSTs received; `alerts`: alerts queued;
- `repeats`: posts of a key already received;
- `crash_repeats`: repeats explained by the kill: a key the killed process
  had posted (and could not record as sent) posted once more by another;
- `duplicates` = repeats - crash_repeats: a repeat no crash explains;
- `lost`: alerts whose key never arrived, or left pending or failed.

The last line: posts=P alerts=A repeats=R crash_repeats=C duplicates=D lost=L.
Target: duplicates=0 lost=0.
"""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# A watcher: the delivery loop of `khronika watch` (Watch._deliver_loop) until the
# outbox is empty, its HTTP client tagged with its name so the receiver knows who posted.
WATCHER = """
import asyncio, os, sys, time
import httpx
from khronika.store import open_store
from khronika.watch import Watch

db, name, go = sys.argv[1:4]
_init = httpx.AsyncClient.__init__

def tagged(self, *args, **kwargs):      # only so the receiver can tell who posted
    kwargs["headers"] = {**(kwargs.get("headers") or {}), "X-Bench-Watcher": name}
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


class Receiver:
    """A local webhook receiver: (watcher, Idempotency-Key, X-Khronika-Delivery) per POST."""

    def __init__(self, latency_s: float = 0.0):
        self.posts: list[tuple[str, str, str]] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver.lock:
                    receiver.posts.append((self.headers.get("X-Bench-Watcher", "?"),
                                           self.headers.get("Idempotency-Key", ""),
                                           self.headers.get("X-Khronika-Delivery", "")))
                if latency_s:
                    time.sleep(latency_s)
                try:
                    self.send_response(200)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")
                except OSError:         # the watcher was killed while we answered
                    pass

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


def make_alerts(n: int, rule_id: str = "bench"):
    from khronika.model import Alert
    return [Alert(rule_id=rule_id, event_id=f"ev-{i:05}", person_id=f"p-{i:05}",
                  person=f"Тимур Ахмедов-{i}", person_latin=f"Timur Akhmedov-{i}", type="detained",
                  date="2026-03", place="Алматы", evidence="Полиция в Алматы задержала Тимура Ахмедова.",
                  source_url=f"https://news.example/{i}", captured_at="2026-03-05T08:00:00+00:00",
                  document_id=f"doc-{i:05}") for i in range(n)]


def prepare(db: str, receiver_url: str, n: int) -> set[str]:
    """An outbox of `n` alerts for one webhook rule; their idempotency keys."""
    import sqlalchemy as sa

    from khronika.alerts.channels import alert_id
    from khronika.model import Rule
    from khronika.store import open_store
    from khronika.store import schema as tables
    alerts = make_alerts(n)
    with open_store(db) as store:
        with store._writing() as connection:          # a server database: start from an empty outbox
            connection.execute(sa.delete(tables.outbox).where(tables.outbox.c.rule_id == "bench"))
        store.add_rule(Rule(id="bench", channel="webhook", target=receiver_url))
        assert store.enqueue_alerts(alerts) == n
    return {alert_id(a) for a in alerts}


def outbox_left(db: str) -> int:
    from khronika.store import open_store
    with open_store(db) as store:
        counts = store.outbox_counts()
    return counts["pending"] + counts["failed"]


def start(db: str, name: str, go: Path) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    return subprocess.Popen([sys.executable, "-c", WATCHER, db, name, str(go)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def run(db: str, n: int = 120, latency_s: float = 0.01, kill_at: float | None = 0.5,
        timeout_s: float = 120.0) -> dict:
    """Two watchers deliver `n` alerts; one is killed -9 after `kill_at` of them
    arrived (None: no kill) and restarted. Returns the figures of the last line."""
    workdir = Path(tempfile.mkdtemp(prefix="khronika-delivery-"))
    go = workdir / "go"
    children: list[subprocess.Popen] = []
    with Receiver(latency_s) as receiver:
        keys = prepare(db, receiver.url, n)
        try:
            children += [start(db, "a", go), start(db, "b", go)]
            go.touch()
            deadline = time.monotonic() + timeout_s
            if kill_at is not None:
                while len(receiver.posts) < n * kill_at and time.monotonic() < deadline:
                    if children[0].poll() is not None:
                        raise RuntimeError("watcher a ended before the kill: " + children[0].stderr.read())
                    time.sleep(0.001)
                children[0].send_signal(signal.SIGKILL)
                children[0].wait(timeout=30)
                children.append(start(db, "a2", go))
            for child in children[1:]:
                child.wait(timeout=max(1.0, deadline - time.monotonic()))
                if child.returncode != 0:
                    raise RuntimeError(f"watcher failed: {child.stderr.read()}")
        finally:
            for child in children:
                if child.poll() is None:
                    child.kill()
                    child.wait(timeout=30)
                for stream in (child.stdout, child.stderr):
                    stream.close()
        with receiver.lock:
            posts = list(receiver.posts)
    by_key: dict[str, list[str]] = {}
    for watcher, key, _delivery in posts:
        by_key.setdefault(key, []).append(watcher)
    repeats = len(posts) - len(by_key)
    # A kill between a receiver's 200 and the commit of 'sent' repeats that alert
    # once, from another process: the receiver drops it by key.
    crash_repeats = sum(1 for watchers in by_key.values()
                        if len(watchers) == 2 and watchers[0] == "a" and watchers[1] != "a")
    lost = len(keys - set(by_key)) + outbox_left(db)
    return dict(posts=len(posts), alerts=n, repeats=repeats, crash_repeats=crash_repeats,
                duplicates=repeats - crash_repeats, lost=lost,
                per_watcher=dict(Counter(watcher for watcher, _, _ in posts)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="database URL or SQLite path (default: a fresh SQLite file)")
    parser.add_argument("--alerts", type=int, default=120)
    parser.add_argument("--latency-ms", type=float, default=10.0)
    args = parser.parse_args()
    db = args.db or str(Path(tempfile.mkdtemp(prefix="khronika-delivery-")) / "k.db")
    started = time.monotonic()
    figures = run(db, args.alerts, args.latency_ms / 1000)
    print(f"posts by watcher: {figures.pop('per_watcher')}; {time.monotonic() - started:.1f} s", file=sys.stderr)
    print(" ".join(f"{key}={value}" for key, value in figures.items()))
    return 0 if figures["duplicates"] == 0 and figures["lost"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
