"""Golden evaluation cases (tests/matching/golden_eval/*.yaml), shared by the kinds' tests: a rule and a
profile in; the verdict, words the evidence must hold and, where given, the missing facts out."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from eligo.matching.evaluate import evaluate_rule
from eligo.patients.profile import PatientProfile
from eligo.rules.registry import RULE_ADAPTER

GOLDEN_EVAL = Path(__file__).parent / "golden_eval"


def load_cases(name: str) -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = yaml.safe_load((GOLDEN_EVAL / name).read_text(encoding="utf-8"))
    return cases


def check_case(case: dict[str, Any]) -> None:
    rule = RULE_ADAPTER.validate_python(case["rule"])
    outcome = evaluate_rule(rule, PatientProfile.model_validate(case["profile"]), case["date"])
    assert outcome.verdict.value == case["verdict"], outcome.evidence
    for expected in case.get("evidence", ()):
        assert expected.lower() in outcome.evidence.lower(), outcome.evidence
    if "missing" in case:
        assert sorted(outcome.missing) == sorted(case["missing"]), outcome.missing
