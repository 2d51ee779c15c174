"""What each page shows, assembled from the core functions (the CLI calls the same ones)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib.resources import files
from typing import Any

from fastapi import Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.datastructures import FormData

from eligo.criteria.parse import ParsedCriteria, ParsedCriterion
from eligo.explain.availability import (
    KIND_ORDER,
    Availability,
    TrialFacts,
    availability,
    early_phase_caution,
    facts_of_trial,
)
from eligo.explain.verdicts import asks_life_expectancy
from eligo.geo import geocode, haversine_km
from eligo.matching.evaluate import RuleOutcomes, evaluate, evaluate_trial
from eligo.matching.match import OPEN_STATUSES, Match, candidate_query, match_profile, score_of
from eligo.matching.parsed_cache import PARSED_CACHE
from eligo.matching.ranking import family_rank_key
from eligo.matching.results import TrialResult
from eligo.matching.similar import similar_trials
from eligo.matching.verdicts import TrialVerdict
from eligo.patients.answers import Answer, Answers, parse_answer
from eligo.patients.load import profile_from_data
from eligo.patients.profile import PatientProfile
from eligo.store import SearchHit, SearchQuery, TrialStore
from eligo.store.cache import BoundedCache
from eligo.store.search import TrialSketch
from eligo.trials.model import Location, Trial
from eligo.web.errors import EligoHTTPError
from eligo.web.templating import wording
from eligo.yamlfile import load_yaml

ID_PATTERN = re.compile(r"^[A-Z0-9-]{4,40}$")
MAX_WITHIN_KM = 20_000


def store_of(request: Request) -> TrialStore:
    store: TrialStore = request.app.state.store
    return store


# Validated Trial records of the trials viewed most recently, per store data version (up to ~100 KB each).
_TRIALS: BoundedCache[tuple[str, str], Trial] = BoundedCache(512)


def data_version(request: Request) -> str:
    """The store's data version, read once per request: the key of every cache a page uses."""
    version = getattr(request.state, "data_version", None)
    if not isinstance(version, str):
        version = store_of(request).data_version()
        request.state.data_version = version
    return version


def require_trial(request: Request, nct_id: str) -> Trial:
    key = nct_id.strip().upper()
    trial = None
    if ID_PATTERN.match(key):
        cache_key = (data_version(request), key)
        trial = _TRIALS.get(cache_key)
        if trial is None:
            trial = store_of(request).get(key)
            if trial is not None:
                _TRIALS.put(cache_key, trial)
    if trial is None:
        raise EligoHTTPError(404, "not_found", f"There is no trial {nct_id[:40]!r} in Eligo.")
    return trial


def session_profile(request: Request) -> PatientProfile | None:
    data = request.state.session.profile
    if data is None:
        return None
    try:
        return profile_from_data(data, source="session")
    except ValueError:
        request.state.session.set_profile(None)
        return None


def parsed_criteria_many(request: Request, nct_ids: list[str]) -> dict[str, ParsedCriteria]:
    """The trials' rules, from the same bounded cache that matching uses (warmed when a worker starts)."""
    found = PARSED_CACHE.criteria_for(store_of(request), nct_ids)
    return {nct_id: cached.parsed for nct_id, cached in found.items()}


def parsed_criteria(request: Request, nct_id: str) -> ParsedCriteria | None:
    return parsed_criteria_many(request, [nct_id]).get(nct_id)


def session_answers(request: Request, nct_id: str) -> Answers:
    stored = request.state.session.answers_for(nct_id)
    return Answers(by_id={key: Answer(value) for key, value in stored.items() if value in {a.value for a in Answer}})


def walk_criteria(parsed: ParsedCriteria) -> list[ParsedCriterion]:
    found: list[ParsedCriterion] = []
    stack = list(reversed(parsed.criteria))
    while stack:
        node = stack.pop()
        found.append(node)
        stack.extend(reversed(node.children))
    return found


def leaf_ids(parsed: ParsedCriteria) -> set[str]:
    ids: set[str] = set()

    def walk(node: ParsedCriterion) -> None:
        if node.question:
            ids.add(node.id)
        for child in node.children:
            walk(child)

    for node in parsed.criteria:
        walk(node)
    return ids


