"""Golden cases for lab rules against profiles (tests/matching/golden_eval/labs.yaml)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, get_args

import pytest
import yaml

from eligo.criteria.rules import RULE_ADAPTER, AllOf, AnyOf, Rule
from eligo.criteria.rules.labs import LabRule
from eligo.matching.evaluators.labs import EVALUATORS
from eligo.matching.verdicts import CriterionVerdict, Outcome
from eligo.patients.profile import PatientProfile

GOLDEN = Path(__file__).parent / "golden_eval" / "labs.yaml"
CASES: list[dict[str, Any]] = yaml.safe_load(GOLDEN.read_text())
NA = CriterionVerdict.NOT_APPLICABLE


def _combine(verdicts: list[CriterionVerdict], any_of: bool) -> CriterionVerdict:
    """The three-valued AND / OR of eligo.matching.evaluate, ignoring not-applicable parts."""
    relevant = [v for v in verdicts if v is not NA]
    decisive = CriterionVerdict.MET if any_of else CriterionVerdict.NOT_MET
    if not relevant:
        return NA
    if decisive in relevant:
        return decisive
    if CriterionVerdict.UNKNOWN in relevant:
        return CriterionVerdict.UNKNOWN
    return CriterionVerdict.NOT_MET if any_of else CriterionVerdict.MET


def evaluate(rule: Rule, profile: PatientProfile, on: date) -> Outcome:
    if isinstance(rule, AllOf | AnyOf):
        parts = [evaluate(part, profile, on) for part in rule.rules]
        verdict = _combine([p.verdict for p in parts], isinstance(rule, AnyOf))
        return Outcome(verdict=verdict, evidence="; ".join(p.evidence for p in parts))
    return EVALUATORS[type(rule)](rule, profile, on)


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
    assert set(get_args(LabRule)) <= set(EVALUATORS)
