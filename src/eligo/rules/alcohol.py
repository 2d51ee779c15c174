"""The alcohol rule kind ("Excess alcohol (>2 drinks/d)", "Not drinking more than 2 alcoholic drinks
per day"): model, question, extractor, evaluator and record (issue #12). The profile's
`lifestyle.alcohol_drinks_per_week` answers it; a day's drinks are a seventh of the week's average."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from eligo.patients.profile import PatientProfile
from eligo.rules._general import general_wording
from eligo.rules.base import CriterionContext, RuleBase, Section
from eligo.rules.kind import RuleKind, Step
from eligo.rules.patterns import patterns, short_matches
from eligo.rules.verdicts import Outcome
from eligo.terms import Comparator

_PATTERNS = patterns()["alcohol"]
_SYMBOL: dict[str, Comparator] = {"<": "<", "≤": "<=", ">": ">", "≥": ">="}
_NEGATED: dict[Comparator, Comparator] = {"<": ">=", "<=": ">", ">": "<=", ">=": "<"}
_WORDS = {"<": "fewer than", "<=": "at most", ">": "more than", ">=": "at least"}


class AlcoholRule(RuleBase):
    """Standard drinks a `per` (day or week, on average) compared with `value`."""

    kind: Literal["alcohol"] = "alcohol"
    comparator: Comparator
    value: float = Field(ge=0)
    per: Literal["day", "week"]

    def describe(self) -> str:
        return f"{_WORDS[self.comparator]} {self.value:g} alcoholic drinks a {self.per}"

    def question(self, section: Section) -> str:
        comparison = f"{_WORDS[self.comparator]} {self.value:g}"
        return general_wording()["alcohol"].format(comparison=comparison, per=self.per)


def extract_alcohol(context: CriterionContext) -> AlcoholRule | None:
    found = short_matches(context.text, context.normalized, len(context.sentences), _PATTERNS.compiled)
    for match in found:
        comparator = _SYMBOL[match["cmp"]]
        if match["not"]:  # "Not drinking more than 2 drinks per day": at most 2
            comparator = _NEGATED[comparator]
        per: Literal["day", "week"] = "day" if match["day"] or match["day2"] else "week"
        return AlcoholRule(comparator=comparator, value=float(match["num"]), per=per)
    return None


def evaluate_alcohol(rule: AlcoholRule, profile: PatientProfile, on: date) -> Outcome:
    needs = f"the trial's condition is {rule.describe()}"
    weekly = profile.lifestyle.alcohol_drinks_per_week
    if weekly is None:
        return Outcome.unknown(
            f"The profile does not say how much alcohol the child drinks; {needs}.", "lifestyle.alcohol_drinks_per_week"
        )
    amount = weekly / 7 if rule.per == "day" else weekly
    holds = {"<": amount < rule.value, "<=": amount <= rule.value, ">": amount > rule.value, ">=": amount >= rule.value}
    said = f"{weekly:g} drinks a week" + (f" ({amount:.1f} a day)" if rule.per == "day" else "")
    return (Outcome.met if holds[rule.comparator] else Outcome.not_met)(f"{said}; {needs}.")


_DRINKING = frozenset({"alcohol_use", "heavy_drinking", "binge_drinking"})


def alcohol_state(
    name: str, profile: PatientProfile, within_months: float | None, ever: bool
) -> tuple[bool | None, str, bool] | None:
    """What the profile's average drinks a week say of the condition kind's drinking (`alcohol_use`, and
    the heavy or binge drinking within it), in the shape of `eligo.rules.condition._condition_state`; None
    when they do not say. An average of now tells nothing of a window or of ever, and some drinks a week
    say nothing of how heavy (issue #12): only no drinks at all settles the narrower ones."""
    weekly = profile.lifestyle.alcohol_drinks_per_week
    if weekly is None or name not in _DRINKING or within_months is not None or ever:
        return None
    said = f"the profile says the child drinks {weekly:g} alcoholic drinks a week on average"
    if weekly == 0:
        return False, said, True
    return (True, said, True) if name == "alcohol_use" else None


KIND = RuleKind(
    AlcoholRule,
    general_wording,
    ("alcohol",),
    evaluate_alcohol,
    (Step(extract_alcohol, _PATTERNS.trigger),),
)

__all__ = ["KIND", "AlcoholRule", "alcohol_state", "evaluate_alcohol", "extract_alcohol"]
