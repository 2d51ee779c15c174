"""Golden extractions for more phrasings of events inside a time window: windows counted from the
study treatment or entry, an umbrella's closing window, transfusions in a window
(tests/criteria/golden_rules/windows_more.yaml, issue #12)."""

from __future__ import annotations

from golden_rules_support import golden_tests

from eligo.rules.base import CriterionContext
from eligo.rules.condition import ConditionRule, extract_condition
from eligo.rules.recent_surgery import RecentSurgeryRule, extract_recent_surgery

test_golden, test_every_case_cites_a_real_trial = golden_tests("windows_more.yaml")


def test_recent_surgery_in_the_past_month_is_one_month() -> None:
    """A window without a number is one of its unit, asked as "in the last month" (not "1 month")."""
    rule = extract_recent_surgery(CriterionContext(text="Major surgery within the past month", section="exclusion"))
    assert rule == RecentSurgeryRule(amount=1, unit="months")
    assert "in the last month?" in rule.question("exclusion")
    assert extract_recent_surgery(CriterionContext(text="Surgery within the past", section="exclusion")) is None


def test_umbrella_closing_window_dates_the_umbrella() -> None:
    """An umbrella's closing window ("Severe infection within 4 weeks prior to initiation of study
    treatment, including, but not limited to, ...", the Genentech wording) dates the whole umbrella;
    one example with a window of its own leaves it alone."""
    read = extract_condition(
        CriterionContext(
            text="Severe infection within 4 weeks prior to initiation of study treatment, including, but not "
            "limited to, hospitalization for complications of infection, bacteremia, or severe pneumonia",
            section="exclusion",
        )
    )
    assert read == ConditionRule(conditions=("bacteremia",), label="Severe infection", open_ended=True, within_days=28)
    assert read.question("exclusion").endswith("in the last 4 weeks?")
    two = extract_condition(
        CriterionContext(
            text="Cardiac disease within 6 months, including but not limited to myocardial infarction within 3 months",
            section="exclusion",
        )
    )
    assert not (isinstance(two, ConditionRule) and (two.within_months or two.within_days))
