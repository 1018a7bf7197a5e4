"""`khronika serve`: the store as a web app for monitors, lawyers and viewers.

    from khronika.web import create_app
    app = create_app("khronika.db")          # any ASGI server; `khronika serve` uses uvicorn

One FastAPI app: server-rendered HTML pages (Jinja2, no JavaScript needed)
under `/`, and the same data as JSON under `/api` with an OpenAPI schema at
`/api/openapi.json`. Both sit behind the same session login and the same
role checks (see auth.py and context.py); every state-changing request of
either kind passes the CSRF check before any handler runs.
"""
from __future__ import annotations

import os
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from khronika.store import Store, open_store
from khronika.web import api, api_docs, auth, i18n, limits, pages, review_api, review_pages, settings_pages
from khronika.web.context import LoginRequired, context
from khronika.web.service import PageCache
from khronika.web.templating import environment, render

WEB_DIR = Path(__file__).parent

# Scraped text is shown, never run: no inline scripts or styles, nothing
# from other sites, no framing, forms only to this app. Scripts only as
# files of this app (static/review.js: shortcuts and search-as-you-type,
# a progressive enhancement of pages that work without it).
CONTENT_SECURITY_POLICY = ("default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; "
                           "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")


class SecurityHeaders:
    """Plain ASGI middleware (Starlette's BaseHTTPMiddleware costs a task and
    a stream per request): the security headers on every response."""

    FIXED = [(b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"DENY"),
             # A click on a source link must not tell the source what this app is.
             (b"referrer-policy", b"no-referrer")]

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        private = not scope["path"].startswith("/static/")

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [h for h in self.FIXED if h[0] not in present]
                if b"content-security-policy" not in present:
                    headers.append((b"content-security-policy", CONTENT_SECURITY_POLICY.encode()))
                if private and b"cache-control" not in present:
                    headers.append((b"cache-control", b"no-store"))
                message = dict(message, headers=headers)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def create_app(db: str | os.PathLike | None = None, *, secure_cookies: bool | None = None,
               store: Store | None = None, max_body_bytes: int = limits.DEFAULT_MAX_BODY,
               max_upload_bytes: int = limits.DEFAULT_MAX_UPLOAD) -> FastAPI:
    """The web app over the store at `db`. `secure_cookies` forces the cookie's
    Secure flag on or off; by default it is on when the request came over HTTPS.
    Request bodies are capped (limits.py) at `max_body_bytes`, uploads by a
    signed-in user at `max_upload_bytes`."""
    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        app.state.store.close()

    app = FastAPI(title="Khronika", version=_version(), docs_url=None, redoc_url=None,  # api_docs.py
                  openapi_url="/api/openapi.json", lifespan=lifespan)
    app.state.store = store or open_store(db)
    app.state.secure_cookies = secure_cookies
    app.state.throttle = auth.LoginThrottle(app.state.store)
    app.state.templates = {language: environment(language) for language in i18n.LANGUAGES}
    app.state.page_cache = PageCache()

    app.add_middleware(limits.BodyLimit, max_body=max_body_bytes, max_upload=max_upload_bytes,
                       session_cookie=auth.SESSION_COOKIE)
    app.add_middleware(SecurityHeaders)             # added last: outermost, so a 413 has the headers too

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, _exc: LoginRequired):
        if _is_api(request):
            return JSONResponse({"detail": "login required"}, status_code=401)
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException):
        if _is_api(request) or exc.status_code < 400:
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code,
                                headers=getattr(exc, "headers", None))
        ctx = await context(request)
        return render(ctx, "error.html", {"status": exc.status_code, "detail": exc.detail},
                      status_code=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError):
        if _is_api(request):
            return JSONResponse({"detail": _plain_errors(exc.errors())}, status_code=422)
        ctx = await context(request)
        detail = "; ".join(f"{'.'.join(str(p) for p in e.get('loc', ())[1:])}: {e.get('msg')}"
                           for e in exc.errors())
        return render(ctx, "error.html", {"status": 422, "detail": detail}, status_code=422)

    @app.exception_handler(KeyError)
    async def not_found(request: Request, exc: KeyError):
        if _is_api(request):
            return JSONResponse({"detail": f"not found: {exc.args[0] if exc.args else ''}"}, status_code=404)
        ctx = await context(request)
        return render(ctx, "error.html", {"status": 404, "detail": ctx.gettext("Not found.")}, status_code=404)

    @app.exception_handler(OverflowError)      # a number too large for a database integer
    @app.exception_handler(ValueError)
    async def bad_value(request: Request, exc: ValueError):
        if _is_api(request):
            return JSONResponse({"detail": str(exc)}, status_code=422)
        ctx = await context(request)
        return render(ctx, "error.html", {"status": 422, "detail": str(exc)}, status_code=422)

    from khronika.store.casefile_crypto import CaseFileKeyError

    @app.exception_handler(CaseFileKeyError)
    async def case_files_sealed(request: Request, exc: CaseFileKeyError):
        # Sealed case files and no usable key: the server's setup, not the request, is at fault.
        # The message names the key and the cell, never their content.
        if _is_api(request):
            return JSONResponse({"detail": str(exc)}, status_code=503)
        ctx = await context(request)
        return render(ctx, "error.html", {"status": 503, "detail": str(exc)}, status_code=503)

    app.include_router(api_docs.router)            # before /static: it serves /static/swagger-ui/
    app.mount("/static", StaticFiles(directory=WEB_DIR / "static"), name="static")

    app.include_router(pages.login_router)
    app.include_router(review_pages.router)        # before pages: POST /review/bulk, not /review/{event_id}
    app.include_router(pages.router)
    app.include_router(api.login_router)
    app.include_router(review_api.router)
    app.include_router(api.router)
    app.include_router(settings_pages.router)
    app.include_router(settings_pages.api_router)
    return app


def app_from_environment() -> FastAPI:
    """The app for `khronika serve --workers N`: each worker process builds
    its own from $KHRONIKA_DB and $KHRONIKA_SECURE_COOKIES."""
    return create_app(os.environ.get("KHRONIKA_DB"),
                      secure_cookies=True if os.environ.get("KHRONIKA_SECURE_COOKIES") else None)


def _version() -> str:
    from khronika import __version__
    return __version__


def _plain_errors(errors: list[dict]) -> list[dict]:
    # Pydantic puts exception objects and raw input in errors; keep what serializes.
    return [{k: (v if isinstance(v, (str, int, float, list, tuple, type(None))) else str(v))
             for k, v in e.items() if k != "input"} for e in errors]
