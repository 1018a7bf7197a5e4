"""The JSON API under /api: the same data and the same role checks as the pages.

Authentication: POST /api/login with {username, password} sets the session
cookie and returns the session's CSRF token; every POST/PUT/PATCH/DELETE
must send it back in the `X-CSRF-Token` header. The schema is at
/api/openapi.json, browsable at /api/docs.
"""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Response
from pydantic import BaseModel, Field

from khronika.model import EVENT_TYPES
from khronika.store import paging
from khronika.store.schema import CASE_STATUSES
from khronika.web import auth, i18n, service
from khronika.web.context import Context, context, enforce_csrf, set_cookie

router = APIRouter(prefix="/api", dependencies=[Depends(enforce_csrf)], tags=["khronika"])
login_router = APIRouter(prefix="/api", tags=["session"])
# GET handlers read only and run on the event loop; writers run in the
# thread pool (see the note in pages.py).

Ctx = Annotated[Context, Depends(context)]
# Row ids as SQLite stores them (64-bit): a bigger number is a 422, not an overflow.
RowId = Annotated[int, Path(ge=1, le=2**63 - 1)]
UserId = Annotated[int, Field(ge=1, le=2**63 - 1)]
EventType = Literal[tuple(EVENT_TYPES)]            # type: ignore[valid-type]
CaseStatus = Literal[tuple(CASE_STATUSES)]         # type: ignore[valid-type]
Cursor = Annotated[str | None, Query(max_length=2000, pattern=r"^[A-Za-z0-9_-]*$")]  # paging.encode_cursor
Limit = Annotated[int, Query(ge=1, le=paging.MAX_LIMIT)]
ISO_DATE = r"^\d{4}(-\d{2}(-\d{2})?)?(/\d{4}(-\d{2}(-\d{2})?)?)?$"
ISO_DAY = r"^\d{4}-\d{2}-\d{2}$"
ISO_COUNTRY = r"^([A-Za-z]{2})?$"


class Credentials(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)


class Review(BaseModel):
    decision: Literal["confirmed", "rejected"]
    type: EventType | None = None
    date: str | None = Field(default=None, pattern=ISO_DATE)
    place: str | None = Field(default=None, max_length=200)
    # ISO 3166-1 alpha-2 ("KZ"); "" clears. A new place without a country moves
    # the country to the one the place names (Store.review_event).
    country: str | None = Field(default=None, pattern=ISO_COUNTRY)
    destination: str | None = Field(default=None, pattern=ISO_COUNTRY)
    person_id: str | None = Field(default=None, max_length=64)


class Split(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    event_ids: list[str] = Field(min_length=1, max_length=1000)


class Publication(BaseModel):
    do_not_publish: bool


class CaseUpdate(BaseModel):
    status: CaseStatus | None = None
    summary: str | None = Field(default=None, max_length=100_000)
    next_hearing: str | None = Field(default=None, pattern=ISO_DAY)


class Lawyer(BaseModel):
    user_id: UserId
    assigned: bool = True


class DeadlineIn(BaseModel):
    title: str = Field(min_length=1, max_length=500)
    due: str = Field(pattern=ISO_DAY)
    remind_days: int = Field(default=3, ge=0, le=365)


class TaskIn(BaseModel):
    title: str = Field(min_length=1, max_length=500)
    due: str = Field(pattern=ISO_DAY)
    assignee_id: UserId | None = None


class NoteIn(BaseModel):
    body: str = Field(min_length=1, max_length=100_000)


class Done(BaseModel):
    done: bool = True


def _day(value: str) -> str:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"not a date: {value!r}") from None
    return value


# ---------------------------------------------------------------- session

@login_router.post("/login")
def login(credentials: Credentials, ctx: Ctx, response: Response) -> dict[str, Any]:
    token = auth.log_in(ctx.request, credentials.username, credentials.password)
    if token is None:
        raise HTTPException(401, "wrong username or password")
    set_cookie(ctx.request, response, auth.SESSION_COOKIE, token, max_age=auth.SESSION_TTL_S)
    user, csrf = ctx.store.session_user(token)
    return {"user": {k: user[k] for k in ("id", "username", "role")}, "csrf_token": csrf}


