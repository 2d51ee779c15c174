"""The iCalendar export of a trial's expected first-cycle days, every event marked as an estimate from the
registry text that the study team will replace with the real plan."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from icalendar import Calendar, Event

from eligo.schedule.days import expected_days
from eligo.schedule.records import DayKind, ScheduledDay, TrialSchedule
from eligo.schedule.wording import wording
from eligo.trials.model import SourceFormat, Trial

PRODUCT_ID = "-//Eligo//Treatment schedule estimate//EN"


def _runs(days: list[ScheduledDay]) -> list[list[ScheduledDay]]:
    """Treatment days as events: each clinic, hospital or injection day on its own; consecutive days of
    the same medicine at home as one event, so a month of tablets is not thirty entries."""
    runs: list[list[ScheduledDay]] = []
    for day in days:
        last = runs[-1][-1] if runs else None
        if (
            last is not None
            and day.kind is DayKind.HOME
            and last.kind is DayKind.HOME
            and last.agents == day.agents
            and last.cycle == day.cycle
            and day.date == last.date + timedelta(days=1)
        ):
            runs[-1].append(day)
        else:
            runs.append([day])
    return runs


def _source(trial: Trial) -> str:
    words = wording().calendar
    registry = trial.provenance is None or trial.provenance.source_format is not SourceFormat.OVERLAY
    return words.registry_source if registry else words.other_source


def calendar_bytes(
    trial: Trial,
    schedule: TrialSchedule,
    start: date,
    *,
    cycles: int = 2,
    arm: str | None = None,
    stamp: datetime | None = None,
) -> bytes:
    """The .ics file. `stamp` (DTSTAMP) defaults to the start of today (UTC), so the same request gives
    the same file all day; tests pin it."""
    words = wording().calendar
    moment = stamp or datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    days = expected_days(schedule, start, cycles=cycles, arm=arm)
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", words.name.format(trial=trial.acronym or trial.nct_id))
    calendar.add("x-wr-caldesc", wording().caveat)
    for run in _runs(days):
        first, last = run[0], run[-1]
        agents = ", ".join(first.agents)
        details = "; ".join(first.notes)
        event = Event()
        event.add("uid", f"{trial.nct_id}-{start.isoformat()}-c{first.cycle}-d{first.day}@eligo.estimate")
        event.add("dtstamp", moment if moment.tzinfo else datetime.combine(moment.date(), time(), UTC))
        event.add("dtstart", first.date)
        event.add("dtend", last.date + timedelta(days=1))
        event.add("summary", words.day_titles[first.kind].format(agents=agents))
        event.add(
            "description",
            words.description.format(
                cycle=first.cycle,
                day=first.day if len(run) == 1 else f"{first.day}-{last.day}",
                trial=trial.title,
                nct_id=trial.nct_id,
                arm=first.arm,
                details=f"{details}. " if details else "",
                source=_source(trial),
            ),
        )
        event.add("status", "TENTATIVE")
        event.add("transp", "TRANSPARENT")
        event.add("categories", ["Estimate", "Treatment"])
        calendar.add_component(event)
    return bytes(calendar.to_ical())
