"""Golden extractions for the third scores round: conditions a score defines, a scale's name spelt out
in brackets and a spaced "> =" (tests/criteria/golden_rules/scales3.yaml, issue #12)."""

import pytest
from golden_rules_support import golden_tests
from pydantic import ValidationError

from eligo.rules.base import CriterionContext
from eligo.rules.clinical_score import ClinicalScoreRule, extract_clinical_score

test_golden, test_every_case_cites_a_real_trial = golden_tests("scales3.yaml")


def test_the_new_scales_keep_their_published_ranges() -> None:
    for scale, top in (("ariscat", 123), ("ctsq", 10), ("bbps", 9)):
        ClinicalScoreRule(scale=scale, comparator="<=", value=top)
        with pytest.raises(ValidationError):
            ClinicalScoreRule(scale=scale, comparator=">=", value=top + 1)


def test_a_minimum_score_is_a_floor_never_an_exact_score() -> None:
    def read(text: str) -> object:
        return extract_clinical_score(CriterionContext(text=text, section="inclusion"))

    floor = read("a minimum score of 22 on the Montgomery-Åsberg Depression Scale")
    assert isinstance(floor, ClinicalScoreRule) and (floor.comparator, floor.value) == (">=", 22)
    assert read("a minimum score of ≤ 22 on the Montgomery-Åsberg Depression Scale") is None
