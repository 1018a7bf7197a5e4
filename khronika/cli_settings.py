"""`khronika sources` and `khronika rules`: settings kept in the database
(see khronika/store/settings.py); khronika.toml is read and written only by
`import` and `export`."""
from __future__ import annotations

import sys

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2


def import_export(store, args) -> int:
    from .store import settings
    if args.action == "import":
        n_sources, n_rules = settings.import_toml(store, args.file)
        print(f"imported {n_sources} source(s) and {n_rules} rule(s) from {args.file}")
    else:
        path = settings.export_toml(store, args.file)
        print(f"exported {len(store.sources())} source(s) and {len(store.rules())} rule(s) to {path}")
    return EXIT_OK


def cmd_sources(args) -> int:
    from .store import open_store, settings
    try:
        with open_store(args.db) as store:
            if args.action in ("import", "export"):
                return import_export(store, args)
            if args.action == "list":
                for s in settings.list_sources(store):
                    flags = ", ".join(f for f, on in (("local", s.local), ("ignores robots.txt", not s.robots))
                                      if on)
                    print(f"{s.id}  {s.kind:<8} every {s.every_s:g}s  {s.url}" + (f"  ({flags})" if flags else ""))
                return EXIT_OK
            if args.action == "add":
                source = settings.add_source(store, settings.make_source(
                    args.url, kind=args.kind, every=args.every, local=args.local, robots=not args.no_robots,
                    name=args.name))
                print(f"added {source.kind} {source.url} (every {source.every_s:g}s)")
                return EXIT_OK
            if settings.remove_source(store, args.url):
                print(f"removed source {args.url}")
                return EXIT_OK
            print(f"khronika: no source {args.url!r}", file=sys.stderr)
            return EXIT_SOME_FAILED
    except settings.ConfigError as exc:
        print(f"khronika: {exc}", file=sys.stderr)
        return EXIT_USAGE


def add_io_parsers(subparsers, db_option, what: str) -> None:
    """`import FILE` and `export FILE` under `sources` or `rules`: both move sources and rules."""
    q = subparsers.add_parser("import", help="add the sources and rules of a khronika.toml to the database")
    q.add_argument("file")
    db_option(q)
    q = subparsers.add_parser("export", help="write the database's sources and rules to a khronika.toml "
                                             "(secrets left out)")
    q.add_argument("file")
    db_option(q)
