"""Shortlist and compare, browse by condition and treatment type, the schedule calendar and its .ics, units."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from eligo.browse.catalogue import treatment_types
from eligo.compare.factors import CompareColumn, compare_column
from eligo.compare.shortlist import MAX_COMPARE, MIN_COMPARE, ShortlistFull
from eligo.compare.vocab import wording as compare_wording
from eligo.geo import geocode
from eligo.geo.units import UNITS, parse_units
from eligo.matching.evaluate import evaluate_trial
from eligo.patients.profile import PatientProfile
from eligo.schedule import first_cycles, to_ics
from eligo.web import views, visitor
from eligo.web.deps import NO_STORE, CsrfForm, render
from eligo.web.errors import EligoHTTPError
from eligo.web.requests import form_text

router = APIRouter(include_in_schema=False)
Text = Annotated[str | None, Query(max_length=100)]
# A calendar more than this far from today is a typo, not a plan.
MAX_START_YEARS = 3


def _back(value: str, fallback: str) -> str:
    """A path on this site to go back to after a form; never another site. Browsers read "//host",
    "/\\host" and control characters as another site, so only printable ASCII without backslashes is kept."""
    printable = all(33 <= ord(char) <= 126 and char != "\\" for char in value)
    if printable and value.startswith("/") and not value.startswith("//") and len(value) <= 1000:
        return value
    return fallback


@router.post("/shortlist/add")
def shortlist_add(request: Request, form: CsrfForm) -> Response:
    trial = views.require_trial(request, form_text(form, "nct_id"))
    try:
        visitor.add_to_shortlist(request, trial.nct_id)
    except ShortlistFull as error:
        raise EligoHTTPError(409, "shortlist_full", str(error)) from error
    near = form_text(form, "near").strip()[:100]
    if near:
        request.state.session.data[visitor.NEAR_KEY] = near
        request.state.session.changed = True
    return RedirectResponse(_back(form_text(form, "next"), f"/trials/{trial.nct_id}"), status_code=303)


@router.post("/shortlist/remove")
def shortlist_remove(request: Request, form: CsrfForm) -> Response:
    nct_id = form_text(form, "nct_id").strip().upper()[:40]
    visitor.remove_from_shortlist(request, nct_id)
    return RedirectResponse(_back(form_text(form, "next"), "/compare"), status_code=303)


@router.post("/units")
def choose_units(request: Request, form: CsrfForm) -> Response:
    units = parse_units(form_text(form, "units"))
    session = request.state.session
    if units is None:
        session.data.pop(visitor.UNITS_KEY, None)
    else:
        session.data[visitor.UNITS_KEY] = units
    session.changed = True
    return RedirectResponse(_back(form_text(form, "next"), "/"), status_code=303)


def _origin(request: Request, near: str | None) -> tuple[tuple[float, float] | None, str | None]:
    """Where distances are measured from: `near`, else where the visitor searched when shortlisting, else
    the child's profile; with the place's name."""
    stored = request.state.session.data.get(visitor.NEAR_KEY)
    for text in (near, stored if isinstance(stored, str) else None):
        if text:
            try:
                place = geocode(text)
            except ValueError:
                place = None
            if place is not None:
                return (place.lat, place.lon), text
    profile = views.session_profile(request)
    origin = views.profile_origin(profile)
    place_name = profile.location.place if profile and profile.location else None
    return origin, place_name


def compare_columns(request: Request, ids: list[str], origin: tuple[float, float] | None) -> list[CompareColumn]:
    profile = views.session_profile(request)
    on = date.today()
    parsed = views.parsed_criteria_many(request, ids)
    columns = []
    for nct_id in ids:
        trial = views.require_trial(request, nct_id)
        answers = views.session_answers(request, nct_id)
        result = None
        criteria = parsed.get(trial.nct_id)
        if criteria is not None and (profile is not None or answers.by_id):
            result = evaluate_trial(criteria, profile or PatientProfile(), on, answers)
        _, weeks = views.schedule_of(request, trial)
        columns.append(compare_column(trial, criteria, weeks, origin, result))
    return columns


@router.get("/compare", response_class=HTMLResponse)
def compare(request: Request, near: Text = None, ids: Annotated[str | None, Query(max_length=200)] = None) -> Response:
    shortlisted = visitor.shortlist_ids(request)
    chosen = [item.strip().upper() for item in (ids or "").split(",") if item.strip()]
    chosen = [item for item in chosen if item in shortlisted] or shortlisted
    chosen = chosen[:MAX_COMPARE]
    origin, place = _origin(request, near)
    units = visitor.units_for(request, place)
    columns = compare_columns(request, chosen, origin) if len(chosen) >= MIN_COMPARE else []
    context = {
        "columns": columns,
        "shortlisted": shortlisted,
        "chosen": chosen,
        "place": place,
        "units": units,
        "all_units": UNITS,
        "words": compare_wording(),
        "min_compare": MIN_COMPARE,
        "max_compare": MAX_COMPARE,
        "titles": {trial.nct_id: trial.title for trial in views.store_of(request).get_many(shortlisted).values()},
    }
    return render(request, "compare.html", context, private=True)


def _start_date(text: str | None) -> date | None:
    if not text:
        return None
    try:
        start = date.fromisoformat(text)
    except ValueError as error:
        raise EligoHTTPError(422, "invalid_date", "Start date: please give a date like 2027-01-04.") from error
    if abs((start - date.today()).days) > MAX_START_YEARS * 366:
        raise EligoHTTPError(
            422, "invalid_date", f"Start date: please pick a date within {MAX_START_YEARS} years of today."
        )
    return start


Arm = Annotated[str | None, Query(max_length=300)]


@router.get("/trials/{nct_id}/calendar", response_class=HTMLResponse)
def calendar(request: Request, nct_id: str, start: Text = None, arm: Arm = None) -> Response:
    trial = views.require_trial(request, nct_id)
    schedule, weeks = views.schedule_of(request, trial)
    picked = _start_date(start) or date.today()
    arms = [item.label for item in schedule.arms]
    days = first_cycles(schedule, picked, arm=arm if arm in arms else None)
    context = {
        "trial": trial,
        "weeks": weeks,
        "start": picked,
        "days": days,
        "arms": arms,
        "arm": arm if arm in arms else None,
    }
    return render(request, "calendar.html", context, private=True)


@router.get("/trials/{nct_id}/schedule.ics")
def calendar_ics(request: Request, nct_id: str, start: Text = None, arm: Arm = None) -> Response:
    trial = views.require_trial(request, nct_id)
    schedule, _ = views.schedule_of(request, trial)
    picked = _start_date(start) or date.today()
    arms = [item.label for item in schedule.arms]
    body = to_ics(trial, schedule, picked, arm=arm if arm in arms else None)
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={**NO_STORE, "content-disposition": f'attachment; filename="{trial.nct_id}-estimate.ics"'},
    )


def _browse_page(request: Request, heading: str, entries: list[Any], back: str) -> HTMLResponse:
    context = {"heading": heading, "entries": entries, "back": back, "shortlisted": visitor.shortlist_ids(request)}
    return render(request, "browse.html", context, private=True)


@router.get("/browse", response_class=HTMLResponse)
def browse(request: Request) -> HTMLResponse:
    found = views.catalogue(request)
    context = {
        "conditions": found.condition_counts(limit=30),
        "treatment_types": found.treatment_type_counts(),
    }
    return render(request, "browse_index.html", context, private=True)


@router.get("/browse/condition/{name:path}", response_class=HTMLResponse)
def browse_condition(request: Request, name: str) -> HTMLResponse:
    if len(name) > 200:
        raise EligoHTTPError(404, "not_found", "There is no such condition in Eligo.")
    entries = views.catalogue(request).with_condition(name)
    return _browse_page(request, f"Open trials for {name}", entries, "/browse")


@router.get("/browse/treatment/{key}", response_class=HTMLResponse)
def browse_treatment(request: Request, key: str) -> HTMLResponse:
    kind = treatment_types().get(key)
    if kind is None:
        raise EligoHTTPError(404, "not_found", f"There is no treatment type {key[:40]!r} in Eligo.")
    entries = views.catalogue(request).with_treatment_type(kind.key)
    return _browse_page(request, f"Open trials of {kind.label.lower()}", entries, "/browse")
