"""The store's queries for `khronika watch`: the events of newly taken-in
documents and what alert rules read of them, followed sources and their
poll state, taken-in items, watch rules and the alert outbox.

A mixin of `Store` (see store.py), kept apart like `CaseworkQueries`: these
tables (revision 0002) serve only the watcher and its deliveries.
"""
from __future__ import annotations

import dataclasses
import os
import secrets
import socket
import time
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from khronika.model import Alert, Document, EventMention, Person, Rule, SourceConfig
from khronika.store import schema as tables
from khronika.store.common import _chunks, _now, _now_precise

# How many recent item keys a source remembers (its `seen` list).
SEEN_CAP = 5000

# Outbox row statuses.
PENDING, SENT, FAILED = "pending", "sent", "failed"

_deliverer: tuple[int, str] | None = None


def deliverer_id() -> str:
    """This process as the owner of delivery claims: "host:pid:random", new in
    every process (a restarted watcher is another owner)."""
    global _deliverer
    if _deliverer is None or _deliverer[0] != os.getpid():
        _deliverer = (os.getpid(), f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}")
    return _deliverer[1]


def _dead_owners(owners: Iterable[str | None]) -> list[str]:
    """The claim owners that were processes of this host and are gone. An
    owner on another host, or whose pid now names a live process, counts as
    alive: its claims wait for their lease to run out."""
    host = socket.gethostname()[:40]
    dead = []
    for owner in owners:
        parts = (owner or "").split(":")
        if len(parts) != 3 or parts[0] != host or not parts[1].isdigit():
            continue
        try:
            os.kill(int(parts[1]), 0)
        except ProcessLookupError:
            dead.append(owner)
            continue
        except OSError:         # PermissionError: alive, another user's
            continue
        try:                    # Linux: a zombie (killed, not yet reaped) is gone too
            with open(f"/proc/{parts[1]}/stat", "rb") as stat:
                if stat.read().rpartition(b")")[2].split()[:1] == [b"Z"]:
                    dead.append(owner)
        except OSError:
            pass
    return dead


