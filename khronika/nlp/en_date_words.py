"""The words of English dates, for en_dates' grammar.

The vocabulary (months, numbers, ordinals, weekdays; the nouns of events a
text dates once and then counts from, `event_lemma`, `event_noun_regex`), the
regex pieces the grammar's productions are composed from (MONTH, YEAR, PART,
... matched against lower-cased text), and the readers that turn matched
words into numbers (`month_number`, `part_of`, `ordinal_of`, `unit_of`,
`relation_of`, ...). Nothing here finds or resolves a date: the English side
of ru_date_words.
"""
from __future__ import annotations

import re
from functools import lru_cache

# --------------------------------------------------------------------------
# Vocabulary

_MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august",
                "september", "october", "november", "december")
_MONTH_BY_PREFIX = {name[:3]: number for number, name in enumerate(_MONTH_NAMES, start=1)}
# Month names that are also common lower-case words ("they may", "to march",
# "an august body"): only capitalised are they months.
_AMBIGUOUS_MONTHS = {"may", "march", "august"}

WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}

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
CASE_NOUNS = {
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


# --------------------------------------------------------------------------
# Grammar pieces: regex fragments matched against lower-cased text; named
# groups are read by the production's builder.

START = r"(?<![\w.,$€£/-])"   # not inside a word, a number ("400,000"), an amount or "2025-09"
END = r"(?!\w)"
PUNCT_AHEAD = r"(?=\s*(?:[,.;:!?)\]—–]|$))"

PREP_WORDS = "|".join(sorted((
    r"since", r"until", r"till", r"through", r"throughout", r"by", r"before", r"after", r"from",
    r"during", r"in", r"on", r"at", r"for", r"around", r"over", r"between", r"as\s+of",
    r"as\s+early\s+as", r"as\s+late\s+as", r"no\s+later\s+than", r"not\s+later\s+than",
    r"no\s+earlier\s+than", r"not\s+earlier\s+than", r"not\s+before", r"prior\s+to", r"up\s+to",
    r"up\s+until", r"starting\s+(?:in|on|from)", r"beginning\s+in", r"sometime\s+in",
    r"late\s+on", r"early\s+on",
), key=len, reverse=True))
PREP = rf"(?:(?P<prep>{PREP_WORDS})\s+)?"

MONTH = (r"(?:(?:" + "|".join(_MONTH_NAMES) + r")" + END
          + r"|(?:jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)(?:\.|" + END + "))")

# Plural nouns that make a number a count, not a year: "in 2000 cases".
_COUNTED = (r"(?:people|persons|men|women|children|cases|times|troops|soldiers|residents|citizens|"
            r"refugees|migrants|exiles|protesters|prisoners|detainees|dollars|euros|rubles|roubles|"
            r"tenge|km|kilomet(?:er|re)s|miles|met(?:er|re)s|tons|tonnes|percent|per\s+cent)" + END)
YEAR = rf"(?:1[89]|20)\d\d(?!\d|[.,]\d)(?!\s+{_COUNTED})"

DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?!\d|[.,]\d|-year)"

PART = (r"(?:(?:the\s+)?(?:beginning|start|end|middle)\s+of\s+"
         r"|the\s+(?:first|second|latter)\s+half\s+of\s+"
         r"|the\s+(?:first|second|third|fourth|final|last)\s+quarter\s+of\s+"
         r"|(?:early|late|mid)(?:-|\s+))")

# "last" after a determiner is "final": "the last year of the war".
LAST = r"(?<!the\s)(?<!his\s)(?<!her\s)(?<!its\s)(?<!their\s)(?<!my\s)(?<!our\s)last"
REL = (rf"(?:this\s+past|this|{LAST}|next|the\s+next|the\s+following|the\s+subsequent|"
        r"the\s+same|that\s+same|that|the\s+previous|the\s+preceding|the\s+prior|the\s+current)")

# The year after a month, a day or a season: written out ("Sept. 26, 2025",
# "the summer of 2022") or relative ("May of last year", "in June the following year").
YEAR_TAIL = (rf"(?:(?:,?\s+|\s+of\s+)(?P<y>{YEAR})"
              rf"|\s+(?:of\s+)?(?P<yrel>{REL})\s+year{END})?")

