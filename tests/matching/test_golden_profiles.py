"""Golden evaluation cases: each profile in golden_profiles/ against its seed trial gives the
trial verdict, ruled_out_by and per-criterion verdicts a person decided from the criteria text.

A case with `known_engine_bug` is a strict xfail (it starts failing loudly once the engine is
fixed); its other criteria, listed outside `known_engine_bug_criteria`, must still agree.
Review tool: tests/matching/regen_golden_profiles.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from golden_profiles_support import case_paths, differences, load_case

TRIAL_LEVEL = "trial"  # in known_engine_bug_criteria: the bug changes the trial verdict too


def _params() -> list[object]:
    params: list[object] = []
    for path in case_paths():
        bug = load_case(path).get("known_engine_bug")
        marks = [pytest.mark.xfail(strict=True, reason=f"known engine bug: {bug}")] if bug else []
        params.append(pytest.param(path, id=path.stem, marks=marks))
    return params


@pytest.mark.parametrize("path", _params())
def test_golden_profile(path: Path) -> None:
    case = load_case(path)
    lines = differences(case)
    if lines:
        pytest.fail(
            f"{path.name} ({case['trial']} on {case['on']}): {len(lines)} difference(s)\n  "
            + "\n  ".join(lines)
            + f"\nwhy: {case['why']}"
            + f"\n(review with: .venv/bin/python tests/matching/regen_golden_profiles.py {path.stem} --check)",
            pytrace=False,
        )


def test_known_bug_cases_agree_elsewhere() -> None:
    """Outside the criteria a known bug touches, a known-bug case still guards the engine."""
    problems = []
    for path in case_paths():
        case = load_case(path)
        if not case.get("known_engine_bug"):
            continue
        affected = set(case.get("known_engine_bug_criteria", []))
        lines = differences(case)
        if TRIAL_LEVEL in affected:
            lines = [
                line for line in lines if not line.startswith(("trial verdict:", "ruled_out_by:", "open_questions:"))
            ]
        problems.extend(f"{path.name}: {line}" for line in lines if line.split(":", 1)[0] not in affected)
    assert not problems, "differences beyond the known bugs:\n  " + "\n  ".join(problems)


def test_every_case_is_well_formed() -> None:
    paths = case_paths()
    assert len(paths) >= 14
    for path in paths:
        case = load_case(path)
        missing = {"name", "why", "trial", "on", "profile", "expected"} - case.keys()
        assert not missing, f"{path.name} lacks {sorted(missing)}"
        assert case["name"] == path.stem, f"{path.name}: name should be the file stem"
        assert {"verdict", "criteria", "ruled_out_by"} <= case["expected"].keys(), path.name
        assert bool(case.get("known_engine_bug")) == bool(case.get("known_engine_bug_criteria")), path.name


def test_a_trial_without_criteria_is_never_eligible() -> None:
    from datetime import date

    from eligo.criteria.parse import ParsedCriteria
    from eligo.matching.evaluate import evaluate_trial
    from eligo.patients.profile import PatientProfile
    from eligo.rules.verdicts import TrialVerdict

    empty = ParsedCriteria(nct_id="NCT00000001", parser_version="1", criteria=())
    result = evaluate_trial(empty, PatientProfile(age_years=7), date(2026, 11, 23))
    assert result.verdict is TrialVerdict.POSSIBLY_ELIGIBLE
    assert [question.id for question in result.open_questions] == ["no-criteria"]
