"""Standard criteria of industry adult-oncology protocols (Merck/pembrolizumab-style templates), third round:
read whole, in part or left free text (issue #12). The texts are worded as those templates word them; most
local trials do not carry them, so they are checked here rather than in tests/criteria/golden_rules."""

from __future__ import annotations

import pytest
from tests.support.reading import leaf_in_cancer_trial, rule_of

_leaf = leaf_in_cancer_trial
_rule = rule_of


def _uln(test: str, multiple: float) -> dict[str, object]:
    return {"kind": "lab_threshold", "test": test, "comparator": "<=", "unit_assumed": False,
            "uln_multiple": multiple, "for_age": False}  # fmt: skip


_CRCL_30 = {"kind": "lab_threshold", "test": "creatinine_clearance_unadjusted", "comparator": ">=", "value": 30.0,
            "unit": "mL/min", "unit_assumed": False, "for_age": False}  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The last alternative's scope ("> 1.5 × ULN") is what failing the first alternative (≤ 1.5 × ULN) means:
        # the two alternatives say it whole.
        (
            "Creatinine ≤1.5 × ULN OR measured or calculated creatinine clearance ≥30 mL/min for participant with "
            "creatinine levels >1.5 × institutional ULN",
            {"kind": "any_of", "rules": [_uln("creatinine", 1.5), _CRCL_30]},
        ),
        (
            "Total bilirubin ≤1.5 ×ULN OR direct bilirubin ≤ULN for participants with total bilirubin levels "
            ">1.5 × ULN",
            {"kind": "any_of", "rules": [_uln("total_bilirubin", 1.5), _uln("direct_bilirubin", 1.0)]},
        ),
    ],
)
def test_organ_function_alternative_with_its_implied_scope(text: str, expected: dict[str, object]) -> None:
    node = _leaf(text)
    assert _rule(node) == expected
    assert not node.unparsed


@pytest.mark.parametrize(
    ("text", "section"),
    [
        # A scope above the first alternative's limit is not implied by it (1.5-2 × ULN falls between): free.
        ("Creatinine ≤1.5 × ULN OR creatinine clearance ≥30 mL/min for participants with creatinine levels >2 × ULN",
         "Inclusion"),
        # An exclusion's scope narrows who is excluded: not read.
        ("Total bilirubin >1.5 ×ULN OR direct bilirubin >ULN for participants with total bilirubin levels >1.5 × ULN",
         "Exclusion"),
        # A GFR allowed in place of the clearance: an alternative no rule holds.
        ("Creatinine ≤1.5 × ULN OR measured or calculated creatinine clearance (GFR can also be used in place of "
         "creatinine or CrCl) ≥30 mL/min for participant with creatinine levels >1.5 × institutional ULN", "Inclusion"),
        # Left free deliberately: which of INR / PT pairs with aPTT, and an anticoagulated patient "within
        # therapeutic range", are for the care team.
        ("International normalized ratio (INR) OR prothrombin time (PT) and Activated partial thromboplastin time "
         "(aPTT) ≤1.5 × ULN unless participant is receiving anticoagulant therapy as long as PT or aPTT is within "
         "therapeutic range of intended use of anticoagulants", "Inclusion"),
    ],
)  # fmt: skip
def test_organ_function_near_misses_stay_free(text: str, section: str) -> None:
    assert _leaf(text, section).rule is None


_LIVE_VACCINE_30 = {
    "kind": "washout",
    "exposure": {"therapy_classes": [], "agents": [], "excluded_agents": [], "radiation_fields": [],
                 "live_vaccine": True, "label": "live vaccine", "examples": ["MMR", "chickenpox (varicella)"],
                 "caveat_classes": []},
    "mode": "within", "min_days": 30, "strictly_more": False, "longer_for": {}, "whichever_longer": True,
}  # fmt: skip


@pytest.mark.parametrize(
    "text",
    [
        "Has received a live vaccine or live-attenuated vaccine within 30 days before the first dose of study "
        "intervention",
        # Killed vaccines are not live: the note says what the rule already holds.
        "Has received a live vaccine or live-attenuated vaccine within 30 days before the first dose of study "
        "intervention. Administration of killed vaccines is allowed.",
        "Received a live vaccine or live-attenuated vaccine within 30 days prior to the first dose of study drug",
    ],
)
def test_live_vaccine_or_live_attenuated_vaccine(text: str) -> None:
    node = _leaf(text, "Exclusion")
    rule = _rule(node)
    assert rule is not None
    rule.pop("reference", None)
    assert rule == _LIVE_VACCINE_30
    assert not node.unparsed


def test_vaccine_that_is_not_said_live_stays_free() -> None:
    assert _leaf("Has received a vaccine or live-attenuated vaccine within 30 days", "Exclusion").rule is None


_MEASURABLE = {"kind": "disease_extent", "feature": "measurable_disease", "standard": "RECIST 1.1"}
_IRRADIATED = ("Lesions situated in a previously irradiated area are considered measurable if progression has been "
               "demonstrated in such lesions.")  # fmt: skip


