"""The API's reference page at /api/docs: Swagger UI served from its packaged copy, never from another site.

The assets come from the fastapi-offline package (MIT; Swagger UI 5, which reads the OpenAPI 3.1 that
FastAPI writes; swagger-ui-bundle's 4.15 cannot). Only its files are used: its own page has an inline
script, which the site's Content-Security-Policy blocks, so the start-up script lives in /static.
"""

from __future__ import annotations

from importlib.resources import files

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = "/api/docs/assets"
PAGE = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Eligo API</title>
<link rel="stylesheet" href="{ASSETS}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="{ASSETS}/swagger-ui-bundle.js"></script>
<script src="/static/api-docs.js"></script>
</body>
</html>
"""


def install(app: FastAPI) -> None:
    """Add /api/docs and its assets to `app` (whose OpenAPI document is at /api/openapi.json)."""
    assets = files("fastapi_offline").joinpath("static")
    app.mount(ASSETS, StaticFiles(directory=str(assets)), name="api-docs-assets")

    @app.get("/api/docs", include_in_schema=False)
    def api_docs() -> HTMLResponse:
        return HTMLResponse(PAGE)
