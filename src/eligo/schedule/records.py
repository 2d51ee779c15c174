"""The treatment-schedule records: what a trial's registry text says about each arm's agents, days and cycles."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class Record(BaseModel):
    """Base for every schedule record: immutable, no unknown fields."""

    # Every field is always written, so the generated schema of the JSON output lists them all as required.
    model_config = ConfigDict(frozen=True, extra="forbid", json_schema_serialization_defaults_required=True)


class Route(StrEnum):
    """How an agent is given, in the words a family would use."""

    IV = "iv"
    ORAL = "oral"
    SUBCUTANEOUS = "subcutaneous"
    RADIATION = "radiation"
    INTRAMUSCULAR = "intramuscular"
    INTRATHECAL = "intrathecal"


class DurationUnit(StrEnum):
    DAYS = "days"
    WEEKS = "weeks"
    MONTHS = "months"
    YEARS = "years"


# Average lengths so that "2 years" and "101 weeks" compare; months and years are never exact days.
UNIT_DAYS: dict[DurationUnit, float] = {
    DurationUnit.DAYS: 1.0,
    DurationUnit.WEEKS: 7.0,
    DurationUnit.MONTHS: 30.4375,
    DurationUnit.YEARS: 365.25,
}


class Duration(Record):
    """A length as the registry wrote it ("101 weeks", "5 years"), with its approximate days."""

    amount: float = Field(gt=0)
    unit: DurationUnit

    @property
    def days(self) -> float:
        return self.amount * UNIT_DAYS[self.unit]

    @property
    def text(self) -> str:
        amount = int(self.amount) if self.amount == int(self.amount) else self.amount
        unit = self.unit.value[:-1] if amount == 1 else self.unit.value
        return f"{amount} {unit}"


class AgentDose(Record):
    """One agent in one arm: its route, the days of the cycle it is given on, and how long each infusion lasts."""

    name: str
    route: Route | None = None
    # Days within a cycle, 1-based; negative for days before day 1 ("days -4 to 0" of GM-CSF priming).
    days: tuple[int, ...] = ()
    # "daily" with no day list: every day of the cycle (only meaningful with a cycle length).
    every_day: bool = False
    # The cycles these days apply to ("days 1, 8 and 15 of cycles 1-2"); last_cycle None = all later ones.
    first_cycle: int = Field(default=1, ge=1)
    last_cycle: int | None = Field(default=None, ge=1)
    frequency: str | None = None  # "once daily", "twice daily"
    # The longest infusion stated, in hours, and the words as written ("over 30-60 minutes").
    infusion_hours: float | None = Field(default=None, gt=0)
    infusion_text: str | None = None
    # True when the text says the agent is given as an inpatient (hospital stay), None when it is silent.
    inpatient: bool | None = None
    # The sentence the facts were read from, so a reader can check them.
    evidence: str | None = None


class ProcedureKind(StrEnum):
    STEM_CELL_RESCUE = "stem_cell_rescue"
    STEM_CELL_HARVEST = "stem_cell_harvest"
    SURGERY = "surgery"
    SCAN = "scan"
    MARROW_TEST = "marrow_test"
    RADIATION = "radiation"
    BIOPSY = "biopsy"
    BLOOD_TEST = "blood_test"


class Procedure(Record):
    kind: ProcedureKind
    evidence: str


class ArmSchedule(Record):
    """One arm's schedule; every field is None or empty where the registry text does not say."""

    label: str
    agents: tuple[AgentDose, ...] = ()
    cycle_length_days: int | None = Field(default=None, gt=0)
    cycles: int | None = Field(default=None, gt=0)
    max_duration: Duration | None = None
    # The sentence the cycle length (or, without one, the number of cycles) was read from.
    cycle_evidence: str | None = None
    # Conditions on continuing, as written ("in the absence of disease progression or unacceptable toxicity").
    conditions: tuple[str, ...] = ()
    procedures: tuple[Procedure, ...] = ()
    # Sentences that mention dosing or timing but that the extractor could not read; shown, never guessed.
    unparsed: tuple[str, ...] = ()


class TrialSchedule(Record):
    nct_id: str
    arms: tuple[ArmSchedule, ...] = ()
    follow_up: Duration | None = None
    # True when the follow-up length counts from the first treatment ("5 years after first dose").
    follow_up_from_start: bool = False
    follow_up_evidence: str | None = None
    # Schedule-like sentences from the summary or description that belong to no single arm.
    unparsed: tuple[str, ...] = ()
    # The version of the patterns file, so stored or golden schedules can be compared.
    patterns_version: int


class ArmWeeks(Record):
    """What one arm means for the family's weeks, estimated from the registry text."""

    label: str
    # Counted over the first cycle; None when the text gives no treatment days at all.
    clinic_days_per_cycle: int | None = None
    inpatient_days_per_cycle: int | None = None
    # Injections under the skin (at home or at the clinic) and days whose route the text does not give.
    injection_days_per_cycle: int | None = None
    unstated_days_per_cycle: int | None = None
    home_medicine_days_per_cycle: int | None = None
    # Days with infusions of several hours (a long day at the clinic or a stay).
    long_infusion_days_per_cycle: int | None = None
    cycle_length_days: int | None = None
    treatment_length: Duration | None = None
    summary: str


class WeeksSummary(Record):
    nct_id: str
    arms: tuple[ArmWeeks, ...] = ()
    follow_up: Duration | None = None
    follow_up_from_start: bool = False
    # One sentence for the trial (its first arm with a schedule), e.g.
    # "about 9 clinic days every 4 weeks, for up to 2 years; then check-ups for 5 years".
    summary: str
    caveat: str


class DayKind(StrEnum):
    """Where a day is spent, from the routes of what is given that day."""

    INPATIENT = "inpatient"  # the text says the agent is given as an inpatient
    CLINIC = "clinic"  # an infusion, radiation or another route that needs a hospital or clinic
    INJECTION = "injection"  # an injection under the skin: at home or at the clinic, the text does not say
    UNSTATED = "unstated"  # something is given, but the text does not say how
    HOME = "home"  # medicine by mouth only


class ScheduledDay(Record):
    """One expected day in the family's calendar, counted from the start date they picked."""

    date: date
    arm: str
    cycle: int = Field(ge=1)
    day: int  # day within the cycle as the protocol numbers it (day 1 is the cycle's first day)
    kind: DayKind
    agents: tuple[str, ...] = ()
    # "naxitamab over 30–90 minutes", "dinutuximab infusion over 10 hours"
    notes: tuple[str, ...] = ()
