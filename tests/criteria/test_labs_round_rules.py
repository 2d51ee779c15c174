"""Golden extractions for lab criteria, labs round: test groups, ULN multiples in words, bare numbers read
in the one unit that fits, limits by sex (tests/criteria/golden_rules/labs_round.yaml, issue #12)."""

from __future__ import annotations

from datetime import date
from typing import Any

from golden_rules_support import golden_tests

from eligo.matching.evaluate import evaluate_rule
from eligo.patients.profile import PatientProfile
from eligo.rules.base import CriterionContext
from eligo.rules.extract import extract
from eligo.rules.lab_threshold import extract_lab_thresholds
from eligo.rules.verdicts import CriterionVerdict

test_golden, test_every_case_cites_a_real_trial = golden_tests("labs_round.yaml")


def _rule(text: str, section: str) -> Any:
    return extract(CriterionContext(text=text, section=section)).rule


def _profile(sex: str | None, hemoglobin: float | None) -> PatientProfile:
    labs = (
        []
        if hemoglobin is None
        else [{"test": "hemoglobin", "value": hemoglobin, "unit": "g/dL", "date": "2026-11-20"}]
    )
    return PatientProfile.model_validate({"sex": sex, "labs": labs} if sex else {"labs": labs})


def test_a_limit_by_sex_is_judged_by_the_childs_sex() -> None:
    rule = _rule("haemoglobin ≥ 13 g/dL for men, ≥ 12 for women", "inclusion")
    on = date(2026, 11, 23)
    assert evaluate_rule(rule, _profile("female", 12.5), on).verdict is CriterionVerdict.MET
    assert evaluate_rule(rule, _profile("male", 12.5), on).verdict is CriterionVerdict.NOT_MET
    assert evaluate_rule(rule, _profile("male", 13.0), on).verdict is CriterionVerdict.MET
    assert evaluate_rule(rule, _profile(None, 12.5), on).verdict is CriterionVerdict.UNKNOWN


def test_a_bare_number_is_read_only_in_the_one_unit_that_fits() -> None:
    # g/L for 90 (90 g/dL is no haemoglobin), g/dL for 9; mg/dL or µmol/L for a bilirubin of 17: not read.
    assert _rule("Hemoglobin < 90", "exclusion").unit == "g/L"
    assert _rule("Hemoglobin < 9", "exclusion").unit == "g/dL"
    assert _rule("Total bilirubin > 17", "exclusion") is None
    rule = _rule("Hemoglobin < 90", "exclusion")
    outcome = evaluate_rule(rule, _profile("male", 8.5), date(2026, 11, 23))
    assert outcome.verdict is CriterionVerdict.MET
    assert "assumed" in outcome.evidence


def test_a_comma_binds_less_than_or_and_a_list_ending_in_or_is_not_read() -> None:
    both = _rule("ANC ≥ 1500/µL, platelets ≥ 100,000/µL, creatinine ≤ ULN or GFR ≥ 70 mL/min/1.73 m2", "inclusion")
    assert both is not None and both.kind == "all_of" and [r.kind for r in both.rules][-1] == "any_of"
    text = "documented A1c of ≥ 5.7%, 2-hour post-load glucose of >140, or FBG of >100"  # NCT03861546
    assert extract_lab_thresholds(CriterionContext(text=text, section="inclusion")) is None
