"""Russian extraction, stage 6: the date of an event.

Takes a sentence, an event trigger in it and the sentence's resolved date
expressions (offset, ISO, words); gives the date that governs the trigger
(`event_date`), with the rules around it: background clauses that keep their
dates (`background_spans`), dates of a report rather than of the act
(`reported_date`), and the anchors a dated event leaves for "через два
месяца после задержания" (`anchor_event`). Finding and resolving the
expressions is ru_dates' and dates'.
"""
from __future__ import annotations

import re

from .dates import Timeline
from .ru_events import Trigger
from .ru_lexicon import CLAUSE_WORDS
from .ru_tokens import Sent, Tok, clause_bounds

LATER = re.compile(r"\b(позже|позднее|затем|потом|впоследствии|спустя|после этого)\b", re.IGNORECASE)


def background_spans(toks: list[Tok]) -> list[tuple[int, int]]:
    """Participle phrases and relative clauses set off by commas ("Фомичёва,
    задержанного в Батуми в конце сентября, ..."; "Мерцалову, которую задержали
    ещё в июле"): what they date is background to the main clause."""
    spans = []
    for k in range(1, len(toks)):
        if toks[k - 1].text != ",":
            continue
        t = toks[k]
        if t.lemma == "который" or (t.feats.get("VerbForm") == "Part" and t.pos in ("VERB", "ADJ")
                                     and t.feats.get("Variant") != "Short"):
            end = next((n for n in range(k + 1, len(toks)) if toks[n].text in (",", ";", "—", "–", ":")),
                       len(toks))
            spans.append((k, end))
    return spans


def _has_own_verb(toks: list[Tok], last: int, start: int, hi: int) -> bool:
    """Does the date at char offset `start` stand, past a comma, in a stretch
    with a verb of its own ("…, на следующий день суд отправил меня в СИЗО")?
    Not "забрали рано утром, 14 января 2026 года"."""
    comma = next((n for n in range(last + 1, hi) if toks[n].text == ","), None)
    if comma is None or toks[comma].start > start:
        return False
    end = next((n for n in range(comma + 1, hi) if toks[n].text == "," and toks[n].start > start), hi)
    return any(t.pos in ("VERB", "AUX") and t.feats.get("VerbForm") == "Fin" for t in toks[comma + 1:end])


def _explicit_over_relative(dated: list[tuple[int, str, str]]) -> list[tuple[int, str, str]]:
    """"в тот же день 22 сентября": where a relative expression stands right
    before an explicit date, the explicit one says which day."""
    out = []
    for n, d in enumerate(dated):
        nxt = dated[n + 1] if n + 1 < len(dated) else None
        if nxt and nxt[0] - (d[0] + len(d[2])) <= 2 and not any(c.isdigit() for c in d[2]) \
                and any(c.isdigit() for c in nxt[2]):
            continue
        out.append(d)
    return out


def event_date(sent: Sent, tr: Trigger, dated: list[tuple[int, str, str]]
                ) -> tuple[str | None, str | None, bool]:
    """The date expression that governs a trigger: the closest one before it in
    the sentence, else the first after it in its clause. A relative clause or a
    participle phrase keeps its own date for its own trigger, and lends it to
    no other: "В среду Грузия депортировала Фомичёва, задержанного в конце
    сентября"; "…, которую задержали ещё в июле". The flag says the date is
    such a background one."""
    toks = sent.toks
    offset = toks[tr.i].start
    lo, hi = clause_bounds(toks, tr.i)
    dated = _explicit_over_relative(dated)
    clause_end = toks[hi - 1].end
    spans = background_spans(toks)
    own = next(((a, b) for a, b in spans if a <= tr.i < b), None)
    if own is not None:
        start, end = toks[own[0]].start, toks[own[1] - 1].end
        inside = [d for d in dated if start <= d[0] <= end]
        if inside:
            pick = ([d for d in inside if d[0] <= offset] or inside)
            pick = pick[-1] if pick[-1][0] <= offset else pick[0]
            return pick[1], pick[2], True
    else:
        ranges = [(toks[a].start, toks[b - 1].end) for a, b in spans]
        dated = [d for d in dated if not any(a <= d[0] <= b for a, b in ranges)]
    before = [d for d in dated if d[0] <= offset]
    # After the trigger, only in its own clause: not "…, который с 2023 года жил",
    # nor "меня задержали, на следующий день суд отправил меня в СИЗО".
    verbal = toks[tr.i].pos in ("VERB", "AUX")
    after = [d for d in dated if offset < d[0] <= clause_end
             and not (verbal and _has_own_verb(toks, tr.last, d[0], hi))]
    if lo > 0 and toks[lo - 1].lemma in CLAUSE_WORDS:
        clause_start = toks[lo].start
        relative = toks[lo - 1].lemma == "который" and not any(t.text == "," for t in toks[lo:tr.i])
        mine = [d for d in before if d[0] >= clause_start]
        if mine:
            return mine[-1][1], mine[-1][2], relative
        if after:
            return after[0][1], after[0][2], relative
    pick = before[-1] if before else after[0] if after else None
    return (pick[1], pick[2], False) if pick else (None, None, False)


