"""Grouping event mentions into timeline facts (pure functions, no database).

Events are stored as mentions: one per document and evidence sentence. A
timeline line ("fact") is all the mentions of one happening: same person,
same type and compatible dates. The web app, exports and the store's
`timeline()` all group through `group_facts` so they agree.

Dates are ISO 8601 at the precision the text supports: "2022", "2022-09",
"2022-09-27" (a time part is ignored), a range "2022/2023" or
"2022-09/2023-01", or None. Each is read as the interval of days it may
mean; two dates are compatible when one interval contains the other, which
covers both the prefix case ("2026" and "2026-01") and ranges.
"""
from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NamedTuple

from khronika.model import EVENT_TYPES

_TYPE_ORDER = {event_type: index for index, event_type in enumerate(EVENT_TYPES)}


class Source(NamedTuple):
    """One document that reported a fact."""
    document_id: str
    location: str | None          # the url when known, else the path it was read from
    title: str | None
    published: str | None
    evidence: str                 # the first sentence of this document reporting the fact
    captured_at: str | None
    sha256: str | None
    start: int | None = None      # the evidence sentence's offsets in the document text
    end: int | None = None


@dataclass
class Fact:
    """One line of a timeline: one happening, with every document that reported it."""
    person_id: str
    type: str
    date: str | None              # the most precise date among the mentions
    date_text: str | None         # the words that date came from
    place: str | None             # the most common place among the mentions
    charge: str | None
    term_years: float | None
    sources: list[Source] = field(default_factory=list)
    event_ids: list[str] = field(default_factory=list)  # the grouped mentions, for review
    confidence: float = 0.0       # the highest among the mentions
    confirmed: bool = False       # a reviewer confirmed at least one of the mentions
    # ISO 3166-1 alpha-2 codes, each the most common among the mentions:
    # where it happened, and where a removal or flight went.
    country: str | None = None
    destination: str | None = None


# ---------------------------------------------------------------- dates

class DateInterval(NamedTuple):
    first: dt.date
    last: dt.date

    @property
    def days(self) -> int:
        return (self.last - self.first).days

    def contains(self, other: DateInterval) -> bool:
        return self.first <= other.first and other.last <= self.last


def _bound(part: str, *, end: bool) -> dt.date:
    """The first (or last) day that an ISO date of any precision may mean."""
    part = part.strip()[:10]            # "2022-09-27T10:00Z" -> "2022-09-27"
    pieces = part.split("-")
    if not 1 <= len(pieces) <= 3 or not all(p.isdigit() for p in pieces) or len(pieces[0]) != 4:
        raise ValueError(f"not an ISO date: {part!r}")
    year = int(pieces[0])
    if len(pieces) == 1:
        return dt.date(year, 12, 31) if end else dt.date(year, 1, 1)
    month = int(pieces[1])
    if len(pieces) == 2:
        return dt.date(year, month, calendar.monthrange(year, month)[1] if end else 1)
    return dt.date(year, month, int(pieces[2]))


@lru_cache(maxsize=65536)
def date_interval(date: str | None) -> DateInterval | None:
    """The days an ISO date (or "start/end" range) may mean; None when absent or unreadable.
    Cached: a timeline asks about the same few dates many times."""
    if not date:
        return None
    start, _, end = date.partition("/")
    try:
        interval = DateInterval(_bound(start, end=False), _bound(end or start, end=True))
    except ValueError:
        return None
    return interval if interval.first <= interval.last else None


def dates_compatible(a: str | None, b: str | None) -> bool:
    """Whether two dates may mean the same happening: one interval contains the other.

    None (or an unreadable date) is compatible with nothing here; how undated
    mentions join a fact is decided by `group_facts`, which knows the context.
    """
    first, second = date_interval(a), date_interval(b)
    if first is None or second is None:
        return False
    return first.contains(second) or second.contains(first)


# ---------------------------------------------------------------- grouping

