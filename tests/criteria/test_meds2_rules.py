"""Golden cases for the medication kind's newer classes and wordings (issue #12): criterion text in,
rule out, through the whole extraction chain (tests/criteria/golden_rules/meds2.yaml)."""

from __future__ import annotations

from typing import Any

import pytest
from golden_rules_support import case_ids, check_extraction, load_cases

from eligo.rules.base import CriterionContext
from eligo.rules.extract import extract
from eligo.rules.medication import MedicationRule

CASES = load_cases("meds2.yaml")


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_golden(case: dict[str, Any]) -> None:
    check_extraction(case)


def test_an_exception_is_asked_about() -> None:
    rule = MedicationRule(classes=("anticoagulant",), except_drugs=("aspirin",))
    assert rule.question("exclusion") == (
        "Is your child taking a blood thinner (anticoagulant) such as warfarin or heparin (apart from aspirin) now?"
    )


def test_an_empty_exception_is_written_as_none() -> None:
    with pytest.raises(ValueError, match="empty exception"):
        MedicationRule(classes=("anticoagulant",), except_drugs=())


def test_other_than_is_not_other() -> None:
    rule = extract(CriterionContext(text="Use of heparin or other than aspirin", section="exclusion")).rule
    assert not isinstance(rule, MedicationRule), rule


def test_a_bare_therapy_in_an_inclusion_is_not_use() -> None:
    # Under "Contraindication to:" or "Eligible for:" a bare "Anticoagulant therapy" is no use of it.
    rule = extract(CriterionContext(text="Anticoagulant therapy", section="inclusion")).rule
    assert not isinstance(rule, MedicationRule), rule


def test_every_excepted_medicine_is_named() -> None:
    rule = MedicationRule(classes=("nsaid",), except_drugs=("ibuprofen", "naproxen"))
    assert rule.question("exclusion") == (
        "Is your child taking an anti-inflammatory painkiller (NSAID) (apart from ibuprofen and naproxen) now?"
    )
