"""Match one child against the store: narrow to candidates, evaluate their stored rules with the
visitor's answers, set aside what a family cannot join when asked, rank (`eligo.matching.ranking`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from eligo.criteria.parse import PARSER_VERSION, ParsedCriteria, parse_trial
from eligo.matching.availability import Standing, TrialFacts, facts_of_sketch, standing
from eligo.matching.evaluate import Evaluation, RuleOutcomes, evaluate
from eligo.matching.parsed_cache import ParsedCriteriaCache
from eligo.matching.ranking import rank_key as rank_key
from eligo.matching.ranking import score_of as score_of
from eligo.matching.results import TrialResult
from eligo.patients.answers import Answers
from eligo.patients.profile import PatientProfile
from eligo.store import SearchHit, SearchQuery, TrialStore
from eligo.trials.statuses import OPEN_STATUSES as OPEN_STATUSES  # where the web and the tests have long looked

MAX_CANDIDATES = 1000
# A match built without availability facts (a test, a single trial): ranked as an open treatment trial.
TREATMENT_OPEN = Standing()


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
    # Whether a family can ask to join now and the kind of protocol, as the ranking reads them.
    standing: Standing = TREATMENT_OPEN

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


def match_profile(
    store: TrialStore,
    profile: PatientProfile,
    on: date,
    *,
    answers: AnswersFor = None,
    query: SearchQuery | None = None,
    cache: ParsedCriteriaCache | None = None,
    set_aside: bool = False,
) -> list[Match]:
    """Every candidate trial evaluated and ranked (`eligo.matching.ranking`, docs/ranking.md): eligible,
    then possibly, then ineligible; within each, trials where something could be checked first.

    `answers` are the pre-screener answers, one set for every trial or a set per trial (NCT id →
    answers, as a web visitor gives them trial by trial); they count in each verdict and so in the
    ranking. Candidates' rules come from `cache` (the one the entry point keeps in
    `eligo.process.Caches`; none: one for this call only), which reads only the trees it does not
    hold yet; each distinct rule is evaluated once for the whole match. Each match carries its
    trial's verdict and tallies; the per-criterion results are built only for the matches
    something reads them from (`Match.result`). With `set_aside`, trials a family cannot join on `on`
    (an expected end passed, a status that is not recruiting) are left out, as the website's list does
    unless the visitor asks for them.
    """
    query = query or candidate_query(profile, on)
    cache = cache if cache is not None else ParsedCriteriaCache()
    matches: list[Match] = []
    hits = store.search(query)
    cached = cache.criteria_for(store, (hit.nct_id for hit in hits))
    records = cache.sketches_for(store, cached)
    outcomes = RuleOutcomes(profile, on)
    for hit in hits:
        criteria = cached.get(hit.nct_id)
        if criteria is None:
            continue
        sketch = records.get(hit.nct_id)
        facts = facts_of_sketch(sketch, hit.phases) if sketch else TrialFacts(overall_status=hit.overall_status)
        found = standing(facts, on)
        if set_aside and not found.open:
            continue
        evaluation = evaluate(criteria.plan, profile, on, answers_for(answers, hit.nct_id), outcomes=outcomes)
        matches.append(Match(hit=hit, evaluation=evaluation, score=score_of(evaluation), standing=found))
    matches.sort(key=rank_key)
    return matches
