"""Trial alerts: subscribe to a search or a saved child profile, double opt-in, unsubscribe (issue 5).

Thin handlers over eligo.alerts. What a visitor is told never depends on whether the address already has
alerts or an account; another user's alert or profile, and any of them without a session, is a 404.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from eligo.accounts import ratelimit
from eligo.accounts.records import User, normalise_email
from eligo.alerts import subscriptions as alerts
from eligo.alerts.records import AlertSearch, SavedProfile, Subscription
from eligo.patients.load import split_known
from eligo.web import views, visitor
from eligo.web.deps import (
    CsrfForm,
    CurrentUser,
    MaybeUser,
    PostedForm,
    confirm_page,
    login_path,
    message_page,
    owner_or_404,
    render,
)
from eligo.web.errors import EligoHTTPError
from eligo.web.features import features_of
from eligo.web.forms import check_csrf
from eligo.web.requests import client_of, form_text, settings_of, store_of, utc_now

router = APIRouter(prefix="/alerts", include_in_schema=False)

CHECK_EMAIL = (
    "Thank you. If the address is right, an email is on its way with a link to confirm this alert. "
    "Nothing is sent until that link is opened. If nothing arrives within a few minutes, check your spam folder."
)
TOO_MANY = "Too many requests from here. Please wait an hour and try again."
BAD_LINK = "This link does not work any more: it may have been used already, or be more than 7 days old."
GONE = "This alert is already cancelled, or the link is not complete. Either way, it will send you nothing more."
SEARCH_FIELDS = ("q", "status", "phase", "age", "near", "within", "within_units")


NOT_FOUND = "We could not find that alert or profile."
# An object endpoint says nothing to someone who is not signed in as its owner.
Owner = Annotated[User, owner_or_404(NOT_FOUND)]


def _not_found() -> EligoHTTPError:
    return EligoHTTPError(404, "not_found", NOT_FOUND)


def _object_id(raw: str) -> int:
    if not raw.isdigit() or len(raw) > 18:
        raise _not_found()
    return int(raw)


# -- subscribe to a search --------------------------------------------------------------------------


def _search_from(fields: dict[str, str]) -> AlertSearch:
    """The search to watch from the search form's fields; ValueError with a message naming the field."""
    try:
        params = views.SearchParams.model_validate(fields)
    except ValidationError as error:
        names = ", ".join(str(item["loc"][0]) for item in error.errors() if item.get("loc"))
        raise ValueError(f"Some of the search is too long ({names}). Please shorten it and try again.") from error
    form = params.as_form()
    query, place = views.search_query_from_form(form)
    return alerts.search_alert(form, query, place)


def _subscribe_page(
    request: Request, fields: dict[str, str], values: dict[str, str], error: str | None = None, status: int = 200
) -> HTMLResponse:
    search: AlertSearch | None = None
    try:
        search = _search_from(fields)
    except ValueError as problem:
        error, status = str(problem), 422
    context = {
        "search": search,
        "label": alerts.describe(search) if search is not None else None,
        "fields": {name: fields.get(name, "") for name in SEARCH_FIELDS},
        "values": values,
        "error": error,
    }
    return render(request, "alerts/subscribe.html", context, status, private=True)


@router.get("/new", response_class=HTMLResponse)
def subscribe_form(request: Request, user: MaybeUser) -> Response:
    fields = {name: value for name, value in request.query_params.items() if name in SEARCH_FIELDS}
    return _subscribe_page(request, fields, {"email": user.email if user else "", "frequency": "daily"})


