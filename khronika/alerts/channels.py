"""Delivering one alert: webhook, e-mail, Telegram bot.

Each sender is `async def send_X(rule, alert, delivery_id, ...) -> None`; it
returns when the receiver accepted the alert and raises `DeliveryError`
otherwise. `delivery_id` is the outbox row id: the same for every retry of
one (rule, event), so a receiver can drop a repeat. Scraped text (names,
evidence) always travels as plain text: JSON strings, a text/plain e-mail,
a Telegram message without parse_mode.

Webhook
-------
`POST <rule.target>` with `Content-Type: application/json; charset=utf-8`
and the body (UTF-8 JSON, version 1):

    {
      "version": 1,
      "alert_id": "3f1c…",              # stable per (rule, event): sha256(rule_id NUL event_id)[:32]
      "rule":   {"id": "r-…", "name": "Казахстан: экстрадиции" | null},
      "person": {"id": "…", "name": "Юлия Емельянова", "name_latin": "Yulia Emelyanova"},
      "event":  {"id": "…", "type": "detained", "date": "2026-01" | null,
                 "place": "Алматы" | null, "country": "KZ" | null,
                 "destination": "RU" | null, "evidence": "В конце января …"},
      "source": {"url": "https://…" | "<path>" | null,
                 "captured_at": "2026-02-03T10:00:00+00:00" | null, "document_id": "…"}
    }

Headers:
- `X-Khronika-Delivery: <outbox id>`: the same on every retry of this alert;
  a receiver that has seen it already should answer 2xx and drop the body.
- `Idempotency-Key: <alert_id>`: the same on every retry, in every store.
- `X-Khronika-Timestamp: <unix seconds>`: when this attempt was signed (on every
  delivery; each retry has its own).
- `X-Khronika-Signature: sha256=<hex>`: HMAC-SHA256, with the rule's secret, of
  the timestamp, a dot and the raw body bytes: `b"<timestamp>." + body` (only
  when the rule has a secret). Verify before parsing, and refuse a timestamp
  more than a few minutes from now, so a captured delivery cannot be replayed:
  `hmac.compare_digest(header, "sha256=" + hmac.new(secret, ts + b"." + body, sha256).hexdigest())`.
- `X-Khronika-Event: alert`, `User-Agent: khronika/<version>`.

Any 2xx is delivered; anything else (including a redirect, which is not
followed) is a failure to retry. `Retry-After` on 429/503 is honoured.

E-mail
------
SMTP to `rule.target`, settings from the environment:
KHRONIKA_SMTP_HOST (default localhost), KHRONIKA_SMTP_PORT (default 25),
KHRONIKA_SMTP_USER and KHRONIKA_SMTP_PASSWORD (log in when set),
KHRONIKA_SMTP_FROM (default khronika@localhost), KHRONIKA_SMTP_CAFILE (extra
CA certificates to trust, e.g. a self-signed relay). STARTTLS is used
whenever the server offers it; a password is never sent over a connection
without TLS except to a server on this machine. The message is text/plain,
in Russian, with the same fields, a stable Message-ID and the
X-Khronika-Delivery header.

Telegram
--------
Bot API `POST {KHRONIKA_TELEGRAM_API}/bot{KHRONIKA_TELEGRAM_TOKEN}/sendMessage`
with JSON {chat_id: rule.target, text, disable_web_page_preview: true} and
no parse_mode (plain text). The API base defaults to Telegram's own servers.
Delivered when the answer is 2xx with {"ok": true}.
"""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import ipaddress
import json
import os
import re
import smtplib
import ssl
import time
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate

import httpx

from khronika import __version__
from khronika.geo import country_name, country_of
from khronika.model import Alert, Rule
from khronika.views import EVENT_LABELS_RU, format_date, place_label

