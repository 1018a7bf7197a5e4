"""Words, stems, the query language and snippets: what both search backends share.

Index terms: every word is lowercased, ё folded to е (`fold`) and stemmed
with Snowball (PyStemmer: Russian for Cyrillic words, English for Latin
ones). A query (`parse_query`) is clauses ANDed, each one word or a
"quoted phrase"; a Russian word becomes a prefix on the shortest stem of its
lexeme (see `query_term`). The best sentence of a hit and its highlighting
(`_best_sentence`, `highlight`) are chosen here, the same way for SQLite's
FTS5 index (khronika.search) and PostgreSQL's tsvector (khronika.search_pg).
"""
from __future__ import annotations

import html
import itertools
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import Stemmer

from khronika.morph import analyzer
from khronika.translit import romanize

# Query words beyond this many are ignored (each one is another AND).
MAX_QUERY_WORDS = 12

# A phrase with prefix words becomes an OR of exact phrases up to this many.
MAX_PHRASE_VARIANTS = 16

# Shortest stem searched as a prefix; shorter ones are matched exactly.
PREFIX_MIN = 4

# A sentence longer than this is cut to a window around its first match.
SENTENCE_MAX = 320

_TOKEN = re.compile(r"[^\W_]+")
_CYRILLIC = re.compile(r"[а-яіїєґ]")
_LATIN = re.compile(r"[a-z]")
_PHRASE = re.compile(r'"([^"]*)"')
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+")
_MAX_TOKEN = 64

# Words that carry no meaning alone; dropped from a query (outside phrases)
# when it has other words.
_STOPWORDS = (
    "в во на и или а но из к ко с со у о об обо от по за для до при без над под про через что "
    "как не ни же ли бы это то он она оно они его ее её их им ему ей был была было были быть "
    "the a an of in on at to for and or but is are was were be been by with from as that this "
    "it its he she they his her their not no")
STOPWORDS = frozenset(_STOPWORDS.split())

_RU = Stemmer.Stemmer("russian")
_EN = Stemmer.Stemmer("english")

# word -> stem, shared by indexing and highlighting. Vocabulary is Zipfian,
# so this saves most stemmer calls; cleared when it grows too large.
_STEMS: dict[str, str] = {}
_STEMS_MAX = 400_000

def fold(text: str) -> str:
    """NFKC, lowercase, ё -> е: what both the index and queries see."""
    return unicodedata.normalize("NFKC", text or "").lower().replace("ё", "е")


def _stem_new(word: str) -> str:
    token = word[:_MAX_TOKEN]
    if _CYRILLIC.search(token):
        stem = _RU.stemWord(token)
    elif _LATIN.search(token) and token.isascii():
        stem = _EN.stemWord(token)
    else:
        stem = token
    if len(_STEMS) >= _STEMS_MAX:
        _STEMS.clear()
    _STEMS[word] = stem
    return stem


def stem(word: str) -> str:
    """The index term of one folded word."""
    return _STEMS.get(word) or _stem_new(word)


def index_terms(text: str | None) -> str:
    """The space-joined index terms of a text."""
    if not text:
        return ""
    get = _STEMS.get
    return " ".join([get(word) or _stem_new(word) for word in _TOKEN.findall(fold(text))])


def document_terms(title: str | None, text: str | None) -> str:
    """What `documents_fts.terms` holds for one document: title, then text."""
    return f"{index_terms(title)} {index_terms(text)}".strip()



# ---------------------------------------------------------------- queries

@dataclass(frozen=True)
class Term:
    """One query word: the index terms it matches, exactly or as a prefix."""
    word: str
    exact: tuple[str, ...] = ()
    prefixes: tuple[str, ...] = ()

    def matches(self, index_term: str) -> bool:
        return index_term in self.exact or any(index_term.startswith(p) for p in self.prefixes)

    def pattern(self) -> str:
        """A regex for one index term in a space-joined terms string."""
        return "(?:" + "|".join([re.escape(t) for t in self.exact]
                                + [re.escape(p) + r"\S*" for p in self.prefixes]) + ")"