def save_answers_from_form(request: Request, nct_id: str, form: FormData) -> Answers:
    trial = require_trial(request, nct_id)
    parsed = parsed_criteria(request, trial.nct_id)
    known = leaf_ids(parsed) if parsed else set()
    # Only what this form changes, criterion by criterion: answers saved meanwhile by another request stay.
    changes: dict[str, str | None] = {}
    for key, value in form.multi_items():
        if not key.startswith("a:") or not isinstance(value, str):
            continue
        criterion_id = key[2:]
        if criterion_id not in known:
            raise EligoHTTPError(422, "unknown_criterion", f"{criterion_id[:40]!r} is not a criterion of this trial.")
        if value == "":
            changes[criterion_id] = None
            continue
        try:
            changes[criterion_id] = parse_answer(value).value
        except ValueError as error:
            raise EligoHTTPError(422, "invalid_answer", str(error)) from error
    answers = request.state.session.update_answers(trial.nct_id, changes)
    return Answers(by_id={key: Answer(value) for key, value in answers.items()})


@dataclass(frozen=True)
class SiteView:
    location: Location
    distance_km: float | None
    open: bool


def sites_by_distance(trial: Trial, origin: tuple[float, float] | None) -> list[SiteView]:
    views = []
    for site in trial.locations:
        distance = None
        if origin and site.geo:
            distance = haversine_km(origin[0], origin[1], site.geo.lat, site.geo.lon)
        is_open = (site.status or trial.overall_status or "") in OPEN_STATUSES
        views.append(SiteView(site, distance, is_open))
    return sorted(views, key=lambda view: (not view.open, view.distance_km if view.distance_km is not None else 1e9))


def profile_origin(profile: PatientProfile | None) -> tuple[float, float] | None:
    if profile is None or profile.location is None:
        return None
    if profile.location.lat is not None and profile.location.lon is not None:
        return profile.location.lat, profile.location.lon
    if profile.location.place:
        try:
            place = geocode(profile.location.place)
        except ValueError:
            return None
        return (place.lat, place.lon) if place else None
    return None


# A new visitor's view of a trial (no profile, no answers) is the same for everyone on a given day.
_BLANK_RESULTS: BoundedCache[tuple[str, str, date], TrialResult] = BoundedCache(1024)


def _evaluated(
    parsed: ParsedCriteria, profile: PatientProfile | None, answers: Answers, on: date, key: tuple[str, str]
) -> TrialResult:
    if profile is not None or answers.by_id:
        return evaluate_trial(parsed, profile or PatientProfile(), on, answers)
    result = _BLANK_RESULTS.get((*key, on))
    if result is None:
        result = evaluate_trial(parsed, PatientProfile(), on, answers)
        _BLANK_RESULTS.put((*key, on), result)
    return result


def trial_page(request: Request, nct_id: str) -> dict[str, Any]:
    """Everything the trial page shows, in a fixed number of queries whatever the trial or the store."""
    trial = require_trial(request, nct_id)
    store = store_of(request)
    parsed = parsed_criteria(request, trial.nct_id)
    profile = session_profile(request)
    origin = profile_origin(profile)
    answers = session_answers(request, trial.nct_id)
    on = date.today()
    result: TrialResult | None = None
    if parsed is not None:
        result = _evaluated(parsed, profile, answers, on, (data_version(request), trial.nct_id))
    sites = sites_by_distance(trial, origin)
    first_open = next((view for view in sites if view.open and view.location.status), None)
    return {
        "trial": trial,
        "availability": availability(
            facts_of_trial(trial),
            on,
            wording()["status"],
            site_status=first_open.location.status if first_open else None,
            site_name=", ".join(filter(None, (first_open.location.facility, first_open.location.city)))
            if first_open
            else None,
        ),
        "early_phase_caution": early_phase_caution(trial.phases),
        "life_expectancy_ids": [node.id for node in walk_criteria(parsed) if asks_life_expectancy(node)]
        if parsed
        else [],
        "parsed": parsed,
        "result": result,
        "results_by_id": {item.id: item for top in (result.criteria if result else ()) for item in top.walk()},
        "answers": {key: value.value for key, value in answers.by_id.items()},
        "profile_active": profile is not None,
        # Whether anything is known about the child: before that, no verdict words, only how many questions.
        "checked": profile is not None or bool(answers.by_id),
        "sites": sites,
        "similar": similar_trials(store, trial, limit=5, origin=origin, data_version=data_version(request)),
        "on": on,
    }


