"""The one walk over composite rules (all_of, any_of, conditional) that parsing, statistics and evaluation share."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, TypeVar

from eligo.rules.composite import AllOf, AnyOf, ConditionalRule

if TYPE_CHECKING:
    from eligo.rules.registry import Rule

T = TypeVar("T")


def parts(rule: Rule) -> tuple[Rule, ...]:
    """A rule's direct sub-rules: a composite's parts, a conditional's condition and typed requirement."""
    if isinstance(rule, AllOf | AnyOf):
        return rule.rules
    if isinstance(rule, ConditionalRule):
        return (rule.if_present,) if rule.requirement_rule is None else (rule.if_present, rule.requirement_rule)
    return ()


def walk(rule: Rule) -> Iterator[Rule]:
    """The rule and every rule inside it, parents before their parts."""
    yield rule
    for part in parts(rule):
        yield from walk(part)


def fold(
    rule: Rule,
    leaf: Callable[[Rule], T],
    all_of: Callable[[AllOf, Sequence[T]], T],
    any_of: Callable[[AnyOf, Sequence[T]], T],
    conditional: Callable[[ConditionalRule, Callable[[Rule], T]], T],
) -> T:
    """Reduce a rule tree bottom-up: `leaf` for a plain kind, `all_of` / `any_of` over their parts' values.

    `conditional` gets the fold itself to call on the parts it needs, so a consumer can skip the
    requirement when the condition already settles the answer.
    """

    def visit(node: Rule) -> T:
        if isinstance(node, AllOf):
            return all_of(node, [visit(part) for part in node.rules])
        if isinstance(node, AnyOf):
            return any_of(node, [visit(part) for part in node.rules])
        if isinstance(node, ConditionalRule):
            return conditional(node, visit)
        return leaf(node)

    return visit(rule)


__all__ = ["fold", "parts", "walk"]