@dataclass(frozen=True)
class Query:
    """A parsed query: clauses that must all match; a clause is one word or a phrase."""
    clauses: tuple[tuple[Term, ...], ...]

    @property
    def terms(self) -> list[Term]:
        return [term for clause in self.clauses for term in clause]

    def __bool__(self) -> bool:
        return bool(self.clauses)

    def fts(self, expand=None) -> str:
        """The FTS5 MATCH expression. `expand(prefix)` -> the indexed terms
        with that prefix (None: too many, search the prefix itself)."""
        parts = []
        for clause in self.clauses:
            options = [_alternatives(term, expand) for term in clause]
            if len(clause) == 1:
                parts.append(_any(options[0]))
                continue
            # A phrase: FTS5 phrases have no OR inside, so an OR of phrases,
            # as long as that stays small; else each word's first alternative.
            combos = 1
            for option in options:
                combos *= len(option)
            if combos <= MAX_PHRASE_VARIANTS:
                phrases = [" + ".join(words) for words in itertools.product(*options)]
                parts.append(_any(phrases) if len(phrases) > 1 else phrases[0])
            else:
                parts.append(" + ".join(_phrase_word(term) for term in clause))
        return " AND ".join(parts)

    def matcher(self) -> Callable[[str], bool]:
        """A test of a space-joined terms string, equal to the FTS5 query."""
        patterns = [re.compile(r"(?<!\S)" + " ".join(term.pattern() for term in clause) + r"(?!\S)")
                    for clause in self.clauses]
        return lambda terms: all(pattern.search(terms) for pattern in patterns)


def _alternatives(term: Term, expand) -> list[str]:
    words = [_quote(t) for t in term.exact]
    for prefix in term.prefixes:
        expanded = expand(prefix) if expand is not None else None
        if expanded is None:
            words.append(_quote(prefix) + "*")
        else:
            words.extend(_quote(t) for t in expanded)
    # A prefix nothing in the index starts with: a term that matches nothing.
    return list(dict.fromkeys(words)) or [_quote(term.prefixes[0] if term.prefixes else term.word)]


def _any(words: list[str]) -> str:
    return words[0] if len(words) == 1 else "(" + " OR ".join(words) + ")"


def _phrase_word(term: Term) -> str:
    return _quote(term.prefixes[0]) + "*" if term.prefixes else _quote(term.exact[0])


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'




@lru_cache(maxsize=8192)
def query_term(word: str) -> Term:
    """How one folded query word is searched (see the module docstring),
    across scripts and languages (`_other_language`): a name also in the
    other script, an event word also in the other language."""
    word = word[:_MAX_TOKEN]
    term = _own_term(word)
    exact, prefixes = _other_language(word, term)
    if not exact and not prefixes:
        return term
    every = list(dict.fromkeys([*term.prefixes, *prefixes]))
    minimal = [p for p in every if not any(q != p and p.startswith(q) for q in every)]
    return Term(word, exact=tuple(dict.fromkeys([*term.exact, *exact])), prefixes=tuple(minimal))


@lru_cache(maxsize=8192)
def _own_term(word: str) -> Term:
    """How one folded word is searched in its own language and script."""
    own = stem(word)
    if not _CYRILLIC.search(word):
        return Term(word, exact=(own,))
    parses = analyzer().parse(word)
    stems = _lexeme_stems(parses) | {own}
    if len(own) < PREFIX_MIN:
        # "суд": its inflections exactly (суда, судом -> суд), never "судьба".
        short = sorted(s for s in stems if len(s) < PREFIX_MIN or s == own)
        return Term(word, exact=tuple(dict.fromkeys([own, *short]))[:8])
    prefixes = [_shortest_prefix(own, stems)]
    # The action noun and its verb find each other: "задержание" finds
    # "задержали", "депортация" finds "депортировали" and back.
    for related in _related_words(parses):
        related_parses = analyzer().parse(related)
        related_own = stem(related)
        if len(related_own) >= PREFIX_MIN:
            prefixes.append(_shortest_prefix(related_own, _lexeme_stems(related_parses[:1])))
    minimal = [p for p in dict.fromkeys(prefixes)
               if not any(q != p and p.startswith(q) for q in prefixes)]
    return Term(word, prefixes=tuple(minimal))


def _lexeme_stems(parses) -> set[str]:
    return {stem(form.word.replace("ё", "е")) for parse in parses for form in parse.lexeme}


def _shortest_prefix(own: str, stems: set[str]) -> str:
    """The shortest stem of the lexeme (>= PREFIX_MIN letters) that begins `own`."""
    return min((s for s in stems if len(s) >= PREFIX_MIN and own.startswith(s)), key=len,
               default=own)


# (noun ending, verb ending) of regular action nouns: задержание/задержать,
# рассмотрение/рассмотреть, депортация/депортировать, экстрадиция/экстрадировать.
_DERIVATIONS = (("ание", "ать"), ("яние", "ять"), ("ение", "еть"), ("ация", "ировать"),
                ("иция", "ировать"))


