"""The JSON shape of `eligo schedule --format json` (docs/schemas/schedule.json, generated from `SchedulePayload`)."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import Field

from eligo.schedule.days import expected_days
from eligo.schedule.records import Record, ScheduledDay, TrialSchedule, WeeksSummary
from eligo.schedule.weeks import summarise
from eligo.trials.model import Trial


class SchedulePayload(Record):
    """A trial's schedule as read from its text, what it means for the family's weeks, and (with a start
    date) the expected days of the first cycles."""

    nct_id: str
    title: str
    schedule: TrialSchedule
    weeks: WeeksSummary
    start: date | None = None
    cycles: int = Field(ge=1)
    calendar: tuple[ScheduledDay, ...] = ()
    caveat: str


def build_payload(
    trial: Trial, schedule: TrialSchedule, start: date | None, *, cycles: int = 2, arm: str | None = None
) -> SchedulePayload:
    weeks = summarise(schedule)
    calendar = tuple(expected_days(schedule, start, cycles=cycles, arm=arm)) if start is not None else ()
    return SchedulePayload(
        nct_id=trial.nct_id,
        title=trial.title,
        schedule=schedule,
        weeks=weeks,
        start=start,
        cycles=cycles,
        calendar=calendar,
        caveat=weeks.caveat,
    )


def payload(trial: Trial, schedule: TrialSchedule, start: date | None) -> dict[str, Any]:
    return build_payload(trial, schedule, start).model_dump(mode="json")


def schedule_schema() -> dict[str, Any]:
    """The JSON Schema of `SchedulePayload` as serialised (docs/schemas/schedule.json; a test keeps it current)."""
    schema = SchedulePayload.model_json_schema(mode="serialization")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "eligo:schedule",
        **schema,
        "title": "eligo schedule --format json",
    }
