"""English date expressions: find them in a text and resolve them to ISO 8601.

The same contract as ru_dates, for English news: "on Sept. 26", "in late
January", "last year", "this fall", "earlier this month", "on Wednesday",
"a year later", "on the seventh day of the mobilization". Finding is an
English grammar; everything after it is ru_dates' machinery: the expressions
are ru_dates.DateExpr (year/month/day/part/offset/kind filled in the same
way), the reading state is ru_dates.Timeline, and `resolve` / `infer_frame`
hand them to ru_dates. Two resolution rules ru_dates does not have yet are
applied here first, by turning the expression into one ru_dates resolves
(see _resolvable): seasons are counted as seasons ("last spring" read in
October is this year's spring), and dates announced ahead ("set for March 3")
take the occurrence nearest to the frame with English prepositions.

The grammar has the shape of ru_dates': compiled regular expressions composed
from named pieces, one production per form, each a prefix (usually an
optional preposition) and a core. `find_dates` lower-cases the text, scans it
once with the union of the cores and, at each hit, takes the longest
production that matches from the preposition before the core (if any) or
from the core itself.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache

from . import ru_dates
from .ru_dates import DateExpr, Timeline

__all__ = ["DateExpr", "Timeline", "find_dates", "infer_frame", "note_anchor", "resolve"]

YMD = ru_dates.YMD

# --------------------------------------------------------------------------
# Vocabulary

_MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august",
                "september", "october", "november", "december")
_MONTH_BY_PREFIX = {name[:3]: number for number, name in enumerate(_MONTH_NAMES, start=1)}
# Month names that are also common lower-case words ("they may", "to march",
# "an august body"): only capitalised are they months.
_AMBIGUOUS_MONTHS = {"may", "march", "august"}

_WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}

_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "eighteen": 18,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "a couple of": 2, "a couple": 2,
    # counts the grammar cannot pin down: "a few days later" is only "later"
    "a few": None, "few": None, "several": None, "some": None, "many": None, "a number of": None,
}

_ORDINAL_WORDS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "thirtieth": 30, "hundredth": 100,
}

# Nouns of events a text dates once and then counts from ("on the seventh
# day of the mobilization", "three days after his arrest"): lemma -> forms.
# Events of a whole society happen once: their first dating stays.
_EVENT_NOUNS = {
    "mobilization": r"mobili[sz]ations?", "invasion": r"invasions?", "war": r"wars?",
    "annexation": r"annexations?", "occupation": r"occupations?",
    "counteroffensive": r"counter-?offensives?", "offensive": r"offensives?",
    "ceasefire": r"cease-?fires?", "truce": r"truces?", "protest": r"protests?",
    "rally": r"rall(?:y|ies)", "referendum": r"referend(?:um|ums|a)", "coup": r"coups?",
    "mutiny": r"mutin(?:y|ies)", "revolution": r"revolutions?", "uprising": r"uprisings?",
    "evacuation": r"evacuations?", "pandemic": r"pandemics?", "lockdown": r"lockdowns?",
    "blockade": r"blockades?", "siege": r"sieges?", "election": r"elections?",
}
# Steps of one person's case recur (each person has a trial, an arrest): the
# latest dating is the one the narrative is about.
_CASE_NOUNS = {
    "hunger strike": r"hunger\s+strikes?", "trial": r"trials?", "hearing": r"hearings?",
    "verdict": r"verdicts?", "ruling": r"rulings?", "sentencing": r"sentencings?",
    "conviction": r"convictions?", "indictment": r"indictments?", "detention": r"detentions?",
    "arrest": r"arrests?", "search": r"search(?:es)?", "raid": r"raids?",
    "interrogation": r"interrogations?", "questioning": r"questioning",
    "extradition": r"extraditions?", "deportation": r"deportations?", "expulsion": r"expulsions?",
    "escape": r"escapes?", "release": r"releases?", "departure": r"departures?",
    "return": r"returns?", "abduction": r"abductions?", "kidnapping": r"kidnappings?",
    "disappearance": r"disappearances?",
}

# Prepositions that announce a date ahead as often as one behind ("a hearing
# is set for March 3", "held until March"): their year-less dates take the
# occurrence nearest to the frame rather than the latest before it.
_FORWARD_PREPOSITIONS = {"for", "by", "until", "till", "up until", "up to", "no later than",
                         "not later than", "no earlier than", "not earlier than", "not before"}
# "by 2030" is a target, not the time a text is written in.
_TARGET_PREPOSITIONS = {"by", "for", "up to", "no later than", "not later than"}

# First month of each season (winter: December of the year before the one
# it is named by, as ru_dates names winters by their January).
_SEASON_FIRST_MONTH = {"spring": 3, "summer": 6, "autumn": 9, "winter": 12}


# --------------------------------------------------------------------------
# Grammar pieces: regex fragments matched against lower-cased text; named
# groups are read by the production's builder.

_START = r"(?<![\w.,$€£/-])"   # not inside a word, a number ("400,000"), an amount or "2025-09"
_END = r"(?!\w)"
_PUNCT_AHEAD = r"(?=\s*(?:[,.;:!?)\]—–]|$))"

_PREP_WORDS = "|".join(sorted((
    r"since", r"until", r"till", r"through", r"throughout", r"by", r"before", r"after", r"from",
    r"during", r"in", r"on", r"at", r"for", r"around", r"over", r"between", r"as\s+of",
    r"as\s+early\s+as", r"as\s+late\s+as", r"no\s+later\s+than", r"not\s+later\s+than",
    r"no\s+earlier\s+than", r"not\s+earlier\s+than", r"not\s+before", r"prior\s+to", r"up\s+to",
    r"up\s+until", r"starting\s+(?:in|on|from)", r"beginning\s+in", r"sometime\s+in",
    r"late\s+on", r"early\s+on",
), key=len, reverse=True))
_PREP = rf"(?:(?P<prep>{_PREP_WORDS})\s+)?"

_MONTH = (r"(?:(?:" + "|".join(_MONTH_NAMES) + r")" + _END
          + r"|(?:jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)(?:\.|" + _END + "))")

# Plural nouns that make a number a count, not a year: "in 2000 cases".
_COUNTED = (r"(?:people|persons|men|women|children|cases|times|troops|soldiers|residents|citizens|"
            r"refugees|migrants|exiles|protesters|prisoners|detainees|dollars|euros|rubles|roubles|"
            r"tenge|km|kilomet(?:er|re)s|miles|met(?:er|re)s|tons|tonnes|percent|per\s+cent)" + _END)
_YEAR = rf"(?:1[89]|20)\d\d(?!\d|[.,]\d)(?!\s+{_COUNTED})"

_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?!\d|[.,]\d|-year)"

_PART = (r"(?:(?:the\s+)?(?:beginning|start|end|middle)\s+of\s+"
         r"|the\s+(?:first|second|latter)\s+half\s+of\s+"
         r"|the\s+(?:first|second|third|fourth|final|last)\s+quarter\s+of\s+"
         r"|(?:early|late|mid)(?:-|\s+))")

# "last" after a determiner is "final": "the last year of the war".
_LAST = r"(?<!the\s)(?<!his\s)(?<!her\s)(?<!its\s)(?<!their\s)(?<!my\s)(?<!our\s)last"
_REL = (rf"(?:this\s+past|this|{_LAST}|next|the\s+next|the\s+following|the\s+subsequent|"
        r"the\s+same|that\s+same|that|the\s+previous|the\s+preceding|the\s+prior|the\s+current)")

# The year after a month, a day or a season: written out ("Sept. 26, 2025",
# "the summer of 2022") or relative ("May of last year", "in June the following year").
_YEAR_TAIL = (rf"(?:(?:,?\s+|\s+of\s+)(?P<y>{_YEAR})"
              rf"|\s+(?:of\s+)?(?P<yrel>{_REL})\s+year{_END})?")

_NUMBER = r"(?:\d{1,3}|" + "|".join(
    word.replace(" ", r"\s+") for word in sorted(_NUMBER_WORDS, key=len, reverse=True)) + ")"
_UNIT = (r"(?:half\s+a\s+year|a\s+year\s+and\s+a\s+half|days?|weeks?|fortnight|months?|years?|hours?)"
         + _END)

_ORDINAL = (r"(?:(?:(?:twenty|thirty)[-\s])?(?:"
            + "|".join(sorted(_ORDINAL_WORDS, key=len, reverse=True)) + ")"
            + r"|\d{1,3}(?:st|nd|rd|th))" + _END)

_EVENT_FORMS = "|".join(sorted({**_EVENT_NOUNS, **_CASE_NOUNS}.values(), key=len, reverse=True))
# The event an anchored expression counts from: a determiner, an adjective
# and a noun ("the partial mobilization", "his arrest", "Russia's full-scale invasion").
_ANCHOR_NP = (r"(?:(?:the|his|her|their|its|this|that|[a-z]+['’]s)\s+)?(?:(?P<adj>[a-z][a-z-]*)\s+)?"
              rf"(?P<noun>{_EVENT_FORMS}){_END}")

_WEEKDAY = (r"(?<!next\s)(?<!coming\s)(?<!ash\s)(?<!good\s)(?<!black\s)(?<!easter\s)(?<!palm\s)"
            r"(?<!bloody\s)(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)" + _END)


# --------------------------------------------------------------------------
# Small readers used by the builders

def _month_number(word: str) -> int:
    return _MONTH_BY_PREFIX[word.lower()[:3]]


def _is_month(m: re.Match, group: str, text: str) -> bool:
    """Whether the word of `group` (if any) is a month: "May", "March" and
    "August" only capitalised in the original text."""
    word = m.group(group)
    return word is None or word.lower() not in _AMBIGUOUS_MONTHS or text[m.start(group)].isupper()


def _bare_abbreviation(word: str | None) -> bool:
    """"Jan" without its dot: too often a name ("Jan Novak") unless a day or year follows."""
    return word is not None and not word.endswith(".") and word.lower() not in _MONTH_NAMES


def _part_of(words: str | None) -> str | None:
    if not words:
        return None
    w = words.lower()
    if "quarter" in w:
        for ordinal, quarter in (("first", 1), ("second", 2), ("third", 3)):
            if ordinal in w:
                return f"q{quarter}"
        return "q4"
    if "half" in w:
        return "h1" if "first" in w else "h2"
    if w.startswith(("early", "beginning", "start", "the beginning", "the start")):
        return "early"
    if w.startswith(("mid", "the mid")):
        return "mid"
    return "late"


def _season_of(word: str) -> str:
    word = word.lower()
    return "autumn" if word == "fall" else word


def _relation_of(words: str) -> tuple[str, int]:
    """A relative word -> (kind, step): 'last' -> ('deictic', -1), 'the following' -> ('relative', 1).

    "next" counts from the narrative, as ru_dates' "следующий" does."""
    w = " ".join(words.lower().split())
    if w in ("this", "the current"):
        return "deictic", 0
    if w in ("last", "this past"):
        return "deictic", -1
    if w in ("next", "the next", "the following", "the subsequent"):
        return "relative", 1
    if w in ("the previous", "the preceding", "the prior"):
        return "relative", -1
    return "relative", 0          # that, the same, that same


