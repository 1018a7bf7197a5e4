"""Presentation helpers shared by the CLI, the web app and the exports."""
from __future__ import annotations

from babel.dates import get_month_names

from khronika.geo import country_name


def _months(language: str, context: str) -> tuple[str, ...]:
    # CLDR's month names (Babel): "stand-alone" for a month alone ("январь
    # 2026"), "format" inside a day's date ("28 января 2026").
    return tuple(get_month_names("wide", context, language).values())


MONTHS_RU = _months("ru", "stand-alone")
MONTHS_RU_GEN = _months("ru", "format")
MONTHS_EN = _months("en", "stand-alone")


def _format_date(iso: str | None, unknown: str, months: tuple[str, ...], months_of: tuple[str, ...]) -> str:
    """An ISO date at its own precision, with a language's month names
    (`months` alone, `months_of` in a day's date)."""
    if not iso:
        return unknown
    if "/" in iso:
        return "–".join(_format_date(part, unknown, months, months_of) for part in iso.split("/"))
    parts = iso.split("-")
    try:
        if len(parts) == 1:
            return parts[0]
        month = int(parts[1])
        if len(parts) == 2:
            return f"{months[month - 1]} {parts[0]}"
        return f"{int(parts[2][:2])} {months_of[month - 1]} {parts[0]}"
    except (ValueError, IndexError):
        return iso


def format_date(iso: str | None) -> str:
    """An ISO date at its own precision, in Russian: '2026' -> '2026',
    '2026-01' -> 'январь 2026', '2026-01-28' -> '28 января 2026',
    '2022/2023' -> '2022–2023', None -> 'дата неизвестна'."""
    return _format_date(iso, "дата неизвестна", MONTHS_RU, MONTHS_RU_GEN)


def format_date_en(iso: str | None) -> str:
    """The same in English: '2026-01' -> 'January 2026', '2026-01-28' -> '28 January 2026'."""
    return _format_date(iso, "date unknown", MONTHS_EN, MONTHS_EN)


def format_date_in(iso: str | None, language: str) -> str:
    """`format_date` in Russian, `format_date_en` in any other language."""
    return format_date(iso) if language == "ru" else format_date_en(iso)


def format_term(years: float | None, language: str = "ru") -> str:
    """A sentence's length: "1 год", "3 года", "12 лет", "1,5 года" (a
    fraction takes "года"); in English "1 year", "1.5 years". "" for none."""
    if not years:
        return ""
    number = f"{years:g}"
    if language != "ru":
        return f"{number} {'year' if years == 1 else 'years'}"
    if years != int(years):
        return f"{number.replace('.', ',')} года"
    n = int(years)
    if n % 10 == 1 and n % 100 != 11:
        word = "год"
    elif 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        word = "года"
    else:
        word = "лет"
    return f"{number} {word}"


def place_label(place: str | None, country: str | None, language: str = "ru") -> str:
    """Where something happened, for a timeline line: the place with its
    country's name after it, unless the place already names the country
    ("Алматы (Казахстан)", but "Алматы, Казахстан" as it is); the country
    alone when there is no place; "" when neither is known."""
    place = (place or "").strip()
    name = country_name(country, language) if country else None
    if not name:
        return place
    if not place:
        return name
    folded = place.casefold()
    # Any of the country's display names, inflected: "в Казахстане" names Казахстан.
    for known in {name, country_name(country, "ru"), country_name(country, "en")}:
        stem = known.casefold()
        stem = stem[:-1] if len(stem) > 4 else stem
        if stem in folded:
            return place
    return f"{place} ({name})"


# Event types as a Russian-speaking monitor reads them in a timeline.
EVENT_LABELS_RU = {
    "fled": "покинул(а) страну", "wanted": "объявлен(а) в розыск", "detained": "задержание",
    "arrested": "арест / под стражей", "charged": "обвинение", "extradition_requested": "запрос об экстрадиции",
    "extradition_approved": "экстрадиция одобрена", "extradition_denied": "в экстрадиции отказано",
    "extradited": "экстрадирован(а)", "deportation_ordered": "решение о депортации",
    "deported": "депортирован(а)", "handed_over": "передан(а) властям страны происхождения",
    "transferred": "этапирован(а) / переведён(а)", "entry_refused": "отказ во въезде",
    "asylum_applied": "запрос убежища", "asylum_denied": "в убежище отказано",
    "asylum_granted": "убежище предоставлено", "released": "освобождение", "sentenced": "приговор",
    "appeal_filed": "апелляция", "escaped": "побег", "disappeared": "исчезновение",
}


# The same in English: the message ids of the web app's gettext catalog
# (khronika.web.i18n.EVENT_TYPE_LABELS is this table), whose Russian
# translations are EVENT_LABELS_RU (tests/test_page_language.py holds them equal).
EVENT_LABELS_EN = {
    "fled": "left the country", "wanted": "put on a wanted list", "detained": "detained",
    "arrested": "arrested / in custody", "charged": "charged",
    "extradition_requested": "extradition requested", "extradition_approved": "extradition approved",
    "extradition_denied": "extradition denied", "extradited": "extradited",
    "deportation_ordered": "deportation ordered", "deported": "deported",
    "handed_over": "handed over to the home country", "transferred": "transferred",
    "entry_refused": "entry refused", "asylum_applied": "applied for asylum",
    "asylum_denied": "asylum denied", "asylum_granted": "asylum granted", "released": "released",
    "sentenced": "sentenced", "appeal_filed": "appeal filed", "escaped": "escaped",
    "disappeared": "disappeared",
}


def event_label(event_type: str, language: str = "ru") -> str:
    """An event type in one language: "покинул(а) страну" or "left the country"."""
    table = EVENT_LABELS_RU if language == "ru" else EVENT_LABELS_EN
    return table.get(event_type, event_type)
