"""The profile editor's fields, both ways: every valid profile → form fields → the same profile, what the form
cannot show is kept, and each bad value is named by its form field (issue #15)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from tests.support.profiles import profiles

from eligo.patients.form import KEPT_FIELD, FormError, fields_from_profile, profile_from_form, read_form
from eligo.patients.load import profile_from_data


@settings(max_examples=150, deadline=None)
@given(profiles())
def test_every_profile_round_trips_through_the_form_fields(data: dict[str, Any]) -> None:
    shown = fields_from_profile(data)
    assert shown.kept == {}, "a field the form should show was kept aside"
    profile, read_back = profile_from_form(shown.fields)
    assert profile == profile_from_data(data)
    # And form → profile → form: the fields read back show as the same fields.
    assert fields_from_profile(read_back).fields == shown.fields


def test_the_example_profile_uses_no_kept_part_and_fills_every_section() -> None:
    data = {
        "age_years": 7,
        "labs": [{"test": "creatinine", "value": 40, "unit": "umol/L", "upper_limit_normal": 60, "date": "2026-11-10"}],
        "performance": [{"scale": "lansky", "score": 80}],
        "therapies": [{"agent": "dinutuximab", "start": "2025-01-10", "end": "2025-06-20", "response": "partial"}],
        "radiation": [{"field": "small_port", "end": "2025-03-01"}],
        "transplants": [{"type": "autologous", "date": "2024-12-01", "myeloablative": True}],
        "stored_stem_cells_cd34_per_kg": 3000000,
        "life_expectancy_months": 12,
        "active_infection": False,
    }
    fields = fields_from_profile(data).fields
    assert fields["lab_0_unit"] == "umol/L" and fields["lab_0_uln"] == "60"
    assert fields["performance_0_scale"] == "lansky" and fields["performance_0_score"] == "80"
    assert fields["therapy_0_response"] == "partial" and fields["therapy_0_start"] == "2025-01-10"
    assert fields["radiation_0_field"] == "small_port" and fields["transplant_0_myeloablative"] == "yes"
    assert fields["stored_stem_cells_cd34_per_kg"] == "3000000" and fields["active_infection"] == "no"


def test_the_general_patient_model_is_on_the_form() -> None:
    data = {
        "condition_records": [
            {"name": "stroke", "status": "history", "diagnosed": "2020-01-02", "resolved": "2020-03-01"}
        ],
        "medications": [{"name": "levetiracetam", "classes": ["antiepileptic"], "start": "2025-02-01"}],
        "allergies": [{"substance": "penicillin", "classes": ["penicillins"], "reaction": "rash"}],
        "histology": "poorly differentiated neuroblastoma",
        "tumour_markers": [{"name": "ALK", "result": "mutated"}],
        "extent": {"stage": "M", "metastatic": True, "measurable_disease": False},
        "cns_disease": {"present": False},
        "procedures": [{"name": "tumour resection", "date": "2026-01-05", "major": True}],
        "last_major_surgery": "2026-01-05",
        "trial_participation": {"in_other_trial_now": False, "last_investigational_agent": "2025-12-01"},
        "observations": {"qtc_ms": 430, "weight_kg": 21.5, "height_cm": 118, "date": "2026-11-01"},
    }
    shown = fields_from_profile(data)
    assert shown.kept == {}
    fields = shown.fields
    assert fields["condition_0_status"] == "history" and fields["condition_0_resolved"] == "2020-03-01"
    assert fields["allergy_0_substance"] == "penicillin" and fields["medication_0_classes"] == "antiepileptic"
    assert fields["marker_0_result"] == "mutated" and fields["procedure_0_major"] == "yes"
    assert fields["extent_stage"] == "M" and fields["extent_metastatic"] == "yes" and fields["cns_present"] == "no"
    assert fields["trial_in_other_trial_now"] == "no" and fields["obs_qtc_ms"] == "430"
    profile, read_back = profile_from_form(fields)
    assert profile == profile_from_data(data)
    assert fields_from_profile(read_back).fields == fields


def test_no_known_allergies_beside_a_listed_allergy_is_named() -> None:
    with pytest.raises(FormError) as error:
        read_form({"no_known_allergies": "yes", "allergy_0_substance": "penicillin"})
    assert error.value.fields


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"therapies": [{"agent": "  padded name"}]}, "therapies"),
        ({"conditions": ["two\nlines"]}, "conditions"),
        ({"therapies": [{"agent": "x", "classes": ["a, b"]}]}, "therapies"),
        ({"location": {}}, "location"),
        ({"disease_states": ["relapsed", "relapsed"]}, "disease_states"),
    ],
)
def test_what_the_form_cannot_show_exactly_is_kept_and_given_back(data: dict[str, Any], key: str) -> None:
    shown = fields_from_profile(data)
    assert key in shown.kept
    assert not any(name.startswith(key[:5]) for name in shown.fields if name != "diagnosis")
    found = read_form({**shown.fields, KEPT_FIELD: json.dumps(shown.kept)})
    assert found.profile == profile_from_data(data)
    assert found.data[key] == data[key]


def test_unknown_top_level_fields_are_kept_beside_the_profile() -> None:
    shown = fields_from_profile({"age_years": 7, "hospital_number": "X123", "notes": {"a": 1}})
    assert shown.kept == {"hospital_number": "X123", "notes": {"a": 1}}
    found = read_form({**shown.fields, "age_years": "8", KEPT_FIELD: json.dumps(shown.kept)})
    assert found.profile.age_years == 8
    assert found.extra == {"hospital_number": "X123", "notes": {"a": 1}}
    assert "hospital_number" not in found.data


@pytest.mark.parametrize(
    ("fields", "bad", "words"),
    [
        ({"age_years": "300"}, "age_years", "less than or equal to 120"),
        ({"lab_0_test": "anc", "lab_0_value": "lots"}, "lab_0_value", "not a number"),
        ({"lab_0_test": "creatinine", "lab_0_value": "0,6"}, "lab_0_value", "point for decimals"),
        ({"lab_2_test": "alt", "lab_2_value": "30", "lab_2_uln": "-45"}, "lab_2_uln", "greater than 0"),
        ({"lab_0_test": "platelets", "lab_0_value": "-5", "lab_0_unit": "/mcL"}, "lab_0_value", "not a possible value"),
        ({"lab_0_value": "30"}, "lab_0_test", "choose which test"),
        ({"therapy_1_end": "2026-01-01"}, "therapy_1_agent", "fill this in"),
        ({"therapy_0_agent": "topotecan", "therapy_0_end": "31/12/2025"}, "therapy_0_end", "not a date"),
        ({"performance_0_scale": "ecog", "performance_0_score": "80"}, "performance_0_score", "ECOG score is 0 to 5"),
        ({"birth_date": "2019-01-01", "age_years": "7"}, "birth_date", "not both"),
        ({"lat": "53.8"}, "lat", "both lat and lon"),
        ({"curie_score": "2.5"}, "curie_score", "whole number"),
    ],
)
def test_each_bad_value_is_named_by_its_form_field(fields: dict[str, str], bad: str, words: str) -> None:
    with pytest.raises(FormError) as raised:
        read_form(fields)
    assert bad in raised.value.fields, raised.value.fields
    assert words in raised.value.fields[bad]


def test_a_row_past_blank_rows_is_named_by_its_own_row() -> None:
    fields = {"lab_0_test": "anc", "lab_1_test": "alt", "lab_1_value": "30", "lab_2_test": "ast", "lab_2_value": "-1"}
    with pytest.raises(FormError) as raised:
        read_form(fields)
    assert set(raised.value.fields) == {"lab_2_value"}


def test_blank_rows_and_thousands_separators() -> None:
    profile, _ = profile_from_form(
        {
            "lab_0_test": "anc",
            "lab_0_unit": "/mcL",
            "lab_1_test": "platelets",
            "lab_1_value": "120,000",
            "lab_1_unit": "/mcL",
        }
    )
    assert [(lab.test, lab.value) for lab in profile.labs] == [("platelets", 120000)]


def test_the_earlier_single_row_fields_are_still_read() -> None:
    profile, _ = profile_from_form(
        {
            "lab_anc": "1500",
            "lab_anc_unit": "/mcL",
            "labs_date": "2026-11-01",
            "performance_scale": "lansky",
            "performance_score": "70",
        }
    )
    assert profile.labs[0].test == "anc" and profile.labs[0].date is not None
    assert profile.performance[0].score == 70
    assert profile.diagnosis == "neuroblastoma"  # an older page without the field
