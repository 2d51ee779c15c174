"""Every bundled trial's rule can be met and failed by a realistic profile; rules nobody can meet are flagged."""

from __future__ import annotations

from datetime import date

import pytest

from eligo.criteria.parse import parse_criteria, parse_trial
from eligo.criteria.stats import leaf_criteria
from eligo.matching.reachability import RealisticValues, reach
from eligo.rules.age import AgeRule
from eligo.rules.composite import AllOf, AnyOf
from eligo.rules.lab_threshold import LabThresholdRule
from eligo.rules.life_expectancy import LifeExpectancyRule
from eligo.rules.sex import SexRule
from eligo.trials.bundled import bundled_paths
from eligo.trials.model import Trial
from eligo.trials.readers import read_path

ON = date(2026, 1, 1)


def test_every_bundled_rule_can_be_met_and_failed() -> None:
    trials = [item for path in bundled_paths() for item in read_path(path) if isinstance(item, Trial)]
    assert len(trials) >= 4
    checked = 0
    flagged: list[str] = []
    for trial in trials:
        for node in leaf_criteria(parse_trial(trial).criteria):
            if node.rule is None:
                continue
            found = reach(node.rule, ON)
            if found.meet == "unchecked":
                continue
            checked += 1
            if found.meet == "unmeetable" or found.fail == "unfailable":
                flagged.append(f"{trial.nct_id} {node.id} {found}: {node.text[:80]}")
    assert checked >= 25, checked
    assert flagged == []


@pytest.mark.parametrize(
    ("rule", "why"),
    [
        # "AST <= 2.5 ULN" read as an absolute value (issue #12): no real AST is that low.
        (LabThresholdRule(test="ast", comparator="<=", value=2.5, unit="U/L"), "ULN multiple read as U/L"),
        (LabThresholdRule(test="alt", comparator="<", value=3.0, unit="U/L"), "ULN multiple read as U/L"),
        (AllOf(rules=(AgeRule(min_months=216), AgeRule(max_months=144))), "contradictory age range"),
        (AllOf(rules=(SexRule(sex="female"), SexRule(sex="male"))), "both sexes at once"),
        (
            AllOf(
                rules=(
                    LabThresholdRule(test="creatinine", comparator=">=", value=2.0, unit="mg/dL"),
                    LabThresholdRule(test="creatinine", comparator="<", value=1.0, unit="mg/dL"),
                )
            ),
            "contradictory lab range",
        ),
    ],
)
def test_unmeetable_rules_are_flagged(rule: AllOf | LabThresholdRule, why: str) -> None:
    assert reach(rule, ON).meet == "unmeetable", why


@pytest.mark.parametrize(
    "rule",
    [
        LabThresholdRule(test="ast", comparator="<=", uln_multiple=2.5),
        LabThresholdRule(test="platelets", comparator=">=", value=100000, unit="/µL"),
        LabThresholdRule(test="hemoglobin", comparator=">=", value=8.0, unit="g/dL"),
        AllOf(rules=(AgeRule(min_months=12), AgeRule(max_months=252))),
        AnyOf(rules=(AgeRule(max_months=12), AgeRule(min_months=800))),
        LifeExpectancyRule(comparator=">=", amount=8, unit="weeks"),
    ],
)
def test_ordinary_rules_are_meetable_and_failable(rule: AllOf | AnyOf | LabThresholdRule | LifeExpectancyRule) -> None:
    found = reach(rule, ON)
    assert (found.meet, found.fail) == ("meetable", "failable")


def test_a_rule_everyone_meets_is_unfailable() -> None:
    assert reach(AgeRule(min_months=0), ON).fail == "unfailable"


