"""Private notes on a trial's text, and passcode-protected share links for a doctor (issue 5).

Thin handlers over eligo.notes. Another user's note or link, and any of them for a visitor who is not
signed in, is a 404: nobody learns that it exists.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from eligo.accounts import ratelimit
from eligo.accounts.records import User
from eligo.matching.evaluate import evaluate_trial
from eligo.matching.match import load_parsed
from eligo.notes import notes as note_ops
from eligo.notes import replies as reply_ops
from eligo.notes import shares as share_ops
from eligo.notes.anchor import Span
from eligo.notes.fields import FIELDS, field_texts
from eligo.notes.highlight import NotesView
from eligo.notes.records import Note, PlacedNote, ShareLink
from eligo.patients.profile import PatientProfile
from eligo.store.repository import TrialStore
from eligo.store.timestamps import stamp, unstamp
from eligo.trials.model import Trial
from eligo.web import views
from eligo.web.deps import NO_STORE, CsrfForm, CurrentUser, KnownTrial, current_user, owner_or_404, render
from eligo.web.errors import EligoHTTPError
from eligo.web.features import features_of, trial_page
from eligo.web.requests import client_of, form_text, settings_of, store_of, utc_now

router = APIRouter(include_in_schema=False)

SHARED_HEADERS = {**NO_STORE, "referrer-policy": "no-referrer", "x-robots-tag": "noindex, nofollow"}
NO_NOTE = "We could not find that note."
NO_SHARE = "We could not find that share link."
NOT_FOUND = "We could not find that page."
WRONG_PASSCODE = "That passcode is not right. Please check it with the person who shared the link."
CLIENT_THROTTLED = "Too many wrong passcodes have been tried from your network. Please wait 15 minutes and try again."
EXPIRED = "This link has expired."
REVOKED = "This link was withdrawn by the person who shared it."
ACCESS_KEY = "shared_access"
# Row ids as the store's integer columns hold them: a larger number is simply not found.
RowId = Annotated[int, Path(ge=1, le=2**31 - 1)]
# Anyone not signed in gets the same 404 as for an object that does not exist.
NoteOwner = Annotated[User, owner_or_404(NO_NOTE)]
ShareOwner = Annotated[User, owner_or_404(NO_SHARE)]


def _int(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.isdigit() and len(text) <= 12 else None


def _own_note(request: Request, user: User, note_id: int) -> Note:
    note = note_ops.note_of(store_of(request), user.id, note_id)
    if note is None:
        raise EligoHTTPError(404, "not_found", NO_NOTE)
    return note


def _time(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%-d %B %Y, %H:%M UTC") if moment else ""


# -- what the trial and account pages show ---------------------------------------------------------


def trial_context(request: Request, nct_id: str) -> dict[str, Any]:
    """What the trial page needs from this feature, merged into its template context."""
    user = current_user(request)
    if user is None:
        return {"notes_view": None, "notes_signed_in": False}
    store = store_of(request)
    trial = views.require_trial(request, nct_id)
    parsed = load_parsed(store, trial.nct_id)
    placed = note_ops.place_notes(trial, parsed, note_ops.notes_of(store, user.id, trial.nct_id))
    view = NotesView(field_texts(trial, parsed), tuple(placed))
    links = share_ops.shares_of(store, user.id, trial.nct_id)
    submitted = getattr(request.state, "note_form", None)
    return {
        "notes_signed_in": True,
        "notes_view": view,
        "notes_anchored": [item for item in placed if not item.orphaned],
        "notes_orphaned": [item for item in placed if item.orphaned],
        "note_fields": FIELDS,
        "note_form": submitted or {},
        "share_rows": [_share_row(link, utc_now()) for link in links],
        "note_replies": reply_ops.replies_to(store, [item.note.id for item in placed]),
        "note_limits": {"body": note_ops.MAX_BODY_CHARS, "quote": note_ops.MAX_QUOTE_CHARS},
    }


def account_context(request: Request, user: User) -> dict[str, Any]:
    """What the account page needs from this feature, merged into its template context."""
    store = store_of(request)
    by_trial: dict[str, list[Note]] = {}
    for note in note_ops.notes_of(store, user.id):
        by_trial.setdefault(note.nct_id, []).append(note)
    links = share_ops.shares_of(store, user.id)
    titles = {nct_id: _title(store, nct_id) for nct_id in {*by_trial, *(link.nct_id for link in links)}}
    now = utc_now()
    return {
        "notes_by_trial": [(nct_id, titles[nct_id], items) for nct_id, items in sorted(by_trial.items())],
        "share_rows": [_share_row(link, now, titles[link.nct_id]) for link in links],
    }


def _title(store: TrialStore, nct_id: str) -> str:
    trial = store.get(nct_id)
    return trial.title if trial is not None else nct_id


STATUS_WORDS = {"active": "Active", "locked": "Locked", "expired": "Expired", "revoked": "Withdrawn"}


def _share_row(link: ShareLink, now: datetime, title: str | None = None) -> dict[str, Any]:
    status = link.status(now)
    what = "One note" if link.note_id is not None else "All your notes on this trial"
    if link.answers is not None:
        what += ", and your answers to the questions"
    words = STATUS_WORDS[status]
    if status == "locked":
        words = f"Locked after wrong passcodes until {_time(link.locked_until)}"
    return {
        "id": link.id,
        "nct_id": link.nct_id,
        "title": title or link.nct_id,
        "what": what,
        "expires": _time(link.expires_at),
        "status": status,
        "status_words": words,
        "last_opened": _time(link.last_opened_at) or "Not yet",
        "can_revoke": status in ("active", "locked"),
    }


# -- notes ------------------------------------------------------------------------------------------


def _trial_with_errors(request: Request, nct_id: str, form: dict[str, Any], status: int) -> Response:
    """The trial page again, with the note form filled in as sent and what was wrong with it."""
    request.state.note_form = form
    response = trial_page(request, nct_id)
    response.status_code = status
    response.headers.update(NO_STORE)
    return response


@router.post("/trials/{nct_id}/notes")
def create_note(request: Request, form: CsrfForm, trial: KnownTrial, user: CurrentUser) -> Response:
    start, end = _int(form_text(form, "start")), _int(form_text(form, "end"))
    draft = note_ops.NoteDraft(
        quote=form_text(form, "quote"),
        body=form_text(form, "body"),
        field=form_text(form, "field"),
        position=Span(start, end) if start is not None and end is not None and start < end else None,
        prefix=form_text(form, "prefix")[:200],
        suffix=form_text(form, "suffix")[:200],
    )
    store = store_of(request)
    try:
        note = note_ops.create_note(store, user.id, trial, load_parsed(store, trial.nct_id), draft, utc_now())
    except note_ops.NoteError as error:
        values = {"quote": draft.quote, "body": draft.body, "field": draft.field}
        return _trial_with_errors(request, trial.nct_id, {**values, "error": error.message, "at": error.field}, 422)
    return RedirectResponse(f"/trials/{trial.nct_id}#note-{note.id}", status_code=303)


@router.get("/notes/{note_id}/edit", response_class=HTMLResponse)
def edit_form(request: Request, note_id: RowId, user: NoteOwner) -> Response:
    note = _own_note(request, user, note_id)
    return render(request, "notes/edit.html", _edit_context(request, note, note.body), private=True)


def _edit_context(request: Request, note: Note, body: str, error: str | None = None) -> dict[str, Any]:
    return {
        "note": note,
        "body": body,
        "error": error,
        "trial_title": _title(store_of(request), note.nct_id),
        "max_body": note_ops.MAX_BODY_CHARS,
    }


@router.post("/notes/{note_id}/edit")
def edit(request: Request, note_id: RowId, form: CsrfForm, user: NoteOwner) -> Response:
    note = _own_note(request, user, note_id)
    body = form_text(form, "body")
    try:
        edited = note_ops.edit_note(store_of(request), user.id, note.id, body, utc_now())
    except note_ops.NoteError as error:
        return render(request, "notes/edit.html", _edit_context(request, note, body, error.message), 422, private=True)
    if edited is None:
        raise EligoHTTPError(404, "not_found", NO_NOTE)
    return RedirectResponse(f"/trials/{note.nct_id}#note-{note.id}", status_code=303)


@router.post("/notes/{note_id}/delete")
def delete(request: Request, note_id: RowId, _csrf: CsrfForm, user: NoteOwner) -> Response:
    note = _own_note(request, user, note_id)
    note_ops.delete_note(store_of(request), user.id, note.id)
    return RedirectResponse(f"/trials/{note.nct_id}#notes", status_code=303)


# -- making and withdrawing share links -------------------------------------------------------------


def _share_form(
    request: Request, trial: Trial, user: User, values: dict[str, str], error: str | None = None, status: int = 200
) -> Response:
    store = store_of(request)
    parsed = load_parsed(store, trial.nct_id)
    placed = note_ops.place_notes(trial, parsed, note_ops.notes_of(store, user.id, trial.nct_id))
    context = {
        "trial": trial,
        "placed": placed,
        "answer_count": len(request.state.session.answers_for(trial.nct_id)),
        "choices": share_ops.EXPIRY_CHOICES,
        "values": values,
        "error": error,
        "min_passcode": share_ops.MIN_PASSCODE_CHARS,
        "max_passcode": share_ops.MAX_PASSCODE_CHARS,
    }
    return render(request, "notes/share.html", context, status, private=True)


@router.get("/trials/{nct_id}/share", response_class=HTMLResponse)
def share_form(request: Request, trial: KnownTrial, user: CurrentUser, note: str = "") -> Response:
    values = {"what": note if _int(note) is not None else "all", "days": str(share_ops.DEFAULT_DAYS)}
    return _share_form(request, trial, user, values)


def _snapshot(request: Request, trial: Trial) -> dict[str, Any] | None:
    """The visitor's answers on this trial and the verdict they saw, or None when they gave no answers."""
    answers = views.session_answers(request, trial.nct_id)
    parsed = load_parsed(store_of(request), trial.nct_id)
    if not answers.by_id or parsed is None:
        return None
    profile = views.session_profile(request)
    result = evaluate_trial(parsed, profile or PatientProfile(), date.today(), answers)
    given = {key: value.value for key, value in answers.by_id.items()}
    return share_ops.answers_snapshot(result, given, utc_now(), used_profile=profile is not None)


