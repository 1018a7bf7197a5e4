"""Fetching hostile URLs without being turned against the machine that fetches.

Every URL a followed source hands us (the feed itself, every article link in
it, every redirect) is untrusted. `SafeClient` wraps `httpx.AsyncClient` and

- refuses a host that resolves to a private, loopback, link-local or otherwise
  non-public address unless the source is marked `local`. The host is resolved
  (getaddrinfo, in a thread) before each request for a clear error, and again
  at connect time by the transport, which then connects to the very address it
  vetted, so DNS rebinding between the check and the connection gets nowhere;
- follows redirects itself (at most 5), checking every hop like the first;
- caps the time of a request (all its hops, not counting the wait for a
  per-host slot), the bytes received, and the bytes after Content-Encoding
  decoding: the body is read raw and decoded here (decoding.py), a bounded
  piece at a time with a cap on the output of every layer, so a gzip, nested
  gzip or brotli bomb stops at the cap, not at the end of memory, and never
  holds the event loop for long;
- takes only http and https URLs;
- reads robots.txt once per host (cached with a TTL) and respects it unless
  the source says `robots = false`;
- lets at most `per_host` requests run at a time against one host.

Every refusal or failure is a `FetchError` whose text names the source.
"""
from __future__ import annotations

import asyncio
import ipaddress
import socket
import ssl
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Self
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from .. import __version__
from ..model import SourceConfig
from .decoding import BodyDecoder, DecodeError, TooLarge, accept_encoding
from .robots import MAX_ROBOTS_BYTES, RobotsRules

MB = 2**20
USER_AGENT = f"Khronika/{__version__} (+rights monitoring)"
ROBOTS_TOKEN = "khronika"

DEFAULT_TIMEOUT_S = 15.0
DEFAULT_MAX_BYTES = 10 * MB
DEFAULT_MAX_DECODED_BYTES = 10 * MB
DEFAULT_MAX_REDIRECTS = 5
DEFAULT_PER_HOST = 2
DEFAULT_ROBOTS_TTL_S = 3600.0
# A robots.txt that could not be read (5xx, network error) means "disallow
# everything" (RFC 9309 2.3.1.4); that verdict is retried sooner.
ROBOTS_FAILURE_TTL_S = 60.0

PRIVATE_ADDRESS = "resolves to a private/loopback/link-local address; mark the source local to allow it"
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
# NAT64 (RFC 6052): an IPv6 address that a gateway turns into the IPv4 one inside it.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class FetchError(Exception):
    """A source (or a URL it led to) could not be fetched; `str()` is "<source url>: <reason>"."""

    def __init__(self, source: SourceConfig | str, reason: str):
        self.source = source.url if isinstance(source, SourceConfig) else str(source)
        self.reason = reason
        super().__init__(f"{self.source}: {reason}")

    def __reduce__(self):
        return (type(self), (self.source, self.reason))


class _PrivateAddress(Exception):
    """Raised inside the transport when a connection would reach a non-public address."""


