"""The cumulative-dose rule kind: model, question, evaluator and record (the washout step reads it)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field, model_validator

from eligo.patients.profile import PatientProfile
from eligo.rules._therapy import Exposure, _history, _unknown, therapy_wording
from eligo.rules.base import RuleBase, Section
from eligo.rules.drugs import normalize_name, questions
from eligo.rules.kind import RuleKind
from eligo.rules.verdicts import Outcome


class CumulativeDoseRule(RuleBase):
    """The child's total dose so far of a therapy stays within a ceiling ("cumulative 131I-MIBG
    dose will not exceed 60 mCi/kg"). No prior dose counts as zero."""

    kind: Literal["cumulative_dose"] = "cumulative_dose"
    exposure: Exposure
    max_dose: float = Field(gt=0)
    unit: str = Field(min_length=1)
    inclusive: bool = True

    @model_validator(mode="after")
    def _drugs_only(self) -> CumulativeDoseRule:
        if not self.exposure.covers_therapies:
            raise ValueError("cumulative doses apply to drug therapies")
        return self

    def question(self, section: Section) -> str:
        return questions().cumulative_dose.format(
            what=self.exposure.label,
            bound="at most" if self.inclusive else "below",
            max=f"{self.max_dose:g}",
            unit=self.unit,
        )


_MCI_PER_KG = {"mcikg": 1.0, "mbqkg": 1 / 37, "gbqkg": 1000 / 37}  # 1 mCi = 37 MBq


def _per_kg_in(unit: str, target: str) -> float | None:
    """Factor converting `unit` into `target` for activity-per-kg units, or None."""
    source, goal = _MCI_PER_KG.get(normalize_name(unit)), _MCI_PER_KG.get(normalize_name(target))
    return None if source is None or goal is None else source / goal


def evaluate_cumulative_dose(rule: CumulativeDoseRule, profile: PatientProfile, on: date) -> Outcome:
    history = _history(rule.exposure, profile)
    if history.gaps:
        return _unknown([], history.gaps, rule.exposure.label)
    if history.unclassified:
        names = ", ".join(f"'{i.name}'" for i in history.unclassified)
        return Outcome.unknown(f"Eligo does not know which class {names} belongs to.", "therapies")
    total = 0.0
    for item in history.items:
        therapy = item.therapy
        if therapy is None or therapy.cumulative_dose is None or therapy.cumulative_dose_unit is None:
            return Outcome.unknown(f"The dose of {item.name} is not recorded.", "therapies")
        factor = _per_kg_in(therapy.cumulative_dose_unit, rule.unit)
        if factor is None:
            return Outcome.unknown(f"Eligo cannot convert {therapy.cumulative_dose_unit} to {rule.unit}.", "therapies")
        total += therapy.cumulative_dose * factor
    bound = f"{'≤' if rule.inclusive else '<'} {rule.max_dose:g} {rule.unit}"
    if not history.items:
        return Outcome.met(f"No prior {rule.exposure.label} in the recorded history; the trial's limit is {bound}.")
    within = total <= rule.max_dose if rule.inclusive else total < rule.max_dose
    text = f"Cumulative {rule.exposure.label} so far {total:g} {rule.unit}; the trial needs the total to stay {bound}"
    if within:
        return Outcome.met(text + " (the planned dose adds to this; the study team checks the sum).")
    return Outcome.not_met(text + ".")


KIND = RuleKind(
    CumulativeDoseRule, therapy_wording, ("cumulative_dose",), evaluate_cumulative_dose, produced_by="washout"
)

__all__ = ["KIND", "CumulativeDoseRule", "evaluate_cumulative_dose"]
