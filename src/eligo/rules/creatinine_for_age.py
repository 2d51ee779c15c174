"""The creatinine-for-age rule kind (the age/sex creatinine table): model, question, evaluator and
record. The lab-threshold step reads it from a criterion's rows."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

from eligo.patients.profile import PatientProfile, Sex
from eligo.rules._labs import (
    _missing_result,
    _question,
    _shown,
    _stale_note,
    _when,
    lab_wording,
    latest_result,
    per_canonical,
    value_in,
)
from eligo.rules.base import RuleBase, Section
from eligo.rules.kind import RuleKind
from eligo.rules.verdicts import Outcome
from eligo.units import UnitError, format_number, plausible, satisfies


class AgeSexLimit(BaseModel):
    """One row of an age/sex table: the limit for ages in [min_months, max_months)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    min_months: int = Field(ge=0)
    max_months: int | None = Field(default=None, gt=0)  # None: no upper age bound
    male: float = Field(gt=0)
    female: float = Field(gt=0)

    @model_validator(mode="after")
    def _order(self) -> AgeSexLimit:
        if self.max_months is not None and self.max_months <= self.min_months:
            raise ValueError("an age row must end after it starts")
        return self



def _ages(low: int, high: int | None) -> str:
    """A table row's ages as a parent reads them: "age 2 to under 6", "age 16 and over" (whole years where the
    table has them), else in months ("age 3 to under 18 months")."""
    if low % 12 == 0 and (high is None or high % 12 == 0):
        if high is None:
            return f"age {low // 12} and over"
        return f"under age {high // 12}" if low == 0 else f"age {low // 12} to under {high // 12}"
    if high is None:
        return f"age {low} months and over"
    return f"under {high} months" if low == 0 else f"age {low} to under {high} months"

class CreatinineForAgeRule(RuleBase):
    """Serum creatinine at or below an age- and sex-specific limit (the COG/NANT table).

    The rows are the *maximum allowed* values: in the COG protocols the same table is headed
    "Maximum Serum Creatinine (mg/dL)" and was derived from the Schwartz formula as about
    1.5 × the normal for age. `stated_multiple` keeps the "1.5 x normal for age" the trial
    wrote, for display; it is not applied again to the rows.
    """

    kind: Literal["creatinine_for_age"] = "creatinine_for_age"
    test: Literal["creatinine"] = "creatinine"
    comparator: Literal["<=", "<"] = "<="
    rows: tuple[AgeSexLimit, ...] = Field(min_length=1)
    unit: str = "mg/dL"
    stated_multiple: float | None = Field(default=None, gt=0)
    # The table's unit per canonical unit (`_labs.per_canonical`), set when the rule is made.
    _per_canonical: float | str = PrivateAttr(default=1.0)

    def model_post_init(self, context: Any, /) -> None:
        self._per_canonical = per_canonical(self.test, self.unit)

    def limits_text(self) -> str:
        parts = []
        for row in self.rows:
            limit = (
                format_number(row.male)
                if row.male == row.female
                else f"{format_number(row.male)} boys / {format_number(row.female)} girls"
            )
            parts.append(f"{_ages(row.min_months, row.max_months)}: {limit}")
        return f"{'; '.join(parts)} {self.unit}"

    def question(self, section: Section) -> str:
        return _question("creatinine_for_age", limits=self.limits_text())


def evaluate_creatinine_for_age(rule: CreatinineForAgeRule, profile: PatientProfile, on: date) -> Outcome:
    months = profile.age_in_months_on(on)
    if months is None:
        return Outcome.unknown(
            "The child's age is not known, so the creatinine limit for age cannot be chosen.", "birth_date"
        )
    row = next(
        (r for r in rule.rows if r.min_months <= months and (r.max_months is None or months < r.max_months)), None
    )
    if row is None:
        return Outcome.unknown(f"The trial's creatinine table has no row for age {months} months.")
    result = latest_result(profile, "creatinine", on)
    if result is None:
        return _missing_result("creatinine", "creatinine")
    if result.unit is None:
        return Outcome.unknown(
            f"Creatinine {format_number(result.value)} {_when(result)} has no unit recorded.", "labs.creatinine"
        )
    try:
        # Both converted once: the result when the profile was loaded, the table's factor when the rule was made.
        canonical = result.canonical_value
        value = value_in(result, rule._per_canonical)
    except UnitError as error:
        return Outcome.unknown(f"Cannot read the creatinine result: {error}.", "labs.creatinine")
    if not plausible("creatinine", canonical):
        return Outcome.unknown(
            "The creatinine value is outside the plausible range; please check it.", "labs.creatinine"
        )
    written = _shown(result.value, result.unit_shown)
    converted = _shown(value, rule.unit)
    shown = written if written == converted else f"{written} = {converted}"
    symbol = "≤" if rule.comparator == "<=" else "<"
    head = f"Creatinine {shown} {_when(result)} at age {months} months"
    stale = _stale_note(result, on)
    if profile.sex is not None:
        limit = row.male if profile.sex is Sex.MALE else row.female
        evidence = f"{head} ({profile.sex.value}); the trial needs {symbol} {_shown(limit, rule.unit)}.{stale}"
        return Outcome.met(evidence) if satisfies(value, rule.comparator, limit) else Outcome.not_met(evidence)
    low, high = sorted((row.male, row.female))
    if satisfies(value, rule.comparator, low):
        return Outcome.met(f"{head}; within the limit for either sex ({symbol} {_shown(low, rule.unit)}).{stale}")
    if not satisfies(value, rule.comparator, high):
        return Outcome.not_met(f"{head}; above the limit for either sex ({symbol} {_shown(high, rule.unit)}).{stale}")
    return Outcome.unknown(
        f"{head}; the limit is {_shown(row.male, rule.unit)} for boys and {_shown(row.female, rule.unit)} "
        f"for girls, and the child's sex is not recorded.{stale}",
        "sex",
    )


KIND = RuleKind(
    CreatinineForAgeRule, lab_wording, ("creatinine_for_age",), evaluate_creatinine_for_age,
    produced_by="lab_threshold",
)  # fmt: skip

__all__ = ["KIND", "AgeSexLimit", "CreatinineForAgeRule", "evaluate_creatinine_for_age"]
