"""Referrals to a study site, and the coordinators' dashboard (issue 5).

Thin handlers over eligo.referrals. A referral is shown only to its author and to coordinators of its site;
to anyone else (and to nobody signed in) it does not exist: 404, never 403. Private pages are no-store.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from eligo.accounts import ratelimit
from eligo.accounts.records import User
from eligo.matching.evaluate import evaluate_trial
from eligo.matching.match import load_parsed
from eligo.patients.profile import PatientProfile
from eligo.referrals import service
from eligo.referrals.form import MAX_MESSAGE_CHARS, MAX_NAME_CHARS, MAX_PHONE_CHARS, InvalidReferral, check_request
from eligo.referrals.records import Referral, SharedSummary
from eligo.referrals.sites import SiteChoice, find_site, site_choices
from eligo.referrals.summary import ANSWER_WORDS, shared_summary
from eligo.referrals.workflow import STATUSES, Status, TransitionRefused, corrections_for, info, moves_for, parse_status
from eligo.trials.model import Trial
from eligo.web import views, visitor
from eligo.web.deps import CsrfForm, CurrentUser, KnownTrial, MaybeUser, current_user, login_path, owner_or_404, render
from eligo.web.errors import MESSAGES, EligoHTTPError
from eligo.web.features import features_of
from eligo.web.requests import client_of, form_text, settings_of, store_of, utc_now
from eligo.web.templating import verdict_words

router = APIRouter(include_in_schema=False)

TOO_MANY = (
    "You have sent a lot of requests today, so Eligo has paused sending more for a day. "
    "If a study team has not answered, please phone them; the number is on the trial's page."
)
FORM_FIELDS = ("name", "contact_email", "phone", "preferred_contact", "message", "include_answers", "site")
# What templates need to show statuses and answers in words.
WORDS: dict[str, Any] = {"status_info": info, "answer_words": ANSWER_WORDS, "statuses": STATUSES}


# To anyone who is not signed in as its author or a coordinator of its site, a referral does not exist.
Owner = Annotated[User, owner_or_404(MESSAGES[404])]


def _not_found() -> EligoHTTPError:
    return EligoHTTPError(404, "not_found", MESSAGES[404])


def _referral_id(value: str) -> int:
    # Ids are positive integers; anything else is simply not a referral (404, like an unknown id).
    if not value.isdigit() or len(value) > 12:
        raise _not_found()
    return int(value)


def shows_dashboard_link(request: Request) -> bool:
    """For the navigation in base.html: whether the signed-in user has a referrals dashboard."""
    session = getattr(request.state, "session", None)
    if session is None or session.user_id is None:
        return False
    cached = getattr(request.state, "referrals_nav", None)
    if cached is None:
        user = current_user(request)
        cached = user is not None and service.team_links(store_of(request), user) is not None
        request.state.referrals_nav = cached
    return bool(cached)


# -- the trial page and the account page ------------------------------------------------------------


def trial_context(request: Request, nct_id: str) -> dict[str, Any]:
    """What the trial page needs from this feature, merged into its template context."""
    user = current_user(request)
    if user is None:
        return {"referral_viewer": "anonymous", "my_referrals": [], **WORDS}
    viewer = "sender" if service.may_send(user) else "team" if user.role in service.TEAM_ROLES else "other"
    mine = service.referrals_of(store_of(request), user, nct_id.strip().upper()) if viewer == "sender" else []
    return {"referral_viewer": viewer, "my_referrals": mine, **WORDS}


def account_context(request: Request, user: User) -> dict[str, Any]:
    """What the account page needs from this feature, merged into its template context."""
    store = store_of(request)
    links = service.team_links(store, user)
    waiting = service.waiting(store, links) if links else 0
    return {
        "my_referrals": service.referrals_of(store, user),
        "referral_dashboard": links is not None,
        "referrals_waiting": waiting,
        **WORDS,
    }


# -- sending a referral ----------------------------------------------------------------------------


def _refused_sender(request: Request, user: User) -> Response | None:
    """The page that says why the signed-in user may not send referrals; None when they may."""
    if not service.may_send(user):
        return render(
            request,
            "account/message.html",
            {
                "title": "Requests come from families and clinicians",
                "text": "You are signed in with a study coordinator or administrator account, which receives "
                "requests rather than sending them.",
                "link": ("/referrals/dashboard", "Go to your referrals dashboard")
                if service.team_links(store_of(request), user) is not None
                else ("/account", "Go to your account"),
            },
            403,
            private=True,
        )
    return None


def _answers_summary(request: Request, trial: Trial) -> SharedSummary | None:
    """The visitor's answers on this trial and the verdict, computed as the trial page computes them."""
    parsed = load_parsed(store_of(request), trial.nct_id)
    if parsed is None:
        return None
    answers = views.session_answers(request, trial.nct_id)
    result = evaluate_trial(parsed, views.session_profile(request) or PatientProfile(), date.today(), answers)
    return shared_summary(result, request.state.session.answers_for(trial.nct_id), verdict_words(result.verdict.value))


