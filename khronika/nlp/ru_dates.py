"""Russian date expressions: find them in a text and resolve them to ISO 8601.

News about persecution dates events loosely: "в конце января", "на следующий
год", "между 2022 и 2023 годами", "в седьмой день мобилизации". Finding is a
small grammar over words (`find_dates`); resolving needs the state of the
reading (`Timeline`): the publication date or the year the text is "in", the
last date mentioned (the narrative reference point) and the events the text
has dated (anchors). `resolve` is called on each expression in text order.

The grammar is written as compiled regular expressions composed from named
pieces (MONTH, YEAR, PART, ...): each production is a prefix (usually an
optional preposition) and a core. A yargy grammar of a few of these rules ran
at about 400 KB/s on news text, which would add half of Natasha's own NER
time; this runs at about 8 MB/s. `find_dates` lower-cases the text, scans it
once with the union of the cores and, at each hit, takes the longest
production that matches from the preposition before the core (if any) or
from the core itself.

Resolved values are at the precision the text supports: "2026", "2026-01",
"2026-01-28", ranges "2022/2023", "2025-01/2025-06".
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import lru_cache

__all__ = ["DateExpr", "Timeline", "find_dates", "infer_frame", "note_anchor", "resolve"]

YMD = tuple  # (year, month|None, day|None); the Nones mark the precision


@dataclass
class DateExpr:
    """One date expression found in a text."""
    start: int
    end: int
    text: str                      # the original words, preposition included
    kind: str                      # see KINDS
    year: int | None = None
    month: int | None = None
    day: int | None = None
    part: str | None = None        # early/mid/late, h1/h2, q1..q4, spring/summer/autumn/winter
    offset: dict | None = None     # {"years": -1}, {"months": 1}, {"days": -1}, {"weekday": 0}...
    year_end: int | None = None    # ranges
    anchor_word: str | None = None  # lemma of the event noun of an anchored expression
    ordinal: int | None = None     # "в седьмой день" -> 7
    month_end: int | None = None   # ranges of months ("с января по март")
    day_end: int | None = None     # ranges of days ("3–5 февраля")
    preposition: str | None = None  # "с", "до", "в"...: lower-cased, as written
    value: YMD | None = None       # set by resolve: (year, month, day) it resolved to (a range's end)


# What each kind is resolved against.
KINDS = {
    "absolute": "the date itself; a missing year comes from the frame (or the narrative)",
    "range": "two dates; a missing year as for absolute",
    "relative": "an offset from the last date mentioned (the narrative reference)",
    "deictic": "an offset from the publication date / frame ('вчера', 'в прошлом году')",
    "now": "the publication date / frame ('сейчас', 'на данный момент')",
    "anchored": "an offset from an event the text dated earlier ('в седьмой день мобилизации')",
    "vague_relative": "after the last date by an unknown amount ('позже'): its coarse precision",
}


@dataclass
class Timeline:
    """The resolution state while reading one document in order."""
    published: date | None = None
    frame_year: int | None = None
    frame_month: int | None = None
    last: YMD | None = None                       # the narrative reference point
    anchors: dict[str, YMD] = field(default_factory=dict)
    # True when the frame was guessed from the text: its month is then only a
    # lower bound of the publication date, so "now" is given at year precision.
    inferred: bool = False


# --------------------------------------------------------------------------
# Vocabulary

_MONTH_BY_PREFIX = {
    "янв": 1, "фев": 2, "мар": 3, "апр": 4, "июн": 6, "июл": 7,
    "авг": 8, "сен": 9, "окт": 10, "ноя": 11, "дек": 12,
}

_PART_MONTHS = {"early": 1, "mid": 6, "late": 12}
_RANGE_PARTS = {"h1": (1, 6), "h2": (7, 12), "q1": (1, 3), "q2": (4, 6), "q3": (7, 9), "q4": (10, 12)}
# A month that stands for the season when only the season's year is wanted.
# Winter stands for January: "зимой 2022 года" is January-February 2022 more
# often than December.
_SEASON_MONTHS = {"spring": 3, "summer": 6, "autumn": 9, "winter": 1}

_NUMBER_WORDS = {
    "один": 1, "одну": 1, "одни": 1, "два": 2, "две": 2, "пару": 2, "три": 3, "четыре": 4,
    "пять": 5, "шесть": 6, "семь": 7, "восемь": 8, "девять": 9, "десять": 10,
    "одиннадцать": 11, "двенадцать": 12, "пятнадцать": 15, "двадцать": 20,
    "тридцать": 30, "сорок": 40, "несколько": None,
    # genitive, after "более", "около": "более двух лет назад"
    "двух": 2, "трех": 3, "трёх": 3, "четырех": 4, "четырёх": 4, "пяти": 5, "шести": 6,
    "семи": 7, "восьми": 8, "девяти": 9, "десяти": 10, "нескольких": None,
}

# Ordinal stems, longest first so that "пятнадцат" is not read as "пят".
_ORDINAL_STEMS = [
    ("одиннадцат", 11), ("двенадцат", 12), ("тринадцат", 13), ("четырнадцат", 14),
    ("пятнадцат", 15), ("шестнадцат", 16), ("семнадцат", 17), ("восемнадцат", 18),
    ("девятнадцат", 19), ("двадцат", 20), ("тридцат", 30), ("четв[её]рт", 4),
    ("перв", 1), ("втор", 2), ("трет", 3), ("пят", 5), ("шест", 6), ("седьм", 7),
    ("восьм", 8), ("девят", 9), ("десят", 10),
]

_WEEKDAYS = {"пон": 0, "вто": 1, "сре": 2, "чет": 3, "пят": 4, "суб": 5, "вос": 6}

# Nouns of events a text dates once and then counts from ("в седьмой день
# мобилизации", "через три дня после суда"): lemma -> (stem, endings).
_FEM_IA = "я|и|ю|ей|ею"
_NEUT_IE = "е|я|ю|ем|и"
_NEUT_O = "о|а|у|ом|е"
_MASC = "|а|у|ом|е|ы|ов|ам|ами|ах"
_FEM_A = "а|ы|и|е|у|ой|ою"
# Events of a whole society happen once: their first dating stays.
_EVENT_NOUNS = {
    "мобилизация": ("мобилизаци", _FEM_IA), "аннексия": ("аннекси", _FEM_IA),
    "оккупация": ("оккупаци", _FEM_IA), "спецоперация": ("спецопераци", _FEM_IA),
    "революция": ("революци", _FEM_IA), "эвакуация": ("эвакуаци", _FEM_IA),
    "пандемия": ("пандеми", _FEM_IA), "агрессия": ("агресси", _FEM_IA),
    "вторжение": ("вторжени", _NEUT_IE), "наступление": ("наступлени", _NEUT_IE),
    "контрнаступление": ("контрнаступлени", _NEUT_IE), "перемирие": ("перемири", _NEUT_IE),
    "протест": ("протест", _MASC), "митинг": ("митинг", _MASC),
    "референдум": ("референдум", _MASC), "переворот": ("переворот", _MASC),
    "мятеж": ("мятеж", _MASC), "теракт": ("теракт", _MASC), "карантин": ("карантин", _MASC),
    "путч": ("путч", _MASC), "штурм": ("штурм", _MASC),
    "война": ("войн", _FEM_A), "блокада": ("блокад", _FEM_A), "забастовка": ("забастовк", _FEM_A),
    # singular "выбор" is "a choice": only the plural means elections
    "выборы": ("выбор", "ы|ов|ам|ами|ах"),
}
# Steps of one person's case recur (each person has a court, an arrest): the
# latest dating is the one the narrative is about.
_CASE_NOUNS = {
    "суд": ("суд", _MASC), "заседание": ("заседани", _NEUT_IE), "задержание": ("задержани", _NEUT_IE),
    "арест": ("арест", _MASC), "приговор": ("приговор", _MASC), "обыск": ("обыск", _MASC),
    "допрос": ("допрос", _MASC), "экстрадиция": ("экстрадици", _FEM_IA),
    "депортация": ("депортаци", _FEM_IA), "выдворение": ("выдворени", _NEUT_IE),
    "высылка": ("высылк", _FEM_A), "побег": ("побег", _MASC), "бегство": ("бегств", _NEUT_O),
    "освобождение": ("освобождени", _NEUT_IE), "отъезд": ("отъезд", _MASC),
    "переезд": ("переезд", _MASC), "возвращение": ("возвращени", _NEUT_IE),
    "похищение": ("похищени", _NEUT_IE),
}


# --------------------------------------------------------------------------
# Grammar pieces. Each is a regex fragment; named groups are read by the
# production's builder. They are matched against lower-cased text.

_START = r"(?<![\w.,])"          # not inside a word, nor after "2," / "1." (decimals, numbering)
_END = r"(?!\w)"

_PREP_WORDS = (r"в\s+ночь\s+(?:с\s+\d{1,2}\s+)?на|в\s+течение|на\s+протяжении|"
               r"не\s+позднее|не\s+позже|не\s+ранее|начиная\s+со?|вплоть\s+до|примерно\s+в|около|после|"
               r"в|во|со?|до|ко?|по|на|от|за")
_PREP = rf"(?:(?P<prep>{_PREP_WORDS})\s+)?"

_MONTH = (r"(?:январ[ьяеюё]|феврал[ьяеюё]|март[аеу]?|апрел[ьяеюё]|ма[йяею]|июн[ьяеюё]|"
          r"июл[ьяеюё]|август[аеу]?|сентябр[ьяеюё]|октябр[ьяеюё]|ноябр[ьяеюё]|декабр[ьяеюё])" + _END)

_YEAR = r"(?:1[89]|20)\d\d(?!\d)"
_YEAR_SUFFIX = r"(?:-?(?:м|го|й|ом|ый))?"      # "2022-м году", "2022-го"
_YEAR_WORD = _YEAR_SUFFIX + r"\s*(?:год(?:а|у|ом|ы|ах|ами|ов)?" + _END + r"|гг?\.|гг?" + _END + ")"
_BARE_YEAR_END = r"(?=\s*(?:[,.;:!?)»\"”]|[-–—]\s|$))"   # "в 2022." without "году"

_DAY = r"[0-3]?\d(?:-?(?:го|е|ое))?"

_PART = (r"(?:начал[оеау]|середин[аеуы]|кон(?:ец|ца|це|цу|цом)|"
         r"(?:перв|втор)(?:ой|ая|ую)\s+половин[аеуы]|"
         r"(?:перв|втор|трет|четв[её]рт|[1-4]-?)(?:ом|ый|ой|ий|ьем|ем|м|й)?\s+квартал[еау]?)" + _END)

_SEASON = r"(?:весн(?:а|ы|е|у|ой|ою)|лет(?:о|а|е|ом)|осен(?:ь|и|ью)|зим(?:а|ы|е|у|ой|ою))" + _END

_REL_WORD = (r"(?:(?:т(?:от|ом|ой|у|ого|ем|ех)|эт(?:от|ом|ой|у|ого|им))\s+же|"
             r"эт(?:от|ом|ой|у|ого|им|а|о)|текущ\w{2,3}|нынешн\w{2,3}|позапрошл\w{2,3}|"
             r"прошл\w{2,3}|минувш\w{2,3}|следующ\w{2,3}|предыдущ\w{2,3}|друг(?:ой|ом|ое))")

_REL_YEAR_GEN = (r"(?:того\s+же|этого(?:\s+же)?|текущего|нынешнего|позапрошлого|прошлого|"
                 r"минувшего|следующего|предыдущего)\s+года" + _END)

_YEAR_TAIL = (r"(?:\s+(?:(?P<y>" + _YEAR + r")(?:" + _YEAR_WORD + r")?|(?P<yrel>" + _REL_YEAR_GEN + ")))?")

_NUMBER = (r"(?:\d{1,3}|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + ")")
_UNIT = (r"(?:д(?:ень|ня|ней)|сут(?:ки|ок)|недел[юиь]|месяц(?:а|ев)?|год(?:а)?|лет|"
         r"полгода|полтора\s+(?:года|месяца))" + _END)

_ORDINAL = (r"(?:(?:двадцать|тридцать)\s+)?(?:"
            + "|".join(stem for stem, _ in _ORDINAL_STEMS)
            + r")(?:ый|ой|ий|ая|ое|ого|ому|ом|ые|ых|ья|ье|ьего|ьи|ем|ьем)" + _END
            + r"|\d{1,3}-?(?:й|ой|ый|ий|го|ого|е|ые|м)" + _END)

# The event an anchored expression counts from: an optional adjective or
# possessive and a noun in the genitive ("частичной мобилизации", "его ареста").
_ANCHOR_NP = (r"[«“\"]?(?:(?P<adj>[а-яё]+(?:ой|ого|ей|его|ых|их))\s+)?"
              r"(?P<noun>[а-яё]{2,}(?:а|я|и|ы|ов|ев|ей|ий))" + _END)

_WEEKDAY = (r"(?:понедельник[а]?|вторник[а]?|сред[ауы]|четверг[а]?|пятниц[ауы]|суббот[ауы]|"
            r"воскресень[ея])" + _END)       # "с прошлого воскресенья": the genitive after "с", "до"


# --------------------------------------------------------------------------
# Small readers used by the builders

def _month_number(word: str) -> int:
    word = word.lower()
    return _MONTH_BY_PREFIX.get(word[:3], 5)   # every month but May has a unique 3-letter prefix


def _part_of(words: str | None) -> str | None:
    if not words:
        return None
    w = words.lower()
    if "квартал" in w:
        for stem, quarter in (("перв", 1), ("1", 1), ("втор", 2), ("2", 2), ("трет", 3), ("3", 3)):
            if w.startswith(stem):
                return f"q{quarter}"
        return "q4"
    if "половин" in w:
        return "h1" if w.startswith("перв") else "h2"
    if w.startswith("нач"):
        return "early"
    if w.startswith("сер"):
        return "mid"
    return "late"


def _season_of(word: str) -> str:
    return {"вес": "spring", "лет": "summer", "осе": "autumn", "зим": "winter"}[word.lower()[:3]]


def _number_of(word: str | None) -> int | None:
    """'два' -> 2, '3' -> 3, None (no number: "через год") -> 1, 'несколько' -> None."""
    if word is None:
        return 1
    word = word.lower()
    return int(word) if word.isdigit() else _NUMBER_WORDS[word]


def _ordinal_of(words: str) -> int:
    words = words.lower()
    tens = 0
    if " " in words:
        first, words = words.split(None, 1)
        tens = 20 if first.startswith("двадцат") else 30
    digits = re.match(r"\d+", words)
    if digits:
        return int(digits.group())
    for stem, value in _ORDINAL_STEMS:
        if re.match(stem, words):
            return tens + value
    raise ValueError(words)


def _unit_of(word: str) -> tuple[str, float]:
    """A unit word -> (offset key, how many of it the word itself means)."""
    w = word.lower()
    if w.startswith("полгода"):
        return "months", 6
    if w.startswith("полтора"):
        return ("months", 18) if "год" in w else ("days", 45)
    if w.startswith(("д", "сут")):
        return "days", 1
    if w.startswith("недел"):
        return "weeks", 1
    if w.startswith("месяц"):
        return "months", 1
    return "years", 1


def _relation_of(word: str) -> tuple[str, int]:
    """A relative adjective -> (kind, step): 'прошлом' -> ('deictic', -1)."""
    w = word.lower()
    if re.search(r"\sже$", w):
        return "relative", 0
    if w.startswith("позапрошл"):
        return "deictic", -2
    if w.startswith(("прошл", "минувш")):
        return "deictic", -1
    if w.startswith(("следующ", "друг")):
        return "relative", 1
    if w.startswith("предыдущ"):
        return "relative", -1
    return "deictic", 0      # этот, текущий, нынешний


def _event_lemma(noun: str) -> str:
    noun = noun.lower().replace("ё", "е")
    for lemma, regex in _event_noun_forms().items():
        if regex.fullmatch(noun):
            return lemma
    return noun


@lru_cache(maxsize=1)
def _event_noun_forms() -> dict[str, re.Pattern]:
    nouns = {**_EVENT_NOUNS, **_CASE_NOUNS}
    return {lemma: re.compile(f"{stem}(?:{endings})") for lemma, (stem, endings) in nouns.items()}


@lru_cache(maxsize=1)
def _event_noun_regex() -> re.Pattern:
    nouns = {**_EVENT_NOUNS, **_CASE_NOUNS}
    forms = "|".join(f"{stem}(?:{endings})" for stem, endings in nouns.values())
    return re.compile(rf"(?<!\w)(?:{forms})(?!\w)", re.IGNORECASE)


def _prep(m: re.Match) -> str | None:
    prep = m.groupdict().get("prep")
    return re.sub(r"\s+", " ", prep.lower()) if prep else None


def _valid_day(year: int | None, month: int, day: int) -> bool:
    try:
        date(year or 2000, month, day)     # 2000 is a leap year: "29 февраля" without a year is valid
        return True
    except ValueError:
        return False


def _day_number(words: str) -> int:
    return int(re.match(r"\d+", words).group())


# --------------------------------------------------------------------------
# Builders: each production's builder turns a match into a DateExpr, or
# refuses it (returns None) when the words are not a date after all.

Builder = Callable[[re.Match], "DateExpr | None"]


def _expr(m: re.Match, kind: str, **fields) -> DateExpr:
    fields.setdefault("preposition", _prep(m))
    # text is the matched (lower-cased) words; find_dates puts back the original ones
    return DateExpr(start=m.start(), end=m.end(), text=m.group(), kind=kind, **fields)


def _year_tail(m: re.Match) -> tuple[int | None, dict | None, str]:
    """The year after a month or a season: explicit, relative ("того же года") or none."""
    if m.group("y"):
        return int(m.group("y")), None, "absolute"
    if m.group("yrel"):
        kind, step = _relation_of(m.group("yrel")[:-len("года")].strip())
        return None, {"years": step}, kind
    return None, None, "absolute"


def _build_numeric(m: re.Match) -> DateExpr | None:
    year = int(m.group("y") or m.group("iy"))
    month = int(m.group("m") or m.group("im"))
    day = m.group("d") or m.group("id")
    day = int(day) if day else None
    if not 1 <= month <= 12 or (day is not None and not _valid_day(year, month, day)):
        return None
    return _expr(m, "absolute", year=year, month=month, day=day)


def _build_day_month(m: re.Match) -> DateExpr | None:
    month = _month_number(m.group("mon"))
    day = _day_number(m.group("d"))
    year, offset, kind = _year_tail(m)
    if not _valid_day(year, month, day):
        return None
    day_end = _day_number(m.group("d_end")) if m.groupdict().get("d_end") else None
    if day_end is not None:
        if day_end <= day or not _valid_day(year, month, day_end):
            return None
        if kind == "absolute":
            return _expr(m, "range", year=year, month=month, day=day, year_end=year,
                         month_end=month, day_end=day_end)
    return _expr(m, kind, year=year, month=month, day=day, offset=offset)


def _build_month(m: re.Match) -> DateExpr | None:
    month = _month_number(m.group("mon"))
    month_end = _month_number(m.group("mon_end")) if m.group("mon_end") else None
    part = _part_of(m.group("part"))
    year, offset, kind = _year_tail(m)
    prep = _prep(m)
    # A month name alone ("Марта", "май") is too often something else.
    if year is None and offset is None and part is None and prep is None and month_end is None:
        return None
    if month_end is not None and kind == "absolute":
        end_year = year + (month_end < month) if year is not None else None
        return _expr(m, "range", year=year, month=month, year_end=end_year, month_end=month_end, part=part)
    return _expr(m, kind, year=year, month=month, part=part, offset=offset)


def _build_year(m: re.Match) -> DateExpr | None:
    prep = _prep(m)
    if not m.group("yw") and prep is None:
        return None            # a bare number is a year only after a preposition: "в 2022."
    year = int(m.group("y"))
    part = _part_of(m.group("part"))
    if part in _RANGE_PARTS:
        first, last = _RANGE_PARTS[part]
        return _expr(m, "range", year=year, month=first, year_end=year, month_end=last, part=part)
    return _expr(m, "absolute", year=year, part=part)


def _build_year_range(m: re.Match) -> DateExpr | None:
    year, year_end = int(m.group("y")), int(m.group("y_end"))
    if not 0 < year_end - year <= 50:
        return None
    connector = (m.group("conn") or "").strip().lower()
    if connector in ("и", "или") and not m.group("yw"):
        return None            # "2022 и 2023" is a pair of years only with "годах"
    return _expr(m, "range", year=year, year_end=year_end)


def _build_decade(m: re.Match) -> DateExpr | None:
    year = int(m.group("y"))
    return _expr(m, "range", year=year, year_end=year + 9, part="decade")


def _build_season(m: re.Match) -> DateExpr | None:
    season = _season_of(m.group("season"))
    part = _part_of(m.group("part"))
    prep = _prep(m)
    word = m.group("season").lower()
    instrumental = word.endswith(("ой", "ом", "ью", "ою"))
    if m.group("srel"):
        kind, step = _relation_of(m.group("srel"))
        return _expr(m, kind, part=season, offset={"years": step})
    year, offset, kind = _year_tail(m)
    if year is None and offset is None and not instrumental and part is None \
            and prep not in ("с", "со", "до", "к", "ко", "после", "начиная с", "вплоть до"):
        return None            # "лето" / "лета" alone are too often other words
    return _expr(m, kind, year=year, part=season, offset=offset)


def _build_part_relative(m: re.Match) -> DateExpr | None:
    part = _part_of(m.group("part"))
    unit = "months" if m.group("unit").lower().startswith("месяц") else "years"
    kind, step = _relation_of(m.group("rel")) if m.group("rel") else ("relative", 0)
    return _expr(m, kind, part=part, offset={unit: step})


def _build_rel_unit(m: re.Match) -> DateExpr | None:
    unit_word = m.group("unit").lower()
    rel = m.group("rel")
    kind, step = _relation_of(rel)
    if m.group("prep") is None and not unit_word.endswith(("ом", "ью")):
        return None            # "этот год стал..." is about the year, not a date of an event
    if unit_word.startswith(("год",)):
        unit = "years"
    elif unit_word.startswith("месяц"):
        unit = "months"
    elif unit_word.startswith("недел"):
        unit = "weeks"
    else:                      # день, утро, вечер, ночь
        unit = "days"
        if kind == "deictic" and step == 0 and unit_word.startswith("д"):
            kind = "relative"  # "в этот день" is the day just talked about; "этой ночью" is last night
    return _expr(m, kind, offset={unit: step})


def _build_count(m: re.Match) -> DateExpr | None:
    """"через два года", "год спустя", "три года назад", "за неделю до этого"."""
    unit, size = _unit_of(m.group("unit"))
    count = _number_of(m.groupdict().get("n"))
    if m.groupdict().get("n") is None and not _SINGULAR_UNIT.fullmatch(m.group("unit")):
        count = None           # "много лет спустя": a count the grammar does not know
    direction = m.group("dir").lower()
    sign = -1 if direction in ("назад", "ранее", "раньше", "за") else 1
    kind = "deictic" if direction == "назад" else "relative"
    amount = None if count is None else sign * round(count * size)
    if unit == "weeks" and amount is not None:
        unit, amount = "days", amount * 7
    if amount is None:         # "через несколько дней (после ареста)", "несколько дней назад"
        return _expr(m, "deictic" if kind == "deictic" else "vague_relative", offset={unit: None})
    noun = m.groupdict().get("noun")
    if noun:
        return _expr(m, "anchored", offset={unit: amount}, anchor_word=_event_lemma(noun))
    return _expr(m, kind, offset={unit: amount})


def _build_next_after(m: re.Match) -> DateExpr | None:
    """"на следующий день после задержания": one unit after the event the text dated."""
    unit = m.group("unit").lower()
    offset = {"months": 1} if unit.startswith("месяц") else {"days": 7} if unit.startswith("недел") \
        else {"days": 1}
    return _expr(m, "anchored", offset=offset, anchor_word=_event_lemma(m.group("noun")))


_SINGULAR_UNIT = re.compile(r"год|месяц|недел[юя]|день|сутки|полгода|полтора\s+(?:года|месяца)")


def _build_unit_instrumental(m: re.Match) -> DateExpr | None:
    """"годом позже", "месяцем ранее"."""
    unit, _ = _unit_of(m.group("unit"))
    sign = -1 if m.group("dir").lower() in ("ранее", "раньше") else 1
    return _expr(m, "relative", offset={unit: sign})


def _build_ordinal_anchor(m: re.Match) -> DateExpr | None:
    unit, _ = _unit_of(m.group("unit"))
    ordinal = _ordinal_of(m.group("ord")) if m.group("ord") else 1
    if ordinal < 1:
        return None
    amount = ordinal - 1
    if unit == "weeks":
        unit, amount = "days", amount * 7
    return _expr(m, "anchored", offset={unit: amount}, ordinal=ordinal,
                 anchor_word=_event_lemma(m.group("noun")))


def _build_day_of_event(m: re.Match) -> DateExpr | None:
    """"в день мобилизации": the event's own day."""
    # ordinal 1: with the event undated, fall back to nothing ("в день рождения"
    # is not the date just told)
    return _expr(m, "anchored", offset={"days": 0}, ordinal=1, anchor_word=_event_lemma(m.group("noun")))


