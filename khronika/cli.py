"""The `khronika` command."""
from __future__ import annotations

import argparse
import json
import sys

from . import __version__, cli_casefile, cli_crypto, cli_search, cli_worker
from .cli_settings import add_io_parsers, cmd_sources, import_export

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
        report = ingest(args.paths, store, jobs=args.jobs, progress=True, reextract=args.reextract)
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
    from .resolve import persons_named
    if not name:
        return sorted((p for p in store.persons() if p.role == "subject"), key=lambda p: p.name)
    return persons_named(store, name)


def cmd_timeline(args) -> int:
    from .store import open_store
    from .views import format_date_in
    language = args.lang or locale_language()
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
            print("\n" + _person_header(person, language))
            for fact in facts:
                print(f"  {format_date_in(fact.date, language):<16} {_fact_line(fact, language)}")
                for src in fact.sources:
                    print(f"      «{_short(src.evidence)}» — {src.location}")
    return EXIT_OK


def locale_language(environ=None) -> str:
    """"ru" when the locale ($LC_ALL, else $LC_MESSAGES, else $LANG) is Russian, else "en"."""
    import os
    environ = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name)
        if value:
            return "ru" if value.lower().startswith("ru") else "en"
    return "en"


def _person_header(person, language: str) -> str:
    """"Юлия Емельянова / Yulia Emelyanova  (возраст: 38)": the name in the
    page's script first, the other script after the slash."""
    from .person_status import display_name
    first = display_name(person.name, person.name_latin, person.aliases, language)
    second = display_name(person.name, person.name_latin, person.aliases, "en" if language == "ru" else "ru")
    if not person.attributes:
        return f"{first} / {second}"
    # The attribute names are the web app's catalog (imported only here: it loads the web package).
    from .web.i18n import attribute_label
    extra = ", ".join(f"{attribute_label(k, language)}: {v}" for k, v in person.attributes.items())
    return f"{first} / {second}  ({extra})"


def _fact_line(fact, language: str = "ru") -> str:
    """What happened, how it was judged, where and whither, in one language:
    "приговор [госизмена; 12 лет] — Алматы (Казахстан) → Россия"."""
    from .geo import country_name
    from .person_status import charge_label, place_words
    from .views import event_label, format_term, place_label
    line = event_label(fact.type, language)
    judged = "; ".join(x for x in (charge_label(fact.charge, language),
                                   format_term(fact.term_years, language)) if x)
    if judged:
        line += f" [{judged}]"
    where = place_label(place_words(fact.place, language), fact.country, language)
    if where:
        line += f" — {where}"
    if fact.destination:
        line += f" → {country_name(fact.destination, language)}"
    return line


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



def cmd_rules(args) -> int:
    import hashlib

    from .model import EVENT_TYPES, Rule
    from .store import open_store
    with open_store(args.db) as store:
        if args.action in ("import", "export"):
            return import_export(store, args)
        if args.action == "list":
            for r in store.rules():
                what = ", ".join(f"{k}={v}" for k, v in (("person", r.person), ("types", ",".join(r.types)),
                                                          ("place", r.place), ("keyword", r.keyword)) if v)
                print(f"{r.id}  {r.channel} -> {r.target}  {what or 'every event'}")
            return EXIT_OK
        if args.action == "remove":
            if store.remove_rule(args.id):
                print(f"removed rule {args.id}")
                return EXIT_OK
            print(f"khronika: no rule {args.id!r}", file=sys.stderr)
            return EXIT_SOME_FAILED
        channels = [(c, t) for c, t in (("webhook", args.webhook), ("email", args.email),
                                         ("telegram", args.telegram)) if t]
        if len(channels) != 1:
            print("khronika: give exactly one of --webhook URL, --email ADDRESS, --telegram CHAT_ID",
                  file=sys.stderr)
            return EXIT_USAGE
        types = [t for group in args.type or [] for t in group.split(",") if t]
        unknown = [t for t in types if t not in EVENT_TYPES]
        if unknown:
            print(f"khronika: unknown event type(s): {', '.join(unknown)}; "
                  f"valid types: {', '.join(EVENT_TYPES)}", file=sys.stderr)
            return EXIT_USAGE
        channel, target = channels[0]
        key = f"{channel}|{target}|{args.person}|{sorted(types)}|{args.place}|{args.keyword}"
        rule = Rule(id="r-" + hashlib.sha256(key.encode()).hexdigest()[:10], channel=channel, target=target,
                    person=args.person, types=types, place=args.place, keyword=args.keyword,
                    secret=_read_secret(args), name=args.name)
        store.add_rule(rule)
        print(f"added rule {rule.id}: {channel} -> {target}")
        return EXIT_OK


