"""Every registered rule kind is complete: question wording, trigger words (or a step that reads it),
and at least one golden extraction case and one golden evaluation case (issue #10)."""

from __future__ import annotations

import json
import string
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from eligo.criteria.parse import parse_trial
from eligo.rules.extract import _chain
from eligo.rules.kind import RuleKind
from eligo.rules.patterns import KindPatterns, patterns
from eligo.rules.registry import BY_NAME, CHAIN, EVALUATORS, KINDS, RULE_ADAPTER
from eligo.rules.walk import walk
from eligo.trials.model import Eligibility, Trial

TESTS = Path(__file__).resolve().parents[1]
GOLDEN_RULES = TESTS / "criteria" / "golden_rules"
GOLDEN_TREES = TESTS / "criteria" / "golden"
GOLDEN_EVAL = TESTS / "matching" / "golden_eval"


def _kinds_in(data: object) -> set[str]:
    """Every `kind` written in a golden rule (golden files may leave a part's default kind out)."""
    if isinstance(data, dict):
        found = {data["kind"]} if isinstance(data.get("kind"), str) else set()
        return found.union(*(_kinds_in(value) for value in data.values()))
    if isinstance(data, list):
        return set().union(*(_kinds_in(item) for item in data))
    return set()


@cache
def extracted_kinds() -> frozenset[str]:
    """The kinds in some golden extraction: text (or registry field) in, rule out."""
    found: set[str] = set()
    for path in GOLDEN_RULES.glob("*.yaml"):
        for case in yaml.safe_load(path.read_text("utf-8")):
            found |= _kinds_in(case.get("expected", case.get("rule")))
    for path in GOLDEN_TREES.glob("*.json"):
        found |= _kinds_in(json.loads(path.read_text("utf-8"))["criteria"])
    return frozenset(found)


@cache
def evaluated_kinds() -> frozenset[str]:
    """The kinds in some golden evaluation: rule and profile in, verdict and evidence out."""
    found: set[str] = set()
    for path in GOLDEN_EVAL.glob("*.yaml"):
        for case in yaml.safe_load(path.read_text("utf-8")):
            found |= {rule.kind for rule in walk(RULE_ADAPTER.validate_python(case["rule"]))}
    return frozenset(found)


def _ids(kind: RuleKind) -> str:
    return kind.name


def test_the_registry_is_the_extraction_chain() -> None:
    assert [step.extract for step in CHAIN] == [extractor for extractor, _ in _chain()]
    assert len(BY_NAME) == len(KINDS)


@pytest.mark.parametrize("kind", KINDS, ids=_ids)
def test_kind_has_question_wording(kind: RuleKind) -> None:
    wording = kind.wording()
    assert kind.questions, f"{kind.name}: no question template"
    for key in kind.questions:
        assert key in wording, f"{kind.name}: question template {key!r} is not in its vocabulary"
        assert wording[key].strip()
        # Every field is named: a template formats with keywords only.
        assert all(field for _, field, _, _ in string.Formatter().parse(wording[key]) if field is not None)


@pytest.mark.parametrize("kind", KINDS, ids=_ids)
def test_kind_has_triggers_or_a_reader(kind: RuleKind) -> None:
    if kind.steps:
        for step in kind.steps:
            assert step.trigger is not None and step.trigger.words, f"{step.name}: no trigger words"
    elif kind.produced_by is not None:
        assert BY_NAME[kind.produced_by].steps, f"{kind.name}: {kind.produced_by} reads nothing"
    else:
        assert kind.from_registry, f"{kind.name}: nothing produces this kind"


@pytest.mark.parametrize("kind", KINDS, ids=_ids)
def test_kind_has_a_golden_extraction_case(kind: RuleKind) -> None:
    assert kind.name in extracted_kinds(), f"add a golden extraction case for {kind.name!r}"


@pytest.mark.parametrize("kind", KINDS, ids=_ids)
def test_kind_has_a_golden_evaluation_case(kind: RuleKind) -> None:
    assert kind.name in evaluated_kinds(), f"add a golden evaluation case for {kind.name!r}"


@pytest.mark.parametrize("kind", KINDS, ids=_ids)
def test_kind_is_evaluated_by_its_own_evaluator_or_the_walker(kind: RuleKind) -> None:
    assert (kind.model in EVALUATORS) is (not kind.composite)


REGISTRY_CASES: list[dict[str, Any]] = yaml.safe_load((GOLDEN_RULES / "registry.yaml").read_text("utf-8"))


@pytest.mark.parametrize("case", REGISTRY_CASES, ids=lambda case: str(case["id"]))
def test_registry_fields_golden(case: dict[str, Any]) -> None:
    trial = Trial(
        nct_id=str(case["source"]),
        eligibility=Eligibility(minimum_age=case["minimum_age"], maximum_age=case["maximum_age"], sex=case["sex"]),
    )
    structured = {node.id: node.rule for node in parse_trial(trial).criteria}
    expected = {key: RULE_ADAPTER.validate_python(rule) for key, rule in case["expected"].items()}
    assert structured == expected


def test_every_pattern_block_belongs_to_a_registered_kind_and_gates_its_steps() -> None:
    blocks = patterns()
    assert blocks, "criteria/vocab/patterns.yaml has no blocks"
    for name, block in blocks.items():
        if name.startswith("_"):  # shared by a family of kinds: gates no step of its own
            assert not block.gating, name
            continue
        kind = BY_NAME.get(name.split(".")[0])
        assert kind is not None, f"patterns.yaml block {name!r} names no registered kind"
        if block.gating:
            # The block's words are the trigger of one of its kind's steps.
            assert block.trigger in [step.trigger for step in kind.steps], name


def test_a_pattern_block_refuses_bad_data() -> None:
    with pytest.raises(ValidationError, match="does not compile"):
        KindPatterns.model_validate({"patterns": ["(unclosed"], "triggers": ["word"]})
    with pytest.raises(ValidationError, match="ASCII without spaces"):
        KindPatterns.model_validate({"patterns": ["x"], "triggers": ["two words"]})
