"""Russian: what each place a sentence names is to it (see `places` for the roles).

The role is read off the words that govern the name: the preposition and the
case ("в Казахстане" is where, "в Казахстан" is where to, "из Казахстана" where
from), the noun a genitive hangs on ("по запросу России" requests, "суд
Казахстана" acts, "граждан России" only describes, "в аэропорту Астаны" is
where the airport's preposition says), the noun an adjective agrees with
("казахстанская полиция" acts, "российских активистов" describes, "российским
военным" receives), and a state in the nominative before its verb
("Казахстан задержал") acts.
"""
from __future__ import annotations

from . import places
from .places import ACTOR, ASIDE, FROM, REQUESTER, RESIDES, TO, WHERE, Deixis, PlaceRef, token_span
from .ru_lexicon import VERB_TRIGGERS
from .ru_tokens import clause_bounds

# Nouns whose genitive (or agreeing adjective) names who acts.
ACTOR_NOUNS = frozenset({
    "власть", "власти", "полиция", "полицейский", "суд", "прокуратура", "генпрокуратура", "прокурор",
    "мвд", "министерство", "правительство", "пограничник", "погранслужба", "служба", "спецслужба",
    "силовик", "следователь", "следствие", "кнб", "гкнб", "фсб", "гунб", "милиция", "органы",
    "орган", "правоохранитель", "сотрудник", "ведомство", "комитет", "миграционный", "департамент",
    "генпрокурор", "суды", "трибунал", "военный", "военнослужащий", "сторона", "режим", "спецназ",
})
# Nouns whose genitive is the state that asks or wants.
REQUEST_NOUNS = frozenset({"запрос", "просьба", "требование", "поручение", "ордер", "ходатайство",
                           "розыск", "заявка", "интерес"})
# Nouns that are themselves a place: the genitive after them is located where
# the noun's own preposition says ("в аэропорту Астаны", "на границе Казахстана").
PLACE_NOUNS = frozenset({
    "город", "столица", "аэропорт", "граница", "область", "регион", "район", "база", "часть", "тюрьма",
    "сизо", "изолятор", "колония", "центр", "пункт", "кпп", "село", "поселок", "деревня", "территория",
    "посольство", "консульство", "окраина", "пригород", "юг", "север", "запад", "восток", "провинция",
    "республика", "ивс", "пост", "переход", "вокзал", "порт", "учреждение", "зона", "спецприемник",
    "отделение", "отдел", "участок", "здание", "офис", "улица",
})
# Nouns and verbs that make a place biography, not the scene of the act.
BIO_NOUNS = frozenset({"уроженец", "уроженка", "житель", "жительница", "гражданин", "гражданка",
                       "гражданство", "подданный", "выходец", "паспорт", "родом", "резидент"})
BIO_VERBS = frozenset({"родиться", "вырасти", "жить", "проживать", "учиться", "работать", "служить",
                       "воевать", "переехать", "провести", "отдыхать", "дезертировать"})
RESIDE_VERBS = frozenset({"жить", "проживать", "осесть", "обосноваться", "поселиться"})
_LOC_PREPS = {"в", "во", "на", "у", "под", "около", "возле", "близ"}
_TO_PREPS = {"к", "до"}          # "на рейс до Москвы"
_FROM_PREPS = {"из", "с", "со", "от"}
_ASIDE_PREPS = {"о", "об", "про", "против", "для", "через", "между", "без", "после"}


def _case(tok) -> str | None:
    return tok.feats.get("Case")


def _preposition_role(prep: str, head, motion: bool) -> str | None:
    if prep in _LOC_PREPS:
        case = _case(head)
        if case == "Acc" or (case not in ("Loc", "Acc") and motion):
            return TO if prep in ("в", "во", "на") else WHERE
        return WHERE
    if prep in _TO_PREPS:
        return TO
    if prep in _FROM_PREPS:
        # "с" with the instrumental is "with", never "from": "на границу с
        # Белоруссией", "переговоры с Казахстаном".
        return ASIDE if prep in ("с", "со") and _case(head) == "Ins" else FROM
    if prep in _ASIDE_PREPS:
        return ASIDE
    return None


def _noun_phrase_start(toks, n: int) -> int:
    """Back over the adjectives agreeing with the noun at n ("следственном изоляторе")."""
    while n > 0 and toks[n - 1].pos in ("ADJ", "DET", "NUM") and toks[n - 1].lemma not in _LOC_PREPS:
        n -= 1
    return n


