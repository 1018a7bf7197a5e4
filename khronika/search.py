"""Full-text search over stored documents, with Russian and English morphology.

Index side: every word of a document's title and text is lowercased, ё
folded to е and stemmed with Snowball (PyStemmer: Russian for Cyrillic
words, English for Latin ones); the space-joined stems are one row of the
SQLite FTS5 table `documents_fts`, whose rowid is the document's rowid. The
row is written in the transaction that stores the document (and the store
migration 0003 backfilled the documents stored before).

Query side: a Russian word becomes a prefix query on the shortest Snowball
stem (of at least four letters) among the forms of its pymorphy3 lexeme that
is a prefix of the word's own stem, so "задержали" searches `задерж*` and
finds "задержан", "задержание", "задерживали"; a shorter stem ("суд") is
matched exactly, as any of its lexeme's stems, so that "суд" does not find
"судьба". Regular action nouns and their verbs are joined too ("задержание"
finds "задержали", "депортация" finds "депортировали" and back). An English word is matched by its Snowball stem, which already
joins "extradited", "extradite" and "extradition". Words are ANDed; a
"quoted phrase" is a phrase. User text never reaches MATCH: every term is a
stem we made, double-quoted.

A prefix is handed to FTS5 as the OR of the indexed terms it covers, looked
up in `search_terms` (every distinct indexed term, kept with the index): at
100k synthetic documents a page of `"задерж"*` took 5-7 ms, because FTS5
merges a prefix's whole doclist first, and `("задержа" OR "задержан")`
0.1 ms, because an OR of terms is merged lazily and stops at the LIMIT.

Speed: FTS5's bm25 ranking has to score every match, which is slow for a
word found in most documents (~600 ms at 855k documents). So the matches
are counted first, up to COUNT_CAP, with a LIMITed subquery (cheap:
FTS5 stops at the cap); under the cap they are ranked by bm25, at or over it
the newest stored come first (ORDER BY rowid DESC, which FTS5 walks
backwards without scoring) and the total is reported as capped. Event
filters (person, type, country, date) and the source filter narrow through
indexed columns; whichever side is smaller drives the query (see
`_search_common`).

Only SQLite has the FTS5 index: on another backend (PostgreSQL) `search`
raises NotImplementedError for now; PostgreSQL would use a tsvector column
with the same stems.
"""
from __future__ import annotations

import html
import itertools
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import sqlalchemy as sa
import Stemmer

from khronika.morph import analyzer