class SearchParams(BaseModel):
    """The search form's fields, as the pages and the API both take them from the query string."""

    model_config = ConfigDict(extra="ignore")

    q: str | None = Field(default=None, max_length=200)
    status: str | None = Field(default=None, max_length=40)
    phase: str | None = Field(default=None, max_length=40)
    age: str | None = Field(default=None, max_length=10)
    near: str | None = Field(default=None, max_length=100)
    within: str | None = Field(default=None, max_length=10)

    def as_form(self) -> dict[str, str]:
        return {name: value or "" for name, value in self.model_dump().items()}


def search_query_from_form(form: dict[str, str]) -> tuple[SearchQuery, str | None]:
    """Turn the search form's fields into a query; ValueError with a message people can act on."""
    statuses: tuple[str, ...] = ()
    if form.get("status") == "open":
        statuses = OPEN_STATUSES
    elif form.get("status"):
        statuses = (form["status"].upper(),)
    phases = (form["phase"].upper(),) if form.get("phase") else ()
    age_months = None
    if form.get("age"):
        try:
            age = float(form["age"])
        except ValueError as error:
            raise ValueError("Age: please enter a number of years, for example 7.") from error
        if not 0 <= age <= 120:
            raise ValueError("Age: please enter an age between 0 and 120 years.")
        age_months = int(age * 12)
    near, place, within = None, None, None
    if form.get("near"):
        try:
            found = geocode(form["near"])
        except ValueError as error:
            raise ValueError(f"Near: {error}") from error
        if found is None:
            raise ValueError(f"Near: we could not find “{form['near']}”. Try a town, a UK postcode or a US ZIP code.")
        near, place = (found.lat, found.lon), found.name
        within = 300.0
    if form.get("within"):
        try:
            within = float(form["within"])
        except ValueError as error:
            raise ValueError("Distance: please enter a number of kilometres.") from error
        if not 0 < within <= MAX_WITHIN_KM:
            raise ValueError("Distance: please enter between 1 and 20,000 km.")
        if near is None:
            raise ValueError("Distance: please also say near which place.")
    query = SearchQuery(
        text=form.get("q") or None,
        statuses=statuses,
        phases=phases,
        age_months=age_months,
        near=near,
        within_km=within,
        limit=50,
    )
    return query, place


@dataclass(frozen=True)
class SearchResultView:
    hit: SearchHit
    # What a result card shows of the record (its brief summary), read without validating the whole Trial.
    trial: TrialSketch | None
    verdict: str | None


# The same searches come back all day ("neuroblastoma" above all): a page of hits with its card text is kept
# per (store data version, query). Verdicts depend on the visitor and are never kept.
SearchPage = tuple[tuple[SearchHit, ...], dict[str, TrialSketch]]
_SEARCHES: BoundedCache[tuple[str, SearchQuery], SearchPage] = BoundedCache(256)


def search_with_verdicts(request: Request, query: SearchQuery) -> list[SearchResultView]:
    """One page of hits with their records and, when a profile is active, the child's verdict on each:
    a fixed number of queries and at most `query.limit` evaluations, whatever the number of matches."""
    store = store_of(request)
    profile = session_profile(request)
    key = (data_version(request), query)
    found = _SEARCHES.get(key)
    if found is None:
        searched = tuple(store.search(query))
        found = (searched, store.sketches(hit.nct_id for hit in searched))
        _SEARCHES.put(key, found)
    hits, records = found
    ids = [hit.nct_id for hit in hits]
    verdicts: dict[str, str] = {}
    if profile is not None:
        on = date.today()
        outcomes = RuleOutcomes(profile, on)
        for nct_id, parsed in parsed_criteria_many(request, ids).items():
            answers = session_answers(request, nct_id)
            verdicts[nct_id] = evaluate(parsed, profile, on, answers, outcomes=outcomes).verdict.value
    return [SearchResultView(hit, records.get(hit.nct_id), verdicts.get(hit.nct_id)) for hit in hits]


# "Browse by condition" tallies every open trial: once per store data version, not once per home page.
_CONDITION_COUNTS: BoundedCache[str, list[tuple[str, int]]] = BoundedCache(4)


def browse_conditions(request: Request) -> list[tuple[str, int]]:
    version = data_version(request)
    counts = _CONDITION_COUNTS.get(version)
    if counts is None:
        counts = store_of(request).condition_counts(limit=12)
        _CONDITION_COUNTS.put(version, counts)
    return list(counts)


