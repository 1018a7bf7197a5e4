"""English events: triggers, modality (negated, planned, feared acts), patients, types, charges and terms."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .en_coref import mention_group
from .en_lexicon import (
    CLAUSE_WORDS,
    FACTUAL_NOUN_LEADS,
    GOVERNORS,
    HOME_PLACES,
    MODAL_WORDS,
    NEGATIONS,
    NOUN_TRIGGERS,
    PHRASE_TRIGGERS,
    POSSESSED_NOUNS,
    REMOVAL_NOUNS,
    SECURITY_WORDS,
    VERB_TRIGGERS,
)
from .en_text import Mention, Sent, Tok


@dataclass
class Trigger:
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


def find_triggers(sent: Sent) -> list[Trigger]:
    toks = sent.toks
    lows = [t.low for t in toks]
    found: list[Trigger] = []
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
        if len(positions) < len(steps) or any(toks[q].text in (",", ";", "(", ")", "—", "–")
                                              for q in range(start, positions[-1])):
            continue
        if etype == "arrested" and "transit" in lows[positions[-1]:positions[-1] + 9]:
            etype = "detained"    # held in an airport's transit zone: held at the border, not jailed
        if etype == "arrested" and lows[start] in PASSIVE_AUX | {"is"} and any(
                lows[q].endswith(("ed", "en")) and lows[q] != "been" for q in range(start + 1, positions[1])):
            continue      # "have been tortured in prison": the prison is where the torture was
        trigger_at = positions[1] if lows[start] in _NOT else start
        if etype == "extradition_approved" and any(w in _NOT for w in lows[max(0, start - 3):positions[-1]]):
            etype = "extradition_denied"          # "decided not to extradite him", "did not approve"
        found.append(Trigger(trigger_at, positions[-1], etype, slot, conf,
                             " ".join(toks[q].text for q in positions)))
        consumed.update(positions)
    headline = None
    for k, w in enumerate(lows):
        if k in consumed:
            continue
        if w not in _VERB_INDEX and w not in NOUN_TRIGGERS and w != "wanted":
            continue
        if k > 0 and toks[k].text[:1].isupper():
            # "the Free Press", "Arrest Warrant Unit": a capital inside a sentence is a name's,
            # unless the whole line is a Title Case headline.
            if headline is None:
                headline = _title_case(toks)
            if not headline:
                continue
        if w in _VERB_INDEX and not (w in NOUN_TRIGGERS and _noun_trigger(lows, k)):
            etype, slot, conf = _VERB_INDEX[w]
            if w in ("handed", "hand"):
                continue            # only with "over" (a phrase above)
            if w == "appealed" and k + 1 < len(toks) and lows[k + 1] == "to" and not any(
                    x in ("court", "appeals") for x in lows[k + 2:k + 6]):
                continue            # "appealed to the police for protection": a plea, not an appeal
            found.append(Trigger(k, k, etype, slot, conf, toks[k].text))
        elif w == "wanted":
            # "imploring a wanted warlord, Doku Umarov"
            if k > 0 and lows[k - 1] in ("a", "an") and not (k + 1 < len(toks) and lows[k + 1] in _LISTS):
                found.append(Trigger(k, k, "wanted", "obj", 0.65, toks[k].text))
        elif _noun_trigger(lows, k):
            etype, conf = NOUN_TRIGGERS[w]
            if w == "arrest" and (k + 1 < len(toks) and lows[k + 1] in ("warrant", "warrants") or lows[k - 1] == "under"):
                etype = "arrested"              # a court's warrant, "placed under arrest": custody ordered
            found.append(Trigger(k, k, etype, "gen", conf, toks[k].text))
    found.sort(key=lambda tr: tr.i)
    return found


# "managed to flee", "the first to be captured", "the court ruled to release him": done, not aimed at
_DONE_INFINITIVE = frozenset({"managed", "able", "first", "last", "only", "second", "ruled", "decided", "voted",
                              "ordered", "agreed"})
_ATTEMPTS = frozenset({"tried", "trying", "attempted", "attempting"})
_NOT = frozenset({"not", "never", "wasn't", "weren't", "didn't", "isn't", "no"})
_LISTS = frozenset({"list", "lists", "notice", "notices", "circular", "person", "persons"})
_NOUN_LEADS = frozenset({"his", "her", "their", "the", "its", "a", "an", "this", "'", "’", "under"})


def _noun_trigger(lows: list[str], k: int) -> bool:
    """"his arrest", "the detention of X", "Zhuravleva's deportation", "the activists' release",
    "a 2014 indictment"; a removal only as a fact: "after his extradition"."""
    if k == 0:
        return False
    n = k - 1
    if lows[n].isdigit() and n > 0:
        n -= 1
    if not (lows[n] in _NOUN_LEADS or lows[n].endswith("'s")):
        return False
    if lows[k] in REMOVAL_NOUNS:
        return any(w in FACTUAL_NOUN_LEADS for w in lows[max(0, n - 3):n + 1])
    if lows[k] in POSSESSED_NOUNS:
        return lows[n] in ("his", "her", "their") or lows[n].endswith("'s")
    return True


def _title_case(toks: list[Tok]) -> bool:
    words = [t for t in toks if t.text[:1].isalpha() and len(t.text) > 3]
    return len(words) >= 3 and sum(t.text[:1].isupper() for t in words) >= 0.8 * len(words)


def clause_bounds(toks: list[Tok], k: int) -> tuple[int, int]:
    lo = k
    while lo > 0 and toks[lo - 1].low not in CLAUSE_WORDS:
        lo -= 1
    hi = k
    while hi < len(toks) - 1 and toks[hi + 1].low not in CLAUSE_WORDS:
        hi += 1
    return lo, hi + 1


_NEGATIVE_TYPES = {"entry_refused", "disappeared", "extradition_denied", "asylum_denied"}


_AFTER_PARTICIPLE = frozenset({"on", "in", "at", "by", "after", "during", "for", "since", "last", "earlier",
                               "this", "near", "outside", "while", "over", "following", "together", "with",
                               "of", "to", "from", "under"})


def reduced_relative(toks: list[Tok], k: int) -> bool:
    """"two Russian activists detained on Sunday": a past participle after a
    noun and before an adverbial, not a verb with its object ("police detained him")."""
    t = toks[k].low
    if not t.endswith(("ed", "en")) or k == 0 or k + 1 >= len(toks):
        return False
    prev = toks[k - 1].low
    if prev in PASSIVE_AUX or prev in ("had", "has", "have", "who", "which", "that", "and", "not", "never"):
        return False
    if prev == ",":
        # "Zonov, accused of desertion, was arrested" (not "Tretyakov, 26, moved to Samarkand"):
        # after a noun, with the sentence's own verb still to come
        return toks[k + 1].low in _AFTER_PARTICIPLE and k > 1 and toks[k - 2].text.isalpha() and \
            any(t.low in ("was", "were", "is", "are", "has", "had", "have") for t in toks[k + 1:])
    return toks[k + 1].low in _AFTER_PARTICIPLE and prev.isalpha()


def is_unreal(sent: Sent, tr: Trigger) -> bool:
    toks = sent.toks
    lo, _ = clause_bounds(toks, tr.i)
    if reduced_relative(toks, tr.i):
        # Its own phrase: the main clause's "whether to deport" does not reach it.
        lo = max([lo] + [n + 1 for n in range(lo, tr.i) if toks[n].text == ","])
    before = [t.low for t in toks[lo:tr.i]]
    window = before[-4:]
    if tr.type not in _NEGATIVE_TYPES and any(w in NEGATIONS or w.endswith("n't") for w in window):
        return True
    # "demanded his release", "to avoid arrest", "the threat of extradition" (not "after his
    # escape, he was detained": a comma closes what governs)
    governed = before[-5:]
    if "," in governed:
        governed = governed[len(governed) - governed[::-1].index(","):]
    if any(w in GOVERNORS for w in governed):
        return True
    if _activity_noun(toks, tr.i):
        return True
    # "in May 2024" is a month, not a modal; "tried to cross the border, she was detained": an
    # attempt reaches only its own infinitive, not a clause with a subject of its own
    for n, (w, t) in enumerate(zip(before, toks[lo:tr.i]), lo):
        if w in MODAL_WORDS - {"to"} and not (w == "may" and t.text == "May" and n > 0):
            if w in _ATTEMPTS and any(m.is_pronoun and m.case == "subj" or not m.is_pronoun
                                      for m in sent.mentions if n < m.i < tr.i):
                continue
            return True
    # "to extradite him", "plans to seek asylum", "claiming to have been imprisoned": an infinitive
    # is an aim or a claim, not a fact, unless it follows "managed to" or "the first to be"
    n = len(before) - 1
    while n >= 0 and n >= len(before) - 6 and (before[n] in ("have", "be", "been", "being", "and")
                                               or before[n].endswith(("ly", "ed"))):
        n -= 1
    if n >= 0 and before[n] == "to" and not any(w in _DONE_INFINITIVE for w in before[max(0, n - 7):n]):
        return tr.type not in ("extradition_approved", "extradition_denied", "entry_refused")
    # "denied that he was extradited"
    # "denied he had been deported"
    full_before = [t.low for t in toks[:tr.i]]
    for n, w in enumerate(full_before):
        if w in ("denied", "denies", "deny", "denying") and n + 1 < len(full_before) and (
                full_before[n + 1] == "that" or tr.i - n <= 5 and tr.type not in _NEGATIVE_TYPES):
            return True
    return False


def _activity_noun(toks: list[Tok], k: int) -> bool:
    """A gerund after a preposition names an activity, not an act that happened:
    "accused of illegally crossing the border", "in fear of being deported"."""
    if not (toks[k].low.endswith("ing") or k > 0 and toks[k - 1].low in ("being", "having")):
        return False
    n = k - 1
    while n >= 0 and (toks[n].low in ("being", "having", "been") or toks[n].low.endswith("ly")):
        n -= 1
    return n >= 0 and toks[n].low in ("of", "for", "with", "about", "against", "without")


PASSIVE_AUX = {"was", "were", "been", "be", "is", "are", "being", "got", "get", "gets"}


def is_passive(toks: list[Tok], k: int) -> bool:
    if k > 0 and toks[k - 1].low == "being":
        return True                # "after being denied entry"
    n = k - 1
    while n >= 0 and (toks[n].low in ("also", "then", "later", "not", "again", "now", "still", "already",
                                      "being", "never", "soon", "first", "once", "twice")
                      or toks[n].low.endswith("ly") and len(toks[n].low) > 3):
        n -= 1
    return n >= 0 and toks[n].low in PASSIVE_AUX


def find_patients(sent: Sent, tr: Trigger, shared: tuple[str, ...] | None) -> tuple[str, ...]:
    toks = sent.toks
    lo, hi = clause_bounds(toks, tr.i)
    slot = tr.slot
    if slot == "obj" and (is_passive(toks, tr.i) or reduced_relative(toks, tr.i)):
        slot = "subj"
    if tr.type == "entry_refused" and slot == "obj" and tr.last + 1 < len(toks) and toks[tr.last + 1].low == "to":
        # "refused entry to Vasilisa Ternovskaya"
        m = next((m for m in sent.mentions if m.i == tr.last + 2), None)
        if m:
            return mention_group(sent, m)
    # A name inside a relative clause the trigger is not in ("Kholodov, a programmer
    # who was detained together with Mukhortova, was released") is not its subject.
    # So is one inside an apposition ("Komron K., a brother of activist Shabnam K., was ordered to
    # leave"), and the apposition does not count in the distance to the verb.
    appositions = [(a, b) for a, b in _appositions(sent) if not a <= tr.i <= b]
    aside = [(a, b) for a, b in background_spans(toks) if not a <= tr.i < b] + appositions
    right = sorted((m for m in sent.mentions if m.i > tr.i), key=lambda m: m.i)
    left = sorted((m for m in sent.mentions if m.j <= tr.i
                   and not any(a < m.i < b for a, b in aside)), key=lambda m: -m.j)

    def pick(ms, cases, limit, within=None):
        for m in ms:
            distance = (m.i - tr.last) if m.i > tr.i else \
                (tr.i - m.j - sum(b - a + 1 for a, b in appositions if m.j <= a and b < tr.i))
            if distance > limit:
                break
            if within and not (within[0] <= m.i < within[1]):
                continue
            if m.case in cases:
                return mention_group(sent, m)
        return None

    if slot == "obj":
        found = _direct_object(sent, tr, right) or pick(left, {"obj"}, 3)
    elif slot == "subj":
        found = _client_of_counsel(sent, tr) or pick(left, {"subj", "any"}, 16) or \
            pick(right, {"subj", "any"}, 4, (tr.i, hi))
        if not found and _nonfinite(toks, tr.i):
            # "…, after being denied entry": the subject of the clause it hangs on
            found = pick(left, {"subj", "any"}, 40)
    elif slot in ("gen", "against", "with"):
        k = tr.i - 1
        if k >= 0 and toks[k].text in ("'", "’"):
            k -= 1                          # "the activists' release"
        # "his current whereabouts", "his repeated requests"
        skipped = 0
        while k >= 0 and skipped < 2 and toks[k].text.isalpha() and toks[k].text.islower() \
                and toks[k].low not in _NOT_IN_OBJECT and toks[k].low not in ("his", "her", "their", "its") \
                and (not toks[k].low.endswith("ed") or k > 0 and toks[k - 1].low in ("his", "her", "their")):
            k -= 1
            skipped += 1
        # "his deportation", "Zhuravleva's extradition", "ordered his deportation"
        inside = [m for m in sent.mentions if tr.i < m.i and m.j <= tr.last]
        poss = next((m for m in left + inside if (m.j == k + 1 or m in inside)
                     and (m.case == "poss" or toks[m.j - 1].low.endswith("'s") or toks[m.i].low == "her")), None)
        found = mention_group(sent, poss) if poss else pick(right, {"any", "obj"}, 6) or \
            pick(left, {"subj", "any"}, 8) or (pick(left, {"obj"}, 3) if slot == "against" and tr.i > 0 else None)
        if not found and slot == "gen" and toks[tr.i].low in NOUN_TRIGGERS:
            # "His legal journey goes back to a 2014 indictment": the clause's possessor
            found = pick([m for m in left if m.i >= lo], {"poss"}, 20)
    else:
        found = None
    return found or (shared if slot in ("subj", "obj") and shared else ())


def _nonfinite(toks: list[Tok], k: int) -> bool:
    """"after being denied entry", "since fleeing Belarus": a clause with no subject of its own."""
    n = k - 1
    if toks[k].low.endswith("ing"):
        return n >= 0 and toks[n].low in _NONFINITE_LEADS
    return n >= 1 and toks[n].low == "being" and toks[n - 1].low in _NONFINITE_LEADS


_NONFINITE_LEADS = frozenset({"after", "before", "while", "since", "upon", "when", "without", "despite"})


def _appositions(sent: Sent) -> list[tuple[int, int]]:
    """", a brother of activist Shabnam K.," after a name: (first comma, closing comma)."""
    toks = sent.toks
    spans = []
    for m in sent.mentions:
        c = m.j
        if c + 1 < len(toks) and toks[c].text == "," and (toks[c + 1].low in ("a", "an", "the", "former", "ex")
                                                          or toks[c + 1].text.isdigit()):
            end = next((n for n in range(c + 1, min(len(toks), c + 18)) if toks[n].text in (",", ")", ";")), None)
            if end is not None:
                spans.append((c, end))
    return spans


_NOT_IN_OBJECT = frozenset({"about", "of", "for", "to", "with", "from", "in", "on", "at", "by", "into",
                            "against", "after", "before", "than", "that", "which", "who", "because", "while",
                            "when", "said", "says", "told", "statement", "report", "names", "list", "photos",
                            "video", "documents", "information", "data", ";", ":"})


def _direct_object(sent: Sent, tr: Trigger, right: list[Mention]) -> tuple[str, ...] | None:
    """The person right after an active verb, past only descriptive words: not
    "released a statement about Ivan Petrov"."""
    toks = sent.toks
    for m in right:
        if m.case not in ("obj", "any"):
            continue
        between = toks[tr.last + 1:m.i] if m.i > tr.last else []
        if between and between[0].low == "of" and toks[tr.last].low == "custody":
            between = between[1:]                   # "took custody of X"
        # "extradited to Russia a Chechen man": a destination before the object
        while len(between) > 1 and between[0].low in ("to", "from", "back") and (
                between[1].text[:1].isupper() or between[1].low == "to"):
            between = between[1:]
            while between and between[0].text[:1].isupper():
                between = between[1:]
        if len(between) > 8:
            return None
        # A preposition or a clause word means the name is not the verb's object:
        # "released a statement about Ivan Petrov", "detained ... after Ivan Petrov said".
        if any(t.low in _NOT_IN_OBJECT for t in between):
            return None
        return mention_group(sent, m)
    return None


_COUNSEL = frozenset({"lawyer", "lawyers", "attorney", "attorneys", "counsel", "defence", "defense", "team"})


def _client_of_counsel(sent: Sent, tr: Trigger) -> tuple[str, ...] | None:
    """"Her lawyer, Milica Radonjić, filed an appeal": the appeal is the client's."""
    toks = sent.toks
    for k in range(max(0, tr.i - 12), tr.i):
        if toks[k].low in _COUNSEL and k > 0:
            owner = next((m for m in sent.mentions if m.j == k and (m.case == "poss" or
                                                                   toks[m.j - 1].low.endswith("'s"))), None)
            if owner:
                return mention_group(sent, owner)
    return None