@router.post("/trials/{nct_id}/share")
def create_share(request: Request, form: CsrfForm, trial: KnownTrial, user: CurrentUser) -> Response:
    values = {name: form_text(form, name) for name in ("what", "answers", "passcode_choice", "days")}
    store, now = store_of(request), utc_now()
    try:
        what = values["what"]
        note_id = None if what == "all" else _int(what)
        if what != "all" and note_id is None:
            raise share_ops.ShareError("Please choose what to share.", "what")
        days = _int(values["days"])
        if days is None:
            raise share_ops.ShareError("Please choose how long the link works.", "days")
        answers = None
        if values["answers"] == "yes":
            answers = _snapshot(request, trial)
            if answers is None:
                raise share_ops.ShareError(
                    "You have not answered any of this trial's questions yet, so there are no answers to share.",
                    "answers",
                )
        passcode = form_text(form, "passcode") if values["passcode_choice"] == "choose" else None
        if not ratelimit.allow(store, "share:create", str(user.id), now):
            raise share_ops.ShareError("You have made many share links in the last hour. Please try again later.", "")
        made = share_ops.create_share(
            store, user.id, trial.nct_id, note_id=note_id, answers=answers, passcode=passcode, days=days, now=now
        )
    except share_ops.ShareError as error:
        return _share_form(request, trial, user, values, error.message, 422)
    url = f"{request.app.state.settings.public_url.rstrip('/')}/shared/{made.token}"
    context = {"trial": trial, "url": url, "passcode": made.passcode, "expires": _time(made.link.expires_at)}
    return render(request, "notes/share_created.html", context, private=True)


