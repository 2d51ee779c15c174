"""Matching through the parsed-criteria cache, shared rule outcomes and results built on demand gives
exactly what evaluating each stored tree afresh gives: same trials, same results, same order."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any

import pytest
from golden_profiles_support import case_paths, load_case

from eligo import ingest
from eligo.criteria.parse import PARSER_VERSION, ParsedCriteria, parse_trial
from eligo.matching.availability import facts_of_sketch, standing
from eligo.matching.evaluate import RuleOutcomes, evaluate, evaluate_trial
from eligo.matching.match import Match, load_parsed, match_profile, rank_key, score_of
from eligo.matching.parsed_cache import ParsedCriteriaCache
from eligo.patients.answers import Answers
from eligo.patients.load import profile_from_data
from eligo.patients.profile import LabResult, PatientProfile
from eligo.store import SearchQuery, TrialStore
from eligo.trials.bundled import bundled_paths
from eligo.trials.model import Trial
from eligo.trials.readers import read_path

EVERY_TRIAL = SearchQuery(limit=1000)


def _import_bundled(store: TrialStore) -> None:
    items = [item for path in bundled_paths() for item in read_path(path)]
    summary = ingest.import_records(store, items)
    assert summary.failed == 0


def _cases() -> list[tuple[PatientProfile, date, Answers]]:
    cases = [load_case(path) for path in case_paths()]
    return [
        (profile_from_data(c["profile"]), date.fromisoformat(c["on"]), Answers.from_mapping(c.get("answers", {})))
        for c in cases
    ]


def _uncached(store: TrialStore, profile: PatientProfile, on: date, answers: Answers) -> list[Match]:
    """The reference: every candidate's stored tree read and validated afresh, evaluated on its own."""
    matches = []
    hits = store.search(EVERY_TRIAL)
    records = store.sketches(hit.nct_id for hit in hits)
    for hit in hits:
        parsed = load_parsed(store, hit.nct_id)
        assert parsed is not None
        evaluation = evaluate(parsed, profile, on, answers)
        found = standing(facts_of_sketch(records[hit.nct_id], hit.phases), on)
        matches.append(Match(hit=hit, evaluation=evaluation, score=score_of(evaluation), standing=found))
    matches.sort(key=rank_key)
    return matches


def _shape(matches: list[Match]) -> list[tuple[str, float, dict[str, Any]]]:
    return [(m.hit.nct_id, m.score, m.result.model_dump(mode="json")) for m in matches]


def test_cached_matching_equals_uncached_over_golden_profiles(store: TrialStore) -> None:
    _import_bundled(store)
    cases = _cases()
    assert len(cases) >= 12
    cache = ParsedCriteriaCache()
    expected = [_uncached(store, profile, on, answers) for profile, on, answers in cases]
    assert all(len(matches) == store.count() for matches in expected)
    # Cold (empty cache), then warm twice.
    for _ in range(3):
        for (profile, on, answers), reference in zip(cases, expected, strict=True):
            got = match_profile(store, profile, on, answers=answers, query=EVERY_TRIAL, cache=cache)
            assert [m.result for m in got] == [m.result for m in reference]
            assert _shape(got) == _shape(reference)
    assert cache.hits > 0
    assert len(cache) == store.count()


def test_concurrent_matches_share_one_cache_safely(store: TrialStore) -> None:
    _import_bundled(store)
    cases = _cases()
    expected = [_shape(_uncached(store, profile, on, answers)) for profile, on, answers in cases]
    cache = ParsedCriteriaCache()
    start = threading.Barrier(4)

    def run(index: int) -> list[tuple[str, float, dict[str, Any]]]:
        if index < 4:
            start.wait()
        profile, on, answers = cases[index % len(cases)]
        return _shape(match_profile(store, profile, on, answers=answers, query=EVERY_TRIAL, cache=cache))

    with ThreadPoolExecutor(max_workers=4) as pool:
        got = list(pool.map(run, range(3 * len(cases))))
    assert got == [expected[index % len(cases)] for index in range(3 * len(cases))]


