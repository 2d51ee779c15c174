"""Golden cases for criteria only the study team can judge, and legal status (issue #12, branch
judgement): whole criteria through the extraction chain (tests/criteria/golden_rules/judgement.yaml)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from eligo.criteria.parse import parse_criteria
from eligo.criteria.stats import bucket, leaf_criteria
from eligo.patients.profile import PatientProfile
from eligo.rules.attestation import AttestationRule, evaluate_attestation
from eligo.rules.base import CriterionContext
from eligo.rules.extract import extract
from eligo.rules.registry import RULE_ADAPTER
from eligo.rules.walk import walk

GOLDEN = Path(__file__).parent / "golden_rules" / "judgement.yaml"
CASES: list[dict[str, Any]] = yaml.safe_load(GOLDEN.read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_golden(case: dict[str, Any]) -> None:
    found = extract(CriterionContext(text=case["text"], section=case["section"]))
    if case["expected"] is None:
        assert found.rule is None or not any(
            isinstance(part, AttestationRule) and part.subject in {"study_team", "detention", "legal_protection"}
            for part in walk(found.rule)
        ), found.rule
        return
    assert found.rule == RULE_ADAPTER.validate_python(case["expected"])
    assert found.partial is case.get("partial", False)


def test_study_team_question_says_the_doctor_decides() -> None:
    rule = AttestationRule(subject="study_team", action="Study team's discretion")
    question = rule.question("exclusion")
    assert question.startswith("The study doctor will decide") and "Study team's discretion" in question


def test_legal_questions_ask_one_thing() -> None:
    for case in CASES:
        if case["expected"] is None:
            continue
        for part in walk(RULE_ADAPTER.validate_python(case["expected"])):
            if isinstance(part, AttestationRule) and part.subject in {"detention", "legal_protection"}:
                question = part.question("exclusion")
                assert question.startswith("Is your child ") and question.count("?") == 1, question
                assert " or under " not in question and " and " not in question.split("(")[0], question


def test_never_decisive() -> None:
    profile = PatientProfile.model_validate({"birth_date": "2015-01-01"})
    for subject in ("study_team", "detention", "legal_protection"):
        rule = AttestationRule(subject=subject, action="in prison or held in custody")
        assert evaluate_attestation(rule, profile, date(2026, 1, 1)).verdict == "unknown"
        assert not type(rule).computable


def test_parsed_leaf_is_an_attestation() -> None:
    # NCT03868696's exclusion as the parser sees it: one leaf, typed, not computable
    nodes = list(leaf_criteria(parse_criteria("Exclusion Criteria:\n\n* Prisoners\n")))
    assert [bucket(node) for node in nodes] == ["attestation"]
