"""Russian extraction: one document in, persons and event mentions out.

Natasha does the statistical part once per document (segmentation, morphology,
NER); everything after it is rules over lemmas, grammatical case and word
order, which is what lets a sentence like "Там его приговорили к шести годам"
find its person, and what keeps the extraction a pure function of the text.
"""
from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field

from ..model import Document, DocumentExtraction, EventMention, PersonMention
from . import ru_dates, ru_names
from .ru_lexicon import (
    ACHIEVED_LEMMAS,
    ASYLUM,
    CHARGE_VERBS,
    CLAUSE_WORDS,
    EXTRADITION,
    HOME_PLACE_WORDS,
    LEGAL_REMOVAL_WORDS,
    MODAL_LEMMAS,
    NOUN_TRIGGERS,
    OCCUPATIONS,
    PARTICIPLE_TRIGGERS,
    PHRASE_TRIGGERS,
    SECURITY_WORDS,
    SPEECH_VERBS,
    TITLE_TO_ROLE,
    VERB_TRIGGERS,
)
from .ru_names import fold

OPEN_QUOTES = "«“„\"'"
CLOSE_QUOTES = "»”“\"'"
PRONOUNS = {
    # surface -> (gender or "pl", cases)
    "он": ("m", {"nomn"}), "его": ("m", {"gent", "accs", "poss"}), "ему": ("m", {"datv"}),
    "него": ("m", {"gent", "accs"}), "нему": ("m", {"datv"}), "нем": ("m", {"loct"}),
    "нём": ("m", {"loct"}), "ним": ("m", {"ablt"}),
    "она": ("f", {"nomn"}), "ее": ("f", {"gent", "accs", "poss"}), "её": ("f", {"gent", "accs", "poss"}),
    "ей": ("f", {"datv", "ablt"}), "нее": ("f", {"gent", "accs"}), "неё": ("f", {"gent", "accs"}),
    "ней": ("f", {"datv", "ablt", "loct"}),
    "они": ("pl", {"nomn"}), "их": ("pl", {"gent", "accs", "poss"}), "им": ("pl", {"datv"}),
    "них": ("pl", {"gent", "accs", "loct"}), "ними": ("pl", {"ablt"}),
    "оба": ("pl", {"nomn"}), "обе": ("pl", {"nomn"}), "обоих": ("pl", {"gent", "accs"}),
    "обеих": ("pl", {"gent", "accs"}),
}
CASE_OF_FEAT = {"Nom": "nomn", "Gen": "gent", "Dat": "datv", "Acc": "accs", "Ins": "ablt", "Loc": "loct"}
OBLIQUE = {"gent", "accs", "datv", "poss"}


# --- models, loaded once per process ---------------------------------------

@functools.lru_cache(maxsize=1)
def models():
    from natasha import MorphVocab, NewsEmbedding, NewsMorphTagger, NewsNERTagger, Segmenter
    embedding = NewsEmbedding()
    return Segmenter(), MorphVocab(), NewsMorphTagger(embedding), NewsNERTagger(embedding)


@functools.lru_cache(maxsize=200_000)
def _lemma(word: str, pos: str, feats_key: tuple) -> str:
    _, vocab, _, _ = models()
    if pos in ("PUNCT", "SYM", "X") or not word[:1].isalpha():
        return word.lower()
    return fold(vocab.lemmatize(word, pos, dict(feats_key)))


# --- the document as the rules see it --------------------------------------

@dataclass
class Tok:
    text: str
    lemma: str
    pos: str
    feats: dict
    start: int
    end: int

    @property
    def low(self) -> str:
        return self.text.lower()


@dataclass
class Sent:
    index: int
    paragraph: int
    start: int
    end: int
    text: str
    toks: list[Tok]
    mentions: list[Mention] = field(default_factory=list)
    locs: list[tuple[int, int, str]] = field(default_factory=list)   # token range, normal form


@dataclass
class Mention:
    """A person reference inside a sentence: a name or a pronoun."""
    i: int                      # first token index
    j: int                      # last token index + 1
    persons: tuple[str, ...]    # local person ids (several for "их", "они")
    cases: frozenset
    is_pronoun: bool = False
    chain: int | None = None    # id of the coordinated list it belongs to


def _segment(text: str):
    """Natasha tokens and sentences, with a sentence break at every line break
    (headlines and captions carry no final period)."""
    from natasha import Doc
    from natasha.doc import DocSent, DocToken
    segmenter, _, morph_tagger, ner_tagger = models()
    doc = Doc(text)
    doc.tokens = [DocToken(t.start, t.stop, t.text) for t in segmenter.tokenize(text)]
    sents = []
    offset = 0
    for line in text.split("\n"):
        if line.strip():
            for s in segmenter.sentenize(line):
                sents.append(DocSent(offset + s.start, offset + s.stop, s.text))
        offset += len(line) + 1
    doc.sents = sents
    doc.envelop_sent_tokens()
    doc.tag_morph(morph_tagger)
    doc.tag_ner(ner_tagger)
    return doc


def _paragraph_index(text: str) -> list[int]:
    """Start offsets of paragraphs (blank-line separated)."""
    starts = [0]
    for m in re.finditer(r"\n\s*\n", text):
        starts.append(m.end())
    return starts


# --- persons ----------------------------------------------------------------

@dataclass
class _Span:
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


def _person_spans(doc, sents: list[Sent]) -> list[_Span]:
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
            words = [sent.toks[k].text for k in idx if sent.toks[k].text not in ".,"]
            if not words or not all(w[:1].isupper() for w in words):
                continue
            if len(words) == 1 and _common_word(words[0]):
                continue      # "Чеченцу, бежавшему в Турцию": a capitalised noun, not a name
            spans.append(_Span(ns.start, ns.stop, sent.index, idx[0], idx[-1] + 1, words))
            # "Мурад и Аминат Гасанбековы": the first name before "и" shares the family name.
            k = idx[0]
            if len(words) == 2 and re.search(r"(ов|ев|ин|ын)(ы|ых|ыми)$", words[-1]) and k >= 2 \
                    and sent.toks[k - 1].low == "и" and sent.toks[k - 2].text[:1].isupper() \
                    and ru_names.first_name_readings(sent.toks[k - 2].text):
                t = sent.toks[k - 2]
                spans.append(_Span(t.start, t.end, sent.index, k - 2, k - 1, [t.text, words[-1]]))
    return spans


