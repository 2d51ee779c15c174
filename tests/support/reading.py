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


# A cancer diagnosis first, so the trial reads as a cancer trial (`CriterionContext.cancer_trial`: lines of
# therapy and "other anti-cancer agents" are read only there).
_CANCER = "* Histologically confirmed metastatic non-small cell lung cancer\n"


def leaf_in_cancer_trial(text: str, section: str = "Inclusion") -> ParsedCriterion:
    """The criterion as read in a trial whose inclusions name a cancer."""
    parsed = parse_criteria(f"Inclusion Criteria:\n\n{_CANCER}\n{section} Criteria:\n\n* {text}\n")
    return [node for node in parsed if node.text == text or text in (node.text or "")][-1]


def rule_of(node: ParsedCriterion) -> dict[str, object] | None:
    """A criterion's rule as JSON, or None when it is free text."""
    return None if node.rule is None else json.loads(node.rule.model_dump_json(exclude_none=True))
