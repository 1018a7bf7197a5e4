"""Delivering the persistent outbox, from any number of processes.

`enqueue_alerts` puts each (rule, event) into the outbox once, ever (a
UNIQUE constraint); `deliver_due` sends what is due and records the outcome.

Each delivery is claimed in the database before it is sent: a batch claim
(`Store.claim_alerts`: claimed_by = this process, claimed_until = now +
lease, in one atomic step; PostgreSQL: FOR UPDATE SKIP LOCKED), and right
before the send a per-row confirmation (`Store.confirm_claim`: an UPDATE ...
WHERE id = ? AND claimed_by = me AND status = 'pending', checked by its
rowcount), which also renews the lease. So two watchers on one database
never both send an alert; a claim whose owner died (kill -9 on this host)
is taken over at once, and one of another host after its lease.

- a 2xx (or an accepted SMTP message, or Telegram's ok) marks the row sent at
  once: nothing else is awaited between the receiver's answer and that
  commit, so the window in which a crash can cause a repeat is one local
  write;
- a failure schedules a retry with exponential backoff (5 s, 10 s, 20 s, …,
  at most 10 min, or later when the receiver said Retry-After), and after
  MAX_ATTEMPTS attempts the row is given up as 'failed';
- alerts whose rule was removed, or whose channel is unknown, are given up.

So delivery is at-least-once at the transport level only across a crash: a
crash right after a receiver's 2xx and before the commit repeats that one
alert once its claim is taken over, with the same `X-Khronika-Delivery` id
and `Idempotency-Key` (e-mail: the same Message-ID), for the receiver to
drop; never a silent duplicate. Exactly-once per (rule, event) in the outbox.
"""
from __future__ import annotations

import asyncio
import logging
import time

import httpx

from khronika.alerts.channels import DeliveryError, send
from khronika.model import Alert, Rule
from khronika.store.watch import deliverer_id

log = logging.getLogger("khronika.alerts")

BASE_DELAY_S = 5.0
MAX_DELAY_S = 600.0
MAX_ATTEMPTS = 8
# A claim on due rows, so a second deliverer does not send them meanwhile;
# longer than any one send may take (HTTP 10 s, SMTP 30 s): it is renewed
# right before each send.
LEASE_S = 60.0
CONCURRENCY = 16


def backoff_s(attempts: int) -> float:
    """The wait after the `attempts`-th failed attempt: 5, 10, 20, … seconds, at most 10 min."""
    return min(MAX_DELAY_S, BASE_DELAY_S * 2 ** max(0, attempts - 1))


async def deliver_due(store, now: float | None = None, limit: int = 50, *,
                      client: httpx.AsyncClient | None = None, lease_s: float = LEASE_S,
                      concurrency: int = CONCURRENCY) -> tuple[int, int]:
    """Send the alerts that are due; returns (sent, failed attempts).

    `now` (Unix time) is when to consider due and when retries count from:
    the current time by default. Sends run concurrently (at most
    `concurrency` at once), so one slow receiver does not hold up the others.
    Every alert is claimed for `lease_s` seconds (LEASE_S when 0 or less:
    a claim is always taken, so any number of deliverers may run at once).
    """
    clock = (lambda: now) if now is not None else time.time
    lease_s = lease_s if lease_s > 0 else LEASE_S
    owner = deliverer_id()
    due = store.claim_alerts(owner, clock(), limit, lease_s=lease_s)
    if not due:
        return 0, 0
    rules = {rule.id: rule for rule in store.rules()}
    results: list[bool] = []
    gate = asyncio.Semaphore(max(1, concurrency))

    async def one(outbox_id: int, alert: Alert, attempts: int, http: httpx.AsyncClient) -> None:
        rule = rules.get(alert.rule_id)
        async with gate:
            # Still ours? (A long wait at the gate may have outlived the lease.)
            if not store.confirm_claim(outbox_id, owner, clock(), lease_s=lease_s):
                log.info("alert %s: claim taken over by another deliverer, not sent", outbox_id)
                return
            try:
                if rule is None:
                    raise DeliveryError(f"rule {alert.rule_id} was removed", permanent=True)
                await send(rule, alert, outbox_id, http)
            except Exception as exc:     # every failure is recorded; none stops the others
                _failed(store, outbox_id, alert, rule, attempts, exc, clock(), owner)
                results.append(False)
                return
            # Right after the receiver's answer: no await in between.
            store.mark_sent(outbox_id)
        results.append(True)
        log.info("alert %s delivered: rule %s, event %s (%s)", outbox_id, alert.rule_id,
                 alert.event_id, alert.type)

    async def run_all(http: httpx.AsyncClient) -> None:
        outcomes = await asyncio.gather(*(one(outbox_id, alert, attempts, http)
                                          for outbox_id, alert, attempts in due),
                                        return_exceptions=True)
        for (outbox_id, _, _), outcome in zip(due, outcomes, strict=True):
            if isinstance(outcome, BaseException):
                # The store could not record the outcome (say, locked too long):
                # the row stays claimed and is tried again when the claim ends.
                log.error("alert %s: outcome not recorded: %s: %s", outbox_id,
                          type(outcome).__name__, outcome)

    if client is not None:
        await run_all(client)
    else:
        async with httpx.AsyncClient(timeout=httpx.Timeout(10.0), follow_redirects=False) as http:
            await run_all(http)
    sent = sum(results)
    return sent, len(results) - sent


def _failed(store, outbox_id: int, alert: Alert, rule: Rule | None, attempts: int,
            exc: BaseException, now: float, owner: str) -> None:
    attempts += 1
    error = str(exc) if isinstance(exc, DeliveryError) else f"{type(exc).__name__}: {exc}"
    permanent = isinstance(exc, DeliveryError) and exc.permanent
    if permanent or attempts >= MAX_ATTEMPTS:
        store.mark_failed(outbox_id, error, None, owner=owner)
        log.error("alert %s given up after %d attempt(s) (rule %s, event %s): %s", outbox_id,
                  attempts, alert.rule_id, alert.event_id, error)
        return
    delay = backoff_s(attempts)
    retry_after = getattr(exc, "retry_after", None)
    if retry_after:
        delay = max(delay, min(float(retry_after), MAX_DELAY_S))
    store.mark_failed(outbox_id, error, now + delay, owner=owner)
    log.warning("alert %s attempt %d failed (rule %s via %s), retry in %.0f s: %s", outbox_id,
                attempts, alert.rule_id, rule.channel if rule else "?", delay, error)
