"""What route modules ask of a request, as FastAPI dependencies, and the one way a page is rendered.

A route declares what it needs (`user: CurrentUser`, `form: CsrfForm`, `Owner = owner_or_404(...)`) instead of
repeating a preamble; route modules import this module and their own feature, never one another.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from eligo.accounts import users
from eligo.accounts.records import User
from eligo.trials.model import Trial
from eligo.web import views
from eligo.web.errors import EligoHTTPError
from eligo.web.forms import CsrfForm, PostedForm
from eligo.web.requests import store_of

__all__ = [
    "NO_STORE",
    "CsrfForm",
    "CurrentUser",
    "KnownTrial",
    "MaybeUser",
    "PostedForm",
    "SignInRequired",
    "confirm_page",
    "current_user",
    "login_path",
    "message_page",
    "owner_or_404",
    "render",
    "safe_next",
]

# Pages about this visitor (answers, child profile, account, notes, alerts, referrals): no shared or browser
# cache may keep them (a family computer, a hospital proxy).
NO_STORE = {"cache-control": "no-store"}
LOGIN_PATH = "/account/login"
MAX_NEXT_CHARS = 500


# -- who is asking ----------------------------------------------------------------------------------


def current_user(request: Request) -> User | None:
    """The signed-in user, checking the session's claim against the store (it may have been signed out)."""
    session = request.state.session
    user_id = session.user_id
    if user_id is None:
        return None
    user = users.session_user(store_of(request), session.id, user_id)
    if user is None:
        session.data.pop("user_id", None)
        session.changed = True
    return user


class SignInRequired(Exception):
    """Raised for a visitor who is not signed in; the app answers with the sign-in page, which returns to
    `next_path` afterwards when one is given."""

    def __init__(self, next_path: str | None = None) -> None:
        super().__init__(next_path)
        self.next_path = next_path


def redirect_to_sign_in(request: Request, error: Exception) -> Response:
    next_path = error.next_path if isinstance(error, SignInRequired) else None
    return RedirectResponse(login_path(next_path), status_code=303)


def _signed_in(user: Annotated[User | None, Depends(current_user)]) -> User:
    if user is None:
        raise SignInRequired
    return user


def owner_or_404(message: str) -> Any:
    """A dependency for the user who may own the object a route names: anyone not signed in gets the same
    404 (with `message`) as for an object that does not exist, so nobody learns that it exists."""

    def owner(user: Annotated[User | None, Depends(current_user)]) -> User:
        if user is None:
            raise EligoHTTPError(404, "not_found", message)
        return user

    return Depends(owner)


def known_trial(request: Request, nct_id: str) -> Trial:
    """The trial the path names, or 404."""
    return views.require_trial(request, nct_id)


# Route parameters. FastAPI resolves them in the order a route declares them: a route checks the CSRF
# token, then the trial, then who is asking, in the order its parameters say.
MaybeUser = Annotated[User | None, Depends(current_user)]
CurrentUser = Annotated[User, Depends(_signed_in)]
KnownTrial = Annotated[Trial, Depends(known_trial)]


def safe_next(value: str | None) -> str | None:
    """`value` if it is a path on this site to return to after signing in, else None.

    Browsers read "//host", "/\\host" and "/<tab>/host" as another site, so only printable ASCII without
    backslashes, starting with exactly one slash, is kept: never an open redirect.
    """
    if not value or len(value) > MAX_NEXT_CHARS or not value.startswith("/") or value.startswith("//"):
        return None
    if any(not (33 <= ord(char) <= 126) or char == "\\" for char in value):
        return None
    return value


def login_path(next_path: str | None) -> str:
    """The sign-in page, returning to `next_path` (when it is safe) afterwards."""
    safe = safe_next(next_path)
    return LOGIN_PATH + "?" + urlencode({"next": safe}) if safe else LOGIN_PATH


# -- what is sent back ------------------------------------------------------------------------------


def render(
    request: Request,
    template: str,
    context: dict[str, Any],
    status: int = 200,
    *,
    private: bool = False,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """A page, with this session's CSRF token for its forms; `private` pages are never cached."""
    context = {"csrf_token": request.state.session.csrf_token, **context}
    if headers is None and private:
        headers = NO_STORE
    response: HTMLResponse = request.app.state.templates.TemplateResponse(
        request, template, context, status_code=status, headers=headers
    )
    return response


def message_page(
    request: Request, title: str, text: str, status: int = 200, link: tuple[str, str] | None = None
) -> HTMLResponse:
    """A short page that says one thing ("Check your email", "This link does not work any more")."""
    context = {"title": title, "text": text, "link": link}
    return render(request, "account/message.html", context, status, private=True)


def confirm_page(request: Request, title: str, text: str, action: str, button: str) -> HTMLResponse:
    """A page whose button does what an emailed link asks. Mail scanners fetch links before the reader
    does; only the reader presses the button (a POST with the CSRF token), so a GET changes nothing."""
    context = {"title": title, "text": text, "action": action, "button": button}
    return render(request, "account/confirm.html", context, private=True)
