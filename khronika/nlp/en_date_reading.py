"""English dates, stage 2: reading what en_dates found.

`resolve` turns one expression into ISO 8601 with the language-neutral
machinery of `dates`, after two English rules (seasons counted as seasons,
dates announced ahead taking the occurrence nearest the frame);
`infer_frame` gives a document its time frame (publication date, else the
latest explicit year and month, and a wire dateline's day); `note_anchor`
remembers the dates of event nouns ("the mobilization") that later
expressions count from.
"""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from . import dates
from .dates import YMD, DateExpr, Timeline
from .en_date_words import CASE_NOUNS, event_lemma, event_noun_regex
from .en_dates import _FORWARD_PREPOSITIONS, _SEASON_FIRST_MONTH, _TARGET_PREPOSITIONS, find_dates

__all__ = ["infer_frame", "note_anchor", "resolve"]


# --------------------------------------------------------------------------
# Resolving: dates' machinery, after two English-side rules

def resolve(expr: DateExpr, tl: Timeline) -> str | None:
    """ISO 8601 of `expr` at the precision the text supports, or None.

    As dates.resolve (which does the work): moves the narrative reference
    (tl.last) to the date resolved, except for vague expressions ("later"),
    and leaves the date in expr.value.
    """
    resolvable = _resolvable(expr, tl)
    iso = dates.resolve(resolvable, tl)
    if resolvable is not expr:
        expr.value = resolvable.value
    return iso


def _resolvable(expr: DateExpr, tl: Timeline) -> DateExpr:
    """`expr`, or a copy that dates resolves as English means it:

    - a season with this/last/next/that ("last spring") is the season's
      occurrence counted in seasons from the reference month, not in years
      (dates gives year - 1 for "прошлой весной" even in October);
    - a year-less date after "for", "by", "until"... takes the occurrence
      nearest to the frame (dates does so for Russian prepositions only).
    """
    if expr.part in _SEASON_FIRST_MONTH and expr.kind in ("deictic", "relative") and expr.offset:
        reference = dates.frame_reference(tl) if expr.kind == "deictic" \
            else tl.last or dates.frame_reference(tl)
        if reference is not None and reference[1] is not None:
            year = _season_year(expr.part, reference, expr.offset["years"])
            return replace(expr, kind="absolute", year=year, offset=None)
    if expr.kind == "absolute" and expr.year is None and expr.month is not None \
            and expr.preposition in _FORWARD_PREPOSITIONS:
        year = dates.year_nearest_frame(expr.month, tl)
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
    that year is established (dates.infer_frame, given English
    expressions), and the day of a wire-style dateline ("YEREVAN, Feb. 5 —")
    when the text has one. `exprs` (find_dates(text)) saves a second scan."""
    if exprs is None:
        if dates.parse_published(published)[1] is not None:
            return dates.infer_frame(published, [])
        exprs = find_dates(text)
    not_targets = [e for e in exprs if e.preposition not in _TARGET_PREPOSITIONS]
    tl = dates.infer_frame(published, not_targets)
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
    (2022, 9, 21)): dates.note_anchors over English event nouns, reading
    seasons and dates announced ahead as `resolve` does."""
    dates.note_anchors(sentence, tl, exprs, sentence_start, nouns=event_noun_regex(), lemma_of=event_lemma,
                       case_nouns=CASE_NOUNS, resolvable=_resolvable)
