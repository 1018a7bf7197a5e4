"""Russian extraction, stage 2: persons.

Takes the sentences and Natasha's PER spans; gives the name spans (`Span`:
found by NER, `person_spans`, or a surname alone that the text named in full
elsewhere, `recover_surnames`), each read for its case (`analyse_spans`, with
`chains` for coordinated lists) and the gender a neighbouring word shows
(`agreement_of`); then the persons they name (`group_persons`: one `Person`
per person of the document, with one gender) and their names (`person_name`,
`first_of`, `surname_of`). Mentions in sentences are ru_coref's.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from ..geo import find_places
from . import ru_names
from .ru_lexicon import SPEECH_VERBS, VERB_TRIGGERS
from .ru_names import ALL_CASES, fold
from .ru_tokens import CASE_OF_FEAT, CLOSE_QUOTES, OPEN_QUOTES, Sent, Tok

# --- name spans ------------------------------------------------------------------

@dataclass
class Span:
    start: int
    end: int
    sent: int
    i: int
    j: int
    words: list[str]
    analysis: object = None
    chain: int | None = None
    person: str | None = None
    agreement: str | None = None      # gender of a past-tense verb or "который" agreeing with it


def _quoted(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    return before in OPEN_QUOTES and after in CLOSE_QUOTES


def person_spans(doc, sents: list[Sent]) -> list[Span]:
    spans = []
    for sent in sents:
        for ns in doc.spans:
            if ns.type != "PER" or ns.start < sent.start or ns.stop > sent.end:
                continue
            if _quoted(doc.text, ns.start, ns.stop):
                continue      # «Ахмат» is a unit, a film, a company: not a person
            idx = [k for k, t in enumerate(sent.toks) if t.start >= ns.start and t.end <= ns.stop]
            if not idx:
                continue
            # "выдать Мурата Тунгишбаева Казахстану": NER ran the name on into the country.
            while len(idx) > 2 and _place_name(sent.toks[idx[-1]].text):
                idx = idx[:-1]
            words = [sent.toks[k].text for k in idx if sent.toks[k].text not in ".,"]
            if not words or not all(w[:1].isupper() for w in words):
                continue
            if len(words) == 1 and _common_word(words[0]):
                continue      # "Чеченцу, бежавшему в Турцию": a capitalised noun, not a name
            if len(words) == 1 and _place_name(words[0]):
                continue      # "Каракалпакстан", "Бишкек": NER's person is a place the gazetteer knows
            spans.append(Span(ns.start, sent.toks[idx[-1]].end, sent.index, idx[0], idx[-1] + 1, words))
            # "Мурад и Аминат Гасанбековы": the first name before "и" shares the family name.
            k = idx[0]
            if len(words) == 2 and re.search(r"(ов|ев|ин|ын)(ы|ых|ыми)$", words[-1]) and k >= 2 \
                    and sent.toks[k - 1].low == "и" and sent.toks[k - 2].text[:1].isupper() \
                    and ru_names.first_name_readings(sent.toks[k - 2].text):
                t = sent.toks[k - 2]
                spans.append(Span(t.start, t.end, sent.index, k - 2, k - 1, [t.text, words[-1]]))
    return spans


def _place_name(word: str) -> bool:
    found = find_places(word, "ru")
    # Cities only when big: many surnames are also small towns (Пушкин, Жуковский).
    return bool(found) and found[0].end - found[0].start == len(word) and (
        found[0].kind in ("country", "region") or found[0].kind == "city" and found[0].population >= 500_000)


_GENDER_FEAT = {"Masc": "m", "Fem": "f"}


def agreement_of(toks: list[Tok], s: Span) -> str | None:
    """The gender a neighbouring word shows for a name in the nominative: the
    verb right after it, or "которая/который" after a comma."""
    k = s.j
    # "Аминат Гасанбекову не задерживали: в 2024 году она уехала" — the next
    # personal pronoun in the sentence, with no other name between.
    for n in range(k, min(len(toks), k + 12)):
        if toks[n].pos == "PROPN" and toks[n].text[:1].isupper():
            break
        if toks[n].low in ("он", "она") and toks[n].feats.get("Case") == "Nom":
            return "m" if toks[n].low == "он" else "f"
    if k < len(toks) and toks[k].text == "," and k + 1 < len(toks) and toks[k + 1].lemma == "который":
        return _GENDER_FEAT.get(toks[k + 1].feats.get("Gender"))
    # "Шевчук провела": the verb after a subject — not after a genitive
    # ("депортация Качкуркина была оформлена" agrees with "депортация").
    governed = s.i > 0 and toks[s.i - 1].pos in ("NOUN", "ADP", "ADJ", "NUM")
    if k < len(toks) and toks[k].pos in ("VERB", "AUX") and toks[k].feats.get("Tense") == "Past" and not governed:
        if toks[k].feats.get("Number") == "Sing":
            return _GENDER_FEAT.get(toks[k].feats.get("Gender"))
    # "— сказала Аминат": a quote's attribution puts the verb first.
    if s.i > 0 and toks[s.i - 1].lemma in SPEECH_VERBS and toks[s.i - 1].feats.get("Tense") == "Past" \
            and toks[s.i - 1].feats.get("Number") == "Sing":
        return _GENDER_FEAT.get(toks[s.i - 1].feats.get("Gender"))
    return None


@functools.lru_cache(maxsize=50_000)
def _common_word(word: str) -> bool:
    """A dictionary word that is never a name (ethnonyms, nouns at a sentence start)."""
    if len(word) <= 2:
        return True
    parses = ru_names.parses(word)
    if any({"Name", "Surn", "Patr"} & set(p.tag.grammemes) for p in parses):
        return False
    return any(p.is_known and p.tag.POS in ("NOUN", "PREP", "CONJ", "ADVB", "NPRO", "ADJF") and "Geox" not in p.tag
               for p in parses)


_SURNAME_ENDINGS = ("ов", "ев", "ин", "ын", "ский", "цкий", "ук", "юк", "енко", "ян", "швили", "дзе", "ова",
                    "ева", "ина", "ская")


def recover_surnames(sents: list[Sent], spans: list[Span]) -> list[Span]:
    """NER often misses a surname standing alone ("Бажукову удалось сбежать",
    "как Мовлаев, так и Емельянова"): once the document has named a person in
    full, every other form of that surname is a mention too."""
    known = {s.analysis.surname_key for s in spans
             if s.analysis and s.analysis.surname_key and (
                 s.analysis.first or s.analysis.surname_key.endswith(_SURNAME_ENDINGS))}
    if not known:
        return []
    taken = {(s.sent, k) for s in spans for k in range(s.i, s.j)}
    found = []
    for sent in sents:
        for k, t in enumerate(sent.toks):
            if (sent.index, k) in taken or not t.text[:1].isupper() or t.pos not in ("PROPN", "NOUN", "ADJ"):
                continue
            if k + 1 < len(sent.toks) and sent.toks[k + 1].text[:1].isupper() and sent.toks[k + 1].pos == "PROPN":
                continue       # part of a longer name NER did not take: leave it
            if any(r.base in known for r in ru_names.surname_readings(t.text)):
                span = Span(t.start, t.end, sent.index, k, k + 1, [t.text])
                span.analysis = ru_names.analyse([t.text])
                found.append(span)
    return found


# --- coordinated names and the case of each name ---------------------------------

def chains(sents: list[Sent], spans: list[Span]) -> None:
    """Coordinated lists of names ("A, B, C и D", "как A, так и B") share a case
    and, for most events, a fate."""
    by_sent: dict[int, list[Span]] = {}
    for s in spans:
        by_sent.setdefault(s.sent, []).append(s)
    chain_id = 0
    for sent_index, items in by_sent.items():
        toks = sents[sent_index].toks
        items.sort(key=lambda s: s.i)
        for a, b in zip(items, items[1:]):
            between = [t.low for t in toks[a.j:b.i]]
            if _is_coordination(between):
                if a.chain is None:
                    chain_id += 1
                    a.chain = chain_id
                b.chain = a.chain


_KIN = {"жена", "муж", "супруга", "супруг", "вдова", "брат", "сестра", "сын", "дочь", "мать", "отец",
        "племянник", "племянница", "родственник", "родственница"}
_POSSESSIVES = {"его", "ее", "её", "их", "мой", "моя", "наш", "наша", "свой", "своя", "твой", "твоя"}

_RELATIONS = {"его", "ее", "её", "их", "друг", "друга", "подруга", "подругу", "брат", "брата", "сестра",
              "сестру", "жена", "жену", "муж", "мужа", "коллега", "коллегу", "сослуживец", "сослуживца",
              "соратник", "соратника", "партнер", "партнера", "партнёр", "партнёра", "сын", "сына", "дочь",
              "вместе", "с"}


def _is_coordination(between: list[str]) -> bool:
    """"A и B", "A, B и C", "как A, так и B", "A и его друга B"."""
    allowed = {",", "и", "а", "также", "так", "как", "или", "либо"}
    if not between or len(between) > 5 or not ({",", "и", "или", "либо"} & set(between)):
        return False
    # "41-летний Низомиддин К. и 45-летний Фахриддин Х.": an age before a member.
    return all(w in allowed or w in _RELATIONS or _AGE.fullmatch(w) for w in between)


_AGE = re.compile(r"\d+-(?:летн|лети)\w*")


def analyse_spans(sents: list[Sent], spans: list[Span]) -> None:
    # The case a list shares settles ambiguous members: "включая Евгению
    # Балтатарову, ... Наталью Нарскую" is accusative because Наталью can be nothing else.
    plain = {id(s): ru_names.analyse(s.words) for s in spans}
    chain_cases: dict[int, frozenset] = {}
    for s in spans:
        a = plain[id(s)]
        if s.chain is None or a is None:
            continue
        cases = frozenset().union(*[v[3] for v in a.alternatives.values()])
        chain_cases[s.chain] = chain_cases.get(s.chain, cases) & cases
    for s in spans:
        hint = None
        if s.chain is not None and chain_cases.get(s.chain):
            hint = chain_cases[s.chain]
        else:
            toks = sents[s.sent].toks
            hint = _governed_case(toks, s.i) or _case_before_verb(toks, s.j)
            if hint is None and toks[s.j - 1].feats.get("Case") in CASE_OF_FEAT:
                # Natasha's own guess at the case, the weakest evidence we have.
                hint = frozenset({CASE_OF_FEAT[toks[s.j - 1].feats["Case"]]})
        s.analysis = ru_names.analyse(s.words, case_hint=hint) if hint else plain[id(s)]


PREP_CASE = {"в": {"accs", "loct"}, "на": {"accs", "loct"}, "к": {"datv"}, "о": {"loct"},
             "об": {"loct"}, "с": {"ablt", "gent"}, "у": {"gent"}, "от": {"gent"}, "для": {"gent"},
             "против": {"gent"}, "без": {"gent"}, "из": {"gent"}, "включая": {"accs"},
             "за": {"accs", "ablt"}, "по": {"datv"}, "при": {"loct"}, "отношении": {"gent"}}


def _case_before_verb(toks: list[Tok], j: int) -> frozenset | None:
    """A name before a verb in the plural ("Гаджимурадова перевели", "Белоусова
    задержали"), an impersonal "they" that has no subject, is its object; a name
    before "нет" is in the genitive ("в СИЗО Белоусова нет")."""
    k = j
    while k < len(toks) and toks[k].pos in ("ADV", "PART") and toks[k].low not in ("не", "нет"):
        k += 1
    if k >= len(toks):
        return None
    t = toks[k]
    if t.low == "нет":
        return frozenset({"gent"})
    if t.pos in ("VERB", "AUX") and t.feats.get("Number") == "Plur" and t.feats.get("VerbForm") == "Fin" \
            and toks[j - 1].feats.get("Number", "Sing") == "Sing":
        return frozenset({"accs", "gent"})
    return None


def _governed_case(toks: list[Tok], i: int) -> frozenset | None:
    """The case the word before a name demands, when it demands one."""
    k = i - 1
    # "уроженца Харькова Олексия Дьяченко": a genitive place name between the title and the name.
    while k >= 0 and (toks[k].pos == "ADJ" or (toks[k].pos in ("NOUN", "PROPN") and toks[k].feats.get("Case") == "Gen"
                                                and not (toks[k].pos == "PROPN" and k + 1 == i))
                      or toks[k].text in ("-",)):
        k -= 1
    if k < 0:
        return None
    prev = toks[k]
    if prev.low in PREP_CASE:
        return frozenset(PREP_CASE[prev.low])
    if prev.pos == "VERB" and prev.feats.get("Voice") == "Act" and prev.lemma in VERB_TRIGGERS:
        return frozenset({"datv"}) if VERB_TRIGGERS[prev.lemma][1] == "dat" else frozenset({"accs"})
    # A kinship noun takes its possessor in the genitive ("Жена Мурата Тунгишбаева"):
    # only with a possessive before it is the name an apposition that agrees
    # ("его жена Мерей Калиева").
    if prev.lemma in _KIN and k == i - 1 and not (k > 0 and toks[k - 1].low in _POSSESSIVES):
        return frozenset({"gent"})
    # A title before the name agrees with it: "российского контрактника Камиля Касимова".
    if prev.pos == "NOUN" and prev.feats.get("Animacy") == "Anim" and prev.feats.get("Case") in CASE_OF_FEAT:
        return frozenset({CASE_OF_FEAT[prev.feats["Case"]]})
    return None


# --- persons: grouping the spans, gender, names ----------------------------------

@dataclass
class Person:
    local_id: str
    key: str
    first: str | None = None
    gender: str | None = None
    spans: list[Span] = field(default_factory=list)
    role_votes: dict = field(default_factory=dict)
    attributes: dict = field(default_factory=dict)
    speaker: bool = False
    speaking: int = 0            # mentions of the person as the one who speaks
    descriptors: set = field(default_factory=set)   # "журналистка", "программист": nouns that name them


def group_persons(spans: list[Span]) -> list[Person]:
    """Mentions of one person in one document: the same surname (any case or
    gender), and no contradicting first name. A surname alone joins the person
    last named with it."""
    persons: list[Person] = []
    by_key: dict[str, list[Person]] = {}
    for s in spans:
        a = s.analysis
        if a is None:
            continue
        key = a.surname_key or fold(a.first or " ".join(s.words))
        first = fold(a.first) if a.first and a.surname else None
        candidates = by_key.get(key, [])
        target = None
        if first:
            for p in candidates:
                if p.first is None or _same_first(p.first, first):
                    target = p
                    break
        elif candidates:
            # A surname alone goes to the person the text is about (most mentions so
            # far), not to a namesake mentioned in passing ("консул Игорь Дьяченко,
            # однофамилец задержанного") — among those whose gender its reading
            # allows: "отправил Гаджимурадова под арест" is the husband, not the
            # wife Патимат Гаджимурадова.
            genders = {p.local_id: _provisional_gender(p) for p in candidates}
            wanted = _span_gender(s)
            best = [p for p in candidates if wanted and genders[p.local_id] == wanted]
            target = max(reversed(best or candidates), key=lambda p: len(p.spans))
        if target is None:
            target = Person(local_id=f"p{len(persons) + 1}", key=key, first=first)
            persons.append(target)
            by_key.setdefault(key, []).append(target)
        if first and target.first is None:
            target.first = first
        # Keep the most recently used person of a surname at the end.
        by_key[key].remove(target)
        by_key[key].append(target)
        target.spans.append(s)
        s.person = target.local_id
    _merge_gender_readings(persons, by_key)
    # "Тарас уехал": a first name alone is the one person the document named with it
    # (also one the dictionary reads first as a noun: "Веру задержали").
    for lone in [p for p in persons if all(s.analysis.surname is None for s in p.spans)
                 or all(len(s.words) == 1 and not s.analysis.first for s in p.spans)]:
        keys = {lone.key}
        if any(s.analysis.surname for s in lone.spans):
            keys = {fold(r.nominative) for s in lone.spans for r in ru_names.first_name_readings(s.words[0])
                    if r.score >= 0.3}
        owners = [p for p in persons if p is not lone and p.first and any(_same_first(p.first, k) and
                                                                            len(k) > 1 for k in keys)]
        written = {fold(s.words[0]) for s in lone.spans if len(s.words) == 1}
        surnamed = [p for p in persons if p is not lone and p.key in written and len(p.key) > 3]
        if not owners and len(surnamed) == 1 and all(s.analysis.surname is None for s in lone.spans):
            # "Находящегося под арестом Мухтарлы": an undeclined surname the
            # dictionary reads as a first name is the surname the text used in full.
            owner = surnamed[0]
            named = next(s.analysis for s in owner.spans if s.analysis.surname)
            gender, surname = named.gender, named.surname
            for s in lone.spans:
                s.analysis = ru_names.NameAnalysis(None, None, surname, owner.key, gender, ALL_CASES, 1.0,
                                                   {gender: (None, None, surname, ALL_CASES, 1.0, owner.key)})
                s.person = owner.local_id
            owner.spans = sorted(owner.spans + lone.spans, key=lambda s: s.start)
            persons.remove(lone)
            continue
        if len(owners) == 1:
            owners[0].spans.extend(lone.spans)
            owners[0].spans.sort(key=lambda s: s.start)
            for s in lone.spans:
                s.person = owners[0].local_id
                if s.analysis.surname:
                    s.analysis = _as_first_name(s)
            persons.remove(lone)
    for p in persons:
        _settle_gender(p)
    return persons


# "Худоберди Нурматов (настоящее имя Феруза)", "Иванов, он же Петров": two names of one person.
_ALIAS_LINKS = (("настоящий", "имя"), ("настоящий", "фамилия"), ("он", "же"), ("она", "же"),
                ("урожденный",), ("урождённый",), ("известный", "как"), ("псевдоним",))


def merge_aliases(sents: list[Sent], persons: list[Person]) -> list[Person]:
    """Persons the text itself says are one: a name, then in brackets or after a
    comma the other name with "настоящее имя", "он же", "урождённая"."""
    by_id = {p.local_id: p for p in persons}
    spans = sorted((s for p in persons for s in p.spans), key=lambda s: s.start)
    for a, b in zip(spans, spans[1:]):
        if a.sent != b.sent or a.person == b.person or a.person not in by_id or b.person not in by_id:
            continue
        between = [t for t in sents[a.sent].toks[a.j:b.i] if t.text not in ("(", ",", "—", "-", ":")]
        lemmas = tuple(t.lemma for t in between)
        if not between or len(between) > 3 or not any(lemmas[:len(link)] == link for link in _ALIAS_LINKS):
            continue
        keep, gone = by_id[b.person], by_id[a.person]
        if len(gone.spans) > len(keep.spans):
            keep, gone = gone, keep
        for s in gone.spans:
            s.person = keep.local_id
        keep.spans = sorted(keep.spans + gone.spans, key=lambda s: s.start)
        keep.first = keep.first or gone.first
        del by_id[gone.local_id]
    return [p for p in persons if p.local_id in by_id]


def _span_gender(s: Span) -> str | None:
    """The gender a lone surname shows by itself: a verb agreeing with it, a
    form only one gender has, or a case the context demands ("отправил
    Гаджимурадова" is a man's accusative, not a woman's nominative)."""
    if s.agreement:
        return s.agreement
    alts = s.analysis.alternatives
    if len(alts) == 1:
        return next(iter(alts))
    best = s.analysis.gender
    other = "f" if best == "m" else "m"
    if alts[best][3] != alts[other][3] and alts[best][4] - alts[other][4] >= 0.75:
        return best
    return None


def _as_first_name(s: Span) -> ru_names.NameAnalysis:
    """A lone token re-read as a first name ("Веру" is Вера, not a surname Веру)."""
    readings = [r for r in ru_names.first_name_readings(s.words[0]) if r.score >= 0.3]
    if not readings:
        return s.analysis
    best = max(readings, key=lambda r: r.score)
    alternatives = {}
    for r in sorted(readings, key=lambda r: r.score):
        alternatives[r.gender] = (r.nominative, None, None, r.cases, r.score, None)
    return ru_names.NameAnalysis(best.nominative, None, None, None, best.gender, best.cases, best.score,
                                 alternatives)


def _provisional_gender(p: Person) -> str | None:
    """The gender a person's mentions agree on so far (before _settle_gender)."""
    votes = {"m": 0, "f": 0}
    for s in p.spans:
        if s.agreement in votes:
            votes[s.agreement] += 2
        if s.analysis and s.analysis.gender in votes:
            votes[s.analysis.gender] += 2 if len(s.analysis.alternatives) == 1 else 1
    if votes["m"] == votes["f"]:
        return None
    return max(votes, key=votes.get)


def _merge_gender_readings(persons: list[Person], by_key: dict[str, list[Person]]) -> None:
    """"жена и адвокат Ислама Гаджимурадова" read as a woman Ислама is the
    genitive of Ислам Гаджимурадов whom the text names elsewhere: a person whose
    every named mention has a reading, in another gender, with the first name
    of a surer namesake is that namesake."""
    for key, group in by_key.items():
        if len(group) < 2:
            continue
        for a in list(group):
            gender_a = _provisional_gender(a)
            for b in group:
                if b is a or a not in persons or b not in persons or not b.first:
                    continue
                gender_b = _provisional_gender(b)
                sure = any(len(s.analysis.alternatives) == 1 for s in b.spans) or len(b.spans) > len(a.spans)
                if gender_b is None or gender_b == gender_a or not sure:
                    continue
                named = [s for s in a.spans if s.analysis.first]
                if named and all(gender_b in s.analysis.alternatives
                                 and s.analysis.alternatives[gender_b][0]
                                 and _same_first(fold(s.analysis.alternatives[gender_b][0]), b.first)
                                 for s in named):
                    for s in a.spans:
                        s.analysis = ru_names.nominative_for(s.analysis, gender_b)
                        s.person = b.local_id
                    b.spans = sorted(b.spans + a.spans, key=lambda s: s.start)
                    persons.remove(a)
                    break
        by_key[key] = [p for p in group if p in persons]


def _same_first(a: str, b: str) -> bool:
    a, b = a.rstrip("."), b.rstrip(".")
    return a == b or a[:1] == b[:1] and (len(a) == 1 or len(b) == 1)


def _settle_gender(person: Person) -> None:
    """One gender for all mentions of a person: the readings' margins (a first
    name weighs double), plus the agreement the sentence shows ("Шевчук
    провела", "Шевчук, которая писала")."""
    votes = {"m": 0.0, "f": 0.0}
    agreement = {"m": 0, "f": 0}
    for s in person.spans:
        alts = s.analysis.alternatives
        weight = 2.0 if s.analysis.first else 1.0
        if len(alts) == 1:
            votes[next(iter(alts))] += 1.5 * weight
        else:
            best = s.analysis.gender
            other = "f" if best == "m" else "m"
            votes[best] += min(1.0, alts[best][4] - alts[other][4]) * weight
        if s.agreement:
            agreement[s.agreement] += 1
    # Grammar outranks the dictionary: a name the dictionary calls masculine
    # ("Аминат") is a woman's when the text says "сказала Аминат", "она уехала".
    if any(agreement.values()) and not all(agreement.values()):
        votes = {g: (1.0 if agreement[g] else 0.0) for g in votes}
    person.gender = max(votes, key=lambda g: votes[g]) if any(votes.values()) else None
    for s in person.spans:
        if person.gender:
            s.analysis = ru_names.nominative_for(s.analysis, person.gender)


def person_name(p: Person) -> tuple[str, list[str]]:
    forms = []
    for s in p.spans:
        full = s.analysis.full
        if full and full not in forms:
            forms.append(full)
    full_names = [f for f in forms if len(f.split()) > 1 and not f.split()[0].endswith(".")]
    name = max(full_names or forms, key=lambda f: (len(f.split()), forms.count(f)))
    return name, [f for f in forms if f != name]


def first_of(p: Person) -> str | None:
    for s in p.spans:
        if s.analysis.first and not s.analysis.first.endswith("."):
            return s.analysis.first
    return None


def surname_of(p: Person) -> str | None:
    for s in p.spans:
        if s.analysis.surname:
            return s.analysis.surname
    return None
