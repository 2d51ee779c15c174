"""Golden cases for the medication kind's newer classes and wordings (issue #12): criterion text in,
rule out, through the whole extraction chain (tests/criteria/golden_rules/meds2.yaml)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from eligo.rules.base import CriterionContext
from eligo.rules.extract import extract
from eligo.rules.medication import MedicationRule
from eligo.rules.registry import RULE_ADAPTER

GOLDEN = Path(__file__).parent / "golden_rules" / "meds2.yaml"
CASES: list[dict[str, Any]] = yaml.safe_load(GOLDEN.read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_golden(case: dict[str, Any]) -> None:
    found = extract(CriterionContext(text=case["text"], section=case["section"]))
    if case["expected"] is None:
        assert not isinstance(found.rule, MedicationRule), found.rule
        return
    assert found.rule == RULE_ADAPTER.validate_python(case["expected"])
    assert found.partial is case.get("partial", False)


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
