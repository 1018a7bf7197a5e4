"""Russian extraction: one document in, persons and event mentions out.

Natasha does the statistical part once per document (segmentation, morphology,
NER); everything after it is rules over lemmas, grammatical case and word
order, which is what lets a sentence like "Там его приговорили к шести годам"
find its person, and what keeps the extraction a pure function of the text.

`extract` runs the stages in order, each a module:

    ru_tokens       text -> Natasha doc, sentences of tokens
    ru_persons      PER spans -> name spans -> persons (case, gender, names)
    ru_roles        persons -> titles, occupations, roles, who speaks
    ru_coref        sentences -> mentions of persons (names, pronouns, quotes)
    ru_events       sentence -> triggers -> patients, type, place
    ru_charges      trigger -> charge, term
    ru_event_dates  trigger + the sentence's dates -> the event's date
    ru_dates/dates  date expressions found (Russian grammar) and resolved
"""
from __future__ import annotations

import bisect
import re

from ..model import Document, DocumentExtraction, EventMention, PersonMention
from . import dates, places, ru_dates
from .facts import share_within_document
from .ru_charges import charge_of, term_years
from .ru_coref import attach_mentions, attach_speakers
from .ru_event_dates import (
    LATER,
    SINCE_TEXT,
    TIMESTAMP,
    anchor_event,
    background_spans,
    day_of,
    event_date,
    reported_date,
    during_state,
    state_verbs,
)
from .ru_events import (
    ON_BEHALF,
    ORDERS,
    bare_refusal,
    classify_flight,
    classify_removal,
    dedupe,
    find_patients,
    find_triggers,
    is_unreal,
    request_topic,
    subject_dropped,
    topic,
    topic_event,
)
from .ru_persons import (
    agreement_of,
    analyse_spans,
    chains,
    first_of,
    group_persons,
    merge_aliases,
    person_name,
    person_spans,
    recover_surnames,
    surname_of,
)
from .ru_places import locate, place_refs_of
from .ru_roles import blocked_ids, describe, title_role
from .ru_tokens import clause_bounds, models, sentences

# "по обвинению в ...", "по подозрению в ...": the charge behind a search or an arrest.
_ACCUSED = re.compile(r"\bпо\s+(?:обвинени|подозрени)[юяи]\s+в", re.IGNORECASE)

_CLIENT_WORDS = {"подзащитный", "подзащитная", "клиент", "клиентка", "доверитель", "доверительница"}

__all__ = ["extract", "models"]      # models: nlp.warm_up loads them through this module


