"""An exclusion's low activity score ("ECOG ≥ 2", "Karnofsky < 70") is read as the scores that exclude, and met
by a child whose latest score is that low (issue #12)."""

from __future__ import annotations

from datetime import date

import pytest

from eligo.patients.profile import PatientProfile
from eligo.rules.base import CriterionContext
from eligo.rules.performance import PerformanceRule, evaluate_performance, extract_performance

ON = date(2026, 12, 3)


@pytest.mark.parametrize(
    ("text", "fields"),
    [
        ("ECOG performance status ≥ 2", {"ecog_min": 2}),
        ("ECOG performance status of 3 or 4", {"ecog_min": 3}),
        ("Poor performance status (ECOG > 2)", {"ecog_min": 3}),
        ("ECOG performance status 2 or more", {"ecog_min": 2}),
        ("Karnofsky performance status < 70", {"karnofsky_max": 60}),
        ("Lansky score ≤ 50", {"lansky_max": 50}),
    ],
)
def test_an_exclusions_low_score_is_read_as_written(text: str, fields: dict[str, int]) -> None:
    assert extract_performance(CriterionContext(text=text, section="exclusion")) == PerformanceRule(**fields)


@pytest.mark.parametrize(
    "text",
    [
        "ECOG 1-2",  # either end could be meant
        "ECOG 0-1",  # a requirement listed among the exclusions
        "ECOG ≥ 2 unless due to bone pain",  # not one limit for everyone
        "ECOG ≥ 2 or Karnofsky < 60",  # two scales in one exclusion
    ],
)
def test_an_unclear_low_score_gives_no_rule(text: str) -> None:
    assert extract_performance(CriterionContext(text=text, section="exclusion")) is None


def _profile(scale: str, score: int) -> PatientProfile:
    return PatientProfile.model_validate({"performance": [{"scale": scale, "score": score, "date": "2026-11-20"}]})


def test_a_low_score_rule_is_met_by_a_low_score_only() -> None:
    rule = PerformanceRule(ecog_min=2)
    assert evaluate_performance(rule, _profile("ecog", 3), ON).verdict == "met"
    assert evaluate_performance(rule, _profile("ecog", 1), ON).verdict == "not_met"
    assert evaluate_performance(rule, _profile("lansky", 40), ON).verdict == "unknown"  # no mapping between scales
    karnofsky = PerformanceRule(karnofsky_max=60)
    assert evaluate_performance(karnofsky, _profile("karnofsky", 60), ON).verdict == "met"
    assert evaluate_performance(karnofsky, _profile("karnofsky", 70), ON).verdict == "not_met"


def test_a_rule_holds_one_direction() -> None:
    with pytest.raises(ValueError, match="not both"):
        PerformanceRule(ecog_max=1, ecog_min=3)
