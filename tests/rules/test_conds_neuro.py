"""Narrower conditions of the nerves, bones, eyes, ears and bowel count as their broader one, never the reverse
(vocab/conditions/*.yaml `includes`, issue #12), and "with" is framing only where a criterion starts."""

from __future__ import annotations

import pytest

from eligo.rules._clinical import clinical_vocab
from eligo.rules._clinical_text import continues_the_one_before
from eligo.rules.base import CriterionContext
from eligo.rules.condition import ConditionRule, extract_condition
from eligo.rules.extract import extract


@pytest.mark.parametrize(
    ("name", "entry", "found"),
    [
        ("osteoarthritis", "knee osteoarthritis", True),
        ("osteoarthritis", "osteoarthritis of the hip", True),
        ("knee_osteoarthritis", "osteoarthritis", False),
        ("cataract", "age-related cataract", True),
        ("age_related_cataract", "cataract", False),
        ("retinal_detachment", "tractional retinal detachment", True),
        ("tractional_retinal_detachment", "retinal detachment", False),
        ("retinal_disease", "epiretinal membrane", True),
        ("parkinsonism", "Parkinson's disease", True),
        ("parkinsons_disease", "parkinsonism", False),
        ("movement_disorder", "parkinsonism", True),
        ("migraine", "vestibular migraine", True),
        ("vestibular_migraine", "migraine", False),
        ("inflammatory_bowel_disease", "indeterminate colitis", True),
        ("colitis", "infectious colitis", True),
        ("inflammatory_bowel_disease", "infectious colitis", False),
        ("fracture", "periprosthetic fracture", True),
        ("femur_fracture", "distal femur fracture", True),
        ("hip_fracture", "distal femur fracture", False),
        ("osteoporosis", "secondary osteoporosis", True),
        ("secondary_osteoporosis", "osteoporosis", False),
        ("fracture", "open fracture", True),
        ("gastrointestinal_disease", "eosinophilic oesophagitis", True),
        ("eosinophilic_gastrointestinal_disorder", "eosinophilic esophagitis", True),
        ("eosinophilic_esophagitis", "eosinophilic gastrointestinal disorder", False),
        ("intestinal_disease", "FPIES", True),
    ],
)
def test_profile_text_names_a_condition_by_its_longest_term(name: str, entry: str, found: bool) -> None:
    assert (clinical_vocab().condition_found(name, (entry,)) is not None) is found


@pytest.mark.parametrize(
    ("parts", "continues"),
    [
        (["Diabetes mellitus", "with neuropathy"], True),
        (["Diabetes mellitus", "With neuropathy."], True),
        (["Diabetes mellitus", "neuropathy"], False),
        (["with inflammatory bowel diseases"], False),
        (["Active suicidal ideation with intent or plan", "stroke"], False),
    ],
)
def test_a_part_opening_with_with_goes_on_from_the_one_before(parts: list[str], continues: bool) -> None:
    assert continues_the_one_before(parts) is continues


@pytest.mark.parametrize(
    ("text", "conditions"),
    [
        ("with inflammatory bowel diseases", ["inflammatory_bowel_disease"]),
        ("With hepatic or renal diseases.", ["liver_disease", "kidney_disease"]),
    ],
)
def test_with_at_the_start_is_framing(text: str, conditions: list[str]) -> None:
    rule = extract_condition(CriterionContext(text=text, section="exclusion"))
    assert isinstance(rule, ConditionRule)
    assert list(rule.conditions) == conditions


@pytest.mark.parametrize("text", ["Diabetes mellitus; with neuropathy", "Diabetes, with retinopathy"])
def test_with_after_another_part_is_not_a_reason_of_its_own(text: str) -> None:
    assert extract(CriterionContext(text=text, section="exclusion")).rule is None
