"""Schedule extraction: a trial's arms, interventions and descriptions read sentence by sentence into a
`TrialSchedule`, with every sentence about timing that could not be read kept in `unparsed`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from eligo.schedule.agents import (
    DaySpec,
    Lexicon,
    agent_clauses,
    agent_name,
    aliases,
    build_lexicon,
    is_agent,
    read_clause,
)
from eligo.schedule.patterns import SchedulePatterns, patterns
from eligo.schedule.records import (
    UNIT_DAYS,
    AgentDose,
    ArmSchedule,
    Duration,
    DurationUnit,
    Procedure,
    ProcedureKind,
    Route,
    TrialSchedule,
)
from eligo.schedule.text import arm_sections, outline, same_arm, sentences
from eligo.trials.model import Intervention, Trial

_MAX_CYCLE_DAYS = 366
_MAX_CYCLES = 200
_MAX_DURATION_DAYS = 30 * 366  # thirty years: beyond that a number is not a treatment or follow-up length


def _unit(word: str) -> DurationUnit | None:
    word = word.lower().rstrip("s")
    for unit in DurationUnit:
        if unit.value.rstrip("s") == word:
            return unit
    return None


def _duration(amount: str, unit_word: str, rules: SchedulePatterns) -> Duration | None:
    number = rules.number(amount)
    unit = _unit(unit_word)
    if number is None or unit is None or number <= 0 or number * UNIT_DAYS[unit] > _MAX_DURATION_DAYS:
        return None
    return Duration(amount=number, unit=unit)


@dataclass(slots=True)
class _Agent:
    name: str
    first_cycle: int
    last_cycle: int | None
    route: Route | None = None
    days: set[int] = field(default_factory=set)
    every_day: bool = False
    frequency: str | None = None
    infusion_hours: float | None = None
    infusion_texts: list[str] = field(default_factory=list)
    inpatient: bool | None = None
    evidence: str | None = None

    def record(self) -> AgentDose:
        return AgentDose(
            name=self.name,
            route=self.route,
            days=tuple(sorted(self.days)),
            every_day=self.every_day and not self.days,
            first_cycle=self.first_cycle,
            last_cycle=self.last_cycle,
            frequency=self.frequency,
            infusion_hours=round(self.infusion_hours, 2) if self.infusion_hours else None,
            infusion_text="; ".join(dict.fromkeys(self.infusion_texts)) or None,
            inpatient=self.inpatient,
            evidence=self.evidence,
        )


@dataclass(slots=True)
class _Arm:
    """One arm while its sentences are read; the first statement of a fact wins, a different one later
    sends its sentence to `unparsed` so that the reader sees both."""

    label: str
    agents: dict[tuple[str, int, int | None], _Agent] = field(default_factory=dict)
    cycle_length_days: int | None = None
    cycles: int | None = None
    max_duration: Duration | None = None
    cycle_evidence: str | None = None
    conditions: list[str] = field(default_factory=list)
    procedures: dict[ProcedureKind, str] = field(default_factory=dict)
    unparsed: list[str] = field(default_factory=list)

    def agent(self, name: str, first_cycle: int, last_cycle: int | None, evidence: str) -> _Agent:
        key = (name.casefold(), first_cycle, last_cycle)
        if key not in self.agents:
            self.agents[key] = _Agent(name, first_cycle, last_cycle, evidence=evidence)
        return self.agents[key]

    def record(self) -> ArmSchedule:
        return ArmSchedule(
            label=self.label,
            agents=tuple(agent.record() for agent in self.agents.values()),
            cycle_length_days=self.cycle_length_days,
            cycles=self.cycles,
            max_duration=self.max_duration,
            cycle_evidence=self.cycle_evidence,
            conditions=tuple(self.conditions),
            procedures=tuple(Procedure(kind=kind, evidence=text) for kind, text in self.procedures.items()),
            unparsed=tuple(dict.fromkeys(self.unparsed)),
        )

    def fill_from(self, shared: _Arm) -> None:
        """Facts stated once for every arm, where this arm's own text is silent."""
        if self.cycle_length_days is None and shared.cycle_length_days is not None:
            self.cycle_length_days = shared.cycle_length_days
            self.cycle_evidence = self.cycle_evidence or shared.cycle_evidence
        if self.cycles is None:
            self.cycles = shared.cycles
        if self.max_duration is None:
            self.max_duration = shared.max_duration
        for condition in shared.conditions:
            if condition not in self.conditions:
                self.conditions.append(condition)
        assessments = {procedure.kind for procedure in patterns().procedures if procedure.assessment}
        for kind, evidence in shared.procedures.items():
            if kind in assessments:
                self.procedures.setdefault(kind, evidence)


@dataclass(slots=True)
class _FollowUp:
    length: Duration | None = None
    evidence: str | None = None
    from_start: bool = False


