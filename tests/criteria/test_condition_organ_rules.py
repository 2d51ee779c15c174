"""Golden extractions for the condition kind over the heart, lung, kidney, liver, hormone and blood
conditions and the framings real criteria use (tests/criteria/golden_rules/conditions_organs.yaml, issue #12)."""

from __future__ import annotations

from typing import Any

import pytest
from golden_rules_support import case_ids, check_extraction, load_cases

CASES = load_cases("conditions_organs.yaml")


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_golden(case: dict[str, Any]) -> None:
    check_extraction(case)


def test_every_case_cites_a_real_trial() -> None:
    assert all(case["source"].startswith("NCT") for case in CASES)
