"""One criterion read as the parser reads it, for the rule tests: its leaf, or its whole rule as JSON."""

from __future__ import annotations

import json

from eligo.criteria.parse import ParsedCriterion, parse_criteria


def leaf(text: str, section: str = "Inclusion") -> ParsedCriterion:
    """The first criterion of a one-item list under "<section> Criteria:"."""
    return parse_criteria(f"{section} Criteria:\n\n* {text}\n")[0]


def whole_rule(text: str, section: str = "Inclusion") -> dict[str, object] | None:
    """The rule of a criterion read whole (nothing left over), as JSON; None when it stays free text."""
    node = leaf(text, section)
    assert not node.unparsed
    return None if node.rule is None else json.loads(node.rule.model_dump_json(exclude_none=True))
