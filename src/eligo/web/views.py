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

from eligo.browse.catalogue import Catalogue, build_catalogue
from eligo.compare.side_effects import side_effects_view
from eligo.compare.vocab import wording as compare_wording
from eligo.criteria.parse import ParsedCriteria, ParsedCriterion
from eligo.explain.summary import SiteContact, TrialSummary, profile_lines, summarise
from eligo.explain.verdicts import asks_life_expectancy
from eligo.geo import haversine_km
from eligo.geo.units import km_to_miles, miles_to_km, parse_units
from eligo.matching.availability import (
    Availability,
    TrialFacts,
    availability,
    early_phase_caution,
    facts_of_sketch,
    facts_of_trial,
)
from eligo.matching.evaluate import RuleOutcomes, evaluate, evaluate_trial
from eligo.matching.match import Match, candidate_query, match_profile
from eligo.matching.results import TrialResult
from eligo.matching.similar import similar_trials
from eligo.patients.answers import Answer, Answers, parse_answer
from eligo.patients.load import profile_from_data
from eligo.patients.origin import Origin, OriginError, origin
from eligo.patients.profile import PatientProfile
from eligo.process import Caches, SearchPage
from eligo.referrals.sites import SiteChoice, site_choices
from eligo.rules.verdicts import TrialVerdict
from eligo.schedule import TrialSchedule, WeeksSummary, extract_schedule, family_weeks
from eligo.store import SearchHit, SearchQuery, SiteHit
from eligo.store.search import TrialSketch
from eligo.trials.model import Location, Trial
from eligo.trials.statuses import OPEN_STATUSES
from eligo.web import visitor
from eligo.web.editor import audience_for
from eligo.web.errors import EligoHTTPError
from eligo.web.requests import store_of as store_of  # routes call views.store_of
from eligo.web.templating import wording
from eligo.yamlfile import load_yaml

ID_PATTERN = re.compile(r"^[A-Z0-9-]{4,40}$")
MAX_WITHIN_KM = 20_000


def caches_of(request: Request) -> Caches:
    """The caches of this worker, made by its entry point (`eligo.web.app.app_factory`)."""
    caches: Caches = request.app.state.caches
    return caches


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
        trial = caches_of(request).trials.get(cache_key)
        if trial is None:
            trial = store_of(request).get(key)
            if trial is not None:
                caches_of(request).trials.put(cache_key, trial)
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
    found = caches_of(request).parsed.criteria_for(store_of(request), nct_ids)
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
    """Every id a family may answer: each criterion with a question, and each part of a compound or
    conditional one ("inc-13#1")."""
    ids: set[str] = set()

    def walk(node: ParsedCriterion) -> None:
        if node.question:
            ids.add(node.id)
        ids.update(part.id for part in node.parts)
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
    """Where the child's sites are measured from, as `eligo match` reads it (`patients.origin`)."""
    start = _profile_start(profile)
    return start.point if start else None


def _profile_start(profile: PatientProfile | None) -> Origin | None:
    try:
        return origin(profile)
    except OriginError:
        # A place the visitor typed that the gazetteer cannot find: every page would fail on it, so pages
        # show sites without distances and the match list is not limited by distance, as before this was shared.
        return None


def _evaluated(
    request: Request,
    parsed: ParsedCriteria,
    profile: PatientProfile | None,
    answers: Answers,
    on: date,
    key: tuple[str, str],
) -> TrialResult:
    if profile is not None or answers.by_id:
        return evaluate_trial(parsed, profile or PatientProfile(), on, answers)
    # A new visitor's view of a trial (no profile, no answers) is the same for everyone on a given day.
    blank = caches_of(request).blank_results
    result = blank.get((*key, on))
    if result is None:
        result = evaluate_trial(parsed, PatientProfile(), on, answers)
        blank.put((*key, on), result)
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
        result = _evaluated(request, parsed, profile, answers, on, (data_version(request), trial.nct_id))
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
        "life_expectancy_ids": [
            found
            for node in walk_criteria(parsed)
            if asks_life_expectancy(node)
            for found in (node.id, *(part.id for part in node.parts))
        ]
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
        "similar": similar_trials(
            store, trial, limit=5, origin=origin, data_version=data_version(request), cache=caches_of(request).similar
        ),
        "on": on,
        **treatment_context(request, trial),
        "side_effects": side_effects_view(trial.adverse_events),
        "wording_compare": compare_wording(),
        "registry_link": compare_wording().registry_link(trial.nct_id),
        "units": visitor.units_for(request, profile.location.place if profile and profile.location else None),
        "shortlisted": visitor.shortlist_ids(request),
    }