@dataclass(slots=True)
class _Reader:
    rules: SchedulePatterns
    lexicon: Lexicon
    follow_up: _FollowUp = field(default_factory=_FollowUp)

    def read(self, arm: _Arm, sentence: str, default_agent: str | None = None) -> None:
        """Read one sentence into `arm`; keep it in `arm.unparsed` when it is about timing and says nothing
        the patterns know, or when it contradicts what the arm already holds."""
        if self.rules.follow_up.regex("cue").search(sentence):
            self._follow_up(sentence)
            return
        read_any, conflict = self._cycle_facts(arm, sentence)
        for pattern in self.rules.conditions:
            for match in pattern.regex.finditer(sentence):
                condition = match.group(0).strip(" ,;:")
                if condition not in arm.conditions:
                    arm.conditions.append(condition)
                read_any = True
        for procedure in self.rules.procedures:
            if procedure.regex.search(sentence):
                arm.procedures.setdefault(procedure.kind, sentence)
                read_any = True
        read_any = self._agents(arm, sentence, default_agent) or read_any
        if conflict or (not read_any and self.rules.schedule_cue.regex.search(sentence)):
            arm.unparsed.append(sentence)

    def _cycle_facts(self, arm: _Arm, sentence: str) -> tuple[bool, bool]:
        read_any = conflict = False
        for pattern in self.rules.cycle_length:
            match = pattern.regex.search(sentence)
            if match is None:
                continue
            number = self.rules.number(match.group("n"))
            unit = _unit(match.group("unit"))
            if number is None or unit not in (DurationUnit.DAYS, DurationUnit.WEEKS):
                continue
            days = number * (7 if unit is DurationUnit.WEEKS else 1)
            if not 1 <= days <= _MAX_CYCLE_DAYS:
                continue
            read_any = True
            if arm.cycle_length_days is None:
                arm.cycle_length_days, arm.cycle_evidence = days, sentence
            elif arm.cycle_length_days != days:
                conflict = True
            break
        for pattern in self.rules.cycle_count:
            match = pattern.regex.search(sentence)
            count = self.rules.number(match.group("n")) if match else None
            if count is None or not 1 <= count <= _MAX_CYCLES:
                continue
            read_any = True
            if arm.cycles is None:
                arm.cycles = count
                arm.cycle_evidence = arm.cycle_evidence or sentence
            elif arm.cycles != count:
                conflict = True
            break
        for pattern in self.rules.max_duration:
            match = pattern.regex.search(sentence)
            duration = _duration(match.group("n"), match.group("unit"), self.rules) if match else None
            if duration is None:
                continue
            read_any = True
            if arm.max_duration is None:
                arm.max_duration = duration
            elif arm.max_duration.days != duration.days:
                conflict = True
            break
        return read_any, conflict

    def _agents(self, arm: _Arm, sentence: str, default_agent: str | None) -> bool:
        mentions = self.lexicon.mentions(sentence)
        if mentions:
            clauses = [(clause.names, clause.facts) for clause in agent_clauses(sentence, mentions, self.rules)]
        elif default_agent is not None:
            facts = read_clause(sentence, self.rules)
            clauses = [] if facts.empty else [([default_agent], facts)]
        else:
            return False
        for names, facts in clauses:
            specs: list[DaySpec | None] = [*facts.day_specs] or [None]
            for name in names:
                for spec in specs:
                    first, last = (spec.first_cycle, spec.last_cycle) if spec else (1, None)
                    agent = arm.agent(name, first, last, sentence)
                    if spec:
                        agent.days.update(spec.days)
                    agent.every_day = agent.every_day or facts.every_day
                    agent.route = agent.route or facts.route
                    agent.frequency = agent.frequency or facts.frequency
                    if facts.infusion_hours is not None:
                        agent.infusion_hours = max(agent.infusion_hours or 0, facts.infusion_hours)
                        agent.infusion_texts.extend(facts.infusion_texts)
                    agent.inpatient = agent.inpatient if agent.inpatient is not None else facts.inpatient
        return bool(clauses)

    def _follow_up(self, sentence: str) -> None:
        rules = self.rules.follow_up
        lengths = [
            (match.start(), duration)
            for match in rules.regex("length").finditer(sentence)
            if (duration := _duration(match.group("n"), match.group("unit"), self.rules))
        ]
        length: Duration | None = None
        then = rules.regex("then").search(sentence)
        if lengths and then is not None:
            # "at 30 days, at 2, 4, 6, 9, and 12 months, and then yearly for 4 years": the last visit
            # before "then" plus what follows it.
            # A visit days or weeks after treatment ("at 30 days") is too short to change the length a
            # family reads, and adding it would turn "1 year" into "395 days".
            landmarks = [
                duration
                for match in rules.regex("landmark").finditer(sentence[: then.start()])
                if (duration := _duration(match.group("n"), match.group("unit"), self.rules))
                and duration.unit in (DurationUnit.MONTHS, DurationUnit.YEARS)
            ]
            head = max(landmarks, key=lambda d: d.days, default=None)
            after = [duration for start, duration in lengths if start > then.start()]
            length = _sum(([head] if head else []) + after)
        elif lengths:
            length = max((duration for _, duration in lengths), key=lambda d: d.days)
        from_start = length is not None and rules.regex("from_start").search(sentence) is not None
        if self.follow_up.evidence is None or (length is not None and self.follow_up.length is None):
            self.follow_up = _FollowUp(length, sentence, from_start)


