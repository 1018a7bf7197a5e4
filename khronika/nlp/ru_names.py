"""Russian person names: from an inflected mention to the nominative, with gender.

Natasha's own normaliser prefers masculine readings and leaves unknown
feminine surnames inflected ("Евгению Балтатарову" -> "Евгений Балтатаров",
"Наталью Нарскую" -> "Наталья Нарскую"). Here every token of a name gets all
its readings (gender, case, nominative): pymorphy for first names and
patronymics, the regular surname paradigms for surnames (they are regular,
and most surnames in the news are not in any dictionary). A name is the
reading on which all its tokens agree in gender and case; what is still
ambiguous ("Евгению" is a masculine dative or a feminine accusative) is
settled by the case the context demands and, across a document, by the other
mentions of the same surname.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from itertools import product

from ..morph import analyzer

CASES = ("nomn", "gent", "datv", "accs", "ablt", "loct")


@dataclass(frozen=True)
class Reading:
    """One way to read one name token."""
    nominative: str        # the nominative of this token for `gender`
    gender: str            # "m" or "f"
    cases: frozenset
    score: float
    base: str = ""         # surname key: the masculine nominative, lowercase, ё folded


@dataclass
class NameAnalysis:
    """The best reading of a whole mention ("Евгению Балтатарову")."""
    first: str | None
    patronymic: str | None
    surname: str | None
    surname_key: str | None
    gender: str | None
    cases: frozenset
    score: float
    alternatives: dict = field(default_factory=dict)   # gender -> (first, patr, surname, cases, score)

    @property
    def full(self) -> str:
        return " ".join(p for p in (self.first, self.patronymic, self.surname) if p)


def fold(word: str) -> str:
    return word.lower().replace("ё", "е")




@functools.lru_cache(maxsize=100_000)
def parses(word: str) -> tuple:
    """pymorphy's parses of one word, cached: names repeat across a corpus."""
    return tuple(analyzer().parse(word))


def _cap(word: str) -> str:
    return "-".join(part[:1].upper() + part[1:] for part in word.split("-"))


# --- surnames -------------------------------------------------------------

# Possessive surnames (-ов/-ев/-ин): masculine noun-like, feminine adjective-like.
_POSSESSIVE = ("ов", "ев", "ёв", "ин", "ын")
_POSS_M = {"": {"nomn"}, "а": {"gent", "accs"}, "у": {"datv"}, "ым": {"ablt"}, "е": {"loct"}}
_POSS_F = {"а": {"nomn"}, "у": {"accs"}, "ой": {"gent", "datv", "ablt", "loct"}}
# Adjectival surnames (-ский, -цкий, -ый, -ой, -ий).
_ADJ_M = {"ий": {"nomn"}, "ый": {"nomn"}, "ой": {"nomn"}, "ого": {"gent", "accs"},
          "ому": {"datv"}, "им": {"ablt"}, "ым": {"ablt"}, "ом": {"loct"}}
_ADJ_F = {"ая": {"nomn"}, "яя": {"nomn"}, "ую": {"accs"}, "юю": {"accs"},
          "ой": {"gent", "datv", "ablt", "loct"}, "ей": {"gent", "datv", "ablt", "loct"}}
# Other consonant-final surnames: masculine declines like a noun, feminine is fixed.
_CONS_M = {"": {"nomn"}, "а": {"gent", "accs"}, "у": {"datv"}, "ом": {"ablt"}, "ем": {"ablt"}, "е": {"loct"}}
ALL_CASES = frozenset(CASES)   # an undeclined name: any case
_INDECLINABLE = re.compile(r"(о|их|ых)$")
_VOWELS = set("аеёиоуыэюя")