def _read_secret(args) -> str | None:
    """The webhook secret from $VAR, stdin or a prompt; never wanted on the
    command line, where every user of the machine can read it (ps)."""
    import getpass
    import os
    if args.secret is not None:
        print("khronika: --secret is deprecated: the command line is visible to every user of this machine; "
              "use --secret-env VAR, --secret-stdin or --ask-secret", file=sys.stderr)
        return args.secret or None
    if args.secret_env:
        value = os.environ.get(args.secret_env)
        if not value:
            raise SystemExit(f"khronika: ${args.secret_env} is empty or not set")
        return value
    if args.secret_stdin:
        return sys.stdin.readline().rstrip("\n") or None
    if args.ask_secret:
        return getpass.getpass("webhook secret: ") or None
    return None


def cmd_watch(args) -> int:
    import asyncio
    import logging

    from .config import ConfigError, config_path
    from .store import open_store
    from .store.settings import import_once
    from .watch import Watch
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s", stream=sys.stderr)
    with open_store(args.db) as store:
        try:
            imported = import_once(store, args.config)
        except ConfigError as exc:
            print(f"khronika: {exc}", file=sys.stderr)
            return EXIT_USAGE
        if imported:
            print(f"khronika: imported {imported[0]} source(s) and {imported[1]} rule(s) from "
                  f"{config_path(args.config)} into the database (edit them with `khronika sources`)",
                  file=sys.stderr)
        sources = store.sources()
        if not sources:
            print("khronika: no sources: add one with `khronika sources add URL`", file=sys.stderr)
            return EXIT_USAGE
        watch = Watch(store, sources, deliver=not args.no_deliver, reload_s=5.0)
        try:
            stats = asyncio.run(watch.run(duration_s=args.duration))
        except KeyboardInterrupt:
            return 130
    print(f"polls {stats.polls} ({stats.errors} failed), items {stats.items} "
          f"({stats.exact_duplicates} repeats, {stats.near_duplicates} near-duplicates), "
          f"documents {stats.documents}, events {stats.events}, alerts queued {stats.alerts_enqueued}, "
          f"sent {stats.alerts_sent}", file=sys.stderr)
    return EXIT_OK


def cmd_serve(args) -> int:
    from .cli_serve import cmd_serve as serve
    return serve(args)


def _read_password(args) -> str:
    import getpass
    import os
    if args.password_env:
        value = os.environ.get(args.password_env)
        if not value:
            raise SystemExit(f"khronika: ${args.password_env} is empty or not set")
        return value
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("password: ")
    if first != getpass.getpass("again: "):
        raise SystemExit("khronika: the passwords differ")
    return first


def cmd_users(args) -> int:
    from .store import open_store
    from .web.auth import hash_password
    with open_store(args.db) as store:
        if args.users_command == "add":
            if store.user_by_name(args.username):
                print(f"khronika: user {args.username!r} exists (use `users set`)", file=sys.stderr)
                return EXIT_USAGE
            try:
                password_hash = hash_password(_read_password(args))
                store.add_user(args.username, password_hash, args.role, email=args.email)
            except ValueError as error:
                print(f"khronika: {error}", file=sys.stderr)
                return EXIT_USAGE
            print(f"added {args.username} ({args.role})")
        elif args.users_command == "set":
            try:
                password_hash = (hash_password(_read_password(args))
                                 if args.password or args.password_env else None)
                store.set_user(args.username, password_hash=password_hash, role=args.role,
                               active=None if args.active is None else args.active == "yes")
            except KeyError:
                print(f"khronika: no user {args.username!r}", file=sys.stderr)
                return EXIT_USAGE
            except ValueError as error:
                print(f"khronika: {error}", file=sys.stderr)
                return EXIT_USAGE
            print(f"updated {args.username}")
        else:
            for user in store.users():
                state = "" if user["active"] else "  (disabled)"
                print(f"{user['username']:<24} {user['role']:<8} {user['email'] or ''}{state}")
    return EXIT_OK


