"""Person resolution against stores of 1k, 10k and 100k persons.

    python bench/resolve.py [--sizes 1000,10000,100000] [--before] [--rebuild]

Resolution of a new document's persons against the store must not grow with
the store: `khronika.store.keys.known_persons` finds the candidates through
the index on `aliases.name_key`, per mention, instead of loading every person
(`store.persons()`, what ingest and watch did before: --before times that
too, at the sizes up to 10k).

The stores hold synthetic persons with realistic names: Russian (first name,
surname from a few hundred roots and suffixes, compound surnames, the
feminine forms), a tenth English-language names, each with its
romanization and one or two aliases (an alternative spelling, the Latin
form, a patronymic form). They are bulk-inserted with one sqlite3
connection (name_key computed as the store computes it) and cached under
/tmp/khronika-bench-resolve (--rebuild to redo). The documents are the
corpus's real ones (corpus/*.ru.*, corpus/en, corpus/mixed), extracted once
and cached there too; to make lookups hit, each store also holds the
persons those documents name, as an earlier ingest would have left them.

Each figure is the median over the documents of the per-document time of
candidate lookup + resolve, best of 5 rounds.
The last line: resolve_ms_1k=A resolve_ms_10k=B resolve_ms_100k=C (target C <= 2A).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import random
import sqlite3
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from khronika.resolve import resolve
from khronika.store import alias_key, open_store
from khronika.store.keys import known_persons, name_key
from khronika.translit import romanize

CACHE = Path("/tmp/khronika-bench-resolve")
FIRST_M = ["Алексей", "Дмитрий", "Игорь", "Олег", "Павел", "Руслан", "Сергей", "Тимур", "Фёдор", "Юрий",
           "Андрей", "Борис", "Вадим", "Глеб", "Денис", "Евгений", "Кирилл", "Максим", "Никита", "Роман",
           "Азамат", "Бахтияр", "Ильдар", "Рустам", "Арсен", "Семён", "Пётр", "Артём", "Михаил", "Виктор"]
FIRST_F = ["Анна", "Вера", "Дарья", "Ирина", "Ксения", "Мария", "Наталья", "Ольга", "Светлана", "Юлия",
           "Алина", "Валерия", "Галина", "Елена", "Жанна", "Зоя", "Лидия", "Марина", "Нина", "Полина",
           "Айгуль", "Гульнара", "Динара", "Зарина", "Камила", "Лейла", "Мадина", "Сабина", "Татьяна", "Яна"]
ROOTS = ["Абрам", "Бел", "Волк", "Гус", "Дьячк", "Ерш", "Жук", "Зайц", "Ильин", "Карп", "Лебед", "Мороз",
         "Нос", "Орл", "Пан", "Рябц", "Сокол", "Тихон", "Уткин", "Фомин", "Харитон", "Цветк", "Черн",
         "Шил", "Щук", "Яковл", "Гаврил", "Кисел", "Мельник", "Никит", "Балтатар", "Емельян", "Качкуркин",
         "Муртаз", "Жилин", "Кочкин", "Ахмед", "Бекмурад", "Валиахмет", "Гайдамак", "Абдулл", "Бурх",
         "Галиул", "Давлет", "Ермак", "Зинатулл", "Исмаил", "Кадыр", "Латып", "Мамед", "Нурмухамед",
         "Осман", "Рахим", "Сафар", "Тагир", "Усман", "Файзулл", "Хабиб", "Шамсутдин", "Юсуп"]
SUFFIXES = ["ов", "ев", "ин", "ский", "енко", "ук", "ович", "ян", "швили", "ер", "ко", "ич"]
EN_FIRST = ["John", "Michael", "David", "James", "Robert", "Mary", "Sarah", "Emma", "Laura", "Anna",
            "Thomas", "Daniel", "Peter", "Paul", "Mark", "Kate", "Helen", "Julia", "Alice", "Grace"]
EN_SURNAMES = ["Smith", "Brown", "Taylor", "Wilson", "Evans", "Walker", "Wright", "Hughes", "Green", "Hall",
               "Clarke", "Harris", "Lewis", "Young", "King", "Baker", "Turner", "Hill", "Moore", "Ward",
               "Fischer", "Weber", "Meyer", "Novak", "Kowalski", "Horvat", "Popescu", "Jansen", "Dubois"]


def synthetic_name(n: int, rng: random.Random) -> tuple[str, list[str], str]:
    """(name, aliases, gender) of the n-th synthetic person."""
    if n % 10 == 9:                                 # an English-language name
        first, surname = rng.choice(EN_FIRST), rng.choice(EN_SURNAMES)
        extra = (n // 10) // len(EN_SURNAMES)
        if extra:
            surname = f"{surname}-{EN_SURNAMES[extra % len(EN_SURNAMES)]}{extra // len(EN_SURNAMES) or ''}"
        return f"{first} {surname}", [f"{first[0]}. {surname}"], "m"
    female = rng.random() < 0.4
    first = rng.choice(FIRST_F if female else FIRST_M)
    k = n // 2
    root, suffix = ROOTS[k % len(ROOTS)], SUFFIXES[(k // len(ROOTS)) % len(SUFFIXES)]
    extra = k // (len(ROOTS) * len(SUFFIXES))
    surname = root + suffix + ("" if not extra else "-" + ROOTS[extra % len(ROOTS)] + "ов"
                               + ("" if extra < len(ROOTS) else str(extra // len(ROOTS))))
    if female and surname.endswith(("ов", "ев", "ин")):
        surname += "а"
    elif female and surname.endswith("ский"):
        surname = surname[:-2] + "ая"
    name = f"{first} {surname}"
    aliases = [name.replace("е", "ё", 1)] if "е" in surname and rng.random() < 0.3 else []
    if rng.random() < 0.5:
        aliases.append(f"{first} {rng.choice(FIRST_M)[:-1] + 'ович'} {surname}")
    return name, aliases, "f" if female else "m"


def documents() -> list:
    """Extractions of the corpus's real documents (cached: extraction loads the models)."""
    cache = CACHE / "extractions.pickle"
    if cache.exists():
        return pickle.loads(cache.read_bytes())
    from khronika.pipeline import iter_extractions, read_documents
    docs, _ = read_documents([str(ROOT / "corpus")])
    extractions = [ex for ex in iter_extractions(docs, jobs=1) if ex.persons]
    CACHE.mkdir(parents=True, exist_ok=True)
    cache.write_bytes(pickle.dumps(extractions))
    return extractions


