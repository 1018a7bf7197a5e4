"""English extraction: one document in, persons and event mentions out.

No English NER model ships inside a package this project can install, so
persons are found by a pluggable recogniser (`PersonRecognizer`); the default
one reads capitalised runs with a first-name gazetteer (every first name of
pymorphy's Russian dictionary, ≈13k, romanized, plus English, Turkish,
Central Asian and Caucasian ones), surname suffixes (-ov, -ova, -enko,
-shvili, -zoda, ...) and a person's context (a title or occupation before the
run, an age or a descriptive apposition after it, a name it is listed with, or
the text saying so of the surname elsewhere); a country, an acronym or a
demonym is no part of a name, and a Title Case headline's names must be
confirmed by the text. A user with spaCy or a transformer can plug in their
own recogniser. Events, roles, pronouns and descriptions ("the blogger", "all
four activists", the lead's "a Tajik activist") are rules over word order,
like the Russian side.

Stages: `en_text` (sentences, tokens), `en_persons` (recogniser, persons,
roles), `en_coref` (names, pronouns and descriptions as mentions),
`en_events` (triggers, modality, patients, types); this module runs them and
dates and places each event.
"""
from __future__ import annotations

import bisect
import re

from ..model import Document, DocumentExtraction, EventMention, PersonMention
from . import dates, en_date_reading, en_dates, en_places, places
from .en_coref import attach_mentions
from .en_events import (
    PASSIVE_AUX,
    Trigger,
    background_spans,
    charge_of,
    classify_removal,
    clause_bounds,
    find_patients,
    find_triggers,
    is_unreal,
    named_near,
    reduced_relative,
    request_topic,
    term_years,
)
from .en_lexicon import CLAUSE_WORDS, SPEECH_VERBS
from .en_persons import PersonRecognizer, describe, find_persons, first_names, rule_recognizer, title_role
from .en_text import Sent, Tok, sentences
from .facts import share_within_document

__all__ = ["PersonRecognizer", "extract", "first_names", "rule_recognizer"]

_TIMESTAMP = re.compile(r"[ \t]*(?:[01]?\d|2[0-3])[:.][0-5]\d\s*(?:[ap]\.?m\.?\s*)?[—–-]", re.IGNORECASE)
_ON_CHARGES = re.compile(r"\bon (?:(?:a|the|alleged|criminal|new|\w+-related) )*charges? (?:of|related to)\b|"
                         r"\bon suspicion of\b", re.IGNORECASE)
_LATER = re.compile(r"\b(later|subsequently|afterwards|eventually|then)\b", re.IGNORECASE)


def _locate(sent: Sent, tr: Trigger, etype: str, place_refs: list, patients, setting,
            trigger_starts: list[int], date: str | None = None) -> places.Located:
    return places.locate_trigger([t.low for t in sent.toks], clause_bounds(sent.toks, tr.i), tr.i, tr.last,
                                 etype, place_refs[sent.index], patients, setting, en_places.DEIXIS,
                                 trigger_starts, date)


def _event_date(sent: Sent, tr: Trigger, dated: list[tuple[int, str, str]]):
    """The date of a trigger (see ru_event_dates.event_date) and whether it is background:
    a relative clause's or a participle phrase's own date, lent to no other event."""
    toks = sent.toks
    if tr.i > 0 and re.fullmatch(r"(19|20)\d\d", toks[tr.i - 1].text) and tr.i == tr.last:
        return toks[tr.i - 1].text, toks[tr.i - 1].text, True      # "a 2014 indictment", "his 2019 arrest"
    offset = toks[tr.i].start
    _, hi = clause_bounds(toks, tr.i)
    clause_end = toks[hi - 1].end
    # "has not been heard from since Saturday": "since" opens no new clause for its date.
    if hi + 1 < len(toks) and toks[hi].low == "since":
        _, hi2 = clause_bounds(toks, hi + 1)
        clause_end = toks[hi2 - 1].end
    if reduced_relative(toks, tr.i):
        # "two activists detained on Sunday": the participle's own adverbial
        end = next((t.start for t in toks[tr.i + 1:] if t.text in (",", ";", "—", "–")), clause_end)
        own_dates = [d for d in dated if offset < d[0] < end]
        if own_dates:
            return own_dates[0][1], own_dates[0][2], True
    spans = background_spans(toks)
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


