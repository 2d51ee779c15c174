"""Golden extractions for criteria once read only in part: pregnancy wordings, lists of reasons,
age and sex fillers (tests/criteria/golden_rules/partials.yaml, issue #12)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from golden_rules_support import golden_tests

from eligo.criteria.parse import parse_criteria
from eligo.matching.evaluate import evaluate_rule
from eligo.patients.profile import PatientProfile
from eligo.rules.registry import RULE_ADAPTER

test_golden, test_every_case_cites_a_real_trial = golden_tests("partials.yaml")


def test_full_width_punctuation_reads_as_ascii() -> None:
    # NCT03863223: the registry's full-width comma splits the two reasons as an ASCII comma would.
    text = (
        "Pregnant or lactating women，or for women of childbearing potential unwilling to use a highly-effective "
        "contraception during of the study treatment and for at least 7 months after the last dose of study treatment."
    )
    node = parse_criteria(f"Exclusion Criteria:\n\n* {text}\n")[0]
    assert "，" not in node.text
    assert node.rule == RULE_ADAPTER.validate_python(
        {"kind": "any_of", "rules": [
            {"kind": "pregnancy", "topic": "pregnant", "pregnant": True, "breastfeeding": True},
            {"kind": "pregnancy", "topic": "contraception", "present": False, "sex": "female"},
        ]}
    )  # fmt: skip
    assert not node.unparsed


# NCT03866200's exclusion "Pregnancy or breastfeeding. Women must use adequate contraception during the study."
_EXCLUSION = RULE_ADAPTER.validate_python(
    {"kind": "any_of", "rules": [
        {"kind": "pregnancy", "topic": "pregnant", "pregnant": True, "breastfeeding": True},
        {"kind": "pregnancy", "topic": "contraception", "present": False, "sex": "female"},
    ]}
)  # fmt: skip
_ON = date(2026, 6, 1)


@pytest.mark.parametrize(
    ("profile", "verdict"),
    [
        ({"sex": "male", "birth_date": "2016-01-01"}, "not_applicable"),  # a boy: never excluded by it
        ({"sex": "female", "birth_date": "2020-01-01"}, "not_applicable"),  # a girl of 6: not yet
        ({"sex": "female", "birth_date": "2009-01-01", "pregnant": True}, "met"),  # pregnant: excluded
        ({"sex": "female", "birth_date": "2009-01-01", "pregnant": False, "breastfeeding": False}, "unknown"),
    ],
)
def test_pregnancy_or_refusal_exclusion_evaluates(profile: dict[str, Any], verdict: str) -> None:
    outcome = evaluate_rule(_EXCLUSION, PatientProfile.model_validate(profile), _ON)
    assert outcome.verdict.value == verdict, outcome.evidence
