"""English mentions: names, pronouns, "the journalist", "who" and coordinated lists, each tied to its persons."""
from __future__ import annotations

from dataclasses import dataclass

from .en_lexicon import (
    NON_NAME_WORDS,
    NUMBER_WORDS,
    OCCUPATIONS,
    PERSON_NOUNS,
    PERSON_PLURALS,
    SPEECH_VERBS,
    TITLE_TO_ROLE,
)
from .en_persons import Person, title_role
from .en_text import Mention, Sent, Tok

_PRONOUNS = {"he": ("m", "subj"), "him": ("m", "obj"), "his": ("m", "poss"), "himself": ("m", "obj"),
             "she": ("f", "subj"), "her": ("f", "obj"), "hers": ("f", "poss"), "herself": ("f", "obj"),
             "they": ("pl", "subj"), "them": ("pl", "obj"), "their": ("pl", "poss"), "both": ("pl", "any")}


def attach_mentions(sents: list[Sent], persons: list[Person]) -> None:
    blocked = {p.local_id for p in persons if title_role(p) in ("official", "lawyer")}
    gender = {p.local_id: p.gender for p in persons}
    weight = {p.local_id: len(p.spans) for p in persons}
    at: dict[tuple[int, int], tuple[int, str]] = {}
    for p in persons:
        for s_index, i, j in p.spans:
            at[(s_index, i)] = (j, p.local_id)
    described = {}
    for p in persons:
        for d in p.descriptors:
            described.setdefault(d, set()).add(p.local_id)
    # In order of first mention: who a lead's "a Tajik activist" or "all four activists" will turn out to be.
    named_later = [pid for _, _, pid in sorted((s, i, pid) for (s, i), (_, pid) in at.items())]
    authors = {p.local_id for p in persons if p.author}
    named_later = [pid for pid in dict.fromkeys(named_later) if pid not in blocked | authors]
    speaker_of = _quoted_speakers(sents, at)
    kin = _kin_appositions(sents, at)
    recent: list[tuple[str, ...]] = []
    last_seen: dict[str, int] = {}
    story = _Story(recent, last_seen, blocked, described, weight, named_later)
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
                owner = _kin_owner(sent, k)
                if owner:                            # "his wife, Arevik Zonova": her husband's wife
                    kin[(owner[0], _KIN_CLASS[owner[1]])] = pid
                    kin[(pid, _CONVERSE[_KIN_CLASS[owner[1]]])] = owner[0]
                sent.mentions.append(m)
                previous_name = m
                first_seen.setdefault(pid, sent.index)
                last_seen[pid] = sent.index
                seen_here.add(pid)
                if m.chain is not None:
                    group = tuple(dict.fromkeys(p for x in sent.mentions if x.chain == m.chain for p in x.persons))
                    recent.append(group)
                    story.last_group_sent = sent.index
                else:
                    recent.append((pid,))
                k = j
                continue
            if tok.low in _FIRST_PERSON and sent.paragraph in speaker_of:
                # "'I was detained at the border,' Gadoev told us": the quoted speaker
                sent.mentions.append(Mention(k, k + 1, (speaker_of[sent.paragraph],), _FIRST_PERSON[tok.low],
                                             is_pronoun=True))
                k += 1
                continue
            info = _PRONOUNS.get(tok.low)
            described_np = None if info else _description(sent, k, at)
            if info:
                g, case = info
                target = None
                if g == "pl":
                    if sent.index - story.last_group_sent <= 3:
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
                    relative = k + 1 < len(sent.toks) and case in ("poss", "obj") and len(target) == 1 and kin.get(
                        (target[0], _KIN_CLASS.get(sent.toks[k + 1].low)))
                    if relative and (sent.index, k + 2) not in at:
                        sent.mentions.append(Mention(k, k + 2, (relative,), "any", is_pronoun=True))
                        seen_here.add(relative)
                        k += 2
                        continue
                    if len(target) == 1 and recent and recent[-1] != target:
                        recent.append(target)      # the pronoun keeps its person in the story
            elif described_np is not None:
                target = _description_target(sent, described_np, story)
                if target:
                    end = described_np[0]
                    poss = sent.toks[end - 1].low.endswith("'s") or (
                        end < len(sent.toks) and sent.toks[end].low == "'")
                    sent.mentions.append(Mention(k, end, target, "poss" if poss else "any", is_pronoun=True))
                    seen_here.update(target)
                    if not (recent and recent[-1] == target) and (len(target) == 1 or described_np[3]):
                        recent.append(target)      # "the blogger", like "he", keeps the story's person
                    for pid in target:
                        last_seen[pid] = sent.index
                    k = end
                    continue
            elif tok.low in ("who", "whom", "whose") and k > 1:
                # "Eremeeva, a Russian teacher whom a court refused to extradite";
                # "deported A and B, who were later sentenced": both.
                before = next((m for m in reversed(sent.mentions) if k - 7 <= m.j < k
                               and sent.toks[m.i].low not in _PRONOUNS), None)
                if before:
                    case = {"who": "subj", "whom": "obj", "whose": "poss"}[tok.low]
                    sent.mentions.append(Mention(k, k + 1, mention_group(sent, before), case, is_pronoun=True))
            k += 1