class WatchQueries:
    """Mixed into Store: needs `_writing()`, `_reading()`, `_event_from()`,
    `_persons_where()` and `_document_from()`."""

    # ------------------------------------------------------------ watch: events of new documents

    def events_for_document(self, doc_id: str) -> list[str]:
        """The ids of the events stored with one document, in text order.

        `add_document` returns False for a document already stored, so a
        caller that needs the events that document added asks here (the ids
        are also the EventMention ids it passed in)."""
        event = tables.events.c
        with self._reading() as connection:
            return list(connection.scalars(
                sa.select(event.id).where(event.document_id == doc_id)
                .order_by(event.span_start, event.id)))

    def alert_context(self, event_ids: Iterable[str]) -> tuple[
            list[EventMention], dict[str, Person], dict[str, Document]]:
        """What alert rules look at, for the given events, in one read:
        (events, persons by id, documents by id). Unknown ids are skipped;
        documents come without their snapshot bytes."""
        wanted = list(dict.fromkeys(event_ids))
        event = tables.events.c
        with self._reading() as connection:
            events: list[EventMention] = []
            for chunk in _chunks(wanted):
                events.extend(self._event_from(row) for row in connection.execute(
                    sa.select(tables.events).where(event.id.in_(chunk))).mappings())
            order = {event_id: index for index, event_id in enumerate(wanted)}
            events.sort(key=lambda e: order[e.id])
            persons: dict[str, Person] = {}
            for chunk in _chunks(sorted({e.person for e in events})):
                persons.update((p.id, p) for p in self._persons_where(
                    connection, tables.persons.c.id.in_(chunk)))
            documents: dict[str, Document] = {}
            for chunk in _chunks(sorted({e.document for e in events})):
                documents.update((row["id"], self._document_from(row)) for row in connection.execute(
                    sa.select(tables.documents).where(tables.documents.c.id.in_(chunk))).mappings())
        return events, persons, documents

    # ------------------------------------------------------------ watch: sources

    def upsert_source(self, cfg: SourceConfig) -> None:
        """Add a followed source, or update its settings; its poll state is kept."""
        values = dict(url=cfg.url, kind=cfg.kind, every_s=float(cfg.every_s), local=bool(cfg.local),
                      robots=bool(cfg.robots), name=cfg.name, listed=True)
        with self._writing() as connection:
            if self._source_row(connection, cfg.id) is None:
                connection.execute(tables.sources.insert().values(
                    id=cfg.id, state={}, seen=[], failures=0, created_at=_now_precise(), **values))
            else:
                connection.execute(tables.sources.update()
                                   .where(tables.sources.c.id == cfg.id).values(**values))

    def remove_source(self, id_or_url: str) -> bool:
        """Stop following a source (by id or URL), forgetting its poll state.
        The items and documents it brought in stay. False when none matched."""
        source = tables.sources.c
        with self._writing() as connection:
            result = connection.execute(tables.sources.delete().where(
                sa.or_(source.id == id_or_url, source.url == id_or_url)))
            return result.rowcount > 0

    def sources(self) -> list[SourceConfig]:
        """The listed sources, in the order they were added."""
        source = tables.sources.c
        with self._reading() as connection:
            rows = connection.execute(sa.select(tables.sources).where(source.listed.is_(True))
                                      .order_by(source.created_at, source.id)).mappings()
            return [SourceConfig(url=row["url"], kind=row["kind"], every_s=row["every_s"],
                                 local=bool(row["local"]), robots=bool(row["robots"]), name=row["name"])
                    for row in rows]

    def source_state(self, source_id: str) -> tuple[dict, set[str]]:
        """(state, seen): what the poller saved last time; ({}, set()) for a new source."""
        with self._reading() as connection:
            row = self._source_row(connection, source_id)
        if row is None:
            return {}, set()
        return dict(row["state"] or {}), set(row["seen"] or [])

    def source_status(self, source_id: str) -> dict | None:
        """The bookkeeping of one source (failures, last_error, last_polled_at,
        next_poll_at, and the settings), or None when there is no row."""
        with self._reading() as connection:
            row = self._source_row(connection, source_id)
        if row is None:
            return None
        return {key: row[key] for key in ("id", "url", "kind", "every_s", "local", "robots", "name",
                                          "listed", "failures", "last_error", "last_polled_at",
                                          "next_poll_at")}

    def save_source_state(self, source_id: str, state: dict, seen: Iterable[str],
                          error: str | None = None, failures: int = 0, *,
                          next_poll_at: float | None = None) -> None:
        """Save a poll's outcome. `seen` is the poller's set of item keys; the
        store keeps the most recent SEEN_CAP of them (keys it already held keep
        their age, new ones count as newest)."""
        now = time.time()
        with self._writing() as connection:
            row = self._source_row(connection, source_id)
            previous: list[str] = list(row["seen"] or []) if row is not None else []
            seen_set = set(seen)
            kept = [key for key in previous if key in seen_set]
            known = set(kept)
            kept.extend(sorted(key for key in seen_set if key not in known))
            values = dict(state=dict(state or {}), seen=kept[-SEEN_CAP:], failures=int(failures),
                          last_error=error, last_polled_at=now, next_poll_at=next_poll_at)
            if row is None:
                # State for a source that was never listed (say, only in khronika.toml).
                connection.execute(tables.sources.insert().values(
                    id=source_id, url="", kind="", every_s=0.0, local=False, robots=True,
                    name=None, listed=False, created_at=_now_precise(), **values))
            else:
                connection.execute(tables.sources.update()
                                   .where(tables.sources.c.id == source_id).values(**values))

    @staticmethod
    def _source_row(connection: Connection, source_id: str):
        return connection.execute(sa.select(tables.sources)
                                  .where(tables.sources.c.id == source_id)).mappings().first()

    # ------------------------------------------------------------ watch: items

    def item_seen(self, canonical_url: str, content_sha256: str) -> bool:
        """An exact repeat: an item with this canonical URL, or with this
        content under any URL, was taken in before."""
        item = tables.items.c
        with self._reading() as connection:
            return connection.execute(sa.select(item.id).where(sa.or_(
                item.canonical_url == canonical_url, item.content_sha256 == content_sha256))
                .limit(1)).first() is not None

    def record_item(self, canonical_url: str, content_sha256: str, document_id: str | None,
                    source_id: str | None, *, duplicate_of: str | None = None,
                    minhash: bytes | None = None) -> int:
        """Remember a taken-in item: the document it became (or None and the
        first copy's document id for a near-duplicate) and its MinHash bytes.
        Returns the item row id. Items without a document need no alerts, so
        they are recorded as queued already."""
        with self._writing() as connection:
            result = connection.execute(tables.items.insert().values(
                canonical_url=canonical_url, content_sha256=content_sha256,
                document_id=document_id, source_id=source_id, first_seen_at=_now(),
                duplicate_of=duplicate_of, minhash=None if minhash is None else bytes(minhash),
                alerts_queued=document_id is None))
            return int(result.inserted_primary_key[0])

    def item_minhashes(self) -> list[tuple[str, bytes]]:
        """(document id, MinHash bytes) of every first copy, oldest first:
        what the near-duplicate index is rebuilt from at start."""
        return [(document_id, blob) for _, document_id, blob in self.item_minhashes_after(0)]

    def item_minhashes_after(self, after_id: int = 0) -> list[tuple[int, str, bytes]]:
        """(item id, document id, MinHash bytes) of the first copies recorded
        after item `after_id`, oldest first: how a near-duplicate index is
        built at start and kept up to date while other processes take items in."""
        item = tables.items.c
        with self._reading() as connection:
            return [(item_id, document_id, bytes(blob)) for item_id, document_id, blob in connection.execute(
                sa.select(item.id, item.document_id, item.minhash)
                .where(item.id > after_id, item.document_id.is_not(None), item.minhash.is_not(None))
                .order_by(item.id))]

    def unqueued_documents(self) -> list[str]:
        """Documents taken in by `watch` whose alerts were not queued yet (a
        crash came in between), oldest first."""
        item = tables.items.c
        with self._reading() as connection:
            return list(dict.fromkeys(connection.scalars(
                sa.select(item.document_id)
                .where(item.alerts_queued.is_(False), item.document_id.is_not(None))
                .order_by(item.id))))

    def watch_event_ids(self) -> list[str]:
        """The events of `unqueued_documents()`, in document and text order."""
        documents = self.unqueued_documents()
        event = tables.events.c
        found: list[str] = []
        with self._reading() as connection:
            for chunk in _chunks(documents):
                rows = connection.execute(
                    sa.select(event.document_id, event.id).where(event.document_id.in_(chunk))
                    .order_by(event.span_start, event.id)).all()
                by_document: dict[str, list[str]] = {}
                for document_id, event_id in rows:
                    by_document.setdefault(document_id, []).append(event_id)
                for document_id in chunk:
                    found.extend(by_document.get(document_id, []))
        return found

    # ------------------------------------------------------------ watch: rules

    def add_rule(self, rule: Rule) -> bool:
        """Store a watch rule; a rule with the same id is replaced. True when new."""
        values = dict(channel=rule.channel, target=rule.target, person=rule.person,
                      types=list(rule.types or []), place=rule.place, keyword=rule.keyword,
                      secret=rule.secret, name=rule.name)
        with self._writing() as connection:
            exists = connection.execute(sa.select(tables.rules.c.id)
                                        .where(tables.rules.c.id == rule.id)).first() is not None
            if exists:
                connection.execute(tables.rules.update().where(tables.rules.c.id == rule.id)
                                   .values(**values))
            else:
                connection.execute(tables.rules.insert().values(id=rule.id, created_at=_now_precise(),
                                                                **values))
            return not exists

    def rules(self) -> list[Rule]:
        """Every rule, oldest first."""
        rule = tables.rules.c
        with self._reading() as connection:
            return [Rule(id=row["id"], channel=row["channel"], target=row["target"],
                         person=row["person"], types=list(row["types"] or []), place=row["place"],
                         keyword=row["keyword"], secret=row["secret"], name=row["name"])
                    for row in connection.execute(
                        sa.select(tables.rules).order_by(rule.created_at, rule.id)).mappings()]

    def remove_rule(self, rule_id: str) -> bool:
        """Delete a rule; its queued alerts are given up at their next delivery."""
        with self._writing() as connection:
            return connection.execute(
                tables.rules.delete().where(tables.rules.c.id == rule_id)).rowcount > 0

    # ------------------------------------------------------------ watch: outbox

    def enqueue_alerts(self, alerts: Iterable[Alert], *, documents: Iterable[str] = ()) -> int:
        """Queue alerts for delivery, each (rule, event) at most once ever.

        Returns how many were new. `documents`: watch documents whose alerts
        these are; they are marked queued in the same transaction, so that
        after a crash `unqueued_documents()` names exactly those still owed.
        """
        alerts = list(alerts)
        documents = list(dict.fromkeys(documents))
        for attempt in (1, 2):
            try:
                with self._writing() as connection:
                    added = self._insert_alerts(connection, alerts)
                    for chunk in _chunks(documents):
                        connection.execute(tables.items.update()
                                           .where(tables.items.c.document_id.in_(chunk))
                                           .values(alerts_queued=True))
                return added
            except sa.exc.IntegrityError:
                # PostgreSQL: another process queued one of them between our
                # check and our insert; the second attempt sees it and skips.
                if attempt == 2 or self.engine.dialect.name == "sqlite":
                    raise
        raise AssertionError("unreachable")

    @staticmethod
    def _insert_alerts(connection: Connection, alerts: list[Alert]) -> int:
        outbox = tables.outbox.c
        wanted: dict[tuple[str, str], Alert] = {}
        for alert in alerts:
            wanted.setdefault((alert.rule_id, alert.event_id), alert)
        present: set[tuple[str, str]] = set()
        for chunk in _chunks(sorted({event_id for _, event_id in wanted})):
            present.update(tuple(row) for row in connection.execute(
                sa.select(outbox.rule_id, outbox.event_id).where(outbox.event_id.in_(chunk))))
        now, created = time.time(), _now()
        rows = [dict(rule_id=rule_id, event_id=event_id, payload=dataclasses.asdict(alert),
                     status=PENDING, attempts=0, next_attempt_at=now, created_at=created)
                for (rule_id, event_id), alert in wanted.items() if (rule_id, event_id) not in present]
        if rows:
            connection.execute(tables.outbox.insert(), rows)
        return len(rows)

    def due_alerts(self, now: float | None = None, limit: int = 50, *,
                   lease_s: float = 0.0) -> list[tuple[int, Alert, int]]:
        """Pending alerts whose next attempt is due and that nobody holds:
        (outbox id, alert, attempts so far), oldest due first.

        `lease_s` > 0 claims them for this process (see `claim_alerts`);
        0 only reads."""
        if lease_s > 0:
            return self.claim_alerts(deliverer_id(), now, limit, lease_s=lease_s)
        now = time.time() if now is None else now
        with self._reading() as connection:
            rows = connection.execute(self._due_query(now, limit)).all()
            return self._outbox_alerts(connection, [row.id for row in rows])

    @staticmethod
    def _due_query(now: float, limit: int):
        outbox = tables.outbox.c
        return (sa.select(outbox.id)
                .where(outbox.status == PENDING, outbox.next_attempt_at <= now,
                       sa.or_(outbox.claimed_until.is_(None), outbox.claimed_until <= now))
                .order_by(outbox.next_attempt_at, outbox.id).limit(limit))

    @staticmethod
    def _outbox_alerts(connection: Connection, ids: list[int],
                       condition=None) -> list[tuple[int, Alert, int]]:
        outbox = tables.outbox.c
        query = (sa.select(outbox.id, outbox.payload, outbox.attempts).where(outbox.id.in_(ids))
                 .order_by(outbox.next_attempt_at, outbox.id))
        if condition is not None:
            query = query.where(condition)
        return [(row.id, Alert(**row.payload), row.attempts)
                for row in connection.execute(query)] if ids else []

    def claim_alerts(self, owner: str, now: float | None = None, limit: int = 50, *,
                     lease_s: float) -> list[tuple[int, Alert, int]]:
        """Claim up to `limit` due alerts for `owner` until `now + lease_s`, in
        one transaction: (outbox id, alert, attempts so far), oldest due first.

        A row is free when no claim is on it, its claim ran out, or its owner
        was a process of this host that is gone (killed with -9: its rows
        are taken at once, not after the lease). SQLite: the write lock is
        taken up front (BEGIN IMMEDIATE), so the select and the update are one
        atomic step; PostgreSQL: SELECT ... FOR UPDATE SKIP LOCKED, and the
        update re-checks that each row is still free. Only rows the update
        gave to `owner` come back.
        """
        now = time.time() if now is None else now
        outbox = tables.outbox.c
        pick = self._due_query(now, limit)
        # A read first: the delivery loop asks often and usually finds nothing.
        with self._reading() as connection:
            found = connection.execute(pick).first() is not None
            dead = [] if found else _dead_owners(connection.scalars(
                sa.select(outbox.claimed_by).distinct().where(
                    outbox.status == PENDING, outbox.next_attempt_at <= now,
                    outbox.claimed_until > now)))
        if not found and not dead:
            return []
        until = now + lease_s
        with self._writing() as connection:
            if dead:
                connection.execute(tables.outbox.update()
                                   .where(outbox.claimed_by.in_(dead), outbox.status == PENDING)
                                   .values(claimed_by=None, claimed_until=None))
            if connection.dialect.name == "postgresql":
                pick = pick.with_for_update(skip_locked=True)
            ids = list(connection.scalars(pick))
            if not ids:
                return []
            connection.execute(tables.outbox.update().where(
                outbox.id.in_(ids), outbox.status == PENDING,
                sa.or_(outbox.claimed_until.is_(None), outbox.claimed_until <= now))
                .values(claimed_by=owner, claimed_until=until))
            return self._outbox_alerts(connection, ids, sa.and_(outbox.claimed_by == owner,
                                                                outbox.claimed_until == until))

    def confirm_claim(self, outbox_id: int, owner: str, now: float | None = None, *,
                      lease_s: float) -> bool:
        """Right before a send: is the row still `owner`'s and pending? Then
        its claim is renewed until `now + lease_s` and True comes back; False
        when another deliverer took it (our lease ran out) or it was settled."""
        now = time.time() if now is None else now
        outbox = tables.outbox.c
        with self._writing() as connection:
            return connection.execute(tables.outbox.update().where(
                outbox.id == outbox_id, outbox.claimed_by == owner, outbox.status == PENDING)
                .values(claimed_until=now + lease_s)).rowcount == 1

    def mark_sent(self, outbox_id: int) -> None:
        """The receiver accepted it: never send it again."""
        outbox = tables.outbox.c
        with self._writing() as connection:
            connection.execute(tables.outbox.update()
                               .where(outbox.id == outbox_id, outbox.status != SENT).values(
                status=SENT, attempts=outbox.attempts + 1, sent_at=_now(), last_error=None,
                claimed_by=None, claimed_until=None))

    def mark_failed(self, outbox_id: int, error: str, next_attempt_at: float | None, *,
                    owner: str | None = None) -> None:
        """One failed attempt: retry at `next_attempt_at`, or give up (status
        'failed') when it is None. With `owner`: only while the row is still
        that deliverer's (a claim taken over meanwhile is left alone)."""
        outbox = tables.outbox.c
        values: dict[str, Any] = dict(attempts=outbox.attempts + 1, last_error=error,
                                      claimed_by=None, claimed_until=None)
        if next_attempt_at is None:
            values["status"] = FAILED
        else:
            values["next_attempt_at"] = float(next_attempt_at)
        condition = [outbox.id == outbox_id, outbox.status == PENDING]
        if owner is not None:
            condition.append(outbox.claimed_by == owner)
        with self._writing() as connection:
            connection.execute(tables.outbox.update().where(*condition).values(**values))

    # ------------------------------------------------------------ deadline reminders

    def claim_reminder(self, deadline_id: int, due: str, address: str, owner: str,
                       now: float | None = None, *, lease_s: float) -> bool:
        """Claim the reminder of one deadline (at this due date) to one address
        before sending it: True when this process may send it now; False when
        it was sent already or another live process holds it."""
        now = time.time() if now is None else now
        send = tables.reminder_sends.c
        key = sa.and_(send.deadline_id == deadline_id, send.due == due, send.address == address)
        try:
            with self._writing() as connection:
                row = connection.execute(sa.select(send.sent_at, send.claimed_by, send.claimed_until)
                                         .where(key)).first()
                if row is None:
                    connection.execute(tables.reminder_sends.insert().values(
                        deadline_id=deadline_id, due=due, address=address, claimed_by=owner,
                        claimed_until=now + lease_s))
                    return True
                free = [send.claimed_until.is_(None), send.claimed_until <= now, send.claimed_by == owner]
                if row.claimed_by and _dead_owners([row.claimed_by]):
                    free.append(send.claimed_by == row.claimed_by)
                return connection.execute(tables.reminder_sends.update().where(
                    key, send.sent_at.is_(None), sa.or_(*free))
                    .values(claimed_by=owner, claimed_until=now + lease_s)).rowcount == 1
        except sa.exc.IntegrityError:
            return False        # PostgreSQL: another process inserted the claim first

    def settle_reminder(self, deadline_id: int, due: str, address: str, owner: str, *,
                        sent: bool) -> None:
        """Record a claimed reminder's outcome: sent, or released for the next run."""
        send = tables.reminder_sends.c
        values: dict[str, Any] = dict(claimed_by=None, claimed_until=None)
        if sent:
            values["sent_at"] = _now()
        with self._writing() as connection:
            connection.execute(tables.reminder_sends.update().where(
                send.deadline_id == deadline_id, send.due == due, send.address == address,
                send.sent_at.is_(None), send.claimed_by == owner).values(**values))

    def reminders_sent(self, deadline_id: int, due: str) -> set[str]:
        """The addresses the reminder of this deadline (at this due date) went to."""
        send = tables.reminder_sends.c
        with self._reading() as connection:
            return set(connection.scalars(sa.select(send.address).where(
                send.deadline_id == deadline_id, send.due == due, send.sent_at.is_not(None))))

    def outbox_counts(self) -> dict[str, int]:
        """Outbox rows by status: {'pending': n, 'sent': n, 'failed': n}."""
        outbox = tables.outbox.c
        counts = {PENDING: 0, SENT: 0, FAILED: 0}
        with self._reading() as connection:
            for status, count in connection.execute(
                    sa.select(outbox.status, sa.func.count()).group_by(outbox.status)):
                counts[status] = count
        return counts

    def outbox_rows(self) -> list[dict]:
        """Every outbox row (for status displays and tests), oldest first."""
        with self._reading() as connection:
            return [dict(row) for row in connection.execute(
                sa.select(tables.outbox).order_by(tables.outbox.c.id)).mappings()]
