"""Encryption at rest (SQLCipher stores) and age-encrypted exports, through the real CLI.

Real subprocesses of `khronika`, a real SQLCipher file; the passphrase only ever in
the environment. SQLite files only: PostgreSQL runs skip this module.
"""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("sqlcipher3")
pyrage = pytest.importorskip("pyrage")

if os.environ.get("KHRONIKA_TEST_DB", "").startswith("postgres"):
    pytest.skip("SQLCipher is a SQLite feature", allow_module_level=True)

REPO_ROOT = Path(__file__).resolve().parent.parent
SAMPLE = REPO_ROOT / "corpus" / "kz-extraditions-2026.ru.txt"
PASSPHRASE = "correct horse ' battery \" staple; DROP TABLE x"  # quotes: the PRAGMA must quote it
NAMES = ("Муртазов", "Жилин", "Касимов")
LOCKED = "store is encrypted: set KHRONIKA_PASSPHRASE or run interactively"


def env(**extra: str) -> dict[str, str]:
    e = {k: v for k, v in os.environ.items()
         if k not in ("KHRONIKA_DB", "KHRONIKA_PASSPHRASE", "KHRONIKA_NEW_PASSPHRASE")}
    e["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), e.get("PYTHONPATH")) if p)
    e["PYTHONIOENCODING"] = "utf-8"
    e.update(extra)
    return e


def khronika(*args, cwd: Path, passphrase: str | None = PASSPHRASE, **extra) -> subprocess.CompletedProcess:
    e = env(**extra) if passphrase is None else env(KHRONIKA_PASSPHRASE=passphrase, **extra)
    return subprocess.run([sys.executable, "-m", "khronika.cli", *map(str, args)], cwd=cwd, env=e,
                          stdin=subprocess.DEVNULL, capture_output=True, timeout=300, check=False)


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    """An encrypted store holding the bundled sample."""
    work = tmp_path_factory.mktemp("enc")
    db = work / "case.db"
    r = khronika("init", "--db", db, "--encrypt", cwd=work)
    assert r.returncode == 0, r.stderr.decode()
    r = khronika("ingest", SAMPLE, "--db", db, cwd=work)
    assert r.returncode == 0, r.stderr.decode()
    # Confirm the events (the public exports and dossiers read confirmed ones only).
    import sqlalchemy as sa

    from khronika.store import open_store
    os.environ["KHRONIKA_PASSPHRASE"] = PASSPHRASE
    try:
        with open_store(db) as store, store.engine.connect() as connection:
            event_ids = connection.execute(sa.text("SELECT id FROM events")).scalars().all()
            connection.rollback()
            for event_id in event_ids:
                store.review_event(event_id, "confirmed", "tester")
    finally:
        del os.environ["KHRONIKA_PASSPHRASE"]
    assert event_ids
    return db


def test_commands_work_on_the_encrypted_store(store):
    persons = khronika("persons", "--db", store, cwd=store.parent)
    assert persons.returncode == 0, persons.stderr.decode()
    assert "Муртазов" in persons.stdout.decode()
    timeline = khronika("timeline", "Муртазов", "--db", store, cwd=store.parent)
    assert timeline.returncode == 0, timeline.stderr.decode()
    assert "Муртазов" in timeline.stdout.decode()
    export = khronika("export", "--format", "json", "--db", store, cwd=store.parent)
    assert export.returncode == 0, export.stderr.decode()
    assert export.stdout.lstrip().startswith((b"{", b"["))


def test_the_file_is_ciphertext(store):
    with pytest.raises(sqlite3.DatabaseError):
        connection = sqlite3.connect(store)
        try:
            connection.execute("SELECT count(*) FROM sqlite_master").fetchall()
        finally:
            connection.close()
    files = [p for p in store.parent.iterdir() if p.name.startswith(store.name)]
    assert store in files
    for path in files:
        raw = path.read_bytes()
        assert b"SQLite format 3" not in raw, path
        for name in NAMES:
            assert name.encode("utf-8") not in raw, (path, name)
        assert oct(path.stat().st_mode & 0o777) == oct(0o600), path


def test_missing_passphrase_is_one_clear_error(store):
    for command in (["persons"], ["timeline"], ["export", "--format", "json"]):
        r = khronika(*command, "--db", store, cwd=store.parent, passphrase=None)
        assert r.returncode != 0
        err = r.stderr.decode()
        assert LOCKED in err and "Traceback" not in err, err


def test_wrong_passphrase_is_a_clear_error(store):
    r = khronika("persons", "--db", store, cwd=store.parent, passphrase="not it")
    assert r.returncode != 0
    err = r.stderr.decode()
    assert "wrong passphrase" in err and "Traceback" not in err, err
    assert "hmac" not in err  # SQLCipher's own log stays quiet


def test_rekey(tmp_path):
    db = tmp_path / "k.db"
    assert khronika("init", "--db", db, "--encrypt", cwd=tmp_path, passphrase="old one").returncode == 0
    r = khronika("rekey", "--db", db, cwd=tmp_path, passphrase="old one", KHRONIKA_NEW_PASSPHRASE="new one")
    assert r.returncode == 0, r.stderr.decode()
    assert khronika("persons", "--db", db, cwd=tmp_path, passphrase="new one").returncode == 0
    old = khronika("persons", "--db", db, cwd=tmp_path, passphrase="old one")
    assert old.returncode != 0 and b"wrong passphrase" in old.stderr
    # A wrong old passphrase changes nothing.
    r = khronika("rekey", "--db", db, cwd=tmp_path, passphrase="old one", KHRONIKA_NEW_PASSPHRASE="x")
    assert r.returncode != 0 and b"wrong passphrase" in r.stderr
    assert khronika("persons", "--db", db, cwd=tmp_path, passphrase="new one").returncode == 0


def test_init_refuses_to_encrypt_a_plain_store(tmp_path):
    db = tmp_path / "plain.db"
    assert khronika("init", "--db", db, cwd=tmp_path).returncode == 0
    assert db.read_bytes()[:16] == b"SQLite format 3\x00"
    r = khronika("init", "--db", db, "--encrypt", cwd=tmp_path)
    assert r.returncode != 0 and b"unencrypted" in r.stderr


def test_web_app_serves_from_the_encrypted_store(store, monkeypatch):
    from fastapi.testclient import TestClient

    from khronika.store import open_store
    from khronika.store.crypto import StoreLocked
    from khronika.web.app import create_app
    monkeypatch.delenv("KHRONIKA_PASSPHRASE", raising=False)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False, raising=False)
    with pytest.raises(StoreLocked, match="store is encrypted"):
        open_store(store)
    r = khronika("users", "add", "reader", "--role", "lawyer", "--password-env", "PW", "--db", store,
                 cwd=store.parent, PW="a long viewer password")
    assert r.returncode == 0, r.stderr.decode()
    monkeypatch.setenv("KHRONIKA_PASSPHRASE", PASSPHRASE)
    with TestClient(create_app(store)) as client:
        login = client.post("/api/login", json={"username": "reader", "password": "a long viewer password"})
        assert login.status_code == 200, login.text
        home = client.get("/")
        assert home.status_code == 200
        assert "Муртазов" in home.text


