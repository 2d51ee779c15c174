"""A cause said after a condition's name narrows it and is kept as the qualifier; in a list, the items after a cause
may be more causes, so such a list is not read item by item (issue #12)."""

from __future__ import annotations

import pytest

from eligo.criteria.parse import parse_criteria
from eligo.rules.condition import ConditionRule


def _exclusion(text: str) -> ConditionRule | None:
    node = parse_criteria(f"Exclusion Criteria:\n\n* {text}\n")[0]
    assert node.rule is None or isinstance(node.rule, ConditionRule), node.rule
    return node.rule


@pytest.mark.parametrize(
    ("text", "qualifier"),
    [
        ("History of seizures not related to fever", "not related to fever"),
        ("Neuropathy caused by chemotherapy", "caused by chemotherapy"),
    ],
)
def test_a_cause_after_the_name_is_the_qualifier(text: str, qualifier: str) -> None:
    rule = _exclusion(text)
    assert rule is not None
    assert rule.qualifier == qualifier


@pytest.mark.parametrize(
    "text",
    ["Seizures not induced by drug withdrawal or fever", "Seizures due to drug withdrawal or fever"],
)
def test_items_after_a_cause_are_not_read_as_conditions_of_their_own(text: str) -> None:
    assert _exclusion(text) is None
