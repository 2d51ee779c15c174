"""Any other illness (vocab/conditions/general.yaml, issue #12): read among the exclusions, never as what an
inclusion asks for (there the illness named is the trial's own), and a "no" settles it while a "yes" beside a
qualifier the profile cannot judge stays unknown."""

from __future__ import annotations

from datetime import date

from eligo.patients.profile import PatientProfile
from eligo.rules.base import CriterionContext
from eligo.rules.condition import ConditionRule, evaluate_condition, extract_condition
from eligo.rules.verdicts import CriterionVerdict


def test_an_inclusion_asking_for_an_illness_is_left_free() -> None:
    context = CriterionContext(text="Children with a serious illness", section="inclusion")
    assert extract_condition(context) is None


def test_an_exclusion_of_any_other_illness_keeps_its_qualifier() -> None:
    context = CriterionContext(text="Any serious medical illness", section="exclusion")
    assert extract_condition(context) == ConditionRule(conditions=("medical_condition",), qualifier="serious")


def test_a_yes_beside_the_qualifier_stays_unknown_and_a_no_settles() -> None:
    rule = ConditionRule(conditions=("medical_condition",), qualifier="significant")
    yes = PatientProfile.model_validate({"conditions": ["medical condition"]})
    no = PatientProfile.model_validate({"conditions_absent": ["medical condition"]})
    assert evaluate_condition(rule, yes, date(2026, 1, 1)).verdict == CriterionVerdict.UNKNOWN
    # The rule says the child has one: "none" is the criterion not met (an exclusion then lets the child in).
    assert evaluate_condition(rule, no, date(2026, 1, 1)).verdict == CriterionVerdict.NOT_MET