@dataclass
class Response:
    """A fetched URL: the body after Content-Encoding decoding, and where it came from."""
    url: str                        # as requested
    final_url: str                  # after redirects
    status: int
    reason: str
    headers: dict[str, str]         # lower-case names; repeated headers joined with ", "
    content: bytes
    captured_at: str                # ISO 8601 UTC, seconds
    redirects: list[str] = field(default_factory=list)   # the URLs redirected from, in order

    @property
    def media_type(self) -> str:
        return self.headers.get("content-type", "").split(";", 1)[0].strip().lower()

    @property
    def charset(self) -> str | None:
        for parameter in self.headers.get("content-type", "").split(";")[1:]:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "charset" and value.strip():
                return value.strip().strip("\"'")
        return None


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def is_public_address(address: str) -> bool:
    """Whether an IP address is a public one (not private, loopback, link-local, reserved...)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.is_site_local:            # fec0::/10: deprecated (RFC 3879), still routed inside sites
            return False
        if ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        elif ip.sixtofour is not None:
            ip = ip.sixtofour
        elif ip in _NAT64:
            ip = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip.is_global and not (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast
                                 or ip.is_reserved or ip.is_unspecified)


async def resolve(host: str, port: int) -> list[str]:
    """The addresses of `host` (getaddrinfo, run in the loop's thread pool)."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


class _GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend, resolving and vetting the host at connect time
    and connecting to the vetted address (TLS still verifies the host name)."""

    def __init__(self, allow_private: bool):
        self._inner = httpcore.AnyIOBackend()
        self._allow_private = allow_private

    async def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        try:
            addresses = await resolve(host, port)
        except OSError as error:
            raise httpcore.ConnectError(f"cannot resolve {host}: {error}") from None
        if not self._allow_private and not all(is_public_address(a) for a in addresses):
            raise _PrivateAddress(host)
        last_error: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(address, port, timeout=timeout, local_address=local_address,
                                                     socket_options=socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                last_error = error
        raise last_error or httpcore.ConnectError(f"no address for {host}")

    async def connect_unix_socket(self, path, timeout=None, socket_options=None):
        raise httpcore.ConnectError("unix sockets are not used")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


@dataclass
class _RobotsEntry:
    rules: RobotsRules | None
    error: str | None
    expires: float


class SafeClient:
    """An async HTTP client for untrusted URLs; use as `async with SafeClient() as client`."""

    def __init__(self, *, timeout: float = DEFAULT_TIMEOUT_S, max_bytes: int = DEFAULT_MAX_BYTES,
                 max_decoded_bytes: int = DEFAULT_MAX_DECODED_BYTES, max_redirects: int = DEFAULT_MAX_REDIRECTS,
                 per_host: int = DEFAULT_PER_HOST, robots_ttl_s: float = DEFAULT_ROBOTS_TTL_S,
                 user_agent: str = USER_AGENT, verify: bool | str | ssl.SSLContext = True):
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.max_decoded_bytes = max_decoded_bytes
        self.max_redirects = max_redirects
        self.per_host = per_host
        self.robots_ttl_s = robots_ttl_s
        self.user_agent = user_agent
        # One TLS context for both pools (building one loads the CA bundle: ~35 ms).
        self._ssl_context = httpx.create_ssl_context(verify=verify, trust_env=False)
        # Two connection pools: one that may reach private addresses (sources
        # marked local) and one that may not, so a pooled connection made for a
        # local source is never reused for a public one.
        self._public = self._client(allow_private=False)
        self._local = self._client(allow_private=True)
        self._slots: dict[str, asyncio.Semaphore] = {}
        self._robots: dict[str, _RobotsEntry] = {}
        self._robots_locks: dict[str, asyncio.Lock] = defaultdict(asyncio.Lock)

    def _client(self, allow_private: bool) -> httpx.AsyncClient:
        limits = httpx.Limits(max_connections=200, max_keepalive_connections=50, keepalive_expiry=30.0)
        transport = httpx.AsyncHTTPTransport(verify=self._ssl_context, trust_env=False, limits=limits)
        # httpx (0.28) offers no way to pass a network backend; its transport
        # delegates everything to this pool, which we build with ours.
        transport._pool = httpcore.AsyncConnectionPool(
            ssl_context=self._ssl_context,
            max_connections=limits.max_connections, max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry, network_backend=_GuardedBackend(allow_private))
        return httpx.AsyncClient(transport=transport, follow_redirects=False, trust_env=False,
                                 timeout=httpx.Timeout(self.timeout),
                                 headers={"User-Agent": self.user_agent})

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._public.aclose()
        await self._local.aclose()

    # --- the public calls ----------------------------------------------------------

    async def fetch(self, source: SourceConfig, url: str | None = None, *, headers: dict | None = None,
                    raise_for_status: bool = True) -> Response:
        """GET `url` (the source's own URL by default) with the source's permissions;
        errors name the source."""
        return await self.get(url or source.url, local=source.local, robots=source.robots, headers=headers,
                              label=source.url if url is None else url, raise_for_status=raise_for_status)

    async def get(self, url: str, *, local: bool = False, robots: bool = True, headers: dict | None = None,
                  label: str | None = None, raise_for_status: bool = True,
                  max_bytes: int | None = None) -> Response:
        """GET `url`, following redirects; raises FetchError naming `label` (default: `url`).

        With `raise_for_status` an HTTP status of 400 or more is an error; 304 never is.
        """
        label = label or url
        max_bytes = self.max_bytes if max_bytes is None else max_bytes
        budget = self.timeout
        current = url
        visited: list[str] = []
        while True:
            parts = self._checked_url(current, label)
            where = f" (at {current})" if visited else ""
            started = time.monotonic()
            await self._timed(self._check_address(parts, local, label, where), budget, label)
            budget -= time.monotonic() - started
            if robots:
                await self._check_robots(parts, current, local, label, where)
            async with self._slot(parts):
                started = time.monotonic()
                result = await self._timed(self._exchange(current, parts, local, headers, label, where, max_bytes),
                                           budget, label)
                budget -= time.monotonic() - started
            visited.append(current)
            if isinstance(result, Response):
                result.url, result.redirects = url, visited[:-1]
                if raise_for_status and result.status >= 400:
                    raise FetchError(label, f"HTTP {result.status} {result.reason}".rstrip() + where)
                return result
            target = urljoin(current, result).split("#", 1)[0]
            if target in visited:
                chain = " -> ".join(visited[visited.index(target):] + [target])
                raise FetchError(label, f"redirect loop: {chain}")
            if len(visited) > self.max_redirects:
                raise FetchError(label, f"too many redirects (more than {self.max_redirects})")
            current = target

    # --- the steps of one hop --------------------------------------------------------

    def _checked_url(self, url: str, label: str) -> httpx.URL:
        scheme = urlsplit(url).scheme.lower()
        if scheme not in ("http", "https"):
            raise FetchError(label, f"unsupported URL scheme {scheme or '(none)'!r} in {url} (only http and https)")
        try:
            parts = httpx.URL(url)
        except (httpx.InvalidURL, ValueError) as error:
            raise FetchError(label, f"invalid URL {url}: {error}") from None
        if not parts.host:
            raise FetchError(label, f"invalid URL {url}: no host")
        return parts

    async def _timed(self, coroutine, budget: float, label: str):
        try:
            async with asyncio.timeout(max(budget, 0.0)):
                return await coroutine
        except TimeoutError:
            raise FetchError(label, f"timed out after {self.timeout:g} s") from None

    async def _check_address(self, parts: httpx.URL, local: bool, label: str, where: str) -> None:
        if local:
            return
        host = parts.host
        try:
            addresses = await resolve(host, parts.port or (443 if parts.scheme == "https" else 80))
        except OSError as error:
            raise FetchError(label, f"cannot resolve host {host}: {error.strerror or error}{where}") from None
        if not all(is_public_address(address) for address in addresses):
            raise FetchError(label, f"{host} {PRIVATE_ADDRESS}{where}")

    def _slot(self, parts: httpx.URL) -> asyncio.Semaphore:
        key = _origin(parts)
        if key not in self._slots:
            self._slots[key] = asyncio.Semaphore(self.per_host)
        return self._slots[key]

    async def _exchange(self, url: str, parts: httpx.URL, local: bool, headers: dict | None, label: str,
                        where: str, max_bytes: int) -> Response | str:
        """One request: a Response, or the Location of a redirect."""
        client = self._local if local else self._public
        try:
            # We undo Content-Encoding ourselves (decoding.py), with a cap on the output.
            headers = {"Accept-Encoding": accept_encoding(), **(headers or {})}
            async with client.stream("GET", url, headers=headers) as response:
                location = response.headers.get("location")
                if response.status_code in REDIRECT_STATUSES and location:
                    return location
                length = response.headers.get("content-length", "")
                if length.isdigit() and int(length) > max_bytes:
                    raise FetchError(label, f"response larger than {_mb(max_bytes)}{where}")
                content = await self._decoded_body(response, max_bytes, label, where)
                return Response(url=url, final_url=url, status=response.status_code,
                                reason=response.reason_phrase, headers=dict(response.headers.items()),
                                content=content, captured_at=utc_now())
        except _PrivateAddress:
            raise FetchError(label, f"{parts.host} {PRIVATE_ADDRESS}{where}") from None
        except httpx.TimeoutException:
            raise FetchError(label, f"timed out after {self.timeout:g} s{where}") from None
        except httpx.DecodingError as error:
            raise FetchError(label, f"could not decode the response body: {error}{where}") from None
        except httpx.ConnectError as error:
            raise FetchError(label, f"could not connect: {error or type(error).__name__}{where}") from None
        except httpx.HTTPError as error:
            raise FetchError(label, f"{type(error).__name__}: {error}{where}") from None

    async def _decoded_body(self, response: httpx.Response, max_bytes: int, label: str, where: str) -> bytes:
        """The body, read raw and decoded a bounded piece at a time, yielding to
        the event loop between pieces, so that a bomb neither fills memory nor
        stalls the other sources' polls."""
        too_large = FetchError(label, f"decompressed response larger than {_mb(self.max_decoded_bytes)}{where}")
        try:
            decoder = BodyDecoder(response.headers.get("content-encoding"), self.max_decoded_bytes)
            pieces: list[bytes] = []
            async for chunk in response.aiter_raw():
                if response.num_bytes_downloaded > max_bytes:
                    raise FetchError(label, f"response larger than {_mb(max_bytes)}{where}")
                for piece in decoder.feed(chunk):
                    pieces.append(piece)
                    await asyncio.sleep(0)
            pieces.extend(decoder.finish())
        except TooLarge:
            raise too_large from None
        except DecodeError as error:
            raise FetchError(label, f"could not decode the response body: {error}{where}") from None
        return b"".join(pieces)

    # --- robots.txt ----------------------------------------------------------------------

    async def _check_robots(self, parts: httpx.URL, url: str, local: bool, label: str, where: str) -> None:
        rules = await self._robots_rules(parts, local, label)
        path = urlsplit(url).path or "/"
        query = urlsplit(url).query
        if not rules.allowed(path + (f"?{query}" if query else "")):
            raise FetchError(label, f"disallowed by robots.txt{where}")

    async def _robots_rules(self, parts: httpx.URL, local: bool, label: str) -> RobotsRules:
        origin = _origin(parts)
        entry = self._robots.get(origin)
        if entry is None or entry.expires < time.monotonic():
            async with self._robots_locks[origin]:
                entry = self._robots.get(origin)
                if entry is None or entry.expires < time.monotonic():
                    entry = await self._read_robots(origin, local)
                    self._robots[origin] = entry
        if entry.rules is None:
            raise FetchError(label, entry.error or "robots.txt unreadable")
        return entry.rules

    async def _read_robots(self, origin: str, local: bool) -> _RobotsEntry:
        url = f"{origin}/robots.txt"
        now = time.monotonic()
        try:
            response = await self.get(url, local=local, robots=False, raise_for_status=False,
                                      max_bytes=4 * MAX_ROBOTS_BYTES)
        except FetchError as error:
            return _RobotsEntry(None, f"robots.txt unreachable ({error.reason}); not fetching "
                                      f"(set robots = false on the source to override)", now + ROBOTS_FAILURE_TTL_S)
        if 200 <= response.status < 300:
            try:
                text = response.content.decode(response.charset or "utf-8", errors="replace")
            except LookupError:
                text = response.content.decode("utf-8", errors="replace")
            return _RobotsEntry(RobotsRules.parse(text, ROBOTS_TOKEN), None, now + self.robots_ttl_s)
        if response.status >= 500:
            return _RobotsEntry(None, f"robots.txt unreachable (HTTP {response.status}); not fetching "
                                      f"(set robots = false on the source to override)", now + ROBOTS_FAILURE_TTL_S)
        # 4xx (and an unfollowable 3xx): no robots.txt, everything allowed.
        return _RobotsEntry(RobotsRules.allow_all(), None, now + self.robots_ttl_s)


def _origin(parts: httpx.URL) -> str:
    default = 443 if parts.scheme == "https" else 80
    port = parts.port or default
    host = parts.host if ":" not in parts.host else f"[{parts.host}]"
    return f"{parts.scheme}://{host}" + ("" if port == default else f":{port}")


def _mb(size: int) -> str:
    return f"{size / MB:g} MB"