@router.post("/shares/{share_id}/revoke")
def revoke(request: Request, share_id: RowId, form: CsrfForm, user: ShareOwner) -> Response:
    store = store_of(request)
    link = share_ops.share_of(store, user.id, share_id)
    if link is None or not share_ops.revoke(store, user.id, share_id, utc_now()):
        raise EligoHTTPError(404, "not_found", NO_SHARE)
    if form_text(form, "back") == "account":
        return RedirectResponse("/account#share-links", status_code=303)
    return RedirectResponse(f"/trials/{link.nct_id}#share-links", status_code=303)


# -- the doctor's side: /shared/<token> --------------------------------------------------------------


def _shared_message(request: Request, title: str, text: str, status: int) -> Response:
    return render(request, "notes/shared_message.html", {"title": title, "text": text}, status, headers=SHARED_HEADERS)


def _not_found(request: Request) -> Response:
    return render(
        request, "error.html", {"status": 404, "message": NOT_FOUND, "details": []}, 404, headers=SHARED_HEADERS
    )


def _locked(request: Request, until: datetime | None) -> Response:
    moment = until.astimezone(UTC).strftime("%H:%M") if until else "later"
    text = f"Too many wrong passcodes. This link is locked until {moment} UTC; try again later."
    return _shared_message(request, "This link is locked for now", text, 429)


