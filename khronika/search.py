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

The words, stems, query parser and snippets live in khronika.search_text
(shared with PostgreSQL); this module is the SQLite FTS5 backend and the
entry point. Only SQLite has the FTS5 index. PostgreSQL has its own backend,
`khronika.search_pg` (a generated tsvector column, the 'russian' text search
configuration), which registers itself in BACKENDS: `search` builds the
filters here and hands the query over. Any other backend raises
NotImplementedError.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa

# The words, the query language and the snippets, shared with khronika.search_pg;
# re-exported here, where callers have always found them.
from khronika.search_text import (  # noqa: F401
    MAX_QUERY_WORDS,
    PREFIX_MIN,
    SENTENCE_MAX,
    STOPWORDS,
    Query,
    Term,
    _term_matcher,
    document_terms,
    fold,
    highlight,
    hit_sentence,
    index_terms,
    parse_query,
    query_term,
    stem,
    warm_up,
)

FTS_TABLE = "documents_fts"
# The terms are stems we made, separated by spaces; unicode61 splits them the
# same way (it also tokenizes the quoted query terms), and keeps й and
# diacritics apart from their base letters like our own folding does.
FTS_CREATE = (f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5("
              "terms, tokenize = 'unicode61 remove_diacritics 0')")



# dialect name -> search(connection, parsed, doc_where, params, events_where,
# event_params, limit, offset) -> SearchPage, for a backend without FTS5
# (filled by khronika.search_pg, which imports this module, not the reverse).
BACKENDS: dict[str, Callable] = {}


def is_index_table(name: str | None) -> bool:
    """The FTS5 table or one of its shadow tables (not in the SQLAlchemy metadata)."""
    return bool(name) and (name == FTS_TABLE or name.startswith(FTS_TABLE + "_"))


# How many matches are counted before the total is reported as "at least".
COUNT_CAP = 1000
# A prefix is searched as the OR of the indexed terms it covers (fast), up to
# this many; beyond, as an FTS5 prefix query (same result, slower).
MAX_EXPANSION = 64
# When filters meet a common word: how many of the newest matches are
# filtered first (the window grows 4x while the page is not full).
WALK_MIN = 8000
# The best sentence is looked for in this much of a document's text (a
# scraped page can be megabytes; past this the title or first sentence shows).
SCAN_CHARS = 200_000


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
    backend = BACKENDS.get(connection.dialect.name)
    if connection.dialect.name != "sqlite" and backend is None:
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
    if backend is not None:
        return backend(connection, parsed, doc_where, params, events_where, event_params,
                       limit, offset)
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
        sentence = hit_sentence(row.text[:SCAN_CHARS], row.title, evidence.get(row.id), terms, which)
        sentence, snippet = highlight(sentence, terms, which)
        hits.append(SearchHit(
            document_id=row.id, title=row.title, url=row.url, source=row.source,
            published=row.published, captured_at=row.captured_at, sha256=row.sha256,
            sentence=sentence, snippet_html=snippet, score=None if rank is None else -float(rank)))
    return hits


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
