"""Golden cases for procedures planned and past and for implanted devices against profiles
(tests/matching/golden_eval/procs.yaml, issue #12)."""

from __future__ import annotations

from typing import Any

import pytest
from golden_eval_support import check_case, load_cases

CASES = load_cases("procs.yaml")


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_golden(case: dict[str, Any]) -> None:
    check_case(case)


def test_every_reading_has_a_missing_fact_case() -> None:
    unknown = {
        (case["rule"]["kind"], case["rule"].get("when"))
        for case in CASES
        if case["verdict"] == "unknown" and case.get("missing")
    }
    assert {("procedure", "planned"), ("procedure", "past")} <= unknown
