"""Golden cases for the issue #12 review fixes against profiles: intravenous immunoglobulin by route,
medicines against infection beyond antibiotics, a brand shown as the trial wrote it
(tests/matching/golden_eval/fixdrugs.yaml)."""

from __future__ import annotations

from typing import Any

import pytest
from golden_eval_support import check_case, load_cases

CASES = load_cases("fixdrugs.yaml")


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_golden(case: dict[str, Any]) -> None:
    check_case(case)
