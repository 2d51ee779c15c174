"""Golden cases for behaviours and reproductive status (issue #12): criterion text in, rule out, through
the whole extraction chain in registry order (tests/criteria/golden_rules/lifestyle.yaml)."""

from __future__ import annotations

from typing import Any

import pytest
from golden_rules_support import case_ids, check_extraction, load_cases
from pydantic import ValidationError

from eligo.rules.base import CriterionContext
from eligo.rules.composite import AnyOf
from eligo.rules.extract import extract
from eligo.rules.menopause import MenopauseRule
from eligo.rules.pregnancy import PregnancyRule
from eligo.rules.registry import RULE_ADAPTER
from eligo.rules.smoking import SmokingRule

CASES = load_cases("lifestyle.yaml")


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_golden(case: dict[str, Any]) -> None:
    check_extraction(case)


def test_rules_round_trip() -> None:
    for case in CASES:
        if case["expected"] is not None:
            rule = RULE_ADAPTER.validate_python(case["expected"])
            assert RULE_ADAPTER.validate_json(rule.model_dump_json()) == rule


@pytest.mark.parametrize(
    "fields",
    [
        {"measure": "pack_years"},  # a measure without its comparator and value
        {"statuses": ("current",), "quit_within_months": 6},  # stopping is about former smokers
        {},  # everyone meets it: says nothing
    ],
)
def test_smoking_rule_refuses_incoherent(fields: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        SmokingRule(**fields)


def test_pregnancy_rule_refuses_planning_outside_its_topic() -> None:
    with pytest.raises(ValidationError):
        PregnancyRule(topic="contraception", planning=True)
    with pytest.raises(ValidationError):
        PregnancyRule(topic="childbearing_potential", sex="male")


def test_questions_ask_one_thing_in_words() -> None:
    rule = SmokingRule(statuses=("current", "former"), quit_within_months=6)
    assert (
        rule.question("exclusion") == "Is it true that your child smokes now or stopped smoking less than 6 months ago?"
    )
    refusal = PregnancyRule(topic="contraception", present=False)
    assert "unwilling or unable" in refusal.question("exclusion")


@pytest.mark.parametrize(
    ("text", "section", "expected"),
    [
        # wordings beside the real ones above, in the same shapes
        (
            "Current smokers (≥ 10 cigarettes per day)",
            "inclusion",
            {"statuses": ["current"], "measure": "cigarettes_per_day", "comparator": ">=", "value": 10},
        ),
        ("≥ 20 pack-year smoking history", "inclusion", {"measure": "pack_years", "comparator": ">=", "value": 20}),
        (
            "Former smokers with >10 pack-years",
            "inclusion",
            {"statuses": ["former"], "measure": "pack_years", "comparator": ">", "value": 10},
        ),
        ("Never smokers", "inclusion", {"statuses": ["never"]}),
    ],
)  # fmt: skip
def test_smoking_wordings(text: str, section: str, expected: dict[str, Any]) -> None:
    found = extract(CriterionContext(text=text, section=section))
    assert found.rule == RULE_ADAPTER.validate_python({"kind": "smoking", **expected})
    assert not found.partial


def test_not_agreeing_to_contraception_is_no_requirement_to_use_it() -> None:
    # Negation: as an inclusion, "who do not agree to use" must not become "will use birth control".
    text = "Women of childbearing potential who do not agree to use adequate contraception"
    assert extract(CriterionContext(text=text, section="inclusion")).rule is None
    refusal = extract(CriterionContext(text=text, section="exclusion")).rule
    assert refusal == PregnancyRule(topic="contraception", present=False)


@pytest.mark.parametrize(
    ("text", "breastfeeding"),
    [
        ("Not pregnant or planning to become pregnant during the study", False),
        ("Not pregnant, breastfeeding, or planning to become pregnant", True),
    ],
)
def test_not_pregnant_nor_planning(text: str, breastfeeding: bool) -> None:
    # An inclusion's negation covers every state it lists, the plan too.
    found = extract(CriterionContext(text=text, section="inclusion"))
    assert found.rule == PregnancyRule(topic="pregnant", breastfeeding=breastfeeding, planning=True, present=False)
    assert not found.partial


@pytest.mark.parametrize(
    ("text", "sex"),
    [
        ("Men who are not willing to use contraception", "male"),
        ("Men and women of reproductive potential who are unwilling to use effective contraception", "any"),
        ("Sexually active women of childbearing potential not using adequate contraception", "female"),
    ],
)
def test_contraception_refusal_gets_the_right_sex(text: str, sex: str) -> None:
    rule = extract(CriterionContext(text=text, section="exclusion")).rule
    assert rule == PregnancyRule(topic="contraception", sex=sex, present=False)


def test_refusal_of_unstated_people_is_not_read() -> None:
    # "Patients not using contraception": no sex and no childbearing potential named; it may be about anything.
    assert extract(CriterionContext(text="Patients not using contraception", section="exclusion")).rule is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Pregnant women at 24-28 weeks of gestation", {"subject": "pregnancy", "min_weeks": 24, "max_weeks": 28}),
        ("Infants born before 32 weeks of gestation", {"subject": "birth", "max_weeks": 32, "max_inclusive": False}),
    ],
)
def test_gestation_wordings(text: str, expected: dict[str, Any]) -> None:
    found = extract(CriterionContext(text=text, section="inclusion"))
    assert found.rule == RULE_ADAPTER.validate_python({"kind": "gestation", **expected})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Non-smokers for at least 6 months", {"statuses": ["never", "former"], "quit_before_months": 6}),
        ("Former smokers who quit at least 1 year ago", {"statuses": ["former"], "quit_before_months": 12}),
        ("Former smokers who quit within the past 15 years", {"statuses": ["former"], "quit_within_months": 180}),
    ],
)
def test_stopping_wordings(text: str, expected: dict[str, Any]) -> None:
    found = extract(CriterionContext(text=text, section="inclusion"))
    assert found.rule == RULE_ADAPTER.validate_python({"kind": "smoking", **expected})


def test_menopause_wordings() -> None:
    for text in ("Women who are postmenopausal", "Postmenopausal status", "Post-menopausal women"):
        assert extract(CriterionContext(text=text, section="inclusion")).rule == MenopauseRule(status="post")


def test_pregnant_or_refusing_birth_control_is_either_reason() -> None:
    text = "Pregnant or breastfeeding women, or women of childbearing potential not using adequate contraception"
    rule = extract(CriterionContext(text=text, section="exclusion")).rule
    assert rule == AnyOf(
        rules=(
            PregnancyRule(topic="pregnant", breastfeeding=True),
            PregnancyRule(topic="contraception", present=False),
        )
    )
    # As an inclusion it is not this reading (and not the requirement to use birth control either).
    found = extract(CriterionContext(text=text, section="inclusion")).rule
    assert not isinstance(found, AnyOf)