def schedule_of(request: Request, trial: Trial) -> tuple[TrialSchedule, WeeksSummary]:
    """The trial's schedule read from its registry text, and what it means for the family's weeks."""
    key = (data_version(request), trial.nct_id)
    schedules = caches_of(request).schedules
    found = schedules.get(key)
    if found is None:
        schedule = extract_schedule(trial)
        found = (schedule, family_weeks(schedule))
        schedules.put(key, found)
    return found


def treatment_context(request: Request, trial: Trial) -> dict[str, Any]:
    schedule, weeks = schedule_of(request, trial)
    return {"schedule": schedule, "weeks": weeks, "arm_weeks": {arm.label: arm for arm in weeks.arms}}


class SearchParams(BaseModel):
    """The search form's fields, as the pages and the API both take them from the query string."""

    model_config = ConfigDict(extra="ignore")

    q: str | None = Field(default=None, max_length=200)
    status: str | None = Field(default=None, max_length=40)
    phase: str | None = Field(default=None, max_length=40)
    age: str | None = Field(default=None, max_length=10)
    near: str | None = Field(default=None, max_length=100)
    within: str | None = Field(default=None, max_length=10)
    # The units `within` is in ("miles" or "km"): the form shows the visitor's units beside the box.
    within_units: str | None = Field(default=None, max_length=10)

    def as_form(self) -> dict[str, str]:
        """The fields as the form and links carry them; `within_units` only when given (a distance without
        it is in kilometres, as links made before it existed meant)."""
        form = {name: value or "" for name, value in self.model_dump().items()}
        if not form["within_units"]:
            del form["within_units"]
        return form


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
    within: float | None = None
    units = parse_units(form.get("within_units")) or "km"
    if form.get("within"):
        named = "miles" if units == "miles" else "kilometres"
        try:
            given = float(form["within"])
        except ValueError as error:
            raise ValueError(f"Distance: please enter a number of {named}.") from error
        within = miles_to_km(given) if units == "miles" else given
        if not 0 < within <= MAX_WITHIN_KM:
            most = f"{km_to_miles(MAX_WITHIN_KM):,.0f} miles" if units == "miles" else f"{MAX_WITHIN_KM:,} km"
            raise ValueError(f"Distance: please enter between 1 and {most}.")
    try:
        start = origin(None, form.get("near") or None, within)
    except OriginError as error:
        if error.reason == "no_place":
            raise ValueError("Distance: please also say near which place.") from error
        if error.reason == "not_found":
            raise ValueError(
                f"Near: we could not find “{form['near']}”. Try a town, a UK postcode or a US ZIP code."
            ) from error
        raise ValueError(f"Near: {error.problem}") from error
    near = start.point if start else None
    place = start.place if start else None
    if start is not None and start.within_km is None:
        within = 300.0  # a search near a place, with no distance given, looks within 300 km
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


def search_with_verdicts(request: Request, query: SearchQuery) -> list[SearchResultView]:
    """One page of hits with their records and, when a profile is active, the child's verdict on each:
    a fixed number of queries and at most `query.limit` evaluations, whatever the number of matches."""
    store = store_of(request)
    profile = session_profile(request)
    # A page of hits with its card text is kept per (store data version, query); verdicts depend on the
    # visitor and are never kept.
    searches = caches_of(request).searches
    key = (data_version(request), query)
    found: SearchPage | None = searches.get(key)
    if found is None:
        searched = tuple(store.search(query))
        found = (searched, store.sketches(hit.nct_id for hit in searched))
        searches.put(key, found)
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


def catalogue(request: Request) -> Catalogue:
    """The browse catalogue; the home page's counts and the browse lists are both read from it."""
    version = data_version(request)
    catalogues = caches_of(request).catalogues
    found = catalogues.get(version)
    if found is None:
        found = build_catalogue(store_of(request))
        catalogues.put(version, found)
    return found


def browse_conditions(request: Request) -> list[tuple[str, int]]:
    return catalogue(request).condition_counts(limit=12)


