"""Golden cases for the medication kind (issue #12): criterion text in, rule out, through the whole
extraction chain in registry order (tests/criteria/golden_rules/medication.yaml)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from eligo.rules._medications import MedicationVocab, medications
from eligo.rules.base import CriterionContext
from eligo.rules.extract import extract
from eligo.rules.medication import MedicationRule
from eligo.rules.registry import RULE_ADAPTER

GOLDEN = Path(__file__).parent / "golden_rules" / "medication.yaml"
CASES: list[dict[str, Any]] = yaml.safe_load(GOLDEN.read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_golden(case: dict[str, Any]) -> None:
    found = extract(CriterionContext(text=case["text"], section=case["section"]))
    if case["expected"] is None:
        assert found.rule is None or not isinstance(found.rule, MedicationRule), found.rule
        return
    assert found.rule == RULE_ADAPTER.validate_python(case["expected"])
    assert found.partial is case.get("partial", False)


@pytest.mark.parametrize(
    "text",
    [
        "Human epidermal growth factor receptor 2 positive",  # no drug word inside another term
        "Use of aspirin-like compounds",
        "Use of anticoagulants other than low-dose aspirin",  # an exception that is no whole term
        "Use of anticoagulants other than for atrial fibrillation",
        "Use of heparin or other than aspirin",
        "Use of anticoagulants for atrial fibrillation",
        "Use of anticoagulants in Part 2",
        "Use of anticoagulants at a dose above 40 mg",
        "Use of anticoagulants such as warfarin or cisplatin",
        "Use of moderate or strong CYP3A4 inhibitors",
        "Use of anticoagulants unless stopped 7 days before",
    ],
)
def test_read_only_when_whole(text: str) -> None:
    rule = extract(CriterionContext(text=text, section="exclusion")).rule
    assert not isinstance(rule, MedicationRule), rule


def test_and_in_an_inclusion_asks_for_both_so_is_not_read() -> None:
    text = "Taking warfarin and aspirin"
    assert not isinstance(extract(CriterionContext(text=text, section="inclusion")).rule, MedicationRule)
    either = extract(CriterionContext(text=text, section="exclusion")).rule
    assert either == MedicationRule(drugs=("warfarin", "aspirin"))


def test_a_negated_exclusion_is_left_to_a_person() -> None:
    assert extract(CriterionContext(text="No current use of statins", section="exclusion")).rule is None
    rule = extract(CriterionContext(text="No current use of statins", section="inclusion")).rule
    assert rule == MedicationRule(classes=("statin",), taking=False)


def test_examples_in_brackets_must_belong_to_the_class() -> None:
    ok = extract(CriterionContext(text="Current use of anticoagulants (e.g., warfarin, heparin)", section="exclusion"))
    assert ok.rule == MedicationRule(classes=("anticoagulant",))
    wrong = extract(CriterionContext(text="Current use of anticoagulants (e.g., ibuprofen)", section="exclusion"))
    assert not isinstance(wrong.rule, MedicationRule)


def test_items_under_a_medication_heading_carry_its_window() -> None:
    heading = "Use of any of the following medications within 14 days prior to the first dose:"
    rule = extract(CriterionContext(text="Macrolide antibiotics", section="exclusion", parent_text=heading)).rule
    assert rule == MedicationRule(classes=("macrolide",), timing="within", within_days=14)
    alone = extract(CriterionContext(text="Macrolide antibiotics", section="exclusion")).rule
    assert not isinstance(alone, MedicationRule)


def test_a_describing_heading_adds_nothing_but_a_time_or_dose_in_it_does() -> None:
    # NCT03867500: the items under it are the medicines excluded.
    heading = "Concomitant use of medications that can alter serum lipid profile:"
    rule = extract(CriterionContext(text="Fibrates", section="exclusion", parent_text=heading)).rule
    assert rule == MedicationRule(classes=("fibrate",))
    timed = "Use of medications that can alter lipids within 4 weeks:"
    rule = extract(CriterionContext(text="Fibrates", section="exclusion", parent_text=timed)).rule
    assert not isinstance(rule, MedicationRule)
    # A heading whose parenthesis sets wash-out periods elsewhere (NCT02679963) is not read.
    washout = "Patients receiving the following classes of inhibitors of CYP3A4 (see Section 6.5 for wash out periods)."
    rule = extract(CriterionContext(text="Macrolide antibiotics", section="exclusion", parent_text=washout)).rule
    assert not isinstance(rule, MedicationRule)


def test_anti_cancer_drugs_are_not_medications() -> None:
    assert medications().term("cisplatin") is None
    assert medications().term("prednisone") is not None  # a drugs.yaml steroid, read here too
    rule = extract(CriterionContext(text="Current use of cisplatin", section="exclusion")).rule
    assert not isinstance(rule, MedicationRule)


def test_questions_ask_one_thing_in_a_parents_words() -> None:
    rule = MedicationRule(classes=("anticoagulant",))
    assert rule.question("exclusion") == (
        "Is your child taking a blood thinner (anticoagulant) such as warfarin or heparin now?"
    )
    window = MedicationRule(classes=("antibiotic",), timing="within", within_days=28)
    assert window.question("exclusion").endswith("in the last 4 weeks?")
    for case in CASES:
        if case["expected"] is not None:
            assert RULE_ADAPTER.validate_python(case["expected"]).question(case["section"]).endswith("?")


def test_models_and_vocabulary_refuse_nonsense() -> None:
    with pytest.raises(ValidationError):
        MedicationRule()
    with pytest.raises(ValidationError):
        MedicationRule(classes=("taxane",))  # an oncology class is not a medication class
    with pytest.raises(ValidationError):
        MedicationRule(classes=("statin",), timing="within")
    with pytest.raises(ValidationError):
        MedicationRule(classes=("statin",), taking=False, timing="ever")
    data = medications().data.model_dump()
    data["drugs"] = [*data["drugs"], {"names": ["warfarin"], "classes": ["statin"]}]
    with pytest.raises(ValidationError, match="names both"):
        MedicationVocab.model_validate(data)
    data = medications().data.model_dump()
    data["classes"]["statin"]["implies"] = ["statin"]
    with pytest.raises(ValidationError, match="cycle"):
        MedicationVocab.model_validate(data)


def test_every_class_states_its_source() -> None:
    for name, cls in medications().data.classes.items():
        assert cls.source.strip(), name
