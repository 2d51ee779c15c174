"""What a schedule means for the family's weeks: day counts per cycle and the one-sentence summary."""

from __future__ import annotations

from eligo.schedule import (
    AgentDose,
    ArmSchedule,
    DayKind,
    Duration,
    DurationUnit,
    Route,
    TrialSchedule,
    extract_schedule,
    family_weeks,
)
from tests.schedule.bundled_trials import bundled_trial


def _schedule(*agents: AgentDose, cycle: int | None = 28, **arm: object) -> TrialSchedule:
    return TrialSchedule(
        nct_id="NCT00000001",
        arms=(ArmSchedule.model_validate({"label": "Arm A", "agents": agents, "cycle_length_days": cycle, **arm}),),
        patterns_version=1,
    )


def test_lenalidomide_trial_weeks() -> None:
    weeks = family_weeks(extract_schedule(bundled_trial("NCT01711554")))
    (arm,) = weeks.arms
    assert arm.clinic_days_per_cycle == 4  # dinutuximab IV days 8-11
    assert arm.long_infusion_days_per_cycle == 4  # over 10 hours each
    assert arm.home_medicine_days_per_cycle == 24  # days 1-28 by mouth, less the 4 clinic days
    assert arm.cycle_length_days == 28
    assert arm.treatment_length == Duration(amount=11, unit=DurationUnit.MONTHS)  # 12 x 28 days
    assert weeks.summary == (
        "About 4 clinic days (4 of them with infusions of about 10 hours) and medicine by mouth at home on "
        "24 days, every 4 weeks, for up to 12 cycles (about 11 months); then check-ups (the registry text "
        "does not say for how long)."
    )
    assert "estimate" in weeks.caveat


def test_naxitamab_trial_weeks_say_where_is_not_stated() -> None:
    weeks = family_weeks(extract_schedule(bundled_trial("NCT03363373")))
    (arm,) = weeks.arms
    assert arm.unstated_days_per_cycle == 10 and arm.clinic_days_per_cycle == 0
    assert weeks.summary == (
        "10 treatment days (the registry text does not say whether at home or at the clinic), every 4 weeks, "
        "for up to 101 weeks (about 2 years); then check-ups until 5 years after the first treatment."
    )


def test_the_issues_example_sentence() -> None:
    agents = AgentDose(name="drug", route=Route.IV, days=(1, 2, 3, 4, 5, 8, 15, 22, 23))
    schedule = _schedule(agents, max_duration=Duration(amount=2, unit=DurationUnit.YEARS))
    schedule = schedule.model_copy(update={"follow_up": Duration(amount=5, unit=DurationUnit.YEARS)})
    assert family_weeks(schedule).summary == (
        "About 9 clinic days every 4 weeks, for up to 2 years; then check-ups for up to 5 years."
    )


def test_inpatient_beats_clinic_and_injections_are_neither() -> None:
    weeks = family_weeks(
        _schedule(
            AgentDose(name="a", route=Route.IV, days=(1, 2), inpatient=True),
            AgentDose(name="b", route=Route.SUBCUTANEOUS, days=(3, 4, 5)),
            AgentDose(name="c", route=Route.ORAL, days=(1, 2, 3, 6)),
        )
    )
    (arm,) = weeks.arms
    assert (arm.inpatient_days_per_cycle, arm.injection_days_per_cycle, arm.home_medicine_days_per_cycle) == (2, 3, 1)
    assert weeks.summary.startswith("2 days in hospital, 3 days of injections under the skin")


def test_every_day_medicine_fills_the_cycle_and_later_cycle_days_do_not_count() -> None:
    weeks = family_weeks(
        _schedule(
            AgentDose(name="tablet", route=Route.ORAL, every_day=True),
            AgentDose(name="antibody", route=Route.IV, days=(1, 8, 15), last_cycle=2),
            AgentDose(name="antibody", route=Route.IV, days=(1,), first_cycle=3),
            cycle=21,
        )
    )
    (arm,) = weeks.arms
    assert (arm.clinic_days_per_cycle, arm.home_medicine_days_per_cycle) == (3, 18)


def test_days_without_a_cycle_length_say_so() -> None:
    weeks = family_weeks(_schedule(AgentDose(name="x", route=Route.IV, days=(1,)), cycle=None))
    assert weeks.summary == "1 clinic day in each cycle (the registry text does not say how long a cycle is)."


def test_arms_that_differ_are_named() -> None:
    schedule = TrialSchedule(
        nct_id="NCT00000001",
        arms=(
            ArmSchedule(label="Arm A", agents=(AgentDose(name="x", route=Route.IV, days=(1,)),), cycle_length_days=21),
            ArmSchedule(
                label="Arm B", agents=(AgentDose(name="y", route=Route.ORAL, days=(1, 2)),), cycle_length_days=28
            ),
        ),
        patterns_version=1,
    )
    assert family_weeks(schedule).summary == "Arm A: 1 clinic day every 3 weeks."


def test_day_kinds_cover_every_route() -> None:
    from eligo.schedule.days import day_kind

    assert day_kind([AgentDose(name="r", route=Route.RADIATION)]) is DayKind.CLINIC
    assert day_kind([AgentDose(name="u")]) is DayKind.UNSTATED
    assert (
        day_kind([AgentDose(name="o", route=Route.ORAL), AgentDose(name="s", route=Route.SUBCUTANEOUS)])
        is DayKind.INJECTION
    )
