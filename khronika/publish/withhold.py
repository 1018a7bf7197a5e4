"""Withholding: persons marked "do not publish" are never named to the public
or to viewers, in any form a text may name them.

    from khronika.publish.withhold import load, for_store
    withholder = load(connection)                 # every "do not publish" person
    withholder.mask("Суд выдал Юлию Емельянову вместе с Захаром Скрытновым.")
        -> "Суд выдал Юлию Емельянову вместе с […]."
    withholder.forms()                            # every form, for a scan of written files

Withholding follows the person, not a list of strings. For each withheld
person the store is read for their name, romanization and aliases, and for
every mention the extractor linked to them in any document (its nominative
name and its surface forms as written there). A text is masked where:

1. any of those strings occurs (case-insensitive, whole words); a
   one-word surface form only in the document it was found in ("Захара" is
   a first name elsewhere too), longer ones everywhere;
2. a capitalised word is a form of one of their surnames in any case and
   script: the surname is inflected through the Russian paradigms
   (Скрытнов, Скрытнова, Скрытнову, Скрытновым, Скрытновой …) and compared
   on the resolver's loose Latin key, so "Skrytnov", "Skritnov" and
   "Скрытнову" are one surname. The mask then grows over the initials
   ("И.", "I. V."), the first name (in any case, script or variant spelling:
   "Захара", "Zakhar") and the patronymic written next to it.

A namesake who shares a withheld surname loses that surname in the quoted
texts too: a surname alone cannot tell them apart, and naming a withheld
person is the worse mistake. Person records (names of published persons)
are never changed, only the texts quoted around them.
"""
from __future__ import annotations

import html
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from khronika.nlp.ru_names import first_name_readings, surname_readings
from khronika.resolve import first_name_key, latin_key
from khronika.store import schema as tables
from khronika.translit import romanize

WITHHELD = "[…]"

_CYRILLIC = re.compile(r"[А-Яа-яЁё]")
# A capitalised word (a surname is written capitalised); the rest are never looked at.
_WORD = re.compile(r"(?<![^\W\d_])[A-ZÀ-ÖØ-ÞА-ЯЁІЇЄҐ][^\W\d_]*")
_ANY_WORD = re.compile(r"[^\W\d_]+")    # when a surname's stem is in the text in lower case
_INITIAL = re.compile(r"[A-ZА-ЯЁ]\.?")
# Before a name: an initial ("И." / "I.") or a word, then spaces (none after an initial's dot).
_BEFORE = re.compile(r"(?:(?<!\w)[A-ZА-ЯЁ]\.\s*|(?<![\w-])([^\W\d_][\w’'-]*)\s+)$")
# After a surname: spaces, then an initial or a word (surname-first order: "Скрытнов И. В.").
_AFTER = re.compile(r"(?:\s+[A-ZА-ЯЁ]\.|\s*(?<=\.)[A-ZА-ЯЁ]\.|\s+([^\W\d_][\w’'-]*))")

_POSSESSIVE = ("ов", "ев", "ёв", "ин", "ын")
_POSSESSIVE_ENDINGS = ("", "а", "у", "ым", "е", "ой", "ы", "ых", "ыми")
_ADJECTIVAL = ("ий", "ый", "ой", "ая", "яя")
_ADJECTIVAL_ENDINGS = ("ий", "ый", "ой", "ого", "ому", "им", "ым", "ом", "ая", "яя", "ую", "юю", "ей",
                       "ие", "ые", "их", "ых", "ими", "ыми")
_NOUN_ENDINGS = ("", "а", "у", "ом", "ем", "е", "ы")
_PATRONYMIC = re.compile(r"(?:ович|евич|ич|овна|евна|ична|инична|ovich|evich|ovna|evna|ichna|ich)"
                         r"(?:а|у|ем|ом|е|ы|ой|ей|ю)?$", re.IGNORECASE)


@dataclass
class WithheldPerson:
    id: str
    names: list[str]                                   # name, romanization, aliases, mention names
    surface: dict[str, set[str]] = field(default_factory=dict)   # document id -> forms written there