def test_measurable_disease_with_recists_irradiated_lesion_note() -> None:
    text = f"Has measurable disease per RECIST 1.1 as assessed by the local site investigator/radiology. {_IRRADIATED}"
    node = _leaf(text)
    assert _rule(node) == _MEASURABLE
    assert not node.unparsed


def test_irradiated_note_with_more_stays_left_over() -> None:
    text = f"Has measurable disease per RECIST 1.1. {_IRRADIATED[:-1]} and the lesion is at least 2 cm."
    node = _leaf(text)
    assert node.rule is None or node.unparsed  # the size requirement is never dropped


def test_irradiated_note_does_not_make_a_narrower_lesion_measurable_disease() -> None:
    text = f"Has at least one measurable lesion outside the radiation field per RECIST 1.1. {_IRRADIATED}"
    assert _leaf(text).rule is None


def test_hepatitis_with_the_no_testing_note() -> None:
    text = (
        "Has a known history of Hepatitis B (defined as Hepatitis B surface antigen [HBsAg] reactive) or known "
        "active Hepatitis C virus (defined as HCV RNA [qualitative] is detected) infection. Note: No testing for "
        "Hepatitis B and Hepatitis C is required unless mandated by local health authority."
    )
    node = _leaf(text, "Exclusion")
    assert _rule(node) == {
        "kind": "any_of",
        "rules": [
            {"kind": "condition", "conditions": ["hepatitis_b"], "present": True, "open_ended": False},
            {"kind": "condition", "conditions": ["hepatitis_c"], "present": True, "open_ended": False},
        ],
    }
    assert not node.unparsed


def test_testing_note_with_a_requirement_is_not_a_note() -> None:
    text = "Has a known history of HIV infection. Testing for HIV is required and must be negative."
    node = _leaf(text, "Exclusion")
    assert node.rule is None or node.unparsed


@pytest.mark.parametrize(
    "text",
    [
        # "≤Grade 2 neuropathy may be eligible" is an exception no recovery rule holds: the family reads it.
        "Participants must have recovered from all AEs due to previous therapies to ≤Grade 1 or baseline. "
        "Participants with ≤Grade 2 neuropathy may be eligible.",
        # Progression on the last therapy is a fact of the treatment history the profile does not hold.
        "Has documented disease progression on or after the most recent therapy",
    ],
)
def test_left_free_deliberately(text: str) -> None:
    assert _leaf(text).rule is None


def test_ecog_window_is_left_to_the_family() -> None:
    # The score is read; when it was measured ("within 7 days prior to randomization") no rule holds.
    node = _leaf("Has an ECOG performance status of 0 or 1 within 7 days prior to randomization")
    rule = _rule(node)
    assert rule is not None and rule["kind"] == "performance" and rule["ecog_max"] == 1
    assert node.unparsed == ("within 7 days prior to randomization",)


def test_fathering_children_is_left_over_beside_pregnancy() -> None:
    text = ("Is pregnant or breastfeeding or expecting to conceive or father children within the projected duration "
            "of the study")  # fmt: skip
    node = _leaf(text, "Exclusion")
    rule = _rule(node)
    assert rule is not None and rule["kind"] == "pregnancy"
    assert node.unparsed and "father" in node.unparsed[0]


@pytest.mark.parametrize(
    "text",
    [
        "Known hypersensitivity to any of the study drugs or excipients",
        "Known allergy or hypersensitivity to any of the study drugs or any of the study drug excipients",
        "History of hypersensitivity to study treatment and/or any of its excipients",
    ],
)
def test_allergy_to_the_study_drugs_and_what_is_in_them(text: str) -> None:
    # The study's own medicine, then what is in it: asked as such, never as a substance named "study drugs ...".
    node = _leaf(text, "Exclusion")
    assert _rule(node) == {"kind": "allergy", "substances": [], "study_products": True}
    assert not node.unparsed


@pytest.mark.parametrize(
    "text",
    [
        # AstraZeneca template: the steroids are the exception's, the criterion is the brain or cord disease.
        "Brain metastases unless treated and stable and off steroids for at least 4 weeks prior to start of study "
        "treatment",
        "Spinal cord compression unless asymptomatic and stable and not requiring steroids for at least 4 weeks prior "
        "to start of study treatment",
    ],
)
def test_a_washout_inside_an_unless_clause_is_not_the_criterion(text: str) -> None:
    rule = _rule(_leaf(text, "Exclusion"))
    assert rule is None or rule["kind"] != "washout"


def test_a_washout_before_its_unless_clause_is_still_read() -> None:
    node = _leaf("Systemic corticosteroids within 14 days prior to the first dose unless used as premedication",
                 "Exclusion")  # fmt: skip
    rule = _rule(node)
    assert rule is not None and rule["kind"] == "washout"
