"""Golden pre-screener checks on every bundled trial (issue #13): each question asks one thing, a
conditional criterion asks its condition first, no question tells a parent to answer the opposite of
the truth, and the answer a parent of a child without a condition gives never rules the child out."""

from __future__ import annotations

import random
import re
from datetime import date

import pytest

from eligo.criteria.parse import ParsedCriteria, ParsedCriterion, parse_trial
from eligo.matching.evaluate import evaluate, evaluate_trial
from eligo.matching.results import CriterionResult, TrialResult
from eligo.patients.answers import Answers
from eligo.patients.profile import PatientProfile
from eligo.rules.composite import ConditionalRule
from eligo.rules.verdicts import CriterionVerdict, TrialVerdict
from eligo.rules.walk import walk
from eligo.trials.bundled import bundled_paths
from eligo.trials.model import Trial
from eligo.trials.readers import read_path

ON = date(2026, 1, 15)
SEEDS = ("NCT01370330", "NCT01711554", "NCT03363373", "NCT04751383")
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"")
_OPPOSITE = re.compile(r"answer\s+[“\"']?(?:yes|no)\b", re.IGNORECASE)


def _parsed() -> dict[str, ParsedCriteria]:
    trials = [item for path in bundled_paths() for item in read_path(path) if isinstance(item, Trial)]
    return {trial.nct_id: parse_trial(trial) for trial in trials}


PARSED = _parsed()


def _asked(parsed: ParsedCriteria) -> list[tuple[ParsedCriterion, str, str]]:
    """(criterion, answer id, question) for every question the trial page shows."""
    found = []
    for root in parsed.criteria:
        for node in root.walk():
            if node.parts:
                found.extend((node, part.id, part.question) for part in node.parts)
            elif node.question:
                found.append((node, node.id, node.question))
    return found


def _result_of(result: TrialResult, criterion_id: str) -> CriterionResult:
    stack = list(result.criteria)
    while stack:
        item = stack.pop()
        if item.id == criterion_id:
            return item
        stack.extend(item.children)
    raise AssertionError(f"no result for {criterion_id}")


def test_every_seed_trial_is_bundled() -> None:
    assert set(SEEDS) <= set(PARSED)


@pytest.mark.parametrize("nct_id", sorted(PARSED))
def test_each_question_asks_one_thing(nct_id: str) -> None:
    for _node, answer_id, question in _asked(PARSED[nct_id]):
        words = _QUOTED.sub("", question)
        assert " And: " not in question, (answer_id, question)
        assert words.count("?") == 1, (answer_id, question)
        assert not _OPPOSITE.search(words), (answer_id, question)


@pytest.mark.parametrize("nct_id", sorted(PARSED))
def test_every_conditional_criterion_asks_its_condition_then_a_follow_up(nct_id: str) -> None:
    conditionals = 0
    for root in PARSED[nct_id].criteria:
        for node in root.walk():
            if node.rule is None or not any(isinstance(rule, ConditionalRule) for rule in walk(node.rule)):
                continue
            conditionals += 1
            conditions = [part for part in node.parts if part.condition]
            assert conditions, node.id
            for condition in conditions:
                follow_ups = [part for part in node.parts if part.follows == condition.id]
                assert follow_ups, (node.id, condition.question)
    if nct_id in ("NCT01370330", "NCT01711554", "NCT04751383"):
        assert conditionals >= 1


@pytest.mark.parametrize("nct_id", sorted(PARSED))
def test_no_leaf_is_left_without_a_question(nct_id: str) -> None:
    def visit(node: ParsedCriterion, reader: ParsedCriterion | None) -> None:
        if node.kind == "criterion" and not node.question:
            # A detail row its parent's rule reads (a creatinine table row), or the parent's exception.
            assert reader is not None and reader.rule is not None, node.id
            asked = [part.quote for part in reader.parts if part.exception]
            if node.text.lower().startswith(("the only exception", "except", "unless")):
                assert any(quote and quote[:40] == node.text[:40] for quote in asked), node.id
        for child in node.children:
            visit(child, node if node.rule is not None else reader)

    for root in PARSED[nct_id].criteria:
        visit(root, None)