def _sum(parts: list[Duration]) -> Duration | None:
    """Durations added in the largest unit that keeps the total whole ("12 months" + "4 years" = 5 years)."""
    if not parts:
        return None
    months = {DurationUnit.MONTHS: 1, DurationUnit.YEARS: 12}
    if all(part.unit in months for part in parts):
        total = sum(part.amount * months[part.unit] for part in parts)
        if total % 12 == 0:
            return Duration(amount=total / 12, unit=DurationUnit.YEARS)
        return Duration(amount=total, unit=DurationUnit.MONTHS)
    days = sum(part.days for part in parts)
    if days % 7 == 0:
        return Duration(amount=days / 7, unit=DurationUnit.WEEKS)
    return Duration(amount=round(days), unit=DurationUnit.DAYS)


def _single_agent(interventions: list[Intervention]) -> str | None:
    """The one agent an arm gives, whose name its text may leave out ("Intravenous"); None for a regimen."""
    agents = [intervention for intervention in interventions if is_agent(intervention)]
    return agent_name(agents[0]) if len(agents) == 1 else None


_TYPE_PREFIX = re.compile(r"^[A-Za-z ]{2,30}:\s*")


def _arm_interventions(trial: Trial, label: str) -> list[Intervention]:
    """The interventions one arm gives: linked by the intervention's arm labels or named in the arm's
    record (legacy XML writes "Drug: Crizotinib"); an intervention linked to no arm is every arm's."""
    group = next((g for g in trial.arm_groups if g.label == label), None)
    named = {_TYPE_PREFIX.sub("", name).casefold() for name in group.intervention_names} if group else set()
    everyone_named = {_TYPE_PREFIX.sub("", name).casefold() for g in trial.arm_groups for name in g.intervention_names}
    return [
        intervention
        for intervention in trial.interventions
        if label in intervention.arm_group_labels
        or intervention.name.casefold() in named
        or (not intervention.arm_group_labels and intervention.name.casefold() not in everyone_named)
    ]


def _drop_other_arms_agents(arm: _Arm, own: list[Intervention], trial: Trial) -> None:
    """An arm does not give another arm's agent: "a placebo identical to dimethyl fumarate capsules" names
    the drug without giving it."""
    mine = {canonical.casefold() for intervention in own for _, canonical in aliases(intervention)}
    others = {
        canonical.casefold()
        for intervention in trial.interventions
        if intervention not in own
        for _, canonical in aliases(intervention)
    }
    for key in [key for key, agent in arm.agents.items() if agent.name.casefold() in others - mine]:
        del arm.agents[key]


def extract(trial: Trial) -> TrialSchedule:
    rules = patterns()
    reader = _Reader(rules, build_lexicon(trial.interventions))
    plan = outline(trial.detailed_description or "", rules)
    sections, shared_plan = arm_sections(plan, rules)
    labels = [arm.label for arm in trial.arm_groups] or [section.label for section in sections]
    arms = [_Arm(label) for label in labels] or [_Arm(rules.single_arm_label)]
    single = len(arms) == 1

    for arm in arms:
        group = next((g for g in trial.arm_groups if g.label == arm.label), None)
        interventions = list(trial.interventions) if single else _arm_interventions(trial, arm.label)
        if group is not None and group.description:
            default = _single_agent(interventions)
            for sentence in sentences(group.description):
                reader.read(arm, sentence, default)
        for section in sections:
            if single or same_arm(arm.label, section.label):
                for sentence in sentences(section.text):
                    reader.read(arm, sentence)
        for intervention in interventions:
            for sentence in sentences(intervention.description or ""):
                reader.read(arm, sentence, agent_name(intervention))

        if not single:
            _drop_other_arms_agents(arm, interventions, trial)
    # Text written once for the whole trial: read straight into a lone arm; with several arms it only
    # fills what an arm's own text leaves silent, and what it cannot place stays visible on the trial.
    shared = arms[0] if single else _Arm("shared")
    # With several arms, a shared sentence that names an arm ("... (Arm A), or ... (Arm B)") is not
    # about every arm: it fills nothing, and stays visible if it is about timing.
    naming = _Arm("names an arm")
    arm_names = [label.casefold() for label in labels]
    for text in (trial.brief_summary or "", shared_plan):
        for sentence in sentences(text):
            folded = sentence.casefold()
            names_arm = not single and any(name in folded for name in arm_names)
            reader.read(naming if names_arm else shared, sentence)
    if not single:
        for arm in arms:
            arm.fill_from(shared)
    trial_unparsed = () if single else tuple(dict.fromkeys([*shared.unparsed, *naming.unparsed]))
    return TrialSchedule(
        nct_id=trial.nct_id,
        arms=tuple(arm.record() for arm in arms),
        follow_up=reader.follow_up.length,
        follow_up_evidence=reader.follow_up.evidence,
        follow_up_from_start=reader.follow_up.from_start,
        unparsed=trial_unparsed,
        patterns_version=rules.version,
    )