def _role_of_phrase(toks, n: int, motion: bool, depth: int = 0) -> tuple[str, str | None]:
    """The role of the noun phrase starting at token n, from what governs it."""
    if n == 0:
        return (ACTOR if _case(toks[0]) == "Nom" else ASIDE), None
    prev = toks[n - 1]
    if prev.pos == "ADP" or prev.lemma in _LOC_PREPS | _FROM_PREPS | _TO_PREPS:
        return _preposition_role(prev.lemma, toks[n], motion) or ASIDE, None
    # Indeclinable names ("Кутаиси", "Алматы") get whatever case the tagger guesses:
    # after a place, actor or request noun they are its genitive all the same.
    if prev.pos in ("NOUN", "PROPN") and depth < 3 and (
            _case(toks[n]) == "Gen" or prev.lemma in PLACE_NOUNS | ACTOR_NOUNS | REQUEST_NOUNS):
        return _genitive_role(toks, n - 1, motion, depth)
    if _case(toks[n]) == "Nom" and any(t.pos in ("VERB", "AUX") for t in toks[n:n + 6]):
        return ACTOR, None
    if _case(toks[n]) == "Dat":
        return TO, None            # "выдали властям Узбекистана"
    return ASIDE, None


def _genitive_role(toks, h: int, motion: bool, depth: int) -> tuple[str, str | None]:
    """A place in the genitive after the noun at h: "суд Казахстана", "запросу России"."""
    head = toks[h]
    if head.lemma in REQUEST_NOUNS:
        return REQUESTER, None
    if head.lemma in BIO_NOUNS:
        return ASIDE, None
    start = _noun_phrase_start(toks, h)
    if head.lemma in PLACE_NOUNS:
        role, _ = _role_of_phrase(toks, start, motion, depth + 1)
        return role, head.lemma
    if head.lemma in ACTOR_NOUNS:
        role, _ = _role_of_phrase(toks, start, motion, depth + 1)
        if role == REQUESTER:         # "по запросу властей Таджикистана"
            return REQUESTER, None
        if role == TO:                # handed to its authorities, appealed to its court
            return TO, head.lemma
        if role in (WHERE, FROM):     # "в суде Алматы", "в полицию Бишкека"
            return role, head.lemma
        return ACTOR, head.lemma
    return ASIDE, None


def _adjective_role(toks, i: int, motion: bool) -> tuple[str, str | None]:
    """"казахстанская полиция" acts; "российских активистов" describes; "на
    российскую военную базу" is where to; "российским военным" receives."""
    n = i + 1
    while n < len(toks) and n < i + 4 and toks[n].pos in ("ADJ", "CCONJ", "PUNCT") and toks[n].text != ",":
        n += 1
    if n >= len(toks) or toks[n].pos not in ("NOUN", "PROPN"):
        return ASIDE, None
    noun = toks[n]
    if any(t.lemma in ("районный", "район", "городской") for t in toks[i + 1:n + 1]):
        return ASIDE, None    # "Свердловский районный суд": a district's name, in whatever city
    if noun.lemma in PLACE_NOUNS:
        role, _ = _role_of_phrase(toks, i, motion)
        return role, noun.lemma
    if noun.lemma in ACTOR_NOUNS:
        if i > 0 and toks[i - 1].lemma in REQUEST_NOUNS:
            return REQUESTER, None    # "по запросу таджикских властей"
        if _case(noun) == "Dat" or (i > 0 and toks[i - 1].lemma in ("к",)):
            return TO, None
        role, _ = _role_of_phrase(toks, i, motion)
        return (role if role in (WHERE, FROM, TO) else ACTOR), noun.lemma
    return ASIDE, None


def _biography(toks, i: int, lo: int) -> str | None:
    """"родился в Душанбе", "жил в Стамбуле": the nearest verb before names a
    life, not an act. RESIDES where it says where the person lives now or
    settled, ASIDE for the rest of a life (birth, work, service)."""
    for t in reversed(toks[lo:i]):
        if t.pos in ("VERB", "AUX"):
            if t.lemma in RESIDE_VERBS:
                return RESIDES
            return ASIDE if t.lemma in BIO_VERBS else None
        if t.lemma in BIO_NOUNS:
            return RESIDES if t.lemma in ("житель", "жительница") else ASIDE
    return None