# Single words and set phrases; a preposition before them is read as usual
# ("в настоящее время", "на данный момент").
_FIXED_PHRASES: list[tuple[str, str, dict | None]] = [
    (r"позавчера", "deictic", {"days": -2}),
    (r"вчера", "deictic", {"days": -1}),
    (r"сегодня", "deictic", {"days": 0}),
    (r"послезавтра", "deictic", {"days": 2}),
    (r"завтра", "deictic", {"days": 1}),
    (r"утром\s+следующего\s+дня", "relative", {"days": 1}),
    # "накануне вечером его экстрадировали": the day before the date just told
    # (not "накануне выборов", the eve of an event: that one names its event).
    (r"накануне(?!\s+(?:[а-яё]+(?:ого|ей|ой|их|ых)\s+)?[а-яё]+(?:ия|ии|ов|ения|ения|а|ы)(?![а-яё]))",
     "relative", {"days": -1}),
    (r"сейчас|ныне|настоящее\s+время|(?:данный|текущий|настоящий)\s+момент|сегодняшний\s+день|"
     r"момент\s+(?:публикации|написания)(?:\s+(?:статьи|материала|текста))?", "now", None),
    (r"(?<!не\s)(?:позже|позднее|впоследствии|вскоре|спустя\s+некоторое\s+время|"
     r"через\s+некоторое\s+время|некоторое\s+время\s+спустя)", "vague_relative", None),
]


