"""End-to-end tests of the `khronika` command: real subprocesses, real SQLite files (or,
with KHRONIKA_TEST_DB=postgresql, real PostgreSQL databases), no mocks.

Every command runs as `python -m khronika ...` in a temporary directory, with
this checkout first on PYTHONPATH. Each process loads the NLP models, so the
expensive runs (extracting the sample article, ingesting the bundled corpus)
happen once per module in fixtures and several tests read their results.
"""
from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import pgserver
import pytest
import sqlalchemy as sa
from pgserver import child_db, store_url

from khronika.model import EVENT_TYPES, ROLES
from khronika.views import EVENT_LABELS_EN, EVENT_LABELS_RU

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared"
CORPUS = REPO_ROOT / "corpus"
SAMPLE = CORPUS / "kz-extraditions-2026.ru.txt"
SCORER = SHARED / "eval" / "score.py"
GOLD_NAME = "kz-extraditions-2026.gold.json"
GOLD_CANDIDATES = (REPO_ROOT / "eval" / "gold" / GOLD_NAME, CORPUS / GOLD_NAME, SHARED / "eval" / GOLD_NAME)

DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?(/\d{4})?$")

# The persecuted persons of the sample article (its gold annotation), and non-victims it names.
SAMPLE_SUBJECTS = (
    "Михаил Жилин", "Камиль Касимов", "Евгения Балтатарова", "Айхал Аммосов", "Наталья Нарская",
    "Денис Козак", "Олександр Качкуркин", "Семен Бажуков", "Мансур Мовлаев", "Юлия Емельянова",
    "Зелимхан Муртазов",
)
SAMPLE_NON_SUBJECTS = ("Касым-Жомарт Токаев", "Марат Ахметжанов", "Юрий Смирнов", "Алексей Навальный")
APPROVAL_SENTENCE = "В конце января Казахстан также утвердил запросы России об экстрадиции"

PROCESS_TIMEOUT = 180


# ---------------------------------------------------------------- helpers

def cli_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("KHRONIKA_DB", None)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH")) if p)
    env["PYTHONIOENCODING"] = "utf-8"
    env.update(extra)
    return env


def _stores(args, cwd: Path, env: dict[str, str] | None) -> tuple[list[str], dict[str, str]]:
    """`--db PATH` and $KHRONIKA_DB as this run's backend needs them (tests/pgserver.py):
    the paths themselves, or on a PostgreSQL run the URLs of their databases."""
    args, env = [str(a) for a in args], dict(env or cli_env())
    for i in range(len(args) - 1):
        if args[i] == "--db":
            args[i + 1] = child_db(Path(cwd) / args[i + 1])
    if env.get("KHRONIKA_DB"):
        env["KHRONIKA_DB"] = child_db(Path(cwd) / env["KHRONIKA_DB"])
    return args, env


