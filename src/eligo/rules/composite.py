"""The composite rule kinds: all_of, any_of and conditional, whose parts are rules of any kind.

`Rule` (the union of every kind) is built by `eligo.rules.registry` from the registered kinds, which
then resolves these models' forward references; importing this module alone leaves them incomplete.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from eligo.rules._clinical import clinical_vocab
from eligo.rules.base import RuleBase, Section

if TYPE_CHECKING:
    from eligo.rules.registry import Rule


def _joined(template_key: str, questions: list[str]) -> str:
    """The parts' questions in order, each joined to the next by the template ("{first} And: {rest}")."""
    template = clinical_vocab().questions[template_key]
    joined = questions[-1]
    for question in reversed(questions[:-1]):
        joined = template.format(first=question, rest=joined)
    return joined


class AllOf(RuleBase):
    """Every part must hold (one criterion that states several conditions)."""

    kind: Literal["all_of"] = "all_of"
    rules: tuple[Rule, ...] = Field(min_length=2)

    def question(self, section: Section) -> str:
        return _joined("all_of", [rule.question(section) for rule in self.rules])


class AnyOf(RuleBase):
    """At least one part must hold ("creatinine ≤ ULN OR GFR ≥ 70 mL/min/1.73 m²")."""

    kind: Literal["any_of"] = "any_of"
    rules: tuple[Rule, ...] = Field(min_length=2)

    def question(self, section: Section) -> str:
        return _joined("any_of", [rule.question(section) for rule in self.rules])


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
        template = clinical_vocab().questions[f"conditional_{section}"]
        requirement = self.requirement[0].upper() + self.requirement[1:]
        return template.format(condition=self.condition, requirement=requirement.rstrip(". "))


__all__ = ["AllOf", "AnyOf", "ConditionalRule"]
