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
- Login throttling per (account, client address): after 5 failures within
  15 minutes each further try waits 1 s, 2 s, 4 s, ... at most 60 s (429 with
  Retry-After); one address also waits after 20 failures on any accounts.
  Never a lockout of the account from other addresses. Kept in the store, so
  it holds across server processes. The client address is the connection's,
  or X-Forwarded-For's only from a configured trusted proxy (cli.py).
"""
from __future__ import annotations

import hmac
import math
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
    """Failed logins per (account, client address), and per address, with
    delays that grow with every failure: after `free` failures within the
    window, the next try waits `base_s`, then twice that, and so on up to
    `max_delay_s`. A delay holds only for that address: an account is never
    locked for everyone else (which would let anyone lock a user out).
    Kept in the store, so every server process (`--workers N`) counts the
    same failures."""

    def __init__(self, store, free: int = 5, base_s: float = 1.0, max_delay_s: float = 60.0,
                 window_s: float = 15 * 60, address_free: int = 20):
        self.store = store
        self.free = free
        self.base_s = base_s
        self.max_delay_s = max_delay_s
        self.window_s = window_s
        self.address_free = address_free       # many people may share an address (NAT, a proxy)

    @staticmethod
    def keys(username: str, address: str) -> tuple[str, str]:
        """The (account, address) key and the address key."""
        return f"pair:{username.strip().lower()}|{address}", f"addr:{address}"

    def delay(self, failures: int, free: int) -> float:
        """Seconds to wait after the last of `failures` failures."""
        if failures < free:
            return 0.0
        return min(self.max_delay_s, self.base_s * 2.0 ** (failures - free))

    def retry_after(self, pair_key: str, address_key: str) -> int:
        """Seconds until a login may be tried again for these keys; 0: now."""
        now = time.time()
        found = self.store.login_failures((pair_key, address_key), now - self.window_s)
        waits = [failures[-1] + self.delay(len(failures), free) - now
                 for failures, free in ((found[pair_key], self.free), (found[address_key], self.address_free))
                 if failures]
        wait = max(waits, default=0.0)
        return math.ceil(wait) if wait > 0 else 0

    def failed(self, *keys: str) -> None:
        now = time.time()
        self.store.record_login_failure(keys, now, forget_before=now - self.window_s)

    def succeeded(self, pair_key: str) -> None:
        self.store.clear_login_failures(pair_key)


def log_in(request, username: str, password: str) -> str | None:
    """A new session token for a right password; None for a wrong one; 429
    while this address must wait before trying this name again (see LoginThrottle)."""
    store, throttle = request.app.state.store, request.app.state.throttle
    keys = throttle.keys(username, request.client.host if request.client else "?")
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
