"""Date expressions resolved to ISO 8601, whatever language they were found in.

ru_dates and en_dates find the expressions of a text (`DateExpr`) with a
grammar of their language; everything after that is here. Resolving needs the
state of the reading (`Timeline`): the publication date or the year the text
is "in" (`infer_frame`), the last date mentioned (the narrative reference
point) and the events the text has dated (anchors). `resolve` is called on
each expression in text order. Also the dates of metadata: a news URL's
(`url_date`) and a publication date's parts (`parse_published`).

Resolved values are at the precision the text supports: "2026", "2026-01",
"2026-01-28", ranges "2022/2023", "2025-01/2025-06".

A few rules read DateExpr.preposition as written, so they name the
prepositions of both languages (_FORWARD_PREPOSITIONS, _SINCE, the "к 2030
году" target in infer_frame).
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

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
# Parts of a year, and checks on the parts of a date

_PART_MONTHS = {"early": 1, "mid": 6, "late": 12}
RANGE_PARTS = {"h1": (1, 6), "h2": (7, 12), "q1": (1, 3), "q2": (4, 6), "q3": (7, 9), "q4": (10, 12)}
# A month that stands for the season when only the season's year is wanted.
# Winter stands for January: "зимой 2022 года" is January-February 2022 more
# often than December.
_SEASON_MONTHS = {"spring": 3, "summer": 6, "autumn": 9, "winter": 1}


def valid_day(year: int | None, month: int, day: int) -> bool:
    try:
        date(year or 2000, month, day)     # 2000 is a leap year: "29 февраля" without a year is valid
        return True
    except ValueError:
        return False


def lower_same_length(text: str) -> str:
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    # A few characters ("İ") lower to two: keep them as they are, so that
    # offsets into the lowered text are offsets into `text`.
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


# --------------------------------------------------------------------------
# Resolving

def precision(value: YMD) -> int:
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


def frame_reference(tl: Timeline) -> YMD | None:
    """The publication date, or the frame the text was placed in."""
    if tl.published is not None:
        return (tl.published.year, tl.published.month, tl.published.day)
    if tl.frame_year is not None:
        return (tl.frame_year, tl.frame_month, None)
    return None


def _year_of_yearless(month: int, tl: Timeline) -> int | None:
    """The year of "в конце января" / "3 февраля" without a year: the latest
    such month not after the frame; without a frame month, the narrative's year."""
    frame = frame_reference(tl)
    if frame is not None and frame[1] is not None:
        return frame[0] if month <= frame[1] else frame[0] - 1
    if tl.last is not None:
        return tl.last[0]
    return tl.frame_year


# Prepositions that announce a date ahead as often as one behind ("заседание
# назначено на 5 марта", "не позднее 10 марта"): their year-less dates take
# the occurrence nearest to the frame rather than the latest before it.
_FORWARD_PREPOSITIONS = {"на", "не позднее", "не позже", "не ранее", "к", "ко"}


def year_nearest_frame(month: int, tl: Timeline) -> int | None:
    frame = frame_reference(tl)
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
    if part in RANGE_PARTS:
        first, last = RANGE_PARTS[part]
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
            year = year_nearest_frame(expr.month, tl)
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
    reference = tl.last or frame_reference(tl)
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
    reference = frame_reference(tl)
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
    reference = frame_reference(tl)
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
    span = resolve_and_advance(expr, tl)
    if span is None:
        return None
    start, end = span
    expr.value = end or start
    return _iso(start) if end is None else f"{_iso(start)}/{_iso(end)}"


# "с осени 2025 года" dates the start of a state ("был в розыске с ..."), not a
# step of the story: a coarser, earlier "since" leaves the narrative where it is.
_SINCE = {"с", "со", "начиная с", "начиная со", "since"}


def resolve_and_advance(expr: DateExpr, tl: Timeline) -> tuple[YMD, YMD | None] | None:
    span = _resolve_span(expr, tl)
    if span is not None and expr.kind != "vague_relative":
        value = span[1] or span[0]
        if expr.preposition in _SINCE and tl.last is not None and precision(value) < precision(tl.last) \
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


def parse_published(published) -> tuple[date | None, int | None, int | None]:
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


def infer_frame(published, exprs: list[DateExpr]) -> Timeline:
    """The time frame of a document: its publication date when known; else
    the latest explicit year among its date expressions `exprs` (in text
    order, as its language's find_dates gives them) and the latest month
    mentioned once that year is established (see _latest_point)."""
    day, year, month = parse_published(published)
    if year is not None:
        return Timeline(published=day, frame_year=year, frame_month=month)
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
    if expr.part in RANGE_PARTS:
        return RANGE_PARTS[expr.part][1]
    return None


# --------------------------------------------------------------------------
# Anchors

ANCHOR_REACH = 60    # characters between an event noun and the date that dates it


def gap(span: tuple[int, int], expr: DateExpr, sentence_start: int) -> int:
    start, end = expr.start - sentence_start, expr.end - sentence_start
    return max(start - span[1], span[0] - end, 0)


def note_anchors(sentence: str, tl: Timeline, exprs: list[DateExpr], sentence_start: int, *,
                 nouns: re.Pattern, lemma_of: Callable[[str], str], case_nouns: frozenset | set,
                 resolvable: Callable[[DateExpr, Timeline], DateExpr] = lambda e, tl: e) -> None:
    """Remember the dates of event nouns this sentence dates ("объявил мобилизацию
    в сентябре 2022 года", "announced a partial mobilization on Sept. 21, 2022"
    -> tl.anchors["мобилизация" / "mobilization"]); "в седьмой день мобилизации"
    then counts from it. Each language gives its event `nouns`, their lemma
    (`lemma_of`), the nouns that are steps of a case (`case_nouns`) and how it
    reads an expression before `resolve` (`resolvable`).

    `exprs` are the date expressions of the sentence; `sentence_start` the
    sentence's offset when their offsets are into the whole document. It may
    be called before or after the expressions are resolved. A noun takes the
    nearest date within ANCHOR_REACH characters. Society-wide events keep
    their first dating unless a later one is more precise in the same year;
    steps of a case take the latest.
    """
    dated = [(e, value) for e, value in _sentence_values(tl, exprs, resolvable)
             if value is not None and e.kind in ("absolute", "relative", "deictic")]
    if not dated:
        return
    spans = [(e.start - sentence_start, e.end - sentence_start) for e in exprs]
    for noun in nouns.finditer(sentence):
        if any(start < noun.end() and noun.start() < end for start, end in spans):
            continue              # the noun of "в седьмой день мобилизации" dates nothing
        distance, value = min((gap(noun.span(), e, sentence_start), value) for e, value in dated)
        if distance > ANCHOR_REACH:
            continue
        lemma = lemma_of(noun.group())
        known = tl.anchors.get(lemma)
        if lemma in case_nouns or known is None \
                or (known[0] == value[0] and precision(value) > precision(known)):
            tl.anchors[lemma] = value


def _sentence_values(tl: Timeline, exprs: list[DateExpr], resolvable) -> list[tuple[DateExpr, YMD | None]]:
    """What each expression of the sentence resolves to: as resolve left it,
    or, before resolve ran, by resolving them in order on a copy of the timeline."""
    if any(e.value is not None for e in exprs):
        return [(e, e.value) for e in exprs]
    scratch = replace(tl, anchors=dict(tl.anchors))
    values = []
    for e in exprs:
        span = resolve_and_advance(resolvable(e, scratch), scratch)
        values.append((e, span[0] if span else None))
    return values
