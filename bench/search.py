"""Search latency on a synthetic store (bench/synthetic.py), in one process.

    python bench/search.py [--documents 100000] [--db PATH_OR_URL] [--repeat 5]

Builds a synthetic store once (--db: a SQLite path or sqlite:/// URL, or a
postgresql+psycopg:// URL; a store that already holds --documents documents
is reused, so build it once and time it many times), then times
`Store.search` (a pooled connection, its read transaction, the query, the
hits with their sentences and snippets) for these query classes:

- rare: a handful of matches (made-up words, person surnames),
- medium: hundreds to a few thousand matches,
- common: "задержали", "России", "суд": up to most documents; first page and
  a deep page (the 6th, reached by the cursor of the 5th),
- phrase: quoted phrases and several words,
- filtered: common and medium words with filters (country, person, type,
  source, date range, confirmed only, combinations), first and deep pages.

Beside each class, the bare engine on the same queries: the same MATCH
(words and filter tokens) ranked by FTS5's bm25, `ORDER BY rank LIMIT 20`,
on SQLite; on PostgreSQL the same tsqueries ranked by ts_rank_cd. That is the
plan a search without Khronika's count cap would run. The last line is
machine-readable: search_p95_ms=S (every timed query). Target: p95 <= 50 ms
for every class at 1M documents, and p95(1M) <= 1.5 x p95(100k).
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.synthetic import build_store  # noqa: E402
from khronika import search as engine  # noqa: E402
from khronika.search_facets import facet_groups, fts_expression, tsquery_expression  # noqa: E402
from khronika.search_pg import _stop_words, tsquery_text  # noqa: E402
from khronika.store import open_store  # noqa: E402


def _percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def _url(db: str) -> str:
    return db if "://" in db else f"sqlite:///{db}"


def _stored(url: str) -> int:
    """How many documents the store at `url` holds (0: missing or empty)."""
    if url.startswith("sqlite:///") and not Path(url[len("sqlite:///"):]).exists():
        return 0
    engine_ = sa.create_engine(url)
    try:
        with engine_.connect() as connection:
            return connection.execute(sa.text("SELECT count(*) FROM documents")).scalar()
    except sa.exc.DBAPIError:
        return 0
    finally:
        engine_.dispose()


def _pick_terms(store, seed: int) -> tuple[list[str], list[str], list[str]]:
    """(rare words, medium words, surnames), with their counts from the store itself."""
    rng = random.Random(seed)
    with store.engine.connect() as connection:
        rare_pool = [w for w in _vocabulary(connection) if len(w) >= 7]
        rng.shuffle(rare_pool)
        rare = []
        for word in rare_pool[:300]:
            if 1 <= store.search(word, limit=0).total <= 20:
                rare.append(word)
            if len(rare) == 6:
                break
        surnames = [name.split()[-1] for name in connection.execute(sa.text(
            "SELECT name FROM persons ORDER BY id LIMIT 200")).scalars()][::40]
    medium = [w for w in ("хельсинк", "berlin", "петербург", "интерпол", "убежище")]
    return rare, medium, surnames


def _vocabulary(connection) -> list[str]:
    """The made-up words of the synthetic texts (they carry the rare ones)."""
    from bench.synthetic import SYLLABLES
    rows = connection.execute(sa.text(
        "SELECT text FROM documents WHERE text LIKE '%появилось в деле%' LIMIT 2000")).scalars()
    words = set()
    for text in rows:
        start = text.find("Слово «")
        if start >= 0:
            word = text[start + 7:text.find("»", start)]
            if word[:2] in SYLLABLES or word[:3] in SYLLABLES or word[:4] in SYLLABLES:
                words.add(word)
    return sorted(words)


def _bare(connection, query: str, filters: dict) -> None:
    """The engine alone on the same query: every match ranked, top 20."""
    parsed = engine.parse_query(query)
    _, event_params = engine._event_conditions(filters.get("person_id"), filters.get("types"),
                                               filters.get("country"), filters.get("date_from"),
                                               filters.get("date_to"))
    groups = facet_groups(event_params, source=filters.get("source"),
                          confirmed_only=filters.get("confirmed_only", False))
    if connection.dialect.name == "sqlite":
        parts = ([f"({parsed.fts(lambda p: engine._expand(connection, p))})"] if parsed else []) \
            + ([fts_expression(groups)] if groups else [])
        connection.execute(sa.text(
            "SELECT rowid FROM documents_fts WHERE documents_fts MATCH :m ORDER BY rank LIMIT 20"),
            {"m": " AND ".join(parts)}).all()
        return
    words = tsquery_text(parsed, _stop_words(connection, {t.word for t in parsed.terms})) if parsed else None
    where, params = [], {}
    if words:
        where.append("search_vector @@ CAST(:w AS tsquery)")
        params["w"] = words
    if groups:
        where.append("search_facets @@ CAST(:f AS tsquery)")
        params["f"] = tsquery_expression(groups)
    rank = "ts_rank_cd(search_vector, CAST(:w AS tsquery)) DESC" if words else "search_seq DESC"
    connection.execute(sa.text(f"SELECT search_seq FROM documents WHERE {' AND '.join(where)} "
                               f"ORDER BY {rank} LIMIT 20"), params).all()


def _cases(store) -> dict[str, list[tuple[str, dict]]]:
    rare, medium, surnames = _pick_terms(store, 0)
    with store.engine.connect() as connection:
        busiest, middling = connection.execute(sa.text(
            "SELECT person_id FROM events GROUP BY person_id ORDER BY count(*) DESC LIMIT 2")).scalars().all()
    common = ["задержали", "задержан", "России", "суд", "правозащитники", "detained"]
    deep = {"page": 6}
    return {
        "rare": [(w, {}) for w in rare + surnames + ["Паттайя"]],
        "medium": [(w, {}) for w in medium + ["экстрадиция", "депортирован", "extradited"]],
        "common": [(w, {}) for w in common] + [(w, deep) for w in common[:3]],
        "phrase": [('"был задержан"', {}), ("задержали Москве", {}), ("суд отказал экстрадиции", {}),
                   ('"запрос о временных мерах"', {})],
        "filtered": [
            ("задержали", {"country": "KZ"}), ("задержали", {"country": "TH"}),
            ("задержали", {"person_id": busiest}), ("задержали", {"types": ["detained"]}),
            ("задержали", {"source": "ovd.info"}), ("задержали", {"source": "asiaplustj.info"}),
            ("задержали", {"date_from": "2024", "date_to": "2024-06"}),
            ("задержали", {"confirmed_only": True}), ("России", {"confirmed_only": True, **deep}),
            ("экстрадиция", {"country": "KZ"}), ("суд", {"country": "RU", "types": ["arrested"]}),
            ("убежище", {"person_id": middling}), ("", {"person_id": busiest}),
            ("России", {"country": "KZ", "confirmed_only": True, "date_from": "2023"}),
            ("задержан", {"source": "ovd.info", "types": ["detained", "arrested"], **deep}),
        ],
    }


def _search(store, query: str, filters: dict):
    """One timed search; a deep page first walks the cursors (untimed)."""
    filters = dict(filters)
    pages = filters.pop("page", 1)
    after = None
    for _ in range(pages - 1):
        after = store.search(query, after=after, **filters).next_cursor
    started = time.perf_counter()
    page = store.search(query, after=after, **filters)
    return page, (time.perf_counter() - started) * 1000


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=None, help="default: documents / 10")
    parser.add_argument("--persons", type=int, default=None, help="default: documents / 100")
    parser.add_argument("--db", help="a SQLite path or a database URL: reused when it holds the documents")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    temporary = None
    if args.db:
        url = _url(args.db)
    else:
        temporary = tempfile.TemporaryDirectory(prefix="khronika-search-")
        url = _url(str(Path(temporary.name) / "synthetic.db"))
    if _stored(url) != args.documents:
        stats = build_store(url, documents=args.documents,
                            events=args.events or max(1, args.documents // 10),
                            persons=args.persons or max(1, args.documents // 100), seed=args.seed)
        print(f"built {stats['documents']} documents, {stats['events']} events, "
              f"{stats['persons']} persons in {stats['seconds']} s")

    store = open_store(url)
    store.search("задержали")                      # loads the morphology (pymorphy3) once
    cases = _cases(store)
    timings: dict[str, list[float]] = {}
    bare: dict[str, list[float]] = {}
    print(f"{'class':9} {'query':26} {'filters':48} {'total':>6} {'p50 ms':>7} {'max ms':>7} {'bare':>7}")
    with store.engine.connect() as connection:
        for kind, queries in cases.items():
            for query, filters in queries:
                samples, bare_samples = [], []
                for _ in range(args.repeat):
                    page, elapsed = _search(store, query, filters)
                    samples.append(elapsed)
                    started = time.perf_counter()
                    _bare(connection, query, {k: v for k, v in filters.items() if k != "page"})
                    bare_samples.append((time.perf_counter() - started) * 1000)
                timings.setdefault(kind, []).extend(samples)
                bare.setdefault(kind, []).extend(bare_samples)
                total = f"{page.total}{'+' if page.total_capped else ''}"
                print(f"{kind:9} {query[:26]:26} {str(filters)[:48]:48} {total:>6} "
                      f"{statistics.median(samples):7.1f} {max(samples):7.1f} "
                      f"{statistics.median(bare_samples):7.1f}", flush=True)
    store.close()

    everything = [t for samples in timings.values() for t in samples]
    name = "FTS5 bm25" if url.startswith("sqlite") else "PostgreSQL ts_rank_cd"
    print(f"\n{args.documents} documents, {url.split('://')[0]}; bare engine: {name}, ORDER BY rank LIMIT 20")
    for kind, samples in timings.items():
        print(f"{kind:9} n={len(samples):3} p50={statistics.median(samples):6.1f} ms "
              f"p95={_percentile(samples, 0.95):6.1f} ms max={max(samples):6.1f} ms | bare "
              f"p50={statistics.median(bare[kind]):7.1f} ms p95={_percentile(bare[kind], 0.95):7.1f} ms")
    if temporary is not None:
        temporary.cleanup()
    print(" ".join(f"{kind}_p95_ms={_percentile(samples, 0.95):.1f}" for kind, samples in timings.items())
          + f" search_p95_ms={_percentile(everything, 0.95):.1f}")


if __name__ == "__main__":
    main()
