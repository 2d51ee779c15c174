"""The old NCI PDQ eligibility format of cooperative-group neuroblastoma trials (COG, CCG, POG, NANT; ~1998-2010),
read whole (issue #12): "DISEASE CHARACTERISTICS:" / "PATIENT CHARACTERISTICS:" / "PRIOR CONCURRENT THERAPY:",
field sub-headings ("Age:", "Performance status:", "Renal:") with bare values under them, "Not specified" /
"See Disease Characteristics" lines, one performance scale per line with its ages in brackets, and either/or
lines joined by a trailing "OR". The text is written as those protocols word it (no local trial carries a
neuroblastoma one); tests/criteria/golden_rules/pdq.yaml cites the real PDQ texts (NCT00023673, NCT00055614,
NCT00739791)."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest

from eligo.criteria.parse import ParsedCriterion, parse_criteria
from eligo.criteria.stats import bucket, leaf_criteria
from eligo.matching.evaluate import evaluate_rule
from eligo.patients.profile import PatientProfile

# As CT.gov's legacy XML lays it out: headings at 8 columns, "-" items at 10, sub-items at 15.
PDQ = """
        DISEASE CHARACTERISTICS:

          -  Histologically confirmed neuroblastoma

          -  Recurrent or refractory disease

          -  Measurable or evaluable disease

        PATIENT CHARACTERISTICS:

        Age:

          -  1 to 21

        Performance status:

          -  Karnofsky 50-100% (over 10 years of age)

          -  Lansky 50-100% (10 years of age and under)

        Life expectancy:

          -  At least 8 weeks

        Hematopoietic:

          -  Absolute neutrophil count at least 1,000/mm^3

          -  Platelet count at least 75,000/mm^3 (transfusion independent)

        Hepatic:

          -  Bilirubin no greater than 1.5 times upper limit of normal (ULN)

        Renal:

          -  Creatinine no greater than 1.5 times normal for age OR

          -  Glomerular filtration rate at least 70 mL/min

        Cardiovascular:

          -  Shortening fraction at least 27% by echocardiogram OR

          -  Ejection fraction at least 50% by MUGA

          -  No uncontrolled hypertension

        Other:

          -  Not pregnant or nursing

        PRIOR CONCURRENT THERAPY:

        Biologic therapy:

          -  At least 7 days since prior biologic therapy

        Chemotherapy:

          -  See Disease Characteristics

          -  At least 3 weeks since prior myelosuppressive chemotherapy

        Endocrine therapy:

          -  Not specified

        Surgery:

          -  Not specified
"""


def _unmarked(text: str) -> str:
    """The same text as CT.gov's older JSON gives it: every line flush left, no markers."""
    return "\n".join(line.strip().removeprefix("-  ") for line in text.splitlines())


def _markdown(text: str) -> str:
    """The same text as CT.gov's markdown gives it: headings flush left, "* " items."""
    return "\n".join(re.sub(r"^ {10}-  ", "* ", line).strip() for line in text.splitlines())


LAYOUTS = pytest.mark.parametrize("layout", [lambda text: text, _unmarked, _markdown], ids=["xml", "plain", "md"])


def _rules(criteria: tuple[ParsedCriterion, ...]) -> dict[str, dict[str, object] | None]:
    return {
        node.text: None if node.rule is None else json.loads(node.rule.model_dump_json(exclude_none=True))
        for node in leaf_criteria(criteria)
    }


def _find(criteria: tuple[ParsedCriterion, ...], text: str) -> ParsedCriterion:
    return next(node for root in criteria for node in root.walk() if node.text == text)


@LAYOUTS
def test_a_bare_value_takes_its_field_headings_subject(layout) -> None:  # type: ignore[no-untyped-def]
    rules = _rules(parse_criteria(layout(PDQ)))
    assert rules["1 to 21"] == {
        "kind": "age",
        "min_months": 12,
        "max_months": 252,
        "min_inclusive": True,
        "max_inclusive": True,
        "unit": "years",
        "at_diagnosis": False,
    }
    assert rules["At least 8 weeks"] == {"kind": "life_expectancy", "comparator": ">=", "amount": 8, "unit": "weeks"}


