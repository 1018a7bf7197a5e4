"""Publication dates as sources write them, to ISO 8601 at the precision given."""
from __future__ import annotations

import email.utils
import re
from datetime import date, datetime

_MONTHS = {
    "января": 1, "февраля": 2, "марта": 3, "апреля": 4, "мая": 5, "июня": 6, "июля": 7,
    "августа": 8, "сентября": 9, "октября": 10, "ноября": 11, "декабря": 12,
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
_PARTIAL_ISO = re.compile(r"(\d{4})(?:-(\d{2}))?")
_DOTTED = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[ ,T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?")
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})\s+([^\W\d_]+)\.?,?\s+(\d{4})(?:\s*(?:года|г\.))?")
_MONTH_DAY_YEAR = re.compile(r"([^\W\d_]+)\.?\s+(\d{1,2}),?\s+(\d{4})")


def normalize_published(value: object) -> str | None:
    """An ISO 8601 date or datetime at the precision given, or None.

    Accepts date/datetime objects, ISO strings ("2026-02", "2026-02-03T10:00Z"),
    "03.02.2026 [10:00]", RFC 2822 and "3 февраля 2026" / "February 3, 2026".
    """
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        return _from_iso(text) or _from_patterns(text) or _from_rfc2822(text)
    except ValueError:      # the shape matched but the numbers are no date (month 13)
        return None


def _from_iso(text: str) -> str | None:
    if match := _PARTIAL_ISO.fullmatch(text):
        year, month = match.groups()
        if month is None:
            return year
        date(int(year), int(month), 1)
        return text
    if not re.match(r"\d{4}-\d{2}-\d{2}", text):
        return None
    parsed = datetime.fromisoformat(text)
    return parsed.date().isoformat() if len(text) == 10 else parsed.isoformat(timespec="seconds")


def _from_patterns(text: str) -> str | None:
    if match := _DOTTED.fullmatch(text):
        day, month, year, hour, minute, second = match.groups()
        if hour is None:
            return date(int(year), int(month), int(day)).isoformat()
        return datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0)).isoformat()
    if match := _DAY_MONTH_YEAR.fullmatch(text):
        day, month_name, year = match.groups()
    elif match := _MONTH_DAY_YEAR.fullmatch(text):
        month_name, day, year = match.groups()
    else:
        return None
    month = _MONTHS.get(month_name.lower())
    return date(int(year), month, int(day)).isoformat() if month else None


def _from_rfc2822(text: str) -> str | None:
    try:
        return email.utils.parsedate_to_datetime(text).isoformat(timespec="seconds")
    except (TypeError, ValueError, IndexError):
        return None
