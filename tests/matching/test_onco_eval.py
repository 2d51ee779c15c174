"""Golden cases for adult-oncology rules against profiles (tests/matching/golden_eval/onco.yaml, issue #12):
disease extent, an ECOG-only performance limit, earlier therapy's toxicity not recovered."""

from __future__ import annotations

from typing import Any

import pytest
from golden_eval_support import check_case, load_cases

CASES = load_cases("onco.yaml")


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_golden(case: dict[str, Any]) -> None:
    check_case(case)
