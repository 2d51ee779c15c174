"""Precision first (issue #12): each real criterion in golden_guards.yaml, parsed under its heading,
gives exactly the rule (or no rule) and the left-out parts a coordinator reading the whole
criterion would write down; plus the checks' own edges."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from eligo.criteria.parse import ParsedCriterion, parse_criteria
from eligo.rules import guards

GOLDEN = Path(__file__).parent / "golden_guards.yaml"
CASES: list[dict[str, Any]] = yaml.safe_load(GOLDEN.read_text(encoding="utf-8"))


def parsed(section: str, text: str) -> ParsedCriterion:
    heading = "Inclusion Criteria:" if section == "inclusion" else "Exclusion Criteria:"
    node = parse_criteria(f"{heading}\n\n* {text}\n")[0]
    assert node.kind == "criterion" and node.section == section
    return node


@pytest.mark.parametrize("case", CASES, ids=[f"{c['nct_id']}-{c['error']}-{i}" for i, c in enumerate(CASES)])
def test_real_criterion_gives_the_whole_rule(case: dict[str, Any]) -> None:
    node = parsed(case["section"], case["text"])
    got = None if node.rule is None else json.loads(node.rule.model_dump_json(exclude_none=True))
    assert got == case["rule"]
    assert list(node.unparsed) == case["unparsed"]
    assert node.partial == bool(case["unparsed"])


def test_every_error_type_of_the_review_has_a_case() -> None:
    errors = {case["error"] for case in CASES}
    assert errors >= {
        "negation missed",
        "part dropped",
        "rule about something else",
        "scope lost",
        "consent swallows criterion",
        "qualifier dropped",
        "duration read as washout",
        "word inside another term",
        "exception applied to everyone",
        "contraception given the wrong sex",
        "ULN multiple read as a value",
    }


def test_negated_consent_asks_the_negative_question() -> None:
    # NCT03921944: "Inability to provide informed consent" excludes a child who cannot consent.
    node = parsed("exclusion", "Inability to provide informed consent")
    assert node.question == "Is your child unable to provide informed consent?"


def test_consent_in_an_inclusion_stays_a_consent_statement() -> None:
    node = parsed("inclusion", "Unable or unwilling to give informed consent")
    assert node.rule is not None and node.rule.kind == "attestation"
    assert json.loads(node.rule.model_dump_json())["subject"] == "consent"


def test_breastfeeding_named_as_advice_is_not_added() -> None:
    # NCT03861637-style wording: nursing mentioned only as an instruction to stop.
    node = parsed(
        "exclusion",
        "Pregnant women are excluded from this study because the drug may harm the fetus. "
        "Breastfeeding should be discontinued if the mother is treated.",
    )
    assert node.rule is not None
    assert json.loads(node.rule.model_dump_json())["breastfeeding"] is False


def test_washout_with_its_own_window_is_kept() -> None:
    # NCT03860350's sibling wording: a plain washout keeps its rule.
    node = parsed("exclusion", "Systemic cancer chemotherapy within 2 weeks prior to study treatment")
    assert node.rule is not None and node.rule.kind == "washout" and not node.partial


def test_plain_age_and_lab_rules_are_untouched() -> None:
    assert parsed("inclusion", "Age between 18 and 30 years").partial is False
    node = parsed("exclusion", "A serum creatinine concentration of > 110 μmol/L")
    assert node.rule is not None and node.rule.kind == "lab_threshold" and not node.partial


def test_inline_numbered_items_are_read_one_by_one() -> None:
    assert guards.enumerated("1. Age over 18 2. Signed consent") == ["Age over 18", "Signed consent"]
    assert guards.enumerated("ALT < 2.5 x ULN. AST < 2.5 x ULN") is None
    assert guards.enumerated("Hemoglobin > 9 g/dL (transfusion allowed)") is None


def test_a_requirement_for_some_patients_is_not_applied_to_everyone() -> None:
    # The issue's own example from its held-out trials (issue #12): "if liver metastases are present:
    # ALT ≤ 5 × ULN" read as ALT ≤ 5 × ULN for everyone.
    assert parsed("inclusion", "If liver metastases are present: ALT ≤ 5 × ULN").rule is None
    # ... and an exception in brackets is left to the family in an exclusion (never decisive).
    node = parsed("exclusion", "Total bilirubin > 1.5 × ULN (unless Gilbert's syndrome)")
    assert node.rule is not None and node.unparsed == ("unless Gilbert's syndrome",)


def _multiples(node: ParsedCriterion) -> list[float | None]:
    assert node.rule is not None
    parts = getattr(node.rule, "rules", (node.rule,))
    return [getattr(part, "uln_multiple", None) for part in parts]


def test_a_multiple_of_normal_the_extractor_read_stays_its_own() -> None:
    # "N times ULN" is the extractor's own multiple; a bilirubin "≤ ULN" beside it stays × 1.
    assert _multiples(parsed("inclusion", "AST ≤ 3 times ULN")) == [3.0]
    node = parsed("inclusion", "Adequate liver function: ALT ≤ 2.5 times ULN, bilirubin ≤ ULN")
    assert _multiples(node) == [2.5, 1.0]


def test_a_multiple_of_normal_in_words_is_the_rules() -> None:
    assert _multiples(parsed("exclusion", "ALT > 2-fold the upper limit of normal")) == [2.0]
    assert _multiples(parsed("exclusion", "ALT twice higher than normal")) == [2.0]
    assert _multiples(parsed("exclusion", "AST or ALT twice higher than normal")) == [2.0, 2.0]
    # Two multiples in words, and no telling which is whose: no rule rather than × 1.
    text = "AST or ALT three times higher than normal, bilirubin twice higher than normal"
    assert parsed("exclusion", text).rule is None


def test_a_compared_number_a_lab_composite_does_not_carry_makes_it_partial() -> None:
    node = parsed("inclusion", "ANC ≥ 1,500/µL, platelets ≥ 100,000/µL, hemoglobin ≥ 9 g/dL")
    assert node.unparsed == () and not node.partial  # every compared number is a part's
    # "HB" is read as haemoglobin now (issue #12, labs and observations): a test Eligo has no name for
    # ("D-dimer") is a compared number no part carries.
    node = parsed("inclusion", "A. D-dimer > 0.5 mg/L; B. ANC > 1.5 * 109/L; C. PLT > 80 * 109 /L")
    assert node.rule is not None and node.partial
