"""The store on PostgreSQL, on every run (also without KHRONIKA_TEST_DB=postgresql):
migrations, URLs, concurrent first opens, search, the web app's search and
person pages, the CLI, and publish output agreeing with SQLite.

A real server (tests/pgserver.py, Debian's `postgresql` package): missing
binaries fail this module under CI and skip it elsewhere (tests/conftest.py).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import publishstore
import sqlalchemy as sa
import webstore
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from fastapi.testclient import TestClient

from khronika.search import parse_query
from khronika.search_pg import tsquery_text
from khronika.store import open_store
from khronika.store.schema import metadata
from khronika.store.store import MIGRATIONS_DIR
from khronika.web import create_app

REPO_ROOT = Path(__file__).resolve().parents[1]


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def test_fresh_database_is_migrated_to_head_with_the_schema_module(pg_server):
    from test_store import include_name
    url = pg_server.new_database(migrated=False)
    with open_store(url) as store:
        assert store.engine.dialect.name == "postgresql" and store.engine.dialect.driver == "psycopg"
        with store.engine.connect() as connection:
            version = connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
            context = MigrationContext.configure(connection, opts={"include_name": include_name})
            differences = compare_metadata(context, metadata)
            columns = {c["name"] for c in sa.inspect(connection).get_columns("documents")}
    assert version == ScriptDirectory.from_config(_config()).get_current_head()
    assert differences == []
    assert {"search_vector", "search_seq"} <= columns


def test_migrations_go_down_to_base_and_up_again(pg_server):
    url = pg_server.new_database(migrated=False)
    engine = sa.create_engine(url)
    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    with engine.connect() as connection:
        assert set(sa.inspect(connection).get_table_names()) <= {"alembic_version"}
    engine.dispose()
    with open_store(url) as store:               # and a store migrates it up again
        assert store.counts()["documents"] == 0


def test_documents_stored_before_the_search_revision_are_searchable(pg_server):
    """0008 adds the generated tsvector and the insertion order to existing rows."""
    url = pg_server.new_database(migrated=False)
    engine = sa.create_engine(url)
    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0007")
        for n, (title, text) in enumerate([("Старое", "Его депортировали из Бишкека."),
                                           (None, "Позже задержали ещё одного человека.")]):
            connection.execute(sa.text(
                "INSERT INTO documents (id, path, title, media_type, sha256, captured_at, text, meta, "
                "removed, analysed, stored_at) VALUES (:id, 'old.txt', :title, 'text/plain', 'x', '2025', "
                ":text, '{}', '[]', true, '2025')"), {"id": f"old{n}", "title": title, "text": text})
    engine.dispose()
    with open_store(url) as store:
        assert [h.document_id for h in store.search("депортирован").hits] == ["old0"]
        assert [h.document_id for h in store.search("старое").hits] == ["old0"]
        with store.engine.connect() as connection:
            order = connection.execute(sa.text("SELECT id FROM documents ORDER BY search_seq")).scalars().all()
        assert order == ["old0", "old1"]


def test_a_plain_postgresql_url_uses_psycopg(pg_server):
    url = pg_server.new_database().replace("postgresql+psycopg://", "postgresql://")
    with open_store(url) as store:
        assert store.url.startswith("postgresql+psycopg://")
        assert store.engine.dialect.driver == "psycopg"


def test_two_processes_opening_a_fresh_database_store_each_document_once(pg_server):
    """The migration advisory lock: both create the schema and add the same documents at once."""
    import test_store
    url = pg_server.new_database(migrated=False)
    children = [test_store.start_child(url) for _ in range(2)]
    results = [child.communicate(timeout=180) for child in children]
    for child, (_, stderr) in zip(children, results, strict=True):
        assert child.returncode == 0, stderr
    added = [int(stdout.splitlines()[-1].split()[1]) for stdout, _ in results]
    assert sum(added) == test_store.DOCUMENTS_IN_LOOP
    with open_store(url) as store:
        counts = store.counts()
    assert counts["documents"] == test_store.DOCUMENTS_IN_LOOP
    assert counts["events"] == test_store.DOCUMENTS_IN_LOOP * test_store.EVENTS_PER_DOCUMENT


# ---------------------------------------------------------------- search

def test_tsquery_is_built_from_quoted_stems_only():
    # an event word also searches its English counterpart (the bilingual term map)
    assert tsquery_text(parse_query("Задержали")) == "('detain' | 'задерж':*)"
    assert tsquery_text(parse_query('"x y" z')) == "('x' <-> 'y') & 'z'"
    assert tsquery_text(parse_query('"задержали в Бишкеке"'), {"в"}) == \
        "(('detain' | 'задерж':*) <2> ('бишкек':* | 'bishkek':*))"
    assert tsquery_text(parse_query("суд")) == "'суд'"
    # Operators and quotes in user text are only word separators here.
    assert tsquery_text(parse_query("'; DROP TABLE x; --")) == "'drop' & 'tabl' & 'x'"
    assert tsquery_text(parse_query("a|b & !c")) == "('a' <-> 'b') & 'c'"
    assert tsquery_text(parse_query("the"), {"the"}) is None


SEARCH_CORPUS = [
    ("d-detained", "Вчера в Алматы задержан гражданин России. Его отпустили вечером.", "Задержание в Алматы"),
    ("d-detention", "Правозащитники сообщили о задержании активиста в аэропорту.", None),
    ("d-they-detained", "Силовики задержали журналистку прямо на улице.", None),
    ("d-fate", "Его судьба неизвестна. Родные ищут его.", None),
    ("d-court", "Суд отправил его под арест. Заседание суда длилось час.", None),
    ("d-en", "He was extradited to Russia last week, rights groups said.", None),
    ("d-en2", "Kazakhstan approved the extradition of a Russian deserter.", None),
    ("d-semyon", "Семён Качкуркин бежал из России в 2022 году.", None),
    ("d-hostile", "Вступление. <script>alert('x')</script> Его задержали в Бишкеке & отпустили.", None),
    ("d-deported", "Его депортировали в Россию. Депортация заняла три часа.", "Улан-Удэ"),
]
QUERIES = ["задержали", "задержание", "суд", "extradited", "extradite", "СЕМЕН", "семён качкуркин",
           "задержан Алматы", '"задержали журналистку"', '"журналистку задержали"', "Алматы журналистку",
           "задержали Бишкеке", "депортация", "депортировали", "улан-удэ", "2022", "алмат*",
           "'; DROP TABLE documents; --", '"', "NEAR(", "задерж* OR суд", "🙂", "ё" * 300]


def test_search_agrees_with_sqlite(tmp_path, pg_url):
    from test_search import add
    with open_store(str(tmp_path / "k.db")) as lite, open_store(pg_url) as pg:
        assert pg.engine.dialect.name == "postgresql"
        for store in (lite, pg):
            for doc_id, text, title in SEARCH_CORPUS:
                add(store, doc_id, text, title=title)
        for query in QUERIES:
            expected, got = lite.search(query), pg.search(query)
            assert {h.document_id for h in got.hits} == {h.document_id for h in expected.hits}, query
            assert (got.total, got.total_capped) == (expected.total, expected.total_capped), query
            for mine, theirs in zip(sorted(got.hits, key=lambda h: h.document_id),
                                    sorted(expected.hits, key=lambda h: h.document_id), strict=True):
                assert (mine.sentence, mine.snippet_html) == (theirs.sentence, theirs.snippet_html), query
                assert mine.score is not None and mine.score > 0
        hit, = pg.search("задержали Бишкеке").hits
        assert hit.snippet_html == ("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; Его "
                                    "<mark>задержали</mark> в <mark>Бишкеке</mark> &amp; отпустили.")


# ---------------------------------------------------------------- web app

def test_web_search_and_person_pages_on_postgresql(pg_url):
    ids = webstore.build(pg_url)
    app = create_app(pg_url)
    try:
        client = TestClient(app)
        r = client.post("/api/login", json={"username": "admin", "password": webstore.PASSWORD})
        assert r.status_code == 200, r.text
        r = client.get("/api/search", params={"q": "задержали"})
        assert r.status_code == 200, r.text
        assert r.text.count("<mark>") >= 1 and webstore.XSS not in r.text
        r = client.get("/search", params={"q": "задержали"})
        assert r.status_code == 200, r.text
        for person in (ids["yulia"], ids["timur"]):
            for path in (f"/persons/{person}", f"/api/persons/{person}", f"/api/cases/{person}"):
                r = client.get(path)
                assert r.status_code == 200, (path, r.text[:500])
        assert "Емельянов" in client.get(f"/persons/{ids['yulia']}").text
        for path in ("/", "/api/persons", "/api/trends", "/api/review", "/api/dashboard",
                     f"/api/documents/{ids['documents'][0]}", f"/documents/{ids['documents'][0]}"):
            assert client.get(path).status_code in (200, 404), path
    finally:
        app.state.store.close()


# ---------------------------------------------------------------- CLI and publish

def _khronika(*args, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONIOENCODING="utf-8",
               PYTHONPATH=os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")])))
    env.pop("KHRONIKA_DB", None)
    return subprocess.run([sys.executable, "-m", "khronika", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, encoding="utf-8", timeout=300, check=False)


def test_cli_ingest_timeline_persons_and_export_on_postgresql(tmp_path, pg_server):
    url = pg_server.new_database(migrated=False).replace("postgresql+psycopg://", "postgresql://")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.txt").write_text(
        "---\ntitle: Задержание в Бишкеке\npublished: 2025-04-02\n---\n"
        "В марте 2025 года полиция Кыргызстана задержала российского активиста Тимура Белоусова "
        "в Бишкеке. Белоусов уехал из России в 2022 году.\n", encoding="utf-8")
    ingest = _khronika("ingest", "docs", "--db", url, cwd=tmp_path)
    assert ingest.returncode == 0, ingest.stderr
    assert "ingested 1 document" in ingest.stdout
    timeline = _khronika("timeline", "Белоусова", "--db", url, cwd=tmp_path)
    assert timeline.returncode == 0, timeline.stderr
    assert "Белоусов" in timeline.stdout
    persons = _khronika("persons", "--db", url, cwd=tmp_path)
    assert persons.returncode == 0 and "Белоусов" in persons.stdout, persons.stderr
    again = _khronika("ingest", "docs", "--db", url, cwd=tmp_path)
    assert again.returncode == 0 and "ingested 0 document" in again.stdout, again.stderr


def _tree(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_publish_output_is_the_same_from_sqlite_and_postgresql(tmp_path, pg_url):
    publishstore.build(tmp_path / "k.db")
    publishstore.build(pg_url)
    from khronika.cli import main
    for name, db in (("lite", tmp_path / "k.db"), ("pg", pg_url)):
        assert main(["publish", "--db", str(db), "--out", str(tmp_path / name)]) in (0, None)
    lite, pg = tmp_path / "lite", tmp_path / "pg"
    assert _tree(lite) == _tree(pg) and _tree(lite)
    # Byte for byte, but for the time each archive was generated.
    generated = {site: json.loads((site / "downloads" / "index.json").read_text())["generated_at"].encode()
                 for site in (lite, pg)}
    different = [name for name in _tree(lite)
                 if (lite / name).read_bytes().replace(generated[lite], b"T")
                 != (pg / name).read_bytes().replace(generated[pg], b"T")]
    assert different == []
