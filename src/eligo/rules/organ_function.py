"""The organ-function rule kind (cardiac ejection or shortening fraction): model, question,
extractor, evaluator and record."""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from eligo.patients.profile import PatientProfile
from eligo.rules._clinical import SYMBOL, _q, clinical_wording
from eligo.rules.base import CriterionContext, RuleBase, Section
from eligo.rules.composite import AnyOf
from eligo.rules.kind import RuleKind, Step
from eligo.rules.patterns import patterns
from eligo.rules.verdicts import Outcome
from eligo.terms import Comparator
from eligo.terms import Comparator as Cmp

if TYPE_CHECKING:
    from eligo.rules.registry import Rule

_PATTERNS = patterns()["organ_function"]
_TRAILING_OR = _PATTERNS.regex("trailing_or")
_MEASURE = _PATTERNS.regex("measure")
_MEASURED_BY = _PATTERNS.regex("measured_by")
_FILLER = _PATTERNS.regex("filler")


class OrganFunctionRule(RuleBase):
    """A heart function measurement (echocardiogram or MUGA) against a percentage."""

    kind: Literal["organ_function"] = "organ_function"
    measure: Literal["ejection_fraction", "shortening_fraction"]
    comparator: Comparator
    percent: float = Field(gt=0, lt=100)

    def question(self, section: Section) -> str:
        words = {">=": "at least", ">": "above", "<=": "at most", "<": "below"}[self.comparator]
        measure = "ejection fraction" if self.measure == "ejection_fraction" else "shortening fraction"
        return _q("cardiac", measure=measure, comparator=words, percent=f"{self.percent:g}")


_SYMBOL_CMP: dict[str, Cmp] = {"≥": ">=", ">": ">", "≤": "<=", "<": "<"}


def extract_cardiac(context: CriterionContext) -> Rule | None:
    """Ejection / shortening fraction thresholds, alone or as alternatives."""
    text = context.normalized.rstrip(".; ")
    text = _TRAILING_OR.sub("", text).strip()
    found = list(_MEASURE.finditer(text))
    if not found:
        return None
    remainder = text
    for match in found:
        remainder = remainder.replace(match.group(0), "")
    # How it was measured (echocardiogram, MUGA) does not change the threshold.
    remainder = _MEASURED_BY.sub("", remainder)
    remainder = _FILLER.sub("", remainder)
    if remainder:
        return None
    rules = [
        OrganFunctionRule(
            measure="ejection_fraction"
            if re.search(r"ejection|\bLV ?EF\b", m.group("m"), re.I)
            else "shortening_fraction",
            comparator=_SYMBOL_CMP[m.group("c")],
            percent=float(m.group("v")),
        )
        for m in found
    ]
    return rules[0] if len(rules) == 1 else AnyOf(rules=tuple(rules))


_COMPARE: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
}


def evaluate_organ_function(rule: OrganFunctionRule, profile: PatientProfile, on: date) -> Outcome:
    name = "Ejection fraction" if rule.measure == "ejection_fraction" else "Shortening fraction"
    value = (
        profile.cardiac_ejection_fraction
        if rule.measure == "ejection_fraction"
        else profile.cardiac_shortening_fraction
    )
    needs = f"the trial's condition is {name.lower()} {SYMBOL[rule.comparator]} {rule.percent:g}%"
    if value is None:
        return Outcome.unknown(f"No {name.lower()} in the profile; {needs}.", f"cardiac_{rule.measure}")
    holds = _COMPARE[rule.comparator](value, rule.percent)
    return (Outcome.met if holds else Outcome.not_met)(f"{name} {value:g}%; {needs}.")


KIND = RuleKind(
    OrganFunctionRule,
    clinical_wording,
    ("cardiac",),
    evaluate_organ_function,
    (Step(extract_cardiac, _PATTERNS.trigger),),
)

__all__ = ["KIND", "OrganFunctionRule", "evaluate_organ_function", "extract_cardiac"]
