"""Section recognition on real headings and headless lists; an inferred section never rules a child out."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from eligo.criteria.parse import ParsedCriteria, parse_criteria
from eligo.criteria.sections import heading, load_vocab, wording
from eligo.criteria.tree import split_criteria
from eligo.matching.evaluate import evaluate_trial
from eligo.patients.profile import PatientProfile
from eligo.rules.verdicts import CriterionVerdict, TrialVerdict

CASES_FILE = Path(__file__).resolve().parent / "golden_sections" / "sections.yaml"


def _cases() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = yaml.safe_load(CASES_FILE.read_text("utf-8"))["cases"]
    return cases


@pytest.mark.parametrize("case", _cases(), ids=lambda case: f"{case['nct']}: {case['what']}")
def test_golden_sections(case: dict[str, Any]) -> None:
    tree = split_criteria(case["text"])
    got = [(node.section, node.section_source, node.text) for node in tree.walk() if node.text]
    expected = case["expect"]
    assert len(got) == len(expected), got
    for (section, source, text), (want_section, want_source, want_start) in zip(got, expected, strict=True):
        assert text.startswith(want_start), (text, want_start)
        assert (section, source) == (want_section, want_source), text


@pytest.mark.parametrize(
    "line",
    [
        "Key exclusion criteria",
        "EXCLUSION:",
        "Exclusion criteria include:",
        "Patients will be excluded if:",
        "Subjects are not eligible if",
        "Criteria for exclusion:",
        "Non-inclusion criteria:",
        "Exclusion criteria (non ESRD group) :",
        "The following exclusion criteria apply to all subjects:",
        "We excluded patients with the following criteria:",
        "Sub-study Exclusion Criteria:",
    ],
)
def test_exclusion_headings(line: str) -> None:
    found = heading(line)
    assert found is not None and found.section == "exclusion"


def test_a_sub_studys_heading_line_ending_in_its_section_opens_that_section() -> None:
    # NCT02028676 (ARROW): the second randomisation's list follows a long line ending "Inclusion criteria".
    line = (
        "Eligibility criteria for the secondary randomisation to stop or continue cotrimoxazole prophylaxis "
        "randomisation Inclusion criteria"
    )
    found = heading(line)
    assert found is not None and found.section == "inclusion"
    other = heading(line.replace("Inclusion", "Exclusion"))
    assert other is not None and other.section == "exclusion"


@pytest.mark.parametrize(
    "line",
    [
        "Patients who meet all inclusion criteria",  # a criterion that ends in the words
        "Patients will be excluded if they have HIV",  # a criterion, not a heading
        "Exclusion of patients with HIV",
        "exclusion criterion.",
        "criteria:",
        "Prior exclusion from another study",
    ],
)
def test_criteria_that_are_not_headings(line: str) -> None:
    assert heading(line) is None


def test_wording_reads_what_the_item_says_about_itself() -> None:
    assert wording("Patients with HIV are excluded") == ("exclusion", "wording")
    assert wording("No history of stroke") == ("inclusion", "wording")
    assert wording("and no other abnormalities that the Investigator would deem them ineligible") == (
        "inclusion",
        "wording",
    )
    assert wording("Age 18 or older") == ("inclusion", "default")


def test_a_bad_pattern_in_the_vocabulary_is_refused_by_name() -> None:
    text = CASES_FILE.parents[3].joinpath("src/eligo/criteria/vocab/sections.yaml").read_text("utf-8")
    with pytest.raises(ValueError, match="not a valid regular expression"):
        load_vocab(text.replace("exclusion_wording:\n", 'exclusion_wording:\n  - "(unclosed"\n', 1))


def _age_10() -> PatientProfile:
    return PatientProfile(age_years=10)


def test_an_inferred_section_never_rules_a_child_out() -> None:
    headed = ParsedCriteria(
        nct_id="NCT00000001", criteria=parse_criteria("Inclusion Criteria:\n- Age 18 years or older\n")
    )
    headless = ParsedCriteria(nct_id="NCT00000001", criteria=parse_criteria("- Age 18 years or older\n"))
    assert headed.criteria[0].rule is not None and headless.criteria[0].rule is not None
    assert headless.criteria[0].section_source == "default"
    on = date(2026, 1, 1)
    assert evaluate_trial(headed, _age_10(), on).verdict is TrialVerdict.INELIGIBLE
    result = evaluate_trial(headless, _age_10(), on)
    assert result.verdict is not TrialVerdict.INELIGIBLE
    assert result.criteria[0].verdict is CriterionVerdict.UNKNOWN
    assert "no section heading" in result.criteria[0].evidence


def test_section_source_round_trips_and_is_left_out_under_a_heading() -> None:
    parsed = ParsedCriteria(nct_id="NCT00000001", criteria=parse_criteria("Inclusion Criteria:\n- Age 18 or older\n"))
    assert "section_source" not in parsed.to_json()
    headless = ParsedCriteria(nct_id="NCT00000001", criteria=parse_criteria("- Patients with HIV are excluded\n"))
    assert ParsedCriteria.from_json(headless.to_json()) == headless
    assert headless.criteria[0].section_source == "wording"


def test_a_heading_pattern_without_a_stem_is_refused() -> None:
    text = CASES_FILE.parents[3].joinpath("src/eligo/criteria/vocab/sections.yaml").read_text("utf-8")
    with pytest.raises(ValueError, match="holds none of the stems"):
        load_vocab(text.replace("neutral_headings:\n", 'neutral_headings:\n  - "study\\\\s+requirements"\n', 1))
