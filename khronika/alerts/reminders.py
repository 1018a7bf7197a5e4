"""Deadline reminders: an e-mail to each lawyer assigned to a case when one
of its open deadlines enters its reminder window (`remind_days` before the
due date), once per deadline.

    khronika reminders            # run daily (cron, a systemd timer)

Uses the SMTP settings of the alert e-mails (KHRONIKA_SMTP_*, see
docs/alerts.md). A deadline is marked reminded only after every address
took the message, so a failed run is retried by the next one. The message
goes only to the case's own lawyers; nothing is logged but counts.
"""
from __future__ import annotations

import datetime as dt
from email.message import EmailMessage
from email.utils import formatdate

from khronika.alerts.channels import SmtpSettings, smtp_send, one_line


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
    for deadline in store.due_reminders(today):
        if not deadline["emails"]:
            continue            # no lawyer with an address: the dashboard still shows it
        delivered = True
        for address in deadline["emails"]:
            try:
                smtp_send(reminder_message(deadline, address, settings.sender, today), settings)
                sent += 1
            except Exception as error:       # noqa: BLE001 - one bad address must not stop the others
                delivered = False
                errors.append(f"deadline {deadline['id']} to {address}: {type(error).__name__}: {error}")
        if delivered:
            store.mark_reminded(deadline["id"])
    return sent, errors
