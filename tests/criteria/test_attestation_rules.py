"""Golden cases for attestations (issue #12): consent in its many phrasings, willingness and ability,
language, residence and the protocol's other criteria, as whole criteria through the extraction chain
(tests/criteria/golden_rules/attest.yaml); and the splitter's connector and empty lines."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from golden_rules_support import case_ids, check_extraction, load_cases

from eligo.criteria.tree import split_criteria
from eligo.patients.profile import PatientProfile
from eligo.rules.attestation import AttestationRule, evaluate_attestation
from eligo.rules.registry import RULE_ADAPTER
from eligo.rules.walk import walk

CASES = load_cases("attest.yaml")


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_golden(case: dict[str, Any]) -> None:
    check_extraction(case)


def test_questions_ask_one_thing_each() -> None:
    for case in CASES:
        if case["expected"] is None:
            continue
        for part in walk(RULE_ADAPTER.validate_python(case["expected"])):
            if isinstance(part, AttestationRule):
                question = part.question(case["section"])
                assert question.endswith("?") and question.count("?") == 1, question


def test_attestations_never_decide() -> None:
    profile = PatientProfile.model_validate({"birth_date": "2015-01-01"})
    for subject in ("language", "residence", "protocol_reference"):
        outcome = evaluate_attestation(
            AttestationRule(subject=subject, action="speak English"), profile, date(2026, 1, 1)
        )
        assert outcome.verdict == "unknown"


def test_only_willingness_and_ability_are_negated() -> None:
    with pytest.raises(ValueError):
        AttestationRule(subject="language", action="speak English", negated=True)


def test_or_line_joins_the_items_either_side() -> None:
    # NCT03921476's inclusion: two items with an "OR" line between them, then one that holds for both.
    text = (
        "Inclusion Criteria:\n"
        "Female subjects between 18 and 65 years of age currently taking spironolactone for acne\n"
        "OR\n"
        "Female subjects between 18 and 65 years of age currently taking oral antibiotics for acne\n"
        "AND Subjects able to complete an online survey in English\n"
    )
    tree = split_criteria(text)
    assert [node.kind for node in tree.inclusion] == ["group", "criterion"]
    group = tree.inclusion[0]
    assert group.group_op == "any" and [child.text[-14:] for child in group.children] == [
        "spironolactone for acne"[-14:],
        "antibiotics for acne"[-14:],
    ]
    assert all(node.text.strip().lower() != "or" for node in tree.walk())


def test_or_line_inside_an_item_still_continues_it() -> None:
    tree = split_criteria("Inclusion Criteria:\n  -  Measurable disease\n     OR\n     evaluable disease\n")
    assert [node.text for node in tree.inclusion] == ["Measurable disease OR evaluable disease"]


def test_empty_and_none_lines_are_no_criteria() -> None:
    # NCT03866850 ("Exclusion Criteria:" / "- None"), NCT03860025 ("Exclusion Criteria:" / "-").
    for body in ("  -  None\n", "-\n", "None.\n", "  -  N/A\n"):
        tree = split_criteria("Inclusion Criteria:\n  -  Age 18 or older\nExclusion Criteria:\n" + body)
        assert tree.exclusion == (), body
    # "None" under an item is that item's content, not an empty section.
    tree = split_criteria("Inclusion Criteria:\nPrior therapy:\n  -  None\n")
    assert [node.text for node in tree.walk()][-1] == "None"


def test_cohort_label_before_a_section_heading_is_no_criterion() -> None:
    # NCT03869255: "For hospitalized patients :" labels the next block of criteria.
    text = (
        "For community patients :\nInclusion Criteria:\n  -  age ≥ 18 years old\nExclusion Criteria:\n  -  None\n"
        "For hospitalized patients :\nInclusion Criteria:\n  -  age ≥ 18 years old\n"
    )
    tree = split_criteria(text)
    # (the preamble before the first heading stays, an uncertain inclusion: tests/criteria/test_sections.py)
    assert [node.text for node in tree.walk()] == [
        "For community patients :",
        "age ≥ 18 years old",
        "age ≥ 18 years old",
    ]


def test_or_line_between_children_joins_those_children() -> None:
    text = (
        "Inclusion Criteria:\n- Patients must have:\n    - relapsed disease\n  OR\n"
        "    - refractory disease\n- Age 1 to 21\n"
    )
    tree = split_criteria(text)
    parent = tree.inclusion[0]
    assert parent.group_op == "any" and [child.text for child in parent.children] == [
        "relapsed disease",
        "refractory disease",
    ]
    assert [node.text for node in tree.inclusion[1:]] == ["Age 1 to 21"]