_GENDER_FEAT = {"Masc": "m", "Fem": "f"}


def _agreement(toks: list[Tok], s: _Span) -> str | None:
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


def _recover_surnames(sents: list[Sent], spans: list[_Span]) -> list[_Span]:
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
                span = _Span(t.start, t.end, sent.index, k, k + 1, [t.text])
                span.analysis = ru_names.analyse([t.text])
                found.append(span)
    return found


def _chains(sents: list[Sent], spans: list[_Span]) -> None:
    """Coordinated lists of names ("A, B, C и D", "как A, так и B") share a case
    and, for most events, a fate."""
    by_sent: dict[int, list[_Span]] = {}
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


_RELATIONS = {"его", "ее", "её", "их", "друг", "друга", "подруга", "подругу", "брат", "брата", "сестра",
              "сестру", "жена", "жену", "муж", "мужа", "коллега", "коллегу", "сослуживец", "сослуживца",
              "соратник", "соратника", "партнер", "партнера", "партнёр", "партнёра", "сын", "сына", "дочь",
              "вместе", "с"}


def _is_coordination(between: list[str]) -> bool:
    """"A и B", "A, B и C", "как A, так и B", "A и его друга B"."""
    allowed = {",", "и", "а", "также", "так", "как", "или", "либо"}
    if not between or len(between) > 5 or not ({",", "и", "или", "либо"} & set(between)):
        return False
    return all(w in allowed or w in _RELATIONS for w in between)


def _analyse_spans(sents: list[Sent], spans: list[_Span]) -> None:
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
            hint = _governed_case(toks, s.i)
            if hint is None and toks[s.j - 1].feats.get("Case") in CASE_OF_FEAT:
                # Natasha's own guess at the case, the weakest evidence we have.
                hint = frozenset({CASE_OF_FEAT[toks[s.j - 1].feats["Case"]]})
        s.analysis = ru_names.analyse(s.words, case_hint=hint) if hint else plain[id(s)]


PREP_CASE = {"в": {"accs", "loct"}, "на": {"accs", "loct"}, "к": {"datv"}, "о": {"loct"},
             "об": {"loct"}, "с": {"ablt", "gent"}, "у": {"gent"}, "от": {"gent"}, "для": {"gent"},
             "против": {"gent"}, "без": {"gent"}, "из": {"gent"}, "включая": {"accs"},
             "за": {"accs", "ablt"}, "по": {"datv"}, "при": {"loct"}, "отношении": {"gent"}}


def _governed_case(toks: list[Tok], i: int) -> frozenset | None:
    """The case the word before a name demands, when it demands one."""
    k = i - 1
    while k >= 0 and (toks[k].pos == "ADJ" or (toks[k].pos == "NOUN" and toks[k].feats.get("Case") == "Gen")
                      or toks[k].text in ("-",)):
        k -= 1
    if k < 0:
        return None
    prev = toks[k]
    if prev.low in PREP_CASE:
        return frozenset(PREP_CASE[prev.low])
    if prev.pos == "VERB" and prev.feats.get("Voice") == "Act" and prev.lemma in VERB_TRIGGERS:
        return frozenset({"accs"})
    # A title before the name agrees with it: "российского контрактника Камиля Касимова".
    if prev.pos == "NOUN" and prev.feats.get("Animacy") == "Anim" and prev.feats.get("Case") in CASE_OF_FEAT:
        return frozenset({CASE_OF_FEAT[prev.feats["Case"]]})
    return None


@dataclass
class _Person:
    local_id: str
    key: str
    first: str | None = None
    gender: str | None = None
    spans: list[_Span] = field(default_factory=list)
    role_votes: dict = field(default_factory=dict)
    attributes: dict = field(default_factory=dict)
    speaker: bool = False
    descriptors: set = field(default_factory=set)   # "журналистка", "программист": nouns that name them


def _group_persons(spans: list[_Span]) -> list[_Person]:
    """Mentions of one person in one document: the same surname (any case or
    gender), and no contradicting first name. A surname alone joins the person
    last named with it."""
    persons: list[_Person] = []
    by_key: dict[str, list[_Person]] = {}
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
            # однофамилец задержанного").
            target = max(reversed(candidates), key=lambda p: len(p.spans))
        if target is None:
            target = _Person(local_id=f"p{len(persons) + 1}", key=key, first=first)
            persons.append(target)
            by_key.setdefault(key, []).append(target)
        if first and target.first is None:
            target.first = first
        # Keep the most recently used person of a surname at the end.
        by_key[key].remove(target)
        by_key[key].append(target)
        target.spans.append(s)
        s.person = target.local_id
    # "Тарас уехал": a first name alone is the one person the document named with it.
    for lone in [p for p in persons if all(s.analysis.surname is None for s in p.spans)]:
        owners = [p for p in persons if p is not lone and p.first and _same_first(p.first, lone.key)]
        if len(owners) == 1:
            owners[0].spans.extend(lone.spans)
            owners[0].spans.sort(key=lambda s: s.start)
            for s in lone.spans:
                s.person = owners[0].local_id
            persons.remove(lone)
    for p in persons:
        _settle_gender(p)
    return persons


def _same_first(a: str, b: str) -> bool:
    a, b = a.rstrip("."), b.rstrip(".")
    return a == b or a[:1] == b[:1] and (len(a) == 1 or len(b) == 1)


def _settle_gender(person: _Person) -> None:
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


