"""A person's current status, read from their timeline facts (pure: no store, no web).

    from khronika.person_status import person_status
    status = person_status(facts, language="en", gender="f")
    status.headline     # "in custody in SIZO-1, Almaty, Kazakhstan since 28 January 2026"
    status.charges      # [Charge(name="desertion", article="Article 337, part 5 (Criminal Code)", term="6 years")]

`facts` are timeline facts in any shape that has the fields `type`, `date`,
`place`, `country`, `destination`, `charge`, `term_years` (a store `Fact`,
a `PublicFact`, or the dicts of the web app's timeline). When some carry
`confirmed=True`, only those count: a status rests on what a reviewer
confirmed.

The facts are walked in date order; each custody, removal, release, flight
or disappearance sets the state, the others (charges, requests, appeals)
leave it as it was. Undated facts never set the state (their place in time
is unknown) but their charges are listed. Wording in Russian and English;
dates in words with Babel ("28 января 2026", "январь 2026", "2026").
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from babel.dates import format_date as _babel_date

from khronika.geo import country_name, find_places
from khronika.store.facts import date_interval
from khronika.translit import romanize
from khronika.views import format_term

CUSTODY = ("detained", "arrested", "transferred")
REMOVALS = ("extradited", "deported", "handed_over")
# The kinds a status can be, each set by these event types.
STATE_OF = {"detained": "custody", "arrested": "custody", "transferred": "custody",
            "released": "released", "escaped": "escaped", "extradited": "extradited",
            "deported": "deported", "handed_over": "handed_over", "fled": "fled",
            "disappeared": "disappeared", "wanted": "wanted", "asylum_granted": "asylum"}
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")


@dataclass(frozen=True, slots=True)
class Charge:
    name: str | None          # the charge in the reader's language ("desertion"), None when only an article
    article: str | None       # "ч. 5 ст. 337 УК" / "Article 337, part 5 (Criminal Code)"
    term: str | None          # "6 лет" / "6 years"
    date: str | None          # ISO: when it was brought (or the sentence passed)


@dataclass(frozen=True, slots=True)
class PersonStatus:
    kind: str                 # custody, released, escaped, extradited, deported, handed_over, fled,
    #                           disappeared, wanted, asylum, or unknown
    since: str | None         # ISO date the state began
    where: str | None         # the place and country of the state, in the reader's language
    destination: str | None   # ISO code: where a removal or flight went
    headline: str             # the state in words: "in custody in SIZO-1, Almaty, Kazakhstan since …"
    last_type: str | None     # the latest event: its type, date and place
    last_date: str | None
    last_where: str | None
    charges: list[Charge] = field(default_factory=list)
    basis: Any = None         # the fact that set the state (for citing its sources)


# ---------------------------------------------------------------- reading facts

def _get(fact: Any, key: str) -> Any:
    return fact.get(key) if isinstance(fact, Mapping) else getattr(fact, key, None)


def _counted(facts: Iterable[Any]) -> list[Any]:
    facts = list(facts)
    if any(_get(f, "confirmed") is True for f in facts):
        return [f for f in facts if _get(f, "confirmed") is True]
    return facts


def in_date_order(facts: Iterable[Any]) -> tuple[list[Any], list[Any]]:
    """(dated facts by their first possible day, then their last; undated facts in their order)."""
    dated, undated = [], []
    for index, fact in enumerate(facts):
        interval = date_interval(_get(fact, "date"))
        (undated if interval is None else dated).append((interval, index, fact))
    dated.sort(key=lambda item: (item[0].first, item[0].last, item[1]))
    return [f for _, _, f in dated], [f for _, _, f in undated]


# ---------------------------------------------------------------- words

_MONTHS_IN_RU = ("январе", "феврале", "марте", "апреле", "мае", "июне", "июле", "августе", "сентябре",
                 "октябре", "ноябре", "декабре")


def _parts(iso: str) -> tuple[int, int | None, int | None] | None:
    pieces = iso.strip()[:10].split("-")
    try:
        numbers = [int(p) for p in pieces]
        if len(numbers) == 3:
            dt.date(*numbers)                       # a real day
        return (numbers + [None, None])[0], (numbers + [None, None])[1], (numbers + [None, None])[2]
    except (ValueError, TypeError):
        return None


def date_words(iso: str | None, language: str = "ru") -> str:
    """A date at its own precision, in words: "28 января 2026", "январь 2026",
    "2026" (English: "28 January 2026", "January 2026"); a range "2022–2023"."""
    if not iso:
        return ""
    if "/" in iso:
        return "–".join(date_words(part, language) for part in iso.split("/"))
    parts = _parts(iso)
    if parts is None:
        return iso
    year, month, day = parts
    locale = "ru" if language == "ru" else "en"
    if day:
        return _babel_date(dt.date(year, month, day), "d MMMM y", locale=locale)
    if month:
        return _babel_date(dt.date(year, month, 1), "LLLL y", locale=locale)
    return str(year)


def on_date(iso: str | None, language: str = "ru") -> str:
    """When something happened, for a sentence: "on 28 January 2026", "in
    January 2026", "in 2026"; "28 января 2026", "в январе 2026", "в 2026 году"."""
    parts = _parts(iso) if iso and "/" not in iso else None
    if parts is None:
        if not iso:
            return ""
        return f"в {date_words(iso, language)} гг." if language == "ru" else f"in {date_words(iso, language)}"
    year, month, day = parts
    if language == "ru":
        if day:
            return date_words(iso, language)
        return f"в {_MONTHS_IN_RU[month - 1]} {year}" if month else f"в {year} году"
    return f"on {date_words(iso, language)}" if day else f"in {date_words(iso, language)}"


