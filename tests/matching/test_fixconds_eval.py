"""Golden evaluations for the condition readings fixed after the review of round 1: dialysis, major depression,
windows and "recent" (tests/matching/golden_eval/fixconds.yaml, issue #12)."""

from __future__ import annotations

from typing import Any

import pytest
from golden_eval_support import check_case, load_cases

CASES = load_cases("fixconds.yaml")


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_golden(case: dict[str, Any]) -> None:
    check_case(case)
