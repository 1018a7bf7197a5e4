"""Russian extraction, stage 5b: what a charge or a sentence says.

Takes a sentence and an event trigger in it; gives the accusation in the
nominative (`charge_of`: "обвинение в дезертирстве" -> "дезертирство") and
the prison term in years (`term_years`: "приговорили к шести годам" -> 6.0).
"""
from __future__ import annotations

import re

from . import ru_names
from .ru_events import Trigger
from .ru_lexicon import CHARGE_VERBS
from .ru_tokens import Sent, Tok

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
_CHARGE_PREPOSITIONS = {"в": ("charged",),
                        "за": ("charged", "sentenced", "wanted", "arrested", "deportation_ordered"),
                        "о": ("charged", "wanted"), "об": ("charged", "wanted")}
# Short names of charges, as the press writes them, in full (a reader and a
# search for "государственная измена" should find "госизмена").
_SHORT_NAMES = {"госизмена": "государственная измена", "экстремизм": "экстремизм",
                "наркотик": "незаконный оборот наркотиков"}
_ARTICLE_QUOTE = re.compile(r"по\s+стать[еи]\s+[«\"„“]([^»\"“”]{3,80})[»\"“”]", re.IGNORECASE)


def charge_of(sent: Sent, tr: Trigger) -> str | None:
    """What the person is accused of: "обвинение в дезертирстве", "обвинили ... в
    том, что она украла", "дело о «фейках»", "приговорили ... за дезертирство"."""
    toks = sent.toks
    quoted = _ARTICLE_QUOTE.search(sent.text, toks[tr.i].start - sent.start)
    if quoted and tr.type in ("charged", "wanted", "sentenced", "arrested"):
        return quoted.group(1).strip()          # "по статье «оправдание терроризма»"
    for k in range(tr.i + 1, min(len(toks), tr.i + 14)):
        t = toks[k]
        if t.text in (";",) or t.lemma in ("который",):
            break
        types = _CHARGE_PREPOSITIONS.get(t.low)
        accusation = t.low == "в" and toks[k - 1].lemma in ("обвинение", "подозрение")   # "по обвинению в ..."
        if tr.type == "detained" and not (accusation and k > 1 and toks[k - 2].low == "по"):
            continue          # a detention names its charge only as "по подозрению в ..."
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
                    words and x.pos == "ADP" and x.low in ("от", "в", "на", "против", "об", "о")
                    and any(w.pos == "NOUN" for w in words) and not any(w.pos == "ADP" for w in words)):
                words.append(x)
            else:
                break
        while words and words[-1].pos == "ADP":
            words.pop()
        head = next((x for x in words if x.pos == "NOUN"), None)
        if head is None or head.lemma in _NOT_A_CHARGE:
            continue
        # "в совершении ряда преступлений, в том числе мошенничестве": the named one
        n = k + 1 + len(words)
        while n < min(len(toks), k + 20) and toks[n].text in (",", "«", "»", '"'):
            n += 1
        if n + 3 < len(toks) and [x.low for x in toks[n:n + 3]] == ["в", "том", "числе"]:
            specific = [x for x in toks[n + 3:n + 8] if x.pos in ("ADJ", "NOUN")]
            noun = next((x for x in specific if x.pos == "NOUN"), None)
            if noun is not None:
                words, head = specific[:specific.index(noun) + 1], noun
        phrase = _charge_phrase(words, head)
        return _SHORT_NAMES.get(phrase, phrase)
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


def term_years(sent: Sent, tr: Trigger) -> float | None:
    toks = sent.toks
    for k in range(tr.i + 1, min(len(toks), tr.i + 12)):
        if toks[k].lemma in ("год", "лет"):
            for x in reversed(toks[max(tr.i, k - 4):k]):
                if x.text.replace(",", ".").replace(".", "", 1).isdigit():
                    return float(x.text.replace(",", "."))
                if x.lemma in _NUMBER_WORDS:
                    return float(_NUMBER_WORDS[x.lemma])
    return None
