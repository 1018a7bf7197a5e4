"""Team mode: the background work as procrastinate jobs on the shared PostgreSQL store.

`khronika worker` (khronika/cli_worker.py) runs on any number of machines
against one database. Each job wraps one task function of khronika/tasks.py:

    khronika.poll_source     poll one source; its new items become take_item jobs
    khronika.take_item       extract and store one fetched item, queue its alerts
    khronika.ingest_document extract and store one read file (a backfill: queue_documents)
    khronika.deliver_alerts  send the due alerts (claimed row by row: SKIP LOCKED)
    khronika.send_reminders  deadline reminders (claimed per deadline and address)
    khronika.reextract       extract one stored document again

and procrastinate's periodic tasks drive them (a periodic job is deferred
once per tick across all workers):

    khronika.schedule_polls  every SCHEDULE_S: a poll for each source whose next
                             poll is due, at that time, with the queueing lock
                             "poll:<source id>": one pending poll per source
    khronika.retry_stalled   every STALL_S / 2: the jobs of workers whose
                             heartbeat stopped (killed, frozen, cut off) go back
                             to the queue, never parked
    khronika.prune_jobs      hourly: finished jobs are deleted (succeeded after
                             an hour, failed or cancelled after a week)
    khronika.deliver_alerts, khronika.send_reminders: also on their own
                             schedule (retries of failed deliveries, the hourly
                             reminder round)

procrastinate's tables come with the store's migrations (revision 0010).
"""
from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import socket
import time
from dataclasses import dataclass

import sqlalchemy as sa

log = logging.getLogger("khronika.worker")

# A worker whose heartbeat is older than this is taken for dead and its jobs
# are retried. KHRONIKA_WORKER_STALL_S shortens it (the tests).
STALL_S = float(os.environ.get("KHRONIKA_WORKER_STALL_S") or 30.0)
# How often the scheduler looks for sources whose poll is due.
SCHEDULE_S = max(1, int(float(os.environ.get("KHRONIKA_WORKER_SCHEDULE_S") or 5)))
PRUNE_SUCCEEDED_H = 1
PRUNE_FAILED_H = 24 * 7

TASKS = ("poll_source", "take_item", "ingest_document", "deliver_alerts", "send_reminders", "reextract")


# --- the procrastinate schema (migration 0010) -------------------------------------

def schema_sql() -> str:
    """procrastinate's schema, as shipped in the installed package."""
    from procrastinate.schema import SchemaManager
    return SchemaManager.get_schema()


def has_schema(dbapi_connection) -> bool:
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('procrastinate_jobs') IS NOT NULL")
        return bool(cursor.fetchone()[0])


def apply_schema(dbapi_connection) -> bool:
    """Create procrastinate's tables, types and functions unless they exist
    (in the caller's transaction). True when it created them."""
    if has_schema(dbapi_connection):
        return False
    with dbapi_connection.cursor() as cursor:
        cursor.execute(schema_sql())        # no parameters: '%' in the functions stays as is
    return True


DROP_SCHEMA_SQL = r"""
DO $$
DECLARE r record;
BEGIN
    FOR r IN SELECT p.oid::regprocedure AS sig FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
             WHERE n.nspname = current_schema() AND p.proname LIKE 'procrastinate\_%' LOOP
        EXECUTE 'DROP FUNCTION IF EXISTS ' || r.sig || ' CASCADE';
    END LOOP;
    FOR r IN SELECT tablename FROM pg_tables
             WHERE schemaname = current_schema() AND tablename LIKE 'procrastinate\_%' LOOP
        EXECUTE format('DROP TABLE IF EXISTS %I CASCADE', r.tablename);
    END LOOP;
    FOR r IN SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
             LEFT JOIN pg_class c ON c.oid = t.typrelid
             WHERE n.nspname = current_schema() AND t.typname LIKE 'procrastinate\_%'
               AND (t.typtype = 'e' OR c.relkind = 'c') LOOP
        EXECUTE format('DROP TYPE IF EXISTS %I CASCADE', r.typname);
    END LOOP;
END $$;
"""


def conninfo(url: str) -> str:
    """libpq's URI for a store URL (postgresql+psycopg://... -> postgresql://...)."""
    parsed = sa.make_url(url)
    if parsed.get_backend_name() != "postgresql":
        raise ValueError(f"workers need PostgreSQL, not {parsed.get_backend_name()}")
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


# --- the app ------------------------------------------------------------------------

@dataclass
class Runtime:
    """What the jobs of one worker process share (procrastinate's additional context)."""
    tasks: object                 # khronika.tasks.Tasks
    client: object                # khronika.sources.SafeClient, for polls
    http: object                  # httpx.AsyncClient, for deliveries


def _runtime(context) -> Runtime:
    return context.additional_context["khronika"]


