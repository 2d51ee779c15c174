"""Golden cases for clinical scores and vital signs against profiles (tests/matching/golden_eval/scores.yaml,
issue #12), and the reachability check over clinical-score rules."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from golden_eval_support import check_case, load_cases

from eligo.matching.reachability import reach
from eligo.rules.clinical_score import ClinicalScoreRule
from eligo.rules.composite import AllOf

CASES = load_cases("scores.yaml")


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_golden(case: dict[str, Any]) -> None:
    check_case(case)


def test_score_rules_are_meetable_and_failable() -> None:
    rule = ClinicalScoreRule(scale="nyha", comparator=">=", value=3)
    found = reach(rule, date(2026, 11, 23))
    assert (found.meet, found.fail) == ("meetable", "failable")


def test_a_contradictory_score_range_is_unmeetable() -> None:
    rule = AllOf(
        rules=(
            ClinicalScoreRule(scale="mmse", comparator=">", value=26),
            ClinicalScoreRule(scale="mmse", comparator="<", value=20),
        )
    )
    assert reach(rule, date(2026, 11, 23)).meet == "unmeetable"
