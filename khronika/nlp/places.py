"""Where each event happened, and where a removal sent its person.

A sentence names places in several capacities, and only one of them is where
the act happened:

    WHERE      "в Алматы", "at Astana airport", "на границе Казахстана"
    TO         "отправлен в Россию", "deported to Tajikistan", "выдала российским военным"
    FROM       "вывезли из Казахстана", "expelled from Georgia"
    ACTOR      "казахстанская полиция", "Верховный суд Казахстана", "Kazakh border guards",
               "Казахстан задержал" (a state as the one who acts)
    REQUESTER  "по запросу России", "at Russia's request", "wanted by Uzbekistan"
    ASIDE      "российский активист", "уроженец Чечни", "born in Dushanbe", "граждан России"

The language modules (`ru_places`, `en_places`) read those roles off the
words around each gazetteer match; this module chooses, per event type, which
role gives the place, and keeps the setting the narrative has established
("Там его приговорили" is where he was sent; a later "detained" with no place
of its own is where the person is now). The requesting state is never the
place of an approval, a detention or an appeal, and nothing is ever placed in
a default country: when the text does not say, the place stays None.
"""
from __future__ import annotations

import bisect
import functools
from collections import Counter
from dataclasses import dataclass, field

from ..geo import country_name, find_places

WHERE, TO, FROM, ACTOR, REQUESTER, ASIDE = "where", "to", "from", "actor", "requester", "aside"
# Where someone lives ("живёт в Бишкеке", "based in Istanbul"): not the place
# of an act in its own sentence, but where the story finds the person.
RESIDES = "resides"

# Acts that happen where the person is held or heard: the host country.
HOST_TYPES = frozenset({"detained", "arrested", "extradition_approved", "extradition_denied",
                        "deportation_ordered", "appeal_filed", "asylum_applied", "asylum_denied",
                        "asylum_granted", "entry_refused", "released", "escaped", "disappeared"})
# Acts of the state that prosecutes: where the case is, usually the home state.
PROSECUTION_TYPES = frozenset({"charged", "wanted", "sentenced"})
# Generic nouns of places of custody (PlaceRef.detail): a sentence is served where they are.
CUSTODY_SITES = frozenset({"prison", "jail", "colony", "тюрьма", "колония"})
# Acts that move a person: a country they leave and one they are sent or flee to.
REMOVAL_TYPES = frozenset({"deported", "extradited", "handed_over", "transferred", "fled"})


@dataclass(frozen=True)
class PlaceRef:
    """One place named in a sentence, with what it is to the sentence."""
    i: int                      # token range in the sentence
    j: int
    name: str                   # canonical name in the document's language ("Алматы")
    country: str | None         # ISO 3166-1 alpha-2
    kind: str                   # "country", "city", "region", "facility", "adjective"
    role: str                   # WHERE, TO, FROM, ACTOR, REQUESTER, ASIDE
    detail: str | None = None   # the generic noun it names ("аэропорт", "СИЗО", "суд")


@dataclass
class Located:
    place: str | None = None
    country: str | None = None
    destination: str | None = None


@dataclass
class Setting:
    """What the narrative has established so far, in text order."""
    country_name: callable                       # ISO code -> display name in the document's language
    person: dict[str, PlaceRef] = field(default_factory=dict)   # where each person is (last act, or sent to)
    moved: dict[str, PlaceRef] = field(default_factory=dict)    # ... as this sentence leaves them
    taken: dict[str, PlaceRef] = field(default_factory=dict)    # ... where this sentence took them
    last: PlaceRef | None = None                 # the last place named as a location or destination ("там")
    home: str | None = None                      # the state that prosecutes the people of this text
    host: str | None = None                      # the one country the text's acts happen in, if one
    since: dict[str, str] = field(default_factory=dict)    # the date each person's place was set at
    recent: PlaceRef | None = None               # the one location the last sentence named ("— В аэропорту Ташкента.")

    def display(self, ref: PlaceRef | None, country: str | None) -> str | None:
        """"Алматы, Казахстан"; "аэропорт Астана, Казахстан"; "Казахстан"."""
        if country is None and ref is None:
            return None
        country_text = self.country_name(country) if country else None
        if ref is None or ref.kind in ("country", "adjective"):
            base = None
        elif ref.kind == "site":
            base = ref.name                      # "граница", "аэропорт": the country says which
        else:
            base = ref.name
            if ref.detail and ref.detail.lower() not in ref.name.lower():
                base = f"{ref.detail} {ref.name}"
        parts = [x for x in (base, country_text) if x]
        return ", ".join(parts) if parts else None


