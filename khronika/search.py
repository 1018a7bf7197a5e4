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
backwards without scoring) and the total is reported as capped. The
filters (person, type, country, date, source, confirmed only) are tokens
of the index's `facets` column (khronika.search_facets), ANDed with the
words in one MATCH and checked exactly where the tokens are a superset;
with filters, bm25 ranks only when the words alone match under COUNT_CAP.
Pages are keyset: `next_cursor` is the (score, rowid) after the last hit.

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

from khronika.model import title_from_text

# The words, the query language and the snippets, shared with khronika.search_pg;
# re-exported here, where callers have always found them.
from khronika.search_facets import (
    BadCursor,  # noqa: F401  (raised by `search`; callers catch it from here)
    decode_cursor,
    encode_cursor,
    facet_groups,
    facets_sql,
    fts_expression,
)
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
# Two columns: `terms`, the stems we made, separated by spaces (unicode61
# splits them the same way, and keeps й and diacritics apart from their base
# letters like our own folding does), and `facets`, the filter tokens of
# khronika.search_facets, which hold "_" (a token character here; never in a
# term). Ranking weighs `terms` only.
FTS_CREATE = (f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(terms, facets, "
              "tokenize = 'unicode61 remove_diacritics 0 tokenchars ''_''')")
FTS_RANK = f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rank) VALUES ('rank', 'bm25(1.0, 0.0)')"


# dialect name -> search(connection, parsed, filters, limit, offset, key) -> SearchPage,
# for a backend without FTS5 (filled by khronika.search_pg, which imports
# this module, not the reverse).
BACKENDS: dict[str, Callable] = {}
# dialect name -> rebuild_index(connection) -> documents indexed (same registration).
REBUILDERS: dict[str, Callable] = {}


def is_index_table(name: str | None) -> bool:
    """The FTS5 table or one of its shadow tables (not in the SQLAlchemy metadata)."""
    return bool(name) and (name == FTS_TABLE or name.startswith(FTS_TABLE + "_"))


# How many matches are counted before the total is reported as "at least".
COUNT_CAP = 1000
# A prefix is searched as the OR of the indexed terms it covers (fast), up to
# this many; beyond, as an FTS5 prefix query (same result, slower).
MAX_EXPANSION = 64
# The best sentence is looked for in this much of a document's text (a
# scraped page can be megabytes; past this the title or first sentence shows).
SCAN_CHARS = 200_000


def _index_insert() -> str:
    return (f"INSERT INTO {FTS_TABLE}(rowid, terms, facets) SELECT d.rowid, :terms, "
            f"{facets_sql('sqlite')} FROM documents d")


def index_document(connection, doc_id: str, title: str | None, text: str | None) -> None:
    """Index one stored document (SQLite only; call in its insert transaction).
    Its events come later: the triggers of migration 0011 add their facets."""
    terms = document_terms(title, text)
    connection.execute(sa.text(_index_insert() + " WHERE d.id = :id"), {"terms": terms, "id": doc_id})
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
    next_cursor: str | None = None   # `after` for the next page; None on the last one


@dataclass(frozen=True)
class Filters:
    """A query's filters, built once for every backend."""
    doc_where: list[str]        # SQL conditions on documents `d` (exact)
    params: dict
    events_where: list[str]     # SQL conditions on events `e` (for the evidence sentences)
    event_params: dict
    facets: list[list[str]]     # index tokens: groups ANDed, tokens ORed (a superset)