def _closed(request: Request, link: ShareLink, now: datetime) -> Response | None:
    """The plain answer for a link that cannot be opened any more; None while it works."""
    status = link.status(now)
    if status == "revoked":
        return _shared_message(request, "Link withdrawn", REVOKED, 410)
    if status == "expired":
        return _shared_message(request, "Link expired", EXPIRED, 410)
    return None


def _has_access(request: Request, link: ShareLink, now: datetime) -> bool:
    granted = request.state.session.data.get(ACCESS_KEY)
    until = unstamp(granted.get(str(link.id))) if isinstance(granted, dict) else None
    return until is not None and until > now


def _grant_access(request: Request, link: ShareLink, now: datetime) -> None:
    session = request.state.session
    granted = session.data.get(ACCESS_KEY)
    kept = {
        key: value
        for key, value in (granted.items() if isinstance(granted, dict) else [])
        if isinstance(value, str) and (unstamp(value) or now) > now
    }
    kept[str(link.id)] = stamp(now + share_ops.ACCESS_FOR)
    session.data[ACCESS_KEY] = kept
    session.changed = True


def _passcode_form(request: Request, token: str, error: str | None = None, status: int = 200) -> Response:
    context = {"token": token, "error": error, "max_passcode": share_ops.MAX_PASSCODE_CHARS}
    return render(request, "notes/shared_passcode.html", context, status, headers=SHARED_HEADERS)


@router.get("/shared/{token}", response_class=HTMLResponse)
def shared(request: Request, token: str) -> Response:
    found = share_ops.find_share(store_of(request), token)
    if found is None:
        return _not_found(request)
    link, now = found[0], utc_now()
    closed = _closed(request, link, now)
    if closed is not None:
        return closed
    if _has_access(request, link, now):
        return _shared_page(request, link, token)
    if link.status(now) == "locked":
        return _locked(request, link.locked_until)
    return _passcode_form(request, token)


