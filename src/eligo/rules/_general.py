"""The vocabulary and wording the general rule kinds share (`criteria/vocab/general.yaml`, issue #12)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from functools import cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from eligo.yamlfile import load_yaml


class Measure(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    display: str
    unit: str
    names: tuple[str, ...] = Field(min_length=1)


class DefinedBy(BaseModel):
    """A condition a measurement defines ("hypertension (BP > 160/100 mmHg)"): general.yaml `defined_by`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    words: str
    measures: tuple[str, ...] = Field(min_length=1)
    direction: Literal["above", "below"]

    @field_validator("words")
    @classmethod
    def _compiles_words(cls, pattern: str) -> str:
        re.compile(pattern)
        return pattern


class Procedure(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    display: str
    phrases: tuple[str, ...] = Field(min_length=1)


class GeneralVocab(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    version: int
    measures: dict[str, Measure]
    defined_by: tuple[DefinedBy, ...] = ()
    questions: dict[str, str]
    age_rewrites: tuple[tuple[str, str], ...] = ()
    # Substitutions (anywhere in one clause) that bring an age limit's spelling to the forms the age
    # kind reads ("19~45 years" -> "19-45 years", "18 y.o." -> "18 years old"); issue #12.
    age_clause_rewrites: tuple[tuple[str, str], ...] = ()
    # Rows for a criterion that is only a bare limit ("55 and older"), matched on its whole text.
    age_whole_rewrites: tuple[tuple[str, str], ...] = ()
    # Words that make an age limit someone else's or another moment's (a mother's age, age at onset).
    age_not_participant: str = r"(?!)"
    age_someone_else: str = r"(?!)"
    # An age word in the clause, or the people it is about just before it: a number of years is an age.
    age_clause_marker: str = r"(?!)"
    age_people_before: str = r"(?!)"
    # A procedure the profile's `contraindications` can answer for -> how a parent reads it.
    contraindication_targets: dict[str, str] = {}
    # Procedures it cannot answer for, asked of the child's doctor and the study team instead.
    contraindication_procedures: dict[str, Procedure] = {}
    # Chemical and material classes an allergy criterion names after a member ("other phenylethylamines").
    allergy_classes: tuple[str, ...] = ()

    def procedure_named(self, written: str) -> Procedure | None:
        """The procedure a whole phrase names ("TMS", "vaginal delivery"), if any."""
        key = " ".join(written.lower().split())
        return next((p for p in self.contraindication_procedures.values() if key in p.phrases), None)

    @field_validator("age_rewrites", "age_clause_rewrites", "age_whole_rewrites")
    @classmethod
    def _compiles(cls, rows: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
        for pattern, _ in rows:
            re.compile(pattern)
        return rows

    @property
    def age_rewrite_patterns(self) -> tuple[tuple[re.Pattern[str], str], ...]:
        return _rewrites(self.age_rewrites)

    @property
    def age_clause_rewrite_patterns(self) -> tuple[tuple[re.Pattern[str], str], ...]:
        return _rewrites(self.age_clause_rewrites)

    @property
    def age_whole_rewrite_patterns(self) -> tuple[tuple[re.Pattern[str], str], ...]:
        return _rewrites(self.age_whole_rewrites)

    def measure_named(self, written: str) -> str | None:
        """The measure a criterion's name for it means ("BMI", "Body mass index (BMI)"), if any."""
        key = " ".join(written.lower().split())
        for name, measure in self.measures.items():
            if key in measure.names:
                return name
        return None


@cache
def _rewrites(rows: tuple[tuple[str, str], ...]) -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple((re.compile(pattern, re.IGNORECASE), replacement) for pattern, replacement in rows)


@cache
def general_vocab() -> GeneralVocab:
    text = resources.files("eligo.criteria").joinpath("vocab/general.yaml").read_text(encoding="utf-8")
    return GeneralVocab.model_validate(load_yaml(text))


def general_wording() -> Mapping[str, str]:
    return general_vocab().questions


UNIT_DAYS: dict[str, float] = {"day": 1, "week": 7, "month": 365.25 / 12, "year": 365.25}


def span_days(amount: int, unit: str) -> int:
    """Days in "4 weeks", "6 months" (unit singular or plural), rounded down."""
    return int(amount * UNIT_DAYS[unit.lower().rstrip("s")])


def span_text(amount: int, unit: str) -> str:
    unit = unit.lower().rstrip("s")
    return f"{amount} {unit}{'' if amount == 1 else 's'}"


def days_since(then: date, on: date) -> int:
    return (on - then).days


__all__ = [
    "UNIT_DAYS",
    "GeneralVocab",
    "Measure",
    "days_since",
    "general_vocab",
    "general_wording",
    "span_days",
    "span_text",
]
