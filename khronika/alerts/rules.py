"""Which new events a watch rule alerts on (pure functions, no I/O).

A rule names any of: a person (any of their names or aliases, in any case,
inflection or script: a rule "Emelyanova" matches "Юлия Емельянова" and a
rule "Емельяновой" does too), a set of event types, a country or place, a
keyword. Every criterion given must hold (AND); a rule with none matches
every event.

- place: a case-insensitive substring of the event's place, or the place
  named (in any inflection) in the evidence sentence. Country names are
  also tried in the other language: a rule "Kazakhstan" matches "в
  Казахстане", a rule "Турция" matches "Turkey". A rule that names a
  country ("Казахстан", "Kazakhstan" or its ISO code "KZ") also matches
  every event whose country is that one, whatever its place says
  ("Алматы", or no place at all). A city names no country here: a rule
  "Алматы" is about Almaty, not all of Kazakhstan.
- keyword: a word (or words, consecutive) of the evidence sentence,
  case-insensitive, in any inflection: a Russian word is compared by its
  stem (up to two final vowels cut off, at least five letters kept), so
  "депортация" matches "депортации" and "Грузия" matches "Грузию" but not
  "груз"; a word of four letters or fewer takes an inflection ending only
  ("суд" matches "суда", not "судьба"). Only inflection is covered, not
  derivation: "задержание" does not match "задержали".
"""
from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from khronika.geo import COUNTRIES
from khronika.model import Alert, EventMention, Person, Rule
from khronika.resolve import latin_key, person_matches, query_forms

_WORD = re.compile(r"\w+")
_CYRILLIC = re.compile(r"[а-яё]")
_RU_ENDING = re.compile(r"[аеёиоуыэюяйь]{1,2}$")
_EN_ENDING = re.compile(r"(?:ing|ed|es|s)$")
_STEM_MIN = 5
# What may follow a short word: a Russian inflection ending, or an English plural.
_SHORT_TAIL_RE = re.compile(r"[аеиоуыэюяйьмх]{0,3}|s|es")

# Country names in Russian and English (and common short forms), so that a
# rule in one language matches a report in the other, come from
# khronika.geo.COUNTRIES, the table beside the gazetteer that derives event
# countries. A rule may also give a country as its ISO code.
_ISO_CODE = re.compile(r"[A-Za-z]{2}")
# Alert (khronika/model.py) gains `country` and `destination` in a change of
# its own; until it has them, make_alert leaves them out.
_ALERT_FIELDS = {f.name for f in dataclasses.fields(Alert)}


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").lower().replace("ё", "е")


def _stem(word: str) -> str:
    """A folded word without its inflection ending, for a prefix comparison."""
    if _CYRILLIC.search(word):
        stripped = _RU_ENDING.sub("", word)
    else:
        stripped = _EN_ENDING.sub("", word)
    if len(stripped) >= _STEM_MIN:
        return stripped
    return word[:_STEM_MIN] if len(word) > _STEM_MIN else word


@lru_cache(maxsize=4096)
def _term_keys(term: str) -> tuple[tuple[str, str, bool], ...]:
    """A term as (loose Latin key of the word's stem, the folded stem, whether it is short)."""
    keys = []
    for word in _WORD.findall(_fold(term)):
        stem = _stem(word)
        keys.append((latin_key(stem) or stem, stem, len(stem) < _STEM_MIN))
    return tuple(keys)


def _text_keys(text: str) -> list[tuple[str, str]]:
    return [(latin_key(word) or word, word) for word in _WORD.findall(_fold(text))]


def _word_matches(text_word: tuple[str, str], term_word: tuple[str, str, bool]) -> bool:
    text_key, text_folded = text_word
    term_key, term_stem, short = term_word
    if short:
        # A short word ("суд", "США", "UK") in its own script, with an
        # inflection ending at most: "суда", "судом", but not "судьба".
        if not text_folded.startswith(term_stem):
            return False
        tail = text_folded[len(term_stem):]
        return bool(_SHORT_TAIL_RE.fullmatch(tail))
    # Longer words compare by the loose Latin key, across scripts:
    # "Kazakhstan" finds "Казахстане".
    return text_key.startswith(term_key)