def _number_of(word: str | None, unit_word: str) -> int | None:
    """'two' -> 2, '3' -> 3, 'several' -> None; no number: 1 for a singular
    unit ("the day before"), unknown for a plural one ("days later")."""
    if word is None:
        return None if unit_word.endswith("s") else 1
    word = " ".join(word.lower().split())
    return int(word) if word.isdigit() else _NUMBER_WORDS[word]


def _unit_of(word: str) -> tuple[str, float]:
    """A unit word -> (offset key, how many of it the word itself means)."""
    w = " ".join(word.lower().split())
    if w == "half a year":
        return "months", 6
    if w == "a year and a half":
        return "months", 18
    if w.startswith("hour"):
        return "days", 1 / 24
    # weeks are counted in days, as ru_dates counts them: "a week later" keeps the day
    if w == "fortnight":
        return "days", 14
    if w.startswith("week"):
        return "days", 7
    if w.startswith("month"):
        return "months", 1
    if w.startswith("year"):
        return "years", 1
    return "days", 1


def _ordinal_of(words: str) -> int:
    words = words.lower()
    digits = re.match(r"\d+", words)
    if digits:
        return int(digits.group())
    tens = 0
    parts = re.split(r"[-\s]", words)
    if len(parts) == 2:
        tens = 20 if parts[0] == "twenty" else 30
    return tens + _ORDINAL_WORDS[parts[-1]]


