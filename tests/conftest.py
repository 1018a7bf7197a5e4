"""Test-wide fixtures: the PostgreSQL server, and the backend the suite runs on.

KHRONIKA_TEST_DB=postgresql runs the tests against PostgreSQL: every store a
test opens by file path (`open_store(tmp_path / "x.db")`, `--db x.db` in an
in-process CLI call, the web app's KHRONIKA_DB) gets its own fresh database
on one session-wide server instead (the same path, the same database, for
the whole test). A child process does not see that mapping: tests hand it
`pgserver.child_db(path)` instead of the path. A test that reads the SQLite
file itself is marked `sqlite_only` and skipped there.
Unset (or "sqlite"): the SQLite files, as in production by default.

`pg_server` / `pg_url` give a test PostgreSQL explicitly, on either run
(tests/test_postgres.py). Without the server binaries (Debian's
`postgresql` package) they skip on a developer machine and fail under CI
(CI=true), where .ci/run installs the package.
"""
from __future__ import annotations

import os

import pgserver
import pytest
from pgserver import PgServer, find_bindir

BACKEND = os.environ.get("KHRONIKA_TEST_DB", "sqlite").strip().lower() or "sqlite"
if BACKEND not in ("sqlite", "postgresql"):
    raise pytest.UsageError(f"KHRONIKA_TEST_DB={BACKEND!r}: expected sqlite or postgresql")


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only: works on the SQLite file itself (PRAGMAs, a file "
                                       "at an old revision); skipped when KHRONIKA_TEST_DB=postgresql")
    config.addinivalue_line("markers", "fresh_database: on a PostgreSQL run, the test's stores start as "
                                       "empty databases (it runs the migrations itself)")


def pytest_report_header(config):
    return f"khronika store backend: {BACKEND} (KHRONIKA_TEST_DB)"


@pytest.fixture(scope="session")
def pg_server():
    """A PostgreSQL server for the whole session, stopped at its end (and at exit)."""
    bindir = find_bindir()
    if bindir is None:
        message = ("PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin): "
                   "install Debian's postgresql package")
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message)
        pytest.skip(message)
    server = PgServer(bindir)
    try:
        server.start()
    except BaseException:
        server.stop()
        raise
    yield server
    server.stop()


@pytest.fixture
def pg_url(pg_server) -> str:
    """The SQLAlchemy URL of a migrated PostgreSQL database with no rows."""
    url = pg_server.new_database()
    yield url
    pg_server.recycle(url)


class _Databases:
    """SQLite file URL -> the PostgreSQL database standing in for it (PostgreSQL runs)."""

    def __init__(self, server: PgServer):
        self.server = server
        self.by_file: dict[str, str] = {}
        self.created: list[str] | None = None      # during one test: the files it opened first
        self.migrated = True                       # False: empty databases (`fresh_database` tests)

    def resolve(self, url: str) -> str:
        if not url.startswith("sqlite:///"):       # a URL, or ":memory:"
            return url
        if url not in self.by_file:
            self.by_file[url] = self.server.new_database(migrated=self.migrated)
            if self.created is not None:
                self.created.append(url)
        return self.by_file[url]


@pytest.fixture(scope="session", autouse=True)
def _store_databases(request):
    """PostgreSQL runs: every store opened by file path, from session, module
    or test fixtures alike, opens a PostgreSQL database instead."""
    if BACKEND != "postgresql":
        yield None
        return
    import khronika.store
    from khronika.store import store as store_module
    databases = _Databases(request.getfixturevalue("pg_server"))
    real = store_module.resolve_url

    def resolve_url(db=None):
        return databases.resolve(real(db))

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(store_module, "resolve_url", resolve_url)
        patch.setattr(khronika.store, "resolve_url", resolve_url)
        patch.setattr(pgserver, "STORES", databases)
        yield databases


@pytest.fixture(autouse=True)
def _store_backend(request, _store_databases):
    """PostgreSQL runs: skip `sqlite_only` tests; after each test, empty the
    databases it created for the next tests (those of wider fixtures stay)."""
    if _store_databases is None:
        yield
        return
    if request.node.get_closest_marker("sqlite_only"):
        pytest.skip("SQLite only (KHRONIKA_TEST_DB=postgresql)")
    _store_databases.created = created = []
    _store_databases.migrated = not request.node.get_closest_marker("fresh_database")
    yield
    _store_databases.created = None
    _store_databases.migrated = True
    for file_url in created:
        _store_databases.server.recycle(_store_databases.by_file.pop(file_url))
