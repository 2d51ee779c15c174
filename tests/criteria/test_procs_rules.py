"""Golden cases for procedures planned and past and for implanted devices (issue #12): criterion text in,
rule out, through the whole extraction chain (tests/criteria/golden_rules/procs.yaml), plus the
procedure vocabulary's checks."""

from __future__ import annotations

from typing import Any

import pytest
from golden_rules_support import case_ids, check_extraction, load_cases
from pydantic import ValidationError

from eligo.rules.base import CriterionContext
from eligo.rules.extract import extract
from eligo.rules.procedure import ProcedureRule, ProcedureVocab, procedure_vocab
from eligo.rules.registry import RULE_ADAPTER

CASES = load_cases("procs.yaml")


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_golden(case: dict[str, Any]) -> None:
    check_extraction(case)


def test_questions_ask_one_thing_in_parents_words() -> None:
    for case in CASES:
        if case["expected"] is not None:
            question = RULE_ADAPTER.validate_python(case["expected"]).question(case["section"])
            assert question.endswith("?") and question.count("?") == 1, question
    rule = ProcedureRule(when="planned", procedures=("knee_replacement",), qualifier="elective, bilateral")
    assert rule.question("inclusion") == (
        "Is your child due to have a knee replacement (knee arthroplasty) planned ahead (elective)"
        " and on both sides (bilateral)?"
    )


@pytest.mark.parametrize(
    "text",
    [
        "Undergoing septoplastyx",  # a word inside another word
        "Undergoing septoplasty at the local hospital",  # a place
        "Previous gastrectomy except for ulcer",  # an exception
        "If undergoing septoplasty, no nasal packing",  # a scope
        "History of bariatric surgery during the study",  # not a window
        "Cystectomy within 6 weeks",  # a window that may look ahead
        "History of elective gastrectomy within 2 years",  # a narrowing word beside a window
    ],
)
def test_read_only_when_whole(text: str) -> None:
    rule = extract(CriterionContext(text=text, section="exclusion")).rule
    assert rule is None or rule.kind != "procedure", rule


def test_a_bare_elective_procedure_is_read_only_as_an_inclusion() -> None:
    assert extract(CriterionContext(text="Elective cardiac surgery", section="exclusion")).rule is None


def test_models_refuse_nonsense() -> None:
    with pytest.raises(ValidationError):
        ProcedureRule(when="planned", procedures=("brain_transplant",))
    with pytest.raises(ValidationError):
        ProcedureRule(when="planned", procedures=("septoplasty",), qualifier="heroic")
    with pytest.raises(ValidationError):
        ProcedureRule(when="planned", procedures=("septoplasty",), never=True)


def test_the_vocabulary_refuses_a_synonym_of_two_procedures() -> None:
    data = procedure_vocab().model_dump()
    data["procedures"]["septorhinoplasty"]["synonyms"] = ["septoplasty"]
    with pytest.raises(ValidationError):
        ProcedureVocab.model_validate(data)
