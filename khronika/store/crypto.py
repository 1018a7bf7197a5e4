"""Encryption at rest: SQLite stores kept as SQLCipher files.

A store file whose first 16 bytes are not SQLite's header ("SQLite format 3\\0")
is an SQLCipher file. Its passphrase comes from $KHRONIKA_PASSPHRASE or, on a
terminal, from a prompt; never from the command line. SQLCipher derives the
page key from the passphrase with PBKDF2 and the file's own salt, and encrypts
the -wal file too (the -shm file holds only WAL indexes, no row data).
"""
from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

PASSPHRASE_ENV = "KHRONIKA_PASSPHRASE"
NEW_PASSPHRASE_ENV = "KHRONIKA_NEW_PASSPHRASE"
SQLITE_HEADER = b"SQLite format 3\x00"
_LOCKED = "store is encrypted: set KHRONIKA_PASSPHRASE or run interactively"


class StoreLocked(Exception):
    """An encrypted store could not be opened: no passphrase, a wrong one, or no SQLCipher."""


def is_encrypted(path: str | os.PathLike) -> bool:
    """True for an existing, non-empty file that does not start with SQLite's header."""
    try:
        with open(path, "rb") as f:
            head = f.read(16)
    except (FileNotFoundError, IsADirectoryError):
        return False
    return bool(head) and head != SQLITE_HEADER


def read_passphrase(env: str = PASSPHRASE_ENV, *, prompt: str = "Store passphrase: ",
                    confirm: bool = False) -> str:
    """The passphrase from `env`, else from a prompt on a terminal (typed twice with
    `confirm`); StoreLocked when neither is available."""
    value = os.environ.get(env)
    if value is None:
        if not sys.stdin.isatty():
            raise StoreLocked(_LOCKED if env == PASSPHRASE_ENV
                              else f"set {env} or run interactively")
        import getpass
        value = getpass.getpass(prompt)
        if confirm and getpass.getpass("Again: ") != value:
            raise StoreLocked("the passphrases differ")
    if not value:
        raise StoreLocked("the passphrase is empty")
    return value


def quote(passphrase: str) -> str:
    """The passphrase as an SQL string literal (PRAGMA key takes no parameters)."""
    if "\x00" in passphrase:
        raise StoreLocked("the passphrase contains a NUL character")
    return "'" + passphrase.replace("'", "''") + "'"


def _dbapi():
    try:
        from sqlcipher3 import dbapi2
    except ImportError as error:  # pragma: no cover - the `encrypt` extra is missing
        raise StoreLocked("an encrypted store needs SQLCipher: pip install 'khronika[encrypt]'") from error
    return dbapi2


def connect(database: str, passphrase: str, **kwargs):
    """An sqlcipher3 connection to `database`, keyed and checked; StoreLocked if the key is wrong."""
    dbapi = _dbapi()
    connection = dbapi.connect(database, **kwargs)
    try:
        connection.execute("PRAGMA cipher_log_level = NONE")  # no "hmac check failed" on stderr
        connection.execute(f"PRAGMA key = {quote(passphrase)}")
        connection.execute("SELECT count(*) FROM sqlite_master").fetchall()
    except dbapi.DatabaseError as error:
        connection.close()
        raise StoreLocked(f"wrong passphrase for the encrypted store {database} "
                          "(or not a Khronika store)") from error
    return connection


def engine_options(database: str, *, create: bool = False) -> dict | None:
    """create_engine options for an encrypted SQLite file (a new one with `create`),
    or None for a plain file."""
    encrypted = is_encrypted(database)
    if not encrypted and not (create and _empty(database)):
        return None
    passphrase = read_passphrase(confirm=not encrypted)
    dbapi = _dbapi()
    connect(database, passphrase, check_same_thread=False).close()  # fail now, not in a pool thread
    creator: Callable = lambda: connect(database, passphrase, check_same_thread=False)
    return {"creator": creator, "module": dbapi}


def _empty(database: str) -> bool:
    path = Path(database)
    return not path.exists() or path.stat().st_size == 0


def rekey(database: str, old: str, new: str) -> None:
    """Re-encrypt `database` under a new passphrase (PRAGMA rekey)."""
    connection = connect(database, old)
    try:
        connection.execute(f"PRAGMA rekey = {quote(new)}")
        connection.commit()
    finally:
        connection.close()
