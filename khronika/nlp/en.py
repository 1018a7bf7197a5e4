"""English extraction: one document in, persons and event mentions out.

No English NER model ships inside a package this project can install, so
persons are found by a pluggable recogniser (`PersonRecognizer`); the default
one reads capitalised runs with a first-name gazetteer (every first name of
pymorphy's Russian dictionary, ≈13k, romanized, plus common English ones),
surname suffixes (-ov, -ova, -enko, -shvili, ...) and titles ("lawyer Jane
Doe"). A user with spaCy or a transformer can plug in their own recogniser.
Events, roles and pronouns are rules over word order, like the Russian side.
"""
from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field
from importlib import resources
from typing import Protocol

from ..model import Document, DocumentExtraction, EventMention, PersonMention
from ..translit import romanize
from . import en_dates, en_places, places, ru_dates
from .facts import share_within_document
from ._gazetteer_shim import find_places
from .en_lexicon import (
    CLAUSE_WORDS,
    HOME_PLACES,
    MODAL_WORDS,
    NEGATIONS,
    NON_NAME_WORDS,
    NOUN_TRIGGERS,
    OCCUPATIONS,
    ORG_TAILS,
    PHRASE_TRIGGERS,
    SECURITY_WORDS,
    SPEECH_VERBS,
    SURNAME_SUFFIXES,
    TITLE_ABBREVIATIONS,
    TITLE_TO_ROLE,
    VERB_TRIGGERS,
)

# --- tokens and sentences -------------------------------------------------------

_TOKEN = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*|\d+(?:[.,:]\d+)*|[^\w\s]")
_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "st", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
                  "sept", "oct", "nov", "dec", "gen", "col", "lt", "sgt", "capt", "maj", "no", "vs", "jr", "sr",
                  "u.s", "u.n", "e.g", "i.e", "inc", "corp", "co"}


@dataclass
class Tok:
    text: str
    start: int
    end: int

    @property
    def low(self) -> str:
        return self.text.lower().replace("’", "'")


@dataclass
class Sent:
    index: int
    paragraph: int
    start: int
    end: int
    text: str
    toks: list[Tok]
    mentions: list[Mention] = field(default_factory=list)


@dataclass
class Mention:
    i: int
    j: int
    persons: tuple[str, ...]
    case: str            # "subj", "obj", "poss" (pronouns); "any" for names
    is_pronoun: bool = False
    chain: int | None = None


def _sentences(text: str) -> list[Sent]:
    sents: list[Sent] = []
    paragraph = -1
    offset = 0
    for block in re.split(r"(\n\s*\n)", text):
        if not block.strip() or block.startswith("\n"):
            offset += len(block)
            continue
        paragraph += 1
        for line in _lines_with_offsets(block, offset):
            _split_line(line[0], line[1], paragraph, sents)
        offset += len(block)
    return sents


def _lines_with_offsets(block: str, offset: int):
    pos = 0
    for line in block.split("\n"):
        if line.strip():
            yield line, offset + pos
        pos += len(line) + 1


def _split_line(line: str, offset: int, paragraph: int, out: list[Sent]) -> None:
    toks = [Tok(m.group(), offset + m.start(), offset + m.end()) for m in _TOKEN.finditer(line)]
    start = 0
    for k, t in enumerate(toks):
        if t.text not in (".", "!", "?"):
            continue
        prev = toks[k - 1].low if k else ""
        nxt = toks[k + 1] if k + 1 < len(toks) else None
        if t.text == "." and (prev in _ABBREVIATIONS or (len(prev) == 1 and prev.isalpha())):
            continue          # "Sept. 26", "A. Smith"
        if nxt is not None and not (nxt.text[:1].isupper() or nxt.text[:1] in "\"“«(" or nxt.text[:1].isdigit()):
            continue
        _add_sentence(toks[start:k + 1], paragraph, out, line, offset)
        start = k + 1
    if start < len(toks):
        _add_sentence(toks[start:], paragraph, out, line, offset)


def _add_sentence(toks: list[Tok], paragraph: int, out: list[Sent], line: str, offset: int) -> None:
    if not toks:
        return
    s, e = toks[0].start, toks[-1].end
    # Closing quotes after the period belong to the sentence.
    out.append(Sent(len(out), paragraph, s, e, line[s - offset:e - offset], toks))


# --- person recognition (pluggable) ------------------------------------------------

class PersonRecognizer(Protocol):
    """Finds person names in a sentence: (first token index, last index + 1) pairs."""

    def __call__(self, sent: Sent) -> list[tuple[int, int]]: ...


