"""Phrasings the paediatric cooperative-group neuroblastoma protocols use, read whole (issue #12). The texts are
written as those protocols word them; the NCT-cited real cases are in tests/criteria/golden_rules."""

from __future__ import annotations

import json

import pytest
from tests.support.reading import whole_rule as _inclusion

from eligo.criteria.parse import parse_criteria


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Patients must have a diagnosis of neuroblastoma or ganglioneuroblastoma verified by tumor biopsy or "
            "demonstration of tumor cells in bone marrow with elevated urinary catecholamines",
            {
                "kind": "diagnosis",
                "diagnoses": ["neuroblastoma", "ganglioneuroblastoma"],
                "definition": "verified by tumor biopsy or demonstration of tumor cells in bone marrow with elevated "
                "urinary catecholamines",
            },
        ),
        (
            "Diagnosis of neuroblastoma or ganglioneuroblastoma verified by tumor biopsy",
            {"kind": "diagnosis", "diagnoses": ["neuroblastoma", "ganglioneuroblastoma"], "confirmation": "histologic"},
        ),
        (
            "Patients must have high-risk neuroblastoma according to COG risk classification",
            {
                "kind": "all_of",
                "rules": [
                    {"kind": "diagnosis", "diagnoses": ["neuroblastoma"]},
                    {"kind": "high_risk", "high_risk": True},
                ],
            },
        ),
        (
            "Central nervous system toxicity ≤ Grade 2",
            {"kind": "toxicity_grade", "comparator": "<=", "grade": 2, "what": "central nervous system"},
        ),
    ],
)
def test_read_whole(text: str, expected: dict[str, object]) -> None:
    rule = _inclusion(text)
    assert rule is not None
    assert {key: rule[key] for key in expected} == expected


def test_a_stem_cell_window_without_tbi_is_no_irradiation() -> None:
    rule = _inclusion("Stem cell infusion without TBI: ≥ 84 days after autologous stem cell infusion")
    assert rule is not None and rule["kind"] == "washout" and rule["min_days"] == 84
    exposure = rule["exposure"]
    assert isinstance(exposure, dict)
    assert exposure["transplant"] == "autologous" and not exposure.get("radiation_fields")


def test_recovered_from_toxic_effects_without_a_closing_reference() -> None:
    rule = _inclusion(
        "Patients must have fully recovered from the acute toxic effects of all prior anti-cancer chemotherapy"
    )
    assert rule is not None and rule["kind"] == "toxicity_grade" and rule.get("fully_recovered") is True


def test_cns_disease_in_a_cancer_trial_is_the_cancers_spread_and_elsewhere_is_left_alone() -> None:
    exclusion = "\n\nExclusion Criteria:\n\n* Patients with CNS disease are not eligible\n"
    cancer = parse_criteria("Inclusion Criteria:\n\n* Histologically confirmed neuroblastoma" + exclusion)[-1]
    assert cancer.rule is not None
    assert json.loads(cancer.rule.model_dump_json(exclude_none=True))["conditions"] == ["cns_metastases"]
    healthy = parse_criteria("Inclusion Criteria:\n\n* Healthy volunteers" + exclusion)[-1]
    assert healthy.rule is None  # in another trial "CNS disease" may be any neurological disease