def since_date(iso: str | None, language: str = "ru") -> str:
    """"since 28 January 2026"; "с 28 января 2026", "с января 2026", "с 2026 года"."""
    parts = _parts(iso) if iso and "/" not in iso else None
    if parts is None:
        return "" if not iso else ("с " if language == "ru" else "since ") + date_words(iso, language)
    year, month, day = parts
    if language != "ru":
        return f"since {date_words(iso, language)}"
    if day:
        return f"с {date_words(iso, language)}"
    if month:
        return f"с {_babel_date(dt.date(year, month, 1), 'MMMM y', locale='ru')}"   # "с января 2026"
    return f"с {year} года"


@lru_cache(maxsize=20_000)
def place_words(place: str | None, language: str = "ru") -> str:
    """A place as the reader's language writes it: known names from the
    gazetteer ("Астане" -> "Астана", in English "Astana"), other words
    romanized in English ("СИЗО-1" -> "SIZO-1")."""
    place = (place or "").strip()
    if not place:
        return ""
    matches = find_places(place, "en" if language != "ru" else "ru")
    if language == "ru":
        # Only a place that is one name is put in the nominative; a Russian phrase stays as written.
        whole = [m for m in matches if m.start == 0 and m.end == len(place) and m.kind != "adjective"]
        if whole:
            return whole[0].name
        if _CYRILLIC.search(place):
            return place
    elif not _CYRILLIC.search(place):
        return place
    names = [m for m in matches if m.kind != "adjective"]
    if language == "ru":
        # A place an English report names ("Almaty airport"): the gazetteer's
        # Russian names alone; Russian has no romanization back to lean on.
        return ", ".join(dict.fromkeys(m.name for m in names)) or place
    pieces, position = [], 0
    for match in names:
        pieces.append(romanize(place[position:match.start]))
        pieces.append(match.name)
        position = match.end
    pieces.append(romanize(place[position:]))
    return "".join(pieces)


def where_words(place: str | None, country: str | None, language: str = "ru") -> str:
    """"SIZO-1, Almaty, Kazakhstan": the place, then its country unless the place names it."""
    shown = place_words(place, language)
    name = country_name(country, language) if country else None
    if not name:
        return shown
    if not shown:
        return name
    folded = shown.casefold()
    for known in {name, country_name(country, "ru"), country_name(country, "en")}:
        stem = (known or "").casefold()
        if stem and (stem[:-1] if len(stem) > 4 else stem) in folded:
            return shown
    return f"{shown}, {name}"