def surname_forms(surname: str) -> set[str]:
    """Every case of a surname, both genders, as written in Cyrillic (or the
    word itself when it is not Cyrillic: Latin text does not inflect)."""
    word = surname.strip()
    low = word.lower()
    forms = {low}
    if not _CYRILLIC.search(low) or len(low) < 3:
        return forms
    stems = []
    for end in ("", "а"):                       # Скрытнов, Скрытнова
        stem = low[: len(low) - len(end)] if end else low
        if low.endswith(end) and stem.endswith(_POSSESSIVE) and len(stem) > 3:
            stems.append(stem)
    for stem in stems:
        forms.update(stem + end for end in _POSSESSIVE_ENDINGS)
    if not stems and low.endswith(_ADJECTIVAL) and len(low) > 4:
        forms.update(low[:-2] + end for end in _ADJECTIVAL_ENDINGS)
    if not stems and not low.endswith(_ADJECTIVAL) and low[-1] not in "аеёиоуыэюяьй":
        forms.update(low + end for end in _NOUN_ENDINGS)
    # A feminine or unusual nominative ("Скрытнова"): the masculine base's paradigm too.
    for reading in surname_readings(word):
        if "nomn" in reading.cases and reading.base and reading.base != low:
            forms.update(surname_forms(reading.base) if reading.base.endswith(_POSSESSIVE)
                         else {reading.base})
    return forms


def _latin_surname_keys(surname: str) -> set[str]:
    """Keys of a Latin-written surname and its Russian-style case endings
    (Skrytnov → skritnova, skritnovim …, as a Russian text romanized would read)."""
    key = latin_key(surname)
    keys = {key}
    stem = key[:-1] if key.endswith(("ova", "eva", "ina")) else key
    if stem.endswith(("ov", "ev", "in")):
        base = latin_key("ов")
        keys.update(stem + latin_key("ов" + end)[len(base):] for end in _POSSESSIVE_ENDINGS)
    return keys


def _split(name: str) -> list[str]:
    return [w for w in re.split(r"[\s,]+", name.strip()) if w]


