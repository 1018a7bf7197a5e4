"""The persons index with 100k persons: first and deep page latency.

    python bench/persons_index.py                  # builds /tmp/khronika-persons-100k.db once, then measures
    python bench/persons_index.py --db /tmp/p.db   # reuses (or builds once at) that path
    python bench/persons_index.py --rebuild        # builds afresh

The store comes from bench/synthetic.py (bulk insert: 100k persons with
aliases, 120k events over 5k documents, 60% confirmed). Then, 20 runs each
(p50 reported), keyset pages of 50 (khronika.store.paging.persons_page):
the first page and a deep one (after ~90% of the persons) through the store
as a viewer and as staff, and the same two pages through the web app
(Starlette's TestClient, logged in as a monitor, HTML and JSON).

Last line: `persons_first_page_ms=A persons_deep_page_ms=B` (store, staff
view, p50; target A <= 100).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_DB = "/tmp/khronika-persons-100k.db"
PERSONS, EVENTS, DOCUMENTS = 100_000, 120_000, 5_000
PASSWORD = "benchmark-password"


def _p50(fn, runs: int = 20) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _build(db: Path) -> None:
    """Schema by every migration (open_store), then rows by SQLAlchemy Core
    bulk inserts in one transaction: persons (names from bench/synthetic.py,
    many shared), three aliases each, documents, and events (every person
    one, a fifth of them more; 60% confirmed, 30% pending, 10% rejected)."""
    import random

    import sqlalchemy as sa

    from bench.synthetic import _person_name
    from khronika.store import open_store
    from khronika.store import schema as tables
    from khronika.store.keys import alias_key
    from khronika.translit import romanize

    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    open_store(str(db)).close()
    rng = random.Random(0)
    now = "2026-07-01T00:00:00+00:00"
    persons, aliases = [], []
    for n in range(PERSONS):
        name, gender = _person_name(rng, n)
        latin = romanize(name)
        pid = f"P-{n:08d}"
        persons.append({"id": pid, "name": name, "name_latin": latin, "role": "subject", "gender": gender,
                        "attributes": {}, "created_at": now, "updated_at": now, "locked": False,
                        "do_not_publish": n % 97 == 0})
        for alias in (name, latin, name.split()[1]):
            aliases.append({"person_id": pid, "alias": alias, "alias_key": alias_key(alias)})
    documents = [{"id": f"D-{i:08d}", "path": f"bench/{i}.html", "url": f"https://bench.example/{i}",
                  "title": f"Новости {i}", "source": "bench.example", "published": "2026-01-01",
                  "language": "ru", "media_type": "text/html", "sha256": f"{i:064d}", "captured_at": now,
                  "text": "Пограничники задержали человека в аэропорту.", "meta": {}, "removed": [],
                  "analysed": True, "note": None, "stored_at": now} for i in range(DOCUMENTS)]
    statuses = ["confirmed"] * 6 + ["pending"] * 3 + ["rejected"]
    types = ["detained", "arrested", "extradited", "released", "charged"]
    events = []
    for k in range(EVENTS):
        n = k if k < PERSONS else rng.randrange(PERSONS // 5)
        day = 1 + k % 28
        events.append({"id": f"E-{k:08d}", "document_id": f"D-{k % DOCUMENTS:08d}", "person_id": f"P-{n:08d}",
                       "type": types[k % len(types)], "date": f"202{k % 5}-{1 + k % 12:02d}-{day:02d}",
                       "place": "Алматы", "country": ["KZ", "KG", "TR", "GE"][k % 4],
                       "evidence": "Пограничники задержали человека в аэропорту.", "span_start": 0,
                       "span_end": 45, "confidence": 0.9, "review_status": statuses[k % 10],
                       "created_at": now})
    engine = sa.create_engine(f"sqlite:///{db}")
    with engine.begin() as connection:
        for table, rows in ((tables.persons, persons), (tables.aliases, aliases),
                            (tables.documents, documents), (tables.events, events)):
            for start in range(0, len(rows), 20_000):
                connection.execute(table.insert(), rows[start:start + 20_000])
    engine.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=DEFAULT_DB)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args(argv)

    from khronika.store import open_store, paging

    db = Path(args.db)
    marker = Path(str(db) + ".built")
    if args.rebuild or not marker.exists() or not db.exists():
        started = time.perf_counter()
        _build(db)
        with open_store(str(db)) as store:
            from khronika.web.auth import hash_password
            store.add_user("bench-monitor", hash_password(PASSWORD), "monitor")
        marker.write_text("ok\n")
        print(f"built {db} in {time.perf_counter() - started:.1f}s")

    with open_store(str(db)) as store:
        import sqlalchemy as sa

        from khronika.store import schema as tables
        person = tables.persons.c
        with store._reading() as connection:     # the key ~90% in: a setup step, not the app's way
            key = connection.execute(sa.select(person.name, person.id).order_by(person.name, person.id)
                                     .limit(1).offset(PERSONS * 9 // 10)).one()
        deep_cursor = paging.encode_cursor(tuple(key))
        first = _p50(lambda: paging.persons_page(store))
        deep = _p50(lambda: paging.persons_page(store, after=deep_cursor))
        first_viewer = _p50(lambda: paging.persons_page(store, confirmed_only=True))
        deep_viewer = _p50(lambda: paging.persons_page(store, confirmed_only=True, after=deep_cursor))
        assert len(paging.persons_page(store, after=deep_cursor)[0]) > 0
        print(f"store staff: first={first:.1f}ms deep={deep:.1f}ms; "
              f"viewer: first={first_viewer:.1f}ms deep={deep_viewer:.1f}ms", flush=True)

    from fastapi.testclient import TestClient

    from khronika.web import create_app
    app = create_app(db)
    try:
        client = TestClient(app)
        r = client.post("/api/login", json={"username": "bench-monitor", "password": PASSWORD})
        assert r.status_code == 200, r.text
        for path in ("/", "/api/persons"):
            assert client.get(path).status_code == 200
            http_first = _p50(lambda path=path: client.get(path))
            http_deep = _p50(lambda path=path: client.get(path, params={"after": deep_cursor}))
            print(f"http {path}: first={http_first:.1f}ms deep={http_deep:.1f}ms", flush=True)
    finally:
        app.state.store.close()
    print(f"persons_first_page_ms={first:.1f} persons_deep_page_ms={deep:.1f}")


if __name__ == "__main__":
    main()
