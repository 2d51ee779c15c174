"""Account pages: sign up, confirm, sign in and out, reset a password, see, export and delete an account.

Thin handlers over eligo.accounts. Answers never tell whether an address has an account, and log no
address: a visitor who reads them learns only what the owner of the address would.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from eligo.accounts import ratelimit, users
from eligo.accounts.export import delete_account, export_user
from eligo.accounts.passwords import WeakPassword
from eligo.accounts.records import User, normalise_email
from eligo.web.deps import NO_STORE, CsrfForm, CurrentUser, confirm_page, login_path, message_page, render, safe_next
from eligo.web.features import account_panels, features_of
from eligo.web.requests import client_of, form_text, settings_of, store_of, utc_now

router = APIRouter(prefix="/account", include_in_schema=False)

SIGN_IN_FAILED = (
    "That email address and password do not match an account that is ready to use. "
    "If you have just signed up, open the link in the email we sent you first."
)
TOO_MANY = "Too many attempts. Please wait 15 minutes and try again, or set a new password."
CHECK_EMAIL_SIGNUP = (
    "Thank you. We have sent an email to the address you gave. Open the link in it to finish "
    "setting up your account. If nothing arrives within a few minutes, check your spam folder."
)
CHECK_EMAIL_RESET = (
    "If an account uses that email address, we have sent it a link to set a new password. "
    "The link works once, for 1 hour."
)
BAD_LINK = "This link does not work any more: it may have been used already, or be too old."
NEXT_KEY = "after_sign_in"


# -- sign up and confirm ----------------------------------------------------------------------------


@router.get("/signup", response_class=HTMLResponse)
def signup_form(request: Request, next: str | None = None) -> Response:
    return render(request, "account/signup.html", {"form": {}, "next": safe_next(next)}, private=True)


@router.post("/signup")
def signup(request: Request, form: CsrfForm) -> Response:
    email, role, password = form_text(form, "email"), form_text(form, "role"), form_text(form, "password")
    values = {"email": email, "role": role}
    next_path = safe_next(form_text(form, "next"))
    store, settings = store_of(request), settings_of(request)
    if not ratelimit.allow(store, "signup:ip", client_of(request), utc_now()):
        return render(
            request, "account/signup.html", {"form": values, "error": TOO_MANY, "next": next_path}, 429, private=True
        )
    # Counted for every sign-up, known address or not, so the answer never depends on whether it has an account.
    remind = ratelimit.allow(store, "signup:address", normalise_email(email), utc_now())
    try:
        users.sign_up(store, email, password, role, settings.public_url, utc_now(), remind=remind)
    except (users.AccountError, WeakPassword) as error:
        return render(
            request, "account/signup.html", {"form": values, "error": str(error), "next": next_path}, 422, private=True
        )
    if next_path:  # the confirmation link is usually opened in this browser: offer the way back there
        request.state.session.data[NEXT_KEY] = next_path
        request.state.session.changed = True
    return message_page(request, "Check your email", CHECK_EMAIL_SIGNUP)


@router.get("/confirm/{token}", response_class=HTMLResponse)
def confirm_form(request: Request, token: str) -> Response:
    return confirm_page(
        request,
        "Confirm your email address",
        "Press the button to confirm that this is your email address and finish setting up your account.",
        "/account/confirm/" + quote(token, safe=""),
        "Confirm my email address",
    )


@router.post("/confirm/{token}")
def confirm(request: Request, token: str, _csrf: CsrfForm) -> Response:
    if users.confirm(store_of(request), token, utc_now()) is None:
        return message_page(request, "Link not valid", BAD_LINK, 400, ("/account/login", "Sign in"))
    next_path = request.state.session.data.get(NEXT_KEY)
    sign_in = login_path(next_path if isinstance(next_path, str) else None)
    return message_page(request, "Your email address is confirmed", "Your account is ready.", link=(sign_in, "Sign in"))


# -- sign in and out --------------------------------------------------------------------------------


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, changed: str | None = None, next: str | None = None) -> Response:
    notice = "Your password was changed. Please sign in with the new one." if changed else None
    return render(request, "account/login.html", {"form": {}, "notice": notice, "next": safe_next(next)}, private=True)


@router.post("/login")
def login(request: Request, form: CsrfForm) -> Response:
    email, password = normalise_email(form_text(form, "email")), form_text(form, "password")
    next_path = safe_next(form_text(form, "next"))
    again = {"form": {"email": email}, "next": next_path}
    store, now, client = store_of(request), utc_now(), client_of(request)
    if ratelimit.blocked(store, [("login:ip", client), ("login:account", email)], now) is not None:
        return render(request, "account/login.html", {**again, "error": TOO_MANY}, 429, private=True)
    outcome = users.authenticate(store, email, password, now)
    if outcome.user is None:
        if outcome.reason != "unconfirmed":  # they know the password: no guessing to slow down
            ratelimit.hit(store, "login:ip", client, now)
            ratelimit.hit(store, "login:account", email, now)
        return render(request, "account/login.html", {**again, "error": SIGN_IN_FAILED}, 401, private=True)
    ratelimit.clear(store, "login:account", email)
    session = request.state.session
    request.app.state.sessions.rotate(session)
    session.data["user_id"] = outcome.user.id
    session.data.pop(NEXT_KEY, None)
    users.bind_session(store, session.id, outcome.user, now)
    return RedirectResponse(next_path or "/account", status_code=303)


@router.post("/logout")
def logout(request: Request, _csrf: CsrfForm) -> Response:
    session = request.state.session
    users.end_session(store_of(request), session.id)
    response = RedirectResponse("/", status_code=303)
    request.app.state.sessions.destroy(session, response)
    return response


# -- password reset ---------------------------------------------------------------------------------


@router.get("/reset", response_class=HTMLResponse)
def reset_request_form(request: Request) -> Response:
    return render(request, "account/reset_request.html", {"form": {}}, private=True)


@router.post("/reset")
def reset_request(request: Request, form: CsrfForm) -> Response:
    email = normalise_email(form_text(form, "email"))
    store, now = store_of(request), utc_now()
    if not ratelimit.allow(store, "reset:ip", client_of(request), now):
        return render(
            request, "account/reset_request.html", {"form": {"email": email}, "error": TOO_MANY}, 429, private=True
        )
    # Over the per-address limit the answer is the same, but no more mail goes to that inbox.
    send = ratelimit.allow(store, "reset:account", email, now)
    users.request_reset(store, email, settings_of(request).public_url, now, send=send)
    return message_page(request, "Check your email", CHECK_EMAIL_RESET)


@router.get("/reset/{token}", response_class=HTMLResponse)
def reset_form(request: Request, token: str) -> Response:
    if not users.reset_token_valid(store_of(request), token, utc_now()):
        return message_page(request, "Link not valid", BAD_LINK, 400, ("/account/reset", "Ask for a new link"))
    return render(request, "account/reset_form.html", {"token": token}, private=True)


@router.post("/reset/{token}")
def reset(request: Request, token: str, form: CsrfForm) -> Response:
    store = store_of(request)
    try:
        user = users.reset_password(
            store, token, form_text(form, "password"), settings_of(request).public_url, utc_now()
        )
    except WeakPassword as error:
        return render(request, "account/reset_form.html", {"token": token, "error": str(error)}, 422, private=True)
    if user is None:
        return message_page(request, "Link not valid", BAD_LINK, 400, ("/account/reset", "Ask for a new link"))
    ratelimit.clear(store, "login:account", user.email)
    session = request.state.session
    if session.user_id is not None:  # every session of the user was ended; this one may have been one
        session.data.pop("user_id", None)
        session.changed = True
    return RedirectResponse("/account/login?changed=1", status_code=303)


# -- the account itself -----------------------------------------------------------------------------


@router.get("", response_class=HTMLResponse)
def profile(request: Request, user: CurrentUser) -> Response:
    return _profile(request, user)


def _profile(request: Request, user: User, error: str | None = None, status: int = 200) -> Response:
    with store_of(request).engine.connect() as connection:
        sites = users.site_links(connection, user.id)
    context: dict[str, Any] = {"user": user, "sites": sites, "error": error, **account_panels(request, user)}
    return render(request, "account/profile.html", context, status, private=True)


@router.get("/export.json")
def export(request: Request, user: CurrentUser) -> Response:
    data = export_user(store_of(request), user, utc_now())
    return Response(
        json.dumps(data, ensure_ascii=False, indent=2, default=str),
        media_type="application/json",
        headers={**NO_STORE, "content-disposition": 'attachment; filename="eligo-account.json"'},
    )


@router.post("/delete")
def delete(request: Request, form: CsrfForm, user: CurrentUser) -> Response:
    store, now = store_of(request), utc_now()
    if ratelimit.blocked(store, [("login:account", user.email)], now) is not None:
        return _profile(request, user, TOO_MANY, 429)
    if not users.check_password(store, user, form_text(form, "password")):
        ratelimit.hit(store, "login:account", user.email, now)
        return _profile(request, user, "That password is not right. Your account has not been deleted.", 401)
    delete_account(store, user, features_of(request.app).forget_email)
    response = message_page(request, "Your account is deleted", "Your account and everything saved with it are gone.")
    request.app.state.sessions.destroy(request.state.session, response)
    return response
