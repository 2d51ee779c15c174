"""Current medicine use the paediatric cooperative-group (COG) templates word their own way (issue #12). The
texts are written as those protocols word them; what is not the whole criterion stays free text."""

from __future__ import annotations

from datetime import date

import pytest
from tests.support.reading import whole_rule

from eligo.criteria.parse import parse_criteria
from eligo.patients.profile import PatientProfile
from eligo.rules.medication import MedicationRule, evaluate_medication


def _exclusion(text: str) -> dict[str, object] | None:
    return whole_rule(text, "Exclusion")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Patients who require chronic systemic corticosteroids",
            {"kind": "medication", "classes": ["systemic_corticosteroid"], "timing": "current", "regular": True},
        ),
        (
            "Patients requiring chronic anticoagulation are not eligible",
            {"kind": "medication", "classes": ["anticoagulant"], "timing": "current", "regular": True},
        ),
        (
            "Patients who are receiving strong inducers or inhibitors of CYP3A4",
            {"kind": "medication", "classes": ["cyp3a_strong_inducer", "cyp3a_strong_inhibitor"], "timing": "current"},
        ),
        (
            "Patients who are receiving strong CYP3A4 inhibitors or inducers",
            {"kind": "medication", "classes": ["cyp3a_strong_inhibitor", "cyp3a_strong_inducer"], "timing": "current"},
        ),
        (
            "Patients who are currently receiving drugs that are strong inducers or inhibitors of CYP3A4 are not "
            "eligible",
            {"kind": "medication", "classes": ["cyp3a_strong_inducer", "cyp3a_strong_inhibitor"], "timing": "current"},
        ),
    ],
)
def test_read_whole(text: str, expected: dict[str, object]) -> None:
    rule = _exclusion(text)
    assert rule is not None
    assert {key: rule[key] for key in expected} == expected


@pytest.mark.parametrize(
    "text",
    [
        # a purpose-narrowed class ("other agents to prevent graft-versus-host disease") is no class of the vocabulary
        "Patients who are receiving cyclosporine, tacrolimus or other agents to prevent graft-versus-host disease",
        # "require" without chronic use is a need, perhaps later
        "Patients who require systemic corticosteroids",
        # an exception the vocabulary cannot name
        "Patients who require chronic systemic corticosteroids, except for adrenal replacement",
        # moderate inhibitors are no class here: the shared words never make one up
        "Patients who are receiving moderate inducers or inhibitors of CYP3A4",
        # substrates are no class: the first item's words never make one up
        "Use of strong CYP3A4 inhibitors or substrates",
        # CYP3A4/5/7 is not the CYP3A4 of the FDA table's classes
        "Concurrent use of strong inducers or inhibitors of CYP3A4/5/7 is not permitted",
        # "i.e." defines a vasodilator class the vocabulary does not hold, with an open "or other"
        "Currently on vasodilators (i.e. Phosphodiesterase type 5 inhibitors, prostacyclin, nitroglycerine, or "
        "other nitric oxide derivatives)",
        # immunosuppression by chemotherapy is anti-cancer therapy, not a medicine class
        "current immunosuppressive therapies: corticosteroids, chemotherapy, biotherapy",
        # a judgement about what affects glycaemia
        "taking medications known to affect glycaemia (glucocorticoids, thyroid hormones, thiazide diuretics)",
        # "anti-inflammatory drugs" may be NSAIDs or steroids
        "use of anti-inflammatory drugs in the last 30 days",
        # drugs "known to" do something is a judgement
        "Patients receiving drugs that are known to prolong QT",
    ],
)
def test_stays_free_text(text: str) -> None:
    assert _exclusion(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "Patients not requiring chronic systemic corticosteroids",
        # asked for, a need for chronic use may not be treated yet
        "Patients requiring chronic anticoagulation",
    ],
)
def test_requiring_chronic_use_in_an_inclusion_stays_free_text(text: str) -> None:
    node = parse_criteria(f"Inclusion Criteria:\n\n* {text}\n")[0]
    assert node.rule is None


def test_either_cyp3a_class_holds() -> None:
    rule = MedicationRule(classes=("cyp3a_strong_inducer", "cyp3a_strong_inhibitor"))
    question = rule.question("exclusion")
    assert question.startswith("Is your child taking a medicine that strongly speeds up the liver enzyme CYP3A4")
    assert "strongly blocks" in question
    on = date(2026, 1, 1)
    for name in ("rifampicin", "voriconazole", "tipranavir"):
        profile = PatientProfile.model_validate({"medications": [{"name": name}]})
        assert evaluate_medication(rule, profile, on).verdict == "met"
    profile = PatientProfile.model_validate({"medications": [{"name": "paracetamol"}]})
    assert evaluate_medication(rule, profile, on).verdict == "not_met"
