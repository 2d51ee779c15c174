"""Class membership of the medicine names added in branch meds2 (issue #12): each new member counts for its
class and the broader classes it implies (a known medicine outside a class is read as "not in it", so a
missing membership would wrongly answer "no"), and a medicine outside a narrower class does not count."""

from __future__ import annotations

from datetime import date

import pytest

from eligo.patients.profile import PatientProfile
from eligo.rules._medications import medications
from eligo.rules.medication import MedicationRule, evaluate_medication

_ON = date(2026, 1, 1)


def _verdict(rule: MedicationRule, name: str) -> str:
    profile = PatientProfile.model_validate({"medications": [{"name": name}]})
    return evaluate_medication(rule, profile, _ON).verdict


@pytest.mark.parametrize(
    ("name", "classes"),
    [
        ("isoniazid", {"antituberculosis", "antibiotic", "systemic_antimicrobial", "antimicrobial"}),
        ("rifampicin", {"antituberculosis", "antibiotic", "cyp3a_strong_inducer"}),
        ("Sirturo", {"antituberculosis", "antibiotic"}),
        ("pioglitazone", {"thiazolidinedione", "oral_antidiabetic", "antidiabetic"}),
        ("Avandia", {"thiazolidinedione", "oral_antidiabetic", "antidiabetic"}),
        ("quetiapine", {"atypical_antipsychotic", "antipsychotic", "psychotropic", "psychoactive"}),
        ("gabapentin", {"gabapentinoid", "antiepileptic"}),
        ("Lyrica", {"gabapentinoid", "antiepileptic"}),
        ("Niaspan", {"lipid_lowering"}),
        ("folic acid", {"folic_acid"}),
    ],
)
def test_new_members_count_for_their_classes(name: str, classes: set[str]) -> None:
    assert classes <= medications().classes_of(name)


@pytest.mark.parametrize(
    ("classes", "taken", "verdict"),
    [
        (("atypical_antipsychotic",), "risperidone", "met"),
        (("atypical_antipsychotic",), "haloperidol", "not_met"),  # first-generation
        (("antituberculosis",), "isoniazid", "met"),
        (("antituberculosis",), "amoxicillin", "not_met"),
        (("antibiotic",), "ethambutol", "met"),
        (("thiazolidinedione",), "metformin", "not_met"),
        (("gabapentinoid",), "levetiracetam", "not_met"),
    ],
)
def test_evaluation_by_class(classes: tuple[str, ...], taken: str, verdict: str) -> None:
    assert _verdict(MedicationRule(classes=classes), taken) == verdict


def test_anti_seizure_medication_is_the_antiepileptic_class() -> None:
    term = medications().term("anti-seizure medications")
    assert term is not None and term.medication_class == "antiepileptic"
