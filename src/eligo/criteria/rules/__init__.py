"""The closed set of rule kinds, as one JSON-discriminated union, plus the composites."""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import Field, TypeAdapter

from eligo.criteria.rules.base import CriterionContext, RuleBase, Section
from eligo.criteria.rules.clinical import ClinicalRule
from eligo.criteria.rules.labs import LabRule
from eligo.criteria.rules.therapy import TherapyRule


class AllOf(RuleBase):
    """Every part must hold (one criterion that states several conditions)."""

    kind: Literal["all_of"] = "all_of"
    rules: tuple[Rule, ...] = Field(min_length=2)

    def question(self, section: Section) -> str:
        return " And: ".join(rule.question(section) for rule in self.rules)


class AnyOf(RuleBase):
    """At least one part must hold ("creatinine ≤ ULN OR GFR ≥ 70 mL/min/1.73 m²")."""

    kind: Literal["any_of"] = "any_of"
    rules: tuple[Rule, ...] = Field(min_length=2)

    def question(self, section: Section) -> str:
        return " Or: ".join(rule.question(section) for rule in self.rules)


Rule = Annotated[Union[ClinicalRule, LabRule, TherapyRule, AllOf, AnyOf], Field(discriminator="kind")]

AllOf.model_rebuild()
AnyOf.model_rebuild()

RULE_ADAPTER: TypeAdapter[Rule] = TypeAdapter(Rule)

__all__ = ["RULE_ADAPTER", "AllOf", "AnyOf", "CriterionContext", "Rule", "RuleBase", "Section"]
