"""The HTML pages. Forms post back here; every post passes `enforce_csrf`
(the router's dependency) before its handler runs, and ends in a redirect
(post/redirect/get) so a reload never repeats a decision."""
from __future__ import annotations

import datetime as dt
from typing import Annotated
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, File, Form, HTTPException, Path, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup

from khronika.person_status import person_status
from khronika.store import paging
from khronika.store.schema import CASE_STATUSES
from khronika.web import auth, service
from khronika.web.charts import trends_chart
from khronika.web.context import Context, context, enforce_csrf, set_cookie
from khronika.web.templating import render

router = APIRouter(dependencies=[Depends(enforce_csrf)], include_in_schema=False)
# GET handlers are `async def`: they only read, and a SQLite read in WAL mode
# takes well under a millisecond and never waits for a lock, so they run on
# the event loop. Handing them to the thread pool cost more than the work
# (thread hops and GIL hand-offs under 20 concurrent clients: search p95
# 80-130 ms against 50 ms on the loop, bench/web.py). Handlers that write
# stay plain `def`: a write may wait up to the busy timeout for the lock.
# The login form has no session yet: its own (double-submit cookie) CSRF check.
login_router = APIRouter(include_in_schema=False)

Ctx = Annotated[Context, Depends(context)]
RowId = Annotated[int, Path(ge=1, le=2**63 - 1)]
MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024