# A relative's word -> how the relation is stored: ("X", "sibling") -> X's brother or sister.
_KIN_CLASS = {"brother": "sibling", "sister": "sibling", "wife": "spouse", "husband": "spouse",
              "mother": "parent", "father": "parent", "son": "child", "daughter": "child"}
_CONVERSE = {"sibling": "sibling", "spouse": "spouse", "parent": "child", "child": "parent"}


def _kin_appositions(sents: list[Sent], at) -> dict[tuple[str, str], str]:
    """"Komron K., a brother of activist Shabnam K.," -> Shabnam's sibling is Komron and his is her."""
    kin: dict[tuple[str, str], str] = {}
    for (s_index, i), (j, pid) in at.items():
        toks = sents[s_index].toks
        if j + 3 < len(toks) and toks[j].text == "," and toks[j + 1].low in ("a", "an", "the") \
                and toks[j + 2].low in _KIN_CLASS and toks[j + 3].low == "of":
            for n in range(j + 4, min(len(toks), j + 10)):
                if toks[n].text in (",", ";", "."):
                    break
                if (s_index, n) in at:
                    other, relation = at[(s_index, n)][1], _KIN_CLASS[toks[j + 2].low]
                    kin[(other, relation)] = pid
                    kin[(pid, _CONVERSE[relation])] = other
                    break
    return kin


def _kin_owner(sent: Sent, k: int) -> tuple[str, str] | None:
    """Whose relative the name at k is: "his wife Mared K.", "Zonov's wife, Arevik Zonova"."""
    n = k - 1
    if n >= 0 and sent.toks[n].text == ",":
        n -= 1
    if n < 1 or sent.toks[n].low not in _KIN_CLASS:
        return None
    owner = next((m for m in sent.mentions if m.j == n and (m.case == "poss" or sent.toks[m.j - 1].low.endswith("'s"))
                  and len(m.persons) == 1), None)
    return (owner.persons[0], sent.toks[n].low) if owner else None


_FIRST_PERSON = {"i": "subj", "me": "obj", "my": "poss", "myself": "obj"}
_QUOTES = ('"', "“", "”", "«", "»")


def _quoted_speakers(sents: list[Sent], at) -> dict[int, str]:
    """Paragraph -> the one person quoted in it ("…," Gadoev told DW; said Gadoev)."""
    speakers: dict[int, set[str]] = {}
    quoted = {sent.paragraph for sent in sents if any(q in sent.text for q in _QUOTES)}
    for (s_index, i), (j, pid) in at.items():
        sent = sents[s_index]
        if sent.paragraph in quoted and (j < len(sent.toks) and sent.toks[j].low in SPEECH_VERBS
                                         or i > 0 and sent.toks[i - 1].low in SPEECH_VERBS):
            speakers.setdefault(sent.paragraph, set()).add(pid)
    return {para: next(iter(pids)) for para, pids in speakers.items() if len(pids) == 1}