_REPORT_VERBS = SPEECH_VERBS | {"reported", "reports", "confirmed", "claimed", "learned", "learnt"}


def _act_dates(sent: Sent, dated: list[tuple[int, str, str]]) -> list[tuple[int, str, str]]:
    """The dates of a sentence that may date its acts. A date inside a charge ("on charges of
    fraud in 2011-2013") is the alleged crime's; a date of a report ("his relatives told RFE/RL
    on September 11 that …", "… said today") dates what it reports no closer than the month."""
    if not dated:
        return dated
    toks = sent.toks
    starts = [t.start for t in toks]
    charges = [(m.start() + sent.start, _charge_end(sent, m.end() + sent.start))
               for m in _CHARGE_SPAN.finditer(sent.text)]
    out = []
    for start, iso, words in dated:
        if any(a <= start < b for a, b in charges):
            continue
        k = bisect.bisect_left(starts, start)
        if any(t.low in _REPORT_VERBS for t in toks[max(0, k - 5):k]) and len(iso) > 7 and "/" not in iso:
            iso = iso[:7]
        out.append((start, iso, words))
    return out


_CHARGE_SPAN = re.compile(r"\b(?:charges? of|charged with|accused of|suspected of|on suspicion of|convicted of)\b",
                          re.IGNORECASE)


def _charge_end(sent: Sent, offset: int) -> int:
    toks = sent.toks
    for n, t in enumerate(toks):
        if t.start < offset:
            continue
        if t.text in (",", ";", ")") or t.low in CLAUSE_WORDS or (
                t.low == "and" and n + 1 < len(toks) and (toks[n + 1].low in PASSIVE_AUX | {"has", "had"}
                                                          or toks[n + 1].low.endswith("ed"))):
            return t.start
    return sent.end


def _coordinated_after(toks: list[Tok], date_start: int, offset: int) -> bool:
    """Does a ", and" / ", but" stand between a date and the trigger (a new clause)?"""
    for n in range(1, len(toks)):
        if date_start < toks[n].start < offset and toks[n].low in ("and", "but", "while") \
                and toks[n - 1].text == ",":
            return True
    return False


