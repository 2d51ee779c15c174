"""The sex rule kind, read from the registry's structured `sex` field and from a criterion that is
only a sex, with or without an age ("Female", "Male or female", "Men and women, aged 18 to 60
years"): model, question, extractor, evaluator and record.

A criterion naming both sexes rules no one out: it reads as a `permitted` statement (or, with an
age, as the age rule alone); anything after the sex other than an age leaves it unread."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Literal

from eligo.patients.profile import PatientProfile
from eligo.rules._clinical import _q, clinical_wording
from eligo.rules.age import extract_age
from eligo.rules.base import CriterionContext, RuleBase, Section
from eligo.rules.composite import AllOf
from eligo.rules.kind import RuleKind, Step
from eligo.rules.patterns import patterns
from eligo.rules.permitted import PermittedRule
from eligo.rules.verdicts import Outcome

if TYPE_CHECKING:
    from eligo.rules.registry import Rule


class SexRule(RuleBase):
    kind: Literal["sex"] = "sex"
    sex: Literal["female", "male"]

    def question(self, section: Section) -> str:
        return _q("sex", sex="a girl" if self.sex == "female" else "a boy")


def evaluate_sex(rule: SexRule, profile: PatientProfile, on: date) -> Outcome:
    if profile.sex is None:
        return Outcome.unknown(f"The profile does not give the child's sex; the trial needs {rule.sex}.", "sex")
    verdict = Outcome.met if profile.sex.value == rule.sex else Outcome.not_met
    return verdict(f"Sex {profile.sex.value}; the trial needs {rule.sex}.")


def extract_sex(context: CriterionContext) -> Rule | None:
    if context.section != "inclusion" or len(context.text) > 160:
        return None  # "Female patients who are pregnant ..." and the like: other kinds, or free text
    text = context.normalized.strip().rstrip(".;,").strip()
    for pattern in patterns()["sex"].compiled:
        match = pattern.match(text)
        if match is None:
            continue
        sex: SexRule | None = None
        if match["female"] is not None:
            sex = SexRule(sex="female")
        elif match["male"] is not None:
            sex = SexRule(sex="male")
        if match["rest"] is None:
            return sex or PermittedRule(who="children of either sex")
        age = extract_age(context.with_text(match["rest"]))
        if age is None:
            return None
        return age if sex is None else AllOf(rules=(sex, age))
    return None


KIND = RuleKind(
    SexRule,
    clinical_wording,
    ("sex",),
    evaluate_sex,
    (Step(extract_sex, patterns()["sex"].trigger),),
    from_registry=True,
)

__all__ = ["KIND", "SexRule", "evaluate_sex", "extract_sex"]