CHANNELS = ("webhook", "email", "telegram")
PAYLOAD_VERSION = 1
SIGNATURE_HEADER = "X-Khronika-Signature"
TIMESTAMP_HEADER = "X-Khronika-Timestamp"
DELIVERY_HEADER = "X-Khronika-Delivery"
HTTP_TIMEOUT_S = 10.0
SMTP_TIMEOUT_S = 30.0
TELEGRAM_TEXT_LIMIT = 4096

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u2028\u2029]")


class DeliveryError(Exception):
    """The receiver did not accept the alert.

    `permanent`: retrying cannot help (unknown channel, removed rule).
    `retry_after`: seconds the receiver asked us to wait, when it said so.
    """

    def __init__(self, message: str, *, permanent: bool = False, retry_after: float | None = None):
        super().__init__(message)
        self.permanent = permanent
        self.retry_after = retry_after


# ---------------------------------------------------------------- payload

def alert_id(alert: Alert) -> str:
    """A stable id of one (rule, event) alert, the same in every store and retry."""
    return hashlib.sha256(f"{alert.rule_id}\0{alert.event_id}".encode()).hexdigest()[:32]


def alert_country(alert: Alert) -> str | None:
    """ISO code of where the event happened: the event's own country once
    Alert carries it (khronika/model.py), until then the country its place
    names. Never one read from the evidence sentence, as at ingest."""
    return getattr(alert, "country", None) or country_of(alert.place)


def alert_destination(alert: Alert) -> str | None:
    """ISO code of the country a removal or flight went to, once Alert carries it."""
    return getattr(alert, "destination", None)


def payload(rule: Rule, alert: Alert) -> dict:
    """The webhook body as a dict (schema in the module docstring)."""
    return {
        "version": PAYLOAD_VERSION,
        "alert_id": alert_id(alert),
        "rule": {"id": rule.id, "name": rule.name},
        "person": {"id": alert.person_id, "name": alert.person, "name_latin": alert.person_latin},
        "event": {"id": alert.event_id, "type": alert.type, "date": alert.date, "place": alert.place,
                  "country": alert_country(alert), "destination": alert_destination(alert),
                  "evidence": alert.evidence},
        "source": {"url": alert.source_url, "captured_at": alert.captured_at,
                   "document_id": alert.document_id},
    }


def signature(secret: str, body: bytes, timestamp: str) -> str:
    """The X-Khronika-Signature value: "sha256=<hex HMAC-SHA256 of b'<timestamp>.' + body>"."""
    signed = timestamp.encode("ascii") + b"." + body
    return "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def webhook_request(rule: Rule, alert: Alert, delivery_id: int | str,
                    now: float | None = None) -> tuple[bytes, dict[str, str]]:
    """The exact body bytes and headers a webhook delivery sends (signed at `now`)."""
    body = json.dumps(payload(rule, alert), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    timestamp = str(int(time.time() if now is None else now))
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": f"khronika/{__version__}",
        "X-Khronika-Event": "alert",
        DELIVERY_HEADER: str(delivery_id),
        TIMESTAMP_HEADER: timestamp,
        # The same on every retry and in every store: what a receiver dedups by.
        "Idempotency-Key": alert_id(alert),
    }
    if rule.secret:
        headers[SIGNATURE_HEADER] = signature(rule.secret, body, timestamp)
    return body, headers


def plain(text: str | None) -> str:
    """Scraped text made safe for a plain-text line: no control characters."""
    return _CONTROL.sub(" ", text or "").strip()


def one_line(text: str | None) -> str:
    return " ".join(plain(text).split())


