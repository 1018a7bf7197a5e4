"""`khronika casefile-key`: the key that seals the private case files (AES-GCM,
khronika/store/casefile_crypto.py), kept outside the database.

    khronika casefile-key new --out /etc/khronika/casefile.key     # a fresh key, mode 0600
    export KHRONIKA_CASEFILE_KEY_FILE=/etc/khronika/casefile.key
    khronika casefile-key encrypt-existing                         # seal what was stored plain
    khronika casefile-key rotate --old-key-file OLD --new-key-file NEW

Keys are only ever read from files (or $KHRONIKA_CASEFILE_KEY), never taken
on the command line, where `ps` would show them.
"""
from __future__ import annotations

import sys

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def cmd_new(args) -> int:
    from .store.casefile_crypto import KEY_FILE_ENV, write_new_key_file
    try:
        key_id = write_new_key_file(args.out)
    except FileExistsError:
        print(f"khronika: {args.out} exists; a key file is never overwritten", file=sys.stderr)
        return EXIT_USAGE
    print(f"khronika: new case-file key {key_id} in {args.out} (mode 0600). Set {KEY_FILE_ENV}={args.out} "
          "for every khronika process, and keep a copy of the file apart from the database backups: "
          "without it the sealed case files cannot be read", file=sys.stderr)
    return EXIT_OK


def cmd_encrypt_existing(args) -> int:
    from .store import open_store
    from .store.casefile_crypto import CaseFileCipher, key_from_environment, missing_key
    from .store.casefile_reseal import reseal_case_files
    key = key_from_environment()
    if key is None:
        raise missing_key()
    with open_store(args.db) as store:
        counts = reseal_case_files(store, CaseFileCipher(key))
    _report(counts)
    return EXIT_OK


def cmd_rotate(args) -> int:
    from .store import open_store
    from .store.casefile_crypto import KEY_FILE_ENV, CaseFileCipher, read_key_file
    from .store.casefile_reseal import reseal_case_files
    old, new = read_key_file(args.old_key_file), read_key_file(args.new_key_file)
    cipher = CaseFileCipher(new, old)
    with open_store(args.db) as store:
        counts = reseal_case_files(store, cipher)
    _report(counts)
    print(f"khronika: the case files are now sealed with key {cipher.key_id}: set {KEY_FILE_ENV}="
          f"{args.new_key_file} for every khronika process; keep the old key only as long as "
          "backups made before the rotation", file=sys.stderr)
    return EXIT_OK


def cmd_status(args) -> int:
    from .store import open_store
    from .store.casefile_crypto import key_from_environment, key_id
    from .store.casefiles import store_key_id
    key = key_from_environment()
    with open_store(args.db) as store, store._reading() as connection:
        sealed_with = store_key_id(connection)
    print(f"store: {'sealed with key ' + sealed_with if sealed_with else 'case files not sealed'}")
    print(f"configured key: {key_id(key) if key else 'none'}")
    return EXIT_OK if key is None or sealed_with in (None, key_id(key)) else EXIT_FAILED


def _report(counts: dict[str, int]) -> None:
    print(f"khronika: sealed {counts['sealed']} case-file values ({counts['already']} already were); "
          f"{counts['audit']} audit rows now hold hashes instead of case-file text", file=sys.stderr)


def add_commands(sub, db_option) -> None:
    p = sub.add_parser("casefile-key", help="the key sealing the private case files (AES-GCM): new, "
                                            "encrypt-existing, rotate, status")
    keys = p.add_subparsers(dest="casefile_command", required=True)
    q = keys.add_parser("new", help="write a fresh random key to a new file of mode 0600")
    q.add_argument("--out", required=True, metavar="FILE")
    q.set_defaults(func=cmd_new)
    q = keys.add_parser("encrypt-existing", help="seal the case-file values stored in plain text "
                                                 "(key: $KHRONIKA_CASEFILE_KEY_FILE; safe to rerun)")
    db_option(q)
    q.set_defaults(func=cmd_encrypt_existing)
    q = keys.add_parser("rotate", help="seal every case-file value again with a new key")
    q.add_argument("--old-key-file", required=True, metavar="FILE")
    q.add_argument("--new-key-file", required=True, metavar="FILE", help="from `casefile-key new`")
    db_option(q)
    q.set_defaults(func=cmd_rotate)
    q = keys.add_parser("status", help="which key the store is sealed with, and which one is configured")
    db_option(q)
    q.set_defaults(func=cmd_status)