def _surname_readings(word: str) -> list[Reading]:
    w = word.lower()
    out: list[Reading] = []

    def add(nom_m: str, nom_f: str, m_cases, f_cases, score: float):
        base = fold(nom_m)
        if m_cases:
            out.append(Reading(_cap(nom_m), "m", frozenset(m_cases), score, base))
        if f_cases:
            out.append(Reading(_cap(nom_f), "f", frozenset(f_cases), score, base))

    # Possessive type: Емельянов / Емельянова / Емельяновой ...
    for end, cases in _POSS_M.items():
        stem = w[: len(w) - len(end)] if end else w
        if w.endswith(end) and stem.endswith(_POSSESSIVE) and len(stem) > 3:
            add(stem, stem + "а", cases, None, 1.0)
    for end, cases in _POSS_F.items():
        stem = w[: -len(end)]
        if w.endswith(end) and stem.endswith(_POSSESSIVE) and len(stem) > 3:
            add(stem, stem + "а", None, cases, 1.0)
    # A family in the plural ("Мурад и Аминат Гасанбековы"): each member takes
    # the singular of their own gender.
    for end, cases in (("ы", {"nomn", "accs"}), ("ых", {"gent", "accs", "loct"}), ("ыми", {"ablt"})):
        stem = w[: -len(end)]
        if w.endswith(end) and stem.endswith(_POSSESSIVE) and len(stem) > 3:
            add(stem, stem + "а", cases, cases, 0.5)
    # Adjectival type: Нарский / Нарская / Нарскую, Навальный / Навального.
    for end, cases in _ADJ_M.items():
        if w.endswith(end) and len(w) - len(end) >= 3:
            stem = w[: -len(end)]
            m_nom = stem + ("ой" if end == "ой" else "ий" if stem[-1] in "кгхжшчщ" or end == "ий" else "ый")
            f_nom = stem + ("яя" if end in ("ий",) and stem[-1] in "нт" and False else "ая")
            add(m_nom, f_nom, cases, None, 0.9 if stem.endswith(("ск", "цк")) else 0.5)
    for end, cases in _ADJ_F.items():
        if w.endswith(end) and len(w) - len(end) >= 3:
            stem = w[: -len(end)]
            m_nom = stem + ("ий" if stem[-1] in "кгхжшчщ" else "ый")
            add(m_nom, stem + "ая", None, cases, 0.9 if stem.endswith(("ск", "цк")) else 0.5)
    if out and not any(r.base.endswith(("ский", "цкий")) for r in out):
        # "Саакяном", "Ковальчуком": a consonant stem in the instrumental or the
        # prepositional reads as an adjective too ("Навальном"); the noun-like
        # reading stays available for the context (a case, a first name) to pick.
        for end, cases in _CONS_M.items():
            stem = w[: len(w) - len(end)] if end else w
            if end in ("ом", "ем", "е", "у") and w.endswith(end) and stem and stem[-1] not in _VOWELS \
                    and len(stem) >= 3:
                add(stem, stem, cases, None, 0.65 if stem.endswith(("ян", "ук", "юк", "ич")) else 0.45)
    if not out:
        if _INDECLINABLE.search(w) or w.endswith(("ко", "енко")):
            add(w, w, ALL_CASES, ALL_CASES, 0.6)
        else:
            if w[-1] in "еиуюэё":
                # Шойгу, Бабаджанде: foreign surnames in a vowel do not decline.
                add(w, w, ALL_CASES, ALL_CASES, 0.2)
            if w[-1] in "ая":
                # Surnames in -а/-я (Берия, Глинка) are nominative for both genders.
                add(w, w, {"nomn"}, {"nomn"}, 0.4)
            for end, cases in _CONS_M.items():
                stem = w[: len(w) - len(end)] if end else w
                if w.endswith(end) and stem and stem[-1] not in _VOWELS and len(stem) >= 3:
                    add(stem, stem, cases, None, 0.6 if end else 0.7)
            if w[-1] not in _VOWELS:
                add(w, w, None, ALL_CASES, 0.5)        # a woman's fixed form: Козак, Шевчук
    # Dictionary surnames (pymorphy knows Смирнов, Путин, Козак) confirm a reading.
    known = {(fold(p.normal_form), "m" if "masc" in p.tag else "f") for p in parses(w)
             if "Surn" in p.tag}
    if known:
        out = [r if (r.base, r.gender) not in known and (r.base, "m") not in known
               else Reading(r.nominative, r.gender, r.cases, r.score + 0.5, r.base) for r in out]
    return out


