"""Review as work and safe merges in the JSON API (issue 13, items 1 and 2):
the same filters, counts, bulk decisions, merge preview and undo as the
pages (review_pages.py), under /api."""
from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, Field

from khronika.model import EVENT_TYPES
from khronika.store import merging, paging, review
from khronika.web import service
from khronika.web.context import Context, context, enforce_csrf
from khronika.web.review_pages import queue_filters, reviewer

router = APIRouter(prefix="/api", dependencies=[Depends(enforce_csrf)], tags=["review"])
Ctx = Annotated[Context, Depends(context)]
Cursor = Annotated[str | None, Query(max_length=2000, pattern=r"^[A-Za-z0-9_-]*$")]
Limit = Annotated[int, Query(ge=1, le=paging.MAX_LIMIT)]
EventType = Literal[tuple(EVENT_TYPES)]            # type: ignore[valid-type]
ISO_DATE = r"^\d{4}(-\d{2}(-\d{2})?)?(/\d{4}(-\d{2}(-\d{2})?)?)?$"
ISO_COUNTRY = r"^([A-Za-z]{2})?$"
AuditId = Annotated[int, Path(ge=1, le=2**63 - 1)]


class Bulk(BaseModel):
    event_ids: list[Annotated[str, Field(max_length=64)]] = Field(min_length=1, max_length=review.MAX_BULK)
    decision: Literal["confirmed", "rejected"] = "confirmed"
    type: EventType | None = None
    date: str | None = Field(default=None, pattern=ISO_DATE)
    place: str | None = Field(default=None, max_length=200)
    country: str | None = Field(default=None, pattern=ISO_COUNTRY)
    destination: str | None = Field(default=None, pattern=ISO_COUNTRY)
    person_id: str | None = Field(default=None, max_length=64)


class MergeConfirm(BaseModel):
    into: str = Field(max_length=64)
    other: str = Field(max_length=64)
    # Optional in the schema so that a caller without the role hears 403 first; required in effect.
    name: str | None = Field(default=None, max_length=300,
                             description="required: the canonical name, one of the preview's `names`")
    token: str | None = Field(default=None, max_length=64,
                              description="the preview's token: refused (422) when either person changed since")
    attributes: dict[str, Any] = Field(default_factory=dict,
                                       description="per conflicting attribute: \"into\" or \"other\"")


@router.get("/review")
async def review_queue(ctx: Ctx, person: Annotated[str, Query(max_length=200)] = "",
                       document: Annotated[str, Query(max_length=64)] = "",
                       type: EventType | Literal[""] = "",
                       min_confidence: Annotated[float | None, Query(ge=0, le=1)] = None,
                       source: Annotated[str, Query(max_length=500)] = "",
                       after: Cursor = None, limit: Limit = paging.DEFAULT_LIMIT) -> dict[str, Any]:
    """Events awaiting review, the freshest happenings first (khronika.store.review),
    with `total` (the whole queue), `matching` (these filters) and `by_filter`
    (each set filter alone) left; `next`: the next page's cursor."""
    reviewer(ctx)
    filters = queue_filters(ctx, person, document, type, "" if min_confidence is None else str(min_confidence),
                            source)
    found = review.review_queue(ctx.store, after=after, limit=limit, **filters)
    found["total_capped"] = "total" in found["capped"]
    return found


@router.post("/review/bulk")
def review_bulk(ctx: Ctx, body: Bulk) -> dict[str, Any]:
    """One decision (and the same corrections) on many events; each is audited."""
    reviewer(ctx)
    changes = body.model_dump(exclude={"decision", "event_ids"}, exclude_none=True)
    if changes.get("person_id"):
        changes["person_id"] = service.person_id_for(ctx, changes["person_id"])
    done = review.review_many(ctx.store, body.event_ids, body.decision, ctx.user.username, changes)
    return {"decided": len(done), "decision": body.decision, "event_ids": [e["id"] for e in done]}


@router.get("/persons/{person_id}/merge-preview")
async def merge_preview(ctx: Ctx, person_id: str, other: Annotated[str, Query(max_length=64)]) -> dict[str, Any]:
    """What merging `other` into this person would make: the merged timeline,
    the names to choose the canonical one from, the conflicting attributes,
    and the token to confirm with (POST /api/persons/merge)."""
    reviewer(ctx)
    preview = merging.merge_preview(ctx.store, person_id, other)
    timeline = [{"type": f["fact"].type, "date": f["fact"].date, "place": f["fact"].place,
                 "event_ids": f["fact"].event_ids, "from": f["from"], "joined": f["joined"],
                 "status": "confirmed" if f["fact"].confirmed else "unreviewed"} for f in preview["timeline"]]
    people = {key: {k: preview[key][k] for k in ("id", "name", "name_latin", "aliases", "gender", "attributes")}
              for key in ("into", "other")}
    return people | {"timeline": timeline, "names": preview["names"], "conflicts": preview["conflicts"],
                     "token": preview["token"]}


@router.post("/persons/merge")
def merge(ctx: Ctx, body: MergeConfirm) -> dict[str, Any]:
    """Merge `other` into `into` under the chosen canonical name; undo with
    POST /api/merges/{audit_id}/undo."""
    reviewer(ctx)
    if not (body.name or "").strip():
        raise ValueError("choose the canonical name: `name`, one of the preview's `names`")
    merging.check_token(ctx.store, body.into, body.other, body.token)
    into, other = ctx.store.person_record(body.into), ctx.store.person_record(body.other)
    if into is None or other is None:
        raise KeyError(body.into if into is None else body.other)
    chosen = {c["key"]: c[body.attributes[c["key"]]] for c in merging.attribute_conflicts(into, other)
              if body.attributes.get(c["key"]) in ("into", "other")}
    ctx.store.merge_persons(body.into, body.other, ctx.user.username, name=body.name, attributes=chosen)
    entry = next(e for e in ctx.store.audit_entries(entity="person", entity_id=body.into, limit=5)
                 if e["action"] == "merge")
    return {"id": body.into, "merged": body.other, "name": body.name, "audit_id": entry["id"]}


@router.post("/merges/{audit_id}/undo")
def merge_undo(ctx: Ctx, audit_id: AuditId) -> dict[str, Any]:
    """Split a merge back (from its audit entry): the merged-away person returns."""
    reviewer(ctx)
    return {"restored": merging.undo_merge(ctx.store, audit_id, ctx.user.username)}
