"""The permitted rule kind ("patients with X are eligible"): model, question, evaluator and record.
Its statements are read with the conditional ones (`eligo.rules.conditional.extract_permitted`)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from eligo.patients.profile import PatientProfile
from eligo.rules._clinical import _q, clinical_wording
from eligo.rules.base import RuleBase, Section
from eligo.rules.kind import RuleKind
from eligo.rules.verdicts import Outcome


class PermittedRule(RuleBase):
    """A permissive statement: the trial allows a group it might seem to exclude ("patients with
    known bone marrow disease will be eligible as long as they meet hematologic criteria").

    It states no condition the child must meet, so it always evaluates to not_applicable, with
    the allowance as evidence; the criteria it refers to are evaluated where they are written.
    It counts as computable: no fact and no person is needed to settle it.
    """

    kind: Literal["permitted"] = "permitted"
    who: str = Field(min_length=3)  # plain words: "children with bone marrow disease"
    provided: str | None = None  # the trial's proviso, verbatim ("as long as they meet ...")

    def question(self, section: Section) -> str:
        return _q("permitted", who=self.who)


def evaluate_permitted(rule: PermittedRule, profile: PatientProfile, on: date) -> Outcome:
    proviso = f" ({rule.provided})" if rule.provided else ""
    return Outcome.not_applicable(
        f"The trial allows {rule.who}{proviso}; this statement rules no one out (the other criteria still apply)."
    )


KIND = RuleKind(PermittedRule, clinical_wording, ("permitted",), evaluate_permitted, produced_by="conditional")

__all__ = ["KIND", "PermittedRule", "evaluate_permitted"]
