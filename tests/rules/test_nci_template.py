"""The NCI CTEP protocol template's eligibility wordings (NCI-sponsored adult and paediatric oncology trials),
read whole and right or left free text on purpose (issue #12). The texts are written as the template words
them; few local trials carry them, so they are checked here rather than in tests/criteria/golden_rules."""

from __future__ import annotations

import json

import pytest

from eligo.criteria.parse import parse_criteria


def _leaf(text: str, section: str = "Inclusion"):  # type: ignore[no-untyped-def]
    return parse_criteria(f"{section} Criteria:\n\n* {text}\n")[0]


def _rule(text: str, section: str = "Inclusion") -> dict[str, object] | None:
    node = _leaf(text, section)
    assert not node.unparsed
    return None if node.rule is None else json.loads(node.rule.model_dump_json(exclude_none=True))


def _uln(test: str, multiple: float = 1.0) -> dict[str, object]:
    return {"kind": "lab_threshold", "test": test, "comparator": "<=", "unit_assumed": False,
            "uln_multiple": multiple, "for_age": False}  # fmt: skip


_FETUS = (
    "The effects of olaparib on the developing human fetus are unknown. For this reason and because PARP "
    "inhibitors are known to be teratogenic, women of child-bearing potential and men must agree to use adequate "
    "contraception (hormonal or barrier method of birth control; abstinence) prior to study entry and for the "
    "duration of study participation. Should a woman become pregnant or suspect she is pregnant while she or her "
    "partner is participating in this study, she should inform her treating physician immediately."
)


# --- Organ and marrow function -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "within normal institutional limits": for bilirubin and creatinine only the upper limit rules out.
        ("total bilirubin within normal institutional limits", _uln("total_bilirubin")),
        ("creatinine within normal institutional limits", _uln("creatinine")),
        ("Serum creatinine within normal limits for age", {**_uln("creatinine"), "for_age": True}),
        ("Creatinine clearance within normal limits", None),  # a clearance has no upper limit that matters
        ("total bilirubin ≤ institutional upper limit of normal (ULN)", _uln("total_bilirubin")),
        (
            "AST(SGOT)/ALT(SGPT) ≤2.5 × institutional upper limit of normal",
            {"kind": "all_of", "rules": [_uln("ast", 2.5), _uln("alt", 2.5)]},
        ),
        # The scope of the clearance names the creatinine above normal, so either alternative will do.
        (
            "creatinine within normal institutional limits OR creatinine clearance ≥60 mL/min/1.73 m2 for "
            "patients with creatinine levels above institutional normal",
            {
                "kind": "any_of",
                "rules": [
                    _uln("creatinine"),
                    {
                        "kind": "lab_threshold",
                        "test": "gfr",
                        "comparator": ">=",
                        "value": 60.0,
                        "unit": "mL/min/1.73 m²",
                        "unit_assumed": False,
                        "for_age": False,
                    },
                ],
            },
        ),
    ],
)
def test_organ_function(text: str, expected: dict[str, object] | None) -> None:
    assert _rule(text) == expected


@pytest.mark.parametrize(
    ("text", "test", "value"),
    [
        ("leukocytes ≥3,000/mcL", "wbc", 3000.0),
        ("absolute neutrophil count ≥1,500/mcL", "anc", 1500.0),
        ("platelets ≥100,000/mcL", "platelets", 100000.0),
    ],
)
def test_marrow_function(text: str, test: str, value: float) -> None:
    rule = _rule(text)
    assert rule is not None and (rule["test"], rule["comparator"], rule["value"]) == (test, ">=", value)


@pytest.mark.parametrize(
    ("text", "section"),
    [
        ("Potassium within normal institutional limits", "Inclusion"),  # a low potassium matters too
        ("Hemoglobin within normal institutional limits", "Inclusion"),
        ("total bilirubin within normal institutional limits", "Exclusion"),  # an exclusion's sense is unclear
        ("Patients must have normal organ and marrow function as defined below:", "Inclusion"),  # a lead only
    ],
)
def test_organ_function_left_free(text: str, section: str) -> None:
    assert _leaf(text, section).rule is None


# --- Disease, performance, life expectancy ---------------------------------------------------------------


def test_performance_and_life_expectancy() -> None:
    assert _rule("ECOG performance status ≤2 (Karnofsky ≥60%)") == {
        "kind": "performance", "karnofsky_min": 60, "ecog_max": 2, "lansky_through_age_years": 16,
    }  # fmt: skip
    assert _rule("Life expectancy of greater than 3 months") == {
        "kind": "life_expectancy", "comparator": ">", "amount": 3, "unit": "months",
    }  # fmt: skip


@pytest.mark.parametrize(
    "text",
    [
        # The smaller of two sizes by method: a 15 mm lesion on spiral CT qualifies (it used to read 20 mm).
        "Patients must have measurable disease, defined as at least one lesion that can be accurately measured in "
        "at least one dimension (longest diameter to be recorded) as ≥20 mm with conventional techniques or as "
        "≥10 mm with spiral CT scan",
        "Patients must have measurable disease, defined as at least one lesion that can be accurately measured in "
        "at least one dimension (longest diameter to be recorded for non-nodal lesions and short axis for nodal "
        "lesions) as ≥20 mm (≥2 cm) by chest x-ray or as ≥10 mm (≥1 cm) with CT scan, MRI, or calipers by "
        "clinical exam.",
    ],
)
def test_measurable_disease_smallest_size(text: str) -> None:
    rule = _rule(text)
    assert rule is not None and rule["kind"] == "disease_site" and rule["min_lesion_mm"] == 10.0


def test_measurable_disease_left_free() -> None:
    # A size for chest x-ray only is not enough to go on.
    text = "Patients must have measurable disease, defined as at least one lesion that can be accurately measured as ≥20 mm by chest x-ray"  # noqa: E501
    assert _leaf(text).rule is None