def sentence_places(sent, matches, motion: bool = False) -> list[PlaceRef]:
    """PlaceRefs for the gazetteer matches (objects with start, end, name,
    country, kind) that fall inside this sentence."""
    toks = sent.toks
    refs = []
    for m in matches:
        span = token_span(toks, m.start, m.end)
        if span is None:
            continue
        i, j = span
        if m.kind == "adjective":
            role, detail = _adjective_role(toks, i, motion)
        else:
            start = _noun_phrase_start(toks, i)
            role, detail = _role_of_phrase(toks, start, motion)
        if role in (WHERE, FROM):
            role = _biography(toks, i, 0) or role
        if j < len(toks) and toks[j].lemma in ("районный", "район"):
            role = ASIDE      # "Свердловский районный суд": a district's name, in whatever city
        if m.kind != "adjective" and all(t.pos == "PUNCT" for k, t in enumerate(toks) if not i <= k < j):
            role = WHERE      # "Кипр." heading a digest entry: the scene of what follows
        refs.append(PlaceRef(i=i, j=j, name=m.name, country=m.country, kind=m.kind, role=role,
                             detail=_detail_text(toks, i, detail) if detail else None))
    named = {r.i for r in refs}
    for n, t in enumerate(toks):
        # "на границе", "в аэропорту", "в СИЗО" with no name after them: a
        # place whose country the narrative supplies.
        if t.lemma in SITE_NOUNS and n > 0 and not any(n < x <= n + 3 for x in named):
            start = _noun_phrase_start(toks, n)
            prev = toks[start - 1] if start > 0 else None
            if prev is not None and prev.lemma in _LOC_PREPS | _FROM_PREPS:
                role = _preposition_role(prev.lemma, t, motion) or ASIDE
                if role in (WHERE, FROM):
                    refs.append(PlaceRef(i=n, j=n + 1, name=t.text if t.text.isupper() else t.lemma,
                                         country=None, kind="site", role=role))
    refs.sort(key=lambda r: r.i)
    return refs


# Adjectives that belong to the name of a court or a unit ("Верховный суд").
_INSTITUTION_ADJECTIVES = frozenset({"верховный", "конституционный", "военный", "областной", "городской",
                                     "районный"})


def _detail_text(toks, i: int, lemma: str) -> str:
    """The generic noun as a reader would name it: "аэропорт", "СИЗО", "Верховный суд"."""
    for n in range(i - 1, max(-1, i - 5), -1):
        if toks[n].lemma == lemma:
            word = toks[n].text if toks[n].text.isupper() else lemma
            if n > 0 and toks[n - 1].pos == "ADJ" and toks[n - 1].lemma in _INSTITUTION_ADJECTIVES:
                word = f"{toks[n - 1].lemma} {word}"
                if toks[n - 1].text[:1].isupper():
                    word = word[:1].upper() + word[1:]        # as the text writes it
            return word
    return lemma


SITE_NOUNS = frozenset({"граница", "аэропорт", "сизо", "изолятор", "колония", "тюрьма", "спецприемник", "ивс"})
MOTION_TYPES = frozenset({"deported", "extradited", "handed_over", "transferred", "fled", "removal"})
DEIXIS = Deixis(there=frozenset({"там", "туда"}), where=frozenset({"где", "куда"}),
                homeland=frozenset({"родина"}), homeland_before=True)


def place_refs_of(text: str, sents: list) -> list[list[PlaceRef]]:
    """Every place each sentence names, with its role."""
    def read(sent, matches) -> list[PlaceRef]:
        motion = bool(matches) and any(t.lemma in VERB_TRIGGERS and VERB_TRIGGERS[t.lemma][0] in MOTION_TYPES
                                       for t in sent.toks)
        return sentence_places(sent, matches, motion)
    return places.refs_by_sentence(text, sents, "ru", read)


def locate(sent, tr, etype: str, place_refs: list, patients, setting,
           trigger_starts: list[int], date: str | None = None) -> places.Located:
    """Where the event of trigger `tr` happened (see `places.locate_trigger`)."""
    return places.locate_trigger([t.lemma for t in sent.toks], clause_bounds(sent.toks, tr.i), tr.i, tr.last,
                                 etype, place_refs[sent.index], patients, setting, DEIXIS,
                                 trigger_starts, date)
