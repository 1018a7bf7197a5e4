"""English date expressions, stage 1: find them in a text (en_date_reading resolves them).

The same contract as ru_dates, for English news: "on Sept. 26", "in late
January", "last year", "this fall", "earlier this month", "on Wednesday",
"a year later", "on the seventh day of the mobilization". Finding is an
English grammar; everything after it is the language-neutral machinery of
`dates`: the expressions are dates.DateExpr (year/month/day/part/offset/kind
filled in the same way as ru_dates fills them), the reading state is
dates.Timeline, and `resolve` / `infer_frame` hand them to `dates`. Two
resolution rules `dates` does not have yet are applied here first, by
turning the expression into one `dates` resolves
(see _resolvable): seasons are counted as seasons ("last spring" read in
October is this year's spring), and dates announced ahead ("set for March 3")
take the occurrence nearest to the frame with English prepositions.

The grammar has the shape of ru_dates': compiled regular expressions composed
from named pieces (en_date_words: the vocabulary, the pieces and the readers
of matched words), one production per form, each a prefix (usually an
optional preposition) and a core. `find_dates` lower-cases the text, scans it
once with the union of the cores and, at each hit, takes the longest
production that matches from the preposition before the core (if any) or
from the core itself.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from . import dates
from .dates import DateExpr, Timeline
from .en_date_words import (
    ANCHOR_NP,
    DAY,
    END,
    LAST,
    MONTH,
    NUMBER,
    ORDINAL,
    PART,
    PREP,
    PREP_WORDS,
    PUNCT_AHEAD,
    REL,
    START,
    UNIT,
    WEEKDAY,
    WEEKDAYS,
    YEAR,
    YEAR_TAIL,
    bare_abbreviation,
    day_number,
    event_lemma,
    is_month,
    month_number,
    number_of,
    ordinal_of,
    part_of,
    relation_of,
    season_of,
    unit_of,
)

__all__ = ["DateExpr", "Timeline", "find_dates"]


# --------------------------------------------------------------------------
# Prepositions and seasons the English rules of resolving read

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
# Builders: each production's builder turns a match (on the lower-cased
# text) into a DateExpr, or refuses it (returns None) when the words are not a
# date after all. `text` is the original text, for the words and their case.

Builder = Callable[[re.Match, str], "DateExpr | None"]


def _prep(m: re.Match) -> str | None:
    prep = m.groupdict().get("prep")
    return " ".join(prep.lower().split()) if prep else None


def _expr(m: re.Match, text: str, kind: str, **fields) -> DateExpr:
    fields.setdefault("preposition", _prep(m))
    return DateExpr(start=m.start(), end=m.end(), text=text[m.start():m.end()], kind=kind, **fields)


def _year_tail(m: re.Match) -> tuple[int | None, dict | None, str]:
    """The year after a month, a day or a season: explicit, relative ("of last year") or none."""
    if m.group("y"):
        return int(m.group("y")), None, "absolute"
    if m.group("yrel"):
        kind, step = relation_of(m.group("yrel"))
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
    if not 1 <= month <= 12 or not dates.valid_day(year, month, day):
        return None
    return _expr(m, text, "absolute", year=year, month=month, day=day)


def _build_day(m: re.Match, text: str) -> DateExpr | None:
    """"Sept. 26, 2025", "26 September", "the 26th of September", "Jan. 5-7"."""
    if not is_month(m, "mon", text):
        return None
    month = month_number(m.group("mon"))
    day = day_number(m.group("d"))
    year, offset, kind = _year_tail(m)
    if not dates.valid_day(year, month, day):
        return None
    day_end = day_number(m.group("d_end")) if m.group("d_end") else None
    if day_end is not None:
        if day_end <= day or not dates.valid_day(year, month, day_end):
            return None
        if kind == "absolute":
            return _expr(m, text, "range", year=year, month=month, day=day, year_end=year,
                         month_end=month, day_end=day_end)
    return _expr(m, text, kind, year=year, month=month, day=day, offset=offset)


def _build_that_month(m: re.Match, text: str) -> DateExpr | None:
    """"That November, investigators…": the month in the year the story has reached."""
    if not is_month(m, "mon", text) or bare_abbreviation(m.group("mon")):
        return None
    return _expr(m, text, "relative", month=month_number(m.group("mon")), offset={"years": 0})


def _build_last_month(m: re.Match, text: str) -> DateExpr | None:
    """"was detained last December": the month of the year before, as "in December last year"."""
    if not is_month(m, "mon", text) or bare_abbreviation(m.group("mon")):
        return None
    return _expr(m, text, "deictic", month=month_number(m.group("mon")), offset={"years": -1})


def _build_month(m: re.Match, text: str) -> DateExpr | None:
    if not (is_month(m, "mon", text) and is_month(m, "mon_end", text)):
        return None
    month = month_number(m.group("mon"))
    month_end = month_number(m.group("mon_end")) if m.group("mon_end") else None
    part = part_of(m.group("part"))
    year, offset, kind = _year_tail(m)
    prep = _prep(m)
    # A month name alone ("May", "March") is too often something else.
    if year is None and offset is None and part is None and prep is None and month_end is None:
        return None
    if year is None and offset is None and bare_abbreviation(m.group("mon")):
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
    part = part_of(m.group("part"))
    # A bare number is a year only after a preposition, a part or "the year":
    # "in 2022", "mid-2023", but not "the 2022 law" (which dates nothing).
    if part is None and not m.group("the_year") and prep in (None, "for"):
        return None
    year = int(m.group("y"))
    if part in dates.RANGE_PARTS:
        first, last = dates.RANGE_PARTS[part]
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
    season = season_of(m.group("season"))
    part = part_of(m.group("part"))
    if m.group("srel"):
        kind, step = relation_of(m.group("srel"))
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
    part = part_of(m.group("part"))
    unit = "months" if m.group("unit").lower() == "month" else "years"
    kind, step = relation_of(m.group("rel")) if m.group("rel") else ("relative", 0)
    return _expr(m, text, kind, part=part, offset={unit: step})


def _build_rel_unit(m: re.Match, text: str) -> DateExpr | None:
    """"last year", "this month", "earlier this month", "the next day", "that night"."""
    unit_word = m.group("unit").lower()
    kind, step = relation_of(m.group("rel"))
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
    unit, size = unit_of(unit_words)
    number_word = m.groupdict().get("n")
    if number_word is not None and " " in unit_words:
        return None            # "two half a year later": the unit already counts
    count = number_of(number_word, unit_words)
    direction = " ".join(m.group("dir").lower().split())
    sign = -1 if direction.startswith(("earlier", "ago", "before")) else 1
    kind = "deictic" if direction == "ago" else "relative"
    amount = None if count is None else sign * round(count * size)
    if amount is None:         # "days later", "several years ago": a count the grammar does not know
        return _expr(m, text, "deictic" if kind == "deictic" else "vague_relative", offset={unit: None})
    noun = m.groupdict().get("noun")
    if noun:
        return _expr(m, text, "anchored", offset={unit: amount}, anchor_word=event_lemma(noun))
    return _expr(m, text, kind, offset={unit: amount})


def _build_ordinal_anchor(m: re.Match, text: str) -> DateExpr | None:
    """"on the seventh day of the mobilization", "in the third year of the war"."""
    unit, size = unit_of(m.group("unit"))
    ordinal = ordinal_of(m.group("ord"))
    if ordinal < 1:
        return None
    return _expr(m, text, "anchored", offset={unit: round((ordinal - 1) * size)}, ordinal=ordinal,
                 anchor_word=event_lemma(m.group("noun")))


def _build_day_of_event(m: re.Match, text: str) -> DateExpr | None:
    """"on the day of his arrest": the event's own day."""
    # ordinal 1: with the event undated, fall back to nothing, as in ru_dates
    return _expr(m, text, "anchored", offset={"days": 0}, ordinal=1,
                 anchor_word=event_lemma(m.group("noun")))


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
    offset = {"weekday": WEEKDAYS[m.group("wd").lower()[:3]]}
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
    prefix: str = PREP