class Withholder:
    """Masks every form of the withheld persons' names in a text (see the module docstring)."""

    def __init__(self, persons: Iterable[WithheldPerson] = ()):
        self.persons = list(persons)
        self.ids = frozenset(p.id for p in self.persons)
        self._surname_keys: set[str] = set()
        self._first_keys: set[str] = set()
        self._initials: set[str] = set()
        self._literals: set[str] = set()           # masked everywhere
        self._by_document: dict[str, set[str]] = {}
        self._surnames: set[str] = set()           # as given (for forms())
        for person in self.persons:
            for name in person.names:
                self._add_name(name)
            for document_id, forms in person.surface.items():
                for form in forms:
                    form = (form or "").strip()
                    if len(form) < 3:
                        continue
                    if len(_split(form)) > 1:
                        self._literals.add(form)
                    else:
                        self._by_document.setdefault(document_id, set()).add(form)
        self._stems = {form[:5] for surname in self._surnames for form in
                       (surname.casefold(), romanize(surname).casefold()) if len(form) >= 3}
        self._key_cache: dict[str, bool] = {}
        self._first_cache: dict[str, bool] = {}
        # The surname pass finds a name that holds a surname in any case; a
        # literal pattern is needed only for the forms it would not find.
        self._global = _literal_pattern(f for f in self._literals if not self._has_surname(f))
        self._document_patterns: dict[str, re.Pattern | None] = {}
        self._forms: frozenset[str] | None = None

    def __bool__(self) -> bool:
        return bool(self.persons)

    def _add_name(self, name: str | None) -> None:
        name = (name or "").strip()
        if len(name) < 3:
            return
        self._literals.add(name)
        words = [w.rstrip(".") for w in _split(name)]
        if not words:
            return
        surname = words[-1]
        if len(surname) >= 3 and not _INITIAL.fullmatch(surname):
            self._surnames.add(surname)
            for part in {surname, *(p for p in surname.split("-") if len(p) >= 4)}:
                for form in surname_forms(part):
                    self._surname_keys.add(latin_key(form))
                self._surname_keys.update(_latin_surname_keys(part))
        for first in words[:-1][:1]:
            if len(first) >= 2:
                key = first_name_key(first)
                if key:
                    self._first_keys.add(key)
            self._initials.add(first[:1].upper())

    # ------------------------------------------------------------ matching

    def _has_surname(self, form: str) -> bool:
        return any(self._is_surname(m.group()) for m in _WORD.finditer(form))

    def _is_surname(self, word: str) -> bool:
        found = self._key_cache.get(word)
        if found is None:
            found = len(word) >= 3 and latin_key(word) in self._surname_keys
            if len(self._key_cache) < 200_000:
                self._key_cache[word] = found
        return found

    def _is_first_name(self, word: str) -> bool:
        """A first name of a withheld person, in any case (Захара, Захаром),
        script or spelling (Zakhar), or a patronymic (Ивановича)."""
        found = self._first_cache.get(word)
        if found is None:
            found = False
            if word[:1].isupper():
                if _PATRONYMIC.search(word) and len(word) > 5:
                    found = True
                elif first_name_key(word) in self._first_keys:
                    found = True
                elif _CYRILLIC.search(word):
                    found = any(first_name_key(r.nominative) in self._first_keys
                                for r in first_name_readings(word) if r.score > 0.1)
            if len(self._first_cache) < 200_000:
                self._first_cache[word] = found
        return found

    def _grow(self, text: str, start: int, end: int) -> tuple[int, int]:
        """Over the initials, first name and patronymic next to a surname."""
        while True:
            before = _BEFORE.search(text, max(0, start - 40), start)
            if before is None or before.end() != start:
                break
            word = before.group(1)
            if word is not None and not self._is_first_name(word):
                break
            start = before.start()
        while True:
            after = _AFTER.match(text, end)
            if after is None:
                break
            word = after.group(1)
            if word is not None and not self._is_first_name(word):
                break
            end = after.end()
        return start, end

    def spans(self, text: str | None, document_id: str | None = None) -> list[tuple[int, int]]:
        """Where `text` names a withheld person: merged (start, end) spans."""
        if not text or not self.persons:
            return []
        found: list[tuple[int, int]] = []
        words = _WORD
        if self._stems:
            folded = text.casefold()
            if any(stem in folded for stem in self._stems):
                words = _ANY_WORD
        for match in words.finditer(text):
            word = match.group()
            if self._is_surname(word):
                found.append(self._grow(text, match.start(), match.end()))
        for pattern in (self._global, self._document_pattern(document_id)):
            if pattern is not None:
                found.extend(m.span() for m in pattern.finditer(text))
        if not found:
            return []
        found.sort()
        merged = [found[0]]
        for start, end in found[1:]:
            last_start, last_end = merged[-1]
            if start <= last_end:
                merged[-1] = (last_start, max(last_end, end))
            else:
                merged.append((start, end))
        return merged

    def _document_pattern(self, document_id: str | None):
        if document_id is None or document_id not in self._by_document:
            return None
        if document_id not in self._document_patterns:
            self._document_patterns[document_id] = _literal_pattern(
                f for f in self._by_document[document_id] if not self._has_surname(f))
        return self._document_patterns[document_id]

    def mask(self, text: str | None, document_id: str | None = None) -> str | None:
        if not text or not self.persons:
            return text
        return self.mask_keeping(text, (), document_id)[0]

    def mask_keeping(self, text: str, offsets: Iterable[int], document_id: str | None = None
                     ) -> tuple[str, list[int]]:
        """The masked text and where each of `offsets` (positions in `text`)
        lands in it: for pages that mark spans of the original text."""
        spans = self.spans(text, document_id)
        offsets = list(offsets)
        if not spans:
            return text, offsets
        pieces, position = [], 0
        for start, end in spans:
            pieces.append(text[position:start])
            pieces.append(WITHHELD)
            position = end
        pieces.append(text[position:])

        def moved(offset: int) -> int:
            shift = 0
            for start, end in spans:
                if offset >= end:
                    shift += len(WITHHELD) - (end - start)
                elif offset > start:             # inside a masked name: its start
                    return start + shift
                else:
                    break
            return offset + shift
        return "".join(pieces), [moved(o) for o in offsets]

    def names_withheld(self, text: str | None, document_id: str | None = None) -> bool:
        return bool(self.spans(text, document_id))

    # ------------------------------------------------------------ scanning

    def forms(self) -> set[str]:
        """Every form to look for in a written file: names, aliases, surface
        forms, each surname in every case in Cyrillic and romanized, and the
        initialled forms (И. Скрытнов, I. Skrytnov)."""
        if self._forms is None:
            self._forms = frozenset(self._all_forms())
        return set(self._forms)

    def _all_forms(self) -> set[str]:
        out = set(self._literals)
        for forms in self._by_document.values():
            # A one-word form found in one document ("Захара") names anyone elsewhere.
            out.update(f for f in forms if self._has_surname(f))
        for surname in self._surnames:
            cases = {f.capitalize() for f in surname_forms(surname)}
            cases |= {romanize(f) for f in cases}
            out |= cases
            for initial in self._initials:
                for case in cases:
                    out.add(f"{initial}. {case}")
                    out.add(f"{romanize(initial)}. {case}")
        return {f for f in out if len(f) >= 3}


