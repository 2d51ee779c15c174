"""The high-risk rule kind ("High-risk neuroblastoma"): model, question, extractor, evaluator and record."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Literal

from eligo.patients.profile import PatientProfile
from eligo.rules._clinical import _q, _yes_no, clinical_wording
from eligo.rules.base import CriterionContext, RuleBase, Section
from eligo.rules.composite import AllOf
from eligo.rules.diagnosis import DiagnosisRule
from eligo.rules.kind import RuleKind, Step
from eligo.rules.patterns import patterns
from eligo.rules.verdicts import Outcome

if TYPE_CHECKING:
    from eligo.rules.registry import Rule

_PATTERNS = patterns()["high_risk"]
_SENTENCE = _PATTERNS.regex("sentence")


class RiskGroupRule(RuleBase):
    """The child's neuroblastoma is (or is not) classed as high-risk."""

    kind: Literal["high_risk"] = "high_risk"
    high_risk: bool = True

    def question(self, section: Section) -> str:
        return _q("high_risk" if self.high_risk else "not_high_risk")


def extract_risk_group(context: CriterionContext) -> Rule | None:
    """ "Patients must have high-risk neuroblastoma" (diagnosis and risk group together)."""
    match = _SENTENCE.match(context.text.strip())
    if match is None:
        return None
    return AllOf(rules=(DiagnosisRule(diagnoses=("neuroblastoma",)), RiskGroupRule()))


def evaluate_risk_group(rule: RiskGroupRule, profile: PatientProfile, on: date) -> Outcome:
    needs = "high-risk" if rule.high_risk else "not high-risk"
    if profile.high_risk is None:
        return Outcome.unknown(
            f"The profile does not say whether the disease is high-risk; the trial needs {needs}.", "high_risk"
        )
    verdict = Outcome.met if profile.high_risk == rule.high_risk else Outcome.not_met
    return verdict(f"High-risk: {_yes_no(profile.high_risk)}; the trial needs {needs} disease.")


KIND = RuleKind(
    RiskGroupRule,
    clinical_wording,
    ("high_risk", "not_high_risk"),
    evaluate_risk_group,
    (Step(extract_risk_group, _PATTERNS.trigger),),
)

__all__ = ["KIND", "RiskGroupRule", "evaluate_risk_group", "extract_risk_group"]
