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

from eligo.store.cache import BoundedCache

# Random per process, so it cannot occur in registry text, and hex, so escaping leaves it alone.
TOKEN_PLACEHOLDER = secrets.token_hex(32)
# About 30-60 KB a page: at most ~30 MB per worker.
MAX_PAGES = 512

PageKey = tuple[object, ...]
_PAGES: BoundedCache[PageKey, bytes] = BoundedCache(MAX_PAGES)


def is_blank(request: Request) -> bool:
    """Whether this visitor's session holds nothing of their own."""
    session = getattr(request.state, "session", None)
    return session is not None and not session.data


def get(key: PageKey, csrf_token: str) -> bytes | None:
    body = _PAGES.get(key)
    return None if body is None else body.replace(TOKEN_PLACEHOLDER.encode(), csrf_token.encode())


def keep(key: PageKey, body: bytes, csrf_token: str) -> bytes:
    """Remember a page rendered with the placeholder; the page with `csrf_token` put in."""
    _PAGES.put(key, body)
    return body.replace(TOKEN_PLACEHOLDER.encode(), csrf_token.encode())


def clear() -> None:
    _PAGES.clear()
