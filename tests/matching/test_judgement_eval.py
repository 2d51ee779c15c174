"""Golden cases for study-team judgements and legal status against profiles (tests/matching/golden_eval/judgement.yaml,
issue #12): never settled by a profile, never "ineligible"."""

from __future__ import annotations

from typing import Any

import pytest
from golden_eval_support import check_case, load_cases

CASES = load_cases("judgement.yaml")


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_golden(case: dict[str, Any]) -> None:
    check_case(case)