def _utc(timestamp: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(timestamp, dt.UTC)


def make_app(url: str, *, pool_size: int = 8, stall_s: float | None = None,
             schedule_s: int | None = None):
    """The procrastinate App on the store's database, with Khronika's tasks."""
    import procrastinate
    from procrastinate import exceptions

    from .tasks import item_from_json, item_to_json, source_to_json
    stall_s = float(stall_s or STALL_S)
    schedule_s = int(schedule_s or SCHEDULE_S)
    app = procrastinate.App(connector=procrastinate.PsycopgConnector(
        conninfo=conninfo(url), min_size=1, max_size=max(4, pool_size)))

    async def defer(name: str, *, queueing_lock: str | None = None, lock: str | None = None,
                    schedule_at: dt.datetime | None = None, **kwargs) -> int | None:
        """Defer a job; None when one with the same queueing lock is already pending."""
        try:
            return await app.configure_task(name, queueing_lock=queueing_lock, lock=lock,
                                            schedule_at=schedule_at).defer_async(**kwargs)
        except exceptions.AlreadyEnqueued:
            return None

    app.khronika_defer = defer

    async def defer_poll(source_id: str, at: float | None = None) -> int | None:
        # queueing lock: one pending poll per source; lock: one running poll per source.
        return await defer("khronika.poll_source", queueing_lock=f"poll:{source_id}",
                           lock=f"poll:{source_id}", schedule_at=_utc(at) if at else None,
                           source_id=source_id)

    async def defer_item(source, item) -> int | None:
        from . import dedup
        content = dedup.text_sha256(item.text)
        # Two items with one text are taken in one after the other (the second is a repeat).
        return await defer("khronika.take_item", queueing_lock=f"item:{content}", lock=f"item:{content}",
                           source=source_to_json(source), item=item_to_json(item))

    app.khronika_defer_poll = defer_poll
    app.khronika_defer_item = defer_item

    async def after_queueing(runtime: Runtime, before: int) -> None:
        if runtime.tasks.stats.alerts_enqueued > before:
            await defer("khronika.deliver_alerts", queueing_lock="deliver")

    # --- jobs ---------------------------------------------------------------------

    @app.task(name="khronika.poll_source", pass_context=True)
    async def poll_source(context, source_id: str) -> str:
        runtime = _runtime(context)
        store = runtime.tasks.store
        source = next((s for s in store.sources() if s.id == source_id), None)
        if source is None:
            return "removed"
        status = store.source_status(source_id) or {}
        if (status.get("next_poll_at") or 0) > time.time() + 1.0:
            return "not due"            # polled meanwhile by another job (a retried one)

        async def take(source, items, seen):
            for item in items:
                seen.add(item.item_key or item.url)
                await defer_item(source, item)

        outcome = await runtime.tasks.poll_source(source, runtime.client, take=take)
        return f"{len(outcome.items)} new item(s)" + (f", error: {outcome.error}" if outcome.error else "")

    @app.task(name="khronika.take_item", pass_context=True)
    async def take_item(context, source: dict, item: dict) -> str:
        from .tasks import source_from_json
        runtime = _runtime(context)
        before = runtime.tasks.stats.alerts_enqueued
        outcome = await runtime.tasks.take_item(source_from_json(source), item_from_json(item))
        await after_queueing(runtime, before)
        return outcome

    @app.task(name="khronika.ingest_document", pass_context=True)
    async def ingest_document(context, document: dict) -> bool:
        from .tasks import document_from_json
        return await _runtime(context).tasks.ingest_document(document_from_json(document))

    @app.task(name="khronika.reextract", pass_context=True)
    async def reextract(context, document_id: str) -> bool:
        return await _runtime(context).tasks.reextract(document_id)

    async def deliver(context) -> int:
        runtime = _runtime(context)
        total = 0
        for _ in range(100):            # 50 claimed at a time, until none is due
            sent, failed = await runtime.tasks.deliver_alerts(runtime.http)
            total += sent
            if not sent and not failed:
                break
        return total

    @app.task(name="khronika.deliver_alerts", pass_context=True)
    async def deliver_alerts(context) -> int:
        return await deliver(context)

    @app.periodic(cron=f"* * * * * */{schedule_s}", periodic_id="deliver")
    @app.task(name="khronika.deliver_due", pass_context=True, queueing_lock="deliver-due")
    async def deliver_due(context, timestamp: int) -> int:
        return await deliver(context)

    @app.periodic(cron="7 * * * *", periodic_id="reminders")
    @app.task(name="khronika.send_reminders", pass_context=True, queueing_lock="reminders")
    async def send_reminders(context, timestamp: int | None = None) -> int:
        sent, _errors = await asyncio.to_thread(_runtime(context).tasks.send_reminders)
        return sent

    @app.periodic(cron=f"* * * * * */{schedule_s}", periodic_id="polls")
    @app.task(name="khronika.schedule_polls", pass_context=True, queueing_lock="schedule-polls")
    async def schedule_polls(context, timestamp: int) -> int:
        store = _runtime(context).tasks.store
        # A source whose poll is running (or whose worker died mid-poll, until the
        # sweeper puts that job back) gets no other: the retried job polls it.
        running = {row["source_id"] for row in await context.app.connector.execute_query_all_async(
            query="SELECT args->>'source_id' AS source_id FROM procrastinate_jobs "
                  "WHERE task_name = %(task)s AND status = 'doing'", task="khronika.poll_source")}
        now, queued = time.time(), 0
        for source in store.sources():
            if source.id in running:
                continue
            due = (store.source_status(source.id) or {}).get("next_poll_at") or 0.0
            if due <= now + schedule_s and await defer_poll(source.id, due if due > now else None):
                queued += 1
        return queued

    @app.periodic(cron=f"* * * * * */{max(1, int(stall_s // 2))}", periodic_id="stalled")
    @app.task(name="khronika.retry_stalled", pass_context=True, queueing_lock="retry-stalled")
    async def retry_stalled(context, timestamp: int) -> int:
        return await retry_stalled_jobs(context.app, stall_s)

    @app.periodic(cron="31 * * * *", periodic_id="prune")
    @app.task(name="khronika.prune_jobs", pass_context=True, queueing_lock="prune-jobs")
    async def prune_jobs(context, timestamp: int) -> None:
        manager = context.app.job_manager
        await manager.delete_old_jobs(nb_hours=PRUNE_SUCCEEDED_H)
        await manager.delete_old_jobs(nb_hours=PRUNE_FAILED_H, include_failed=True,
                                      include_cancelled=True, include_aborted=True)

    return app


async def queue_documents(app, documents, *, batch: int = 200) -> int:
    """Defer one ingest_document job per document (a backfill spread over the
    workers); the app must be open. Returns how many were deferred."""
    from .tasks import document_to_json
    task = app.configure_task("khronika.ingest_document")
    count, documents = 0, list(documents)
    for start in range(0, len(documents), batch):
        chunk = documents[start:start + batch]
        await task.batch_defer_async(*({"document": document_to_json(d)} for d in chunk))
        count += len(chunk)
    return count


async def retry_stalled_jobs(app, stall_s: float = STALL_S) -> int:
    """Put the running jobs of stalled workers (no heartbeat for `stall_s`) back
    in the queue. A job whose queueing lock is taken meanwhile (a poll of the
    same source queued since) is failed instead: the pending one does its work."""
    from procrastinate import exceptions, jobs
    retried = 0
    for job in await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=stall_s):
        try:
            await app.job_manager.retry_job(job)
            retried += 1
            log.warning("job %s (%s) of a stalled worker: retried", job.id, job.task_name)
        except (exceptions.UniqueViolation, exceptions.AlreadyEnqueued):
            await app.job_manager.finish_job_by_id_async(job.id, status=jobs.Status.FAILED,
                                                         delete_job=False)
            log.warning("job %s (%s) of a stalled worker: another is pending, dropped", job.id,
                        job.task_name)
    return retried