@router.post("/subscribe")
def subscribe(request: Request, form: CsrfForm, user: MaybeUser) -> Response:
    fields = {name: form_text(form, name) for name in SEARCH_FIELDS}
    email, frequency = form_text(form, "email"), form_text(form, "frequency")
    values = {"email": email, "frequency": frequency}
    store, settings, now = store_of(request), settings_of(request), utc_now()
    try:
        search = _search_from(fields)
    except ValueError as error:
        return _subscribe_page(request, fields, values, str(error), 422)
    if not ratelimit.allow(store, "alerts:ip", client_of(request), now):
        return _subscribe_page(request, fields, values, TOO_MANY, 429)
    # Over the per-address limit the answer is the same, but no more mail goes to that inbox.
    send = ratelimit.allow(store, "alerts:address", normalise_email(email)[:320], now)
    try:
        outcome = alerts.subscribe(
            store,
            email=email,
            frequency=frequency,
            label=alerts.describe(search),
            search=search,
            user=user,
            base_url=settings.public_url,
            secret=settings.secret_key,
            now=now,
            send=send,
        )
    except alerts.AlertError as error:
        return _subscribe_page(request, fields, values, str(error), 422)
    return _outcome_page(request, outcome)


def _outcome_page(request: Request, outcome: alerts.Outcome) -> HTMLResponse:
    if outcome == "check_email":
        return message_page(request, "Check your email", CHECK_EMAIL)
    text = (
        "Your alert is on. We will email you when a matching trial opens."
        if outcome == "active"
        else "You already have this alert, so nothing has changed."
    )
    return message_page(request, "Your alert is on", text, link=("/account#alerts", "See your alerts"))


# -- confirm and unsubscribe (links in emails) ------------------------------------------------------


@router.get("/confirm/{token}", response_class=HTMLResponse)
def confirm_form(request: Request, token: str) -> Response:
    return confirm_page(
        request,
        "Confirm your alert",
        "Press the button to start getting emails about new trials. Until you do, we send you nothing.",
        "/alerts/confirm/" + quote(token, safe=""),
        "Confirm my alert",
    )


@router.post("/confirm/{token}")
def confirm(request: Request, token: str, _csrf: CsrfForm) -> Response:
    subscription = alerts.confirm(store_of(request), token, utc_now())
    if subscription is None:
        return message_page(request, "Link not valid", BAD_LINK, 400, ("/search?q=neuroblastoma", "Search trials"))
    how = "once a day at most" if subscription.frequency == "daily" else "as soon as we find one"
    text = (
        f"Your alert is on: we will email {subscription.email} {how} when a trial opens that matches "
        f"“{subscription.label}”. Every email has a link to stop them."
    )
    return message_page(request, "Your alert is confirmed", text, link=("/search?q=neuroblastoma", "Search trials"))


@router.get("/unsubscribe/{token}", response_class=HTMLResponse)
def unsubscribe_form(request: Request, token: str) -> Response:
    subscription = alerts.by_unsubscribe_token(store_of(request), token)
    if subscription is None:
        return message_page(request, "Nothing to stop", GONE, 404)
    return render(request, "alerts/unsubscribe.html", {"subscription": subscription, "token": token}, private=True)


@router.post("/unsubscribe/{token}")
def unsubscribe(request: Request, token: str, form: PostedForm) -> Response:
    # RFC 8058 one-click: the mail client posts "List-Unsubscribe=One-Click" with no cookie. The token in
    # the address is what authorises the request; the page's own form carries a CSRF token as every form does.
    if form_text(form, "List-Unsubscribe") != "One-Click":
        check_csrf(request, form)
    subscription = alerts.unsubscribe(store_of(request), token)
    if subscription is None:
        return message_page(request, "Nothing to stop", GONE, 404)
    text = f"You will get no more emails for “{subscription.label}”."
    return message_page(request, "You are unsubscribed", text, link=("/search?q=neuroblastoma", "Search trials"))


# -- a signed-in user's alerts and saved profiles ---------------------------------------------------


@router.post("/{subscription_id}/cancel")
def cancel(request: Request, subscription_id: str, _csrf: CsrfForm, user: Owner) -> Response:
    if not alerts.cancel(store_of(request), user, _object_id(subscription_id)):
        raise _not_found()
    return RedirectResponse("/account#alerts", status_code=303)


def _save_page(request: Request, values: dict[str, str], error: str | None = None, status: int = 200) -> HTMLResponse:
    return render(request, "alerts/save_profile.html", {"values": values, "error": error}, status, private=True)