@LAYOUTS
def test_not_specified_and_see_lines_are_notes_not_criteria(layout) -> None:  # type: ignore[no-untyped-def]
    criteria = parse_criteria(layout(PDQ))
    texts = [node.text for node in leaf_criteria(criteria)]
    assert not any(text in ("Not specified", "See Disease Characteristics") for text in texts)
    assert _find(criteria, "Chemotherapy:").notes == ("See Disease Characteristics",)
    prior = _find(criteria, "PRIOR CONCURRENT THERAPY:")
    assert prior.notes == ("Endocrine therapy: Not specified", "Surgery: Not specified")
    # the headings with nothing else under them are gone: no question, no empty group
    assert [child.text for child in prior.children] == ["Biologic therapy:", "Chemotherapy:"]
    assert all(node.question == "" for root in criteria for node in root.walk() if node.kind != "criterion")


@LAYOUTS
def test_each_performance_line_keeps_its_ages(layout) -> None:  # type: ignore[no-untyped-def]
    rules = _rules(parse_criteria(layout(PDQ)))
    assert rules["Karnofsky 50-100% (over 10 years of age)"] == {
        "kind": "performance",
        "karnofsky_min": 50,
        "lansky_through_age_years": 10,
        "age_scope": "over",
    }
    assert rules["Lansky 50-100% (10 years of age and under)"] == {
        "kind": "performance",
        "lansky_min": 50,
        "lansky_through_age_years": 10,
        "age_scope": "through",
    }


def test_a_young_child_is_asked_for_lansky_only() -> None:
    criteria = parse_criteria(PDQ)
    karnofsky = _find(criteria, "Karnofsky 50-100% (over 10 years of age)").rule
    lansky = _find(criteria, "Lansky 50-100% (10 years of age and under)").rule
    assert karnofsky is not None and lansky is not None
    child = PatientProfile.model_validate(
        {"birth_date": "2020-03-01", "performance": [{"scale": "lansky", "score": 60}]}
    )
    on = date(2026, 12, 1)
    assert evaluate_rule(karnofsky, child, on).verdict == "not_applicable"
    assert evaluate_rule(lansky, child, on).verdict == "met"


@LAYOUTS
def test_lines_joined_by_a_trailing_or_are_one_either_or_criterion(layout) -> None:  # type: ignore[no-untyped-def]
    criteria = parse_criteria(layout(PDQ))
    renal = _find(criteria, "Renal:")
    assert renal.group_op == "any"  # the whole list under the heading: either line will do
    assert [child.rule is not None for child in renal.children] == [True, True]
    cardiac = _find(criteria, "Cardiovascular:")
    assert cardiac.group_op == "all"
    either = cardiac.children[0]
    assert (either.kind, either.group_op) == ("group", "any")
    assert [json.loads(c.rule.model_dump_json())["measure"] for c in either.children if c.rule] == [
        "shortening_fraction",
        "ejection_fraction",
    ]
    assert cardiac.children[1].text == "No uncontrolled hypertension"


def test_an_or_after_a_list_of_rows_links_the_list_to_the_next_line() -> None:
    text = (
        "        Renal:\n\n"
        "          -  Serum creatinine based on age as follows:\n\n"
        "               -  No greater than 0.8 mg/dL (for patients 5 years of age and under)\n\n"
        "               -  No greater than 1.5 mg/dL (for patients over 5 years of age) OR\n\n"
        "          -  Glomerular filtration rate at least 70 mL/min/1.73 m^2\n\n"
        "          -  No hematuria\n"
    )
    renal = parse_criteria(text)[0]
    assert (renal.text, renal.group_op) == ("Renal:", "all")
    either = renal.children[0]
    assert (either.kind, either.group_op) == ("group", "any")
    assert [child.text for child in either.children] == [
        "Serum creatinine based on age as follows:",
        "Glomerular filtration rate at least 70 mL/min/1.73 m^2",
    ]


