"""Golden cases for the prior-lines rule kind against profiles (tests/matching/golden_eval/lines.yaml, issue #12)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from golden_eval_support import check_case, load_cases

from eligo.patients.profile import PatientProfile
from eligo.rules.prior_lines import PriorLinesRule, evaluate_prior_lines

CASES = load_cases("lines.yaml")


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_golden(case: dict[str, Any]) -> None:
    check_case(case)


def test_profiles_without_the_count_stay_valid_and_unknown() -> None:
    profile = PatientProfile.model_validate({"diagnosis": "neuroblastoma"})
    assert profile.prior_lines_of_therapy is None
    outcome = evaluate_prior_lines(PriorLinesRule(max_lines=2), profile, date(2026, 11, 23))
    assert outcome.verdict.value == "unknown" and outcome.missing == ("prior_lines_of_therapy",)


def test_a_count_needs_a_bound() -> None:
    with pytest.raises(ValueError, match="minimum, a maximum"):
        PriorLinesRule()
    with pytest.raises(ValueError, match="above max_lines"):
        PriorLinesRule(min_lines=3, max_lines=1)