def search(connection, query: str, *, person_id: str | None = None,
           types: Iterable[str] | None = None, country: str | None = None,
           date_from: str | None = None, date_to: str | None = None, source: str | None = None,
           limit: int = 20, offset: int = 0, confirmed_only: bool = False,
           after: str | None = None) -> SearchPage:
    """Documents matching `query`, best first (or newest first past COUNT_CAP).

    `connection`: a SQLAlchemy connection to a SQLite store. A document
    passes the event filters when one of its events has the person, one of
    the types, the country (ISO code, or a name: "Казахстан") and a date
    within [date_from, date_to] (ISO prefixes, both inclusive: "2024" to
    "2024-06" covers 2024-01-01 through 2024-06-30); `source` is compared
    with documents.source. `confirmed_only`: only documents with an event a
    human confirmed, and the event filters look at confirmed events only
    (what a reader who may not see unreviewed extractions gets).

    Paging: `after` is the `next_cursor` of the previous page (keyset: a
    deep page costs what the first does); `offset` skips hits after that.
    A bad cursor raises BadCursor (a ValueError).
    """
    backend = BACKENDS.get(connection.dialect.name)
    if connection.dialect.name != "sqlite" and backend is None:
        raise NotImplementedError("full-text search needs the SQLite FTS5 index "
                                  f"(not available on {connection.dialect.name} yet)")
    parsed = parse_query(query or "")
    limit = max(0, min(int(limit), 200))
    offset = max(0, min(int(offset), 1_000_000))   # SQLite integers are 64-bit
    key = decode_cursor(after)
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
    filters = Filters(doc_where, params, events_where, event_params,
                      facet_groups(event_params, source=source, confirmed_only=confirmed_only))
    if backend is not None:
        return backend(connection, parsed, filters, limit, offset, key)
    if not parsed and not doc_where:
        return SearchPage(0, False, [])
    words = parsed.fts(lambda prefix: _expand(connection, prefix)) if parsed else None
    # The facets first: FTS5's AND then steps through the (usually shorter)
    # filter doclist and seeks in the words' (3x faster at 1M documents).
    parts = ([fts_expression(filters.facets)] if filters.facets else []) + ([f"({words})"] if words else [])
    if not parts:
        # Filters without a facet (a date range of centuries): checked row by row.
        return _filtered_only(connection, parsed, filters, limit, offset, key)
    fts_params = {"match": " AND ".join(parts), "cap": COUNT_CAP}
    # The newest COUNT_CAP matches: the count, and the first newest-first page.
    candidates = connection.execute(sa.text(
        f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :match ORDER BY rowid DESC LIMIT :cap"),
        fts_params).scalars().all()
    capped = len(candidates) >= COUNT_CAP
    check = doc_where and not _exact(filters, source, confirmed_only)
    passed = _passing(connection, filters, candidates) if check else candidates
    if parsed and not capped and filters.facets:
        # bm25 reads the words' positions: ranked only when the words alone
        # match fewer than COUNT_CAP documents, else newest first.
        capped_words = connection.execute(sa.text(
            f"SELECT count(*) FROM (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :words "
            "LIMIT :cap)"), {"words": words, "cap": COUNT_CAP}).scalar() >= COUNT_CAP
    else:
        capped_words = capped
    if parsed and not capped_words and (key is None or key[0] is not None):
        page = _ranked(connection, fts_params, set(passed), limit, offset, key)
    elif key is None and (not capped or len(passed) > offset + limit):
        page = [(r, None) for r in passed[offset:offset + limit + 1]]
    else:
        page = _newest(connection, filters if check else None, fts_params, limit, offset, key)
    hits = _hits(connection, parsed, page[:limit], events_where, event_params) if page[:limit] else []
    return SearchPage(len(passed), capped, hits, _next(page, limit))


def _exact(filters: Filters, source: str | None, confirmed_only: bool) -> bool:
    """Whether the facet tokens are the filters themselves (no row check needed):
    one event condition at most (two could hold on different events of a
    document), not a date (tokens cover whole months), not confirmed-only
    (do-not-publish persons are excluded by the check), a source that fits
    its token whole."""
    event_groups = len(filters.facets) - (source is not None)
    dated = "date_from" in filters.event_params or "date_to" in filters.event_params
    return (event_groups <= 1 and not dated and not confirmed_only
            and (source is None or len(source) <= 64))


def _passing(connection, filters: Filters, rowids: Sequence[int]) -> list[int]:
    """The rowids (in their order) whose documents pass the exact filters."""
    if not rowids:
        return []
    passed = set(connection.execute(sa.text(
        "SELECT d.rowid FROM documents d WHERE d.rowid IN (SELECT value FROM json_each(:ids)) AND "
        + " AND ".join(filters.doc_where)), dict(filters.params, ids=json.dumps(list(rowids)))).scalars())
    return [r for r in rowids if r in passed]


def _next(page: Sequence[tuple[int, float | None]], limit: int) -> str | None:
    """The cursor after the page's last hit, when one more was found."""
    if len(page) <= limit or limit == 0:
        return None
    seq, score = page[limit - 1]
    return encode_cursor(None if score is None else float(score), seq)


def _ranked(connection, fts_params, passed: set[int], limit, offset, key):
    """Fewer than COUNT_CAP matches: all of them scored (bm25), best first,
    one more than the page (is there a next one?). The cursor holds the
    last score shown (higher is better): the next page starts below it, or
    at it with an older rowid."""
    rows = connection.execute(sa.text(
        f"SELECT rowid, rank FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :match LIMIT :cap"),
        fts_params).all()
    ranked = sorted(((-rank, rowid) for rowid, rank in rows if rowid in passed),
                    key=lambda hit: (-hit[0], -hit[1]))
    if key is not None:
        ranked = [hit for hit in ranked if hit[0] < key[0] or hit[0] == key[0] and hit[1] < key[1]]
    return [(rowid, score) for score, rowid in ranked[offset:offset + limit + 1]]


def _newest(connection, filters: Filters | None, fts_params, limit, offset, key):
    """Newest stored first: FTS5 walks its doclists backwards from the cursor
    (no scoring); with filters to check, each batch of candidates is checked
    and the walk goes on while the page is not full."""
    want = limit + 1 + offset
    before = key[1] if key is not None else None
    found: list[int] = []
    while len(found) < want:
        batch = want - len(found) if filters is None else 2 * (want - len(found)) + 16
        rowids = connection.execute(sa.text(
            f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :match"
            + (" AND rowid < :before" if before is not None else "")
            + " ORDER BY rowid DESC LIMIT :n"), dict(fts_params, before=before, n=batch)).scalars().all()
        found.extend(rowids if filters is None else _passing(connection, filters, rowids))
        if len(rowids) < batch:
            break
        before = rowids[-1]
    return [(r, None) for r in found[offset:want]]


def _filtered_only(connection, parsed: Query, filters: Filters, limit, offset, key) -> SearchPage:
    """Filters that have no facet and no words: the documents that pass them,
    newest first, checked row by row (rare: a date range of centuries)."""
    where = list(filters.doc_where)
    if key is not None:
        where.append("d.rowid < :before")
    params = dict(filters.params, before=key[1] if key else None)
    total = connection.execute(sa.text(
        "SELECT count(*) FROM (SELECT 1 FROM documents d WHERE " + " AND ".join(filters.doc_where)
        + " LIMIT :cap)"), dict(params, cap=COUNT_CAP)).scalar()
    rowids = connection.execute(sa.text(
        "SELECT d.rowid FROM documents d WHERE " + " AND ".join(where)
        + " ORDER BY d.rowid DESC LIMIT :n OFFSET :offset"),
        dict(params, n=limit + 1, offset=offset)).scalars().all()
    page = [(rowid, None) for rowid in rowids]
    hits = _hits(connection, parsed, page[:limit], filters.events_where,
                 filters.event_params) if page[:limit] else []
    return SearchPage(total, total >= COUNT_CAP, hits, _next(page, limit))


def _expand(connection, prefix: str) -> list[str] | None:
    """The indexed terms that start with `prefix`, or None when more than MAX_EXPANSION."""
    terms = connection.execute(sa.text(
        "SELECT term FROM search_terms WHERE term >= :low AND term < :high ORDER BY term LIMIT :n"),
        {"low": prefix, "high": prefix + "\U0010ffff", "n": MAX_EXPANSION + 1}).scalars().all()
    return None if len(terms) > MAX_EXPANSION else terms


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
            document_id=row.id, title=row.title or title_from_text(row.text), url=row.url, source=row.source,
            published=row.published, captured_at=row.captured_at, sha256=row.sha256,
            sentence=sentence, snippet_html=snippet, score=None if rank is None else float(rank)))
    return hits


