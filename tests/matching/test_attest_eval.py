"""Golden cases for attestations against profiles (tests/matching/golden_eval/attest.yaml, issue #12):
language, residence, the protocol's other criteria, willing and able; never settled by a profile."""

from __future__ import annotations

from typing import Any

import pytest
from golden_eval_support import check_case, load_cases

CASES = load_cases("attest.yaml")


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_golden(case: dict[str, Any]) -> None:
    check_case(case)
