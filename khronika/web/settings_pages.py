"""Admin only: the sources `watch` follows and the alert rules, kept in the
database (khronika/store/settings.py), as a page with add/remove forms and as
/api/settings endpoints. Webhook secrets are never shown or returned."""
from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, Field

from khronika.store import settings
from khronika.web.context import Context, context, enforce_csrf
from khronika.web.templating import render

router = APIRouter(dependencies=[Depends(enforce_csrf)], include_in_schema=False)
api_router = APIRouter(prefix="/api/settings", dependencies=[Depends(enforce_csrf)], tags=["settings"])
Ctx = Annotated[Context, Depends(context)]


def _admin(ctx: Context) -> None:
    ctx.require(ctx.user is not None and ctx.user.role == "admin")


def _source(s) -> dict[str, Any]:
    return {"id": s.id, "url": s.url, "kind": s.kind, "every_s": s.every_s, "local": s.local,
            "robots": s.robots, "name": s.name}


def _rule(r) -> dict[str, Any]:
    return {"id": r.id, "channel": r.channel, "target": r.target, "person": r.person, "types": list(r.types),
            "place": r.place, "keyword": r.keyword, "name": r.name, "has_secret": bool(r.secret),
            "summary": settings.rule_summary(r)}


def _checked(make, **values):
    try:
        return make(**values)
    except settings.ConfigError as exc:
        raise HTTPException(422, str(exc)) from exc


# ---------------------------------------------------------------- the page

@router.get("/settings", response_class=HTMLResponse)
async def settings_page(ctx: Ctx):
    _admin(ctx)
    return render(ctx, "settings.html", {"sources": [_source(s) for s in settings.list_sources(ctx.store)],
                                         "rules": [_rule(r) for r in settings.list_rules(ctx.store)]})


@router.post("/settings/sources")
def page_add_source(ctx: Ctx, url: Annotated[str, Form(max_length=2000)],
                    every: Annotated[str, Form(max_length=16)] = "60s",
                    kind: Annotated[str, Form(max_length=16)] = "", name: Annotated[str, Form(max_length=200)] = ""):
    _admin(ctx)
    settings.add_source(ctx.store, _checked(settings.make_source, url=url, kind=kind or None, every=every,
                                            name=name or None))
    return RedirectResponse("/settings", status_code=303)


@router.post("/settings/sources/{source_id}/remove")
def page_remove_source(ctx: Ctx, source_id: str):
    _admin(ctx)
    settings.remove_source(ctx.store, source_id)
    return RedirectResponse("/settings", status_code=303)


@router.post("/settings/rules")
def page_add_rule(ctx: Ctx, channel: Annotated[str, Form(max_length=16)],
                  target: Annotated[str, Form(max_length=2000)], person: Annotated[str, Form(max_length=200)] = "",
                  types: Annotated[str, Form(max_length=500)] = "", place: Annotated[str, Form(max_length=200)] = "",
                  keyword: Annotated[str, Form(max_length=200)] = ""):
    _admin(ctx)
    settings.add_rule(ctx.store, _checked(settings.make_rule, channel=channel, target=target, person=person,
                                          types=[types], place=place, keyword=keyword))
    return RedirectResponse("/settings", status_code=303)


@router.post("/settings/rules/{rule_id}/remove")
def page_remove_rule(ctx: Ctx, rule_id: str):
    _admin(ctx)
    settings.remove_rule(ctx.store, rule_id)
    return RedirectResponse("/settings", status_code=303)


# ---------------------------------------------------------------- the API

class SourceIn(BaseModel):
    url: str = Field(max_length=2000)
    kind: str | None = Field(default=None, max_length=16)
    every: str = Field(default="60s", max_length=16)
    local: bool = False
    robots: bool = True
    name: str | None = Field(default=None, max_length=200)


class RuleIn(BaseModel):
    channel: str = Field(max_length=16)
    target: str = Field(max_length=2000)
    person: str | None = Field(default=None, max_length=200)
    types: list[str] = Field(default_factory=list, max_length=50)
    place: str | None = Field(default=None, max_length=200)
    keyword: str | None = Field(default=None, max_length=200)
    secret: str | None = Field(default=None, max_length=500)
    name: str | None = Field(default=None, max_length=200)


@api_router.get("/sources")
async def api_sources(ctx: Ctx) -> list[dict[str, Any]]:
    _admin(ctx)
    return [_source(s) for s in settings.list_sources(ctx.store)]


@api_router.post("/sources", status_code=201)
def api_add_source(ctx: Ctx, body: SourceIn) -> dict[str, Any]:
    _admin(ctx)
    return _source(settings.add_source(ctx.store, _checked(settings.make_source, **body.model_dump())))


@api_router.delete("/sources/{source_id}", status_code=204)
def api_remove_source(ctx: Ctx, source_id: str) -> None:
    _admin(ctx)
    if not settings.remove_source(ctx.store, source_id):
        raise HTTPException(404, "no such source")


@api_router.get("/rules")
async def api_rules(ctx: Ctx) -> list[dict[str, Any]]:
    _admin(ctx)
    return [_rule(r) for r in settings.list_rules(ctx.store)]


@api_router.post("/rules", status_code=201)
def api_add_rule(ctx: Ctx, body: RuleIn) -> dict[str, Any]:
    _admin(ctx)
    return _rule(settings.add_rule(ctx.store, _checked(settings.make_rule, **body.model_dump())))


@api_router.delete("/rules/{rule_id}", status_code=204)
def api_remove_rule(ctx: Ctx, rule_id: str) -> None:
    _admin(ctx)
    if not settings.remove_rule(ctx.store, rule_id):
        raise HTTPException(404, "no such rule")