# --- a worker process ---------------------------------------------------------------

async def run(url: str, *, concurrency: int = 1, stall_s: float | None = None,
              wait: bool = True) -> None:
    """One worker: `concurrency` extraction processes, jobs until stopped
    (SIGINT/SIGTERM: running jobs are finished first)."""
    import httpx

    from .pipeline import _pool
    from .sources import SafeClient
    from .store import open_store
    from .tasks import Tasks
    stall_s = float(stall_s or STALL_S)
    concurrency = max(1, concurrency)
    store = open_store(url)
    extractor = _pool(concurrency)
    try:
        with store.engine.begin() as connection:        # a store migrated without procrastinate installed
            if apply_schema(connection.connection.dbapi_connection):
                log.info("created procrastinate's tables")
        tasks = Tasks(store, extractor=extractor, shared=True)
        await tasks.start()
        # Jobs beyond the extraction processes: polls and deliveries go on while
        # every extraction process is busy (and the next item is stored while
        # the following one is extracted).
        jobs_at_once = concurrency + 2
        app = make_app(url, pool_size=jobs_at_once + 4, stall_s=stall_s)
        async with app.open_async(), SafeClient() as client, \
                httpx.AsyncClient(timeout=10.0, follow_redirects=False) as http:
            log.info("worker %s:%d ready: %d extraction process(es)", socket.gethostname(), os.getpid(),
                     concurrency)
            await app.run_worker_async(
                concurrency=jobs_at_once, wait=wait, name=f"{socket.gethostname()}:{os.getpid()}",
                additional_context={"khronika": Runtime(tasks, client, http)},
                update_heartbeat_interval=max(0.5, stall_s / 3), stalled_worker_timeout=stall_s,
                fetch_job_polling_interval=1.0, shutdown_graceful_timeout=60.0)
    finally:
        extractor.shutdown(wait=False, cancel_futures=True)
        store.close()
