"""Shared by the golden extraction tests: the cases of one tests/criteria/golden_rules/*.yaml file, and the
check that the whole extraction chain (in registry order) reads a case's criterion as it says.

A case: `id`, `source` (the NCT id it is copied from), `section`, `text`, optional `parent` (the text of
the item above), `expected` (rule JSON, or null: no rule, on purpose) and, for a rule that covers part of
its criterion, `partial: true` and/or `unparsed` (the parts left to the family, in order).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from eligo.rules.base import CriterionContext
from eligo.rules.extract import Extraction, extract
from eligo.rules.registry import RULE_ADAPTER

GOLDEN_RULES = Path(__file__).parent / "golden_rules"


def load_cases(name: str) -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = yaml.safe_load((GOLDEN_RULES / name).read_text(encoding="utf-8"))
    assert cases, f"{name} holds no cases"
    return cases


def case_ids(cases: list[dict[str, Any]]) -> list[str]:
    return [case["id"] for case in cases]


def extracted(case: dict[str, Any]) -> Extraction:
    return extract(CriterionContext(text=case["text"], section=case["section"], parent_text=case.get("parent")))


def check_extraction(case: dict[str, Any]) -> Extraction:
    """Assert the case's reading: no rule, or its rule with exactly the parts it leaves over."""
    found = extracted(case)
    if case["expected"] is None:
        assert found.rule is None, found.rule
        return found
    assert found.rule == RULE_ADAPTER.validate_python(case["expected"])
    if "unparsed" in case:
        assert list(found.unparsed) == case["unparsed"]
    assert found.partial is bool(case.get("partial") or case.get("unparsed")), found.unparsed
    return found
