"""The words of Russian dates, for ru_dates' grammar.

The vocabulary (months, numbers, ordinals, weekdays; the nouns of events a
text dates once and then counts from, `event_lemma`, `event_noun_regex`), the
regex pieces the grammar's productions are composed from (MONTH, YEAR, PART,
... matched against lower-cased text), and the readers that turn matched
words into numbers (`month_number`, `part_of`, `ordinal_of`, `unit_of`,
`relation_of`, ...). Nothing here finds or resolves a date.
"""
from __future__ import annotations

import re
from functools import lru_cache

# --------------------------------------------------------------------------
# Vocabulary

_MONTH_BY_PREFIX = {
    "янв": 1, "фев": 2, "мар": 3, "апр": 4, "июн": 6, "июл": 7,
    "авг": 8, "сен": 9, "окт": 10, "ноя": 11, "дек": 12,
}

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

WEEKDAYS = {"пон": 0, "вто": 1, "сре": 2, "чет": 3, "пят": 4, "суб": 5, "вос": 6}

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
CASE_NOUNS = {
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

START = r"(?<![\w.,])"          # not inside a word, nor after "2," / "1." (decimals, numbering)
END = r"(?!\w)"

PREP_WORDS = (r"в\s+ночь\s+(?:с\s+\d{1,2}\s+)?на|в\s+течение|на\s+протяжении|"
               r"не\s+позднее|не\s+позже|не\s+ранее|начиная\s+со?|вплоть\s+до|примерно\s+в|около|после|"
               r"в|во|со?|до|ко?|по|на|от|за")
PREP = rf"(?:(?P<prep>{PREP_WORDS})\s+)?"

MONTH = (r"(?:январ[ьяеюё]|феврал[ьяеюё]|март[аеу]?|апрел[ьяеюё]|ма[йяею]|июн[ьяеюё]|"
          r"июл[ьяеюё]|август[аеу]?|сентябр[ьяеюё]|октябр[ьяеюё]|ноябр[ьяеюё]|декабр[ьяеюё])" + END)

YEAR = r"(?:1[89]|20)\d\d(?!\d)"
YEAR_SUFFIX = r"(?:-?(?:м|го|й|ом|ый))?"      # "2022-м году", "2022-го"
YEAR_WORD = YEAR_SUFFIX + r"\s*(?:год(?:а|у|ом|ы|ах|ами|ов)?" + END + r"|гг?\.|гг?" + END + ")"
BARE_YEAR_END = r"(?=\s*(?:[,.;:!?)»\"”]|[-–—]\s|$))"   # "в 2022." without "году"

DAY = r"[0-3]?\d(?:-?(?:го|е|ое))?"

PART = (r"(?:начал[оеау]|середин[аеуы]|кон(?:ец|ца|це|цу|цом)|"
         r"(?:перв|втор)(?:ой|ая|ую)\s+половин[аеуы]|"
         r"(?:перв|втор|трет|четв[её]рт|[1-4]-?)(?:ом|ый|ой|ий|ьем|ем|м|й)?\s+квартал[еау]?)" + END)

SEASON = r"(?:весн(?:а|ы|е|у|ой|ою)|лет(?:о|а|е|ом)|осен(?:ь|и|ью)|зим(?:а|ы|е|у|ой|ою))" + END

REL_WORD = (r"(?:(?:т(?:от|ом|ой|у|ого|ем|ех)|эт(?:от|ом|ой|у|ого|им))\s+же|"
             r"эт(?:от|ом|ой|у|ого|им|а|о)|текущ\w{2,3}|нынешн\w{2,3}|позапрошл\w{2,3}|"
             r"прошл\w{2,3}|минувш\w{2,3}|следующ\w{2,3}|предыдущ\w{2,3}|друг(?:ой|ом|ое))")

_REL_YEAR_GEN = (r"(?:того\s+же|этого(?:\s+же)?|текущего|нынешнего|позапрошлого|прошлого|"
                 r"минувшего|следующего|предыдущего)\s+года" + END)

YEAR_TAIL = (r"(?:\s+(?:(?P<y>" + YEAR + r")(?:" + YEAR_WORD + r")?|(?P<yrel>" + _REL_YEAR_GEN + ")))?")

NUMBER = (r"(?:\d{1,3}|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + ")")
UNIT = (r"(?:д(?:ень|ня|ней)|сут(?:ки|ок)|недел[юиь]|месяц(?:а|ев)?|год(?:а)?|лет|"
         r"полгода|полтора\s+(?:года|месяца))" + END)

ORDINAL = (r"(?:(?:двадцать|тридцать)\s+)?(?:"
            + "|".join(stem for stem, _ in _ORDINAL_STEMS)
            + r")(?:ый|ой|ий|ая|ое|ого|ому|ом|ые|ых|ья|ье|ьего|ьи|ем|ьем)" + END
            + r"|\d{1,3}-?(?:й|ой|ый|ий|го|ого|е|ые|м)" + END)

# The event an anchored expression counts from: an optional adjective or
# possessive and a noun in the genitive ("частичной мобилизации", "его ареста").
ANCHOR_NP = (r"[«“\"]?(?:(?P<adj>[а-яё]+(?:ой|ого|ей|его|ых|их))\s+)?"
              r"(?P<noun>[а-яё]{2,}(?:а|я|и|ы|ов|ев|ей|ий))" + END)

WEEKDAY = (r"(?:понедельник[а]?|вторник[а]?|сред[ауы]|четверг[а]?|пятниц[ауы]|суббот[ауы]|"
            r"воскресень[ея])" + END)       # "с прошлого воскресенья": the genitive after "с", "до"


# --------------------------------------------------------------------------
# Small readers used by the builders

def month_number(word: str) -> int:
    word = word.lower()
    return _MONTH_BY_PREFIX.get(word[:3], 5)   # every month but May has a unique 3-letter prefix


def part_of(words: str | None) -> str | None:
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


def season_of(word: str) -> str:
    return {"вес": "spring", "лет": "summer", "осе": "autumn", "зим": "winter"}[word.lower()[:3]]


def number_of(word: str | None) -> int | None:
    """'два' -> 2, '3' -> 3, None (no number: "через год") -> 1, 'несколько' -> None."""
    if word is None:
        return 1
    word = word.lower()
    return int(word) if word.isdigit() else _NUMBER_WORDS[word]


def ordinal_of(words: str) -> int:
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


def unit_of(word: str) -> tuple[str, float]:
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


def relation_of(word: str) -> tuple[str, int]:
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


def event_lemma(noun: str) -> str:
    noun = noun.lower().replace("ё", "е")
    for lemma, regex in _event_noun_forms().items():
        if regex.fullmatch(noun):
            return lemma
    return noun


@lru_cache(maxsize=1)
def _event_noun_forms() -> dict[str, re.Pattern]:
    nouns = {**_EVENT_NOUNS, **CASE_NOUNS}
    return {lemma: re.compile(f"{stem}(?:{endings})") for lemma, (stem, endings) in nouns.items()}


@lru_cache(maxsize=1)
def event_noun_regex() -> re.Pattern:
    nouns = {**_EVENT_NOUNS, **CASE_NOUNS}
    forms = "|".join(f"{stem}(?:{endings})" for stem, endings in nouns.values())
    return re.compile(rf"(?<!\w)(?:{forms})(?!\w)", re.IGNORECASE)


def day_number(words: str) -> int:
    return int(re.match(r"\d+", words).group())
