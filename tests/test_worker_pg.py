"""`khronika worker` (team mode, procrastinate) end to end, as real processes
on a real PostgreSQL server (tests/pgserver.py), with a local news site and a
local webhook receiver (the ones of tests/test_watch.py):

- two workers on one database: each source polled, each document stored
  once, each alert delivered once; never two pending polls of one source
  (the queueing lock);
- a worker killed with -9 in the middle of a poll: the sweeper of the worker
  started after it puts that very job back in the queue, and it completes.

The test starts its own server (the session's `pg_server`), so it runs in the
SQLite half of `make test` like tests/test_postgres.py; it is not in the
Makefile's PG_TESTS (that list reruns store tests with every store mapped to
PostgreSQL, which this test does not need).
"""
from __future__ import annotations

import contextlib
import json
import signal
import subprocess
import sys
import threading
import time

import pytest
import sqlalchemy as sa
from test_watch import (
    CHANNEL_POST,
    NEW_ARTICLE,
    Receiver,
    Site,
    environment,
    khronika,
    receiver_handler,
    serve,
    site_handler,
)

pytest.importorskip("procrastinate")

STALL_S = 3


def worker_env():
    return environment({"KHRONIKA_WORKER_STALL_S": str(STALL_S), "KHRONIKA_WORKER_SCHEDULE_S": "1"})


def start_worker(url, tmp_path, name):
    with open(tmp_path / f"{name}.log", "w") as log:
        process = subprocess.Popen([sys.executable, "-m", "khronika", "worker", "--db", url, "--concurrency", "1"],
                                   cwd=tmp_path, env=worker_env(), stdout=log, stderr=subprocess.STDOUT)
    process.log_path = tmp_path / f"{name}.log"
    return process


def stop(processes):
    """Every process started here, and the extraction processes under it, ends."""
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)         # a graceful stop: the running job finishes
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)


def wait_for(condition, timeout, what, processes=()):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = condition()
        if value:
            return value
        for process in processes:
            if process.poll() is not None:
                raise AssertionError(f"a worker exited ({process.returncode}):\n"
                                     + process.log_path.read_text()[-3000:])
        time.sleep(0.3)
    logs = "".join(p.log_path.read_text()[-2000:] for p in processes)
    raise AssertionError(f"timed out waiting for {what}\n{logs}")


def query(engine, sql, **params):
    with engine.connect() as connection:
        return connection.execute(sa.text(sql), params).all()


@pytest.fixture()
def world(tmp_path):
    site, receiver = Site(), Receiver()
    site_server, hook_server = serve(site_handler(site)), serve(receiver_handler(receiver))
    yield site, receiver, site_server.server_address[1], hook_server.server_address[1], tmp_path
    site_server.shutdown()
    hook_server.shutdown()


def configure(url, tmp_path, site_port, hook_port, sources):
    env = environment()
    for path, kind in sources:
        r = khronika("sources", "add", f"http://127.0.0.1:{site_port}{path}", "--kind", kind, "--every", "1s",
                     "--local", "--db", url, cwd=tmp_path, env=env)
        assert r.returncode == 0, r.stderr
    r = khronika("rules", "add", "--type", "detained,deportation_ordered", "--webhook",
                 f"http://127.0.0.1:{hook_port}/hook", "--secret-env", "HOOK_SECRET", "--db", url, cwd=tmp_path,
                 env={**env, "HOOK_SECRET": "s3cret"})
    assert r.returncode == 0, r.stderr


def test_worker_on_sqlite_says_it_needs_postgresql(tmp_path):
    r = khronika("worker", "--db", str(tmp_path / "k.db"), cwd=tmp_path, env=environment())
    assert r.returncode == 2
    assert "PostgreSQL" in r.stderr and "khronika watch" in r.stderr