def test_age_encrypted_export_and_dossier(store, tmp_path):
    identity = pyrage.x25519.Identity.generate()
    other = pyrage.x25519.Identity.generate()
    recipient = str(identity.to_public())
    out = tmp_path / "export.json.age"
    r = khronika("export", "--format", "json", "--out", out, "--age-recipient", recipient,
                 "--age-recipient", str(other.to_public()), "--db", store, cwd=tmp_path)
    assert r.returncode == 0, r.stderr.decode()
    raw = out.read_bytes()
    assert raw.startswith(b"age-encryption.org/v1")
    assert "Муртазов".encode() not in raw
    plain = khronika("export", "--format", "json", "--db", store, cwd=tmp_path).stdout
    assert pyrage.decrypt(raw, [identity]) == plain
    assert pyrage.decrypt(raw, [other]) == plain
    assert list(tmp_path.iterdir()) == [out]  # no plaintext left beside it

    r = khronika("dossier", "Зелимхан Муртазов", "--age-recipient", recipient, "--include-case-file",
                 "--db", store, cwd=tmp_path)
    assert r.returncode == 0, r.stderr.decode()
    assert r.stdout.startswith(b"age-encryption.org/v1") and "Муртазов".encode() not in r.stdout
    assert "Муртазов" in pyrage.decrypt(r.stdout, [identity]).decode("utf-8")
    with pytest.raises(pyrage.DecryptError):
        pyrage.decrypt(r.stdout, [pyrage.x25519.Identity.generate()])

    bad = khronika("export", "--format", "json", "--age-recipient", "age1nope", "--db", store, cwd=tmp_path)
    assert bad.returncode == 2 and b"not an age public key" in bad.stderr


def test_the_wal_file_is_ciphertext_too(tmp_path, monkeypatch):
    from khronika.pipeline import ingest
    from khronika.store import open_store
    monkeypatch.setenv("KHRONIKA_PASSPHRASE", PASSPHRASE)
    db = tmp_path / "wal.db"
    with open_store(db, encrypt=True) as store:
        connection = store.engine.connect()  # held open: the -wal file stays, not checkpointed away
        try:
            ingest([str(SAMPLE)], store)
            wal = tmp_path / "wal.db-wal"
            raw = wal.read_bytes()
            assert len(raw) > 4096
            for name in NAMES:
                assert name.encode("utf-8") not in raw, name
            assert "Муртазов" in " ".join(p.name for p in store.persons())
        finally:
            connection.close()
