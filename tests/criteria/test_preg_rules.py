"""Golden extractions for pregnancy, breastfeeding and birth-control wordings (issue #12, preg round;
tests/criteria/golden_rules/preg.yaml), with near misses that must stay free text and the evaluation
of the agreement not to breastfeed."""

from __future__ import annotations

from datetime import date

import pytest
from golden_rules_support import golden_tests
from pydantic import ValidationError

from eligo.patients.profile import PatientProfile, Sex
from eligo.rules.base import CriterionContext
from eligo.rules.extract import extract
from eligo.rules.pregnancy import PregnancyRule, evaluate_pregnancy
from eligo.rules.verdicts import CriterionVerdict

test_golden, test_every_case_cites_a_real_trial = golden_tests("preg.yaml")

_AGREEMENT = PregnancyRule(topic="no_breastfeeding", pregnant=False)


@pytest.mark.parametrize(
    ("text", "section"),
    [
        # a condition, an exception or a second agreement beside it: not the agreement alone
        ("Female participant must agree not to breastfeed unless she pumps milk", "inclusion"),
        ("Female participant must agree not to breastfeed or donate eggs during the study", "inclusion"),
        ("Women must agree not to breastfeed during the study and not donate eggs", "inclusion"),
        # no one named who could breastfeed: the sex would be guessed
        ("Participants must agree not to breastfeed during the study", "inclusion"),
        # the agreement as an exclusion would exclude those who agree
        ("Female participant must agree not to breastfeed during the study", "exclusion"),
        # a scope that narrows who is meant, after "Not pregnant"
        ("Not pregnant (for women under 50)", "inclusion"),
        ("not pregnant for all subjects over 12", "inclusion"),
        # "If female" without sexual activity: not the refusal's wording
        ("If female, not on birth control", "exclusion"),
        # an exception in the brackets after the state is no test that finds it
        ("Current pregnancy (except in cohort B)", "exclusion"),
        # a tag that is no requirement
        ("Female (preferred)", "inclusion"),
    ],
)
def test_near_misses_stay_free_text(text: str, section: str) -> None:
    found = extract(CriterionContext(text=text, section=section))
    assert found.rule is None or found.partial, found.rule


def test_unwillingness_to_stop_breastfeeding_is_the_agreement_refused() -> None:
    text = "Women who are unwilling to stop breastfeeding during the study"
    rule = extract(CriterionContext(text=text, section="exclusion")).rule
    assert rule == _AGREEMENT.model_copy(update={"present": False})


def test_breastfeeding_agreement_is_about_girls_and_women() -> None:
    with pytest.raises(ValidationError):
        PregnancyRule(topic="no_breastfeeding", sex="male")
    with pytest.raises(ValidationError):
        PregnancyRule(topic="no_breastfeeding", sex="any")


def test_breastfeeding_agreement_evaluation() -> None:
    on = date(2026, 1, 1)
    boy = PatientProfile(sex=Sex.MALE, birth_date=date(2008, 1, 1))
    assert evaluate_pregnancy(_AGREEMENT, boy, on).verdict == CriterionVerdict.NOT_APPLICABLE
    young_girl = PatientProfile(sex=Sex.FEMALE, birth_date=date(2020, 1, 1))
    assert evaluate_pregnancy(_AGREEMENT, young_girl, on).verdict == CriterionVerdict.NOT_APPLICABLE
    # an older girl: an agreement for the study team, never "no" from the profile
    teen = PatientProfile(sex=Sex.FEMALE, birth_date=date(2008, 1, 1))
    assert evaluate_pregnancy(_AGREEMENT, teen, on).verdict == CriterionVerdict.UNKNOWN
    assert (
        evaluate_pregnancy(_AGREEMENT.model_copy(update={"present": False}), teen, on).verdict
        == CriterionVerdict.UNKNOWN
    )


def test_a_second_agreement_is_not_swallowed_as_the_time() -> None:
    # "... during the study and to use contraception": not the breastfeeding agreement with a long window.
    text = "Women must agree not to breastfeed during the study and to use contraception"
    rule = extract(CriterionContext(text=text, section="inclusion")).rule
    assert getattr(rule, "topic", None) != "no_breastfeeding"
    text = "Women must agree not to breastfeed for up to 6 months after the last dose"
    assert extract(CriterionContext(text=text, section="inclusion")).rule == _AGREEMENT