def _related_words(parses) -> list[str]:
    """The verb of an action noun, or the action nouns of a verb, known to pymorphy3."""
    morph = analyzer()
    found: list[str] = []
    for parse in parses[:3]:
        normal = parse.normal_form.replace("ё", "е")
        pos = parse.tag.POS
        for noun_end, verb_end in _DERIVATIONS:
            if pos == "NOUN" and normal.endswith(noun_end):
                candidate = normal[:-len(noun_end)] + verb_end
            elif pos in ("VERB", "INFN", "PRTF", "PRTS", "GRND") and normal.endswith(verb_end):
                candidate = normal[:-len(verb_end)] + noun_end
            else:
                continue
            # "-ировать" is specific enough to take unknown to the dictionary
            # ("экстрадировать" is not in it); a wrong guess only adds a
            # prefix that nothing else starts with.
            if candidate not in found and (candidate.endswith("ировать")
                                           or morph.word_is_known(candidate)):
                found.append(candidate)
    return found


# ---------------------------------------------------------------- across scripts and languages

# The words of the 22 event types (khronika.model.EVENT_TYPES) in both
# languages: a query word that is one of a row's words in one language also
# searches the row's words in the other, as OR alternatives ("экстрадиция"
# finds "extradited", "detained" finds "задержали"). Russian words are
# matched by their search prefix, English ones by their stem.
EVENT_WORDS = (
    (("бежал", "уехал", "эмигрировал"), ("fled", "flee")),                       # fled
    (("розыск",), ("wanted",)),                                                   # wanted
    (("задержание", "задержали"), ("detained", "detain")),                         # detained
    (("арест", "арестовали", "сизо"), ("arrest", "arrested", "custody")),          # arrested
    (("обвинение", "обвинили"), ("charged", "charges", "accused")),                # charged
    (("экстрадиция", "выдача"), ("extradition", "extradited")),                    # extradition_*
    (("депортация", "выдворение"), ("deportation", "deported")),                   # deport*
    (("передача",), ("handed", "handover")),                                      # handed_over
    (("этапирование", "перевели"), ("transferred", "transfer")),                   # transferred
    (("въезд",), ("entry",)),                                                     # entry_refused
    (("убежище",), ("asylum",)),                                                  # asylum_*
    (("освобождение", "освободили"), ("released", "freed")),                       # released
    (("приговор", "приговорили"), ("sentenced", "sentence", "convicted")),         # sentenced
    (("апелляция", "обжаловать"), ("appeal",)),                                   # appeal_filed
    (("побег", "сбежал"), ("escaped", "escape")),                                 # escaped
    (("исчезновение", "исчез", "пропал"), ("disappeared", "disappearance", "missing")),  # disappeared
    (("отказ", "отказали"), ("refused", "denied")),                                # *_denied, entry_refused
    (("запрос",), ("request", "requested")),                                      # extradition_requested
)
_NAME_TAGS = ("Surn", "Name", "Patr", "Geox")
_SURNAME_ENDS = ("ов", "ова", "ев", "ева", "ин", "ина", "ский", "ская", "цкий", "цкая", "енко", "ук", "юк",
                 "швили", "дзе", "ян", "ич", "ых", "их")
# Romanized Russian read back: longest first; each option of a spelling in
# turn, so "emelyanova" reaches "емельянова" (ль) as well as "емелянова".
_BACK = (("shch", ("щ",)), ("zh", ("ж",)), ("kh", ("х",)), ("ts", ("ц",)), ("ch", ("ч",)), ("sh", ("ш",)),
         ("yu", ("ю", "ью")), ("ya", ("я", "ья")), ("yo", ("ё", "ьо")), ("ye", ("е", "ье")), ("iy", ("ий",)),
         ("yy", ("ый",)), ("a", ("а",)), ("b", ("б",)), ("v", ("в",)), ("w", ("в",)), ("g", ("г",)),
         ("d", ("д",)), ("e", ("е", "э")), ("z", ("з",)), ("i", ("и",)), ("y", ("й", "ы")), ("k", ("к",)),
         ("l", ("л",)), ("m", ("м",)), ("n", ("н",)), ("o", ("о",)), ("p", ("п",)), ("r", ("р",)),
         ("s", ("с",)), ("t", ("т",)), ("u", ("у",)), ("f", ("ф",)), ("c", ("к",)), ("h", ("х",)),
         ("j", ("дж",)), ("q", ("к",)), ("x", ("кс",)))
_MAX_SPELLINGS = 16
_BAD_SOFT_SIGN = re.compile(r"^ь|[аеёиоуыэюяь]ь")


