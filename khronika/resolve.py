"""One person across documents: inflection, ё/е, spelling variants, scripts,
surname-only mentions and initials.

Input: the per-document persons of several extractions (and, when ingesting,
the persons already in the store). Output: global persons and, for every
(document, local person), the global id. Deterministic: ids are derived from
the name, so the same input gives the same ids in every run.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field

from .model import DocumentExtraction, Person, PersonMention, Resolution
from .translit import romanize

# First names that are one name in another spelling or language.
_FIRST_NAME_VARIANTS = [
    {"александр", "олександр", "aleksandr", "alexander", "oleksandr", "alexandr"},
    {"алексей", "олексій", "олексий", "aleksei", "alexei", "alexey", "aleksey", "oleksii", "oleksiy"},
    {"юлия", "юлія", "yulia", "yuliya", "julia", "iuliia"},
    {"семен", "семён", "semyon", "semen", "semion"},
    {"федор", "фёдор", "fyodor", "fedor", "fiodor"},
    {"петр", "пётр", "pyotr", "petr", "piotr"},
    {"артем", "артём", "artyom", "artem"},
    {"наталья", "наталия", "natalya", "natalia", "nataliya"},
    {"евгения", "yevgenia", "evgenia", "evgeniya"},
    {"евгений", "yevgeny", "evgeny", "evgenii", "evgeniy"},
    {"дмитрий", "dmitry", "dmitri", "dmitriy", "dmytro", "дмитро"},
    {"юрий", "yuri", "yury", "yuriy", "iurii"},
    {"сергей", "sergei", "sergey", "serhiy", "сергій"},
    {"андрей", "andrei", "andrey", "andriy", "андрій"},
    {"михаил", "mikhail", "mykhailo", "михайло"},
    {"елена", "yelena", "elena", "olena", "олена"},
]
_VARIANT_OF = {fold: sorted(group)[0] for group in _FIRST_NAME_VARIANTS for fold in group}


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").lower().replace("ё", "е")
    return re.sub(r"\s+", " ", text).strip()


def latin_key(word: str) -> str:
    """A loose Latin key: Качкуркин, Kachkurkin and Katchkourkine collide."""
    s = romanize(_fold(word)).lower()
    s = unicodedata.normalize("NFKD", s)
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    for a, b in (("kh", "h"), ("tch", "ch"), ("shch", "sh"), ("ck", "k"), ("ye", "e"), ("yu", "iu"),
                 ("ya", "ia"), ("yo", "e"), ("j", "i"), ("y", "i"), ("w", "v"), ("x", "ks"), ("ou", "u")):
        s = s.replace(a, b)
    s = re.sub(r"(.)\1+", r"\1", s)
    # Г is written G (Russian) or H (Ukrainian, Turkish court papers): Gasanbekov = Hasanbekov.
    s = s.replace("h", "g")
    return re.sub(r"[^a-z-]", "", s)


def _is_initial(first: str | None) -> bool:
    return bool(first) and (first.endswith(".") or len(first) == 1)


def first_name_key(first: str | None) -> str | None:
    if not first:
        return None
    f = _fold(first).rstrip(".")
    return latin_key(_VARIANT_OF.get(f, f))


def first_names_agree(a: str, b: str) -> bool:
    """The same first name in another spelling or script, or its initial:
    Yulia/Yuliya/Юлия, Aleksandr/Alexander/Олександр, Ю./Юлия."""
    a, b = a.rstrip("."), b.rstrip(".")
    if len(a) == 1 or len(b) == 1:
        return latin_key(a)[:1] == latin_key(b)[:1]
    ka, kb = first_name_key(a), first_name_key(b)
    return ka == kb or _close(ka, kb)


def _close(a: str | None, b: str | None) -> bool:
    """One edit apart on the loose key (aleksandr/aleksander), never across initials."""
    if not a or not b or abs(len(a) - len(b)) > 1 or a[0] != b[0] or min(len(a), len(b)) < 5:
        return False
    import difflib
    return difflib.SequenceMatcher(None, a, b).ratio() >= 0.88


def surname_key(surname: str | None) -> str | None:
    return latin_key(surname) if surname else None


@dataclass
class _Cluster:
    key: tuple[str | None, str | None]
    mentions: list[tuple[str, PersonMention]] = field(default_factory=list)
    known: Person | None = None

    @property
    def first(self):
        return self.key[0]


def _split_name(pm: PersonMention) -> tuple[str | None, str | None]:
    first, surname = pm.first_name, pm.surname
    if not surname and not first:
        parts = pm.name.split()
        first, surname = (parts[0], parts[-1]) if len(parts) > 1 else (None, parts[0])
    return first, surname


def mention_surname_key(pm: PersonMention) -> str:
    """The key of the bucket `resolve` looks a mention up in: only stored
    persons whose current name's last word has this surname key can take
    it (khronika.store.keys.known_persons finds them through an index)."""
    return surname_key(_split_name(pm)[1]) or ""


def resolve(extractions: list[DocumentExtraction], known: list[Person] | None = None) -> Resolution:
    """Persons and assignments for these extractions. `known`: the stored
    persons to join; every stored person gives the same result as
    `khronika.store.keys.known_persons(store, extractions)`, which reads
    only those a mention's surname key can reach."""
    clusters: list[_Cluster] = []
    by_surname: dict[str, list[_Cluster]] = {}

    def add_cluster(key, known_person=None) -> _Cluster:
        c = _Cluster(key=key, known=known_person)
        clusters.append(c)
        by_surname.setdefault(key[1] or "", []).append(c)
        return c

    for person in known or []:
        parts = person.name.split()
        first = parts[0] if len(parts) > 1 else None
        add_cluster((first_name_key(first), surname_key(parts[-1])), person)

    pending_surname_only: list[tuple[str, PersonMention]] = []
    # Full names first, so that a surname alone can join the person it names.
    for ex in extractions:
        for pm in ex.persons:
            first, surname = _split_name(pm)
            fkey, skey = first_name_key(first), surname_key(surname)
            if fkey is None or _is_initial(first):
                pending_surname_only.append((ex.document.id, pm))
                continue
            target = next((c for c in by_surname.get(skey or "", [])
                           if c.first == fkey or c.first is None or _close(c.first, fkey)), None)
            if target is None:
                target = add_cluster((fkey, skey))
            elif target.first is None:
                target.key = (fkey, skey)
            target.mentions.append((ex.document.id, pm))
    for doc_id, pm in pending_surname_only:
        first, surname = _split_name(pm)
        skey = surname_key(surname)
        initial = first_name_key(first)
        candidates = [c for c in by_surname.get(skey or "", [])
                      if not initial or not c.first or c.first.startswith(initial[:1])]
        if len(candidates) == 1:
            candidates[0].mentions.append((doc_id, pm))
        else:
            # Two people share the surname, or none is known: keep it apart.
            same = next((c for c in candidates if c.first is None), None)
            (same or add_cluster((None, skey))).mentions.append((doc_id, pm))

    persons: list[Person] = []
    assignments: dict[tuple[str, str], str] = {}
    for c in clusters:
        if not c.mentions and c.known is None:
            continue
        person = _merge(c)
        persons.append(person)
        for doc_id, pm in c.mentions:
            assignments[(doc_id, pm.local_id)] = person.id
    persons.sort(key=lambda p: p.id)
    return Resolution(persons=[p for p in persons if any(v == p.id for v in assignments.values())],
                      assignments=assignments)


