"""Signing a test client in as a confirmed account of a given role, straight through the login form."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from fastapi.testclient import TestClient

from eligo.accounts import rows as account_rows
from eligo.accounts.passwords import hash_password
from eligo.accounts.records import Role
from eligo.store import TrialStore


def sign_in_as(client: TestClient, store: TrialStore, role: Role) -> None:
    email, password = f"{role}@example.org", "a long enough passphrase 42"
    now = datetime.now(UTC)
    with store.engine.begin() as connection:
        user = account_rows.insert_user(connection, email, hash_password(password), role, now)
        account_rows.mark_confirmed(connection, user.id, now)
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/account/login").text)
    assert found, "the login page has no CSRF token"
    response = client.post(
        "/account/login",
        data={"csrf_token": found.group(1), "email": email, "password": password},
        follow_redirects=False,
    )
    assert response.status_code == 303
