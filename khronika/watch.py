"""`khronika watch`: follow sources and deliver alerts while someone can still act.

One asyncio loop: a task per source (interval with jitter, exponential backoff
when it fails, a per-host limit inside the fetcher), one extraction worker
(the models load once, at start), and a delivery loop over the persistent
outbox. Every step that matters is in the store before the next one starts:

    fetched item -> document + events (one transaction)
                 -> alerts in the outbox (one transaction; re-derived at start
                    for events whose alerts a crash left unqueued)
                 -> delivery, marked sent right after the receiver's 2xx

so a kill -9 anywhere loses nothing and delivers each (rule, event) once.
"""
from __future__ import annotations

import asyncio
import logging
import random
import time

from .model import SourceConfig
from .tasks import MAX_BACKOFF_S, PollMemo, Tasks, TaskStats, document_from_item  # noqa: F401 (re-exported)

log = logging.getLogger("khronika.watch")

# The counters of one watch (the task functions keep them).
WatchStats = TaskStats


def _settings(source: SourceConfig) -> tuple:
    return (source.kind, source.url, source.every_s, source.local, source.robots, source.name)


class Watch:
    def __init__(self, store, sources: list[SourceConfig], *, deliver: bool = True,
                 delivery_interval_s: float = 0.2, jitter: float = 0.1, per_host: int = 4,
                 reload_s: float | None = None):
        self.store = store
        self.sources = sources
        # Sources live in the database: every reload_s the list is read again, so a
        # source added or removed by another machine or the web app is followed or dropped.
        self.reload_s = reload_s
        self.deliver = deliver
        self.delivery_interval_s = delivery_interval_s
        self.jitter = jitter
        self.per_host = per_host
        # Extraction runs in a worker process that loads the models once: in a
        # thread it would hold the GIL the event loop needs to keep polling
        # (measured: 160 instead of 200 polls/s and p95 latency +0.5 s).
        from .pipeline import _pool
        self._extractor = _pool(1)
        self._wake = asyncio.Event()        # set when alerts are queued: deliver now, not at the next tick
        # The same task functions `khronika worker` runs as jobs, here in one loop.
        self.tasks = Tasks(store, extractor=self._extractor, on_queued=self._wake.set, jitter=jitter)
        self.stats = self.tasks.stats

    # --- the loop ---------------------------------------------------------------

    async def run(self, duration_s: float | None = None, stop: asyncio.Event | None = None) -> WatchStats:
        from .sources import SafeClient
        stop = stop or asyncio.Event()
        await self.tasks.start()
        async with SafeClient(per_host=self.per_host) as client:
            self._following: dict[tuple, asyncio.Task] = {}
            self.sync_sources(self.sources, client, stop)
            tasks = []
            if self.reload_s:
                tasks.append(asyncio.create_task(self._reload_loop(client, stop), name="reload"))
            if self.deliver:
                tasks.append(asyncio.create_task(self._deliver_loop(stop), name="delivery"))
                tasks.append(asyncio.create_task(self._reminder_loop(stop), name="reminders"))
            try:
                if duration_s is None:
                    await stop.wait()
                else:
                    try:
                        await asyncio.wait_for(stop.wait(), timeout=duration_s)
                    except TimeoutError:
                        pass
            finally:
                stop.set()
                tasks.extend(self._following.values())
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
        self._extractor.shutdown(wait=True)
        return self.stats

    def sync_sources(self, sources: list[SourceConfig], client, stop: asyncio.Event) -> tuple[int, int]:
        """Follow exactly these sources: start a task for each new one (or one whose
        settings changed), cancel the tasks of the others. (started, stopped)."""
        wanted = {_settings(source): source for source in sources}
        gone = [key for key in self._following if key not in wanted]
        for key in gone:
            self._following.pop(key).cancel()
            log.info("source %s: no longer followed", key[1])
        new = [key for key in wanted if key not in self._following]
        for key in new:
            source = wanted[key]
            self._following[key] = asyncio.create_task(self._follow(source, client, stop),
                                                       name=f"source:{source.url}")
        self.sources = list(wanted.values())
        return len(new), len(gone)

    async def _reload_loop(self, client, stop: asyncio.Event) -> None:
        loop = asyncio.get_running_loop()
        while not stop.is_set():
            try:
                await asyncio.wait_for(stop.wait(), timeout=self.reload_s)
            except TimeoutError:
                pass
            if stop.is_set():
                return
            try:
                sources = await loop.run_in_executor(None, self.store.sources)
                started, _stopped = self.sync_sources(sources, client, stop)
                if started:
                    log.info("following %d new source(s) from the database", started)
            except Exception:                # a locked database: keep the sources we have
                log.exception("reading the sources")

    async def _follow(self, source: SourceConfig, client, stop: asyncio.Event) -> None:
        memo = PollMemo()
        # Spread the first polls so 300 sources do not all start in the same instant.
        await asyncio.sleep(random.uniform(0, min(source.every_s, 1.0)) * self.jitter * 10)
        while not stop.is_set():
            started = time.monotonic()
            outcome = await self.tasks.poll_source(source, client, memo=memo)
            delay = max(0.0, outcome.delay_s - (time.monotonic() - started))
            try:
                await asyncio.wait_for(stop.wait(), timeout=delay)
            except TimeoutError:
                pass

    async def _reminder_loop(self, stop: asyncio.Event, every_s: float = 3600.0) -> None:
        """Deadline reminders (see alerts/reminders.py), hourly, in a thread:
        SMTP is blocking and must not hold up the polling."""
        loop = asyncio.get_running_loop()
        while not stop.is_set():
            try:
                await loop.run_in_executor(None, self.tasks.send_reminders)
            except Exception:                # a locked database, a bug: log it, try again later
                log.exception("deadline reminders")
            try:
                await asyncio.wait_for(stop.wait(), timeout=every_s)
            except TimeoutError:
                pass

    async def _deliver_loop(self, stop: asyncio.Event) -> None:
        import httpx

        # One client for all deliveries: a new one costs ~35 ms of TLS set-up on the loop.
        async with httpx.AsyncClient(timeout=10.0, follow_redirects=False) as client:
            while not stop.is_set():
                try:
                    # Claimed row by row (see alerts/outbox.py): other watchers on this
                    # database may deliver too; a killed one's claims are taken at once.
                    await self.tasks.deliver_alerts(client)
                except Exception:            # a locked database, a bug: log it, keep delivering
                    log.exception("alert delivery")
                self._wake.clear()
                try:
                    await asyncio.wait_for(self._wake.wait(), timeout=self.delivery_interval_s)
                except TimeoutError:
                    pass
