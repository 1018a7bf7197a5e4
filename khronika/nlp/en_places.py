"""English: what each place a sentence names is to it (see `places` for the roles).

English marks the role with the preposition before the name ("in Almaty",
"to Russia", "from Georgia"), a possessive or "of" after the noun it belongs
to ("Russia's request", "the Supreme Court of Kazakhstan", "a citizen of
Tajikistan"), a nationality adjective before an institution ("Kazakh police",
"Turkish authorities") or before a person ("a Russian activist"), and a state
as the subject of its verb ("Georgia deported him").
"""
from __future__ import annotations

from .places import ACTOR, ASIDE, CUSTODY_SITES, FROM, REQUESTER, TO, WHERE, Deixis, PlaceRef, token_span

ACTOR_NOUNS = frozenset({
    "police", "authorities", "authority", "court", "courts", "prosecutor", "prosecutors", "prosecutor's",
    "government", "officials", "official", "officers", "agents", "guards", "guard", "border", "security",
    "service", "services", "ministry", "interior", "migration", "judge", "judges", "forces", "troops",
    "investigators", "intelligence", "military", "soldiers", "law", "enforcement", "state", "regime",
    "embassy", "consulate", "side", "supreme", "constitutional", "appeals", "district", "city",
})
REQUEST_NOUNS = frozenset({"request", "requests", "demand", "demands", "warrant", "warrants", "order",
                           "behest", "extradition", "notice", "wanted", "list", "bidding", "behalf"})
PLACE_NOUNS = frozenset({"airport", "border", "capital", "city", "town", "village", "region", "province",
                         "base", "prison", "jail", "centre", "center", "facility", "crossing", "checkpoint",
                         "detention", "zone", "area", "outskirts", "district", "republic", "station",
                         "port", "embassy", "consulate", "colony", "camp"})
PERSON_NOUNS = frozenset({"citizen", "citizens", "national", "nationals", "activist", "activists", "journalist",
                          "journalists", "blogger", "dissident", "dissidents", "opposition", "deserter",
                          "deserters", "soldier", "man", "woman", "native", "exile", "exiles", "emigre",
                          "emigres", "refugee", "refugees", "lawyer", "businessman", "servicemen",
                          "serviceman", "conscript", "conscripts", "student", "resident", "residents",
                          "passport", "descent", "origin", "people", "critic", "critics", "writer", "artist"})
BIO_WORDS = frozenset({"born", "native", "citizen", "citizens", "national", "nationals", "resident",
                       "residents", "lived", "lives", "living", "grew", "studied", "worked", "works",
                       "hometown", "home", "raised", "served", "deserted"})
_WHERE_PREPS = {"in", "at", "inside", "near", "outside", "within", "on"}
_TO_PREPS = {"to", "into", "towards", "toward"}
_FROM_PREPS = {"from"}
_ASIDE_PREPS = {"about", "against", "for", "of", "with", "between", "through", "via", "across", "than",
                "over", "like", "after", "before", "since"}
_SKIP = {"the", "a", "an", "its", "their", "his", "her"}
_LEAVING = {"fled", "flee", "flees", "fleeing", "left", "leave", "leaves", "leaving", "departed", "headed",
            "bound", "escaped"}


def _prev(toks, n: int) -> int:
    """The index of the word before n, skipping articles and possessive pronouns."""
    n -= 1
    while n >= 0 and toks[n].low in _SKIP:
        n -= 1
    return n


def _phrase_role(toks, n: int, depth: int = 0) -> tuple[str, str | None]:
    """The role of the phrase starting at n, from the preposition or noun before it."""
    p = _prev(toks, n)
    if p < 0:
        return ACTOR, None
    w = toks[p].low
    if w in _WHERE_PREPS:
        return WHERE, None
    if w == "for" and any(t.low in _LEAVING for t in toks[max(0, p - 5):p]):
        return TO, None            # "fled the country for Kyrgyzstan", "left for Istanbul"
    if w in _TO_PREPS:
        return TO, None
    if w in _FROM_PREPS:
        return FROM, None
    if w == "by":
        return ACTOR, None
    if w == "of" and depth < 2:
        h = _prev(toks, p + 0)
        head = toks[h].low if h >= 0 else ""
        if head in REQUEST_NOUNS:
            return REQUESTER, None
        if head in ACTOR_NOUNS:
            role, _ = _phrase_role(toks, _phrase_start(toks, h), depth + 1)
            return (role if role in (WHERE, FROM, TO) else ACTOR), head
        if head in PLACE_NOUNS:
            role, _ = _phrase_role(toks, _phrase_start(toks, h), depth + 1)
            return role, head
        return ASIDE, None
    if w in _ASIDE_PREPS or w in BIO_WORDS:
        return ASIDE, None
    if w in (",", "and") and depth < 2:
        return ASIDE, None
    return ACTOR if toks[p].text in (".", ";", ":", "—", "–") else ASIDE, None


