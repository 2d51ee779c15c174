"""The ranking (issue #15): trials where something about the child could be checked, with a better
verdict, come before trials where nothing could; the score is the documented share of criteria met
and tells trials apart."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

from tests.support.clinic import clinic_child

from eligo import ingest
from eligo.criteria.parse import ParsedCriteria, parse_trial
from eligo.matching.evaluate import evaluate
from eligo.matching.match import Match, match_profile
from eligo.matching.ranking import checked_count, rank_key, score_of
from eligo.patients.load import profile_from_data
from eligo.patients.profile import PatientProfile
from eligo.rules.verdicts import TrialVerdict
from eligo.store import SearchHit, SearchQuery, SiteHit, TrialStore
from eligo.trials.bundled import bundled_paths
from eligo.trials.model import Eligibility, Trial
from eligo.trials.readers import read_path

ON = date(2026, 12, 1)
DOCS = Path(__file__).resolve().parents[2] / "docs" / "ranking.md"


def _match(nct_id: str, criteria: str, km: float, profile: PatientProfile) -> Match:
    trial = Trial(nct_id=nct_id, brief_title=nct_id, eligibility=Eligibility(criteria=criteria))
    site = SiteHit(facility="x", city="y", country="z", status="RECRUITING", lat=0, lon=0, distance_km=km)
    hit = SearchHit(nct_id=nct_id, title=nct_id, overall_status="RECRUITING", phases=(), score=0, nearest_site=site)
    evaluation = evaluate(parse_trial(trial), profile, ON)
    return Match(hit=hit, evaluation=evaluation, score=score_of(evaluation))


def test_a_checked_trial_comes_before_a_nearer_one_where_nothing_could_be_checked() -> None:
    child = PatientProfile.model_validate({"age_years": 7, "diagnosis": "neuroblastoma"})
    checked = _match(
        "NCT00000001",
        "Inclusion Criteria:\n\n* Age 1 to 21 years\n* Diagnosis of neuroblastoma\n* Lansky score of at least 50",
        1500,
        child,
    )
    nothing = _match("NCT00000002", "Inclusion Criteria:\n\n* Lansky score of at least 50", 0, child)
    empty = _match("NCT00000003", "", 0, child)
    assert checked.evaluation.verdict is nothing.evaluation.verdict is TrialVerdict.POSSIBLY_ELIGIBLE
    assert checked_count(checked.evaluation) == 2 and checked_count(nothing.evaluation) == 0
    ranked = sorted([empty, nothing, checked], key=rank_key)
    assert ranked[0] is checked
    assert 0 < checked.score < 1 and nothing.score == empty.score == 0.0


def test_a_better_verdict_comes_first_and_ruled_out_trials_last() -> None:
    child = PatientProfile.model_validate({"age_years": 7, "diagnosis": "neuroblastoma"})
    eligible = _match("NCT00000004", "Inclusion Criteria:\n\n* Age 1 to 21 years", 3000, child)
    nothing = _match("NCT00000005", "Inclusion Criteria:\n\n* Lansky score of at least 50", 0, child)
    ruled_out = _match("NCT00000006", "Inclusion Criteria:\n\n* Age 12 to 21 years", 0, child)
    assert eligible.evaluation.verdict is TrialVerdict.ELIGIBLE
    assert ruled_out.evaluation.verdict is TrialVerdict.INELIGIBLE
    assert sorted([ruled_out, nothing, eligible], key=rank_key) == [eligible, nothing, ruled_out]


def test_the_bundled_list_puts_every_checked_trial_before_the_unchecked_ones_of_its_verdict(
    store: TrialStore,
) -> None:
    items = [item for path in bundled_paths() for item in read_path(path)]
    assert ingest.import_records(store, items).failed == 0
    for data in (clinic_child(), json.loads((DOCS.parents[0] / "examples" / "child-relapsed.json").read_text())):
        matches = match_profile(store, profile_from_data(data), ON, query=SearchQuery(limit=1000))
        keys = [(m.evaluation.verdict, checked_count(m.evaluation) == 0) for m in matches]
        order = {TrialVerdict.ELIGIBLE: 0, TrialVerdict.POSSIBLY_ELIGIBLE: 1, TrialVerdict.INELIGIBLE: 2}
        assert [(order[verdict], unchecked) for verdict, unchecked in keys] == sorted(
            (order[verdict], unchecked) for verdict, unchecked in keys
        )
        assert any(unchecked for _, unchecked in keys) and not all(unchecked for _, unchecked in keys)
        assert len({m.score for m in matches}) >= 3, "the score is not the same for every trial"


def test_the_score_is_documented_as_computed() -> None:
    text = DOCS.read_text(encoding="utf-8")
    assert "met / (met + not met + still open)" in text
    # The worked example in the docs is what score_of computes.
    example = re.search(r"(\d+) met, (\d+) not met and (\d+) still open\s+score ([0-9]+\.[0-9]+)", text)
    assert example
    met, not_met, unknown = (int(example.group(i)) for i in (1, 2, 3))
    documented = float(example.group(4))
    assert round(met / (met + not_met + unknown), 3) == documented
    parsed = ParsedCriteria(nct_id="NCT00000007", parser_version="1", criteria=())
    assert score_of(evaluate(parsed, PatientProfile(), ON)) == 0.0
