"""Posted adverse events (API v2 resultsSection.adverseEventsModule) read into the trial record (issue #16)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from eligo.trials.ctgov_v2 import study_to_trial
from eligo.trials.model import ImportProblem, Trial

RESULTS = Path(__file__).resolve().parents[1] / "data" / "ctgov-v2-results" / "NCT02210780.json"


@pytest.fixture
def study() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(RESULTS.read_text(encoding="utf-8"))
    return data


def test_serious_and_other_events_with_their_groups_and_counts(study: dict[str, Any]) -> None:
    events = study_to_trial(study).adverse_events
    assert events is not None
    assert [group.title for group in events.groups] == ["Placebo qw", "Dupilumab 300 mg qw"]
    assert events.groups[1].serious_affected == 3 and events.groups[1].serious_at_risk == 97
    assert events.frequency_threshold == "5"
    assert sum(event.serious for event in events.events) == 3
    assert sum(not event.serious for event in events.events) == 6
    headache = next(event for event in events.events if event.term == "Headache")
    assert headache.organ_system == "Nervous system disorders"
    assert [(count.group_id, count.affected, count.at_risk) for count in headache.counts] == [
        ("EG000", 3, 97),
        ("EG001", 5, 97),
    ]


def test_the_record_round_trips_through_json(study: dict[str, Any]) -> None:
    trial = study_to_trial(study)
    assert Trial.model_validate_json(trial.model_dump_json()) == trial


def test_a_record_without_results_has_none(study: dict[str, Any]) -> None:
    without = {key: value for key, value in study.items() if key != "resultsSection"}
    assert study_to_trial(without).adverse_events is None


def test_a_malformed_count_names_its_field(study: dict[str, Any]) -> None:
    broken = copy.deepcopy(study)
    broken["resultsSection"]["adverseEventsModule"]["seriousEvents"][0]["stats"][1]["numAffected"] = "many"
    with pytest.raises(ImportProblem) as raised:
        study_to_trial(broken)
    assert raised.value.field == "resultsSection.adverseEventsModule.seriousEvents[0].stats[1].numAffected"