def document_setting(refs_by_sentence: list[list[PlaceRef]], lang: str, home_hint: str | None) -> Setting:
    """The home state (requested by, prosecuting) and the host (where acts happen) of a text.

    Home: the country most often named as requester, else the hint (the
    exiles' own country the text names). Host: the one country other than
    home that the text names as a location or actor at least twice as often
    as any other."""
    requesters = Counter(r.country for refs in refs_by_sentence for r in refs
                         if r.role == REQUESTER and r.country)
    # The exiles' own state, when the text names it as one that asks, is the
    # home; a "requester" that the text also sends the request to ("отправила
    # запрос Грузии", a dative read as a genitive) is the requested state.
    addressed = {r.country for refs in refs_by_sentence for r in refs if r.role in (TO, WHERE)}
    if home_hint and home_hint in requesters:
        home = home_hint
    else:
        ranked = [c for c, _ in requesters.most_common() if c not in addressed] or [
            c for c, _ in requesters.most_common()]
        home = ranked[0] if ranked and not home_hint else home_hint or (ranked[0] if ranked else None)
    hosts = Counter(r.country for refs in refs_by_sentence for r in refs
                    if r.role in (WHERE, ACTOR) and r.country and r.country != home)
    host = None
    if hosts:
        ranked = hosts.most_common(2)
        if len(ranked) == 1 or ranked[0][1] >= 2 * ranked[1][1]:
            host = ranked[0][0]
    return Setting(country_name=functools.partial(country_name, lang=lang), home=home, host=host)


def _earlier(date: str | None, than: str | None) -> bool:
    """Is `date` wholly before `than` (at the coarser of their precisions)? A
    flashback ("— 11 сентября меня задержали в Ташкенте") is not where the
    story has since taken the person."""
    if not date or not than:
        return False
    a, b = date.split("/")[-1], than.split("/")[0]
    n = min(len(a), len(b))
    return a[:n] < b[:n]


@dataclass(frozen=True)
class Deixis:
    """The words of one language that point at a place instead of naming it."""
    there: frozenset           # "там", "there": the last place the story named
    where: frozenset           # "где", "where": the place named just before the clause
    homeland: frozenset        # "на родину", "home": the home state
    homeland_before: bool      # Russian names it before the verb too ("на родину вывезли")


def refs_by_sentence(text: str, sents: list, lang: str, read) -> list[list[PlaceRef]]:
    """Every place each sentence names, with its role: one gazetteer pass over
    the text, then `read(sent, matches)` (the language's role reader) per sentence."""
    matches = find_places(text, lang)
    starts = [m.start for m in matches]
    return [read(sent, matches[bisect.bisect_left(starts, sent.start):bisect.bisect_left(starts, sent.end)])
            for sent in sents]


def token_span(toks: list, start: int, end: int) -> tuple[int, int] | None:
    """The token range [i, j) a character span covers, if any token."""
    idx = [k for k, t in enumerate(toks) if t.start >= start and t.end <= end]
    return (idx[0], idx[-1] + 1) if idx else None


def locate_trigger(words: list[str], clause: tuple[int, int], k: int, last: int, etype: str,
                   refs: list[PlaceRef], persons, setting: Setting, deixis: Deixis,
                   trigger_starts: list[int], date: str | None) -> Located:
    """`locate` for the trigger at tokens k..last, whose sentence reads as
    `words` (lemmas or lower-cased forms): resolves what "там"/"где"/"на
    родину" point to and where the next event word of the sentence starts."""
    lo, hi = clause
    there = None
    if lo > 0 and words[lo - 1] in deixis.where:
        there = next((r for r in reversed(refs) if r.i < lo - 1 and r.role in (WHERE, TO)
                      and r.kind != "adjective"), None)
    elif any(w in deixis.there for w in words[lo:hi]):
        there = setting.last
    homeland = any(w in deixis.homeland for w in words[lo if deixis.homeland_before else k:hi])
    following = [n for n in trigger_starts if n > last]
    return locate(etype, k, clause, refs, tuple(persons), setting, there=there, homeland=homeland,
                  next_trigger=following[0] if following else None, date=date, last=last)


def _country_ref(country: str) -> PlaceRef:
    return PlaceRef(i=-1, j=-1, name="", country=country, kind="country", role=WHERE)


def _nearest(refs: list[PlaceRef], k: int) -> PlaceRef | None:
    """The first one after the trigger, else the last one before it."""
    after = [r for r in refs if r.i > k]
    before = [r for r in refs if r.i <= k]
    return after[0] if after else before[-1] if before else None


