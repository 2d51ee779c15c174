"""HTTP hardening for every response: body size limit, security headers, CSRF tokens."""

from __future__ import annotations

import hmac
import secrets

from fastapi import HTTPException
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)
SECURITY_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    # Share links carry tokens in their paths: never leak them to another site.
    "referrer-policy": "no-referrer",
    "permissions-policy": "geolocation=(), camera=(), microphone=(), interest-cohort=()",
    "cross-origin-opener-policy": "same-origin",
}


# Browsers keep to HTTPS for a year once they have seen this over HTTPS; subdomains are left to their owners.
STRICT_TRANSPORT_SECURITY = "max-age=31536000"
# Set in the request's scope when its body grew past the limit while it was read.
BODY_TOO_LARGE = "eligo.body_too_large"


class BodyTooLarge(HTTPException):
    """A body that grew past the limit while it was read (chunked, no Content-Length to refuse up front).

    An HTTPException, so that whatever is reading the body when it is raised (FastAPI's JSON or form
    parsing, a route) lets it through to the app's error handler, which answers 413 in the one error
    shape; a plain exception became a 500 there before the middleware below could answer.
    """

    def __init__(self) -> None:
        super().__init__(status_code=413, detail="The request body is too large.")


class HardeningMiddleware:
    """Adds security headers and refuses request bodies over `max_body_bytes` (413).

    `hsts` adds Strict-Transport-Security: only for a production site served over HTTPS, where a browser
    that once reached it must never again be talked into plain HTTP.
    """

    def __init__(self, app: ASGIApp, *, max_body_bytes: int, hsts: bool = False) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.headers = dict(SECURITY_HEADERS)
        if hsts:
            self.headers["strict-transport-security"] = STRICT_TRANSPORT_SECURITY

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body_bytes:
            await self._too_large(scope, send)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    # Marked on the request too: on the way out the exception may arrive wrapped (an
                    # ExceptionGroup from a middleware's task group, FastAPI's "error parsing the body").
                    scope[BODY_TOO_LARGE] = True
                    raise BodyTooLarge
            return message

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    headers.setdefault(name, value)
            await send(message)

        try:
            await self.app(scope, limited_receive, send_with_headers)
        except BodyTooLarge:
            await self._too_large(scope, send)

    async def _too_large(self, scope: Scope, send: Send) -> None:
        is_api = str(scope.get("path", "")).startswith("/api/")
        body = (
            b'{"error": {"status": 413, "code": "too_large", "message": "The request body is too large."}}'
            if is_api
            else b"<!doctype html><title>Too large</title><p>What you sent is too large. Please send less.</p>"
        )
        headers = [
            (b"content-type", b"application/json" if is_api else b"text/html; charset=utf-8"),
            (b"content-length", str(len(body)).encode()),
        ] + [(name.encode(), value.encode()) for name, value in self.headers.items()]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def new_csrf_token() -> str:
    return secrets.token_urlsafe(32)


def csrf_matches(expected: str | None, given: str | None) -> bool:
    return bool(expected) and bool(given) and hmac.compare_digest(str(expected), str(given))
