"""Golden extractions for lab criteria, labs round: test groups, ULN multiples in words, bare numbers read
in the one unit that fits, limits by sex (tests/criteria/golden_rules/labs_round.yaml, issue #12)."""

from __future__ import annotations

from typing import Any

import pytest
from golden_rules_support import case_ids, check_extraction, load_cases

CASES = load_cases("labs_round.yaml")


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_golden(case: dict[str, Any]) -> None:
    check_extraction(case)


def test_every_case_cites_a_real_trial() -> None:
    assert all(case["source"].startswith("NCT") for case in CASES)
