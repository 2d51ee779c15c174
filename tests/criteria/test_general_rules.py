"""Golden cases for the general rule kinds (issue #12): criterion text in, rule out, through the whole
extraction chain in registry order (tests/criteria/golden_rules/general.yaml)."""

from __future__ import annotations

from typing import Any

import pytest
from golden_rules_support import case_ids, check_extraction, load_cases
from pydantic import ValidationError

from eligo.rules.allergy import AllergyRule
from eligo.rules.base import CriterionContext
from eligo.rules.disease_extent import DiseaseExtentRule
from eligo.rules.extract import extract
from eligo.rules.observation import ObservationRule
from eligo.rules.registry import RULE_ADAPTER
from eligo.rules.trial_participation import TrialParticipationRule
from eligo.rules.tumour_marker import TumourMarkerRule

CASES = load_cases("general.yaml")


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_golden(case: dict[str, Any]) -> None:
    check_extraction(case)


@pytest.mark.parametrize(
    "text",
    [
        "No known allergy to mannitol",
        "Known allergy to mannitol, unless premedicated",
        "Known allergy to drugs such as penicillin",
    ],
)
def test_allergy_read_only_when_whole(text: str) -> None:
    assert extract(CriterionContext(text=text, section="exclusion")).rule is None


def test_allergy_severity_left_unparsed() -> None:
    # A listed allergy need not be severe: the severity is left to the family, the rule partial (issue #12).
    found = extract(CriterionContext(text="Known severe hypersensitivity to penicillin", section="exclusion"))
    assert found.partial and found.unparsed == ("severe",)


def test_allergy_and_trial_read_only_as_exclusions() -> None:
    for text in ("Known allergy to mannitol", "Participation in another clinical trial"):
        assert extract(CriterionContext(text=text, section="inclusion")).rule is None


@pytest.mark.parametrize(
    "text",
    ["BMI > 30 in Part 2", "If obese: BMI > 30", "BMI > 30 or waist > 100 cm", "BMI <20 and >35 kg/m2", "BMI 30-20"],
)
def test_observation_read_only_when_whole_and_meetable(text: str) -> None:
    rule = extract(CriterionContext(text=text, section="exclusion")).rule
    assert rule is None or not any(isinstance(part, ObservationRule) for part in getattr(rule, "rules", (rule,)))


def test_models_refuse_nonsense() -> None:
    with pytest.raises(ValidationError):
        AllergyRule(substances=())
    with pytest.raises(ValidationError):
        TrialParticipationRule(what="investigational_agent")  # needs a window
    with pytest.raises(ValidationError):
        ObservationRule(measure="bmi", comparator=">", value=0)


def test_questions_ask_one_thing() -> None:
    for case in CASES:
        if case["expected"] is not None:
            question = RULE_ADAPTER.validate_python(case["expected"]).question(case["section"])
            assert question.rstrip().endswith("?"), question


def test_diabetes_insipidus_is_not_diabetes_mellitus() -> None:
    rule = extract(CriterionContext(text="Nephrogenic diabetes insipidus", section="exclusion")).rule
    assert rule is None or "diabetes_mellitus" not in getattr(rule, "conditions", ())


def test_history_of_asks_ever_and_a_window_does_not() -> None:
    ever = extract(CriterionContext(text="History of stroke", section="exclusion")).rule
    window = extract(CriterionContext(text="Stroke within the last 12 months", section="exclusion")).rule
    assert ever == RULE_ADAPTER.validate_python({"kind": "condition", "conditions": ["stroke"], "ever": True})
    assert window == RULE_ADAPTER.validate_python({"kind": "condition", "conditions": ["stroke"], "within_months": 12})
    assert ever is not None and ever.question("exclusion").startswith("Has your child ever had")


def test_asa_classes_must_be_one_range() -> None:
    assert extract(CriterionContext(text="ASA I or III", section="inclusion")).rule is None


@pytest.mark.parametrize("stages", [("IV-II",), ("M",), ("4S",), ("I-II-III",), ("IIIB-IIIB",)])
def test_stage_rules_refuse_what_is_no_stage(stages: tuple[str, ...]) -> None:
    with pytest.raises(ValidationError):
        DiseaseExtentRule(feature="stage", stages=stages)


def test_only_a_stage_rule_lists_stages() -> None:
    with pytest.raises(ValidationError):
        DiseaseExtentRule(feature="metastatic", stages=("IV",))
    with pytest.raises(ValidationError):
        DiseaseExtentRule(feature="stage")
    question = DiseaseExtentRule(feature="stage", stages=("I-III", "IVA")).question("inclusion")
    assert "stage I to III or IVA?" in question


def test_tumour_marker_rules_name_a_known_finding() -> None:
    with pytest.raises(ValidationError):
        TumourMarkerRule(marker="her2", finding="mutated")  # HER2 is read as positive / negative
    with pytest.raises(ValidationError):
        TumourMarkerRule(marker="made_up", finding="positive")
    question = TumourMarkerRule(marker="alk_fusion", finding="rearranged").question("exclusion")
    assert "ALK" in question and question.endswith("?")


@pytest.mark.parametrize(
    "text",
    [
        "EGFR positive",
        "KRAS G12C mutation",
        "PD-L1 TPS ≥ 50%",
        "ER or PR and HER2 negative",
    ],
)
def test_tumour_markers_read_only_when_whole(text: str) -> None:
    rule = extract(CriterionContext(text=text, section="inclusion")).rule
    assert rule is None or "tumour_marker" not in rule.model_dump_json()