# --- first names and patronymics -----------------------------------------

def _pymorphy_readings(word: str, grammeme: str) -> list[Reading]:
    out = []
    for p in parses(word):
        if grammeme not in p.tag or "sing" not in p.tag or p.tag.case is None:
            continue
        gender = "f" if "femn" in p.tag else "m"
        nom = p.normal_form
        if grammeme == "Patr" and gender == "f":
            inflected = p.inflect({"nomn", "femn"})
            nom = inflected.word if inflected else nom
        case = "accs" if p.tag.case in ("acc2",) else "gent" if p.tag.case == "gen2" else \
            "loct" if p.tag.case == "loc2" else p.tag.case
        # A fixed foreign reading ("Анне" as French Anne) loses to a declined Russian one.
        penalty = 0.3 if "Fixd" in p.tag else 0.0
        out.append(Reading(_cap(nom), gender, frozenset({case}), 0.5 + p.score - penalty, fold(nom)))
    # One reading per (name, gender) with all its cases: "Семена" is genitive or accusative.
    merged: dict[tuple[str, str], Reading] = {}
    for r in out:
        key = (r.nominative, r.gender)
        if key in merged:
            m = merged[key]
            merged[key] = Reading(m.nominative, m.gender, m.cases | r.cases, max(m.score, r.score), m.base)
        else:
            merged[key] = r
    return list(merged.values())


def _guessed_first_name(word: str) -> list[Reading]:
    """Names no dictionary knows (Олександр, Айхал, Зелимхан): regular endings."""
    w = word.lower()
    out = []
    if w[-1] not in _VOWELS and w[-1] not in "йь":
        out.append(Reading(_cap(w), "m", frozenset({"nomn"}), 0.4, w))
    for end, cases in (("а", {"gent", "accs"}), ("у", {"datv"}), ("ом", {"ablt"}), ("е", {"loct"})):
        stem = w[: -len(end)]
        if w.endswith(end) and stem and stem[-1] not in _VOWELS and len(stem) >= 3:
            out.append(Reading(_cap(stem), "m", frozenset(cases), 0.35, stem))
    for end, cases in (("а", {"nomn"}), ("я", {"nomn"}), ("у", {"accs"}), ("ю", {"accs"}),
                       ("ы", {"gent"}), ("и", {"gent", "datv", "loct"}), ("е", {"datv", "loct"}),
                       ("ой", {"ablt"}), ("ей", {"ablt"})):
        stem = w[: -len(end)]
        if w.endswith(end) and len(stem) >= 2:
            nom = stem + ("я" if end in ("я", "ю", "ей") or stem[-1] in "ь" else "а")
            out.append(Reading(_cap(nom), "f", frozenset(cases), 0.3, nom))
    return out


@functools.lru_cache(maxsize=20000)
def first_name_readings(word: str) -> tuple[Reading, ...]:
    parts = word.split("-")
    if len(parts) > 1:
        # Касым-Жомарт: each part declines on its own; keep the readings all parts share.
        per_part = [first_name_readings(p) for p in parts if p]
        out = []
        for combo in product(*per_part):
            genders = {r.gender for r in combo}
            cases = frozenset.intersection(*(r.cases for r in combo))
            if len(genders) == 1 and cases:
                out.append(Reading("-".join(r.nominative for r in combo), combo[0].gender, cases,
                                   min(r.score for r in combo), fold("-".join(r.nominative for r in combo))))
        return tuple(out)
    found = _pymorphy_readings(word, "Name")
    known = {(r.nominative, r.gender) for r in found}
    # The dictionary may know only a rare reading ("Зелимхана" as a woman's name):
    # the regular endings stay available, weaker, for the context to choose.
    found += [r for r in _guessed_first_name(word) if (r.nominative, r.gender) not in known]
    # Foreign first names are often left undeclined ("задержали Айхал Аммосова"):
    # a last-resort reading that keeps the written form in every case.
    w = word.lower()
    # Consonant-final names are mostly men's, but not all (Аминат, Айгуль, Зейнаб).
    fixed = [Reading(_cap(w), "m", ALL_CASES, 0.05, w), Reading(_cap(w), "f", ALL_CASES, 0.02, w)] \
        if w[-1] not in _VOWELS else [Reading(_cap(w), g, ALL_CASES, 0.05, w) for g in ("m", "f")]
    return tuple(found + fixed)


