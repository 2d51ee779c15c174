"""Golden extractions for taking part in other studies (golden_rules/trials.yaml, issue #12), plus near
misses written for the test: an exclusion period beside a second thing, or in an inclusion."""

from __future__ import annotations

from datetime import date

import pytest
from golden_rules_support import golden_tests

from eligo.patients.profile import PatientProfile
from eligo.rules.attestation import AttestationRule, evaluate_attestation
from eligo.rules.base import CriterionContext, Section
from eligo.rules.extract import extract
from eligo.rules.verdicts import CriterionVerdict

test_golden, test_every_case_cites_a_real_trial = golden_tests("trials.yaml")


@pytest.mark.parametrize(
    ("text", "section"),
    [
        # a second thing after the exclusion period
        ("Patient in an exclusion period determined by another study or participating in another study", "exclusion"),
        # the period set by something other than a study
        ("Patient in an exclusion period determined by the national register", "exclusion"),
        # an inclusion says something else
        ("Patient in an exclusion period determined by another study", "inclusion"),
    ],
)
def test_exclusion_period_read_only_whole(text: str, section: Section) -> None:
    rule = extract(CriterionContext(text=text, section=section)).rule
    assert rule is None or getattr(rule, "subject", None) != "exclusion_period", rule


@pytest.mark.parametrize(
    "text",
    [
        # a window with an exception after it
        "participation to other clinical trial, ongoing or terminated less than one month before enrolment in this "
        "study, except observational studies",
        # a trial narrowed to drugs
        "participation to other drug trial, ongoing or terminated less than one month before enrolment in this study",
        # not said to have ended: planned
        "Other clinical trials that the subjects plan to participate in have not reached the end point.",
    ],
)
def test_other_trial_near_misses_stay_free(text: str) -> None:
    rule = extract(CriterionContext(text=text, section="exclusion")).rule
    assert rule is None or rule.kind != "trial_participation", rule


def test_exclusion_period_goes_to_the_family() -> None:
    rule = AttestationRule(subject="exclusion_period", action="in an exclusion period set by another study")
    outcome = evaluate_attestation(rule, PatientProfile(), date(2026, 1, 1))
    assert outcome.verdict is CriterionVerdict.UNKNOWN


def test_investigational_drug_washout_still_read_beside_the_study_start() -> None:
    # "enrolment into the study" dates the trial's own start, not another study (NCT03929679)
    text = "Treatment with any investigational drug within 90 days prior to enrolment into the study"
    rule = extract(CriterionContext(text=text, section="exclusion")).rule
    assert rule is not None and rule.kind == "washout", rule


def test_a_study_with_an_investigational_drug_is_not_any_trial() -> None:
    text = "Patients who have participated in another clinical study with an investigational drug within 30 days"
    rule = extract(CriterionContext(text=text, section="exclusion")).rule
    assert rule is None or rule.kind != "trial_participation", rule
