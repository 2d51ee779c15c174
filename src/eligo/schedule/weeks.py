"""What a schedule means for a family's weeks: clinic, hospital, injection and at-home days per cycle, the
expected length of treatment and follow-up, and one plain sentence (wording from `wording.yaml`)."""

from __future__ import annotations

from collections import Counter

from eligo.schedule.days import cycle_plan, day_kind
from eligo.schedule.records import (
    UNIT_DAYS,
    ArmSchedule,
    ArmWeeks,
    DayKind,
    Duration,
    DurationUnit,
    TrialSchedule,
    WeeksSummary,
)
from eligo.schedule.wording import Wording, wording

_KIND_ORDER = (DayKind.INPATIENT, DayKind.CLINIC, DayKind.INJECTION, DayKind.UNSTATED, DayKind.HOME)
_YEAR_DAYS = UNIT_DAYS[DurationUnit.YEARS]
_MONTH_DAYS = UNIT_DAYS[DurationUnit.MONTHS]


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


def say_length(duration: Duration, words: Wording) -> str:
    """ "101 weeks (about 2 years)", "5 years", "12 months"."""
    amount = int(duration.amount) if duration.amount == int(duration.amount) else duration.amount
    text = words.lengths.of(duration.unit).say(int(amount)) if isinstance(amount, int) else f"{amount} {duration.unit}"
    if duration.unit in (DurationUnit.WEEKS, DurationUnit.MONTHS) and duration.days >= _YEAR_DAYS:
        years = round(duration.days / _YEAR_DAYS * 2) / 2
        if years == int(years):
            in_years = words.lengths.years.say(int(years))
        else:
            in_years = f"{_number(years)} {DurationUnit.YEARS.value}"
        text = words.lengths.in_years.format(length=text, years=in_years)
    return text


