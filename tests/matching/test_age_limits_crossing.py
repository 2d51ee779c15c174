"""The store's age prefilter and the age rule read the registry limits alike at every boundary month (issue #10).

A child the trial page calls old enough must also reach that page through `eligo match` and
`/match`; the prefilter may never hide a trial whose age criterion would be met, nor show one
whose age criterion is not met.
"""

from __future__ import annotations

from datetime import date

import pytest

from eligo.criteria.parse import PARSER_VERSION, parse_trial
from eligo.matching.match import candidate_query, match_profile
from eligo.patients.profile import PatientProfile
from eligo.rules.age import AgeRule, evaluate_age
from eligo.rules.verdicts import CriterionVerdict
from eligo.store import SearchQuery, TrialStore
from eligo.trials.model import Eligibility, Trial

ON = date(2026, 6, 15)

# (minimum, maximum) as registries write them: every unit, each end alone and both together.
LIMITS = [
    ("1 Year", "21 Years"),
    ("12 Months", "30 Months"),
    ("6 Months", "21 Years"),
    ("18 Years", None),
    (None, "21 Years"),
    (None, "18 Months"),
    ("6 Weeks", "10 Weeks"),
    ("10 Weeks", None),
    (None, "26 Weeks"),
    ("30 Days", "400 Days"),
    ("45 Days", None),
    (None, "100 Days"),
    ("1 Year", "12 Months"),
]


def _trial(index: int, minimum: str | None, maximum: str | None) -> Trial:
    return Trial(
        nct_id=f"NCT{index:08d}",
        brief_title=f"Ages {minimum} to {maximum}",
        overall_status="RECRUITING",
        eligibility=Eligibility(minimum_age=minimum, maximum_age=maximum),
    )


def _child(months: int) -> PatientProfile:
    """A child exactly `months` completed months old on ON (born on a month anniversary)."""
    year, month = divmod(ON.year * 12 + ON.month - 1 - months, 12)
    return PatientProfile(birth_date=date(year, month + 1, ON.day))


def _boundary_months(rule: AgeRule) -> set[int]:
    """Two months either side of every limit, as written and as the whole last year runs."""
    months: set[int] = set()
    for limit in (rule.min_months, rule.max_months):
        if limit is not None:
            months.update(range(max(0, limit - 2), limit + 14))
    return months


def _age_rule(trial: Trial) -> AgeRule:
    (criterion,) = [c for c in parse_trial(trial).criteria if c.id == "age"]
    assert isinstance(criterion.rule, AgeRule)
    return criterion.rule


def test_prefilter_and_age_rule_agree_at_every_boundary_month(store: TrialStore) -> None:
    trials = [_trial(n, low, high) for n, (low, high) in enumerate(LIMITS, start=1)]
    for trial in trials:
        store.upsert(trial)
    rules = {trial.nct_id: _age_rule(trial) for trial in trials}
    every_month = sorted(set().union(*(_boundary_months(rule) for rule in rules.values())))
    crossed = 0
    for months in every_month:
        shown = {hit.nct_id for hit in store.search(SearchQuery(age_months=months, limit=1000))}
        child = _child(months)
        assert child.age_in_months_on(ON) == months
        for nct_id, rule in rules.items():
            if months not in _boundary_months(rule):
                continue
            met = evaluate_age(rule, child, ON).verdict is CriterionVerdict.MET
            assert (nct_id in shown) == met, f"{rule.bounds_text()} at {months} months: shown={nct_id in shown}"
            crossed += 1
    assert crossed == sum(len(_boundary_months(rule)) for rule in rules.values())


@pytest.mark.parametrize(
    ("months", "shown"),
    [(252, True), (256, True), (263, True), (264, False)],
    ids=["21y", "21y4m", "21y11m", "22y"],
)
def test_a_child_past_the_birthday_of_the_maximum_sees_the_trial_in_match(
    store: TrialStore, months: int, shown: bool
) -> None:
    trial = _trial(1, "1 Year", "21 Years")
    store.upsert(trial, criteria=(PARSER_VERSION, parse_trial(trial).to_json()))
    child = _child(months)
    matches = match_profile(store, child, ON, query=candidate_query(child, ON))
    assert [m.hit.nct_id for m in matches] == (["NCT00000001"] if shown else [])
    if shown:
        (age,) = [c for c in matches[0].result.criteria if c.id == "age"]
        assert age.verdict is CriterionVerdict.MET