def _person_name(p: _Person) -> tuple[str, list[str]]:
    forms = []
    for s in p.spans:
        full = s.analysis.full
        if full and full not in forms:
            forms.append(full)
    full_names = [f for f in forms if len(f.split()) > 1 and not f.split()[0].endswith(".")]
    name = max(full_names or forms, key=lambda f: (len(f.split()), forms.count(f)))
    return name, [f for f in forms if f != name]


# --- roles and attributes -----------------------------------------------------

def _describe(sents: list[Sent], persons: list[_Person]) -> None:
    for p in persons:
        for s in p.spans:
            toks = sents[s.sent].toks
            # Title right before the name: "министр внутренних дел Марат Ахметжанов".
            k = s.i - 1
            seen = []
            while k >= 0 and len(seen) < 5 and toks[k].pos in ("NOUN", "ADJ", "PROPN", "PUNCT"):
                if toks[k].pos == "PUNCT" and toks[k].text not in ("-",):
                    break
                seen.append(toks[k])
                k -= 1
            # A title describes the name only when it agrees with it: "адвокат Иван
            # Петров" (both nominative), not "адвокаты Ивана Петрова" (his lawyers).
            for t in seen:
                if t.pos == "NOUN" and t.feats.get("Animacy") == "Anim" and t.feats.get("Number") == "Sing" \
                        and CASE_OF_FEAT.get(t.feats.get("Case")) in s.analysis.cases:
                    p.descriptors.add(t.lemma)
            title = next((t for t in seen if t.lemma in TITLE_TO_ROLE and (
                CASE_OF_FEAT.get(t.feats.get("Case")) in s.analysis.cases or not t.feats.get("Case"))), None)
            if title:
                p.role_votes[TITLE_TO_ROLE[title.lemma]] = p.role_votes.get(TITLE_TO_ROLE[title.lemma], 0) + 1
            occupation = next((t for t in seen if t.lemma in OCCUPATIONS), None)
            if occupation:
                phrase = _nominative_phrase(list(reversed(seen)), occupation)
                p.attributes.setdefault("occupation", phrase)
            # Apposition after the name: "Юрий Смирнов, адвокат правозащитной группы".
            if s.j < len(toks) - 1 and toks[s.j].text == ",":
                after = toks[s.j + 1]
                if after.lemma in TITLE_TO_ROLE:
                    role = TITLE_TO_ROLE[after.lemma]
                    p.role_votes[role] = p.role_votes.get(role, 0) + 1
                if after.lemma in OCCUPATIONS or after.lemma in ("майор", "капитан"):
                    tail = toks[s.j + 1: s.j + 5]
                    cut = next((n for n, t in enumerate(tail) if t.pos in ("PUNCT", "VERB")), len(tail))
                    p.attributes.setdefault("occupation", " ".join(t.text for t in tail[:cut]))
            # Age: "25-летнего специалиста ... Олександра Качкуркина".
            for t in toks[max(0, s.i - 8): s.i]:
                m = re.match(r"(\d{1,3})-летн", t.text)
                if m:
                    p.attributes.setdefault("age", int(m.group(1)))
            # Quoted source: "– сказал Юрий Смирнов", "заявил министр ... Ахметжанов".
            if _is_speaker(toks, s):
                p.speaker = True


def _is_speaker(toks: list[Tok], s: _Span) -> bool:
    """The person is the one speaking: "– сказал Юрий Смирнов", "заявил министр
    Марат Ахметжанов", "Токаев заявил"."""
    k = s.i - 1
    while k >= 0 and (toks[k].pos in ("ADJ", "NOUN", "PROPN") and toks[k].feats.get("Case") in (None, "Nom", "Gen")):
        k -= 1
    if k >= 0 and toks[k].lemma in SPEECH_VERBS and toks[k].pos == "VERB":
        return True
    return s.j < len(toks) and toks[s.j].lemma in SPEECH_VERBS and toks[s.j].pos == "VERB"


def _nominative_phrase(toks: list[Tok], head: Tok) -> str:
    """The occupation as a dictionary word: 'российского контрактника' -> 'контрактник'.
    (An apposition after the name keeps its own words: see _describe.)"""
    return head.lemma


# --- pronouns -----------------------------------------------------------------

def _attach_mentions(sents: list[Sent], persons: list[_Person], spans: list[_Span]) -> None:
    gender_of = {p.local_id: p.gender for p in persons}
    blocked = {p.local_id for p in persons if _title_role(p) in ("official", "lawyer")
               or p.speaker and not p.attributes.get("occupation")}
    by_sent: dict[int, list[_Span]] = {}
    for s in spans:
        if s.person:
            by_sent.setdefault(s.sent, []).append(s)
    recent: list[tuple[str, ...]] = []     # person groups in order of mention
    chain_members: dict[int, list[str]] = {}
    for s in spans:
        if s.chain is not None and s.person:
            members = chain_members.setdefault(s.chain, [])
            if s.person not in members:
                members.append(s.person)
    last_group_sent = -10
    # "Журналистку задержали": a noun the text used to describe exactly one person.
    owners: dict[str, set[str]] = {}
    for p in persons:
        for lemma in p.descriptors:
            owners.setdefault(lemma, set()).add(p.local_id)
    described = {lemma: next(iter(ids)) for lemma, ids in owners.items() if len(ids) == 1}
    named: set[str] = set()
    for sent in sents:
        names = sorted(by_sent.get(sent.index, []), key=lambda s: s.i)
        name_at = {s.i: s for s in names}
        k = 0
        while k < len(sent.toks):
            tok = sent.toks[k]
            if tok.lemma in described and described[tok.lemma] in named and tok.pos == "NOUN" \
                    and tok.feats.get("Number") == "Sing" and not any(n in name_at for n in range(k + 1, k + 4)):
                case = CASE_OF_FEAT.get(tok.feats.get("Case"))
                if case:
                    sent.mentions.append(Mention(k, k + 1, (described[tok.lemma],), frozenset({case}),
                                                 is_pronoun=True))
            if tok.lemma == "который" and k >= 2 and sent.toks[k - 1].text == ",":
                before = next((m for m in sent.mentions if m.j == k - 1 and not m.is_pronoun), None)
                case = CASE_OF_FEAT.get(tok.feats.get("Case"))
                if before and case:
                    sent.mentions.append(Mention(k, k + 1, before.persons, frozenset({case}), is_pronoun=True))
            if k in name_at:
                s = name_at[k]
                sent.mentions.append(Mention(s.i, s.j, (s.person,), s.analysis.cases, chain=s.chain))
                if s.chain is not None and len(chain_members.get(s.chain, [])) > 1:
                    group = tuple(chain_members[s.chain])
                    if not recent or recent[-1] != group:
                        recent.append(group)
                        last_group_sent = sent.index
                else:
                    recent.append((s.person,))
                named.add(s.person)
                k = s.j
                continue
            info = PRONOUNS.get(tok.low)
            if info and tok.pos in ("PRON", "DET", "NUM", "ADJ"):
                gender, cases = info
                if tok.low == "им" and tok.feats.get("Number") == "Sing":
                    gender, cases = "m", {"ablt"}
                target = None
                if gender == "pl":
                    if sent.index - last_group_sent <= 3:
                        target = next((g for g in reversed(recent) if len(g) > 1), None)
                else:
                    for g in reversed(recent[-12:]):
                        if len(g) == 1 and gender_of.get(g[0]) in (gender, None) and g[0] not in blocked:
                            target = g
                            break
                if target:
                    sent.mentions.append(Mention(k, k + 1, target, frozenset(cases), is_pronoun=True))
            k += 1