def _back(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _safe_next(target: str | None) -> str:
    # Only paths of this app: "//evil.example" or "https://..." would be an open redirect.
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


# ---------------------------------------------------------------- login

@login_router.get("/login", response_class=HTMLResponse)
async def login_form(ctx: Ctx, next: str = "/"):
    token = ctx.request.cookies.get(auth.LOGIN_CSRF_COOKIE) or auth.new_token()
    response = render(ctx, "login.html", {"next": _safe_next(next), "login_csrf": token, "error": None})
    set_cookie(ctx.request, response, auth.LOGIN_CSRF_COOKIE, token, max_age=3600)
    return response


@login_router.post("/login", response_class=HTMLResponse)
def login(ctx: Ctx, username: Annotated[str, Form(max_length=64)], password: Annotated[str, Form(max_length=1024)],
          csrf_token: Annotated[str, Form(max_length=128)] = "", next: Annotated[str, Form()] = "/"):
    request = ctx.request
    if not auth.tokens_match(request.cookies.get(auth.LOGIN_CSRF_COOKIE), csrf_token):
        raise HTTPException(403, ctx.gettext("The form has expired or did not come from this site "
                                             "(missing or wrong CSRF token). Reload the page and try again."))
    token = auth.log_in(request, username, password)
    if token is None:
        response = render(ctx, "login.html", {"next": _safe_next(next), "login_csrf": csrf_token,
                                              "error": ctx.gettext("Wrong username or password.")},
                          status_code=401)
        return response
    response = _back(_safe_next(next))
    set_cookie(request, response, auth.SESSION_COOKIE, token, max_age=auth.SESSION_TTL_S)
    response.delete_cookie(auth.LOGIN_CSRF_COOKIE, path="/")
    return response


@router.post("/logout")
def logout(ctx: Ctx):
    token = ctx.request.cookies.get(auth.SESSION_COOKIE)
    if token:
        ctx.store.end_session(token)
    response = _back("/login")
    response.delete_cookie(auth.SESSION_COOKIE, path="/")
    return response


# ---------------------------------------------------------------- reading

@router.get("/", response_class=HTMLResponse)
async def home(ctx: Ctx, q: str | None = None, after: str | None = None):
    found, next_cursor = service.persons_paged(ctx, fragment=q, after=after)
    return render(ctx, "persons.html", {"persons": found, "q": q or "", "after": after or "",
                                        "next_url": _next_url("/", next_cursor, q=q)})


def _next_url(path: str, cursor: str | None, **params) -> str | None:
    """The link to the page after `cursor` (keyset paging), or None on the last page."""
    if not cursor:
        return None
    return path + "?" + urlencode({k: v for k, v in params.items() if v} | {"after": cursor})


@router.get("/search", response_class=HTMLResponse)
async def search_page(ctx: Ctx, q: str = "", person: str = "", type: str = "", country: str = "",
                date_from: str = "", date_to: str = "", source: str = "", page: int = 1, after: str = ""):
    ctx.require(True)
    result = None
    if q.strip() or person or type or country or date_from or date_to or source:
        result = service.search(ctx, q, person=person, type=type, country=country, date_from=date_from,
                                date_to=date_to, source=source, page=page, after=after or None)
    filters = {"q": q, "person": person, "type": type, "country": country, "date_from": date_from,
               "date_to": date_to, "source": source}
    # Keyset paging: the next page is the cursor after this one's last hit.
    next_url = result and _next_url("/search", result.get("next_cursor"), **filters,
                                    page=str(result["page"] + 1))
    return render(ctx, "search.html", {"result": result, "filters": filters, "page": page,
                                       "next_url": next_url})


@router.get("/persons/{person_id}", response_class=HTMLResponse)
async def person_page(ctx: Ctx, person_id: str):
    data = service.person_page(ctx, person_id)
    # The timeline is the heavy part of the page and the same for everyone
    # who may see it: rendered once per language and kept with the data.
    fragment = data["rendered"].get(ctx.language)
    if fragment is None:
        env = ctx.request.app.state.templates[ctx.language]
        fragment = Markup(env.get_template("_timeline.html").render(timeline=data["timeline"]))
        data["rendered"][ctx.language] = fragment
    status = person_status(data["timeline"], ctx.language, data["person"]["gender"], data["person"]["name"])
    return render(ctx, "person.html", data | {"timeline_html": fragment, "person_status": status})


@router.get("/persons/{person_id}/edit", response_class=HTMLResponse)
async def person_edit_page(ctx: Ctx, person_id: str):
    ctx.require(ctx.user is not None and ctx.user.can_review)
    data = service.person_page(ctx, person_id)
    # No list of everyone to merge with (it defaulted to the first person):
    # the target is searched for by name (review_pages.py, issue 13).
    return render(ctx, "person_edit.html", data)


@router.get("/documents/{doc_id}", response_class=HTMLResponse)
async def document_page(ctx: Ctx, doc_id: str):
    record = service.document(ctx, doc_id)
    text = record["text"]
    # The evidence sentences marked in place, the rest as plain escaped text.
    pieces, position = [], 0
    for event in sorted({(e["span_start"], e["span_end"]) for e in record["events"]}):
        start, end = event
        if start < position:
            continue
        pieces.append(("text", text[position:start]))
        pieces.append(("mark", text[start:end], start))
        position = end
    pieces.append(("text", text[position:]))
    return render(ctx, "document.html", {"doc": record, "pieces": pieces})


@router.get("/documents/{doc_id}/snapshot")
async def snapshot(ctx: Ctx, doc_id: str):
    service.snapshot_document(ctx, doc_id)   # the same visibility as the document
    found = ctx.store.snapshot_bytes(doc_id)
    if found is None:
        raise KeyError(doc_id)
    raw, media_type, sha256 = found
    # Served as a download, never rendered here: a captured page is hostile markup.
    return Response(raw, media_type="application/octet-stream", headers={
        "Content-Disposition": f"attachment; filename=\"snapshot-{sha256[:16]}.bin\"",
        "Content-Security-Policy": "sandbox", "X-Khronika-SHA256": sha256,
        "X-Khronika-Media-Type": media_type})


@router.get("/trends", response_class=HTMLResponse)
async def trends_page(ctx: Ctx, type: str = "", country: str = ""):
    data = service.trends(ctx)
    rows = data["rows"]
    chart = trends_chart(rows, event_type=type or None, country=country or None,
                         gettext=ctx.gettext, language=ctx.language)
    countries = sorted({r["country"] for r in rows if r["country"]})
    return render(ctx, "trends.html", {"chart": chart, "rows": rows, "type": type, "country": country,
                                       "countries": countries})


# ---------------------------------------------------------------- review

# The queue (GET /review), bulk decisions and safe merges: review_pages.py (issue 13).

@router.post("/review/{event_id}")
def review(ctx: Ctx, event_id: str, decision: Annotated[str, Form()], type: Annotated[str, Form()] = "",
           date: Annotated[str, Form()] = "", place: Annotated[str, Form()] = "",
           country: Annotated[str, Form(max_length=2)] = "", destination: Annotated[str, Form(max_length=2)] = "",
           person: Annotated[str, Form()] = "", next: Annotated[str, Form()] = "/review"):
    ctx.require(ctx.user is not None and ctx.user.can_review)
    before = ctx.store.event(event_id)
    if before is None:
        raise KeyError(event_id)
    changes = {}
    person_id = service.person_id_for(ctx, person) if person.strip() else ""
    # The form sends every field back as shown: only what differs is a
    # correction, and a blank field leaves the value as it is. An unchanged
    # country lets a corrected place move it (Store.review_event).
    for key, value in (("type", type), ("date", date), ("place", place), ("country", country.upper()),
                       ("destination", destination.upper()), ("person_id", person_id)):
        if value.strip() and value.strip() != (before.get(key) or ""):
            changes[key] = value.strip()
    ctx.store.review_event(event_id, decision, ctx.user.username, changes)
    return _back(_safe_next(next))


@router.post("/persons/{person_id}/split")
def split(ctx: Ctx, person_id: str, name: Annotated[str, Form()], event_ids: Annotated[list[str], Form()]):
    ctx.require(ctx.user is not None and ctx.user.can_review)
    ids = [i for value in event_ids for i in value.split(",") if i]
    new_id = ctx.store.split_person(person_id, ids, name, ctx.user.username)
    return _back(f"/persons/{quote(new_id)}")


@router.post("/persons/{person_id}/publication")
def publication(ctx: Ctx, person_id: str, do_not_publish: Annotated[str, Form()] = ""):
    ctx.require(ctx.user is not None and ctx.user.can_review)
    ctx.store.set_do_not_publish(person_id, do_not_publish == "on", ctx.user.username)
    return _back(f"/persons/{quote(person_id)}")


# ---------------------------------------------------------------- case files

def _lawyers(ctx: Context) -> list[dict]:
    return [u for u in ctx.store.users() if u["role"] in ("lawyer", "admin") and u["active"]]


@router.get("/cases/{person_id}", response_class=HTMLResponse)
async def case_page(ctx: Ctx, person_id: str):
    case = service.case_file(ctx, person_id)
    person = ctx.store.person_record(person_id)
    return render(ctx, "case.html", {"case": case, "person": person, "statuses": CASE_STATUSES,
                                     "lawyers": _lawyers(ctx), "users": ctx.store.users()})


@router.post("/cases/{person_id}")
def case_update(ctx: Ctx, person_id: str, status: Annotated[str, Form()] = "",
                summary: Annotated[str, Form()] = "", next_hearing: Annotated[str, Form()] = ""):
    service.case_file(ctx, person_id)
    ctx.store.update_case(person_id, ctx.user.username, status=status or None, summary=summary or None,
                          next_hearing=next_hearing or None)
    return _back(f"/cases/{quote(person_id)}")


@router.post("/cases/{person_id}/lawyers")
def case_lawyer(ctx: Ctx, person_id: str, user_id: Annotated[int, Form(ge=1, le=2**63 - 1)],
                action: Annotated[str, Form()] = "assign"):
    service.case_file(ctx, person_id)
    ctx.store.assign_lawyer(person_id, user_id, ctx.user.username, assigned=action != "unassign")
    return _back(f"/cases/{quote(person_id)}")


@router.post("/cases/{person_id}/deadlines")
def case_deadline(ctx: Ctx, person_id: str, title: Annotated[str, Form(max_length=500)],
                  due: Annotated[str, Form()], remind_days: Annotated[int, Form()] = 3):
    service.case_file(ctx, person_id)
    ctx.store.add_deadline(person_id, title, due, ctx.user.username, remind_days=remind_days)
    return _back(f"/cases/{quote(person_id)}")


@router.post("/cases/{person_id}/tasks")
def case_task(ctx: Ctx, person_id: str, title: Annotated[str, Form(max_length=500)],
              due: Annotated[str, Form()], assignee_id: Annotated[str, Form()] = ""):
    service.case_file(ctx, person_id)
    ctx.store.add_task(person_id, title, due, ctx.user.username,
                       assignee_id=int(assignee_id) if assignee_id.strip() else None)
    return _back(f"/cases/{quote(person_id)}")


@router.post("/cases/{person_id}/notes")
def case_note(ctx: Ctx, person_id: str, body: Annotated[str, Form(max_length=100_000)]):
    service.case_file(ctx, person_id)
    ctx.store.add_note(person_id, body, ctx.user.username)
    return _back(f"/cases/{quote(person_id)}")


@router.post("/cases/{person_id}/attachments")
async def case_attachment(ctx: Ctx, person_id: str, file: Annotated[UploadFile, File()]):
    service.case_file(ctx, person_id)
    data = await file.read(MAX_ATTACHMENT_BYTES + 1)
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise HTTPException(413, ctx.gettext("The file is larger than 25 MB."))
    name = (file.filename or "attachment").replace("/", "_").replace("\\", "_")[:200]
    ctx.store.add_attachment(person_id, name, file.content_type or "application/octet-stream", data,
                             ctx.user.username)
    return _back(f"/cases/{quote(person_id)}")


@router.get("/attachments/{attachment_id}")
async def attachment(ctx: Ctx, attachment_id: RowId):
    ctx.require(ctx.user is not None and ctx.user.can_see_cases)
    found = ctx.store.attachment(attachment_id)
    if found is None:
        raise KeyError(attachment_id)
    return Response(found["data"], media_type="application/octet-stream", headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(found['filename'])}",
        "Content-Security-Policy": "sandbox"})


