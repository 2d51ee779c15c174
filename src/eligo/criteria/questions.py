"""The questions a family answers about one criterion, one idea each: its parts and their ids.

A criterion whose rule is a single plain kind is asked as one question under its own id. A
compound criterion (all_of / any_of) is asked part by part, and a conditional one ("for patients
with hepatitis B, …") asks first whether the condition applies and then, only after "Yes", what
the trial asks of children who have it. Each part's answer is keyed "<criterion id>#<n>"; the
criterion's own id keeps working for a whole-criterion answer (`eligo check --answers`).

`units` lists the parts in the one order that both the questions here and the evaluation in
`eligo.matching.evaluate` read, so part n always means the same rule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict

from eligo.rules.base import Section
from eligo.rules.composite import AllOf, AnyOf, ConditionalRule
from eligo.rules.condition import ConditionRule
from eligo.rules.diagnosis import DiagnosisRule
from eligo.yamlfile import load_yaml

if TYPE_CHECKING:
    from eligo.rules.registry import Rule

PART_SEPARATOR = "#"

UnitKind = Literal["leaf", "condition", "requirement"]


@dataclass(frozen=True)
class Unit:
    """One askable idea inside a rule: a plain rule, a conditional's condition, or its untyped requirement."""

    kind: UnitKind
    rule: Rule
    # For a conditional's parts: the conditional itself (whose condition gates the follow-ups).
    owner: ConditionalRule | None = None
    # Index (in `units`) of the condition whose "Yes" this part follows; None when always asked.
    follows: int | None = None


def units(rule: Rule) -> list[Unit]:
    """The rule's askable ideas, in pre-order: composites by their parts, a conditional as its condition
    then its requirement's ideas (each following the condition)."""
    found: list[Unit] = []

    def visit(node: Rule, follows: int | None) -> None:
        if isinstance(node, AllOf | AnyOf):
            for part in node.rules:
                visit(part, follows)
            return
        if isinstance(node, ConditionalRule):
            found.append(Unit("condition", node, node, follows))
            condition = len(found) - 1
            if node.requirement_rule is None:
                found.append(Unit("requirement", node, node, condition))
            else:
                visit(node.requirement_rule, condition)
            return
        found.append(Unit("leaf", node, None, follows))

    visit(rule, None)
    return found


class QuestionPart(BaseModel):
    """One question of a compound or conditional criterion, with the trial's words it asks about."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str  # "<criterion id>#<n>", n from 1
    question: str
    # The trial's own words this part asks about (the requirement, for a conditional's follow-up).
    quote: str = ""
    # The id of the condition part whose "Yes" makes this part relevant; None: always asked.
    follows: str | None = None
    # True for a conditional's condition: "No" makes the criterion not applicable.
    condition: bool = False
    # True for an exception the trial states under the criterion: "Yes" lifts the criterion.
    exception: bool = False


@cache
def _wording() -> dict[str, Any]:
    loaded: dict[str, Any] = load_yaml(
        resources.files("eligo.criteria.vocab").joinpath("questions.yaml").read_text("utf-8")
    )
    parts: dict[str, Any] = loaded["parts"]
    return parts


def part_id(criterion_id: str, index: int) -> str:
    """The answer key of a criterion's part (index from 0 in `units`)."""
    return f"{criterion_id}{PART_SEPARATOR}{index + 1}"


def _condition_question(rule: ConditionalRule) -> str:
    condition = rule.if_present
    if isinstance(condition, ConditionRule | DiagnosisRule | AllOf | AnyOf):
        return str(_wording()["condition"]).format(condition=rule.condition)
    # A disease state or scan finding has its own plain question ("Is your child's cancer persistent …?").
    return condition.question("inclusion")


def _sentence(text: str) -> str:
    text = text.strip().rstrip(" .;,")
    return text[:1].upper() + text[1:]


def exception_in(details: tuple[str, ...]) -> str | None:
    """The first of a criterion's sub-items that states an exception to it, if any."""
    leads = tuple(str(lead).lower() for lead in _wording()["exception_leads"])
    for text in details:
        if text.strip().lower().startswith(leads):
            return text.strip()
    return None


def question_parts(
    criterion_id: str,
    section: Section,
    rule: Rule | None,
    quote: Callable[[str], str],
    exception: str | None = None,
) -> tuple[QuestionPart, ...]:
    """The criterion's questions one idea each; () when its rule is one plain question (or none).

    `quote` shortens the trial's words for display (`eligo.criteria.parse.shorten`); `exception`
    is the trial's exception to the criterion, asked last (after "Yes" to a one-part criterion).
    """
    if rule is None:
        return ()
    found = units(rule)
    if len(found) < 2 and exception is None:
        return ()
    parts: list[QuestionPart] = []
    for index, unit in enumerate(found):
        follows = part_id(criterion_id, unit.follows) if unit.follows is not None else None
        if unit.kind == "condition" and unit.owner is not None:
            parts.append(
                QuestionPart(
                    id=part_id(criterion_id, index),
                    question=_condition_question(unit.owner),
                    follows=follows,
                    condition=True,
                )
            )
        elif unit.kind == "requirement" and unit.owner is not None:
            words = quote(_sentence(unit.owner.requirement))
            template = str(_wording()["follow_up"][section])
            parts.append(
                QuestionPart(
                    id=part_id(criterion_id, index),
                    question=template.format(text=words),
                    quote=words,
                    follows=follows,
                )
            )
        else:
            parts.append(
                QuestionPart(id=part_id(criterion_id, index), question=unit.rule.question(section), follows=follows)
            )
    if exception is not None:
        words = quote(exception)
        parts.append(
            QuestionPart(
                id=part_id(criterion_id, len(found)),
                question=str(_wording()["exception"]).format(text=words),
                quote=words,
                follows=parts[0].id if len(found) == 1 else None,
                exception=True,
            )
        )
    return tuple(parts)


def split_part_id(answer_id: str) -> tuple[str, int] | None:
    """("inc-2", 0) for "inc-2#1"; None for a whole-criterion id."""
    head, separator, tail = answer_id.rpartition(PART_SEPARATOR)
    if not separator or not tail.isdigit() or int(tail) < 1:
        return None
    return head, int(tail) - 1


__all__ = [
    "PART_SEPARATOR",
    "QuestionPart",
    "Unit",
    "exception_in",
    "part_id",
    "question_parts",
    "split_part_id",
    "units",
]
