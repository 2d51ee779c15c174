"""Shared by the golden extraction tests: the cases of one tests/criteria/golden_rules/*.yaml file, and the check that
the whole extraction chain (in registry order) reads a case's criterion as it says.

A case: `id`, `source` (the NCT id it is copied from), `section`, `text`, optional `parent` (the text of the item
above), optional `cancer_trial` (the trial's inclusions name a cancer), `newborn_participants` (they speak of
births), `pregnant_participants` (they speak of pregnancy), `expected` (rule JSON, or null: no rule, on
purpose) and, for a rule that covers part of its criterion, `partial: true` and/or `unparsed` (the parts left
to the family, in order).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
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
    return extract(
        CriterionContext(
            text=case["text"],
            section=case["section"],
            parent_text=case.get("parent"),
            cancer_trial=case.get("cancer_trial", False),
            newborn_participants=case.get("newborn_participants", False),
            pregnant_participants=case.get("pregnant_participants", False),
        )
    )


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


def golden_tests(name: str) -> tuple[Callable[[dict[str, Any]], None], Callable[[], None]]:
    """The two tests every golden_rules/*.yaml file gets, for a test module to bind at module level:
    each case read as it says (and asked as `question` says, where given), and each case citing its trial."""
    cases = load_cases(name)

    @pytest.mark.parametrize("case", cases, ids=case_ids(cases))
    def test_golden(case: dict[str, Any]) -> None:
        found = check_extraction(case)
        if "question" in case and found.rule is not None:
            assert found.rule.question(case["section"]) == case["question"]

    def test_every_case_cites_a_real_trial() -> None:
        assert all(case["source"].startswith("NCT") for case in cases)

    return test_golden, test_every_case_cites_a_real_trial
