"""Criteria for part of a study or for another person (issue #12, fresh review round): a heading for a
sub-study or a group keeps its section but never decides; items about a donor or a partner, and a
criterion opening with a group's label, give no rule."""

from __future__ import annotations

from datetime import date

import pytest

from eligo.criteria.parse import ParsedCriteria, parse_criteria
from eligo.criteria.sections import heading
from eligo.matching.evaluate import evaluate_trial
from eligo.patients.load import profile_from_data
from eligo.rules.base import CriterionContext
from eligo.rules.extract import extract


@pytest.mark.parametrize(
    "line",
    [
        "Sub-study Exclusion Criteria:",  # NCT03921060
        "Inclusion criteria for mothers",  # NCT03866902
        "Inclusion criteria (control group):",  # NCT03866421
        "Exclusion criteria (non ESRD group) :",  # NCT03921398
        "Inclusion Criteria for Caregivers:",  # NCT03925181
    ],
)
def test_a_heading_for_part_of_the_study_is_scoped(line: str) -> None:
    found = heading(line)
    assert found is not None and found.section is not None and found.scoped


@pytest.mark.parametrize(
    "line",
    ["Exclusion Criteria:", "Key exclusion criteria", "Exclusion Criteria (both groups)", "Patient Inclusion Criteria"],
)
def test_a_heading_for_everyone_is_not_scoped(line: str) -> None:
    found = heading(line)
    assert found is not None and not found.scoped


def test_a_sub_studys_exclusion_never_rules_the_child_out() -> None:
    # NCT03921060: the sub-study's age limit was applied to the whole cystic fibrosis trial.
    text = (
        "Inclusion Criteria:\n* Diagnosis of cystic fibrosis\n\n"
        "Sub-study Exclusion Criteria:\n* Less than 18 years of age\n"
    )
    parsed = ParsedCriteria(nct_id="NCT03921060", criteria=parse_criteria(text))
    limit = next(node for node in parsed.criteria if node.text.startswith("Less than 18"))
    assert (limit.section, limit.section_source) == ("exclusion", "scoped") and limit.rule is not None
    result = evaluate_trial(parsed, profile_from_data({"age_years": 12}), date(2026, 12, 2))
    verdict = next(c for c in result.criteria if c.text.startswith("Less than 18"))
    assert verdict.verdict == "unknown" and not verdict.rules_out
    assert "part of the study" in verdict.evidence
    assert result.verdict != "ineligible"


def test_an_item_about_the_donor_or_a_group_gets_no_rule() -> None:
    donor = CriterionContext(
        text="BMI > 30",
        section="inclusion",
        parent_text="Extended criteria donor graft defined by at least one of the following:",  # NCT03929523
    )
    assert extract(donor).rule is None
    assert extract(donor.with_text("BMI > 30")).rule is None
    control = CriterionContext(
        text="Healthy control group: 1) Age between 30-70 years of old, 2) without diabetes",  # NCT03869411
        section="inclusion",
    )
    assert extract(control).rule is None
    # Without the donor or the group, the same limit is read.
    assert extract(CriterionContext(text="BMI > 30", section="inclusion")).rule is not None
