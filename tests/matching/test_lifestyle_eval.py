"""Golden cases for behaviours and reproductive status against profiles (tests/matching/golden_eval/lifestyle.yaml,
issue #12): planning a pregnancy, childbearing potential, contraception, smoking."""

from __future__ import annotations

from typing import Any

import pytest
from golden_eval_support import check_case, load_cases

CASES = load_cases("lifestyle.yaml")


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_golden(case: dict[str, Any]) -> None:
    check_case(case)


def test_no_reproductive_potential_never_rules_out() -> None:
    # Every pregnancy-kind case for a child who could not become pregnant is met or not applicable.
    for case in CASES:
        if case["rule"]["kind"] == "pregnancy" and case["profile"].get("reproductive_potential") is False:
            assert case["verdict"] in ("met", "not_applicable"), case["id"]