def _form_page(
    request: Request,
    trial: Trial,
    user: User,
    form: dict[str, str],
    problems: dict[str, str] | None = None,
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    profile = views.session_profile(request)
    origin = views.profile_origin(profile)
    sites = site_choices(trial, origin)
    place = profile.location.place if profile and profile.location else None
    return render(
        request,
        "referrals/form.html",
        {
            **WORDS,
            "trial": trial,
            "user": user,
            "sites": sites,
            "units": visitor.units_for(request, place),
            "reachable": [site for site in sites if site.can_receive],
            "form": form,
            "problems": problems or {},
            "error": error,
            "answer_count": len(request.state.session.answers_for(trial.nct_id)),
            "has_criteria": load_parsed(store_of(request), trial.nct_id) is not None,
            "limits": {"name": MAX_NAME_CHARS, "message": MAX_MESSAGE_CHARS, "phone": MAX_PHONE_CHARS},
        },
        status,
        private=True,
    )


@router.get("/trials/{nct_id}/refer", response_class=HTMLResponse)
def referral_form(
    request: Request, trial: KnownTrial, user: CurrentUser, site: Annotated[str | None, Query(max_length=40)] = None
) -> Response:
    refused = _refused_sender(request, user)
    if refused is not None:
        return refused
    sites = [choice for choice in site_choices(trial) if choice.can_receive]
    chosen = site if site else (sites[0].key if len(sites) == 1 else "")
    form = {"contact_email": user.email, "preferred_contact": "email", "site": chosen}
    return _form_page(request, trial, user, form)


@router.post("/trials/{nct_id}/refer")
def send_referral(request: Request, form_data: CsrfForm, trial: KnownTrial, user: CurrentUser) -> Response:
    refused = _refused_sender(request, user)
    if refused is not None:
        return refused
    fields = {name: value for name in FORM_FIELDS if isinstance(value := form_data.get(name), str)}
    problems: dict[str, str] = {}
    site: SiteChoice | None = find_site(trial, fields.get("site", ""))
    if site is None:
        problems["site"] = "Study site: please choose one of the sites listed."
    elif not site.can_receive:
        phone = f" on {site.phone}" if site.phone else ""
        problems["site"] = (
            f"Study site: {site.facility} has no email address in the registry; please phone them{phone}."
        )
    try:
        checked = check_request(fields)
    except InvalidReferral as invalid:
        problems = {**problems, **invalid.problems}
    if problems or site is None:
        return _form_page(request, trial, user, fields, problems=problems, status=422)
    store, now, client = store_of(request), utc_now(), client_of(request)
    keys = [("referral:user", str(user.id)), ("referral:ip", client)]
    if ratelimit.blocked(store, keys, now) is not None:
        return _form_page(request, trial, user, fields, error=TOO_MANY, status=429)
    shared = _answers_summary(request, trial) if checked.include_answers else None
    try:
        referral = service.send_referral(
            store, user, trial, site, checked, shared, settings_of(request).public_url, now
        )
    except service.AlreadyOpen as already:
        return RedirectResponse(f"/referrals/{already.referral.id}?done=already", status_code=303)
    for kind, subject in keys:
        ratelimit.hit(store, kind, subject, now)
    return RedirectResponse(f"/referrals/{referral.id}/sent", status_code=303)


@router.get("/trials/{nct_id}/letter", response_class=HTMLResponse)
def consultant_letter(request: Request, trial: KnownTrial) -> Response:
    """A printable letter for the child's own consultant: the trial's ids, sites and any contacts listed,
    so that a trial with no contact in its record is not a dead end."""
    sites = site_choices(trial)
    return render(
        request,
        "referrals/letter.html",
        {
            **WORDS,
            "trial": trial,
            "sites": sites,
            "any_contact": any(site.reachable for site in sites) or bool(trial.central_contacts),
            "public_url": settings_of(request).public_url,
            "today": date.today(),
        },
        private=True,
    )


@router.get("/referrals/dashboard", response_class=HTMLResponse)
def dashboard(
    request: Request, user: MaybeUser, status: Annotated[str | None, Query(max_length=40)] = None
) -> Response:
    links = service.team_links(store_of(request), user) if user is not None else None
    if user is None or links is None:
        raise _not_found()
    chosen = parse_status(status) if status else None
    notice = None
    if status and chosen is None:
        notice = "There is no such status; showing every request."
    referrals, counts = service.dashboard(store_of(request), links, chosen)
    return render(
        request,
        "referrals/dashboard.html",
        {
            **WORDS,
            "user": user,
            "links": links,
            "referrals": referrals,
            "counts": counts,
            "chosen": chosen,
            "notice": notice,
        },
        private=True,
    )


@router.get("/referrals/{referral_id}/sent", response_class=HTMLResponse)
def sent(request: Request, referral_id: str, user: MaybeUser) -> Response:
    referral = service.family_referral(store_of(request), user, _referral_id(referral_id)) if user else None
    if referral is None:
        raise _not_found()
    trial = store_of(request).get(referral.nct_id)
    return render(request, "referrals/sent.html", {**WORDS, "referral": referral, "trial": trial}, private=True)


# -- one referral: the family's view and the study team's -----------------------------------------


def _find(request: Request, user: User, referral_id: str) -> tuple[Referral, str]:
    """The referral with who is looking at it ("team" or "family"); 404 for anyone else."""
    number = _referral_id(referral_id)
    store = store_of(request)
    referral = service.team_referral(store, user, number)
    if referral is not None:
        return referral, "team"
    referral = service.family_referral(store, user, number)
    if referral is not None:
        return referral, "family"
    raise _not_found()


def _detail(
    request: Request,
    user: User,
    referral: Referral,
    viewer: str,
    *,
    error: str | None = None,
    notice: str | None = None,
    confirming: Status | None = None,
    form: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    team = viewer == "team"
    return render(
        request,
        "referrals/detail.html",
        {
            **WORDS,
            "user": user,
            "referral": referral,
            "viewer": viewer,
            "trial": store_of(request).get(referral.nct_id),
            "moves": moves_for(referral.status, "coordinator" if team else "family"),
            "corrections": corrections_for(referral.status, referral.status_set_by) if team else (),
            "confirming": confirming,
            "form": form or {},
            "error": error,
            "notice": notice,
        },
        status,
        private=True,
    )


NOTICES = {
    "changed": "Saved. The family will get an email about the change.",
    "corrected": "Corrected. The change is recorded in the history and the family will get an email about it.",
    "noted": "Note saved. Only the study team can see it.",
    "withdrawn": "Your request is withdrawn. We have told the study team.",
    "already": "You already have an open request to this site, so we did not send another. Here it is.",
}


@router.get("/referrals/{referral_id}", response_class=HTMLResponse)
def detail(
    request: Request, referral_id: str, user: MaybeUser, done: Annotated[str | None, Query(max_length=20)] = None
) -> Response:
    if user is None:
        # The link in the study team's (and the family's) email: sign in, then come straight back. Every
        # number gets this same page with the same 404, so it says nothing about which referrals exist.
        return render(
            request,
            "account/message.html",
            {
                "title": "Please sign in to see this request",
                "text": "Requests are private to the family who sent them and the study team they went to. "
                "Sign in and you will come straight back to this page.",
                "link": (login_path(f"/referrals/{_referral_id(referral_id)}"), "Sign in"),
            },
            404,
            private=True,
        )
    referral, viewer = _find(request, user, referral_id)
    return _detail(request, user, referral, viewer, notice=NOTICES.get(done or ""))


@router.post("/referrals/{referral_id}/status")
def change_status(request: Request, referral_id: str, form: CsrfForm, user: Owner) -> Response:
    """Move the request on, or put back a status set by mistake (`correct`); final states are confirmed first."""
    referral, viewer = _find(request, user, referral_id)
    if viewer != "team":
        raise _not_found()
    value = form.get("status")
    target = parse_status(value) if isinstance(value, str) else None
    message = form_text(form, "message")
    correction = form_text(form, "correct") == "yes"
    if target is None:
        return _detail(request, user, referral, viewer, error="Please choose the new status.", status=422)
    kept = {"message": message}
    if not correction and info(target).confirm and form_text(form, "confirmed") != "yes":
        return _detail(request, user, referral, viewer, confirming=target, form=kept)
    try:
        service.change_status(
            store_of(request),
            referral,
            target,
            "coordinator",
            settings_of(request).public_url,
            utc_now(),
            message,
            correction=correction,
        )
    except service.MessageNeeded as needed:
        return _detail(request, user, referral, viewer, error=str(needed), confirming=target, form=kept, status=422)
    except TransitionRefused as refused:
        current, _ = _find(request, user, referral_id)
        return _detail(request, user, current, viewer, error=str(refused), status=409)
    done = "corrected" if correction else "changed"
    return RedirectResponse(f"/referrals/{referral.id}?done={done}", status_code=303)


@router.post("/referrals/{referral_id}/notes")
def add_note(request: Request, referral_id: str, form: CsrfForm, user: Owner) -> Response:
    """A note for the study team only: never shown to the family, never emailed."""
    referral, viewer = _find(request, user, referral_id)
    if viewer != "team":
        raise _not_found()
    text = form_text(form, "note")
    try:
        service.add_team_note(store_of(request), referral, user, text, utc_now())
    except service.MessageNeeded as needed:
        return _detail(request, user, referral, viewer, error=str(needed), form={"note": text}, status=422)
    except TransitionRefused as refused:
        current, _ = _find(request, user, referral_id)
        return _detail(request, user, current, viewer, error=str(refused), form={"note": text}, status=409)
    return RedirectResponse(f"/referrals/{referral.id}?done=noted#team-notes", status_code=303)


@router.post("/referrals/{referral_id}/withdraw")
def withdraw(request: Request, referral_id: str, _csrf: CsrfForm, user: Owner) -> Response:
    referral, viewer = _find(request, user, referral_id)
    if viewer != "family":
        raise _not_found()
    try:
        service.change_status(
            store_of(request), referral, "withdrawn", "family", settings_of(request).public_url, utc_now()
        )
    except TransitionRefused as refused:
        current, _ = _find(request, user, referral_id)
        return _detail(request, user, current, viewer, error=str(refused), status=409)
    return RedirectResponse(f"/referrals/{referral.id}?done=withdrawn", status_code=303)


def register(app: FastAPI) -> None:
    """Add this feature's panels to the trial page and the account page, and base.html's "Referrals" link."""
    features = features_of(app)
    features.trial_panels.append(trial_context)
    features.account_panels.append(account_context)
    # base.html shows coordinators a "Referrals" link; the session alone does not say who is a coordinator.
    app.state.templates.env.globals["shows_referrals_link"] = shows_dashboard_link
