"""Full-text search on PostgreSQL: the same query language and results as the
SQLite FTS5 backend (khronika.search), with PostgreSQL's own machinery.

Index: `documents.search_vector`, a stored generated tsvector column with a
GIN index (store migration 0008), built with the 'russian' text search
configuration from the title (weight A) and the first VECTOR_CHARS
characters of the text, ё folded to е first. That configuration stems
Cyrillic words with the Russian Snowball stemmer and ASCII words
(asciiword) with english_stem, the dictionary of the 'english'
configuration: the rule the SQLite index applies word by word (PyStemmer's
Russian and English Snowball stemmers, the same algorithms), so one vector
serves both languages and the query stems made in Python match it. Unlike
the SQLite index it drops stop words. `documents.search_seq`, an identity
column, is the insertion order ("newest stored first", what SQLite's rowid
gives).

Query: the query is parsed by `khronika.search_text.parse_query` (words ANDed,
"quoted phrases", hyphenated words as phrases, Russian prefixes and
derivations); each word's stems become tsquery lexemes, a prefix `'stem':*`,
alternatives ORed, phrase words joined by `<->` (or `<N>` across a stop
word the index dropped). The tsquery text is made only of those quoted
stems and operators, and is sent as a bound parameter cast to tsquery:
user text is never interpolated into SQL or parsed as tsquery syntax.
Which query words are stop words is asked of PostgreSQL itself; a query of
stop words alone finds nothing here (SQLite finds them). A prefix needs no
expansion (GIN answers `'stem':*` itself): `search_terms` stays empty.

Results follow khronika.search's contract: matches counted up to
COUNT_CAP; under it ranked by ts_rank_cd (SearchHit.score, higher is
better), at or over it newest stored first with no score. The sentence is
chosen as on SQLite (the matching event's evidence, else the sentence with
most query words); its highlighting comes from ts_headline (marker
characters, then HTML-escaped here, so a document's markup never reaches
the page).
"""
from __future__ import annotations

import html
from collections.abc import Sequence

import sqlalchemy as sa

from khronika import search as base
from khronika import search_text as words
from khronika.model import title_from_text
from khronika.search import Filters, SearchHit, SearchPage
from khronika.search_facets import tsquery_expression
from khronika.search_text import Query

CONFIG = "russian"
# The text indexed per document (the title always): a tsvector holds at most
# 1 MB, and a scraped page can be many times that. The migration's DDL has
# the same number written out.
VECTOR_CHARS = 200_000
VECTOR_COLUMN = "search_vector"
SEQ_COLUMN = "search_seq"
FACETS_COLUMN = "search_facets"     # the filters' lexemes (store migration 0011)
# ts_headline marks matches with these; the text is HTML-escaped afterwards
# and they become <mark> and </mark>. Removed from the text beforehand.
_START, _STOP = "\x02", "\x03"
_HEADLINE_OPTIONS = f"StartSel={_START}, StopSel={_STOP}, HighlightAll=true"


def is_index_column(table: str | None, column: str | None) -> bool:
    """A PostgreSQL-only search column of `documents` (not in the SQLAlchemy metadata)."""
    return table == "documents" and column in (VECTOR_COLUMN, SEQ_COLUMN, FACETS_COLUMN)


def _lexeme(stem: str) -> str:
    # tsquery quoting: inside '...', a quote is doubled and a backslash escaped.
    return "'" + stem.replace("\\", "\\\\").replace("'", "''") + "'"


def _stop_words(connection, words: set[str]) -> set[str]:
    """The words the 'russian' configuration drops (they are not in any vector)."""
    if not words:
        return set()
    return set(connection.execute(sa.text(
        f"SELECT w FROM unnest(CAST(:words AS text[])) AS w "
        f"WHERE to_tsvector('{CONFIG}', w) = ''::tsvector"), {"words": sorted(words)}).scalars())