def country_case(code: str | None, case: str, language: str = "ru") -> str:
    """A country's name for "to …" (case "to") or "of …" ("of"): Russian
    inflects it ("в Россию", "властям России"); a name of several words stays
    as it is."""
    name = country_name(code, language) or ""
    if language != "ru" or not name or " " in name or not _CYRILLIC.search(name):
        return name
    if case == "to":            # accusative
        if name.endswith("я"):
            return name[:-1] + "ю"
        return name[:-1] + "у" if name.endswith("а") else name
    if case == "of":            # genitive
        if name.endswith(("ия", "ья")) or name.endswith("ь"):
            return name[:-1] + "и"
        if name.endswith("а"):
            return name[:-1] + ("и" if name[-2:-1] in "кгхжшчщ" else "ы")
        if name.endswith("я"):
            return name[:-1] + "и"
        return name + "а" if name[-1] not in "аеиоуыэюя" else name
    if case == "in":            # prepositional
        return _prepositional(name)
    return name


def _prepositional(word: str) -> str:
    """One Russian place name after "в": "Астана" -> "Астане", "Бишкек" ->
    "Бишкеке", "Грузия" -> "Грузии"; names on other vowels do not inflect ("Алматы")."""
    if word.endswith("ия"):
        return word[:-1] + "и"
    if word.endswith(("а", "я")):
        return word[:-1] + "е"
    if word.endswith("ь"):
        return word[:-1] + "и"
    return word + "е" if word[-1] not in "аеиоуыэюяй" else word


def in_place_ru(where: str) -> str:
    """"Астана, Казахстан" -> "Астане, Казахстан" (for "в …"): the first part
    when it is one Cyrillic word; a phrase ("СИЗО-1 Алматы") stays as written."""
    first, sep, rest = where.partition(", ")
    if first.isalpha() and _CYRILLIC.search(first) and first[:1].isupper():
        first = _prepositional(first)
    return first + sep + rest


def display_name(name: str | None, name_latin: str | None, aliases: Iterable[str] = (),
                 language: str = "ru") -> str:
    """The person's name as a page in `language` writes it: Cyrillic on a
    Russian page (the name, else a Cyrillic alias), Latin on an English one."""
    if language == "ru":
        return next((n for n in (name, *aliases) if n and _CYRILLIC.search(n)), name or name_latin or "")
    if name_latin and not _CYRILLIC.search(name_latin):
        return name_latin
    return romanize(name or name_latin or "")


def guess_gender(gender: str | None, name: str | None) -> str | None:
    """"m", "f" or None. The stored gender first; else the endings of a
    Russian surname ("-ова", "-ская": f; "-ов", "-ский": m)."""
    if gender in ("m", "f"):
        return gender
    for word in reversed((name or "").split()):
        low = word.casefold()
        if low.endswith(("ова", "ева", "ёва", "ина", "ына", "ская", "цкая", "ая")):
            return "f"
        if low.endswith(("ов", "ев", "ёв", "ин", "ын", "ский", "цкий", "ой", "ый")):
            return "m"
    return None


# ---------------------------------------------------------------- charges

_ARTICLE_RU = re.compile(
    r"(?:п\.\s*«?[а-яa-z0-9]»?\s*)?(?:ч\.\s*(?P<part>\d+)\s*)?ст\.\s*(?P<article>\d+(?:\.\d+)?)"
    r"(?:\s*(?P<code>УК|КоАП)(?:\s*(?:РФ|РК|КР|РБ|РТ|РУз))?)?", re.IGNORECASE)
_ARTICLE_EN = re.compile(r"\bArticle\s+(?P<article>\d+(?:\.\d+)?)(?:\s*(?:\((?P<part>\d+)\)|,?\s*part\s+"
                         r"(?P<part2>\d+)))?(?:\s+of\s+the\s+[A-Z][\w ]*?Code)?", re.IGNORECASE)
