"""Watch rules, alerts and their delivery (issue 4).

    from khronika.alerts import queue_alerts
    queue_alerts(store, [document.id])            # after the document is stored
    sent, failed = await deliver_due(store)       # khronika.alerts.outbox

- `rules`: which events a rule matches (`match`, `alerts_for`), pure functions;
- `channels`: webhook, e-mail and Telegram senders, and the webhook payload;
- `outbox`: delivery of the persistent outbox with retries.
See docs/alerts.md for the payload schema and the delivery guarantees.
"""
from __future__ import annotations

from collections.abc import Iterable

from khronika.alerts.rules import alerts_for, match, warm_up
from khronika.model import Alert

__all__ = ["alerts_for", "alerts_for_events", "match", "queue_alerts", "queue_unqueued", "warm_up"]


def alerts_for_events(store, event_ids: Iterable[str]) -> list[Alert]:
    """The alerts the store's rules give for these stored events (not queued)."""
    event_ids = list(event_ids)
    if not event_ids:
        return []
    rules = store.rules()
    if not rules:
        return []
    events, persons, documents = store.alert_context(event_ids)
    return alerts_for(events, persons, documents, rules)


def queue_alerts(store, document_ids: Iterable[str]) -> int:
    """Queue the alerts for every event of these stored documents and mark
    the documents' items queued, in one transaction. Returns how many alerts
    were new. Safe to repeat: a (rule, event) is queued once ever."""
    document_ids = list(dict.fromkeys(document_ids))
    event_ids = [event_id for doc_id in document_ids for event_id in store.events_for_document(doc_id)]
    return store.enqueue_alerts(alerts_for_events(store, event_ids), documents=document_ids)


def queue_unqueued(store) -> int:
    """After a crash: queue the alerts of every watch document still owed them."""
    return queue_alerts(store, store.unqueued_documents())
