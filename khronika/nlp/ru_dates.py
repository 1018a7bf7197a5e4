"""Russian date expressions: find them in a text (dates resolves them).

News about persecution dates events loosely: "в конце января", "на следующий
год", "между 2022 и 2023 годами", "в седьмой день мобилизации". Finding is a
small grammar over words (`find_dates`, over the words and regex pieces of
ru_date_words); resolving needs the state of the reading (`Timeline`) and is
the same for every language: it is `dates`' (`resolve`, `DateExpr`,
`Timeline`, `is_before` and `url_date` are re-exported here for the callers
that know them by this module). What else is Russian stays here: the frame of
a Russian text (`infer_frame`), the event nouns that date anchors
(`note_anchor`) and a newspaper dateline (`dateline`).

The grammar is written as compiled regular expressions composed from named
pieces (MONTH, YEAR, PART, ...): each production is a prefix (usually an
optional preposition) and a core. A yargy grammar of a few of these rules ran
at about 400 KB/s on news text, which would add half of Natasha's own NER
time; this runs at about 8 MB/s. `find_dates` lower-cases the text, scans it
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
from .dates import DateExpr, Timeline, is_before, resolve, url_date
from .ru_date_words import (
    ANCHOR_NP,
    BARE_YEAR_END,
    CASE_NOUNS,
    DAY,
    END,
    MONTH,
    NUMBER,
    ORDINAL,
    PART,
    PREP,
    PREP_WORDS,
    REL_WORD,
    SEASON,
    START,
    UNIT,
    WEEKDAY,
    WEEKDAYS,
    YEAR,
    YEAR_SUFFIX,
    YEAR_TAIL,
    YEAR_WORD,
    day_number,
    event_lemma,
    event_noun_regex,
    month_number,
    number_of,
    ordinal_of,
    part_of,
    relation_of,
    season_of,
    unit_of,
)

__all__ = [
    "DateExpr",
    "Timeline",
    "dateline",
    "find_dates",
    "infer_frame",
    "is_before",
    "note_anchor",
    "resolve",
    "url_date",
]


# --------------------------------------------------------------------------
# Builders: each production's builder turns a match into a DateExpr, or
# refuses it (returns None) when the words are not a date after all.

Builder = Callable[[re.Match], "DateExpr | None"]


def _prep(m: re.Match) -> str | None:
    prep = m.groupdict().get("prep")
    return re.sub(r"\s+", " ", prep.lower()) if prep else None


def _expr(m: re.Match, kind: str, **fields) -> DateExpr:
    fields.setdefault("preposition", _prep(m))
    # text is the matched (lower-cased) words; find_dates puts back the original ones
    return DateExpr(start=m.start(), end=m.end(), text=m.group(), kind=kind, **fields)


def _year_tail(m: re.Match) -> tuple[int | None, dict | None, str]:
    """The year after a month or a season: explicit, relative ("того же года") or none."""
    if m.group("y"):
        return int(m.group("y")), None, "absolute"
    if m.group("yrel"):
        kind, step = relation_of(m.group("yrel")[:-len("года")].strip())
        return None, {"years": step}, kind
    return None, None, "absolute"


def _build_numeric(m: re.Match) -> DateExpr | None:
    year = int(m.group("y") or m.group("iy"))
    month = int(m.group("m") or m.group("im"))
    day = m.group("d") or m.group("id")
    day = int(day) if day else None
    if not 1 <= month <= 12 or (day is not None and not dates.valid_day(year, month, day)):
        return None
    return _expr(m, "absolute", year=year, month=month, day=day)


def _build_day_month(m: re.Match) -> DateExpr | None:
    month = month_number(m.group("mon"))
    day = day_number(m.group("d"))
    year, offset, kind = _year_tail(m)
    if not dates.valid_day(year, month, day):
        return None
    day_end = day_number(m.group("d_end")) if m.groupdict().get("d_end") else None
    if day_end is not None:
        if day_end <= day or not dates.valid_day(year, month, day_end):
            return None
        if kind == "absolute":
            return _expr(m, "range", year=year, month=month, day=day, year_end=year,
                         month_end=month, day_end=day_end)
    return _expr(m, kind, year=year, month=month, day=day, offset=offset)


def _build_month(m: re.Match) -> DateExpr | None:
    month = month_number(m.group("mon"))
    month_end = month_number(m.group("mon_end")) if m.group("mon_end") else None
    part = part_of(m.group("part"))
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
    part = part_of(m.group("part"))
    if part in dates.RANGE_PARTS:
        first, last = dates.RANGE_PARTS[part]
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
    season = season_of(m.group("season"))
    part = part_of(m.group("part"))
    prep = _prep(m)
    word = m.group("season").lower()
    instrumental = word.endswith(("ой", "ом", "ью", "ою"))
    if m.group("srel"):
        kind, step = relation_of(m.group("srel"))
        return _expr(m, kind, part=season, offset={"years": step})
    year, offset, kind = _year_tail(m)
    if year is None and offset is None and not instrumental and part is None \
            and prep not in ("с", "со", "до", "к", "ко", "после", "начиная с", "вплоть до"):
        return None            # "лето" / "лета" alone are too often other words
    return _expr(m, kind, year=year, part=season, offset=offset)


def _build_part_relative(m: re.Match) -> DateExpr | None:
    part = part_of(m.group("part"))
    unit = "months" if m.group("unit").lower().startswith("месяц") else "years"
    kind, step = relation_of(m.group("rel")) if m.group("rel") else ("relative", 0)
    return _expr(m, kind, part=part, offset={unit: step})


def _build_rel_unit(m: re.Match) -> DateExpr | None:
    unit_word = m.group("unit").lower()
    rel = m.group("rel")
    kind, step = relation_of(rel)
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
    unit, size = unit_of(m.group("unit"))
    count = number_of(m.groupdict().get("n"))
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
        return _expr(m, "anchored", offset={unit: amount}, anchor_word=event_lemma(noun))
    return _expr(m, kind, offset={unit: amount})


def _build_next_after(m: re.Match) -> DateExpr | None:
    """"на следующий день после задержания": one unit after the event the text dated."""
    unit = m.group("unit").lower()
    offset = {"months": 1} if unit.startswith("месяц") else {"days": 7} if unit.startswith("недел") \
        else {"days": 1}
    return _expr(m, "anchored", offset=offset, anchor_word=event_lemma(m.group("noun")))


_SINGULAR_UNIT = re.compile(r"год|месяц|недел[юя]|день|сутки|полгода|полтора\s+(?:года|месяца)")


def _build_unit_instrumental(m: re.Match) -> DateExpr | None:
    """"годом позже", "месяцем ранее"."""
    unit, _ = unit_of(m.group("unit"))
    sign = -1 if m.group("dir").lower() in ("ранее", "раньше") else 1
    return _expr(m, "relative", offset={unit: sign})


def _build_ordinal_anchor(m: re.Match) -> DateExpr | None:
    unit, _ = unit_of(m.group("unit"))
    ordinal = ordinal_of(m.group("ord")) if m.group("ord") else 1
    if ordinal < 1:
        return None
    amount = ordinal - 1
    if unit == "weeks":
        unit, amount = "days", amount * 7
    return _expr(m, "anchored", offset={unit: amount}, ordinal=ordinal,
                 anchor_word=event_lemma(m.group("noun")))


def _build_day_of_event(m: re.Match) -> DateExpr | None:
    """"в день мобилизации": the event's own day."""
    # ordinal 1: with the event undated, fall back to nothing ("в день рождения"
    # is not the date just told)
    return _expr(m, "anchored", offset={"days": 0}, ordinal=1, anchor_word=event_lemma(m.group("noun")))


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
    weekday = WEEKDAYS[m.group("wd").lower()[:3]]
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
    prefix: str = PREP


