"""The sex rule kind, read only from the registry's structured `sex` field: model, question,
evaluator and record."""

from __future__ import annotations

from datetime import date
from typing import Literal

from eligo.patients.profile import PatientProfile
from eligo.rules._clinical import _q, clinical_wording
from eligo.rules.base import RuleBase, Section
from eligo.rules.kind import RuleKind
from eligo.rules.verdicts import Outcome


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


KIND = RuleKind(SexRule, clinical_wording, ("sex",), evaluate_sex, from_registry=True)

__all__ = ["KIND", "SexRule", "evaluate_sex"]
