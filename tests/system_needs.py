"""System programs some tests need (Debian packages, not pip): Chromium for
the browser tests, pdftotext (poppler-utils) to read PDFs back, PostgreSQL's
server binaries (tests/conftest.py). README.md lists them.

On a developer machine a missing one skips the tests that need it, with the
package to install. Under CI (CI=true) it fails them instead: a CI run that
silently skipped the browser tests would look green and prove nothing.
"""
from __future__ import annotations

import os

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def require(present: bool, message: str, *, module_level: bool = False) -> None:
    """Skip (or, under CI, fail) unless `present`. `module_level`: called at
    import time of a test module, where a failure stops the whole run's collection."""
    if present:
        return
    if in_ci():
        pytest.fail(f"{message} (CI=true: the full suite must run, nothing skipped)", pytrace=False)
    pytest.skip(message, allow_module_level=module_level)


def playwright_sync_api():
    """playwright.sync_api (a test extra), under the same rule."""
    try:
        from playwright import sync_api
    except ImportError:
        require(False, "browser tests need the playwright package (pip install -e '.[test]')", module_level=True)
        raise
    return sync_api
