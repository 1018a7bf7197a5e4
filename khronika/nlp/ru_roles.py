"""Russian extraction, stage 3: roles and attributes.

Takes the sentences and the persons; fills in what the text says each person
is (`describe`): role votes from titles ("министр", "адвокат"), an occupation,
an age, the nouns that describe them, and whether they speak or are quoted as
a source (`is_source`: "по словам Рзаева"). `title_role` reads a person's role
back; `blocked_ids` are the persons (officials, lawyers, quoted sources) that
are no antecedent for a pronoun, nor whom a sentence is about.
"""
from __future__ import annotations

import re

from .ru_lexicon import OCCUPATIONS, SPEECH_VERBS, TITLE_TO_ROLE
from .ru_persons import Person, Span
from .ru_tokens import CASE_OF_FEAT, Sent, Tok


def describe(sents: list[Sent], persons: list[Person]) -> None:
    ends = {(s.sent, s.j): s for p in persons for s in p.spans}
    for p in persons:
        for s in p.spans:
            toks = sents[s.sent].toks
            # "адвокат У. Кувватова, Николай Николаев": the title before a client's
            # genitive name is the apposed name's.
            client = ends.get((s.sent, s.i - 1)) if s.i > 1 and toks[s.i - 1].text == "," else None
            if client is not None and client.person != s.person:
                k = client.i - 1
                while k > 0 and (toks[k].text == "." or len(toks[k].text) == 1 and toks[k].text.isupper()):
                    k -= 1          # the client's initials: "У. Кувватова"
                if k >= 0 and toks[k].lemma in TITLE_TO_ROLE and toks[k].feats.get("Case") == "Nom":
                    role = TITLE_TO_ROLE[toks[k].lemma]
                    p.role_votes[role] = p.role_votes.get(role, 0) + 1
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
            # A former official ("бывшего белорусского следователя", "экс-министра")
            # acts for no state now: often the one persecuted.
            former = any(t.lemma == "бывший" or t.low.startswith("экс") for t in seen)
            if title and not former:
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
            if _is_speaker(toks, s) or is_source(toks, s.i):
                p.speaker = True
                p.speaking += 1


def _is_speaker(toks: list[Tok], s: Span) -> bool:
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
    (An apposition after the name keeps its own words: see describe.)"""
    return head.lemma


_SOURCE_NOUNS = frozenset({"слово", "данные", "мнение", "информация", "сведение", "оценка", "подсчет"})


def is_source(toks: list[Tok], i: int) -> bool:
    """"по словам Рзаева", "по данным адвоката", "со слов матери": the one who reports."""
    k = i - 1
    while k >= 0 and toks[k].pos in ("NOUN", "ADJ") and toks[k].lemma not in _SOURCE_NOUNS:
        k -= 1            # "по словам адвоката Эльчина Рзаева"
    return k >= 1 and toks[k].lemma in _SOURCE_NOUNS and toks[k - 1].low in ("по", "со")


def title_role(p: Person) -> str | None:
    return max(p.role_votes, key=p.role_votes.get) if p.role_votes else None


def blocked_ids(persons: list[Person]) -> set[str]:
    """Officials, lawyers and quoted sources: no antecedent for "его задержали" —
    unless the text is about a person it quotes now and then (most mentions are not quotes)."""
    return {p.local_id for p in persons if title_role(p) in ("official", "lawyer")
            or p.speaker and not p.attributes.get("occupation") and 2 * p.speaking >= len(p.spans)}
