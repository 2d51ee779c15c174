"""Which agents fall on which day of a cycle, where that day is spent, and the expected days of the first
cycles from a start date the family picks."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from eligo.schedule.records import AgentDose, ArmSchedule, DayKind, ScheduledDay, TrialSchedule
from eligo.schedule.wording import wording

# Strongest first: a day with an infusion and a tablet is a clinic day.
_KIND_ORDER = (DayKind.INPATIENT, DayKind.CLINIC, DayKind.INJECTION, DayKind.UNSTATED, DayKind.HOME)


def applies(agent: AgentDose, cycle: int) -> bool:
    return agent.first_cycle <= cycle and (agent.last_cycle is None or cycle <= agent.last_cycle)


def cycle_plan(arm: ArmSchedule, cycle: int) -> dict[int, list[AgentDose]]:
    """Day number within the cycle -> the agents given that day, for one cycle of an arm."""
    plan: dict[int, list[AgentDose]] = {}
    for agent in arm.agents:
        if not applies(agent, cycle):
            continue
        days: Iterable[int] = agent.days
        if not agent.days and agent.every_day and arm.cycle_length_days:
            days = range(1, arm.cycle_length_days + 1)
        for day in days:
            plan.setdefault(day, []).append(agent)
    return dict(sorted(plan.items()))


def day_kind(agents: Iterable[AgentDose]) -> DayKind:
    route_days = wording().route_days
    kinds = set()
    for agent in agents:
        if agent.inpatient:
            kinds.add(DayKind.INPATIENT)
        kinds.add(route_days[agent.route] if agent.route is not None else DayKind.UNSTATED)
    return next((kind for kind in _KIND_ORDER if kind in kinds), DayKind.UNSTATED)


def _notes(agents: Iterable[AgentDose]) -> tuple[str, ...]:
    route_words = wording().route_words
    notes = []
    for agent in agents:
        words = [agent.name]
        if agent.route is not None:
            words.append(route_words[agent.route])
        if agent.infusion_text:
            words.append(agent.infusion_text)
        if agent.frequency:
            words.append(agent.frequency)
        notes.append(" ".join(words))
    return tuple(notes)


def schedule_arm(schedule: TrialSchedule, arm: str | None) -> ArmSchedule | None:
    """The named arm, or the first arm that has days and a cycle length (then the first with days)."""
    if arm is not None:
        return next((candidate for candidate in schedule.arms if candidate.label == arm), None)
    with_days = [candidate for candidate in schedule.arms if cycle_plan(candidate, 1)]
    return next((c for c in with_days if c.cycle_length_days), with_days[0] if with_days else None)


def expected_days(
    schedule: TrialSchedule, start: date, *, cycles: int = 2, arm: str | None = None
) -> list[ScheduledDay]:
    """The treatment days of the first `cycles` cycles. `start` is the first treatment day of cycle 1
    (day -4 when GM-CSF starts four days before day 1), so nothing falls before the date picked. Without
    a cycle length only the first cycle can be placed."""
    chosen = schedule_arm(schedule, arm)
    if chosen is None:
        return []
    if cycles < 1:
        raise ValueError(f"cycles must be at least 1, not {cycles}")
    first_plan = cycle_plan(chosen, 1)
    if not first_plan:
        return []
    offset = min(first_plan)  # the earliest day number, placed on `start`
    count = cycles if chosen.cycle_length_days else 1
    found: list[ScheduledDay] = []
    for cycle in range(1, count + 1):
        cycle_day_one = start + timedelta(days=(1 - offset) + (cycle - 1) * (chosen.cycle_length_days or 0))
        for day, agents in cycle_plan(chosen, cycle).items():
            found.append(
                ScheduledDay(
                    date=cycle_day_one + timedelta(days=day - 1),
                    arm=chosen.label,
                    cycle=cycle,
                    day=day,
                    kind=day_kind(agents),
                    agents=tuple(dict.fromkeys(agent.name for agent in agents)),
                    notes=_notes(agents),
                )
            )
    # A cycle's days before its day 1 (GM-CSF from day -4) can fall before the previous cycle's last days.
    return sorted(found, key=lambda day: (day.date, day.cycle))


def day_ranges(days: Iterable[int]) -> str:
    """Day numbers as a person writes them: (1, 2, 3, 5) -> "1-3, 5"; (-4, ..., 0) -> "-4 to 0"."""
    ordered = sorted(set(days))
    runs: list[tuple[int, int]] = []
    for day in ordered:
        if runs and day == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    parts = []
    for low, high in runs:
        if low == high:
            parts.append(str(low))
        elif low < 0 or high < 0:
            parts.append(f"{low} to {high}")
        else:
            parts.append(f"{low}-{high}")
    return ", ".join(parts)
