"""The first cycles' expected days from a start date, and their iCalendar export read back by a real parser."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar

from eligo.schedule import DayKind, extract_schedule, first_cycles, to_ics
from eligo.schedule.days import day_ranges
from tests.schedule.bundled_trials import bundled_trial

START = date(2027, 1, 4)  # a Monday
STAMP = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def test_lenalidomide_first_two_cycles() -> None:
    days = first_cycles(extract_schedule(bundled_trial("NCT01711554")), START)
    assert len(days) == 56  # something is taken every day of both 28-day cycles
    clinic = [day.date for day in days if day.kind is DayKind.CLINIC]
    assert clinic == [START + timedelta(days=n) for n in (7, 8, 9, 10, 35, 36, 37, 38)]  # days 8-11 of each
    assert days[0].date == START and (days[0].cycle, days[0].day) == (1, 1)
    cycle_two = next(day for day in days if day.cycle == 2)
    assert cycle_two.date == date(2027, 2, 1) and cycle_two.day == 1
    day_15 = days[14]
    assert day_15.agents == ("lenalidomide", "isotretinoin") and day_15.kind is DayKind.HOME


def test_priming_days_before_day_one_start_on_the_chosen_date() -> None:
    days = first_cycles(extract_schedule(bundled_trial("NCT03363373")), START)
    assert (days[0].date, days[0].day) == (START, -4)  # GM-CSF from day -4
    day_one = next(day for day in days if day.day == 1 and day.cycle == 1)
    assert day_one.date == START + timedelta(days=5)  # days -4, -3, -2, -1 and 0 come first
    assert day_one.agents == ("GM-CSF", "naxitamab")
    second = next(day for day in days if day.day == 1 and day.cycle == 2)
    assert second.date == day_one.date + timedelta(days=28)
    assert len(days) == 20


def test_no_days_no_calendar() -> None:
    assert first_cycles(extract_schedule(bundled_trial("NCT01370330")), START) == []


def test_a_named_arm_and_an_unknown_arm() -> None:
    schedule = extract_schedule(bundled_trial("NCT04751383"))
    arm_b = first_cycles(schedule, START, cycles=3, arm="Arm B")
    assert {day.arm for day in arm_b} == {"Arm B"}
    assert [day.day for day in arm_b if day.cycle == 3] == [1, 2, 3, 4, 5, 15]  # day 8 only in cycles 1-2
    assert first_cycles(schedule, START, arm="Arm Z") == []


def test_day_ranges() -> None:
    assert day_ranges((1, 2, 3, 5, 8, 9)) == "1-3, 5, 8-9"
    assert day_ranges(range(-4, 6)) == "-4 to 5"


def test_ics_validates_and_holds_the_first_cycle_days_of_nct01711554() -> None:
    trial = bundled_trial("NCT01711554")
    content = to_ics(trial, extract_schedule(trial), START, stamp=STAMP)
    calendar = Calendar.from_ical(content)
    assert calendar["VERSION"] == "2.0" and "Eligo" in str(calendar["PRODID"])
    events = calendar.walk("VEVENT")
    clinic = sorted(event.decoded("DTSTART") for event in events if "clinic day" in str(event["SUMMARY"]))
    assert clinic[:4] == [date(2027, 1, 11), date(2027, 1, 12), date(2027, 1, 13), date(2027, 1, 14)]
    assert clinic[4:] == [date(2027, 2, 8), date(2027, 2, 9), date(2027, 2, 10), date(2027, 2, 11)]
    covered: set[date] = set()
    for event in events:
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        covered.update(start + timedelta(days=n) for n in range((end - start).days))
        # every event says it is an estimate the study team replaces
        assert str(event["SUMMARY"]).startswith("Estimate:")
        assert "estimate" in str(event["DESCRIPTION"]) and "study team" in str(event["DESCRIPTION"])
        assert event["STATUS"] == "TENTATIVE"
        assert event.decoded("DTSTAMP") == STAMP
    first_cycle = {START + timedelta(days=n) for n in range(28)}
    assert first_cycle <= covered
    assert len({str(event["UID"]) for event in events}) == len(events)
    assert "estimate" in str(calendar["X-WR-CALNAME"])


def test_ics_is_reproducible_with_a_pinned_stamp() -> None:
    trial = bundled_trial("NCT03363373")
    schedule = extract_schedule(trial)
    assert to_ics(trial, schedule, START, stamp=STAMP) == to_ics(trial, schedule, START, stamp=STAMP)


def test_ics_without_a_stamp_is_the_same_file_all_day() -> None:
    trial = bundled_trial("NCT01711554")
    schedule = extract_schedule(trial)
    first = to_ics(trial, schedule, START)
    assert to_ics(trial, schedule, START) == first
    stamp = Calendar.from_ical(first).walk("VEVENT")[0].decoded("DTSTAMP")
    assert (stamp.hour, stamp.minute, stamp.second) == (0, 0, 0)
