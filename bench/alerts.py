"""Alert latency and ingest throughput of `khronika watch`, all on loopback.

    python bench/alerts.py [--sources 200] [--seconds 60] [--every 1]

A local HTTP server serves N RSS feeds. During the live phase each feed
publishes items at random moments (each item links to a short Russian
article reporting a detention of a different, generated person); a local
webhook receiver records when each alert arrives. Latency = receipt time -
publication time (the moment the item appears in its feed). Then a burst
phase publishes a batch at once, a quarter of it syndicated copies of other
items under other URLs, and measures ingest throughput with dedup on.

The last line is machine-readable: alert_p50_s=A alert_p95_s=B items_per_s=C.
Target: p95 <= 2.0 s with 1 s polling.
"""
from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import random
import statistics
import sys
import tempfile
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FIRST = ["Алексей", "Дмитрий", "Игорь", "Олег", "Павел", "Руслан", "Сергей", "Тимур", "Фёдор", "Юрий",
         "Анна", "Вера", "Дарья", "Ирина", "Ксения", "Мария", "Наталья", "Ольга", "Светлана", "Юлия"]
SURNAMES = ["Абрамов", "Белов", "Волков", "Гусев", "Дьячков", "Ершов", "Жуков", "Зайцев", "Ильин", "Карпов",
            "Лебедев", "Морозов", "Носов", "Орлов", "Панов", "Рябов", "Соколов", "Тихонов", "Уткин", "Фомин",
            "Харитонов", "Цветков", "Чернов", "Шилов", "Щукин", "Яковлев", "Гаврилов", "Киселёв", "Мельников",
            "Никитин"]
CITIES = ["Алматы", "Астане", "Бишкеке", "Ереване", "Тбилиси", "Ташкенте", "Белграде", "Стамбуле"]