# The commonest charges of the sources, for English pages (other wording is quoted as written).
CHARGES_EN = {
    "госизмена": "treason", "государственная измена": "treason", "дезертирство": "desertion",
    "оправдание терроризма": "justifying terrorism", "дискредитация армии": "discrediting the army",
    "распространение «фейков» об армии": "spreading \"fakes\" about the army",
    "финансирование экстремизма": "financing extremism", "экстремизм": "extremism",
    "участие в террористической организации": "membership of a terrorist organisation",
    "мошенничество": "fraud", "контрабанда": "smuggling", "кража": "theft",
    "мелкое хулиганство": "petty hooliganism", "уклонение от уплаты налогов": "tax evasion",
    "нарушение миграционного режима": "breach of migration rules",
    "самовольное оставление части в период мобилизации": "leaving a military unit without leave during mobilisation",
    "участие в незаконном вооружённом формировании": "membership of an illegal armed group",
    "публичные призывы к свержению конституционного строя": "public calls to overthrow the constitutional order",
    "финансирование экстремистской организации": "financing an extremist organisation",
    "финансирование экстремистской деятельности": "financing extremist activity",
}


_CHARGES_RU = {en: ru for ru, en in CHARGES_EN.items()}


def split_charge(text: str | None, language: str = "ru") -> tuple[str | None, str | None]:
    """(the charge's name, its article) in the reader's language."""
    text = (text or "").strip()
    if not text:
        return None, None
    article = None
    found = _ARTICLE_RU.search(text)
    if found:
        number, part, code = found["article"], found["part"], found["code"]
        if language == "ru":
            article = found.group().strip()
        else:
            article = f"Article {number}" + (f", part {part}" if part else "")
            if code:
                article += " (Criminal Code)" if code.upper() == "УК" else " (Code of Administrative Offences)"
    else:
        found = _ARTICLE_EN.search(text)
        if found:
            part = found["part"] or found["part2"]
            article = (f"ст. {found['article']}" + (f" ч. {part}" if part else "")) if language == "ru" \
                else found.group().strip()
    name = text
    if found:
        name = (text[:found.start()] + text[found.end():]).strip(" ()[],;:—-")
    if not name:
        return None, article
    if language != "ru" and _CYRILLIC.search(name):
        name = CHARGES_EN.get(name.casefold().replace("ё", "е"), CHARGES_EN.get(name.casefold())) or f"«{name}»"
    return name, article


def charge_label(text: str | None, language: str = "ru") -> str:
    """A charge as one line in the reader's language: "desertion (Article 337)";
    a charge reported in the other script and not in CHARGES_EN stays in «quotes»."""
    name, article = split_charge(text, language)
    if name and language == "ru" and not _CYRILLIC.search(name):
        name = _CHARGES_RU.get(name.casefold()) or f"«{name}»"
    return " ".join(x for x in (name, f"({article})" if name and article else article) if x)


def charges_of(facts: Iterable[Any], language: str = "ru") -> list[Charge]:
    """Every charge and sentence reported, in date order, each once: a
    sentence's term goes with its charge; a term reported without a charge
    goes with the only charge there is, else stands alone."""
    dated, undated = in_date_order(facts)
    found: dict[tuple, dict] = {}
    loose_terms: list[tuple[float, str | None]] = []
    for fact in dated + undated:
        charge, term = _get(fact, "charge"), _get(fact, "term_years")
        if charge:
            name, article = split_charge(charge, language)
            key = ((article or "").casefold(), (name or "").casefold())
            entry = found.setdefault(key, {"name": name, "article": article, "term": None,
                                           "date": _get(fact, "date")})
            if term:
                entry["term"] = term
        elif term and _get(fact, "type") == "sentenced":
            loose_terms.append((term, _get(fact, "date")))
    entries = list(found.values())
    for term, date in loose_terms:
        open_ = [e for e in entries if e["term"] is None]
        if len(entries) == 1 and open_:
            open_[0]["term"] = term
        else:
            entries.append({"name": None, "article": None, "term": term, "date": date})
    return [Charge(name=e["name"], article=e["article"], date=e["date"],
                   term=format_term(e["term"], language) or None) for e in entries]


