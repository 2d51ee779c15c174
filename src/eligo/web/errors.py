"""One error shape for the JSON API and a friendly page for people; never a stack trace."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from eligo.web.security import BODY_TOO_LARGE

log = logging.getLogger("eligo.web")

MESSAGES = {
    400: "Something in the request was not right.",
    403: "This form has expired. Please go back, reload the page and try again.",
    404: "We could not find that page.",
    405: "That action is not allowed here.",
    413: "What you sent is too large.",
    422: "Some of what you entered needs another look.",
    429: "Too many attempts. Please wait a little and try again.",
    500: "Something went wrong on our side. Nothing you entered was lost.",
}

# FastAPI parses a JSON body with `json.loads` before any route runs, and answers 400 when that fails: a
# body nested past the parser's recursion limit, or holding an integer of over 4,300 digits (Python's
# int() limit), is told so in words.
TOO_DEEP = "The JSON body is nested too deeply to read (a profile nests a few levels)."
NUMBER_TOO_LONG = "The JSON body holds a number with too many digits."


class EligoHTTPError(Exception):
    """An error with a status, a stable code and a message safe to show to anyone."""

    def __init__(self, status: int, code: str, message: str, details: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details or []


def error_body(status: int, code: str, message: str, details: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"error": {"status": status, "code": code, "message": message, "details": details or []}}


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get("accept", "")


def render_error(request: Request, status: int, code: str, message: str, details: list[dict[str, Any]]) -> Response:
    if wants_json(request):
        return JSONResponse(error_body(status, code, message, details), status_code=status)
    templates = request.app.state.templates
    try:
        return templates.TemplateResponse(  # type: ignore[no-any-return]
            request, "error.html", {"status": status, "message": message, "details": details}, status_code=status
        )
    except Exception:  # the error page itself must never fail into a stack trace
        log.exception("error page failed")
        return HTMLResponse(f"<!doctype html><title>Error</title><p>{MESSAGES[500]}</p>", status_code=status)


def _field(loc: Any) -> str:
    parts = [str(part) for part in loc if part not in ("body", "query", "path", "form")]
    return ".".join(parts) or "(request)"


async def handle_validation(request: Request, exc: Exception) -> Response:
    errors = exc.errors() if isinstance(exc, RequestValidationError) else []
    details = [{"field": _field(error.get("loc", ())), "message": str(error.get("msg", "invalid"))} for error in errors]
    return render_error(request, 422, "invalid_input", MESSAGES[422], details)


def body_too_large(request: Request) -> Response | None:
    """The 413 answer when the body outgrew the limit while it was read, whatever error that became on its way."""
    if request.scope.get(BODY_TOO_LARGE):
        return render_error(request, 413, "too_large", MESSAGES[413], [])
    return None


async def handle_http(request: Request, exc: Exception) -> Response:
    if (too_large := body_too_large(request)) is not None:
        return too_large
    if isinstance(exc, EligoHTTPError):
        return render_error(request, exc.status, exc.code, exc.message, exc.details)
    status = exc.status_code if isinstance(exc, StarletteHTTPException) else 500
    cause = exc.__cause__
    if status == 400 and isinstance(cause, RecursionError):
        return render_error(request, 400, "too_deep", TOO_DEEP, [])
    if status == 400 and isinstance(cause, ValueError) and "digits" in str(cause):
        return render_error(request, 400, "number_too_long", NUMBER_TOO_LONG, [])
    code = {404: "not_found", 405: "method_not_allowed", 403: "forbidden", 413: "too_large"}.get(status, "error")
    return render_error(request, status, code, MESSAGES.get(status, MESSAGES[400]), [])


async def handle_unexpected(request: Request, exc: Exception) -> Response:
    # Log the type and the route only: request bodies may hold health data, and paths may hold secret
    # tokens (share links, confirmation and reset links), so the route's pattern stands in for the path.
    if (too_large := body_too_large(request)) is not None:
        return too_large
    route = request.scope.get("route")
    where = getattr(route, "path", None) or "an unknown route"
    log.error("unhandled %s on %s %s", type(exc).__name__, request.method, where)
    return render_error(request, 500, "internal", MESSAGES[500], [])