NUMBER = r"(?:\d{1,3}|" + "|".join(
    word.replace(" ", r"\s+") for word in sorted(_NUMBER_WORDS, key=len, reverse=True)) + ")"
UNIT = (r"(?:half\s+a\s+year|a\s+year\s+and\s+a\s+half|days?|weeks?|fortnight|months?|years?|hours?)"
         + END)

ORDINAL = (r"(?:(?:(?:twenty|thirty)[-\s])?(?:"
            + "|".join(sorted(_ORDINAL_WORDS, key=len, reverse=True)) + ")"
            + r"|\d{1,3}(?:st|nd|rd|th))" + END)

_EVENT_FORMS = "|".join(sorted({**_EVENT_NOUNS, **CASE_NOUNS}.values(), key=len, reverse=True))
# The event an anchored expression counts from: a determiner, an adjective
# and a noun ("the partial mobilization", "his arrest", "Russia's full-scale invasion").
ANCHOR_NP = (r"(?:(?:the|his|her|their|its|this|that|[a-z]+['’]s)\s+)?(?:(?P<adj>[a-z][a-z-]*)\s+)?"
              rf"(?P<noun>{_EVENT_FORMS}){END}")

WEEKDAY = (r"(?<!next\s)(?<!coming\s)(?<!ash\s)(?<!good\s)(?<!black\s)(?<!easter\s)(?<!palm\s)"
            r"(?<!bloody\s)(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)" + END)


# --------------------------------------------------------------------------
# Small readers used by the builders

def month_number(word: str) -> int:
    return _MONTH_BY_PREFIX[word.lower()[:3]]


def is_month(m: re.Match, group: str, text: str) -> bool:
    """Whether the word of `group` (if any) is a month: "May", "March" and
    "August" only capitalised in the original text."""
    word = m.group(group)
    return word is None or word.lower() not in _AMBIGUOUS_MONTHS or text[m.start(group)].isupper()


def bare_abbreviation(word: str | None) -> bool:
    """"Jan" without its dot: too often a name ("Jan Novak") unless a day or year follows."""
    return word is not None and not word.endswith(".") and word.lower() not in _MONTH_NAMES


def part_of(words: str | None) -> str | None:
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


def season_of(word: str) -> str:
    word = word.lower()
    return "autumn" if word == "fall" else word


def relation_of(words: str) -> tuple[str, int]:
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


def number_of(word: str | None, unit_word: str) -> int | None:
    """'two' -> 2, '3' -> 3, 'several' -> None; no number: 1 for a singular
    unit ("the day before"), unknown for a plural one ("days later")."""
    if word is None:
        return None if unit_word.endswith("s") else 1
    word = " ".join(word.lower().split())
    return int(word) if word.isdigit() else _NUMBER_WORDS[word]


def unit_of(word: str) -> tuple[str, float]:
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


def ordinal_of(words: str) -> int:
    words = words.lower()
    digits = re.match(r"\d+", words)
    if digits:
        return int(digits.group())
    tens = 0
    parts = re.split(r"[-\s]", words)
    if len(parts) == 2:
        tens = 20 if parts[0] == "twenty" else 30
    return tens + _ORDINAL_WORDS[parts[-1]]


def event_lemma(noun: str) -> str:
    noun = " ".join(noun.lower().split())
    for lemma, regex in _event_noun_forms().items():
        if regex.fullmatch(noun):
            return lemma
    return noun


@lru_cache(maxsize=1)
def _event_noun_forms() -> dict[str, re.Pattern]:
    return {lemma: re.compile(forms) for lemma, forms in {**_EVENT_NOUNS, **CASE_NOUNS}.items()}


@lru_cache(maxsize=1)
def event_noun_regex() -> re.Pattern:
    return re.compile(rf"(?<!\w)(?:{_EVENT_FORMS})(?!\w)", re.IGNORECASE)


def day_number(words: str) -> int:
    return int(re.match(r"\d+", words).group())
