"""Golden extractions for allergies, intolerances and contraindications
(tests/criteria/golden_rules/allergy.yaml, issue #12)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from eligo.rules.base import CriterionContext
from eligo.rules.extract import extract
from eligo.rules.registry import RULE_ADAPTER

GOLDEN = Path(__file__).parent / "golden_rules" / "allergy.yaml"
CASES: list[dict[str, Any]] = yaml.safe_load(GOLDEN.read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_golden(case: dict[str, Any]) -> None:
    ctx = CriterionContext(text=case["text"], section=case["section"], parent_text=case.get("parent"))
    found = extract(ctx)
    if case["expected"] is None:
        assert found.rule is None, found.rule
        return
    assert found.rule == RULE_ADAPTER.validate_python(case["expected"])
    # `unparsed`: the part the rule leaves to the family (the rule is then partial, never decisive).
    assert list(found.unparsed) == case.get("unparsed", [])
    assert found.partial == bool(case.get("unparsed"))
    if "question" in case:
        assert found.rule.question(case["section"]) == case["question"]


def test_every_case_cites_a_real_trial() -> None:
    assert all(case["source"].startswith("NCT") for case in CASES)
