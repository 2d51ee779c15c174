"""Golden cases for therapy-history evaluation: rule + profile + date in, verdict + evidence out."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from eligo.patients.profile import PatientProfile, Therapy
from eligo.rules._therapy import therapy_classes
from eligo.rules.cumulative_dose import CumulativeDoseRule
from eligo.rules.prior_therapy import PriorTherapyRule
from eligo.rules.registry import EVALUATORS, RULE_ADAPTER
from eligo.rules.stored_stem_cells import StemCellRule
from eligo.rules.washout import WashoutRule

GOLDEN: list[dict[str, Any]] = yaml.safe_load((Path(__file__).parent / "golden_eval" / "therapy.yaml").read_text())


@pytest.mark.parametrize("case", GOLDEN, ids=[c["name"] for c in GOLDEN])
def test_golden_evaluation(case: dict[str, Any]) -> None:
    rule = RULE_ADAPTER.validate_python(case["rule"])
    profile = PatientProfile.model_validate(case["profile"])
    outcome = EVALUATORS[type(rule)](rule, profile, date.fromisoformat(case["on"]))
    assert outcome.verdict.value == case["verdict"]
    assert outcome.evidence == case["evidence"]
    if outcome.verdict.value == "unknown":
        assert outcome.missing


def test_golden_has_enough_cases() -> None:
    assert len(GOLDEN) >= 30


def test_every_therapy_rule_kind_has_an_evaluator() -> None:
    assert {WashoutRule, PriorTherapyRule, CumulativeDoseRule, StemCellRule} <= set(EVALUATORS)


def test_explicit_classes_join_vocabulary_classes() -> None:
    therapy = Therapy(agent="dinutuximab", classes=("investigational",))
    assert {"investigational", "anti_gd2_antibody", "monoclonal_antibody"} <= therapy_classes(therapy)


@pytest.mark.parametrize("days_ago", range(0, 60))
def test_washout_boundary_is_exact(days_ago: int) -> None:
    rule = RULE_ADAPTER.validate_python(
        {"kind": "washout", "exposure": {"therapy_classes": ["monoclonal_antibody"], "label": "mAb"}, "min_days": 21}
    )
    on = date(2026, 11, 23)
    last = date.fromordinal(on.toordinal() - days_ago)
    profile = PatientProfile(therapies=(Therapy(agent="naxitamab", end=last),))
    outcome = EVALUATORS[type(rule)](rule, profile, on)
    assert outcome.verdict.value == ("met" if days_ago >= 21 else "not_met")