def _productions() -> list[_Production]:
    year_tail = YEAR_TAIL
    fixed = "|".join(f"(?P<phrase{i}>{regex})" for i, (regex, _, _) in enumerate(_FIXED_PHRASES))
    return [
        _Production(
            "numeric",
            rf"(?:(?P<d>[0-3]?\d)[./](?P<m>[01]?\d)[./](?P<y>{YEAR})"
            rf"|(?P<iy>{YEAR})-(?P<im>[01]\d)-(?P<id>[0-3]\d)(?![\d-]))(?:\s*г\.|\s*года?{END})?(?!\.?\d)",
            _build_numeric),
        _Production(
            "day_month",
            rf"(?:{WEEKDAY},?\s+)?(?P<d>{DAY})(?:\s*(?:[-–—]|и)\s*(?P<d_end>{DAY}))?"
            rf"\s+(?P<mon>{MONTH}){year_tail}",
            _build_day_month),
        _Production(
            "day_range_month",
            rf"(?P<d>{DAY})\s+(?:по|до)\s+(?P<d_end>{DAY})\s+(?P<mon>{MONTH}){year_tail}",
            _build_day_month, prefix=r"(?P<prep>со?)\s+"),
        _Production(
            "month",
            rf"(?:(?P<part>{PART})\s+)?(?P<mon>{MONTH})"
            rf"(?:\s*(?:[-–—]|и|по|до)\s*(?P<mon_end>{MONTH}))?{year_tail}",
            _build_month),
        _Production(
            "year",
            rf"(?:(?P<part>{PART})\s+)?(?P<y>{YEAR})(?:(?P<yw>{YEAR_WORD})|{YEAR_SUFFIX}{BARE_YEAR_END})",
            _build_year),
        _Production(
            "year_range",
            rf"(?P<y>{YEAR})(?:\s*{YEAR_WORD})?(?P<conn>\s*[-–—]\s*|\s+(?:и|или|по|до)\s+)"
            rf"(?P<y_end>{YEAR}){YEAR_SUFFIX}(?P<yw>\s*{YEAR_WORD})?",
            _build_year_range, prefix=r"(?:(?P<prep>между|на\s+рубеже|со?|от|в|во)\s+)?"),
        _Production(
            "decade",
            rf"(?P<y>(?:1[89]|20)\d0)-?(?:х|е|ые|ых)(?:\s+год(?:ах|ы|ов|ами))?{END}",
            _build_decade),
        _Production(
            "season",
            rf"(?:(?P<part>{PART})\s+)?(?:(?P<srel>{REL_WORD})\s+)?(?P<season>{SEASON}){year_tail}",
            _build_season),
        _Production(
            "part_relative",
            rf"(?P<part>{PART})\s+(?:(?P<rel>{REL_WORD})\s+)?(?P<unit>года|месяца){END}",
            _build_part_relative),
        _Production(
            "rel_unit",
            rf"(?P<rel>{REL_WORD})\s+(?P<unit>год(?:у|а)?|месяц(?:е|а)?|недел[еюи]|"
            rf"д(?:ень|ня|нём|нем)|утр(?:о|ом|а)|вечер(?:ом|а)?|ноч(?:ь|ью|и)){END}",
            _build_rel_unit),
        _Production(
            "count_after",
            rf"(?P<dir>через|спустя)\s+(?:(?P<n>{NUMBER})\s+)?(?P<unit>{UNIT})"
            rf"(?:\s+после\s+(?:(?:этого|того){END}|{ANCHOR_NP}))?",
            _build_count, prefix=""),
        _Production(
            "next_after",
            rf"следующ\w{{2,3}}\s+(?P<unit>д(?:ень|ня)|утр(?:о|ом)|недел[еюи]|месяц[е]?)\s+после\s+{ANCHOR_NP}",
            _build_next_after, prefix=r"(?P<prep>на|в|во)\s+"),
        _Production(
            "count_before",
            rf"(?:(?P<n>{NUMBER})\s+)?(?P<unit>{UNIT})\s+до\s+(?:(?:этого|того){END}|{ANCHOR_NP})",
            _build_count, prefix=r"(?P<dir>за)\s+"),
        _Production(
            "count_postfix",
            rf"(?:(?P<n>{NUMBER})\s+)?(?P<unit>{UNIT})\s+(?P<dir>спустя|назад|ранее|раньше|позже|позднее){END}",
            _build_count, prefix=""),
        _Production(
            "unit_instrumental",
            rf"(?P<unit>годом|месяцем|неделей|дн[её]м)\s+(?P<dir>ранее|раньше|позже|позднее){END}",
            _build_unit_instrumental, prefix=""),
        _Production(
            "ordinal_anchor",
            rf"(?P<ord>{ORDINAL})(?:\s+же)?\s+"
            rf"(?P<unit>день|дни|сутки|недел[юиь]|месяц|месяцы|год|годы)\s+{ANCHOR_NP}",
            _build_ordinal_anchor, prefix=r"(?P<prep>в|во|на)\s+"),
        _Production(
            "day_of_event",
            rf"день\s+{ANCHOR_NP}",
            _build_day_of_event, prefix=r"(?P<prep>в)\s+"),
        _Production(
            "weekday",
            rf"(?:(?P<rel>прошл\w{{2,3}}|минувш\w{{2,3}}|эт(?:от|у))\s+)?(?P<wd>{WEEKDAY})",
            _build_weekday, prefix=r"(?P<prep>в\s+ночь\s+(?:с\s+\w+\s+)?на|в|во|с|со|до|после|ко?)\s+"),
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
    # Everything is matched on lower-cased text: without IGNORECASE the regex
    # engine skips failing alternatives on their first letter, three times faster.
    productions = tuple((re.compile(START + p.prefix + p.core), p.build) for p in _productions())
    # Named groups repeat across productions: the union drops the names.
    cores = "|".join(_GROUP_NAME.sub("(?:", p.core) for p in _productions())
    return _Grammar(
        productions,
        re.compile(f"{START}(?:{cores})"),
        re.compile(rf"{START}(?:{PREP_WORDS}|между|на\s+рубеже)\s+\Z"),
    )


# --------------------------------------------------------------------------
# Finding

_PREPOSITION_REACH = 24   # "в ночь с 12 на ", "на протяжении ": the longest prepositions


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


# --------------------------------------------------------------------------
# The frame of a Russian text

def infer_frame(text: str, published=None, exprs: list[DateExpr] | None = None) -> Timeline:
    """The time frame of a Russian text: dates.infer_frame over its date
    expressions. `exprs` (find_dates(text)) saves a second scan."""
    if exprs is None and dates.parse_published(published)[1] is None:
        exprs = find_dates(text)
    return dates.infer_frame(published, exprs or [])



# --------------------------------------------------------------------------
# Anchors

def note_anchor(sentence: str, tl: Timeline, exprs: list[DateExpr], sentence_start: int = 0) -> None:
    """Remember the dates of event nouns this sentence dates ("объявил
    мобилизацию в сентябре 2022 года" -> tl.anchors["мобилизация"] = (2022, 9, None);
    "на следующий день суд постановил..." -> tl.anchors["суд"]): dates.note_anchors
    over Russian event nouns."""
    dates.note_anchors(sentence, tl, exprs, sentence_start, nouns=event_noun_regex(), lemma_of=event_lemma,
                       case_nouns=CASE_NOUNS)


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