class Scanner:
    """Looks for withheld name forms in written files (the last check before
    `khronika publish` puts an archive in place). `exempt`: words of the
    published persons' own names (a namesake's page shows their surname)."""

    def __init__(self, forms: Iterable[str], exempt: Iterable[str] = ()):
        exempt = {w.casefold() for w in exempt}
        self.forms = sorted({f for f in forms if f.casefold() not in exempt})
        self._pattern = _literal_pattern(self.forms)
        # Every form holds one of these: a cheap `in` first, the pattern only then.
        self._stems = {_split(f)[-1].casefold()[:5] for f in self.forms if _split(f)}

    def __call__(self, text: str) -> list[str]:
        if self._pattern is None or not text:
            return []
        folded = text.casefold()
        if not any(stem in folded for stem in self._stems):
            return []
        found = {m.group() for m in self._pattern.finditer(text)}
        found.update(m.group() for m in self._pattern.finditer(html.unescape(text)))
        return sorted(found)

    def files(self, root) -> list[tuple[str, str]]:
        """(file, form) for every form found in a text file under `root`."""
        hits: list[tuple[str, str]] = []
        if self._pattern is None:
            return hits
        for path in sorted(Path(root).rglob("*")):
            if not path.is_file() or path.suffix.lower() not in _TEXT_SUFFIXES:
                continue
            text = path.read_bytes().decode("utf-8", "replace")
            hits.extend((str(path.relative_to(root)), form) for form in self(text))
        return hits


_TEXT_SUFFIXES = {".html", ".htm", ".js", ".json", ".csv", ".txt", ".xml", ".css", ".svg", ""}


def _literal_pattern(names: Iterable[str]):
    names = sorted({n.strip() for n in names if n and len(n.strip()) >= 3}, key=lambda n: (-len(n), n))
    if not names:
        return None
    alternatives = "|".join(re.escape(n) for n in names)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


# ---------------------------------------------------------------- reading the store

def _withheld_query(except_ids: Iterable[str]):
    person = tables.persons.c
    excluded = list(except_ids)
    if excluded:
        return sa.and_(person.do_not_publish.is_(True), person.id.not_in(excluded))
    return person.do_not_publish.is_(True)


def load(connection, except_ids: Iterable[str] = ()) -> Withholder:
    """Every "do not publish" person (but `except_ids`) with all their names
    and every mention linked to them, in three queries."""
    person, alias, mention = tables.persons.c, tables.aliases.c, tables.mentions.c
    condition = _withheld_query(except_ids)
    found: dict[str, WithheldPerson] = {}
    for person_id, name, latin in connection.execute(
            sa.select(person.id, person.name, person.name_latin).where(condition)):
        found[person_id] = WithheldPerson(id=person_id, names=[n for n in (name, latin) if n])
    if not found:
        return Withholder()
    hidden = sa.select(person.id).where(condition)
    for person_id, name in connection.execute(
            sa.select(alias.person_id, alias.alias).where(alias.person_id.in_(hidden))):
        found[person_id].names.append(name)
    for person_id, document_id, name, forms in connection.execute(
            sa.select(mention.person_id, mention.document_id, mention.name, mention.surface_forms)
            .where(mention.person_id.in_(hidden))):
        found[person_id].names.append(name)
        written = found[person_id].surface.setdefault(document_id, set())
        written.update(f for f in (forms or []) if isinstance(f, str))
    return Withholder(found.values())


def signature(connection) -> tuple:
    """Changes whenever what `load` reads may have changed (a person marked or
    unmarked, renamed, merged; a new mention of a withheld person)."""
    person, alias, mention = tables.persons.c, tables.aliases.c, tables.mentions.c
    condition = _withheld_query(())
    ids = tuple(connection.scalars(sa.select(person.id).where(condition).order_by(person.id)))
    if not ids:
        return ()
    hidden = sa.select(person.id).where(condition)
    latest = connection.scalar(sa.select(sa.func.max(person.updated_at)).where(condition))
    aliases = connection.scalar(sa.select(sa.func.count()).select_from(tables.aliases)
                                .where(alias.person_id.in_(hidden)))
    mentions = connection.execute(sa.select(sa.func.count(), sa.func.max(mention.id))
                                  .where(mention.person_id.in_(hidden))).one()
    return ids, latest, aliases, tuple(mentions)


_CACHE: dict[str, tuple[tuple, Withholder]] = {}
_CACHE_LOCK = threading.Lock()


def for_store(store) -> tuple[tuple, Withholder]:
    """The withholder of a store and its `signature`, rebuilt only when the
    signature changes (the web app asks on every viewer request)."""
    with store._reading() as connection:
        current = signature(connection)
        key = str(getattr(store, "url", None) or id(store))
        with _CACHE_LOCK:
            cached = _CACHE.get(key)
        if cached is not None and cached[0] == current:
            return cached
        built = (current, load(connection) if current else Withholder())
    with _CACHE_LOCK:
        _CACHE[key] = built
    return built
