"""Review as work and safe merges (issue 13, items 1 and 2): the pages.

- /review: the queue, filtered by person, document, type, confidence and
  source, freshest happenings first (khronika.store.review), with what is
  left; checkboxes and one button confirm a selection;
- /review/documents/{id}: one article's facts beside its text;
- /review/persons/{id}: one person's facts, confirmed, corrected, rejected
  or split off in place;
- /persons/{id}/merge: the merge target found by name (a plain search
  form; static/review.js turns it into search-as-you-type), then a preview
  (/persons/{id}/merge/{other}) with the merged timeline, the conflicting
  attributes and the canonical name to choose, confirmed by a POST that
  carries the preview's token; /merges/{audit id}/undo splits a merge back.

Every decision goes through the store, which writes the audit entry in the
same transaction. Posts end in a redirect (post/redirect/get).
"""
from __future__ import annotations

from typing import Annotated
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Form, Path
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from khronika.store import merging, review
from khronika.web import service
from khronika.web.context import Context, context, enforce_csrf
from khronika.web.templating import render

router = APIRouter(dependencies=[Depends(enforce_csrf)], include_in_schema=False)
Ctx = Annotated[Context, Depends(context)]
AuditId = Annotated[int, Path(ge=1, le=2**63 - 1)]
PAGE = 25


def reviewer(ctx: Context) -> None:
    ctx.require(ctx.user is not None and ctx.user.can_review)


