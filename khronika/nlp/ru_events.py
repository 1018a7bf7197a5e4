"""Russian extraction, stage 5: events.

Takes a sentence with its mentions; gives its event triggers (`find_triggers`:
`Trigger`s from verbs, nouns, participles and phrases of ru_lexicon), drops
the unreal ones (`is_unreal`: negated, intended, feared, asked), finds whom
each happens to (`find_patients`; `topic`/`topic_event` for a case told
without naming its person), settles the type of a removal, a flight or a
request (`classify_removal`, `classify_flight`, `request_topic`); where it
happened is ru_places'. `dedupe` keeps one report per person, type and
sentence. Charges and terms are ru_charges'; dates ru_event_dates'.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import EventMention
from .ru_lexicon import (
    ACHIEVED_LEMMAS,
    ASYLUM,
    COUNSEL_WORDS,
    EXTRADITION,
    FORCED_LEMMAS,
    HOME_PLACE_WORDS,
    LEGAL_REMOVAL_WORDS,
    MODAL_LEMMAS,
    NOUN_TRIGGERS,
    PARTICIPLE_TRIGGERS,
    PHRASE_TRIGGERS,
    PROCEDURE_WORDS,
    REQUEST,
    SECURITY_WORDS,
    UNCERTAIN_LEMMAS,
    VERB_TRIGGERS,
)
from .ru_tokens import CASE_OF_FEAT, Mention, Sent, Tok, clause_bounds

# --- triggers --------------------------------------------------------------------

@dataclass
class Trigger:
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


def find_triggers(sent: Sent) -> list[Trigger]:
    toks = sent.toks
    for t in toks:
        _as_verb(t)
    lemmas = [t.lemma for t in toks]
    found: list[Trigger] = []
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
        found.append(Trigger(trigger_at, positions[-1], etype, slot, conf,
                              " ".join(toks[p].text for p in positions), negative))
        consumed.update(positions)
    for k, t in enumerate(toks):
        if k in consumed:
            continue
        if t.pos in ("VERB", "AUX") and t.lemma in VERB_TRIGGERS:
            etype, slot, conf = VERB_TRIGGERS[t.lemma]
            if t.feats.get("VerbForm") == "Part" and t.feats.get("Variant") != "Short":
                slot = "attr"      # "разыскиваемых на родине активистов"
            found.append(Trigger(k, k, etype, slot, conf, t.text))
        elif t.pos in ("VERB", "ADJ") and t.lemma in PARTICIPLE_TRIGGERS and t.lemma not in VERB_TRIGGERS:
            found.append(Trigger(k, k, PARTICIPLE_TRIGGERS[t.lemma], "attr", 0.6, t.text))
        elif t.lemma == "покинуть" and k + 1 < len(toks) and (
                toks[k + 1].lemma in ("страна", "родина", "республика", "россия") or toks[k + 1].pos == "PROPN"
                and toks[k + 1].feats.get("Case") == "Acc"):
            # "покинул Таджикистан", "покинул страну": fled (not "покинул аэропорт", "покинул часть")
            found.append(Trigger(k, k + 1, "fled", "subj", 0.65, f"{t.text} {toks[k + 1].text}"))
        elif t.pos == "NOUN" and t.lemma in NOUN_TRIGGERS:
            if k > 0 and (toks[k - 1].lemma in PROCEDURE_WORDS or k > 1 and toks[k - 1].pos == "ADP"
                          and toks[k - 2].lemma in PROCEDURE_WORDS):
                continue      # "на время процесса экстрадиции": a procedure, not the event
            etype, conf = NOUN_TRIGGERS[t.lemma]
            slot = "gen"
            if etype == "deported" and _sentenced_to(toks, k):
                # "приговорил их к штрафу и выдворению": an order, for those the court sentenced
                etype, slot = "deportation_ordered", "shared"
            found.append(Trigger(k, k, etype, slot, conf, t.text))
    found.sort(key=lambda tr: tr.i)
    return found


def _sentenced_to(toks: list[Tok], k: int) -> bool:
    """Is the noun at k what a court sentenced someone to ("к выдворению")?"""
    # A full stop inside a sentence ends an abbreviation ("штрафу в 5 тыс. руб. и
    # выдворению"), not the clause.
    for n in range(k - 1, max(-1, k - 12), -1):
        if toks[n].low == "к":
            return any(t.lemma in ("приговорить", "осудить", "постановить") for t in toks[max(0, n - 8):n])
        if toks[n].text == ";":
            break
    return False


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


# --- modality, negation, questions -----------------------------------------------

def is_unreal(sent: Sent, tr: Trigger, confirmed: bool = False) -> bool:
    """Negated, intended, feared or hypothetical: not (yet) an event."""
    toks = sent.toks
    lo, _ = clause_bounds(toks, tr.i)
    if (sent.asks or _is_question(sent)) and not confirmed:
        return True           # "— Он просил убежища в Азербайджане?" asks, it does not report
    # "Родственники опасаются, что его задержали": a fear, not a report.
    if lo > 0 and toks[lo - 1].lemma in ("что", "будто") and any(
            t.lemma in UNCERTAIN_LEMMAS for t in toks[clause_bounds(toks, lo - 1)[0]:lo - 1]):
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
    # The future is not a report: "будут депортированы", "когда его выдворят",
    # "сможет освободить" (a perfective verb's present form is its future).
    if toks[tr.i].feats.get("Tense") == "Fut":
        return True
    if any(t.feats.get("Tense") == "Fut" and (t.lemma in ("быть", "смочь") or t.pos == "AUX")
           for t in before[-3:]):
        return True
    # An infinitive is an event only after "удалось", "смог".
    if toks[tr.i].feats.get("VerbForm") == "Inf" and not any(t.lemma in FORCED_LEMMAS for t in before[-3:]):
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


# --- patients: whom the event happens to -----------------------------------------

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
ON_BEHALF = frozenset({"appeal_filed", "asylum_applied"})


def find_patients(sent: Sent, tr: Trigger, shared: tuple[str, ...] | None,
                   counsel: frozenset = frozenset()) -> tuple[tuple[str, ...], float]:
    toks = sent.toks
    lo, hi = clause_bounds(toks, tr.i)
    slot = tr.slot
    if slot == "obj" and _passive(toks, tr.i):
        slot = "subj"
    if slot == "subj" and toks[tr.i].feats.get("VerbForm") == "Inf":
        slot = "inf"
    mentions = [m for m in sent.mentions if not m.source]
    if slot != "against":
        mentions = [m for m in mentions if not _possessor(toks, m, tr)]
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
            if m.i > 0 and toks[m.i - 1].low in ("против", "отношении", "на") and m.i >= lo - 2 and m.j <= hi + 8:
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
        if found and counsel and set(found) <= counsel and tr.type in ON_BEHALF:
            # "Её адвокат Дана Нургалиева обжаловала отказ": the appeal is the client's
            # (whom the caller finds when no possessive names them).
            client = _possessor_subject(sent, tr, left, lo)
            return (client, 0.9) if client and not set(client) <= counsel else (found, 0.9)
        if found:
            return _with_companions(sent, found, lo, tr.i), 1.0
        if toks[tr.i].feats.get("VerbForm") == "Conv":
            # "Будучи в розыске ..., он обратился в полицию": a gerund's subject is its main clause's
            found = near_right({"nomn"}, limit=16)
            if found:
                return found, 0.85
        # "задержан 29-летний уроженец Бурятии Баир Цыренов": the subject after a passive verb
        found = near_right({"nomn"}, limit=8 if _passive(toks, tr.i) else 3, bridge=False)
        if found:
            return found, 0.9
        if _passive(toks, tr.i) and tr.i > 0 and any(t.low == "и" for t in toks[max(lo, tr.i - 3):tr.i]):
            # "Конгантиев ... был смещён со своего поста ... и объявлен в розыск": the first verb's subject
            found = near_left_across({"nomn"}, limit=25)
            if found:
                return found, 0.8
        if _passive(toks, tr.i) and hi < len(toks) - 1 and toks[hi].text in ("—", "–") \
                and toks[hi - 1].pos == "NOUN" and toks[hi - 1].feats.get("Number") == "Plur":
            # "были арестованы двое активистов — Лев Скорякин и Алёна Крылова": the names stand for the noun
            apposed = next((m for m in right if m.i == hi + 1 and "nomn" in m.cases), None)
            if apposed:
                return _group_of(sent, apposed), 0.9
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
        # "выдача стала возможной благодаря ... визиту Эрдогана": a genitive
        # past the noun's own verb belongs to another phrase.
        verb = next((n for n in range(tr.last + 1, hi) if toks[n].pos in ("VERB", "AUX")
                     and toks[n].feats.get("VerbForm") == "Fin"), None)
        found = near_right({"gent", "accs"}, limit=12 if verb is None else max(0, verb - tr.last - 1))
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


# Nouns that stand as adverbs before a name: dates, and "дома" (at home).
_TIME_NOUNS = frozenset({"дом", "год", "месяц", "неделя", "день", "час", "утро", "вечер", "ночь", "время", "январь",
                         "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь",
                         "ноябрь", "декабрь", "начало", "конец", "середина", "лето", "осень", "зима", "весна"})


def _possessor(toks: list[Tok], m: Mention, tr: Trigger) -> bool:
    """A name that belongs to a noun, not to the event: "протесты против
    Лукашенко", "юриста штаба Алексея Навального", "с родственниками Рамзана
    Кадырова". An apposition ("активиста Алексея Рожкова") agrees with its
    noun and names the same person."""
    if m.is_pronoun or m.i == 0:
        return False
    k = m.i - 1
    if toks[k].low == "против":
        return True
    while k > 0 and toks[k].pos in ("ADJ", "DET") and k != tr.i:
        k -= 1
    noun = toks[k]
    if k == tr.i or tr.i <= k <= tr.last or noun.pos != "NOUN" or "gent" not in m.cases \
            or noun.lemma in _TIME_NOUNS or noun.lemma in COUNSEL_WORDS or (k > 0 and toks[k - 1].pos == "NUM"):
        return False          # "в марте 2025 года Тарабукина задержали": a date, then the object
    start = k
    while start > 0 and toks[start - 1].pos in ("ADJ", "DET"):
        start -= 1
    if start > 0 and toks[start - 1].pos == "ADP":
        return False          # "специалиста по информационным технологиям Качкуркина": not his technologies
    if noun.feats.get("Animacy") == "Inan":
        return True
    case = CASE_OF_FEAT.get(noun.feats.get("Case"))
    return case is not None and case not in m.cases


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


def _possessor_subject(sent: Sent, tr: Trigger, left: list[Mention], lo: int):
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


def _noun_is_subject(toks: list[Tok], tr: Trigger) -> bool:
    return toks[tr.i].feats.get("Case") == "Nom"


# --- the type of a removal or a flight -------------------------------------------

FORCE_WORDS = frozenset({"насильно", "силой", "тайно", "похитить", "похищение", "принудительно"})


def classify_removal(sent: Sent, prev: Sent | None, tr: Trigger, earlier: str | None,
                      ordered: str | None = None, extradition_story: bool = False) -> str | None:
    """Who received the person decides the type: a legal procedure (deported,
    extradited), the home state's soldiers or agents (handed_over), or just
    another place of custody (transferred). `earlier` is the last removal this
    document reported for the same person: "его поймали и вернули" continues it.
    Without a destination that means the home state, it is no event ("его
    вернули в страну, из которой он улетел")."""
    toks = sent.toks
    lo, hi = clause_bounds(toks, tr.i)
    # Word order is free: "на родину насильно вывезли Рожкова" names the
    # destination before the verb.
    after = {t.lemma for t in toks[lo:tr.i] + toks[tr.i + 1:hi]}
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
    if after & FORCE_WORDS and not legal:
        return "handed_over"          # "насильно вывезли на родину": a rendition, not a procedure
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
    if verb in ("доставить", "передать", "привезти") and any(t.pos == "PROPN" for t in toks[tr.i + 1:]):
        return "transferred"
    return None


def classify_flight(sent: Sent, tr: Trigger, in_custody: bool) -> str:
    """бежать/сбежать: fleeing the country, or escaping from custody."""
    if sent.toks[tr.i].lemma == "покинуть":
        return "fled"          # "покинул Россию": a country, whatever came before
    after = " ".join(t.lemma for t in sent.toks[tr.i + 1: tr.i + 5])
    if re.search(r"из-под|изолятор|сизо|колония|тюрьма|часть|база|конвой|стража|лагерь", after):
        return "escaped"
    if re.match(r"(в|во|за|из) ", after):
        return "fled"          # a destination or an origin: leaving a country
    return "escaped" if in_custody else "fled"


# --- events without a named person; requests -------------------------------------

ORDERS = {"deportation_ordered": "deported", "extradition_approved": "extradited"}
_TOPIC_TYPES = frozenset({"extradition_requested", "extradition_approved", "extradition_denied", "appeal_filed",
                          "request_denied", "request_granted"})


def subject_dropped(sent: Sent, tr: Trigger) -> bool:
    """"В апреле уехал с женой во Вьетнам": a finite singular verb with no
    subject in its clause continues the person the text is about."""
    toks = sent.toks
    t = toks[tr.i]
    if tr.slot != "subj" or t.pos != "VERB" or t.feats.get("VerbForm") != "Fin" or t.feats.get("Number") != "Sing":
        return False
    lo, hi = clause_bounds(toks, tr.i)
    return not any(x.feats.get("Case") == "Nom" and x.pos in ("NOUN", "PRON", "PROPN") for x in toks[lo:hi])


def topic_event(sent: Sent, tr: Trigger) -> bool:
    """An event that a text reports without naming its person, because the
    case is the one it is telling: a request, an approval or a refusal of an
    extradition, an appeal by "the defence"."""
    if tr.type not in _TOPIC_TYPES:
        return False
    toks = sent.toks
    lo, hi = clause_bounds(toks, tr.i)
    if any(not m.source and lo <= m.i < hi for m in sent.mentions):
        return False          # someone is named here: it is about them, or about no one we know
    if any(toks[n].feats.get("Number") == "Plur" and toks[n].lemma in REQUEST | EXTRADITION
           for n in range(tr.i, tr.last + 1)):
        return False          # "утвердил запросы России": many people, not one case
    if tr.type == "appeal_filed":
        return any(t.lemma in COUNSEL_WORDS for t in toks[lo:tr.i])
    return True


def topic(sents: list[Sent], sent: Sent, people_in: list[set], wider: bool = False) -> tuple[str, ...]:
    """The one person the last three sentences were about, if there is one
    (`wider`: the nearest one, looking back up to six sentences)."""
    seen: set[str] = set()
    for index in range(sent.index - 1, max(-1, sent.index - (7 if wider else 4)), -1):
        seen |= people_in[index]
        if wider and seen:
            break
    return (next(iter(seen)),) if len(seen) == 1 else ()


def bare_refusal(sent: Sent, tr: Trigger) -> bool:
    """"миграционная служба ей отказала" refuses the request just told; "суд
    отказал в удовлетворении жалобы" refuses something that is no event."""
    toks = sent.toks
    if len(tr.words.split()) > 1 or toks[tr.i].lemma != "отказать":
        return True
    _, hi = clause_bounds(toks, tr.i)
    for n in range(tr.i + 1, hi - 1):
        if toks[n].low in ("в", "во") and toks[n + 1].pos in ("NOUN", "ADJ"):
            return toks[n + 1].lemma in ASYLUM | EXTRADITION | REQUEST
    return True


def request_topic(sents: list[Sent], sent: Sent, tr: Trigger) -> str | None:
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


def dedupe(events: list[EventMention]) -> list[EventMention]:
    """One mention per (person, type, sentence): two triggers in one sentence
    saying the same thing are one report."""
    seen = {}
    for e in events:
        key = (e.person, e.type, e.start)
        if key not in seen or e.confidence > seen[key].confidence:
            seen[key] = e
    return sorted(seen.values(), key=lambda e: (e.start, e.person))
