"""Golden evaluations for the condition kind over the heart, lung, kidney, liver, hormone and blood
conditions (tests/matching/golden_eval/conditions_organs.yaml, issue #12)."""

from __future__ import annotations

from typing import Any

import pytest
from golden_eval_support import check_case, load_cases

CASES = load_cases("conditions_organs.yaml")


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_golden(case: dict[str, Any]) -> None:
    check_case(case)
