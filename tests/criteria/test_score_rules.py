"""Golden extractions for clinical scores, vital signs, conditions a measurement defines and the lab
ranges and analytes of the scores round (tests/criteria/golden_rules/scores.yaml, issue #12), plus the
scores vocabulary's own checks."""

from __future__ import annotations

import pytest
from golden_rules_support import golden_tests
from pydantic import ValidationError

from eligo.rules.clinical_score import ClinicalScoreRule, scores_vocab
from eligo.web.editor import layout

test_golden, test_every_case_cites_a_real_trial = golden_tests("scores.yaml")


def test_a_threshold_outside_the_scale_is_refused() -> None:
    with pytest.raises(ValidationError):
        ClinicalScoreRule(scale="mmse", comparator=">=", value=31)
    with pytest.raises(ValidationError):
        ClinicalScoreRule(scale="no_such_scale", comparator=">=", value=1)


def test_questions_name_the_scale_and_the_class() -> None:
    nyha = ClinicalScoreRule(scale="nyha", comparator=">=", value=3)
    assert nyha.question("inclusion") == (
        "Was your child's most recent heart failure class (New York Heart Association, NYHA) III or higher?"
    )
    mmse = ClinicalScoreRule(scale="mmse", comparator="<", value=24)
    assert mmse.question("exclusion") == (
        "Was your child's most recent Mini-Mental State Examination (MMSE) score less than 24?"
    )


def test_the_editor_lists_only_known_scales() -> None:
    assert set(layout().option_words("score_names")) <= set(scores_vocab().scales)