def _event_lemma(noun: str) -> str:
    noun = " ".join(noun.lower().split())
    for lemma, regex in _event_noun_forms().items():
        if regex.fullmatch(noun):
            return lemma
    return noun


@lru_cache(maxsize=1)
def _event_noun_forms() -> dict[str, re.Pattern]:
    return {lemma: re.compile(forms) for lemma, forms in {**_EVENT_NOUNS, **_CASE_NOUNS}.items()}


@lru_cache(maxsize=1)
def _event_noun_regex() -> re.Pattern:
    return re.compile(rf"(?<!\w)(?:{_EVENT_FORMS})(?!\w)", re.IGNORECASE)


def _prep(m: re.Match) -> str | None:
    prep = m.groupdict().get("prep")
    return " ".join(prep.lower().split()) if prep else None


def _day_number(words: str) -> int:
    return int(re.match(r"\d+", words).group())


# --------------------------------------------------------------------------
# Builders: each production's builder turns a match (on the lower-cased
# text) into a DateExpr, or refuses it (returns None) when the words are not a
# date after all. `text` is the original text, for the words and their case.

Builder = Callable[[re.Match, str], "DateExpr | None"]


def _expr(m: re.Match, text: str, kind: str, **fields) -> DateExpr:
    fields.setdefault("preposition", _prep(m))
    return DateExpr(start=m.start(), end=m.end(), text=text[m.start():m.end()], kind=kind, **fields)


def _year_tail(m: re.Match) -> tuple[int | None, dict | None, str]:
    """The year after a month, a day or a season: explicit, relative ("of last year") or none."""
    if m.group("y"):
        return int(m.group("y")), None, "absolute"
    if m.group("yrel"):
        kind, step = _relation_of(m.group("yrel"))
        return None, {"years": step}, kind
    return None, None, "absolute"


