"""`khronika worker`: team mode's job runner (see khronika/worker.py, docs/team.md)."""
from __future__ import annotations

import sys

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def cmd_worker(args) -> int:
    import asyncio
    import logging

    import sqlalchemy as sa

    from .store import resolve_url
    url = resolve_url(args.db)
    if sa.make_url(url).get_backend_name() != "postgresql":
        print("khronika: workers need a PostgreSQL store (--db postgresql://...): they share their jobs "
              "through it. On SQLite, `khronika watch` runs the same tasks in one process.", file=sys.stderr)
        return EXIT_USAGE
    try:
        import procrastinate  # noqa: F401
    except ImportError:
        print("khronika: workers need procrastinate: pip install 'khronika[postgres]'", file=sys.stderr)
        return EXIT_USAGE
    if args.concurrency < 1:
        print("khronika: --concurrency must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s",
                        stream=sys.stderr)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    from .worker import run
    try:
        asyncio.run(run(url, concurrency=args.concurrency))
    except KeyboardInterrupt:
        return 130
    return EXIT_OK


def add_commands(sub, db_option) -> None:
    p = sub.add_parser("worker", help="run team-mode jobs from the PostgreSQL store: polls, extraction, "
                                      "alerts, reminders (any number of machines)")
    db_option(p)
    p.add_argument("--concurrency", "-c", type=int, default=1,
                   help="extraction processes, so documents extracted at once (default 1; one per core)")
    p.set_defaults(func=cmd_worker)
