"""Pages as a visitor who has brought nothing sees them (trial pages, searches), rendered once and served again.

A visitor with an empty session (not signed in, no child profile, no answers anywhere) sees exactly
what every such visitor sees on the same day from the same store data, except for the CSRF token
in its forms. Those pages are rendered with a placeholder token, kept per (page, store data version,
day), and served with the visitor's own token put in. Anything in the session makes the page
personal, and it is rendered afresh as before.
"""

from __future__ import annotations

import secrets

from fastapi import Request

from eligo.process import PageKey
from eligo.web.views import caches_of

# Random per process, so it cannot occur in registry text, and hex, so escaping leaves it alone.
TOKEN_PLACEHOLDER = secrets.token_hex(32)


def is_blank(request: Request) -> bool:
    """Whether this visitor's session holds nothing of their own."""
    session = getattr(request.state, "session", None)
    return session is not None and not session.data


def get(request: Request, key: PageKey, csrf_token: str) -> bytes | None:
    body = caches_of(request).blank_pages.get(key)
    return None if body is None else body.replace(TOKEN_PLACEHOLDER.encode(), csrf_token.encode())


def keep(request: Request, key: PageKey, body: bytes, csrf_token: str) -> bytes:
    """Remember a page rendered with the placeholder (in the worker's `Caches`); the page with `csrf_token` put in."""
    caches_of(request).blank_pages.put(key, body)
    return body.replace(TOKEN_PLACEHOLDER.encode(), csrf_token.encode())
