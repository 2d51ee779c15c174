"""`eligo schedule NCT_ID`: a trial's treatment schedule as read from its text, what it means for the family's
weeks, and (with --start) the expected days of the first cycles, also as an iCalendar file (--ics)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from eligo.cli.users import CliError, DbOption, FormatOption, OutputFormat

if TYPE_CHECKING:
    from eligo.schedule.payload import SchedulePayload

MAX_CYCLES = 12


def _open_store(db: str | None) -> Any:
    from eligo.store import open_store

    if db and "://" not in db:
        db = f"sqlite:///{Path(db).expanduser().resolve()}"
    return open_store(db)


def _start(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CliError(f"--start: {value!r} is not a date in YYYY-MM-DD form") from error


def render(data: SchedulePayload) -> str:
    """The schedule for a person at a terminal: summary first, then each arm, then the calendar."""
    from eligo.schedule.days import day_ranges
    from eligo.schedule.wording import wording

    words = wording()
    lines = [f"{data.nct_id}  {data.title}", "", data.weeks.summary, f"({data.caveat})"]
    for arm, weeks in zip(data.schedule.arms, data.weeks.arms, strict=True):
        lines += ["", f"Arm: {arm.label}"]
        if len(data.schedule.arms) > 1:
            lines.append(f"  {weeks.summary}")
        cycle = []
        if arm.cycle_length_days:
            cycle.append(f"every {arm.cycle_length_days} days")
        if arm.cycles:
            cycle.append(f"up to {arm.cycles} cycles")
        if arm.max_duration:
            cycle.append(f"up to {arm.max_duration.text}")
        if cycle:
            lines.append(f"  Cycles: {', '.join(cycle)}")
        for condition in arm.conditions:
            lines.append(f"  Continues: {condition}")
        for agent in arm.agents:
            facts = [words.route_words[agent.route] if agent.route else "route not stated"]
            if agent.frequency:
                facts.append(agent.frequency)
            if agent.infusion_text:
                facts.append(agent.infusion_text)
            if agent.days:
                facts.append(f"days {day_ranges(agent.days)}")
            elif agent.every_day:
                facts.append("every day")
            if agent.last_cycle is None and agent.first_cycle > 1:
                facts.append(f"from cycle {agent.first_cycle}")
            elif agent.last_cycle is not None and agent.last_cycle == agent.first_cycle:
                facts.append(f"cycle {agent.first_cycle} only")
            elif agent.last_cycle is not None:
                facts.append(f"cycles {agent.first_cycle}-{agent.last_cycle}")
            if agent.inpatient:
                facts.append("in hospital")
            lines.append(f"  {agent.name}: {', '.join(facts)}")
        for procedure in arm.procedures:
            lines.append(f"  Procedure: {procedure.kind.value.replace('_', ' ')}")
        for sentence in arm.unparsed:
            lines.append(f"  Not read (as written): {sentence}")
    if data.schedule.follow_up_evidence:
        length = data.schedule.follow_up.text if data.schedule.follow_up else "length not stated"
        lines += ["", f"Follow-up: {length} ({data.schedule.follow_up_evidence})"]
    for sentence in data.schedule.unparsed:
        lines.append(f"Not read (as written): {sentence}")
    if data.start is not None:
        lines += ["", f"Expected days from {data.start.isoformat()} (estimate):"]
        if not data.calendar:
            lines.append("  none: the registry text does not give treatment days")
        for day in data.calendar:
            lines.append(
                f"  {day.date.strftime('%a %Y-%m-%d')}  cycle {day.cycle} day {day.day:>3}  "
                f"{day.kind.value:<9} {', '.join(day.notes)}"
            )
    return "\n".join(lines)


def schedule_command(
    nct_id: Annotated[str, typer.Argument(help="Trial id (NCT number or ELIGO- id)")],
    start: Annotated[
        str | None, typer.Option("--start", help="First treatment day YYYY-MM-DD: list the first cycles' days")
    ] = None,
    cycles: Annotated[int, typer.Option("--cycles", min=1, max=MAX_CYCLES, help="How many cycles to list")] = 2,
    arm: Annotated[str | None, typer.Option("--arm", help="Arm label (default: the first arm with days)")] = None,
    ics: Annotated[
        Path | None, typer.Option("--ics", help="Also write the expected days as an iCalendar file (needs --start)")
    ] = None,
    db: DbOption = None,
    fmt: FormatOption = OutputFormat.text,
) -> None:
    """Show a trial's treatment schedule and what it means for the family's weeks (an estimate)."""
    from eligo.schedule import extract_schedule, to_ics
    from eligo.schedule.payload import build_payload

    try:
        when = _start(start)
        if ics is not None and when is None:
            raise CliError("--ics needs --start YYYY-MM-DD")
        trial = _open_store(db).get(nct_id.strip().upper())
        if trial is None:
            raise CliError(f"{nct_id}: no such trial in the store (import it first)")
        schedule = extract_schedule(trial)
        if arm is not None and arm not in {candidate.label for candidate in schedule.arms}:
            labels = "; ".join(candidate.label for candidate in schedule.arms)
            raise CliError(f"--arm: {trial.nct_id} has no arm {arm!r} (its arms: {labels})")
    except CliError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from error
    data = build_payload(trial, schedule, when, cycles=cycles, arm=arm)
    if ics is not None and when is not None:
        content = to_ics(trial, schedule, when, cycles, arm)
        # Written whole to a temporary name, then renamed: a failed run never leaves half a calendar.
        partial = ics.with_name(f".{ics.name}.partial")
        partial.write_bytes(content)
        partial.replace(ics)
        typer.echo(f"wrote {ics}", err=True)
    if fmt is OutputFormat.json:
        typer.echo(json.dumps(data.model_dump(mode="json"), ensure_ascii=False, indent=2))
    else:
        typer.echo(render(data))