def request_topic(sents: list[Sent], sent: Sent) -> str | None:
    """"the ministry rejected her claim": a claim for what? The nearest topic word."""
    words = [t.low for t in sent.toks] + ([t.low for t in sents[sent.index - 1].toks] if sent.index else [])
    for w in words:
        if w in ("asylum", "refugee", "protection"):
            return "asylum_denied"
        if w in ("extradition", "extradite"):
            return "extradition_denied"
    return None


def classify_removal(sent: Sent, tr: Trigger, etype: str) -> str:
    after = [t.low for t in sent.toks[tr.last + 1:tr.last + 6]]
    if etype == "detained" and (after[:2] == ["in", "absentia"] or after[:1] == ["since"] or (
            after[:1] == ["in"] and any(w in ("prison", "jail", "colony") for w in after[1:]))):
        return "arrested"         # "arrested in absentia", "detained in a Bangkok prison since December"
    lows = {t.low for t in sent.toks[tr.i + 1:]}
    if etype == "transferred" and lows & HOME_PLACES and lows & SECURITY_WORDS:
        return "handed_over"
    if etype == "fled" and tr.words.lower().startswith(("escaped",)):
        return "escaped"
    if etype == "fled" and tr.words.lower().startswith(("moved", "relocated")) and is_passive(sent.toks, tr.i):
        return "transferred"      # "has been moved to the Gldani prison": someone moved him
    return etype