def rebuild_index(connection) -> int:
    """Re-create the FTS5 table and re-index every stored document (SQLite):
    after a stemmer change, or to repair the index. In one transaction: a
    rebuild killed half-way leaves the old index as it was. Returns how many
    documents were indexed. Another backend rebuilds its own (REBUILDERS)."""
    if connection.dialect.name in REBUILDERS:
        return REBUILDERS[connection.dialect.name](connection)
    connection.execute(sa.text(f"DROP TABLE IF EXISTS {FTS_TABLE}"))
    connection.execute(sa.text(FTS_CREATE))
    connection.execute(sa.text(FTS_RANK))
    connection.execute(sa.text("DELETE FROM search_terms"))
    return backfill_index(connection)


def backfill_index(connection, batch: int = 1000) -> int:
    """Index every stored document, in rowid order, a batch in memory at a
    time (the migrations that create the index run this; migration 0003's
    table has no facets column yet)."""
    columns = {row[1] for row in connection.exec_driver_sql(f"PRAGMA table_info({FTS_TABLE})")}
    insert = (_index_insert() + " WHERE d.rowid = :rowid" if "facets" in columns
              else f"INSERT INTO {FTS_TABLE}(rowid, terms) VALUES (:rowid, :terms)")
    count, last = 0, -1
    while True:
        rows = connection.execute(sa.text(
            "SELECT rowid, title, text FROM documents WHERE rowid > :last ORDER BY rowid LIMIT :n"),
            {"last": last, "n": batch}).all()
        if not rows:
            return count
        values = [{"rowid": r.rowid, "terms": document_terms(r.title, r.text)} for r in rows]
        connection.execute(sa.text(insert), values)
        _add_vocabulary(connection, {term for value in values for term in value["terms"].split()})
        count += len(rows)
        last = rows[-1].rowid
