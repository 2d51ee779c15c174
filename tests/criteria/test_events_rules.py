"""Golden extractions for events in a time window and named procedures (golden_rules/events.yaml,
issue #12), plus the checks of what is not read."""

from __future__ import annotations

import pytest
from golden_rules_support import golden_tests
from pydantic import ValidationError

from eligo.rules.base import CriterionContext
from eligo.rules.extract import extract
from eligo.rules.recent_surgery import RecentSurgeryRule

test_golden, test_every_case_cites_a_real_trial = golden_tests("events.yaml")


@pytest.mark.parametrize(
    "text",
    [
        "Planned major surgery during the study",  # no window
        "Planned major surgery within 12 months",  # a window that may look back
        "Planned surgery within the next 12 months",  # not said to be major
    ],
)
def test_planned_surgery_read_only_with_a_window_ahead(text: str) -> None:
    rule = extract(CriterionContext(text=text, section="exclusion")).rule
    assert rule is None or rule.kind != "recent_surgery", rule


def test_prp_alone_is_not_the_eye_laser() -> None:
    # "PRP" is also platelet-rich plasma.
    rule = extract(CriterionContext(text="PRP within the past 4 months", section="exclusion")).rule
    assert rule is None or rule.kind != "procedure", rule


def test_planned_surgery_is_major_surgery_only() -> None:
    with pytest.raises(ValidationError):
        RecentSurgeryRule(amount=4, unit="weeks", planned=True, any_surgery=True)


@pytest.mark.parametrize(
    "text",
    [
        "Prior radiation to > 25% of bone marrow",
        "Prior radiotherapy to more than 25% of the bone marrow",
        "Prior irradiation of the marrow",
    ],
)
def test_radiation_to_the_marrow_is_not_any_radiation(text: str) -> None:
    rule = extract(CriterionContext(text=text, section="exclusion", cancer_trial=True)).rule
    assert rule is None, rule


@pytest.mark.parametrize(
    "text", ["Planned major surgery within the next 12 months", "Previously enrolled in the study"]
)
def test_read_only_as_an_exclusion(text: str) -> None:
    # As an inclusion the same words would ask for it, which these readings do not say.
    assert extract(CriterionContext(text=text, section="inclusion")).rule is None


@pytest.mark.parametrize("text", ["Patients enrolled in this study", "Previously enrolled in another study"])
def test_this_study_before_needs_already_or_previously_and_this_study(text: str) -> None:
    rule = extract(CriterionContext(text=text, section="exclusion")).rule
    assert rule is None or getattr(rule, "subject", None) != "prior_enrolment", rule