def _build_numeric(m: re.Match, text: str) -> DateExpr | None:
    """"2025-09-26", "26.09.2025", and "26/09/2025" or "09/26/2025" where
    one of the two numbers cannot be a month (otherwise the order is unknown)."""
    if m.group("iy"):
        year, month, day = int(m.group("iy")), int(m.group("im")), int(m.group("id"))
    elif m.group("dy"):
        year, month, day = int(m.group("dy")), int(m.group("dm")), int(m.group("dd"))
    else:
        year, first, second = int(m.group("sy")), int(m.group("sa")), int(m.group("sb"))
        if first > 12 >= second:
            day, month = first, second
        elif second > 12 >= first:
            month, day = first, second
        else:
            return None
    if not 1 <= month <= 12 or not ru_dates._valid_day(year, month, day):
        return None
    return _expr(m, text, "absolute", year=year, month=month, day=day)


def _build_day(m: re.Match, text: str) -> DateExpr | None:
    """"Sept. 26, 2025", "26 September", "the 26th of September", "Jan. 5-7"."""
    if not _is_month(m, "mon", text):
        return None
    month = _month_number(m.group("mon"))
    day = _day_number(m.group("d"))
    year, offset, kind = _year_tail(m)
    if not ru_dates._valid_day(year, month, day):
        return None
    day_end = _day_number(m.group("d_end")) if m.group("d_end") else None
    if day_end is not None:
        if day_end <= day or not ru_dates._valid_day(year, month, day_end):
            return None
        if kind == "absolute":
            return _expr(m, text, "range", year=year, month=month, day=day, year_end=year,
                         month_end=month, day_end=day_end)
    return _expr(m, text, kind, year=year, month=month, day=day, offset=offset)


def _build_that_month(m: re.Match, text: str) -> DateExpr | None:
    """"That November, investigators…": the month in the year the story has reached."""
    if not _is_month(m, "mon", text) or _bare_abbreviation(m.group("mon")):
        return None
    return _expr(m, text, "relative", month=_month_number(m.group("mon")), offset={"years": 0})


def _build_month(m: re.Match, text: str) -> DateExpr | None:
    if not (_is_month(m, "mon", text) and _is_month(m, "mon_end", text)):
        return None
    month = _month_number(m.group("mon"))
    month_end = _month_number(m.group("mon_end")) if m.group("mon_end") else None
    part = _part_of(m.group("part"))
    year, offset, kind = _year_tail(m)
    prep = _prep(m)
    # A month name alone ("May", "March") is too often something else.
    if year is None and offset is None and part is None and prep is None and month_end is None:
        return None
    if year is None and offset is None and _bare_abbreviation(m.group("mon")):
        return None
    if month_end is not None:
        connector = m.group("conn").strip()
        if connector in ("and", "or") and prep not in ("between", "in", "during", "over"):
            return None        # "March and May" are two months; a span only "between" them
        if kind == "absolute":
            # "from December to February 2024": the year written is the end's
            start_year = year - (month_end < month) if year is not None else None
            return _expr(m, text, "range", year=start_year, month=month, year_end=year,
                         month_end=month_end, part=part)
    return _expr(m, text, kind, year=year, month=month, part=part, offset=offset)


def _build_year(m: re.Match, text: str) -> DateExpr | None:
    prep = _prep(m)
    part = _part_of(m.group("part"))
    # A bare number is a year only after a preposition, a part or "the year":
    # "in 2022", "mid-2023", but not "the 2022 law" (which dates nothing).
    if part is None and not m.group("the_year") and prep in (None, "for"):
        return None
    year = int(m.group("y"))
    if part in ru_dates._RANGE_PARTS:
        first, last = ru_dates._RANGE_PARTS[part]
        return _expr(m, text, "range", year=year, month=first, year_end=year, month_end=last, part=part)
    return _expr(m, text, "absolute", year=year, part=part)


def _build_year_range(m: re.Match, text: str) -> DateExpr | None:
    year, end_words = int(m.group("y")), m.group("y_end")
    connector = m.group("conn").strip()
    if len(end_words) == 2:               # "2022-23"
        if connector not in ("-", "–", "—"):
            return None
        year_end = year // 100 * 100 + int(end_words)
    else:
        year_end = int(end_words)
    if not 0 < year_end - year <= 50:
        return None
    prep = _prep(m)
    if connector in ("and", "or") and prep not in ("between", "in", "during", "over"):
        return None            # "2022 and 2023" is a span only "between" / "in" them
    if connector in ("to", "through", "until", "till") and prep not in ("from", "between"):
        return None
    return _expr(m, text, "range", year=year, year_end=year_end)


def _build_decade(m: re.Match, text: str) -> DateExpr | None:
    year = int(m.group("y"))
    return _expr(m, text, "range", year=year, year_end=year + 9, part="decade")


# Prepositions before which a season alone ("in the fall") is a time.
_SEASON_PREPOSITIONS = {"in", "during", "over", "since", "by", "until", "till", "through",
                        "throughout", "before", "after", "from", "sometime in", "as of"}