@dataclass
class _Story:
    """Who the text has been about, for the descriptions that stand for someone."""
    recent: list[tuple[str, ...]]          # persons and groups in the order mentioned
    last_seen: dict[str, int]              # person -> the last sentence that named or described them
    blocked: set[str]                      # officials and lawyers
    described: dict[str, set[str]]         # "blogger" -> the persons the text called so
    weight: dict[str, int]                 # person -> how often named
    named_later: list[str]                 # persons in the order first named
    last_group_sent: int = -10


def _description_target(sent: Sent, np: tuple[int, str, int | None, bool], story: _Story):
    """The persons a description stands for (see `_description`), or None."""
    _, head, number, definite = np
    # the name just before it in its own sentence is someone else ("Shamina learned of the activist's arrest")
    here = set(next((m.persons for m in reversed(sent.mentions) if not m.is_pronoun), ()))
    if number is not None:
        if definite or not story.recent:
            return _plural_target(story.recent, story.named_later, here, number,
                                  sent.index - story.last_group_sent)
        return None
    if not story.recent and not definite:
        # the lead's "Germany has deported a Tajik activist": the person named in what follows
        return tuple(story.named_later[:1]) or None
    if definite:
        # "the blogger", "the former commander": the person the story told of last
        near = [pid for pid, s_index in story.last_seen.items()
                if sent.index - s_index <= 4 and pid not in story.blocked and pid not in here]
        if near:
            return (max(near, key=lambda pid: (story.last_seen[pid], pid in story.described.get(head, ()),
                                               story.weight[pid])),)
    return None


_DETERMINERS = {"the": True, "this": True, "that": True, "our": True, "these": True, "those": True,
                "all": True, "both": True, "a": False, "an": False}
_NOT_MODIFIERS = frozenset({"of", "in", "on", "at", "by", "for", "from", "to", "with", "and", "or", "but", "as",
                            "the", "a", "an", "his", "her", "their", "its", "who", "which", "that", "was", "were",
                            "is", "are", "has", "have", "had", "been", "be", "said", "says", "told", "other",
                            "another", "same", "first", "last", "next", "only", "police", "authorities",
                            "court", "courts", "government", "officials", "official", "officers", "agents",
                            "guards", "ministry", "judge", "judges", "forces", "troops", "investigators",
                            "prosecutors", "prosecutor", "service", "services", "embassy", "regime"})
# "the activist media group", "refugee status": the person noun is a modifier there
_COMPOUNDS = frozenset({"media", "group", "groups", "movement", "movements", "organization", "organisation",
                        "organizations", "network", "community", "circles", "rights", "camp", "camps", "status",
                        "visa", "card", "union", "association", "committee", "center", "centre", "council",
                        "party", "outlet", "agency", "service", "channel", "site", "website", "blog", "account",
                        "school", "team", "unit", "units", "passport", "leaders"})
_COPULAS = frozenset({"is", "was", "are", "were", "be", "been", "being", "become", "became", "remains",
                      "remained", "as"})
_PARTS = frozenset({"one", "some", "many", "several", "most", "none", "each", "any", "two", "three", "dozens",
                    "hundreds", "thousands", "among"})
_DEMONYM_HEADS = frozenset({"chechen", "russian", "belarusian", "tajik", "uzbek", "kazakh", "kyrgyz", "turkmen",
                            "ukrainian", "dagestani", "ingush", "georgian", "armenian", "azerbaijani", "uyghur"})