def tsquery_text(parsed: Query, stop_words: set[str] = frozenset()) -> str | None:
    """The tsquery (as text, to be cast) for a parsed query; None when every
    word is a stop word (nothing can match)."""
    parts = []
    for clause in parsed.clauses:
        pieces: list[str] = []
        gap = 1
        for term in clause:
            if term.word in stop_words:
                gap += 1 if pieces else 0
                continue
            options = [_lexeme(t) for t in term.exact] + [_lexeme(p) + ":*" for p in term.prefixes]
            if not options:
                continue
            if pieces:
                pieces.append("<->" if gap == 1 else f"<{gap}>")
            pieces.append(options[0] if len(options) == 1 else "(" + " | ".join(options) + ")")
            gap = 1
        if pieces:
            parts.append(pieces[0] if len(pieces) == 1 else "(" + " ".join(pieces) + ")")
    return " & ".join(parts) or None


def search(connection, parsed: Query, filters: Filters, limit: int, offset: int,
           key: tuple[float | None, int] | None) -> SearchPage:
    """khronika.search.search on PostgreSQL (called from there, with its filters built)."""
    cap = base.COUNT_CAP
    where: list[str] = []
    params = dict(filters.params)
    query = None
    if parsed:
        query = tsquery_text(parsed, _stop_words(connection, {t.word for t in parsed.terms}))
        if query is None:
            return SearchPage(0, False, [])
        where.append(f"d.{VECTOR_COLUMN} @@ CAST(:tsquery AS tsquery)")
        params["tsquery"] = query
    if filters.facets:
        # The filters as index lexemes: one scan of the two-column GIN index
        # (see khronika.search_facets); the exact conditions still apply.
        where.append(f"d.{FACETS_COLUMN} @@ CAST(:facets AS tsquery)")
        params["facets"] = tsquery_expression(filters.facets)
    exact = filters.doc_where
    if not where and not exact:
        return SearchPage(0, False, [])
    candidates = " AND ".join(where or exact)
    if exact:
        matched, total = connection.execute(sa.text(
            f"SELECT count(*), count(*) FILTER (WHERE {' AND '.join(exact)}) "
            f"FROM (SELECT d.id, d.source FROM documents d WHERE {candidates} LIMIT :cap) d"),
            dict(params, cap=cap)).one()
    else:
        matched = total = connection.execute(sa.text(
            f"SELECT count(*) FROM (SELECT 1 FROM documents d WHERE {candidates} LIMIT :cap) m"),
            dict(params, cap=cap)).scalar()
    capped = matched >= cap
    capped_words = capped
    if query is not None and not capped and (filters.facets or exact):
        # Ranked only when the words alone match fewer than COUNT_CAP (as on SQLite).
        capped_words = connection.execute(sa.text(
            f"SELECT count(*) FROM (SELECT 1 FROM documents d WHERE d.{VECTOR_COLUMN} @@ "
            "CAST(:tsquery AS tsquery) LIMIT :cap) m"), {"tsquery": query, "cap": cap}).scalar() >= cap
    body = "FROM documents d WHERE " + " AND ".join(where + exact)
    params.update(n=limit + 1, offset=offset)
    if query is not None and not capped_words and (key is None or key[0] is not None):
        # Ranked (ts_rank_cd), fewer than COUNT_CAP: the cursor is (score, seq).
        # The score as float8: a real's text form rounds, and the cursor
        # must compare equal to the score it came from.
        after = ""
        if key is not None:
            after = " WHERE m.s < :after_score OR (m.s = :after_score AND m.seq < :after_seq)"
            params.update(after_score=key[0], after_seq=key[1])
        select = (f"SELECT m.seq, m.s FROM (SELECT d.{SEQ_COLUMN} AS seq, "
                  f"CAST(ts_rank_cd(d.{VECTOR_COLUMN}, CAST(:tsquery AS tsquery)) AS float8) AS s "
                  f"{body}) m{after} "
                  "ORDER BY m.s DESC, m.seq DESC")
    else:
        # Newest first (no ranking): past the cap, and for filters without words.
        if key is not None:
            body += f" AND d.{SEQ_COLUMN} < :after_seq"
            params["after_seq"] = key[1]
        select = f"SELECT d.{SEQ_COLUMN}, NULL {body} ORDER BY d.{SEQ_COLUMN} DESC"
    if limit <= 0:
        return SearchPage(total, capped, [])
    rows = connection.execute(sa.text(select + " LIMIT :n OFFSET :offset"), params).all()
    page = [(seq, score) for seq, score in rows]
    hits = (_hits(connection, parsed, query, page[:limit], filters.events_where, filters.event_params)
            if page else [])
    return SearchPage(total, capped, hits, base._next(page, limit))