def extract(document: Document, recognizer: PersonRecognizer | None = None) -> DocumentExtraction:
    text = document.text
    sents = sentences(text)
    place_refs = places.refs_by_sentence(text, sents, "en", en_places.sentence_places)
    for sent, refs in zip(sents, place_refs):
        # A country's or a region's name is no part of a person's ("Kyrgyzstan Esen Mazhitov").
        sent.places = frozenset(k for r in refs if r.kind in ("country", "region") for k in range(r.i, r.j))
    persons = find_persons(sents, recognizer or rule_recognizer)
    describe(sents, persons)
    attach_mentions(sents, persons)
    actors = {p.local_id for p in persons if title_role(p) in ("official", "lawyer") or p.author}

    home = "RU" if re.search(r"\bRussia", text) else None
    setting = places.document_setting(place_refs, "en", home)
    all_dates = en_dates.find_dates(text)
    date_starts = [e.start for e in all_dates]
    timeline = en_date_reading.infer_frame(text, document.published or dates.url_date(document.url), all_dates)
    today = timeline.published.isoformat() if timeline.published else None
    default_date: tuple[str | None, str | None] = (None, None)
    events: list[EventMention] = []
    carried: tuple[str | None, str | None] = (None, None)
    carried_persons: set[str] = set()
    topic: tuple[str, ...] = ()
    topic_sent = -10
    prev_paragraph = -1
    anchor: tuple[int, set[str]] = (-1, set())      # the paragraph and persons of the last date told
    for sent in sents:
        # The expressions inside this sentence (bisect: long documents have thousands).
        first = bisect.bisect_left(date_starts, sent.start)
        exprs = [e for e in all_dates[first:bisect.bisect_right(date_starts, sent.end)] if e.end <= sent.end]
        dated = []
        background = [(sent.toks[a].start, sent.toks[b - 1].end) for a, b in background_spans(sent.toks)]
        sent_persons = {p for m in sent.mentions for p in m.persons}
        for e in exprs:
            before = timeline.last
            if e.kind in ("relative", "vague_relative") and sent.paragraph != anchor[0] \
                    and not (sent_persons & anchor[1]):
                continue      # "two days later" in a new paragraph about someone else: later than what?
            iso = en_date_reading.resolve(e, timeline)
            if iso:
                dated.append((e.start, iso, e.text))
                anchor = (sent.paragraph, sent_persons)
                # A flashback in a relative clause ("…, who had fled in 2022,") leaves the story's date.
                if before is not None and e.value is not None and dates.is_before(e.value, before) \
                        and any(a <= e.start <= b for a, b in background):
                    timeline.last = before
        en_date_reading.note_anchor(sent.text, timeline, exprs, sentence_start=sent.start)
        dated = _act_dates(sent, dated)
        if sent.paragraph != prev_paragraph:
            # A live blog's "14:32 — …" entry happens on the day of the blog unless it says otherwise.
            stamped = today is not None and _TIMESTAMP.match(text, sent.start) is not None
            if not (sent_persons & carried_persons) or stamped:
                carried = (None, None)
            default_date = (today, None) if stamped else (None, None)
            prev_paragraph = sent.paragraph
        shared = None
        triggers = find_triggers(sent)
        for tr in triggers:
            if is_unreal(sent, tr):
                continue
            # officials and lawyers act on the persecuted; they are not the persecuted
            patients = tuple(p for p in find_patients(sent, tr, shared) if p not in actors)
            if not patients and tr.slot == "gen" and not named_near(sent, tr) and topic_sent >= sent.index - 2:
                # "Russia sent a formal extradition request in April": the case the text is on.
                patients = topic
            if not patients:
                continue
            shared = patients
            etype = classify_removal(sent, tr, tr.type)
            if etype == "request_denied":
                etype = request_topic(sents, sent)
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
            where = _locate(sent, tr, etype, place_refs, patients, setting, [t.i for t in triggers], date)
            charge = charge_of(sent, tr) if etype in ("charged", "sentenced", "wanted", "arrested", "detained",
                                                      "extradition_requested") else None
            # "detained on charges of illegal border crossing": charged as well
            types = [etype] + (["charged"] if etype in ("detained", "arrested", "wanted", "extradition_requested")
                               and charge and _ON_CHARGES.search(sent.text, sent.toks[tr.last].end - sent.start)
                               else [])
            for etype in types:
                for person in patients:
                    events.append(EventMention(
                        person=person, type=etype, evidence=sent.text, document=document.id, date=date,
                        date_text=date_text, place=where.place, country=where.country,
                        destination=where.destination, charge=charge,
                        term_years=term_years(sent, tr) if etype == "sentenced" else None,
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
    # An extradition is carried out by handing the person over: one act, told as the extradition.
    extradited = {e.person for e in seen.values() if e.type == "extradited"}
    events = share_within_document(sorted((e for e in seen.values()
                                           if not (e.type == "handed_over" and e.person in extradited)),
                                          key=lambda e: (e.start, e.person)))
    with_events = {e.person for e in events}
    out = []
    for p in persons:
        full = [f for f in p.forms if len(f.split()) > 1]
        name = max(full or p.forms, key=lambda f: (len(f.split()), p.forms.count(f)))
        role = "subject" if p.local_id in with_events else (title_role(p) or "other")
        out.append(PersonMention(
            local_id=p.local_id, name=name, first_name=p.first, surname=p.surname, gender=p.gender,
            aliases=[f for f in p.forms if f != name], surface_forms=list(p.forms), role=role,
            attributes=dict(p.attributes),
            spans=[(sents[s].toks[i].start, sents[s].toks[j - 1].end) for s, i, j in p.spans]))
    frame = None
    if timeline.frame_year:
        frame = f"{timeline.frame_year}" + (f"-{timeline.frame_month:02d}" if timeline.frame_month else "")
    return DocumentExtraction(document=document, persons=out, events=events, frame=frame)
