"""The `khronika` command."""
from __future__ import annotations

import argparse
import json
import sys

from . import __version__

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2


def _report_failures(failures) -> None:
    for failure in failures:
        print(f"khronika: cannot read {failure.path}: {failure.reason}", file=sys.stderr)


def cmd_extract(args) -> int:
    from .pipeline import contract_json, extract_documents, read_documents
    from .resolve import resolve
    docs, failures = read_documents(args.paths)
    _report_failures(failures)
    extractions = extract_documents(docs, jobs=args.jobs, progress=True)
    resolution = resolve(extractions)
    result = contract_json(extractions, resolution)
    if args.json:
        json.dump(result, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        names = {p["id"]: p for p in result["persons"]}
        for doc in result["documents"]:
            when = doc['published'] or 'frame ' + str(doc['frame'])
            note = f" — {doc['note']}" if doc.get("note") else ""
            print(f"# {doc['path']}  ({doc['language']}, {when}){note}")
        for pid, person in names.items():
            events = [e for e in result["events"] if e["person"] == pid]
            print(f"\n{person['name']} ({person['name_latin']}) — {person['role']}")
            for e in events:
                print(f"  {e['date'] or '—':<10} {e['type']:<22} {e['evidence'][:100]}")
    return EXIT_SOME_FAILED if failures else EXIT_OK


def cmd_ingest(args) -> int:
    from .pipeline import ingest
    from .store import open_store
    with open_store(args.db) as store:
        report = ingest(args.paths, store, jobs=args.jobs, progress=True)
        counts = store.counts()
    _report_failures(report.failures)
    for path, note in report.not_analysed:
        print(f"khronika: stored, {note}: {path}", file=sys.stderr)
    print(f"ingested {report.added} document(s), {report.events} event mention(s); "
          f"{report.skipped} already stored; {len(report.not_analysed)} not analysed; "
          f"{len(report.failures)} unreadable. "
          f"Store: {counts.get('documents', 0)} documents, {counts.get('persons', 0)} persons, "
          f"{counts.get('events', 0)} event mentions.")
    return EXIT_SOME_FAILED if report.failures else EXIT_OK


def _subjects(store, name: str | None):
    """Subjects, or the persons a typed name denotes in any case, script or spelling."""
    from .resolve import person_matches, query_forms
    if not name:
        return sorted((p for p in store.persons() if p.role == "subject"), key=lambda p: p.name)
    forms = query_forms(name)
    found = [p for p in store.persons() if person_matches(p, forms)]
    return sorted(found or store.find_persons(name), key=lambda p: p.name)


def cmd_timeline(args) -> int:
    from .store import open_store
    from .views import event_label, format_date
    with open_store(args.db) as store:
        persons = _subjects(store, args.name)
        if not persons:
            print(f"khronika: no person matches {args.name!r}" if args.name else "khronika: no cases yet",
                  file=sys.stderr)
            return EXIT_SOME_FAILED
        for person in persons:
            facts = store.timeline(person.id)
            if not facts and not args.name:
                continue
            extra = ", ".join(f"{k}: {v}" for k, v in person.attributes.items())
            print(f"\n{person.name} / {person.name_latin}" + (f"  ({extra})" if extra else ""))
            for fact in facts:
                where = f" — {fact.place}" if fact.place else ""
                charge = f" [{fact.charge}]" if fact.charge else ""
                print(f"  {format_date(fact.date):<16} {event_label(fact.type)}{charge}{where}")
                for src in fact.sources:
                    print(f"      «{_short(src.evidence)}» — {src.location}")
    return EXIT_OK


def _short(text: str, limit: int = 140) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def cmd_persons(args) -> int:
    from .store import open_store
    with open_store(args.db) as store:
        persons = store.persons()
        counts = {}
        for e in store.events():
            counts[e.person] = counts.get(e.person, 0) + 1
    for p in sorted(persons, key=lambda p: (p.role != "subject", p.name)):
        if args.role and p.role != args.role:
            continue
        aliases = f"  aka {', '.join(p.aliases)}" if p.aliases else ""
        print(f"{p.id}  {p.role:<10} {p.name} / {p.name_latin}  ({counts.get(p.id, 0)} events){aliases}")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="khronika", description="Sourced case chronicles from the news.")
    parser.add_argument("--version", action="version", version=f"khronika {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    def db_option(p):
        p.add_argument("--db", default=None,
                       help="SQLite file or SQLAlchemy URL (default: $KHRONIKA_DB or khronika.db)")

    def jobs_option(p):
        p.add_argument("--jobs", "-j", type=int, default=1, help="extraction processes (default 1)")

    p = sub.add_parser("extract", help="extract persons and events from documents (stateless)")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--json", action="store_true", help="print the machine-readable output contract")
    jobs_option(p)
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser("ingest", help="extract and store documents (idempotent)")
    p.add_argument("paths", nargs="+", metavar="PATH")
    db_option(p)
    jobs_option(p)
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("timeline", help="per-person timelines, each fact with its sources")
    p.add_argument("name", nargs="?", help="a name or part of one, in any case or script")
    db_option(p)
    p.set_defaults(func=cmd_timeline)

    p = sub.add_parser("persons", help="list stored persons")
    p.add_argument("--role", choices=["subject", "official", "lawyer", "journalist", "other"])
    db_option(p)
    p.set_defaults(func=cmd_persons)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