@functools.lru_cache(maxsize=20000)
def patronymic_readings(word: str) -> tuple[Reading, ...]:
    return tuple(_pymorphy_readings(word, "Patr"))


@functools.lru_cache(maxsize=20000)
def surname_readings(word: str) -> tuple[Reading, ...]:
    parts = word.split("-")
    if len(parts) == 2 and all(parts):
        # Double surnames (Римский-Корсаков) agree part by part.
        out = []
        for a, b in product(surname_readings(parts[0]), surname_readings(parts[1])):
            cases = a.cases & b.cases
            if a.gender == b.gender and cases:
                out.append(Reading(a.nominative + "-" + b.nominative, a.gender, cases,
                                   min(a.score, b.score), a.base + "-" + b.base))
        return tuple(out)
    return tuple(_surname_readings(word))


def is_initial(token: str) -> bool:
    return bool(re.fullmatch(r"[А-ЯЁA-Z]\.?", token))


def _looks_like_first_name(token: str) -> bool:
    return any("Name" in p.tag for p in parses(token)) or "-" in token


def analyse(tokens: list[str], case_hint: frozenset | None = None,
            gender_hint: str | None = None) -> NameAnalysis | None:
    """The nominative reading of one name mention, given as its word tokens."""
    return _analyse(tuple(tokens), case_hint, gender_hint)