def _other_language(word: str, term: Term) -> tuple[list[str], list[str]]:
    """(exact terms, prefixes) that the word's counterparts in the other
    script or language are indexed as; empty when it has none."""
    exact: list[str] = []
    prefixes: list[str] = []
    cyrillic = bool(_CYRILLIC.search(word))
    for russian, english in _event_words():
        if (any(p == k or p.startswith(k) for p in term.prefixes for k in russian[1]) if cyrillic
                else any(t in english for t in term.exact)):
            if cyrillic:
                exact.extend(english)
            else:
                prefixes.extend(russian[1])
    if exact or prefixes:
        return exact, prefixes
    if cyrillic and _looks_like_a_name(word):
        # "Жилина" -> its prefix "жилин" -> "zhilin", found in "Zhilin", "Zhilina".
        prefixes.extend(p for p in (_latin_stem(romanize(p)) for p in term.prefixes or term.exact)
                        if len(p) >= PREFIX_MIN)
    elif not cyrillic and word.isascii() and word.isalpha() and len(word) >= PREFIX_MIN:
        # The spellings the dictionary knows as names first; else (a rare
        # surname) at most two guesses with a surname's ending.
        spellings = _cyrillic_spellings(word)
        known = [s for s in spellings if _known_name(s)]
        guessed = [s for s in spellings if len(s) >= 5 and s.endswith(_SURNAME_ENDS)
                   and not analyzer().word_is_known(s)]
        for spelling in known or guessed[:2]:
            prefixes.extend(_own_term(spelling).prefixes)
    return exact, prefixes


@lru_cache(maxsize=1)
def _event_words() -> tuple[tuple[tuple[list[str], list[str]], tuple[str, ...]], ...]:
    """EVENT_WORDS as ((Russian words, their prefixes), English stems)."""
    rows = []
    for russian, english in EVENT_WORDS:
        ru_prefixes = [p for w in russian for p in _own_term(w).prefixes]
        rows.append(((list(russian), ru_prefixes), tuple(dict.fromkeys(stem(w) for w in english))))
    return tuple(rows)


def _latin_stem(latin: str) -> str:
    return latin.replace("'", "")


def _looks_like_a_name(word: str) -> bool:
    """A surname, first name, patronymic or place to pymorphy3, or a word it does not know."""
    if any(any(tag in parse.tag for tag in _NAME_TAGS) for parse in analyzer().parse(word)[:3]):
        return True
    return not analyzer().word_is_known(word)


def _known_name(word: str) -> bool:
    """A word the dictionary knows as a name or place, or knows at all with a
    surname's ending ("третьяков")."""
    for parse in analyzer().parse(word)[:3]:
        if parse.is_known and (any(tag in parse.tag for tag in _NAME_TAGS) or word.endswith(_SURNAME_ENDS)):
            return True
    return False


def _cyrillic_spellings(word: str) -> list[str]:
    """Cyrillic words that romanize (khronika.translit) to `word`, or nearly."""
    spellings = [""]
    i = 0
    while i < len(word):
        for latin, options in _BACK:
            if word.startswith(latin, i):
                spellings = [s + o for s in spellings for o in options][:_MAX_SPELLINGS]
                i += len(latin)
                break
        else:
            return []
    # "Yuri", "Navalny": romanize drops "й" after "и"/"ы" at the end.
    spellings += [s + "й" for s in spellings if s.endswith(("и", "ы"))]
    # A soft sign begins no word and follows no vowel.
    return [s for s in spellings if not _BAD_SOFT_SIGN.search(s)][:_MAX_SPELLINGS * 2]


def warm_up() -> None:
    """Load the morphology now (pymorphy3, ~0.3 s) rather than in the first search."""
    query_term("задержали")


def parse_query(text: str) -> Query:
    """Words ANDed, "quoted phrases" as phrases; punctuation alone is nothing."""
    folded = fold(text)
    clauses: list[tuple[Term, ...]] = []
    phrases = _PHRASE.findall(folded)
    rest = _PHRASE.sub(" ", folded)
    words_seen = 0
    for phrase in phrases:
        words = _TOKEN.findall(phrase)[:MAX_QUERY_WORDS]
        if words:
            clauses.append(tuple(query_term(word) for word in words))
            words_seen += len(words)
    singles: list[list[str]] = []
    for chunk in rest.split():
        words = _TOKEN.findall(chunk)
        if words:
            singles.append(words)
    flat = [w for words in singles for w in words]
    meaningful = [w for w in flat if w not in STOPWORDS]
    keep_stopwords = not meaningful and not clauses
    for words in singles:
        if words_seen >= MAX_QUERY_WORDS:
            break
        if len(words) > 1:
            # "Улан-Удэ", "t.me": a hyphenated or dotted word is a phrase.
            clauses.append(tuple(query_term(w) for w in words))
            words_seen += len(words)
            continue
        if words[0] in STOPWORDS and not keep_stopwords:
            continue
        clauses.append((query_term(words[0]),))
        words_seen += 1
    unique = tuple(dict.fromkeys(clauses))
    return Query(unique)



