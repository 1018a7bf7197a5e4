"""`khronika serve`: the store as a web app for monitors, lawyers and viewers.

    from khronika.web import create_app
    app = create_app("khronika.db")          # any ASGI server; `khronika serve` uses uvicorn

One FastAPI app: server-rendered HTML pages (Jinja2, no JavaScript needed)
under `/`, and the same data as JSON under `/api` with an OpenAPI schema at
`/api/openapi.json`. Both sit behind the same session login and the same
role checks (see auth.py and `Context`); every state-changing request of
either kind passes the CSRF check before any handler runs.
"""
from __future__ import annotations

import datetime as dt
import os
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import jinja2
from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from markupsafe import Markup

from khronika import views
from khronika.store import Store, open_store
from khronika.web import auth, i18n, limits

WEB_DIR = Path(__file__).parent

# Scraped text is shown, never run: no inline scripts or styles, nothing
# from other sites, no framing, forms only to this app.
CONTENT_SECURITY_POLICY = ("default-src 'none'; style-src 'self'; img-src 'self' data:; "
                           "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")


class LoginRequired(Exception):
    """Raised by page dependencies; answered with a redirect to the login page."""


@dataclass
class Context:
    """Everything a handler needs about the request it serves."""
    request: Request
    store: Store
    user: auth.User | None
    csrf_token: str | None
    language: str

    def gettext(self, message: str) -> str:
        return i18n.translations(self.language).gettext(message)

    def require(self, allowed: bool) -> None:
        if self.user is None:
            raise LoginRequired()
        if not allowed:
            raise HTTPException(403, self.gettext("You are not allowed to see or change this."))


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

    app = FastAPI(title="Khronika", version=_version(), docs_url="/api/docs", redoc_url=None,
                  openapi_url="/api/openapi.json", lifespan=lifespan)
    app.state.store = store or open_store(db)
    app.state.secure_cookies = secure_cookies
    app.state.throttle = auth.LoginThrottle(app.state.store)
    app.state.templates = {language: _environment(language) for language in i18n.LANGUAGES}
    from khronika.web.service import PageCache
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

    app.mount("/static", StaticFiles(directory=WEB_DIR / "static"), name="static")

    from khronika.web import api, pages
    app.include_router(pages.login_router)
    app.include_router(pages.router)
    app.include_router(api.login_router)
    app.include_router(api.router)
    from khronika.web import settings_pages
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


# ---------------------------------------------------------------- per request

async def context(request: Request) -> Context:
    """The request's user (from the session cookie) and language. Never fails:
    pages that need a login say so with `ctx.require(...)`."""
    store: Store = request.app.state.store
    user, csrf = None, None
    token = request.cookies.get(auth.SESSION_COOKIE)
    if token:
        found = store.session_user(token)
        if found:
            row, csrf = found
            user = auth.User(id=row["id"], username=row["username"], role=row["role"], email=row["email"])
    language = i18n.pick_language(request.query_params.get("lang"), request.cookies.get("khronika_lang"),
                                  request.headers.get("accept-language"))
    return Context(request=request, store=store, user=user, csrf_token=csrf, language=language)


async def enforce_csrf(request: Request, ctx: Context = Depends(context)) -> None:
    """Every state-changing request carries the session's CSRF token, and none
    comes from a page of another site."""
    if request.method in auth.SAFE_METHODS:
        return
    origin = request.headers.get("origin")
    if origin and origin != "null":
        if urlsplit(origin).netloc != request.headers.get("host", request.url.netloc):
            raise HTTPException(403, "cross-site request refused")
    if ctx.user is None:
        raise LoginRequired()
    given = request.headers.get(auth.CSRF_HEADER)
    if given is None and "form" in request.headers.get("content-type", ""):
        form = await request.form()
        value = form.get(auth.CSRF_FIELD)
        given = value if isinstance(value, str) else None
    if not auth.tokens_match(ctx.csrf_token, given):
        raise HTTPException(403, ctx.gettext("The form has expired or did not come from this site "
                                             "(missing or wrong CSRF token). Reload the page and try again."))


def set_cookie(request: Request, response: Response, name: str, value: str, *, max_age: int | None,
               http_only: bool = True) -> None:
    secure = request.app.state.secure_cookies
    if secure is None:
        secure = request.url.scheme == "https"
    response.set_cookie(name, value, max_age=max_age, httponly=http_only, samesite="lax", secure=secure,
                        path="/")


# ---------------------------------------------------------------- templates

def _environment(language: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(WEB_DIR / "templates"),
        autoescape=True,                  # every scraped string is text, never markup
        auto_reload=False,                # no stat() of every template on every request
        extensions=["jinja2.ext.i18n"],
        undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True,
    )
    env.install_gettext_translations(i18n.translations(language), newstyle=True)
    gettext = i18n.translations(language).gettext
    env.globals.update(
        language=language, languages=i18n.LANGUAGES,
        event_label=lambda t: i18n.event_label(t, language),
        status_label=lambda s: gettext(i18n.CASE_STATUS_LABELS.get(s, s)) if s else "—",
        role_label=lambda r: gettext(i18n.ROLE_LABELS.get(r, r)),
        event_types=list(i18n.EVENT_TYPE_LABELS),
        date=i18n.date_formatter(language),
        country_label=lambda code: _country_name(code, language),
        # "Алматы (Казахстан)": the place with its country unless it names it.
        place_label=lambda place, country: views.place_label(place, country, language),
        term=lambda years: views.format_term(years, language),
    )
    env.globals["highlight"] = highlight
    env.filters["urlquote"] = lambda value: quote(str(value), safe="")
    env.filters["http_url"] = http_url
    env.filters["country"] = env.globals["country_label"]
    return env


def _country_name(code: str | None, language: str) -> str:
    from khronika.geo import country_name
    return (country_name(code, language) or code) if code else "—"


def render(ctx: Context, template: str, values: dict[str, Any], *, status_code: int = 200) -> HTMLResponse:
    env: jinja2.Environment = ctx.request.app.state.templates[ctx.language]
    page = env.get_template(template).render(
        user=ctx.user, csrf_token=ctx.csrf_token or "", request_path=ctx.request.url.path,
        query_string=str(ctx.request.url.query), today=dt.date.today().isoformat(), **values)
    response = HTMLResponse(page, status_code=status_code)
    if ctx.request.query_params.get("lang") in i18n.LANGUAGES:
        set_cookie(ctx.request, response, "khronika_lang", ctx.language, max_age=365 * 86400)
    return response


def http_url(value: Any) -> str | None:
    """`value` when it is an http(s) URL, else None: the one check before any
    stored URL becomes a link (never javascript:, data:, vbscript:...)."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return text


def highlight(text: str, start: int, end: int) -> Markup:
    """`text` escaped, with [start:end) marked: the evidence sentence in its context."""
    from markupsafe import escape
    start, end = max(0, start), min(len(text), end)
    return Markup(f"{escape(text[:start])}<mark>{escape(text[start:end])}</mark>{escape(text[end:])}")
