"""Canonical URLs: one spelling per page, for exact-repeat detection."""
from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Click-tracking parameters that make one article look like many.
_TRACKING = re.compile(r"utm_.*|fbclid|gclid|yclid|mc_cid|mc_eid", re.IGNORECASE)
_DEFAULT_PORTS = {"http": 80, "https": 443}


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, no default port, no fragment, no tracking
    parameters (utm_*, fbclid, gclid, yclid), sorted query, no trailing slash.

    Anything that is not an http(s) URL (a file path, a urn:) comes back as given.
    """
    url = url.strip()
    try:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in _DEFAULT_PORTS or not parts.hostname:
            return url
        port = parts.port
    except ValueError:          # an invalid port or IPv6 literal
        return url
    host = parts.hostname.lower()     # (urlsplit's hostname is lower-cased already; said for the reader)
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    query = sorted((key, value) for key, value in parse_qsl(parts.query, keep_blank_values=True)
                   if not _TRACKING.fullmatch(key))
    return urlunsplit((scheme, netloc, parts.path.rstrip("/"), urlencode(query), ""))
