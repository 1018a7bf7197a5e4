"""Benchmark `khronika publish`: the static archive of 10k persons and 100k events.

    python bench/publish.py                      # build a synthetic store in a temp dir, publish it
    python bench/publish.py --db /tmp/pub.db     # build it there once, reuse it on later runs
    python bench/publish.py --jobs 1             # one process (default 2, as `khronika publish`)

The store comes from bench/synthetic.py (10,000 persons, 100,000 events over
50,000 documents, no snapshot bytes: publishing never reads them); every
event is then marked confirmed, since only confirmed events are published.
The archive is written into a temporary directory (removed afterwards
unless --keep DIR).

Printed: the store, the stages of `publish_site` (query + grouping, each
part written: FtM, pages per language, TimelineJS per language, JSON/CSV)
as it reports them, then the bare costs that the stages build on, measured
apart: the SQL read alone (sqlite3, no SQLAlchemy, no grouping), grouping
into facts, rendering one language's person pages into memory, and writing
those same bytes to files. The last line is `publish_s=T`, the wall time
of the whole `publish_site` call (read, group, render, write, swap into
place). Target: T <= 60 on a 2-core machine.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.synthetic import build_store
from khronika.publish import site as site_module
from khronika.publish.public import PublicArchive
from khronika.publish.site import publish_site
from khronika.store import open_store
from khronika.store.facts import group_facts

BARE_QUERY = """
SELECT e.id, e.person_id, e.type, e.date, e.date_text, e.place, e.country, e.charge, e.term_years,
       e.evidence, e.confidence, e.span_start, e.span_end, e.document_id,
       d.url, d.title, d.source, d.language, d.published, d.captured_at, d.sha256,
       p.name, p.name_latin, p.role, p.gender
FROM events e JOIN documents d ON d.id = e.document_id JOIN persons p ON p.id = e.person_id
WHERE e.review_status = 'confirmed' AND p.do_not_publish = 0
ORDER BY e.document_id, e.span_start, e.id
"""


def prepare(path: Path, persons: int, events: int, documents: int, seed: int) -> dict:
    started = time.perf_counter()
    stats = build_store(path, documents=documents, events=events, persons=persons, seed=seed,
                        snapshots=False)
    connection = sqlite3.connect(str(path))
    try:
        connection.execute("UPDATE events SET review_status = 'confirmed', reviewed_by = 'bench', "
                           "reviewed_at = '2026-07-01T00:00:00+00:00'")
        connection.commit()
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
    stats["seconds"] = round(time.perf_counter() - started, 1)
    return stats


def counts(path: Path) -> dict:
    connection = sqlite3.connect(str(path))
    try:
        return {
            "persons": connection.execute("SELECT count(*) FROM persons").fetchone()[0],
            "events": connection.execute("SELECT count(*) FROM events").fetchone()[0],
            "confirmed": connection.execute(
                "SELECT count(*) FROM events WHERE review_status = 'confirmed'").fetchone()[0],
            "documents": connection.execute("SELECT count(*) FROM documents").fetchone()[0],
        }
    finally:
        connection.close()


def bare_costs(path: Path, archive: PublicArchive, scratch: Path) -> dict:
    out: dict[str, float] = {}
    connection = sqlite3.connect(str(path))
    try:
        mark = time.perf_counter()
        cursor = connection.execute(BARE_QUERY)
        keys = [c[0] for c in cursor.description]
        rows = [dict(zip(keys, row)) for row in cursor]
        out["sql_read_s"] = time.perf_counter() - mark
    finally:
        connection.close()
    by_person: dict[str, list[dict]] = {}
    for row in rows:
        row["event_id"] = row["id"]
        by_person.setdefault(row["person_id"], []).append(row)
    mark = time.perf_counter()
    facts = sum(len(group_facts(person_rows)) for person_rows in by_person.values())
    out["group_facts_s"] = time.perf_counter() - mark
    out["facts"] = facts

    env = site_module.environment("ru")
    template = env.get_template("person.html")
    mark = time.perf_counter()
    pages = [(person.slug, template.render(root="../../", page="x", canonical=None, person=person,
                                           page_url="ru/persons/x.html", generated_at=archive.generated_at))
             for person in archive.persons]
    out["render_ru_person_pages_s"] = time.perf_counter() - mark
    folder = scratch / "bare-write"
    folder.mkdir()
    mark = time.perf_counter()
    for slug, html in pages:
        site_module._write(folder / f"{slug}.html", html)
    out["write_ru_person_pages_s"] = time.perf_counter() - mark
    out["ru_person_pages_mb"] = sum(len(h.encode()) for _, h in pages) / 1e6
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", help="store to reuse (built there first when missing)")
    parser.add_argument("--persons", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--documents", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--keep", metavar="DIR", help="keep the published site here")
    parser.add_argument("--no-bare", action="store_true", help="skip the bare-cost measurements")
    args = parser.parse_args(argv)

    scratch = Path(tempfile.mkdtemp(prefix="khronika-bench-publish-"))
    try:
        db = Path(args.db) if args.db else scratch / "bench.db"
        if not db.exists():
            print(f"building the store at {db} ...", flush=True)
            built = prepare(db, args.persons, args.events, args.documents, args.seed)
            print(f"built in {built['seconds']} s")
        print("store:", counts(db))
        print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} before the run; "
              f"jobs={args.jobs}", flush=True)

        out = Path(args.keep) if args.keep else scratch / "site"
        cpu = time.process_time()
        with open_store(db) as store:
            report = publish_site(store, out, jobs=args.jobs)
        cpu = time.process_time() - cpu
        print(f"published: {report['persons']} persons, {report['facts']} facts, {report['events']} events, "
              f"{report['documents']} documents, {report['pages']} pages, {report['ftm_entities']} FtM entities")
        print("stages (wall seconds; parts run in parallel with --jobs > 1):")
        for key, value in report.items():
            if key.endswith("_s"):
                print(f"  {key:<22} {value:8.2f}")
        print(f"  {'main process CPU':<22} {cpu:8.2f}")
        size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
        files = sum(1 for p in out.rglob("*") if p.is_file())
        print(f"site: {files} files, {size / 1e6:.0f} MB")

        if not args.no_bare:
            with open_store(db) as store:
                mark = time.perf_counter()
                archive = PublicArchive(store)
                gate = time.perf_counter() - mark
            bare = bare_costs(db, archive, scratch)
            print("bare costs (measured apart, one process):")
            print(f"  {'sql_read_s':<26} {bare['sql_read_s']:8.2f}   sqlite3 alone, {len(archive.events)} rows")
            print(f"  {'group_facts_s':<26} {bare['group_facts_s']:8.2f}   "
                  f"khronika.store.facts.group_facts, {bare['facts']} facts")
            print(f"  {'public_archive_s':<26} {gate:8.2f}   the gate: read + group + public records")
            print(f"  {'render_ru_person_pages_s':<26} {bare['render_ru_person_pages_s']:8.2f}   "
                  f"Jinja2, {len(archive.persons)} pages, {bare['ru_person_pages_mb']:.0f} MB, into memory")
            print(f"  {'write_ru_person_pages_s':<26} {bare['write_ru_person_pages_s']:8.2f}   "
                  "the same bytes to files")
        print(f"publish_s={report['total_s']:.1f}")
        return 0
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