def _about(days: int, words: Wording) -> tuple[str, Duration]:
    """A length in days as a family would say it: whole weeks up to ten weeks, else about N months."""
    if days <= 70 and days % 7 == 0:
        duration = Duration(amount=days // 7, unit=DurationUnit.WEEKS)
        return words.lengths.weeks.say(days // 7), duration
    if days <= 70:
        return words.lengths.days.say(days), Duration(amount=days, unit=DurationUnit.DAYS)
    months = max(1, round(days / _MONTH_DAYS))
    return words.lengths.about.format(length=words.lengths.months.say(months)), Duration(
        amount=months, unit=DurationUnit.MONTHS
    )


def _cycle_words(days: int, words: Wording) -> str:
    if days % 7 == 0:
        return words.lengths.weeks.say(days // 7)
    return words.lengths.days.say(days)


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def _follow_up_clause(schedule: TrialSchedule, words: Wording) -> str | None:
    """ "then check-ups for up to 5 years", "... until 5 years after the first treatment", or None."""
    if schedule.follow_up is not None:
        phrase = words.follow_up_from_start if schedule.follow_up_from_start else words.follow_up
        return phrase.format(length=say_length(schedule.follow_up, words))
    return words.follow_up_unknown if schedule.follow_up_evidence is not None else None


def arm_weeks(arm: ArmSchedule, schedule: TrialSchedule) -> ArmWeeks:
    """One arm's first cycle counted by where each day is spent, and its summary sentence."""
    follow_up = schedule.follow_up
    words = wording()
    plan = cycle_plan(arm, 1)
    kinds = {day: day_kind(agents) for day, agents in plan.items()}
    counts = Counter(kinds.values())
    long_days = [
        day
        for day, agents in plan.items()
        if kinds[day] is not DayKind.HOME
        and any((agent.infusion_hours or 0) >= words.long_infusion_hours for agent in agents)
    ]
    longest = max(
        (agent.infusion_hours or 0 for day in long_days for agent in plan[day]),
        default=0.0,
    )
    pieces: list[str] = []
    for kind in _KIND_ORDER:
        if counts[kind]:
            piece = words.day_phrases[kind].say(counts[kind])
            if (
                long_days
                and kind in (DayKind.CLINIC, DayKind.INPATIENT, DayKind.UNSTATED)
                and not any("(" in existing and "hours" in existing for existing in pieces)
            ):
                piece += f" ({words.long_infusions.say(len(long_days), h=_number(round(longest, 1)))})"
            pieces.append(piece)
    treatment_length: Duration | None = arm.max_duration
    length_text: str | None = None
    if arm.max_duration is not None:
        length_text = words.for_duration.format(length=say_length(arm.max_duration, words))
    elif arm.cycles is not None and arm.cycle_length_days is not None:
        about, treatment_length = _about(arm.cycles * arm.cycle_length_days, words)
        length_text = words.for_cycles.say(arm.cycles, length=about)
    elif arm.cycles is not None:
        length_text = words.for_cycles_only.say(arm.cycles)

    if pieces:
        cadence = (
            words.every.format(cycle=_cycle_words(arm.cycle_length_days, words))
            if arm.cycle_length_days
            else words.no_cycle
        )
        # "about 9 clinic days every 4 weeks"; a longer list reads better with a comma before "every".
        joiner = " " if len(pieces) == 1 and "(" not in pieces[0] else ", "
        sentence = f"{_join(pieces)}{joiner}{cadence}"
        if length_text:
            sentence += f", {length_text}"
    elif arm.cycle_length_days:
        sentence = words.no_days.format(cycle=_cycle_words(arm.cycle_length_days, words)).rstrip(".")
    else:
        sentence = ""
    if sentence:
        follow_up_clause = _follow_up_clause(schedule, words)
        if follow_up_clause:
            sentence += f"; {follow_up_clause}"
        summary = sentence[0].upper() + sentence[1:] + "."
    else:
        summary = _agents_only(arm, words)
        if follow_up is not None:
            summary += f" {words.follow_up_alone.format(length=say_length(follow_up, words))}"
    return ArmWeeks(
        label=arm.label,
        clinic_days_per_cycle=counts[DayKind.CLINIC] if plan else None,
        inpatient_days_per_cycle=counts[DayKind.INPATIENT] if plan else None,
        injection_days_per_cycle=counts[DayKind.INJECTION] if plan else None,
        unstated_days_per_cycle=counts[DayKind.UNSTATED] if plan else None,
        home_medicine_days_per_cycle=counts[DayKind.HOME] if plan else None,
        long_infusion_days_per_cycle=len(long_days) if plan else None,
        cycle_length_days=arm.cycle_length_days,
        treatment_length=treatment_length,
        summary=summary,
    )


def _agents_only(arm: ArmSchedule, words: Wording) -> str:
    """What the text does say about agents it gives no days for ("131I-MIBG into a vein (over 30-60 minutes)")."""
    said: list[str] = []
    for agent in arm.agents:
        parts = [agent.name]
        if agent.route is not None:
            parts.append(words.route_words[agent.route])
        if agent.frequency:
            parts.append(agent.frequency)
        if agent.infusion_text:
            parts.append(f"({agent.infusion_text})")
        if len(parts) > 1:
            said.append(" ".join(parts))
    return words.agents_only.format(agents=_join(list(dict.fromkeys(said)))) if said else words.nothing


def summarise(schedule: TrialSchedule) -> WeeksSummary:
    words = wording()
    arms = tuple(arm_weeks(arm, schedule) for arm in schedule.arms)
    described = [
        weeks for arm, weeks in zip(schedule.arms, arms, strict=True) if cycle_plan(arm, 1) or arm.cycle_length_days
    ]
    if not described:
        summary = arms[0].summary if arms else words.nothing
    elif len({weeks.summary for weeks in described}) == 1 and len(described) == len(arms):
        summary = described[0].summary
    else:
        summary = words.another_arm.format(label=described[0].label, summary=described[0].summary)
    return WeeksSummary(
        nct_id=schedule.nct_id,
        arms=arms,
        follow_up=schedule.follow_up,
        follow_up_from_start=schedule.follow_up_from_start,
        summary=summary,
        caveat=words.caveat,
    )