def test_a_trailing_or_is_not_read_as_part_of_the_criterion() -> None:
    criteria = parse_criteria("Inclusion Criteria:\n\n* Shortening fraction ≥ 27% OR\n* Ejection fraction ≥ 50%\n")
    first = leaf_criteria(criteria).__next__()
    assert first.rule is not None and not first.unparsed


def test_a_whole_inclusion_list_joined_by_or_is_an_either_or_group() -> None:
    criteria = parse_criteria("Inclusion Criteria:\n  -  Chronic heart failure or\n  -  Patients on LVAD support\n")
    assert len(criteria) == 1 and criteria[0].group_op == "any"


def test_a_trailing_or_between_exclusions_is_left_as_it_was() -> None:
    criteria = parse_criteria("Exclusion Criteria:\n  -  Pregnancy OR\n  -  Weight > 130 kg\n")
    assert [node.kind for node in criteria] == ["criterion", "criterion"]


def test_the_whole_text_counts_only_real_criteria() -> None:
    criteria = parse_criteria(PDQ)
    buckets = [bucket(node) for node in leaf_criteria(criteria)]
    assert len(buckets) == 18
    assert "free_text" not in buckets[3:]  # the field values and either/or lines are all read


@pytest.mark.parametrize(
    ("parent", "text"),
    [
        ("Age:", "Any age"),  # no bare value: not guessed
        ("Hepatic:", "At least 2 g/dL"),  # "Hepatic" names no subject a value could take
        ("Performance status:", "See Disease Characteristics"),
    ],
)
def test_no_subject_is_guessed(parent: str, text: str) -> None:
    criteria = parse_criteria(f"PATIENT CHARACTERISTICS:\n\n{parent}\n\n  -  {text}\n\nOther:\n\n  -  Not pregnant\n")
    leaves = {node.text: node for node in leaf_criteria(criteria)}
    if text in leaves:
        assert leaves[text].rule is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Karnofsky 50-100% (over 10 years of age) OR Lansky 50-100% (10 years of age and under)",
            {"kind": "performance", "lansky_min": 50, "karnofsky_min": 50, "lansky_through_age_years": 10},
        ),
        (
            "Lansky 60-100% (for patients 16 years of age and under) or Karnofsky 60-100% (for patients over 16)",
            {"kind": "performance", "lansky_min": 60, "karnofsky_min": 60, "lansky_through_age_years": 16},
        ),
        (
            "Karnofsky 50-100% (16 years and older)",
            {"kind": "performance", "karnofsky_min": 50, "lansky_through_age_years": 15, "age_scope": "over"},
        ),
        # two splits that disagree, and an age that names no side: no reading
        ("Karnofsky 60-100% (over 16 years of age) or Lansky 60-100% (12 years of age and under)", None),
        ("Karnofsky 50-100% (age 16)", None),
    ],
)
def test_both_scales_on_one_line_take_the_age_the_brackets_name(text: str, expected: object) -> None:
    node = leaf_criteria(parse_criteria(f"Inclusion Criteria:\n\n* {text}\n")).__next__()
    assert (None if node.rule is None else json.loads(node.rule.model_dump_json(exclude_none=True))) == expected
    assert not node.unparsed


def test_an_exclusions_low_score_for_some_ages_is_not_read_as_for_everyone() -> None:
    node = leaf_criteria(
        parse_criteria("Exclusion Criteria:\n\n* Lansky < 50 (10 years of age and under)\n")
    ).__next__()
    assert node.rule is None or node.rule.kind != "performance"


def test_a_field_and_its_not_specified_on_one_line_is_a_note() -> None:
    criteria = parse_criteria(
        "PATIENT CHARACTERISTICS:\n\n* Age: Not specified\n* Sex: Not specified\n* Not pregnant or nursing\n"
    )
    assert [node.text for node in leaf_criteria(criteria)] == ["Not pregnant or nursing"]
    assert criteria[0].notes == ("Age: Not specified", "Sex: Not specified")
