"""Case-file encryption (AES-GCM, key outside the database): what is stored is
ciphertext on SQLite and PostgreSQL alike, the store API and the web app read
it back with the key, and without it (or with another one) stop clearly.

Real stores (a SQLite file; KHRONIKA_TEST_DB=postgresql: a real server), the
real CLI entry point and the web app in-process.
"""
from __future__ import annotations

import base64
import os
import stat
from pathlib import Path

import pytest
import sqlalchemy as sa
import webstore
from fastapi.testclient import TestClient
from webstore import PASSWORD

from khronika.cli import main
from khronika.store import open_store
from khronika.store.casefile_crypto import (
    KEY_ENV,
    KEY_FILE_ENV,
    CaseFileCipher,
    CaseFileKeyError,
    CaseFileKeyMissing,
    read_key_file,
    write_new_key_file,
)
from khronika.web import create_app

SUMMARY = "Адрес убежища: ул. Тайная 7, связной SUMMARY-SECRET"
NOTE = "Family contact via NOTE-SECRET-SIGNAL"
DEADLINE = "Appeal for DEADLINE-SECRET-CLIENT"
TASK = "Visit TASK-SECRET-WITNESS in Almaty"
FILENAME = "FILENAME-SECRET-passport.pdf"
ATTACHMENT = b"%PDF-1.4 ATTACHMENT-SECRET-BYTES " + bytes(range(256)) * 4
SECRETS = [SUMMARY, NOTE, DEADLINE, TASK, FILENAME]
NEEDLES = [s.encode() for s in SECRETS] + [b"ATTACHMENT-SECRET-BYTES", "Тайная".encode()]


@pytest.fixture()
def built(tmp_path):
    db = tmp_path / "case.db"
    return db, webstore.build(db)


