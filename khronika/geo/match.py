"""Places named in running text: find_places, settle, country_of.

    find_places("Его задержали в Алматы, Казахстан.")
        -> [PlaceMatch(start=16, end=22, text="Алматы", name="Алматы", country="KZ", kind="city", ...),
            PlaceMatch(start=24, end=33, text="Казахстан", name="Казахстан", country="KZ", kind="country", ...)]

One pass over the tokens, one dict lookup each (places.py holds every
inflected form). At each token the longest name that fits wins and matches
do not overlap. In running text a name must be capitalized (an
abbreviation written exactly so: "США", "UK"); adjectives ("казахстанские",
"Kazakh") are the exception in Russian. A name that is also an ordinary
word ("Орёл", "Nice") must not start a sentence or stand in quotes; a form
that is also a person's name ("Иванова", "Sofia") counts only after a
preposition of place ("из Иванова", "in Sofia").

A name of places in several countries (Приозерск: KZ and RU; Georgia: the
country and the US state) comes back with all of them in `countries`;
settle() picks one from the countries the document names elsewhere, else
the preferred or most populous one.
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import accumulate

from .places import CAP, EXACT, LOC, SHIFT, SHIFT_MASK, STRICT, Place, gazetteer

# A letter, then letters or combining marks (stress marks, the dot of "İ").
_TOKEN = re.compile(r"[^\W\d_][^\W\d_\u0300-\u036f]*(?:[\u0300-\u036f]+[^\W\d_]*)*")
_MARK = re.compile(r"[\u0300-\u036f]")
_WORD = re.compile(r"([^\W\d_]+)")        # _TOKEN where there are no marks; the group keeps the words
# What may stand between the words of one name: "Санкт-Петербург", "Côte d'Ivoire", "St. Kitts".
_GAP = re.compile(r"[ \t\u00a0\-\u2010\u2011\u2013\u2014'\u2019]{1,3}|\.[ \u00a0]?")
# Before a person-like form ("из Иванова", "in Sofia").
_PLACE_PREPOSITIONS = {"в", "во", "из", "под", "около", "близ", "возле", "до", "in", "at", "from", "near",
                       "to", "into", "outside"}
# Before the place where it happened (country_of's first choice).
_LOCATIVE = {"в", "во", "на", "in", "at"}
_SENTENCE_END = ".!?…\n"
_OPENING = " \t\u00a0«\"“„'‘([—–-"
_QUOTES = "«\"“„'‘"
# A city whose namesake elsewhere is this many times bigger is not a candidate
# (Иваново BY, 16,000 people, next to Иваново RU, 400,000).
_DOMINANCE = 20
_KIND_ORDER = {"country": 0}
# A region has no population in the data; it ranks as a city of a million
# against namesakes abroad ("Алтай": the Russian region before the town in
# Xinjiang; "Montana": the US state before the Bulgarian town).
_REGION_RANK = 1_000_000


@dataclass(frozen=True)
class PlaceMatch:
    start: int                          # char offsets into the text given
    end: int
    text: str                           # as written: "Казахстане"
    name: str                           # display name in the language asked: "Казахстан"
    country: str | None                 # ISO 3166-1 alpha-2; None while ambiguous and unsettled
    countries: tuple[str, ...]          # every candidate, the default first
    kind: str                           # "country", "region", "city", "facility", "adjective"
    population: int = 0
    settled_by: str | None = None       # None (one candidate), "context" or "default"
    lang: str = field(default="ru", repr=False, compare=False)
    candidates: tuple[Place, ...] = field(default=(), repr=False, compare=False)

    @property
    def ambiguous(self) -> bool:
        return len(self.countries) > 1


def _fold(word: str) -> str:
    word = word.lower().replace("ё", "е")
    if not word.isalpha():
        word = _MARK.sub("", unicodedata.normalize("NFC", word))
    return word


def _tokens(text: str) -> tuple[list[str], list[int], list[int]]:
    """The folded words of `text` with their start and end offsets."""
    low = text.lower()
    # One lower() for the whole text where that keeps every offset (it does
    # not for "İ", which lowers to two characters), and one split: the
    # offsets are the running sum of the parts' lengths.
    if len(low) == len(text) and not _MARK.search(low):
        parts = _WORD.split(low.replace("ё", "е"))
        offsets = list(accumulate(map(len, parts), initial=0))
        return parts[1::2], offsets[1::2], offsets[2::2]
    spans = list(_TOKEN.finditer(text))
    return [_fold(m.group()) for m in spans], [m.start() for m in spans], [m.end() for m in spans]


def _sentence_start(text: str, start: int) -> bool:
    k = start - 1
    while k >= 0 and text[k] in _OPENING:
        k -= 1
    return k < 0 or text[k] in _SENTENCE_END


def _scan(text: str, strict: bool) -> list[tuple[int, int, list[int]]]:
    """(start, end, place indices) of every match, in text order. `strict`:
    running text (capitalization and the marks of places.py count), else
    an explicit place string (any letter case)."""
    g = gazetteer()
    single, multi, exact = g.single, g.multi, g.exact
    words, starts, ends = _tokens(text)
    n = len(words)
    hits = []
    # Only tokens that begin some name are looked at.
    candidates = [k for k, word in enumerate(words) if word in single or word in multi]
    for i in candidates:
        if hits and i < hits[-1][1]:
            continue                                    # inside the previous match
        word = words[i]
        a = starts[i]
        best_len, best = 0, []
        entries = multi.get(word)
        if entries is not None:
            for rest, cap, index, flags in (entries if type(entries) is list else (entries,)):
                length = 1 + len(rest)
                if i + length > n or length < best_len:
                    continue
                if not all(words[i + 1 + k] in forms and _gap_fits(text, starts[i + k], ends[i + k],
                                                                     starts[i + 1 + k])
                           for k, forms in enumerate(rest)):
                    continue
                if strict and (cap >= 0 and not text[starts[i + cap]].isupper()
                               or flags & STRICT and _strict_fails(text, a)):
                    continue
                if length > best_len:
                    best_len, best = length, [index]
                else:
                    best.append(index)
        if not best:
            packed = single.get(word)
            if packed is not None:
                for value in (packed if type(packed) is list else (packed,)):
                    if _single_fits(text, words, starts, ends, i, value & SHIFT_MASK, strict, exact):
                        best.append(value >> SHIFT)
                best_len = 1 if best else 0
        if best:
            hits.append((i, i + best_len, best))
    places = g.places
    # A phrase ("Минская конвенция", "The Moscow Times") only keeps the place
    # inside it from matching.
    return [(starts[i], ends[j - 1], best) for i, j, best in hits if places[best[0]].kind != "phrase"]


def _gap_fits(text: str, start: int, end: int, following: int) -> bool:
    """Only a space, hyphen, dash or apostrophe between a word of a name
    (`start`:`end`) and the next, or the dot of a short abbreviation ("St.
    Kitts", "U.S.")."""
    return _GAP.fullmatch(text, end, following) is not None and (text[end] != "." or end - start <= 3)


def _strict_fails(text: str, start: int) -> bool:
    return _sentence_start(text, start) or (start > 0 and text[start - 1] in _QUOTES)


def _single_fits(text: str, words: list[str], starts: list[int], ends: list[int], i: int, flags: int,
                 strict: bool, exact: frozenset[str]) -> bool:
    a, b = starts[i], ends[i]
    if flags & EXACT:
        written = text[a:b].replace("ё", "е")
        # An explicit place may write a long abbreviation in lower case ("сша"), not "us".
        return written in exact or (not strict and b - a > 2)
    if not strict:
        # An explicit place may be in any case, but "море" is the sea, not
        # a form of Mór: a form that is also an ordinary word or a person's
        # name counts capitalized only.
        return not (flags & (STRICT | LOC) and text[a].islower())
    if flags & CAP and not text[a].isupper():
        return False
    if flags & STRICT and _strict_fails(text, a):
        return False
    if flags & LOC:
        return i > 0 and words[i - 1] in _PLACE_PREPOSITIONS and text[ends[i - 1]:a].isspace()
    return True


@lru_cache(maxsize=4096)
def _ranked(indices: tuple[int, ...]) -> tuple[tuple[Place, ...], tuple[str, ...]]:
    """The candidate places of one match, best first, and their countries."""
    places = gazetteer().places
    ranked = sorted({places[k] for k in indices},
                    key=lambda p: (not p.preferred, _KIND_ORDER.get(p.kind, 1),
                                   -((p.population or _REGION_RANK) if p.kind == "region" else p.population),
                                   p.country))
    biggest: dict[str, int] = {}
    for place in ranked:
        if place.kind == "city":
            biggest[place.country] = max(biggest.get(place.country, 0), place.population)
    top = max(biggest.values(), default=0)
    kept = tuple(p for p in ranked if p.kind != "city" or p.preferred
                 or biggest[p.country] * _DOMINANCE >= top)
    return kept, tuple(dict.fromkeys(p.country for p in kept))


def _match(text: str, start: int, end: int, indices: list[int], lang: str) -> PlaceMatch:
    places, countries = _ranked(tuple(sorted(indices)))
    top = places[0]
    return PlaceMatch(start, end, text[start:end], top.name(lang), countries[0] if len(countries) == 1 else None,
                      countries, top.kind, top.population, None, lang, places)


def settle(match: PlaceMatch, context_countries: Iterable[str] | Mapping[str, float] = ()) -> PlaceMatch:
    """The match with one country: among its candidates, the one named most
    in `context_countries` (the countries named elsewhere in the document,
    as codes, repeated or weighted), else its default (preferred, else the
    most populous). `settled_by` says which ("context" or "default"); a
    match with one candidate comes back as it is."""
    if not match.ambiguous:
        return match
    weights = context_countries if isinstance(context_countries, Mapping) else Counter(context_countries)
    order = {code: k for k, code in enumerate(match.countries)}
    best = max(match.countries, key=lambda code: (weights.get(code, 0), -order[code]))
    settled_by = "context" if weights.get(best, 0) > 0 else "default"
    place = next(p for p in match.candidates if p.country == best) if match.candidates else None
    if place is None:
        return replace(match, country=best, settled_by=settled_by)
    return replace(match, country=best, name=place.name(match.lang), kind=place.kind,
                   population=place.population, settled_by=settled_by)


_settle = settle     # find_places' flag of the same name hides it there


def find_places(text: str, lang: str = "ru", *, settle: bool = True) -> list[PlaceMatch]:
    """Every place named in `text`, in text order, longest matches, not overlapping.

    `lang` is the language of the display names ("ru" or "en"); names of
    both languages are found either way. An ambiguous match is settled by
    the countries the rest of the text names (nearby ones count three
    times), unless `settle` is false: then its country is None.
    """
    if not text:
        return []
    matches = [_match(text, a, b, indices, lang) for a, b, indices in _scan(text, strict=True)]
    if settle and any(m.ambiguous for m in matches):
        matches = _settle_all(matches)
    return matches


def _settle_all(matches: list[PlaceMatch]) -> list[PlaceMatch]:
    """Settle every ambiguous match by the countries the unambiguous ones
    name: a city, region or facility counts two, a country or an adjective
    one (Russia's own adjectives nothing: see _says_nothing), and each three
    times as much within 200 characters of the ambiguous name."""
    known = [m for m in matches if not m.ambiguous and not _says_nothing(m)]
    starts = [m.start for m in known]
    totals: Counter = Counter()
    for m in known:
        totals[m.country] += _WEIGHT.get(m.kind, 2)
    out = []
    for m in matches:
        if m.ambiguous:
            weights = Counter({code: totals[code] for code in m.countries if code in totals})
            for near in known[bisect_left(starts, m.start - 200):bisect_right(starts, m.start + 200)]:
                if near.country in weights:
                    weights[near.country] += 2 * _WEIGHT.get(near.kind, 2)
            m = _settle(m, weights)
        out.append(m)
    return out


_WEIGHT = {"country": 1, "adjective": 1}


def _says_nothing(match: PlaceMatch) -> bool:
    """Russia's own adjectives ("российские силовики", "Russian"): in these
    reports they describe the exile or the requesting state, not a place."""
    return match.kind == "adjective" and match.country == "RU" and match.name in ("Россия", "Russia")


def _preceding_word(text: str, start: int) -> str:
    k = start
    while k > 0 and text[k - 1].isspace():
        k -= 1
    j = k
    while j > 0 and text[j - 1].isalpha():
        j -= 1
    return text[j:k].lower()


def country_of(place: str | None, text: str = "") -> str | None:
    """The ISO 3166-1 alpha-2 code of the country `place` is in, or None.

    `place` is tried first (a country, city, region or facility in any
    grammatical case and any letter case, Russian or English, possibly
    inside a phrase: "аэропорт Алматы", "Верховный суд Казахстана"); when
    it names none, the best place named in `text` (say the evidence
    sentence, as running text) is taken: a name after "в"/"на"/"in"/"at"
    first, then any name, then a country adjective ("казахстанские
    власти"), each the earliest in the text. A name of places in several
    countries is settled by the countries `place` and `text` name.
    """
    context = None
    for candidate, strict in ((place, False), (text, True)):
        if not candidate or not candidate.strip():
            continue
        found = [m for m in (_match(candidate, a, b, idx, "ru") for a, b, idx in _scan(candidate, strict))
                 if not _says_nothing(m)]
        if not found:
            continue
        best = min(found, key=lambda m: (
            2 if m.kind == "adjective" else 0 if _preceding_word(candidate, m.start) in _LOCATIVE else 1,
            m.start))
        if best.ambiguous:
            if context is None:
                context = Counter(m.country for m in found if not m.ambiguous)
                if text and candidate is not text:
                    context.update(m.country for m in find_places(text, settle=False)
                                   if not m.ambiguous and not _says_nothing(m))
            best = settle(best, context)
        return best.country
    return None