def test_two_workers_poll_each_source_store_each_document_once_and_deliver_each_alert_once(pg_server, world):
    site, receiver, site_port, hook_port, tmp_path = world
    url = pg_server.new_database()
    configure(url, tmp_path, site_port, hook_port, [("/feed.xml", "feed"), ("/s/vtoraya_liniya", "page")])
    with site.lock:
        site.items.append(("new", NEW_ARTICLE, "Thu, 05 Mar 2026 08:00:00 GMT"))
        site.posts.append((101, CHANNEL_POST))
    engine = sa.create_engine(url)
    workers = []
    doubled = []

    def watch_polls():
        # Sampled while the workers run: never two pending polls of one source.
        while not done.is_set():
            doubled.extend(query(engine, "SELECT queueing_lock, count(*) FROM procrastinate_jobs "
                                         "WHERE status = 'todo' AND task_name = 'khronika.poll_source' "
                                         "GROUP BY queueing_lock HAVING count(*) > 1"))
            time.sleep(0.2)

    done = threading.Event()
    sampler = threading.Thread(target=watch_polls, daemon=True)
    try:
        workers = [start_worker(url, tmp_path, "a"), start_worker(url, tmp_path, "b")]
        sampler.start()
        # The feed's two articles and the channel page: three documents.
        wait_for(lambda: query(engine, "SELECT count(*) FROM documents")[0][0] >= 3, 180, "three documents",
                 workers)

        def all_sent():
            rows = query(engine, "SELECT status FROM outbox")
            return rows and all(status == "sent" for (status,) in rows)

        wait_for(all_sent, 60, "every alert sent", workers)
        # Several more polls of each source (every second): nothing new, nothing twice.
        polled = query(engine, "SELECT count(*) FROM procrastinate_jobs WHERE task_name = 'khronika.poll_source'")
        wait_for(lambda: query(engine, "SELECT count(*) FROM procrastinate_jobs WHERE task_name = "
                                       "'khronika.poll_source' AND status = 'succeeded'")[0][0] >= polled[0][0] + 6,
                 60, "more polls", workers)
        done.set()
        sampler.join(timeout=10)

        # Each source polled, by either worker.
        sources = query(engine, "SELECT url, last_polled_at, last_error FROM sources WHERE listed")
        assert len(sources) == 2 and all(polled_at and not error for _, polled_at, error in sources), sources
        # Each document stored once, from one item.
        assert query(engine, "SELECT count(*) FROM documents")[0][0] == 3
        items = query(engine, "SELECT content_sha256, count(*) FROM items WHERE document_id IS NOT NULL "
                              "GROUP BY content_sha256")
        assert len(items) == 3 and all(count == 1 for _, count in items)
        # Each alert delivered once.
        outbox = query(engine, "SELECT id, status FROM outbox")
        with receiver.lock:
            delivered = [h["X-Khronika-Delivery"] for h, _ in receiver.deliveries]
            people = {json.loads(b)["person"]["name"] for _, b in receiver.deliveries}
        assert len(outbox) >= 3 and all(status == "sent" for _, status in outbox)
        assert len(delivered) == len(set(delivered)) == len(outbox)
        assert {"Тимур Ахмедов", "Вера Климова"} <= people
        # Both workers took part: their heartbeats are in the database.
        assert query(engine, "SELECT count(*) FROM procrastinate_workers")[0][0] == 2
        assert doubled == []
        # The queueing lock itself: a second pending poll of a source is refused.
        assert _pending_polls_refused(url)
    finally:
        done.set()
        stop(workers)
        engine.dispose()


def _pending_polls_refused(url) -> bool:
    import asyncio

    from khronika.store import open_store
    from khronika.worker import make_app
    with open_store(url) as store:
        source_id = store.sources()[0].id

    async def twice():
        app = make_app(url)
        async with app.open_async():
            later = time.time() + 3600
            first = await app.khronika_defer_poll(source_id, later)
            second = await app.khronika_defer_poll(source_id, later)
            return first, second

    first, second = asyncio.run(twice())
    # The running workers' scheduler may have queued this source's poll just
    # before (then the first deferral is refused too): what must hold is that
    # the second is refused and exactly one poll of the source is pending.
    import sqlalchemy as sa
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            pending = connection.execute(sa.text(
                "SELECT count(*) FROM procrastinate_jobs WHERE queueing_lock = :lock AND status = 'todo'"),
                {"lock": f"poll:{source_id}"}).scalar()
    finally:
        engine.dispose()
    return second is None and pending == 1


def slow_site_handler(site, gate):
    base = site_handler(site)

    class Handler(base):
        def do_GET(self):
            if self.path == "/slow.html":
                gate.hits += 1
                gate.released.wait(60)            # hold the poll until the test lets go
                body = (f"<html><head><meta charset='utf-8'><title>slow</title></head><body><article>"
                        f"<p>{NEW_ARTICLE}</p></article></body></html>").encode()
                with contextlib.suppress(OSError):
                    return self._send(200, body, "text/html; charset=utf-8")
                return None
            return super().do_GET()

    return Handler


def test_a_worker_killed_mid_job_has_its_job_retried_by_the_sweeper(pg_server, tmp_path):
    gate = type("Gate", (), {"hits": 0, "released": threading.Event()})()
    site_server = serve(slow_site_handler(Site(), gate))
    hook_server = serve(receiver_handler(Receiver()))
    url = pg_server.new_database()
    configure(url, tmp_path, site_server.server_address[1], hook_server.server_address[1],
              [("/slow.html", "page")])
    engine = sa.create_engine(url)
    workers = []
    try:
        first = start_worker(url, tmp_path, "first")
        workers.append(first)

        def running_poll():
            rows = query(engine, "SELECT id FROM procrastinate_jobs WHERE status = 'doing' "
                                 "AND task_name = 'khronika.poll_source'")
            return rows[0][0] if rows and gate.hits else None

        job_id = wait_for(running_poll, 180, "a poll held by the slow page", workers)
        first.send_signal(signal.SIGKILL)           # mid-job: the poll is waiting for the page
        first.wait(timeout=30)
        gate.released.set()
        assert query(engine, "SELECT status FROM procrastinate_jobs WHERE id = :id", id=job_id)[0][0] == "doing"

        second = start_worker(url, tmp_path, "second")
        workers.append(second)
        wait_for(lambda: query(engine, "SELECT status FROM procrastinate_jobs WHERE id = :id",
                               id=job_id)[0][0] == "succeeded", 180, "the killed worker's job to complete",
                 [second])
        events = [type_ for (type_,) in query(engine, "SELECT type FROM procrastinate_events WHERE job_id = :id "
                                                      "ORDER BY id", id=job_id)]
        assert "deferred_for_retry" in events, events      # put back by the sweeper, not parked
        assert events.count("started") == 2 and events[-1] == "succeeded", events
        wait_for(lambda: query(engine, "SELECT count(*) FROM documents")[0][0] == 1, 120, "the page stored",
                 [second])
    finally:
        gate.released.set()
        stop(workers)
        engine.dispose()
        site_server.shutdown()
        hook_server.shutdown()