def cmd_reminders(args) -> int:
    import datetime as dt

    from .alerts.reminders import send_due_reminders
    from .store import open_store
    today = dt.date.fromisoformat(args.today) if args.today else None
    with open_store(args.db) as store:
        sent, errors = send_due_reminders(store, today)
    for error in errors:
        print(f"khronika: reminder not sent: {error}", file=sys.stderr)
    print(f"sent {sent} deadline reminder(s), {len(errors)} failed")
    return EXIT_SOME_FAILED if errors else EXIT_OK


def cmd_publish(args) -> int:
    from .publish.site import PublishError, publish_site
    from .store import open_store
    with open_store(args.db) as store:
        try:
            report = publish_site(store, args.out, base_url=args.base_url, jobs=args.jobs)
        except PublishError as error:
            print(f"khronika: {error}", file=sys.stderr)
            return EXIT_USAGE
    print(f"published {report['persons']} person(s), {report['facts']} confirmed fact(s) from "
          f"{report['documents']} source(s): {report['pages']} pages in {report['out']} "
          f"({report['total_s']:.1f} s)")
    return EXIT_OK


def _open_output(path: str | None, *, binary: bool = False, newline: str | None = None, age=None):
    """A file to write, or stdout for None or "-" (not closed by the caller's `with`)."""
    import contextlib
    if age:
        return cli_crypto.age_output(path, age, binary=binary, newline=newline)
    if path in (None, "-"):
        return contextlib.nullcontext(sys.stdout.buffer if binary else sys.stdout)
    if binary:
        return open(path, "wb")
    return open(path, "w", encoding="utf-8", newline=newline)


def cmd_export(args) -> int:
    from .publish.exports import export
    from .publish.public import PublicArchive
    from .resolve import persons_named
    from .store import open_store
    if args.format == "timelinejs" and not args.person:
        print("khronika: --format timelinejs is one person's timeline: give --person NAME", file=sys.stderr)
        return EXIT_USAGE
    with open_store(args.db) as store:
        if args.person:
            matches = persons_named(store, args.person)
            archive = PublicArchive(store, [p.id for p in matches]) if matches else None
            if archive is None or not archive.persons:
                print(f"khronika: no published person matches {args.person!r}", file=sys.stderr)
                return EXIT_SOME_FAILED
            if args.format == "timelinejs" and len(archive.persons) > 1:
                names = "; ".join(f"{p.name} ({p.id})" for p in archive.persons)
                print(f"khronika: {args.person!r} matches several persons: {names}", file=sys.stderr)
                return EXIT_USAGE
        else:
            archive = PublicArchive(store)
    with _open_output(args.out, newline="" if args.format == "csv" else None, age=args.age_recipient) as out:
        export(archive, args.format, out, language=args.lang)
    return EXIT_OK