@router.post("/logout")
def logout(ctx: Ctx, response: Response) -> dict[str, bool]:
    token = ctx.request.cookies.get(auth.SESSION_COOKIE)
    if token:
        ctx.store.end_session(token)
    response.delete_cookie(auth.SESSION_COOKIE, path="/")
    return {"ok": True}


@router.get("/me")
async def me(ctx: Ctx) -> dict[str, Any]:
    ctx.require(True)
    return {"id": ctx.user.id, "username": ctx.user.username, "role": ctx.user.role,
            "csrf_token": ctx.csrf_token}


# ---------------------------------------------------------------- reading

@router.get("/persons")
async def persons(ctx: Ctx, response: Response, q: Annotated[str | None, Query(max_length=200)] = None,
                  after: Cursor = None, limit: Limit = paging.DEFAULT_LIMIT) -> list[dict[str, Any]]:
    """One page of persons by name; the next page's cursor is in the Link header."""
    found, next_cursor = service.persons_paged(ctx, fragment=q, after=after, limit=limit)
    _link_next(response, "/api/persons", next_cursor, q=q, limit=limit)
    return found


@router.get("/persons/{person_id}")
async def person(ctx: Ctx, person_id: str) -> dict[str, Any]:
    data = service.person_page(ctx, person_id)
    return {key: value for key, value in data.items() if key != "rendered"}


@router.get("/documents/{doc_id}")
async def document(ctx: Ctx, doc_id: str) -> dict[str, Any]:
    return service.document(ctx, doc_id)


@router.get("/search")
async def search(ctx: Ctx, q: Annotated[str, Query(max_length=500)] = "",
           person: Annotated[str | None, Query(max_length=64)] = None,
           type: EventType | None = None,
           country: Annotated[str | None, Query(max_length=2)] = None,
           date_from: Annotated[str | None, Query(pattern=ISO_DATE)] = None,
           date_to: Annotated[str | None, Query(pattern=ISO_DATE)] = None,
           source: Annotated[str | None, Query(max_length=500)] = None,
           page: Annotated[int, Query(ge=1, le=500)] = 1,
           after: Annotated[str | None, Query(max_length=200)] = None) -> dict[str, Any]:
    return service.search(ctx, q, person=person, type=type, country=country, date_from=date_from,
                          date_to=date_to, source=source, page=page, after=after)


@router.get("/trends")
async def trends(ctx: Ctx) -> dict[str, Any]:
    return service.trends(ctx)


# ---------------------------------------------------------------- review

def _reviewer(ctx: Context) -> None:
    ctx.require(ctx.user is not None and ctx.user.can_review)


# GET /review, POST /review/bulk and the merges: review_api.py (issue 13).

@router.post("/events/{event_id}/review")
def review(ctx: Ctx, event_id: str, body: Review) -> dict[str, Any]:
    _reviewer(ctx)
    changes = body.model_dump(exclude={"decision"}, exclude_none=True)
    before = ctx.store.event(event_id)
    if before is None:
        raise KeyError(event_id)
    after = ctx.store.review_event(event_id, body.decision, ctx.user.username, changes)
    after["status"] = i18n.review_status(after.pop("review_status"), edited=i18n.corrects_event(before, after))
    return after


@router.post("/persons/{person_id}/split")
def split(ctx: Ctx, person_id: str, body: Split) -> dict[str, Any]:
    _reviewer(ctx)
    return {"id": ctx.store.split_person(person_id, body.event_ids, body.name, ctx.user.username)}


@router.put("/persons/{person_id}/publication")
def publication(ctx: Ctx, person_id: str, body: Publication) -> dict[str, Any]:
    _reviewer(ctx)
    ctx.store.set_do_not_publish(person_id, body.do_not_publish, ctx.user.username)
    return {"id": person_id, "do_not_publish": body.do_not_publish}


# ---------------------------------------------------------------- case files