def named_near(sent: Sent, tr: Trigger) -> bool:
    """Is anyone named in the trigger's part of the sentence (between commas
    and clause words)? "…refused the request, and she was released" names no
    one in its first part."""
    toks = sent.toks
    lo, hi = clause_bounds(toks, tr.i)
    lo = max([lo] + [n + 1 for n in range(lo, tr.i) if toks[n].text in (",", ";")])
    hi = min([hi] + [n for n in range(tr.last + 1, hi) if toks[n].text in (",", ";")])
    return any(lo <= m.i < hi for m in sent.mentions)


_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                 "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20}


def term_years(sent: Sent, tr: Trigger) -> float | None:
    lows = [t.low for t in sent.toks]
    # "sentenced to ten years", "handed a 23-year prison sentence" (the number may come first)
    start = tr.i + 1 if tr.last == tr.i else tr.i
    for k in range(start, min(len(lows), tr.last + 10)):
        if lows[k] in ("years", "year"):
            prev = lows[k - 2] if lows[k - 1] == "-" else lows[k - 1]
            if prev.replace(".", "", 1).isdigit():
                return float(prev)
            if prev in _NUMBER_WORDS:
                return float(_NUMBER_WORDS[prev])
    return None


_CHARGE_LEAD = re.compile(
    r"\b(?:charged(?: \w+){0,3} with|accused(?: \w+){0,2} of|convicted(?: \w+){0,2} of|on (?:a |the |alleged |criminal |new )*charges? (?:of|related to)|"
    r"on suspicion of|suspected of|in connection with(?: an? (?:investigation|case|probe) into)?|for)\s+"
    r"(?:having |being |an? |the |allegedly )*[\"“«']?((?:[a-z-]+\s?){1,5})")
