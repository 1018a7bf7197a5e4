"""Sources and rules live in the database (khronika/store/settings.py): the
CLI, khronika.toml import/export, a watch that re-reads them, the admin page
and API. Real SQLite files, or PostgreSQL with KHRONIKA_TEST_DB=postgresql."""
from __future__ import annotations

import asyncio
import re

import pytest
import webstore
from fastapi.testclient import TestClient
from webstore import PASSWORD

from khronika.cli import main
from khronika.store import open_store, settings
from khronika.watch import Watch
from khronika.web import create_app

FEED = "https://news.example/rss.xml"
HOOK = "https://hooks.example/khronika"


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_sources_and_rules_add_list_remove_in_the_database(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    db = str(tmp_path / "k.db")
    assert run(capsys, "init", "--db", db)[0] == 0          # every command but init/ingest wants a store
    assert run(capsys, "sources", "add", FEED, "--every", "5m", "--db", db)[0] == 0
    assert run(capsys, "sources", "add", "https://t.me/vtoraya_liniya", "--db", db)[0] == 0
    code, out, _ = run(capsys, "sources", "list", "--db", db)
    assert code == 0 and FEED in out and "every 300s" in out and "https://t.me/s/vtoraya_liniya" in out
    assert not (tmp_path / "khronika.toml").exists()            # nothing written to a local file
    with open_store(db) as store:                               # another reader of the same database
        assert [s.url for s in store.sources()] == [FEED, "https://t.me/s/vtoraya_liniya"]

    monkeypatch.setenv("HOOK_KEY", "s3cret-key")
    code, out, _ = run(capsys, "rules", "add", "--type", "detained", "--webhook", HOOK, "--secret-env", "HOOK_KEY",
                       "--db", db)
    assert code == 0
    rule_id = re.search(r"rule (r-\w+)", out).group(1)
    code, out, _ = run(capsys, "rules", "list", "--db", db)
    assert rule_id in out and HOOK in out and "s3cret-key" not in out

    assert run(capsys, "sources", "remove", "https://t.me/vtoraya_liniya", "--db", db)[0] == 0
    assert run(capsys, "sources", "remove", "https://t.me/vtoraya_liniya", "--db", db)[0] == 1
    assert run(capsys, "rules", "remove", rule_id, "--db", db)[0] == 0
    with open_store(db) as store:
        assert [s.url for s in store.sources()] == [FEED]
        assert store.rules() == []


def test_toml_import_and_export_round_trip_without_secrets(tmp_path, capsys, monkeypatch):
    a, b, file = str(tmp_path / "a.db"), str(tmp_path / "b.db"), tmp_path / "out.toml"
    with open_store(a) as store:
        settings.add_source(store, settings.make_source(FEED, every="2m", name="News"))
        settings.add_source(store, settings.make_source("https://local.test/page", kind="page", local=True,
                                                        robots=False))
        rule = settings.add_rule(store, settings.make_rule(channel="webhook", target=HOOK, person="Тимур Ахмедов",
                                                           types=["detained,extradited"], secret="s3cret-key"))
        settings.add_rule(store, settings.make_rule(channel="email", target="lawyer@example.org", place="KZ"))
        sources, rules = store.sources(), store.rules()
    assert run(capsys, "sources", "export", str(file), "--db", a)[0] == 0
    text = file.read_text(encoding="utf-8")
    assert "s3cret-key" not in text and "secret_env" in text
    monkeypatch.setenv(re.search(r'secret_env = "(\w+)"', text).group(1), "s3cret-key")
    assert run(capsys, "init", "--db", b)[0] == 0
    code, out, _ = run(capsys, "rules", "import", str(file), "--db", b)
    assert code == 0 and "2 source(s) and 2 rule(s)" in out
    with open_store(b) as store:
        assert store.sources() == sources
        assert store.rules() == rules
        assert next(r for r in store.rules() if r.id == rule.id).secret == "s3cret-key"


def test_watch_imports_a_khronika_toml_once_when_the_database_has_no_sources(tmp_path):
    file = tmp_path / "khronika.toml"
    file.write_text(f'[[sources]]\nurl = "{FEED}"\nevery = "30s"\n\n'
                    f'[[rules]]\nchannel = "webhook"\ntarget = "{HOOK}"\ntypes = ["detained"]\n', encoding="utf-8")
    with open_store(tmp_path / "k.db") as store:
        assert settings.import_once(store, file) == (1, 1)
        assert [s.url for s in store.sources()] == [FEED] and len(store.rules()) == 1
        settings.remove_rule(store, store.rules()[0].id)
        assert settings.import_once(store, file) is None           # once: the database has sources now
        assert store.rules() == []


def test_a_watch_follows_and_drops_sources_changed_by_another_process(tmp_path):
    db = tmp_path / "k.db"
    followed: list[str] = []
    with open_store(db) as store, open_store(db) as other:
        settings.add_source(store, settings.make_source(FEED))
        watch = Watch.__new__(Watch)                             # no extraction worker: only the reloading
        watch.store, watch.reload_s, watch._following = store, 0.05, {}

        async def follow(source, client, stop):
            followed.append(source.url)
            await stop.wait()
        watch._follow = follow

        async def scenario():
            stop = asyncio.Event()
            watch.sync_sources(store.sources(), None, stop)
            reloading = asyncio.create_task(watch._reload_loop(None, stop))
            await asyncio.sleep(0.1)
            settings.add_source(other, settings.make_source("https://other.example/feed.xml"))
            for _ in range(100):
                await asyncio.sleep(0.02)
                if len(watch._following) == 2:
                    break
            assert sorted(s.url for s in watch.sources) == sorted([FEED, "https://other.example/feed.xml"])
            settings.remove_source(other, FEED)
            for _ in range(100):
                await asyncio.sleep(0.02)
                if len(watch._following) == 1:
                    break
            assert [s.url for s in watch.sources] == ["https://other.example/feed.xml"]
            stop.set()
            await reloading
            await asyncio.gather(*watch._following.values(), return_exceptions=True)
        asyncio.run(scenario())
    assert followed == [FEED, "https://other.example/feed.xml"]


@pytest.fixture()
def app(tmp_path):
    db = tmp_path / "web.db"
    webstore.build(db)
    application = create_app(db)
    yield application
    application.state.store.close()


def login(app, username):
    client = TestClient(app)
    r = client.post("/api/login", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return client, r.json()["csrf_token"]


def test_an_admin_adds_sources_and_rules_on_the_page_and_a_viewer_gets_403(app):
    admin, token = login(app, "admin")
    r = admin.post("/settings/sources", data={"url": FEED, "every": "90s", "csrf_token": token},
                   follow_redirects=False)
    assert r.status_code == 303
    assert admin.post("/settings/sources", data={"url": "https://x.example/"}).status_code == 403   # no CSRF token
    page = admin.get("/settings")
    assert page.status_code == 200 and FEED in page.text and "90 с" in page.text
    assert [s.url for s in app.state.store.sources()] == [FEED]

    r = admin.post("/api/settings/rules", headers={"X-CSRF-Token": token},
                   json={"channel": "webhook", "target": HOOK, "types": ["detained"], "secret": "s3cret-key"})
    assert r.status_code == 201 and r.json()["has_secret"] is True and "secret" not in r.json()
    assert "s3cret-key" not in admin.get("/settings").text
    assert "s3cret-key" not in admin.get("/api/settings/rules").text
    assert admin.post("/api/settings/rules", headers={"X-CSRF-Token": token},
                      json={"channel": "webhook", "target": HOOK, "types": ["no_such_type"]}).status_code == 422

    viewer, viewer_token = login(app, "viewer")
    assert viewer.get("/settings").status_code == 403
    assert viewer.get("/api/settings/sources").status_code == 403
    assert viewer.post("/settings/sources", data={"url": "https://evil.example/", "csrf_token": viewer_token},
                       follow_redirects=False).status_code == 403
    monitor, monitor_token = login(app, "monitor")
    assert monitor.post("/api/settings/sources", headers={"X-CSRF-Token": monitor_token},
                        json={"url": "https://evil.example/"}).status_code == 403
    assert [s.url for s in app.state.store.sources()] == [FEED]

    source_id = app.state.store.sources()[0].id
    assert admin.delete(f"/api/settings/sources/{source_id}", headers={"X-CSRF-Token": token}).status_code == 204
    rule_id = app.state.store.rules()[0].id
    r = admin.post(f"/settings/rules/{rule_id}/remove", data={"csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303
    assert app.state.store.sources() == [] and app.state.store.rules() == []