def _title_role(p: _Person) -> str | None:
    return max(p.role_votes, key=p.role_votes.get) if p.role_votes else None


# --- events -------------------------------------------------------------------

@dataclass
class _Trigger:
    i: int                 # token index of the trigger word
    last: int              # last token index of the whole phrase
    type: str
    slot: str
    confidence: float
    words: str
    negative: bool = False     # the phrase itself is negative ("нет связи")


# Phrase triggers by the lemma of their first word: one dictionary look-up per token.
_PHRASES_BY_FIRST: dict[str, list[int]] = {}
for _index, _phrase in enumerate(PHRASE_TRIGGERS):
    for _first in _phrase[0][0]:
        _PHRASES_BY_FIRST.setdefault(_first, []).append(_index)


def _find_triggers(sent: Sent) -> list[_Trigger]:
    toks = sent.toks
    for t in toks:
        _as_verb(t)
    lemmas = [t.lemma for t in toks]
    found: list[_Trigger] = []
    consumed: set[int] = set()
    starts = sorted((n, start) for start, lemma in enumerate(lemmas) for n in _PHRASES_BY_FIRST.get(lemma, ()))
    for n, start in starts:
        steps, gap, etype, slot, conf = PHRASE_TRIGGERS[n]
        positions = [start]
        for step in steps[1:]:
            nxt = next((p for p in range(positions[-1] + 1, min(len(toks), positions[-1] + gap + 2))
                        if lemmas[p] in step), None)
            if nxt is None:
                break
            positions.append(nxt)
        if len(positions) < len(steps):
            continue
        negative = lemmas[start] in ("не", "нет")
        trigger_at = positions[1] if negative else start
        found.append(_Trigger(trigger_at, positions[-1], etype, slot, conf,
                              " ".join(toks[p].text for p in positions), negative))
        consumed.update(positions)
    for k, t in enumerate(toks):
        if k in consumed:
            continue
        if t.pos in ("VERB", "AUX") and t.lemma in VERB_TRIGGERS:
            etype, slot, conf = VERB_TRIGGERS[t.lemma]
            if t.feats.get("VerbForm") == "Part" and t.feats.get("Variant") != "Short":
                slot = "attr"      # "разыскиваемых на родине активистов"
            found.append(_Trigger(k, k, etype, slot, conf, t.text))
        elif t.pos in ("VERB", "ADJ") and t.lemma in PARTICIPLE_TRIGGERS and t.lemma not in VERB_TRIGGERS:
            found.append(_Trigger(k, k, PARTICIPLE_TRIGGERS[t.lemma], "attr", 0.6, t.text))
        elif t.pos == "NOUN" and t.lemma in NOUN_TRIGGERS:
            etype, conf = NOUN_TRIGGERS[t.lemma]
            found.append(_Trigger(k, k, etype, "gen", conf, t.text))
    found.sort(key=lambda tr: tr.i)
    return found


# Verbs the dictionaries do not know (pymorphy has no "экстрадировать"):
# recognised by stem, with voice and form read off the ending.
_VERB_STEMS = {"экстрадир": "экстрадировать", "депортир": "депортировать", "этапир": "этапировать"}


def _as_verb(t: Tok) -> None:
    if t.pos == "VERB" or t.lemma in VERB_TRIGGERS:
        return
    low = t.low
    for stem, lemma in _VERB_STEMS.items():
        if low.startswith(stem) and not low.startswith(stem[:-1] + "ц"):
            ending = low[len(stem):]
            t.pos, t.lemma = "VERB", lemma
            if re.fullmatch(r"ован(а|о|ы)?", ending):
                t.feats = {"VerbForm": "Part", "Variant": "Short", "Voice": "Pass"}
            elif re.fullmatch(r"ованн\w+", ending):
                t.feats = {"VerbForm": "Part", "Voice": "Pass"}
            elif ending == "овать":
                t.feats = {"VerbForm": "Inf", "Voice": "Act"}
            else:
                t.feats = {"VerbForm": "Fin", "Voice": "Act"}
            return


def _clause_bounds(toks: list[Tok], k: int) -> tuple[int, int]:
    """The clause around token k: up to a semicolon, a dash, or a subordinating word."""
    def is_boundary(n: int) -> bool:
        t = toks[n]
        if t.text in (";", "—", "–", "(", ")"):
            return True
        if t.lemma in CLAUSE_WORDS and t.pos in ("SCONJ", "CCONJ", "PRON", "ADV", "ADP"):
            return True
        return False
    lo = k
    while lo > 0 and not is_boundary(lo - 1):
        lo -= 1
    hi = k
    while hi < len(toks) - 1 and not is_boundary(hi + 1):
        hi += 1
    return lo, hi + 1


