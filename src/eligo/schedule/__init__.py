"""Treatment schedules read from registry text: per-arm agents, days and cycles, and their meaning for a family.

The public interface (kept stable for the web side):

- `extract_schedule(trial) -> TrialSchedule`
- `family_weeks(schedule) -> WeeksSummary` (its `.summary` is one plain sentence)
- `first_cycles(schedule, start, cycles=2, arm=None) -> list[ScheduledDay]`
- `to_ics(trial, schedule, start, cycles=2, arm=None, *, stamp=None) -> bytes`
- `schedule_payload(trial, schedule, start=None) -> dict` (the `eligo schedule --format json` shape)
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from eligo.schedule.records import (
    AgentDose,
    ArmSchedule,
    ArmWeeks,
    DayKind,
    Duration,
    DurationUnit,
    Procedure,
    ProcedureKind,
    Route,
    ScheduledDay,
    TrialSchedule,
    WeeksSummary,
)

if TYPE_CHECKING:
    from eligo.trials.model import Trial

__all__ = [
    "AgentDose",
    "ArmSchedule",
    "ArmWeeks",
    "DayKind",
    "Duration",
    "DurationUnit",
    "Procedure",
    "ProcedureKind",
    "Route",
    "ScheduledDay",
    "TrialSchedule",
    "WeeksSummary",
    "extract_schedule",
    "family_weeks",
    "first_cycles",
    "schedule_payload",
    "to_ics",
]


def extract_schedule(trial: Trial) -> TrialSchedule:
    """Read each arm's agents, routes, days, infusion length, cycle length, cycles or maximum duration,
    conditions and procedures, and the trial's follow-up length, from its arms, interventions and
    descriptions. Nothing is guessed: what could not be read is kept in `unparsed`."""
    from eligo.schedule.extract import extract

    return extract(trial)


def family_weeks(schedule: TrialSchedule) -> WeeksSummary:
    """Clinic, inpatient and at-home days per cycle, total length of treatment and follow-up, and one
    summary sentence per arm and for the trial (wording from `wording.yaml`)."""
    from eligo.schedule.weeks import summarise

    return summarise(schedule)


def first_cycles(schedule: TrialSchedule, start: date, cycles: int = 2, arm: str | None = None) -> list[ScheduledDay]:
    """The expected days of the first `cycles` cycles of one arm (the first arm with a cycle length when
    `arm` is None), with day 1 on `start`, in date order. Empty when the arm's days or cycle are unknown."""
    from eligo.schedule.days import expected_days

    return expected_days(schedule, start, cycles=cycles, arm=arm)


def to_ics(
    trial: Trial,
    schedule: TrialSchedule,
    start: date,
    cycles: int = 2,
    arm: str | None = None,
    *,
    stamp: datetime | None = None,
) -> bytes:
    """An iCalendar file of `first_cycles(...)`, every event marked as an estimate from the registry text
    that the study team will replace with the real plan. `stamp` (the DTSTAMP) defaults to the start of
    today (UTC), so the same request gives the same file all day."""
    from eligo.schedule.ics import calendar_bytes

    return calendar_bytes(trial, schedule, start, cycles=cycles, arm=arm, stamp=stamp)


def schedule_payload(trial: Trial, schedule: TrialSchedule, start: date | None = None) -> dict[str, Any]:
    """The JSON shape of `eligo schedule --format json` (docs/schemas/schedule.json): the schedule, the
    family's weeks and, when `start` is given, the first two cycles' days."""
    from eligo.schedule.payload import payload

    return payload(trial, schedule, start)
