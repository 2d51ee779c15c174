"""The life-expectancy rule kind ("Life expectancy ≥ 6 months"): model, question, extractor, evaluator and record."""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from datetime import date
from typing import Literal

from pydantic import Field

from eligo.patients.profile import PatientProfile
from eligo.rules._clinical import clinical_vocab
from eligo.rules.base import CriterionContext, RuleBase, Section
from eligo.rules.kind import RuleKind, Step
from eligo.rules.patterns import patterns
from eligo.rules.verdicts import Outcome
from eligo.terms import Comparator

_PERIOD_DAYS: dict[str, float] = {"hours": 1 / 24, "days": 1, "weeks": 7, "months": 365.25 / 12, "years": 365.25}
_FROM_SYMBOL: dict[str, Comparator] = {
    "≥": ">=",
    ">": ">",
    "≤": "<=",
    "<": "<",
    "shorter than": "<",
    "longer than": ">",
    "within": "<=",  # "life expectancy within 12 months"
}
_COMPARE: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
}


class LifeExpectancyRule(RuleBase):
    """Expected survival compared with an amount kept exactly as written (6 weeks stays 6 weeks)."""

    kind: Literal["life_expectancy"] = "life_expectancy"
    comparator: Comparator
    amount: int = Field(gt=0, le=1000)
    unit: Literal["hours", "days", "weeks", "months", "years"]

    @property
    def months(self) -> float:
        return self.amount * _PERIOD_DAYS[self.unit] / _PERIOD_DAYS["months"]

    def span_text(self) -> str:
        words = {">=": "at least", ">": "more than", "<=": "at most", "<": "less than"}[self.comparator]
        return f"{words} {self.amount} {self.unit if self.amount != 1 else self.unit[:-1]}"

    def question(self, section: Section) -> str:
        return clinical_vocab().questions["life_expectancy"].format(span=self.span_text())


def extract_life_expectancy(context: CriterionContext) -> LifeExpectancyRule | None:
    block = patterns()["life_expectancy"]
    text = context.normalized.rstrip(".;, ")
    for pattern in block.compiled:
        match = pattern.match(text)
        if match is not None:
            written_unit = match["unit"].lower()
            unit = "hours" if written_unit == "h" else written_unit.rstrip("s") + "s"
            written = match.groupdict().get("comparator")
            return LifeExpectancyRule(
                # no comparator: "Minimum life expectancy of 3 months"
                comparator=_FROM_SYMBOL[written.lower()] if written else ">=",
                amount=block.number(match["amount"]),
                unit=unit,
            )
    return None


def evaluate_life_expectancy(rule: LifeExpectancyRule, profile: PatientProfile, on: date) -> Outcome:
    needs = f"the trial needs {rule.span_text()}"
    months = profile.life_expectancy_months
    if months is None:
        return Outcome.unknown(f"No life expectancy in the profile; {needs}.", "life_expectancy_months")
    holds = _COMPARE[rule.comparator](months, rule.months)
    return (Outcome.met if holds else Outcome.not_met)(f"Life expectancy about {months:g} months; {needs}.")


def _wording() -> Mapping[str, str]:
    return clinical_vocab().questions


KIND = RuleKind(
    LifeExpectancyRule,
    _wording,
    ("life_expectancy",),
    evaluate_life_expectancy,
    (Step(extract_life_expectancy, patterns()["life_expectancy"].trigger),),
)

__all__ = ["KIND", "LifeExpectancyRule", "evaluate_life_expectancy", "extract_life_expectancy"]
