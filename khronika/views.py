"""Presentation helpers shared by the CLI, the web app and the exports."""
from __future__ import annotations

MONTHS_RU = ("январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август",
             "сентябрь", "октябрь", "ноябрь", "декабрь")
MONTHS_RU_GEN = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
                 "сентября", "октября", "ноября", "декабря")


MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December")


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


def event_label(event_type: str) -> str:
    return f"{EVENT_LABELS_RU.get(event_type, event_type)} ({event_type})"
