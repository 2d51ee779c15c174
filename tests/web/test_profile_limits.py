"""Profiles an outsider sends are bounded: clear 4xx answers, never a 500 (issue #11, items 9, 16, 20)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from eligo.accounts.ratelimit import RULES
from eligo.patients.limits import MAX_DEPTH, MAX_LIST_ITEMS, MAX_TEXT_CHARS
from eligo.store import TrialStore
from eligo.web.app import create_app
from eligo.web.settings import WebSettings
from tests.web.conftest import csrf_of

DEEP = "[" * 5000 + "]" * 5000
HUGE_NUMBER = '{"age_years": ' + "7" * 5000 + "}"


def match(client: TestClient, profile: dict[str, Any]) -> Any:
    return client.post("/api/match", json={"profile": profile, "limit": 5})


def details(response: Any) -> dict[str, str]:
    return {item["field"]: item["message"] for item in response.json()["error"]["details"]}


@pytest.mark.parametrize(
    ("profile", "field"),
    [
        ({"labs": [{"test": "anc", "value": 1000}] * (MAX_LIST_ITEMS + 1)}, "labs"),
        ({"conditions": ["asthma"] * (MAX_LIST_ITEMS + 1)}, "conditions"),
        ({"therapies": [{"agent": "x" * (MAX_TEXT_CHARS + 1)}]}, "therapies.0.agent"),
        ({"diagnosis": "n" * (MAX_TEXT_CHARS + 1)}, "diagnosis"),
        ({"birth_date": "9999-01-01"}, "birth_date"),
    ],
)
def test_a_profile_over_a_limit_is_a_field_level_422(client: TestClient, profile: dict[str, Any], field: str) -> None:
    response = match(client, profile)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == "invalid_profile"
    assert field in details(response), details(response)


def test_a_birth_date_in_the_future_is_refused_not_read_as_age_unknown(client: TestClient) -> None:
    assert "future" in details(match(client, {"birth_date": "9999-01-01"}))["birth_date"]
    assert match(client, {"birth_date": "2019-05-01", "diagnosis": "neuroblastoma"}).status_code == 200


@pytest.mark.parametrize(
    ("body", "code"), [('{"profile": ' + DEEP + "}", "too_deep"), (HUGE_NUMBER, "number_too_long")]
)
def test_unreadable_json_is_a_clear_400(client: TestClient, body: str, code: str) -> None:
    response = client.post("/api/match", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == code


def chunks(size: int) -> Iterator[bytes]:
    sent = 0
    yield b'{"profile": {"conditions": ["'
    while sent < size:
        yield b"a" * 10_000
        sent += 10_000
    yield b'"]}}'


def test_a_chunked_body_over_the_limit_is_413_not_500(client: TestClient) -> None:
    # No Content-Length: the limit is found while the body is read (the test app allows 200,000 bytes).
    response = client.post("/api/match", content=chunks(300_000), headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"
    token = csrf_of(client.get("/match").text)
    multipart = b"".join([b"--b\r\n", b'Content-Disposition: form-data; name="csrf_token"\r\n\r\n', token.encode()])
    page = client.post(
        "/match/upload",
        content=iter([multipart, b'\r\n--b\r\nContent-Disposition: form-data; name="x"\r\n\r\n', *chunks(300_000)]),
        headers={"content-type": "multipart/form-data; boundary=b"},
    )
    assert page.status_code == 413 and "too large" in page.text


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (DEEP.encode(), f"nested more than {MAX_DEPTH} levels"),
        (HUGE_NUMBER.encode(), "longer than 40 characters"),
        (b'{"labs": "' + b"\xff" * 10 + b'"}', "not a UTF-8 text file"),
        (b'{"birth_date": "9999-12-31"}', "birth_date: Value error, the birth date is in the future"),
    ],
)
def test_an_uploaded_profile_that_cannot_be_used_is_a_clear_422(
    client: TestClient, content: bytes, message: str
) -> None:
    token = csrf_of(client.get("/match").text)
    response = client.post(
        "/match/upload", data={"csrf_token": token}, files={"profile_file": ("child.json", content, "application/json")}
    )
    assert response.status_code == 422
    assert message in response.text
    assert client.get("/match/results", follow_redirects=False).status_code == 303  # nothing was kept


def test_the_match_api_is_rate_limited_per_client(client: TestClient) -> None:
    limit = RULES["api:match"].limit
    answers = [match(client, {"age_years": 5}).status_code for _ in range(limit + 1)]
    assert answers == [200] * limit + [429]
    limited = match(client, {"age_years": 5})
    assert limited.json()["error"]["code"] == "rate_limited"
    # The other endpoints are not counted against it.
    assert client.get("/api/search", params={"q": "neuroblastoma"}).status_code == 200


def test_the_operator_sets_the_match_api_limit_or_turns_it_off(loaded_store: TrialStore) -> None:
    for per_minute, expected in ((2, [200, 200, 429]), (0, [200, 200, 200])):
        settings = WebSettings(environment="test", api_match_per_minute=per_minute)
        with TestClient(create_app(settings, store=loaded_store), client=(f"192.0.2.{per_minute}", 1)) as client:
            assert [match(client, {"age_years": 5}).status_code for _ in range(3)] == expected
