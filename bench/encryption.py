"""The cost of encryption at rest: the same ingest and person pages on a plain and an
SQLCipher store, in the same run.

    python bench/encryption.py             # 4 copies of each Russian sample in corpus/
    python bench/encryption.py --copies 1  # a smoke run

1. the Russian sample documents in corpus/ (*.ru.*), each copied N times with a
   line that makes every copy a distinct document, are ingested (one process,
   in this process) into a new plain store and a new encrypted one;
2. a lawyer account on each, then every person page rendered through the web
   app (TestClient, the page cache emptied before each request, so each page
   reads the store), R rounds.

Last line: `ingest_s_plain=A ingest_s_encrypted=B ingest_overhead=B/A
page_ms_plain=C page_ms_encrypted=D page_overhead=D/C` (page_ms: median).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

PASSWORD = "bench password, long enough"


def documents(work: Path, copies: int) -> list[str]:
    paths = []
    for source in sorted((REPO_ROOT / "corpus").glob("*.ru.*")):
        text = source.read_text(encoding="utf-8")
        for n in range(copies):
            copy = work / f"{source.stem}-{n}{source.suffix}"
            copy.write_text(text + f"\n\nКопия {n}.\n", encoding="utf-8")
            paths.append(str(copy))
    return paths


def ingest_seconds(db: Path, paths: list[str], *, encrypt: bool) -> float:
    from khronika.pipeline import ingest
    from khronika.store import open_store
    start = time.perf_counter()
    with open_store(db, encrypt=encrypt) as store:
        report = ingest(paths, store)
    elapsed = time.perf_counter() - start
    assert report.added == len(paths), report
    return elapsed


def page_ms(db: Path, rounds: int) -> float:
    from fastapi.testclient import TestClient

    from khronika.cli import main as cli
    from khronika.web.app import create_app
    from khronika.web.service import PageCache
    os.environ["PW"] = PASSWORD
    assert cli(["users", "add", "bench", "--role", "lawyer", "--password-env", "PW", "--db", str(db)]) == 0
    app = create_app(db)
    times = []
    with TestClient(app) as client:
        assert client.post("/api/login", json={"username": "bench", "password": PASSWORD}).status_code == 200
        persons = client.get("/api/persons").json()
        items = persons["items"] if isinstance(persons, dict) else persons
        ids = [p["id"] for p in items]
        assert ids
        for _ in range(rounds):
            for person_id in ids:
                app.state.page_cache = PageCache()
                start = time.perf_counter()
                r = client.get(f"/persons/{person_id}")
                times.append((time.perf_counter() - start) * 1000)
                assert r.status_code == 200, r.status_code
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    os.environ["KHRONIKA_PASSPHRASE"] = "bench passphrase"  # this process only
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "docs").mkdir()
        paths = documents(work / "docs", args.copies)
        plain, encrypted = work / "plain.db", work / "encrypted.db"
        ingest_seconds(work / "warmup.db", paths[:1], encrypt=False)  # loads the NLP models once
        ingest_plain = ingest_seconds(plain, paths, encrypt=False)
        ingest_encrypted = ingest_seconds(encrypted, paths, encrypt=True)
        assert encrypted.read_bytes()[:16] != b"SQLite format 3\x00"
        page_plain = page_ms(plain, args.rounds)
        page_encrypted = page_ms(encrypted, args.rounds)
    print(f"documents={len(paths)} rounds={args.rounds}")
    print(f"ingest_s_plain={ingest_plain:.2f} ingest_s_encrypted={ingest_encrypted:.2f} "
          f"ingest_overhead={ingest_encrypted / ingest_plain:.2f} page_ms_plain={page_plain:.1f} "
          f"page_ms_encrypted={page_encrypted:.1f} page_overhead={page_encrypted / page_plain:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
