"""The JSON API under /api/: the same shapes as `eligo ... --format json`, one error shape."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from eligo.accounts import ratelimit
from eligo.explain import payloads
from eligo.matching.evaluate import evaluate_trial
from eligo.matching.match import candidate_query, match_profile
from eligo.patients.answers import Answers
from eligo.patients.errors import ProfileError
from eligo.patients.load import profile_from_data
from eligo.patients.origin import OriginError, origin
from eligo.patients.profile import PatientProfile
from eligo.web import views
from eligo.web.errors import EligoHTTPError
from eligo.web.requests import client_of, settings_of, utc_now

router = APIRouter(prefix="/api", tags=["api"])
Text = Annotated[str | None, Query(max_length=200)]


class CheckRequest(BaseModel):
    """A child's profile, optional pre-screener answers and the evaluation date."""

    model_config = ConfigDict(extra="forbid")

    profile: dict[str, Any] = Field(description="A patient profile (docs/schemas/patient-profile.json)")
    answers: dict[str, Literal["yes", "no", "not_sure"]] = Field(default_factory=dict, max_length=500)
    on: date | None = None


class MatchRequest(CheckRequest):
    near: str | None = Field(default=None, max_length=200)
    within_km: float | None = Field(default=None, gt=0, le=20_000)
    limit: int = Field(default=100, ge=1, le=1000)


class AnswersRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    answers: dict[str, Literal["yes", "no", "not_sure", ""]] = Field(max_length=500)


def _profile(data: dict[str, Any]) -> PatientProfile:
    try:
        return profile_from_data(data, source="profile")
    except ProfileError as error:
        details = [
            {"field": problem.split(":", 1)[0], "message": problem.split(":", 1)[-1].strip()}
            for problem in error.problems
        ]
        message = "The profile has fields that need another look."
        raise EligoHTTPError(422, "invalid_profile", message, details) from error


@router.get("/search", summary="Search trials")
def api_search(
    request: Request,
    params: Annotated[views.SearchParams, Query()],
) -> dict[str, Any]:
    form = params.as_form()
    try:
        query, _ = views.search_query_from_form(form)
    except ValueError as error:
        raise EligoHTTPError(422, "invalid_query", str(error)) from error
    return payloads.search_payload(views.store_of(request).search(query))


@router.get("/trials/{nct_id}", summary="One trial, as `eligo show --format json`")
def api_trial(request: Request, nct_id: str) -> dict[str, Any]:
    return payloads.trial_payload(views.require_trial(request, nct_id))


@router.get("/trials/{nct_id}/criteria", summary="The trial's criteria as typed rules with questions")
def api_criteria(request: Request, nct_id: str) -> dict[str, Any]:
    trial = views.require_trial(request, nct_id)
    parsed = views.parsed_criteria(request, trial.nct_id)
    if parsed is None:
        raise EligoHTTPError(404, "not_found", "This trial has no criteria.")
    return payloads.criteria_payload(parsed)


@router.post("/trials/{nct_id}/check", summary="Evaluate one trial for a child, as `eligo check`")
def api_check(request: Request, nct_id: str, body: Annotated[CheckRequest, Body()]) -> dict[str, Any]:
    trial = views.require_trial(request, nct_id)
    parsed = views.parsed_criteria(request, trial.nct_id)
    if parsed is None:
        raise EligoHTTPError(404, "not_found", "This trial has no criteria.")
    answers = Answers.from_mapping(body.answers)
    result = evaluate_trial(parsed, _profile(body.profile), body.on or date.today(), answers)
    return payloads.check_payload(result)


@router.post(
    "/match",
    summary="Rank trials for a child, as `eligo match` (at most 30 a minute from one client)",
    response_class=JSONResponse,
)
def api_match(request: Request, body: Annotated[MatchRequest, Body()]) -> JSONResponse:
    per_minute = settings_of(request).api_match_per_minute
    if per_minute and not ratelimit.allow(
        views.store_of(request), "api:match", client_of(request), utc_now(), limit=per_minute
    ):
        raise EligoHTTPError(429, "rate_limited", "Too many matches from your address. Please wait a minute.")
    profile = _profile(body.profile)
    on = body.on or date.today()
    # Where sites are measured from, as `eligo match` reads it: `near`, else the profile's location.
    try:
        start = origin(profile, body.near, body.within_km)
    except OriginError as error:
        raise EligoHTTPError(422, "invalid_place", str(error)) from error
    search = candidate_query(
        profile,
        on,
        near=start.point if start else None,
        within_km=start.within_km if start else None,
        limit=body.limit,
    )
    matches = match_profile(
        views.store_of(request),
        profile,
        on,
        answers=Answers.from_mapping(body.answers),
        query=search,
        cache=views.caches_of(request).parsed,
    )
    # Encoded once, here in the thread pool: a returned dict would be validated and walked again by
    # jsonable_encoder on the event loop, where it holds up every other request of this worker.
    return JSONResponse(payloads.match_payload(matches))


@router.get("/trials/{nct_id}/similar", summary="Similar trials with the reasons")
def api_similar(request: Request, nct_id: str) -> dict[str, Any]:
    from eligo.matching.similar import similar_trials

    trial = views.require_trial(request, nct_id)
    found = similar_trials(
        views.store_of(request),
        trial,
        limit=10,
        data_version=views.data_version(request),
        cache=views.caches_of(request).similar,
    )
    return {"nct_id": trial.nct_id, "similar": [item.as_json() for item in found]}


@router.put("/trials/{nct_id}/answers", summary="Save this visitor's pre-screener answers; returns the new verdict")
def api_answers(request: Request, nct_id: str, body: Annotated[AnswersRequest, Body()]) -> dict[str, Any]:
    """Used by the trial page's script. Same-origin only: a JSON body cannot be sent cross-site
    without a CORS preflight, which Eligo never grants; the header check is belt and braces."""
    if request.headers.get("x-csrf-token") != request.state.session.csrf_token:
        raise EligoHTTPError(403, "csrf", "This page has expired. Please reload it.")
    trial = views.require_trial(request, nct_id)
    parsed = views.parsed_criteria(request, trial.nct_id)
    if parsed is None:
        raise EligoHTTPError(404, "not_found", "This trial has no criteria.")
    known = views.leaf_ids(parsed)
    unknown_ids = [key for key in body.answers if key not in known]
    if unknown_ids:
        raise EligoHTTPError(422, "unknown_criterion", f"Not criteria of this trial: {', '.join(unknown_ids[:5])}")
    session = request.state.session
    session.update_answers(trial.nct_id, {key: value or None for key, value in body.answers.items()})
    # Saved now, merged with what the visitor's other requests saved meanwhile, so the verdict below counts them.
    request.app.state.sessions.flush(session)
    profile = views.session_profile(request) or PatientProfile()
    result = evaluate_trial(parsed, profile, date.today(), views.session_answers(request, trial.nct_id))
    return payloads.check_payload(result)
