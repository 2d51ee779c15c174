"""Standard phrasings of relapsed/refractory neuroblastoma protocols (COG, NANT, SIOPEN, NCI), read whole or
left free text (issue #12). The texts are written as those protocols word them; no local trial carries them,
so they are checked here rather than in tests/criteria/golden_rules (which cite real criteria)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from tests.support.reading import leaf, whole_rule

from eligo.criteria.parse import parse_criteria
from eligo.matching.evaluate import evaluate_rule
from eligo.patients.profile import PatientProfile
from eligo.rules.washout import WashoutRule

_leaf = leaf
_rule = whole_rule


_CARDIAC = (
    "Adequate cardiac function defined as: shortening fraction ≥ 27% by echocardiogram or ejection fraction "
    "≥ 50% by gated radionuclide study"
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            _CARDIAC,
            {
                "kind": "any_of",
                "rules": [
                    {"kind": "organ_function", "measure": "shortening_fraction", "comparator": ">=", "percent": 27.0},
                    {"kind": "organ_function", "measure": "ejection_fraction", "comparator": ">=", "percent": 50.0},
                ],
            },
        ),
        (
            "Patients who have received prior dinutuximab/ch14.18 are eligible",
            {"kind": "prior_therapy", "exposure": {"agents": ["dinutuximab"]}, "condition": "permitted"},
        ),
        (
            "Patients with prior 131I-MIBG therapy are eligible",
            {"kind": "prior_therapy", "exposure": {"therapy_classes": ["mibg_therapy"]}, "condition": "permitted"},
        ),
        (
            "Patients with bone marrow involvement are eligible but not evaluable for hematologic toxicity",
            {"kind": "permitted", "who": "children with bone marrow involvement"},
        ),
        (
            "Patients with seizure disorder may be enrolled if on anticonvulsants and well controlled",
            {
                "kind": "conditional",
                "if_present": {"kind": "condition", "conditions": ["epilepsy"]},
                "requirement": "on anticonvulsants and well controlled",
            },
        ),
        ("Measurable tumor on MRI or CT scan", {"kind": "disease_extent", "feature": "measurable_disease"}),
        (
            "Creatinine clearance or radioisotope GFR ≥ 70 mL/min/1.73 m²",
            {"kind": "lab_threshold", "test": "gfr", "comparator": ">=", "value": 70.0},
        ),
        (
            "At least 42 days must have elapsed if other substantial BM radiation",
            {
                "kind": "washout",
                "exposure": {
                    "radiation_fields": ["substantial_marrow"],
                    "label": "radiation to a large part of the bone marrow",
                },
                "min_days": 42,
            },
        ),
    ],
)
def test_read_whole(text: str, expected: dict[str, object]) -> None:
    rule = _rule(text)
    assert rule is not None
    got = {key: rule[key] for key in expected}
    if expected["kind"] == "conditional":
        got["if_present"] = {k: v for k, v in rule["if_present"].items() if k in expected["if_present"]}  # type: ignore[union-attr]
    if expected["kind"] in {"washout", "prior_therapy"}:
        got["exposure"] = {k: v for k, v in rule["exposure"].items() if k in expected["exposure"]}  # type: ignore[union-attr]
    assert got == expected


@pytest.mark.parametrize(
    ("text", "section"),
    [
        # a second condition after the therapy: "received anti-GD2" alone would exclude every child who had it
        (
            "Patients who have received prior anti-GD2 therapy and developed human anti-chimeric antibody (HACA) "
            "are not eligible",
            "Exclusion",
        ),
        # a name of another test, or a timing, beside the limit is no second name of the same test
        ("Creatinine clearance or serum creatinine ≤ 1.5 mg/dL", "Inclusion"),
        ("Neutrophil count on or just before chemotherapy due date of >1.5", "Inclusion"),
        # "Patients with measurable disease are eligible" is the requirement, not an allowance
        ("Patients with measurable disease are eligible", "Inclusion"),
        # dyspnea and exercise tolerance are not carried by any rule
        (
            "Adequate pulmonary function defined as: no evidence of dyspnea at rest, no exercise intolerance, and a "
            "pulse oximetry > 94% on room air",
            "Inclusion",
        ),
    ],
)
def test_not_read_as_a_plain_rule(text: str, section: str) -> None:
    node = _leaf(text, section)
    rule = None if node.rule is None else node.rule.model_dump(mode="json")
    assert rule is None or rule["kind"] not in {"permitted", "washout", "prior_therapy", "lab_threshold"}


def test_half_the_pelvis_is_not_dropped_from_a_radiation_window() -> None:
    """The 150-day window names TBI, craniospinal and ≥ 50% pelvis radiation: it is never read as the first two."""
    node = _leaf(
        "XRT: at least 14 days after local palliative XRT (small port); at least 150 days must have elapsed if "
        "prior TBI, craniospinal XRT or if ≥ 50% radiation of pelvis"
    )
    dumped = "" if node.rule is None else node.rule.model_dump_json()
    assert "total_body" not in dumped or "substantial_marrow" in dumped
    assert node.rule is None or node.unparsed or "substantial_marrow" in dumped


def test_cardiac_alternatives_evaluate_either_way() -> None:
    rule = _leaf(_CARDIAC).rule
    assert rule is not None
    on = date(2026, 12, 1)
    good_sf = PatientProfile.model_validate({"cardiac_shortening_fraction": 30})
    low_both = PatientProfile.model_validate({"cardiac_shortening_fraction": 20, "cardiac_ejection_fraction": 40})
    assert evaluate_rule(rule, good_sf, on).verdict == "met"
    assert evaluate_rule(rule, low_both, on).verdict == "not_met"


@pytest.mark.parametrize(
    "text",
    [
        "Patients who have received prior dinutuximab/ch14.18 are eligible",
        "Patients with bone marrow involvement are eligible but not evaluable for hematologic toxicity",
    ],
)
def test_an_allowance_rules_no_one_out(text: str) -> None:
    rule = _leaf(text).rule
    assert rule is not None
    outcome = evaluate_rule(rule, PatientProfile.model_validate({}), date(2026, 12, 1))
    assert outcome.verdict in {"met", "not_applicable"}


@pytest.mark.parametrize(
    "text",
    [
        "Karnofsky ≥ 50% for patients > 16 years of age and Lansky ≥ 50 for patients ≤ 16 years of age; "
        "performance status must be stable for at least 7 days",
        "Karnofsky >= 50 for patients > 16 years of age and Lansky >= 50 for patients <= 16 years of age. "
        "Note: Performance status should be stable for at least 7 days prior to enrollment.",
    ],
)
def test_performance_score_is_never_read_from_a_stability_window(text: str) -> None:
    # Regression: the age after a score ("Lansky ≥ 50 for patients ≤ 16 years of age") was stripped as if it
    # came before one, and "stable for at least 7 days" gave "Lansky ≥ 7". The window stays the family's question.
    node = _leaf(text)
    assert node.rule is not None
    rule = json.loads(node.rule.model_dump_json(exclude_none=True))
    assert rule == {"kind": "performance", "lansky_min": 50, "karnofsky_min": 50, "lansky_through_age_years": 16}
    assert node.partial
    assert any("7 days" in part for part in node.unparsed)


def test_a_washout_line_with_its_own_unread_subject_does_not_take_the_heading_s() -> None:
    # "Stem cell infusion without TBI: At least 84 days after stem cell infusion" under "... minimum duration from
    # prior anti-cancer directed therapy ...:" was read as 84 days since any anti-cancer therapy, which would turn
    # away a child 21 days after chemotherapy; a line with its own label keeps its own subject (issue #12).
    text = (
        "Inclusion Criteria:\n\n* Patients must meet the following minimum duration from prior anti-cancer directed "
        "therapy prior to enrollment:\n  * Stem cell infusion without TBI: At least 84 days after stem cell infusion\n"
        "  * Myelosuppressive chemotherapy: At least 21 days after the last dose of myelosuppressive chemotherapy\n"
    )
    heading = parse_criteria(text)[0]
    own, named = heading.children
    # Its own subject, a stem cell infusion of either kind, or nothing; never the heading's anti-cancer therapy.
    assert own.rule is None or (
        isinstance(own.rule, WashoutRule)
        and own.rule.exposure.transplant == "any"
        and not own.rule.exposure.therapy_classes
        and own.rule.min_days == 84
    )
    assert named.rule is not None and named.rule.kind == "washout"


def test_may_have_received_is_an_allowance_not_a_requirement() -> None:
    # "Patients may have received prior dinutuximab" was read as dinutuximab required, which would turn away
    # every child who never had it (issue #12).
    rule = _rule("Patients may have received prior dinutuximab")
    assert rule is not None
    assert rule["kind"] == "prior_therapy"
    assert rule["condition"] == "permitted"


def test_a_required_earlier_transplant_is_not_read_as_only_the_time_since_it() -> None:
    # "must have had a prior autologous stem cell transplant at least 3 months prior": a washout alone would let
    # through a child who never had a transplant; the time since one alone is still read (issue #12).
    assert (
        _leaf(
            "Patients must have had a prior autologous stem cell transplant at least 3 months prior to study entry"
        ).rule
        is None
    )
    rule = _rule("At least 3 months since prior autologous stem cell transplant")
    assert rule is not None and rule["kind"] == "washout"


_AGE = {"kind": "age", "min_inclusive": True, "max_inclusive": True, "unit": "years", "at_diagnosis": False}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The COG template's field label before the clause, and its "at the time of study enrollment".
        (
            "Age: Patients must be ≥ 1 year and ≤ 30 years of age at the time of enrollment",
            {**_AGE, "min_months": 12, "max_months": 360},
        ),
        (
            "Age: Patients must be between 1 and 21 years of age at the time of study entry.",
            {**_AGE, "min_months": 12, "max_months": 252},
        ),
        (
            "Patients must be >= 12 months and <= 21 years of age at the time of study enrollment",
            {**_AGE, "min_months": 12, "max_months": 252},
        ),
        (
            "Patients must be less than or equal to 21 years of age at the time of study enrollment",
            {**_AGE, "max_months": 252},
        ),
        # The age at diagnosis: the limit is about then, not now.
        (
            "Age: Patients must be ≤ 21 years of age at the time of initial diagnosis",
            {**_AGE, "max_months": 252, "at_diagnosis": True},
        ),
    ],
)
def test_cog_age_lines_read_whole(text: str, expected: dict[str, object]) -> None:
    assert _rule(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # A subgroup's limit is not a limit for everyone; a marker beside the age is more than an age.
        "Age: Patients with neuroblastoma must be ≤ 21 years",
        "Age at diagnosis < 18 months, and MYCN amplified",
    ],
)
def test_cog_age_lines_with_more_than_an_age_stay_free_text(text: str) -> None:
    node = _leaf(text)
    assert node.rule is None or node.rule.kind != "age"


def test_an_age_at_diagnosis_is_not_today_s_age() -> None:
    rule = _leaf("Age: Patients must be ≤ 21 years of age at the time of initial diagnosis").rule
    assert rule is not None
    today = date(2026, 12, 3)
    young = PatientProfile.model_validate({"birth_date": "2016-01-01"})
    older_now = PatientProfile.model_validate({"birth_date": "2000-01-01"})  # 26 now; at diagnosis: not known
    assert evaluate_rule(rule, young, today).verdict == "met"
    assert evaluate_rule(rule, older_now, today).verdict == "unknown"


def _in_a_neuroblastoma_trial(exclusion: str):  # type: ignore[no-untyped-def]
    """The exclusion as read in a trial whose inclusions name a cancer (`CriterionContext.cancer_trial`)."""
    parsed = parse_criteria(
        "Inclusion Criteria:\n\n* Patients must have recurrent or refractory neuroblastoma\n\n"
        f"Exclusion Criteria:\n\n* {exclusion}\n"
    )
    return parsed[-1]


@pytest.mark.parametrize(
    ("text", "therapy_class"),
    [
        # Listed under "Exclusion Criteria", a prohibition reads the same either way: receiving it now excludes.
        ("Patients must not be receiving any other investigational agents", "investigational"),
        ("Patients must not be receiving other anti-cancer agents", "systemic_anticancer_therapy"),
        # "Other": other than the trial's own treatment, which a child does not receive before joining.
        (
            "Patients who are currently receiving other anti-cancer agents are not eligible",
            "systemic_anticancer_therapy",
        ),
    ],
)
def test_receiving_now_is_read_from_a_cog_exclusion(text: str, therapy_class: str) -> None:
    node = _in_a_neuroblastoma_trial(text)
    assert node.section == "exclusion" and not node.unparsed
    rule = json.loads(node.rule.model_dump_json(exclude_none=True)) if node.rule is not None else None
    assert rule is not None
    assert (rule["kind"], rule["condition"], rule["timing"]) == ("prior_therapy", "received", "current")
    assert rule["exposure"]["therapy_classes"] == [therapy_class]


@pytest.mark.parametrize(
    "text",
    [
        # A window after a prohibition inverts under an exclusion heading: left to the family.
        "Patients must not be receiving investigational agents within 2 weeks",
        "Patients must not have received prior chemotherapy",
        # "Other" steroids: other than what the trial allows, which it does not name.
        "Patients must not be receiving other concurrent systemic corticosteroids",
    ],
)
def test_other_prohibitions_in_an_exclusion_stay_free_text(text: str) -> None:
    assert _in_a_neuroblastoma_trial(text).rule is None


def test_other_anti_cancer_agents_outside_a_cancer_trial_stay_free_text() -> None:
    # In a trial of another disease, "other anti-cancer agents" is no statement about the trial's own treatment.
    assert (
        _leaf("Patients who are currently receiving other anti-cancer agents are not eligible", "Exclusion").rule
        is None
    )


@pytest.mark.parametrize(
    "text",
    [
        "Patients must have a diagnosis of neuroblastoma either by histologic verification of the tumor and/or "
        "demonstration of tumor cells in the bone marrow with increased urinary catecholamines",
        "Patients must have high-risk neuroblastoma at the time of study enrollment",
    ],
)
def test_cog_diagnosis_lines_are_the_diagnosis(text: str) -> None:
    rule = _rule(text)
    assert rule is not None
    kinds = [part["kind"] for part in rule["rules"]] if rule["kind"] == "all_of" else [rule["kind"]]
    assert kinds[0] == "diagnosis"
    diagnosis = rule["rules"][0] if rule["kind"] == "all_of" else rule
    assert diagnosis["diagnoses"] == ["neuroblastoma"]
    assert ("high_risk" in kinds) == ("high-risk" in text)


@pytest.mark.parametrize(
    "text",
    [
        "Patients must have recovered from the acute toxic effects of all prior chemotherapy, immunotherapy, or "
        "radiotherapy prior to entering this study",
        "Recovered from prior therapy",  # the old NCI PDQ form
    ],
)
def test_recovered_from_listed_prior_therapies_is_full_recovery(text: str) -> None:
    rule = _rule(text)
    assert rule is not None
    assert (rule["kind"], rule["fully_recovered"], rule["grade"]) == ("toxicity_grade", True, 1)


def test_recovery_with_an_exception_stays_free_text() -> None:
    assert _leaf("Recovered from prior therapy except alopecia").rule is None


def test_either_measurable_or_evaluable_disease() -> None:
    assert _rule("Patients must have either measurable or evaluable disease") == {
        "kind": "disease_extent",
        "feature": "measurable_or_evaluable",
    }


def test_an_allowance_for_children_who_cannot_swallow_is_no_ability_question() -> None:
    # Read as an ability, it asked "Is your child unable to swallow capsules may have the capsule contents ...?"
    node = _leaf("Patients who are unable to swallow capsules may have the capsule contents mixed with food")
    assert node.rule is None or node.rule.kind != "attestation"


def test_a_neuroblastoma_diagnosis_by_its_international_criteria() -> None:
    rule = _rule(
        "Established diagnosis of neuroblastoma according to the International Neuroblastoma Risk Group (INRG) criteria"
    )
    assert rule is not None and rule["kind"] == "diagnosis" and rule["diagnoses"] == ["neuroblastoma"]


def test_words_after_the_criteria_name_are_not_swallowed_into_the_definition() -> None:
    node = _leaf("Diagnosis of neuroblastoma according to the INRG criteria and MYCN amplified")
    assert node.rule is None or node.unparsed or "mycn" in node.rule.model_dump_json()


def test_who_have_had_a_prior_organ_transplant() -> None:
    rule = _rule("Patients who have had a prior solid organ transplant", "Exclusion")
    assert rule == {
        "kind": "condition",
        "conditions": ["organ_transplant"],
        "present": True,
        "open_ended": False,
        "ever": True,
    }


@pytest.mark.parametrize(
    "text",
    ["At least 2 months since prior stem cell transplantation", "At least 2 months since prior bone marrow transplant"],
)
def test_a_transplant_of_no_named_kind_is_either_kind(text: str) -> None:
    rule = _leaf(text).rule
    assert isinstance(rule, WashoutRule) and rule.exposure.transplant == "any" and rule.min_months == 2
    today = date(2026, 12, 3)
    recent_allo = PatientProfile.model_validate(
        {"birth_date": "2016-01-01", "transplants": [{"type": "allogeneic", "date": "2026-11-01"}]}
    )
    long_ago_auto = PatientProfile.model_validate(
        {"birth_date": "2016-01-01", "transplants": [{"type": "autologous", "date": "2025-01-01"}]}
    )
    assert evaluate_rule(rule, recent_allo, today).verdict == "not_met"
    assert evaluate_rule(rule, long_ago_auto, today).verdict == "met"


def test_a_named_kind_of_transplant_stays_that_kind() -> None:
    rule = _leaf("At least 3 months since prior allogeneic stem cell transplant").rule
    assert isinstance(rule, WashoutRule) and rule.exposure.transplant == "allogeneic"


def test_previous_that_is_not_about_a_therapy_reads_no_transplant() -> None:
    # NCT03147742: "Previous test results obtained ... before allo-HSCT ... may be used": a time, not a transplant.
    node = _leaf(
        "Previous test results obtained as part of standard of care before allo-HSCT that confirm a patient is "
        "immune may be used for purposes of eligibility.",
        "Exclusion",
    )
    assert node.rule is None


def test_chronic_steroids_are_not_any_steroid_now() -> None:
    # Read as a therapy received now, "chronic" was dropped: a child on a five-day course would have been ruled out.
    rule = _rule("Patients who are receiving chronic systemic corticosteroids", "Exclusion")
    assert rule is not None and rule["kind"] == "medication" and rule["regular"] is True


@pytest.mark.parametrize(
    "text",
    [
        "Patients who have received prior therapy with irinotecan and temozolomide in combination",
        "Patients who have received prior therapy with irinotecan and temozolomide",
    ],
)
def test_two_drugs_joined_by_and_are_not_either_drug(text: str) -> None:
    # Read as "irinotecan or temozolomide", a child who had temozolomide alone would be ruled out.
    node = _in_a_neuroblastoma_trial(text)
    assert node.rule is None or node.unparsed


def test_two_drugs_joined_by_or_are_either_drug() -> None:
    rule = _in_a_neuroblastoma_trial("Prior treatment with irinotecan or temozolomide").rule
    assert rule is not None and rule.kind == "prior_therapy"


def test_brain_metastases_are_narrower_than_cns_disease() -> None:
    # "Brain metastasis" (NCT03869294) was asked as cancer in the brain or spinal cord: spread to the spinal cord
    # alone, which the criterion admits, would have ruled a patient out.
    rule = _leaf("Known brain metastases", "Exclusion").rule
    assert rule is not None
    today = date(2026, 12, 3)
    none = PatientProfile.model_validate({"cns_disease": {"present": False}})
    some = PatientProfile.model_validate({"cns_disease": {"present": True}})
    assert evaluate_rule(rule, none, today).verdict == "not_met"
    assert evaluate_rule(rule, some, today).verdict == "unknown"
    cns = _leaf("Known CNS metastases", "Exclusion").rule
    assert cns is not None and evaluate_rule(cns, some, today).verdict == "met"


def test_an_allowed_if_sentence_is_no_washout() -> None:
    # NCT02679963: read as "at least 1 month since the last steroid" under the exclusions, it ruled out every
    # patient not on steroids; the sentence allows steroids at a stable dose.
    node = _leaf(
        "Corticosteroids therapy will be allowed if administered at a stable dose for at least one month before "
        "entering the trial.",
        "Exclusion",
    )
    assert node.rule is None or node.rule.kind != "washout"