def message_text(rule: Rule, alert: Alert, delivery_id: int | str) -> str:
    """The alert as plain Russian text (e-mail body, Telegram message)."""
    person = one_line(alert.person)
    if alert.person_latin and alert.person_latin != alert.person:
        person += f" ({one_line(alert.person_latin)})"
    label = EVENT_LABELS_RU.get(alert.type, alert.type)
    destination = alert_destination(alert)
    lines = [
        f"Новое событие: {person}: {label}",
        "",
        f"Кто: {person}",
        f"Что: {label} ({alert.type})",
        f"Когда: {format_date(alert.date)}",
        f"Где: {one_line(place_label(alert.place, alert_country(alert))) or 'не указано'}",
        *([f"Куда: {country_name(destination)}"] if destination else []),
        f"Из текста: «{one_line(alert.evidence)}»",
        f"Источник: {one_line(alert.source_url) or 'не указан'}",
        f"Снимок сохранён: {alert.captured_at or 'неизвестно'} (документ {alert.document_id})",
        "",
        f"Правило: {one_line(rule.name) or rule.id}; оповещение {alert_id(alert)}, доставка {delivery_id}.",
    ]
    return "\n".join(lines)


# ---------------------------------------------------------------- webhook

def _where(url: str) -> str:
    """A webhook URL for a log line: scheme, host and port only (paths often hold tokens)."""
    try:
        parsed = httpx.URL(url)
        return f"{parsed.scheme}://{parsed.host}" + (f":{parsed.port}" if parsed.port else "")
    except Exception:
        return "(invalid URL)"


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    if value and value.strip().isdigit():
        return float(value.strip())
    return None


async def send_webhook(rule: Rule, alert: Alert, delivery_id: int | str,
                       client: httpx.AsyncClient) -> None:
    body, headers = webhook_request(rule, alert, delivery_id)
    try:
        response = await client.post(rule.target, content=body, headers=headers,
                                     timeout=HTTP_TIMEOUT_S, follow_redirects=False)
    except httpx.HTTPError as exc:
        raise DeliveryError(f"webhook {_where(rule.target)}: {type(exc).__name__}: {exc}") from None
    if not 200 <= response.status_code < 300:
        raise DeliveryError(f"webhook {_where(rule.target)}: HTTP {response.status_code}",
                            retry_after=_retry_after(response))


# ---------------------------------------------------------------- e-mail

@dataclass
class SmtpSettings:
    host: str = "localhost"
    port: int = 25
    user: str | None = None
    password: str | None = None
    sender: str = "khronika@localhost"
    cafile: str | None = None
    timeout_s: float = SMTP_TIMEOUT_S

    @classmethod
    def from_env(cls, environ=None) -> SmtpSettings:
        env = os.environ if environ is None else environ
        return cls(host=env.get("KHRONIKA_SMTP_HOST") or "localhost",
                   port=int(env.get("KHRONIKA_SMTP_PORT") or 25),
                   user=env.get("KHRONIKA_SMTP_USER") or None,
                   password=env.get("KHRONIKA_SMTP_PASSWORD") or None,
                   sender=env.get("KHRONIKA_SMTP_FROM") or "khronika@localhost",
                   cafile=env.get("KHRONIKA_SMTP_CAFILE") or None)


def _is_local_host(host: str) -> bool:
    if host in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def email_message(rule: Rule, alert: Alert, delivery_id: int | str, sender: str) -> EmailMessage:
    message = EmailMessage()
    label = EVENT_LABELS_RU.get(alert.type, alert.type)
    subject = f"Khronika: {one_line(alert.person)}: {label}"
    if alert.date:
        subject += f", {format_date(alert.date)}"
    message["Subject"] = subject[:200]
    message["From"] = sender
    message["To"] = one_line(rule.target)
    message["Date"] = formatdate(localtime=False, usegmt=True)
    # Stable across retries, so a mail client can fold a repeat.
    domain = sender.rpartition("@")[2] or "khronika.local"
    message["Message-ID"] = f"<{alert_id(alert)}@{domain}>"
    message[DELIVERY_HEADER] = str(delivery_id)
    message.set_content(message_text(rule, alert, delivery_id), subtype="plain", charset="utf-8")
    return message