def test_nodal_size_after_short_axis_not_a_lesion_size() -> None:
    # NCT03924466's wording: the node's short axis is no lesion's longest diameter; the node sentence stays unread.
    node = _leaf(
        "Patient with locally or distantly advanced breast carcinoma, with at least 1 lesion of at least 12 mm "
        "maximal diameter. For lymph node metastases, the largest diameter should be at least 15 mm and the short "
        "axis at least 12 mm."
    )
    assert node.unparsed


def test_confirmed_diagnosis() -> None:
    assert _rule("Patients must have histologically or cytologically confirmed neuroblastoma") == {
        "kind": "diagnosis", "diagnoses": ["neuroblastoma"], "confirmation": "histologic_or_cytologic",
    }  # fmt: skip


def test_prior_therapy_label() -> None:
    rule = _rule("Prior therapy: Patients must have received at least one prior chemotherapy regimen")
    assert rule is not None and rule["kind"] == "prior_lines" and rule["min_lines"] == 1


def test_prior_therapy_label_with_setting_left_free() -> None:
    text = (
        "Prior therapy: Patients must not have received more than one prior chemotherapy regimen for metastatic disease"
    )
    assert _leaf(text).rule is None


# --- Consent, contraception, pregnancy -------------------------------------------------------------------


def test_consent() -> None:
    rule = _rule("Ability to understand and the willingness to sign a written informed consent document.")
    assert rule is not None and rule["kind"] == "attestation" and rule["subject"] == "consent"


def test_contraception_paragraph() -> None:
    rule = _rule(_FETUS)
    assert rule is not None and (rule["kind"], rule["topic"], rule["sex"]) == ("pregnancy", "contraception", "any")


def test_pregnancy_exclusion_reason_is_a_note() -> None:
    rule = _rule(
        "Pregnant women are excluded from this study because olaparib is an agent with the potential for "
        "teratogenic or abortifacient effects.",
        "Exclusion",
    )
    assert rule is not None and (rule["kind"], rule["topic"]) == ("pregnancy", "pregnant")


# --- Exclusions ------------------------------------------------------------------------------------------


def test_other_investigational_agents() -> None:
    rule = _rule("Patients may not be receiving any other investigational agents.", "Exclusion")
    assert rule is not None and rule["kind"] == "prior_therapy" and rule["timing"] == "current"


def test_hiv_on_art_exclusion_keeps_its_qualifier() -> None:
    rule = _rule(
        "HIV-positive patients on combination antiretroviral therapy are ineligible because of the potential for "
        "pharmacokinetic interactions with olaparib",
        "Exclusion",
    )
    assert rule is not None and rule["conditions"] == ["hiv"]
    assert rule["qualifier"] == "on combination antiretroviral therapy"


def test_washout_with_nitrosourea_window_left_free() -> None:
    # Two windows by drug and a recovery clause: left to the family on purpose.
    text = (
        "Patients who have had chemotherapy or radiotherapy within 4 weeks (6 weeks for nitrosoureas or mitomycin "
        "C) prior to entering the study or those who have not recovered from adverse events due to agents "
        "administered more than 4 weeks earlier"
    )
    assert _leaf(text, "Exclusion").rule is None


# --- Allowances of the newer template: never requirements ------------------------------------------------


def test_treated_brain_metastases_allowance() -> None:
    rule = _rule(
        "Patients with treated brain metastases are eligible if follow-up brain imaging after CNS-directed "
        "therapy shows no evidence of progression."
    )
    assert rule == {
        "kind": "permitted",
        "who": "children with treated brain metastases",
        "provided": "if follow-up brain imaging after CNS-directed therapy shows no evidence of progression",
    }


@pytest.mark.parametrize(
    "text",
    [
        "Patients with untreated brain metastases are eligible if follow-up brain imaging after CNS-directed therapy shows no evidence of progression",  # noqa: E501
        "Patients with treated brain metastases are eligible if they are neurologically stable",
    ],
)
def test_brain_metastases_near_misses_left_free(text: str) -> None:
    assert _leaf(text).rule is None


def test_hiv_allowance_is_conditional() -> None:
    rule = _rule(
        "Patients with HIV on effective anti-retroviral therapy with undetectable viral load within 6 months are "
        "eligible for this trial."
    )
    assert rule is not None and rule["kind"] == "conditional"
    assert rule["if_present"] == {"kind": "condition", "conditions": ["hiv"], "present": True, "open_ended": False}
    assert rule["requirement"] == "on effective anti-retroviral therapy with undetectable viral load within 6 months"


@pytest.mark.parametrize(
    ("text", "section"),
    [
        (
            "Patients with HIV on effective anti-retroviral therapy with undetectable viral load within 6 months "
            "are not eligible",
            "Inclusion",
        ),
        (
            "Patients with HIV on effective anti-retroviral therapy with undetectable viral load within 6 months "
            "are eligible",
            "Exclusion",
        ),
    ],
)
def test_hiv_allowance_near_misses_left_free(text: str, section: str) -> None:
    assert _leaf(text, section).rule is None


def test_prior_malignancy_and_cardiac_allowances_are_conditional() -> None:
    for text in (
        "Patients with a prior or concurrent malignancy whose natural history or treatment does not have the "
        "potential to interfere with the safety or efficacy assessment of the investigational regimen are eligible",
        "Patients with known history or current symptoms of cardiac disease, or history of treatment with "
        "cardiotoxic agents, should have a clinical risk assessment of cardiac function using the New York Heart "
        "Association Functional Classification. To be eligible for this trial, patients should be class 2B or "
        "better.",
    ):
        rule = _rule(text)
        assert rule is not None and rule["kind"] == "conditional"