def _build_season(m: re.Match, text: str) -> DateExpr | None:
    season = _season_of(m.group("season"))
    part = _part_of(m.group("part"))
    if m.group("srel"):
        kind, step = _relation_of(m.group("srel"))
        return _expr(m, text, kind, part=season, offset={"years": step})
    year, offset, kind = _year_tail(m)
    if year is None and offset is None:
        if part is None and _prep(m) not in _SEASON_PREPOSITIONS:
            return None        # "spring" / "fall" alone are too often other words
        if m.group("season").lower() == "fall" and re.match(r"\s+of\b", text[m.end():]):
            return None        # "after the fall of Kabul"
    return _expr(m, text, kind, year=year, part=season, offset=offset)


def _build_part_relative(m: re.Match, text: str) -> DateExpr | None:
    """"late last year", "early this month", "at the end of the year"."""
    part = _part_of(m.group("part"))
    unit = "months" if m.group("unit").lower() == "month" else "years"
    kind, step = _relation_of(m.group("rel")) if m.group("rel") else ("relative", 0)
    return _expr(m, text, kind, part=part, offset={unit: step})


def _build_rel_unit(m: re.Match, text: str) -> DateExpr | None:
    """"last year", "this month", "earlier this month", "the next day", "that night"."""
    unit_word = m.group("unit").lower()
    kind, step = _relation_of(m.group("rel"))
    if unit_word == "year":
        unit = "years"
    elif unit_word == "month":
        unit = "months"
    elif unit_word in ("week", "weekend"):
        unit = "weeks"
    else:                      # day, morning, afternoon, evening, night
        unit = "days"
        if kind == "deictic" and step == 0 and unit_word == "day":
            kind = "relative"  # "this day" is the day just talked about, as in ru_dates
    return _expr(m, text, kind, offset={unit: step})


def _build_count(m: re.Match, text: str) -> DateExpr | None:
    """"two days later", "a year later", "three years ago", "a week before the trial"."""
    unit_words = m.group("unit").lower()
    unit, size = _unit_of(unit_words)
    number_word = m.groupdict().get("n")
    if number_word is not None and " " in unit_words:
        return None            # "two half a year later": the unit already counts
    count = _number_of(number_word, unit_words)
    direction = " ".join(m.group("dir").lower().split())
    sign = -1 if direction.startswith(("earlier", "ago", "before")) else 1
    kind = "deictic" if direction == "ago" else "relative"
    amount = None if count is None else sign * round(count * size)
    if amount is None:         # "days later", "several years ago": a count the grammar does not know
        return _expr(m, text, "deictic" if kind == "deictic" else "vague_relative", offset={unit: None})
    noun = m.groupdict().get("noun")
    if noun:
        return _expr(m, text, "anchored", offset={unit: amount}, anchor_word=_event_lemma(noun))
    return _expr(m, text, kind, offset={unit: amount})


def _build_ordinal_anchor(m: re.Match, text: str) -> DateExpr | None:
    """"on the seventh day of the mobilization", "in the third year of the war"."""
    unit, size = _unit_of(m.group("unit"))
    ordinal = _ordinal_of(m.group("ord"))
    if ordinal < 1:
        return None
    return _expr(m, text, "anchored", offset={unit: round((ordinal - 1) * size)}, ordinal=ordinal,
                 anchor_word=_event_lemma(m.group("noun")))


def _build_day_of_event(m: re.Match, text: str) -> DateExpr | None:
    """"on the day of his arrest": the event's own day."""
    # ordinal 1: with the event undated, fall back to nothing, as in ru_dates
    return _expr(m, text, "anchored", offset={"days": 0}, ordinal=1,
                 anchor_word=_event_lemma(m.group("noun")))


# Single words and set phrases; a preposition before them is read as usual
# ("until now", "by now").
_FIXED_PHRASES: list[tuple[str, str, dict | None]] = [
    (r"the\s+day\s+before\s+yesterday", "deictic", {"days": -2}),
    (r"the\s+day\s+after\s+tomorrow", "deictic", {"days": 2}),
    (r"yesterday", "deictic", {"days": -1}),
    # "Russia Today" and "USA Today" are media, not days
    (r"(?<!russia\s)(?<!usa\s)today", "deictic", {"days": 0}),
    (r"tonight", "deictic", {"days": 0}),
    (r"tomorrow", "deictic", {"days": 1}),
    (r"currently|presently|nowadays|now(?!-)|at\s+present|at\s+the\s+moment|at\s+this\s+time|"
     r"at\s+the\s+time\s+of\s+(?:writing|publication)|as\s+of\s+this\s+writing|to\s+this\s+day|"
     r"as\s+we\s+speak", "now", None),
    (r"(?<!no\s)(?<!not\s)(?<!a\s)(?<!the\s)later(?!\s+(?:than|date|stage|life|years|period))|"
     r"subsequently|eventually|afterwards?|(?:soon|shortly)\s+after(?:wards)?|some\s*time\s+later",
     "vague_relative", None),
]


