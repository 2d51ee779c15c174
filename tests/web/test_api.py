"""The JSON API: same shapes as the CLI, one error shape, OpenAPI served."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "child-relapsed.json"


def _assert_error_shape(body: dict[str, object], status: int) -> None:
    error = body["error"]
    assert isinstance(error, dict)
    assert error["status"] == status
    assert isinstance(error["code"], str) and isinstance(error["message"], str)
    assert isinstance(error["details"], list)


def test_openapi_document_lists_the_api(client: TestClient) -> None:
    spec = client.get("/api/openapi.json").json()
    assert "/api/search" in spec["paths"]
    assert "/api/match" in spec["paths"]


def test_search_and_trial(client: TestClient) -> None:
    results = client.get("/api/search", params={"q": "neuroblastoma"}).json()["results"]
    assert {"NCT04751383", "NCT01711554"} <= {row["nct_id"] for row in results}
    trial = client.get("/api/trials/NCT04751383").json()
    assert trial["nct_id"] == "NCT04751383"
    assert trial["eligibility_criteria"]


def test_check_and_match_with_example_profile(client: TestClient) -> None:
    profile = json.loads(EXAMPLE.read_text())
    checked = client.post("/api/trials/NCT04751383/check", json={"profile": profile, "on": "2026-11-23"})
    assert checked.status_code == 200
    body = checked.json()
    assert body["verdict"] in {"eligible", "possibly_eligible", "ineligible"}
    assert body["criteria"] and all("evidence" in item for item in body["criteria"])
    matched = client.post("/api/match", json={"profile": profile, "on": "2026-11-23"}).json()
    order = {"eligible": 0, "possibly_eligible": 1, "ineligible": 2}
    ranks = [order[row["verdict"]] for row in matched["results"]]
    assert ranks == sorted(ranks)


@pytest.mark.parametrize(
    ("profile", "field"),
    [
        ({"age_years": 300}, "age_years"),
        ({"labs": [{"test": "platelets", "value": -5, "unit": "/mcL"}]}, "labs"),
        ({"sex": "robot"}, "sex"),
        ({"nonsense": 1}, "nonsense"),
    ],
)
def test_bad_profiles_get_the_error_shape_naming_the_field(
    client: TestClient, profile: dict[str, object], field: str
) -> None:
    response = client.post("/api/match", json={"profile": profile})
    assert response.status_code == 422
    body = response.json()
    _assert_error_shape(body, 422)
    assert any(field in detail["field"] for detail in body["error"]["details"])


def test_missing_body_and_unknown_trial_use_the_error_shape(client: TestClient) -> None:
    missing = client.post("/api/match", json={})
    assert missing.status_code == 422
    _assert_error_shape(missing.json(), 422)
    unknown = client.get("/api/trials/NCT00000000")
    assert unknown.status_code == 404
    _assert_error_shape(unknown.json(), 404)


def test_answers_api_needs_the_session_csrf_header(client: TestClient) -> None:
    client.get("/trials/NCT03363373")
    refused = client.put("/api/trials/NCT03363373/answers", json={"answers": {"inc-1": "yes"}})
    assert refused.status_code == 403
    _assert_error_shape(refused.json(), 403)


def test_similar_trials_have_reasons(client: TestClient) -> None:
    similar = client.get("/api/trials/NCT04751383/similar").json()["similar"]
    assert similar, "the bundled neuroblastoma trials should be similar to each other"
    assert all(item["reasons"] for item in similar)


def test_match_measures_from_the_profile_location_as_eligo_match_does(client: TestClient) -> None:
    """Issue #10: one `origin` for the CLI, the pages and the API."""
    profile = json.loads(EXAMPLE.read_text())  # lives in Leeds, travels up to 300 km
    matched = client.post("/api/match", json={"profile": profile, "on": "2026-11-23"}).json()["results"]
    assert matched and all(row["distance_km"] is not None and row["distance_km"] <= 300 for row in matched)
    nowhere = client.post("/api/match", json={"profile": profile, "near": "Nowhereville Qqq"})
    assert nowhere.status_code == 422
    _assert_error_shape(nowhere.json(), 422)
    assert nowhere.json()["error"]["code"] == "invalid_place"
    half = {**profile, "location": {"lat": 53.8}}
    refused = client.post("/api/match", json={"profile": half})
    assert refused.status_code == 422
    assert "both lat and lon" in refused.text
