"""An exclusive lower age limit in years ("over 69 years") inside the year after it (issue #12).

NCT03925142 includes "30-69 years old" and excludes "<30 or >69 years old": counted in whole years 69 and a half
is not over 69, counted in months it is. An age inside that year is left to the study team (unknown); before and
after it the limit decides as before."""

from __future__ import annotations

from datetime import date

import pytest

from eligo.criteria.parse import parse_criteria
from eligo.matching.evaluate import evaluate_rule
from eligo.patients.profile import PatientProfile

ON = date(2026, 12, 1)


def _profile(born: str) -> PatientProfile:
    return PatientProfile.model_validate({"birth_date": born})


def _over_69():  # type: ignore[no-untyped-def]
    node = parse_criteria("Exclusion Criteria:\n\n* <30 or >69 years old\n")[0]
    assert node.rule is not None
    return node.rule


@pytest.mark.parametrize(
    ("born", "verdict"),
    [
        ("1957-06-01", "unknown"),  # 69 years 6 months: over 69 in months, not in whole years
        ("1956-11-01", "met"),  # 70 years 1 month: over 69 however counted
        ("1960-06-01", "not_met"),  # 66 years 6 months: inside 30-69
        ("2000-06-01", "met"),  # 26 years: under 30
    ],
)
def test_over_69_is_left_to_the_study_team_inside_the_year(born: str, verdict: str) -> None:
    outcome = evaluate_rule(_over_69(), _profile(born), ON)
    assert outcome.verdict == verdict
    if verdict == "unknown":
        assert "study team" in outcome.evidence


def test_an_inclusive_lower_limit_is_not_ambiguous() -> None:
    node = parse_criteria("Inclusion Criteria:\n\n* Age ≥ 18 years\n")[0]
    assert node.rule is not None
    assert evaluate_rule(node.rule, _profile("2008-06-01"), ON).verdict == "met"  # 18 years 6 months
