"""The condition families of issue #12 (vocab/conditions/*.yaml): real criteria parsed whole give the
rule and question of tests/criteria/golden_rules/conditions.yaml, and those rules evaluate against
profiles as tests/matching/golden_eval/conditions.yaml says."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from eligo.criteria.parse import ParsedCriterion, parse_criteria
from eligo.matching.evaluate import evaluate_rule as evaluate
from eligo.patients.profile import PatientProfile
from eligo.rules.registry import RULE_ADAPTER

TESTS = Path(__file__).resolve().parents[1]
EXTRACTION: list[dict[str, Any]] = yaml.safe_load(
    (TESTS / "criteria" / "golden_rules" / "conditions.yaml").read_text(encoding="utf-8")
)
EVALUATION: list[dict[str, Any]] = yaml.safe_load(
    (TESTS / "matching" / "golden_eval" / "conditions.yaml").read_text(encoding="utf-8")
)
FAMILY_FILES = ("neuro", "psychiatric", "substance", "infectious", "immune", "malignancy", "other", "common")
VOCAB = resources.files("eligo.criteria").joinpath("vocab", "conditions")


def _parsed(section: str, text: str) -> ParsedCriterion:
    heading = "Inclusion Criteria:" if section == "inclusion" else "Exclusion Criteria:"
    node = parse_criteria(f"{heading}\n\n* {text}\n")[0]
    assert node.section == section
    return node


@pytest.mark.parametrize("case", EXTRACTION, ids=[case["id"] for case in EXTRACTION])
def test_real_criterion_gives_the_rule(case: dict[str, Any]) -> None:
    node = _parsed(case["section"], case["text"])
    if case["expected"] is None:
        assert node.rule is None, node.rule
        return
    assert node.rule == RULE_ADAPTER.validate_python(case["expected"])
    assert list(node.unparsed) == case.get("unparsed", [])
    if "question" in case:
        assert node.rule.question(case["section"]) == case["question"]


@pytest.mark.parametrize("case", EVALUATION, ids=[case["id"] for case in EVALUATION])
def test_rule_and_profile_give_the_verdict(case: dict[str, Any]) -> None:
    rule = RULE_ADAPTER.validate_python(case["rule"])
    outcome = evaluate(rule, PatientProfile.model_validate(case["profile"]), case["date"])
    assert outcome.verdict.value == case["verdict"], outcome.evidence
    for expected in case.get("evidence", ()):
        assert expected.lower() in outcome.evidence.lower(), outcome.evidence
    if "missing" in case:
        assert sorted(outcome.missing) == sorted(case["missing"]), outcome.missing


def test_every_family_file_has_an_extraction_case() -> None:
    names_in_cases = {
        name for case in EXTRACTION if case["expected"] for name in case["expected"].get("conditions", ())
    }
    for family in FAMILY_FILES:
        defined = set(yaml.safe_load(VOCAB.joinpath(f"{family}.yaml").read_text(encoding="utf-8"))["conditions"])
        assert defined & names_in_cases, family


def test_family_terms_name_their_icd10_source() -> None:
    for family in FAMILY_FILES:
        lines = VOCAB.joinpath(f"{family}.yaml").read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines):
            if line.startswith("  ") and not line.startswith("   ") and line.rstrip().endswith(":"):
                said = lines[number - 1].lstrip()
                assert said.startswith("#"), f"{family}.yaml: {line.strip()} has no source comment"
