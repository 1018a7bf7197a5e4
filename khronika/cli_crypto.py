"""The CLI's encryption commands (`init --encrypt`, `rekey`) and age-encrypted output
(`export`/`dossier --age-recipient`). Passphrases come from the environment or a prompt only."""
from __future__ import annotations

import argparse
import contextlib
import io
import sys

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def age_recipient(text: str):
    """argparse type: an age X25519 public key ("age1...")."""
    try:
        import pyrage
    except ImportError as error:  # pragma: no cover - the `encrypt` extra is missing
        raise argparse.ArgumentTypeError("age output needs pyrage: pip install 'khronika[encrypt]'") from error
    try:
        return pyrage.x25519.Recipient.from_str(text.strip())
    except Exception as error:  # pyrage raises its own RecipientError
        raise argparse.ArgumentTypeError(f"not an age public key (age1...): {text!r}") from error


@contextlib.contextmanager
def age_output(path: str | None, recipients: list, *, binary: bool = False, newline: str | None = None):
    """A buffer in memory whose content is written, age-encrypted to `recipients`, to `path`
    (stdout for None or "-") when the block ends without error: no plaintext ever reaches a file."""
    import pyrage
    raw = io.BytesIO()
    out = raw if binary else io.TextIOWrapper(raw, encoding="utf-8", newline=newline, write_through=True)
    yield out
    if not binary:
        out.flush()
    ciphertext = pyrage.encrypt(raw.getvalue(), recipients)
    if path in (None, "-"):
        sys.stdout.buffer.write(ciphertext)
        sys.stdout.buffer.flush()
    else:
        with open(path, "wb") as f:
            f.write(ciphertext)


def cmd_init(args) -> int:
    import sqlalchemy as sa

    from .store import crypto, open_store, resolve_url
    url = sa.make_url(resolve_url(args.db))
    if args.encrypt:
        database = url.database if url.get_backend_name() == "sqlite" else None
        if not database or database == ":memory:":
            print("khronika: --encrypt needs a SQLite file for --db", file=sys.stderr)
            return EXIT_USAGE
        from pathlib import Path
        path = Path(database)
        if path.exists() and path.stat().st_size and not crypto.is_encrypted(path):
            print(f"khronika: {path} is an existing unencrypted store; --encrypt makes new stores only",
                  file=sys.stderr)
            return EXIT_USAGE
    with open_store(args.db, encrypt=args.encrypt):
        pass
    print(f"khronika: store ready at {url.database or url.render_as_string(hide_password=True)}"
          + (" (encrypted)" if args.encrypt else ""), file=sys.stderr)
    return EXIT_OK


def cmd_rekey(args) -> int:
    import sqlalchemy as sa

    from .store import crypto, resolve_url
    url = sa.make_url(resolve_url(args.db))
    database = url.database if url.get_backend_name() == "sqlite" else None
    if not database or not crypto.is_encrypted(database):
        print(f"khronika: {database or args.db} is not an encrypted store", file=sys.stderr)
        return EXIT_USAGE
    old = crypto.read_passphrase()
    crypto.connect(database, old).close()  # a wrong old passphrase fails before the new one is asked
    new = crypto.read_passphrase(crypto.NEW_PASSPHRASE_ENV, prompt="New passphrase: ", confirm=True)
    crypto.rekey(database, old, new)
    print(f"khronika: {database} now opens with the new passphrase", file=sys.stderr)
    return EXIT_OK


def add_commands(sub, db_option) -> None:
    p = sub.add_parser("init", help="create a store (--encrypt: an SQLCipher file, passphrase from "
                                    "$KHRONIKA_PASSPHRASE or a prompt)")
    p.add_argument("--encrypt", action="store_true", help="encrypt the store at rest (SQLCipher)")
    db_option(p)
    p.set_defaults(func=cmd_init)
    p = sub.add_parser("rekey", help="change an encrypted store's passphrase (old: $KHRONIKA_PASSPHRASE, "
                                     "new: $KHRONIKA_NEW_PASSPHRASE, or prompts)")
    db_option(p)
    p.set_defaults(func=cmd_rekey)


def age_option(p) -> None:
    p.add_argument("--age-recipient", action="append", type=age_recipient, metavar="AGE1...",
                   help="encrypt the output to this age public key (repeat for several)")
