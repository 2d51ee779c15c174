"""The profile editor on /match (issue #15): an uploaded or saved profile fills the form, submitting the page as
a browser would gives the same profile back, unknown fields are kept and listed, errors sit beside their field,
rows are added without JavaScript, the format is linked and the profile downloads; wording follows the role."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings

from eligo.accounts.records import Role
from eligo.patients.load import profile_from_data
from eligo.patients.profile import PatientProfile
from eligo.store import TrialStore
from eligo.web.app import create_app
from eligo.web.editor import layout
from eligo.web.settings import WebSettings
from tests.support.accounts import sign_in_as
from tests.support.html_form import submitted_fields
from tests.support.profiles import profiles
from tests.web.conftest import csrf_of

FULL = {
    "birth_date": "2017-05-14",
    "sex": "female",
    "diagnosis": "neuroblastoma",
    "disease_states": ["refractory", "relapsed"],
    "labs": [
        {"test": "creatinine", "value": 40, "unit": "umol/L", "date": "2026-11-10", "upper_limit_normal": 60},
        {"test": "alt", "value": 30, "unit": "U/L", "upper_limit_normal": 45},
    ],
    "performance": [{"scale": "lansky", "score": 80, "date": "2026-11-10"}],
    "therapies": [{"agent": "dinutuximab", "start": "2025-01-10", "end": "2025-06-20", "response": "partial"}],
    "radiation": [{"field": "small_port", "end": "2025-03-01"}],
    "transplants": [{"type": "autologous", "date": "2024-12-01", "myeloablative": True}],
    "stored_stem_cells_cd34_per_kg": 3000000,
    "life_expectancy_months": 12,
    "active_infection": False,
    "location": {"place": "Leeds", "max_travel_km": 300},
}


@pytest.fixture
def bare(store: TrialStore) -> Iterator[TestClient]:
    """The app on an empty store: the editor needs no trials."""
    with TestClient(create_app(WebSettings(environment="test"), store=store)) as client:
        yield client


def upload(client: TestClient, data: dict[str, Any]) -> Any:
    files = {"profile_file": ("child.json", json.dumps(data).encode(), "application/json")}
    token = csrf_of(client.get("/match").text)
    return client.post("/match/upload", data={"csrf_token": token}, files=files, follow_redirects=False)


def submit_page(client: TestClient, changes: dict[str, str] | None = None) -> Any:
    """Submit the /match form as a browser would, with `changes` typed into it."""
    fields = dict(submitted_fields(client.get("/match").text, "/match"))
    return client.post("/match", data={**fields, **(changes or {})}, follow_redirects=False)


def downloaded(client: TestClient) -> dict[str, Any]:
    response = client.get("/match/profile.json")
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    data: dict[str, Any] = response.json()
    return data


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=profiles())
def test_any_profile_survives_the_rendered_form_unchanged(bare: TestClient, data: dict[str, Any]) -> None:
    assert upload(bare, data).headers["location"] == "/match/results"
    page = bare.get("/match").text
    assert "kept as they are" not in page
    assert submit_page(bare).status_code == 303
    assert profile_from_data(downloaded(bare)) == profile_from_data(data)


def test_change_the_details_opens_the_filled_form(bare: TestClient) -> None:
    upload(bare, FULL)
    page = bare.get("/match").text
    assert 'name="performance_0_score" value="80"' in page
    assert re.search(r'<option value="lansky" selected>', page)
    assert 'name="lab_0_uln" value="60"' in page
    assert re.search(
        r'<optgroup label="Creatinine" data-test="creatinine">\s*<option >mg/dL</option><option selected>umol/L', page
    )
    assert 'name="therapy_0_start" value="2025-01-10" type="date"' in page
    assert re.search(r'<option value="partial" selected>', page)
    assert re.search(r'<option value="small_port" selected>', page)
    assert 'name="stored_stem_cells_cd34_per_kg" value="3000000"' in page
    # The profile's order of disease states is the page's order, so submitting keeps it.
    assert page.index('name="state_refractory"') < page.index('name="state_relapsed"')
    assert submit_page(bare).status_code == 303
    assert downloaded(bare) | {} == json.loads(
        json.dumps(profile_from_data(FULL).model_dump(mode="json", exclude_defaults=True))
    )


def test_unknown_fields_are_kept_listed_and_downloaded(bare: TestClient) -> None:
    response = upload(bare, {**FULL, "hospital_number": "RR8-12345", "lab": [{"test": "anc"}]})
    # Shown on the form first, so a misspelt field ("lab") is seen rather than ignored.
    assert response.headers["location"] == "/match"
    page = bare.get("/match").text
    assert "Also in this profile, kept as they are:" in page
    assert "<code>hospital_number</code>" in page and "<code>lab</code>" in page
    assert submit_page(bare, {"lab_1_value": "35"}).status_code == 303
    saved = downloaded(bare)
    assert saved["hospital_number"] == "RR8-12345" and saved["lab"] == [{"test": "anc"}]
    assert saved["labs"][1]["value"] == 35 and saved["performance"] == FULL["performance"]
    # Still listed the next time the form opens, and the results page works with the profile.
    assert "<code>hospital_number</code>" in bare.get("/match").text
    assert bare.get("/match/results").status_code == 200


def test_a_part_the_form_cannot_show_is_kept_and_not_offered_for_editing(bare: TestClient) -> None:
    upload(bare, {**FULL, "conditions": ["hemolytic anemia", "  padded"]})
    page = bare.get("/match").text
    assert "<code>conditions</code>" in page and 'name="conditions"' not in page
    assert submit_page(bare).status_code == 303
    assert downloaded(bare)["conditions"] == ["hemolytic anemia", "  padded"]


def test_errors_are_named_beside_each_field_with_what_was_typed(bare: TestClient) -> None:
    upload(bare, FULL)
    response = submit_page(bare, {"lab_0_value": "forty", "performance_0_score": "180", "therapy_0_end": "next year"})
    assert response.status_code == 422
    page = response.text
    for name, words in (
        ("lab_0_value", "not a number"),
        ("performance_0_score", "must be 100 or less"),
        ("therapy_0_end", "not a date"),
    ):
        found = re.search(
            rf'id="{name}" name="{name}" value="([^"]*)"[^>]*aria-invalid="true" aria-describedby="{name}-error"', page
        )
        assert found, name
        error = re.search(rf'<p class="field-error" id="{name}-error">([^<]+)</p>', page)
        assert error and words in unescape(error.group(1)), name
        assert f'<a href="#{name}">' in page  # the summary links to the field
    # What was typed is given back; a browser shows no text in a date input, so the message quotes it too.
    assert 'value="forty"' in page and 'value="next year"' in page and "&#39;next year&#39; is not a date" in page
    # Nothing was saved: the session still holds the uploaded profile.
    assert downloaded(bare)["labs"][0]["value"] == 40


def test_add_another_row_works_without_javascript(bare: TestClient) -> None:
    upload(bare, FULL)
    before = bare.get("/match").text
    rows = len(re.findall(r'name="therapy_\d+_agent"', before))
    fields = dict(submitted_fields(before, "/match"))
    fields["therapy_0_agent"] = "topotecan"  # typed before pressing the button: kept
    response = bare.post("/match", data={**fields, "add": "therapy"})
    assert response.status_code == 200
    assert len(re.findall(r'name="therapy_\d+_agent"', response.text)) == rows + 1
    assert 'name="therapy_0_agent" value="topotecan"' in response.text
    assert downloaded(bare)["therapies"][0]["agent"] == "dinutuximab"  # not saved until submitted


def test_the_format_page_lists_every_allowed_value(bare: TestClient) -> None:
    page = bare.get("/match").text
    assert 'href="/match/format"' in page
    assert 'href="/match/profile.json"' not in page  # nothing to download yet
    upload(bare, FULL)
    assert 'href="/match/profile.json"' in bare.get("/match").text
    fmt = bare.get("/match/format").text
    for value in _enum_values(PatientProfile.model_json_schema()):
        assert f"<code>{value}</code>" in fmt, value
    for path in ("labs[].upper_limit_normal", "therapies[].response", "transplants[].myeloablative", "location.lat"):
        assert f"<code>{path}</code>" in fmt
    schema = bare.get("/match/profile-schema.json").json()
    assert schema["properties"].keys() == PatientProfile.model_json_schema()["properties"].keys()


def _enum_values(schema: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(schema, dict):
        found.update(str(value) for value in schema.get("enum", ()))
        for value in schema.values():
            found |= _enum_values(value)
    elif isinstance(schema, list):
        for value in schema:
            found |= _enum_values(value)
    return found


def test_every_allowed_value_has_words_on_the_form() -> None:
    schema = PatientProfile.model_json_schema()["$defs"]
    options = layout().options
    assert set(options["states"]) == set(schema["DiseaseState"]["enum"])
    assert set(options["response"]) == set(schema["Therapy"]["properties"]["response"]["anyOf"][0]["enum"])
    assert set(options["radiation_field"]) == set(schema["Radiation"]["properties"]["field"]["enum"])
    assert set(options["transplant_type"]) == set(schema["Transplant"]["properties"]["type"]["enum"])
    assert set(options["scale"]) == set(schema["PerformanceScore"]["properties"]["scale"]["enum"])
    assert set(options["alk"]) == set(schema["Biomarkers"]["properties"]["alk"]["anyOf"][0]["enum"])
    assert set(options["condition_status"]) == set(schema["ConditionRecord"]["properties"]["status"]["enum"])
    assert set(options["marker_result"]) == set(schema["TumourMarker"]["properties"]["result"]["enum"])
    assert set(options["lab_names"]) == set(options["lab_units"])


@pytest.mark.parametrize(
    ("role", "says", "never"),
    [
        (None, ["Find trials for my child", "About your child", "Where you live"], ["the patient"]),
        ("family", ["Find trials for my child", "About your child", "Where you live"], ["the patient"]),
        ("clinician", ["Find trials for your patient", "About the patient", "Where the patient lives"], ["your child"]),
    ],
)
def test_the_wording_follows_the_signed_in_role(
    bare: TestClient, store: TrialStore, role: Role | None, says: list[str], never: list[str]
) -> None:
    if role is not None:
        sign_in_as(bare, store, role)
    page = bare.get("/match").text
    main = page[page.index("<main") : page.index("</main>")]
    for words in says:
        assert words in main, words
    for words in never:
        assert words not in main, words
    # Every page's header and footer too.
    header, footer = page[: page.index("<main")], page[page.index("</main>") :]
    if role == "clinician":
        assert "Find trials for a patient" in header and "the treating team" in footer
        assert "your child" not in bare.get("/about").text.split("</main>")[1]
    else:
        assert "Find trials for my child" in header and "your child&#39;s doctor" in footer


def test_the_profile_doc_lists_every_allowed_value() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "patient-profile.md").read_text(encoding="utf-8")
    for value in _enum_values(PatientProfile.model_json_schema()):
        assert f"`{value}`" in doc, value


def test_a_profile_at_its_list_limits_survives_the_form(bare: TestClient) -> None:
    from eligo.patients.limits import MAX_LIST_ITEMS

    data = {
        "age_years": 9,
        "labs": [
            {"test": "alt", "value": index, "unit": "U/L", "upper_limit_normal": 45} for index in range(MAX_LIST_ITEMS)
        ],
        "therapies": [
            {"agent": f"drug {index}", "start": "2025-01-01", "classes": ["alkylator"], "response": "stable"}
            for index in range(MAX_LIST_ITEMS)
        ],
        "conditions": [f"condition {index}" for index in range(MAX_LIST_ITEMS)],
        "hospital_number": "x" * 20_000,  # kept beside the profile, longer than any ordinary field
    }
    assert upload(bare, data).status_code == 303
    assert submit_page(bare).status_code == 303
    assert downloaded(bare) == {**data, "age_years": 9}


def test_a_unit_or_medicine_eligo_cannot_use_is_noted_beside_it(bare: TestClient) -> None:
    profile = {
        "labs": [{"test": "creatinine", "value": 40, "unit": "x10^9/L"}, {"test": "alt", "value": 30, "unit": "U/L"}],
        "therapies": [
            {"agent": "dinutuximab"},
            {"agent": "trial drug XZ-1"},
            {"agent": "trial drug XZ-2", "classes": ["alk_inhibitor"]},
        ],
    }
    upload(bare, profile)
    page = bare.get("/match").text
    notes = dict(re.findall(r'<p class="field-note" id="([a-z0-9_]+)-note">([^<]+)</p>', page))
    assert set(notes) == {"lab_0_unit", "therapy_1_agent"}
    assert "Creatinine in x10^9/L" in unescape(notes["lab_0_unit"])
    assert 'aria-describedby="therapy_1_agent-note"' in page
    # Only a note: the profile is kept as it is and the form submits.
    assert submit_page(bare).status_code == 303
    assert downloaded(bare) == profile
    assert 'list="drug-names"' in page and '<option value="naxitamab">' in page
