"""/api/docs: Swagger UI over /api/openapi.json, served by the app itself.

FastAPI's own docs page loads Swagger UI from a CDN and starts it with an
inline script: the CSP blocks both, and a machine without network shows a
blank page. Here the script and stylesheet come from the fastapi-offline
package's copy of Swagger UI 5 (installed with khronika; Swagger UI 4 cannot
read FastAPI's OpenAPI 3.1 schema) and the start-up code from
static/api-docs.js, so the page works offline under a CSP that allows this
origin only.
"""
from __future__ import annotations

import importlib.resources

from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import FileResponse, HTMLResponse
from markupsafe import escape

from khronika.web.context import Context, context

ASSETS_URL = "/static/swagger-ui"
ASSETS_DIR = importlib.resources.files("fastapi_offline") / "static"
# The files the page uses; nothing else of the package is served.
ASSETS = {"swagger-ui-bundle.js": "text/javascript", "swagger-ui.css": "text/css"}

# The pages' policy plus what Swagger UI needs: its scripts (from here) and
# fetching the schema and "try it out" requests (to here).
DOCS_CONTENT_SECURITY_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; "
                                "img-src 'self' data:; connect-src 'self'; form-action 'self'; "
                                "frame-ancestors 'none'; base-uri 'none'")

router = APIRouter(include_in_schema=False)


@router.get("/api/docs", response_class=HTMLResponse)
async def api_docs(ctx: Context = Depends(context)) -> HTMLResponse:
    # A signed-in user's CSRF token rides along so that "try it out" can send
    # POST/PATCH/DELETE requests (api-docs.js puts it in the header).
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Khronika API</title>
<link rel="stylesheet" href="{ASSETS_URL}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui" data-openapi-url="/api/openapi.json" data-csrf-token="{escape(ctx.csrf_token or '')}"></div>
<script src="{ASSETS_URL}/swagger-ui-bundle.js"></script>
<script src="/static/api-docs.js"></script>
</body>
</html>
"""
    return HTMLResponse(page, headers={"content-security-policy": DOCS_CONTENT_SECURITY_POLICY})


@router.api_route(ASSETS_URL + "/{name}", methods=["GET", "HEAD"])
async def swagger_ui_asset(name: str) -> FileResponse:
    if name not in ASSETS:
        raise HTTPException(404, "not found")
    return FileResponse(ASSETS_DIR / name, media_type=ASSETS[name])