@pytest.mark.parametrize("nct_id", sorted(PARSED))
def test_a_child_without_the_condition_answers_no_and_is_not_ruled_out(nct_id: str) -> None:
    parsed = PARSED[nct_id]
    blank = PatientProfile()
    checked = 0
    for node, answer_id, _question in _asked(parsed):
        part = next((p for p in node.parts if p.id == answer_id), None)
        without_condition = (part is not None and part.condition) or (
            node.section == "exclusion" and (part is None or (part.follows is None and not part.exception))
        )
        if not without_condition:
            continue
        result = evaluate_trial(parsed, blank, ON, Answers.from_mapping({answer_id: "no"}))
        found = _result_of(result, node.id)
        assert not found.rules_out, (answer_id, found.verdict, found.evidence)
        assert result.verdict is not TrialVerdict.INELIGIBLE, answer_id
        checked += 1
    assert checked >= 1 or nct_id not in SEEDS


@pytest.mark.parametrize(
    ("criterion_id", "condition"),
    [("inc-13", "HIV infection"), ("inc-14", "hepatitis B"), ("inc-15", "hepatitis C"),
     ("inc-16", "another cancer"), ("inc-17", "heart disease")],
)  # fmt: skip
def test_nct04751383_conditions_are_asked_as_a_parent_means_them(criterion_id: str, condition: str) -> None:
    parsed = PARSED["NCT04751383"]
    node = next(n for root in parsed.criteria for n in root.walk() if n.id == criterion_id)
    first, follow_up = node.parts[0], node.parts[1]
    assert first.condition and first.question.startswith("Has your child ever had ")
    assert condition in first.question
    assert follow_up.follows == first.id
    never = evaluate_trial(parsed, PatientProfile(), ON, Answers.from_mapping({first.id: "no"}))
    assert _result_of(never, criterion_id).verdict is CriterionVerdict.NOT_APPLICABLE
    had = evaluate_trial(parsed, PatientProfile(), ON, Answers.from_mapping({first.id: "yes", follow_up.id: "no"}))
    assert _result_of(had, criterion_id).rules_out
    # The old whole-criterion id still counts.
    whole = evaluate_trial(parsed, PatientProfile(), ON, Answers.from_mapping({criterion_id: "yes"}))
    assert _result_of(whole, criterion_id).verdict is CriterionVerdict.MET


def test_the_naxitamab_trial_keeps_its_own_words_for_the_disease_course() -> None:
    node = next(n for root in PARSED["NCT03363373"].criteria for n in root.walk() if n.id == "inc-2")
    questions = [part.question for part in node.parts]
    assert len(questions) == 4
    assert any("incomplete response to salvage treatment" in q for q in questions)
    assert not any("refractory" in q and "persistent" in q for q in questions)


def test_the_hydrocortisone_exception_is_asked_and_lifts_the_exclusion() -> None:
    parsed = PARSED["NCT04751383"]
    node = next(n for root in parsed.criteria for n in root.walk() if n.id == "exc-10.1")
    exception = next(part for part in node.parts if part.exception)
    assert "hydrocortisone" in exception.question
    asked = {node.parts[0].id: "yes"}
    open_ = evaluate_trial(parsed, PatientProfile(), ON, Answers.from_mapping(asked))
    assert not _result_of(open_, "exc-10.1").rules_out
    ruled = evaluate_trial(parsed, PatientProfile(), ON, Answers.from_mapping({**asked, exception.id: "no"}))
    assert _result_of(ruled, "exc-10.1").rules_out
    lifted = evaluate_trial(parsed, PatientProfile(), ON, Answers.from_mapping({**asked, exception.id: "yes"}))
    assert _result_of(lifted, "exc-10.1").verdict is CriterionVerdict.NOT_MET


@pytest.mark.parametrize("nct_id", SEEDS)
def test_part_answers_give_the_same_verdict_fast_and_in_full(nct_id: str) -> None:
    """Random answers to parts and whole criteria: the verdict worked out at once equals the built result's."""
    parsed = PARSED[nct_id]
    ids = [answer_id for _node, answer_id, _question in _asked(parsed)]
    rng = random.Random(13)
    for _ in range(40):
        chosen = {answer_id: rng.choice(("yes", "no", "not_sure")) for answer_id in rng.sample(ids, k=len(ids) // 3)}
        answers = Answers.from_mapping(chosen)
        fast = evaluate(parsed, PatientProfile(), ON, answers)
        assert fast.verdict is fast.result().verdict
        assert fast.verdict is evaluate_trial(parsed, PatientProfile(), ON, answers).verdict
