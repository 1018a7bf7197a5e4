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
from . import places, ru_dates, ru_names, ru_places
from ._gazetteer_shim import find_places
from .facts import share_within_document
from .ru_lexicon import (
    ACHIEVED_LEMMAS,
    ASYLUM,
    CHARGE_VERBS,
    CLAUSE_WORDS,
    COUNSEL_WORDS,
    EXTRADITION,
    HOME_PLACE_WORDS,
    INTERVIEW_WORDS,
    KIN_NOUNS,
    LEGAL_REMOVAL_WORDS,
    MODAL_LEMMAS,
    NOUN_TRIGGERS,
    OCCUPATIONS,
    PARTICIPLE_TRIGGERS,
    PERSONAL_PRONOUNS,
    PHRASE_TRIGGERS,
    PROCEDURE_WORDS,
    REQUEST,
    SECURITY_WORDS,
    SPEECH_VERBS,
    TITLE_TO_ROLE,
    UNCERTAIN_LEMMAS,
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
    if "-" in word and word.rsplit("-", 1)[1].isdigit():
        return fold(word.rsplit("-", 1)[0])      # "СИЗО-1", "ИК-6": the kind of place
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
    asks: bool = False              # an interviewer's question: it reports nothing itself
    confirms: int | None = None     # "— Да, 6 ноября.": the index of the question it says yes to


@dataclass
class Mention:
    """A person reference inside a sentence: a name or a pronoun."""
    i: int                      # first token index
    j: int                      # last token index + 1
    persons: tuple[str, ...]    # local person ids (several for "их", "они")
    cases: frozenset
    is_pronoun: bool = False
    chain: int | None = None    # id of the coordinated list it belongs to
    source: bool = False        # "по словам Рзаева": who reports, not whom it happens to


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
    speaking: int = 0            # mentions of the person as the one who speaks
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
            # однофамилец задержанного") — among those whose gender its reading
            # allows: "отправил Гаджимурадова под арест" is the husband, not the
            # wife Патимат Гаджимурадова.
            genders = {p.local_id: _provisional_gender(p) for p in candidates}
            wanted = _span_gender(s)
            best = [p for p in candidates if wanted and genders[p.local_id] == wanted]
            target = max(reversed(best or candidates), key=lambda p: len(p.spans))
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


def _span_gender(s: _Span) -> str | None:
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


def _as_first_name(s: _Span) -> ru_names.NameAnalysis:
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


def _provisional_gender(p: _Person) -> str | None:
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


def _merge_gender_readings(persons: list[_Person], by_key: dict[str, list[_Person]]) -> None:
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
            if _is_speaker(toks, s) or _is_source(toks, s.i):
                p.speaker = True
                p.speaking += 1


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
    blocked = _blocked(persons)
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
                sent.mentions.append(Mention(s.i, s.j, (s.person,), s.analysis.cases, chain=s.chain,
                                             source=_is_source(sent.toks, s.i)))
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


_SOURCE_NOUNS = frozenset({"слово", "данные", "мнение", "информация", "сведение", "оценка", "подсчет"})


def _is_source(toks: list[Tok], i: int) -> bool:
    """"по словам Рзаева", "по данным адвоката", "со слов матери": the one who reports."""
    k = i - 1
    while k >= 0 and toks[k].pos in ("NOUN", "ADJ") and toks[k].lemma not in _SOURCE_NOUNS:
        k -= 1            # "по словам адвоката Эльчина Рзаева"
    return k >= 1 and toks[k].lemma in _SOURCE_NOUNS and toks[k - 1].low in ("по", "со")


# --- who speaks: first person in quotes and interviews ------------------------

_DASHES = ("—", "–", "-")


def _attach_speakers(text: str, sents: list[Sent], persons: list[_Person]) -> None:
    """"— Меня задержали 11 сентября, — рассказывает Ласточкин": "меня" is the
    speaker. An attributed quote («…», — сказал X; — …, — говорит X) or an
    interview answer (a dash line after the interviewer's question, spoken by
    whom the intro says the interview is with) gets its first-person pronouns
    as mentions of the speaker, the interviewer's "вы" as the interviewee, and
    a relative's "мой сын", "мужа" as the family member the text is about."""
    if not persons:
        return
    breaks = [m.start() for m in re.finditer("\n", text)]
    lines: dict[int, list[Sent]] = {}
    for sent in sents:
        lines.setdefault(bisect.bisect_left(breaks, sent.start), []).append(sent)
    interviewee = _interviewee(sents)
    blocked = _blocked(persons)
    # "— говорит адвокат": the one person the text gives that title
    by_title: dict[str, set[str]] = {}
    for p in persons:
        for lemma in p.descriptors | {t for t, r in TITLE_TO_ROLE.items() if r == _title_role(p)}:
            by_title.setdefault(lemma, set()).add(p.local_id)
    titled = {lemma: next(iter(ids)) for lemma, ids in by_title.items() if len(ids) == 1}
    last_speaker: str | None = None
    after_question = False
    for line in sorted(lines):
        group = lines[line]
        toks = [(sent, k) for sent in group for k in range(len(sent.toks))]
        first = group[0].toks[0]
        if first.text in ("—", "–"):          # a dialogue line (a hyphen opens list items too)
            if group[-1].text.rstrip(" »”\"'").endswith("?"):
                # The interviewer asks: "вы" is the one interviewed.
                target = interviewee or last_speaker
                if target:
                    _add_personal(group, None, target, 2, persons, blocked)
                for sent in group:
                    sent.asks = True
                # "— Вам предъявили обвинение? — Да, 6 ноября.": the answer says it happened.
                answer = lines.get(line + 1) or lines.get(line + 2)
                if answer and len(answer[0].toks) > 1 and answer[0].toks[0].text in _DASHES \
                        and answer[0].toks[1].low == "да":
                    answer[0].confirms = group[-1].index
                after_question = True
                continue
            speaker = _attribution(toks, 1, titled)
            if speaker is None:
                speaker = interviewee if after_question and interviewee else last_speaker
            after_question = False
            if speaker == _UNKNOWN:
                speaker = None            # "— …, — говорит сосед": someone the text does not name
            if speaker:
                last_speaker = speaker
                _add_personal(group, None, speaker, 1, persons, blocked)
            continue
        after_question = False
        for a, b in _quote_spans(text, group[0].start, group[-1].end):
            after = [(sent, k) for sent, k in toks if sent.toks[k].start >= b]
            before = [(sent, k) for sent, k in toks if sent.toks[k].end <= a]
            speaker = _attribution(after[:8], 0, titled) or _attribution_before(before[-6:])
            if speaker and speaker != _UNKNOWN:
                last_speaker = speaker
                _add_personal(group, (a, b), speaker, 1, persons, blocked)


def _quote_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans = []
    for m in re.finditer(r"«[^«»]*(?:«[^«»]*»[^«»]*)*»|“[^“”]*”", text[start:end]):
        spans.append((start + m.start(), start + m.end()))
    return spans


def _mention_at(sent: Sent, k: int) -> Mention | None:
    return next((m for m in sent.mentions if m.i == k and len(m.persons) == 1), None)


_UNKNOWN = "?"      # an attribution to someone the text does not name


def _attribution(toks: list[tuple[Sent, int]], skip: int, titled: dict[str, str] | None = None) -> str | None:
    """"…, — говорит адвокат", "…», — сказала она", "», — рассказывает мать Артура
    Людмила": a dash, a speech verb and a nominative mention after it. _UNKNOWN
    when the verb is there but its speaker is no one the text names."""
    for n in range(skip, len(toks)):
        sent, k = toks[n]
        t = sent.toks[k]
        if t.text not in _DASHES and not (skip == 0 and n == 0 and t.text == ","):
            continue
        for v in range(n + 1, min(len(toks), n + 4)):
            vs, vk = toks[v]
            if vs.toks[vk].lemma in SPEECH_VERBS and vs.toks[vk].pos == "VERB" \
                    and vs.toks[vk].feats.get("Person") not in ("1", "2"):       # not "— говорю им"
                for w in range(v + 1, min(len(toks), v + 6)):
                    ws, wk = toks[w]
                    m = _mention_at(ws, wk)
                    if m and ("nomn" in m.cases or not m.cases - {"nomn"}):
                        return m.persons[0]
                    word = ws.toks[wk]
                    if titled and word.lemma in titled and word.pos == "NOUN" and w == v + 1:
                        return titled[word.lemma]
                return _UNKNOWN
            m = _mention_at(vs, vk)
            if m and "nomn" in m.cases and v + 1 < len(toks) and \
                    toks[v + 1][0].toks[toks[v + 1][1]].lemma in SPEECH_VERBS:
                return m.persons[0]       # "— Рзаев говорит, ..."
    return None


def _attribution_before(toks: list[tuple[Sent, int]]) -> str | None:
    """"Ласточкин рассказал: «…»", "программист Тимофей Ласточкин: «…»"."""
    if not toks or toks[-1][0].toks[toks[-1][1]].text != ":":
        return None
    for sent, k in reversed(toks[:-1]):
        m = _mention_at(sent, k)
        if m and "nomn" in m.cases:
            return m.persons[0]
    return None


def _interviewee(sents: list[Sent]) -> str | None:
    """Whom the interview is with: "Мы поговорили с ним", "беседовал с Тимофеем
    Ласточкиным". One person, or no one (with two the answers name their speaker)."""
    found: set[str] = set()
    for sent in sents:
        if not any(t.lemma in INTERVIEW_WORDS for t in sent.toks):
            continue
        for m in sent.mentions:
            if len(m.persons) == 1 and "ablt" in m.cases and m.i > 0 and any(
                    sent.toks[n].low in ("с", "со") for n in range(max(0, m.i - 4), m.i)):
                found.add(m.persons[0])
    return next(iter(found)) if len(found) == 1 else None


def _add_personal(group: list[Sent], span: tuple[int, int] | None, target: str, person: int,
                  persons: list[_Person], blocked: set[str]) -> None:
    """Mentions for "я/меня/мне" (person 1) or "вы/вас/вам" (person 2) in the
    quote `span` (None: the whole line), and for a relative's "сына", "мужа"."""
    for sent in group:
        for k, t in enumerate(sent.toks):
            if span and not (span[0] <= t.start < span[1]):
                continue
            info = PERSONAL_PRONOUNS.get(t.low)
            if info and info[0] == person:
                sent.mentions.append(Mention(k, k + 1, (target,), frozenset(info[1]), is_pronoun=True))
            elif person == 1 and t.lemma in KIN_NOUNS and t.pos == "NOUN" and t.feats.get("Number") == "Sing":
                if k > 0 and sent.toks[k - 1].low in ("его", "ее", "её", "их"):
                    continue      # "её брат": someone else's family
                if any(m.i in range(k + 1, k + 4) and not m.is_pronoun for m in sent.mentions):
                    continue      # "муж Ислам": the name itself is the mention
                kin = _relative_of(target, KIN_NOUNS[t.lemma], persons, blocked)
                case = CASE_OF_FEAT.get(t.feats.get("Case"))
                if kin and case:
                    sent.mentions.append(Mention(k, k + 1, (kin,), frozenset({case}), is_pronoun=True))
    for sent in group:
        sent.mentions.sort(key=lambda m: m.i)


def _relative_of(speaker: str, gender: str, persons: list[_Person], blocked: set[str]) -> str | None:
    """The family member a speaker means: the person the text is most about."""
    candidates = [p for p in persons if p.local_id != speaker and p.local_id not in blocked
                  and p.gender in (gender, None)]
    if not candidates:
        return None
    return max(candidates, key=lambda p: len(p.spans)).local_id


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
            if k > 0 and toks[k - 1].lemma in PROCEDURE_WORDS:
                continue      # "на время процесса экстрадиции": a procedure, not the event
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


def _is_unreal(sent: Sent, tr: _Trigger, confirmed: bool = False) -> bool:
    """Negated, intended, feared or hypothetical: not (yet) an event."""
    toks = sent.toks
    lo, _ = _clause_bounds(toks, tr.i)
    if (sent.asks or _is_question(sent)) and not confirmed:
        return True           # "— Он просил убежища в Азербайджане?" asks, it does not report
    # "Родственники опасаются, что его задержали": a fear, not a report.
    if lo > 0 and toks[lo - 1].lemma in ("что", "будто") and any(
            t.lemma in UNCERTAIN_LEMMAS for t in toks[_clause_bounds(toks, lo - 1)[0]:lo - 1]):
        return True
    if tr.type == "entry_refused" or tr.negative:
        return False          # "не пустили", "нет связи": the negation is the event
    # "суд отказал прокуратуре в аресте": the arrest was refused.
    if toks[tr.i].pos == "NOUN" and tr.i > 0 and toks[tr.i - 1].low in ("в", "во") and any(
            t.lemma in ("отказать", "отказаться", "отклонить") for t in toks[max(0, tr.i - 5):tr.i - 1]) \
            and tr.type not in ("extradition_denied", "asylum_denied", "entry_refused"):
        return True
    # "Запроса о выдаче Армения пока не получала": a noun whose clause denies it.
    if toks[tr.i].pos in ("NOUN", "PROPN") and not (tr.i > 0 and toks[tr.i - 1].pos == "ADP"):
        for n in range(tr.last + 1, len(toks)):
            if toks[n].text in (",", ";", "—", "–", ":") or toks[n].low in ("но", "а", "однако", "что"):
                break
            if toks[n].low == "нет" or (toks[n].low == "не" and n + 1 < len(toks)
                                        and toks[n + 1].pos in ("VERB", "AUX")):
                return True
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


_WH_WORDS = frozenset({"как", "почему", "зачем", "когда", "где", "кто", "куда", "откуда", "сколько", "какой",
                       "чей", "отчего", "каков"})


def _is_question(sent: Sent) -> bool:
    """A yes/no question ("Вас задержали в аэропорту?") asserts nothing; a
    question with a question word ("Почему Казахстан выдал Иванова?") takes
    its event for granted."""
    text = sent.text.rstrip(" »”\"'")
    if not text.endswith("?"):
        return False
    return not any(t.lemma in _WH_WORDS or t.low in _WH_WORDS for t in sent.toks)


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


# Events a lawyer carries out for the client.
_ON_BEHALF = frozenset({"appeal_filed", "asylum_applied"})


def _find_patients(sent: Sent, tr: _Trigger, shared: tuple[str, ...] | None,
                   counsel: frozenset = frozenset()) -> tuple[tuple[str, ...], float]:
    toks = sent.toks
    lo, hi = _clause_bounds(toks, tr.i)
    slot = tr.slot
    if slot == "obj" and _passive(toks, tr.i):
        slot = "subj"
    if slot == "subj" and toks[tr.i].feats.get("VerbForm") == "Inf":
        slot = "inf"
    mentions = [m for m in sent.mentions if not m.source]
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
        if found and counsel and set(found) <= counsel and tr.type in _ON_BEHALF:
            # "Её адвокат Дана Нургалиева обжаловала отказ": the appeal is the client's
            # (whom the caller finds when no possessive names them).
            client = _possessor_subject(sent, tr, left, lo)
            return (client, 0.9) if client and not set(client) <= counsel else (found, 0.9)
        if found:
            return _with_companions(sent, found, lo, tr.i), 1.0
        # "задержан 29-летний уроженец Бурятии Баир Цыренов": the subject after a passive verb
        found = near_right({"nomn"}, limit=8 if _passive(toks, tr.i) else 3, bridge=False)
        if found:
            return found, 0.9
        named = {n for m in mentions for n in range(m.i, m.j)}
        if not _has_own_subject(toks, lo, tr.i):
            found = near_left_across({"nomn"})
            if found:
                return found, 0.75
        elif shared and _has_own_subject(toks, lo, tr.i, skip=named):
            return (), 0.0        # "после того как его брат был арестован": someone else's event
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


def _has_own_subject(toks: list[Tok], lo: int, k: int, skip: set = frozenset()) -> bool:
    """Is there a nominative noun or pronoun in the clause before the verb (after
    any relative clause: "Шевчук, которой суд отказал в выдаче, получила убежище")?
    `skip`: token indices not to count (the names of persons)."""
    start = max([lo] + [n + 1 for n in range(lo, k) if toks[n].text == ","])
    return any(t.feats.get("Case") == "Nom" and t.pos in ("NOUN", "PRON", "PROPN")
               for n, t in enumerate(toks[start:k], start) if n not in skip)


def _possessor_subject(sent: Sent, tr: _Trigger, left: list[Mention], lo: int):
    """"Их адвокаты подали апелляции": the clients of the lawyers appeal."""
    toks = sent.toks
    counsel = COUNSEL_WORDS | {"родственник"}
    for m in sorted(left, key=lambda m: -m.j):
        if m.is_pronoun and "poss" in m.cases and m.j < len(toks) and toks[m.j].lemma in counsel:
            return _group_of(sent, m)
        # "Адвокаты Марата Исаева подали апелляцию"
        if not m.is_pronoun and "gent" in m.cases and m.i > 0 and toks[m.i - 1].lemma in counsel:
            return _group_of(sent, m)
    return None


def _noun_is_subject(toks: list[Tok], tr: _Trigger) -> bool:
    return toks[tr.i].feats.get("Case") == "Nom"


def _classify_removal(sent: Sent, prev: Sent | None, tr: _Trigger, earlier: str | None,
                      ordered: str | None = None, extradition_story: bool = False) -> str | None:
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
        if "экстрадиция" in here or "запрос" in here or after & HOME_PLACE_WORDS or ordered == "extradited" \
                or extradition_story:
            return "extradited"       # in a text about an extradition, "выдали" is that extradition
        return "handed_over"
    if after_sentence & SECURITY_WORDS:
        return "handed_over"
    # After a deportation order or an approved extradition, putting the person
    # on a plane or handing them over carries that order out.
    if after & HOME_PLACE_WORDS:
        if ordered:
            return ordered
        if legal:
            return "deported"
        return earlier or "deported"
    if ordered and verb != "доставить" and any(t.pos == "PROPN" for t in toks[tr.i + 1:hi]):
        return ordered
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
        accusation = t.low == "в" and toks[k - 1].lemma in ("обвинение", "подозрение")   # "по обвинению в ..."
        if not (types and tr.type in types or accusation) or k + 1 >= len(toks):
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


def _country_name_ru(code: str) -> str:
    from ..geo import country_name
    return country_name(code, "ru")


def _place_refs(text: str, sents: list[Sent]) -> list[list[places.PlaceRef]]:
    """Every place each sentence names, with its role (one gazetteer pass over the text)."""
    matches = find_places(text, "ru")
    starts = [m.start for m in matches]
    out = []
    for sent in sents:
        inside = matches[bisect.bisect_left(starts, sent.start):bisect.bisect_left(starts, sent.end)]
        motion = any(t.lemma in VERB_TRIGGERS and VERB_TRIGGERS[t.lemma][0] in ru_places.MOTION_TYPES
                     for t in sent.toks) if inside else False
        out.append(ru_places.sentence_places(sent, inside, motion))
    return out


def _locate(sent: Sent, tr: _Trigger, etype: str, place_refs: list, patients, setting,
            trigger_starts: list[int]) -> places.Located:
    toks = sent.toks
    lo, hi = _clause_bounds(toks, tr.i)
    refs = place_refs[sent.index]
    there = None
    if lo > 0 and toks[lo - 1].lemma in ru_places.WHERE_WORDS:
        there = next((r for r in reversed(refs) if r.i < lo - 1 and r.role in (places.WHERE, places.TO)
                      and r.kind != "adjective"), None)
    elif any(t.lemma in ru_places.THERE_WORDS for t in toks[lo:hi]):
        there = setting.last
    homeland = any(t.lemma in ru_places.HOMELAND_WORDS for t in toks[lo:hi])
    following = [n for n in trigger_starts if n > tr.last]
    return places.locate(etype, tr.i, (lo, hi), refs, tuple(patients), setting, there=there, homeland=homeland,
                         next_trigger=following[0] if following else None)


# --- dates ---------------------------------------------------------------------

_LATER = re.compile(r"\b(позже|позднее|затем|потом|впоследствии|спустя|после этого)\b", re.IGNORECASE)


def _background_spans(toks: list[Tok]) -> list[tuple[int, int]]:
    """Participle phrases and relative clauses set off by commas ("Фомичёва,
    задержанного в Батуми в конце сентября, ..."; "Мерцалову, которую задержали
    ещё в июле"): what they date is background to the main clause."""
    spans = []
    for k in range(1, len(toks)):
        if toks[k - 1].text != ",":
            continue
        t = toks[k]
        if t.lemma == "который" or (t.feats.get("VerbForm") == "Part" and t.pos in ("VERB", "ADJ")
                                     and t.feats.get("Variant") != "Short"):
            end = next((n for n in range(k + 1, len(toks)) if toks[n].text in (",", ";", "—", "–", ":")),
                       len(toks))
            spans.append((k, end))
    return spans


def _has_own_verb(toks: list[Tok], last: int, start: int, hi: int) -> bool:
    """Does the date at char offset `start` stand, past a comma, in a stretch
    with a verb of its own ("…, на следующий день суд отправил меня в СИЗО")?
    Not "забрали рано утром, 14 января 2026 года"."""
    comma = next((n for n in range(last + 1, hi) if toks[n].text == ","), None)
    if comma is None or toks[comma].start > start:
        return False
    end = next((n for n in range(comma + 1, hi) if toks[n].text == "," and toks[n].start > start), hi)
    return any(t.pos in ("VERB", "AUX") and t.feats.get("VerbForm") == "Fin" for t in toks[comma + 1:end])


def _event_date(sent: Sent, tr: _Trigger, dated: list[tuple[int, str, str]]
                ) -> tuple[str | None, str | None, bool]:
    """The date expression that governs a trigger: the closest one before it in
    the sentence, else the first after it in its clause. A relative clause or a
    participle phrase keeps its own date for its own trigger, and lends it to
    no other: "В среду Грузия депортировала Фомичёва, задержанного в конце
    сентября"; "…, которую задержали ещё в июле". The flag says the date is
    such a background one."""
    toks = sent.toks
    offset = toks[tr.i].start
    lo, hi = _clause_bounds(toks, tr.i)
    clause_end = toks[hi - 1].end
    spans = _background_spans(toks)
    own = next(((a, b) for a, b in spans if a <= tr.i < b), None)
    if own is not None:
        start, end = toks[own[0]].start, toks[own[1] - 1].end
        inside = [d for d in dated if start <= d[0] <= end]
        if inside:
            pick = ([d for d in inside if d[0] <= offset] or inside)
            pick = pick[-1] if pick[-1][0] <= offset else pick[0]
            return pick[1], pick[2], True
    else:
        ranges = [(toks[a].start, toks[b - 1].end) for a, b in spans]
        dated = [d for d in dated if not any(a <= d[0] <= b for a, b in ranges)]
    before = [d for d in dated if d[0] <= offset]
    # After the trigger, only in its own clause: not "…, который с 2023 года жил",
    # nor "меня задержали, на следующий день суд отправил меня в СИЗО".
    verbal = toks[tr.i].pos in ("VERB", "AUX")
    after = [d for d in dated if offset < d[0] <= clause_end
             and not (verbal and _has_own_verb(toks, tr.last, d[0], hi))]
    if lo > 0 and toks[lo - 1].lemma in CLAUSE_WORDS:
        clause_start = toks[lo].start
        relative = toks[lo - 1].lemma == "который" and not any(t.text == "," for t in toks[lo:tr.i])
        mine = [d for d in before if d[0] >= clause_start]
        if mine:
            return mine[-1][1], mine[-1][2], relative
        if after:
            return after[0][1], after[0][2], relative
    pick = before[-1] if before else after[0] if after else None
    return (pick[1], pick[2], False) if pick else (None, None, False)


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
    _attach_speakers(text, sents, persons)

    home = "Россия" if re.search(r"\bРосси[ияю]", text) else None
    place_refs = _place_refs(text, sents)
    setting = places.document_setting(place_refs, _country_name_ru, "RU" if home else None)
    all_dates = ru_dates.find_dates(text)          # one scan of the whole text
    date_starts = [e.start for e in all_dates]
    # Plain text has no metadata, but a newspaper dateline ("6 марта 2026 года"
    # on a line of its own) is the day the text speaks from.
    published = document.published or ru_dates.dateline(text, all_dates) or ru_dates.url_date(document.url)
    timeline = ru_dates.infer_frame(text, published, all_dates)
    today = _day_of(published)
    events: list[EventMention] = []
    custody: set[str] = set()
    last_removal: dict[str, str] = {}
    ordered: dict[str, str] = {}
    extradition_story = re.search(r"[Ээ]кстради", text) is not None
    blocked = _blocked(persons)
    counsel = frozenset(p.local_id for p in persons if _title_role(p) == "lawyer")
    # Who each sentence is about (names and pronouns, not quoted sources or officials).
    people_in = [{p for m in sent.mentions if not m.source for p in m.persons if p not in blocked}
                 for sent in sents]
    carried: tuple[str | None, str | None] = (None, None)
    carried_persons: set[str] = set()
    prev_paragraph = -1
    default_date: tuple[str | None, str | None] = (None, None)
    for sent in sents:
        # The expressions inside this sentence (bisect: long documents have thousands).
        first = bisect.bisect_left(date_starts, sent.start)
        exprs = [e for e in all_dates[first:bisect.bisect_right(date_starts, sent.end)] if e.end <= sent.end]
        dated = []
        background = [(sent.toks[a].start, sent.toks[b - 1].end) for a, b in _background_spans(sent.toks)]
        for e in exprs:
            before = timeline.last
            iso = ru_dates.resolve(e, timeline)
            if iso:
                dated.append((e.start, iso, e.text))
                # A flashback in a relative clause ("…, которую задержали ещё в
                # июле") is background: the story stays at the date it had reached.
                flashback = any(a <= e.start <= b for a, b in background) or \
                    re.search(r"(?:ещё|еще|уже)\s+$", text[max(0, e.start - 6):e.start]) is not None
                if before is not None and e.value is not None and ru_dates.is_before(e.value, before) \
                        and flashback:
                    timeline.last = before
        ru_dates.note_anchor(sent.text, timeline, exprs, sentence_start=sent.start)
        sent_persons = {p for m in sent.mentions for p in m.persons}
        if sent.paragraph != prev_paragraph:
            # A new paragraph keeps the narrative date only while it stays with the same people.
            stamped = today is not None and _TIMESTAMP.match(text, sent.start) is not None
            if not (sent_persons & carried_persons) or stamped:
                carried = (None, None)
            prev_paragraph = sent.paragraph
            # A live blog's "14:32 — …" entry happens on the day of the blog unless it says otherwise.
            default_date = (today, None) if stamped else (None, None)
        date_spans = [(e.start, e.end) for e in exprs]
        shared: tuple[str, ...] | None = None
        triggers = [(sent, tr) for tr in _find_triggers(sent)]
        if sent.confirms is not None:
            # "— Вам предъявили обвинение? — Да, 6 ноября.": the question's events, dated by the answer.
            triggers = [(sents[sent.confirms], tr) for tr in _find_triggers(sents[sent.confirms])] + triggers
        for source, tr in triggers:
            if source is not sent:
                if _is_unreal(source, tr, confirmed=True):
                    continue
                patients, fit = _find_patients(source, tr, None, counsel)
                if patients and tr.type not in ("removal", "fled", "asylum", "request_denied", "request_granted"):
                    date, date_text = (dated[0][1], dated[0][2]) if dated else (None, None)
                    for person in patients:
                        where = _locate(source, tr, tr.type, place_refs, patients, setting, [])
                        events.append(EventMention(
                            person=person, type=tr.type, evidence=source.text, document=document.id,
                            date=date, date_text=date_text, place=where.place, country=where.country,
                            destination=where.destination,
                            charge=None, term_years=None, confidence=round(min(0.95, tr.confidence * fit * 0.9), 2),
                            start=source.start, end=source.end, trigger=tr.words))
                continue
            if _is_unreal(sent, tr):
                continue
            if any(a <= sent.toks[tr.i].start < b for a, b in date_spans):
                continue      # "через неделю после задержания" dates something else
            patients, fit = _find_patients(sent, tr, shared, counsel)
            if patients and counsel and set(patients) <= counsel and tr.type in _ON_BEHALF:
                # "— Мы подали апелляцию, — говорит адвокат": for the client.
                patients = _topic(sents, sent, people_in, wider=True)
            if not patients and _topic_event(sent, tr):
                # "В конце марта Генпрокуратура одобрила экстрадицию": no one is
                # named, the case is the one the last sentences were about.
                patients, fit = _topic(sents, sent, people_in), 0.75
            if not patients:
                continue
            if tr.type == "request_denied" and not _bare_refusal(sent, tr):
                continue
            shared = patients
            etype = tr.type
            if etype == "removal":
                etype = _classify_removal(sent, sents[sent.index - 1] if sent.index else None, tr,
                                          last_removal.get(patients[0]), ordered.get(patients[0]),
                                          extradition_story)
            elif etype == "fled":
                etype = _classify_flight(sent, tr, any(p in custody for p in patients))
            elif etype in ("asylum", "request_denied", "request_granted"):
                etype = _request_topic(sents, sent, tr)
            if etype is None:
                continue
            date, date_text, background = _event_date(sent, tr, dated)
            if date and "/" not in date and _reported_date(sent, tr, date_text):
                date = date[:4]         # when it became known: the act is no later, maybe earlier
            if date is None and carried[0]:
                date, date_text = carried
                if _LATER.search(sent.text) and date and "/" not in date:
                    date = date[:4]
            elif date and not background and not _SINCE_TEXT.match(date_text or ""):
                carried = (date, date_text)      # not "с апреля 2024 года": a state, not a step
            if date is None and default_date[0]:
                date, date_text = default_date
            _anchor_event(timeline, etype, date)
            charge = _charge(sent, tr) if etype in ("charged", "sentenced", "wanted", "arrested", "detained",
                                                    "extradition_requested") else None
            term = _term_years(sent, tr) if etype == "sentenced" else None
            if etype in ("handed_over", "deported", "extradited"):
                last_removal.update({p: etype for p in patients})
                for p in patients:
                    ordered.pop(p, None)
            elif etype in _ORDERS:
                ordered.update({p: _ORDERS[etype] for p in patients})
            where = _locate(sent, tr, etype, place_refs, patients, setting,
                            [t.i for _, t in triggers])
            for person in patients:
                if etype in ("detained", "arrested", "handed_over", "transferred", "extradited", "deported"):
                    custody.add(person)
                events.append(EventMention(
                    person=person, type=etype, evidence=sent.text, document=document.id,
                    date=date, date_text=date_text, place=where.place, country=where.country,
                    destination=where.destination, charge=charge,
                    term_years=term, confidence=round(min(0.95, tr.confidence * fit), 2),
                    start=sent.start, end=sent.end, trigger=tr.words))
            carried_persons = set(patients)
        places.note_sentence(place_refs[sent.index], sent_persons - blocked, setting)
        if dated and not any(e.start == sent.start for e in events):
            carried = (dated[-1][1], dated[-1][2])
            carried_persons = sent_persons or carried_persons

    events = share_within_document(_dedupe(events))
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


# "В начале февраля стало известно, что полиция выдала Бажукова": the date is
# when the news came, and the act it reports may be older.
_REPORTED = re.compile(r"\b(?:стало известно|сообщил[аи]?|сообщает|заявил[аи]?|рассказал[аи]?|"
                       r"подтвердил[аи]?|сообщили|узнали?)\b[^.]*?\bчто\b", re.IGNORECASE)


def _reported_date(sent: Sent, tr: _Trigger, date_text: str | None) -> bool:
    if not date_text:
        return False
    at = sent.text.find(date_text)
    trigger_at = sent.toks[tr.i].start - sent.start
    if at < 0 or at > trigger_at:
        return False
    m = _REPORTED.search(sent.text, at + len(date_text), trigger_at)
    # The date must be the report's own ("В начале февраля стало известно"),
    # not that of another verb before it ("Вчера он предстал ..., где судья заявил, что").
    return m is not None and m.end() <= trigger_at and m.start() - (at + len(date_text)) <= 12


_SINCE_TEXT = re.compile(r"(?:с|со|начиная\s+с)\s", re.IGNORECASE)
_TIMESTAMP = re.compile(r"[ \t]*(?:[01]?\d|2[0-3])[:.][0-5]\d\s*[—–-]")
_ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def _day_of(published) -> str | None:
    m = _ISO_DAY.match(str(published)) if published else None
    return m.group() if m else None


# The noun a text uses to count from an event it has dated ("через два месяца
# после задержания"): its date is the event's.
_EVENT_NOUN = {"detained": "задержание", "arrested": "арест", "extradited": "экстрадиция",
               "deported": "депортация", "released": "освобождение", "sentenced": "приговор",
               "escaped": "побег", "handed_over": "выдача"}


def _anchor_event(timeline: ru_dates.Timeline, etype: str, date: str | None) -> None:
    noun = _EVENT_NOUN.get(etype)
    if not noun or not date or "/" in date or len(date) < 7:
        return
    parts = [int(x) for x in date.split("-")]
    timeline.anchors[noun] = (parts[0], parts[1], parts[2] if len(parts) > 2 else None)


_ORDERS = {"deportation_ordered": "deported", "extradition_approved": "extradited"}
_TOPIC_TYPES = frozenset({"extradition_requested", "extradition_approved", "extradition_denied", "appeal_filed",
                          "request_denied", "request_granted"})


def _blocked(persons: list[_Person]) -> set[str]:
    """Officials, lawyers and quoted sources: no antecedent for "его задержали" —
    unless the text is about a person it quotes now and then (most mentions are not quotes)."""
    return {p.local_id for p in persons if _title_role(p) in ("official", "lawyer")
            or p.speaker and not p.attributes.get("occupation") and 2 * p.speaking >= len(p.spans)}


def _topic_event(sent: Sent, tr: _Trigger) -> bool:
    """An event that a text reports without naming its person, because the
    case is the one it is telling: a request, an approval or a refusal of an
    extradition, an appeal by "the defence"."""
    if tr.type not in _TOPIC_TYPES:
        return False
    toks = sent.toks
    lo, hi = _clause_bounds(toks, tr.i)
    if any(not m.source and lo <= m.i < hi for m in sent.mentions):
        return False          # someone is named here: it is about them, or about no one we know
    if any(toks[n].feats.get("Number") == "Plur" and toks[n].lemma in REQUEST | EXTRADITION
           for n in range(tr.i, tr.last + 1)):
        return False          # "утвердил запросы России": many people, not one case
    if tr.type == "appeal_filed":
        return any(t.lemma in COUNSEL_WORDS for t in toks[lo:tr.i])
    return True


def _topic(sents: list[Sent], sent: Sent, people_in: list[set], wider: bool = False) -> tuple[str, ...]:
    """The one person the last three sentences were about, if there is one
    (`wider`: the nearest one, looking back up to six sentences)."""
    seen: set[str] = set()
    for index in range(sent.index - 1, max(-1, sent.index - (7 if wider else 4)), -1):
        seen |= people_in[index]
        if wider and seen:
            break
    return (next(iter(seen)),) if len(seen) == 1 else ()


def _bare_refusal(sent: Sent, tr: _Trigger) -> bool:
    """"миграционная служба ей отказала" refuses the request just told; "суд
    отказал в удовлетворении жалобы" refuses something that is no event."""
    toks = sent.toks
    if len(tr.words.split()) > 1 or toks[tr.i].lemma != "отказать":
        return True
    _, hi = _clause_bounds(toks, tr.i)
    for n in range(tr.i + 1, hi - 1):
        if toks[n].low in ("в", "во") and toks[n + 1].pos in ("NOUN", "ADJ"):
            return toks[n + 1].lemma in ASYLUM | EXTRADITION | REQUEST
    return True


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
