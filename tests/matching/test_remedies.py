"""Barriers that waiting or a transfusion clears (eligo.matching.remedies) and the order a family
sees matches in (eligo.matching.ranking) (issue #13)."""

from __future__ import annotations

from datetime import date

from eligo.criteria.parse import ParsedCriteria
from eligo.matching.evaluate import evaluate, evaluate_rule
from eligo.matching.match import Match
from eligo.matching.ranking import distance_band, family_rank_key
from eligo.matching.remedies import Later, later_of
from eligo.patients.profile import PatientProfile
from eligo.rules.age import AgeRule
from eligo.rules.composite import AllOf
from eligo.rules.lab_threshold import LabThresholdRule
from eligo.rules.registry import Rule
from eligo.rules.verdicts import CriterionVerdict
from eligo.store import SearchHit, SiteHit

ON = date(2026, 12, 1)


def _later(rule: Rule, profile: PatientProfile) -> Later | None:
    return later_of(rule, profile, ON, evaluate_rule(rule, profile, ON), evaluate_rule)


def test_a_minimum_age_reached_soon_clears_on_the_birthday() -> None:
    profile = PatientProfile.model_validate({"birth_date": "2025-12-20"})
    later = _later(AgeRule(min_months=12), profile)
    assert later is not None
    assert (later.verdict, later.clears_on, later.remedy) == (CriterionVerdict.MET, date(2026, 12, 20), "age")


def test_a_minimum_age_years_away_is_not_a_wait() -> None:
    profile = PatientProfile.model_validate({"birth_date": "2024-01-01"})
    assert _later(AgeRule(min_months=144), profile) is None


def test_a_maximum_age_passed_never_clears() -> None:
    profile = PatientProfile.model_validate({"birth_date": "2000-01-01"})
    assert _later(AgeRule(max_months=216), profile) is None


def _hemoglobin(value: float) -> PatientProfile:
    return PatientProfile.model_validate(
        {"labs": [{"test": "hemoglobin", "value": value, "unit": "g/dL", "date": "2026-11-28"}]}
    )


def test_a_low_count_the_trial_lets_a_transfusion_reach_is_fixable() -> None:
    rule = LabThresholdRule(test="hemoglobin", comparator=">", value=10, unit="g/dL", transfusion="allowed")
    later = _later(rule, _hemoglobin(9.5))
    assert later is not None and later.remedy == "transfusion" and later.clears_on is None


def test_without_the_trials_leave_a_low_count_stays_a_barrier() -> None:
    rule = LabThresholdRule(test="hemoglobin", comparator=">", value=10, unit="g/dL")
    assert _later(rule, _hemoglobin(9.5)) is None


def test_a_group_clears_only_when_every_failed_part_does() -> None:
    profile = _hemoglobin(9.5).model_copy(update={"birth_date": date(2000, 1, 1)})
    fixable = LabThresholdRule(test="hemoglobin", comparator=">", value=10, unit="g/dL", transfusion="allowed")
    assert _later(AllOf(rules=(fixable, AgeRule(max_months=216))), profile) is None


def test_distance_bands() -> None:
    assert [distance_band(km) for km in (0, 100, 101, 500, 1999, 8367, None)] == [0, 0, 1, 1, 2, 3, 3]


def test_treatment_trials_and_nearer_trials_first_within_a_verdict() -> None:
    def match(nct_id: str, km: float, score: float) -> Match:
        site = SiteHit(facility="x", city="y", country="z", status="RECRUITING", lat=0, lon=0, distance_km=km)
        hit = SearchHit(nct_id=nct_id, title=nct_id, overall_status="RECRUITING", phases=(), score=0, nearest_site=site)
        empty = ParsedCriteria(nct_id=nct_id, parser_version="1", criteria=())
        return Match(hit=hit, evaluation=evaluate(empty, PatientProfile(), ON), score=score)

    palliative_far = match("NCT00000001", 8367, 0.9)
    leeds = match("NCT00000002", 0, 0.2)
    london = match("NCT00000003", 270, 0.9)
    kinds = {"NCT00000001": 2, "NCT00000002": 0, "NCT00000003": 0}
    ranked = sorted([palliative_far, london, leeds], key=lambda m: family_rank_key(m, kinds[m.hit.nct_id]))
    assert [m.hit.nct_id for m in ranked] == ["NCT00000002", "NCT00000003", "NCT00000001"]