# ---------------------------------------------------------------- the status

# Russian state words by gender ("m", "f"); None: a neutral wording.
_RU_DONE = {
    "released": ("освобождён", "освобождена", "на свободе"),
    "escaped": ("бежал", "бежала", "побег"),
    "extradited": ("экстрадирован", "экстрадирована", "экстрадиция"),
    "deported": ("депортирован", "депортирована", "депортация"),
    "handed_over": ("передан", "передана", "передача"),
    "fled": ("выехал из страны", "выехала из страны", "выезд из страны"),
    "asylum": ("получил убежище", "получила убежище", "убежище"),
}
_EN_DONE = {"released": "released", "escaped": "escaped", "extradited": "extradited", "deported": "deported",
            "handed_over": "handed over", "fled": "left the country", "asylum": "granted asylum"}


def _headline(kind: str, since: str | None, where: str, destination: str | None, gender: str | None,
              language: str) -> str:
    ru = language == "ru"
    if kind == "custody":
        text = "под стражей" if ru else "in custody"
        if where:
            text += f" в {in_place_ru(where)}" if ru else f" in {where}"
        when = since_date(since, language)
        return f"{text}, {when}" if ru and when else f"{text} {when}".strip()
    if kind in ("disappeared", "wanted"):
        text = {"disappeared": ("местонахождение неизвестно", "whereabouts unknown"),
                "wanted": ("в розыске", "on a wanted list")}[kind][0 if ru else 1]
        return f"{text} {since_date(since, language)}".strip()
    if kind == "unknown":
        return "текущий статус неизвестен" if ru else "current status not reported"
    if ru:
        forms = _RU_DONE[kind]
        word = forms[0] if gender == "m" else forms[1] if gender == "f" else forms[2]
    else:
        word = _EN_DONE[kind]
    if kind in REMOVALS + ("fled",) and destination:
        if kind == "handed_over":
            word += f" властям {country_case(destination, 'of')}" if ru \
                else f" to the authorities of {country_name(destination, 'en')}"
        else:
            word += f" в {country_case(destination, 'to')}" if ru else f" to {country_name(destination, 'en')}"
    elif kind == "asylum" and where:
        word += f" ({where})" if ru else f" in {where}"
    if ru and gender is None and kind == "released":
        return f"{word} {since_date(since, language)}".strip()
    when = on_date(since, language)
    return f"{word}, {when}" if ru and gender is None and when else f"{word} {when}".strip()


def person_status(facts: Iterable[Any], language: str = "ru", gender: str | None = None,
                  name: str | None = None) -> PersonStatus:
    """The current state, the last event and the charges of one person's
    facts, in `language` ("ru" or "en"). `gender` ("m", "f") picks the
    Russian word forms; without it they are guessed from `name`, else neutral."""
    facts = _counted(facts)
    gender = guess_gender(gender, name)
    dated, undated = in_date_order(facts)
    kind, since, basis = "unknown", None, None
    for fact in dated:
        state = STATE_OF.get(_get(fact, "type"))
        if state is None or (state == "wanted" and kind == "custody"):
            continue
        if not (state == "custody" and kind == "custody"):
            since = _get(fact, "date")       # a transfer keeps the custody's start
        kind, basis = state, fact
    where, destination = "", None
    if basis is not None:
        destination = _get(basis, "destination")
        if kind in ("custody", "released", "escaped", "disappeared", "asylum"):
            where = where_words(_get(basis, "place"), _get(basis, "country") or
                                (destination if kind == "asylum" else None), language)
    last = dated[-1] if dated else (undated[-1] if undated else None)
    return PersonStatus(
        kind=kind, since=since, where=where or None, destination=destination,
        headline=_headline(kind, since, where, destination, gender, language),
        last_type=_get(last, "type") if last is not None else None,
        last_date=_get(last, "date") if last is not None else None,
        last_where=(where_words(_get(last, "place"), _get(last, "country"), language) or None)
        if last is not None else None,
        charges=charges_of(facts, language), basis=basis)