@pytest.fixture()
def key_file(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "keys" / "casefile.key"
    path.parent.mkdir()
    assert main(["casefile-key", "new", "--out", str(path)]) == 0
    monkeypatch.setenv(KEY_FILE_ENV, str(path))
    monkeypatch.delenv(KEY_ENV, raising=False)
    return path


def _fill(store, person_id: str) -> dict:
    store.update_case(person_id, "lawyer", status="detained", summary=SUMMARY, next_hearing="2026-05-01")
    return {"deadline": store.add_deadline(person_id, DEADLINE, "2026-04-01", "lawyer"),
            "task": store.add_task(person_id, TASK, "2026-04-02", "lawyer"),
            "note": store.add_note(person_id, NOTE, "lawyer"),
            "other_note": store.add_note(person_id, "a second note", "lawyer"),
            "attachment": store.add_attachment(person_id, FILENAME, "application/pdf", ATTACHMENT, "lawyer")}


def _raw_values(db) -> list:
    """Every stored value of the case-file tables and the audit log, read with plain SQL."""
    with open_store(db) as store, store.engine.connect() as connection:
        values = []
        for table in ("case_files", "deadlines", "tasks", "notes", "attachments", "audit_log"):
            for row in connection.exec_driver_sql(f"SELECT * FROM {table}"):
                values.extend(row)
        return values


def _assert_no_plain_text(db) -> None:
    for value in _raw_values(db):
        raw = bytes(value) if isinstance(value, (bytes, memoryview)) else str(value).encode()
        for needle in NEEDLES:
            assert needle not in raw
    with open_store(db) as store:
        url = sa.make_url(store.url)
    if url.get_backend_name() == "sqlite":
        # The file itself, with its -wal: no copy anywhere, not even in free pages.
        for path in Path(url.database).parent.glob(Path(url.database).name + "*"):
            data = path.read_bytes()
            for needle in NEEDLES:
                assert needle not in data, (path.name, needle)


def _client(app, username: str = "lawyer") -> tuple[TestClient, dict]:
    client = TestClient(app)
    r = client.post("/api/login", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return client, {"X-CSRF-Token": r.json()["csrf_token"]}


def test_with_a_key_nothing_private_is_stored_in_plain_text_and_all_reads_back(built, key_file):
    db, ids = built
    pid = ids["yulia"]
    with open_store(db) as store:
        made = _fill(store, pid)
        case = store.case_file(pid)
        assert case["summary"] == SUMMARY and case["status"] == "detained"
        assert [d["title"] for d in case["deadlines"]] == [DEADLINE]
        assert [t["title"] for t in case["tasks"]] == [TASK]
        assert NOTE in [n["body"] for n in case["notes"]]
        assert [a["filename"] for a in case["attachments"]] == [FILENAME]
        found = store.attachment(made["attachment"])
        assert (found["data"], found["filename"]) == (ATTACHMENT, FILENAME)
        due = store.dashboard(dt_date("2026-03-30"))
        assert [d["title"] for d in due["deadlines"]] == [DEADLINE] and [t["title"] for t in due["tasks"]] == [TASK]
        assert [r["title"] for r in store.due_reminders(dt_date("2026-03-30"))] == [DEADLINE]
    _assert_no_plain_text(db)
    with open_store(db) as store, store.engine.connect() as connection:
        body = connection.execute(sa.text("SELECT body FROM notes WHERE id = :id"), {"id": made["note"]}).scalar()
        data = connection.execute(sa.text("SELECT data FROM attachments")).scalar()
    assert body.startswith("kcf1:") and bytes(data).startswith(b"\x00kcf1\x00")
    # A second sealing of the same text differs (a fresh nonce per value).
    with open_store(db) as store:
        second = store.add_note(pid, NOTE, "lawyer")
        with store.engine.connect() as connection:
            bodies = connection.execute(sa.text("SELECT body FROM notes WHERE id IN (:a, :b)"),
                                        {"a": made["note"], "b": second}).scalars().all()
    assert len(set(bodies)) == 2


def dt_date(text: str):
    import datetime as dt
    return dt.date.fromisoformat(text)


def test_the_web_case_page_reads_sealed_files_and_says_503_without_the_key(built, key_file, monkeypatch):
    db, ids = built
    pid = ids["yulia"]
    app = create_app(db)
    try:
        client, headers = _client(app)
        assert client.put(f"/api/cases/{pid}", headers=headers, json={"summary": SUMMARY}).status_code == 200
        assert client.post(f"/api/cases/{pid}/notes", headers=headers, json={"body": NOTE}).status_code == 201
        with open_store(db) as store:
            attachment_id = store.add_attachment(pid, FILENAME, "application/pdf", ATTACHMENT, "lawyer")
        page = client.get(f"/cases/{pid}")
        assert page.status_code == 200
        assert "SUMMARY-SECRET" in page.text and "NOTE-SECRET-SIGNAL" in page.text and FILENAME in page.text
        assert "kcf1:" not in page.text
        assert client.get(f"/attachments/{attachment_id}").content == ATTACHMENT
    finally:
        app.state.store.close()
    _assert_no_plain_text(db)
    monkeypatch.delenv(KEY_FILE_ENV)
    app = create_app(db)
    try:
        client, _ = _client(app)
        for path in (f"/cases/{pid}", f"/api/cases/{pid}", f"/attachments/{attachment_id}", "/dashboard"):
            r = client.get(path)
            assert r.status_code == 503, path
            assert KEY_FILE_ENV in r.text and "kcf1:" not in r.text and "SECRET" not in r.text
        # The person page, with nothing private on it, still works.
        assert client.get(f"/persons/{pid}").status_code == 200
    finally:
        app.state.store.close()


def test_a_value_copied_to_another_row_fails_to_open(built, key_file):
    db, ids = built
    with open_store(db) as store:
        made = _fill(store, ids["yulia"])
        with store.engine.begin() as connection:
            sealed = connection.execute(sa.text("SELECT body FROM notes WHERE id = :id"),
                                        {"id": made["note"]}).scalar()
            connection.execute(sa.text("UPDATE notes SET body = :body WHERE id = :id"),
                               {"body": sealed, "id": made["other_note"]})
        with pytest.raises(CaseFileKeyError, match="copied from another row") as failure:
            store.case_file(ids["yulia"])
        assert "SECRET" not in str(failure.value)
    # The same ciphertext in another column of the same row fails too.
    cipher = CaseFileCipher(read_key_file(key_file))
    moved = cipher.seal("deadlines", "title", 1, "x")
    with pytest.raises(CaseFileKeyError):
        cipher.open("tasks", "title", 1, moved)
    assert cipher.open("deadlines", "title", 1, moved) == "x"


def test_without_the_key_reading_and_writing_stop_clearly(built, key_file, monkeypatch, tmp_path):
    db, ids = built
    pid = ids["yulia"]
    with open_store(db) as store:
        _fill(store, pid)
    monkeypatch.delenv(KEY_FILE_ENV)
    with open_store(db) as store:
        with pytest.raises(CaseFileKeyMissing, match=KEY_FILE_ENV):
            store.case_file(pid)
        with pytest.raises(CaseFileKeyMissing):
            store.attachment(1)
        with pytest.raises(CaseFileKeyMissing):
            store.dashboard()
        # Nor does a write go in as plain text beside the sealed values.
        with pytest.raises(CaseFileKeyMissing):
            store.add_note(ids["timur"], "PLAIN-NOTE-WITHOUT-KEY", "lawyer")
        assert store.person_record(pid)["name"]       # the rest of the store works
    assert all("PLAIN-NOTE-WITHOUT-KEY" not in str(v) for v in _raw_values(db))
    # Another key is named as such, not mistaken for damage.
    other = tmp_path / "other.key"
    write_new_key_file(other)
    monkeypatch.setenv(KEY_FILE_ENV, str(other))
    with open_store(db) as store, pytest.raises(CaseFileKeyError, match="is not this store's"):
        store.case_file(pid)
    # The CLI says so in one line, no traceback.
    monkeypatch.delenv(KEY_FILE_ENV)
    assert main(["casefile-key", "encrypt-existing", "--db", str(db)]) == 2


def test_encrypt_existing_seals_plain_values_and_their_audit_copies_once(built, tmp_path, monkeypatch, capsys):
    db, ids = built
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)
    monkeypatch.delenv(KEY_ENV, raising=False)
    with open_store(db) as store:
        made = _fill(store, ids["yulia"])
        store.update_case(ids["timur"], "lawyer", summary="Timur: TIMUR-SECRET")
    assert any(SUMMARY in str(v) for v in _raw_values(db))      # plain before
    key = tmp_path / "k.key"
    write_new_key_file(key)
    # A key given in the environment variable works as well as a key file.
    monkeypatch.setenv(KEY_ENV, key.read_text().strip())
    assert main(["casefile-key", "encrypt-existing", "--db", str(db)]) == 0
    assert "sealed 8 case-file values" in capsys.readouterr().err
    _assert_no_plain_text(db)
    assert all("TIMUR-SECRET" not in str(v) for v in _raw_values(db))
    assert main(["casefile-key", "encrypt-existing", "--db", str(db)]) == 0
    assert "sealed 0 case-file values (8 already were)" in capsys.readouterr().err
    with open_store(db) as store:
        assert store.case_file(ids["yulia"])["summary"] == SUMMARY
        assert store.case_file(ids["timur"])["summary"] == "Timur: TIMUR-SECRET"
        assert store.attachment(made["attachment"])["data"] == ATTACHMENT
        # The audit log keeps that something changed, as a hash of the words.
        entries = store.audit_entries(entity="deadline")
        assert entries[0]["after"]["title"].startswith("sha256:")
        # Merging two sealed case files seals the joined summary for the surviving person.
        store.merge_persons(ids["yulia"], ids["timur"], "monitor")
        assert store.case_file(ids["yulia"])["summary"] == SUMMARY + "\n\nTimur: TIMUR-SECRET"


def test_rotation_seals_everything_with_the_new_key(built, key_file, monkeypatch, tmp_path, capsys):
    db, ids = built
    with open_store(db) as store:
        made = _fill(store, ids["yulia"])
    new = tmp_path / "new.key"
    assert main(["casefile-key", "new", "--out", str(new)]) == 0
    new_id = CaseFileCipher(read_key_file(new)).key_id
    assert main(["casefile-key", "rotate", "--old-key-file", str(key_file), "--new-key-file", str(new),
                 "--db", str(db)]) == 0
    assert "sealed 7 case-file values" in capsys.readouterr().err
    sealed = [v for v in _raw_values(db) if isinstance(v, str) and v.startswith("kcf1:")]
    assert sealed and all(v.startswith(f"kcf1:{new_id}:") for v in sealed)
    _assert_no_plain_text(db)
    with open_store(db) as store, pytest.raises(CaseFileKeyError, match="is not this store's"):
        store.case_file(ids["yulia"])                     # the old key no longer opens the store
    monkeypatch.setenv(KEY_FILE_ENV, str(new))
    with open_store(db) as store:
        assert store.case_file(ids["yulia"])["summary"] == SUMMARY
        assert store.attachment(made["attachment"])["data"] == ATTACHMENT
    # Rotating again with the same pair is a no-op.
    assert main(["casefile-key", "rotate", "--old-key-file", str(key_file), "--new-key-file", str(new),
                 "--db", str(db)]) == 0
    assert "sealed 0 case-file values" in capsys.readouterr().err


def test_key_files_are_private_and_checked(tmp_path, monkeypatch, capsys):
    path = tmp_path / "casefile.key"
    assert main(["casefile-key", "new", "--out", str(path)]) == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(base64.b64decode(path.read_text().strip())) == 32
    before = path.read_bytes()
    assert main(["casefile-key", "new", "--out", str(path)]) == 2          # never overwritten
    assert path.read_bytes() == before
    assert len(read_key_file(path)) == 32
    os.chmod(path, 0o640)
    with pytest.raises(CaseFileKeyError, match="readable by group or others.*chmod 600"):
        read_key_file(path)
    os.chmod(path, 0o604)
    with pytest.raises(CaseFileKeyError, match="readable by group or others"):
        read_key_file(path)
    bad = tmp_path / "bad.key"
    bad.write_text("not a key at all\n")
    os.chmod(bad, 0o600)
    with pytest.raises(CaseFileKeyError, match="not a case-file key") as failure:
        read_key_file(bad)
    assert "not a key at all" not in str(failure.value)
    monkeypatch.setenv(KEY_FILE_ENV, str(tmp_path / "missing.key"))
    db = tmp_path / "s.db"
    with open_store(db) as store, pytest.raises(CaseFileKeyError, match="missing.key"):
        store.case_file("p-nobody")
