"""Golden extractions for conditions of the other body systems (mind, nerves, eyes, teeth, bones, skin,
gut, genetic syndromes) and the shapes general trials write them in (tests/criteria/golden_rules/conds2.yaml,
issue #12)."""

from __future__ import annotations

from typing import Any

import pytest
from golden_rules_support import case_ids, check_extraction, load_cases

CASES = load_cases("conds2.yaml")


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_golden(case: dict[str, Any]) -> None:
    found = check_extraction(case)
    if "question" in case and found.rule is not None:
        assert found.rule.question(case["section"]) == case["question"]


def test_every_case_cites_a_real_trial() -> None:
    assert all(case["source"].startswith("NCT") for case in CASES)
