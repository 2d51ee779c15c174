"""Group openers (issue #12): "at least two of the following" keeps its count and needs that many items (met
by that many, failed only once too few are left that could be met, never all-of or any-of); an opener for some
patients or part of the study ("For patients with liver metastases:", "In Part 2 only:") scopes its items.
Texts from ../shared/data (LCT NCT03929159, the SIRS criteria; legacy XML NCT01298141)."""

from __future__ import annotations

from datetime import date

import pytest

from eligo.criteria.parse import ParsedCriteria, parse_criteria
from eligo.criteria.tree import split_criteria
from eligo.matching.evaluate import evaluate_trial
from eligo.patients.load import profile_from_data
from eligo.rules.verdicts import CriterionVerdict, TrialVerdict, combine_at_least

MET, NOT_MET, UNKNOWN, NA = (
    CriterionVerdict.MET,
    CriterionVerdict.NOT_MET,
    CriterionVerdict.UNKNOWN,
    CriterionVerdict.NOT_APPLICABLE,
)

SIRS = """Inclusion Criteria:

* Two or more of the following SIRS criteria:
  * Heart rate > 90 beats/minute (min)
  * Age 65 years or older
  * Hemoglobin < 10 g/dL
"""


@pytest.mark.parametrize(
    ("opener", "count"),
    [
        ("Two or more of the following SIRS criteria:", 2),
        ("At least three of the following four criteria:", 3),
        ("Renal disease shown by any 2 of the following:", 2),
        ("A minimum of 2 of the following:", 2),
        ("Patients meet at least three out of the following six conditions:", 3),
        ("Nursing home residents with ≥2 of the following risk factors for atrial fibrillation:", 2),
    ],
)
def test_the_tree_keeps_the_count(opener: str, count: int) -> None:
    tree = split_criteria(f"Inclusion Criteria:\n\n* {opener}\n  * Fever\n  * Cough\n  * Rash\n  * Headache\n")
    (group,) = tree.inclusion
    assert group.group_op == "at_least"
    assert group.min_count == count
    assert len(group.children) == 4


@pytest.mark.parametrize("opener", ["At least one of the following:", "One of the following:"])
def test_one_of_stays_any_of(opener: str) -> None:
    (group,) = split_criteria(f"Inclusion Criteria:\n\n* {opener}\n  * Fever\n  * Cough\n").inclusion
    assert group.group_op == "any"
    assert group.min_count is None


@pytest.mark.parametrize(
    ("verdicts", "expected"),
    [
        ((MET, MET, NOT_MET), MET),
        ((MET, NOT_MET, NOT_MET), NOT_MET),
        ((MET, UNKNOWN, NOT_MET), UNKNOWN),
        ((NOT_MET, UNKNOWN, UNKNOWN), UNKNOWN),
        ((NOT_MET, NOT_MET, UNKNOWN), NOT_MET),
        ((NA, NA), NA),
        ((MET, NA, NOT_MET), NOT_MET),
    ],
)
def test_combine_at_least_two(verdicts: tuple[CriterionVerdict, ...], expected: CriterionVerdict) -> None:
    assert combine_at_least(verdicts, 2) is expected


def _verdict(profile: dict[str, object], text: str = SIRS) -> TrialVerdict:
    parsed = ParsedCriteria(nct_id="NCT03929159", criteria=parse_criteria(text))
    return evaluate_trial(parsed, profile_from_data(profile), date(2026, 12, 2)).verdict


def _profile(born: str, hemoglobin: float) -> dict[str, object]:
    lab = {"test": "hemoglobin", "value": hemoglobin, "unit": "g/dL", "date": "2026-12-01"}
    return {"birth_date": born, "labs": [lab]}


def test_one_item_failing_does_not_rule_the_patient_out() -> None:
    # 70 years old with haemoglobin 9 g/dL: two of the three hold though the heart rate is not known.
    assert _verdict(_profile("1956-01-01", 9)) is TrialVerdict.ELIGIBLE


def test_too_few_left_rules_out_and_one_alone_is_not_enough() -> None:
    # Two fail: the unknown heart rate cannot make two.
    assert _verdict(_profile("2000-01-01", 14)) is TrialVerdict.INELIGIBLE
    # One met, one open: the heart rate decides.
    assert _verdict(_profile("1950-01-01", 14)) is TrialVerdict.POSSIBLY_ELIGIBLE


SCOPED = """Inclusion Criteria:

* For patients with liver metastases, all of the following:
  * AST < 5 x ULN
* In Part 2 only:
  * Age 12 years or older
* For all participants:
  * Hemoglobin > 8 g/dL
"""


