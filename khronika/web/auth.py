"""Who is asking, and may they: passwords, sessions, CSRF, login throttling, roles.

- Passwords: argon2id (argon2-cffi's defaults, which follow RFC 9106's
  second recommended setting); hashes are re-computed on login when the
  parameters change.
- Sessions live in the store (`web_sessions`); the cookie carries a random
  256-bit token (HttpOnly, SameSite=Lax, Secure when served over HTTPS)
  and the table only its SHA-256.
- CSRF: every state-changing request must carry the session's token, as
  the form field `csrf_token` or the `X-CSRF-Token` header (synchronizer
  token). The login form, which has no session yet, uses a double-submit
  cookie. A request whose Origin names another site is refused as well.
- Login throttling: after 5 failed attempts within 15 minutes, for one
  username or from one address, further attempts are refused (429) until
  the window passes. Kept in memory, per server process.
"""
from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

SESSION_COOKIE = "khronika_session"
LOGIN_CSRF_COOKIE = "khronika_login_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SESSION_TTL_S = 12 * 3600          # a working day and a night shift
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

_hasher = PasswordHasher()
# Verified against when a username does not exist, so that the answer takes
# as long as for a wrong password and does not reveal which names exist.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    if len(password) < 8:
        raise ValueError("a password needs at least 8 characters")
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def tokens_match(expected: str | None, given: str | None) -> bool:
    return bool(expected) and bool(given) and hmac.compare_digest(expected.encode(), given.encode())


@dataclass(frozen=True)
class User:
    id: int
    username: str
    role: str
    email: str | None = None

    # What each role may do (SPEC: monitors review, lawyers keep case files,
    # viewers see reviewed public facts only; admins do everything).
    @property
    def can_review(self) -> bool:
        return self.role in ("monitor", "admin")

    @property
    def can_see_cases(self) -> bool:
        return self.role in ("lawyer", "admin")

    @property
    def can_read_audit(self) -> bool:
        return self.role == "admin"

    @property
    def sees_unreviewed(self) -> bool:
        return self.role != "viewer"


class LoginThrottle:
    """Failed logins per key (a username, an address) in a sliding window."""

    def __init__(self, limit: int = 5, window_s: float = 15 * 60):
        self.limit = limit
        self.window_s = window_s
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        failures = self._failures.setdefault(key, deque())
        while failures and failures[0] <= now - self.window_s:
            failures.popleft()
        return failures

    def retry_after(self, *keys: str) -> int:
        """Seconds until a login may be tried again for these keys; 0: now."""
        now = time.monotonic()
        with self._lock:
            waits = []
            for key in keys:
                failures = self._recent(key, now)
                if len(failures) >= self.limit:
                    waits.append(failures[0] + self.window_s - now)
            return int(max(waits) + 1) if waits else 0

    def failed(self, *keys: str) -> None:
        now = time.monotonic()
        with self._lock:
            for key in keys:
                self._recent(key, now).append(now)
            if len(self._failures) > 100_000:        # bounded memory under a spray of names
                self._failures = {k: v for k, v in self._failures.items() if v}

    def succeeded(self, username_key: str) -> None:
        with self._lock:
            self._failures.pop(username_key, None)
