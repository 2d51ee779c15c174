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
from eligo.criteria.tree import split_criteria
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
            isinstance(part, AttestationRule)
            and part.subject in {"study_team", "detention", "legal_protection", "health_insurance"}
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
            if isinstance(part, AttestationRule) and part.subject in {
                "detention",
                "legal_protection",
                "health_insurance",
            }:
                question = part.question(case["section"])
                assert question.startswith("Is your child ") and question.count("?") == 1, question
                assert " or under " not in question and " and " not in question.split("(")[0], question


def test_never_decisive() -> None:
    profile = PatientProfile.model_validate({"birth_date": "2015-01-01"})
    for subject in ("study_team", "detention", "legal_protection", "health_insurance"):
        rule = AttestationRule(subject=subject, action="in prison or held in custody")
        assert evaluate_attestation(rule, profile, date(2026, 1, 1)).verdict == "unknown"
        assert not type(rule).computable


def test_parsed_leaf_is_an_attestation() -> None:
    # NCT03868696's exclusion as the parser sees it: one leaf, typed, not computable
    nodes = list(leaf_criteria(parse_criteria("Exclusion Criteria:\n\n* Prisoners\n")))
    assert [bucket(node) for node in nodes] == ["attestation"]


def test_numbered_group_labels_are_headings_over_their_items() -> None:
    # NCT01220531's inclusion: "Group 1" / "Group 3" label the items after them; they are no criteria,
    # and their items hold for that group only (scoped).
    text = (
        "Transplant Inclusion:\n\n"
        "  -  Atypical DiGeorge must have, or have had, a rash.\n\n"
        "Group 1\n\n"
        "•Typical cDGA whose T cells have a PHA response < 5,000 cpm and < 20 fold PHA response.\n\n"
        "Group 3\n\n"
        "  -  Typical cDGA whose T cells have PHA response >50,000 cpm\n\n"
        "  -  Typical cDGA with maternal engraftment\n"
    )
    tree = split_criteria(text)
    labels = [node for node in tree.inclusion if node.text in ("Group 1", "Group 3")]
    assert [node.kind for node in labels] == ["heading", "heading"]
    assert [len(node.children) for node in labels] == [1, 2]
    assert all(child.section_source == "scoped" for node in labels for child in node.children)
    assert tree.inclusion[0].kind == "criterion" and tree.inclusion[0].section_source == "heading"


def test_a_line_saying_there_are_no_exclusion_criteria_is_no_criterion() -> None:
    # NCT03929731
    text = (
        "Inclusion Criteria:\n  -  Are able to give consent for this follow up study\n"
        "Exclusion Criteria:\n  -  No exclusion criteria unless they do not meet the inclusion criteria\n"
    )
    tree = split_criteria(text)
    assert tree.exclusion == ()
    assert [node.text for node in tree.inclusion] == ["Are able to give consent for this follow up study"]
