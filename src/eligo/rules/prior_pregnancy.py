"""The prior-pregnancy rule kind ("At least one past pregnancy", "No past pregnancy"): model, question,
extractor, evaluator and record (issue #12). The profile's `previous_pregnancies` answers it; a boy has
had none, and so has a girl younger than the age pregnancy criteria use (criteria/vocab/clinical.yaml)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Literal

from eligo.patients.profile import PatientProfile, Sex
from eligo.rules._clinical import clinical_vocab, describe_months
from eligo.rules._general import general_wording
from eligo.rules.base import CriterionContext, RuleBase, Section
from eligo.rules.composite import AllOf
from eligo.rules.kind import RuleKind, Step
from eligo.rules.patterns import patterns, short_matches
from eligo.rules.sex import SexRule
from eligo.rules.verdicts import Outcome

if TYPE_CHECKING:
    from eligo.rules.registry import Rule

_PATTERNS = patterns()["prior_pregnancy"]


class PriorPregnancyRule(RuleBase):
    """At least one earlier pregnancy (`any_before` True), or none (False), not counting one now."""

    kind: Literal["prior_pregnancy"] = "prior_pregnancy"
    any_before: bool

    def question(self, section: Section) -> str:
        return general_wording()["prior_pregnancy_some" if self.any_before else "prior_pregnancy_none"]


def extract_prior_pregnancy(context: CriterionContext) -> Rule | None:
    found = short_matches(context.text, context.normalized, len(context.sentences), _PATTERNS.compiled, max_chars=100)
    for match in found:
        rule = PriorPregnancyRule(any_before=match.groupdict().get("none") is None)
        # "Primipara (no previous pregnancies)": a woman pregnant for the first time; a man is not one.
        return AllOf(rules=(SexRule(sex="female"), rule)) if match.groupdict().get("primipara") else rule
    return None


def evaluate_prior_pregnancy(rule: PriorPregnancyRule, profile: PatientProfile, on: date) -> Outcome:
    needs = f"the trial's condition is {'at least one' if rule.any_before else 'no'} earlier pregnancy"
    count, said = profile.previous_pregnancies, f"Earlier pregnancies: {profile.previous_pregnancies}"
    months = profile.age_in_months_on(on)
    young = clinical_vocab().pregnancy.female_min_age_years
    if count is None and profile.sex is not None and profile.sex is not Sex.FEMALE:
        count, said = 0, f"The child is {profile.sex.value}"
    elif count is None and profile.sex is Sex.FEMALE and months is not None and months < young * 12:
        count = 0
        said = f"Age {describe_months(months)} on {on.isoformat()}; Eligo takes a girl under {young} as never pregnant"
    if count is None:
        return Outcome.unknown(
            f"The profile does not say whether she has been pregnant before; {needs}.", "previous_pregnancies"
        )
    return (Outcome.met if (count > 0) == rule.any_before else Outcome.not_met)(f"{said}; {needs}.")


KIND = RuleKind(
    PriorPregnancyRule,
    general_wording,
    ("prior_pregnancy_some", "prior_pregnancy_none"),
    evaluate_prior_pregnancy,
    (Step(extract_prior_pregnancy, _PATTERNS.trigger),),
)

__all__ = ["KIND", "PriorPregnancyRule", "evaluate_prior_pregnancy", "extract_prior_pregnancy"]