FTS_TABLE = "documents_fts"
# The terms are stems we made, separated by spaces; unicode61 splits them the
# same way (it also tokenizes the quoted query terms), and keeps й and
# diacritics apart from their base letters like our own folding does.
FTS_CREATE = (f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5("
              "terms, tokenize = 'unicode61 remove_diacritics 0')")



def is_index_table(name: str | None) -> bool:
    """The FTS5 table or one of its shadow tables (not in the SQLAlchemy metadata)."""
    return bool(name) and (name == FTS_TABLE or name.startswith(FTS_TABLE + "_"))


# How many matches are counted before the total is reported as "at least".
COUNT_CAP = 1000
# Query words beyond this many are ignored (each one is another AND).
MAX_QUERY_WORDS = 12
# A prefix is searched as the OR of the indexed terms it covers (fast), up to
# this many; beyond, as an FTS5 prefix query (same result, slower).
MAX_EXPANSION = 64
# A phrase with prefix words becomes an OR of exact phrases up to this many.
MAX_PHRASE_VARIANTS = 16
# When filters meet a common word: how many of the newest matches are
# filtered first (the window grows 4x while the page is not full).
WALK_MIN = 8000
# Shortest stem searched as a prefix; shorter ones are matched exactly.
PREFIX_MIN = 4
# The best sentence is looked for in this much of a document's text (a
# scraped page can be megabytes; past this the title or first sentence shows).
SCAN_CHARS = 200_000
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


def index_document(connection, doc_id: str, title: str | None, text: str | None) -> None:
    """Index one stored document (SQLite only; call in its insert transaction)."""
    terms = document_terms(title, text)
    connection.execute(
        sa.text(f"INSERT INTO {FTS_TABLE}(rowid, terms) "
                "SELECT rowid, :terms FROM documents WHERE id = :id"),
        {"terms": terms, "id": doc_id})
    _add_vocabulary(connection, set(terms.split()))


def _add_vocabulary(connection, terms: set[str]) -> None:
    # One statement over a JSON array: executemany costs ~5 µs a row in
    # SQLAlchemy, and a document has hundreds of distinct terms.
    if terms:
        connection.execute(sa.text("INSERT OR IGNORE INTO search_terms(term) "
                                   "SELECT value FROM json_each(:terms)"),
                           {"terms": json.dumps(sorted(terms), ensure_ascii=False)})


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
    """How one folded query word is searched (see the module docstring)."""
    word = word[:_MAX_TOKEN]
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


# ---------------------------------------------------------------- results

@dataclass(frozen=True)
class SearchHit:
    document_id: str
    title: str | None
    url: str | None
    source: str | None
    published: str | None
    captured_at: str | None
    sha256: str | None
    sentence: str               # the best matching sentence (or the matching event's evidence)
    snippet_html: str           # `sentence`, HTML-escaped, matched words in <mark>
    score: float | None         # bm25 relevance (higher is better); None when newest first


@dataclass(frozen=True)
class SearchPage:
    total: int                  # matching documents; at least this many when total_capped
    total_capped: bool          # more than COUNT_CAP matched: counted up to it, newest first
    hits: list[SearchHit]


def search(connection, query: str, *, person_id: str | None = None,
           types: Iterable[str] | None = None, country: str | None = None,
           date_from: str | None = None, date_to: str | None = None, source: str | None = None,
           limit: int = 20, offset: int = 0, confirmed_only: bool = False) -> SearchPage:
    """Documents matching `query`, best first (or newest first past COUNT_CAP).

    `connection`: a SQLAlchemy connection to a SQLite store. A document
    passes the event filters when one of its events has the person, one of
    the types, the country (ISO code, or a name: "Казахстан") and a date
    within [date_from, date_to] (ISO prefixes, both inclusive: "2024" to
    "2024-06" covers 2024-01-01 through 2024-06-30); `source` is compared
    with documents.source. `confirmed_only`: only documents with an event a
    human confirmed, and the event filters look at confirmed events only
    (what a reader who may not see unreviewed extractions gets).
    """
    if connection.dialect.name != "sqlite":
        raise NotImplementedError("full-text search needs the SQLite FTS5 index "
                                  f"(not available on {connection.dialect.name} yet)")
    parsed = parse_query(query or "")
    limit = max(0, min(int(limit), 200))
    offset = max(0, min(int(offset), 1_000_000))   # SQLite integers are 64-bit
    events_where, event_params = _event_conditions(person_id, types, country, date_from, date_to)
    if confirmed_only:
        # Confirmed, and not about a person marked "do not publish" (safety).
        events_where.append("e.review_status = 'confirmed' AND e.person_id NOT IN "
                            "(SELECT id FROM persons WHERE do_not_publish)")
    doc_where, params = [], dict(event_params)
    if source is not None:
        doc_where.append("d.source = :source")
        params["source"] = source
    if events_where:
        doc_where.append("EXISTS (SELECT 1 FROM events e WHERE e.document_id = d.id AND "
                         + " AND ".join(events_where) + ")")
    if not parsed:
        return _filtered_only(connection, parsed, doc_where, params, events_where, event_params,
                              limit, offset)
    match = parsed.fts(lambda prefix: _expand(connection, prefix))
    fts_params = {"match": match, "cap": COUNT_CAP}

    matched = connection.execute(sa.text(
        f"SELECT count(*) FROM (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :match "
        "LIMIT :cap)"), fts_params).scalar()
    page: list[tuple[int, float | None]]
    if not doc_where:
        if matched < COUNT_CAP:
            total, capped = matched, False
            order = "rank"
        else:
            total, capped = COUNT_CAP, True
            order = "rowid DESC"
        rows = connection.execute(sa.text(
            f"SELECT rowid, {'rank' if order == 'rank' else 'NULL'} FROM {FTS_TABLE} "
            f"WHERE {FTS_TABLE} MATCH :match ORDER BY {order} LIMIT :limit OFFSET :offset"),
            dict(fts_params, limit=limit, offset=offset)).all()
        page = [(r, s) for r, s in rows]
    elif matched < COUNT_CAP:
        # Few matches: rank them all, keep those that pass the filters.
        rows = connection.execute(sa.text(
            f"WITH m AS (SELECT rowid AS r, rank AS s FROM {FTS_TABLE} "
            f"WHERE {FTS_TABLE} MATCH :match LIMIT :cap) "
            "SELECT m.r, m.s FROM m JOIN documents d ON d.rowid = m.r WHERE "
            + " AND ".join(doc_where) + " ORDER BY m.s"), dict(params, **fts_params)).all()
        total, capped = len(rows), False
        page = [(r, s) for r, s in rows[offset:offset + limit]]
    else:
        total, capped, page = _search_common(connection, parsed, params, fts_params, doc_where,
                                             events_where, limit, offset)
    if not page:
        return SearchPage(total, capped, [])
    return SearchPage(total, capped, _hits(connection, parsed, page, events_where, event_params))


def _filtered_only(connection, parsed: Query, doc_where, params, events_where, event_params,
                   limit, offset) -> SearchPage:
    """No words, only filters ("every document about this person"): the
    documents that pass them, newest first, each with its matching event's
    evidence sentence. No filters either: nothing."""
    if not doc_where:
        return SearchPage(0, False, [])
    rowids = connection.execute(sa.text(
        "SELECT d.rowid FROM documents d WHERE " + " AND ".join(doc_where)
        + " ORDER BY d.rowid DESC LIMIT :cap"), dict(params, cap=COUNT_CAP)).scalars().all()
    page = [(rowid, None) for rowid in rowids[offset:offset + limit]]
    hits = _hits(connection, parsed, page, events_where, event_params) if page else []
    return SearchPage(len(rowids), len(rowids) >= COUNT_CAP, hits)


def _expand(connection, prefix: str) -> list[str] | None:
    """The indexed terms that start with `prefix`, or None when more than MAX_EXPANSION."""
    terms = connection.execute(sa.text(
        "SELECT term FROM search_terms WHERE term >= :low AND term < :high ORDER BY term LIMIT :n"),
        {"low": prefix, "high": prefix + "\U0010ffff", "n": MAX_EXPANSION + 1}).scalars().all()
    return None if len(terms) > MAX_EXPANSION else terms


def _search_common(connection, parsed: Query, params, fts_params, doc_where, events_where,
                   limit, offset):
    """A query matching more than COUNT_CAP documents, with filters; newest first.

    Few filtered documents (under the cap): their index terms are read by
    rowid and tested here with the query's own regex; the FTS5 query is not
    run per document (with `rowid IN (...)` SQLite runs it once per rowid:
    80 ms for 1000 rowids at 100k documents, 20 s with a prefix query).
    Many filtered documents: the newest WALK_MIN matches are filtered in one
    statement, the window growing 4x until COUNT_CAP pass, the matches end,
    or the page is full; a walk that stopped early gives its count as "at
    least".
    """
    if events_where:
        candidates_sql = ("SELECT DISTINCT d.rowid FROM events e JOIN documents d ON d.id = e.document_id "
                          "WHERE " + " AND ".join(events_where)
                          + (" AND d.source = :source" if "source" in params else ""))
    else:
        candidates_sql = "SELECT d.rowid FROM documents d WHERE d.source = :source"
    candidates = connection.execute(sa.text(candidates_sql + " LIMIT :cap"),
                                    dict(params, cap=COUNT_CAP)).scalars().all()
    if len(candidates) < COUNT_CAP:
        test = parsed.matcher()
        found = []
        for chunk in _int_chunks(sorted(candidates, reverse=True), 500):
            rows = connection.execute(sa.text(
                f"SELECT rowid, terms FROM {FTS_TABLE} WHERE rowid IN ({chunk})")).all()
            found.extend(rowid for rowid, terms in rows if test(terms))
        found.sort(reverse=True)
        return len(found), False, [(r, None) for r in found[offset:offset + limit]]
    # Walk a window of the newest matches, filter it in one statement, and
    # widen the window (4x) while the page is not full and matches remain.
    window = WALK_MIN
    filtered = (f"SELECT m.r FROM (SELECT rowid AS r FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :match "
                "ORDER BY rowid DESC LIMIT :window) m JOIN documents d ON d.rowid = m.r WHERE "
                + " AND ".join(doc_where) + " ORDER BY m.r DESC LIMIT :cap")
    while True:
        found = connection.execute(sa.text(filtered), dict(params, **fts_params, window=window)
                                   ).scalars().all()
        if len(found) >= COUNT_CAP:
            capped = True
            break
        walked = connection.execute(sa.text(
            f"SELECT count(*) FROM (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :match "
            "LIMIT :window)"), dict(fts_params, window=window + 1)).scalar()
        if walked <= window:
            capped = False          # every match was looked at: the count is exact
            break
        if len(found) >= offset + limit:
            capped = True           # at least this many
            break
        window *= 4
    return len(found), capped, [(r, None) for r in found[offset:offset + limit]]


def _int_chunks(values: Sequence[int], size: int):
    for start in range(0, len(values), size):
        yield ",".join(str(int(v)) for v in values[start:start + size])


def _event_conditions(person_id, types, country, date_from, date_to) -> tuple[list[str], dict]:
    where: list[str] = []
    params: dict = {}
    if person_id is not None:
        where.append("e.person_id = :person_id")
        params["person_id"] = person_id
    if types is not None:
        types = [t for t in dict.fromkeys(types) if t]
        if types:
            names = [f"type_{i}" for i in range(len(types))]
            where.append("e.type IN (" + ", ".join(":" + n for n in names) + ")")
            params.update(zip(names, types, strict=True))
    if country is not None and country.strip():
        code = country.strip().upper() if len(country.strip()) == 2 else None
        if code is None:
            from khronika.geo import country_of
            code = country_of(country) or country.strip()
        where.append("e.country = :country")
        params["country"] = code
    if date_from:
        where.append("e.date >= :date_from")
        params["date_from"] = date_from
    if date_to:
        # Inclusive at the given precision: "2024-06" takes "2024-06-30" too.
        where.append("substr(e.date, 1, :date_to_len) <= :date_to")
        params["date_to"], params["date_to_len"] = date_to, len(date_to)
    return where, params


def _hits(connection, parsed: Query, page: Sequence[tuple[int, float | None]], events_where,
          event_params) -> list[SearchHit]:
    rowids = [rowid for rowid, _ in page]
    documents = {row.rowid: row for row in connection.execute(sa.text(
        "SELECT rowid, id, title, url, source, published, captured_at, sha256, text FROM documents "
        "WHERE rowid IN (" + ",".join(str(int(r)) for r in rowids) + ")")).all()}
    evidence: dict[str, list[str]] = {}
    if events_where:
        ids = [documents[r].id for r in rowids if r in documents]
        names = [f"doc_{i}" for i in range(len(ids))]
        for document_id, sentence in connection.execute(sa.text(
                "SELECT e.document_id, e.evidence FROM events e WHERE e.document_id IN ("
                + ", ".join(":" + n for n in names) + ") AND " + " AND ".join(events_where)
                + " ORDER BY e.span_start, e.id"), dict(event_params, **dict(zip(names, ids)))):
            evidence.setdefault(document_id, []).append(sentence)
    terms = parsed.terms
    which = _term_matcher(terms)          # one memo for the whole page
    hits = []
    for rowid, rank in page:
        row = documents.get(rowid)
        if row is None:
            continue
        if row.id in evidence:
            sentence = _best_sentence(evidence[row.id], terms, which) or evidence[row.id][0]
        else:
            sentence = (_best_sentence(_sentences(row.text[:SCAN_CHARS]), terms, which)
                        or _best_sentence([row.title or ""], terms, which) or _first_sentence(row.text))
        sentence, snippet = highlight(sentence, terms, which)
        hits.append(SearchHit(
            document_id=row.id, title=row.title, url=row.url, source=row.source,
            published=row.published, captured_at=row.captured_at, sha256=row.sha256,
            sentence=sentence, snippet_html=snippet, score=None if rank is None else -float(rank)))
    return hits


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


def rebuild_index(connection) -> int:
    """Re-index every stored document (SQLite): after a stemmer change, say.
    Returns how many were indexed."""
    connection.execute(sa.text(f"DELETE FROM {FTS_TABLE}"))
    connection.execute(sa.text("DELETE FROM search_terms"))
    return backfill_index(connection)


def backfill_index(connection, batch: int = 1000) -> int:
    """Index every stored document, in rowid order, a batch in memory at a
    time (the migration that created the index runs this)."""
    count, last = 0, -1
    while True:
        rows = connection.execute(sa.text(
            "SELECT rowid, title, text FROM documents WHERE rowid > :last ORDER BY rowid LIMIT :n"),
            {"last": last, "n": batch}).all()
        if not rows:
            return count
        values = [{"rowid": r.rowid, "terms": document_terms(r.title, r.text)} for r in rows]
        connection.execute(sa.text(f"INSERT INTO {FTS_TABLE}(rowid, terms) VALUES (:rowid, :terms)"),
                           values)
        _add_vocabulary(connection, {term for value in values for term in value["terms"].split()})
        count += len(rows)
        last = rows[-1].rowid