def extract(document: Document) -> DocumentExtraction:
    text = document.text
    doc, sents = sentences(text)

    spans = person_spans(doc, sents)
    analyse_spans(sents, spans)
    spans = sorted(spans + recover_surnames(sents, spans), key=lambda s: s.start)
    for span in spans:
        span.agreement = agreement_of(sents[span.sent].toks, span)
    chains(sents, spans)
    analyse_spans(sents, spans)
    persons = merge_aliases(sents, group_persons(spans))
    describe(sents, persons)
    attach_mentions(sents, persons, spans)
    attach_speakers(text, sents, persons)

    place_refs = place_refs_of(text, sents)
    # Russian exiles are the usual case: Russia is the home state when the text names it.
    setting = places.document_setting(place_refs, "ru", "RU" if re.search(r"\bРосси[ияю]", text) else None)
    all_dates = ru_dates.find_dates(text)          # one scan of the whole text
    date_starts = [e.start for e in all_dates]
    # Plain text has no metadata, but a newspaper dateline ("6 марта 2026 года"
    # on a line of its own) is the day the text speaks from.
    published = document.published or ru_dates.dateline(text, all_dates) or dates.url_date(document.url)
    timeline = ru_dates.infer_frame(text, published, all_dates)
    today = day_of(published)
    events: list[EventMention] = []
    custody: set[str] = set()
    last_removal: dict[str, str] = {}
    ordered: dict[str, str] = {}
    extradition_story = re.search(r"[Ээ]кстради", text) is not None
    blocked = blocked_ids(persons)
    counsel = frozenset(p.local_id for p in persons if title_role(p) == "lawyer")
    # Who each sentence is about (names and pronouns, not quoted sources or officials).
    people_in = [{p for m in sent.mentions if not m.source for p in m.persons if p not in blocked}
                 for sent in sents]
    carried: tuple[str | None, str | None] = (None, None)
    carried_persons: set[str] = set()
    state: frozenset[str] = frozenset()         # the verbs of a state the carried date began
    prev_paragraph = -1
    default_date: tuple[str | None, str | None] = (None, None)
    for sent in sents:
        # The expressions inside this sentence (bisect: long documents have thousands).
        first = bisect.bisect_left(date_starts, sent.start)
        exprs = [e for e in all_dates[first:bisect.bisect_right(date_starts, sent.end)] if e.end <= sent.end]
        dated = []
        background = [(sent.toks[a].start, sent.toks[b - 1].end) for a, b in background_spans(sent.toks)]
        for e in exprs:
            before = timeline.last
            iso = dates.resolve(e, timeline)
            if iso:
                dated.append((e.start, iso, e.text))
                # A flashback in a relative clause ("…, которую задержали ещё в
                # июле") is background: the story stays at the date it had reached.
                flashback = any(a <= e.start <= b for a, b in background) or \
                    re.search(r"(?:ещё|еще|уже)\s+$", text[max(0, e.start - 6):e.start]) is not None
                if before is not None and e.value is not None and dates.is_before(e.value, before) \
                        and flashback:
                    timeline.last = before
        ru_dates.note_anchor(sent.text, timeline, exprs, sentence_start=sent.start)
        sent_persons = {p for m in sent.mentions for p in m.persons}
        if sent.paragraph != prev_paragraph:
            # A new paragraph keeps the narrative date only while it stays with the same people.
            stamped = today is not None and TIMESTAMP.match(text, sent.start) is not None
            if not (sent_persons & carried_persons) or stamped:
                carried = (None, None)
            prev_paragraph = sent.paragraph
            # A live blog's "14:32 — …" entry happens on the day of the blog unless it says otherwise.
            default_date = (today, None) if stamped else (None, None)
        date_spans = [(e.start, e.end) for e in exprs]
        shared: tuple[str, ...] | None = None
        triggers = [(sent, tr) for tr in find_triggers(sent)]
        if sent.confirms is not None:
            # "— Вам предъявили обвинение? — Да, 6 ноября.": the question's events, dated by the answer.
            triggers = [(sents[sent.confirms], tr) for tr in find_triggers(sents[sent.confirms])] + triggers
        for source, tr in triggers:
            if source is not sent:
                if is_unreal(source, tr, confirmed=True):
                    continue
                patients, fit = find_patients(source, tr, None, counsel)
                if patients and tr.type not in ("removal", "fled", "asylum", "request_denied", "request_granted"):
                    date, date_text = (dated[0][1], dated[0][2]) if dated else (None, None)
                    for person in patients:
                        where = locate(source, tr, tr.type, place_refs, patients, setting, [], date)
                        events.append(EventMention(
                            person=person, type=tr.type, evidence=source.text, document=document.id,
                            date=date, date_text=date_text, place=where.place, country=where.country,
                            destination=where.destination,
                            charge=None, term_years=None, confidence=round(min(0.95, tr.confidence * fit * 0.9), 2),
                            start=source.start, end=source.end, trigger=tr.words))
                continue
            if is_unreal(sent, tr):
                continue
            if any(a <= sent.toks[tr.i].start < b for a, b in date_spans):
                continue      # "через неделю после задержания" dates something else
            patients, fit = find_patients(sent, tr, shared, counsel)
            if patients and counsel and set(patients) <= counsel and tr.type in ON_BEHALF:
                # "— Мы подали апелляцию, — говорит адвокат": for the client.
                patients = topic(sents, sent, people_in, wider=True)
            if patients and counsel and set(patients) & counsel and _CLIENT_WORDS & {t.lemma for t in sent.toks}:
                # "адвокат Николаев: сейчас его подзащитный находится в СИЗО": the client, not the lawyer.
                patients = tuple(p for p in patients if p not in counsel) or topic(sents, sent, people_in)
            if not patients and subject_dropped(sent, tr):
                patients, fit = topic(sents, sent, people_in), 0.7
            if not patients and topic_event(sent, tr):
                # "В конце марта Генпрокуратура одобрила экстрадицию": no one is
                # named, the case is the one the last sentences were about.
                patients, fit = topic(sents, sent, people_in), 0.75
            if not patients:
                continue
            if tr.type == "request_denied" and not bare_refusal(sent, tr):
                continue
            shared = patients
            etype = tr.type
            if etype == "removal":
                etype = classify_removal(sent, sents[sent.index - 1] if sent.index else None, tr,
                                          last_removal.get(patients[0]), ordered.get(patients[0]),
                                          extradition_story)
            elif etype == "fled":
                etype = classify_flight(sent, tr, any(p in custody for p in patients))
                if etype == "fled" and sent.toks[tr.i].lemma == "покинуть" \
                        and all(ordered.get(p) == "deported" for p in patients):
                    etype = "deported"     # leaving the country after an expulsion order carries it out
            elif etype in ("asylum", "request_denied", "request_granted"):
                etype = request_topic(sents, sent, tr)
            if etype is None:
                continue
            date, date_text, background = event_date(sent, tr, dated)
            if date and "/" not in date and reported_date(sent, tr, date_text):
                date = date[:4]         # when it became known: the act is no later, maybe earlier
            if date is None and carried[0] and etype != "sentenced":
                # (a verdict comes months after the arrest the last sentence dated)
                date, date_text = carried
                if LATER.search(sent.text) and date and "/" not in date:
                    date = date[:4]
                date = during_state(sent, state, date, timeline)
            elif date and not background and not SINCE_TEXT.match(date_text or ""):
                carried = (date, date_text)      # not "с апреля 2024 года": a state, not a step
                state = frozenset()
            if date is None and default_date[0]:
                date, date_text = default_date
            anchor_event(timeline, etype, date)
            charge = charge_of(sent, tr) if etype in ("charged", "sentenced", "wanted", "arrested", "detained",
                                                      "deportation_ordered", "extradition_requested") else None
            term = term_years(sent, tr) if etype == "sentenced" else None
            if etype in ("handed_over", "deported", "extradited"):
                last_removal.update({p: etype for p in patients})
                for p in patients:
                    ordered.pop(p, None)
            elif etype in ORDERS:
                ordered.update({p: ORDERS[etype] for p in patients})
            where = locate(sent, tr, etype, place_refs, patients, setting,
                           [t.i for _, t in triggers], date)
            for person in patients:
                if etype in ("detained", "arrested", "handed_over", "transferred", "extradited", "deported"):
                    custody.add(person)
                events.append(EventMention(
                    person=person, type=etype, evidence=sent.text, document=document.id,
                    date=date, date_text=date_text, place=where.place, country=where.country,
                    destination=where.destination, charge=charge,
                    term_years=term, confidence=round(min(0.95, tr.confidence * fit), 2),
                    start=sent.start, end=sent.end, trigger=tr.words))
            if charge and etype in ("wanted", "detained", "arrested", "extradition_requested") \
                    and _ACCUSED.search(sent.text, sent.toks[tr.last].end - sent.start):
                # "объявлен в розыск по обвинению в дезертирстве": a charge is a fact of its own.
                accused = locate(sent, tr, "charged", place_refs, patients, setting, [], date)
                for person in patients:
                    events.append(EventMention(
                        person=person, type="charged", evidence=sent.text, document=document.id,
                        date=date, date_text=date_text, place=accused.place, country=accused.country,
                        charge=charge, confidence=round(min(0.9, tr.confidence * fit * 0.85), 2),
                        start=sent.start, end=sent.end, trigger=f"{tr.words} (по обвинению)"))
            if etype in ("detained", "arrested") and places.requester_in(place_refs[sent.index],
                                                                         clause_bounds(sent.toks, tr.i)):
                # "задержан в Дубае по запросу таджикских властей": the request is a fact too.
                for person in patients:
                    events.append(EventMention(
                        person=person, type="extradition_requested", evidence=sent.text, document=document.id,
                        date=date, date_text=date_text, place=where.place, country=where.country,
                        confidence=round(min(0.9, tr.confidence * fit * 0.85), 2),
                        start=sent.start, end=sent.end, trigger=f"{tr.words} (по запросу)"))
            carried_persons = set(patients)
        places.note_sentence(place_refs[sent.index], sent_persons - blocked, setting,
                             scene=not any(t.pos in ("VERB", "AUX") for t in sent.toks))
        if dated and not any(e.start == sent.start for e in events):
            carried = (dated[-1][1], dated[-1][2])
            state = state_verbs(sent, dated[-1][2])
            carried_persons = sent_persons or carried_persons

    events = share_within_document(dedupe(events))
    with_events = {e.person for e in events}
    out_persons = []
    for p in persons:
        name, aliases = person_name(p)
        role = "subject" if p.local_id in with_events else (title_role(p) or "other")
        surface = sorted({" ".join(s.words) for s in p.spans})
        out_persons.append(PersonMention(
            local_id=p.local_id, name=name, first_name=first_of(p), surname=surname_of(p),
            gender=p.gender, aliases=aliases, surface_forms=surface, role=role,
            attributes=dict(p.attributes), spans=[(s.start, s.end) for s in p.spans]))
    frame = None
    if timeline.frame_year:
        frame = f"{timeline.frame_year}" + (f"-{timeline.frame_month:02d}" if timeline.frame_month else "")
    return DocumentExtraction(document=document, persons=out_persons, events=events, frame=frame)
