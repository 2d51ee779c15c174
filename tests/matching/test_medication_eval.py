"""Golden cases for the medication kind against profiles (tests/matching/golden_eval/medication.yaml, issue #12)."""

from __future__ import annotations

from typing import Any

import pytest
from golden_eval_support import check_case, load_cases

CASES = load_cases("medication.yaml")


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_golden(case: dict[str, Any]) -> None:
    check_case(case)


def test_every_timing_has_a_missing_fact_case() -> None:
    unknown = {case["rule"].get("timing", "current") for case in CASES if case["verdict"] == "unknown"}
    assert {"current", "within", "ever"} <= unknown
