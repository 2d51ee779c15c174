"""The industry adult-oncology template criteria (Merck/pembrolizumab-style protocols), read whole, read in
part or left free text (issue #12). The texts are written as those templates word them; most local trials
do not carry them, so they are checked here rather than in tests/criteria/golden_rules."""

from __future__ import annotations

import json

import pytest

from eligo.criteria.parse import parse_criteria


def _leaf(text: str, section: str):  # type: ignore[no-untyped-def]
    return parse_criteria(f"{section} Criteria:\n\n* {text}\n")[0]


def _rule(text: str, section: str = "Inclusion") -> dict[str, object] | None:
    node = _leaf(text, section)
    assert not node.unparsed
    return None if node.rule is None else json.loads(node.rule.model_dump_json(exclude_none=True))


def _lab(test: str, comparator: str, value: float, unit: str) -> dict[str, object]:
    return {"kind": "lab_threshold", "test": test, "comparator": comparator, "value": value, "unit": unit,
            "unit_assumed": False, "for_age": False}  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A space as the thousands separator, after a comparator and before a unit.
        ("Platelets ≥100 000/µL", _lab("platelets", ">=", 100000.0, "/µL")),
        ("Absolute neutrophil count (ANC) ≥ 1 500/µL", _lab("anc", ">=", 1500.0, "/µL")),
        (
            "ANC ≥1500/µL and platelets ≥ 75 000/µL",
            {"kind": "all_of", "rules": [_lab("anc", ">=", 1500.0, "/µL"), _lab("platelets", ">=", 75000.0, "/µL")]},
        ),
        # One limit in two units that agree by conversion (9.0 g/dL is 5.59 mmol/L).
        ("Hemoglobin ≥9.0 g/dL or ≥5.6 mmol/L", _lab("hemoglobin", ">=", 9.0, "g/dL")),
        ("Hemoglobin ≥ 9 g/dL (90 g/L)", _lab("hemoglobin", ">=", 9.0, "g/dL")),
    ],
)
def test_template_labs(text: str, expected: dict[str, object]) -> None:
    assert _rule(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Platelets ≥ 100 000",  # no unit: a spaced number is not read
        "Hemoglobin ≥9.0 g/dL or ≥8.0 mmol/L",  # the two do not agree: a real alternative, not one limit
        "Hemoglobin ≥9.0 g/dL or <5.6 mmol/L",  # another comparator
        "Hemoglobin ≥9.0 g/dL or ≥ 8.0 g/dL",  # the same unit twice: two limits
    ],
)
def test_template_labs_left_free(text: str) -> None:
    assert _leaf(text, "Inclusion").rule is None


def test_exclusion_limit_in_two_units() -> None:
    assert _rule("Hemoglobin <9.0 g/dL or <5.6 mmol/L", "Exclusion") == _lab("hemoglobin", "<", 9.0, "g/dL")


def test_severe_study_drug_allergy_keeps_its_severity_unparsed() -> None:
    node = _leaf("Has severe hypersensitivity (≥Grade 3) to pembrolizumab and/or any of its excipients.", "Exclusion")
    assert node.rule is not None
    assert json.loads(node.rule.model_dump_json(exclude_none=True)) == {
        "kind": "allergy", "substances": ["pembrolizumab"], "study_products": True,
    }  # fmt: skip
    assert node.unparsed == ("severe (≥Grade 3)",)


def test_hepatitis_defined_by_current_infection_tests() -> None:
    text = (
        "Has a known history of Hepatitis B (defined as Hepatitis B surface antigen [HBsAg] reactive) or known "
        "active Hepatitis C virus (defined as HCV RNA [qualitative] is detected) infection."
    )
    # The definitions are tests of infection now: the "history" is narrowed to now.
    assert _rule(text, "Exclusion") == {
        "kind": "any_of",
        "rules": [
            {"kind": "condition", "conditions": ["hepatitis_b"], "present": True, "open_ended": False},
            {"kind": "condition", "conditions": ["hepatitis_c"], "present": True, "open_ended": False},
        ],
    }


def test_hepatitis_defined_by_an_antibody_keeps_the_history() -> None:
    # An antibody may be a past infection: the definition does not say "now", so it stays the rule's qualifier.
    rule = _rule("Known history of Hepatitis B (defined as anti-HBc positive)", "Exclusion")
    assert rule is not None and rule.get("ever") is True


def test_surgery_not_recovered_or_complications() -> None:
    text = "Has not adequately recovered from major surgery or has ongoing surgical complications."
    assert _rule(text, "Exclusion") == {
        "kind": "any_of",
        "rules": [
            {"kind": "condition", "conditions": ["surgery_not_recovered"], "present": True, "open_ended": False},
            {"kind": "condition", "conditions": ["surgical_complications"], "present": True, "open_ended": False},
        ],
    }
    assert _leaf("Has adequately recovered from major surgery", "Exclusion").rule is None


def test_investigational_agent_or_device_is_partial() -> None:
    # "a study of an investigational agent" may be its control arm, and a device is no medicine: the
    # medicine in the window is asked, and the whole text is left to the family too (partial, never decides).
    text = (
        "Is currently participating in or has participated in a study of an investigational agent or has used an "
        "investigational device within 4 weeks prior to the first dose of study treatment."
    )
    node = _leaf(text, "Exclusion")
    assert node.rule is not None
    assert json.loads(node.rule.model_dump_json(exclude_none=True)) == {
        "kind": "trial_participation", "what": "investigational_agent", "amount": 4, "unit": "weeks",
    }  # fmt: skip
    assert node.unparsed == (text,)
