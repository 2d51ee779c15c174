"""Golden cases for lab criteria: criterion text in, rule JSON out (tests/criteria/golden_rules/labs.yaml)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from eligo.rules.base import CriterionContext
from eligo.rules.lab_threshold import LabThresholdRule
from eligo.rules.registry import BY_NAME, RULE_ADAPTER, Rule

GOLDEN = Path(__file__).parent / "golden_rules" / "labs.yaml"
EXTRACTORS = tuple(step.extract for name in ("transfusion_dependence", "lab_threshold") for step in BY_NAME[name].steps)
CASES: list[dict[str, Any]] = yaml.safe_load(GOLDEN.read_text())


def extract(text: str, section: str = "inclusion", children: tuple[str, ...] = ()) -> Rule | None:
    ctx = CriterionContext.model_validate({"text": text, "section": section, "children": children})
    for extractor in EXTRACTORS:
        rule = extractor(ctx)
        if rule is not None:
            return rule
    return None


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_golden(case: dict[str, Any]) -> None:
    rule = extract(case["text"], case.get("section", "inclusion"), tuple(case.get("children", ())))
    expected = case["expected"]
    if expected is None:
        assert rule is None, rule
        return
    assert rule == RULE_ADAPTER.validate_python(expected)


@pytest.mark.parametrize("case", [c for c in CASES if c["expected"]], ids=lambda c: c["id"])
def test_rules_round_trip_and_ask_a_question(case: dict[str, Any]) -> None:
    rule = RULE_ADAPTER.validate_python(case["expected"])
    assert RULE_ADAPTER.validate_json(RULE_ADAPTER.dump_json(rule)) == rule
    question = rule.question("inclusion")
    assert question.endswith("?") and "{" not in question


def test_unescaped_text_reads_the_same() -> None:
    raw = extract(r"Platelet count: \>= 50,000/mm\^3, transfusion independent (no platelet transfusions within 1 week)")
    clean = extract("Platelet count: >= 50,000/mm^3, transfusion independent (no platelet transfusions within 1 week)")
    assert raw == clean


def test_questions_read_naturally() -> None:
    rule = extract("Platelets >= 100,000/mcL, independent of transfusions")
    assert rule is not None
    assert rule.question("inclusion") == (
        "Was your child's most recent platelet count at least 100,000/µL "
        "(without a platelet transfusion in the 7 days before the test)?"
    )
    uln = extract("Total bilirubin =< 1.5 x upper limit of normal for age")
    assert uln is not None
    assert uln.question("inclusion") == (
        "Was your child's most recent total bilirubin at most 1.5 times the upper limit of normal for their age?"
    )


def test_a_rule_refuses_contradictory_fields() -> None:
    with pytest.raises(ValueError):
        LabThresholdRule(test="anc", comparator=">=", value=1000)  # no unit
    with pytest.raises(ValueError):
        LabThresholdRule(test="anc", comparator=">=", value=1000, unit="/µL", uln_multiple=1.0)
    with pytest.raises(ValueError):
        LabThresholdRule(test="not-a-lab", comparator=">=", uln_multiple=1.0)
