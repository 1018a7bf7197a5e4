"""The gazetteer's data as lookup tables, loaded on first use.

data/places.tsv (written by scripts/build_places.py; its docstring has the
format) holds every place with every form of its names already inflected,
so matching is one dict lookup per token and needs no morphology: the
tables are built in ~0.3 s from the file alone.

    gazetteer().places[i]     a Place (kind, country, population, names)
    gazetteer().single[form]  the places a one-word name form names, packed
                              as place index << 4 | flags
    gazetteer().multi[form]   the multi-word names that begin with this
                              form: (forms of each next word, index of the
                              word that must be capitalized, place, flags)
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).parent / "data" / "places.tsv"

# Flags of a name form (see build_places.py for the marks they come from).
CAP = 1         # capitalized in running text
STRICT = 2      # also an ordinary word: capitalized, not at a sentence start, not in quotes
LOC = 4         # also a person's name: only after a preposition of place
EXACT = 8       # an abbreviation: in exactly its own case ("США", "UK")
SHIFT = 4       # place index << SHIFT | flags
SHIFT_MASK = (1 << SHIFT) - 1
_MARKS = {"": 0, "*": STRICT, "!": LOC}     # a form's mark in the file -> its flag


@dataclass(frozen=True, slots=True)
class Place:
    kind: str                   # "country", "region", "city", "facility", "adjective"; "phrase" (never shown)
    country: str                # ISO 3166-1 alpha-2
    population: int             # 0 where unknown (regions, facilities, adjectives)
    preferred: bool             # wins over namesakes when a document does not say
    name_ru: str
    name_en: str

    def name(self, lang: str) -> str:
        return (self.name_ru if lang == "ru" else self.name_en) or self.name_ru or self.name_en


@dataclass(frozen=True, slots=True)
class Gazetteer:
    places: tuple[Place, ...]
    single: dict[str, int | list[int]]      # one packed place, or a list of them
    multi: dict[str, tuple | list[tuple]]   # one entry, or a list of them
    exact: frozenset[str]       # abbreviations as written


def _forms(word: str, paradigms: dict[str, list[str]]) -> list[tuple[str, str]]:
    """(form, mark) of every form a stored word stands for."""
    if "@" in word:
        stem, _, code = word.partition("@")
        endings = paradigms["@" + code]
    elif "/" in word:
        stem, _, rest = word.partition("/")
        endings = rest.split(",")
    else:
        return [(word, "")]
    out = []
    for ending in endings:
        mark = ending[-1:] if ending[-1:] in ("!", "*") else ""
        out.append((stem + (ending[:-1] if mark else ending), mark))
    return out


def _add(table: dict, key: str, value) -> None:
    """table[key] is one value, or a list of several (most forms name one place)."""
    old = table.get(key)
    if old is None:
        table[key] = value
    elif type(old) is list:
        old.append(value)
    else:
        table[key] = [old, value]


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    places: list[Place] = []
    single: dict = {}
    multi: dict = {}
    exact: set[str] = set()
    paradigms: dict[str, list[str]] = {}
    interned: dict[frozenset[str], frozenset[str]] = {}   # "область" forms are shared by hundreds of names
    with DATA.open(encoding="utf-8") as lines:
        for line in lines:
            if line[0] == "@":
                code, _, endings = line.rstrip("\n").partition("\t")
                paradigms[code] = endings.split(",")
                continue
            if line[0] == "#":
                continue
            kind, country, population, preferred, name_ru, name_en, names = line.rstrip("\n").split("\t")
            index = len(places)
            places.append(Place(kind, country, int(population), preferred == "1", name_ru, name_en))
            base = index << SHIFT
            for spec in names.split(";"):
                first = spec[0]
                if first == "=":
                    exact.add(spec[1:])
                    _add(single, spec[1:].lower(), base | EXACT | CAP)
                    continue
                flags = base
                if first == "~":
                    flags |= STRICT
                    spec = spec[1:]
                if " " not in spec:
                    if spec[0] == "+":
                        flags |= CAP
                        spec = spec[1:]
                    if "/" not in spec and "@" not in spec:
                        _add(single, spec, flags)
                        continue
                    for form, mark in _forms(spec, paradigms):
                        _add(single, form, flags | _MARKS[mark])
                    continue
                words = spec.split(" ")
                cap = next((k for k, word in enumerate(words) if word[0] == "+"), -1)
                if cap >= 0:
                    words[cap] = words[cap][1:]
                rest = []
                for word in words[1:]:
                    forms = frozenset(form for form, _ in _forms(word, paradigms))
                    rest.append(interned.setdefault(forms, forms))
                entry = (tuple(rest), cap, index, flags & (SHIFT_MASK))
                for form, _ in _forms(words[0], paradigms):
                    _add(multi, form, entry)
    return Gazetteer(places=tuple(places), single=single, multi=multi, exact=frozenset(exact))
