"""Search filters as index tokens ("facets"), and the cursor of a result page.

Why: a filter (person, type, country, date range, source, confirmed only)
met with a common word used to be checked document by document on the
newest matches, so its cost grew with the store (190 ms at 1M documents).
Here every document's filter values are also written, as tokens, into the
search index itself (a second FTS5 column on SQLite, a second tsvector on
PostgreSQL), so a filtered query is one index query: `word AND c_4b5a`.
FTS5 intersects the two doclists by seeking (doclist indexes), GIN by its
fast scan; neither reads documents that fail the filter.

The tokens always contain "_", which a word's index term never does (terms
are runs of letters and digits), so a facet never answers a word query.
Values that are not plain letters (person ids, sources, types, countries)
are hex-encoded: the tokenizer sees one token, whatever the value holds.

- `s_<hex source>` (the first 64 characters): the document's source.
- per event: `p_<hex person>`, `t_<hex type>`, `c_<hex country>`, and its
  date: `y_YYYY` always, `m_YYYY_MM` at month or day precision, `yo_YYYY`
  at year precision (or a form like "2022/2023"), `y_x` for any other date.
- per confirmed event, the same with a `c` in front (`cp_`, `ct_`, `cc_`,
  `cy_`, `cm_`, `cyo_`, `cy_x`) and `r_conf`: what a reader who sees only
  confirmed facts filters on.

The tokens are a superset: they are per document, while the filters ask for
one event with all the values, and a date range is widened to whole months.
So the matches are still checked exactly (the events EXISTS of
khronika.search) before they are counted or shown; in practice the
candidates are the answer. The tokens follow the events: database triggers
(store migration 0011) rewrite a document's facets whenever one of its
events is inserted, changed or deleted, in that same transaction, so the
index can never lag behind (not after a kill -9, not across processes).
"""
from __future__ import annotations

import base64
import binascii
import json
import math

# A date range spanning more months than this is searched by years.
MAX_MONTHS = 24
# A date range spanning more years than this gets no facet (checked exactly only).
MAX_YEARS = 60


class BadCursor(ValueError):
    """A page cursor that does not decode (the web app answers 400)."""


# ---------------------------------------------------------------- the index side

def _hex(sql: str, dialect: str) -> str:
    if dialect == "postgresql":
        return f"encode(convert_to({sql}, 'UTF8'), 'hex')"
    return f"lower(hex({sql}))"


def _event_tokens(dialect: str, prefix: str) -> str:
    """SQL: the space-joined tokens of one event `e` (prefix "" or "c")."""
    def h(column):
        return _hex(column, dialect)
    if dialect == "postgresql":
        month, year = "e.date ~ '^[0-9]{4}-[0-9]{2}'", "e.date ~ '^[0-9]{4}'"
    else:
        month = "e.date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]*'"
        year = "e.date GLOB '[0-9][0-9][0-9][0-9]*'"
    return (f"' {prefix}p_' || {h('e.person_id')} || ' {prefix}t_' || {h('e.type')}"
            f" || coalesce(' {prefix}c_' || {h('e.country')}, '')"
            f" || CASE WHEN {month} THEN ' {prefix}y_' || substr(e.date, 1, 4) || ' {prefix}m_'"
            f" || substr(e.date, 1, 4) || '_' || substr(e.date, 6, 2)"
            f" WHEN {year} THEN ' {prefix}y_' || substr(e.date, 1, 4) || ' {prefix}yo_' || substr(e.date, 1, 4)"
            f" WHEN e.date IS NOT NULL THEN ' {prefix}y_x' ELSE '' END")


def facets_sql(dialect: str) -> str:
    """SQL: the facets text of the document `d` (its source, its events' tokens)."""
    tokens = (_event_tokens(dialect, "") + " || CASE WHEN e.review_status = 'confirmed' THEN ' r_conf'"
              + " || " + _event_tokens(dialect, "c") + " ELSE '' END")
    aggregate = f"string_agg({tokens}, '')" if dialect == "postgresql" else f"group_concat({tokens}, '')"
    return (f"coalesce('s_' || {_hex('substr(d.source, 1, 64)', dialect)}, '')"
            f" || coalesce((SELECT {aggregate} FROM events e WHERE e.document_id = d.id), '')")