def _sentences(text: str | None) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text or "") if s and s.strip()]


def _first_sentence(text: str | None) -> str:
    sentences = _sentences(text)
    return sentences[0] if sentences else ""


# raw word -> its index term (fold, then stem): highlighting sees the same
# words over and over; bounded like _STEMS.
_WORD_TERMS: dict[str, str] = {}


def _word_term(word: str) -> str:
    found = _WORD_TERMS.get(word)
    if found is None:
        if len(_WORD_TERMS) >= _STEMS_MAX:
            _WORD_TERMS.clear()
        found = _WORD_TERMS[word] = stem(fold(word))
    return found


def _term_matcher(terms: Sequence[Term]) -> Callable[[str], frozenset[int]]:
    """index term -> the indices of the query terms it matches, memoized for one result page."""
    memo: dict[str, frozenset[int]] = {}

    def which(index_term: str) -> frozenset[int]:
        found = memo.get(index_term)
        if found is None:
            found = memo[index_term] = frozenset(i for i, term in enumerate(terms) if term.matches(index_term))
        return found
    return which


def _matched_terms(sentence: str, terms: Sequence[Term], which=None) -> set[int]:
    which = which or _term_matcher(terms)
    found: set[int] = set()
    for word in _TOKEN.findall(sentence):
        found |= which(_word_term(word))
    return found


def _best_sentence(sentences: Sequence[str], terms: Sequence[Term], which=None) -> str | None:
    """The sentence with the most distinct query words, earliest on a tie."""
    # A cheap test first: a matching word starts with the term's stem.
    heads = [t[:3] for term in terms for t in (*term.exact, *term.prefixes)]
    which = which or _term_matcher(terms)
    best, best_count = None, 0
    for sentence in sentences:
        folded = sentence.lower().replace("ё", "е")      # enough for the cheap test
        if not any(head in folded for head in heads):
            continue
        count = len(_matched_terms(sentence, terms, which))
        if count > best_count:
            best, best_count = sentence, count
            if count == len(terms):
                break
    return best


def highlight(sentence: str, terms: Sequence[Term], which=None) -> tuple[str, str]:
    """(the sentence, cut to a window around its first match when long;
    that text HTML-escaped with every matching word in <mark>)."""
    sentence = " ".join(sentence.split())
    which = which or _term_matcher(terms)
    spans = [(m.start(), m.end()) for m in _TOKEN.finditer(sentence) if which(_word_term(m.group()))]
    if len(sentence) > SENTENCE_MAX:
        first = spans[0][0] if spans else 0
        start = max(0, min(first - SENTENCE_MAX // 3, len(sentence) - SENTENCE_MAX))
        start = sentence.rfind(" ", 0, start) + 1 if start > 0 else 0
        end = min(len(sentence), start + SENTENCE_MAX)
        if end < len(sentence):
            cut = sentence.rfind(" ", start, end)
            end = cut if cut > start else end
        prefix, suffix = ("…" if start > 0 else ""), ("…" if end < len(sentence) else "")
        spans = [(s - start + len(prefix), e - start + len(prefix)) for s, e in spans
                 if s >= start and e <= end]
        sentence = prefix + sentence[start:end] + suffix
    out, position = [], 0
    for start, end in spans:
        out.append(html.escape(sentence[position:start]))
        out.append("<mark>" + html.escape(sentence[start:end]) + "</mark>")
        position = end
    out.append(html.escape(sentence[position:]))
    return sentence, "".join(out)


def hit_sentence(text: str | None, title: str | None, evidence: Sequence[str] | None,
                 terms: Sequence[Term], which=None) -> str:
    """The sentence a search hit shows: the best-matching evidence sentence of
    the filtered events when there are some, else the best-matching sentence
    of the text, else the title, else the text's first sentence."""
    if evidence:
        return _best_sentence(evidence, terms, which) or evidence[0]
    return (_best_sentence(_sentences(text), terms, which) or _best_sentence([title or ""], terms, which)
            or _first_sentence(text))
