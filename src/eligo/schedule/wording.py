"""The family-facing schedule wording (`wording.yaml`), loaded once into a typed model."""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from eligo.schedule.records import DayKind, DurationUnit, Route
from eligo.yamlfile import load_model


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Counted(_Model):
    """A phrase in its singular and plural forms."""

    one: str
    many: str

    def say(self, n: int, **fields: object) -> str:
        return (self.one if n == 1 else self.many).format(n=n, **fields)


class Lengths(_Model):
    days: Counted
    weeks: Counted
    months: Counted
    years: Counted
    about: str
    in_years: str

    def of(self, unit: DurationUnit) -> Counted:
        return {
            DurationUnit.DAYS: self.days,
            DurationUnit.WEEKS: self.weeks,
            DurationUnit.MONTHS: self.months,
            DurationUnit.YEARS: self.years,
        }[unit]


class CalendarWording(_Model):
    name: str
    day_titles: dict[DayKind, str]
    description: str
    registry_source: str
    other_source: str

    @model_validator(mode="after")
    def _every_kind(self) -> CalendarWording:
        missing = set(DayKind) - self.day_titles.keys()
        if missing:
            raise ValueError(f"calendar.day_titles lacks {sorted(missing)}")
        return self


class Wording(_Model):
    caveat: str
    route_days: dict[Route, DayKind]
    long_infusion_hours: float = Field(gt=0)
    day_phrases: dict[DayKind, Counted]
    long_infusions: Counted
    every: str
    no_cycle: str
    no_days: str
    for_cycles: Counted
    for_cycles_only: Counted
    for_duration: str
    follow_up: str
    follow_up_from_start: str
    follow_up_unknown: str
    follow_up_alone: str
    nothing: str
    agents_only: str
    route_words: dict[Route, str]
    another_arm: str
    lengths: Lengths
    calendar: CalendarWording

    @model_validator(mode="after")
    def _complete(self) -> Wording:
        for name in ("route_days", "route_words"):
            missing = set(Route) - getattr(self, name).keys()
            if missing:
                raise ValueError(f"{name} lacks {sorted(missing)}")
        missing_kinds = set(DayKind) - self.day_phrases.keys()
        if missing_kinds:
            raise ValueError(f"day_phrases lacks {sorted(missing_kinds)}")
        return self


def load_wording(raw: Any) -> Wording:
    return Wording.model_validate(raw)


@cache
def wording() -> Wording:
    """The shipped wording, validated on first use."""
    return load_model(Wording, "eligo.schedule", "wording.yaml")