def _build_fixed(m: re.Match) -> DateExpr | None:
    index = int(m.lastgroup[len("phrase"):])
    _, kind, offset = _FIXED_PHRASES[index]
    return _expr(m, kind, offset=dict(offset) if offset else None)


def _build_weekday(m: re.Match) -> DateExpr | None:
    weekday = _WEEKDAYS[m.group("wd").lower()[:3]]
    offset = {"weekday": weekday}
    if m.group("rel") and m.group("rel").lower().startswith(("прошл", "минувш")):
        offset["strictly_before"] = True
    return _expr(m, "deictic", offset=offset)


@dataclass(frozen=True)
class _Production:
    """One rule of the grammar: `prefix` (what may stand before, usually a
    preposition) + `core` (the words that make it a date). The scan looks for
    cores only; prepositions are far too common to scan for."""
    name: str
    core: str
    build: Builder
    prefix: str = _PREP


def _productions() -> list[_Production]:
    year_tail = _YEAR_TAIL
    fixed = "|".join(f"(?P<phrase{i}>{regex})" for i, (regex, _, _) in enumerate(_FIXED_PHRASES))
    return [
        _Production(
            "numeric",
            rf"(?:(?P<d>[0-3]?\d)[./](?P<m>[01]?\d)[./](?P<y>{_YEAR})"
            rf"|(?P<iy>{_YEAR})-(?P<im>[01]\d)-(?P<id>[0-3]\d)(?![\d-]))(?:\s*г\.|\s*года?{_END})?(?!\.?\d)",
            _build_numeric),
        _Production(
            "day_month",
            rf"(?:{_WEEKDAY},?\s+)?(?P<d>{_DAY})(?:\s*(?:[-–—]|и)\s*(?P<d_end>{_DAY}))?"
            rf"\s+(?P<mon>{_MONTH}){year_tail}",
            _build_day_month),
        _Production(
            "day_range_month",
            rf"(?P<d>{_DAY})\s+(?:по|до)\s+(?P<d_end>{_DAY})\s+(?P<mon>{_MONTH}){year_tail}",
            _build_day_month, prefix=r"(?P<prep>со?)\s+"),
        _Production(
            "month",
            rf"(?:(?P<part>{_PART})\s+)?(?P<mon>{_MONTH})"
            rf"(?:\s*(?:[-–—]|и|по|до)\s*(?P<mon_end>{_MONTH}))?{year_tail}",
            _build_month),
        _Production(
            "year",
            rf"(?:(?P<part>{_PART})\s+)?(?P<y>{_YEAR})(?:(?P<yw>{_YEAR_WORD})|{_YEAR_SUFFIX}{_BARE_YEAR_END})",
            _build_year),
        _Production(
            "year_range",
            rf"(?P<y>{_YEAR})(?:\s*{_YEAR_WORD})?(?P<conn>\s*[-–—]\s*|\s+(?:и|или|по|до)\s+)"
            rf"(?P<y_end>{_YEAR}){_YEAR_SUFFIX}(?P<yw>\s*{_YEAR_WORD})?",
            _build_year_range, prefix=r"(?:(?P<prep>между|на\s+рубеже|со?|от|в|во)\s+)?"),
        _Production(
            "decade",
            rf"(?P<y>(?:1[89]|20)\d0)-?(?:х|е|ые|ых)(?:\s+год(?:ах|ы|ов|ами))?{_END}",
            _build_decade),
        _Production(
            "season",
            rf"(?:(?P<part>{_PART})\s+)?(?:(?P<srel>{_REL_WORD})\s+)?(?P<season>{_SEASON}){year_tail}",
            _build_season),
        _Production(
            "part_relative",
            rf"(?P<part>{_PART})\s+(?:(?P<rel>{_REL_WORD})\s+)?(?P<unit>года|месяца){_END}",
            _build_part_relative),
        _Production(
            "rel_unit",
            rf"(?P<rel>{_REL_WORD})\s+(?P<unit>год(?:у|а)?|месяц(?:е|а)?|недел[еюи]|"
            rf"д(?:ень|ня|нём|нем)|утр(?:о|ом|а)|вечер(?:ом|а)?|ноч(?:ь|ью|и)){_END}",
            _build_rel_unit),
        _Production(
            "count_after",
            rf"(?P<dir>через|спустя)\s+(?:(?P<n>{_NUMBER})\s+)?(?P<unit>{_UNIT})"
            rf"(?:\s+после\s+(?:(?:этого|того){_END}|{_ANCHOR_NP}))?",
            _build_count, prefix=""),
        _Production(
            "next_after",
            rf"следующ\w{{2,3}}\s+(?P<unit>д(?:ень|ня)|утр(?:о|ом)|недел[еюи]|месяц[е]?)\s+после\s+{_ANCHOR_NP}",
            _build_next_after, prefix=r"(?P<prep>на|в|во)\s+"),
        _Production(
            "count_before",
            rf"(?:(?P<n>{_NUMBER})\s+)?(?P<unit>{_UNIT})\s+до\s+(?:(?:этого|того){_END}|{_ANCHOR_NP})",
            _build_count, prefix=r"(?P<dir>за)\s+"),
        _Production(
            "count_postfix",
            rf"(?:(?P<n>{_NUMBER})\s+)?(?P<unit>{_UNIT})\s+(?P<dir>спустя|назад|ранее|раньше|позже|позднее){_END}",
            _build_count, prefix=""),
        _Production(
            "unit_instrumental",
            rf"(?P<unit>годом|месяцем|неделей|дн[её]м)\s+(?P<dir>ранее|раньше|позже|позднее){_END}",
            _build_unit_instrumental, prefix=""),
        _Production(
            "ordinal_anchor",
            rf"(?P<ord>{_ORDINAL})(?:\s+же)?\s+"
            rf"(?P<unit>день|дни|сутки|недел[юиь]|месяц|месяцы|год|годы)\s+{_ANCHOR_NP}",
            _build_ordinal_anchor, prefix=r"(?P<prep>в|во|на)\s+"),
        _Production(
            "day_of_event",
            rf"день\s+{_ANCHOR_NP}",
            _build_day_of_event, prefix=r"(?P<prep>в)\s+"),
        _Production(
            "weekday",
            rf"(?:(?P<rel>прошл\w{{2,3}}|минувш\w{{2,3}}|эт(?:от|у))\s+)?(?P<wd>{_WEEKDAY})",
            _build_weekday, prefix=r"(?P<prep>в\s+ночь\s+(?:с\s+\w+\s+)?на|в|во|с|со|до|после|ко?)\s+"),
        _Production("fixed", rf"(?:{fixed}){_END}", _build_fixed),
    ]


