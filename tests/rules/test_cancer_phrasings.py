"""Paediatric cancer wordings of therapy history and disease state (cancer, issue #12).

The verified criteria are golden cases in tests/criteria/golden_rules/cancer.yaml; these tests pin the mechanisms
behind them on the cooperative groups' shapes of the same sentences: a "Patients must have ..." lead on a disease
state (NCT01711554's "Recurrent/progressive disease at any time prior to enrollment"), a risk class with "a history
of" (NCT01711554's "Patients must have high-risk neuroblastoma"), an inclusion that requires a donor transplant
(the inverse of NCT01711554's "Patients are not eligible post allogeneic stem cell transplant"), a transplant named
with its conditioning, a drug combination and a treatment phase (none of which is any one therapy), and an
allowance."""

from __future__ import annotations

from typing import Any

import pytest

from eligo.criteria.parse import parse_criteria
from eligo.rules.base import CriterionContext
from eligo.rules.extract import extract

_NEUROBLASTOMA = "Diagnosis of relapsed or refractory neuroblastoma"  # NCT00253435, naming the trial's cancer


def _rule(text: str, section: str = "inclusion", cancer_trial: bool = True) -> Any:
    return extract(CriterionContext(text=text, section=section, cancer_trial=cancer_trial)).rule


def _inclusions(*items: str) -> list[Any]:
    text = "Inclusion Criteria:\n\n" + "".join(f"* {item}\n" for item in items)
    return [node.rule for node in parse_criteria(text)]


@pytest.mark.parametrize(
    ("text", "states", "definition"),
    [
        ("Patients must have refractory disease", ("refractory",), None),
        ("Patients must have relapsed or refractory disease", ("relapsed", "refractory"), None),
        (
            "Patients must have recurrent or progressive disease at any time prior to enrollment",
            ("relapsed", "progressive"),
            "at any time prior to enrollment",
        ),
    ],
)
def test_a_subject_lead_on_a_disease_state_in_a_cancer_trial(
    text: str, states: tuple[str, ...], definition: str | None
) -> None:
    rule = _rule(text)
    assert rule.kind == "disease_state"
    assert rule.states == states
    assert rule.definition == definition


def test_a_subject_lead_on_a_disease_state_outside_a_cancer_trial_is_not_read() -> None:
    assert _rule("Patients with progressive disease", section="exclusion", cancer_trial=False) is None
    assert _rule("Patients with progressive disease during induction", section="exclusion") is None


def test_the_inclusions_are_read_again_knowing_the_trial_treats_a_cancer() -> None:
    rules = _inclusions(_NEUROBLASTOMA, "Patients must have refractory disease")
    assert rules[1] is not None and rules[1].kind == "disease_state"


def test_either_measurable_or_evaluable_disease_under_its_label() -> None:
    for text in (
        "Patients must have either measurable or evaluable disease",
        "Disease Status: Patients must have either measurable or evaluable disease",
        "Patients must have either measurable or evaluable disease (see Section 8.0 for definitions)",
    ):
        rule = _rule(text)
        assert rule.kind == "disease_extent" and rule.feature == "measurable_or_evaluable", text


@pytest.mark.parametrize(
    "text",
    [
        "Patients must have a history of high-risk neuroblastoma",
        "Patients with high-risk neuroblastoma",
        "Children diagnosed with high-risk neuroblastoma",
    ],
)
def test_high_risk_neuroblastoma_with_its_leads(text: str) -> None:
    rule = _rule(text)
    assert rule.kind == "all_of"
    assert [part.kind for part in rule.rules] == ["diagnosis", "high_risk"]


def test_high_risk_neuroblastoma_in_a_remission_stays_free_text() -> None:
    assert _rule("History of high-risk neuroblastoma in first remission") is None


def test_an_inclusion_requiring_a_donor_transplant_is_not_read_as_never_having_had_one() -> None:
    assert _rule("Patients must have received an allogeneic stem cell transplant").condition == "received"
    assert _rule("Patients are not eligible post allogeneic stem cell transplant").condition == "not_received"
    ruled_out = "Patients who have received a prior allogeneic stem cell transplant are not eligible"
    assert _rule(ruled_out).condition == "not_received"
    assert _rule(ruled_out, section="exclusion").condition == "received"


def test_have_had_a_donor_transplant() -> None:
    for text in (
        "Patients who have had a prior allogeneic stem cell transplant",
        "Patients who have had an allogeneic stem cell transplant",
    ):
        rule = _rule(text, section="exclusion")
        assert rule.kind == "prior_therapy" and rule.condition == "received", text
        assert rule.exposure.transplant == "allogeneic"


def test_a_transplant_named_with_its_conditioning_is_not_any_chemotherapy() -> None:
    text = "Patients who have received prior high-dose chemotherapy with autologous stem cell rescue"
    rule = _rule(text, "exclusion")
    assert rule.exposure.therapy_classes == ()
    assert rule.exposure.transplant == "autologous" and rule.exposure.myeloablative is True
    either = _rule("Prior chemotherapy or autologous stem cell transplant", "exclusion")
    assert either.exposure.therapy_classes == ("chemotherapy",)  # two therapies, either one


@pytest.mark.parametrize(
    ("text", "section"),
    [
        ("Patients must not have received prior therapy with irinotecan and temozolomide in combination with "
         "anti-GD2 antibody", "inclusion"),
        ("Patients must have previously received standard induction chemotherapy", "inclusion"),
        ("Prior neoadjuvant chemotherapy", "exclusion"),
        ("Prior maintenance therapy with isotretinoin", "exclusion"),
        ("No prior anti-cancer therapy except as outlined below:", "inclusion"),
    ],
)  # fmt: skip
def test_a_combination_a_phase_or_exceptions_elsewhere_stay_free_text(text: str, section: str) -> None:
    assert _rule(text, section) is None


def test_prior_therapy_is_allowed_is_an_allowance() -> None:
    rule = _rule("Prior therapy with I-131 MIBG is allowed")
    assert rule.condition == "permitted"
    assert rule.exposure.therapy_classes == ("mibg_therapy",)


def test_second_malignant_neoplasm_is_another_cancer() -> None:
    rule = _rule("History of a second malignant neoplasm", section="exclusion")
    assert rule.conditions == ("prior_malignancy",) and rule.ever is True


def test_one_cancer_as_a_condition_is_left_to_the_diagnosis_in_its_own_family() -> None:
    text = "History of prostate cancer."  # NCT00056407's exclusion
    context = CriterionContext(text=text, section="exclusion", cancer_trial=True, trial_diagnoses=("prostate_cancer",))
    found = extract(context).rule
    assert found is None or found.kind == "diagnosis"
    other = CriterionContext(text=text, section="exclusion", cancer_trial=True, trial_diagnoses=("neuroblastoma",))
    assert extract(other).rule.conditions == ("prostate_cancer",)  # type: ignore[union-attr]


def test_not_eligible_or_not_allowed_in_an_inclusion_rules_the_therapy_out() -> None:
    assert _rule("Prior treatment with anti-PD-1 is not allowed").condition == "not_received"
    assert _rule("Prior treatment with anti-PD-1 is not allowed", section="exclusion").condition == "received"
    text = "Patients who have received myelosuppressive chemotherapy within 3 weeks are not eligible"
    assert _rule(text).mode == "elapsed" and _rule(text).min_days == 21
    assert _rule(text, section="exclusion").mode == "within"
