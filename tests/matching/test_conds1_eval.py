"""Golden cases for the comorbidities oncology trials exclude against profiles (tests/matching/golden_eval/conds1.yaml,
issue #12): haemophilia, example lists, QT prolongation, allogeneic transplants."""

from __future__ import annotations

from typing import Any

import pytest
from golden_eval_support import check_case, load_cases

CASES = load_cases("conds1.yaml")


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_golden(case: dict[str, Any]) -> None:
    check_case(case)
