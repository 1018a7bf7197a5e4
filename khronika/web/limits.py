"""A cap on request bodies, before anything reads them (authentication included).

`BodyLimit` is plain ASGI middleware, outermost but for the security
headers. A request body may be at most `max_body` bytes (1 MB: every form
and JSON body of the app is far smaller), or `max_upload` on an upload path
(case-file attachments) when the request carries a live session. A declared
Content-Length over the cap is answered 413 at once, without reading a byte
of the body; a body without one (chunked) is counted as it arrives and cut
off at the cap. Nothing past the cap is read into memory or onto disk.
"""
from __future__ import annotations

import json
import re

import anyio

MB = 2**20
DEFAULT_MAX_BODY = 1 * MB
# The attachment cap (25 MB, web/pages.py) plus room for the multipart framing.
DEFAULT_MAX_UPLOAD = 25 * MB + 64 * 1024
UPLOAD_PATHS = (re.compile(r"^/cases/[^/]+/attachments$"),)


class _TooLarge(Exception):
    pass


class BodyLimit:
    def __init__(self, app, *, max_body: int = DEFAULT_MAX_BODY, max_upload: int = DEFAULT_MAX_UPLOAD,
                 upload_paths=UPLOAD_PATHS, session_cookie: str = "khronika_session"):
        self.app = app
        self.max_body = max_body
        self.max_upload = max_upload
        self.upload_paths = upload_paths
        self.session_cookie = session_cookie

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = await self._limit(scope)
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None:
            if not declared.strip().isdigit():
                return await _refuse(send, 400, "invalid Content-Length")
            if int(declared) > limit:
                return await _refuse(send, 413, f"request body larger than {limit} bytes")
        received = 0
        exceeded = False
        started = False

        async def limited_receive():
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    raise _TooLarge()
            return message

        async def guarded_send(message):
            nonlocal started
            if exceeded and not started:
                return                       # the app's answer to a cut-off body: ours instead
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except Exception:
            if not exceeded:
                raise
        if exceeded and not started:
            await _refuse(send, 413, f"request body larger than {limit} bytes")

    async def _limit(self, scope) -> int:
        if scope.get("method") != "POST" or not any(p.match(scope.get("path", "")) for p in self.upload_paths):
            return self.max_body
        token = _cookie(scope, self.session_cookie)
        app = scope.get("app")
        store = getattr(getattr(app, "state", None), "store", None)
        if not token or store is None:
            return self.max_body
        # Uploads only from someone signed in: an anonymous request keeps the small cap.
        found = await anyio.to_thread.run_sync(store.session_user, token)
        return self.max_upload if found else self.max_body


def _cookie(scope, name: str) -> str | None:
    for key, value in scope.get("headers") or []:
        if key == b"cookie":
            for part in value.decode("latin-1").split(";"):
                cookie, _, content = part.strip().partition("=")
                if cookie == name and content:
                    return content
    return None


async def _refuse(send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})
