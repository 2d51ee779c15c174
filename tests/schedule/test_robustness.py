"""Any registry text gives a valid schedule, a summary and a calendar: nothing raises, nothing is out of bounds."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from eligo.schedule import extract_schedule, family_weeks, first_cycles
from eligo.trials.model import ArmGroup, Intervention, Trial

_WORDS = st.sampled_from(
    [
        "days", "day", "-4", "0", "1", "21", "28", "999", "to", "and", ",", ".", "IV", "PO", "SC", "orally",
        "over", "hours", "minutes", "every", "weeks", "repeats", "cycles", "courses", "for", "up", "to",
        "followed", "then", "yearly", "years", "months", "ARM A:", "OUTLINE:", "\n\n", "dinutuximab",
        "lenalidomide", "daily", "BID", "of", "subsequent", "inpatient", "(", ")", "stem cell rescue",
    ]
)  # fmt: skip
_TEXT = st.lists(_WORDS, max_size=60).map(" ".join)


@settings(max_examples=150, deadline=None)
@given(description=_TEXT, arm_text=_TEXT, intervention_text=_TEXT)
def test_any_text_gives_a_bounded_schedule(description: str, arm_text: str, intervention_text: str) -> None:
    trial = Trial(
        nct_id="NCT00000009",
        detailed_description=description,
        arm_groups=(ArmGroup(label="Arm A", description=arm_text),),
        interventions=(Intervention(type="DRUG", name="Dinutuximab", description=intervention_text),),
    )
    schedule = extract_schedule(trial)
    for arm in schedule.arms:
        assert arm.cycle_length_days is None or 1 <= arm.cycle_length_days <= 366
        for agent in arm.agents:
            assert all(-400 <= day <= 400 for day in agent.days)
    assert family_weeks(schedule).summary
    days = first_cycles(schedule, date(2027, 1, 4))
    assert days == sorted(days, key=lambda day: day.date)
    assert all(day.date >= date(2027, 1, 4) for day in days)
