"""Golden cases for clinical rules against profiles (tests/matching/golden_eval/clinical.yaml)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from golden_eval_support import check_case, load_cases
from hypothesis import given
from hypothesis import strategies as st

from eligo.matching.evaluate import evaluate_rule as evaluate
from eligo.patients.profile import PatientProfile
from eligo.rules.age import AgeRule
from eligo.rules.registry import BY_NAME, EVALUATORS, RULE_ADAPTER
from eligo.rules.verdicts import CriterionVerdict

CASES = load_cases("clinical.yaml")
NA = CriterionVerdict.NOT_APPLICABLE


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_golden(case: dict[str, Any]) -> None:
    check_case(case)


def test_every_clinical_kind_has_an_evaluator_and_a_golden_case() -> None:
    names = (
        "age", "sex", "diagnosis", "high_risk", "disease_state", "disease_site", "biomarker", "performance",
        "toxicity_grade", "organ_function", "condition", "pregnancy", "attestation", "permitted",
    )  # fmt: skip
    kinds = {BY_NAME[name].model for name in names}
    assert kinds <= set(EVALUATORS)
    covered = {case["rule"]["kind"] for case in CASES}
    assert {cls.model_fields["kind"].default for cls in kinds} <= covered | {"all_of"}
    assert "conditional" in covered


def test_unknowns_name_what_is_missing() -> None:
    for case in CASES:
        rule = RULE_ADAPTER.validate_python(case["rule"])
        outcome = evaluate(rule, PatientProfile.model_validate(case["profile"]), case["date"])
        if outcome.verdict is CriterionVerdict.UNKNOWN and rule.computable and "missing" in case:
            assert outcome.missing, case["id"]


@given(
    born=st.dates(min_value=date(1990, 1, 1), max_value=date(2026, 1, 1)),
    on=st.dates(min_value=date(2026, 1, 2), max_value=date(2030, 12, 31)),
    low=st.integers(min_value=0, max_value=300),
    span=st.integers(min_value=0, max_value=300),
)
def test_age_verdict_agrees_with_completed_months(born: date, on: date, low: int, span: int) -> None:
    """An inclusive-minimum, exclusive-maximum rule is met exactly when low ≤ months < high."""
    high = low + span + 1
    rule = AgeRule(min_months=low, max_months=high, max_inclusive=False, unit="months")
    profile = PatientProfile(birth_date=born)
    months = profile.age_in_months_on(on)
    assert months is not None
    outcome = EVALUATORS[AgeRule](rule, profile, on)
    assert (outcome.verdict is CriterionVerdict.MET) == (low <= months < high)