def _build_fixed(m: re.Match, text: str) -> DateExpr | None:
    index = int(m.lastgroup[len("phrase"):])
    _, kind, offset = _FIXED_PHRASES[index]
    return _expr(m, text, kind, offset=dict(offset) if offset else None)


def _build_weekday(m: re.Match, text: str) -> DateExpr | None:
    """"on Wednesday", "last Friday", "Wednesday night": the latest such day
    not after publication (news tells what happened)."""
    offset = {"weekday": _WEEKDAYS[m.group("wd").lower()[:3]]}
    if m.group("rel") and m.group("rel").lower() != "this":
        offset["strictly_before"] = True
    return _expr(m, text, "deictic", offset=offset)


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
    fixed = "|".join(f"(?P<phrase{i}>{regex})" for i, (regex, _, _) in enumerate(_FIXED_PHRASES))
    day_range = rf"(?:\s*[-–—]\s*(?P<d_end>{_DAY}))?"
    weekday_before = rf"(?:{_WEEKDAY},?\s+)?"
    count = rf"(?:the\s+)?(?:(?P<n>{_NUMBER})\s+)?(?P<unit>{_UNIT})"
    return [
        # year_range before numeric: on a tie the first production wins, and
        # "2011-12" is a span of years more often than December 2011
        _Production(
            "year_range",
            rf"(?P<y>{_YEAR})(?P<conn>\s*[-–—]\s*|\s+(?:and|to|through|until|till|or)\s+)"
            rf"(?P<y_end>{_YEAR}|\d\d(?![\d.,-]))",
            _build_year_range),
        _Production(
            "numeric",
            rf"(?:(?P<iy>{_YEAR})-(?P<im>[01]\d)-(?P<id>[0-3]\d)(?![\d-])"
            rf"|(?P<dd>[0-3]?\d)\.(?P<dm>[01]?\d)\.(?P<dy>{_YEAR})"
            rf"|(?P<sa>[0-3]?\d)/(?P<sb>[0-3]?\d)/(?P<sy>{_YEAR}))(?![\d.]\d)",
            _build_numeric),
        _Production(
            "month_day",
            rf"{weekday_before}(?P<mon>{_MONTH})(?:\s+|(?<=\.))(?P<d>{_DAY}){day_range}{_YEAR_TAIL}",
            _build_day),
        _Production(
            "day_month",
            rf"{weekday_before}(?:the\s+)?(?P<d>{_DAY}){day_range}\s+(?:of\s+)?(?P<mon>{_MONTH}){_YEAR_TAIL}",
            _build_day),
        _Production(
            "month",
            rf"(?P<part>{_PART})?(?P<mon>{_MONTH})"
            rf"(?:(?P<conn>\s*[-–—]\s*|\s+(?:to|through|until|till|and|or)\s+)(?P<mon_end>{_MONTH}))?"
            rf"{_YEAR_TAIL}",
            _build_month),
        _Production(
            "that_month",
            rf"(?:that|that\s+same|the\s+same)\s+(?P<mon>{_MONTH})",
            _build_that_month),
        _Production(
            "year",
            rf"(?P<part>{_PART})?(?P<the_year>the\s+year\s+)?(?P<y>{_YEAR})(?!['’]?s{_END})",
            _build_year),
        _Production(
            "decade",
            rf"(?:the\s+)?(?P<y>(?:1[89]|20)\d0)['’]?s{_END}",
            _build_decade),
        _Production(
            "season",
            rf"(?P<part>{_PART})?(?:(?P<srel>{_REL})\s+|the\s+)?(?P<season>spring|summer|autumn|fall|winter)"
            rf"{_END}{_YEAR_TAIL}",
            _build_season),
        _Production(
            "part_relative",
            rf"(?P<part>{_PART})(?:(?P<rel>{_REL})\s+|the\s+)(?P<unit>year|month){_END}",
            _build_part_relative),
        _Production(
            "rel_unit",
            rf"(?:(?:earlier|later)\s+)?(?P<rel>{_REL})\s+"
            rf"(?P<unit>year|month|week|weekend|day|morning|afternoon|evening|night){_END}",
            _build_rel_unit),
        _Production(
            "count_postfix",
            rf"{count}\s+(?P<dir>later|earlier|ago|afterwards?|(?:before|after)\s+(?:that|this){_END}"
            rf"|(?:before|after|on){_PUNCT_AHEAD}){_END}",
            _build_count, prefix=""),
        _Production(
            "count_anchor",
            rf"{count}\s+(?P<dir>after|before|into)\s+{_ANCHOR_NP}",
            _build_count, prefix=""),
        _Production(
            "ordinal_anchor",
            rf"(?:the\s+)?(?P<ord>{_ORDINAL})\s+(?P<unit>day|week|month|year)\s+(?:of|into|since|after)\s+"
            rf"{_ANCHOR_NP}",
            _build_ordinal_anchor),
        _Production(
            "day_of_event",
            rf"the\s+day\s+of\s+{_ANCHOR_NP}",
            _build_day_of_event),
        _Production(
            "weekday",
            rf"(?:(?P<rel>this\s+past|{_LAST}|this|past)\s+)?(?P<wd>{_WEEKDAY})"
            rf"(?:\s+(?:morning|afternoon|evening|night){_END})?",
            _build_weekday),
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
    # Matched on lower-cased text, as in ru_dates: the regex engine then
    # skips failing alternatives on their first letter.
    productions = tuple((re.compile(_START + p.prefix + p.core), p.build) for p in _productions())
    # Named groups repeat across productions: the union drops the names.
    cores = "|".join(_GROUP_NAME.sub("(?:", p.core) for p in _productions())
    return _Grammar(
        productions,
        re.compile(f"{_START}(?:{cores})"),
        re.compile(rf"{_START}(?:{_PREP_WORDS})\s+\Z"),
    )


# --------------------------------------------------------------------------
# Finding

_PREPOSITION_REACH = 24   # "not earlier than ", "starting from ": the longest prepositions


def find_dates(text: str) -> list[DateExpr]:
    """The date expressions of `text`, in text order, non-overlapping, longest first."""
    grammar = _grammar()
    lowered = ru_dates._lower_same_length(text)
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
            best = _longest_at(grammar, lowered, text, start)
            if best is not None:
                break
        if best is None:
            position = core_start + 1
        else:
            found.append(best)
            position = best.end


def _longest_at(grammar: _Grammar, lowered: str, text: str, start: int) -> DateExpr | None:
    best: DateExpr | None = None
    for regex, build in grammar.productions:
        m = regex.match(lowered, start)
        if m is None or (best is not None and m.end() <= best.end):
            continue
        expr = build(m, text)
        if expr is not None:
            best = expr
    return best


# --------------------------------------------------------------------------
# Resolving: ru_dates' machinery, after two English-side rules

def resolve(expr: DateExpr, tl: Timeline) -> str | None:
    """ISO 8601 of `expr` at the precision the text supports, or None.

    As ru_dates.resolve (which does the work): moves the narrative reference
    (tl.last) to the date resolved, except for vague expressions ("later"),
    and leaves the date in expr.value.
    """
    resolvable = _resolvable(expr, tl)
    iso = ru_dates.resolve(resolvable, tl)
    if resolvable is not expr:
        expr.value = resolvable.value
    return iso


def _resolvable(expr: DateExpr, tl: Timeline) -> DateExpr:
    """`expr`, or a copy that ru_dates resolves as English means it:

    - a season with this/last/next/that ("last spring") is the season's
      occurrence counted in seasons from the reference month, not in years
      (ru_dates gives year - 1 for "прошлой весной" even in October);
    - a year-less date after "for", "by", "until"... takes the occurrence
      nearest to the frame (ru_dates does so for its own prepositions only).
    """
    if expr.part in _SEASON_FIRST_MONTH and expr.kind in ("deictic", "relative") and expr.offset:
        reference = ru_dates._frame_reference(tl) if expr.kind == "deictic" \
            else tl.last or ru_dates._frame_reference(tl)
        if reference is not None and reference[1] is not None:
            year = _season_year(expr.part, reference, expr.offset["years"])
            return replace(expr, kind="absolute", year=year, offset=None)
    if expr.kind == "absolute" and expr.year is None and expr.month is not None \
            and expr.preposition in _FORWARD_PREPOSITIONS:
        year = ru_dates._year_nearest_frame(expr.month, tl)
        if year is not None:
            return replace(expr, year=year)
    return expr


def _season_year(season: str, reference: YMD, step: int) -> int:
    """The year (winters: of their January) of the season `step` occurrences
    from the reference month: 0 is the one the month is in, or else the one
    of its year ("this fall" read in February is the coming one); -1 the last
    one over before it ("last spring" in October is that year's); +1 the
    first one to begin after it."""
    year, month, _ = reference
    point = year * 12 + month - 1

    def months(label: int) -> tuple[int, int]:
        first = (label - (season == "winter")) * 12 + _SEASON_FIRST_MONTH[season] - 1
        return first, first + 2

    labels = range(year - 2, year + 3)
    if step == 0:
        return next((label for label in labels if months(label)[0] <= point <= months(label)[1]), year)
    if step < 0:
        return max(label for label in labels if months(label)[1] < point) + step + 1
    return min(label for label in labels if months(label)[0] > point) + step - 1


# --------------------------------------------------------------------------
# The frame of a document

def infer_frame(text: str, published=None, exprs: list[DateExpr] | None = None) -> Timeline:
    """The time frame of a document: its publication date when known; else
    the latest explicit year of the text and the latest month mentioned once
    that year is established (ru_dates.infer_frame, given English
    expressions), and the day of a wire-style dateline ("YEREVAN, Feb. 5 —")
    when the text has one. `exprs` (find_dates(text)) saves a second scan."""
    if exprs is None:
        if ru_dates._parse_published(published)[1] is not None:
            return ru_dates.infer_frame(text, published, [])
        exprs = find_dates(text)
    not_targets = [e for e in exprs if e.preposition not in _TARGET_PREPOSITIONS]
    tl = ru_dates.infer_frame(text, published, not_targets)
    if tl.inferred:
        dateline = _dateline(text, exprs)
        if dateline is not None:
            return _frame_of_dateline(dateline, tl)
    return tl


# The words around a dateline's date: a capitalised place and a comma before
# it on its line, an agency in brackets and a dash after it.
_DATELINE_BEFORE = re.compile(r"(?:^|\n)[ \t]*(?:[A-Z][\w.'’ -]{0,40},[ \t]*)?\Z")
_DATELINE_AFTER = re.compile(r"[ \t]*(?:(?:\([^)\n]{1,40}\)[ \t]*)?[—–-]|\r?\n|\Z)")   # or alone on its line
_DATELINE_REACH = 400     # a dateline opens the text, after its title at most


def _dateline(text: str, exprs: list[DateExpr]) -> DateExpr | None:
    """The date of the text's dateline, the day it was filed: news agencies
    open with one, and a scraped text without metadata often keeps it."""
    for expr in exprs:
        if expr.start > _DATELINE_REACH:
            return None
        if expr.kind == "absolute" and expr.day is not None and expr.preposition is None \
                and _DATELINE_BEFORE.search(text, max(0, expr.start - 60), expr.start) \
                and _DATELINE_AFTER.match(text, expr.end):
            return expr
    return None


def _frame_of_dateline(dateline: DateExpr, tl: Timeline) -> Timeline:
    """The frame from a dateline: its year if written, else the first year in
    which it is not before the frame the text gave (that frame's month is a
    lower bound of the publication date)."""
    year = dateline.year
    if year is None:
        if tl.frame_year is None:
            return tl
        year = tl.frame_year + (dateline.month < (tl.frame_month or 1))
    try:
        published = date(year, dateline.month, dateline.day)
    except ValueError:        # Feb. 29 in a year that has none: not this year's dateline
        return tl
    return Timeline(published=published, frame_year=year, frame_month=dateline.month, inferred=True)


# --------------------------------------------------------------------------
# Anchors

def note_anchor(sentence: str, tl: Timeline, exprs: list[DateExpr], sentence_start: int = 0) -> None:
    """Remember the dates of event nouns this sentence dates ("announced a
    partial mobilization on Sept. 21, 2022" -> tl.anchors["mobilization"] =
    (2022, 9, 21)); "on the seventh day of the mobilization" then counts from it.

    The rules are ru_dates.note_anchor's, over English nouns: `exprs` are the
    date expressions of the sentence, `sentence_start` the sentence's offset
    when their offsets are into the whole document; it may be called before
    or after they are resolved; a noun takes the nearest date within
    ru_dates._ANCHOR_REACH characters; society-wide events keep their first
    dating unless a later one is more precise in the same year; steps of a
    case take the latest.
    """
    dated = [(e, value) for e, value in _sentence_values(tl, exprs)
             if value is not None and e.kind in ("absolute", "relative", "deictic")]
    if not dated:
        return
    spans = [(e.start - sentence_start, e.end - sentence_start) for e in exprs]
    for noun in _event_noun_regex().finditer(sentence):
        if any(start < noun.end() and noun.start() < end for start, end in spans):
            continue              # the noun of "the seventh day of the mobilization" dates nothing
        gap, value = min((ru_dates._gap(noun.span(), e, sentence_start), value) for e, value in dated)
        if gap > ru_dates._ANCHOR_REACH:
            continue
        lemma = _event_lemma(noun.group())
        known = tl.anchors.get(lemma)
        if lemma in _CASE_NOUNS or known is None \
                or (known[0] == value[0] and ru_dates._precision(value) > ru_dates._precision(known)):
            tl.anchors[lemma] = value


def _sentence_values(tl: Timeline, exprs: list[DateExpr]) -> list[tuple[DateExpr, YMD | None]]:
    """What each expression of the sentence resolves to: as resolve left it,
    or, before resolve ran, by resolving them in order on a copy of the timeline."""
    if any(e.value is not None for e in exprs):
        return [(e, e.value) for e in exprs]
    scratch = replace(tl, anchors=dict(tl.anchors))
    values = []
    for e in exprs:
        span = ru_dates._resolve_and_advance(_resolvable(e, scratch), scratch)
        values.append((e, span[0] if span else None))
    return values