def _is_unreal(sent: Sent, tr: _Trigger) -> bool:
    """Negated, intended, feared or hypothetical: not (yet) an event."""
    toks = sent.toks
    lo, _ = _clause_bounds(toks, tr.i)
    if tr.type == "entry_refused" or tr.negative:
        return False          # "не пустили", "нет связи": the negation is the event
    before = toks[lo:tr.i]
    for n, t in enumerate(before):
        if t.lemma in MODAL_LEMMAS:
            return True
    k = tr.i - 1
    while k >= lo and (toks[k].pos in ("ADV", "AUX", "PART") or toks[k].lemma in ("быть",)):
        if toks[k].low in ("не", "ни", "нельзя"):
            return True
        k -= 1
    # An infinitive is an event only after "удалось", "смог".
    if toks[tr.i].feats.get("VerbForm") == "Inf":
        governor = next((t for t in reversed(before) if t.pos in ("VERB", "AUX")), None)
        if governor is None or governor.lemma not in ACHIEVED_LEMMAS | {"решить", "постановить"}:
            return True
        if any(t.low == "не" for t in before[-3:]):
            return True
    # "что человек мог быть освобожден", "если его выдадут"
    if any(t.lemma in ("если", "чтобы") for t in toks[max(0, lo - 1):tr.i]):
        return True
    return False


def _passive(toks: list[Tok], k: int) -> bool:
    t = toks[k]
    return t.feats.get("Voice") == "Pass" or (t.feats.get("VerbForm") == "Part" and t.feats.get("Variant") == "Short")


def _mentions_in(sent: Sent, lo: int, hi: int) -> list[Mention]:
    return [m for m in sent.mentions if m.i >= lo and m.j <= hi]


def _group_of(sent: Sent, m: Mention) -> tuple[str, ...]:
    if m.chain is None:
        return m.persons
    members: list[str] = []
    for other in sent.mentions:
        if other.chain == m.chain:
            for p in other.persons:
                if p not in members:
                    members.append(p)
    return tuple(members)


def _find_patients(sent: Sent, tr: _Trigger, shared: tuple[str, ...] | None) -> tuple[tuple[str, ...], float]:
    toks = sent.toks
    lo, hi = _clause_bounds(toks, tr.i)
    slot = tr.slot
    if slot == "obj" and _passive(toks, tr.i):
        slot = "subj"
    if slot == "subj" and toks[tr.i].feats.get("VerbForm") == "Inf":
        slot = "inf"
    mentions = [m for m in sent.mentions]
    right = [m for m in mentions if m.i > tr.i]
    left = [m for m in mentions if m.j <= tr.i]

    def near_right(cases, limit=14, bridge=True):
        for m in sorted(right, key=lambda m: m.i):
            if m.i - tr.last > limit:
                break
            if not bridge and m.i >= hi:
                break
            if m.is_pronoun and "poss" in m.cases and slot in ("obj",) and not (m.cases & cases - {"poss"}):
                continue
            if m.cases & cases:
                return _group_of(sent, m)
        return None

    def near_left(cases, limit=8):
        for m in sorted(left, key=lambda m: -m.j):
            if tr.i - m.j > limit or m.j <= lo - 1 and not m.is_pronoun:
                break
            if m.cases & cases:
                return _group_of(sent, m)
        return None

    def near_left_across(cases, limit=20):
        """Leftwards past relative clauses: the nearest name (not a pronoun) in the sentence."""
        for m in sorted(left, key=lambda m: -m.j):
            if tr.i - m.j > limit:
                break
            if not m.is_pronoun and m.cases & cases:
                return _group_of(sent, m)
        return None

    if slot == "any":
        found = near_right({"nomn", "gent", "accs", "datv", "ablt", "loct"}, limit=8) or near_left(
            {"nomn", "gent", "accs", "datv", "ablt", "loct"}, limit=8)
        return (found, 0.9) if found else ((), 0.0)
    if slot == "shared":
        return (shared, 0.8) if shared else ((), 0.0)
    if slot == "against":
        for m in mentions:
            if m.i > 0 and toks[m.i - 1].low in ("против", "отношении") and m.i >= lo - 2 and m.j <= hi + 8:
                return _group_of(sent, m), 1.0
        slot = "gen"
    if slot == "obj":
        found = near_right({"accs", "gent"}, bridge=False) or near_left({"accs", "gent"}, limit=4)
        if found:
            return found, 1.0
        found = near_right({"accs", "gent"}, limit=10)
        if found:
            return found, 0.9
        # A fronted object before a relative clause: "Тимура Гайнуллина, которого
        # разыскивают, в июле не пустили в Армению".
        found = near_left_across({"accs", "gent"})
        if found:
            return found, 0.75
    elif slot == "subj":
        found = near_left({"nomn"}, limit=10) or _possessor_subject(sent, tr, left, lo)
        if found:
            return _with_companions(sent, found, lo, tr.i), 1.0
        # "задержан 29-летний уроженец Бурятии Баир Цыренов": the subject after a passive verb
        found = near_right({"nomn"}, limit=8 if _passive(toks, tr.i) else 3, bridge=False)
        if found:
            return found, 0.9
        if not _has_own_subject(toks, lo, tr.i):
            found = near_left_across({"nomn"})
            if found:
                return found, 0.75
    elif slot == "inf":
        found = near_left({"datv", "nomn"}, limit=6)
        if found:
            return found, 1.0
    elif slot == "dat":
        found = near_left({"datv"}, limit=6) or near_right({"datv"}, limit=6, bridge=False)
        if found:
            return found, 1.0
        found = near_right({"accs", "gent"}, limit=6, bridge=False)
        if found:
            return found, 0.8
    elif slot in ("gen", "against"):
        # "депортация Качкуркина", "его депортации", "против Качкуркина"
        k = tr.i - 1
        while k >= 0 and toks[k].pos == "ADJ":
            k -= 1
        poss = next((m for m in left if m.j == k + 1 and m.is_pronoun and "poss" in m.cases), None)
        if poss:
            return _group_of(sent, poss), 1.0
        found = near_right({"gent", "accs"}, limit=12)
        if found:
            return found, 0.9
        found = near_left({"nomn"}, limit=6) if tr.slot == "gen" and _noun_is_subject(toks, tr) else None
        if found:
            return found, 0.8
    elif slot == "attr":
        found = near_right({"gent", "accs", "nomn", "datv"}, limit=10) or near_left(
            {"gent", "accs", "nomn", "datv"}, limit=3)
        if found:
            return found, 0.9
    if shared:
        return shared, 0.8
    return (), 0.0


