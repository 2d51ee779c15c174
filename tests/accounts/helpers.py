"""Steps the account tests share: fill in and post the account forms the way a browser does."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from httpx import Response

from tests.accounts.conftest import PASSWORD, Inbox


def csrf(client: TestClient, path: str = "/account/login") -> str:
    html = client.get(path).text
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, f"{path} has no CSRF field"
    return found.group(1)


def post(client: TestClient, path: str, data: dict[str, str], form_page: str = "/account/login") -> Response:
    response: Response = client.post(path, data={"csrf_token": csrf(client, form_page), **data}, follow_redirects=False)
    return response


def sign_up(client: TestClient, email: str, password: str = PASSWORD, role: str = "family") -> Response:
    return post(client, "/account/signup", {"email": email, "password": password, "role": role}, "/account/signup")


def log_in(client: TestClient, email: str, password: str = PASSWORD) -> Response:
    return post(client, "/account/login", {"email": email, "password": password})


def sign_up_confirmed(client: TestClient, inbox: Inbox, deliver: object, email: str) -> None:
    assert sign_up(client, email).status_code == 200
    deliver()  # type: ignore[operator]
    assert open_emailed_link(client, inbox.link(email, "/account/confirm/")).status_code == 200


def open_emailed_link(client: TestClient, path: str) -> Response:
    """Open a confirmation link from an email and press the button on the page, as its reader does."""
    page = client.get(path)
    assert page.status_code == 200, page.text
    found = re.search(r'<form method="post" action="([^"]+)">', page.text)
    assert found, f"{path} has no button to press"
    data = {"csrf_token": csrf(client, path)}
    response: Response = client.post(found.group(1), data=data, follow_redirects=False)
    return response
