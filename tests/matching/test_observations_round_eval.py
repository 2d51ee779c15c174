"""Golden cases for the new lab tests and readings of the observations round against profiles
(tests/matching/golden_eval/observations_round.yaml, issue #12)."""

from __future__ import annotations

from typing import Any

import pytest
from golden_eval_support import check_case, load_cases

CASES = load_cases("observations_round.yaml")


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_golden(case: dict[str, Any]) -> None:
    check_case(case)
