"""Match one child against the store: narrow to candidates, evaluate their stored rules, rank."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from eligo.criteria.parse import PARSER_VERSION, ParsedCriteria, parse_trial
from eligo.matching.evaluate import Evaluation, RuleOutcomes, evaluate
from eligo.matching.parsed_cache import ParsedCriteriaCache
from eligo.matching.results import TrialResult
from eligo.patients.answers import Answers
from eligo.patients.profile import PatientProfile
from eligo.rules.verdicts import TrialVerdict
from eligo.store import SearchHit, SearchQuery, TrialStore
from eligo.trials.statuses import OPEN_STATUSES as OPEN_STATUSES  # where the web and the tests have long looked

_VERDICT_ORDER = {TrialVerdict.ELIGIBLE: 0, TrialVerdict.POSSIBLY_ELIGIBLE: 1, TrialVerdict.INELIGIBLE: 2}
_STATUS_ORDER = {"RECRUITING": 0, "AVAILABLE": 0, "ENROLLING_BY_INVITATION": 1, "NOT_YET_RECRUITING": 1}
MAX_CANDIDATES = 1000


# The visitor's pre-screener answers: the same for every trial, or per trial (NCT id → answers).
AnswersFor = Answers | Mapping[str, Answers] | None


def answers_for(answers: AnswersFor, nct_id: str) -> Answers | None:
    """The answers that apply to one trial: its own when given per trial, else the shared ones."""
    if answers is None or isinstance(answers, Answers):
        return answers
    return answers.get(nct_id)


@dataclass(frozen=True)
class Match:
    """One trial's evaluation for the child, with what ranking used."""

    hit: SearchHit
    evaluation: Evaluation
    score: float

    @property
    def result(self) -> TrialResult:
        """Every criterion's verdict and evidence, built the first time it is read."""
        return self.evaluation.result()

    @property
    def distance_km(self) -> float | None:
        return self.hit.nearest_site.distance_km if self.hit.nearest_site else None


def candidate_query(
    profile: PatientProfile,
    on: date,
    *,
    text: str | None = None,
    near: tuple[float, float] | None = None,
    within_km: float | None = None,
    statuses: Sequence[str] = (),
    or_unstated_status: bool = False,
    limit: int = MAX_CANDIDATES,
) -> SearchQuery:
    """The cheap filters the store can apply before any rule is evaluated."""
    return SearchQuery(
        text=text if text is not None else profile.diagnosis,
        statuses=tuple(statuses),
        or_unstated_status=or_unstated_status,
        age_months=profile.age_in_months_on(on),
        sex=profile.sex.value if profile.sex else None,
        near=near,
        within_km=within_km,
        limit=limit,
    )


def load_parsed(store: TrialStore, nct_id: str, stored: tuple[str, str] | None = None) -> ParsedCriteria | None:
    """The stored rules when current; parsed now (not stored) when missing or stale."""
    stored = stored if stored is not None else store.get_criteria(nct_id)
    if stored is not None and stored[0] == PARSER_VERSION:
        return ParsedCriteria.from_json(stored[1])
    trial = store.get(nct_id)
    return parse_trial(trial) if trial is not None else None


def score_of(evaluation: Evaluation) -> float:
    """0–1: the share of applicable criteria confirmed in the child's favour, 0 when ruled out."""
    if evaluation.verdict is TrialVerdict.INELIGIBLE:
        return 0.0
    counts = evaluation.counts
    applicable = counts["met"] + counts["unknown"] + counts["not_met"]
    return round(counts["met"] / applicable, 3) if applicable else 0.0


def rank_key(match: Match) -> tuple[int, float, int, float]:
    status = _STATUS_ORDER.get(match.hit.overall_status or "", 2)
    distance = match.distance_km if match.distance_km is not None else float("inf")
    return (_VERDICT_ORDER[match.evaluation.verdict], -match.score, status, distance)


def match_profile(
    store: TrialStore,
    profile: PatientProfile,
    on: date,
    *,
    answers: AnswersFor = None,
    query: SearchQuery | None = None,
    cache: ParsedCriteriaCache | None = None,
) -> list[Match]:
    """Every candidate trial evaluated and ranked: eligible, then possibly, then ineligible.

    `answers` are the pre-screener answers, one set for every trial or a set per trial (NCT id →
    answers, as a web visitor gives them trial by trial); they count in each verdict and so in the
    ranking. Candidates' rules come from `cache` (the one the entry point keeps in
    `eligo.process.Caches`; none: one for this call only), which reads only the trees it does not
    hold yet; each distinct rule is evaluated once for the whole match. Each match carries its
    trial's verdict and tallies; the per-criterion results are built only for the matches
    something reads them from (`Match.result`).
    """
    query = query or candidate_query(profile, on)
    cache = cache if cache is not None else ParsedCriteriaCache()
    matches: list[Match] = []
    hits = store.search(query)
    cached = cache.criteria_for(store, (hit.nct_id for hit in hits))
    outcomes = RuleOutcomes(profile, on)
    for hit in hits:
        criteria = cached.get(hit.nct_id)
        if criteria is None:
            continue
        evaluation = evaluate(criteria.plan, profile, on, answers_for(answers, hit.nct_id), outcomes=outcomes)
        matches.append(Match(hit=hit, evaluation=evaluation, score=score_of(evaluation)))
    matches.sort(key=rank_key)
    return matches
