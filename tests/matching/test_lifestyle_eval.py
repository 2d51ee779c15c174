"""Golden cases for behaviours and reproductive status against profiles (tests/matching/golden_eval/lifestyle.yaml,
issue #12): planning a pregnancy, childbearing potential, contraception, smoking."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from golden_eval_support import check_case, load_cases

from eligo.matching.reachability import reach
from eligo.rules.registry import RULE_ADAPTER
from eligo.rules.walk import walk

CASES = load_cases("lifestyle.yaml")


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_golden(case: dict[str, Any]) -> None:
    check_case(case)


def test_no_reproductive_potential_never_rules_out() -> None:
    # Every pregnancy-kind case for a child who could not become pregnant is met or not applicable.
    for case in CASES:
        if case["rule"]["kind"] == "pregnancy" and case["profile"].get("reproductive_potential") is False:
            assert case["verdict"] in ("met", "not_applicable"), case["id"]


def test_behaviour_rules_can_be_met_and_failed() -> None:
    # The reachability check builds profiles for the new kinds: none of their golden rules is
    # unmeetable (no profile meets it) or unfailable (every profile does).
    golden = Path(__file__).parents[1] / "criteria" / "golden_rules" / "lifestyle.yaml"
    kinds = {"smoking", "menopause", "gestation", "diet", "alcohol", "prior_pregnancy"}
    checked = 0
    for case in yaml.safe_load(golden.read_text(encoding="utf-8")):
        expected = case["expected"]
        if expected is None or not kinds & {rule.kind for rule in walk(RULE_ADAPTER.validate_python(expected))}:
            continue
        found = reach(RULE_ADAPTER.validate_python(expected), date(2026, 11, 23))
        assert (found.meet, found.fail) == ("meetable", "failable"), case["id"]
        checked += 1
    assert checked >= 20