def locate(etype: str, k: int, clause: tuple[int, int], refs: list[PlaceRef], persons: tuple[str, ...],
           setting: Setting, *, there: PlaceRef | None = None, homeland: bool = False,
           next_trigger: int | None = None, date: str | None = None, last: int | None = None) -> Located:
    """The place, country and destination of one event whose trigger is token `k`.

    `clause` is the trigger's clause (token range); `refs` every place of the
    sentence; `there`: the place a "там"/"где"/"where" of the clause points to;
    `homeland`: it says "на родину"/"home" (the home state); `next_trigger`:
    the next event word of the clause ("бежал ..., был задержан ... и
    отправлен в Россию": Russia is where he was sent, not where he fled)."""
    lo, hi = clause
    if next_trigger is not None and next_trigger > k:
        hi = min(hi, next_trigger)
    own = [r for r in refs if lo <= r.i < hi and (r.country or r.kind == "site")]
    by_role = {role: [r for r in own if r.role == role] for role in (WHERE, TO, FROM, ACTOR, REQUESTER)}
    moved = next((setting.moved[p] for p in persons if p in setting.moved), None)
    taken = next((setting.taken[p] for p in persons if p in setting.taken), None)
    person_at = moved or next((setting.person[p] for p in persons if p in setting.person
                               and not _earlier(date, setting.since.get(p))), None)
    if person_at is None and setting.recent is not None and etype in HOST_TYPES:
        person_at = setting.recent            # the scene the last sentence set
    out = Located()

    if etype in REMOVAL_TYPES:
        to = _nearest([r for r in by_role[TO] if r.country], k)
        if to is not None:
            out.destination = to.country
        elif homeland and setting.home:
            out.destination = setting.home
        elif etype in ("handed_over", "extradited") and by_role[REQUESTER]:
            out.destination = by_role[REQUESTER][0].country
        if etype == "handed_over" and setting.home and (
                out.destination is None or person_at is not None and out.destination == person_at.country):
            # Handed to the home state's agents where they stand ("доставлен в Приозерск",
            # a Russian base in Kazakhstan): the person went into the home state's hands.
            out.destination = setting.home
        origin = _nearest([r for r in by_role[FROM] + by_role[WHERE] if r.country], k)
        if origin is not None and origin.country != out.destination and (to is None or origin.i < to.i):
            out.country, out.place = origin.country, setting.display(origin, origin.country)
        elif etype != "fled":
            actor = next((r for r in by_role[ACTOR] if r.country and r.country != out.destination), None)
            # Where the person is, unless that is already home (a removal told
            # again after the story brought them back: "его депортировали").
            at = person_at.country if person_at and person_at.country != setting.home else None
            country = actor.country if actor else at
            if country and country != out.destination:
                out.country = country
                out.place = setting.display(None, country)
        # Where the person is now: the named place they were taken to, or the
        # place named right after it ("на российскую военную базу в Приозерске").
        arrived = None
        if to is not None:
            after = [r for r in own if r.role == WHERE and r.country and to.j <= r.i <= to.j + 4]
            arrived = after[0] if after else to
        elif out.destination:
            arrived = _country_ref(out.destination)
        if arrived is not None:
            for p in persons:
                setting.moved[p] = arrived
                setting.taken[p] = arrived
                if date:
                    setting.since[p] = date
            if arrived.kind != "adjective":
                setting.last = arrived
        return out

    if etype == "extradition_requested":
        # The request goes to the state that holds the person: named as
        # where it was sent ("направила в Грузию запрос"), else the host.
        pick = _nearest([r for r in by_role[TO] + by_role[WHERE] if r.country], k)
        country = pick.country if pick else person_at.country if person_at else setting.host
        out.country = country if country != setting.home or pick else None
        out.place = setting.display(pick, out.country) if out.country else None
        return out

    if etype in PROSECUTION_TYPES:
        if homeland and setting.home:
            out.country = setting.home
            out.place = setting.display(None, out.country)
            return out
        # A place after the trigger usually belongs to the crime ("обвиняемого в
        # дезертирстве из части в Южной Осетии"), not to the court: only one
        # right after it counts ("осуждён в Москве").
        # "sentenced to seven years in prison in Tajikistan": where the prison is, the court is.
        wheres = [r for r in by_role[WHERE] if r.i <= (last if last is not None else k) + 3
                  or (r.detail or "").lower() in CUSTODY_SITES]
    else:
        wheres = by_role[WHERE]
    pick = _nearest(wheres, k)
    if pick is None and etype in ("appeal_filed", "entry_refused"):
        # "подали апелляцию в Верховный суд Казахстана", "в Грузию не впустили": where to is where
        pick = _nearest([r for r in by_role[TO] if r.country], k)
    if pick is None:
        actors = [r for r in by_role[ACTOR] if r.country]
        if etype in HOST_TYPES and len({r.country for r in actors}) > 1:
            actors = [r for r in actors if r.country != setting.home]
        pick = _nearest(actors, k)
    if pick is None and there is not None:
        pick = there
    site = None
    if pick is not None and pick.country is None:
        site, pick = pick, None                  # "на границе": which one, the setting says
        named = [r for r in wheres if r.country and r.kind != "adjective"]
        if named:
            pick = named[0]                      # "В Москве ... задержали прямо в аэропорту"
    country = pick.country if pick else None
    if country is None and etype in PROSECUTION_TYPES:
        if taken is not None:
            country = taken.country              # "доставлен в Приозерск ... и ему предъявили обвинение"
            pick = taken if taken.kind != "adjective" else None
        else:
            requester = by_role[REQUESTER] or [r for r in refs if r.role == REQUESTER and r.country]
            country = requester[0].country if requester else None
            if country is None and etype != "sentenced":
                country = setting.home
    if country is None and etype in HOST_TYPES and person_at is None:
        # "осели в Бишкеке, однако ... были арестованы двое": the one location
        # the sentence names elsewhere.
        elsewhere = {r.country for r in refs if r.role in (WHERE, RESIDES) and r.country and r.kind != "adjective"}
        if len(elsewhere) == 1:
            country = elsewhere.pop()
    if country is None and etype in HOST_TYPES:
        if person_at is not None:
            country = person_at.country
            if site is None and person_at.kind not in ("adjective", "country"):
                pick = person_at
        else:
            country = setting.host
    out.country = country
    shown = site or (pick if pick is not None and pick.country == country else None)
    out.place = setting.display(shown, country)
    if site is not None and pick is not None and pick.country == country and pick.kind not in ("country",):
        out.place = f"{site.name}, {setting.display(pick, country)}"    # "аэропорт, Москва, Россия"
    if country and etype in HOST_TYPES:
        here = pick if pick is not None and pick.kind not in ("adjective",) else _country_ref(country)
        for p in persons:
            setting.moved[p] = here
            if date:
                setting.since[p] = date
    if pick is not None and pick.role == WHERE and pick.kind != "adjective":
        setting.last = pick
    return out