@router.post("/shared/{token}")
def shared_passcode(request: Request, token: str, form: CsrfForm) -> Response:
    store, now, client = store_of(request), utc_now(), client_of(request)
    found = share_ops.find_share(store, token)
    if found is None:
        return _not_found(request)
    link, passcode_hash = found
    closed = _closed(request, link, now)
    if closed is not None:
        return closed
    if ratelimit.blocked(store, [("share:ip", client)], now) is not None:
        return _passcode_form(request, token, CLIENT_THROTTLED, 429)
    attempt = share_ops.try_passcode(store, link, passcode_hash, form_text(form, "passcode"), now)
    if attempt.outcome == "opened":
        _grant_access(request, link, now)
        return RedirectResponse(f"/shared/{token}", status_code=303, headers=SHARED_HEADERS)
    if attempt.outcome == "locked":
        if link.status(now) != "locked":  # this attempt locked it
            ratelimit.hit(store, "share:ip", client, now)
        return _locked(request, attempt.locked_until)
    ratelimit.hit(store, "share:ip", client, now)
    left = share_ops.LOCK_AFTER - attempt.failures
    more = f" After {left} more wrong {'try' if left == 1 else 'tries'}, the link locks for 15 minutes." if left else ""
    return _passcode_form(request, token, WRONG_PASSCODE + more, 401)


@router.post("/shared/{token}/reply")
def shared_reply(request: Request, token: str, form: CsrfForm) -> Response:
    """A reply to one shared note, from a visitor who gave the passcode; none once the link is closed."""
    store, now = store_of(request), utc_now()
    found = share_ops.find_share(store, token)
    if found is None:
        return _not_found(request)
    link = found[0]
    closed = _closed(request, link, now)
    if closed is not None:
        return closed
    if not _has_access(request, link, now):
        return _passcode_form(request, token, "Please give the passcode again before replying.", 401)
    note_id = _int(form_text(form, "note_id"))
    values = {"name": form_text(form, "name"), "body": form_text(form, "body"), "note_id": str(note_id or "")}
    try:
        if note_id is None:
            raise reply_ops.ReplyRefused("That note is not part of this shared page.", "note")
        reply_ops.add_reply(store, link, note_id, values["name"], values["body"], settings_of(request).public_url, now)
    except reply_ops.ReplyRefused as refused:
        return _shared_page(request, link, token, error=refused.message, form=values, status=422)
    return RedirectResponse(f"/shared/{token}?replied=1#note-{note_id}", status_code=303, headers=SHARED_HEADERS)


def _shared_notes(store: TrialStore, link: ShareLink) -> list[Note]:
    if link.note_id is None:
        return note_ops.notes_of(store, link.user_id, link.nct_id)
    note = note_ops.note_of(store, link.user_id, link.note_id)
    return [note] if note is not None and note.nct_id == link.nct_id else []


def _shared_page(
    request: Request,
    link: ShareLink,
    token: str,
    *,
    error: str | None = None,
    form: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    store = store_of(request)
    trial = store.get(link.nct_id)
    notes = _shared_notes(store, link)
    placed: list[PlacedNote]
    if trial is not None:
        placed = note_ops.place_notes(trial, load_parsed(store, trial.nct_id), notes)
    else:
        placed = [PlacedNote(note, None) for note in notes]
    context = {
        "link": link,
        "token": token,
        "trial": trial,
        "placed": placed,
        "replies": reply_ops.replies_to(store, [note.id for note in notes]),
        "snapshot": link.answers,
        "note_fields": FIELDS,
        "taken_at": _time(unstamp(link.answers.get("taken_at"))) if link.answers else "",
        "expires": _time(link.expires_at),
        "one_note": link.note_id is not None,
        "reply_error": error,
        "reply_form": form or {},
        "replied": request.query_params.get("replied") == "1",
        "reply_limits": {"name": reply_ops.MAX_NAME_CHARS, "body": reply_ops.MAX_REPLY_CHARS},
    }
    return render(request, "notes/shared.html", context, status, headers=SHARED_HEADERS)


def register(app: FastAPI) -> None:
    """Add this feature's panels to the trial page and the account page (at start-up)."""
    features = features_of(app)
    features.trial_panels.append(trial_context)
    features.account_panels.append(account_context)