def _back(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def safe_next(target: str | None, default: str = "/review") -> str:
    # Only paths of this app: "//evil.example" or "https://..." would be an open redirect.
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


def person_filter(ctx: Context, value: str) -> str | list[str]:
    """A person given by id, or every person a typed name denotes (any case,
    script or spelling): two records of one person are often what a
    reviewer is looking for, so several matches filter to all of them."""
    from khronika.resolve import persons_named
    value = value.strip()
    if not value or ctx.store.person_record(value) is not None:
        return value
    found = [p.id for p in persons_named(ctx.store, value)][:50]
    if not found:
        raise ValueError(f"no person known as {value!r}")
    return found[0] if len(found) == 1 else found


def queue_filters(ctx: Context, person: str, document: str, type: str, min_confidence: str,
                  source: str) -> dict:
    """The queue's filters as the store takes them (checked; "" is off)."""
    confidence = min_confidence.strip()
    if confidence:
        value = float(confidence)            # ValueError: a 422 page that says why
        if not 0 <= value <= 1:
            raise ValueError(f"confidence must be between 0 and 1, not {confidence!r}")
    return {"person": person_filter(ctx, person), "document": document.strip(), "type": type.strip(),
            "min_confidence": confidence, "source": source.strip()}


def _changes(ctx: Context, type: str, date: str, place: str, country: str, destination: str,
             person: str) -> dict:
    """A reviewer's corrections from a form: the fields filled in."""
    changes = {}
    for key, value in (("type", type), ("date", date), ("place", place), ("country", country.upper()),
                       ("destination", destination.upper())):
        if value.strip():
            changes[key] = value.strip()
    if person.strip():
        changes["person_id"] = service.person_id_for(ctx, person)
    return changes


# ---------------------------------------------------------------- the queue

@router.get("/review", response_class=HTMLResponse)
async def queue(ctx: Ctx, person: str = "", document: str = "", type: str = "", min_confidence: str = "",
                source: str = "", after: str | None = None):
    reviewer(ctx)
    filters = queue_filters(ctx, person, document, type, min_confidence, source)
    found = review.review_queue(ctx.store, after=after, limit=PAGE, **filters)
    shown = {k: (person.strip() if k == "person" and isinstance(v, list) else v) for k, v in filters.items() if v}
    person_name = None
    if isinstance(filters["person"], list):
        person_name = person.strip()
    elif filters["person"]:
        record = ctx.store.person_record(filters["person"])
        person_name = record and record["name"]
    here = "/review" + ("?" + urlencode(shown | ({"after": after} if after else {})) if shown or after else "")
    next_url = "/review?" + urlencode(shown | {"after": found["next"]}) if found["next"] else None
    return render(ctx, "review.html", {"queue": found, "filters": filters, "person_name": person_name,
                                       "filtered": bool(shown), "here": here, "next_url": next_url})


@router.post("/review/bulk")
def bulk(ctx: Ctx, event_ids: Annotated[list[str], Form()], decision: Annotated[str, Form()] = "confirmed",
         type: Annotated[str, Form()] = "", date: Annotated[str, Form()] = "",
         place: Annotated[str, Form()] = "", country: Annotated[str, Form(max_length=2)] = "",
         destination: Annotated[str, Form(max_length=2)] = "", person: Annotated[str, Form()] = "",
         next: Annotated[str, Form()] = "/review"):
    """One decision on the checked events (a value may hold several ids, comma-separated: one fact)."""
    reviewer(ctx)
    ids = [i for value in event_ids for i in value.split(",") if i]
    review.review_many(ctx.store, ids, decision, ctx.user.username,
                       _changes(ctx, type, date, place, country, destination, person))
    return _back(safe_next(next))


# ---------------------------------------------------------------- one document, one person

def text_pieces(text: str, events: list[dict]) -> list[tuple]:
    """The text cut into plain pieces and evidence sentences (marked), in order;
    the template escapes every piece."""
    pieces, position = [], 0
    for start, end in sorted({(e["span_start"], e["span_end"]) for e in events}):
        if start < position:
            continue
        pieces.append(("text", text[position:start]))
        pieces.append(("mark", text[start:end], start))
        position = end
    pieces.append(("text", text[position:]))
    return pieces


@router.get("/review/documents/{doc_id}", response_class=HTMLResponse)
async def document_review(ctx: Ctx, doc_id: str):
    reviewer(ctx)
    record = service.document(ctx, doc_id)
    left = sum(1 for e in record["events"] if e["status"] == "unreviewed")
    here = f"/review/documents/{quote(doc_id)}"
    return render(ctx, "review_document.html", {"doc": record, "pieces": text_pieces(record["text"] or "",
                                                                                     record["events"]),
                                                "left": left, "here": here})


@router.get("/review/persons/{person_id}", response_class=HTMLResponse)
async def person_review(ctx: Ctx, person_id: str):
    reviewer(ctx)
    data = service.person_page(ctx, person_id)
    here = f"/review/persons/{quote(person_id)}"
    return render(ctx, "review_person.html", data | {"left": review.person_left(ctx.store, person_id),
                                                     "here": here})


# ---------------------------------------------------------------- merging

@router.get("/persons/{person_id}/merge", response_class=HTMLResponse)
async def merge_target(ctx: Ctx, person_id: str, q: str = ""):
    """Find the other person by name: a search form without JavaScript."""
    reviewer(ctx)
    data = service.person_page(ctx, person_id)
    found = []
    if q.strip():
        found = [p for p in service.persons_paged(ctx, fragment=q, limit=20)[0] if p["id"] != person_id]
    merges = [e for e in ctx.store.audit_entries(entity="person", entity_id=person_id, limit=50)
              if e["action"] == "merge" and (e["after"] or {}).get("undo")]
    return render(ctx, "merge_target.html", {"person": data["person"], "q": q, "found": found,
                                             "merges": merges})


def _preview_values(ctx: Context, person_id: str, other_id: str, error: str | None = None) -> dict:
    preview = merging.merge_preview(ctx.store, person_id, other_id)
    return preview | {"error": error}


@router.get("/persons/{person_id}/merge/{other_id}", response_class=HTMLResponse)
async def merge_preview(ctx: Ctx, person_id: str, other_id: str):
    reviewer(ctx)
    return render(ctx, "merge_preview.html", _preview_values(ctx, person_id, other_id))


@router.post("/persons/{person_id}/merge/{other_id}", response_class=HTMLResponse)
async def merge_confirm(ctx: Ctx, person_id: str, other_id: str):
    reviewer(ctx)
    form = await ctx.request.form()
    token, name = str(form.get("token") or ""), str(form.get("name") or "").strip()
    try:
        if not name:
            raise ValueError(ctx.gettext("Choose the name the merged person goes by."))
        merging.check_token(ctx.store, person_id, other_id, token or "missing")
    except ValueError as error:
        # Back to the preview (now current), with what went wrong: nothing was merged.
        return render(ctx, "merge_preview.html", _preview_values(ctx, person_id, other_id, str(error)),
                      status_code=409)
    chosen = {}
    for conflict in merging.attribute_conflicts(ctx.store.person_record(person_id),
                                                ctx.store.person_record(other_id)):
        pick = form.get("attr:" + conflict["key"])
        if pick in ("into", "other"):
            chosen[conflict["key"]] = conflict[pick]
    # A write may wait for the lock: off the event loop (see the note in pages.py).
    await run_in_threadpool(ctx.store.merge_persons, person_id, other_id, ctx.user.username, name=name,
                            attributes=chosen)
    return _back(f"/persons/{quote(person_id)}/merge")


@router.post("/merges/{audit_id}/undo")
def merge_undo(ctx: Ctx, audit_id: AuditId):
    reviewer(ctx)
    restored = merging.undo_merge(ctx.store, audit_id, ctx.user.username)
    return _back(f"/persons/{quote(restored)}")
