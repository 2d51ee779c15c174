"""The transfusion-dependence rule kind: model, question, extractor, evaluator and record."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from eligo.patients.profile import PatientProfile
from eligo.rules._labs import _clean, _count, _days, _question, lab_wording, latest_result
from eligo.rules.base import CriterionContext, RuleBase, Section
from eligo.rules.kind import RuleKind, Step
from eligo.rules.patterns import patterns
from eligo.rules.verdicts import Outcome
from eligo.units import lab_spec

if TYPE_CHECKING:
    from eligo.rules.registry import Rule

_PATTERNS = patterns()["transfusion_dependence"]


class TransfusionDependenceRule(RuleBase):
    """Transfusion dependence: more than `min_units_exclusive` units of a blood product within
    `window_days` ("more than 2 units of RBCs transfused during the 4-week period prior to
    screening"). The profile records only the days since the last transfusion (on the matching
    lab result), so Eligo can say "not dependent" when no transfusion fell in the window and
    otherwise asks."""

    kind: Literal["transfusion_dependence"] = "transfusion_dependence"
    test: Literal["hemoglobin", "platelets"] = "hemoglobin"  # whose result carries the product's history
    min_units_exclusive: int = Field(ge=0)
    window_days: int = Field(gt=0)

    def question(self, section: Section) -> str:
        product = lab_spec(self.test).transfusion_product or self.test
        return _question(
            "transfusion_dependence", units=str(self.min_units_exclusive), product=product, window=str(self.window_days)
        )


_TRANSFUSION_DEPENDENCE = _PATTERNS.regex("transfusion_dependence")


def extract_transfusion_dependence(ctx: CriterionContext) -> Rule | None:
    """Transfusion dependence: "RBC transfusion dependence, defined as requiring more than 2 units
    of RBCs transfused during the 4-week period prior to screening"."""
    match = _TRANSFUSION_DEPENDENCE.search(_clean(ctx.text))
    if match is None:
        return None
    units, count, unit = match.groups()
    return TransfusionDependenceRule(min_units_exclusive=_count(units), window_days=_days(count, unit))


def evaluate_transfusion_dependence(rule: TransfusionDependenceRule, profile: PatientProfile, on: date) -> Outcome:
    product = lab_spec(rule.test).transfusion_product or rule.test
    result = latest_result(profile, rule.test, on)
    if result is None or result.transfused_within_days is None:
        return Outcome.unknown(
            f"Not known how many {product} transfusions the child had in the last {rule.window_days} days.",
            f"labs.{rule.test}.transfused_within_days",
        )
    since = result.transfused_within_days + ((on - result.date).days if result.date else 0)
    if since > rule.window_days:
        return Outcome.not_met(
            f"Last {product} transfusion about {since} days ago, before the {rule.window_days}-day window; "
            f"the trial excludes more than {rule.min_units_exclusive} units within it."
        )
    return Outcome.unknown(
        f"A {product} transfusion about {since} days ago; how many units in the last {rule.window_days} days "
        f"is not recorded (the trial's limit is {rule.min_units_exclusive}).",
        "transfusion_history",
    )


KIND = RuleKind(
    TransfusionDependenceRule,
    lab_wording,
    ("transfusion_dependence",),
    evaluate_transfusion_dependence,
    (Step(extract_transfusion_dependence, _PATTERNS.trigger),),
)

__all__ = ["KIND", "TransfusionDependenceRule", "evaluate_transfusion_dependence", "extract_transfusion_dependence"]
