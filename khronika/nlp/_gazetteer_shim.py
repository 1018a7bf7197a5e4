"""TEMPORARY: find_places over the old geo tables, until khronika.geo.find_places lands."""
from dataclasses import dataclass
from khronika import geo as _geo


@dataclass(frozen=True)
class PlaceMatch:
    start: int
    end: int
    text: str
    name: str
    country: str
    kind: str


_RU_ADJ = {"российский": "RU", "русский": "RU", "russian": "RU"}


from functools import lru_cache


@lru_cache(maxsize=100_000)
def _normal(word):
    from khronika.morph import analyzer
    return analyzer().parse(word)[0].normal_form


@lru_cache(maxsize=1)
def _all_country_names():
    return frozenset(n.lower() for c, ns in _geo.COUNTRIES for n in ns)


def find_places(text, lang="ru"):
    import unicodedata
    gaz = _geo._gazetteer()
    toks = [(m.start(), m.end(), m.group()) for m in _geo._TOKEN.finditer(text)]
    words = [_geo._fold(t[2]) for t in toks]
    out = []
    i = 0
    while i < len(words):
        step = 1
        orig = toks[i][2]
        if words[i] not in gaz and not words[i].startswith(("росс", "русск", "russian")):
            i += 1
            continue
        lem = _normal(words[i]) if _geo._CYRILLIC.search(words[i]) else words[i]
        if lem in _RU_ADJ or words[i] in _RU_ADJ:
            out.append(PlaceMatch(toks[i][0], toks[i][1], orig, "Россия", "RU", "adjective"))
            i += 1
            continue
        for rest, code, priority, capitalized, abbreviation in gaz.get(words[i], ()):
            end = i + 1 + len(rest)
            if end > len(words) or any(words[i + 1 + k] not in forms for k, forms in enumerate(rest)):
                continue
            if abbreviation and not orig.isupper():
                continue
            if priority == 0 and not orig[:1].isupper():
                continue
            surface = text[toks[i][0]:toks[end - 1][1]]
            name = (_normal(surface.lower()).capitalize() if _geo._CYRILLIC.search(surface) and len(rest) == 0 else surface)
            allnames = _all_country_names()
            kind = "adjective" if priority == 1 else ("country" if name.lower() in allnames or abbreviation else "city")
            if kind == "country":
                name = _geo.country_name(code, lang)
            out.append(PlaceMatch(toks[i][0], toks[end - 1][1], surface, name, code, kind))
            step = end - i
            break
        i += step
    return out
