"""Russian extraction, stage 4: mentions (coreference).

Takes the sentences, the persons and their name spans; fills each sentence's
`mentions` with the persons it refers to: the names themselves, third-person
pronouns, "который" and nouns that describe one person (`attach_mentions`),
then the first and second person of quotes and interviews and a speaker's
"мой сын", "мужа" (`attach_speakers`, which also marks an interviewer's
questions, `Sent.asks`, and the answers that confirm them, `Sent.confirms`).
"""
from __future__ import annotations

import bisect
import re

from .ru_lexicon import INTERVIEW_WORDS, KIN_NOUNS, PERSONAL_PRONOUNS, SPEECH_VERBS, TITLE_TO_ROLE
from .ru_persons import Person, Span
from .ru_roles import blocked_ids, is_source, title_role
from .ru_tokens import CASE_OF_FEAT, Mention, Sent

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


# --- names, pronouns, descriptions -----------------------------------------------

def attach_mentions(sents: list[Sent], persons: list[Person], spans: list[Span]) -> None:
    gender_of = {p.local_id: p.gender for p in persons}
    blocked = blocked_ids(persons)
    by_sent: dict[int, list[Span]] = {}
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
                                             source=is_source(sent.toks, s.i)))
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
                    target = _reporter(sent, k, gender, gender_of, blocked)
                    for g in reversed(recent[-12:]):
                        if target:
                            break
                        if len(g) == 1 and gender_of.get(g[0]) in (gender, None) and g[0] not in blocked:
                            target = g
                            break
                if target:
                    sent.mentions.append(Mention(k, k + 1, target, frozenset(cases), is_pronoun=True))
            k += 1


def _reporter(sent: Sent, k: int, gender: str, gender_of: dict, blocked: set) -> tuple[str, ...] | None:
    """"Абдурахманов, который покинул республику из-за конфликта с родственниками
    Кадырова, сообщил, что его депортируют": a pronoun in what a person said is
    the person who said it, not the last name before it."""
    toks = sent.toks
    that = next((n for n in range(k - 1, 0, -1) if toks[n].low == "что"), None)
    if that is None or any(t.text in (";", ":") or t.pos == "VERB" for t in toks[that + 1:k]):
        return None
    verb = next((n for n in range(that - 1, -1, -1) if toks[n].lemma in SPEECH_VERBS), None)
    if verb is None or that - verb > 4:
        return None
    for m in sorted(sent.mentions, key=lambda m: m.i):
        if m.is_pronoun or m.j > verb or "nomn" not in m.cases or len(m.persons) != 1:
            continue
        person = m.persons[0]
        # The speaker: the nominative name that opens the speech verb's clause;
        # a verb between them counts only outside a "который" clause.
        relative = next((n for n in range(m.j, verb) if toks[n].lemma == "который"), verb)
        if person not in blocked and gender_of.get(person) in (gender, None) and not any(
                t.pos in ("VERB", "AUX") and t.lemma not in SPEECH_VERBS for t in toks[m.j:relative]):
            return (person,)
    return None


# --- who speaks: first person in quotes and interviews ---------------------------

_DASHES = ("—", "–", "-")


def attach_speakers(text: str, sents: list[Sent], persons: list[Person]) -> None:
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
    blocked = blocked_ids(persons)
    # "— говорит адвокат": the one person the text gives that title
    by_title: dict[str, set[str]] = {}
    for p in persons:
        for lemma in p.descriptors | {t for t, r in TITLE_TO_ROLE.items() if r == title_role(p)}:
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
                  persons: list[Person], blocked: set[str]) -> None:
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


def _relative_of(speaker: str, gender: str, persons: list[Person], blocked: set[str]) -> str | None:
    """The family member a speaker means: the person the text is most about."""
    candidates = [p for p in persons if p.local_id != speaker and p.local_id not in blocked
                  and p.gender in (gender, None)]
    if not candidates:
        return None
    return max(candidates, key=lambda p: len(p.spans)).local_id
