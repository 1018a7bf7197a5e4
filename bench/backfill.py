"""Backfill throughput: real-sized articles into a store that already holds 100k persons.

    python bench/backfill.py [--documents 5000] [--persons 100000]              # SQLite
    python bench/backfill.py --db postgresql://USER@HOST/DB [--documents 5000]   # PostgreSQL

Writes N synthetic Russian news articles of 1–5 KB (bench/synthetic.py's
sentences: events naming persons of the store, fillers, generic and rare
words) into a folder, seeds a store with `--persons` persons (bulk insert:
persons and their alias keys, as an earlier year of monitoring leaves them),
then times, on copies of that store and on the same articles:

- SQLite: `khronika ingest DIR --jobs 1` (A) and `--jobs 2` (B);
- PostgreSQL (--db, a database the bench may create databases next to): one
  `khronika worker --concurrency 1` (A) and two of them (B), each given the
  articles as `khronika.ingest_document` jobs (khronika.worker.queue_documents);
- beside them `khronika extract --jobs 2 --json DIR` (E): extraction alone,
  with no store.

Every figure is documents / wall seconds, start-up (model loading) included
for all three. The last line:

    docs_per_s_1=A docs_per_s_2=B extract_docs_per_s_2=E

with the targets B >= 0.8·E (storing, resolving and queueing cost at most a
fifth of extraction) and B >= 1.7·A.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.synthetic import (
    CITIES,
    CITY_WEIGHTS,
    EVENT_WEIGHTS,
    EVENTS,
    FILLER_COMMON,
    FILLER_MEDIUM,
    GENERIC,
    _person_name,
    _rare_words,
)


def article(rng: random.Random, persons: int, rare: list[str], number: int) -> str:
    """One article of 1–5 KB (UTF-8) naming one to three persons of the store."""
    target = rng.randint(1000, 5000)
    city, loc = rng.choices(CITIES, weights=CITY_WEIGHTS)[0]
    sentences = [f"{city}: новости дня, выпуск {number}."]
    for _ in range(rng.choice((1, 1, 2, 3))):
        name, gender = _person_name(rng, rng.randrange(persons))
        female = gender == "f"
        _, template = rng.choices(EVENTS, weights=EVENT_WEIGHTS)[0]
        sentences.append(template.format(name=name, loc=loc, loc_cap=loc[:1].upper() + loc[1:],
                                         was="была" if female else "был", a="а" if female else "",
                                         pron="она" if female else "он", pron2="ней" if female else "ним"))
    size = sum(len(s.encode()) + 1 for s in sentences)
    while size < target:
        roll = rng.random()
        if roll < 0.3:
            _, sentence = rng.choice(FILLER_COMMON + FILLER_MEDIUM)
            sentence = sentence.format(loc=loc)
        elif roll < 0.45:
            sentence = f"Слово «{rng.choice(rare)}» встречается в материалах дела {rng.randrange(10_000)}."
        else:
            sentence = rng.choice(GENERIC)
        sentences.append(sentence)
        size += len(sentence.encode()) + 1
    return " ".join(sentences)


def write_articles(folder: Path, count: int, persons: int, seed: int = 0) -> int:
    rng = random.Random(seed)
    rare = _rare_words(rng, 3000)
    total = 0
    for n in range(count):
        text = article(rng, persons, rare, n)
        (folder / f"a{n:05}.txt").write_text(text, encoding="utf-8")
        total += len(text.encode())
    return total


def seed_persons(url: str, count: int) -> None:
    """`count` persons with their aliases (name, romanized), bulk-inserted."""
    from khronika.store import alias_key, open_store
    from khronika.store import schema as tables
    from khronika.store.keys import name_key
    from khronika.translit import romanize
    rng = random.Random(1)
    now = "2026-07-01T00:00:00+00:00"
    persons, aliases = [], []
    for n in range(count):
        name, gender = _person_name(rng, n)
        latin = romanize(name)
        pid = f"seed-{n:07}"
        persons.append({"id": pid, "name": name, "name_latin": latin, "role": "subject", "gender": gender,
                        "attributes": {}, "created_at": now, "updated_at": now, "locked": False,
                        "do_not_publish": False})
        for alias in dict.fromkeys([name, latin]):
            aliases.append({"person_id": pid, "alias": alias, "alias_key": alias_key(alias),
                            "name_key": name_key(alias)})
    with open_store(url) as store:
        with store.engine.begin() as connection:
            for start in range(0, len(persons), 5000):
                connection.execute(tables.persons.insert(), persons[start:start + 5000])
            for start in range(0, len(aliases), 10000):
                connection.execute(tables.aliases.insert(), aliases[start:start + 10000])
        with store.engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")


def khronika(*args: str, **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.run([sys.executable, "-m", "khronika", *args], env=env, check=True, **kwargs)


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


# --- PostgreSQL: databases next to the given one, workers ------------------------------

class PgDatabases:
    def __init__(self, url: str):
        import sqlalchemy as sa
        self.url = sa.make_url(url).set(drivername="postgresql+psycopg")
        self.created: list[str] = []

    def _admin(self):
        import psycopg

        from khronika.worker import conninfo
        return psycopg.connect(conninfo(self.url.render_as_string(hide_password=False)), autocommit=True)

    def create(self, name: str, template: str | None = None) -> str:
        with self._admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        self.created.append(name)
        return self.url.set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        with self._admin() as admin:
            for name in reversed(self.created):
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_workers(url: str, folder: Path, workers: int, count: int, log_dir: Path) -> float:
    """Seconds from the start of `workers` worker processes (and the queueing of
    every article) until every article is stored."""
    import sqlalchemy as sa

    from khronika.pipeline import read_documents
    from khronika.worker import make_app, queue_documents
    documents, _ = read_documents([str(folder)])
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    engine = sa.create_engine(url)
    processes = []
    started = time.perf_counter()
    try:
        for n in range(workers):
            with open(log_dir / f"worker-{workers}-{n}.log", "w") as log:
                processes.append(subprocess.Popen(
                    [sys.executable, "-m", "khronika", "worker", "--db", url, "--concurrency", "1"],
                    env=env, stdout=log, stderr=subprocess.STDOUT))

        async def queue():
            app = make_app(url)
            async with app.open_async():
                await queue_documents(app, documents)

        asyncio.run(queue())
        while True:
            with engine.connect() as connection:
                left = connection.execute(sa.text(
                    "SELECT count(*) FROM procrastinate_jobs WHERE task_name = 'khronika.ingest_document' "
                    "AND status IN ('todo', 'doing')")).scalar()
            if not left:
                break
            for process in processes:
                if process.poll() is not None:
                    raise SystemExit(f"a worker exited ({process.returncode}); see {log_dir}")
            time.sleep(0.5)
        elapsed = time.perf_counter() - started
        with engine.connect() as connection:
            stored = connection.execute(sa.text("SELECT count(*) FROM documents")).scalar()
        if stored < count:
            raise SystemExit(f"only {stored} of {count} documents stored; see {log_dir}")
        return elapsed
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="a PostgreSQL URL: workers (default: SQLite files, ingest --jobs)")
    parser.add_argument("--documents", type=int, default=5000)
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="khronika-backfill-"))
    pg = PgDatabases(args.db) if args.db else None
    try:
        articles = work / "articles"
        articles.mkdir()
        size = write_articles(articles, args.documents, args.persons)
        print(f"{args.documents} articles, {size / args.documents / 1024:.1f} KB on average, in {articles}",
              file=sys.stderr)
        seed_started = time.perf_counter()
        if pg:
            seed_url = pg.create("khronika_backfill_seed")
        else:
            seed_url = f"sqlite:///{work / 'seed.db'}"
        seed_persons(seed_url, args.persons)
        print(f"seeded {args.persons} persons in {time.perf_counter() - seed_started:.1f} s", file=sys.stderr)

        extract_s = timed(lambda: khronika("extract", "--jobs", "2", "--json", str(articles),
                                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        rates = {}
        for jobs in (1, 2):
            if pg:
                url = pg.create(f"khronika_backfill_{jobs}", template="khronika_backfill_seed")
                seconds = run_workers(url, articles, jobs, args.documents, work)
                how = f"{jobs} worker(s)"
            else:
                db = work / f"store-{jobs}.db"
                shutil.copy(work / "seed.db", db)
                seconds = timed(lambda db=db, jobs=jobs: khronika(
                    "ingest", str(articles), "--jobs", str(jobs), "--db", str(db),
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
                how = f"ingest --jobs {jobs}"
            rates[jobs] = args.documents / seconds
            print(f"{how}: {seconds:.1f} s, {rates[jobs]:.2f} docs/s", file=sys.stderr)
        extract_rate = args.documents / extract_s
        print(f"extract --jobs 2: {extract_s:.1f} s, {extract_rate:.2f} docs/s", file=sys.stderr)
        print(f"B/E={rates[2] / extract_rate:.2f} (target >= 0.8)  B/A={rates[2] / rates[1]:.2f} (target >= 1.7)",
              file=sys.stderr)
        print(f"docs_per_s_1={rates[1]:.2f} docs_per_s_2={rates[2]:.2f} extract_docs_per_s_2={extract_rate:.2f}")
    finally:
        if pg:
            pg.drop_all()
        if args.keep:
            print(f"kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