def khronika(*args, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run `khronika ARGS...` to completion, capturing its output as text."""
    args, env = _stores(args, cwd, env)
    return subprocess.run(
        [sys.executable, "-m", "khronika", *args], cwd=cwd, env=env,
        capture_output=True, text=True, encoding="utf-8", timeout=PROCESS_TIMEOUT,
    )


def khronika_popen(*args, cwd: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    args, env = _stores(args, cwd, env)
    return subprocess.Popen(
        [sys.executable, "-m", "khronika", *args], cwd=cwd, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8",
    )


def described(proc) -> str:
    return f"exit {proc.returncode}\n--- stdout\n{proc.stdout[-3000:]}\n--- stderr\n{proc.stderr[-3000:]}"


def table_counts(db: Path) -> dict[str, int]:
    """Rows per table of a store file ({} when there is none), or of its PostgreSQL stand-in."""
    if pgserver.STORES is None and not db.exists():
        return {}
    engine = sa.create_engine(store_url(db))
    try:
        with engine.connect() as conn:
            return {t: conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar()
                    for t in ("documents", "events", "persons")}
    finally:
        engine.dispose()


def fold(name: str) -> str:
    return unicodedata.normalize("NFC", name).replace("ё", "е").replace("Ё", "Е")


def parse_timeline(out: str) -> list[dict]:
    """`khronika timeline` output -> [{"header", "facts": [{"line", "sources": [...]}]}].

    A person header starts in column 0, a fact line is indented, and each of
    its sources is indented further («evidence» — location).
    """
    persons: list[dict] = []
    for line in out.splitlines():
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip(" "))
        if indent == 0:
            persons.append({"header": line, "facts": []})
        elif indent <= 2:
            assert persons, f"fact line before any person: {line!r}"
            persons[-1]["facts"].append({"line": line.strip(), "sources": []})
        else:
            assert persons and persons[-1]["facts"], f"source line before any fact: {line!r}"
            persons[-1]["facts"][-1]["sources"].append(line.strip())
    return persons


def person_block(blocks: list[dict], name: str) -> dict:
    found = [b for b in blocks if fold(b["header"]).startswith(fold(name) + " /")]
    assert len(found) == 1, f"expected one timeline for {name}, got {[b['header'] for b in blocks]}"
    return found[0]


def fact_type(fact_line: str, language: str = "ru") -> str:
    """The event type of a fact line (`timeline --lang ru` by default): the
    type whose label comes first after the date, the longest of those at one place."""
    labels = EVENT_LABELS_RU if language == "ru" else EVENT_LABELS_EN
    found = [(fact_line.find(" " + label), -len(label), event_type) for event_type, label in labels.items()
             if " " + label in fact_line]
    return min(found)[2] if found else ""


# ---------------------------------------------------------------- 1. extract --json

@pytest.fixture(scope="module")
def sample_extract(tmp_path_factory):
    work = tmp_path_factory.mktemp("extract")
    proc = khronika("extract", SAMPLE, "--json", cwd=work)
    out = work / "out.json"
    out.write_text(proc.stdout, encoding="utf-8")
    return proc, out


def test_extract_json_follows_the_output_contract(sample_extract):
    proc, out = sample_extract
    assert proc.returncode == 0, described(proc)
    result = json.loads(out.read_text(encoding="utf-8"))
    assert set(result) >= {"documents", "persons", "events"}

    assert len(result["documents"]) == 1
    doc = result["documents"][0]
    assert {"id", "path", "title", "language", "published"} <= set(doc)
    assert Path(doc["path"]).name == SAMPLE.name
    assert doc["language"] == "ru"

    persons = result["persons"]
    person_ids = [p["id"] for p in persons]
    assert len(person_ids) == len(set(person_ids)), "person ids are not unique"
    for p in persons:
        assert {"id", "name", "name_latin", "aliases", "role", "attributes"} <= set(p), p
        assert p["role"] in ROLES, p
        assert isinstance(p["aliases"], list) and isinstance(p["attributes"], dict), p
        assert re.fullmatch(r"[A-Za-z][A-Za-z' .-]*", p["name_latin"] or ""), p
    subjects = {fold(p["name"]) for p in persons if p["role"] == "subject"}
    assert subjects == {fold(n) for n in SAMPLE_SUBJECTS}

    events = result["events"]
    assert len(events) >= 30
    event_ids = [e["id"] for e in events]
    assert len(event_ids) == len(set(event_ids)), "event ids are not unique"
    text = " ".join(SAMPLE.read_text(encoding="utf-8").split())
    for e in events:
        assert {"id", "person", "type", "date", "date_text", "place", "charge", "document",
                "evidence", "confidence"} <= set(e), e
        assert e["person"] in person_ids, e
        assert e["document"] == doc["id"], e
        assert e["type"] in EVENT_TYPES, e
        assert e["date"] is None or DATE_RE.match(e["date"]), e
        assert isinstance(e["confidence"], (int, float)) and 0 <= e["confidence"] <= 1, e
        # The evidence is a sentence of the document itself.
        assert e["evidence"] and " ".join(e["evidence"].split()) in text, e


def test_extract_json_meets_the_eval_thresholds(sample_extract):
    if not SCORER.is_file():
        pytest.skip(f"scorer not found at {SCORER} (CI has ../shared beside the clone)")
    gold = next((g for g in GOLD_CANDIDATES if g.is_file()), None)
    if gold is None:
        pytest.skip(f"gold annotation {GOLD_NAME} not found in {[str(g.parent) for g in GOLD_CANDIDATES]}")
    proc, out = sample_extract
    assert proc.returncode == 0, described(proc)
    score = subprocess.run(
        [sys.executable, str(SCORER), str(gold), str(out),
         "--min-subject-recall", "1.0", "--max-false-subjects", "0",
         "--min-event-f1", "0.85", "--min-date-accuracy", "0.85"],
        capture_output=True, text=True, encoding="utf-8", timeout=PROCESS_TIMEOUT,
    )
    assert score.returncode == 0, described(score)
    assert "subject_recall: 1.000" in score.stdout, score.stdout


# ---------------------------------------------------------------- 2. bad files in a batch

def test_extract_reports_each_bad_file_once_and_processes_the_rest(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("В марте 2025 года полиция задержала Андрея Соколова в Бишкеке. "
                    "Его депортировали в Россию.\n", encoding="utf-8")
    # Windows-1251 is not an error: encoding detection must read it.
    legacy = tmp_path / "legacy-cp1251.txt"
    legacy.write_bytes("В мае 2024 года в Алматы задержали Сергея Кузнецова. "
                       "Позже его экстрадировали в Россию.\n".encode("cp1251"))
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        json.dumps({"url": "https://example.org/a", "title": "Задержание", "published": "2026-01-20",
                    "language": "ru",
                    "text": "Вчера в Ташкенте задержали Виктора Волкова по запросу России."},
                   ensure_ascii=False) + "\n{not json at all\n", encoding="utf-8")
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")

    proc = khronika("extract", good.name, binary.name, legacy.name, empty.name, feed.name, "--json",
                    cwd=tmp_path)
    assert proc.returncode == 1, described(proc)
    assert "Traceback" not in proc.stderr, described(proc)

    result = json.loads(proc.stdout)
    paths = [Path(d["path"]).name for d in result["documents"]]
    assert "good.txt" in paths and "legacy-cp1251.txt" in paths
    assert any(p.startswith("feed.jsonl") for p in paths), paths    # the valid record
    assert not {"binary.txt", "empty.txt"} & set(paths)
    names = {fold(p["name"]) for p in result["persons"]}
    assert {"Андрей Соколов", "Сергей Кузнецов", "Виктор Волков"} <= names, names

    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    for bad in ("binary.txt", "empty.txt", "feed.jsonl"):
        naming = [line for line in lines if bad in line]
        assert len(naming) == 1, f"{bad}: expected one error line, got {naming}\n{proc.stderr}"
    assert re.search(r"feed\.jsonl(#|:| line )\D*2\b", proc.stderr), \
        f"the JSON Lines error should name the bad line (2):\n{proc.stderr}"
    for ok in ("good.txt", "legacy-cp1251.txt"):
        assert not [line for line in lines if ok in line], proc.stderr


# ---------------------------------------------------------------- 3. idempotent ingest, KHRONIKA_DB

@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory):
    """The bundled corpus ingested twice into one database."""
    work = tmp_path_factory.mktemp("corpus")
    db = work / "corpus.db"
    first = khronika("ingest", CORPUS, "--db", db, cwd=work)
    counts_first = table_counts(db)
    second = khronika("ingest", CORPUS, "--db", db, cwd=work)
    counts_second = table_counts(db)
    return dict(work=work, db=db, first=first, second=second,
                counts_first=counts_first, counts_second=counts_second)


def test_ingest_bundled_corpus_succeeds(corpus_db):
    # `make demo` runs exactly this: any error line or non-zero exit breaks it.
    first = corpus_db["first"]
    assert first.returncode == 0, described(first)
    assert "Traceback" not in first.stderr and "cannot read" not in first.stderr, described(first)
    counts = corpus_db["counts_first"]
    assert counts["documents"] >= 6 and counts["events"] >= 50 and counts["persons"] >= 11, counts
    assert re.search(rf"\bingested {counts['documents']} document", first.stdout), first.stdout


def test_ingest_twice_adds_nothing(corpus_db):
    second = corpus_db["second"]
    assert second.returncode == corpus_db["first"].returncode, described(second)
    assert "Traceback" not in second.stderr, described(second)
    assert re.search(r"\bingested 0 document", second.stdout), second.stdout
    assert corpus_db["counts_second"] == corpus_db["counts_first"]


@pytest.fixture(scope="module")
def same_fact_twice(tmp_path_factory):
    """Two differently worded reports of one detention, ingested via $KHRONIKA_DB only."""
    work = tmp_path_factory.mktemp("twice")
    (work / "reports").mkdir()
    (work / "reports" / "first.txt").write_text(
        "---\ntitle: Задержание в Бишкеке\npublished: 2025-04-02\n---\n"
        "В марте 2025 года полиция Кыргызстана задержала российского активиста Тимура Белоусова "
        "в Бишкеке. Белоусов уехал из России в 2022 году.\n", encoding="utf-8")
    (work / "reports" / "second.txt").write_text(
        "---\ntitle: Активиста задержали в Киргизии\npublished: 2025-04-10\n---\n"
        "Тимур Белоусов был задержан в Бишкеке в марте 2025 года, сообщили правозащитники. "
        "Ему грозит выдача в Россию.\n", encoding="utf-8")
    db = work / "data" / "env.db"
    env = cli_env(KHRONIKA_DB=str(db))
    ingest = khronika("ingest", "reports", cwd=work, env=env)
    timeline = khronika("timeline", "Белоусова", "--lang", "ru", cwd=work, env=env)
    return dict(work=work, db=db, ingest=ingest, timeline=timeline)


@pytest.mark.sqlite_only           # looks for the file
def test_khronika_db_env_var_is_honoured(same_fact_twice):
    ingest = same_fact_twice["ingest"]
    assert ingest.returncode == 0, described(ingest)
    assert same_fact_twice["db"].is_file(), "ingest did not write to $KHRONIKA_DB"
    assert not (same_fact_twice["work"] / "khronika.db").exists(), "ingest ignored $KHRONIKA_DB"
    assert table_counts(same_fact_twice["db"])["documents"] == 2
    timeline = same_fact_twice["timeline"]
    assert timeline.returncode == 0, described(timeline)    # read back through $KHRONIKA_DB too


# ---------------------------------------------------------------- 4. kill -9 mid-ingest

FIRST_NAMES = [("Андрей", "Андрея"), ("Борис", "Бориса"), ("Виктор", "Виктора"), ("Глеб", "Глеба"),
               ("Дмитрий", "Дмитрия"), ("Егор", "Егора"), ("Игорь", "Игоря"), ("Кирилл", "Кирилла"),
               ("Леонид", "Леонида"), ("Максим", "Максима")]
SURNAMES = ["Соколов", "Морозов", "Волков", "Лебедев"]
MONTHS_LOC = ["январе", "феврале", "марте", "апреле", "мае", "июне", "июле", "августе", "сентябре",
              "октябре", "ноябре", "декабре"]
CITIES_LOC = ["Бишкеке", "Алматы", "Ташкенте", "Ереване", "Тбилиси"]
GENERATED_DOCS = len(FIRST_NAMES) * len(SURNAMES)


def write_generated_corpus(folder: Path) -> None:
    """40 distinct short reports, each with a detention and a deportation."""
    folder.mkdir()
    i = 0
    for a, (_first, first_acc) in enumerate(FIRST_NAMES):
        for b, surname in enumerate(SURNAMES):
            month, year = MONTHS_LOC[(a * 4 + b) % 12], 2020 + (a + b) % 6
            city = CITIES_LOC[(a + b) % len(CITIES_LOC)]
            (folder / f"case-{i:02d}.txt").write_text(
                f"В {month} {year} года полиция задержала {first_acc} {surname}а в {city}. "
                f"Его депортировали в Россию. "
                f"Об этом сообщили правозащитники, которые следят за делом уже несколько лет. "
                f"{surname} работал инженером и не занимался политикой, говорят его знакомые. "
                f"Родственники узнали о задержании только через несколько дней.\n", encoding="utf-8")
            i += 1


def stored_documents(db: Path) -> int | None:
    """Documents committed so far, read-only; None while the file or schema is not there or locked."""
    if not db.exists():
        return None
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.05)
        try:
            return conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.OperationalError:      # "database is locked", "no such table" (not migrated yet)
        return None


@pytest.mark.sqlite_only           # reads the SQLite file while the ingest runs
def test_kill_9_mid_ingest_leaves_a_consistent_store_and_rerun_completes(tmp_path):
    corpus = tmp_path / "generated"
    write_generated_corpus(corpus)
    crash_db, clean_db = tmp_path / "crash.db", tmp_path / "clean.db"

    # The reference ingest runs alongside (it also slows the victim down on a small machine).
    clean = khronika_popen("ingest", corpus, "--db", clean_db, cwd=tmp_path)
    victim = khronika_popen("ingest", corpus, "--db", crash_db, cwd=tmp_path)
    killed_at = None
    deadline = time.monotonic() + PROCESS_TIMEOUT
    try:
        while victim.poll() is None and time.monotonic() < deadline:
            stored = stored_documents(crash_db)
            if stored is not None and stored >= 3:
                victim.send_signal(signal.SIGKILL)
                killed_at = stored
                break
            time.sleep(0.002)
    finally:
        if victim.poll() is None and killed_at is None:
            victim.kill()
        out, err = victim.communicate(timeout=PROCESS_TIMEOUT)
        clean_out, clean_err = clean.communicate(timeout=PROCESS_TIMEOUT)
    assert killed_at is not None, (f"ingest ended (exit {victim.returncode}) before it could be killed:"
                                   f"\n{out}\n{err}")
    assert victim.returncode == -signal.SIGKILL
    assert clean.returncode == 0, f"{clean_out}\n{clean_err}"

    with sqlite3.connect(crash_db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        documents = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        assert killed_at <= documents < GENERATED_DOCS, "the kill did not land mid-ingest"
        without_events = conn.execute(
            "SELECT path FROM documents d WHERE NOT EXISTS "
            "(SELECT 1 FROM events e WHERE e.document_id = d.id)").fetchall()
        assert without_events == [], f"documents stored without their events: {without_events}"
        without_snapshot = conn.execute(
            "SELECT path FROM documents d WHERE NOT EXISTS "
            "(SELECT 1 FROM snapshots s WHERE s.document_id = d.id)").fetchall()
        assert without_snapshot == [], f"documents stored without their snapshot: {without_snapshot}"

    rerun = khronika("ingest", corpus, "--db", crash_db, cwd=tmp_path)
    assert rerun.returncode == 0, described(rerun)
    assert re.search(rf"\bingested {GENERATED_DOCS - documents} document", rerun.stdout), rerun.stdout
    crashed, reference = table_counts(crash_db), table_counts(clean_db)
    assert crashed["documents"] == reference["documents"] == GENERATED_DOCS
    assert reference["events"] >= GENERATED_DOCS
    assert crashed["events"] == reference["events"], (crashed, reference)
    assert crashed["persons"] == reference["persons"], (crashed, reference)


# ---------------------------------------------------------------- 5. timeline

@pytest.fixture(scope="module")
def timelines(corpus_db):
    work, db = corpus_db["work"], corpus_db["db"]
    queries = {"all": (), "inflected": ("Емельянову",), "unseen_case": ("Емельяновой",),
               "latin": ("Emelyanova",), "nobody": ("Жанна Несуществующая",)}
    timelines = {key: khronika("timeline", *q, "--lang", "ru", "--db", db, cwd=work)
                 for key, q in queries.items()}
    # No --lang: the language of the locale, English under LANG=C.
    timelines["en"] = khronika("timeline", "Емельянову", "--db", db, cwd=work, env=cli_env(LANG="C.UTF-8"))
    timelines["ru_locale"] = khronika("timeline", "Emelyanova", "--db", db, cwd=work,
                                      env=cli_env(LANG="ru_RU.UTF-8"))
    return timelines


def test_timeline_of_the_sample_article(timelines):
    proc = timelines["all"]
    assert proc.returncode == 0, described(proc)
    blocks = parse_timeline(proc.stdout)
    headers = [fold(b["header"]) for b in blocks]
    for name in SAMPLE_SUBJECTS:
        assert any(h.startswith(fold(name) + " /") for h in headers), f"no timeline for {name}"
    for name in SAMPLE_NON_SUBJECTS:       # only subjects get timelines
        assert not any(h.startswith(fold(name) + " /") for h in headers), f"{name} is not a subject"

    block = person_block(blocks, "Юлия Емельянова")
    approved = [f for f in block["facts"] if fact_type(f["line"]) == "extradition_approved"]
    assert len(approved) == 1, block
    fact = approved[0]
    assert fact["line"].startswith("январь 2026"), fact["line"]
    assert any(APPROVAL_SENTENCE in s and str(SAMPLE) in s for s in fact["sources"]), fact["sources"]


def test_timeline_facts_are_in_date_order(timelines):
    """Facts with a full or month date appear in chronological order within each timeline."""
    months = {m: i + 1 for i, m in enumerate(("январь", "февраль", "март", "апрель", "май", "июнь", "июль",
                                               "август", "сентябрь", "октябрь", "ноябрь", "декабрь"))}
    blocks = parse_timeline(timelines["all"].stdout)
    for block in blocks:
        keys = []
        for fact in block["facts"]:
            match = re.match(r"(\S+) (\d{4})\s", fact["line"])
            if match and match.group(1) in months:
                keys.append((int(match.group(2)), months[match.group(1)]))
        assert keys == sorted(keys), block


@pytest.mark.parametrize("query", ["inflected", "unseen_case", "latin"])
def test_timeline_finds_a_person_by_an_inflected_or_latin_name(timelines, query):
    proc = timelines[query]
    assert proc.returncode == 0, described(proc)
    blocks = parse_timeline(proc.stdout)
    assert [fold(b["header"]).split(" /")[0] for b in blocks] == ["Юлия Емельянова"], proc.stdout
    assert any(fact_type(f["line"]) == "extradition_approved" for f in blocks[0]["facts"])


def test_timeline_speaks_one_language_chosen_by_lang_or_the_locale(timelines):
    english, russian = timelines["en"], timelines["ru_locale"]
    assert english.returncode == 0 and russian.returncode == 0, described(english) + described(russian)
    (block,) = parse_timeline(english.stdout)
    assert block["header"].startswith("Yuliya Emelyanova / Юлия Емельянова"), block["header"]
    approved = [f["line"] for f in block["facts"] if fact_type(f["line"], "en") == "extradition_approved"]
    assert approved and approved[0].startswith("January 2026 "), approved
    assert approved[0].endswith("— Kazakhstan"), approved
    for fact in block["facts"]:            # labels, places, countries and dates: no Cyrillic
        assert not re.search("[а-яё]", fact["line"], re.I), fact["line"]
    assert parse_timeline(russian.stdout)[0]["header"].startswith("Юлия Емельянова / Yuliya Emelyanova")
    assert all(not re.search(r"\([a-z_]+\)", f["line"]) for f in parse_timeline(russian.stdout)[0]["facts"])


def test_timeline_for_an_unknown_name_fails_clearly(timelines):
    proc = timelines["nobody"]
    assert proc.returncode == 1, described(proc)
    assert "Несуществующая" in proc.stderr and proc.stdout.strip() == "", described(proc)


def test_a_fact_from_two_documents_shows_once_with_both_sources(same_fact_twice):
    proc = same_fact_twice["timeline"]
    assert proc.returncode == 0, described(proc)
    blocks = parse_timeline(proc.stdout)
    assert len(blocks) == 1, proc.stdout
    block = person_block(blocks, "Тимур Белоусов")
    detained = [f for f in block["facts"] if fact_type(f["line"]) == "detained"]
    assert len(detained) == 1, proc.stdout
    fact = detained[0]
    assert fact["line"].startswith("март 2025"), fact["line"]
    assert len(fact["sources"]) == 2, fact
    assert any("first.txt" in s for s in fact["sources"]) and any("second.txt" in s for s in fact["sources"])
    assert any("задержала российского активиста Тимура Белоусова" in s for s in fact["sources"])
    assert any("Тимур Белоусов был задержан в Бишкеке" in s for s in fact["sources"])


# ---------------------------------------------------------------- 6. persons

PERSON_LINE = re.compile(
    r"^(?P<id>\S+)\s+(?P<role>[a-z]+)\s+(?P<name>.+?) / (?P<latin>.*?)\s+\((?P<n>\d+) events?\)")


@pytest.fixture(scope="module")
def persons_listing(corpus_db):
    proc = khronika("persons", "--db", corpus_db["db"], cwd=corpus_db["work"])
    assert proc.returncode == 0, described(proc)
    rows = {}
    for line in proc.stdout.splitlines():
        match = PERSON_LINE.match(line)
        assert match, f"unexpected line in `khronika persons`: {line!r}"
        rows[fold(match["name"])] = match.groupdict()
    return rows


def test_persons_lists_subjects_with_latin_names(persons_listing):
    for name in SAMPLE_SUBJECTS:
        row = persons_listing.get(fold(name))
        assert row is not None, f"{name} missing from `khronika persons`"
        assert row["role"] == "subject", row
        assert int(row["n"]) > 0, row
        latin = row["latin"]
        assert re.fullmatch(r"[A-Z][a-z']+(?:[ -][A-Z][a-z']+)+", latin), row
        assert len(latin.split()) == len(name.split()), row
    assert "Emelyanova" in persons_listing[fold("Юлия Емельянова")]["latin"]
    assert "Kachkurkin" in persons_listing[fold("Олександр Качкуркин")]["latin"]
    assert "Baltatarova" in persons_listing[fold("Евгения Балтатарова")]["latin"]


def test_persons_gives_non_victims_their_roles(persons_listing):
    expected = {"Касым-Жомарт Токаев": "official", "Марат Ахметжанов": "official", "Юрий Смирнов": "lawyer"}
    for name, role in expected.items():
        row = persons_listing.get(fold(name))
        assert row is not None and row["role"] == role, (name, row)
    assert persons_listing[fold("Алексей Навальный")]["role"] != "subject"


# ---------------------------------------------------------------- languages not analysed

def test_a_document_in_another_language_is_stored_and_listed_not_analysed(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "es.txt").write_text(
        "La policía de Madrid detuvo ayer a un activista ruso que había pedido asilo político en España "
        "el año pasado, según su abogado.\n", encoding="utf-8")
    (tmp_path / "docs" / "ru.txt").write_text(
        "В марте 2025 года полиция задержала Тимура Белоусова в Бишкеке.\n", encoding="utf-8")
    db = tmp_path / "k.db"
    result = khronika("ingest", str(tmp_path / "docs"), "--db", str(db), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "not analysed: language es" in result.stderr
    assert "1 not analysed" in result.stdout
    engine = sa.create_engine(store_url(db))
    with engine.connect() as con:
        rows = {language: int(analysed) for language, analysed
                in con.execute(sa.text("select language, analysed from documents"))}
    engine.dispose()
    assert rows == {"es": 0, "ru": 1}
