"""Golden cases for infections, immune status, hormone and other general conditions against profiles
(tests/matching/golden_eval/infect.yaml, issue #12): what a narrower condition counts as, and qualified examples."""

from __future__ import annotations

from typing import Any

import pytest
from golden_eval_support import check_case, load_cases

CASES = load_cases("infect.yaml")


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_golden(case: dict[str, Any]) -> None:
    check_case(case)
