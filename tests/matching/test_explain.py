"""The words families read about verdicts (eligo.explain.verdicts), checked on the golden profiles
and the bundled seed trials (issue #13)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from golden_profiles_support import case_paths, evaluate_case, load_case, parsed_trial

from eligo.criteria.parse import ParsedCriteria
from eligo.explain.verdicts import criterion_label, explain, headline
from eligo.matching.evaluate import evaluate_trial
from eligo.matching.results import CriterionResult
from eligo.patients.profile import PatientProfile

SEED_TRIALS = ("NCT01370330", "NCT01711554", "NCT03363373", "NCT04751383")
# "Disease recorded as relapsed; the trial needs relapsed": the child's value and the trial's, the same,
# given as a reason against.
SAME_VALUE = re.compile(
    r"(?:recorded as|Diagnosis|Profile:)\s+([\w /-]+?)[.;] the trial needs (?:any of |all of )?\1[.;]"
)


def _failures(items: tuple[CriterionResult, ...]) -> list[CriterionResult]:
    return [node for item in items for node in item.walk() if node.rules_out or node.remedy is not None]


def test_the_pattern_catches_the_reported_contradiction() -> None:
    assert SAME_VALUE.search(
        "Diagnosis neuroblastoma; the trial needs osteosarcoma.; "
        "Disease recorded as relapsed; the trial needs relapsed."
    )
    assert not SAME_VALUE.search("Diagnosis neuroblastoma; the trial needs osteosarcoma.")


@pytest.mark.parametrize("path", case_paths(), ids=[path.stem for path in case_paths()])
def test_no_failure_evidence_names_one_value_as_both_the_childs_and_the_trials(path: object) -> None:
    case = load_case(path)  # type: ignore[arg-type]
    result = evaluate_case(case)
    for node in _failures(result.criteria):
        assert not SAME_VALUE.search(node.evidence), f"{node.id}: {node.evidence}"


def test_every_failure_on_every_seed_trial_reads_without_contradiction() -> None:
    profiles = [
        PatientProfile.model_validate(data)
        for data in (
            {
                "birth_date": "2017-05-14",
                "diagnosis": "neuroblastoma",
                "disease_states": ["relapsed"],
                "high_risk": True,
            },
            {"birth_date": "2012-01-02", "diagnosis": "osteosarcoma", "disease_states": ["refractory"]},
            {"birth_date": "2020-03-03", "diagnosis": "neuroblastoma", "disease_states": ["persistent"]},
        )
    ]
    checked = 0
    for nct_id in SEED_TRIALS:
        for profile in profiles:
            result = evaluate_trial(parsed_trial(nct_id), profile, date(2026, 12, 1))
            for node in _failures(result.criteria):
                checked += 1
                assert not SAME_VALUE.search(node.evidence), f"{nct_id} {node.id}: {node.evidence}"
    assert checked > 3  # the profiles do fail something: the check is not vacuous


@pytest.mark.parametrize("nct_id", SEED_TRIALS)
def test_before_anything_is_known_a_trial_is_not_checked_yet(nct_id: str) -> None:
    result = evaluate_trial(parsed_trial(nct_id), PatientProfile(), date(2026, 12, 1))
    words = headline(result, checked=False)
    count = len(result.open_questions)
    assert count > 1
    assert words == f"Not checked yet: {count} questions"
    assert "Might qualify" not in words


def test_a_trial_without_criteria_says_the_registry_lists_none() -> None:
    empty = ParsedCriteria(nct_id="NCT00000001", parser_version="1", criteria=())
    result = evaluate_trial(empty, PatientProfile(age_years=7), date(2026, 12, 1))
    for checked in (True, False):
        assert headline(result, checked=checked) == (
            "The registry lists no eligibility criteria for this trial: ask the study team who can join"
        )


def test_probably_does_not_qualify_is_kept_for_what_nothing_changes() -> None:
    for path in case_paths():
        case = load_case(path)
        result = evaluate_case(case)
        told = explain(result)
        if told.headline == "Probably does not qualify":
            assert result.ruled_out_by, path.stem
            assert told.against and all(reason.label.endswith("rules out") for reason in told.against), path.stem
        if result.temporary and not result.ruled_out_by:
            assert result.verdict.value == "possibly_eligible", path.stem
            assert told.headline.startswith("May qualify"), path.stem


def test_exclusions_the_child_does_not_have_do_not_apply_to_them() -> None:
    result = evaluate_case(load_case(next(p for p in case_paths() if p.stem == "nct04751383_lab_boundaries")))
    excluded = [node for node in result.criteria if node.section == "exclusion" and node.verdict.value == "not_met"]
    assert excluded
    for node in excluded:
        label = criterion_label(node)
        assert label == "Does not apply to your child", node.id
        assert "needs" not in label