def smtp_send(message: EmailMessage, settings: SmtpSettings) -> None:
    with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout_s) as smtp:
        smtp.ehlo()
        secure = False
        if smtp.has_extn("starttls"):
            context = ssl.create_default_context(cafile=settings.cafile)
            smtp.starttls(context=context)
            smtp.ehlo()
            secure = True
        if settings.user:
            if not secure and not _is_local_host(settings.host):
                raise DeliveryError(f"SMTP {settings.host}:{settings.port} offers no STARTTLS; "
                                    "not sending the password in clear")
            smtp.login(settings.user, settings.password or "")
        smtp.send_message(message)


async def send_email(rule: Rule, alert: Alert, delivery_id: int | str,
                     settings: SmtpSettings | None = None) -> None:
    settings = settings or SmtpSettings.from_env()
    message = email_message(rule, alert, delivery_id, settings.sender)
    try:
        await asyncio.to_thread(smtp_send, message, settings)
    except DeliveryError:
        raise
    except (smtplib.SMTPException, OSError, ssl.SSLError) as exc:
        raise DeliveryError(f"e-mail to {rule.target} via {settings.host}:{settings.port}: "
                            f"{type(exc).__name__}: {exc}") from None


# ---------------------------------------------------------------- Telegram

def telegram_api_base(environ=None) -> str:
    env = os.environ if environ is None else environ
    configured = env.get("KHRONIKA_TELEGRAM_API")
    if configured:
        return configured.rstrip("/")
    return "https://" + ".".join(("api", "telegram", "org"))


def telegram_text(rule: Rule, alert: Alert, delivery_id: int | str) -> str:
    text = message_text(rule, alert, delivery_id)
    if len(text) <= TELEGRAM_TEXT_LIMIT:
        return text
    # Shorten the evidence, never the facts around it.
    excess = len(text) - TELEGRAM_TEXT_LIMIT + 1
    evidence = one_line(alert.evidence)
    shortened = Alert(**{**alert.__dict__, "evidence": evidence[:max(0, len(evidence) - excess)] + "…"})
    return message_text(rule, shortened, delivery_id)[:TELEGRAM_TEXT_LIMIT]


async def send_telegram(rule: Rule, alert: Alert, delivery_id: int | str,
                        client: httpx.AsyncClient) -> None:
    token = os.environ.get("KHRONIKA_TELEGRAM_TOKEN")
    if not token:
        raise DeliveryError("telegram: KHRONIKA_TELEGRAM_TOKEN is not set")
    url = f"{telegram_api_base()}/bot{token}/sendMessage"
    body = {"chat_id": rule.target, "text": telegram_text(rule, alert, delivery_id),
            "disable_web_page_preview": True}
    # Error messages never include `url`: it holds the bot token.
    try:
        response = await client.post(url, json=body, timeout=HTTP_TIMEOUT_S, follow_redirects=False)
    except httpx.HTTPError as exc:
        raise DeliveryError(f"telegram chat {rule.target}: {type(exc).__name__}") from None
    try:
        answer = response.json()
    except ValueError:
        answer = {}
    if 200 <= response.status_code < 300 and isinstance(answer, dict) and answer.get("ok") is True:
        return
    retry_after = None
    if isinstance(answer, dict):
        retry_after = (answer.get("parameters") or {}).get("retry_after")
        description = str(answer.get("description") or "")[:200]
    else:
        description = ""
    raise DeliveryError(f"telegram chat {rule.target}: HTTP {response.status_code} {description}".strip(),
                        retry_after=float(retry_after) if isinstance(retry_after, (int, float)) else None)


# ---------------------------------------------------------------- dispatch

async def send(rule: Rule, alert: Alert, delivery_id: int | str, client: httpx.AsyncClient) -> None:
    """Deliver one alert through its rule's channel; raises DeliveryError on failure."""
    if rule.channel == "webhook":
        await send_webhook(rule, alert, delivery_id, client)
    elif rule.channel == "email":
        await send_email(rule, alert, delivery_id)
    elif rule.channel == "telegram":
        await send_telegram(rule, alert, delivery_id, client)
    else:
        raise DeliveryError(f"rule {rule.id}: unknown channel {rule.channel!r}", permanent=True)