def _phrase_start(toks, h: int) -> int:
    """Back over capitalised/modifier words of a noun phrase ("the Supreme Court")."""
    while h > 0 and (toks[h - 1].text[:1].isupper() and toks[h - 1].low not in _SKIP
                     or toks[h - 1].low in ("supreme", "constitutional", "district", "city", "border",
                                            "regional", "military", "interior", "migration", "security")):
        h -= 1
    return h


def _after_role(toks, i: int, j: int) -> tuple[str, str | None] | None:
    """What follows the name: "Kazakhstan's request", "Kazakh police", "Almaty airport", "Russian activist"."""
    n = j
    possessive = n < len(toks) and toks[n].low in ("'s", "’s", "'")
    if possessive:
        n += 1
    while n < len(toks) and n < j + 3 and toks[n].low in ("supreme", "constitutional", "state", "federal",
                                                          "national", "special", "interior", "internal",
                                                          "border", "migration", "security", "district",
                                                          "regional", "city", "law", "enforcement"):
        if toks[n].low in ACTOR_NOUNS and n + 1 < len(toks) and toks[n + 1].low not in ACTOR_NOUNS | PLACE_NOUNS:
            break
        n += 1
    if n >= len(toks):
        return None
    w = toks[n].low
    if w in REQUEST_NOUNS:
        return REQUESTER, None
    if w in PERSON_NOUNS:
        return ASIDE, None
    if w.endswith("-born"):
        return ASIDE, None
    if w in PLACE_NOUNS:
        role, _ = _phrase_role(toks, i)
        return role, toks[n].low
    if w in ACTOR_NOUNS or toks[n - 1].low in ACTOR_NOUNS:
        p = _prev(toks, i)
        if p > 0 and toks[p].low == "of" and toks[_prev(toks, p)].low in REQUEST_NOUNS:
            return REQUESTER, None    # "at the request of the Tajik authorities"
        role, _ = _phrase_role(toks, i)
        if role in (WHERE, FROM, TO):
            return role, w
        return ACTOR, w
    return None


def _biography(toks, i: int) -> bool:
    """"born in Dushanbe", "lived in Istanbul", "a native of Chechnya"."""
    for t in reversed(toks[max(0, i - 4):i]):
        if t.low in BIO_WORDS:
            return True
        if t.text in (",", ";", ".") or t.low in ("was", "were", "had", "has"):
            return False
    return False


def sentence_places(sent, matches) -> list[PlaceRef]:
    toks = sent.toks
    refs = []
    for m in matches:
        span = token_span(toks, m.start, m.end)
        if span is None:
            continue
        i, j = span
        detail = None
        if i == 0 and toks[0].text.isupper() and j < len(toks) and toks[j].text in ("-", "--", "—", "–", ","):
            # "DUSHANBE -- A Tajik blogger ...": a dateline says where the report was filed
            refs.append(PlaceRef(i=i, j=j, name=m.name, country=m.country, kind=m.kind, role=ASIDE))
            continue
        after = _after_role(toks, i, j)
        if after is not None:
            role, detail = after
        elif m.kind == "adjective":
            role = ASIDE
        else:
            role, detail = _phrase_role(toks, i)
        if role in (WHERE, FROM) and _biography(toks, i):
            role = ASIDE
        if role == WHERE and detail is None and i > 1 and toks[i - 1].low == "in" \
                and toks[i - 2].low in CUSTODY_SITES:
            detail = toks[i - 2].low          # "sentenced to seven years in prison in Tajikistan"
        refs.append(PlaceRef(i=i, j=j, name=m.name, country=m.country, kind=m.kind, role=role,
                             detail=detail))
    named = {r.i for r in refs}
    for n, t in enumerate(toks):
        # "at the border", "in a detention centre" with no name: the narrative says which.
        if t.low in SITE_NOUNS and not any(n - 2 <= x <= n + 3 for x in named):
            p = _prev(toks, n)
            if p >= 0 and toks[p].low in _WHERE_PREPS | _FROM_PREPS:
                refs.append(PlaceRef(i=n, j=n + 1, name=t.low, country=None, kind="site",
                                     role=WHERE if toks[p].low in _WHERE_PREPS else FROM))
    refs.sort(key=lambda r: r.i)
    return refs


SITE_NOUNS = frozenset({"border", "airport", "prison", "jail"})
DEIXIS = Deixis(there=frozenset({"there"}), where=frozenset({"where"}),
                homeland=frozenset({"home", "homeland"}), homeland_before=False)