def build(size: int, extractions: list, rebuild: bool = False) -> Path:
    """A store of `size` synthetic persons plus those the documents name."""
    digest = hashlib.sha256(json.dumps([name_key("Юлия Емельянова"), name_key("Katchkourkine"),
                                        size, 2]).encode()).hexdigest()[:10]
    path = CACHE / f"persons-{size}-{digest}.db"
    if path.exists() and not rebuild:
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    started = time.perf_counter()
    with open_store(str(path)) as store:            # the schema, every migration
        for ex in extractions:                      # the documents' persons, as an ingest leaves them
            resolution = resolve([ex], known=known_persons(store, [ex]))
            assignments = {local: pid for (_, local), pid in resolution.assignments.items()}
            store.add_document(ex.document, ex.persons, resolution.persons, assignments, ex.events,
                               analysed=ex.analysed, note=ex.note)
    rng = random.Random(size)
    now = "2026-07-01T00:00:00+00:00"
    persons, aliases = [], []
    for n in range(size):
        name, more, gender = synthetic_name(n, rng)
        pid = f"syn-{n:07}"
        latin = romanize(name)
        persons.append((pid, name, latin, "subject", gender, "{}", now, now, 0, 0))
        for alias in dict.fromkeys([name, latin, *more]):
            aliases.append((pid, alias, alias_key(alias), name_key(alias)))
    connection = sqlite3.connect(path)
    with connection:
        connection.executemany(
            "INSERT INTO persons (id, name, name_latin, role, gender, attributes, created_at, updated_at,"
            " locked, do_not_publish) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", persons)
        connection.executemany("INSERT INTO aliases (person_id, alias, alias_key, name_key) VALUES (?, ?, ?, ?)",
                               aliases)
    connection.execute("ANALYZE")
    connection.close()
    print(f"built {path.name}: {size} persons, {len(aliases)} aliases in "
          f"{time.perf_counter() - started:.1f} s", file=sys.stderr)
    return path


def per_document_ms(path: Path, extractions: list, *, everyone: bool, rounds: int = 5) -> float:
    """Median over documents of the best-of-`rounds` lookup + resolve time, ms."""
    times = []
    with open_store(str(path)) as store:
        known_persons(store, extractions[:1])       # warm: connection pool, page cache
        for ex in extractions:
            best = float("inf")
            for _ in range(rounds):
                started = time.perf_counter()
                known = store.persons() if everyone else known_persons(store, [ex])
                resolve([ex], known=known)
                best = min(best, time.perf_counter() - started)
            times.append(best * 1000)
    return statistics.median(times)


def label(size: int) -> str:
    return f"{size // 1000}k" if size % 1000 == 0 else str(size)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--before", action="store_true",
                        help="also time loading every person (the old way), for sizes up to 10k")
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    extractions = documents()
    mentions = sum(len(ex.persons) for ex in extractions)
    print(f"{len(extractions)} documents, {mentions} person mentions", file=sys.stderr)
    figures, before = {}, {}
    for size in sizes:
        path = build(size, extractions, args.rebuild)
        figures[size] = per_document_ms(path, extractions, everyone=False)
        if args.before and size <= 10_000:
            before[size] = per_document_ms(path, extractions, everyone=True, rounds=1)
    if before:
        print(" ".join(f"before_resolve_ms_{label(s)}={v:.2f}" for s, v in before.items()))
    print(" ".join(f"resolve_ms_{label(s)}={v:.2f}" for s, v in figures.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