@router.get("/profiles/new", response_class=HTMLResponse)
def save_profile_form(request: Request, user: MaybeUser) -> Response:
    if user is None:
        return RedirectResponse(login_path("/alerts/profiles/new"), status_code=303)
    if request.state.session.profile is None:
        return RedirectResponse("/match", status_code=303)
    return _save_page(request, {"name": "", "alert": "1", "frequency": "daily"})


@router.post("/profiles")
def save_profile(request: Request, form: CsrfForm, user: CurrentUser) -> Response:
    stored = visitor.stored_profile(request)
    if stored is None:
        return RedirectResponse("/match", status_code=303)
    # Saved as the download gives it: with the fields Eligo does not read, so using it later drops nothing.
    data = {**stored[0], **stored[1]}
    values = {
        "name": form_text(form, "name"),
        "alert": form_text(form, "alert"),
        "frequency": form_text(form, "frequency"),
    }
    store, now = store_of(request), utc_now()
    try:
        if values["alert"] and values["frequency"] not in ("daily", "immediate"):
            raise alerts.AlertError("Choose how often to hear from us: a daily summary, or at once.")
        saved = alerts.save_profile(store, user, values["name"], data, now)
    except alerts.AlertError as error:
        return _save_page(request, values, str(error), 422)
    if values["alert"]:
        _watch_profile(request, user, saved, values["frequency"])
    return RedirectResponse("/account#profiles", status_code=303)


def _watch_profile(request: Request, user: User, saved: SavedProfile, frequency: str) -> alerts.Outcome:
    settings = settings_of(request)
    return alerts.subscribe(
        store_of(request),
        email=user.email,
        frequency=frequency,
        label=alerts.describe_profile(saved.name),
        profile=saved,
        user=user,
        base_url=settings.public_url,
        secret=settings.secret_key,
        now=utc_now(),
    )


@router.post("/profiles/{profile_id}/watch")
def watch_profile(request: Request, profile_id: str, form: CsrfForm, user: Owner) -> Response:
    saved = alerts.profile_of(store_of(request), user, _object_id(profile_id))
    if saved is None:
        raise _not_found()
    frequency = form_text(form, "frequency") or "daily"
    try:
        _watch_profile(request, user, saved, frequency)
    except alerts.AlertError as error:
        raise EligoHTTPError(422, "invalid_frequency", str(error)) from error
    return RedirectResponse("/account#profiles", status_code=303)


@router.post("/profiles/{profile_id}/use")
def use_profile(request: Request, profile_id: str, _csrf: CsrfForm, user: Owner) -> Response:
    saved = alerts.profile_of(store_of(request), user, _object_id(profile_id))
    if saved is None:
        raise _not_found()
    visitor.keep_profile(request, *split_known(saved.profile))
    return RedirectResponse("/match/results", status_code=303)


@router.post("/profiles/{profile_id}/delete")
def delete_profile(request: Request, profile_id: str, _csrf: CsrfForm, user: Owner) -> Response:
    if not alerts.delete_profile(store_of(request), user, _object_id(profile_id)):
        raise _not_found()
    return RedirectResponse("/account#profiles", status_code=303)


# -- what other pages show --------------------------------------------------------------------------


def trial_context(request: Request, nct_id: str) -> dict[str, Any]:
    """What the trial page needs from this feature, merged into its template context (it uses the trial's
    own conditions, already in the page's context)."""
    return {}


def account_context(request: Request, user: User) -> dict[str, Any]:
    """What the account page needs from this feature, merged into its template context."""
    store = store_of(request)
    subscriptions = alerts.subscriptions_of(store, user)
    watched: dict[int, Subscription] = {
        s.profile_id: s for s in subscriptions if s.kind == "profile" and s.profile_id is not None
    }
    return {
        "alert_subscriptions": [s for s in subscriptions if s.kind == "search"],
        "saved_profiles": [(profile, watched.get(profile.id)) for profile in alerts.profiles_of(store, user)],
    }


def register(app: FastAPI) -> None:
    """Add this feature's panels and its account-deletion hook to the app (at start-up)."""
    features = features_of(app)
    features.trial_panels.append(trial_context)
    features.account_panels.append(account_context)
    features.forget_email.append(alerts.forget_email)
