"""Form handling shared by the pages: CSRF check and field limits on every POST."""

from __future__ import annotations

from fastapi import Request
from starlette.datastructures import FormData

from eligo.web.errors import EligoHTTPError
from eligo.web.security import csrf_matches

MAX_FIELDS = 400
MAX_FIELD_CHARS = 5000


async def require_csrf(request: Request) -> FormData:
    """Read the posted form and refuse it (403) unless it carries this session's CSRF token."""
    form = await request.form(max_fields=MAX_FIELDS)
    token = form.get("csrf_token")
    if not isinstance(token, str) or not csrf_matches(request.state.session.csrf_token, token):
        raise EligoHTTPError(403, "csrf", "This form has expired. Please reload the page and try again.")
    for key, value in form.multi_items():
        if isinstance(value, str) and len(value) > MAX_FIELD_CHARS:
            raise EligoHTTPError(422, "too_long", f"The field {key[:40]!r} is too long.")
    return form
