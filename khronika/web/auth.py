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
  the window passes. Kept in the store, so it holds across server processes.
"""
from __future__ import annotations

import hmac
import secrets
import time
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import HTTPException

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
    """Failed logins per key (a username, an address) in a sliding window,
    kept in the store so that every server process (`--workers N`) counts
    the same failures."""

    def __init__(self, store, limit: int = 5, window_s: float = 15 * 60):
        self.store = store
        self.limit = limit
        self.window_s = window_s

    def retry_after(self, *keys: str) -> int:
        """Seconds until a login may be tried again for these keys; 0: now."""
        now = time.time()
        waits = [failures[-self.limit] + self.window_s - now
                 for failures in self.store.login_failures(keys, now - self.window_s).values()
                 if len(failures) >= self.limit]
        return int(max(waits) + 1) if waits else 0

    def failed(self, *keys: str) -> None:
        now = time.time()
        self.store.record_login_failure(keys, now, forget_before=now - self.window_s)

    def succeeded(self, username_key: str) -> None:
        self.store.clear_login_failures(username_key)


def log_in(request, username: str, password: str) -> str | None:
    """A new session token for a right password; None for a wrong one; 429
    when this name or address has failed too often (see LoginThrottle)."""
    store, throttle = request.app.state.store, request.app.state.throttle
    keys = (f"user:{username.strip().lower()}", f"addr:{request.client.host if request.client else '?'}")
    wait = throttle.retry_after(*keys)
    if wait:
        raise HTTPException(429, "too many failed logins; try again later",
                            headers={"Retry-After": str(wait)})
    user = store.user_by_name(username.strip())
    ok = verify_password(user["password_hash"] if user else None, password)
    if not ok or not user["active"]:
        throttle.failed(*keys)
        return None
    throttle.succeeded(keys[0])
    if needs_rehash(user["password_hash"]):
        store.set_user(user["username"], password_hash=hash_password(password), by=user["username"])
    token = new_token()
    store.create_session(user["id"], token, new_token(), SESSION_TTL_S)
    return token