def session_matches(request: Request, *, include_closed: bool = False) -> tuple[list[Match], date] | None:
    """The visitor's child matched against the store: unless `include_closed`, only trials that are
    open or whose record states no status (never hide a trial that may be open)."""
    profile = session_profile(request)
    if profile is None:
        return None
    on = date.today()
    origin = profile_origin(profile)
    within = profile.location.max_travel_km if profile.location else None
    statuses = () if include_closed else OPEN_STATUSES
    query = candidate_query(
        profile, on, near=origin, within_km=within if origin else None, statuses=statuses, or_unstated_status=True
    )
    store = store_of(request)
    matches = []
    for found in match_profile(store, profile, on, query=query):
        answers = session_answers(request, found.hit.nct_id)
        if answers.by_id:
            parsed = parsed_criteria(request, found.hit.nct_id)
            if parsed is not None:
                evaluation = evaluate(parsed, profile, on, answers)
                found = Match(found.hit, evaluation, score_of(evaluation))
        matches.append(found)
    found_open = match_availability(request, matches, on)
    if not include_closed:
        # Set aside what a family cannot join now (an end date passed, not recruiting); the visitor can
        # ask to see them, each with the reason.
        matches = [found for found in matches if found_open[found.hit.nct_id].open]
    # The family's answers can move a trial up or down; treatment trials before expanded-access and
    # palliative protocols of the same verdict; nearer before further within a verdict.
    matches.sort(key=lambda found: family_rank_key(found, KIND_ORDER[found_open[found.hit.nct_id].kind]))
    return matches, on


def match_availability(request: Request, matches: list[Match], on: date) -> dict[str, Availability]:
    """Each match's availability, read in one query and kept for the rest of the request."""
    kept: dict[str, Availability] = getattr(request.state, "match_availability", {})
    missing = [found.hit.nct_id for found in matches if found.hit.nct_id not in kept]
    if missing:
        records = store_of(request).sketches(missing)
        for found in matches:
            if found.hit.nct_id in kept:
                continue
            sketch = records.get(found.hit.nct_id)
            site = found.hit.nearest_site
            kept[found.hit.nct_id] = availability(
                facts_of_sketch(sketch, found.hit.phases)
                if sketch
                else TrialFacts(overall_status=found.hit.overall_status),
                on,
                wording()["status"],
                site_status=site.status if site else None,
                site_name=", ".join(filter(None, (site.facility, site.city))) if site else None,
            )
        request.state.match_availability = kept
    return kept


def facts_of_sketch(sketch: TrialSketch, phases: tuple[str, ...] = ()) -> TrialFacts:
    return TrialFacts(
        overall_status=sketch.overall_status,
        study_type=sketch.study_type,
        primary_completion_date=sketch.primary_completion_date,
        completion_date=sketch.completion_date,
        last_update_date=sketch.last_update_date,
        title=sketch.title,
        summary=sketch.brief_summary,
        overlay_sources=sketch.overlay_sources,
        phases=phases,
    )


@cache
def glossary() -> list[dict[str, str]]:
    text = files("eligo.web").joinpath("glossary.yaml").read_text(encoding="utf-8")
    entries = load_yaml(text)
    if not isinstance(entries, list):
        raise ValueError("eligo/web/glossary.yaml must be a list of entries")
    return [dict(entry) for entry in entries]


MATCHES_PER_PAGE = 20


@dataclass(frozen=True)
class MatchPage:
    """One page of a child's ranked matches, with the tallies of the whole list."""

    matches: list[Match]
    total: int
    page: int
    pages: int
    first: int
    tallies: dict[str, int]


def match_page(matches: list[Match], page: int) -> MatchPage:
    """Page `page` (1-based, clamped to the pages there are) of the ranked list."""
    pages = max(1, -(-len(matches) // MATCHES_PER_PAGE))
    page = min(max(page, 1), pages)
    start = (page - 1) * MATCHES_PER_PAGE
    tallies = {verdict.value: 0 for verdict in TrialVerdict}
    for found in matches:
        tallies[found.evaluation.verdict.value] += 1
    return MatchPage(matches[start : start + MATCHES_PER_PAGE], len(matches), page, pages, start + 1, tallies)
