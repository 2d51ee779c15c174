"""The drug vocabulary: lookups by any name, class closure, half-lives and validation."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from eligo.rules.drugs import classes_of, half_life_days, load_vocabulary, normalize_name, vocabulary


@pytest.mark.parametrize(
    ("agent", "expected"),
    [
        ("dinutuximab", {"anti_gd2_antibody", "monoclonal_antibody", "biologic", "immunotherapy"}),
        ("ch14.18", {"anti_gd2_antibody"}),
        ("UNITUXIN", {"anti_gd2_antibody"}),
        ("hu3F8", {"anti_gd2_antibody", "monoclonal_antibody"}),
        ("Danyelza", {"anti_gd2_antibody"}),
        ("Qarziba", {"anti_gd2_antibody"}),
        ("ch14.18/CHO", {"anti_gd2_antibody"}),
        ("Hu5F9-G4", {"anti_cd47", "monoclonal_antibody"}),
        ("pegfilgrastim", {"long_acting_growth_factor", "growth_factor"}),
        ("Neulasta", {"long_acting_growth_factor"}),
        ("G-CSF", {"growth_factor", "cytokine"}),
        ("GM-CSF", {"growth_factor", "cytokine"}),
        ("erythropoietin", {"growth_factor"}),
        ("darbepoetin alpha", {"growth_factor"}),
        ("IL-2", {"cytokine", "biologic"}),
        ("13-cis-retinoic acid", {"retinoid", "biologic"}),
        ("lenalidomide", {"immunomodulatory_drug", "biologic"}),
        ("BCNU", {"nitrosourea", "myelosuppressive_chemotherapy", "chemotherapy"}),
        ("lomustine", {"nitrosourea"}),
        ("topotecan", {"myelosuppressive_chemotherapy"}),
        ("131I-MIBG", {"mibg_therapy", "radiopharmaceutical", "systemic_anticancer_therapy"}),
        ("Azedra", {"mibg_therapy"}),
        ("dexamethasone", {"systemic_corticosteroid", "immunosuppressant"}),
        ("lorlatinib", {"alk_inhibitor", "tyrosine_kinase_inhibitor", "targeted_agent"}),
        ("DFMO", {"odc_inhibitor"}),
        ("irinotecan + temozolomide", {"myelosuppressive_chemotherapy"}),
    ],
)
def test_classes_of(agent: str, expected: set[str]) -> None:
    assert expected <= classes_of(agent)


def test_vincristine_is_not_myelosuppressive() -> None:
    assert "chemotherapy" in classes_of("vincristine")
    assert "myelosuppressive_chemotherapy" not in classes_of("vincristine")


def test_growth_factors_are_not_anticancer() -> None:
    assert "systemic_anticancer_therapy" not in classes_of("filgrastim")
    assert "biologic" not in classes_of("pegfilgrastim")


def test_unknown_agent_has_no_classes() -> None:
    assert classes_of("xyz-123") == frozenset()
    assert classes_of("dinutuximab + xyz") == frozenset()


def test_half_lives_only_where_sourced() -> None:
    assert half_life_days("dinutuximab") == 10
    assert half_life_days("naxitamab") == 8
    assert half_life_days("magrolimab") is None
    assert half_life_days("dinutuximab beta") is None
    for drug in vocabulary().data.drugs:
        assert (drug.half_life_days is None) or drug.half_life_source


def test_investigational_is_not_a_drug_class() -> None:
    assert all("investigational" not in drug.classes for drug in vocabulary().data.drugs)


@given(st.sampled_from([name for drug in vocabulary().data.drugs for name in drug.names]))
def test_every_synonym_finds_its_drug(name: str) -> None:
    drug = vocabulary().drug(name.upper())
    assert drug is not None and name in drug.names


@given(st.text())
def test_normalize_is_idempotent(text: str) -> None:
    assert normalize_name(normalize_name(text)) == normalize_name(text)


def test_validation_rejects_unknown_class_cycles_and_clashes() -> None:
    base = {"classes": {"a": {"label": "A"}}, "drugs": [{"names": ["x"], "classes": ["a"]}]}
    load_vocabulary(base)
    with pytest.raises(ValidationError):
        load_vocabulary({**base, "drugs": [{"names": ["x"], "classes": ["b"]}]})
    with pytest.raises(ValidationError):
        load_vocabulary(
            {"classes": {"a": {"label": "A", "implies": ["b"]}, "b": {"label": "B", "implies": ["a"]}}, "drugs": []}
        )
    with pytest.raises(ValidationError):
        load_vocabulary({**base, "drugs": [{"names": ["x"], "classes": ["a"]}, {"names": ["X!"], "classes": ["a"]}]})
    with pytest.raises(ValidationError):
        load_vocabulary({**base, "drugs": [{"names": ["x"], "classes": ["a"], "half_life_days": 3}]})