_CHARGE_STOP = frozenset({"and", "in", "after", "while", "on", "at", "because", "but", "which", "who", "to",
                          "from", "since", "until", "when", "by"})


# "faces terrorism charges", "on conspiracy charges": the charge is the noun's modifier.
_CHARGE_MODIFIED = re.compile(r"\b(?:on|faces?|facing|faced|over|with)\s+((?:[a-z-]+\s){1,3})charges?\b")
_NOT_CHARGES = frozenset({"a", "an", "the", "new", "criminal", "alleged", "several", "multiple", "two", "three",
                          "these", "those", "such", "similar", "his", "her", "their", "its", "same", "false",
                          "trumped-up", "fabricated", "unspecified", "unknown", "other", "further", "more",
                          "formal", "no", "any", "serious", "various"})
# A charge told before the trigger in the same sentence ("was charged with
# extremism and placed on the wanted list") belongs to its acts too.
_CHARGE_BEFORE = re.compile(r"\b(?:charged(?: \w+){0,3} with|accused(?: \w+){0,2} of|convicted(?: \w+){0,2} of)\s+"
                            r"(?:having |being |an? |the |allegedly )*[\"“«']?((?:[a-z-]+\s?){1,5})")


def _modified_charge(text: str) -> tuple[int, str] | None:
    for m in _CHARGE_MODIFIED.finditer(text):
        words = [w for w in m.group(1).split() if w not in _NOT_CHARGES]
        if words and not any(w in _CHARGE_STOP for w in words):
            return m.start(), " ".join(words)
    return None


