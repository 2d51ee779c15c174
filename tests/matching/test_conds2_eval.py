"""Golden evaluations for the condition kind over the mind, nerves, eyes and genetic syndromes
(tests/matching/golden_eval/conds2.yaml, issue #12)."""

from __future__ import annotations

from typing import Any

import pytest
from golden_eval_support import check_case, load_cases

CASES = load_cases("conds2.yaml")


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_golden(case: dict[str, Any]) -> None:
    check_case(case)
