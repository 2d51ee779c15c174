"""A referral carries the answers a family gave to a criterion's parts, not only whole-criterion answers (issue #13)."""

from __future__ import annotations

from datetime import date

from eligo.criteria.parse import parse_trial
from eligo.matching.evaluate import evaluate_trial
from eligo.patients.answers import Answers
from eligo.patients.profile import PatientProfile
from eligo.referrals.summary import shared_summary
from eligo.trials.bundled import bundled_paths
from eligo.trials.model import Trial
from eligo.trials.readers import read_path


def test_part_answers_travel_with_the_referral() -> None:
    (trial,) = [
        item
        for path in bundled_paths()
        for item in read_path(path)
        if isinstance(item, Trial) and item.nct_id == "NCT04751383"
    ]
    given = {"inc-1": "yes", "inc-13#1": "no"}
    result = evaluate_trial(parse_trial(trial), PatientProfile(), date(2026, 1, 15), Answers.from_mapping(given))
    summary = shared_summary(result, given, "words")
    shared = {answer.criterion_id: answer for answer in summary.answers}
    assert set(shared) == {"inc-1", "inc-13#1"}
    assert shared["inc-13#1"].answer == "no"
    assert "HIV" in shared["inc-13#1"].question
