"""What a new user meets first: `serve` says where it listens, /api/docs
works offline from packaged assets, a mistyped `--db` is an error rather than
a new empty store, and a wrong value is answered with the valid ones.

`serve` runs as a real process on a free port it picks itself (--port 0) and
prints; the tests read that line and talk HTTP to it. The other commands run
in-process through `khronika.cli.main`.
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import pgserver
import pytest

from khronika.cli import build_parser, main
from khronika.cli_store import SERVER_ONLY, STORE_CREATORS
from khronika.model import EVENT_TYPES

REPO_ROOT = Path(__file__).resolve().parents[1]


# ---------------------------------------------------------------- serve

@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """`khronika serve --port 0` over a new store: (the URL it printed, the process)."""
    root = tmp_path_factory.mktemp("first-run")
    db = root / "khronika.db"
    assert main(["init", "--db", str(db)]) == 0
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (str(REPO_ROOT), os.environ.get("PYTHONPATH"))
                                                       if p))
    env.pop("KHRONIKA_DB", None)
    # PostgreSQL runs: the child gets the database standing in for the file.
    server = subprocess.Popen([sys.executable, "-m", "khronika", "serve", "--db", pgserver.child_db(db),
                               "--port", "0"], cwd=root, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    try:
        first_line = server.stdout.readline()       # printed once the socket listens
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", first_line)
        assert found, f"serve did not print its URL; it said: {first_line!r} {server.poll()}"
        yield found.group(0), server
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        server.stdout.close()


def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


def test_serve_prints_the_url_it_answers_on(served):
    url, _ = served
    status, _, body = fetch(url + "login")
    assert status == 200 and b"<form" in body


class _Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []
        self.inline_scripts = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("src", "href"):
            if attrs.get(name):
                self.urls.append(attrs[name])
        if tag == "script" and not attrs.get("src"):
            self.inline_scripts += 1


def test_api_docs_use_only_assets_this_app_serves(served):
    url, _ = served
    status, headers, body = fetch(url + "api/docs")
    assert status == 200
    page = _Assets()
    page.feed(body.decode())
    assert page.inline_scripts == 0
    scripts = [u for u in page.urls if u.endswith(".js")]
    stylesheets = [u for u in page.urls if u.endswith(".css")]
    assert scripts and stylesheets, page.urls
    for asset in page.urls:
        # Same origin: a path on this server, never another host (//cdn... included).
        assert asset.startswith("/") and not asset.startswith("//"), asset
        status, asset_headers, content = fetch(url + asset.lstrip("/"))
        assert status == 200, asset
        assert content.strip(), asset
        kind = "javascript" if asset.endswith(".js") else "css"
        assert kind in asset_headers["content-type"], (asset, asset_headers["content-type"])
    assert any(b"SwaggerUIBundle" in fetch(url + s.lstrip("/"))[2] for s in scripts)
    policy = headers["content-security-policy"]
    assert "script-src 'self'" in policy and "connect-src 'self'" in policy
    assert not re.search(r"https?:|\*|'unsafe-", policy), policy
    # The schema the page loads is served too.
    status, _, schema = fetch(url + "api/openapi.json")
    assert status == 200 and b'"/api/persons"' in schema


def test_other_files_of_the_docs_package_are_not_served(served):
    url, _ = served
    assert fetch(url + "static/swagger-ui/redoc.standalone.js")[0] == 404
    assert fetch(url + "static/swagger-ui/..%2F__init__.py")[0] == 404


# ---------------------------------------------------------------- --db

def _commands_with_db(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()):
    """Every (sub)command that takes --db, with the argv of a valid call to it."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _commands_with_db(sub, prefix + (name,))
    if any("--db" in action.option_strings for action in parser._actions):
        argv = list(prefix)
        for action in parser._actions:
            if action.option_strings and not action.required:
                continue
            if isinstance(action, (argparse._HelpAction, argparse._SubParsersAction)):
                continue
            value = action.choices[0] if action.choices else "x"
            argv += ([action.option_strings[0]] if action.option_strings else []) + [str(value)]
        yield argv


@pytest.mark.sqlite_only          # looks at the SQLite file (PostgreSQL runs map paths to databases)
def test_a_missing_store_is_an_error_for_every_command_but_init_and_ingest(tmp_path, capsys):
    commands = list(_commands_with_db(build_parser()))
    names = {argv[0] for argv in commands}
    assert {"serve", "timeline", "users", "sources", "rules", "watch", "publish", "init", "ingest"} <= names
    missing = tmp_path / "mistyped.db"
    for argv in commands:
        if argv[0] in STORE_CREATORS | SERVER_ONLY:
            continue
        assert main(argv + ["--db", str(missing)]) == 2, argv
        error = capsys.readouterr().err
        assert (f"no store at {missing}; create it with `khronika init --db {missing}` "
                f"or `khronika ingest PATH... --db {missing}`") in error, (argv, error)
        assert not missing.exists(), f"{argv} created the store"


@pytest.mark.sqlite_only
def test_init_creates_the_store_and_then_other_commands_use_it(tmp_path, capsys):
    db = tmp_path / "new.db"
    assert main(["init", "--db", str(db)]) == 0
    assert db.exists()
    assert main(["persons", "--db", str(db)]) == 0
    assert main(["sources", "list", "--db", str(db)]) == 0


def test_a_wrong_event_type_lists_the_valid_ones(tmp_path, capsys):
    db = tmp_path / "rules.db"
    assert main(["init", "--db", str(db)]) == 0
    capsys.readouterr()
    assert main(["rules", "add", "--type", "detained,arested", "--email", "a@example.org", "--db", str(db)]) == 2
    error = capsys.readouterr().err
    assert "unknown event type(s): arested" in error
    listed = error.split("valid types:")[1]
    assert len(EVENT_TYPES) == 22 and all(t in listed for t in EVENT_TYPES)