def _description(sent: Sent, k: int, at) -> tuple[int, str, int | None, bool] | None:
    """A description of a person starting at token k: "the blogger", "a prominent Belarusian
    opposition figure", "the 50-year-old journalist", "all four activists", "both men",
    "an ethnic Chechen". Returns (end, head noun, number of people or None, definite)."""
    toks = sent.toks
    if k > 0 and toks[k - 1].low in _COPULAS or k > 1 and toks[k - 1].low == "of" and toks[k - 2].low in _PARTS:
        return None       # "Bdap is the founder of …", "one of the activists": not someone the story follows
    w = toks[k].low
    number = NUMBER_WORDS.get(w) if w != "both" else 2
    definite = _DETERMINERS.get(w)
    if definite is None and number is None:
        return None
    n = k + 1
    while n < len(toks) and n <= k + 7 and (sent.index, n) not in at:
        w = toks[n].low
        base = w.removesuffix("'s")
        if base in PERSON_NOUNS and not (n + 1 < len(toks) and toks[n + 1].low in PERSON_NOUNS | _COMPOUNDS):
            if (sent.index, n + 1) in at or (n + 2 < len(toks) and toks[n + 1].text == ","
                                             and (sent.index, n + 2) in at):
                return None       # "the blogger Ivan Petrov": the name says who
            return (n + 1, base, None, bool(definite)) if number is None else None
        if base in PERSON_PLURALS or (base == "family" and definite):
            if base in PERSON_PLURALS and number is None and definite and toks[k].low not in ("the", "these",
                                                                                              "those", "all"):
                return None
            return n + 1, base, (None if base == "family" else number or 0), bool(definite)
        if base in _DEMONYM_HEADS and number is None and definite is False and (
                n + 1 == len(toks) or toks[n + 1].low in ("has", "had", "was", "is", "who", ",", "—")):
            return n + 1, base, None, False
        if w in NUMBER_WORDS and number is None and not (n + 1 < len(toks) and toks[n + 1].text == "-"):
            number = NUMBER_WORDS[w]
        elif number and definite and n == k + 2 and w in ("are", "were", "have", "had"):
            return n, "", number, True        # "the four are wanted"
        elif toks[n].text == "-" or w.isdigit() or (w[:1].isalpha() and w not in _NOT_MODIFIERS
                                                  and not (w.endswith("ed") and n > k + 1)):
            pass
        else:
            return None
        n += 1
    return None


def _plural_target(recent, named_later, here, number, since_group) -> tuple[str, ...] | None:
    """Whom "the activists", "both men", "all four activists" or "the family" stand for."""
    if number == 0 and since_group <= 3:
        return next((grp for grp in reversed(recent) if len(grp) > 1), None)
    if not number:
        return (recent[-1][0],) if number is None and recent and len(recent[-1]) == 1 else None
    group = next((grp for grp in reversed(recent) if len(grp) == number), None)
    if group and since_group <= 3:
        return group
    if not recent:
        return tuple(named_later[:number]) if len(named_later) >= number else None
    # The N people the story told of lately, not the one telling it in this sentence.
    latest = list(dict.fromkeys(p for grp in reversed(recent) for p in grp if p not in here and p in named_later))
    return tuple(latest[:number]) if len(latest) >= number else None


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


_TITLE_WORDS = frozenset(w for w, role in TITLE_TO_ROLE.items() if role != "official")
_RELATIONS = frozenset({"sister", "brother", "wife", "husband", "partner", "colleague", "flatmate", "friend",
                        "son", "daughter", "mother", "father", "fellow", "comrade", "fiancée", "fiance"})


def _coordinated(between: list[Tok]) -> bool:
    """"X and Y", "X, Y and Z", "X and his sister, Y", "X, 29, and her partner, the musician Y"."""
    words = [t.low for t in between]
    if "and" not in words and "or" not in words and "well" not in words and words != [","]:
        return False      # ", his friend Anton Lebedev": an apposition, not a list
    allowed = {",", "and", "or", "his", "her", "their", "the", "a", "an", "also", "as", "well"} | _RELATIONS | \
        OCCUPATIONS | PERSON_NOUNS | _TITLE_WORDS
    return len(words) <= 10 and all(w in allowed or w.isdigit() or w in NON_NAME_WORDS and between[n].text[:1].isupper()
                                     for n, w in enumerate(words)) and (words.count(",") <= 3)


def mention_group(sent: Sent, m: Mention) -> tuple[str, ...]:
    if m.chain is None:
        return m.persons
    return tuple(dict.fromkeys(p for x in sent.mentions if x.chain == m.chain for p in x.persons))