_GROUP_NAME = re.compile(r"\(\?P<\w+>")


@dataclass(frozen=True)
class _Grammar:
    productions: tuple[tuple[re.Pattern, Builder], ...]
    cores: re.Pattern               # one scan finds where some production's core starts
    preposition_before: re.Pattern  # a preposition ending right before a core


@lru_cache(maxsize=1)
def _grammar() -> _Grammar:
    # Everything is matched on lower-cased text: without IGNORECASE the regex
    # engine skips failing alternatives on their first letter, three times faster.
    productions = tuple((re.compile(_START + p.prefix + p.core), p.build) for p in _productions())
    # Named groups repeat across productions: the union drops the names.
    cores = "|".join(_GROUP_NAME.sub("(?:", p.core) for p in _productions())
    return _Grammar(
        productions,
        re.compile(f"{_START}(?:{cores})"),
        re.compile(rf"{_START}(?:{_PREP_WORDS}|между|на\s+рубеже)\s+\Z"),
    )


# --------------------------------------------------------------------------
# Finding

_PREPOSITION_REACH = 24   # "в ночь с 12 на ", "на протяжении ": the longest prepositions


def find_dates(text: str) -> list[DateExpr]:
    """The date expressions of `text`, in text order, non-overlapping, longest first."""
    grammar = _grammar()
    lowered = _lower_same_length(text)
    found: list[DateExpr] = []
    position = 0
    while True:
        hit = grammar.cores.search(lowered, position)
        if hit is None:
            return found
        core_start = hit.start()
        # Try from the preposition before the core, if any, then from the core itself.
        starts = [core_start]
        before = grammar.preposition_before.search(
            lowered, max(position, core_start - _PREPOSITION_REACH), core_start)
        if before is not None:
            starts.insert(0, before.start())
        best = None
        for start in starts:
            best = _longest_at(grammar, lowered, start)
            if best is not None:
                break
        if best is None:
            position = core_start + 1
        else:
            best.text = text[best.start:best.end]
            found.append(best)
            position = best.end


