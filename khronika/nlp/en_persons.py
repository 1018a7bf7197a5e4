"""English persons: the pluggable recogniser, one record per person of a document, titles and roles.

The default recogniser reads capitalised runs with a first-name gazetteer
(every first name of pymorphy's Russian dictionary, ≈13k, romanized, plus
common English ones), surname suffixes (-ov, -ova, -enko, -shvili, ...) and
titles ("lawyer Jane Doe").
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from importlib import resources
from typing import Protocol

from ..translit import romanize
from .en_lexicon import (
    KIN_NOUNS,
    NON_NAME_WORDS,
    OCCUPATIONS,
    ORG_TAILS,
    PERSON_NOUNS,
    SPEECH_VERBS,
    SURNAME_SUFFIXES,
    TITLE_ABBREVIATIONS,
    TITLE_TO_ROLE,
)
from .en_text import Sent, Tok


class PersonRecognizer(Protocol):
    """Finds person names in a sentence: (first token index, last index + 1) pairs."""

    def __call__(self, sent: Sent) -> list[tuple[int, int]]: ...


@functools.lru_cache(maxsize=1)
def first_names() -> dict[str, str]:
    """Loose Latin key of every known first name -> gender ("m", "f" or "mf")."""
    from ..resolve import latin_key
    names: dict[str, str] = {}
    text = resources.files("khronika.nlp").joinpath("data/first_names.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        name, genders = line.split("\t")
        names[latin_key(romanize(name))] = genders
    for name in _ENGLISH_FIRST_NAMES.split():
        gender, word = name.split(":")
        names.setdefault(latin_key(word), gender)
    return names


_ENGLISH_FIRST_NAMES = (
    "m:John m:James m:Robert m:Michael m:William m:David m:Richard m:Thomas m:Mark m:Paul m:Peter m:George "
    "m:Andrew m:Daniel m:Joseph m:Charles m:Christopher m:Matthew m:Steven m:Brian m:Kevin m:Jason m:Mehmet "
    "m:Ahmet m:Mustafa m:Ali m:Omar m:Hans m:Pierre m:Jean m:Luis m:Carlos f:Mary f:Jane f:Elizabeth "
    "f:Sarah f:Emma f:Anna f:Laura f:Rachel f:Claire f:Sophie f:Julia f:Maria f:Ayse f:Fatma f:Zeynep "
    "f:Emily f:Hannah f:Rebecca f:Catherine f:Susan f:Karen f:Lisa "
    # Turkish, Azerbaijani, Central Asian, Caucasian and Arabic names the Russian dictionary lacks
    "m:Orhan m:Kerem m:Burak m:Hakan m:Selim m:Kemal m:Recep m:Tayyip m:Fethullah m:Ilkin m:Afgan m:Tofig "
    "m:Huseyin m:Ahmed m:Mohammed m:Muhammad m:Mahmoud m:Khalid m:Hamza m:Bilal m:Tariq m:Youssef m:Farrukh "
    "m:Bilol m:Komil m:Maqsud m:Dilmurod m:Suhrob m:Sulaimon m:Izzat m:Jamshid m:Bakhrom m:Komron m:Farhod "
    "m:Shuhrat m:Ulugbek m:Bobomurod m:Mirzo m:Saidmumin m:Nasimjon m:Mahmadali m:Rahmatullo m:Namunjon "
    "m:Sharofiddin m:Nuriddin m:Zafar m:Firdavs m:Daler m:Dalerjon m:Jahongir m:Sanjar m:Otabek m:Sardor "
    "m:Akmal m:Azamat m:Almaz m:Aibek m:Bolot m:Kanat m:Yerlan m:Yerzhan m:Zhanbolat m:Askhat m:Mukhtar "
    "m:Esen m:Sadyr m:Kamchybek m:Koshkarbai m:Zhangeldy m:Akylbek m:Magomed m:Akhmed m:Ramzan m:Zelimkhan "
    "m:Khasan m:Tumso m:Islam m:Adam m:Abubakar m:Muhammed m:Imran m:Musa m:Doku "
    "f:Shabnam f:Nodira f:Dilnoza f:Mukhabbat f:Gulnoza f:Zarina f:Malika f:Madina f:Aigerim f:Ziyuar "
    "f:Elif f:Merve f:Esra f:Zehra f:Leyla f:Fatima f:Aisha f:Amina f:Mared f:Raisa f:Arevik"
)


def is_cap(tok: Tok) -> bool:
    return tok.text[:1].isupper() and tok.text[:1].isalpha()


def first_name_gender(word: str) -> str | None:
    from ..resolve import latin_key
    return first_names().get(latin_key(word))


def _looks_like_first_name(word: str) -> bool:
    """Central Asian first names by their endings: Nasimjon, Rahmatullo, Nuriddin, Mamadbek."""
    low = word.lower()
    return len(low) > 5 and low.endswith(("jon", "ullo", "ullah", "iddin", "uddin", "mumin", "bek", "bai"))


def _looks_like_surname(word: str) -> bool:
    low = word.lower().rstrip("'s").replace("’", "'")
    return low.endswith(SURNAME_SUFFIXES) and len(low) > 3


_TITLES = frozenset(TITLE_TO_ROLE) | OCCUPATIONS | PERSON_NOUNS
_NOT_OPENING = NON_NAME_WORDS | TITLE_ABBREVIATIONS | _TITLES      # words left out before a name


def _name_runs(sent: Sent):
    """Capitalised runs of 2-4 words shaped like a name: (i, j) token ranges. Leading
    words that are no part of a name ("President", "On", a country) are left out;
    a run with an organisation's last word, a place, an acronym or a function
    word inside is not a name."""
    toks = sent.toks
    k = 0
    while k < len(toks):
        if not is_cap(toks[k]):
            k += 1
            continue
        j = k
        while j < len(toks) and (is_cap(toks[j]) or (toks[j].text == "." and j > k and len(toks[j - 1].text) == 1)
                                 or (toks[j].text == "-" and j + 1 < len(toks) and is_cap(toks[j + 1]))):
            j += 1
        run = [n for n in range(k, j) if toks[n].text not in (".", "-")]
        # Trim words that are not part of a name ("President Kassym-Jomart Tokayev", "On Monday",
        # "Educator Orhan Inandi", "a citizen of Kyrgyzstan Esen Mazhitov").
        while run and (toks[run[0]].low.rstrip("'s") in _NOT_OPENING
                       or run[0] in sent.places or len(toks[run[0]].text) > 1 and toks[run[0]].text.isupper()):
            run = run[1:]
        k = max(j, k + 1)
        if not 2 <= len(run) <= 4:
            continue
        words = [toks[n] for n in run]
        if words[-1].low.rstrip("'s") in ORG_TAILS or any(t.low in NON_NAME_WORDS for t in words[1:]):
            continue
        if any(n in sent.places for n in run) or len(words[-1].text) < 3:
            continue          # "Is Montenegro", "U.S."
        if any(len(t.text) > 1 and t.text.isupper() for t in words):
            continue          # "MIT", "FETO", "KGB"
        yield run[0], run[-1] + 1


def rule_recognizer(sent: Sent) -> list[tuple[int, int]]:
    """Capitalised runs of 2-4 words that look like a person's name: a known first
    name, an initial, a surname's ending, or a person's context around the run (a
    title or occupation before it, an age or a descriptive apposition after it, a
    name it is listed with). The runs with none of these wait in `sent.unconfirmed`
    for the document to vouch for them (see `find_persons`)."""
    toks = sent.toks
    found, doubtful = [], []
    for i, j in _name_runs(sent):
        first, last = toks[i].text, toks[j - 1].text
        known_first = len(first) > 2 and (first_name_gender(first) or _looks_like_first_name(first))
        if known_first or len(first) == 1 or _looks_like_surname(last) or _is_title_before(toks, i) \
                or person_context(toks, i, j):
            found.append((i, j))
        else:
            doubtful.append((i, j))
    # "Nasimjon Sharifov and Suhrob Zafar": a run listed with a name is a name.
    for span in list(doubtful):
        if any(_listed_together(toks, fj, span[0]) or _listed_together(toks, span[1], fi) for fi, fj in found):
            found.append(span)
            doubtful.remove(span)
    sent.unconfirmed = doubtful
    return sorted(found)


def _listed_together(toks: list[Tok], a: int, b: int) -> bool:
    """Only "and", "or" and commas between token a and token b."""
    between = [t.low for t in toks[a:b]]
    return 0 < len(between) <= 2 and all(w in (",", "and", "or") for w in between) and \
        any(w in ("and", "or") for w in between)


def person_context(toks: list[Tok], i: int, j: int) -> bool:
    """Does the text around tokens i..j say they name a person? "blogger Insu Lander",
    "Inandi, 53,", "Kaimov (35)", "Lander, a Russian blogger", "Inandi's family"."""
    if i > 0 and toks[i - 1].low in _TITLES:
        return True
    after = [t.low for t in toks[j:j + 8]]
    if len(after) >= 3 and after[0] in (",", "(") and after[1].isdigit() and 14 <= int(after[1]) <= 99 \
            and after[2] in (",", ")", ".", ";"):
        return True
    if len(after) >= 3 and after[0] == "," and after[1] in ("a", "an", "the"):
        for w in after[2:]:
            if w in (",", ";", "."):
                break
            if w in _TITLES or w in KIN_NOUNS:
                return True
    return bool(after) and (toks[j - 1].low.endswith("'s") and after[0] in KIN_NOUNS
                            or len(after) > 1 and after[0] == "'" and after[1] in KIN_NOUNS)


def _is_title_before(toks: list[Tok], i: int) -> bool:
    return i > 0 and (toks[i - 1].low in TITLE_TO_ROLE or toks[i - 1].low.rstrip(".") in TITLE_ABBREVIATIONS)


# --- persons in one document ----------------------------------------------------------

@dataclass
class Person:
    local_id: str
    first: str | None
    surname: str
    gender: str | None = None
    spans: list[tuple[int, int, int]] = field(default_factory=list)   # (sentence, i, j)
    forms: list[str] = field(default_factory=list)
    role_votes: dict = field(default_factory=dict)
    attributes: dict = field(default_factory=dict)
    descriptors: set = field(default_factory=set)
    speaker: bool = False
    author: bool = False        # named in a byline ("By Jane Doe", a line with the name alone)


def _strip_possessive(word: str) -> str:
    return re.sub(r"['’]s$", "", word)


def is_headline(sent: Sent) -> bool:
    """A line in Title Case ("Uzbek Journalist Abdullaev Detained In Turkey")."""
    words = [t for t in sent.toks if t.text[:1].isalpha() and len(t.text) > 3]
    return len(words) >= 3 and sum(is_cap(t) for t in words) >= 0.8 * len(words) and \
        sent.toks[-1].text not in (".", "»", "”") and len(sent.toks) < 25


def find_persons(sents: list[Sent], recognizer: PersonRecognizer) -> list[Person]:
    from ..resolve import latin_key
    persons: list[Person] = []
    by_surname: dict[str, list[Person]] = {}

    def add(sent: Sent, i: int, j: int) -> None:
        words = [_strip_possessive(t.text) for t in sent.toks[i:j] if t.text not in (".",)]
        first = words[0] if len(words) > 1 else None
        surname = words[-1]
        key = latin_key(surname)
        target = next((p for p in by_surname.get(key, [])
                       if p.first is None or first is None or _same_first(p.first, first)), None)
        if target is None:
            target = Person(f"p{len(persons) + 1}", first, surname)
            persons.append(target)
            by_surname.setdefault(key, []).append(target)
        if first and (target.first is None or len(target.first) <= 2):
            target.first = first
        target.spans.append((sent.index, i, j))
        form = " ".join(words)
        if form not in target.forms:
            target.forms.append(form)

    headlines, doubtful = [], []
    for sent in sents:
        spans = recognizer(sent)
        if is_headline(sent):
            headlines.append((sent, spans))      # a headline's names must be confirmed in the text
            continue
        for i, j in spans:
            add(sent, i, j)
        doubtful += [(sent, i, j) for i, j in sent.unconfirmed]
    if doubtful:
        # "Orhan Inandi" is a person if the text says so of "Inandi" elsewhere ("Inandi, 53,").
        vouched = {_strip_possessive(sent.toks[k].text) for sent in sents for k in range(len(sent.toks))
                   if is_cap(sent.toks[k]) and person_context(sent.toks, k, k + 1)
                   and not (k > 0 and sent.toks[k - 1].low in _TITLES)}
        for sent, i, j in doubtful:
            if _strip_possessive(sent.toks[j - 1].text) in vouched:
                add(sent, i, j)
    for sent, spans in headlines:
        for i, j in spans + sent.unconfirmed:
            known = by_surname.get(latin_key(_strip_possessive(sent.toks[j - 1].text)))
            if known:
                # A headline's capitals run past the name: "Georgia Expels Oleg Zharov" is Oleg Zharov.
                firsts = {latin_key(p.first) for p in known if p.first}
                start = next((n for n in range(i, j - 1) if latin_key(sent.toks[n].text) in firsts), j - 1)
                add(sent, start, j)
    # A surname or a first name alone, once the document has named the person in full.
    taken: dict[int, set[int]] = {}
    by_first: dict[str, list[Person]] = {}
    for p in persons:
        for s_index, i, j in p.spans:
            taken.setdefault(s_index, set()).update(range(i, j))
        if p.first:
            by_first.setdefault(latin_key(p.first), []).append(p)
    keys: dict[str, str] = {}
    for sent in sents:
        here = taken.get(sent.index, ())
        for k, t in enumerate(sent.toks):
            if k in here or not is_cap(t):
                continue
            word = _strip_possessive(t.text)
            key = keys.get(word)
            if key is None:
                key = keys[word] = latin_key(word)
            owners = by_surname.get(key) or (by_first.get(key, []) if len(word) > 2 else [])
            if owners and word.lower() not in NON_NAME_WORDS:
                # Namesakes: the person the text is about (most mentions) takes the bare surname.
                max(reversed(owners), key=lambda p: len(p.spans)).spans.append((sent.index, k, k + 1))
    for p in persons:
        p.spans.sort()
        # A Russian surname's ending outweighs a first name the dictionary reads both ways.
        surname = p.surname.lower()
        if surname.endswith(("ova", "eva", "yova", "ina", "yna", "skaya", "tskaya", "aya")):
            p.gender = "f"
        elif surname.endswith(("ov", "ev", "yov", "in", "yn", "sky", "skiy", "tsky", "iy")):
            p.gender = "m"
        else:
            genders = first_name_gender(p.first) if p.first else None
            p.gender = genders if genders in ("m", "f") else None
    return persons


def _same_first(a: str, b: str) -> bool:
    from ..resolve import first_names_agree
    return first_names_agree(a, b)


def describe(sents: list[Sent], persons: list[Person]) -> None:
    for p in persons:
        for s_index, i, j in p.spans:
            toks = sents[s_index].toks
            if s_index <= 3 and (i == 0 or i == 1 and toks[0].low == "by") and all(not t.text[:1].isalpha() or t.text.isdigit()
                                                                  or is_cap(t) for t in toks[j:]) \
                    and len(toks) - j < 6:
                p.author = True     # "By Willy Fautré", "Elena Doronina / August 28, 2024"
                p.role_votes["journalist"] = p.role_votes.get("journalist", 0) + 1
            before = [t.low.rstrip(",") for t in toks[max(0, i - 4):i]]
            after = [t.low for t in toks[j:j + 4]]
            # "President X", "Interior Minister X", "his lawyer, X": the title stands next to the name
            # ("officials took custody of X" says nothing of X).
            n = i - 1
            while n >= 0 and (toks[n].text in (",", "the") or is_cap(toks[n]) and toks[n].low not in TITLE_TO_ROLE):
                n -= 1
            if n >= 0 and n >= i - 3 and toks[n].low.rstrip(",") in TITLE_TO_ROLE:
                role = TITLE_TO_ROLE[toks[n].low.rstrip(",")]
                p.role_votes[role] = p.role_votes.get(role, 0) + 1
            if after[:1] == [","] and len(after) > 1:
                for n, word in enumerate(after[1:3], j + 1):
                    if word in TITLE_TO_ROLE:
                        # ", Turkish President Erdogan said": that title is the next name's
                        if not (n + 1 < len(toks) and is_cap(toks[n + 1])):
                            p.role_votes[TITLE_TO_ROLE[word]] = p.role_votes.get(TITLE_TO_ROLE[word], 0) + 1
                        break
            if i > 1 and toks[i - 1].text == ",":
                # "A spokesman for the prosecutor's office, Duisembai Darkhan, said": the title opens
                # the phrase the name stands in apposition to
                opening = next((n for n in range(i - 2, max(-1, i - 14), -1) if toks[n].text in (",", ";", ":")),
                               None)
                start = 0 if opening is None and i <= 13 else (opening + 1 if opening is not None else None)
                if start is not None:
                    word = next((t.low for t in toks[start:start + 3] if t.low in TITLE_TO_ROLE), None)
                    if word and TITLE_TO_ROLE[word] in ("official", "lawyer"):
                        p.role_votes[TITLE_TO_ROLE[word]] = p.role_votes.get(TITLE_TO_ROLE[word], 0) + 1
            for word in before + after[1:6]:
                if word in OCCUPATIONS:
                    p.attributes.setdefault("occupation", word)
                    p.descriptors.add(word)
            for t in toks[max(0, i - 6):i]:
                m = re.match(r"(\d{1,3})-year-old", t.text)
                if m:
                    p.attributes.setdefault("age", int(m.group(1)))
            age = re.search(r"(\d{1,3})-year-old", " ".join(t.text for t in toks[max(0, i - 6):i]))
            if age:
                p.attributes.setdefault("age", int(age.group(1)))
            if (i > 0 and toks[i - 1].low in SPEECH_VERBS) or (j < len(toks) and toks[j].low in SPEECH_VERBS) \
                    or (i > 1 and toks[i - 2].low in SPEECH_VERBS and toks[i - 1].low in TITLE_TO_ROLE):
                p.speaker = True


def title_role(p: Person) -> str | None:
    return max(p.role_votes, key=p.role_votes.get) if p.role_votes else None
