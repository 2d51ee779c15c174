"""Golden evaluations for the condition kind over the heart, lung, kidney, liver, hormone and blood
conditions (tests/matching/golden_eval/conditions_organs.yaml, issue #12)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from eligo.matching.evaluate import evaluate_rule as evaluate
from eligo.patients.profile import PatientProfile
from eligo.rules.registry import RULE_ADAPTER

GOLDEN = Path(__file__).parent / "golden_eval" / "conditions_organs.yaml"
CASES: list[dict[str, Any]] = yaml.safe_load(GOLDEN.read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_golden(case: dict[str, Any]) -> None:
    rule = RULE_ADAPTER.validate_python(case["rule"])
    outcome = evaluate(rule, PatientProfile.model_validate(case["profile"]), case["date"])
    assert outcome.verdict.value == case["verdict"], outcome.evidence
    for expected in case["evidence"]:
        assert expected.lower() in outcome.evidence.lower(), outcome.evidence
    if "missing" in case:
        assert sorted(outcome.missing) == sorted(case["missing"]), outcome.missing