def test_parsed_text_is_checked_end_to_end() -> None:
    (node,) = parse_criteria("Inclusion Criteria:\n- Age 18 years or older and less than 12 years\n")
    if node.rule is not None and reach(node.rule, ON).meet != "unchecked":
        # Whatever the extractor makes of a contradictory range, it must not be meetable.
        assert reach(node.rule, ON).meet == "unmeetable"
    (lab,) = parse_criteria("Inclusion Criteria:\n- AST <= 2.5 x ULN\n")
    assert lab.rule is not None and reach(lab.rule, ON).meet == "meetable"


def test_realistic_values_refuse_an_unknown_lab_and_a_reversed_range() -> None:
    with pytest.raises(ValueError):
        RealisticValues.model_validate(
            {
                "labs": {"not_a_lab": [0, 1]},
                "uln_multiple": [0.1, 10],
                "age_years": [0, 100],
                "life_expectancy_months": [1, 100],
                "ejection_fraction_percent": [5, 85],
                "shortening_fraction_percent": [3, 60],
                "grid_points": 50,
            }
        )
    with pytest.raises(ValueError, match="above high"):
        RealisticValues.model_validate(
            {
                "labs": {},
                "uln_multiple": [10, 0.1],
                "age_years": [0, 100],
                "life_expectancy_months": [1, 100],
                "ejection_fraction_percent": [5, 85],
                "shortening_fraction_percent": [3, 60],
                "grid_points": 50,
            }
        )


def test_the_uln_multiple_read_as_units_on_a_real_trial_is_caught() -> None:
    # NCT03868852 (LCT corpus): "B. ALT and AST < 2.5 ULN" -- without "x", the extractor of parser
    # version 2 reads U/L. Whatever it reads, the result is either a ULN multiple or flagged.
    (node,) = parse_criteria("Inclusion Criteria:\n- ALT and AST < 2.5 ULN\n")
    assert node.rule is not None
    parts = node.rule.rules if isinstance(node.rule, AllOf | AnyOf) else (node.rule,)
    absolute = [part for part in parts if isinstance(part, LabThresholdRule) and part.uln_multiple is None]
    assert not absolute or reach(node.rule, ON).meet == "unmeetable"


def test_observation_and_asa_rules_are_checked() -> None:
    """The general kinds (issue #12): a BMI range and an ASA range can be met and failed; BMI both
    under 18 and over 30 cannot be met."""
    from eligo.rules.observation import ObservationRule
    from eligo.rules.physical_status import PhysicalStatusRule

    on = date(2026, 1, 1)
    low, high = (
        ObservationRule(measure="bmi", comparator=">=", value=18.5),
        ObservationRule(measure="bmi", comparator="<=", value=30),
    )
    found = reach(AllOf(rules=(low, high)), on)
    assert (found.meet, found.fail) == ("meetable", "failable")
    contradiction = AllOf(
        rules=(
            ObservationRule(measure="bmi", comparator="<", value=18),
            ObservationRule(measure="bmi", comparator=">", value=30),
        )
    )
    assert reach(contradiction, on).meet == "unmeetable"
    asa = reach(PhysicalStatusRule(min_class=1, max_class=2), on)
    assert (asa.meet, asa.fail) == ("meetable", "failable")


def test_a_long_list_of_lab_exclusions_can_fail_as_a_whole() -> None:
    # NCT02028676: any one of five abnormal results excludes; the check holds the others at normal values
    # to find the profile that fails them all (it used to stop before that combination: "unfailable").
    text = (
        "Laboratory abnormalities which are a contra-indication for the child to start ART (haemoglobin <8.5g/dL; "
        "neutrophils <0.50x109/L; aspartate transaminase (AST) or alanine transaminase (ALT) >5 x the upper limit "
        "of normal; creatinine >1.9 x the upper limit of normal)"
    )
    (node,) = parse_criteria("Exclusion Criteria:\n* " + text)
    assert isinstance(node.rule, AnyOf) and len(node.rule.rules) >= 5
    found = reach(node.rule, ON)
    assert (found.meet, found.fail) == ("meetable", "failable")
