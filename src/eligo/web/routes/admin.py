"""The administrator's pages: linking coordinator accounts to the sites a trial lists, and unlinking them.

Thin handlers over eligo.referrals.coordinators, the same functions `eligo users link-coordinator`, `unlink`
and `list --sites` call, so the page folds names and refuses unknown trials and sites exactly as the command
does, storing nothing on error. Only a confirmed administrator sees these pages; to anyone else signed in
they do not exist (404), and a visitor who is signed out is asked to sign in.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from eligo.accounts import users
from eligo.accounts.records import User
from eligo.referrals import coordinators
from eligo.web.deps import CsrfForm, MaybeUser, SignInRequired, current_user, render
from eligo.web.errors import MESSAGES, EligoHTTPError
from eligo.web.requests import form_text, store_of

router = APIRouter(prefix="/admin", include_in_schema=False)

PAGE = "/admin/coordinators"
# The site picker's value for a link to every site of the trial; site ids are 16 hex digits, so never "all".
ALL_SITES = "all"
NOTICES = {
    "linked": "Linked. The coordinator now sees the requests sent to that site on their referrals dashboard.",
    "already": "That account was already linked to that site, so nothing changed.",
    "unlinked": "Unlinked. The account stays; it no longer sees requests sent to that site.",
}


def _admin(user: MaybeUser) -> User:
    """The signed-in administrator, the sign-in page for a visitor who is signed out, else 404."""
    if user is None:
        raise SignInRequired(PAGE)
    if user.role != "admin" or not user.confirmed:
        raise EligoHTTPError(404, "not_found", MESSAGES[404])
    return user


Admin = Annotated[User, Depends(_admin)]


def shows_admin_link(request: Request) -> bool:
    """For the navigation in base.html: whether the signed-in user is a confirmed administrator."""
    session = getattr(request.state, "session", None)
    if session is None or session.user_id is None:
        return False
    cached = getattr(request.state, "admin_nav", None)
    if cached is None:
        user = current_user(request)
        cached = user is not None and user.role == "admin" and user.confirmed
        request.state.admin_nav = cached
    return bool(cached)


def _sentence(error: Exception) -> str:
    text = str(error)
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _page(
    request: Request,
    user: User,
    *,
    trial_id: str = "",
    form: dict[str, str] | None = None,
    error: str | None = None,
    notice: str | None = None,
    confirming: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    store = store_of(request)
    links, without = coordinators.overview(store)
    context: dict[str, Any] = {
        "user": user,
        "links": links,
        "without": without,
        "trial_id": trial_id,
        "trial": None,
        "sites": [],
        "trial_error": None,
        "all_sites": ALL_SITES,
        "form": form or {},
        "error": error,
        "notice": notice,
        "confirming": confirming,
    }
    if trial_id.strip():
        try:
            trial, sites = coordinators.trial_sites(store, trial_id)
        except coordinators.SiteNotFound as missing:
            context["trial_error"] = _sentence(missing)
        else:
            ordered = sorted(sites, key=lambda site: (coordinators.fold_name(site.facility), site.place))
            context.update(trial=trial, trial_id=trial.nct_id, sites=ordered)
    return render(request, "admin/coordinators.html", context, status, private=True)


@router.get("/coordinators", response_class=HTMLResponse)
def coordinator_links(
    request: Request,
    user: Admin,
    trial: Annotated[str | None, Query(max_length=40)] = None,
    done: Annotated[str | None, Query(max_length=20)] = None,
) -> Response:
    """Every coordinator link, with a form to link an account to one of a trial's listed sites."""
    return _page(request, user, trial_id=trial or "", notice=NOTICES.get(done or ""))


@router.post("/coordinators/link")
def link(request: Request, form: CsrfForm, user: Admin) -> Response:
    nct_id, email, site = form_text(form, "nct_id"), form_text(form, "email").strip(), form_text(form, "site")
    values = {"email": email, "site": site}
    if not site:
        error = "Please choose the site (or every site of the trial)."
        return _page(request, user, trial_id=nct_id, form=values, error=error, status=422)
    try:
        _, made, added = coordinators.link(store_of(request), email, nct_id, "" if site == ALL_SITES else site)
    except (users.AccountError, coordinators.SiteNotFound) as refused:
        error = _sentence(refused)
        if isinstance(refused, users.AccountError):
            error += " The coordinator signs up first (as a clinician); then link their account here."
        return _page(request, user, trial_id=nct_id, form=values, error=error, status=422)
    done = "linked" if added else "already"
    return RedirectResponse(f"{PAGE}?done={done}&trial={made.nct_id}#link", status_code=303)


@router.post("/coordinators/unlink")
def unlink(request: Request, form: CsrfForm, user: Admin) -> Response:
    """Asks first; with `confirmed=yes`, removes the link. The account and the requests stay."""
    named = {name: form_text(form, name).strip() for name in ("email", "nct_id", "facility")}
    if form_text(form, "confirmed") != "yes":
        return _page(request, user, confirming=named)
    try:
        coordinators.unlink(store_of(request), named["email"], named["nct_id"], named["facility"])
    except coordinators.SiteNotFound as refused:
        return _page(request, user, error=_sentence(refused), status=409)
    return RedirectResponse(f"{PAGE}?done=unlinked", status_code=303)