@router.get("/cases/{person_id}")
async def case_file(ctx: Ctx, person_id: str) -> dict[str, Any]:
    return service.case_file(ctx, person_id)


@router.put("/cases/{person_id}")
def case_update(ctx: Ctx, person_id: str, body: CaseUpdate) -> dict[str, Any]:
    service.case_file(ctx, person_id)
    if body.next_hearing:
        _day(body.next_hearing)
    # A partial update: fields left out keep their value; null clears one.
    ctx.store.update_case(person_id, ctx.user.username, **body.model_dump(exclude_unset=True))
    return ctx.store.case_file(person_id)


@router.post("/cases/{person_id}/lawyers")
def case_lawyer(ctx: Ctx, person_id: str, body: Lawyer) -> dict[str, Any]:
    service.case_file(ctx, person_id)
    ctx.store.assign_lawyer(person_id, body.user_id, ctx.user.username, assigned=body.assigned)
    return {"lawyers": ctx.store.case_file(person_id)["lawyers"]}


@router.post("/cases/{person_id}/deadlines", status_code=201)
def case_deadline(ctx: Ctx, person_id: str, body: DeadlineIn) -> dict[str, Any]:
    service.case_file(ctx, person_id)
    new_id = ctx.store.add_deadline(person_id, body.title, _day(body.due), ctx.user.username,
                                    remind_days=body.remind_days)
    return {"id": new_id}


@router.post("/cases/{person_id}/tasks", status_code=201)
def case_task(ctx: Ctx, person_id: str, body: TaskIn) -> dict[str, Any]:
    service.case_file(ctx, person_id)
    return {"id": ctx.store.add_task(person_id, body.title, _day(body.due), ctx.user.username,
                                     assignee_id=body.assignee_id)}


@router.post("/cases/{person_id}/notes", status_code=201)
def case_note(ctx: Ctx, person_id: str, body: NoteIn) -> dict[str, Any]:
    service.case_file(ctx, person_id)
    return {"id": ctx.store.add_note(person_id, body.body, ctx.user.username)}


@router.patch("/deadlines/{item_id}")
def deadline_done(ctx: Ctx, item_id: RowId, body: Done) -> dict[str, Any]:
    ctx.require(ctx.user is not None and ctx.user.can_see_cases)
    ctx.store.set_done("deadline", item_id, body.done, ctx.user.username)
    return {"id": item_id, "done": body.done}


@router.patch("/tasks/{item_id}")
def task_done(ctx: Ctx, item_id: RowId, body: Done) -> dict[str, Any]:
    ctx.require(ctx.user is not None and ctx.user.can_see_cases)
    ctx.store.set_done("task", item_id, body.done, ctx.user.username)
    return {"id": item_id, "done": body.done}


@router.get("/dashboard")
async def dashboard(ctx: Ctx, mine: bool = False) -> dict[str, Any]:
    ctx.require(ctx.user is not None and ctx.user.can_see_cases)
    return ctx.store.dashboard(dt.date.today(), user_id=ctx.user.id if mine else None)


# ---------------------------------------------------------------- admin

@router.get("/audit")
async def audit(ctx: Ctx, response: Response, entity: Annotated[str | None, Query(max_length=32)] = None,
                after: Cursor = None, limit: Limit = paging.DEFAULT_LIMIT) -> list[dict[str, Any]]:
    """One page of the log, newest first; the next page's cursor is in the Link header."""
    ctx.require(ctx.user is not None and ctx.user.can_read_audit)
    entries, next_cursor = paging.audit_page(ctx.store, after=after, limit=limit, entity=entity)
    _link_next(response, "/api/audit", next_cursor, entity=entity, limit=limit)
    return entries


def _link_next(response: Response, path: str, cursor: str | None, **params: Any) -> None:
    """`Link: <path?after=…>; rel="next"` and `X-Next-Cursor` when there is a next page."""
    if cursor:
        query = urlencode({k: v for k, v in params.items() if v not in (None, "")} | {"after": cursor})
        response.headers["Link"] = f'<{path}?{query}>; rel="next"'
        response.headers["X-Next-Cursor"] = cursor
