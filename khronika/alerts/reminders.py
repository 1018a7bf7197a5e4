"""Deadline reminders: an e-mail to each lawyer assigned to a case when one
of its open deadlines enters its reminder window (`remind_days` before the
due date), once per deadline.

    khronika reminders            # run daily (cron, a systemd timer)

Uses the SMTP settings of the alert e-mails (KHRONIKA_SMTP_*, see
docs/alerts.md). A deadline is marked reminded only after every address
took the message, so a failed run is retried by the next one. The message
goes only to the case's own lawyers; nothing is logged but counts.

Each (deadline, due date, address) is claimed in the store before its
message is sent and recorded as sent right after (`Store.claim_reminder`,
table reminder_sends), so two runs at once (cron overlapping a watcher)
send each reminder once, and a retry after a failure goes only to the
addresses that did not take it. A crash between the send and the record
repeats that one message after the claim is taken over, with the same
Message-ID, which mail clients fold.
"""
from __future__ import annotations

import datetime as dt
from email.message import EmailMessage
from email.utils import formatdate

from khronika.alerts.channels import SmtpSettings, one_line, smtp_send
from khronika.store.watch import deliverer_id

# How long a claim on one reminder lasts: longer than an SMTP send may take.
LEASE_S = 120.0


def reminder_message(deadline: dict, to: str, sender: str, today: dt.date) -> EmailMessage:
    days = (dt.date.fromisoformat(deadline["due"]) - today).days
    when = "сегодня" if days == 0 else (f"просрочен на {-days} дн." if days < 0 else f"через {days} дн.")
    message = EmailMessage()
    message["Subject"] = one_line(f"Khronika: срок {when}: {deadline['title']} — {deadline['person_name']}")[:200]
    message["From"] = sender
    message["To"] = to
    message["Date"] = formatdate(localtime=False, usegmt=True)
    domain = sender.rpartition("@")[2] or "khronika.local"
    message["Message-ID"] = f"<deadline-{deadline['id']}-{deadline['due']}@{domain}>"
    message.set_content(
        f"{deadline['person_name']}\n{deadline['title']}\nСрок: {deadline['due']} ({when})\n\n"
        f"Дело: /cases/{deadline['person_id']}\n", charset="utf-8")
    return message


def send_due_reminders(store, today: dt.date | None = None,
                       settings: SmtpSettings | None = None) -> tuple[int, list[str]]:
    """Send what is due; returns (messages sent, errors naming deadline and address)."""
    today = today or dt.date.today()
    settings = settings or SmtpSettings.from_env()
    sent, errors = 0, []
    owner = deliverer_id()
    for deadline in store.due_reminders(today):
        if not deadline["emails"]:
            continue            # no lawyer with an address: the dashboard still shows it
        key = (deadline["id"], deadline["due"])
        for address in deadline["emails"]:
            if not store.claim_reminder(*key, address, owner, lease_s=LEASE_S):
                continue        # sent already, or another run is sending it now
            try:
                smtp_send(reminder_message(deadline, address, settings.sender, today), settings)
            except Exception as error:       # noqa: BLE001 - one bad address must not stop the others
                store.settle_reminder(*key, address, owner, sent=False)
                errors.append(f"deadline {deadline['id']} to {address}: {type(error).__name__}: {error}")
                continue
            store.settle_reminder(*key, address, owner, sent=True)
            sent += 1
        if set(deadline["emails"]) <= store.reminders_sent(*key):
            store.mark_reminded(deadline["id"])
    return sent, errors
