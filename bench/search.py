"""Search latency on a synthetic store (bench/synthetic.py), in one process.

    python bench/search.py [--documents 100000] [--db PATH] [--repeat 5]

Builds a synthetic store (or reuses --db when the file exists; a missing
--db is built there and kept), then times `Store.search` (a pooled
connection, its read transaction, the query, the hits with their sentences
and snippets), the query alone, for:

- rare words (a handful of matches: made-up words, person surnames),
- medium words (hundreds to a few thousand matches),
- very common words ("задержали", "России", "суд": up to most documents),
- phrases, several words, and common words with filters (country, person,
  type, source, date range, confirmed only), first and later pages.

Side by side, the bare library: FTS5 bm25 ranking over the same common
words (`ORDER BY rank LIMIT 20`), the plan `search` avoids. The last line
is machine-readable: search_p95_ms=S (all timed queries). Target: p95 <=
50 ms at 100k documents.
"""
from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.synthetic import build_store
from khronika.store import open_store


def _percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def _pick_terms(path: str, seed: int) -> tuple[list[str], list[str], list[str]]:
    """(rare words, medium words, surnames) found in the store itself."""
    connection = sqlite3.connect(path)
    rng = random.Random(seed)
    terms = [t for (t,) in connection.execute("SELECT term FROM search_terms") if t.isalpha()
             and len(t) >= 6]
    rng.shuffle(terms)
    rare, medium = [], []
    for term in terms[:3000]:
        (count,) = connection.execute(
            "SELECT count(*) FROM (SELECT rowid FROM documents_fts WHERE documents_fts MATCH ? "
            "LIMIT 5000)", (f'"{term}"',)).fetchone()
        if 1 <= count <= 20 and len(rare) < 6:
            rare.append(term)
        elif 200 <= count <= 4000 and len(medium) < 3:
            medium.append(term)
    surnames = [name.split()[-1] for (name,) in connection.execute(
        "SELECT name FROM persons ORDER BY id LIMIT 200")][::40]
    connection.close()
    return rare, medium, surnames


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=None, help="default: documents / 10")
    parser.add_argument("--persons", type=int, default=None, help="default: documents / 100")
    parser.add_argument("--db", help="reuse this store (built here first when missing)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    temporary = None
    if args.db:
        path = args.db
    else:
        temporary = tempfile.TemporaryDirectory(prefix="khronika-search-")
        path = str(Path(temporary.name) / "synthetic.db")
    if not Path(path).exists():
        stats = build_store(path, documents=args.documents,
                            events=args.events or max(1, args.documents // 10),
                            persons=args.persons or max(1, args.documents // 100), seed=args.seed)
        print(f"built {stats['documents']} documents, {stats['events']} events, "
              f"{stats['persons']} persons in {stats['seconds']} s ({stats['bytes'] / 1e6:.0f} MB)")
    rare, medium, surnames = _pick_terms(path, args.seed)

    store = open_store(path)
    busiest = store.engine.connect().exec_driver_sql(
        "SELECT person_id FROM events GROUP BY person_id ORDER BY count(*) DESC LIMIT 1").scalar()
    common = ["задержали", "задержан", "России", "суд", "правозащитники", "detained"]
    cases: dict[str, list[tuple[str, dict]]] = {
        "rare": [(w, {}) for w in rare + surnames + ["Паттайя"]],
        "medium": [(w, {}) for w in medium + ["экстрадиция", "депортирован", "убежище", "интерпол",
                                              "extradited"]],
        "common": [(w, {}) for w in common] + [(w, {"offset": 100}) for w in common[:3]],
        "phrase": [('"был задержан"', {}), ("задержали Москве", {}), ("суд отказал экстрадиции", {}),
                   ('"запрос о временных мерах"', {})],
        "filtered": [
            ("задержали", {"country": "KZ"}), ("задержали", {"country": "TH"}),
            ("задержали", {"person_id": busiest}), ("задержали", {"types": ["detained"]}),
            ("задержали", {"source": "ovd.info"}), ("задержали", {"source": "asiaplustj.info"}),
            ("задержали", {"date_from": "2024", "date_to": "2024-06"}),
            ("задержали", {"confirmed_only": True}), ("России", {"confirmed_only": True, "offset": 40}),
            ("экстрадиция", {"country": "KZ"}), ("суд", {"country": "RU", "types": ["arrested"]}),
        ],
    }
    store.search("задержали")                      # loads the morphology (pymorphy3) once
    timings: dict[str, list[float]] = {}
    print(f"{'class':9} {'query':30} {'filters':44} {'total':>6} {'p50 ms':>7} {'max ms':>7}")
    for kind, queries in cases.items():
        for query, filters in queries:
            samples = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                page = store.search(query, **filters)
                samples.append((time.perf_counter() - started) * 1000)
            timings.setdefault(kind, []).extend(samples)
            total = f"{page.total}{'+' if page.total_capped else ''}"
            print(f"{kind:9} {query[:30]:30} {str(filters)[:44]:44} {total:>6} "
                  f"{statistics.median(samples):7.1f} {max(samples):7.1f}")

    # The bare library: FTS5 ranking every match of a common word.
    connection = sqlite3.connect(path)
    bare = []
    for stem in ("задержа", "росс", "суд"):
        for _ in range(args.repeat):
            started = time.perf_counter()
            connection.execute("SELECT rowid FROM documents_fts WHERE documents_fts MATCH ? "
                               "ORDER BY rank LIMIT 20", (f'"{stem}"',)).fetchall()
            bare.append((time.perf_counter() - started) * 1000)
    connection.close()
    store.close()

    everything = [t for samples in timings.values() for t in samples]
    print()
    for kind, samples in timings.items():
        print(f"{kind:9} n={len(samples):3} p50={statistics.median(samples):6.1f} ms "
              f"p95={_percentile(samples, 0.95):6.1f} ms max={max(samples):6.1f} ms")
    print(f"bare FTS5 bm25 over common words (ORDER BY rank LIMIT 20): "
          f"p50={statistics.median(bare):.1f} ms max={max(bare):.1f} ms")
    if temporary is not None:
        temporary.cleanup()
    print(f"search_p95_ms={_percentile(everything, 0.95):.1f}")


if __name__ == "__main__":
    main()
