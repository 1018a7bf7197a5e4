"""Interface language: gettext catalogs, Russian by default, English available.

Message ids in templates and code are English; `locale/<lang>/LC_MESSAGES/
khronika.po` holds the translations (English needs none). The .po files
are the source: they are compiled in memory when the app starts, so there
is no build step. To add strings: `pybabel extract -F babel.cfg -o
khronika/web/locale/khronika.pot khronika/web` and `pybabel update -i
khronika/web/locale/khronika.pot -d khronika/web/locale -D khronika`
(see docs/web.md).
"""
from __future__ import annotations

import gettext
import io
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from khronika import views

LOCALE_DIR = Path(__file__).with_name("locale")
DOMAIN = "khronika"
LANGUAGES = ("ru", "en")
DEFAULT_LANGUAGE = "ru"


@cache
def translations(language: str) -> gettext.NullTranslations:
    po = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if language not in LANGUAGES or not po.exists():
        return gettext.NullTranslations()
    with po.open("rb") as f:
        catalog = read_po(f, locale=language, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def pick_language(query_value: str | None, cookie_value: str | None, accept_language: str | None) -> str:
    """?lang= first, then the cookie, then the browser's preference, then Russian."""
    for value in (query_value, cookie_value):
        if value in LANGUAGES:
            return value
    for part in (accept_language or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return DEFAULT_LANGUAGE


def date_formatter(language: str):
    """Dates at their precision in one language (khronika.views)."""
    return views.format_date if language == "ru" else views.format_date_en


def event_label(event_type: str | None, language: str) -> str:
    """An event type as people read it, in one language."""
    return translations(language).gettext(EVENT_TYPE_LABELS.get(event_type, event_type or ""))


# Event types and case statuses as people read them. English ids; the
# Russian comes from the catalog like every other string.
EVENT_TYPE_LABELS = views.EVENT_LABELS_EN
CASE_STATUS_LABELS = {
    "detained": "detained", "in_custody": "in custody", "deported": "deported",
    "extradited": "extradited", "handed_over": "handed over", "released": "released",
    "asylum_pending": "asylum pending", "safe_abroad": "safe abroad",
}
# Where an event stands in review: the one vocabulary of the review queue,
# the person and document pages, the JSON API ("status") and the archive.
# The store keeps three states in events.review_status (store/casework.py);
# "edited" is a confirmed event whose type, date, place, country, destination
# or person a reviewer corrected (the audit log holds the correction).
REVIEW_STATUS_LABELS = {"unreviewed": "unreviewed", "confirmed": "confirmed", "edited": "edited",
                        "rejected": "rejected"}
STORED_REVIEW_STATUS = {"pending": "unreviewed", "confirmed": "confirmed", "rejected": "rejected"}
CORRECTABLE_EVENT_FIELDS = ("type", "date", "place", "country", "destination", "person_id")


def review_status(stored: str | None, *, edited: bool = False) -> str:
    """The vocabulary word for a stored events.review_status."""
    status = STORED_REVIEW_STATUS.get(stored or "pending", stored or "unreviewed")
    return "edited" if edited and status == "confirmed" else status


def corrects_event(before: dict | None, after: dict | None) -> bool:
    """Whether a review (its audit entry's before and after) changed what the event says."""
    before, after = before or {}, after or {}
    return any(key in after and after[key] != before.get(key) for key in CORRECTABLE_EVENT_FIELDS)


# Person attributes the extractors fill (khronika/nlp: "age", "occupation"),
# by their stored keys; a key not listed shows as stored.
ATTRIBUTE_LABELS = {"age": "age", "occupation": "occupation", "citizenship": "citizenship",
                    "birth_year": "year of birth", "born": "born", "nationality": "nationality"}


def attribute_label(key: str, language: str) -> str:
    return translations(language).gettext(ATTRIBUTE_LABELS.get(key, key))


ROLE_LABELS = {"admin": "administrator", "lawyer": "lawyer", "monitor": "monitor", "viewer": "viewer",
               "subject": "subject", "official": "official", "journalist": "journalist", "other": "other"}
