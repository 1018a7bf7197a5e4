"""Per request: who is asking, in which language, and whether a state-changing
request may proceed.

`Context` is what every handler and service function receives; the page
(pages.py, settings_pages.py) and JSON (api.py) routers get it from the
`context` dependency and pass state-changing requests through `enforce_csrf`.
This module sits below the routers and service.py and imports none of them,
so the web package's imports run one way: app -> routers -> service ->
context/auth/i18n/limits.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from fastapi import Depends, HTTPException, Request
from fastapi.responses import Response

from khronika.store import Store
from khronika.web import auth, i18n


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
