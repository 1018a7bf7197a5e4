"""Case-file encryption: the private free text of case files sealed with
AES-256-GCM under a key kept outside the database (team mode, where SQLCipher
does not apply; allowed on a SQLite store too).

Sealed: case summaries, deadline and task titles, note bodies, attachments'
file names and bytes (`SEALED`). Each value gets a fresh random 96-bit nonce,
and its table, column and row id as associated data, so a ciphertext copied
to another row or column fails to open instead of showing another client's
words. A sealed text is "kcf1:<key id>:<base64 of nonce+ciphertext>"; sealed
bytes start with `BYTES_MAGIC`, then the key id's 4 bytes and the nonce. The
key id (a hash of the key, not the key) says which key sealed a value, so a
rotation can tell what is done and a wrong key is named as such.

The key: base64 of 32 random bytes, in the file named by
$KHRONIKA_CASEFILE_KEY_FILE (mode 0600 or stricter, refused otherwise) or in
$KHRONIKA_CASEFILE_KEY. Which key the store's values are sealed with is kept
in the audit log (entity "casefile_key"), so a process without the key, or
with another one, stops with a clear error instead of writing plaintext or a
second key's ciphertext beside the first.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
import stat
from pathlib import Path

from khronika.store.crypto import StoreLocked

KEY_FILE_ENV = "KHRONIKA_CASEFILE_KEY_FILE"
KEY_ENV = "KHRONIKA_CASEFILE_KEY"
KEY_BYTES = 32
NONCE_BYTES = 12
TEXT_PREFIX = "kcf1:"
BYTES_MAGIC = b"\x00kcf1\x00"
# table -> (row id column, sealed columns). Case statuses and hearing dates stay
# plain: the first is a short enum column, the second is what the dashboard sorts on.
SEALED: dict[str, tuple[str, tuple[str, ...]]] = {
    "case_files": ("person_id", ("summary",)),
    "deadlines": ("id", ("title",)),
    "tasks": ("id", ("title",)),
    "notes": ("id", ("body",)),
    "attachments": ("id", ("filename", "data")),
}
# Fields of audit rows that would repeat a sealed value in plain text.
AUDITED_PRIVATE_FIELDS = ("summary", "title", "filename", "body")
_HASHED = re.compile(r"sha256:[0-9a-f]{64}")
_SEALED_TEXT = re.compile(r"kcf1:([0-9a-f]{8}):([A-Za-z0-9+/]{38,}={0,2})")


class CaseFileKeyError(StoreLocked):
    """Sealed case files cannot be read or written: no key, the wrong key, a bad key
    file, or a value that fails to authenticate. The message never holds private data."""


class CaseFileKeyMissing(CaseFileKeyError):
    pass


def key_id(key: bytes) -> str:
    """A short public name of a key (a hash, never the key)."""
    return hashlib.sha256(b"khronika case-file key id\x00" + key).hexdigest()[:8]


def parse_key(text: str | bytes, where: str) -> bytes:
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != KEY_BYTES:
        raise CaseFileKeyError(f"{where} is not a case-file key (base64 of {KEY_BYTES} bytes; "
                               "make one with `khronika casefile-key new --out FILE`)")
    return key


def read_key_file(path: str | os.PathLike) -> bytes:
    """The key in `path`, refused when the file may be read by anyone but its owner."""
    path = Path(path)
    try:
        info = path.stat()
    except OSError as error:
        raise CaseFileKeyError(f"case-file key file {path}: {error.strerror}") from None
    if not stat.S_ISREG(info.st_mode):
        raise CaseFileKeyError(f"case-file key file {path} is not a regular file")
    if info.st_mode & 0o077:
        raise CaseFileKeyError(f"case-file key file {path} is readable by group or others (mode "
                               f"{stat.S_IMODE(info.st_mode):04o}): run chmod 600 {path}")
    return parse_key(path.read_bytes(), f"case-file key file {path}")


def key_from_environment() -> bytes | None:
    """$KHRONIKA_CASEFILE_KEY_FILE's key, else $KHRONIKA_CASEFILE_KEY's, else None."""
    if os.environ.get(KEY_FILE_ENV):
        return read_key_file(os.environ[KEY_FILE_ENV])
    if os.environ.get(KEY_ENV):
        return parse_key(os.environ[KEY_ENV], f"${KEY_ENV}")
    return None


def write_new_key_file(path: str | os.PathLike) -> str:
    """A fresh random key in a new file of mode 0600 (never over an existing file); its id."""
    key = os.urandom(KEY_BYTES)
    # O_EXCL with the mode at creation: the key is never in a file others could open.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(base64.b64encode(key) + b"\n")
    return key_id(key)


def is_sealed(value) -> bool:
    if isinstance(value, str):
        return _SEALED_TEXT.fullmatch(value) is not None
    if isinstance(value, (bytes, memoryview)):
        return bytes(value[:len(BYTES_MAGIC)]) == BYTES_MAGIC
    return False


def sealed_key_id(value) -> str:
    if isinstance(value, str):
        return value[len(TEXT_PREFIX):len(TEXT_PREFIX) + 8]
    return bytes(value[len(BYTES_MAGIC):len(BYTES_MAGIC) + 4]).hex()


def _associated(table: str, column: str, row_id) -> bytes:
    return f"khronika case file v1\x00{table}\x00{column}\x00{row_id}".encode()


class CaseFileCipher:
    """Seals with `key`; opens what `key` or any of `older` sealed (during a rotation)."""

    def __init__(self, key: bytes, *older: bytes):
        try:
            from cryptography.hazmat.primitives.ciphers.aead import AESGCM
        except ImportError:  # pragma: no cover - installed with the `encrypt` and `postgres` extras
            raise CaseFileKeyError("a case-file key is configured but `cryptography` is not installed: "
                                   "pip install 'khronika[encrypt]'") from None
        self.key_id = key_id(key)
        self._current = AESGCM(key)
        self._keys = {key_id(k): AESGCM(k) for k in (*older, key)}

    @property
    def key_ids(self) -> tuple[str, ...]:
        return tuple(self._keys)

    def seal(self, table: str, column: str, row_id, value):
        """A str or bytes value sealed for one cell; None stays None."""
        if value is None:
            return None
        nonce = os.urandom(NONCE_BYTES)
        data = value.encode() if isinstance(value, str) else bytes(value)
        body = nonce + self._current.encrypt(nonce, data, _associated(table, column, row_id))
        if isinstance(value, str):
            return f"{TEXT_PREFIX}{self.key_id}:{base64.b64encode(body).decode()}"
        return BYTES_MAGIC + bytes.fromhex(self.key_id) + body

    def open(self, table: str, column: str, row_id, value):
        """A cell's value as written; plain values (stored before encryption) as they are."""
        if not is_sealed(value):
            return value
        from cryptography.exceptions import InvalidTag
        sealed_by = sealed_key_id(value)
        aead = self._keys.get(sealed_by)
        if aead is None:
            raise CaseFileKeyError(f"{table}.{column} of row {row_id} is sealed with case-file key "
                                   f"{sealed_by}, not with the configured key {self.key_id}")
        if isinstance(value, str):
            body = base64.b64decode(value.rpartition(":")[2])
        else:
            body = bytes(value)[len(BYTES_MAGIC) + 4:]
        try:
            data = aead.decrypt(body[:NONCE_BYTES], body[NONCE_BYTES:], _associated(table, column, row_id))
        except InvalidTag:
            raise CaseFileKeyError(f"{table}.{column} of row {row_id} fails authentication: "
                                   "altered, or copied from another row") from None
        return data.decode() if isinstance(value, str) else data


def open_cell(cipher: CaseFileCipher | None, table: str, column: str, row_id, value):
    """`value` opened with `cipher`; a sealed value without a cipher is an error, never text."""
    if cipher is None:
        if is_sealed(value):
            raise missing_key()
        return value
    return cipher.open(table, column, row_id, value)


def open_row(cipher: CaseFileCipher | None, table: str, row: dict) -> dict:
    """A row of a sealed table with its sealed columns opened (those it has)."""
    id_column, columns = SEALED[table]
    for column in columns:
        if column in row:
            row[column] = open_cell(cipher, table, column, row[id_column], row[column])
    return row


def missing_key() -> CaseFileKeyMissing:
    return CaseFileKeyMissing(f"the case files are encrypted: set {KEY_FILE_ENV} (a 0600 file) "
                              f"or {KEY_ENV} to the case-file key")


def redact(fields: dict | None) -> dict | None:
    """An audit row's fields without private text: a sealed value's words become their hash."""
    if not fields:
        return fields
    return {key: (f"sha256:{hashlib.sha256(value.encode()).hexdigest()}"
                  if key in AUDITED_PRIVATE_FIELDS and isinstance(value, str)
                  and not _HASHED.fullmatch(value) else value)
            for key, value in fields.items()}