def requester_in(refs: list[PlaceRef], clause: tuple[int, int]) -> str | None:
    """The state a detention was made for ("задержан по запросу Таджикистана",
    "detained at Russia's request"): a request for extradition the text implies."""
    lo, hi = clause
    return next((r.country for r in refs if r.role == REQUESTER and r.country and lo <= r.i < hi), None)


def note_sentence(refs: list[PlaceRef], persons: set[str], setting: Setting, scene: bool = False) -> None:
    """After a sentence: where its people now are, and what "там" points to.

    A sentence with no event still moves the story ("а затем отправился в
    Турцию", "не смог найти приют в Казахстане: Михаил Жилин"): the last
    destination it names is where its people went; a location it names is
    where they are, for those the text has not placed yet. `scene`: the
    sentence only sets a scene (no verb of its own: "— 11 сентября, прямо в
    аэропорту Ташкента."), and the next act with no place happens there."""
    moved = setting.moved
    setting.person.update(moved)
    setting.moved = {}
    setting.taken = {}
    named = [r for r in refs if r.country and r.kind != "adjective"]
    for r in named:
        if r.role in (WHERE, TO):
            setting.last = r
    wheres = [r for r in named if r.role == WHERE]
    setting.recent = wheres[0] if scene and len({r.country for r in wheres}) == 1 else None
    destinations = [r for r in named if r.role == TO]
    locations = {r.country for r in named if r.role in (WHERE, RESIDES)}
    for p in persons:
        if p in moved:
            # "сбежал в Казахстан, а затем отправился в Турцию": a later destination wins.
            if destinations and moved[p].i >= 0 and destinations[-1].i > moved[p].i:
                setting.person[p] = destinations[-1]
        elif destinations:
            setting.person[p] = destinations[-1]
        elif len(locations) == 1 and p not in setting.person:
            setting.person[p] = next(r for r in named if r.role in (WHERE, RESIDES))