@router.post("/deadlines/{item_id}/done")
def deadline_done(ctx: Ctx, item_id: RowId, done: Annotated[str, Form()] = "on",
                  next: Annotated[str, Form()] = "/dashboard"):
    ctx.require(ctx.user is not None and ctx.user.can_see_cases)
    ctx.store.set_done("deadline", item_id, done == "on", ctx.user.username)
    return _back(_safe_next(next))


@router.post("/tasks/{item_id}/done")
def task_done(ctx: Ctx, item_id: RowId, done: Annotated[str, Form()] = "on",
              next: Annotated[str, Form()] = "/dashboard"):
    ctx.require(ctx.user is not None and ctx.user.can_see_cases)
    ctx.store.set_done("task", item_id, done == "on", ctx.user.username)
    return _back(_safe_next(next))


@router.get("/dashboard", response_class=HTMLResponse)
async def dashboard(ctx: Ctx, mine: bool = False):
    ctx.require(ctx.user is not None and ctx.user.can_see_cases)
    due = ctx.store.dashboard(dt.date.today(), user_id=ctx.user.id if mine else None)
    return render(ctx, "dashboard.html", {"due": due, "mine": mine})


@router.get("/cases/{person_id}/dossier", response_class=HTMLResponse)
async def dossier(ctx: Ctx, person_id: str):
    case = service.case_file(ctx, person_id)
    data = service.person_page(ctx, person_id)
    return render(ctx, "dossier.html", data | {"case": case})


# ---------------------------------------------------------------- admin

@router.get("/audit", response_class=HTMLResponse)
async def audit(ctx: Ctx, after: str | None = None):
    ctx.require(ctx.user is not None and ctx.user.can_read_audit)
    entries, next_cursor = paging.audit_page(ctx.store, after=after, limit=100)
    return render(ctx, "audit.html", {"entries": entries, "next_url": _next_url("/audit", next_cursor)})

