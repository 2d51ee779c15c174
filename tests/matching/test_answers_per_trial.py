"""`match_profile` with answers per trial gives exactly what the web used to build by hand (issue #10):
match without answers, re-evaluate each answered trial with its own answers, re-rank."""

from __future__ import annotations

from datetime import date
from typing import Any

from golden_profiles_support import case_paths, load_case

from eligo import ingest
from eligo.matching.evaluate import evaluate
from eligo.matching.match import Match, load_parsed, match_profile, rank_key, score_of
from eligo.matching.parsed_cache import ParsedCriteriaCache
from eligo.patients.answers import Answers
from eligo.patients.load import profile_from_data
from eligo.patients.profile import PatientProfile
from eligo.store import SearchQuery, TrialStore
from eligo.trials.bundled import bundled_paths
from eligo.trials.readers import read_path

EVERY_TRIAL = SearchQuery(limit=1000)


def _import_bundled(store: TrialStore) -> None:
    items = [item for path in bundled_paths() for item in read_path(path)]
    summary = ingest.import_records(store, items)
    assert summary.failed == 0


def _answered_cases() -> list[tuple[PatientProfile, date, dict[str, Answers]]]:
    """Each golden case's answers, given for its own trial only (as a visitor answers on one trial page)."""
    cases = []
    for path in case_paths():
        case = load_case(path)
        if case.get("answers"):
            answers = {case["trial"].upper(): Answers.from_mapping(case["answers"])}
            cases.append((profile_from_data(case["profile"]), date.fromisoformat(case["on"]), answers))
    return cases


def _as_the_web_did(
    store: TrialStore, profile: PatientProfile, on: date, by_trial: dict[str, Answers], cache: ParsedCriteriaCache
) -> list[Match]:
    """The old `web.views.session_matches`: match without answers, then re-evaluate and re-sort."""
    matches = []
    for found in match_profile(store, profile, on, query=EVERY_TRIAL, cache=cache):
        answers = by_trial.get(found.hit.nct_id)
        if answers is not None and answers.by_id:
            parsed = load_parsed(store, found.hit.nct_id)
            assert parsed is not None
            evaluation = evaluate(parsed, profile, on, answers)
            found = Match(found.hit, evaluation, score_of(evaluation), found.standing)
        matches.append(found)
    matches.sort(key=rank_key)
    return matches


def _shape(matches: list[Match]) -> list[tuple[str, float, dict[str, Any]]]:
    return [(m.hit.nct_id, m.score, m.result.model_dump(mode="json")) for m in matches]


def test_answers_per_trial_equal_the_old_web_path(store: TrialStore) -> None:
    _import_bundled(store)
    cases = _answered_cases()
    assert len(cases) >= 8
    cache = ParsedCriteriaCache()
    changed = 0
    for profile, on, by_trial in cases:
        reference = _as_the_web_did(store, profile, on, by_trial, cache)
        got = match_profile(store, profile, on, answers=by_trial, query=EVERY_TRIAL, cache=cache)
        assert _shape(got) == _shape(reference)
        unanswered = match_profile(store, profile, on, query=EVERY_TRIAL, cache=cache)
        changed += _shape(got) != _shape(unanswered)
    # The answers matter in most cases, so the comparison above is not between two unanswered lists.
    assert changed >= len(cases) // 2


def test_a_trials_answers_never_reach_another_trial(store: TrialStore) -> None:
    _import_bundled(store)
    profile, on, by_trial = _answered_cases()[0]
    (answered,) = by_trial
    cache = ParsedCriteriaCache()
    with_answers = {
        m.hit.nct_id: m for m in match_profile(store, profile, on, answers=by_trial, query=EVERY_TRIAL, cache=cache)
    }
    without = {m.hit.nct_id: m for m in match_profile(store, profile, on, query=EVERY_TRIAL, cache=cache)}
    assert with_answers[answered].result != without[answered].result
    for nct_id, found in without.items():
        if nct_id != answered:
            assert with_answers[nct_id].result == found.result