def test_items_under_an_opener_for_some_patients_are_scoped() -> None:
    """Issue #12's 'scope lost': "For patients with liver metastases, ...:" and "In Part 2 only:" (as in
    LCT NCT03929159's "For patients in the emergency center only, ...") hold for some patients only."""
    first, second, third = split_criteria(SCOPED).inclusion
    assert [child.section_source for child in first.children] == ["scoped"]
    assert [child.section_source for child in second.children] == ["scoped"]
    assert [child.section_source for child in third.children] == ["heading"]  # "For all participants" is everyone


def test_a_scoped_item_against_the_patient_is_a_question_not_a_reason() -> None:
    # An 8-year-old with AST 8 x ULN: neither scoped item rules them out; "for all participants" still decides.
    profile = {
        "birth_date": "2018-01-01",
        "labs": [
            {"test": "ast", "value": 8, "unit": "x ULN", "date": "2026-12-01"},
            {"test": "hemoglobin", "value": 10, "unit": "g/dL", "date": "2026-12-01"},
        ],
    }
    assert _verdict(profile, SCOPED) is TrialVerdict.POSSIBLY_ELIGIBLE
    # The same items with no opener do rule them out: the scope is what keeps them open.
    unscoped = "Inclusion Criteria:\n\n* AST < 5 x ULN\n* Age 12 years or older\n"
    assert _verdict(profile, unscoped) is TrialVerdict.INELIGIBLE
    profile["labs"][1]["value"] = 7  # type: ignore[index]
    assert _verdict(profile, SCOPED) is TrialVerdict.INELIGIBLE


def test_an_exclusion_says_what_it_is_for_not_what_the_trial_needs() -> None:
    # LCT NCT05381025-style exclusion "Female": met for a woman, and the evidence must not say the trial needs her sex.
    parsed = ParsedCriteria(nct_id="NCT05381025", criteria=parse_criteria("Exclusion Criteria:\n\n* Female\n"))
    result = evaluate_trial(parsed, profile_from_data({"sex": "female"}), date(2026, 12, 2))
    (criterion,) = result.criteria
    assert criterion.rules_out
    assert "the trial needs" not in criterion.evidence
    assert "this exclusion is for female" in criterion.evidence
    # An either-or of limits (LCT NCT02699827 "Age < 20 or > 35 years.") says it too.
    text = "Exclusion Criteria:\n\n* Age < 20 or > 35 years.\n"
    either = ParsedCriteria(nct_id="NCT02699827", criteria=parse_criteria(text))
    (criterion,) = evaluate_trial(either, profile_from_data({"birth_date": "2018-05-14"}), date(2026, 12, 2)).criteria
    assert criterion.rules_out
    assert "the trial needs" not in criterion.evidence


GROUPS = """Inclusion Criteria:

* Patients with Major Depressive Disorder (MDD):
  * Age 18-55
* Patients with Bipolar Disorder (BD):
  * Age 18-55
* Healthy Controls:
  * Age 18-55

Exclusion Criteria:

* Eligibility criteria for the secondary randomisation to stop or continue cotrimoxazole prophylaxis
  * Aged at least 3 years
* Patient's exclusion criteria
* Age above 65 years
"""


def test_sibling_openers_for_groups_of_patients_are_each_scoped() -> None:
    """LCT NCT00055575 lists one inclusion list per group (MDD, bipolar disorder, healthy controls):
    a patient belongs to one group, so no group's items alone rule them out."""
    tree = split_criteria(GROUPS)
    assert [child.section_source for item in tree.inclusion for child in item.children] == ["scoped"] * 3


def test_a_later_randomisation_and_a_possessive_heading() -> None:
    """NCT02028676's secondary randomisation list sits in the exclusion section: its items are scoped, so
    "Aged at least 3 years" there never excludes a child; "Patient's exclusion criteria" (LCT NCT03864055)
    is an exclusion heading."""
    tree = split_criteria(GROUPS)
    sub_study, age = tree.exclusion
    assert [child.section_source for child in sub_study.children] == ["scoped"]
    assert age.text == "Age above 65 years" and age.section_source == "heading"
    profile = {"birth_date": "2018-05-14"}
    text = "Exclusion Criteria:\n\n" + GROUPS.split("Exclusion Criteria:\n\n", 1)[1]
    assert _verdict(profile, text) is not TrialVerdict.INELIGIBLE
    assert _verdict({"birth_date": "1950-01-01"}, text) is TrialVerdict.INELIGIBLE