def cmd_dossier(args) -> int:
    from .publish.dossier import DossierError, dossier_html, dossier_pdf
    from .resolve import persons_named
    from .store import open_store
    if args.pdf and args.out in (None, "-") and sys.stdout.isatty():
        print("khronika: a PDF goes to a file: give --out FILE.pdf", file=sys.stderr)
        return EXIT_USAGE
    with open_store(args.db) as store:
        matches = persons_named(store, args.name)
        if not matches:
            print(f"khronika: no person matches {args.name!r}", file=sys.stderr)
            return EXIT_SOME_FAILED
        if len(matches) > 1:
            names = "; ".join(f"{p.name} ({p.id})" for p in matches)
            print(f"khronika: {args.name!r} matches several persons, give one id: {names}", file=sys.stderr)
            return EXIT_USAGE
        try:
            html = dossier_html(store, matches[0].id, language=args.lang,
                                include_case_file=args.include_case_file)
        except DossierError as error:
            print(f"khronika: {matches[0].name}: {error}", file=sys.stderr)
            return EXIT_SOME_FAILED
    if args.pdf:
        with _open_output(args.out, binary=True, age=args.age_recipient) as out:
            out.write(dossier_pdf(html))
    else:
        with _open_output(args.out, age=args.age_recipient) as out:
            out.write(html)
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
    p.add_argument("--reextract", action="store_true",
                   help="extract stored documents again (reviewed events keep the reviewer's decision)")
    db_option(p)
    jobs_option(p)
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("timeline", help="per-person timelines, each fact with its sources")
    p.add_argument("name", nargs="?", help="a name or part of one, in any case or script")
    p.add_argument("--lang", choices=["ru", "en"], default=None,
                   help="language of names, labels, places and dates (default: ru when $LANG is Russian, else en)")
    db_option(p)
    p.set_defaults(func=cmd_timeline)

    def config_option(p):
        p.add_argument("--config", default=None, help="sources file (default: $KHRONIKA_CONFIG or khronika.toml)")

    p = sub.add_parser("sources", help="the sources `watch` follows (kept in the database)")
    src = p.add_subparsers(dest="action", required=True)
    q = src.add_parser("add", help="follow a feed, page, Telegram channel (t.me/NAME) or folder")
    q.add_argument("url")
    q.add_argument("--every", default="60s", help="polling interval: 30s, 5m, 1h (default 60s)")
    q.add_argument("--kind", choices=["feed", "page", "telegram", "folder"], help="guessed from the URL if omitted")
    q.add_argument("--local", action="store_true", help="allow a private or loopback address (a local server)")
    q.add_argument("--no-robots", action="store_true", help="ignore robots.txt for this source")
    q.add_argument("--name")
    db_option(q)
    q = src.add_parser("list", help="list the sources")
    db_option(q)
    q = src.add_parser("remove", help="stop following a source (by URL or id)")
    q.add_argument("url")
    db_option(q)
    add_io_parsers(src, db_option, "sources")
    p.set_defaults(func=cmd_sources)

    p = sub.add_parser("rules", help="watch rules: which new events alert whom")
    rl = sub_rules = p.add_subparsers(dest="action", required=True)
    q = rl.add_parser("add", help="alert on new events matching all the given criteria")
    q.add_argument("--person", help="any name of the person, any case or script")
    q.add_argument("--type", action="append", help="event type(s), comma-separated or repeated")
    q.add_argument("--place", help="a country or place")
    q.add_argument("--keyword", help="a word in the evidence sentence")
    q.add_argument("--webhook", metavar="URL")
    q.add_argument("--email", metavar="ADDRESS")
    q.add_argument("--telegram", metavar="CHAT_ID")
    secret = q.add_mutually_exclusive_group()
    secret.add_argument("--secret-env", metavar="VAR",
                        help="read the HMAC-SHA256 key for the webhook signature from this environment variable")
    secret.add_argument("--secret-stdin", action="store_true", help="read the webhook key from stdin (one line)")
    secret.add_argument("--ask-secret", action="store_true", help="prompt for the webhook key")
    secret.add_argument("--secret", help="deprecated (visible in ps): the webhook key itself")
    q.add_argument("--name")
    db_option(q)
    q = sub_rules.add_parser("list", help="list the rules")
    db_option(q)
    q = sub_rules.add_parser("remove", help="remove a rule")
    q.add_argument("id")
    db_option(q)
    add_io_parsers(sub_rules, db_option, "rules")
    p.set_defaults(func=cmd_rules)

    p = sub.add_parser("watch", help="follow the sources and deliver alerts (runs until stopped)")
    config_option(p)
    db_option(p)
    p.add_argument("--for", dest="duration", type=float, default=None, metavar="SECONDS",
                   help="stop after this many seconds (default: run until interrupted)")
    p.add_argument("--no-deliver", action="store_true", help="store and queue alerts without sending them")
    p.set_defaults(func=cmd_watch)

    p = sub.add_parser("serve", help="the web app: search, person pages, review queue, case files")
    db_option(p)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=1,
                   help="server processes (default 1; one per core for many concurrent users)")
    p.add_argument("--secure-cookies", action="store_true",
                   help="always mark the session cookie Secure (behind an HTTPS proxy)")
    p.add_argument("--behind-proxy", action="store_true",
                   help="read the client address and scheme from X-Forwarded-For/-Proto, as sent by a "
                        "trusted proxy (--trusted-proxy; default: one on this machine)")
    p.add_argument("--trusted-proxy", action="append", metavar="ADDR",
                   help="address or network (CIDR) of the reverse proxy whose X-Forwarded-For/-Proto to "
                        "believe; repeat for several; implies --behind-proxy")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("users", help="web app accounts: add, set, list")
    sub_users = p.add_subparsers(dest="users_command", required=True)
    q = sub_users.add_parser("add", help="add an account (password from a prompt, stdin or --password-env)")
    q.add_argument("username")
    q.add_argument("--role", required=True, choices=["admin", "lawyer", "monitor", "viewer"])
    q.add_argument("--email", help="for deadline reminders")
    q.add_argument("--password-env", metavar="VAR", help="read the password from this environment variable")
    db_option(q)
    q = sub_users.add_parser("set", help="change a role, a password, or disable an account")
    q.add_argument("username")
    q.add_argument("--role", choices=["admin", "lawyer", "monitor", "viewer"])
    q.add_argument("--password", action="store_true", help="set a new password")
    q.add_argument("--password-env", metavar="VAR")
    q.add_argument("--active", choices=["yes", "no"])
    db_option(q)
    q = sub_users.add_parser("list", help="list the accounts")
    db_option(q)
    p.set_defaults(func=cmd_users)

    p = sub.add_parser("reminders", help="e-mail the lawyers of deadlines inside their reminder window")
    p.add_argument("--today", help="as if today were this ISO date (for testing a schedule)")
    db_option(p)
    p.set_defaults(func=cmd_reminders)

    p = sub.add_parser("publish", help="write the public archive: a static website of confirmed facts")
    p.add_argument("--out", required=True, metavar="DIR",
                   help="the site's directory (replaced as a whole; must be new, empty or an earlier archive)")
    p.add_argument("--base-url", metavar="URL", help="where the site will be served, for canonical links")
    p.add_argument("--jobs", "-j", type=int, default=2,
                   help="processes writing the site (default 2: pages and downloads side by side)")
    db_option(p)
    p.set_defaults(func=cmd_publish)

    p = sub.add_parser("export", help="export the public data: JSON, CSV, FollowTheMoney, TimelineJS")
    p.add_argument("--format", required=True, choices=["json", "csv", "ftm", "timelinejs"])
    p.add_argument("--person", metavar="NAME", help="only this person (any case or script, or an id)")
    p.add_argument("--out", metavar="FILE", help="write here instead of stdout")
    p.add_argument("--lang", choices=["ru", "en"], default="ru", help="labels of the TimelineJS export")
    cli_crypto.age_option(p)
    db_option(p)
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("dossier", help="one person's sourced record for a legal filing (HTML or PDF)")
    p.add_argument("name", help="a name in any case or script, or a person id")
    p.add_argument("--pdf", action="store_true", help="render to PDF (WeasyPrint) instead of HTML")
    p.add_argument("--out", metavar="FILE", help="write here instead of stdout")
    p.add_argument("--lang", choices=["ru", "en"], default="ru")
    p.add_argument("--include-case-file", action="store_true",
                   help="add the private case file (status, summary, next hearing): marked CONFIDENTIAL")
    cli_crypto.age_option(p)
    db_option(p)
    p.set_defaults(func=cmd_dossier)

    p = sub.add_parser("persons", help="list stored persons")
    p.add_argument("--role", choices=["subject", "official", "lawyer", "journalist", "other"])
    db_option(p)
    p.set_defaults(func=cmd_persons)
    cli_crypto.add_commands(sub, db_option)
    cli_casefile.add_commands(sub, db_option)
    cli_worker.add_commands(sub, db_option)
    cli_search.add_commands(sub, db_option)
    return parser


def main(argv: list[str] | None = None) -> int:
    from .cli_store import SERVER_ONLY, STORE_CREATORS, missing_store
    args = build_parser().parse_args(argv)
    if hasattr(args, "db") and args.command not in STORE_CREATORS | SERVER_ONLY:
        problem = missing_store(args.db)
        if problem:
            print(f"khronika: {problem}", file=sys.stderr)
            return EXIT_USAGE
    try:
        return args.func(args)
    except Exception as error:
        from .store.crypto import StoreLocked  # the store package is heavy: only on error
        if not isinstance(error, StoreLocked):
            raise
        print(f"khronika: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