def _longest_at(grammar: _Grammar, lowered: str, start: int) -> DateExpr | None:
    best: DateExpr | None = None
    for regex, build in grammar.productions:
        m = regex.match(lowered, start)
        if m is None or (best is not None and m.end() <= best.end):
            continue
        expr = build(m)
        if expr is not None:
            best = expr
    return best


def _lower_same_length(text: str) -> str:
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    # A few characters ("İ") lower to two: keep them as they are, so that
    # offsets into the lowered text are offsets into `text`.
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


# --------------------------------------------------------------------------
# Resolving

def _precision(value: YMD) -> int:
    return sum(part is not None for part in value)


def _iso(value: YMD) -> str:
    year, month, day = value
    if month is None:
        return f"{year:04d}"
    if day is None:
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}-{month:02d}-{day:02d}"


def _shift(reference: YMD, unit: str, amount: int) -> YMD:
    """Move `reference` by `amount` units; the result is no finer than the unit
    nor than the reference ("на следующий год" after April 2024 is 2025)."""
    year, month, day = reference
    if unit == "years":
        return (year + amount, None, None)
    if unit == "weeks":
        unit, amount = "days", amount * 7
    if unit == "days":
        if day is not None:
            moved = date(year, month, day) + timedelta(days=amount)
            return (moved.year, moved.month, moved.day)
        # A day offset from a month: whole months at most ("в тот же день" -> that month).
        unit, amount = "months", round(amount / 30.4)
    if month is None:
        return (year + round(amount / 12), None, None)
    index = year * 12 + month - 1 + amount
    return (index // 12, index % 12 + 1, None)


def _frame_reference(tl: Timeline) -> YMD | None:
    """The publication date, or the frame the text was placed in."""
    if tl.published is not None:
        return (tl.published.year, tl.published.month, tl.published.day)
    if tl.frame_year is not None:
        return (tl.frame_year, tl.frame_month, None)
    return None


def _year_of_yearless(month: int, tl: Timeline) -> int | None:
    """The year of "в конце января" / "3 февраля" without a year: the latest
    such month not after the frame; without a frame month, the narrative's year."""
    frame = _frame_reference(tl)
    if frame is not None and frame[1] is not None:
        return frame[0] if month <= frame[1] else frame[0] - 1
    if tl.last is not None:
        return tl.last[0]
    return tl.frame_year


# Prepositions that announce a date ahead as often as one behind ("заседание
# назначено на 5 марта", "не позднее 10 марта"): their year-less dates take
# the occurrence nearest to the frame rather than the latest before it.
_FORWARD_PREPOSITIONS = {"на", "не позднее", "не позже", "не ранее", "к", "ко"}


def _year_nearest_frame(month: int, tl: Timeline) -> int | None:
    frame = _frame_reference(tl)
    if frame is None or frame[1] is None:
        return _year_of_yearless(month, tl)
    frame_index = frame[0] * 12 + frame[1]
    return min((frame[0] - 1, frame[0], frame[0] + 1),
               key=lambda year: abs(year * 12 + month - frame_index))


def _with_part(value: YMD, part: str | None) -> tuple[YMD, YMD | None]:
    """Apply a part of a year ("в конце 2025 года" -> 2025-12; "в первой
    половине" -> a range of months). Parts of months keep month precision."""
    year, month, day = value
    if month is not None or part is None:
        return value, None
    if part in _PART_MONTHS:
        return (year, _PART_MONTHS[part], None), None
    if part in _RANGE_PARTS:
        first, last = _RANGE_PARTS[part]
        return (year, first, None), (year, last, None)
    return value, None            # seasons: the year is what the text supports


def _offset_step(offset: dict) -> tuple[str, int | None]:
    for unit in ("years", "months", "weeks", "days"):
        if unit in offset:
            return unit, offset[unit]
    raise ValueError(offset)


def _apply_offset(reference: YMD, expr: DateExpr) -> YMD:
    unit, amount = _offset_step(expr.offset)
    value = _shift(reference, unit, amount)
    if unit == "weeks":               # "на прошлой неделе": a week, not a day
        value = (value[0], value[1], None)
    if expr.month is not None:        # "в мае того же года", "3 марта прошлого года"
        value = (value[0], expr.month, expr.day)
    return value


def _resolve_absolute(expr: DateExpr, tl: Timeline) -> tuple[YMD, YMD | None] | None:
    if expr.part in _SEASON_MONTHS:
        year = expr.year if expr.year is not None else _year_of_yearless(_SEASON_MONTHS[expr.part], tl)
        return ((year, None, None), None) if year is not None else None
    year = expr.year
    if year is None:
        if expr.month is None:
            return None
        if expr.preposition in _FORWARD_PREPOSITIONS:
            year = _year_nearest_frame(expr.month, tl)
        else:
            year = _year_of_yearless(expr.month, tl)
            # A story told in order: "That summer … In October" after summer 2025
            # is October 2025, though a frame guessed from the text (only a lower
            # bound of when it was written) would put it a year before the year
            # the story has reached.
            if year is not None and tl.inferred and tl.published is None and tl.last is not None \
                    and tl.last[1] is None and year + 1 == tl.last[0] and expr.preposition in (None, "в", "во", "in"):
                year += 1
        if year is None:
            return None
    return _with_part((year, expr.month, expr.day), expr.part)


def _resolve_range(expr: DateExpr, tl: Timeline) -> tuple[YMD, YMD] | None:
    year = expr.year
    if year is None:
        if expr.month is None:
            return None
        year = _year_of_yearless(expr.month, tl)
        if year is None:
            return None
    year_end = expr.year_end
    if year_end is None:
        year_end = year + (expr.month_end is not None and expr.month_end < expr.month)
    start = (year, expr.month, expr.day)
    end = (year_end, expr.month_end, expr.day_end)
    return start, end


def _resolve_relative(expr: DateExpr, tl: Timeline) -> tuple[YMD, YMD | None] | None:
    # Without a date mentioned yet, the text can only mean its own time.
    reference = tl.last or _frame_reference(tl)
    if reference is None:
        return None
    return _with_part(_apply_offset(reference, expr), expr.part)


def _resolve_deictic(expr: DateExpr, tl: Timeline) -> tuple[YMD, YMD | None] | None:
    offset = expr.offset or {}
    if "weekday" in offset:
        if tl.published is None:
            return None                # which Monday is unknowable without the publication day
        back = (tl.published.weekday() - offset["weekday"]) % 7
        if back == 0 and offset.get("strictly_before"):
            back = 7
        day = tl.published - timedelta(days=back)
        return (day.year, day.month, day.day), None
    reference = _frame_reference(tl)
    if reference is None:
        return None
    unit, amount = _offset_step(offset)
    if amount is None:                 # "несколько дней назад": only the coarse parts hold
        if unit == "years":
            return None
        now = _resolve_now(tl)
        return ((now[0], now[1] if unit in ("days", "weeks") else None, None)), None
    if unit in ("days", "weeks") and reference[2] is None:
        # "вчера" in a text whose day is unknown: the frame at the precision it has.
        return _resolve_now(tl), None
    if expr.part in _SEASON_MONTHS:
        return _shift(reference, "years", amount), None
    return _with_part(_apply_offset(reference, expr), expr.part)


def _resolve_now(tl: Timeline) -> YMD | None:
    reference = _frame_reference(tl)
    if reference is None:
        return None
    if tl.inferred and tl.published is None:
        return (reference[0], None, None)   # an inferred month is only a lower bound
    return reference


def _resolve_anchored(expr: DateExpr, tl: Timeline) -> tuple[YMD, YMD | None] | None:
    anchor = tl.anchors.get(expr.anchor_word)
    if anchor is None:
        # "через два дня после ареста": the arrest is most likely the date just told.
        if expr.ordinal is None and tl.last is not None:
            return _apply_offset(tl.last, expr), None
        return None
    return _apply_offset(anchor, expr), None


def _resolve_vague(expr: DateExpr, tl: Timeline) -> YMD | None:
    """"позже" and "через несколько дней": later than tl.last by an unknown
    amount, so only its coarser parts hold."""
    if tl.last is None:
        return None
    year, month, _ = tl.last
    unit = _offset_step(expr.offset)[0] if expr.offset else "years"
    if unit in ("days", "weeks") and month is not None:
        return (year, month, None)
    if unit == "years" and expr.offset:
        return None                        # "через несколько лет": the year is unknown
    return (year, None, None)


def _resolve_span(expr: DateExpr, tl: Timeline) -> tuple[YMD, YMD | None] | None:
    if expr.kind == "absolute":
        return _resolve_absolute(expr, tl)
    if expr.kind == "range":
        return _resolve_range(expr, tl)
    if expr.kind == "relative":
        return _resolve_relative(expr, tl)
    if expr.kind == "deictic":
        return _resolve_deictic(expr, tl)
    if expr.kind == "now":
        value = _resolve_now(tl)
        return (value, None) if value else None
    if expr.kind == "anchored":
        return _resolve_anchored(expr, tl)
    if expr.kind == "vague_relative":
        value = _resolve_vague(expr, tl)
        return (value, None) if value else None
    raise ValueError(f"unknown kind {expr.kind!r}")


def resolve(expr: DateExpr, tl: Timeline) -> str | None:
    """ISO 8601 of `expr` at the precision the text supports, or None.

    Moves the narrative reference (tl.last) to the date resolved, except for
    vague expressions ("позже"), which say too little to count from.
    """
    span = _resolve_and_advance(expr, tl)
    if span is None:
        return None
    start, end = span
    expr.value = end or start
    return _iso(start) if end is None else f"{_iso(start)}/{_iso(end)}"


# "с осени 2025 года" dates the start of a state ("был в розыске с ..."), not a
# step of the story: a coarser, earlier "since" leaves the narrative where it is.
_SINCE = {"с", "со", "начиная с", "начиная со", "since"}


def _resolve_and_advance(expr: DateExpr, tl: Timeline) -> tuple[YMD, YMD | None] | None:
    span = _resolve_span(expr, tl)
    if span is not None and expr.kind != "vague_relative":
        value = span[1] or span[0]
        if expr.preposition in _SINCE and tl.last is not None and _precision(value) < _precision(tl.last) \
                and is_before(value, tl.last):
            return span
        tl.last = value
    return span


def is_before(a: YMD, b: YMD) -> bool:
    """Is `a` (at its own precision) wholly before `b`?"""
    return (a[0], a[1] or 12, a[2] or 31) < (b[0], b[1] or 1, b[2] or 1)


# --------------------------------------------------------------------------
# The frame of a document

_URL_DATE = re.compile(r"/((?:19|20)\d\d)[/-](0[1-9]|1[0-2])(?:[/-](0[1-9]|[12]\d|3[01]))?(?=[/-])"
                       r"|[/_-]((?:19|20)\d\d)(0[1-9]|1[0-2])([0-3]\d)(?=[/_.-])")


def url_date(url: str | None) -> str | None:
    """The publication date a news URL carries ("/2023/08/slug", "/2019-03-14/",
    "/news/20230815-..."), as ISO at the URL's precision; None when it has none.
    Metadata, like a page's own date line: better than a year the text mentions
    in passing when nothing else says when the text was written."""
    m = _URL_DATE.search(url or "")
    if not m:
        return None
    if m.group(1):
        return "-".join(x for x in m.group(1, 2, 3) if x)
    year, month, day = m.group(4, 5, 6)
    try:
        return date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def _parse_published(published) -> tuple[date | None, int | None, int | None]:
    if published is None:
        return None, None, None
    if isinstance(published, date):
        return (published if type(published) is date else published.date()), published.year, published.month
    m = re.match(r"\s*(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", str(published))
    if not m:
        return None, None, None
    year = int(m.group(1))
    month = int(m.group(2)) if m.group(2) else None
    if month is not None and not 1 <= month <= 12:
        return None, year, None
    try:
        day = date(year, month, int(m.group(3))) if m.group(3) else None
    except ValueError:             # a day that does not exist: keep the month
        return None, year, month
    return day, year, month


def _latest_point(frame_year: int, dated: list[int], yearless: list[int]) -> tuple[int, int | None]:
    """The (year, month) a text is written in, from the months it mentions.

    `dated` are months of the latest explicit year (as year * 12 + month - 1),
    `yearless` months without a year (1..12). Dates in news are mostly recent:
    the frame is the earliest point not before any dated month from which the
    farthest mention looks back the least. January, February and "с конца
    декабря" after "в начале 2026 года" give February 2026; "в конце 2025 года"
    followed by "в январе" gives January 2026, the year after the latest one
    written out."""
    if not dated and not yearless:
        return frame_year, None

    def farthest_lookback(point: int) -> int:
        return max([point - month for month in dated] + [(point - (month - 1)) % 12 for month in yearless])

    earliest = max(dated, default=frame_year * 12)
    point = min(range(earliest, (frame_year + 2) * 12), key=farthest_lookback)
    year, month_index = divmod(point, 12)
    return year, month_index + 1


def infer_frame(text: str, published=None, exprs: list[DateExpr] | None = None) -> Timeline:
    """The time frame of a document: its publication date when known; else
    the latest explicit year of the text and the latest month mentioned once
    that year is established (see _latest_point). `exprs` (find_dates(text))
    saves a second scan."""
    day, year, month = _parse_published(published)
    if year is not None:
        return Timeline(published=day, frame_year=year, frame_month=month)
    if exprs is None:
        exprs = find_dates(text)
    # "к 2030 году" is a target, not the time the text is written in.
    explicit = [e for e in exprs if e.kind in ("absolute", "range") and e.year is not None
                and e.preposition not in ("к", "ко") and e.part != "decade"]
    if not explicit:
        return Timeline(inferred=True)
    frame_year = max(e.year_end or e.year for e in explicit)
    explicit_ids = {id(e) for e in explicit}
    first = next(i for i, e in enumerate(exprs)
                 if id(e) in explicit_ids and frame_year in (e.year, e.year_end))
    dated: list[int] = []
    yearless: list[int] = []
    for e in exprs[first:]:
        if e.kind not in ("absolute", "range") or e.part in _SEASON_MONTHS:
            continue
        month = _last_month_of(e)
        if month is None:
            continue
        if id(e) in explicit_ids and (e.year_end or e.year) == frame_year:
            dated.append(frame_year * 12 + month - 1)
        elif e.year is None:
            yearless.append(month)
    year, month = _latest_point(frame_year, dated, yearless)
    return Timeline(frame_year=year, frame_month=month, inferred=True)


def _last_month_of(expr: DateExpr) -> int | None:
    """The last month an absolute or range expression covers, if it names one."""
    if expr.month_end or expr.month:
        return expr.month_end or expr.month
    if expr.part in _PART_MONTHS:
        return _PART_MONTHS[expr.part]
    if expr.part in _RANGE_PARTS:
        return _RANGE_PARTS[expr.part][1]
    return None


# --------------------------------------------------------------------------
# Anchors

_ANCHOR_REACH = 60    # characters between an event noun and the date that dates it


def note_anchor(sentence: str, tl: Timeline, exprs: list[DateExpr], sentence_start: int = 0) -> None:
    """Remember the dates of event nouns this sentence dates ("объявил
    мобилизацию в сентябре 2022 года" -> tl.anchors["мобилизация"] = (2022, 9, None);
    "на следующий день суд постановил..." -> tl.anchors["суд"]).

    `exprs` are the date expressions of the sentence; `sentence_start` is the
    sentence's offset when their offsets are into the whole document. It may
    be called before or after the sentence's expressions are resolved. A noun
    takes the nearest date within _ANCHOR_REACH characters. Society-wide
    events keep their first dating unless a later one is more precise in the
    same year; steps of a case take the latest.
    """
    dated = [(e, value) for e, value in _sentence_values(tl, exprs)
             if value is not None and e.kind in ("absolute", "relative", "deictic")]
    if not dated:
        return
    spans = [(e.start - sentence_start, e.end - sentence_start) for e in exprs]
    for noun in _event_noun_regex().finditer(sentence):
        if any(start < noun.end() and noun.start() < end for start, end in spans):
            continue              # the noun of "в седьмой день мобилизации" dates nothing
        gap, value = min((_gap(noun.span(), e, sentence_start), value) for e, value in dated)
        if gap > _ANCHOR_REACH:
            continue
        lemma = _event_lemma(noun.group())
        known = tl.anchors.get(lemma)
        if lemma in _CASE_NOUNS or known is None \
                or (known[0] == value[0] and _precision(value) > _precision(known)):
            tl.anchors[lemma] = value


def _sentence_values(tl: Timeline, exprs: list[DateExpr]) -> list[tuple[DateExpr, YMD | None]]:
    """What each expression of the sentence resolves to: as resolve left it,
    or, before resolve ran, by resolving them in order on a copy of the timeline."""
    if any(e.value is not None for e in exprs):
        return [(e, e.value) for e in exprs]
    scratch = replace(tl, anchors=dict(tl.anchors))
    values = []
    for e in exprs:
        span = _resolve_and_advance(e, scratch)
        values.append((e, span[0] if span else None))
    return values


def _gap(span: tuple[int, int], expr: DateExpr, sentence_start: int) -> int:
    start, end = expr.start - sentence_start, expr.end - sentence_start
    return max(start - span[1], span[0] - end, 0)


# --------------------------------------------------------------------------
# A newspaper dateline

_DATELINE_LINES = 6          # a dateline stands in the first lines of a text
# What may stand before the date on its line: a place or a weekday, capitalised
# ("Алматы, ", "Пятница, ", "НУР-СУЛТАН — "), or nothing.
_DATELINE_HEAD = re.compile(r"^\s*(?:[A-ZА-ЯЁ][\w.\-]*(?:\s+[A-ZА-ЯЁ(][\w.\-)]*){0,2}\s*[,:—–\-]?\s*)?$")
_DATELINE_TAIL = re.compile(r"^\s*(?:г\.|года?)?\s*(?:$|[—–\-|,.(/])")


def dateline(text: str, exprs: list[DateExpr] | None = None) -> str | None:
    """The day a text gives itself in its first lines ("6 марта 2026 года",
    "Алматы, 17 октября 2025 года", "14.11.2025 — ..."), as ISO, or None.

    A date counts as a dateline only on a line of its own (a place or weekday
    before it, a separator after it): a date in a sentence is an event's."""
    if exprs is None:
        exprs = find_dates(text[:600])
    lines = []
    offset = 0
    for line in text.split("\n"):
        if line.strip():
            lines.append((offset, line))
            if len(lines) >= _DATELINE_LINES:
                break
        offset += len(line) + 1
    for start, line in lines:
        for e in exprs:
            if not (start <= e.start and e.end <= start + len(line)):
                continue
            if e.kind != "absolute" or e.year is None or e.month is None or e.day is None:
                continue
            head = line[:e.start - start]
            tail = line[e.end - start:]
            if len(line) <= 120 and _DATELINE_HEAD.match(head) and _DATELINE_TAIL.match(tail) \
                    and not re.search(r"\d", head):
                return f"{e.year:04d}-{e.month:02d}-{e.day:02d}"
    return None