# "В начале февраля стало известно, что полиция выдала Бажукова": the date is
# when the news came, and the act it reports may be older.
_REPORTED = re.compile(r"\b(?:стало известно|сообщил[аи]?|сообщает|заявил[аи]?|рассказал[аи]?|"
                       r"подтвердил[аи]?|сообщили|узнали?)\b[^.]*?\bчто\b", re.IGNORECASE)


def reported_date(sent: Sent, tr: Trigger, date_text: str | None) -> bool:
    if not date_text:
        return False
    at = sent.text.find(date_text)
    trigger_at = sent.toks[tr.i].start - sent.start
    if at < 0 or at > trigger_at:
        return False
    m = _REPORTED.search(sent.text, at + len(date_text), trigger_at)
    # The date must be the report's own ("В начале февраля стало известно"),
    # not that of another verb before it ("Вчера он предстал ..., где судья заявил, что").
    return m is not None and m.end() <= trigger_at and m.start() - (at + len(date_text)) <= 12


SINCE_TEXT = re.compile(r"(?:с|со|начиная\s+с)\s", re.IGNORECASE)
TIMESTAMP = re.compile(r"[ \t]*(?:[01]?\d|2[0-3])[:.][0-5]\d\s*[—–-]")


def state_verbs(sent: Sent, date_text: str | None) -> frozenset[str]:
    """The verbs of a state a sentence dates with "с" ("застрял в аэропорту
    с конца декабря"): it began then and may last to the present."""
    if not date_text or not SINCE_TEXT.match(date_text):
        return frozenset()
    return frozenset(t.lemma for t in sent.toks if t.pos == "VERB")


def during_state(sent: Sent, state: frozenset[str], date: str, timeline: Timeline) -> str:
    """The date of a step told while a state lasts ("Застряв в аэропорту, он
    подал заявление на убежище"): the gerund names the state again, so the
    step came after the state began, not with it. It is dated no finer than
    the year: the present's year when the state began in an earlier one."""
    if not state or "/" in date or not any(
            t.feats.get("VerbForm") == "Conv" and t.lemma in state for t in sent.toks):
        return date
    year = date[:4]
    if timeline.frame_year and str(timeline.frame_year) > year:
        year = str(timeline.frame_year)
    return year
_ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def day_of(published) -> str | None:
    m = _ISO_DAY.match(str(published)) if published else None
    return m.group() if m else None


# The noun a text uses to count from an event it has dated ("через два месяца
# после задержания"): its date is the event's.
_EVENT_NOUN = {"detained": "задержание", "arrested": "арест", "extradited": "экстрадиция",
               "deported": "депортация", "released": "освобождение", "sentenced": "приговор",
               "escaped": "побег", "handed_over": "выдача"}


def anchor_event(timeline: Timeline, etype: str, date: str | None) -> None:
    noun = _EVENT_NOUN.get(etype)
    if not noun or not date or "/" in date or len(date) < 7:
        return
    parts = [int(x) for x in date.split("-")]
    timeline.anchors[noun] = (parts[0], parts[1], parts[2] if len(parts) > 2 else None)
