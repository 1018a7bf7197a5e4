"""A throwaway PostgreSQL server for the tests: Debian's binaries, run as `postgres`.

`PgServer.start()` runs initdb into a fresh temporary directory (owned by the
`postgres` user: PostgreSQL refuses to run as root), then pg_ctl on a free
loopback port with its unix socket in that directory, trust authentication,
and durability off (a test database never has to survive a crash).
`stop()` stops it and removes the directory; it is registered with atexit
too, so an interrupted session does not leave a server behind.

`new_database()` gives every caller its own empty database, so a test never
sees another test's rows.

When the binaries are missing (no `postgresql` package), `find_bindir()`
returns None: the tests then fail under CI (env CI=true, where .ci/run
installs the package) and are skipped on a developer machine without it.
"""
from __future__ import annotations

import atexit
import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
import threading
from pathlib import Path

USER = "postgres"
TEMPLATE = "khronika_template"


def find_bindir() -> str | None:
    """Debian's server binaries (/usr/lib/postgresql/<version>/bin), newest version first."""
    found = [d for d in glob.glob("/usr/lib/postgresql/*/bin") if os.path.exists(os.path.join(d, "pg_ctl"))]
    found.sort(key=lambda d: int(d.split("/")[-2]) if d.split("/")[-2].isdigit() else 0, reverse=True)
    if found:
        return found[0]
    pg_ctl = shutil.which("pg_ctl")
    return os.path.dirname(pg_ctl) if pg_ctl else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(argv: list[str], **kwargs) -> subprocess.CompletedProcess:
    if os.geteuid() == 0:
        runuser = shutil.which("runuser")
        argv = [runuser, "-u", USER, "--", *argv] if runuser else ["su", USER, "-s", "/bin/sh", "-c",
                                                                   " ".join(map(_sh_quote, argv))]
    done = subprocess.run(argv, capture_output=True, text=True, check=False, **kwargs)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed (exit {done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done


def _sh_quote(arg: str) -> str:
    return "'" + arg.replace("'", "'\\''") + "'"


class PgServer:
    def __init__(self, bindir: str):
        self.bindir = bindir
        self.root: Path | None = None
        self.port: int | None = None
        self._counter = itertools.count(1)
        self._lock = threading.Lock()
        self._admin = None
        self._template = False
        self._template_state = None
        self._free: list[str] = []

    @property
    def data(self) -> Path:
        return self.root / "data"

    def start(self) -> PgServer:
        self.root = Path(tempfile.mkdtemp(prefix="khronika-pg-"))
        os.chmod(self.root, 0o755)
        if os.geteuid() == 0:
            shutil.chown(self.root, USER, USER)
        atexit.register(self.stop)
        _as_postgres([f"{self.bindir}/initdb", "-D", str(self.data), "-U", USER, "--auth=trust",
                      "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"])
        self.port = _free_port()
        options = (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=400 "
                   "-c shared_buffers=64MB")
        try:
            _as_postgres([f"{self.bindir}/pg_ctl", "-D", str(self.data), "-o", options, "-l",
                          str(self.root / "server.log"), "-w", "-t", "60", "start"])
        except RuntimeError as error:
            log = self.root / "server.log"
            raise RuntimeError(f"{error}\n--- server.log\n{log.read_text()[-3000:] if log.exists() else ''}") from None
        return self

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{USER}@127.0.0.1:{self.port}/{database}"

    def new_database(self, prefix: str = "t", *, migrated: bool = True) -> str:
        """CREATE DATABASE a fresh one; returns its SQLAlchemy URL.

        `migrated`: a copy of a template database the store migrations were
        run on once per session (a copy takes a fraction of the migration
        time); else an empty database."""
        import psycopg
        with self._lock:
            if self._admin is None or self._admin.closed:
                self._admin = psycopg.connect(host="127.0.0.1", port=self.port, user=USER,
                                              dbname="postgres", autocommit=True)
            template = ""
            if migrated:
                if not self._template:
                    self._admin.execute(f'CREATE DATABASE "{TEMPLATE}"')
                    from khronika.store.store import Store
                    Store(self.url(TEMPLATE)).close()      # migrates, then closes every connection
                    self._template = True
                template = f' TEMPLATE "{TEMPLATE}"'
                if self._free:
                    return self._free.pop()
            name = f"{prefix}_{os.getpid()}_{next(self._counter)}"
            self._admin.execute(f'CREATE DATABASE "{name}"{template}')
        return self.url(name)

    def recycle(self, url: str) -> None:
        """Empty a migrated database a test is done with (TRUNCATE, identities
        restarted) for `new_database` to hand out again: ~10x faster than a
        copy. One whose schema a test changed (a downgrade, an extra table),
        or that a leftover transaction keeps locked, is left alone."""
        import psycopg
        database = url.rsplit("/", 1)[1]
        try:
            with psycopg.connect(host="127.0.0.1", port=self.port, user=USER, dbname=database,
                                 autocommit=True) as connection:
                connection.execute("SET lock_timeout = '2s'")
                tables = sorted(r[0] for r in connection.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))
                version = connection.execute("SELECT version_num FROM alembic_version").fetchall()
                if self._template_state is None:
                    with psycopg.connect(host="127.0.0.1", port=self.port, user=USER,
                                         dbname=TEMPLATE) as template:
                        self._template_state = (
                            sorted(r[0] for r in template.execute(
                                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")),
                            template.execute("SELECT version_num FROM alembic_version").fetchall())
                if (tables, version) != self._template_state:
                    return
                data = [t for t in tables if t != "alembic_version"]
                connection.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in data)
                                   + " RESTART IDENTITY CASCADE")
        except psycopg.Error:
            return
        with self._lock:
            self._free.append(url)

    def stop(self) -> None:
        if self.root is None:
            return
        root, self.root = self.root, None
        if self._admin is not None:
            self._admin.close()
            self._admin = None
        if (root / "data" / "postmaster.pid").exists():
            try:
                _as_postgres([f"{self.bindir}/pg_ctl", "-D", str(root / "data"), "-m", "immediate",
                              "-w", "-t", "30", "stop"])
            except (RuntimeError, OSError):
                pass
        shutil.rmtree(root, ignore_errors=True)


# ---------------------------------------------------------------- stores of child processes

# On a PostgreSQL run (KHRONIKA_TEST_DB=postgresql) tests/conftest.py sets
# this to the object mapping SQLite file URLs to PostgreSQL databases.
STORES = None


def store_url(path) -> str:
    """The SQLAlchemy URL a store file stands for in this run: sqlite:///PATH,
    or on a PostgreSQL run the URL of the database standing in for it."""
    from khronika.store.store import resolve_url
    return resolve_url(os.fspath(path))


def child_db(path) -> str:
    """What a child process gets as `--db` or $KHRONIKA_DB for a store file
    (child processes do not see the tests' mapping): the path itself, or the
    PostgreSQL URL on a PostgreSQL run."""
    return str(path) if STORES is None else store_url(os.path.abspath(path))
