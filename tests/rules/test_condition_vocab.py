"""The condition vocabulary: `clinical.yaml` joined by `vocab/conditions/*.yaml`, with no name or synonym twice."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from eligo.rules._clinical import ClinicalVocab, clinical_vocab


def _data_with(conditions: dict[str, Any]) -> dict[str, Any]:
    vocab = clinical_vocab().model_dump()
    return {**vocab, "conditions": {**vocab["conditions"], **conditions}}


def test_the_loaded_vocabulary_gives_each_synonym_one_condition() -> None:
    owners: dict[str, str] = {}
    for name, term in clinical_vocab().conditions.items():
        for synonym in term.synonyms:
            assert owners.setdefault(synonym.lower(), name) == name, synonym


def test_a_synonym_given_to_two_conditions_is_refused() -> None:
    clash = {
        "made_up_a": {"display": "a", "synonyms": ["shared words"]},
        "made_up_b": {"display": "b", "synonyms": ["Shared Words"]},
    }
    with pytest.raises(ValidationError, match=r"(?i)shared words.*made_up_a.*made_up_b"):
        ClinicalVocab.model_validate(_data_with(clash))


def test_a_distinct_condition_is_accepted() -> None:
    vocab = ClinicalVocab.model_validate(_data_with({"made_up_c": {"display": "c", "synonyms": ["unique words"]}}))
    assert "made_up_c" in vocab.conditions
