"""Golden cases for age limits inside longer criteria and in plain registry wording (issue #12):
criterion text in, rule out, through the whole extraction chain (tests/criteria/golden_rules/ages.yaml)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from eligo.rules.age import AgeRule
from eligo.rules.base import CriterionContext
from eligo.rules.extract import extract
from eligo.rules.registry import RULE_ADAPTER

GOLDEN = Path(__file__).parent / "golden_rules" / "ages.yaml"
CASES: list[dict[str, Any]] = yaml.safe_load(GOLDEN.read_text(encoding="utf-8"))


def _leaves(rule: Any) -> Iterator[Any]:
    parts = getattr(rule, "rules", None)
    if parts is None:
        yield rule
        return
    for part in parts:
        yield from _leaves(part)


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_golden(case: dict[str, Any]) -> None:
    found = extract(CriterionContext(text=case["text"], section=case["section"]))
    if case.get("no_age"):
        assert found.rule is None or not any(isinstance(leaf, AgeRule) for leaf in _leaves(found.rule)), found.rule
        return
    assert found.rule == RULE_ADAPTER.validate_python(case["expected"])
    assert found.partial is case.get("partial", False)
    if "unparsed" in case:
        assert list(found.unparsed) == case["unparsed"]