def test_a_rewritten_tree_is_read_again(store: TrialStore) -> None:
    _import_bundled(store)
    profile, on, _ = _cases()[0]
    cache = ParsedCriteriaCache()
    before = {m.hit.nct_id: m for m in match_profile(store, profile, on, query=EVERY_TRIAL, cache=cache)}
    nct_id = next(iter(before))
    parsed = load_parsed(store, nct_id)
    assert parsed is not None and len(parsed.criteria) > 1
    # `eligo criteria --reparse` writes a tree the same way; here one with a single criterion left.
    smaller = parsed.model_copy(update={"criteria": parsed.criteria[:1]})
    store.save_criteria(nct_id, PARSER_VERSION, smaller.to_json())
    after = {m.hit.nct_id: m for m in match_profile(store, profile, on, query=EVERY_TRIAL, cache=cache)}
    assert after[nct_id].result == evaluate_trial(smaller, profile, on)
    assert len(after[nct_id].result.criteria) == 1
    assert after[nct_id].result != before[nct_id].result


def test_a_warm_match_reads_no_records_and_a_reimported_status_is_seen(
    store: TrialStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    _import_bundled(store)
    profile, on, _ = _cases()[0]
    cache = ParsedCriteriaCache()
    read: list[list[str]] = []
    sketches = store.sketches

    def counted(nct_ids: Any) -> Any:
        wanted = list(nct_ids)
        read.append(wanted)
        return sketches(wanted)

    monkeypatch.setattr(store, "sketches", counted)
    first = match_profile(store, profile, on, query=EVERY_TRIAL, cache=cache)
    assert len(read) == 1 and sorted(read[0]) == sorted(m.hit.nct_id for m in first)
    again = match_profile(store, profile, on, query=EVERY_TRIAL, cache=cache)
    assert len(read) == 1 and _shape(again) == _shape(first)  # warm: nothing read
    # A re-import that closes one trial: its record, and so its stamp, is new; only it is read again.
    nct_id = next(m.hit.nct_id for m in first if m.standing.open)
    trial = store.get(nct_id)
    assert trial is not None
    ingest.upsert(store, trial.model_copy(update={"overall_status": "COMPLETED", "last_update_date": "2026-11-30"}))
    after = {m.hit.nct_id: m for m in match_profile(store, profile, on, query=EVERY_TRIAL, cache=cache)}
    assert read[1:] == [[nct_id]]
    assert not after[nct_id].standing.open
    assert all(m.standing == after[m.hit.nct_id].standing for m in first if m.hit.nct_id != nct_id)


def test_missing_or_stale_rules_are_parsed_from_the_record(store: TrialStore) -> None:
    _import_bundled(store)
    profile, on, _ = _cases()[0]
    nct_id = store.search(EVERY_TRIAL)[0].nct_id
    store.save_criteria(nct_id, "an older parser", "{}")
    cache = ParsedCriteriaCache()
    for _ in range(2):
        got = {m.hit.nct_id: m.result for m in match_profile(store, profile, on, query=EVERY_TRIAL, cache=cache)}
        trial = store.get(nct_id)
        assert trial is not None
        assert got[nct_id] == evaluate_trial(parse_trial(trial), profile, on)
    assert cache.hits >= 1


def test_the_cache_is_bounded() -> None:
    cache = ParsedCriteriaCache(max_trees=2)
    tree = ParsedCriteria(nct_id="NCT00000001")
    for index in range(5):
        cache._put(("scope", f"NCT{index}", PARSER_VERSION, "stamp"), tree)
    assert len(cache) == 2
    with pytest.raises(ValueError, match="max_trees"):
        ParsedCriteriaCache(max_trees=0)


def test_load_tree_equals_from_json_and_shares_equal_rules() -> None:
    cache = ParsedCriteriaCache()
    trials = [item for path in bundled_paths() for item in read_path(path) if isinstance(item, Trial)]
    assert len(trials) >= 4
    shared = 0
    for trial in trials:
        text = parse_trial(trial).to_json()
        loaded = cache.load_tree(text)
        assert loaded == ParsedCriteria.from_json(text)
        assert loaded.model_dump_json() == ParsedCriteria.from_json(text).model_dump_json()
        again = cache.load_tree(text)
        rules = [node.rule for root in loaded.criteria for node in root.walk() if node.rule is not None]
        rules_again = [node.rule for root in again.criteria for node in root.walk() if node.rule is not None]
        assert all(a is b for a, b in zip(rules, rules_again, strict=True))
        shared += len(rules)
    assert shared > 0


def test_rule_outcomes_belong_to_one_profile_and_date() -> None:
    profile, on, _ = _cases()[0]
    outcomes = RuleOutcomes(profile, on)
    parsed = ParsedCriteria(nct_id="NCT00000001")
    evaluate_trial(parsed, profile, on, outcomes=outcomes)
    with pytest.raises(ValueError, match="another profile or date"):
        evaluate_trial(parsed, profile, date(2000, 1, 1), outcomes=outcomes)
    with pytest.raises(ValueError, match="another profile or date"):
        evaluate_trial(parsed, profile.model_copy(), on, outcomes=outcomes)


def test_lab_values_are_converted_once_when_loaded_and_failures_keep_their_reason() -> None:
    """A profile's labs carry their canonical value from load (Pint's own), the reported value and unit
    stay for display, and the stored profile JSON does not change."""
    from eligo.units import UnitError, convert

    for value in (0.5, 1.0, 1.2, 1000.0):
        lab = LabResult(test="anc", value=value, unit="x10^9/L")
        assert lab.canonical_value == convert("anc", value, "x10^9/L", "/µL")
        assert (lab.value, lab.unit) == (value, "x10^9/L")
        assert LabResult.model_validate_json(lab.model_dump_json()).canonical_value == lab.canonical_value
    lab = LabResult(test="anc", value=1.0, unit="furlongs")
    assert set(lab.model_dump()) == {
        "test", "value", "unit", "date", "upper_limit_normal", "lower_limit_normal", "transfused_within_days"
    }  # fmt: skip
    with pytest.raises(UnitError) as caught:
        _ = lab.canonical_value
    with pytest.raises(UnitError) as direct:
        convert("anc", 1.0, "furlongs", "/µL")
    assert str(caught.value) == str(direct.value)


def test_evaluating_lab_rules_converts_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Profile labs are canonical from load and rules carry canonical thresholds, so evaluation needs no
    Pint (and no lock): a conversion or a unit parsed during evaluation fails this test."""
    import eligo.units
    from eligo.rules.registry import EVALUATORS, RULE_ADAPTER

    on = date(2026, 11, 20)
    profile = PatientProfile.model_validate(
        {
            "birth_date": "2018-01-01",
            "sex": "female",
            "labs": [
                {"test": "anc", "value": 1.2, "unit": "x10^9/L", "date": "2026-11-10"},
                {"test": "creatinine", "value": 40, "unit": "umol/L", "date": "2026-11-10"},
            ],
        }
    )
    rules = [
        RULE_ADAPTER.validate_python(
            {"kind": "lab_threshold", "test": "anc", "comparator": ">=", "value": 1000, "unit": "/µL"}
        ),
        RULE_ADAPTER.validate_python(
            {"kind": "lab_threshold", "test": "anc", "comparator": ">=", "value": 1.5, "unit": "× 10⁹/L"}
        ),
        RULE_ADAPTER.validate_python(
            {"kind": "creatinine_for_age", "rows": [{"min_months": 0, "male": 0.8, "female": 0.8}]}
        ),
    ]

    def refuse(*args: object) -> float:
        raise AssertionError("a unit conversion during evaluation")

    monkeypatch.setattr(eligo.units, "_convert", refuse)
    monkeypatch.setattr(eligo.units, "_convert_unlocked", refuse)
    monkeypatch.setattr(eligo.units, "_parse", refuse)
    verdicts = [EVALUATORS[type(rule)](rule, profile, on).verdict.value for rule in rules]
    assert verdicts == ["met", "not_met", "met"]