# ---------------------------------------------------------------- the query side

def _h(value: str) -> str:
    return str(value).encode().hex()


def facet_groups(event_params: dict, *, source: str | None, confirmed_only: bool) -> list[list[str]]:
    """The facet tokens a query's filters need: groups ANDed, tokens in a group
    ORed. `event_params`: the parameters khronika.search built for its events
    conditions (person_id, type_N, country, date_from, date_to)."""
    c = "c" if confirmed_only else ""
    groups: list[list[str]] = []
    if source is not None:
        groups.append(["s_" + _h(source[:64])])
    if "person_id" in event_params:
        groups.append([f"{c}p_" + _h(event_params["person_id"])])
    types = [v for k, v in sorted(event_params.items()) if k.startswith("type_")]
    if types:
        groups.append([f"{c}t_" + _h(t) for t in types])
    if "country" in event_params:
        groups.append([f"{c}c_" + _h(event_params["country"])])
    dates = _date_tokens(event_params.get("date_from"), event_params.get("date_to"), c)
    if dates:
        groups.append(dates)
    if confirmed_only and len(groups) == (source is not None):
        # No event filter (whose c-tokens are confirmed ones): any confirmed event.
        groups.append(["r_conf"])
    return groups


def _year(value: str | None) -> int | None:
    return int(value[:4]) if value and value[:4].isdigit() else None


def _month(value: str | None, default: int) -> int:
    month = value[5:7] if value else ""
    return int(month) if month.isdigit() and 1 <= int(month) <= 12 else default


def _date_tokens(date_from: str | None, date_to: str | None, c: str) -> list[str]:
    low, high = _year(date_from), _year(date_to)
    if low is None and high is None:
        return []
    # An open end reaches MAX_YEARS from the other (an event dated further
    # away is missed by that filter: none such in a monitoring store).
    low = high - MAX_YEARS if low is None else low
    high = low + MAX_YEARS if high is None else high
    if high < low or high - low > MAX_YEARS:
        return [f"{c}y_x"] if high < low else []
    # Odd dates ("около 2020") compare as strings: always candidates.
    tokens = [f"{c}y_x"]
    first, last = (low, _month(date_from, 1)), (high, _month(date_to, 12))
    months = (last[0] - first[0]) * 12 + last[1] - first[1] + 1
    if months > MAX_MONTHS:
        return tokens + [f"{c}y_{year}" for year in range(low, high + 1)]
    year, month = first
    for _ in range(months):
        tokens.append(f"{c}m_{year:04d}_{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return tokens + [f"{c}yo_{year}" for year in range(low, high + 1)]


def fts_expression(groups: list[list[str]]) -> str:
    """The FTS5 MATCH text of facet groups (tokens are ours: [a-z0-9_])."""
    return " AND ".join("(" + " OR ".join(f'"{t}"' for t in group) + ")" for group in groups)


def tsquery_expression(groups: list[list[str]]) -> str:
    """The tsquery text of facet groups (lexemes quoted; they are [a-z0-9_])."""
    return " & ".join("(" + " | ".join(f"'{t}'" for t in group) + ")" for group in groups)


# ---------------------------------------------------------------- cursors

def encode_cursor(score: float | None, seq: int) -> str:
    """The cursor after a hit: its score (None when newest first) and its
    position (SQLite rowid, PostgreSQL search_seq); base64url of JSON."""
    raw = json.dumps([score, int(seq)], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def decode_cursor(cursor: str | None) -> tuple[float | None, int] | None:
    if not cursor:
        return None
    try:
        if len(cursor) > 200:
            raise ValueError
        key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode())
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise BadCursor("bad cursor") from None
    if (not isinstance(key, list) or len(key) != 2 or type(key[1]) is not int
            or not (key[0] is None or type(key[0]) in (int, float) and math.isfinite(key[0]))
            or not -2**63 < key[1] < 2**63):
        raise BadCursor("bad cursor")
    return (None if key[0] is None else float(key[0])), key[1]