def _get(row: Mapping[str, Any] | Any, key: str, default: Any = None) -> Any:
    if type(row) is dict:                   # the common case, without the ABC check
        return row.get(key, default)
    if isinstance(row, Mapping):
        return row.get(key, default)
    return getattr(row, key, default)


def group_facts(rows: Iterable[Mapping[str, Any]]) -> list[Fact]:
    """Group event mention rows into facts, in timeline order.

    Each row is a mapping (a dict, a SQLAlchemy RowMapping) or an object with
    these keys: person_id, type, date, date_text, place, country, destination,
    charge, term_years, evidence, confidence, event_id, span_start, and for the source:
    document_id, url, path, title, published, captured_at, sha256. Missing
    keys read as None.

    Grouping, per person and type:
    - dated mentions are taken from the most precise to the least; a mention
      joins the one existing group all of whose dates are compatible with
      it. When no group is, it starts one; when several are ("2026" next to
      "2026-01" and "2026-03") it cannot tell which and starts its own;
    - undated mentions (None, or a date that cannot be read) join the dated
      group when there is exactly one; otherwise they make one undated line.

    Facts are ordered by the earliest day their date may mean (undated
    last), then by the life-cycle order of EVENT_TYPES, then by the latest
    day (the narrower first).
    """
    by_person_type: dict[tuple[str, str], list[Any]] = {}
    for row in rows:
        key = (_get(row, "person_id"), _get(row, "type"))
        by_person_type.setdefault(key, []).append(row)

    facts = []
    for mention_rows in by_person_type.values():
        for group in _group_one_person_type(mention_rows):
            facts.append(_fact_from(group))
    after = _narrative_floor(facts)
    facts.sort(key=lambda fact: _timeline_key(fact, after.get(id(fact))))
    return facts


def _narrative_floor(facts: list[Fact]) -> dict[int, dt.date]:
    """A coarse date ("2024") sorts after the finer ones inside it that its own
    document told before it: "в апреле 2024 года его задержали ... Позже его
    перевели в Россию" puts the transfer after April, not on January 1st."""
    by_document: dict[tuple[str, str], list[tuple[int, DateInterval]]] = {}
    for fact in facts:
        interval = date_interval(fact.date)
        if interval is None:
            continue
        for source in fact.sources:
            if source.start is not None:
                by_document.setdefault((fact.person_id, source.document_id), []).append(
                    (source.start, interval))
    floors: dict[int, dt.date] = {}
    for fact in facts:
        interval = date_interval(fact.date)
        if interval is None or interval.days < 32:
            continue
        for source in fact.sources:
            if source.start is None:
                continue
            earlier = [other.first for start, other in by_document.get((fact.person_id, source.document_id), ())
                       if start < source.start and other.days < interval.days and interval.contains(other)]
            if earlier:
                floors[id(fact)] = max(floors.get(id(fact), interval.first), max(earlier))
    return floors


def _group_one_person_type(mention_rows: list[Any]) -> list[list[Any]]:
    dated = [(date_interval(_get(r, "date")), r) for r in mention_rows]
    undated = [r for interval, r in dated if interval is None]
    # Most precise first, so that each group is seeded by its most precise date
    # and wider dates are matched against it; ties keep the input order.
    dated = sorted(((i, r) for i, r in dated if i is not None), key=lambda pair: pair[0].days)

    groups: list[list[tuple[DateInterval, Any]]] = []
    for interval, row in dated:
        fitting = [g for g in groups
                   if all((interval.contains(other) or other.contains(interval)) and _same_act(row, r)
                          for other, r in g)]
        if len(fitting) == 1:
            fitting[0].append((interval, row))
        else:
            groups.append([(interval, row)])

    grouped = [[row for _, row in group] for group in groups]
    if undated:
        if len(grouped) == 1 and all(_same_act(u, r) for u in undated for r in grouped[0]):
            grouped[0].extend(undated)
        else:
            grouped.append(undated)
    return grouped


