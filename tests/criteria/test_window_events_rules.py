"""Golden extractions for treatments and procedures a criterion dates with a window, and the shared
window phrasings "over the last 3 months", "within the 6 previous months" and "(within past 1-mo)"
(tests/criteria/golden_rules/window_events.yaml, issue #12)."""

from __future__ import annotations

import pytest
from golden_rules_support import golden_tests
from pydantic import ValidationError

from eligo.rules.base import CriterionContext
from eligo.rules.condition import ConditionRule, extract_condition
from eligo.rules.procedure import ProcedureRule, extract_procedure
from eligo.rules.trial_participation import TrialParticipationRule, extract_trial_participation

test_golden, test_every_case_cites_a_real_trial = golden_tests("window_events.yaml")


def _condition(text: str) -> ConditionRule | None:
    read = extract_condition(CriterionContext(text=text, section="exclusion"))
    return read if isinstance(read, ConditionRule) else None


def test_bracketed_month_abbreviation_is_a_window_not_a_qualifier() -> None:
    """"(within past 1-mo)" (NCT03860584's wording) dates the condition; before, it was kept as a
    qualifier of a condition "ever" had, which asked "ever had a stroke (within past 1-mo)?"."""
    rule = _condition("Stroke (within past 1-mo)")
    assert rule is not None and rule.within_months == 1 and rule.qualifier is None and not rule.ever
    six = _condition("Stroke (within 6-mo)")
    assert six is not None and six.within_months == 6


def test_over_the_last_and_number_before_look_back_word() -> None:
    """"over the last 3 months" and "within the 6 previous months" (NCT03928561's order) are windows;
    "over 3 months" alone is a duration and no window."""
    over = _condition("Stroke over the last 3 months")
    assert over is not None and over.within_months == 3
    previous = _condition("Stroke within the 6 previous months")
    assert previous is not None and previous.within_months == 6
    year = _condition("Stroke over the past year")
    assert year is not None and year.within_months == 12
    duration = _condition("Stroke over 3 months")
    assert duration is None or (duration.within_months is None and duration.within_days is None)


def test_window_leads_read_only_before_a_window() -> None:
    """"Treatment with CPAP" without a window is more likely treatment now: no "ever had" reading."""
    assert extract_procedure(CriterionContext(text="Treatment with CPAP", section="exclusion")) is None
    assert extract_procedure(CriterionContext(text="Use of plasma exchange", section="exclusion")) is None


def test_no_x_in_a_window_is_read_only_in_an_inclusion() -> None:
    """An exclusion's "No periodontal therapy in the past 6 months" is a double negative: left alone."""
    text = "No periodontal therapy carried out in the past 6 months"
    assert extract_procedure(CriterionContext(text=text, section="exclusion")) is None
    read = extract_procedure(CriterionContext(text=text, section="inclusion"))
    assert read == ProcedureRule(
        when="past", procedures=("periodontal_treatment",), never=True, within_amount=6, within_unit="months"
    )


def test_a_window_of_a_milestone_alone_does_not_look_back() -> None:
    """"within 4 weeks of randomization" after a bare name may be a procedure still to come."""
    assert extract_procedure(CriterionContext(text="Plasma exchange within 4 weeks of randomization",
                                              section="exclusion")) is None  # fmt: skip


def test_never_with_a_window_is_still_no_planned_or_qualified_reading() -> None:
    with pytest.raises(ValidationError):
        ProcedureRule(when="planned", procedures=("cpap",), never=True, within_amount=1, within_unit="months")
    with pytest.raises(ValidationError):
        ProcedureRule(when="past", procedures=("cpap",), qualifier="elective", within_amount=1, within_unit="months")


def test_another_trial_in_the_past_month() -> None:
    """"within the past month" is one month (the trial-participation kind)."""
    read = extract_trial_participation(
        CriterionContext(text="Participation in any other clinical trial within the past month", section="exclusion")
    )
    assert read == TrialParticipationRule(what="other_trial", amount=1, unit="months")
