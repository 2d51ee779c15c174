"""Sign-in and sign-up that tell nobody whether an address has an account, and mail nobody in bulk (issue #11)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from eligo.accounts import passwords, users
from eligo.accounts.ratelimit import RULES
from eligo.store import TrialStore
from tests.accounts.conftest import PASSWORD, SmtpServer
from tests.accounts.helpers import sign_up, sign_up_confirmed

NOW = datetime(2026, 3, 1, tzinfo=UTC)


@pytest.fixture
def verified(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The length of every password verified against a hash, in order."""
    lengths: list[int] = []
    real = passwords.verify_password

    def recording(stored_hash: str, password: str) -> bool:
        lengths.append(len(password))
        return real(stored_hash, password)

    monkeypatch.setattr(passwords, "verify_password", recording)
    return lengths


@pytest.mark.parametrize("length", [20, passwords.MAX_LENGTH + 1, 10_000])
def test_an_unknown_address_and_a_known_one_cost_the_same_hash_whatever_the_password_length(
    store: TrialStore, verified: list[int], length: int
) -> None:
    users.create_admin(store, "known@example.org", PASSWORD, NOW)
    verified.clear()
    guess = "x" * length
    assert users.authenticate(store, "known@example.org", guess, NOW).user is None
    assert users.authenticate(store, "unknown@example.org", guess, NOW).user is None
    # One verification each, over the same bounded input: the answers take the same time (issue #11, item 12).
    bounded = min(length, passwords.MAX_LENGTH)
    assert verified == [bounded, bounded]


def test_a_password_longer_than_the_limit_never_signs_in(store: TrialStore) -> None:
    exact = "w" * passwords.MAX_LENGTH
    users.create_admin(store, "long@example.org", "correct " + exact[8:], NOW)
    longer = "correct " + exact[8:] + "extra"
    assert users.authenticate(store, "long@example.org", longer, NOW).reason == "wrong_password"
    assert users.authenticate(store, "long@example.org", "correct " + exact[8:], NOW).reason == "ok"


def test_sign_ups_for_an_existing_address_mail_its_owner_a_bounded_number_of_times(
    app_client: TestClient, smtp: SmtpServer, deliver: Any
) -> None:
    address = "owner@example.org"
    sign_up_confirmed(app_client, smtp.inbox, deliver, address)
    for _ in range(7):
        answer = sign_up(app_client, address)
        assert answer.status_code == 200 and "Check your email" in answer.text  # the same answer every time
    deliver()
    reminders = [message for message in smtp.inbox.to(address) if "/account/confirm/" not in str(message)]
    # The first sign-up counted too; the rest stop at the per-address cap (before: one mail per sign-up).
    assert 1 <= len(reminders) < RULES["signup:address"].limit