def session_matches(request: Request, *, include_closed: bool = False) -> tuple[list[Match], date] | None:
    """The visitor's child matched against the store: unless `include_closed`, only trials that are
    open or whose record states no status (never hide a trial that may be open)."""
    profile = session_profile(request)
    if profile is None:
        return None
    on = date.today()
    start = _profile_start(profile)
    statuses = () if include_closed else OPEN_STATUSES
    query = candidate_query(
        profile,
        on,
        near=start.point if start else None,
        within_km=start.within_km if start else None,
        statuses=statuses,
        or_unstated_status=True,
    )
    # The family's answers count in each trial's verdict; the core ranks and sets aside (docs/ranking.md),
    # as `eligo match --answers` does.
    answers = {nct_id: session_answers(request, nct_id) for nct_id in request.state.session.answered_trials()}
    matches = match_profile(
        store_of(request),
        profile,
        on,
        answers=answers,
        query=query,
        cache=caches_of(request).parsed,
        set_aside=not include_closed,
    )
    return matches, on


def match_availability(request: Request, matches: list[Match], on: date) -> dict[str, Availability]:
    """Each match's availability in words, from the registry facts the match was ranked with."""
    kept: dict[str, Availability] = getattr(request.state, "match_availability", {})
    missing = [found for found in matches if found.hit.nct_id not in kept]
    unread = [found.hit.nct_id for found in missing if found.standing.facts is None]
    records = store_of(request).sketches(unread) if unread else {}
    for found in missing:
        facts = found.standing.facts
        if facts is None:
            sketch = records.get(found.hit.nct_id)
            facts = (
                facts_of_sketch(sketch, found.hit.phases)
                if sketch
                else TrialFacts(overall_status=found.hit.overall_status)
            )
        site = found.hit.nearest_site
        kept[found.hit.nct_id] = availability(
            facts,
            on,
            wording()["status"],
            site_status=site.status if site else None,
            site_name=", ".join(filter(None, (site.facility, site.city))) if site else None,
        )
    request.state.match_availability = kept
    return kept


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


def nearest_contacts(request: Request, matches: list[Match]) -> dict[str, SiteContact]:
    """Each listed trial's nearest site (the one the match measured, with the store's geocoded
    distance) and whom to contact there (`referrals.sites`: the site's own contact, else the trial's
    central one, else the sponsor), in one read of the records."""
    origin = profile_origin(session_profile(request))
    nearest = {found.hit.nct_id: found.hit.nearest_site for found in matches}
    records = store_of(request).get_many(nearest)
    contacts: dict[str, SiteContact] = {}
    for nct_id, trial in records.items():
        choices = site_choices(trial, origin)
        hit = nearest.get(nct_id)
        measured = next((choice for choice in choices if hit is not None and _same_site(choice, hit)), None)
        site = measured or (choices[0] if choices else None)
        if site is None:
            central = next((c for c in trial.central_contacts if c.phone or c.email), None)
            if central is not None or trial.sponsor:
                # No site listed: the trial's central contact, else the sponsor's name, as `referrals.sites` ranks them.
                contacts[nct_id] = SiteContact(
                    facility="",
                    place="",
                    status=trial.overall_status,
                    distance_km=None,
                    contact_name=central.name if central else trial.sponsor,
                    phone=central.phone if central else None,
                    email=central.email if central else None,
                    contact_from="central" if central else "sponsor",
                )
            continue
        distance = hit.distance_km if measured is not None and hit is not None else site.distance_km
        contacts[nct_id] = SiteContact(
            facility=site.facility,
            place=site.place,
            status=site.status,
            distance_km=distance,
            contact_name=site.contact_name,
            phone=site.phone,
            email=site.email,
            contact_from=site.contact_from,
        )
    return contacts


def _same_site(choice: SiteChoice, hit: SiteHit) -> bool:
    facility = " ".join((hit.facility or "").split())
    return choice.facility == facility and (not hit.city or choice.place.startswith(hit.city))


@dataclass(frozen=True)
class ClinicSummary:
    """The printable clinic summary: the child's details, the date, and every listed trial in full."""

    profile: list[tuple[str, str]]
    on: date
    trials: list[TrialSummary]
    shortlist: bool
    closed: bool


def clinic_summary(request: Request, *, include_closed: bool, shortlist_only: bool) -> ClinicSummary | None:
    """The visitor's match list (or only its shortlisted trials, closed ones included) for the clinic."""
    profile = session_profile(request)
    found = session_matches(request, include_closed=include_closed or shortlist_only)
    if profile is None or found is None:
        return None
    matches, on = found
    if shortlist_only:
        wanted = set(visitor.shortlist_ids(request))
        matches = [match for match in matches if match.hit.nct_id in wanted]
    trials = summarise(matches, nearest_contacts(request, matches), audience_for(request))
    return ClinicSummary(profile_lines(profile), on, trials, shortlist_only, include_closed)
