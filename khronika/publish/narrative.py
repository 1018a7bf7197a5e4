"""A person's summary as a paragraph a reader can follow, in their language.

    sentences = summary(person, cites, status, language="en")
    # [Sentence("On 27 January 2026, Yulia Emelyanova was detained in Almaty, Kazakhstan", (1,)), ...]

One sentence per confirmed fact in date order (who did what, when, where,
on what charge, to which country), then the last known status and what the
account rests on; each sentence cites its sources' numbers
(`citations.numbered_sources`). Russian uses the person's gender for the
verb forms ("была задержана"); when it is unknown and cannot be told from
the surname, a neutral wording ("27 января 2026 — задержание"). English
names the person by their Latin name and writes places in English (the
gazetteer's names, other words romanized); a charge English has no word
for here stays quoted as the source wrote it.

Every text in it came through the public gate (places and charges already
masked for withheld persons); the page templates escape it.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from khronika.geo import country_name
from khronika.person_status import (
    REMOVALS,
    PersonStatus,
    country_case,
    display_name,
    guess_gender,
    in_date_order,
    in_place_ru,
    on_date,
    split_charge,
    where_words,
)
from khronika.publish.public import PublicPerson


@dataclass(frozen=True, slots=True)
class Sentence:
    text: str                 # without its full stop: the citations go before it
    cites: tuple[int, ...]


# English verb phrases by event type.
EN = {
    "fled": "left the country", "wanted": "was put on a wanted list", "detained": "was detained",
    "arrested": "was remanded in custody", "charged": "was charged",
    "extradition_requested": "became the subject of an extradition request",
    "extradition_approved": "was cleared for extradition", "extradition_denied": "was spared extradition",
    "extradited": "was extradited", "deportation_ordered": "was ordered deported", "deported": "was deported",
    "handed_over": "was handed over", "transferred": "was transferred", "entry_refused": "was refused entry",
    "asylum_applied": "applied for asylum", "asylum_denied": "was refused asylum",
    "asylum_granted": "was granted asylum", "released": "was released", "sentenced": "was sentenced",
    "appeal_filed": "filed an appeal", "escaped": "escaped", "disappeared": "disappeared",
}
# Russian: (masculine, feminine, a noun for a neutral wording).
RU = {
    "fled": ("выехал из страны", "выехала из страны", "выезд из страны"),
    "wanted": ("был объявлен в розыск", "была объявлена в розыск", "объявление в розыск"),
    "detained": ("был задержан", "была задержана", "задержание"),
    "arrested": ("был арестован", "была арестована", "арест"),
    "charged": ("был обвинён", "была обвинена", "обвинение"),
    "extradition_requested": ("стал объектом запроса об экстрадиции", "стала объектом запроса об экстрадиции",
                              "запрос об экстрадиции"),
    "extradition_approved": ("был признан подлежащим экстрадиции", "была признана подлежащей экстрадиции",
                             "решение об экстрадиции"),
    "extradition_denied": ("избежал экстрадиции", "избежала экстрадиции", "отказ в экстрадиции"),
    "extradited": ("был экстрадирован", "была экстрадирована", "экстрадиция"),
    "deportation_ordered": ("получил решение о депортации", "получила решение о депортации",
                            "решение о депортации"),
    "deported": ("был депортирован", "была депортирована", "депортация"),
    "handed_over": ("был передан", "была передана", "передача"),
    "transferred": ("был этапирован", "была этапирована", "этапирование"),
    "entry_refused": ("получил отказ во въезде", "получила отказ во въезде", "отказ во въезде"),
    "asylum_applied": ("попросил убежища", "попросила убежища", "запрос убежища"),
    "asylum_denied": ("получил отказ в убежище", "получила отказ в убежище", "отказ в убежище"),
    "asylum_granted": ("получил убежище", "получила убежище", "предоставление убежища"),
    "released": ("был освобождён", "была освобождена", "освобождение"),
    "sentenced": ("был приговорён", "была приговорена", "приговор"),
    "appeal_filed": ("подал апелляцию", "подала апелляцию", "апелляция"),
    "escaped": ("совершил побег", "совершила побег", "побег"),
    "disappeared": ("пропал без вести", "пропала без вести", "исчезновение"),
}
_GOING = REMOVALS + ("fled", "extradition_requested", "extradition_approved", "deportation_ordered")


def _term_ru_dative(years: float) -> str:
    """"к 6 годам", "к 1 году", "к 1,5 года"."""
    if years != int(years):
        return f"{years:g}".replace(".", ",") + " года"
    n = int(years)
    return f"{n} {'году' if n % 10 == 1 and n % 100 != 11 else 'годам'}"


def _details(fact, language: str) -> str:
    """The destination, the place, the term and the charge of one fact."""
    ru = language == "ru"
    out = ""
    if fact.destination and fact.type in _GOING:
        if fact.type == "handed_over":
            out += f" властям {country_case(fact.destination, 'of')}" if ru \
                else f" to the authorities of {country_name(fact.destination, 'en')}"
        else:
            out += f" в {country_case(fact.destination, 'to')}" if ru \
                else f" to {country_name(fact.destination, 'en')}"
    if fact.type == "sentenced" and fact.term_years:
        out += f" к {_term_ru_dative(fact.term_years)}" if ru else \
            f" to {fact.term_years:g} {'year' if fact.term_years == 1 else 'years'}"
    name, article = split_charge(fact.charge, language)
    if ru:
        if article:
            out += f" по {article}" + (f" ({name})" if name else "")
        elif name:
            out += f" — {name}" if fact.type == "charged" else f" (обвинение: {name})"
    elif name or article:
        what = ", ".join(x for x in (name, article) if x)
        out += f" with {what}" if fact.type == "charged" else f" on a charge of {what}"
    where = where_words(fact.place, fact.country, language)
    if where:
        if ru:
            # "в Астане, Казахстан" where the place is one name; a phrase or a removal's origin in brackets.
            simple = where.partition(", ")[0].isalpha() and fact.type not in REMOVALS
            out += f" в {in_place_ru(where)}" if simple else f" ({where})"
        else:
            out += f" from {where}" if fact.type in REMOVALS else f" in {where}"
    return out


def _count_ru(n: int, one: str, few: str, many: str) -> str:
    if n % 10 == 1 and n % 100 != 11:
        return f"{n} {one}"
    return f"{n} {few if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14 else many}"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def summary(person: PublicPerson, cites: Mapping[str, list[int]], status: PersonStatus,
            language: str = "ru") -> list[Sentence]:
    """The paragraph, sentence by sentence (see the module docstring)."""
    ru = language == "ru"
    facts = person.facts
    if not facts:
        return [Sentence("Подтверждённых фактов нет" if ru else "No confirmed facts", ())]
    gender = guess_gender(person.gender, display_name(person.name, person.name_latin, person.aliases))
    name = display_name(person.name, person.name_latin, person.aliases, language)
    pronoun = {"m": ("он", "he"), "f": ("она", "she")}.get(gender)
    dated, undated = in_date_order(facts)
    sentences: list[Sentence] = []
    for index, fact in enumerate(dated + undated):
        subject = name if index == 0 or pronoun is None else pronoun[0 if ru else 1]
        when = on_date(fact.date, language)
        details = _details(fact, language)
        if ru:
            forms = RU.get(fact.type, (fact.type, fact.type, fact.type))
            if gender is None:
                text = f"{when or 'Дата не сообщается'} — {forms[2]}{details}"
                if index == 0:
                    text = f"{name}: {text[:1].lower() + text[1:] if not when else text}"
            else:
                verb = forms[0 if gender == "m" else 1]
                text = f"{when} {subject} {verb}{details}" if when else \
                    f"Дата не сообщается: {subject} {verb}{details}"
        else:
            verb = EN.get(fact.type, fact.type)
            text = f"{when}, {subject} {verb}{details}" if when else \
                f"At a date the sources do not give, {subject} {verb}{details}"
        sentences.append(Sentence(_capital(text.strip()), tuple(cites.get(fact.id, ()))))
    basis = status.basis
    if basis is not None and dated and basis is dated[-1] and status.kind not in ("custody", "wanted",
                                                                                  "disappeared"):
        # The state is the last event itself: saying it again would only repeat that sentence.
        sentences.append(Sentence("Более поздних сведений нет" if ru else "Nothing later has been reported", ()))
    else:
        status_cites = tuple(cites.get(basis.id, ())) if basis is not None else ()
        sentences.append(Sentence(
            ("Последнее известное положение: " if ru else "Last known status: ") + status.headline, status_cites))
    documents = len({s.document_id for f in facts for s in f.sources})
    if ru:
        sentences.append(Sentence(
            f"Изложение основано на {_count_ru(len(facts), 'факте', 'фактах', 'фактах')}, подтверждённых "
            f"редакторами, из {_count_ru(documents, 'источника', 'источников', 'источников')}", ()))
    else:
        sentences.append(Sentence(
            f"This account rests on {len(facts)} {'fact' if len(facts) == 1 else 'facts'} confirmed by "
            f"reviewers, from {documents} {'source' if documents == 1 else 'sources'}", ()))
    return sentences


# The words of the status, summary and source blocks of the archive's person
# page and the dossier, in both languages (kept here with the sentences they frame).
PAGE_WORDS = {
    "status": ("Текущее положение", "Current status"), "last_event": ("Последнее событие", "Last event"),
    "charges": ("Обвинения и сроки", "Charges and terms"), "article": ("статья", "article"),
    "term": ("срок", "term"), "summary": ("Кратко", "Summary"), "sources": ("Источники", "Sources"),
    "sources_note": ("Каждый источник указан один раз; номера в квадратных скобках у фактов и в тексте "
                     "ссылаются на этот список.",
                     "Each source is listed once; the numbers in brackets next to the facts and in the "
                     "summary refer to this list."),
    "local_file": ("локальный файл", "local file"), "no_url": ("нет публичного адреса", "no public URL"),
    "captured": ("сохранён", "captured"), "published": ("опубликован", "published"),
    "snapshot": ("сохранённая копия (скачать)", "archived copy (download)"),
    "untitled": ("документ без названия", "untitled document"), "none": ("не сообщались", "none reported"),
    "confirmed_only": ("Только факты, подтверждённые редактором.", "Only facts confirmed by a reviewer."),
}


def page_words(language: str) -> dict[str, str]:
    index = 0 if language == "ru" else 1
    return {key: pair[index] for key, pair in PAGE_WORDS.items()}