def _productions() -> list[_Production]:
    fixed = "|".join(f"(?P<phrase{i}>{regex})" for i, (regex, _, _) in enumerate(_FIXED_PHRASES))
    day_range = rf"(?:\s*[-–—]\s*(?P<d_end>{DAY}))?"
    weekday_before = rf"(?:{WEEKDAY},?\s+)?"
    count = rf"(?:the\s+)?(?:(?P<n>{NUMBER})\s+)?(?P<unit>{UNIT})"
    return [
        # year_range before numeric: on a tie the first production wins, and
        # "2011-12" is a span of years more often than December 2011
        _Production(
            "year_range",
            rf"(?P<y>{YEAR})(?P<conn>\s*[-–—]\s*|\s+(?:and|to|through|until|till|or)\s+)"
            rf"(?P<y_end>{YEAR}|\d\d(?![\d.,-]))",
            _build_year_range),
        _Production(
            "numeric",
            rf"(?:(?P<iy>{YEAR})-(?P<im>[01]\d)-(?P<id>[0-3]\d)(?![\d-])"
            rf"|(?P<dd>[0-3]?\d)\.(?P<dm>[01]?\d)\.(?P<dy>{YEAR})"
            rf"|(?P<sa>[0-3]?\d)/(?P<sb>[0-3]?\d)/(?P<sy>{YEAR}))(?![\d.]\d)",
            _build_numeric),
        _Production(
            "month_day",
            rf"{weekday_before}(?P<mon>{MONTH})(?:\s+|(?<=\.))(?P<d>{DAY}){day_range}{YEAR_TAIL}",
            _build_day),
        _Production(
            "day_month",
            rf"{weekday_before}(?:the\s+)?(?P<d>{DAY}){day_range}\s+(?:of\s+)?(?P<mon>{MONTH}){YEAR_TAIL}",
            _build_day),
        _Production(
            "month",
            rf"(?P<part>{PART})?(?P<mon>{MONTH})"
            rf"(?:(?P<conn>\s*[-–—]\s*|\s+(?:to|through|until|till|and|or)\s+)(?P<mon_end>{MONTH}))?"
            rf"{YEAR_TAIL}",
            _build_month),
        _Production(
            "last_month",
            rf"{LAST}\s+(?P<mon>{MONTH}){END}",
            _build_last_month),
        _Production(
            "that_month",
            rf"(?:that|that\s+same|the\s+same)\s+(?P<mon>{MONTH})",
            _build_that_month),
        _Production(
            "year",
            rf"(?P<part>{PART})?(?P<the_year>the\s+year\s+)?(?P<y>{YEAR})(?!['’]?s{END})",
            _build_year),
        _Production(
            "decade",
            rf"(?:the\s+)?(?P<y>(?:1[89]|20)\d0)['’]?s{END}",
            _build_decade),
        _Production(
            "season",
            rf"(?P<part>{PART})?(?:(?P<srel>{REL})\s+|the\s+)?(?P<season>spring|summer|autumn|fall|winter)"
            rf"{END}{YEAR_TAIL}",
            _build_season),
        _Production(
            "part_relative",
            rf"(?P<part>{PART})(?:(?P<rel>{REL})\s+|the\s+)(?P<unit>year|month){END}",
            _build_part_relative),
        _Production(
            "rel_unit",
            rf"(?:(?:earlier|later)\s+)?(?P<rel>{REL})\s+"
            rf"(?P<unit>year|month|week|weekend|day|morning|afternoon|evening|night){END}",
            _build_rel_unit),
        _Production(
            "count_postfix",
            rf"{count}\s+(?P<dir>later|earlier|ago|afterwards?|(?:before|after)\s+(?:that|this){END}"
            rf"|(?:before|after|on){PUNCT_AHEAD}){END}",
            _build_count, prefix=""),
        _Production(
            "count_anchor",
            rf"{count}\s+(?P<dir>after|before|into)\s+{ANCHOR_NP}",
            _build_count, prefix=""),
        _Production(
            "ordinal_anchor",
            rf"(?:the\s+)?(?P<ord>{ORDINAL})\s+(?P<unit>day|week|month|year)\s+(?:of|into|since|after)\s+"
            rf"{ANCHOR_NP}",
            _build_ordinal_anchor),
        _Production(
            "day_of_event",
            rf"the\s+day\s+of\s+{ANCHOR_NP}",
            _build_day_of_event),
        _Production(
            "weekday",
            rf"(?:(?P<rel>this\s+past|{LAST}|this|past)\s+)?(?P<wd>{WEEKDAY})"
            rf"(?:\s+(?:morning|afternoon|evening|night){END})?",
            _build_weekday),
        _Production("fixed", rf"(?:{fixed}){END}", _build_fixed),
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
    productions = tuple((re.compile(START + p.prefix + p.core), p.build) for p in _productions())
    # Named groups repeat across productions: the union drops the names.
    cores = "|".join(_GROUP_NAME.sub("(?:", p.core) for p in _productions())
    return _Grammar(
        productions,
        re.compile(f"{START}(?:{cores})"),
        re.compile(rf"{START}(?:{PREP_WORDS})\s+\Z"),
    )


# --------------------------------------------------------------------------
# Finding

_PREPOSITION_REACH = 24   # "not earlier than ", "starting from ": the longest prepositions


def find_dates(text: str) -> list[DateExpr]:
    """The date expressions of `text`, in text order, non-overlapping, longest first."""
    grammar = _grammar()
    lowered = dates.lower_same_length(text)
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
