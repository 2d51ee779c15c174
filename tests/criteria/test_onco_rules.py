"""Golden extractions for adult-oncology criteria: performance status, life expectancy, disease extent,
diagnosis, leptomeningeal disease, toxicity recovered (tests/criteria/golden_rules/onco.yaml, issue #12)."""

from __future__ import annotations

from typing import Any

import pytest
from golden_rules_support import case_ids, check_extraction, load_cases

CASES = load_cases("onco.yaml")


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_golden(case: dict[str, Any]) -> None:
    found = check_extraction(case)
    if "question" in case and found.rule is not None:
        assert found.rule.question(case["section"]) == case["question"]


def test_every_case_cites_a_real_trial() -> None:
    assert all(case["source"].startswith("NCT") for case in CASES)
