"""Golden cases for oncology disease rules against profiles (tests/matching/golden_eval/oncdx.yaml, oncdx,
issue #12): no distant metastases asked for, a donor stem cell or organ transplant."""

from __future__ import annotations

from typing import Any

import pytest
from golden_eval_support import check_case, load_cases

CASES = load_cases("oncdx.yaml")


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_golden(case: dict[str, Any]) -> None:
    check_case(case)