@functools.lru_cache(maxsize=50_000)
def _analyse(tokens: tuple, case_hint: frozenset | None, gender_hint: str | None) -> NameAnalysis | None:
    words = [t for t in tokens if t not in (".",)]
    if not words:
        return None
    initials = [w for w in words if is_initial(w)]
    names = [w for w in words if not is_initial(w)]
    if not names:
        return None
    slots: list[tuple[str, tuple[Reading, ...]]] = []
    if len(names) == 1 and initials and tokens.index(initials[0]) > tokens.index(names[0]) \
            and not any("Surn" in p.tag for p in parses(names[0])):
        # "Низомиддин К.", "Фахриддин Х.": a first name and the initial of a
        # surname withheld, as rights groups write about people at risk.
        readings = first_name_readings(names[0]) or (Reading(_cap(names[0]), gender_hint or "m", ALL_CASES, 0.1,
                                                             fold(names[0])),)
        initial = initials[0].rstrip(".") + "."
        alternatives = {}
        for r in sorted(readings, key=lambda r: (bool(case_hint and r.cases & case_hint), r.score)):
            alternatives[r.gender] = (r.nominative, None, initial, r.cases, r.score,
                                      fold(f"{r.nominative} {initial}"))
        gender = gender_hint if gender_hint in alternatives else max(
            alternatives, key=lambda g: alternatives[g][4])
        first, _, surname, cases, score, key = alternatives[gender]
        return NameAnalysis(first, None, surname, key, gender, cases, score, alternatives)
    if len(names) == 1:
        only = names[0]
        if initials or not _only_first_name(only):
            slots = [("surname", surname_readings(only))]
        else:
            slots = [("first", first_name_readings(only))]
    elif len(names) == 2:
        first, last = names
        if patronymic_readings(last) and (not surname_readings(last) or _patronymic_of_a_name(last)):
            slots = [("first", first_name_readings(first)), ("patronymic", patronymic_readings(last))]
        elif not _looks_like_first_name(first) and _looks_like_first_name(last):
            # "Петрова Анна": surname first, as in lists and court records.
            slots = [("surname", surname_readings(first)), ("first", first_name_readings(last))]
        else:
            slots = [("first", first_name_readings(first)), ("surname", surname_readings(last))]
    else:
        first, middle, last = names[0], names[1], names[-1]
        if patronymic_readings(middle):
            slots = [("first", first_name_readings(first)), ("patronymic", patronymic_readings(middle)),
                     ("surname", surname_readings(last))]
        elif patronymic_readings(last):
            slots = [("surname", surname_readings(first)), ("first", first_name_readings(middle)),
                     ("patronymic", patronymic_readings(last))]
        else:
            slots = [("first", first_name_readings(" ".join(names[:-1]).split()[0])),
                     ("surname", surname_readings(last))]
    if any(not readings for _, readings in slots):
        # A token with no reading at all keeps its written form.
        slots = [(kind, readings or (Reading(_cap(word), gender_hint or "m", ALL_CASES, 0.1, fold(word)),))
                 for (kind, readings), word in zip(slots, names)]

    best_by_gender: dict[str, tuple] = {}
    for combo in product(*(readings for _, readings in slots)):
        genders = {r.gender for r in combo}
        if len(genders) != 1:
            continue
        cases = frozenset.intersection(*(r.cases for r in combo))
        if not cases:
            continue
        score = sum(r.score for r in combo)
        if case_hint and cases & case_hint:
            score += 1.0
        gender = combo[0].gender
        if gender_hint == gender:
            score += 2.0
        parts = {kind: r for (kind, _), r in zip(slots, combo)}
        candidate = (score, parts, cases)
        if gender not in best_by_gender or score > best_by_gender[gender][0]:
            best_by_gender[gender] = candidate
    if not best_by_gender:
        return None
    gender, (score, parts, cases) = max(best_by_gender.items(), key=lambda kv: kv[1][0])
    initial_prefix = " ".join(i.rstrip(".") + "." for i in initials) or None

    def build(g):
        s, p, c = best_by_gender[g]
        first = p["first"].nominative if "first" in p else initial_prefix
        return (first, p["patronymic"].nominative if "patronymic" in p else None,
                p["surname"].nominative if "surname" in p else None, c, s,
                p["surname"].base if "surname" in p else None)

    alternatives = {g: build(g) for g in best_by_gender}
    first, patronymic, surname, cases, score, key = alternatives[gender]
    return NameAnalysis(first, patronymic, surname, key, gender, cases, score, alternatives)


_PATRONYMIC = re.compile(r"^(?P<stem>[а-яё]{2,}?)(?:ович|евич|ьевич|ич|овн|евн|ьевн|ичн)(?:а|у|ем|е|ы|ой)?$")


@functools.lru_cache(maxsize=20000)
def _patronymic_of_a_name(word: str) -> bool:
    """"Магомедович", "Олеговна", "Андреевна", "Ильинична": a patronymic is made
    from a first name ("Ислам Магомедович" names a man without his surname);
    "Джокович" is made from none and stays a surname."""
    m = _PATRONYMIC.match(word.lower())
    if not m:
        return False
    stem = m.group("stem")
    for name in (stem, stem + "й", stem + "ий", stem + "а", stem + "я", stem[:-1] + "ь" if stem else stem):
        if any("Name" in p.tag and p.normal_form == name for p in parses(name)):
            return True
    return False


def _only_first_name(word: str) -> bool:
    """A lone token that is a first name and nothing else (no surname reading in a dictionary)."""
    found = parses(word)
    return any("Name" in p.tag for p in found[:1]) and not any("Surn" in p.tag for p in found)


def nominative_for(analysis: NameAnalysis, gender: str) -> NameAnalysis:
    """The same mention read with another gender, when the document settles it."""
    if gender not in analysis.alternatives or gender == analysis.gender:
        return analysis
    first, patronymic, surname, cases, score, key = analysis.alternatives[gender]
    return NameAnalysis(first, patronymic, surname, key, gender, cases, score, analysis.alternatives)