def _hits(connection, parsed: Query, query: str | None, page: Sequence[tuple[int, float | None]],
          events_where: list[str], event_params: dict) -> list[SearchHit]:
    seqs = [seq for seq, _ in page]
    documents = {row.seq: row for row in connection.execute(sa.text(
        f"SELECT {SEQ_COLUMN} AS seq, id, title, url, source, published, captured_at, sha256, "
        f"substr(text, 1, {int(base.SCAN_CHARS)}) AS text FROM documents "
        f"WHERE {SEQ_COLUMN} = ANY(CAST(:seqs AS bigint[]))"), {"seqs": seqs}).all()}
    evidence: dict[str, list[str]] = {}
    if events_where:
        ids = [documents[s].id for s in seqs if s in documents]
        for document_id, sentence in connection.execute(sa.text(
                "SELECT e.document_id, e.evidence FROM events e "
                "WHERE e.document_id = ANY(CAST(:document_ids AS text[])) AND "
                + " AND ".join(events_where) + " ORDER BY e.span_start, e.id"),
                dict(event_params, document_ids=ids)):
            evidence.setdefault(document_id, []).append(sentence)
    terms = parsed.terms
    which = words._term_matcher(terms)
    chosen = []
    for seq, score in page:
        row = documents.get(seq)
        if row is None:
            continue
        sentence = words.hit_sentence(row.text, row.title, evidence.get(row.id), terms, which)
        # Python's highlight only cuts a long sentence around its first match here.
        sentence, _ = words.highlight(sentence.replace(_START, "").replace(_STOP, ""), terms, which)
        chosen.append((row, score, sentence))
    snippets = _headlines(connection, query, [sentence for _, _, sentence in chosen])
    return [SearchHit(document_id=row.id, title=row.title or title_from_text(row.text), url=row.url, source=row.source,
                      published=row.published, captured_at=row.captured_at, sha256=row.sha256,
                      sentence=sentence, snippet_html=snippet,
                      score=None if score is None else float(score))
            for (row, score, sentence), snippet in zip(chosen, snippets, strict=True)]


def _headlines(connection, query: str | None, sentences: list[str]) -> list[str]:
    """Each sentence HTML-escaped, the words ts_headline matches in <mark>."""
    if query is None or not sentences:
        return [html.escape(sentence) for sentence in sentences]
    marked = connection.execute(sa.text(
        f"SELECT ts_headline('{CONFIG}', s, CAST(:tsquery AS tsquery), :options) "
        "FROM unnest(CAST(:sentences AS text[])) WITH ORDINALITY AS t(s, i) ORDER BY i"),
        {"tsquery": query, "options": _HEADLINE_OPTIONS, "sentences": sentences}).scalars().all()
    return [html.escape(text).replace(_START, "<mark>").replace(_STOP, "</mark>") for text in marked]


def rebuild_index(connection) -> int:
    """Recompute every document's facets and the search vector (an UPDATE
    recomputes the generated column), then rebuild the GIN index; in one
    transaction. Returns how many documents were indexed."""
    count = connection.execute(sa.text(
        f"UPDATE documents SET {FACETS_COLUMN} = khronika_document_facets(id, source)")).rowcount
    connection.execute(sa.text("REINDEX INDEX ix_documents_search_vector"))
    return count


base.BACKENDS["postgresql"] = search
base.REBUILDERS["postgresql"] = rebuild_index