def _same_act(a: Any, b: Any) -> bool:
    """Two mentions in one text that name different countries, or different
    charges, are different acts even in the same month: Almaty's administrative
    charge and Moscow's treason case against the same man are two lines.
    (Across texts a disagreement is more often one report's error: the
    fact keeps the most common value.)"""
    if _get(a, "document_id") != _get(b, "document_id"):
        return True
    ca, cb = _get(a, "country"), _get(b, "country")
    if ca and cb and ca != cb:
        return False
    ga, gb = _get(a, "charge"), _get(b, "charge")
    if ga and gb and not (_stems(ga) & _stems(gb)):
        return False
    return True


def _stems(text: str) -> set[str]:
    return {w[:5] for w in text.lower().replace("ё", "е").split() if len(w) >= 4}


def _most_common(values: Iterable[Any]) -> Any:
    """The most frequent non-null value; ties go to the one seen first."""
    counts = Counter(v for v in values if v is not None and v != "")
    if not counts:
        return None
    return max(counts, key=counts.__getitem__)   # max keeps the first of equal counts


def _fact_from(group: list[Any]) -> Fact:
    # Read mentions in source order so "first seen" and "first evidence" are stable.
    group = sorted(group, key=_source_order)
    dated = [(date_interval(_get(r, "date")), r) for r in group]
    dated = [(i, r) for i, r in dated if i is not None]
    if dated:
        narrowest = min(i.days for i, _ in dated)
        precise = [r for i, r in dated if i.days == narrowest]
        date = _most_common(_get(r, "date") for r in precise)
        date_text = next((_get(r, "date_text") for r in precise
                          if _get(r, "date") == date and _get(r, "date_text")), None)
    else:
        date, date_text = None, _most_common(_get(r, "date_text") for r in group)

    sources: dict[str, Source] = {}
    for row in group:
        document_id = _get(row, "document_id")
        if document_id not in sources:
            sources[document_id] = Source(
                document_id=document_id,
                location=_get(row, "url") or _get(row, "path"),
                title=_get(row, "title"),
                published=_get(row, "published"),
                evidence=_get(row, "evidence"),
                captured_at=_get(row, "captured_at"),
                sha256=_get(row, "sha256"),
                start=_get(row, "span_start"),
                end=_get(row, "span_end"),
            )

    first = group[0]
    return Fact(
        person_id=_get(first, "person_id"),
        type=_get(first, "type"),
        date=date,
        date_text=date_text,
        place=_most_common(_get(r, "place") for r in group),
        country=_most_common(_get(r, "country") for r in group),
        destination=_most_common(_get(r, "destination") for r in group),
        charge=_most_common(_get(r, "charge") for r in group),
        term_years=_most_common(_get(r, "term_years") for r in group),
        sources=list(sources.values()),
        event_ids=[_get(r, "event_id") for r in group if _get(r, "event_id") is not None],
        confidence=max((_get(r, "confidence") or 0.0) for r in group),
        confirmed=any(_get(r, "review_status") == "confirmed" for r in group),
    )


def _source_order(row: Any) -> tuple:
    """Earliest published first (unknown last), then by document and sentence position."""
    published = _get(row, "published")
    return (published is None, published or "", _get(row, "captured_at") or "",
            _get(row, "document_id") or "", _get(row, "span_start") or 0)


def _timeline_key(fact: Fact, floor: dt.date | None = None) -> tuple:
    interval = date_interval(fact.date)
    type_rank = _TYPE_ORDER.get(fact.type, len(_TYPE_ORDER))
    if interval is None:
        return (1, dt.date.max, 0, type_rank, dt.date.max, fact.person_id or "")
    # A coarse fact placed by its narrative sorts just after the facts it follows.
    return (0, floor or interval.first, 1 if floor else 0, type_rank, interval.last, fact.person_id or "")