def charge_of(sent: Sent, tr: Trigger) -> str | None:
    """"charged with treason", "on charges of illegal border crossing", "in
    connection with an investigation into illegal access to computer data",
    "faces terrorism charges", "arrested for allegedly inciting"."""
    text = sent.text[sent.toks[tr.i].start - sent.start:]
    modified = _modified_charge(text)
    found = _charge_after(text, tr)
    if modified and (found is None or modified[0] < found[0]):
        return modified[1]
    if found:
        return found[1]
    before = sent.text[:sent.toks[tr.i].start - sent.start]
    m = _CHARGE_BEFORE.search(before)
    if m and tr.type in ("wanted", "arrested", "detained", "sentenced"):
        return _charge_words(m.group(1))
    return None


def _charge_words(words_text: str) -> str | None:
    words = []
    for w in words_text.split():
        if w in _CHARGE_STOP:
            break
        words.append(w)
    charge = " ".join(words).strip()
    if charge and not charge.startswith(("years", "months", "days", "weeks", "life", "up ", "a ", "the years",
                                         "two ", "three ", "several ", "his ", "her ", "their ")):
        return charge
    return None


def _charge_after(text: str, tr: Trigger) -> tuple[int, str] | None:
    for m in _CHARGE_LEAD.finditer(text):
        # "for" names a charge after a verdict, a charge or a search, and
        # after any act when it is alleged ("arrested for allegedly imploring").
        if m.group().startswith("for") and tr.type not in ("charged", "sentenced", "wanted") \
                and "allegedly" not in m.group() and not (tr.type == "arrested" and _GERUND.match(m.group(1))):
            continue
        charge = _charge_words(m.group(1))
        if charge:
            return m.start(), charge
    return None


_GERUND = re.compile(r"[a-z]+ing\b")


def background_spans(toks: list[Tok]) -> list[tuple[int, int]]:
    """", a deserter who fled to Kyrgyzstan in 2023," — a relative clause set off by
    a comma dates its own verb, not the main clause's."""
    spans = []
    for k in range(1, len(toks)):
        # ", where he was granted asylum in 2016": a place's relative clause too
        if toks[k].low in ("who", "which", "whose", "whom") or toks[k].low == "where" and toks[k - 1].text == ",":
            end = next((n for n in range(k + 1, len(toks)) if toks[n].text in (",", ";", "—", "–", ":")),
                       len(toks))
            spans.append((k, end))
    return spans
