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


class ConditionalRule(RuleBase):
    """A requirement that applies only to children with a condition ("For patients with chronic
    HBV, the viral load must be undetectable"; "history of thrombosis unless line-associated").

    `if_present` is the condition as a rule (met = the child has it); `requirement` is the trial's
    own words for what then applies, and `requirement_rule` its typed reading when there is one.
    Evaluation (eligo.matching.evaluate): condition known absent -> not_applicable; present ->
    the requirement's verdict, or unknown with the requirement as the question when untyped;
    condition unknown -> unknown. In an exclusion the requirement states what then excludes.
    """

    kind: Literal["conditional"] = "conditional"
    if_present: Rule
    condition: str = Field(min_length=3)  # parents' words for the condition ("hepatitis B")
    requirement: str = Field(min_length=3)
    requirement_rule: Rule | None = None

    def question(self, section: Section) -> str:
        from eligo.criteria.rules.clinical import clinical_vocab

        template = clinical_vocab().questions[f"conditional_{section}"]
        requirement = self.requirement[0].upper() + self.requirement[1:]
        return template.format(condition=self.condition, requirement=requirement.rstrip(". "))


Rule = Annotated[Union[ClinicalRule, LabRule, TherapyRule, AllOf, AnyOf, ConditionalRule], Field(discriminator="kind")]

AllOf.model_rebuild()
AnyOf.model_rebuild()
ConditionalRule.model_rebuild()

RULE_ADAPTER: TypeAdapter[Rule] = TypeAdapter(Rule)

__all__ = ["RULE_ADAPTER", "AllOf", "AnyOf", "ConditionalRule", "CriterionContext", "Rule", "RuleBase", "Section"]
