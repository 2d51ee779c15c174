"""Form handling shared by the pages: CSRF check and field limits on every POST, as route parameters."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from starlette.datastructures import FormData

from eligo.patients.form import KEPT_FIELD
from eligo.patients.limits import MAX_LIST_ITEMS, MAX_PROFILE_BYTES, MAX_TEXT_CHARS
from eligo.web.errors import EligoHTTPError
from eligo.web.security import csrf_matches

# The profile editor shows a profile at its limits: five lists of up to MAX_LIST_ITEMS rows, at most nine
# fields a row, about 4,700 fields; the body limit (max_body_bytes) bounds the bytes whatever the count.
MAX_FIELDS = 6000
MAX_FIELD_CHARS = 5000
# The profile editor's fields that may be longer: the part of a profile it keeps as it is (bounded like an
# uploaded file) and the lists of conditions, one per line.
LONG_FIELDS = {
    KEPT_FIELD: MAX_PROFILE_BYTES,
    "conditions": MAX_LIST_ITEMS * (MAX_TEXT_CHARS + 2),
    "conditions_absent": MAX_LIST_ITEMS * (MAX_TEXT_CHARS + 2),
}


async def posted_form(request: Request) -> FormData:
    """The posted form, read (the only step that awaits the network) with a bound on its number of fields."""
    return await request.form(max_fields=MAX_FIELDS)


def check_csrf(request: Request, form: FormData) -> FormData:
    """`form`, or 403 unless it carries this session's CSRF token (422 for a field over MAX_FIELD_CHARS)."""
    token = form.get("csrf_token")
    if not isinstance(token, str) or not csrf_matches(request.state.session.csrf_token, token):
        raise EligoHTTPError(403, "csrf", "This form has expired. Please reload the page and try again.")
    for key, value in form.multi_items():
        if isinstance(value, str) and len(value) > LONG_FIELDS.get(key, MAX_FIELD_CHARS):
            raise EligoHTTPError(422, "too_long", f"The field {key[:40]!r} is too long.")
    return form


async def require_csrf(request: Request) -> FormData:
    """Read the posted form and refuse it (403) unless it carries this session's CSRF token."""
    return check_csrf(request, await posted_form(request))


# Route parameters. A route that takes one is a plain `def`: FastAPI reads the form on the event loop, then
# runs the route (password hashing, database calls) in its thread pool, where it holds up no other request.
CsrfForm = Annotated[FormData, Depends(require_csrf)]
PostedForm = Annotated[FormData, Depends(posted_form)]