def person_name(n: int) -> tuple[str, str]:
    first = FIRST[n % len(FIRST)]
    surname = SURNAMES[(n // len(FIRST)) % len(SURNAMES)] + ("" if n < len(FIRST) * len(SURNAMES) else "ский")
    if FIRST.index(first) >= 10:                       # the second half are women's names
        surname = surname + "а" if surname.endswith(("ов", "ёв", "ев", "ин")) else surname
    return first, surname


def article_text(n: int) -> str:
    first, surname = person_name(n)
    city = CITIES[n % len(CITIES)]
    woman = FIRST.index(first) >= 10
    who = "была задержана гражданка" if woman else "был задержан гражданин"
    return (f"Вчера в {city} {who} России {first} {surname}. По данным правозащитников, в России "
            f"против {'неё' if woman else 'него'} возбудили уголовное дело. Материал № {n}.")


class Feeds:
    """What the feed server publishes: items become visible at their publication time."""

    def __init__(self, count: int):
        self.count = count
        self.lock = threading.Lock()
        self.items: dict[int, list[tuple[float, str, str]]] = {i: [] for i in range(count)}   # (t, id, text)
        self.published: dict[str, float] = {}      # article path -> publication time

    def schedule(self, feed: int, at: float, item_id: str, text: str) -> None:
        with self.lock:
            self.items[feed].append((at, item_id, text))

    def visible(self, feed: int, now: float) -> list[tuple[float, str, str]]:
        with self.lock:
            return [it for it in self.items[feed] if it[0] <= now]


def make_feed_server(feeds: Feeds, port_box: list):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            now = time.time()
            parts = self.path.strip("/").split("/")
            if parts[0] == "robots.txt":
                return self._send(200, b"User-agent: *\nAllow: /\n", "text/plain")
            if parts[0] == "feed":
                feed = int(parts[1].split(".")[0])
                items = feeds.visible(feed, now)
                etag = '"' + hashlib.sha1("|".join(i[1] for i in items).encode()).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag:
                    return self._send(304, b"", "application/rss+xml", {"ETag": etag})
                for at, item_id, _ in items:
                    feeds.published.setdefault(f"/article/{item_id}.html", at)
                base = f"http://127.0.0.1:{port_box[0]}"
                entries = "".join(
                    f"<item><title>Новость {item_id}</title><link>{base}/article/{item_id}.html</link>"
                    f"<guid>{base}/article/{item_id}.html</guid><pubDate>{formatdate(at)}</pubDate></item>"
                    for at, item_id, _ in items)
                body = (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
                        f"<title>Лента {feed}</title><link>{base}/</link>{entries}</channel></rss>").encode()
                return self._send(200, body, "application/rss+xml", {"ETag": etag})
            if parts[0] == "article":
                item_id = parts[1].split(".")[0]
                text = feeds.text_of.get(item_id)
                if text is None:
                    return self._send(404, b"not found", "text/plain")
                html = (f"<html><head><meta charset='utf-8'><title>Новость {item_id}</title></head><body>"
                        f"<article><h1>Задержание</h1><p>{text}</p></article></body></html>").encode()
                return self._send(200, html, "text/html; charset=utf-8")
            return self._send(404, b"not found", "text/plain")

        def _send(self, status, body, ctype, headers=None):
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            if body:
                self.wfile.write(body)

    return Handler


def make_receiver(received: list, lock: threading.Lock):
    class Receiver(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            at = time.time()
            with lock:
                received.append((at, json.loads(body)))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

    return Receiver


def serve(handler) -> tuple[ThreadingHTTPServer, int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_address[1]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def serve_site(schedule: list, received_path: str, ports, ready) -> None:
    """The 'remote' side, in its own process: the feeds and the webhook receiver.

    `schedule` is [(feed, publication time, item id, text)], fixed in advance, so
    this process needs nothing more from the parent."""
    feeds = Feeds(max(f for f, *_ in schedule) + 1)
    feeds.text_of = {}
    for feed, at, item_id, text in schedule:
        feeds.schedule(feed, at, item_id, text)
        feeds.text_of[item_id] = text
    port_box = [0]
    feed_server, port = serve(make_feed_server(feeds, port_box))
    port_box[0] = port
    out = open(received_path, "a", encoding="utf-8")
    lock = threading.Lock()

    class Sink(list):
        def append(self, entry):
            at, payload = entry
            line = json.dumps({"at": at, "url": payload["source"]["url"]})
            out.write(line + "\n")
            out.flush()

    receiver, rport = serve(make_receiver(Sink(), lock))
    ports[0], ports[1] = port, rport
    ready.set()
    while True:
        time.sleep(3600)


async def run(args) -> int:
    import multiprocessing

    from khronika.model import Rule, SourceConfig
    from khronika.store import open_store
    from khronika.watch import Watch

    rng = random.Random(7)
    warmup_s = 12.0
    t0 = time.time() + warmup_s
    schedule = []
    live_at = {}
    for feed in range(args.sources):
        at = t0 + rng.uniform(0, args.seconds)
        schedule.append((feed, at, f"live{feed}", article_text(feed)))
        live_at[f"live{feed}"] = at
    # Burst: many items at once, every 4th a syndicated copy of the previous one (same
    # story, another URL and a reprint line): dedup must link it, not alert again.
    t_burst = t0 + args.seconds + 10
    base = 10_000
    for k in range(args.sources):
        n = base + k if k % 4 else base + k - 1
        text = article_text(n) + ("" if k % 4 else " Перепечатка: агентство «Запад».")
        schedule.append((k % args.sources, t_burst, f"burst{k}", text))

    workdir = Path(tempfile.mkdtemp(prefix="khronika-bench-"))
    received_path = workdir / "received.jsonl"
    ctx = multiprocessing.get_context("fork")
    ports, ready = ctx.Array("i", 2), ctx.Event()
    site = ctx.Process(target=serve_site, args=(schedule, str(received_path), ports, ready), daemon=True)
    site.start()
    ready.wait(30)
    port, rport = ports[0], ports[1]

    store = open_store(str(workdir / "bench.db"))
    store.add_rule(Rule(id="r-bench", channel="webhook", target=f"http://127.0.0.1:{rport}/hook",
                        types=["detained"], secret="bench"))
    sources = [SourceConfig(url=f"http://127.0.0.1:{port}/feed/{i}.xml", kind="feed", every_s=args.every,
                            local=True, robots=False) for i in range(args.sources)]
    for s in sources:
        store.upsert_source(s)
    # All the bench's feeds share one host (127.0.0.1): let it take more requests at once.
    watch = Watch(store, sources, per_host=32)
    stop = asyncio.Event()
    task = asyncio.create_task(watch.run(stop=stop))
    while watch.stats.polls < args.sources and time.time() < t0:
        await asyncio.sleep(0.2)
    print(f"bench: {args.sources} sources polling every {args.every:g}s; all polled once "
          f"{warmup_s - (t0 - time.time()):.1f}s after start", file=sys.stderr)

    def receipts() -> dict[str, float]:
        got: dict[str, float] = {}
        if received_path.exists():
            for line in received_path.read_text(encoding="utf-8").splitlines():
                entry = json.loads(line)
                item_id = entry["url"].rsplit("/", 1)[-1].split(".")[0]
                got.setdefault(item_id, entry["at"])
        return got

    while time.time() < t0 + args.seconds + 8:
        if all(i in receipts() for i in live_at):
            break
        await asyncio.sleep(0.5)
    while time.time() < t_burst:
        await asyncio.sleep(0.05)
    items_before = watch.stats.items
    while watch.stats.items - items_before < args.sources and time.time() - t_burst < 120:
        await asyncio.sleep(0.05)
    burst_s = time.time() - t_burst
    burst_items = watch.stats.items - items_before

    stop.set()
    stats = await task
    site.terminate()
    got = receipts()
    latencies = [got[i] - at for i, at in live_at.items() if i in got]
    missing = len(live_at) - len(latencies)
    items_per_s = burst_items / burst_s if burst_s else 0.0
    print(f"live phase: {len(live_at)} items over {args.seconds:g}s on {args.sources} feeds polled every "
          f"{args.every:g}s; alerts received {len(latencies)} (missing {missing})")
    if latencies:
        print(f"latency publication -> webhook: p50 {statistics.median(latencies):.2f}s, "
              f"p95 {percentile(latencies, 0.95):.2f}s, max {max(latencies):.2f}s")
    print(f"burst: {burst_items} items ({stats.exact_duplicates} exact repeats, {stats.near_duplicates} "
          f"near-duplicates overall) in {burst_s:.1f}s -> {items_per_s:.1f} items/s; polls {stats.polls}, "
          f"poll errors {stats.errors}")
    p50 = statistics.median(latencies) if latencies else float("nan")
    p95 = percentile(latencies, 0.95) if latencies else float("nan")
    print(f"alert_p50_s={p50:.2f} alert_p95_s={p95:.2f} items_per_s={items_per_s:.1f}")
    store.close()
    return 0 if not missing else 1


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sources", type=int, default=200)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--every", type=float, default=1.0)
    args = ap.parse_args(argv)
    return asyncio.run(run(args))


if __name__ == "__main__":
    sys.exit(main())