def _with_companions(sent: Sent, group: tuple[str, ...], lo: int, k: int) -> tuple[str, ...]:
    """"он вместе с сослуживцем Фёдором Лаптевым покинул часть": both did."""
    toks = sent.toks
    extra = []
    for m in sent.mentions:
        if lo <= m.i < k and m.i >= 2 and any(toks[n].low == "вместе" for n in range(max(0, m.i - 4), m.i)) \
                and "ablt" in m.cases:
            extra.extend(p for p in m.persons if p not in group and p not in extra)
    return group + tuple(extra)


def _has_own_subject(toks: list[Tok], lo: int, k: int) -> bool:
    """Is there a nominative noun or pronoun in the clause before the verb (after
    any relative clause: "Шевчук, которой суд отказал в выдаче, получила убежище")?"""
    start = max([lo] + [n + 1 for n in range(lo, k) if toks[n].text == ","])
    return any(t.feats.get("Case") == "Nom" and t.pos in ("NOUN", "PRON", "PROPN") for t in toks[start:k])


def _possessor_subject(sent: Sent, tr: _Trigger, left: list[Mention], lo: int):
    """"Их адвокаты подали апелляции": the clients of the lawyers appeal."""
    toks = sent.toks
    counsel = ("адвокат", "защитник", "защита", "юрист", "представитель", "родственник")
    for m in sorted(left, key=lambda m: -m.j):
        if m.is_pronoun and "poss" in m.cases and m.j < len(toks) and toks[m.j].lemma in counsel:
            return _group_of(sent, m)
        # "Адвокаты Марата Исаева подали апелляцию"
        if not m.is_pronoun and "gent" in m.cases and m.i > 0 and toks[m.i - 1].lemma in counsel:
            return _group_of(sent, m)
    return None


def _noun_is_subject(toks: list[Tok], tr: _Trigger) -> bool:
    return toks[tr.i].feats.get("Case") == "Nom"


def _classify_removal(sent: Sent, prev: Sent | None, tr: _Trigger, earlier: str | None) -> str | None:
    """Who received the person decides the type: a legal procedure (deported,
    extradited), the home state's soldiers or agents (handed_over), or just
    another place of custody (transferred). `earlier` is the last removal this
    document reported for the same person: "его поймали и вернули" continues it.
    Without a destination that means the home state, it is no event ("его
    вернули в страну, из которой он улетел")."""
    toks = sent.toks
    _, hi = _clause_bounds(toks, tr.i)
    after = {t.lemma for t in toks[tr.i + 1:hi]}
    # Who receives the person may be described in a later clause ("в Приозерск –
    # город, где Россия арендует военную часть"): soldiers and agents count anywhere after.
    after_sentence = {t.lemma for t in toks[tr.i + 1:]}
    here = {t.lemma for t in toks}
    before_prev = {t.lemma for t in prev.toks} if prev else set()
    verb = toks[tr.i].lemma
    legal = (here | before_prev) & LEGAL_REMOVAL_WORDS
    if verb in ("выдать", "выдавать"):
        if after & SECURITY_WORDS:
            return "handed_over"
        if "экстрадиция" in here or "запрос" in here or after & HOME_PLACE_WORDS:
            return "extradited"
        return "handed_over"
    if after_sentence & SECURITY_WORDS:
        return "handed_over"
    if after & HOME_PLACE_WORDS:
        if legal:
            return "deported"
        return earlier or "deported"
    if verb in ("доставить", "передать") and any(t.pos == "PROPN" for t in toks[tr.i + 1:]):
        return "transferred"
    return None


def _classify_flight(sent: Sent, tr: _Trigger, in_custody: bool) -> str:
    """бежать/сбежать: fleeing the country, or escaping from custody."""
    after = " ".join(t.lemma for t in sent.toks[tr.i + 1: tr.i + 5])
    if re.search(r"из-под|изолятор|сизо|колония|тюрьма|часть|база|конвой|стража|лагерь", after):
        return "escaped"
    if re.match(r"(в|во|за|из) ", after):
        return "fled"          # a destination or an origin: leaving a country
    return "escaped" if in_custody else "fled"


# --- charges, terms, places ------------------------------------------------

_NUMBER_WORDS = {"один": 1, "два": 2, "три": 3, "четыре": 4, "пять": 5, "шесть": 6, "семь": 7,
                 "восемь": 8, "девять": 9, "десять": 10, "одиннадцать": 11, "двенадцать": 12,
                 "пятнадцать": 15, "двадцать": 20, "полтора": 1.5}


# Words that follow "в"/"за"/"о" without naming a crime.
_NOT_A_CHARGE = frozenset({
    "год", "месяц", "неделя", "день", "час", "время", "начало", "конец", "середина", "рамка",
    "помещение", "розыск", "суд", "заключение", "стража", "колония", "режим", "срок", "сизо",
    "изолятор", "январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь",
    "октябрь", "ноябрь", "декабрь", "отношение", "страна", "город", "аэропорт", "том",
})
_CHARGE_PREPOSITIONS = {"в": ("charged",), "за": ("charged", "sentenced", "wanted", "arrested"),
                        "о": ("charged", "wanted"), "об": ("charged", "wanted")}


