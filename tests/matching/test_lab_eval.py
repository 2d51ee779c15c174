"""Golden cases for lab rules against profiles (tests/matching/golden_eval/labs.yaml)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from eligo.matching.evaluate import evaluate_rule as evaluate
from eligo.patients.profile import PatientProfile
from eligo.rules.registry import BY_NAME, EVALUATORS, RULE_ADAPTER
from eligo.rules.verdicts import CriterionVerdict

GOLDEN = Path(__file__).parent / "golden_eval" / "labs.yaml"
CASES: list[dict[str, Any]] = yaml.safe_load(GOLDEN.read_text())
NA = CriterionVerdict.NOT_APPLICABLE


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_golden(case: dict[str, Any]) -> None:
    rule = RULE_ADAPTER.validate_python(case["rule"])
    profile = PatientProfile.model_validate(case["profile"])
    outcome = evaluate(rule, profile, case["date"])
    assert outcome.verdict.value == case["verdict"], outcome.evidence
    for expected in case["evidence"]:
        assert expected.lower() in outcome.evidence.lower(), outcome.evidence
    for field in case.get("missing", ()):
        assert field in outcome.missing


def test_every_lab_rule_kind_has_an_evaluator() -> None:
    lab_kinds = {BY_NAME[name].model for name in ("lab_threshold", "creatinine_for_age", "transfusion_dependence")}
    assert lab_kinds <= set(EVALUATORS)