def term_in_text(term: str, text: str | None) -> bool:
    """`term` (one or more words) occurs in `text`, in any case, inflection or script."""
    if not text or not term or not term.strip():
        return False
    keys = _term_keys(term)
    if not keys:
        return False
    words = _text_keys(text)
    for start in range(len(words) - len(keys) + 1):
        if all(_word_matches(words[start + k], key) for k, key in enumerate(keys)):
            return True
    return False


def _countries_named(place: str) -> list[tuple[str, tuple[str, ...]]]:
    """The (code, names) of every country `place` is a name of, in any inflection."""
    folded = _fold(place).strip()
    return [(code, names) for code, names in COUNTRIES
            if any(_fold(name) == folded or _term_keys(name) == _term_keys(place) for name in names)]


@lru_cache(maxsize=1024)
def place_variants(place: str) -> tuple[str, ...]:
    """The place itself and, for a known country, its other names."""
    variants = [place.strip()]
    for _code, names in _countries_named(place):
        variants.extend(name for name in names if name not in variants)
    return tuple(variants)


@lru_cache(maxsize=1024)
def rule_country(place: str) -> str | None:
    """The ISO code a rule's place stands for when it is a country: a name
    ("Казахстан", "Kazakhstan", "Казахстане") or the code itself ("KZ");
    None for anything else, a city included."""
    stripped = place.strip()
    found = _countries_named(stripped)          # names first: "UK" is GB's
    if found:
        return found[0][0]
    return stripped.upper() if _ISO_CODE.fullmatch(stripped) else None


@lru_cache(maxsize=1024)
def _forms(person_query: str) -> list[list[str]]:
    return query_forms(person_query)


def warm_up(rules: Iterable[Rule]) -> None:
    """Prepare the rules' name forms and terms now (the first Russian name
    loads the name analyser), so the first alert pays nothing extra."""
    for rule in rules:
        if rule.person and rule.person.strip():
            _forms(rule.person.strip())
        if rule.place and rule.place.strip():
            rule_country(rule.place)
            for variant in place_variants(rule.place):
                _term_keys(variant)
        if rule.keyword and rule.keyword.strip():
            _term_keys(rule.keyword)


def match(rule: Rule, event: EventMention, person: Person | None, document: Any = None) -> bool:
    """Whether one event (with its person and document) satisfies every criterion of the rule.

    `document` is not consulted by any criterion yet; it is accepted so that
    criteria on the source can be added without changing callers.
    """
    if rule.types and event.type not in rule.types:
        return False
    if rule.person and rule.person.strip():
        if person is None:
            return False
        if rule.person.strip() != person.id and not person_matches(person, _forms(rule.person.strip())):
            return False
    if rule.place and rule.place.strip():
        code = rule_country(rule.place)
        in_country = code is not None and (event.country or "").upper() == code
        if not in_country and not any(
                (event.place and _fold(variant) in _fold(event.place))
                or term_in_text(variant, event.place) or term_in_text(variant, event.evidence)
                for variant in place_variants(rule.place)):
            return False
    if rule.keyword and rule.keyword.strip():
        if not term_in_text(rule.keyword, event.evidence):
            return False
    return True


def make_alert(rule: Rule, event: EventMention, person: Person | None, document: Any) -> Alert:
    """The alert that says `event` matched `rule`."""
    source_url = None
    captured_at = None
    if document is not None:
        source_url = _attr(document, "url") or _attr(document, "path")
        captured_at = _attr(document, "captured_at")
    where = {key: getattr(event, key) for key in ("country", "destination") if key in _ALERT_FIELDS}
    return Alert(
        rule_id=rule.id, event_id=event.id, person_id=event.person,
        person=person.name if person else event.person,
        person_latin=(person.name_latin or "") if person else "",
        type=event.type, date=event.date, place=event.place, evidence=event.evidence,
        source_url=source_url, captured_at=captured_at, document_id=event.document, **where,
    )


def _attr(document: Any, name: str):
    if isinstance(document, Mapping):
        return document.get(name)
    return getattr(document, name, None)


def alerts_for(events: Iterable[EventMention], persons_by_id: Mapping[str, Person],
               documents_by_id: Mapping[str, Any], rules: Iterable[Rule]) -> list[Alert]:
    """One alert per (rule, event) that matches, in event order then rule order."""
    rules = list(rules)
    alerts: list[Alert] = []
    for event in events:
        person = persons_by_id.get(event.person)
        document = documents_by_id.get(event.document)
        for rule in rules:
            if match(rule, event, person, document):
                alerts.append(make_alert(rule, event, person, document))
    return alerts