def _charge(sent: Sent, tr: _Trigger) -> str | None:
    """What the person is accused of: "обвинение в дезертирстве", "обвинили ... в
    том, что она украла", "дело о «фейках»", "приговорили ... за дезертирство"."""
    toks = sent.toks
    for k in range(tr.i + 1, min(len(toks), tr.i + 14)):
        t = toks[k]
        if t.text in (";",) or t.lemma in ("который",):
            break
        types = _CHARGE_PREPOSITIONS.get(t.low)
        if not types or tr.type not in types or k + 1 >= len(toks):
            continue
        if t.low in ("о", "об") and toks[k - 1].lemma not in ("дело", "статья", "обвинение"):
            continue
        if toks[k + 1].low == "том":
            verb = next((x for x in toks[k + 2: k + 8] if x.lemma in CHARGE_VERBS), None)
            if verb:
                return CHARGE_VERBS[verb.lemma]
            continue
        words = []
        for x in toks[k + 1: k + 9]:
            if x.text in "“”«»\"'":
                continue
            # "участии в незаконном вооружённом формировании": one complement after the head
            if x.pos in ("ADJ", "NOUN", "NUM") or (
                    words and x.pos == "ADP" and x.low in ("от", "в", "на", "против")
                    and any(w.pos == "NOUN" for w in words) and not any(w.pos == "ADP" for w in words)):
                words.append(x)
            else:
                break
        while words and words[-1].pos == "ADP":
            words.pop()
        head = next((x for x in words if x.pos == "NOUN"), None)
        if head is None or head.lemma in _NOT_A_CHARGE:
            continue
        return _charge_phrase(words, head)
    return None


def _charge_phrase(words: list[Tok], head: Tok) -> str:
    """The accusation in the nominative: 'в финансировании экстремизма' ->
    'финансирование экстремизма'; 'двух административных правонарушениях' ->
    'административные правонарушения'."""
    plural = head.feats.get("Number") == "Plur"
    out = []
    reached_head = False
    for w in words:
        if w.pos == "NUM":
            continue
        if not reached_head:
            if w is head:
                out.append(_inflect(w.text, {"nomn", "plur"} if plural else {"nomn"}) or w.lemma)
                reached_head = True
            else:
                out.append(_inflect(w.text, {"nomn", "plur"} if plural else
                                    {"nomn", _gender_of(head)}) or w.lemma)
        else:
            out.append(w.text.lower())
    return " ".join(out)


def _gender_of(tok: Tok) -> str:
    return {"Masc": "masc", "Fem": "femn", "Neut": "neut"}.get(tok.feats.get("Gender"), "masc")


def _inflect(word: str, grammemes: set) -> str | None:
    for p in ru_names.parses(word.lower()):
        if p.tag.POS in ("NOUN", "ADJF", "PRTF"):
            form = p.inflect(grammemes)
            if form:
                return form.word
    return None


def _term_years(sent: Sent, tr: _Trigger) -> float | None:
    toks = sent.toks
    for k in range(tr.i + 1, min(len(toks), tr.i + 12)):
        if toks[k].lemma in ("год", "лет"):
            for x in reversed(toks[max(tr.i, k - 4):k]):
                if x.text.replace(",", ".").replace(".", "", 1).isdigit():
                    return float(x.text.replace(",", "."))
                if x.lemma in _NUMBER_WORDS:
                    return float(_NUMBER_WORDS[x.lemma])
    return None


def _place(sent: Sent, tr: _Trigger, home: str | None = None) -> str | None:
    lo, hi = _clause_bounds(sent.toks, tr.i)
    if home and any(t.lemma == "родина" for t in sent.toks[lo:hi]):
        return home            # "разыскиваемых на родине" in a text about Russian exiles
    after = [loc for loc in sent.locs if loc[0] > tr.i]
    before = [loc for loc in sent.locs if loc[1] <= tr.i]
    pick = (after[0] if after else before[-1] if before else None)
    return pick[2] if pick else None


# --- dates ---------------------------------------------------------------------

_LATER = re.compile(r"\b(позже|позднее|затем|потом|впоследствии|спустя|после этого)\b", re.IGNORECASE)


def _event_date(sent: Sent, tr: _Trigger, dated: list[tuple[int, str, str]]) -> tuple[str | None, str | None]:
    """The date expression that governs a trigger: the closest one before it in
    the sentence, else the first after it."""
    offset = sent.toks[tr.i].start
    _, hi = _clause_bounds(sent.toks, tr.i)
    clause_end = sent.toks[hi - 1].end
    before = [d for d in dated if d[0] <= offset]
    # After the trigger, only in its own clause: not "…, который с 2023 года жил".
    after = [d for d in dated if offset < d[0] <= clause_end]
    pick = before[-1] if before else after[0] if after else None
    return (pick[1], pick[2]) if pick else (None, None)


# --- the extraction --------------------------------------------------------------

