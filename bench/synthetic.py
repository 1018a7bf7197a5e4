"""A realistic synthetic Khronika store, built fast, for the benchmarks.

    from bench.synthetic import build_store
    stats = build_store("/tmp/k.db", documents=100_000, events=10_000, persons=1_000, seed=0)

    python bench/synthetic.py /tmp/k.db [--documents N] [--events N] [--persons N] [--seed S]

The schema comes from `open_store` (every migration, so the FTS5 index and
events.country exist); the rows are then bulk-inserted with one sqlite3
connection in one transaction. What it writes looks like the real thing:
Russian news items (a tenth in English) of 6–14 sentences built from a
vocabulary with very common words ("задержан", "России", "суд"), medium
ones ("экстрадиция", "депортирован", "убежище") and rare ones (a few
thousand made-up words, places like Паттайя), names of generated persons,
places in two dozen countries, publication dates over 2022–2026, forty
sources; persons with aliases, mentions, and events (each with its evidence
sentence inside its document, a place, its country, a date, a review
status: 60% confirmed, 30% pending, 10% rejected). Every document gets its
snapshot, its search index row and its terms in `search_terms`, exactly
as `Store.add_document` would.

Deterministic for a seed. Importable by the other benches (bench/web.py,
bench/publish.py): `build_store` returns counts and a few sample values
(person ids, a rare word) that queries can use.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import random
import sqlite3
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from khronika.geo import country_of
from khronika.search import FTS_TABLE, document_terms
from khronika.search_facets import facets_sql
from khronika.store import alias_key, open_store
from khronika.translit import romanize

FIRST_M = ["Алексей", "Дмитрий", "Игорь", "Олег", "Павел", "Руслан", "Сергей", "Тимур", "Фёдор", "Юрий",
           "Андрей", "Борис", "Вадим", "Глеб", "Денис", "Евгений", "Кирилл", "Максим", "Никита", "Роман"]
FIRST_F = ["Анна", "Вера", "Дарья", "Ирина", "Ксения", "Мария", "Наталья", "Ольга", "Светлана", "Юлия",
           "Алина", "Валерия", "Галина", "Елена", "Жанна", "Зоя", "Лидия", "Марина", "Нина", "Полина"]
ROOTS = ["Абрам", "Бел", "Волк", "Гус", "Дьячк", "Ерш", "Жук", "Зайц", "Ильин", "Карп", "Лебед", "Мороз",
         "Нос", "Орл", "Пан", "Рябц", "Сокол", "Тихон", "Уткин", "Фомин", "Харитон", "Цветк", "Черн",
         "Шил", "Щук", "Яковл", "Гаврил", "Кисел", "Мельник", "Никит", "Балтатар", "Емельян", "Качкуркин",
         "Муртаз", "Жилин", "Кочкин", "Ахмед", "Бекмурад", "Валиахмет", "Гайдамак"]
SUFFIXES = ["ов", "ев", "ин", "ский", "енко", "ук", "ович", "ян", "швили", "ер"]

# (nominative, locative phrase). Several countries, some far more often than others.
CITIES = [
    ("Алматы", "в Алматы"), ("Астана", "в Астане"), ("Бишкек", "в Бишкеке"), ("Ош", "в Оше"),
    ("Ташкент", "в Ташкенте"), ("Душанбе", "в Душанбе"), ("Ереван", "в Ереване"),
    ("Тбилиси", "в Тбилиси"), ("Батуми", "в Батуми"), ("Баку", "в Баку"), ("Стамбул", "в Стамбуле"),
    ("Анталья", "в Анталье"), ("Дубай", "в Дубае"), ("Бангкок", "в Бангкоке"), ("Пхукет", "на Пхукете"),
    ("Паттайя", "в Паттайе"), ("Нячанг", "в Нячанге"), ("Бали", "на Бали"), ("Улан-Батор", "в Улан-Баторе"),
    ("Белград", "в Белграде"), ("Подгорица", "в Подгорице"), ("Тель-Авив", "в Тель-Авиве"),
    ("Берлин", "в Берлине"), ("Париж", "в Париже"), ("Варшава", "в Варшаве"), ("Вильнюс", "в Вильнюсе"),
    ("Рига", "в Риге"), ("Таллин", "в Таллине"), ("Хельсинки", "в Хельсинки"), ("Минск", "в Минске"),
    ("Москва", "в Москве"), ("Санкт-Петербург", "в Санкт-Петербурге"), ("Улан-Удэ", "в Улан-Удэ"),
    ("Якутск", "в Якутске"), ("Нью-Йорк", "в Нью-Йорке"),
]
CITY_WEIGHTS = [30, 15, 20, 4, 10, 8, 12, 12, 4, 6, 14, 5, 8, 6, 4, 1, 2, 3, 2, 5, 3, 3, 4, 3, 3, 3, 2, 2,
                2, 8, 25, 10, 2, 2, 2]
EN_CITIES = ["Almaty", "Bishkek", "Tashkent", "Yerevan", "Tbilisi", "Istanbul", "Dubai", "Bangkok",
             "Phuket", "Belgrade", "Berlin", "Moscow"]

SOURCES = [f"{name}" for name in (
    "ovd.info", "zona.media", "fergana.news", "currenttime.tv", "meduza.io", "novayagazeta.eu",
    "holod.media", "dozhdru", "t.me/ovdinfo", "t.me/zonamedia", "t.me/fergananews", "t.me/vot_tak_tv",
    "t.me/astrakhan_news", "hrw.org", "amnesty.org", "memorialcenter.org", "vot-tak.tv", "kloop.kg",
    "azattyq.org", "rferl.org", "reuters.com", "apnews.com", "bbc.com/russian", "dw.com/ru", "svoboda.org",
    "kavkaz-uzel.eu", "sibreal.org", "idelreal.org", "activatica.org", "mediazona.ca", "rus.azattyq.org",
    "24.kg", "kaktus.media", "vlast.kz", "orda.kz", "civil.ge", "civilnet.am", "publika.md", "ozodi.org",
    "asiaplustj.info",
)]
SOURCE_WEIGHTS = [max(1, 40 - 1 * i) for i in range(len(SOURCES))]

EVENTS = [
    ("detained", "{name} {was} задержан{a} {loc} по запросу России."),
    ("detained", "{loc_cap} полиция задержала {name} в аэропорту."),
    ("arrested", "Суд {loc} отправил {name} под арест на два месяца."),
    ("charged", "В России против {name} возбудили уголовное дело о дискредитации армии."),
    ("wanted", "{name} {was} объявлен{a} в межгосударственный розыск."),
    ("extradition_requested", "Генпрокуратура России запросила экстрадицию {name} из страны, где {pron} живёт {loc}."),
    ("extradition_approved", "Власти {loc} одобрили экстрадицию {name} в Россию."),
    ("extradition_denied", "Суд {loc} отказал в экстрадиции {name}."),
    ("extradited", "{name} {was} экстрадирован{a} в Россию из страны пребывания, {loc}."),
    ("deported", "{name} {was} депортирован{a} {loc} в Россию."),
    ("handed_over", "{name} передали российским силовикам {loc} без решения суда."),
    ("asylum_applied", "{name} попросил{a} политического убежища {loc}."),
    ("asylum_denied", "{loc_cap} {name} отказали в политическом убежище."),
    ("released", "{name} {was} освобожден{a} из-под стражи {loc}."),
    ("sentenced", "В России {name} заочно приговорили к шести годам колонии."),
    ("disappeared", "{name} пропал{a} {loc}, связи с {pron2} нет."),
]
EVENT_WEIGHTS = [30, 6, 8, 8, 6, 5, 4, 3, 3, 4, 2, 3, 2, 5, 5, 1]
EN_EVENTS = [
    ("detained", "{name} was detained in {city} at Russia's request."),
    ("extradited", "{name} was extradited to Russia from {city}."),
    ("deported", "{name} was deported from {city} to Russia."),
    ("asylum_denied", "Authorities in {city} refused {name} asylum."),
]

# Filler sentences: (probability per document, template). "задержан" is in
# nearly half of the documents, "России" in most, medium words in a few
# percent, and each document has a fair chance of one rare made-up word.
FILLER_COMMON = [
    (0.45, "Ранее {loc} был задержан ещё один гражданин России."),
    (0.55, "Правозащитники напоминают, что власти России преследуют уехавших за антивоенную позицию."),
    (0.30, "Суд назначил следующее заседание на конец месяца."),
    (0.25, "Адвокат сообщил, что защита обжалует решение."),
    (0.20, "По данным источника, силовики действовали без судебного решения."),
    (0.15, "Родственники узнали о случившемся из социальных сетей."),
    (0.12, "Сотрудники миграционной службы изъяли у него паспорт."),
]
FILLER_MEDIUM = [
    (0.03, "Эксперты считают, что экстрадиция в таких делах нарушает международные обязательства."),
    (0.03, "Ещё один россиянин был депортирован на прошлой неделе."),
    (0.02, "Он намерен просить убежища в третьей стране."),
    (0.02, "Интерпол отказался объявлять его в розыск по политическому делу."),
    (0.015, "Комитет ООН по правам человека направил запрос о временных мерах."),
    (0.01, "Его перевели в следственный изолятор номер один."),
]
GENERIC = [
    "В материале использованы сообщения местных изданий.",
    "Редакция направила запрос в пресс-службу министерства, ответа пока нет.",
    "Об этом сообщили коллеги по работе.",
    "Информацию подтвердили в консульстве.",
    "Подробности дела не раскрываются.",
    "Ситуация остаётся напряжённой.",
    "Накануне в городе прошли задержания участников пикета.",
    "Эксперты ожидают новых запросов со стороны Москвы.",
    "Читайте также другие материалы рубрики.",
    "Фото: архив редакции.",
    "Жители района говорят, что видели несколько машин без номеров.",
    "Это уже третий подобный случай за год.",
]
EN_GENERIC = [
    "Rights groups say the case is politically motivated.",
    "His lawyer said the defence would appeal.",
    "The ministry did not respond to a request for comment.",
    "Several similar cases have been reported this year.",
    "Russia has requested the extradition of dozens of its citizens.",
]
SYLLABLES = ["ка", "ро", "ми", "ту", "ле", "на", "зо", "ви", "ша", "пре", "стор", "гал", "бин", "дер", "ос",
             "улк", "ям", "фе", "хор", "чан"]


def _person_name(rng: random.Random, n: int) -> tuple[str, str]:
    female = n % 2 == 1
    first = (FIRST_F if female else FIRST_M)[(n // 2) % 20]
    root = ROOTS[(n // 40) % len(ROOTS)]
    suffix = SUFFIXES[(n // (40 * len(ROOTS))) % len(SUFFIXES)]
    extra = n // (40 * len(ROOTS) * len(SUFFIXES))
    surname = root + suffix + ("" if extra == 0 else "-" + ROOTS[extra % len(ROOTS)] + "ов")
    if female:
        if surname.endswith(("ов", "ев", "ин")):
            surname += "а"
        elif surname.endswith("ский"):
            surname = surname[:-2] + "ая"
    return f"{first} {surname}", "f" if female else "m"


def _rare_words(rng: random.Random, count: int) -> list[str]:
    words = set()
    while len(words) < count:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(3, 4))))
    return sorted(words)


def _date(rng: random.Random) -> dt.date:
    start = dt.date(2022, 1, 1)
    return start + dt.timedelta(days=rng.randrange((dt.date(2026, 6, 30) - start).days))


def build_store(path, documents: int = 100_000, events: int = 10_000, persons: int = 1_000,
                seed: int = 0, *, snapshots: bool = True, english_share: float = 0.1) -> dict:
    """Write a synthetic store at `path` (a fresh file; an existing one is
    replaced) and return what was written: counts, seconds, a few sample
    values for queries (person ids by event count, rare words, sources)."""
    started = time.perf_counter()
    target = str(path)
    postgres = target.startswith("postgresql")
    if not postgres:
        path = Path(target.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        target = str(path)
    open_store(target).close()                 # every migration: tables, FTS5, events.country
    rng = random.Random(seed)
    now = "2026-07-01T00:00:00+00:00"

    # Persons: a few appear in many events (Zipf-like), most in one or two.
    person_rows, alias_rows, person_ids, person_names = [], [], [], []
    for n in range(persons):
        name, gender = _person_name(rng, n)
        person_id = "P-" + hashlib.sha1(f"{seed}:person:{n}".encode()).hexdigest()[:16]
        latin = romanize(name)
        person_rows.append((person_id, name, latin, "subject", gender, "{}", now, now, 0))
        alias_rows.append((person_id, name, alias_key(name)))
        alias_rows.append((person_id, latin, alias_key(latin)))
        surname = name.split()[1]
        alias_rows.append((person_id, surname, alias_key(surname)))
        person_ids.append(person_id)
        person_names.append((name, gender))
    person_weights = [1.0 / (rank + 1) ** 0.8 for rank in range(persons)]

    # Which documents carry events: 1–3 events each.
    event_docs: dict[int, list[int]] = {}
    remaining = events
    while remaining > 0 and documents > 0:
        doc = rng.randrange(documents)
        take = min(remaining, rng.choice((1, 1, 1, 2, 2, 3)))
        event_docs.setdefault(doc, []).extend(
            rng.choices(range(persons), weights=person_weights, k=take) if persons else [])
        remaining -= take

    rare = _rare_words(rng, 5000)
    country_cache: dict[str, str | None] = {}
    doc_rows, snapshot_rows, fts_rows, event_rows, mention_rows = [], [], [], [], []
    vocabulary: set[str] = set()
    statuses = ["confirmed"] * 6 + ["pending"] * 3 + ["rejected"]
    event_counter = 0
    for i in range(documents):
        published = _date(rng)
        english = rng.random() < english_share
        source = rng.choices(SOURCES, weights=SOURCE_WEIGHTS)[0]
        sentences: list[str] = []
        evidences: list[tuple[int, str, str, str | None, int]] = []   # (sentence index, type, text, place, person)
        if english:
            city = rng.choice(EN_CITIES)
            for person in event_docs.get(i, []):
                type_, template = rng.choice(EN_EVENTS)
                text = template.format(name=romanize(person_names[person][0]), city=city)
                evidences.append((len(sentences), type_, text, city, person))
                sentences.append(text)
            sentences.extend(rng.sample(EN_GENERIC, rng.randint(3, 5)))
            if rng.random() < 0.4:
                sentences.append(f"Police in {rng.choice(EN_CITIES)} detained a Russian citizen last week.")
            if rng.random() < 0.05:
                sentences.append("Lawyers fear he will be extradited within days.")
            title = f"Russian exile detained in {city}" if rng.random() < 0.6 else f"News from {city}"
        else:
            city, loc = rng.choices(CITIES, weights=CITY_WEIGHTS)[0]
            for person in event_docs.get(i, []):
                type_, template = rng.choices(EVENTS, weights=EVENT_WEIGHTS)[0]
                name, gender = person_names[person]
                female = gender == "f"
                text = template.format(name=name, loc=loc, loc_cap=loc[:1].upper() + loc[1:],
                                       was="была" if female else "был", a="а" if female else "",
                                       pron="она" if female else "он", pron2="ней" if female else "ним")
                evidences.append((len(sentences), type_, text, city, person))
                sentences.append(text)
            for probability, template in FILLER_COMMON + FILLER_MEDIUM:
                if rng.random() < probability:
                    sentences.append(template.format(loc=loc))
            if rng.random() < 0.3:
                sentences.append(f"Слово «{rng.choice(rare)}» появилось в деле впервые.")
            while len(sentences) < 6:
                sentences.append(rng.choice(GENERIC))
            sentences.extend(rng.sample(GENERIC, rng.randint(0, 6)))
            title = (f"{city}: задержан гражданин России" if rng.random() < 0.4
                     else f"Новости: {city}, {published:%d.%m.%Y}")
        # Events stay where they are; the rest is shuffled around them a little.
        text = " ".join(sentences)
        doc_id = hashlib.sha1(f"{seed}:doc:{i}".encode()).hexdigest()
        sha = hashlib.sha256(text.encode()).hexdigest()
        captured = f"{published.isoformat()}T{rng.randrange(24):02d}:{rng.randrange(60):02d}:00+00:00"
        url = f"https://{source}/news/{i}"
        rowid = i + 1
        doc_rows.append((rowid, doc_id, f"{source}/{i}.html", url, title, source, published.isoformat(),
                         "en" if english else "ru", "text/html", sha, captured, text, "{}", "[]", 1,
                         captured))
        if snapshots:
            snapshot_rows.append((doc_id, sha, captured, text.encode()))
        if not postgres:               # PostgreSQL makes its vector itself
            terms = document_terms(title, text)
            fts_rows.append((rowid, terms))
            vocabulary.update(terms.split())
        offsets, position = [], 0
        for sentence in sentences:
            offsets.append(position)
            position += len(sentence) + 1
        local_ids: dict[int, str] = {}
        for index, type_, evidence, place, person in evidences:
            if person not in local_ids:
                local_ids[person] = f"p{len(local_ids) + 1}"
                name = person_names[person][0]
                mention_rows.append((doc_id, person_ids[person], local_ids[person], name,
                                     json.dumps([name], ensure_ascii=False), "subject"))
            if place not in country_cache:
                country_cache[place] = country_of(place)
            precision = rng.random()
            day = published - dt.timedelta(days=rng.randrange(60))
            date = (day.isoformat() if precision < 0.5 else day.isoformat()[:7] if precision < 0.9
                    else str(day.year))
            event_id = hashlib.sha1(f"{seed}:event:{event_counter}".encode()).hexdigest()
            event_counter += 1
            event_rows.append((event_id, doc_id, person_ids[person], type_, date, None, place,
                               country_cache[place], None, None, evidence, offsets[index],
                               offsets[index] + len(evidence), round(0.5 + rng.random() / 2, 3),
                               None, rng.choice(statuses), captured))

    if postgres:
        _load_postgresql(target, person_rows, alias_rows, doc_rows, snapshot_rows, mention_rows,
                         event_rows)
    else:
        _load_sqlite(target, person_rows, alias_rows, doc_rows, snapshot_rows, vocabulary, mention_rows,
                     event_rows, fts_rows)
    by_events: dict[str, int] = {}
    for row in event_rows:
        by_events[row[2]] = by_events.get(row[2], 0) + 1
    return {
        "path": target, "documents": documents, "events": len(event_rows), "persons": persons,
        "seconds": round(time.perf_counter() - started, 2),
        "busiest_persons": sorted(by_events, key=lambda p: -by_events[p])[:10],
        "rare_words": rare[:20], "sources": SOURCES[:5],
        "bytes": 0 if postgres else Path(target).stat().st_size,
    }


def _load_sqlite(path, person_rows, alias_rows, doc_rows, snapshot_rows, vocabulary, mention_rows,
                 event_rows, fts_rows) -> None:
    connection = sqlite3.connect(str(path), isolation_level=None)
    try:
        connection.execute("PRAGMA synchronous=OFF")
        connection.execute("PRAGMA foreign_keys=OFF")
        connection.execute("BEGIN")
        connection.executemany(
            "INSERT INTO persons (id, name, name_latin, role, gender, attributes, created_at, updated_at,"
            " locked) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", person_rows)
        connection.executemany("INSERT INTO aliases (person_id, alias, alias_key) VALUES (?, ?, ?)",
                               alias_rows)
        connection.executemany(
            "INSERT INTO documents (rowid, id, path, url, title, source, published, language, media_type,"
            " sha256, captured_at, text, meta, removed, analysed, stored_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", doc_rows)
        connection.executemany(
            "INSERT INTO snapshots (document_id, sha256, captured_at, raw) VALUES (?, ?, ?, ?)",
            snapshot_rows)
        connection.executemany("INSERT OR IGNORE INTO search_terms(term) VALUES (?)",
                               ((term,) for term in sorted(vocabulary)))
        connection.executemany(
            "INSERT INTO mentions (document_id, person_id, local_id, name, surface_forms, role)"
            " VALUES (?, ?, ?, ?, ?, ?)", mention_rows)
        connection.executemany(
            "INSERT INTO events (id, document_id, person_id, type, date, date_text, place, country,"
            " charge, term_years, evidence, span_start, span_end, confidence, trigger, review_status,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", event_rows)
        # After the events: each row gets its facets (khronika.search_facets) as
        # Store.add_document's index_document and the events triggers would.
        connection.executemany(f"INSERT INTO {FTS_TABLE}(rowid, terms, facets) SELECT ?, ?, "
                               f"{facets_sql('sqlite')} FROM documents d WHERE d.rowid = ?",
                               ((rowid, terms, rowid) for rowid, terms in fts_rows))
        connection.execute("COMMIT")
        connection.execute("ANALYZE")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()


_DOCUMENT_COLUMNS = ("id, path, url, title, source, published, language, media_type, sha256, captured_at, "
                     "text, meta, removed, analysed, stored_at")


def _load_postgresql(url, person_rows, alias_rows, doc_rows, snapshot_rows, mention_rows,
                     event_rows) -> None:
    """COPY everything in, triggers and the GIN index off (session_replication_role:
    the test server's superuser), events before documents so that each
    document's facets are computed once, as it is inserted; the index after."""
    import psycopg
    import sqlalchemy as sa
    dsn = sa.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn) as connection:
        connection.execute("TRUNCATE documents, snapshots, persons, aliases, mentions, events CASCADE")
        connection.execute("SET session_replication_role = replica")
        connection.execute("DROP INDEX IF EXISTS ix_documents_search_vector")
        connection.execute(f"CREATE TEMP TABLE staging_documents AS SELECT 0 AS ord, {_DOCUMENT_COLUMNS} "
                           "FROM documents WITH NO DATA")
        with connection.cursor() as cursor:
            def copy(table, columns, rows):
                with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as out:
                    for row in rows:
                        out.write_row(row)
            copy("persons", "id, name, name_latin, role, gender, attributes, created_at, updated_at, locked",
                 (row[:8] + (bool(row[8]),) for row in person_rows))
            copy("aliases", "person_id, alias, alias_key", alias_rows)
            copy("events", "id, document_id, person_id, type, date, date_text, place, country, charge, "
                 "term_years, evidence, span_start, span_end, confidence, trigger, review_status, created_at",
                 event_rows)
            copy("mentions", "document_id, person_id, local_id, name, surface_forms, role", mention_rows)
            copy("snapshots", "document_id, sha256, captured_at, raw", snapshot_rows)
            copy("staging_documents", "ord, " + _DOCUMENT_COLUMNS,
                 (row[:14] + (bool(row[14]), row[15]) for row in doc_rows))
        connection.execute(f"INSERT INTO documents ({_DOCUMENT_COLUMNS}, search_facets) SELECT "
                           f"{_DOCUMENT_COLUMNS}, khronika_document_facets(id, source) "
                           "FROM staging_documents ORDER BY ord")
        connection.execute("CREATE INDEX ix_documents_search_vector ON documents "
                           "USING gin (search_vector, search_facets)")
        connection.commit()
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("path")
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--persons", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-snapshots", action="store_true")
    args = parser.parse_args(argv)
    stats = build_store(args.path, args.documents, args.events, args.persons, args.seed,
                        snapshots=not args.no_snapshots)
    print(json.dumps({k: v for k, v in stats.items() if k not in ("rare_words",)}, ensure_ascii=False))


if __name__ == "__main__":
    main()
