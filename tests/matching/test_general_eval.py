"""Golden cases for the general rule kinds against profiles (tests/matching/golden_eval/general.yaml, issue #12)."""

from __future__ import annotations

from datetime import date as date_
from typing import Any

import pytest
from golden_eval_support import check_case, load_cases

from eligo.matching.evaluate import evaluate_rule as evaluate
from eligo.patients.profile import PatientProfile
from eligo.rules.registry import RULE_ADAPTER

CASES = load_cases("general.yaml")


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_golden(case: dict[str, Any]) -> None:
    check_case(case)


def test_every_general_kind_has_a_missing_fact_case() -> None:
    unknown = {case["rule"]["kind"] for case in CASES if case["verdict"] == "unknown" and case.get("missing")}
    assert {"observation", "allergy", "trial_participation", "recent_surgery", "disease_extent"} <= unknown


def test_plain_condition_lists_still_read() -> None:
    rule = RULE_ADAPTER.validate_python({"kind": "condition", "conditions": ["hiv"]})
    assert evaluate(rule, PatientProfile(conditions=("HIV",)), date_(2026, 11, 23)).verdict.value == "met"
    assert evaluate(rule, PatientProfile(conditions_absent=("HIV",)), date_(2026, 11, 23)).verdict.value == "not_met"
    assert evaluate(rule, PatientProfile(), date_(2026, 11, 23)).verdict.value == "unknown"