def person_id(first_key: str | None, surname: str | None) -> str:
    digest = hashlib.sha256(f"{first_key or ''}|{surname or ''}".encode()).hexdigest()
    return "p-" + digest[:12]


_ROLE_RANK = {"subject": 0, "lawyer": 1, "official": 2, "journalist": 3, "other": 4}


def _merge(c: _Cluster) -> Person:
    names = [pm.name for _, pm in c.mentions]
    full = [n for n in names if len(n.split()) > 1 and not n.split()[0].endswith(".")]
    if c.known is not None:
        name = c.known.name
    else:
        # The Cyrillic form when a Russian report names the person: it is the
        # name in the person's own language, and the romanization follows from it.
        pool = full or names
        cyrillic = [n for n in pool if re.search(r"[А-Яа-яЁё]", n)]
        pool = cyrillic or pool
        name = max(sorted(set(pool)), key=lambda n: (pool.count(n), len(n)))
    aliases: list[str] = list(c.known.aliases) if c.known else []
    named_in_full = len(name.split()) > 1
    for _, pm in c.mentions:
        for alias in [pm.name, *pm.aliases]:
            # A bare surname or first name is a fragment, not another name: it would
            # also name every namesake ("Дьяченко" the consul).
            if named_in_full and len(alias.split()) == 1:
                continue
            if alias != name and alias not in aliases:
                aliases.append(alias)
    roles = [pm.role for _, pm in c.mentions]
    role = c.known.role if c.known and not roles else min(roles or ["other"], key=lambda r: _ROLE_RANK[r])
    attributes: dict = dict(c.known.attributes) if c.known else {}
    for _, pm in c.mentions:
        for k, v in pm.attributes.items():
            attributes.setdefault(k, v)
    gender = next((pm.gender for _, pm in c.mentions if pm.gender), c.known.gender if c.known else None)
    pid = c.known.id if c.known else person_id(c.key[0], c.key[1])
    latin = romanize(name)
    return Person(id=pid, name=name, name_latin=latin, aliases=sorted(aliases), role=role,
                  gender=gender, attributes=attributes)


# --- looking a person up by any form of the name ---------------------------------

def query_forms(query: str) -> list[list[str]]:
    """Each way to read a typed name, as lists of loose Latin token keys:
    "Емельянову" -> [["emelianova"], ["emelianov"], ...]; "Emelyanova" -> [["emelianova"]]."""
    words = query.split()
    forms = [words]
    if re.search(r"[А-Яа-яЁё]", query):
        from .nlp.ru_names import analyse
        analysis = analyse(words)
        if analysis is not None:
            for first, patronymic, surname, *_ in analysis.alternatives.values():
                forms.append([w for w in (first, patronymic, surname) if w])
    return [[latin_key(w) for w in form] for form in forms if form]


def person_matches(person: Person, forms: list[list[str]]) -> bool:
    keys = {latin_key(w) for name in [person.name, person.name_latin, *person.aliases] if name
            for w in name.split()}
    return any(all(k in keys for k in form) for form in forms)


def persons_named(store, name: str) -> list:
    """The stored person with this id, or the persons a typed name denotes,
    in any case, script or spelling ("Емельяновой", "Emelyanova"), else
    those whose names contain it as typed; by name. Shared by the CLI and
    the web app."""
    person = store.person(name)
    if person is not None:
        return [person]
    forms = query_forms(name)
    found = [p for p in store.persons() if person_matches(p, forms)] if forms else []
    return sorted(found or store.find_persons(name), key=lambda p: p.name)