@functools.lru_cache(maxsize=1)
def first_names() -> dict[str, str]:
    """Loose Latin key of every known first name -> gender ("m", "f" or "mf")."""
    from ..resolve import _latin_key
    names: dict[str, str] = {}
    text = resources.files("khronika.nlp").joinpath("data/first_names.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        name, genders = line.split("\t")
        names[_latin_key(romanize(name))] = genders
    for name in _ENGLISH_FIRST_NAMES.split():
        gender, word = name.split(":")
        names.setdefault(_latin_key(word), gender)
    return names


_ENGLISH_FIRST_NAMES = (
    "m:John m:James m:Robert m:Michael m:William m:David m:Richard m:Thomas m:Mark m:Paul m:Peter m:George "
    "m:Andrew m:Daniel m:Joseph m:Charles m:Christopher m:Matthew m:Steven m:Brian m:Kevin m:Jason m:Mehmet "
    "m:Ahmet m:Mustafa m:Ali m:Omar m:Hans m:Pierre m:Jean m:Luis m:Carlos f:Mary f:Jane f:Elizabeth "
    "f:Sarah f:Emma f:Anna f:Laura f:Rachel f:Claire f:Sophie f:Julia f:Maria f:Ayse f:Fatma f:Zeynep "
    "f:Emily f:Hannah f:Rebecca f:Catherine f:Susan f:Karen f:Lisa"
)


def _is_cap(tok: Tok) -> bool:
    return tok.text[:1].isupper() and tok.text[:1].isalpha()


def _first_name_gender(word: str) -> str | None:
    from ..resolve import _latin_key
    return first_names().get(_latin_key(word))


def _looks_like_surname(word: str) -> bool:
    low = word.lower().rstrip("'s").replace("’", "'")
    return low.endswith(SURNAME_SUFFIXES) and len(low) > 3


def rule_recognizer(sent: Sent) -> list[tuple[int, int]]:
    """Capitalised runs of 2-4 words that look like a person's name."""
    toks = sent.toks
    found = []
    k = 0
    while k < len(toks):
        if not _is_cap(toks[k]):
            k += 1
            continue
        j = k
        while j < len(toks) and (_is_cap(toks[j]) or (toks[j].text == "." and j > k and len(toks[j - 1].text) == 1)
                                 or (toks[j].text == "-" and j + 1 < len(toks) and _is_cap(toks[j + 1]))):
            j += 1
        run = [t for t in toks[k:j] if t.text not in (".", "-")]
        # Trim words that are not part of a name ("President Kassym-Jomart Tokayev", "On Monday").
        while run and run[0].low.rstrip("'s") in NON_NAME_WORDS | TITLE_ABBREVIATIONS:
            run = run[1:]
        if run and run[-1].low.rstrip("'s") in ORG_TAILS:
            run = []
        if 2 <= len(run) <= 4 and not any(t.low in NON_NAME_WORDS for t in run[1:]):
            first, last = run[0].text, run[-1].text
            if (_first_name_gender(first) or len(first) == 1 or _looks_like_surname(last)
                    or _is_title_before(toks, toks.index(run[0]))):
                found.append((toks.index(run[0]), toks.index(run[-1]) + 1))
        k = max(j, k + 1)
    return found


def _is_title_before(toks: list[Tok], i: int) -> bool:
    return i > 0 and (toks[i - 1].low in TITLE_TO_ROLE or toks[i - 1].low.rstrip(".") in TITLE_ABBREVIATIONS)


# --- persons in one document ----------------------------------------------------------

@dataclass
class _Person:
    local_id: str
    first: str | None
    surname: str
    gender: str | None = None
    spans: list[tuple[int, int, int]] = field(default_factory=list)   # (sentence, i, j)
    forms: list[str] = field(default_factory=list)
    role_votes: dict = field(default_factory=dict)
    attributes: dict = field(default_factory=dict)
    descriptors: set = field(default_factory=set)
    speaker: bool = False


def _strip_possessive(word: str) -> str:
    return re.sub(r"['’]s$", "", word)


def _persons(sents: list[Sent], recognizer: PersonRecognizer) -> list[_Person]:
    from ..resolve import _latin_key
    persons: list[_Person] = []
    by_surname: dict[str, list[_Person]] = {}
    for sent in sents:
        for i, j in recognizer(sent):
            words = [_strip_possessive(t.text) for t in sent.toks[i:j] if t.text not in (".",)]
            first = words[0] if len(words) > 1 else None
            surname = words[-1]
            key = _latin_key(surname)
            target = next((p for p in by_surname.get(key, [])
                           if p.first is None or first is None or _same_first(p.first, first)), None)
            if target is None:
                target = _Person(f"p{len(persons) + 1}", first, surname)
                persons.append(target)
                by_surname.setdefault(key, []).append(target)
            if first and (target.first is None or len(target.first) <= 2):
                target.first = first
            target.spans.append((sent.index, i, j))
            form = " ".join(words)
            if form not in target.forms:
                target.forms.append(form)
    # A surname or a first name alone, once the document has named the person in full.
    for sent in sents:
        taken = {k for (s, i, j) in (sp for p in persons for sp in p.spans) if s == sent.index
                 for k in range(i, j)}
        for k, t in enumerate(sent.toks):
            if k in taken or not _is_cap(t):
                continue
            word = _strip_possessive(t.text)
            key = _latin_key(word)
            owners = by_surname.get(key) or [p for p in persons if p.first and _latin_key(p.first) == key
                                             and len(word) > 2]
            if owners and word.lower() not in NON_NAME_WORDS:
                # Namesakes: the person the text is about (most mentions) takes the bare surname.
                max(reversed(owners), key=lambda p: len(p.spans)).spans.append((sent.index, k, k + 1))
    for p in persons:
        p.spans.sort()
        # A Russian surname's ending outweighs a first name the dictionary reads both ways.
        surname = p.surname.lower()
        if surname.endswith(("ova", "eva", "yova", "ina", "yna", "skaya", "tskaya", "aya")):
            p.gender = "f"
        elif surname.endswith(("ov", "ev", "yov", "in", "yn", "sky", "skiy", "tsky", "iy")):
            p.gender = "m"
        else:
            genders = _first_name_gender(p.first) if p.first else None
            p.gender = genders if genders in ("m", "f") else None
    return persons


def _same_first(a: str, b: str) -> bool:
    from ..resolve import first_names_agree
    return first_names_agree(a, b)


def _describe(sents: list[Sent], persons: list[_Person]) -> None:
    for p in persons:
        for s_index, i, j in p.spans:
            toks = sents[s_index].toks
            before = [t.low.rstrip(",") for t in toks[max(0, i - 4):i]]
            after = [t.low for t in toks[j:j + 4]]
            for word in reversed(before):
                if word in TITLE_TO_ROLE:
                    p.role_votes[TITLE_TO_ROLE[word]] = p.role_votes.get(TITLE_TO_ROLE[word], 0) + 1
                    break
            if after[:1] == [","] and len(after) > 1:
                for word in after[1:3]:
                    if word in TITLE_TO_ROLE:
                        p.role_votes[TITLE_TO_ROLE[word]] = p.role_votes.get(TITLE_TO_ROLE[word], 0) + 1
                        break
            for word in before + after[1:6]:
                if word in OCCUPATIONS:
                    p.attributes.setdefault("occupation", word)
                    p.descriptors.add(word)
            for t in toks[max(0, i - 6):i]:
                m = re.match(r"(\d{1,3})-year-old", t.text)
                if m:
                    p.attributes.setdefault("age", int(m.group(1)))
            age = re.search(r"(\d{1,3})-year-old", " ".join(t.text for t in toks[max(0, i - 6):i]))
            if age:
                p.attributes.setdefault("age", int(age.group(1)))
            if (i > 0 and toks[i - 1].low in SPEECH_VERBS) or (j < len(toks) and toks[j].low in SPEECH_VERBS) \
                    or (i > 1 and toks[i - 2].low in SPEECH_VERBS and toks[i - 1].low in TITLE_TO_ROLE):
                p.speaker = True


def _title_role(p: _Person) -> str | None:
    return max(p.role_votes, key=p.role_votes.get) if p.role_votes else None


# --- mentions, pronouns ----------------------------------------------------------------

_PRONOUNS = {"he": ("m", "subj"), "him": ("m", "obj"), "his": ("m", "poss"), "himself": ("m", "obj"),
             "she": ("f", "subj"), "her": ("f", "obj"), "hers": ("f", "poss"), "herself": ("f", "obj"),
             "they": ("pl", "subj"), "them": ("pl", "obj"), "their": ("pl", "poss"), "both": ("pl", "any")}


def _attach_mentions(sents: list[Sent], persons: list[_Person]) -> None:
    blocked = {p.local_id for p in persons if _title_role(p) in ("official", "lawyer")}
    gender = {p.local_id: p.gender for p in persons}
    at: dict[tuple[int, int], tuple[int, str]] = {}
    for p in persons:
        for s_index, i, j in p.spans:
            at[(s_index, i)] = (j, p.local_id)
    described = {}
    for p in persons:
        for d in p.descriptors:
            described.setdefault(d, set()).add(p.local_id)
    described = {d: next(iter(ids)) for d, ids in described.items() if len(ids) == 1}
    recent: list[tuple[str, ...]] = []
    last_group_sent = -10
    chain = 0
    first_seen: dict[str, int] = {}
    seen_by_sentence: list[set[str]] = []
    for sent in sents:
        k = 0
        previous_name: Mention | None = None
        seen_before = set().union(*seen_by_sentence[-2:]) if seen_by_sentence else set()
        seen_here: set[str] = set()
        seen_by_sentence.append(seen_here)
        while k < len(sent.toks):
            tok = sent.toks[k]
            if (sent.index, k) in at:
                j, pid = at[(sent.index, k)]
                m = Mention(k, j, (pid,), "any")
                # "X and Y", "X, Y and Z": one list, one fate
                if previous_name and previous_name.j < k and _coordinated(sent.toks[previous_name.j:k]):
                    if previous_name.chain is None:
                        chain += 1
                        previous_name.chain = chain
                    m.chain = previous_name.chain
                sent.mentions.append(m)
                previous_name = m
                first_seen.setdefault(pid, sent.index)
                seen_here.add(pid)
                if m.chain is not None:
                    group = tuple(dict.fromkeys(p for x in sent.mentions if x.chain == m.chain for p in x.persons))
                    recent.append(group)
                    last_group_sent = sent.index
                else:
                    recent.append((pid,))
                k = j
                continue
            info = _PRONOUNS.get(tok.low)
            if info:
                g, case = info
                target = None
                if g == "pl":
                    if sent.index - last_group_sent <= 3:
                        target = next((grp for grp in reversed(recent) if len(grp) > 1), None)
                else:
                    options = [grp for grp in reversed(recent[-12:]) if len(grp) == 1
                               and gender.get(grp[0]) in (g, None) and grp[0] not in blocked]
                    target = options[0] if options else None
                    if target and _passing(sent, k, target[0], first_seen):
                        # "when Vladimir Putin announced mobilization, he packed one bag":
                        # a newcomer in a subordinate clause does not take over the story.
                        topic = next((grp for grp in options[1:] if grp[0] in seen_before), None)
                        target = topic or target
                if target:
                    sent.mentions.append(Mention(k, k + 1, target, case, is_pronoun=True))
                    seen_here.add(target[0])
                    if len(target) == 1 and recent and recent[-1] != target:
                        recent.append(target)      # the pronoun keeps its person in the story
            elif tok.low in described and k > 0 and sent.toks[k - 1].low == "the":
                sent.mentions.append(Mention(k - 1, k + 1, (described[tok.low],), "any", is_pronoun=True))
            elif tok.low in ("who", "whom", "whose") and k > 1:
                # "Eremeeva, a Russian teacher whom a court refused to extradite"
                before = next((m for m in reversed(sent.mentions) if not m.is_pronoun and k - 7 <= m.j < k), None)
                if before:
                    case = {"who": "subj", "whom": "obj", "whose": "poss"}[tok.low]
                    sent.mentions.append(Mention(k, k + 1, before.persons, case, is_pronoun=True))
            k += 1


_SUBORDINATORS = frozenset({"when", "as", "while", "after", "before", "once", "until", "because", "although",
                           "though", "if", "since"})


def _passing(sent: Sent, k: int, pid: str, first_seen: dict[str, int]) -> bool:
    """Is `pid` a newcomer named only in a subordinate clause of this sentence,
    before the pronoun at k ("when Vladimir Putin announced …, he …")?"""
    if first_seen.get(pid) != sent.index:
        return False
    named = [m for m in sent.mentions if not m.is_pronoun and pid in m.persons and m.j <= k]
    if not named:
        return False
    i = named[0].i
    return any(t.low in _SUBORDINATORS for t in sent.toks[max(0, i - 4):i]) and \
        any(t.text == "," for t in sent.toks[named[0].j:k])


_RELATIONS = frozenset({"sister", "brother", "wife", "husband", "partner", "colleague", "flatmate", "friend",
                        "son", "daughter", "mother", "father", "fellow", "comrade", "fiancée", "fiance"})


def _coordinated(between: list[Tok]) -> bool:
    """"X and Y", "X, Y and Z", "X and his sister, Y", "X, 29, and her partner, the musician Y"."""
    words = [t.low for t in between]
    if "and" not in words and "," not in words and "or" not in words:
        return False
    allowed = {",", "and", "or", "his", "her", "their", "the", "a", "also"} | _RELATIONS | OCCUPATIONS
    return len(words) <= 10 and all(w in allowed or w.isdigit() for w in words) and \
        (words.count(",") <= 3)


# --- events --------------------------------------------------------------------

@dataclass
class _Trigger:
    i: int
    last: int
    type: str
    slot: str
    confidence: float
    words: str


_VERB_INDEX = {form: (etype, slot, conf) for forms, etype, slot, conf in VERB_TRIGGERS for form in forms}
_PHRASES_BY_FIRST: dict[str, list[int]] = {}
for _index, _phrase in enumerate(PHRASE_TRIGGERS):
    for _first_word in _phrase[0][0]:
        _PHRASES_BY_FIRST.setdefault(_first_word, []).append(_index)


def _find_triggers(sent: Sent) -> list[_Trigger]:
    toks = sent.toks
    lows = [t.low for t in toks]
    found: list[_Trigger] = []
    consumed: set[int] = set()
    for n, start in sorted((n, k) for k, w in enumerate(lows) for n in _PHRASES_BY_FIRST.get(w, ())):
        steps, gap, etype, slot, conf = PHRASE_TRIGGERS[n]
        positions = [start]
        for step in steps[1:]:
            nxt = next((q for q in range(positions[-1] + 1, min(len(toks), positions[-1] + gap + 2))
                        if lows[q] in step), None)
            if nxt is None:
                break
            positions.append(nxt)
        if len(positions) < len(steps):
            continue
        trigger_at = positions[1] if lows[start] == "not" else start
        found.append(_Trigger(trigger_at, positions[-1], etype, slot, conf,
                              " ".join(toks[q].text for q in positions)))
        consumed.update(positions)
    for k, w in enumerate(lows):
        if k in consumed:
            continue
        if w in _VERB_INDEX:
            etype, slot, conf = _VERB_INDEX[w]
            if etype == "handed_over":
                continue            # only with "over" (a phrase above)
            found.append(_Trigger(k, k, etype, slot, conf, toks[k].text))
        elif w in NOUN_TRIGGERS and k > 0 and (lows[k - 1] in ("his", "her", "their", "the")
                                               or lows[k - 1].endswith("'s")):
            etype, conf = NOUN_TRIGGERS[w]
            found.append(_Trigger(k, k, etype, "gen", conf, toks[k].text))
    found.sort(key=lambda tr: tr.i)
    return found


def _clause_bounds(toks: list[Tok], k: int) -> tuple[int, int]:
    lo = k
    while lo > 0 and toks[lo - 1].low not in CLAUSE_WORDS:
        lo -= 1
    hi = k
    while hi < len(toks) - 1 and toks[hi + 1].low not in CLAUSE_WORDS:
        hi += 1
    return lo, hi + 1


_NEGATIVE_TYPES = {"entry_refused", "disappeared", "extradition_denied", "asylum_denied"}


_AFTER_PARTICIPLE = frozenset({"on", "in", "at", "by", "after", "during", "for", "since", "last", "earlier",
                               "this", "near", "outside", "while", "over", "following", "together", "with"})


def _reduced_relative(toks: list[Tok], k: int) -> bool:
    """"two Russian activists detained on Sunday": a past participle after a
    noun and before an adverbial, not a verb with its object ("police detained him")."""
    t = toks[k].low
    if not t.endswith(("ed", "en")) or k == 0 or k + 1 >= len(toks):
        return False
    prev = toks[k - 1].low
    if prev in _PASSIVE_AUX or prev in ("had", "has", "have", "who", "which", "that", "and", "not", "never"):
        return False
    return toks[k + 1].low in _AFTER_PARTICIPLE and (prev.isalpha() or prev == ",")


def _is_unreal(sent: Sent, tr: _Trigger) -> bool:
    toks = sent.toks
    lo, _ = _clause_bounds(toks, tr.i)
    if _reduced_relative(toks, tr.i):
        # Its own phrase: the main clause's "whether to deport" does not reach it.
        lo = max([lo] + [n + 1 for n in range(lo, tr.i) if toks[n].text == ","])
    before = [t.low for t in toks[lo:tr.i]]
    window = before[-4:]
    if tr.type not in _NEGATIVE_TYPES and any(w in NEGATIONS or w.endswith("n't") for w in window):
        return True
    # "in May 2024" is a month, not a modal
    if any(w in MODAL_WORDS - {"to"} and not (w == "may" and t.text == "May" and n > 0)
           for n, (w, t) in enumerate(zip(before, toks[lo:tr.i]), lo)):
        return True
    # "to extradite him", "plans to seek asylum": an infinitive is an aim, not a fact,
    # unless it follows "managed to"
    if window and window[-1] == "to" and (len(window) < 2 or window[-2] not in ("managed", "able")):
        return tr.type not in ("extradition_approved", "extradition_denied", "entry_refused")
    # "denied that he was extradited"
    # "denied he had been deported"
    full_before = [t.low for t in toks[:tr.i]]
    for n, w in enumerate(full_before):
        if w in ("denied", "denies", "deny", "denying") and n + 1 < len(full_before) and (
                full_before[n + 1] == "that" or tr.i - n <= 5 and tr.type not in _NEGATIVE_TYPES):
            return True
    return False


_PASSIVE_AUX = {"was", "were", "been", "be", "is", "are", "being", "got", "get", "gets"}


def _passive(toks: list[Tok], k: int) -> bool:
    n = k - 1
    while n >= 0 and toks[n].low in ("also", "then", "later", "reportedly", "allegedly", "briefly", "not",
                                     "subsequently", "eventually", "quickly", "secretly", "again", "now",
                                     "still", "currently", "already", "formally", "officially", "being"):
        n -= 1
    return n >= 0 and toks[n].low in _PASSIVE_AUX


def _group(sent: Sent, m: Mention) -> tuple[str, ...]:
    if m.chain is None:
        return m.persons
    return tuple(dict.fromkeys(p for x in sent.mentions if x.chain == m.chain for p in x.persons))


def _find_patients(sent: Sent, tr: _Trigger, shared: tuple[str, ...] | None) -> tuple[str, ...]:
    toks = sent.toks
    lo, hi = _clause_bounds(toks, tr.i)
    slot = tr.slot
    if slot == "obj" and (_passive(toks, tr.i) or _reduced_relative(toks, tr.i)):
        slot = "subj"
    if tr.type == "entry_refused" and slot == "obj" and tr.last + 1 < len(toks) and toks[tr.last + 1].low == "to":
        # "refused entry to Vasilisa Ternovskaya"
        m = next((m for m in sent.mentions if m.i == tr.last + 2), None)
        if m:
            return _group(sent, m)
    # A name inside a relative clause the trigger is not in ("Kholodov, a programmer
    # who was detained together with Mukhortova, was released") is not its subject.
    aside = [(a, b) for a, b in _background_spans(toks) if not a <= tr.i < b]
    right = sorted((m for m in sent.mentions if m.i > tr.i), key=lambda m: m.i)
    left = sorted((m for m in sent.mentions if m.j <= tr.i
                   and not any(a < m.i < b for a, b in aside)), key=lambda m: -m.j)

    def pick(ms, cases, limit, within=None):
        for m in ms:
            distance = (m.i - tr.last) if m.i > tr.i else (tr.i - m.j)
            if distance > limit:
                break
            if within and not (within[0] <= m.i < within[1]):
                continue
            if m.case in cases:
                return _group(sent, m)
        return None

    if slot == "obj":
        found = _direct_object(sent, tr, right) or pick(left, {"obj"}, 3)
    elif slot == "subj":
        found = _client_of_counsel(sent, tr) or pick(left, {"subj", "any"}, 12) or \
            pick(right, {"subj", "any"}, 4, (tr.i, hi))
    elif slot in ("gen", "against", "with"):
        k = tr.i - 1
        while k >= 0 and toks[k].low in ("the", "planned", "possible", "forced", "swift"):
            k -= 1
        # "his deportation", "Zhuravleva's extradition", "ordered his deportation"
        inside = [m for m in sent.mentions if tr.i < m.i and m.j <= tr.last]
        poss = next((m for m in left + inside if (m.j == k + 1 or m in inside)
                     and (m.case == "poss" or toks[m.j - 1].low.endswith("'s"))), None)
        found = _group(sent, poss) if poss else pick(right, {"any", "obj"}, 6) or pick(left, {"subj", "any"}, 8)
    else:
        found = None
    return found or (shared if slot in ("subj", "obj") and shared else ())


# Words that may stand between a verb and the name of its object:
# "detained the 29-year-old anti-war activist Ivan Sidorov", "deported Russian blogger X".
_OBJECT_FILLERS = frozenset({"the", "his", "her", "their", "its", "two", "three", "four", "former", "fellow",
                             "prominent", "opposition", "anti-war", "exiled", "jailed", "detained", "russian",
                             "chechen", "belarusian", "ukrainian", "kazakh", "kyrgyz", "dagestani", "man", "woman",
                             "citizen", "citizens", "national", "nationals", "over", "back", "both", ",", "and"})


_NOT_IN_OBJECT = frozenset({"about", "of", "for", "to", "with", "from", "in", "on", "at", "by", "into",
                            "against", "after", "before", "than", "that", "which", "who", "because", "while",
                            "when", "said", "says", "told", "statement", "report", "names", "list", "photos",
                            "video", "documents", "information", "data", ";", ":"})


def _direct_object(sent: Sent, tr: _Trigger, right: list[Mention]) -> tuple[str, ...] | None:
    """The person right after an active verb, past only descriptive words: not
    "released a statement about Ivan Petrov"."""
    toks = sent.toks
    for m in right:
        if m.case not in ("obj", "any"):
            continue
        between = toks[tr.last + 1:m.i] if m.i > tr.last else []
        if len(between) > 8:
            return None
        # A preposition or a clause word means the name is not the verb's object:
        # "released a statement about Ivan Petrov", "detained ... after Ivan Petrov said".
        if any(t.low in _NOT_IN_OBJECT for t in between):
            return None
        return _group(sent, m)
    return None


_COUNSEL = frozenset({"lawyer", "lawyers", "attorney", "attorneys", "counsel", "defence", "defense", "team"})


def _client_of_counsel(sent: Sent, tr: _Trigger) -> tuple[str, ...] | None:
    """"Her lawyer, Milica Radonjić, filed an appeal": the appeal is the client's."""
    toks = sent.toks
    lo, _ = _clause_bounds(toks, tr.i)
    for k in range(max(0, tr.i - 12), tr.i):
        if toks[k].low in _COUNSEL and k > 0:
            owner = next((m for m in sent.mentions if m.j == k and (m.case == "poss" or
                                                                   toks[m.j - 1].low.endswith("'s"))), None)
            if owner:
                return _group(sent, owner)
    return None


def _request_topic(sents: list[Sent], sent: Sent) -> str | None:
    """"the ministry rejected her claim": a claim for what? The nearest topic word."""
    words = [t.low for t in sent.toks] + ([t.low for t in sents[sent.index - 1].toks] if sent.index else [])
    for w in words:
        if w in ("asylum", "refugee", "protection"):
            return "asylum_denied"
        if w in ("extradition", "extradite"):
            return "extradition_denied"
    return None


def _classify_removal(sent: Sent, tr: _Trigger, etype: str) -> str:
    lows = {t.low for t in sent.toks[tr.i + 1:]}
    if etype == "transferred" and lows & HOME_PLACES and lows & SECURITY_WORDS:
        return "handed_over"
    if etype == "fled" and tr.words.lower().startswith(("escaped",)):
        return "escaped"
    if etype == "fled" and tr.words.lower().startswith(("moved", "relocated")) and _passive(sent.toks, tr.i):
        return "transferred"      # "has been moved to the Gldani prison": someone moved him
    return etype


def _named_near(sent: Sent, tr: _Trigger) -> bool:
    """Is anyone named in the trigger's part of the sentence (between commas
    and clause words)? "…refused the request, and she was released" names no
    one in its first part."""
    toks = sent.toks
    lo, hi = _clause_bounds(toks, tr.i)
    lo = max([lo] + [n + 1 for n in range(lo, tr.i) if toks[n].text in (",", ";")])
    hi = min([hi] + [n for n in range(tr.last + 1, hi) if toks[n].text in (",", ";")])
    return any(lo <= m.i < hi for m in sent.mentions)


_TIMESTAMP = re.compile(r"[ \t]*(?:[01]?\d|2[0-3])[:.][0-5]\d\s*(?:[ap]\.?m\.?\s*)?[—–-]", re.IGNORECASE)
_LATER = re.compile(r"\b(later|subsequently|afterwards|eventually|then)\b", re.IGNORECASE)
_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                 "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20}


def _term_years(sent: Sent, tr: _Trigger) -> float | None:
    lows = [t.low for t in sent.toks]
    for k in range(tr.i + 1, min(len(lows), tr.i + 10)):
        if lows[k] in ("years", "year"):
            prev = lows[k - 1]
            if prev.replace(".", "", 1).isdigit():
                return float(prev)
            if prev in _NUMBER_WORDS:
                return float(_NUMBER_WORDS[prev])
    return None


_CHARGE_LEAD = re.compile(
    r"\b(?:charged(?: \w+)? with|accused(?: \w+)? of|convicted(?: \w+)? of|on (?:a |the )?charges? of|"
    r"on suspicion of|suspected of|in connection with(?: an? (?:investigation|case|probe) into)?|for)\s+"
    r"(?:having |being |an? |the |allegedly )*((?:[a-z-]+\s?){1,5})")
_CHARGE_STOP = frozenset({"and", "in", "after", "while", "on", "at", "because", "but", "which", "who", "to",
                          "from", "since", "until", "when", "by"})


def _charge(sent: Sent, tr: _Trigger) -> str | None:
    """"charged with treason", "on charges of illegal border crossing", "in
    connection with an investigation into illegal access to computer data"."""
    text = sent.text[sent.toks[tr.i].start - sent.start:]
    for m in _CHARGE_LEAD.finditer(text):
        if m.group().startswith("for") and tr.type not in ("charged", "sentenced", "wanted"):
            continue
        words = []
        for w in m.group(1).split():
            if w in _CHARGE_STOP:
                break
            words.append(w)
        charge = " ".join(words).strip()
        if charge and not charge.startswith(("years", "months", "days", "weeks", "life", "up ", "a ", "the years",
                                             "two ", "three ", "several ", "his ", "her ", "their ")):
            return charge
    return None


def _country_name_en(code: str) -> str:
    from ..geo import country_name
    return country_name(code, "en")


def _place_refs(text: str, sents: list[Sent]) -> list[list[places.PlaceRef]]:
    """Every place each sentence names, with its role (one gazetteer pass over the text)."""
    matches = find_places(text, "en")
    starts = [m.start for m in matches]
    out = []
    for sent in sents:
        inside = matches[bisect.bisect_left(starts, sent.start):bisect.bisect_left(starts, sent.end)]
        out.append(en_places.sentence_places(sent, inside))
    return out


def _locate(sent: Sent, tr: _Trigger, etype: str, place_refs: list, patients, setting,
            trigger_starts: list[int]) -> places.Located:
    toks = sent.toks
    lo, hi = _clause_bounds(toks, tr.i)
    refs = place_refs[sent.index]
    there = None
    if lo > 0 and toks[lo - 1].low in en_places.WHERE_WORDS:
        there = next((r for r in reversed(refs) if r.i < lo - 1 and r.role in (places.WHERE, places.TO)
                      and r.kind != "adjective"), None)
    elif any(t.low in en_places.THERE_WORDS for t in toks[lo:hi]):
        there = setting.last
    homeland = any(t.low in en_places.HOMELAND_WORDS for t in toks[tr.i:hi])
    following = [n for n in trigger_starts if n > tr.last]
    return places.locate(etype, tr.i, (lo, hi), refs, tuple(patients), setting, there=there, homeland=homeland,
                         next_trigger=following[0] if following else None)


def _background_spans(toks: list[Tok]) -> list[tuple[int, int]]:
    """", a deserter who fled to Kyrgyzstan in 2023," — a relative clause set off by
    a comma dates its own verb, not the main clause's."""
    spans = []
    for k in range(1, len(toks)):
        if toks[k].low in ("who", "which", "whose", "whom"):
            end = next((n for n in range(k + 1, len(toks)) if toks[n].text in (",", ";", "—", "–", ":")),
                       len(toks))
            spans.append((k, end))
    return spans


def _event_date(sent: Sent, tr: _Trigger, dated: list[tuple[int, str, str]]):
    """The date of a trigger (see ru._event_date) and whether it is background:
    a relative clause's or a participle phrase's own date, lent to no other event."""
    toks = sent.toks
    offset = toks[tr.i].start
    _, hi = _clause_bounds(toks, tr.i)
    clause_end = toks[hi - 1].end
    # "has not been heard from since Saturday": "since" opens no new clause for its date.
    if hi < len(toks) and toks[hi].low == "since":
        _, hi2 = _clause_bounds(toks, hi + 1)
        clause_end = toks[hi2 - 1].end
    if _reduced_relative(toks, tr.i):
        # "two activists detained on Sunday": the participle's own adverbial
        end = next((t.start for t in toks[tr.i + 1:] if t.text in (",", ";", "—", "–")), clause_end)
        own_dates = [d for d in dated if offset < d[0] < end]
        if own_dates:
            return own_dates[0][1], own_dates[0][2], True
    spans = _background_spans(toks)
    own = next(((a, b) for a, b in spans if a <= tr.i < b), None)
    if own is not None:
        start, end = toks[own[0]].start, toks[own[1] - 1].end
        inside = [d for d in dated if start <= d[0] <= end]
        if inside:
            before = [d for d in inside if d[0] <= offset]
            pick = before[-1] if before else inside[0]
            return pick[1], pick[2], True
        clause_end = min(clause_end, end)     # "who was detained …, was released on Friday"
    else:
        ranges = [(toks[a].start, toks[b - 1].end) for a, b in spans]
        dated = [d for d in dated if not any(a <= d[0] <= b for a, b in ranges)]
    before = [d for d in dated if d[0] <= offset]
    after = [d for d in dated if offset < d[0] <= clause_end]
    if before and after and _coordinated_after(toks, before[-1][0], offset):
        # "was detained last week …, and a court ordered his expulsion on Thursday"
        return after[0][1], after[0][2], False
    pick = before[-1] if before else after[0] if after else None
    return (pick[1], pick[2], False) if pick else (None, None, False)


def _coordinated_after(toks: list[Tok], date_start: int, offset: int) -> bool:
    """Does a ", and" / ", but" stand between a date and the trigger (a new clause)?"""
    for n in range(1, len(toks)):
        if date_start < toks[n].start < offset and toks[n].low in ("and", "but", "while") \
                and toks[n - 1].text == ",":
            return True
    return False


def extract(document: Document, recognizer: PersonRecognizer | None = None) -> DocumentExtraction:
    text = document.text
    sents = _sentences(text)
    persons = _persons(sents, recognizer or rule_recognizer)
    _describe(sents, persons)
    _attach_mentions(sents, persons)

    place_refs = _place_refs(text, sents)
    home = "RU" if re.search(r"\bRussia", text) else None
    setting = places.document_setting(place_refs, _country_name_en, home)
    all_dates = en_dates.find_dates(text)
    date_starts = [e.start for e in all_dates]
    timeline = en_dates.infer_frame(text, document.published or ru_dates.url_date(document.url), all_dates)
    today = timeline.published.isoformat() if timeline.published else None
    default_date: tuple[str | None, str | None] = (None, None)
    events: list[EventMention] = []
    carried: tuple[str | None, str | None] = (None, None)
    carried_persons: set[str] = set()
    topic: tuple[str, ...] = ()
    topic_sent = -10
    prev_paragraph = -1
    for sent in sents:
        # The expressions inside this sentence (bisect: long documents have thousands).
        first = bisect.bisect_left(date_starts, sent.start)
        exprs = [e for e in all_dates[first:bisect.bisect_right(date_starts, sent.end)] if e.end <= sent.end]
        dated = []
        background = [(sent.toks[a].start, sent.toks[b - 1].end) for a, b in _background_spans(sent.toks)]
        for e in exprs:
            before = timeline.last
            iso = en_dates.resolve(e, timeline)
            if iso:
                dated.append((e.start, iso, e.text))
                # A flashback in a relative clause ("…, who had fled in 2022,") leaves the story's date.
                if before is not None and e.value is not None and ru_dates.is_before(e.value, before) \
                        and any(a <= e.start <= b for a, b in background):
                    timeline.last = before
        en_dates.note_anchor(sent.text, timeline, exprs, sentence_start=sent.start)
        sent_persons = {p for m in sent.mentions for p in m.persons}
        if sent.paragraph != prev_paragraph:
            # A live blog's "14:32 — …" entry happens on the day of the blog unless it says otherwise.
            stamped = today is not None and _TIMESTAMP.match(text, sent.start) is not None
            if not (sent_persons & carried_persons) or stamped:
                carried = (None, None)
            default_date = (today, None) if stamped else (None, None)
            prev_paragraph = sent.paragraph
        shared = None
        triggers = _find_triggers(sent)
        for tr in triggers:
            if _is_unreal(sent, tr):
                continue
            patients = _find_patients(sent, tr, shared)
            if not patients and tr.slot == "gen" and not _named_near(sent, tr) and topic_sent >= sent.index - 2:
                # "Russia sent a formal extradition request in April": the case the text is on.
                patients = topic
            if not patients:
                continue
            shared = patients
            etype = _classify_removal(sent, tr, tr.type)
            if etype == "request_denied":
                etype = _request_topic(sents, sent)
                if etype is None:
                    continue
            date, date_text, background = _event_date(sent, tr, dated)
            if date is None and carried[0]:
                date, date_text = carried
                if _LATER.search(sent.text) and "/" not in date:
                    date = date[:4]
            elif date and not background:
                carried = (date, date_text)
            if date is None and default_date[0]:
                date, date_text = default_date
            where = _locate(sent, tr, etype, place_refs, patients, setting, [t.i for t in triggers])
            for person in patients:
                events.append(EventMention(
                    person=person, type=etype, evidence=sent.text, document=document.id, date=date,
                    date_text=date_text, place=where.place, country=where.country, destination=where.destination,
                    charge=_charge(sent, tr) if etype in ("charged", "sentenced", "wanted", "arrested",
                                                         "detained", "extradition_requested") else None,
                    term_years=_term_years(sent, tr) if etype == "sentenced" else None,
                    confidence=round(tr.confidence, 2), start=sent.start, end=sent.end, trigger=tr.words))
            carried_persons = set(patients)
            topic, topic_sent = patients, sent.index
        places.note_sentence(place_refs[sent.index], sent_persons, setting)
        if dated and not any(e.start == sent.start for e in events):
            carried = (dated[-1][1], dated[-1][2])
            carried_persons = sent_persons or carried_persons

    seen = {}
    for e in events:
        key = (e.person, e.type, e.start)
        if key not in seen or e.confidence > seen[key].confidence:
            seen[key] = e
    events = share_within_document(sorted(seen.values(), key=lambda e: (e.start, e.person)))
    with_events = {e.person for e in events}
    out = []
    for p in persons:
        full = [f for f in p.forms if len(f.split()) > 1]
        name = max(full or p.forms, key=lambda f: (len(f.split()), p.forms.count(f)))
        role = "subject" if p.local_id in with_events else (_title_role(p) or "other")
        out.append(PersonMention(
            local_id=p.local_id, name=name, first_name=p.first, surname=p.surname, gender=p.gender,
            aliases=[f for f in p.forms if f != name], surface_forms=list(p.forms), role=role,
            attributes=dict(p.attributes),
            spans=[(sents[s].toks[i].start, sents[s].toks[j - 1].end) for s, i, j in p.spans]))
    frame = None
    if timeline.frame_year:
        frame = f"{timeline.frame_year}" + (f"-{timeline.frame_month:02d}" if timeline.frame_month else "")
    return DocumentExtraction(document=document, persons=out, events=events, frame=frame)