def extract(document: Document) -> DocumentExtraction:
    text = document.text
    doc = _segment(text)
    para_starts = _paragraph_index(text)
    sents: list[Sent] = []
    for n, ds in enumerate(doc.sents):
        toks = []
        for t in ds.tokens:
            feats = t.feats or {}
            toks.append(Tok(t.text, _lemma(t.text, t.pos, tuple(sorted(feats.items()))), t.pos, feats,
                            t.start, t.stop))
        paragraph = bisect.bisect_right(para_starts, ds.start) - 1
        sents.append(Sent(n, paragraph, ds.start, ds.stop, ds.text, toks))
    _, vocab, _, _ = models()
    for ns in doc.spans:
        if ns.type in ("LOC",) or (ns.type == "ORG" and re.search(r"суд|СИЗО|изолятор", ns.text, re.IGNORECASE)):
            for sent in sents:
                if sent.start <= ns.start and ns.stop <= sent.end:
                    idx = [k for k, t in enumerate(sent.toks) if t.start >= ns.start and t.end <= ns.stop]
                    if idx:
                        ns.normalize(vocab)
                        sent.locs.append((idx[0], idx[-1] + 1, ns.normal or ns.text))

    spans = _person_spans(doc, sents)
    _analyse_spans(sents, spans)
    spans = sorted(spans + _recover_surnames(sents, spans), key=lambda s: s.start)
    for span in spans:
        span.agreement = _agreement(sents[span.sent].toks, span)
    _chains(sents, spans)
    _analyse_spans(sents, spans)
    persons = _group_persons(spans)
    _describe(sents, persons)
    _attach_mentions(sents, persons, spans)

    home = "Россия" if re.search(r"\bРосси[ияю]", text) else None
    all_dates = ru_dates.find_dates(text)          # one scan of the whole text
    date_starts = [e.start for e in all_dates]
    timeline = ru_dates.infer_frame(text, document.published, all_dates)
    events: list[EventMention] = []
    custody: set[str] = set()
    last_removal: dict[str, str] = {}
    carried: tuple[str | None, str | None] = (None, None)
    carried_persons: set[str] = set()
    prev_paragraph = -1
    for sent in sents:
        # The expressions inside this sentence (bisect: long documents have thousands).
        first = bisect.bisect_left(date_starts, sent.start)
        exprs = [e for e in all_dates[first:bisect.bisect_right(date_starts, sent.end)] if e.end <= sent.end]
        dated = []
        for e in exprs:
            iso = ru_dates.resolve(e, timeline)
            if iso:
                dated.append((e.start, iso, e.text))
        ru_dates.note_anchor(sent.text, timeline, exprs, sentence_start=sent.start)
        sent_persons = {p for m in sent.mentions for p in m.persons}
        if sent.paragraph != prev_paragraph:
            # A new paragraph keeps the narrative date only while it stays with the same people.
            if not (sent_persons & carried_persons):
                carried = (None, None)
            prev_paragraph = sent.paragraph
        shared: tuple[str, ...] | None = None
        for tr in _find_triggers(sent):
            if _is_unreal(sent, tr):
                continue
            patients, fit = _find_patients(sent, tr, shared)
            if not patients:
                continue
            shared = patients
            etype = tr.type
            if etype == "removal":
                etype = _classify_removal(sent, sents[sent.index - 1] if sent.index else None, tr,
                                          last_removal.get(patients[0]))
            elif etype == "fled":
                etype = _classify_flight(sent, tr, any(p in custody for p in patients))
            elif etype in ("asylum", "request_denied", "request_granted"):
                etype = _request_topic(sents, sent, tr)
            if etype is None:
                continue
            date, date_text = _event_date(sent, tr, dated)
            if date is None and carried[0]:
                date, date_text = carried
                if _LATER.search(sent.text) and date and "/" not in date:
                    date = date[:4]
            elif date:
                carried = (date, date_text)
            charge = _charge(sent, tr) if etype in ("charged", "sentenced", "wanted", "arrested",
                                                    "extradition_requested") else None
            term = _term_years(sent, tr) if etype == "sentenced" else None
            if etype in ("handed_over", "deported", "extradited"):
                last_removal.update({p: etype for p in patients})
            for person in patients:
                if etype in ("detained", "arrested", "handed_over", "transferred", "extradited", "deported"):
                    custody.add(person)
                events.append(EventMention(
                    person=person, type=etype, evidence=sent.text, document=document.id,
                    date=date, date_text=date_text, place=_place(sent, tr, home), charge=charge,
                    term_years=term, confidence=round(min(0.95, tr.confidence * fit), 2),
                    start=sent.start, end=sent.end, trigger=tr.words))
            carried_persons = set(patients)
        if dated and not any(e.start == sent.start for e in events):
            carried = (dated[-1][1], dated[-1][2])
            carried_persons = sent_persons or carried_persons

    events = _dedupe(events)
    with_events = {e.person for e in events}
    out_persons = []
    for p in persons:
        name, aliases = _person_name(p)
        role = "subject" if p.local_id in with_events else (_title_role(p) or "other")
        surface = sorted({" ".join(s.words) for s in p.spans})
        out_persons.append(PersonMention(
            local_id=p.local_id, name=name, first_name=_first_of(p), surname=_surname_of(p),
            gender=p.gender, aliases=aliases, surface_forms=surface, role=role,
            attributes=dict(p.attributes), spans=[(s.start, s.end) for s in p.spans]))
    frame = None
    if timeline.frame_year:
        frame = f"{timeline.frame_year}" + (f"-{timeline.frame_month:02d}" if timeline.frame_month else "")
    return DocumentExtraction(document=document, persons=out_persons, events=events, frame=frame)


def _request_topic(sents: list[Sent], sent: Sent, tr: _Trigger) -> str | None:
    """'его запрос был отклонен': a request about what? The nearest topic word
    before it in this or the previous sentence."""
    toks = sent.toks
    order = sorted(range(len(toks)), key=lambda n: abs(n - tr.i))
    window = [toks[n] for n in order] + (list(reversed(sents[sent.index - 1].toks)) if sent.index else [])
    for t in window:
        if t.lemma in ASYLUM:
            return {"asylum": "asylum_applied", "request_denied": "asylum_denied",
                    "request_granted": "asylum_granted"}[tr.type]
        if t.lemma in EXTRADITION:
            return {"asylum": None, "request_denied": "extradition_denied",
                    "request_granted": "extradition_approved"}[tr.type]
    return None


def _dedupe(events: list[EventMention]) -> list[EventMention]:
    """One mention per (person, type, sentence): two triggers in one sentence
    saying the same thing are one report."""
    seen = {}
    for e in events:
        key = (e.person, e.type, e.start)
        if key not in seen or e.confidence > seen[key].confidence:
            seen[key] = e
    return sorted(seen.values(), key=lambda e: (e.start, e.person))


def _first_of(p: _Person) -> str | None:
    for s in p.spans:
        if s.analysis.first and not s.analysis.first.endswith("."):
            return s.analysis.first
    return None


def _surname_of(p: _Person) -> str | None:
    for s in p.spans:
        if s.analysis.surname:
            return s.analysis.surname
    return None
